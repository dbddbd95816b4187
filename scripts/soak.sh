#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The soak: SseClient -> FaultProxy (random cuts) -> nginx + nchan with a pipelined publisher,
# for EVENTS events (default 5,000,000) and at least RECONNECTS cuts of the client's connection
# (default 5,000), checking every event and sampling the harness's RSS and open file descriptors.
# Prints a table, then the figures (events, reconnects, lost, duplicated, RSS start / after
# warm-up / end, fds start / end) and PASS or FAIL. Builds with scripts/setup.sh (in build/ or
# $QTSSE_BUILD_DIR). The full run takes about 5 minutes on 2 cores (after the build).
#
#   scripts/soak.sh [EVENTS] [RECONNECTS]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"
events="${1:-5000000}"
reconnects="${2:-5000}"

bash "$repo/scripts/setup.sh"
cmake --build "$build_dir" --target ssesoak >/dev/null
exec "$build_dir/tests/soak/ssesoak" --events "$events" --reconnects "$reconnects"
