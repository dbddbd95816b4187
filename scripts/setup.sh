#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian packages listed in scripts/packages.txt (only the missing ones), then
# configures and builds the project in build/ (or $QTSSE_BUILD_DIR). Safe to run repeatedly:
# a second run does no apt work and an incremental build. With --packages-only it stops after
# the packages (scripts/fuzz.sh and scripts/test-sanitizers.sh build elsewhere).
set -euo pipefail

packages_only=0
if [[ "${1:-}" == "--packages-only" ]]; then
    packages_only=1
elif (($#)); then
    printf 'usage: %s [--packages-only]\n' "$0" >&2
    exit 2
fi

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"

log() { printf 'setup: %s\n' "$*"; }

# --- packages --------------------------------------------------------------------------------
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$repo/scripts/packages.txt" | grep -v '^$')

missing=()
for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    log "all ${#packages[@]} packages present"
else
    log "installing ${#missing[@]} missing package(s): ${missing[*]}"
    as_root() {
        if ((EUID == 0)); then "$@"; else sudo "$@"; fi
    }
    if ((EUID != 0)) && ! command -v sudo >/dev/null; then
        log "not root and no sudo: install them by hand"
        exit 1
    fi
    # Keep package installs from starting services (nginx would take port 80): the policy-rc.d
    # of container images, put in place for the install only if there is none.
    policy=/usr/sbin/policy-rc.d
    own_policy=0
    if [[ ! -e "$policy" ]]; then
        own_policy=1
        trap 'as_root rm -f "$policy"' EXIT
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
    fi
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
    if ((own_policy)); then
        as_root rm -f "$policy"
        trap - EXIT
    fi
    log "packages installed"
fi

if ((packages_only)); then
    exit 0
fi

# --- configure and build ---------------------------------------------------------------------
log "configuring $build_dir"
cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo --log-level=WARNING \
    | { grep -Ev '^-- (Configuring done|Generating done|Build files have been written)' || true; }

log "building with $(nproc) jobs"
cmake --build "$build_dir" --parallel "$(nproc)"
log "done"
