#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The arm64 sysroot of the cross build (cross/aarch64-linux-gnu.ini).
#
#   scripts/arm64-sysroot.sh DIR
#
# Unpacks Debian 12's arm64 packages into DIR/sysroot with dpkg-deb -x
# (nothing is installed; the host's dpkg never hears of arm64):
#   * what the build links: zlib and cmocka, with headers and .pc files;
#   * upstream's Xen 4.17 libraries and headers (libxen-dev and the
#     runtime packages), the reference of the differential, header-layout
#     and symbol tests;
#   * the C library, so that qemu-user runs the tests with
#     `-L DIR/sysroot` against exactly Debian's arm64 runtime.
# The compiler and its libc headers are the host's cross toolchain
# (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross).
#
# Writes DIR/sysroot.ini, a meson machine file that only names the
# sysroot; pass it before the committed cross file:
#   meson setup --cross-file DIR/sysroot.ini \
#       --cross-file cross/aarch64-linux-gnu.ini build-arm64
#
# Cached: a second run with the same package versions does nothing
# (the versions are looked up in the private package lists, offline).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
root=$dir/sysroot
apt() { "$here/private-apt.sh" arm64 "$dir/apt" "$@"; }

# Upstream's stable libraries (and libxenstore/libxenmisc, which
# libxen-dev's link names point to).
XEN="libxen-dev libxentoollog1 libxentoolcore1 libxenevtchn1 libxengnttab1
     libxencall1 libxenforeignmemory1 libxendevicemodel1 libxenhypfs1
     libxenstore4 libxenmisc4.17"
BUILD="zlib1g zlib1g-dev libcmocka0 libcmocka-dev"
RUNTIME="libc6 libgcc-s1"
PKGS="$BUILD $XEN $RUNTIME"

# Candidate versions: the cache key.  The first run fetches the lists.
want=$(apt apt-cache show --no-all-versions $PKGS |
    awk '/^Package:/ { p = $2 } /^Version:/ { print p "=" $2 }' | sort)
for p in $PKGS; do
    echo "$want" | grep -q "^$p=" || {
        echo "arm64-sysroot: no arm64 package $p" >&2
        exit 1
    }
done
if [ -f "$dir/sysroot.key" ] && [ "$(cat "$dir/sysroot.key")" = "$want" ] &&
    [ -f "$dir/sysroot.ini" ]; then
    echo "$root"
    exit 0
fi

debs=$dir/debs
rm -rf "$debs" "$root" "$dir/sysroot.key"
mkdir -p "$debs" "$root"
# apt-get download takes pkg=version, so the versions are the keyed ones.
(cd "$debs" && apt apt-get -q download $want >"$dir/download.log" 2>&1) || {
    cat "$dir/download.log" >&2
    exit 1
}
for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$root"
done

# Packages point some links at absolute paths (/lib/...), which would
# name the host's files from inside the sysroot: make them relative.
find "$root" -type l | while read -r link; do
    target=$(readlink "$link")
    case $target in
    /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" \
            "$root$target")" "$link" ;;
    esac
done

cat >"$dir/sysroot.ini" <<EOF
# Written by scripts/arm64-sysroot.sh: where the arm64 sysroot is.
[constants]
sysroot = '$root'
EOF
echo "$want" >"$dir/sysroot.key"
echo "$root"
