#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is missing, builds, and runs the whole test suite. Its output ends with ctest's
# summary, and it exits with ctest's status.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"

bash "$repo/scripts/setup.sh"

# No display is needed: Qt GUI/QML tests render offscreen unless the caller says otherwise.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

echo "test: running ctest in $build_dir"
exec ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 600 --no-tests=error
