#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Many concurrent streams in one process (benchmarks/bench_scale) to one private nginx
# (benchmarks/nginx.sh; nchan: every stream subscribes to one channel, bench_scale publishes one
# message a second): 1,000 and 10,000 streams over HTTP/1.1 and over h2c (HTTP/2 prior
# knowledge), each run in a fresh process. Prints each run's details and then a table: streams
# open, all received events, RSS per stream, threads, fds, CPU with one event/s per stream and
# CPU with no events.
#
#   scripts/bench-scale.sh [--streams "1000 10000"] [--protocols "http1.1 h2c"] [--steady S]
#                          [--idle S]
#
# Builds Release in QTSSE_BENCH_BUILD_DIR (default build-bench). The machine's hard limit on open
# files (20,000 here) bounds the streams; bench_scale raises its soft limit to it. Targets:
# 10,000 HTTP/1.1 streams at <= 40 KiB each, 1,000 h2c streams at <= 16 KiB each, threads
# bounded, ~0 CPU when idle.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"
counts="1000 10000" protocols="http1.1 h2c" steady=10 idle=10
while [[ $# -gt 0 ]]; do
    case $1 in
    --streams) counts=$2; shift 2 ;;
    --protocols) protocols=$2; shift 2 ;;
    --steady) steady=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    *) echo "usage: $0 [--streams LIST] [--protocols LIST] [--steady S] [--idle S]" >&2; exit 2 ;;
    esac
done
[[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]] \
    || { echo "bench-scale: needs nginx's nchan module (libnginx-mod-nchan)" >&2; exit 1; }

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DQTSSE_BUILD_EXAMPLES=ON -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build_dir" --target bench_scale >/dev/null

tmp=$(mktemp -d /tmp/qtsse-scale.XXXXXX)
trap '"$repo/benchmarks/nginx.sh" stop "$tmp"; rm -rf "$tmp"' EXIT
read -r port port_h2 < <("$repo/benchmarks/nginx.sh" start "$tmp")

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); open files hard limit $(ulimit -Hn)"
status=0
for protocol in $protocols; do
    for n in $counts; do
        args=(--streams "$n" --steady "$steady" --idle "$idle" --publish "$port")
        url="http://127.0.0.1:$port"
        if [[ $protocol == h2c ]]; then
            args+=(--h2c)
            url="http://127.0.0.1:$port_h2"
        fi
        echo
        "$build_dir/benchmarks/bench_scale" "${args[@]}" "$url" | tee -a "$tmp/out" || status=1
    done
done

echo
echo "Scale: one process, one nginx host, one event per second per stream (steady ${steady} s, idle ${idle} s)"
printf '%-8s %7s %6s %10s %12s %12s %8s %6s %10s %9s %8s\n' protocol streams open \
    "all events" "RSS/stream" "heap/stream" threads fds "steady CPU" "idle CPU" "open in"
grep '^RESULT' "$tmp/out" | sed 's/^RESULT //' | awk '{
    for (i = 1; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%-8s %7d %6d %10s %8.1f KiB %8.1f KiB %8d %6d %9.1f%% %8.2f%% %7.1fs\n", v["protocol"],
        v["streams"], v["open"], v["all_got_events"], v["rss_per_stream_kib"],
        v["heap_per_stream_kib"], v["threads"], v["fds"], v["steady_cpu_pct"], v["idle_cpu_pct"],
        v["open_seconds"] }'
echo "(CPU in % of one core; RSS/stream = (RSS after the steady window - RSS before the streams) / streams;"
echo " heap/stream likewise from mallinfo2: bytes malloc'd and in use, resident or not)"
echo "Targets: HTTP/1.1 10,000 streams <= 40 KiB each; h2c 1,000 streams <= 16 KiB each; idle CPU ~0"
exit $status
