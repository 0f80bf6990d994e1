#!/bin/sh
# CI entry for the differential tests against lavaan and brglm2. Installs nothing: CI first runs
#   apt-get install -y --no-install-recommends r-base-core r-cran-lavaan r-cran-brglm2 r-cran-jsonlite
# Usage: test/sem-diff/run.sh [--seed N]   (from anywhere; builds dist/cli.js and out/ when they are missing)
set -e
cd "$(dirname "$0")/../.."
[ -f dist/cli.js ] || npm run -s build
[ -f out/src/core/analysis/pathModel.js ] || npm run -s compile-tests
status=0
node test/sem-diff/differential.mjs "$@" || status=1
node test/sem-diff/firth.mjs "$@" || status=1
exit $status
