#!/usr/bin/env bash
# CI must pass on a busy machine (issue 11 §8): a red CI throws a whole submission away, and CI shares
# its cores with other work. This runs the whole of `.ci/run`, each time in a fresh clone of the
# committed tree, several times in a row while `stress-ng --cpu N` keeps every core busy, prints each
# run's closing line (`N passed, N failed`), its exit code, duration and load average, and exits
# non-zero if any run failed.
#
# Usage: bash scripts/ci-under-load.sh            (3 runs of HEAD, stress-ng on 2 cores)
#   RUNS=5 REF=main STRESS_CPUS=2 bash scripts/ci-under-load.sh
#   KEEP=1 keeps the clones; the logs of every run are kept in the printed directory either way.
# Installs Debian's stress-ng when missing. Takes long: a quiet machine needs ~5 min per run.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-3}"
ref="$(git -C "$root" rev-parse --verify "${REF:-HEAD}^{commit}")" || exit 2
cpus="${STRESS_CPUS:-$(nproc)}"

if ! command -v stress-ng >/dev/null; then
  echo "apt-get install stress-ng" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stress-ng >&2 || { echo "cannot install stress-ng" >&2; exit 2; }
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/dilemma-ci-load-XXXXXX")"
# The clones sit where CI puts the project: beside ../shared (the lavaan reference fits the tests read).
if [ -d "$root/../shared" ]; then ln -sfn "$(cd "$root/../shared" && pwd)" "$work/shared"; fi
stress_pid=""
stop_stress() { if [ -n "$stress_pid" ]; then kill -TERM "$stress_pid" 2>/dev/null; wait "$stress_pid" 2>/dev/null; stress_pid=""; fi; }
trap 'stop_stress; [ -n "${KEEP:-}" ] || rm -rf "$work"/clone-*' EXIT
trap 'exit 130' INT TERM

# The load: one busy worker per core for as long as the runs take (stopped by its PID at the end).
stress-ng --cpu "$cpus" --quiet &
stress_pid=$!
echo "ci-under-load: ${runs} run(s) of .ci/run at ${ref:0:12} with stress-ng --cpu ${cpus} (pid ${stress_pid}); logs in ${work}"

failed=0
summary=()
for i in $(seq 1 "$runs"); do
  clone="$work/clone-$i"
  logf="$work/run-$i.log"
  git clone -q --no-checkout "$root" "$clone" && git -C "$clone" checkout -q --detach "$ref" || { echo "run $i: clone failed"; failed=1; continue; }
  load_before="$(cut -d' ' -f1 /proc/loadavg)"
  start=$(date +%s)
  (cd "$clone" && CI=true bash .ci/run) >"$logf" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  load_after="$(cut -d' ' -f1 /proc/loadavg)"
  closing="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logf" | tail -1)"
  [ "$rc" = 0 ] || failed=1
  line="run $i: ${closing:-no closing line} (exit $rc, $((secs / 60))m$((secs % 60))s, load ${load_before} -> ${load_after})"
  echo "$line"
  [ "$rc" = 0 ] || grep -E '^\[[0-9.]+s\] FAIL |^\[exthost\] +[0-9]+\) |failing' "$logf" | head -20 | sed 's/^/    /'
  summary+=("$line")
  [ -n "${KEEP:-}" ] || rm -rf "$clone"
done
stop_stress

echo "ci-under-load: $(printf '%s\n' "${summary[@]}" | grep -c '(exit 0,') of ${runs} run(s) passed"
exit "$failed"
