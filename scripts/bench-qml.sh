#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The QML path's cost against the C++ core and against node's eventsource, in one run.
#
#   scripts/bench-qml.sh [--runs N] [--events N] [--seconds S] [--compare REV] [--no-node]
#
# 1. Throughput: a private nginx (benchmarks/nginx.sh) serves a static file of N (default
#    1,000,000) ~64-byte JSON events; bench_qml reads it whole through each path (cpp-signal,
#    cpp-listener, qml-source, qml-handler, qml-handler-data, qml-batch, qml-batch-sum,
#    qml-batch-lists) and
#    node + eventsource 4 with the same handler, RUNS times each (default 3), alternating; the
#    table gives the medians of events/s and CPU µs per event.
# 2. A window under Xvfb fed at 100,000 events/s (bench_latency --serve: 100 events written
#    every 1 ms): a Text bound to eventCount, then a ListView on SseEventModel with qml/README.md's
#    delegate (NativeRendering text) and with Text's default (distance fields); the process's CPU
#    (% of one core), frames per second and frame intervals, RUNS times, then the median CPU.
# --compare REV also builds the library and QML module at git revision REV (in a detached
# worktree under the build directory, with this tree's bench_qml) and runs the same rows with
# it, labelled "REV:", for a before/after table from one run. Builds Release in QTSSE_BENCH_BUILD_DIR
# (default build-bench). eventsource is installed with npm into that directory (the npm
# registry is reachable; --no-node skips it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"
runs=3 events=1000000 seconds=10 compare="" node=1
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --compare) compare=$2; shift 2 ;;
    --no-node) node=0; shift ;;
    *) echo "usage: $0 [--runs N] [--events N] [--seconds S] [--compare REV] [--no-node]" >&2
       exit 2 ;;
    esac
done
for tool in nginx Xvfb; do
    command -v "$tool" >/dev/null || { echo "bench-qml: $tool is missing" >&2; exit 1; }
done

build() { # source_dir build_dir
    cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        -DQTSSE_BUILD_EXAMPLES=OFF -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
    cmake --build "$2" --target bench_qml bench_latency >/dev/null
}
build "$repo" "$build_dir"

tmp=$(mktemp -d /tmp/qtsse-qml.XXXXXX)
cleanup() {
    "$repo/benchmarks/nginx.sh" stop "$tmp" 2>/dev/null || true
    [[ -n ${xvfb_pid:-} ]] && kill "$xvfb_pid" 2>/dev/null
    [[ -n ${paced_pid:-} ]] && kill "$paced_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

variants=("$build_dir:")
if [[ -n $compare ]]; then
    # Kept in the build directory (a detached worktree and its build), so that a second run
    # builds nothing: `git worktree prune` after deleting the build directory forgets it.
    before="$build_dir/compare/$compare"
    if [[ ! -d $before/src ]]; then
        mkdir -p "$before"
        git -C "$repo" worktree add -q --detach "$before/src" "$compare"
    fi
    cp "$repo/benchmarks/bench_qml.cpp" "$repo/benchmarks/pacedserver.cpp" \
        "$repo/benchmarks/pacedserver.h" "$before/src/benchmarks/"
    # Only bench_qml and bench_latency of this tree's benchmarks, on the old library.
    cat >"$before/src/benchmarks/CMakeLists.txt" <<'CMAKE'
find_package(Threads REQUIRED)
qt_add_executable(bench_latency bench_latency.cpp pacedserver.cpp pacedserver.h)
target_link_libraries(bench_latency PRIVATE QtSse::QtSse Qt6::Network Threads::Threads)
qt_add_executable(bench_qml bench_qml.cpp)
target_link_libraries(bench_qml PRIVATE QtSse::QtSse Qt6::Gui Qt6::Qml Qt6::Quick)
add_dependencies(bench_qml QtSseQmlplugin)
CMAKE
    cp "$repo/benchmarks/bench_latency.cpp" "$before/src/benchmarks/"
    build "$before/src" "$before/build"
    variants=("$before/build:$compare:" "$build_dir:")
fi

if ((node)); then
    command -v node >/dev/null || { echo "bench-qml: node is missing (--no-node)" >&2; exit 1; }
    if [[ ! -d $build_dir/node/node_modules/eventsource ]]; then
        npm install --silent --prefix "$build_dir/node" eventsource@4 >/dev/null
    fi
    cp "$repo/benchmarks/node/eventsource-throughput.mjs" "$build_dir/node/"
fi

mkdir "$tmp/www"
awk -v n="$events" 'BEGIN {
    for (i = 0; i < n; i++)
        printf "data: {\"seq\":%d,\"sym\":\"QTSE\",\"px\":%d.25,\"pad\":\"%s\"}\n\n", i, 100 + i % 50,
            substr("xxxxxxxxxxxxxxxxxxxxxxxx", 1, 24 - length(i ""))
}' >"$tmp/www/events.sse"
read -r port _ < <("$repo/benchmarks/nginx.sh" start "$tmp")
url="http://127.0.0.1:$port/events.sse"

