#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# cppcheck over src/ (every back end), zero findings allowed: warnings,
# style, portability and performance.  A finding that is wrong must be
# silenced where it occurs with a "cppcheck-suppress" comment saying why.
# Skips (exit 77) only where cppcheck is not installed; scripts/
# install-deps.sh installs it for CI.
#
# Two passes, one per architecture the library is proven on, so that
# code under #if defined(__x86_64__) and its #else (the portable path
# every other architecture takes) are both read: x86-64 with cppcheck's
# unix64 platform, arm64 Linux with cppcheck-aarch64-linux.xml (LP64,
# unsigned plain char).
set -eu
root=$1
command -v cppcheck >/dev/null 2>&1 || { echo "cppcheck not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
cd "$root"
check() {
    # $@: platform and architecture defines
    echo "cppcheck $*"
    cppcheck -q --error-exitcode=1 --inline-suppr \
        --enable=warning,style,portability,performance --std=c11 \
        -D__XEN_TOOLS__ -D__linux__ "$@" -I src -I include \
        -I include/private \
        --suppress=missingIncludeSystem src/
}
status=0
check --platform=unix64 -D__x86_64__ || status=1
check --platform="$here/cppcheck-aarch64-linux.xml" -D__aarch64__ || status=1
exit $status
