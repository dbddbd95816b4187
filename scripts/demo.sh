#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the project, then shows its main job: the demo server streaming into the monitor
# (ssemonitor) when there is a display; without one, the same stream headless with ssecat for
# a few seconds. If those are not built, sseparse on the bundled sample stream.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QTSSE_BUILD_DIR:-$repo/build}"

bash "$repo/scripts/setup.sh"

# An executable called $1 under build/bin or build/examples, or nothing.
find_tool() {
    local dir
    for dir in "$build_dir/bin" "$build_dir/examples"; do
        [[ -d "$dir" ]] || continue
        find "$dir" -type f -name "$1" -perm -u+x -print -quit
    done | head -n 1
}

server="$(find_tool sse-demo-server)"
ssecat="$(find_tool ssecat)"
monitor="$(find_tool ssemonitor)"

# A display to open a window on: X11 or Wayland, and not a CI job.
have_display() {
    [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -z "${CI:-}" ]]
}

if [[ -n "$server" && -n "$ssecat" ]]; then
    out="$(mktemp -d)"
    server_pid=
    cleanup() {
        if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
            kill "$server_pid" 2>/dev/null || true
            wait "$server_pid" 2>/dev/null || true
        fi
        rm -rf "$out"
    }
    trap cleanup EXIT

    echo "demo: starting $server"
    "$server" >"$out/server.out" 2>"$out/server.err" &
    server_pid=$!

    # The server prints its base URL on the first line of stdout (a complete line: read fails
    # until the newline is there).
    url=
    for _ in $(seq 100); do
        IFS= read -r url <"$out/server.out" && break
        url=
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "demo: the server exited early:" >&2
            cat "$out/server.err" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [[ -z "$url" ]]; then
        echo "demo: the server printed no URL within 10 s" >&2
        exit 1
    fi

    if ! have_display; then
        echo "demo: no display found: running the stream headless with ssecat"
    elif [[ -z "$monitor" ]]; then
        echo "demo: ssemonitor is not built (no Qt Quick?): running the stream with ssecat"
    else
        echo "demo: ssemonitor $url  (close the window to end the demo)"
        status=0
        "$monitor" "$url" || status=$?
        echo "demo: ssemonitor exited with status $status"
        exit 0
    fi
    echo "demo: ssecat --max-time 3 $url"
    status=0
    "$ssecat" --max-time 3 "$url" || status=$?
    echo "demo: ssecat exited with status $status"
    exit "$status"
else
    sample="$repo/examples/data/sample.sse"
    echo "demo: (ssecat or sse-demo-server not built: parsing a recorded stream instead)"
    echo "demo: sseparse $sample"
    exec "$build_dir/examples/sseparse/sseparse" "$sample"
fi