median() {
    sort -g | awk '{v[NR] = $1}
        END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "QtSse QML path: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo '+changes'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "1. Throughput: $events events of $(($(stat -c %s "$tmp/www/events.sse") / events)) bytes from nginx, median of $runs runs"
printf '%-22s %12s %12s\n' "path" "events/s" "CPU us/event"
modes=(cpp-signal cpp-listener qml-source qml-handler qml-handler-data qml-batch qml-batch-sum
    qml-batch-lists)
declare -A rate cpu
rows=()
for _ in $(seq "$runs"); do
    for variant in "${variants[@]}"; do
        dir=${variant%%:*} prefix=${variant#*:}
        for mode in "${modes[@]}"; do
            row="$prefix$mode"
            line=$(QT_QPA_PLATFORM=offscreen "$dir/benchmarks/bench_qml" "$mode" "$url" \
                --import "$dir/qml" 2>"$tmp/err") || { rate[$row]+="- "; continue; }
            read -r _ n r c <<<"$line"
            if [[ $n != "$events" ]]; then
                echo "bench-qml: $row received $n of $events events" >&2
                cat "$tmp/err" >&2
                exit 1
            fi
            rate[$row]+="$r " cpu[$row]+="$c "
            [[ " ${rows[*]} " == *" $row "* ]] || rows+=("$row")
        done
    done
    if ((node)); then
        read -r _ n r c < <(node "$build_dir/node/eventsource-throughput.mjs" "$url" "$events")
        rate[node]+="$r " cpu[node]+="$c "
        [[ " ${rows[*]} " == *" node "* ]] || rows+=("node")
    fi
done
for row in "${rows[@]}"; do
    if [[ ${rate[$row]} == *-* ]]; then
        printf '%-22s %12s\n' "$row" "n/a"
        continue
    fi
    printf '%-22s %12.0f %12.3f\n' "$row" "$(tr ' ' '\n' <<<"${rate[$row]}" | grep . | median)" \
        "$(tr ' ' '\n' <<<"${cpu[$row]}" | grep . | median)"
done

echo
echo "2. A window under Xvfb at 100,000 events/s (100 events every 1 ms), $seconds s each"
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
"$build_dir/benchmarks/bench_latency" --serve >"$tmp/paced" &
paced_pid=$!
for _ in $(seq 50); do grep -q '^port' "$tmp/paced" 2>/dev/null && break; sleep 0.1; done
paced="http://127.0.0.1:$(awk '/^port/ {print $2}' "$tmp/paced")/w?n=100000000&interval_us=1000&batch=100"
# The window's CPU varies from run to run more than the throughput does (Xvfb, llvmpipe's
# threads): RUNS runs, alternating, every row printed, then the median CPU of each.
declare -A window_cpu
window_rows=()
for _ in $(seq "$runs"); do
    for variant in "${variants[@]}"; do
        dir=${variant%%:*} prefix=${variant#*:}
        for mode in label-window model-window model-window-qtrendering; do
            row="$prefix$mode"
            line=$(DISPLAY=$display QT_QPA_PLATFORM=xcb "$dir/benchmarks/bench_qml" "$mode" \
                "$paced" --import "$dir/qml" --seconds "$seconds" --label "$row" 2>"$tmp/err") \
                || { echo "bench-qml: $row failed" >&2; cat "$tmp/err" >&2; exit 1; }
            echo "$line"
            read -r _ c _ <<<"$line"
            window_cpu[$row]+="$c "
            [[ " ${window_rows[*]} " == *" $row "* ]] || window_rows+=("$row")
        done
    done
done
echo "median %cpu of $runs runs:"
for row in "${window_rows[@]}"; do
    printf '%-34s %6.1f %%cpu\n' "$row" "$(tr ' ' '\n' <<<"${window_cpu[$row]}" | grep . | median)"
done
