#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The full exactly-once run: SseClient -> FaultProxy -> nginx + nchan, MESSAGES numbered
# messages (default 10,000) while the proxy cuts the client's connection at random points at
# least CUTS times (default 1,000), once with FIN cuts and once with RST cuts. ctest runs the
# same test with 100 cuts. Builds with scripts/setup.sh (in build/ or $QTSSE_BUILD_DIR), then
# prints the figures: messages, cuts, reconnects, lost, duplicated, time. SEED (default fixed)
# picks the proxy's cut offsets. Exits with the test's status.
#
#   scripts/exactly-once.sh [MESSAGES] [CUTS] [SEED]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"
export QTSSE_EXACTLY_ONCE_MESSAGES="${1:-10000}"
export QTSSE_EXACTLY_ONCE_CUTS="${2:-1000}"
[[ -n "${3:-}" ]] && export QTSSE_EXACTLY_ONCE_SEED="$3"

bash "$repo/scripts/setup.sh"
cmake --build "$build_dir" --target tst_exactlyonce >/dev/null

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "exactly-once: $QTSSE_EXACTLY_ONCE_MESSAGES messages, at least $QTSSE_EXACTLY_ONCE_CUTS cuts"
status=0
"$build_dir/tests/auto/exactlyonce/tst_exactlyonce" 2>&1 | tee "$log" || status=$?
echo
echo "---- figures"
grep -E 'exactly-once( figures)?:|nginx saw|^(PASS|FAIL)' "$log" | sed -e 's/^QINFO  : //' || true
exit "$status"
