#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Install everything libxenstable needs to build and test on Debian 12.
# Idempotent; run as root.  Packages are grouped by why they are needed.
set -eu

BUILD="meson ninja-build gcc clang pkg-config python3 libcmocka-dev zlib1g-dev"
# Upstream's own build of the stable libraries and its headers: the
# reference for differential, header and layout tests.
REFERENCE="libxen-dev"
# ABI gate and drop-in checks (dpkg-dev: dpkg-gensymbols cross-checks
# symbols/debian/).
ABI="abigail-tools abi-compliance-checker abi-dumper binutils dpkg-dev"
# VM test bed: QEMU runs Xen + a Debian dom0; the Xen, kernel and busybox
# packages are fetched with apt-get download into the build directory.
VM="qemu-system-x86 gzip"
# arm64 (issue 16): the cross build and its tests under qemu-user
# (scripts/arm64-sysroot.sh fetches Debian's arm64 libraries with a
# private apt state), Xen on arm64 under QEMU, and the arm64 hypervisor
# rebuilt with the device model (scripts/build-xen-arm64.sh: flex,
# bison; dpkg-source is in dpkg-dev).
ARM64="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
       qemu-system-arm flex bison make"
# Checkers (clang-format: the lint suite's format check, version 14) and
# benchmarks.
CHECK="valgrind strace cppcheck gnuplot-nox clang-format"
# Sanitizer and libFuzzer runtimes for clang (tests/robust).
SANITIZERS="libclang-rt-14-dev"

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (apt-get install)" >&2
    exit 1
fi

missing=""
for p in $BUILD $REFERENCE $ABI $VM $ARM64 $CHECK $SANITIZERS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

# apt-get download (VM test bed) needs package lists even when nothing is
# missing here, so refresh them if they have never been fetched.
if [ -n "$missing" ] || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=4 update -q
fi
if [ -n "$missing" ]; then
    echo "install-deps: installing$missing"
    apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=4 install -y -q --no-install-recommends $missing
fi
