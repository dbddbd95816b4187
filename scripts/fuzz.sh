#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/fuzz.sh [SECONDS [LIBFUZZER_OPTION...]]
#
# Fuzzes the parser (fuzz/fuzz_parser.cpp) for SECONDS (60 by default): installs what is missing
# (clang and libclang-rt-14-dev are in scripts/packages.txt), configures the fuzz build in
# build-fuzz/ (or $QTSSE_FUZZ_BUILD_DIR) with clang and QTSSE_FUZZ=ON, builds fuzz_parser and
# runs it from the seed corpus fuzz/corpus/parser, which it never writes to: the inputs it finds
# accumulate in build-fuzz/corpus/parser from run to run. Exits non-zero when the fuzzer finds a
# crash, a leak or a sanitizer report; the input is then in build-fuzz/artifacts/, and
# `build-fuzz/fuzz/fuzz_parser FILE` replays it. Options after SECONDS go to libFuzzer (e.g.
# -jobs=2).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
    printf 'usage: %s [SECONDS [LIBFUZZER_OPTION...]]\n' "$0" >&2
    exit 2
fi
shift $(($# ? 1 : 0))

bash "$repo/scripts/setup.sh" --packages-only

fuzzer_args="$(IFS=';'; printf '%s' "$*")"
CC=clang CXX=clang++ cmake \
    -DSOURCE_DIR="$repo" -DBUILD_DIR="$build_dir" -DCXX_COMPILER=clang++ -DGENERATOR=Ninja \
    -DSECONDS="$seconds" -DKEEP_CORPUS=ON -DFUZZER_ARGS="$fuzzer_args" \
    -P "$repo/fuzz/run_fuzzer.cmake"
