#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# /init of the xsvm PVH guest (two-domain suite).  Runs the peer side of
# every pair, for "ours" then "upstream", in the same order as dom0.
# Markers: "@@XG UP", "@@XG BEGIN <prog> <impl>", "@@XG END ... rc=<n>",
# "@@XG DONE".  The console (hvc0) ends up in dom0's xenconsoled log.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
. /t/env
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1
while read -r m args; do
    insmod /lib/xsvm-modules/$m.ko $args || echo "@@XG WARN insmod $m failed"
done < /lib/xsvm-modules/order
echo 1 > /proc/sys/kernel/printk
[ -s /t/stress ] && echo 8 > /proc/sys/kernel/printk
echo "@@XG UP uptime=$(cut -d' ' -f1 /proc/uptime) type=$(cat /sys/hypervisor/guest_type 2>/dev/null)"
ls /dev/xen
# stress mode (xsvm.py --stress, tests/vm/stress.sh): no pairs are staged
if [ -s /t/stress ]; then
    . /t/stress.sh
    stress_run "@@XG" guest "$(cat /t/stress)" 2
fi
for impl in ours upstream; do
    while read -r p; do
        [ -n "$p" ] || continue
        # the other side cannot load on this release (see init-dom0.sh)
        if grep -qx "$p $impl" /t/nopair 2>/dev/null &&
            ! grep -qx "$p-peer $impl" /t/noload; then
            echo "@@XG NOTRUN $p-peer $impl"
            continue
        fi
        XSVM_SESSION=vmtest/$p/$impl LD_LIBRARY_PATH=/$impl/lib \
            timeout -s KILL ${XSVM_PROG_TIMEOUT:-60} \
            /t/bin/$p-peer-$impl > /tmp/out 2>&1
        rc=$?
        echo "@@XG BEGIN $p-peer $impl"
        cat /tmp/out
        [ -z "$(tail -c 1 /tmp/out)" ] || echo
        echo "@@XG END $p-peer $impl rc=$rc"
    done < /t/pairs
done
# a suite's own guest stage (vm-dropin: tests/vm/dropin-guest.sh)
[ -f /t/guest-stage.sh ] && . /t/guest-stage.sh
echo "@@XG DONE"
# dom0 prints this console log and then destroys us; powering off here
# would make Xen print on the serial port while dom0 copies the log there.
sleep 600
echo o > /proc/sysrq-trigger
