# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by the dom0 /init (init-dom0.sh) in the vm-dropin suite.
# Debian's own Xen binaries run on whatever provides the stable-library
# SONAMEs in the system library directory ($XSVM_SYSLIB): in the test,
# libxenstable through the links -Dupstream_compat=true installs, with
# Debian's stable libraries absent (tests/vm/dropin.py builds the tree
# and checks every step).
# Each step's output is framed "@@XS BEGIN <step> <impl>" ...
# "@@XS END <step> <impl> rc=<n>", like the test programs, and its
# duration (dom0 uptime) is "@@XS TIME <step> <impl> <start> <end>".
X=$XSVM_XEN_BIN
QEMU=/usr/libexec/xen-qemu-system-i386
GLOG=/var/log/xen/console/guest-xsguest.log
DISK=/var/lib/xen/xsdisk.img
IMPL=$(cat /t/impl)
. /t/again.sh
up() { cut -d' ' -f1 /proc/uptime; }
wait_for() {
    n=$(( $1 * 5 )); shift
    while [ $n -gt 0 ]; do
        "$@" && return 0
        sleep 0.2
        n=$(( n - 1 ))
    done
    return 1
}
# step <name> <command...>: run it (a program or a function of this
# file) with a kill timeout (150 s: `xl create` alone took 65 s on a
# loaded host), and frame its output
step() {
    name=$1; shift
    t0=$(up)
    echo "@@XS RUN $name $IMPL uptime=$t0"
    ( "$@" ) > /tmp/out 2>&1 &
    cpid=$!
    # watchdog on a deadline read from /proc/uptime with shell builtins,
    # so a failing `sleep` cannot make it fire early
    ( read now _ < /proc/uptime
      end=$(( ${now%.*} + ${XSVM_PROG_TIMEOUT:-150} ))
      while kill -0 $cpid 2>/dev/null; do
          read now _ < /proc/uptime
          [ ${now%.*} -ge $end ] && { kill -9 $cpid; break; }
          sleep 0.5
      done ) 2>/dev/null &
    wpid=$!
    wait $cpid
    rc=$?
    kill $wpid 2>/dev/null
    echo "@@XS TIME $name $IMPL $t0 $(up)"
    echo "@@XS BEGIN $name $IMPL"
    cat /tmp/out
    [ -z "$(tail -c 1 /tmp/out)" ] || echo
    echo "@@XS END $name $IMPL rc=$rc"
}
# After QEMU ran, this TCG-emulated PV dom0 sometimes sees freshly started
# processes crash for a few seconds (a bad TLS pointer at start-up; seen
# with Debian's own libraries too, so not caused by the library under
# test: docs/drop-in.md).  Wait until three rounds of 10 short-lived
# applets run clean in a row (at most 60 rounds) before the next steps, and
# report every crash the kernel logged.
settle() {
    clean=0 rounds=0
    while [ $clean -lt 3 ] && [ $rounds -lt 60 ]; do
        bad=0
        for i in 1 2 3 4 5 6 7 8 9 10; do
            /bin/true || bad=$(( bad + 1 ))
        done
        if [ $bad -eq 0 ]; then clean=$(( clean + 1 )); else clean=0; fi
        rounds=$(( rounds + 1 ))
        sleep 1
    done
    echo "clean after $rounds round(s)"
    echo "dom0 crash reports: $(dmesg | grep -c 'segfault at\|general protection')"
    dmesg | grep 'segfault at\|general protection'
    [ $clean -ge 3 ]
}
guest_up() { grep -q '@@XG UP' $GLOG 2>/dev/null; }

