#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# with-keyring.sh COMMAND...: runs COMMAND in a private D-Bus session with a private, unlocked
# GNOME Keyring (the Secret Service), HOME and XDG_DATA_HOME in a temporary directory, and
# QTSSE_TEST_KEYRING=1. Fails (never skips) when dbus-run-session or gnome-keyring-daemon is
# missing (scripts/packages.txt: dbus, gnome-keyring).
set -eu
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "FAIL!  : with-keyring.sh: $tool not found" >&2; exit 1; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export HOME="$dir" XDG_DATA_HOME="$dir/data" QTSSE_TEST_KEYRING=1
unset XDG_CONFIG_HOME XDG_CACHE_HOME
# The daemon lives as long as the session; a fixed password unlocks the fresh login keyring.
dbus-run-session -- sh -c '
    printf %s test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' with-keyring "$@"
