#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the parser benchmark (Release, in build-bench) and runs it. The output ends with a table
# of events/s, MB/s and the parser's bandwidth as a percentage of memcpy's per workload, and the
# targets (>= 12 M small events/s; >= 50% of memcpy on 1 MiB events). Arguments are passed to
# the benchmark (default: --benchmark_repetitions=3, the table then shows medians), e.g.
#   scripts/bench-parser.sh --benchmark_filter=/small --benchmark_repetitions=5
# Needs Google Benchmark (Debian: libbenchmark-dev).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF -DQTSSE_BUILD_EXAMPLES=OFF -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
if ! grep -q bench_parser "$build_dir/build.ninja"; then
    echo "bench-parser: Google Benchmark was not found (Debian: apt-get install libbenchmark-dev)" >&2
    exit 1
fi
cmake --build "$build_dir" --target bench_parser

if [[ $# -eq 0 ]]; then
    set -- --benchmark_repetitions=3
fi
exec "$build_dir/benchmarks/bench_parser" "$@"
