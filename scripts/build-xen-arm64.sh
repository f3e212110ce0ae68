#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Debian 12's Xen 4.17 hypervisor for arm64, rebuilt with the device
# model interface (CONFIG_IOREQ_SERVER), for the Arm VM tests.
#
#   scripts/build-xen-arm64.sh DIR        prints the image's path
#
# Debian builds its arm64 Xen without CONFIG_IOREQ_SERVER (an EXPERT
# option on Arm in 4.17), so every dm_op answers ENOSYS there and the
# device-model interface cannot be exercised.  This script takes the
# same source package Debian built xen-hypervisor-4.17-arm64 from (with
# Debian's patches), configures it with Debian's own
# /boot/xen-4.17-arm64.config plus CONFIG_EXPERT=y and
# CONFIG_IOREQ_SERVER=y, and builds only the hypervisor with the host's
# cross compiler (gcc-aarch64-linux-gnu, flex, bison).
#
# Everything stays in DIR: the private apt state (deb-src entries are
# added there, never to the host's sources), the downloads, and the
# result DIR/<version>-<config hash>/xen with its config and build log.
# A second run with the same source version and configuration asks only
# the private package lists (offline) and prints the cached path.  The
# unpacked source tree is removed after a successful build; the source
# package stays in DIR/source.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
apt() { "$here/private-apt.sh" --src arm64 "$dir/apt" "$@"; }
log() { echo "build-xen-arm64: $*" >&2; }

# Options added to Debian's configuration.  Part of the cache key.
EXTRA_CONFIG="CONFIG_EXPERT=y
CONFIG_IOREQ_SERVER=y"
MAKE="make -C xen XEN_TARGET_ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"

for tool in aarch64-linux-gnu-gcc flex bison make dpkg-source; do
    command -v "$tool" >/dev/null 2>&1 || {
        log "$tool not found (scripts/install-deps.sh installs it)"
        exit 1
    }
done

hyp=xen-hypervisor-4.17-arm64
debs=$dir/debs
srcdir=$dir/source
mkdir -p "$debs" "$srcdir"

# Debian's configuration for version $1, from the hypervisor package
# (downloaded once, kept in DIR/debs); sets debconfig.
config_of() {
    deb=$debs/${hyp}_$(echo "$1" | sed 's/:/%3a/')_arm64.deb
    if [ ! -f "$deb" ]; then
        (cd "$debs" && apt apt-get -q download "$hyp=$1" >&2) || return 1
    fi
    rm -rf "$debs/root"
    dpkg-deb -x "$deb" "$debs/root"
    debconfig=$debs/root/boot/xen-4.17-arm64.config
    [ -f "$debconfig" ] || {
        log "$deb has no /boot/xen-4.17-arm64.config"
        exit 1
    }
}

# Where the build of version $1 with Debian's configuration goes.
out_of() {
    key=$( (echo "xen $1"; cat "$debconfig"; echo "$EXTRA_CONFIG") |
        sha256sum | cut -c1-16)
    echo "$dir/$1-$key"
}

# Every version of the hypervisor package apt knows, newest first; the
# source package of the same version is what it was built from.  The
# newest one whose source can be fetched is built.  A mirror may lack a
# version's source (a security update's, say): that version is then
# remembered as unavailable in DIR and passed over without asking again
# (remove the .unavailable file to retry it).
versions=$(apt apt-cache madison "$hyp" |
    awk -F' [|] ' '$3 ~ / Packages$/ { print $2 }')
[ -n "$versions" ] || {
    log "apt knows no $hyp"
    exit 1
}
version=
for v in $versions; do
    [ -f "$dir/$v.unavailable" ] && continue
    if [ -f "$debs/${hyp}_$(echo "$v" | sed 's/:/%3a/')_arm64.deb" ]; then
        config_of "$v"
        out=$(out_of "$v")
        if [ -f "$out/xen" ]; then
            echo "$out/xen"
            exit 0
        fi
    fi
    log "fetching source package xen $v (log: $dir/fetch.log)"
    rm -rf "$srcdir"
    mkdir -p "$srcdir"
    if config_of "$v" >"$dir/fetch.log" 2>&1 &&
        (cd "$srcdir" &&
         apt apt-get -q source --download-only "xen=$v") >>"$dir/fetch.log" 2>&1
    then
        version=$v
        break
    fi
    grep '^E:' "$dir/fetch.log" >&2 || true
    log "xen $v cannot be fetched from this mirror; trying an older one"
    : >"$dir/$v.unavailable"
done
[ -n "$version" ] || {
    log "no version of the xen source package could be fetched"
    exit 1
}
out=$(out_of "$version")

# The source package, unpacked with Debian's patches applied (next to
# its .dsc: dpkg-source copies the tarballs beside the tree otherwise).
# dpkg-source cannot check the .dsc's signature without debian-keyring
# and says so; apt already checked every file against the Sources index
# of the signed Release file.
tree=$srcdir/tree
buildlog=$dir/build.log
dpkg-source -x "$srcdir/xen_$(echo "$version" | sed 's/^[0-9]*://').dsc" \
    "$tree" >"$buildlog" 2>&1 || {
    cat "$buildlog" >&2
    exit 1
}

# Debian's configuration plus ours; olddefconfig settles the rest, and
# the result must really have the device model.
{ cat "$debconfig"; echo "$EXTRA_CONFIG"; } >"$tree/xen/.config"
(cd "$tree" && $MAKE olddefconfig) >>"$buildlog" 2>&1 || {
    cat "$buildlog" >&2
    exit 1
}
for opt in $EXTRA_CONFIG; do
    grep -qx "$opt" "$tree/xen/.config" || {
        log "$opt did not survive olddefconfig"
        exit 1
    }
done

log "building the hypervisor (log: $buildlog)"
start=$(date +%s)
(cd "$tree" && $MAKE -j"$(nproc)") >>"$buildlog" 2>&1 || {
    tail -n 40 "$buildlog" >&2
    log "build failed; full log: $buildlog"
    exit 1
}
log "built in $(( $(date +%s) - start )) s"

mkdir -p "$out.tmp"
cp "$tree/xen/xen" "$out.tmp/xen"
cp "$tree/xen/.config" "$out.tmp/config"
cp "$buildlog" "$out.tmp/build.log"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$tree"
echo "$out/xen"
