#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is missing, builds, and runs the whole test suite twice: as built (build/), then
# under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/test-sanitizers.sh, build-asan/).
# Its output ends with the second ctest's summary; it exits non-zero if either run (or the
# packages' test) failed.
# Beside the first run, scripts/test-packages.sh installs the Debian packages into a fresh chroot.
# QTSSE_SANITIZERS=0 skips the second run (a quick local check; CI always runs both).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"

bash "$repo/scripts/setup.sh"

# No display is needed: Qt GUI/QML tests render offscreen unless the caller says otherwise.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

# The Debian packages, installed with apt into a fresh Debian 12 chroot (scripts/test-packages.sh,
# which needs root and Debian's archive): in the background while the suite runs, as it mostly
# waits for downloads and dpkg; one compile job, so that the suite keeps a core. Its log follows
# the suite's. QTSSE_PACKAGES=0 skips it.
# It needs root and debootstrap (scripts/packages.txt): without them it is skipped, said once.
# At most 30 minutes; niced, so that the suite's processes come first; stopped if this script
# ends early (Ctrl-C).
packages_pid=""
if [[ "${QTSSE_PACKAGES:-1}" != 0 ]]; then
    if ((EUID != 0)) || ! command -v debootstrap >/dev/null; then
        echo "test: the Debian packages' test is skipped (it needs root and debootstrap)"
    else
        QTSSE_JOBS=1 setsid -w nice -n 19 timeout --kill-after=60 1800 \
            bash "$repo/scripts/test-packages.sh" >"$build_dir/test-packages.log" 2>&1 &
        packages_pid=$!
        trap '[[ -n $packages_pid ]] && kill -- "-$packages_pid" 2>/dev/null' EXIT
    fi
fi

start=$SECONDS
echo "test: running ctest in $build_dir"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 600 --no-tests=error || status=$?
echo "test: the suite took $((SECONDS - start)) s (exit status $status)"

if [[ -n $packages_pid ]]; then
    packages_status=0
    wait "$packages_pid" || packages_status=$?
    packages_pid=""
    cat "$build_dir/test-packages.log"
    ((packages_status == 124)) && echo "test: the packages' test timed out (30 min)"
    echo "test: the packages' test ended $((SECONDS - start)) s after the suite started (exit status $packages_status)"
    if ((packages_status != 0 && status == 0)); then
        status=$packages_status
    fi
fi

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
