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
# unsigned plain char).  The family files (src/osdep/family/) include
# their OS's header by name (gntdev-os.h, evtchn-os.h): in each pass
# they are read again with every OS folder that provides one.
set -eu
root=$1
command -v cppcheck >/dev/null 2>&1 || { echo "cppcheck not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
cd "$root"
check() {
    # $1: the files; the rest: platform, defines, include folders
    what=$1
    shift
    echo "cppcheck $* $what"
    cppcheck -q --error-exitcode=1 --inline-suppr \
        --enable=warning,style,portability,performance --std=c11 \
        -D__XEN_TOOLS__ -D__linux__ "$@" -I src -I include \
        -I include/private \
        --suppress=missingIncludeSystem "$what"
}
status=0
for arch in "--platform=unix64 -D__x86_64__" \
            "--platform=$here/cppcheck-aarch64-linux.xml -D__aarch64__"; do
    # shellcheck disable=SC2086 # $arch is two words on purpose
    check src/ $arch || status=1
    for os in linux freebsd netbsd; do
        # shellcheck disable=SC2086
        check src/osdep/family/ $arch -I "src/osdep/$os" || status=1
    done
done
exit $status
