#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end throughput over loopback: a private nginx (benchmarks/nginx.sh, sendfile on) serves
# bench_parser's workloads as static text/event-stream files; curl -sN (the transport ceiling)
# and `ssecat -q` download each file alternately, RUNS times each, in the same run. The table
# gives the medians: curl MB/s, ssecat MB/s, ssecat events/s, ssecat/curl, and ssecat's CPU
# seconds (user+sys) and peak RSS. Every ssecat run must report all the file's events and bytes.
#
#   scripts/bench-e2e.sh [--runs N] [--mb MB] [--perf] [--rt]
#
# --mb sets each file's size (default 300 MB; one file per workload: small, 1k, 1M, in a temp
# dir that is deleted at exit). --perf also records ssecat under `perf record -g` once per
# workload and prints the hottest symbols and the split by thread. --rt runs nginx's worker, curl
# and ssecat under SCHED_FIFO (chrt -f 50, needs root): on a machine busy with other work it
# measures the code rather than the wait for a CPU. Builds Release in
# QTSSE_BENCH_BUILD_DIR (default build-bench). Targets: >= 4.5 M small events/s; >= 50% of
# curl's bytes/s on 1k and 1M.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"
runs=5 mb=300 profile=0 rt=()
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    --perf) profile=1; shift ;;
    --rt) rt=(chrt -f 50); shift ;;
    *) echo "usage: $0 [--runs N] [--mb MB] [--perf] [--rt]" >&2; exit 2 ;;
    esac
done
for tool in nginx curl /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-e2e: $tool is missing" >&2; exit 1; }
done

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DQTSSE_BUILD_EXAMPLES=ON -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build_dir" --target ssecat bench_workload >/dev/null
ssecat="$build_dir/examples/ssecat/ssecat"

tmp=$(mktemp -d /tmp/qtsse-e2e.XXXXXX)
trap '"$repo/benchmarks/nginx.sh" stop "$tmp"; rm -rf "$tmp"' EXIT
mkdir "$tmp/www"
workloads=(small 1k 1M)
declare -A events bytes
for w in "${workloads[@]}"; do
    read -r e b < <("$build_dir/benchmarks/bench_workload" "$w" "$mb" "$tmp/www/$w.sse" \
        | sed 's/events=\([0-9]*\) bytes=\([0-9]*\)/\1 \2/')
    events[$w]=$e bytes[$w]=$b
done
read -r port _ < <("$repo/benchmarks/nginx.sh" start "$tmp")
if [[ ${#rt[@]} -gt 0 ]]; then
    for worker in $(pgrep -P "$(cat "$tmp/nginx.pid")"); do
        chrt -f -p 50 "$worker"
    done
fi

median() {
    sort -g | awk '{v[NR] = $1}
        END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg);" \
    "$runs runs each, alternating${rt[*]:+; ${rt[*]}}"
declare -A curl_s ssecat_s ssecat_cpu ssecat_rss
for w in "${workloads[@]}"; do
    url="http://127.0.0.1:$port/$w.sse"
    rm -f "$tmp"/*."$w"
    for _ in $(seq "$runs"); do
        read -r seconds size < <("${rt[@]}" curl -sN -o /dev/null \
            -w '%{time_total} %{size_download}\n' "$url")
        if [[ $size != "${bytes[$w]}" ]]; then
            echo "curl: $size bytes, expected ${bytes[$w]}" >&2
            exit 1
        fi
        echo "$seconds" >>"$tmp/curl.$w"
        "${rt[@]}" /usr/bin/time -o "$tmp/time" -f '%U %S %M' \
            "$ssecat" -q --max-events "${events[$w]}" "$url" 2>"$tmp/err"
        line=$(grep '^events=' "$tmp/err")
        if [[ $line != "events=${events[$w]} bytes=${bytes[$w]} "* ]]; then
            echo "ssecat on $w: '$line', expected events=${events[$w]} bytes=${bytes[$w]}" >&2
            exit 1
        fi
        echo "${line##*seconds=}" >>"$tmp/ssecat.$w"
        awk '{print $1 + $2 >> cpu; print $3 >> rss}' cpu="$tmp/cpu.$w" rss="$tmp/rss.$w" \
            "$tmp/time"
    done
    curl_s[$w]=$(median <"$tmp/curl.$w") ssecat_s[$w]=$(median <"$tmp/ssecat.$w")
    ssecat_cpu[$w]=$(median <"$tmp/cpu.$w") ssecat_rss[$w]=$(median <"$tmp/rss.$w")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "End-to-end over loopback nginx (medians of $runs; MB = 10^6 bytes;" \
    "ssecat's seconds from its -q line)"
printf '%-8s %8s %9s %10s %11s %13s %8s %11s %11s\n' workload MB events "curl MB/s" \
    "ssecat MB/s" "ssecat ev/s" "ratio" "ssecat CPU" "ssecat RSS"
for w in "${workloads[@]}"; do
    awk -v w="$w" -v b="${bytes[$w]}" -v e="${events[$w]}" -v c="${curl_s[$w]}" \
        -v s="${ssecat_s[$w]}" -v cpu="${ssecat_cpu[$w]}" -v rss="${ssecat_rss[$w]}" 'BEGIN {
        printf "%-8s %8.1f %9d %10.0f %11.0f %13.0f %7.1f%% %10.2fs %9.0fMB\n", w, b / 1e6, e,
            b / c / 1e6, b / s / 1e6, e / s, 100 * c / s, cpu, rss / 1024 }'
done
echo
echo "Targets:"
awk -v e="${events[small]}" -v s="${ssecat_s[small]}" 'BEGIN {
    r = e / s
    printf "  small events >= 4.5 M/s: %.2f M/s  %s\n", r / 1e6, (r >= 4.5e6) ? "MET" : "MISSED" }'
for w in 1k 1M; do
    awk -v w="$w" -v c="${curl_s[$w]}" -v s="${ssecat_s[$w]}" 'BEGIN {
        r = 100 * c / s
        printf "  %s >= 50%% of curl: %.1f%%  %s\n", w, r, (r >= 50) ? "MET" : "MISSED" }'
done

if [[ $profile == 1 ]]; then
    command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
    for w in "${workloads[@]}"; do
        echo
        echo "== perf: ssecat -q on $w: samples by thread and library; then the main thread's"
        echo "   functions, inclusive (children) and self time, in % of all samples"
        perf record -q -o "$tmp/perf.data" -F 1500 --call-graph dwarf,16384 \
            "$ssecat" -q --max-events "${events[$w]}" "http://127.0.0.1:$port/$w.sse" 2>/dev/null
        perf report -i "$tmp/perf.data" --no-children --sort comm,dso -g none 2>/dev/null \
            | grep '%' | head -8
        echo "--"
        perf report -i "$tmp/perf.data" --comm ssecat --children --sort symbol -g none \
            --percent-limit 1.5 2>/dev/null | grep '%' | grep -v -e '\] 0x0000' -e '\[k\] ' \
            | head -30 | cut -c1-120
    done
fi
