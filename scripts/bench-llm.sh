#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What SseLlmStream costs per token over the plain SseClient (benchmarks/bench_llm.cpp), per
# dialect: in memory (SseParser alone, by hand with SseEvent::json(), SseLlmStream) and over
# loopback (SseClient alone, SseLlmStream on SseClient), in ns per token, medians of R runs.
#
#   scripts/bench-llm.sh [--tokens N] [--runs R]
#
# Builds Release in QTSSE_BENCH_BUILD_DIR (default build-bench).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BENCH_BUILD_DIR:-$repo/build-bench}"

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF -DQTSSE_BUILD_EXAMPLES=OFF -DQTSSE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build_dir" --target bench_llm
exec "$build_dir/benchmarks/bench_llm" "$@"
