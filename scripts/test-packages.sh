#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds QtSse's Debian packages with CPack and installs them with apt into a fresh, minimal
# Debian 12 (debootstrap), where it then
#   - builds and runs an outside project with find_package(QtSse), and one with pkg-config;
#   - runs a QML file that imports QtSse (offscreen) against sse-demo-server from the packages;
#   - runs ssecat --help, ssecat against the demo server, and man ssecat.
# Needs root (chroot), debootstrap, and Debian's archive (deb.debian.org) reachable.
#
# Everything lives in $QTSSE_BUILD_DIR/packages (build/packages by default):
#   build/    the tree the packages are built from (-DCMAKE_INSTALL_PREFIX=/usr, no tests)
#   debs/     the packages
#   base/     the cached minimal Debian 12 with the build tools: made once, never changed
#   apt/      the cached archives apt downloaded (so that a second run downloads nothing)
#   root/     this run's chroot: an overlay on base/ (changes in upper/), or a copy of it;
#             unmounted at exit, deleted at the start of the next run
# Usage: scripts/test-packages.sh [--rebuild-base]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"
work="$build_dir/packages"
mirror="${QTSSE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
jobs="${QTSSE_JOBS:-$(nproc)}"
start=$SECONDS

log() { printf 'test-packages: [%3ds] %s\n' "$((SECONDS - start))" "$*"; }
fail() {
    printf 'test-packages: FAILED: %s\n' "$*" >&2
    exit 1
}

if [[ "${1:-}" == "--rebuild-base" ]]; then
    rm -rf "$work/base"
