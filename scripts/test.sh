#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The README's test command: install what is needed, build, and run every
# test suite (unit, differential, headers, symbols/ABI, the real-Xen VM
# suite, the clang build, and the symbol set of the no-Xen backend).
# Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh

status=0
run_suite() {
    # $1: build dir, rest: meson test arguments
    dir=$1; shift
    meson test -C "$dir" --print-errorlogs "$@" || status=1
}

# 1. gcc, debug info (the ABI gate needs it), every suite including the VM.
#    upstream_compat only adds install rules; the dropin suite needs them.
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build -Dupstream_compat=true >/dev/null
else
    meson setup build -Dbuildtype=debugoptimized -Dupstream_compat=true
fi
ninja -C build
run_suite build

# 2. clang: the library and its unit tests must build warning-free there too.
if [ -f build-clang/build.ninja ]; then
    meson setup --reconfigure build-clang >/dev/null
else
    CC=clang meson setup build-clang -Dvm_tests=disabled
fi
ninja -C build-clang
run_suite build-clang --suite unit

# 3. The backend for systems without Xen drivers must export exactly the
#    same symbols (every operation answers EOPNOTSUPP there; its unit
#    suite checks that and the kernel-free parts).
if [ -f build-none/build.ninja ]; then
    meson setup --reconfigure build-none >/dev/null
else
    meson setup build-none -Dosdep=none -Dvm_tests=disabled
fi
ninja -C build-none
run_suite build-none --suite symbols --suite unit

# One closing line over every run, for people and for CI.
python3 scripts/summarize-tests.py build/meson-logs/testlog.json \
    build-clang/meson-logs/testlog.json build-none/meson-logs/testlog.json ||
    status=1
exit $status
