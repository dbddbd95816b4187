#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/repeat-tests.sh N [REGEX]
#
# Flakiness check: builds (scripts/setup.sh), then runs the test suite, or the tests whose names
# match REGEX, N times each (ctest --repeat until-fail:N: a test stops at its first failure,
# the others go on). With QTSSE_LOAD=1 both cores are kept busy meanwhile by stress-ng (one CPU
# hog per core, its own process group, stopped at exit), as on a loaded CI machine. The output
# of every run is kept in build/Testing/Temporary/repeat-*.log; the output ends with ctest's
# summary and the time taken; the exit status is ctest's.
set -euo pipefail

if (($# < 1 || $# > 2)) || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
    printf 'usage: %s N [REGEX]   (QTSSE_LOAD=1: under stress-ng on every core)\n' "$0" >&2
    exit 2
fi
count=$1
regex=${2:-}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"
bash "$repo/scripts/setup.sh"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

load_pid=
stop_load() {
    if [[ -n "$load_pid" ]]; then
        kill -- "-$load_pid" 2>/dev/null || true
        wait "$load_pid" 2>/dev/null || true
    fi
}
trap stop_load EXIT
if [[ "${QTSSE_LOAD:-0}" == 1 ]]; then
    command -v stress-ng >/dev/null || { echo "repeat-tests: stress-ng is missing" >&2; exit 1; }
    # Its own process group (set -m), so that one kill stops it and its workers.
    set -m
    stress-ng --cpu "$(nproc)" --timeout 0 --quiet &
    load_pid=$!
    set +m
    echo "repeat-tests: stress-ng on $(nproc) cores (pid $load_pid)"
fi

args=(--test-dir "$build_dir" -j2 --timeout 600 --no-tests=error --repeat "until-fail:$count"
      --output-log "$build_dir/Testing/Temporary/repeat-$(date +%Y%m%d-%H%M%S).log"
      --output-on-failure)
[[ -n "$regex" ]] && args+=(-R "$regex")
echo "repeat-tests: each test up to $count times${regex:+ (matching $regex)}"
start=$SECONDS
status=0
ctest "${args[@]}" || status=$?
echo "repeat-tests: $((SECONDS - start)) s"
exit "$status"