elif (($#)); then
    printf 'usage: %s [--rebuild-base]\n' "$0" >&2
    exit 2
fi
((EUID == 0)) || fail "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/packages.txt)"
mkdir -p "$work/apt"

# --- the packages ----------------------------------------------------------------------------
log "building the packages in $work/build"
cmake -S "$repo" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF -DQTSSE_BUILD_BENCHMARKS=OFF \
    -DQTSSE_BUILD_DOCS=OFF --log-level=WARNING >/dev/null
cmake --build "$work/build" --parallel "$jobs" >/dev/null
rm -rf "$work/debs"
(cd "$work/build" && cpack -G DEB -B "$work/debs" >/dev/null)
rm -rf "$work/debs/_CPack_Packages"
for deb in "$work"/debs/*.deb; do
    printf '  %-40s %8d bytes  Depends: %s\n' "$(basename "$deb")" "$(stat -c %s "$deb")" \
        "$(dpkg-deb -f "$deb" Depends)"
done

# --- a minimal Debian 12 with the build tools, made once -------------------------------------
in_root() { chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "${@:2}"; }
apt_in() { in_root "$1" apt-get -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "${@:2}"; }

if [[ ! -f "$work/base/.complete" ]]; then
    log "debootstrap: minimal Debian 12 into $work/base (once; cached)"
    rm -rf "$work/base"
    debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || fail "debootstrap (see $work/debootstrap.log)"
    cp /etc/resolv.conf "$work/base/etc/resolv.conf"
    # Services are never started in a chroot.
    printf '#!/bin/sh\nexit 101\n' >"$work/base/usr/sbin/policy-rc.d"
    chmod 755 "$work/base/usr/sbin/policy-rc.d"
    apt_in "$work/base" update >/dev/null
    # What an application developer brings: a compiler, CMake, pkg-config, man.
    apt_in "$work/base" install g++ make cmake pkg-config man-db >"$work/base-tools.log" 2>&1 \
        || fail "installing the build tools (see $work/base-tools.log)"
    apt_in "$work/base" clean
    touch "$work/base/.complete"
fi

# --- this run's chroot: a fresh copy -----------------------------------------------------------
# An overlay on base/ (this run's changes go to upper/), else a copy (38 s here).
root="$work/root"
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    umount "$root" 2>/dev/null || true
}
cleanup # what a killed run left mounted
rm -rf --one-file-system "$root" "$work/upper" "$work/overlay-work"
mkdir -p "$root" "$work/upper" "$work/overlay-work"
trap cleanup EXIT
if mount -t overlay overlay \
    -o "lowerdir=$work/base,upperdir=$work/upper,workdir=$work/overlay-work" "$root" 2>/dev/null; then
    log "fresh chroot $root (an overlay on base/)"
else
    log "fresh chroot $root (a copy of base/: overlay mount refused)"
    cp -a "$work/base/." "$root/"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" 2>/dev/null || log "(no /proc in the chroot: mount refused)"
# apt's downloads survive the run, so that the next one fetches nothing.
cp -a "$work/apt/." "$root/var/cache/apt/archives/" 2>/dev/null || true
mkdir -p "$root/tmp/debs" && cp "$work"/debs/*.deb "$root/tmp/debs/"

log "apt-get install the packages (and what they depend on) from Debian's archive"
apt_in "$root" update >/dev/null
debs=()
for deb in "$root"/tmp/debs/*.deb; do
    debs+=("/tmp/debs/$(basename "$deb")") # as the chroot sees them
done
# qml-qt6: the qml runtime, to run a QML file.
apt_in "$root" install "${debs[@]}" qml-qt6 >"$work/install.log" 2>&1 \
    || { tail -20 "$work/install.log"; fail "apt-get install (see $work/install.log)"; }
grep -E '^(Setting up (libqtsse|qml6-module-qtsse|qtsse-tools))' "$work/install.log" | sed 's/^/  /'
cp -a "$root/var/cache/apt/archives/"*.deb "$work/apt/" 2>/dev/null || true

# --- an outside project: find_package(QtSse), and pkg-config ---------------------------------
mkdir -p "$root/tmp/app"
cat >"$root/tmp/app/main.cpp" <<'CPP'
#include <QtSse/SseClient>
#include <QtSse/SseParser>

#include <QtCore/QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QList<SseEvent> events = SseParser::parseAll("event: hello\ndata: from QtSse\n\n");
    SseClient client(QUrl(QStringLiteral("http://127.0.0.1:1/")));
    if (events.size() != 1 || events.first().data() != QStringLiteral("from QtSse")
        || client.state() != SseClient::Closed)
        return 1;
    std::printf("%s: %s\n", qPrintable(events.first().type()), qPrintable(events.first().data()));
    return 0;
}
CPP
cat >"$root/tmp/app/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(app LANGUAGES CXX)
find_package(QtSse REQUIRED)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE QtSse::QtSse)
CMAKE
log "outside project with find_package(QtSse)"
in_root "$root" cmake -S /tmp/app -B /tmp/app/build >/dev/null
in_root "$root" cmake --build /tmp/app/build >/dev/null
in_root "$root" /tmp/app/build/app | sed 's/^/  /'

log "outside project with pkg-config"
in_root "$root" sh -c 'g++ -std=c++17 -fPIC /tmp/app/main.cpp -o /tmp/app/app-pc \
    $(pkg-config --cflags --libs QtSse)'
in_root "$root" /tmp/app/app-pc | sed 's/^/  /'

# --- the tools and the QML module against the demo server ------------------------------------
log "ssecat --help, man ssecat"
in_root "$root" ssecat --help | head -2 | sed 's/^/  /'
in_root "$root" sh -c 'MANPAGER=cat MANWIDTH=80 man ssecat' >"$work/man.txt" 2>&1 \
    || fail "man ssecat: $(cat "$work/man.txt")"
grep -q 'SSECAT(1)' "$work/man.txt" || fail "man ssecat printed no manual page"
sed -n '1,4p' "$work/man.txt" | sed 's/^/  /'

log "sse-demo-server, ssecat and a QML file importing QtSse (offscreen)"
in_root "$root" sh -c 'sse-demo-server --quiet > /tmp/demo-url & echo $! > /tmp/demo-pid'
for _ in $(seq 50); do
    [[ -s "$root/tmp/demo-url" ]] && break
    sleep 0.1
done
url="$(head -1 "$root/tmp/demo-url")"
[[ -n "$url" ]] || fail "sse-demo-server printed no URL"
in_root "$root" ssecat --max-events 2 "$url" | sed 's/^/  /'
# An Item root: the qml tool shows it in a window (offscreen here), and runs until Qt.exit().
cat >"$root/tmp/app/Check.qml" <<QML
import QtQuick
import QtSse

Item {
    SseSource {
        id: source
        url: "$url"
        active: true
        onEventReceived: (event) => {
            console.log("QML got", event.type, event.data, "id", event.lastEventId)
            Qt.exit(0)
        }
        onErrorOccurred: console.log("QML error", source.errorString)
    }
    Timer {
        interval: 20000
        running: true
        onTriggered: { console.log("QML: no event within 20 s"); Qt.exit(1) }
    }
}
QML
status=0
mkdir -p -m 700 "$root/tmp/runtime"
in_root "$root" env QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp/runtime /usr/lib/qt6/bin/qml \
    /tmp/app/Check.qml \
    >"$work/qml.log" 2>&1 || status=$?
in_root "$root" sh -c 'kill $(cat /tmp/demo-pid)' || true
sed 's/^/  /' "$work/qml.log"
((status == 0)) || fail "the QML file exited with status $status"

log "passed"
