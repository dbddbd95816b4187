#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Latency from the server's write() to SseClient's eventReceived signal (benchmarks/bench_latency):
# one paced server process; the client receives EVENTS events, one per INTERVAL µs, each stamped
# by the server with steady_clock just before its write(), and prints mean/p50/p90/p99/p99.9/max:
#   - HTTP/1.1 straight to the server;
#   - HTTP/1.1 through a private nginx (proxy_pass, proxy_buffering off; benchmarks/nginx.sh);
#   - HTTP/2 without TLS (prior knowledge) through the same nginx;
#   - then, through the same nginx, server write -> line on a client's stdout (bench_latency
#     --lines reads the pipe): ssecat, curl -N, and node + eventsource 4 (if scripts/bench-qml.sh
#     installed it into the build directory).
#
#   scripts/bench-latency.sh [--events N] [--interval-us U] [--runs R] [--rt]
#
# Defaults: 20000 events at 500 µs (10 s per row), 1 run per path. --rt runs the server, nginx's
# worker and the client under SCHED_FIFO (chrt -f 50, needs root): on a machine busy with other
# work it shows the latency of the code rather than the wait for a CPU. Builds Release in
# QTSSE_BENCH_BUILD_DIR (default build-bench). Target: p50 < 300 µs, p99 < 1 ms.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"
events=20000 interval=500 runs=1 rt=()
while [[ $# -gt 0 ]]; do
    case $1 in
    --events) events=$2; shift 2 ;;
    --interval-us) interval=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --rt) rt=(chrt -f 50); shift ;;
    *) echo "usage: $0 [--events N] [--interval-us U] [--runs R] [--rt]" >&2; exit 2 ;;
    esac
done

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DQTSSE_BUILD_EXAMPLES=ON -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build_dir" --target bench_latency ssecat >/dev/null
bench="$build_dir/benchmarks/bench_latency"

tmp=$(mktemp -d /tmp/qtsse-latency.XXXXXX)
server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    "$repo/benchmarks/nginx.sh" stop "$tmp" || true
    rm -rf "$tmp"
}
trap cleanup EXIT

"${rt[@]}" "$bench" --serve >"$tmp/server.out" &
server_pid=$!
for _ in $(seq 100); do
    [[ -s $tmp/server.out ]] && break
    sleep 0.05
done
server_port=$(awk '/^port/ {print $2}' "$tmp/server.out")
[[ -n $server_port ]] || { echo "bench-latency: the server did not start" >&2; exit 1; }
read -r port port_h2 < <("$repo/benchmarks/nginx.sh" start "$tmp" --upstream "127.0.0.1:$server_port")

if [[ ${#rt[@]} -gt 0 ]]; then
    for worker in $(pgrep -P "$(cat "$tmp/nginx.pid")"); do
        chrt -f -p 50 "$worker"
    done
fi

query="n=$events&interval_us=$interval"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $events events, one per $interval us${rt[*]:+; ${rt[*]}}"
header=--header status=0
for _ in $(seq "$runs"); do
    "${rt[@]}" "$bench" $header --label "HTTP/1.1 direct" "http://127.0.0.1:$server_port/events?$query" \
        || status=1
    header=""
    "${rt[@]}" "$bench" --label "HTTP/1.1 via nginx" "http://127.0.0.1:$port/proxy/events?$query" || status=1
    "${rt[@]}" "$bench" --h2c --label "h2c via nginx" "http://127.0.0.1:$port_h2/proxy/events?$query" \
        || status=1
    url="http://127.0.0.1:$port/proxy/events?$query"
    "${rt[@]}" "$build_dir/examples/ssecat/ssecat" -s --max-events "$events" "$url" \
        | "${rt[@]}" "$bench" --lines "$events" --label "ssecat | stdout" || status=1
    # (curl may find the pipe closed after the last line: its status is not the row's.)
    { "${rt[@]}" curl -sN "$url" || true; } \
        | "${rt[@]}" "$bench" --lines "$events" --label "curl -N | stdout" || status=1
    if [[ -d $build_dir/node/node_modules/eventsource ]]; then
        cp "$repo/benchmarks/node/eventsource-lines.mjs" "$build_dir/node/"
        { "${rt[@]}" node "$build_dir/node/eventsource-lines.mjs" "$url" "$events" || true; } \
            | "${rt[@]}" "$bench" --lines "$events" --label "node eventsource | stdout" || status=1
    fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Target: p50 < 300 us, p99 < 1000 us"
exit $status
