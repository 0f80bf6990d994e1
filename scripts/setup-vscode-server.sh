#!/usr/bin/env bash
# Installs what the editor tests need, offline-safe (npm registry + Debian packages only):
#  - Debian: chromium (the browser Playwright drives), libkrb5-dev (a native module of the VS Code
#    server), ripgrep (VS Code search; also seeds @vscode/ripgrep's download cache)
#  - npm: code-server pinned in test/vscode-server/package.json (+ lockfile), natives built here
# Idempotent. Prints the code-server path on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

need=()
for p in chromium libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install ${need[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache in $TMPDIR has the
# tarball: seed it with Debian's rg.
tmp="${TMPDIR:-/tmp}"
work=$(mktemp -d); cp "$(command -v rg)" "$work/rg"
for pv in 1.15.9 1.15.10 1.15.11 1.15.13 1.15.14; do
  d="$tmp/vscode-ripgrep-cache-$pv"; mkdir -p "$d"
  for tag in v13.0.0-4 v13.0.0-10 v13.0.0-13; do
    f="$d/ripgrep-$tag-x86_64-unknown-linux-musl.tar.gz"
    [ -s "$f" ] || tar czf "$f" -C "$work" rg
  done
done
rm -rf "$work"

cd "$here/test/vscode-server"
if [ ! -x node_modules/.bin/code-server ] || ! node_modules/.bin/code-server --version >/dev/null 2>&1; then
  # code-server's postinstall insists on unsafe-perm when root; node-pty's post-install runs
  # `npx node-gyp`, which an npmrc with yes=false would cancel.
  export npm_config_unsafe_perm=true npm_config_yes=true
  npm ci --no-audit --no-fund >&2
fi
node_modules/.bin/code-server --version | head -1 >&2
echo "$here/test/vscode-server/node_modules/.bin/code-server"
