#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is missing, builds, and runs the whole test suite twice: as built (build/), then
# under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/test-sanitizers.sh, build-asan/).
# Its output ends with the second ctest's summary; it exits non-zero if either run failed.
# QTSSE_SANITIZERS=0 skips the second run (a quick local check; CI always runs both).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"

bash "$repo/scripts/setup.sh"

# No display is needed: Qt GUI/QML tests render offscreen unless the caller says otherwise.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

start=$SECONDS
echo "test: running ctest in $build_dir"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 600 --no-tests=error || status=$?
echo "test: the suite took $((SECONDS - start)) s (exit status $status)"

if [[ "${QTSSE_SANITIZERS:-1}" != 0 ]]; then
    sanitizer_status=0
    bash "$repo/scripts/test-sanitizers.sh" -E "^fuzz_smoke$" || sanitizer_status=$?
    if ((status != 0)); then
        echo "test: the first run (without sanitizers) failed: exit status $status"
    else
        status=$sanitizer_status
    fi
fi
exit "$status"