# What provides each Xen SONAME: links (ours) or files (Debian's), and
# how xl's chain (libxenlight, libxenctrl, ... and the stable SONAMEs
# they need) resolves, as glibc's loader lists it.
libs() {
    for f in $XSVM_SYSLIB/libxen*; do
        if [ -L "$f" ]; then
            echo "${f##*/} -> $(readlink "$f")"
        else
            echo "${f##*/} (file)"
        fi
    done
    echo "== $X/xl"
    $XSVM_LOADER --list $X/xl | grep libxen |
        sed 's/ (0x[0-9a-f]*)//; s/^[[:space:]]*//'
}
start_xenstored() {
    $X/xenstored --pid-file /var/run/xenstored.pid || return 1
    wait_for 10 test -S /var/run/xenstored/socket
}
guest() {
    wait_for ${XSVM_GUEST_BOOT_TIMEOUT:-90} guest_up || return 1
    grep '@@XG UP' $GLOG | sed 's/uptime=[0-9.]*/uptime={}/'
}
# The guest's disk: a raw image QEMU's qdisk backend serves
# (backendtype=qdisk in guest.cfg), so `xl create` starts Debian's QEMU as
# the guest's device model for PV backends.
make_disk() {
    again dd if=/dev/zero of=$DISK bs=1M count=$XSVM_DISK_MIB 2>/tmp/dd ||
        { cat /tmp/dd; return 1; }
    echo "$(wc -c < $DISK) bytes"
}
# The QEMU xl started for the guest, while it serves the disk: what it
# holds open and which Xen libraries it mapped show what it runs on.
qemu() {
    pid=$(again pidof ${QEMU##*/})
    if [ -n "$pid" ]; then
        echo "qemu: running"
    else
        echo "qemu: not running"
    fi
    # (through files, so that again can repeat each helper alone)
    echo "-- open Xen devices"
    again ls -l /proc/$pid/fd > /tmp/fds 2>/dev/null
    again grep -o '/dev/xen/[a-z]*\|/proc/xen/[a-z]*' /tmp/fds > /tmp/devs
    again sort -u /tmp/devs
    echo "-- mapped Xen libraries"
    again grep -o '/[^ ]*libxen[^ ]*' /proc/$pid/maps > /tmp/libs 2>/dev/null
    again sort -u /tmp/libs
    echo "-- its log"
    cat /var/log/xen/qemu-dm-xsguest.log 2>/dev/null
}
# The guest's side of the disk check (tests/vm/dropin-guest.sh), from its
# console log.
disk_done() {
    grep -q '@@XG END disk guest' $GLOG && return 0
    # the backend died: the guest's disk will not come
    again pidof ${QEMU##*/} > /dev/null || { qemu_gone=1; return 0; }
    return 1
}
guest_disk() {
    qemu_gone=
    wait_for ${XSVM_GUEST_BOOT_TIMEOUT:-90} disk_done ||
        { echo "no disk result from the guest"; return 1; }
    [ -z "$qemu_gone" ] || { echo "QEMU is gone: no disk for the guest"; return 1; }
    sed -n '/@@XG BEGIN disk guest/,/@@XG END disk guest/p' $GLOG
    grep -q '@@XG END disk guest rc=0' $GLOG
}
# dom0's side, once the guest and its QEMU are gone: the image holds the
# pattern.
check_disk() {
    again cmp /t/disk.pattern $DISK || return 1
    echo "the image holds the pattern, all $XSVM_DISK_MIB MiB"
}
# test-resource with glibc's record of every symbol binding: shows
# Debian's libxenctrl and test-resource itself binding their stable-
# library imports.
test_resource() {
    rm -f /tmp/tb.*
    LD_DEBUG=bindings LD_DEBUG_OUTPUT=/tmp/tb $X/test-resource
    rc=$?
    # raw loader lines, parsed by dropin.py (busybox sed once crashed
    # rewriting them)
    echo "-- Xen symbol bindings"
    grep -h "normal symbol \`xen\|normal symbol \`xtl_" /tmp/tb.* 2>/dev/null |
        sort -u
    return $rc
}

mkdir -p /var/run/xen /var/run/xenstored /var/lib/xenstored /var/lib/xen \
    /var/log/xen/console /var/lock
echo "@@XS DROPIN start impl=$IMPL uptime=$(up)"
step libs libs
step xenstored start_xenstored
step xen-init-dom0 $X/xen-init-dom0
step xenconsoled $X/xenconsoled --log=guest --log-dir=/var/log/xen/console
step xl-list $X/xl list
step disk-image make_disk
step xl-create $X/xl create /etc/xen/guest.cfg
domid=$($X/xl domid xsguest 2>/dev/null)
# test-resource runs while the guest boots (saves part of its boot time)
step test-resource test_resource
step guest-up guest
step xl-list-guest $X/xl list
step qemu qemu
step guest-disk guest_disk
step settle settle
step xl-destroy $X/xl destroy xsguest
step xl-list-end $X/xl list
# the guest and its QEMU are gone: the image must hold what it wrote
step disk-check check_disk
echo "@@XS DROPIN end uptime=$(up)"
