#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/test-sanitizers.sh [CTEST_OPTION...]
#
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer: installs what is
# missing, configures build-asan/ (or $QTSSE_ASAN_BUILD_DIR) with QTSSE_SANITIZE=ON (every
# target, the library, the tests and the examples they run as child processes, is sanitized;
# the compiler is the default one, GCC on Debian, or $CXX), builds it and runs ctest. Leaks
# are reported (LeakSanitizer) and any report fails the test that made it: ASan and LSan exit
# non-zero, UBSan halts on the first error. scripts/lsan.supp silences leaks that are Qt's or its
# plugins' own, never the project's. scripts/test.sh (and so CI) runs it after the plain suite.
# Its output ends with ctest's summary, and it exits with ctest's status.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_ASAN_BUILD_DIR:-$repo/build-asan}"

bash "$repo/scripts/setup.sh" --packages-only

echo "test-sanitizers: configuring $build_dir"
cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQTSSE_SANITIZE=ON \
    -DQTSSE_BUILD_BENCHMARKS=OFF --log-level=WARNING \
    | { grep -Ev '^-- (Configuring done|Generating done|Build files have been written)' || true; }
echo "test-sanitizers: building with $(nproc) jobs"
cmake --build "$build_dir" --parallel "$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$repo/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# Qt Quick renders in software: with OpenGL, Mesa's driver (swrast_dri.so under Xvfb) leaks, and
# it is unloaded before LeakSanitizer reports, so that its leaks cannot even be suppressed by name.
export QT_QUICK_BACKEND="${QT_QUICK_BACKEND:-software}"

echo "test-sanitizers: running ctest in $build_dir"
exec ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 900 --no-tests=error "$@"
