#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A reconnect storm (benchmarks/bench_storm): 1,000 SseClients on one server in the same process
# (its own thread); the server drops them all and listens again after 1 s; the arrival of every
# reconnect is recorded and printed as a histogram (100 ms bins), with jitter on and then off.
# Arguments go to bench_storm (--clients, --down-ms, --retry-ms, --bin-ms, --jitter), except
# --rt: run it under SCHED_FIFO (chrt -f 50, needs root), so that on a machine busy with other
# work the histogram shows the clients' timing rather than the wait for a CPU. Builds Release in
# QTSSE_BENCH_BUILD_DIR (default build-bench).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"
cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DQTSSE_BUILD_EXAMPLES=ON -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build_dir" --target bench_storm >/dev/null
rt=() args=()
for arg in "$@"; do
    if [[ $arg == --rt ]]; then rt=(chrt -f 50); else args+=("$arg"); fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)${rt[*]:+; ${rt[*]}}"
exec "${rt[@]}" "$build_dir/benchmarks/bench_storm" "${args[@]}"
