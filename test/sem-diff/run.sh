#!/bin/sh
# CI entry for the differential test against lavaan. Installs nothing: CI first runs
#   apt-get install -y --no-install-recommends r-base-core r-cran-lavaan r-cran-jsonlite
# Usage: test/sem-diff/run.sh [--seed N]   (from anywhere; builds dist/cli.js when it is missing)
set -e
cd "$(dirname "$0")/../.."
[ -f dist/cli.js ] || npm run -s build
exec node test/sem-diff/differential.mjs "$@"
