# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by the guest's /init (init-guest.sh) in the vm-dropin suite:
# the guest's disk is served by QEMU's qdisk backend in dom0 (on the
# stable libraries under test).  Write the known pattern /t/disk.pattern
# (made by tests/vm/dropin.py, several MiB) through it, drop the caches,
# read it back and compare; dom0 checks the image itself once the guest
# is gone.  Output between "@@XG BEGIN disk guest" and
# "@@XG END disk guest rc=<n>".
. /t/again.sh
disk() {
    n=0
    # blkfront shows the disk once QEMU's backend has connected
    while [ ! -b /dev/xvda ] && [ $n -lt 300 ]; do
        sleep 0.2
        n=$(( n + 1 ))
    done
    [ -b /dev/xvda ] || { echo "no /dev/xvda after 60 s"; return 1; }
    read -r sectors < /sys/block/xvda/size
    echo "disk: $(( sectors / 2048 )) MiB"
    read -r t0 _ < /proc/uptime
    again dd if=/t/disk.pattern of=/dev/xvda bs=64k conv=fsync 2>/tmp/dd ||
        { cat /tmp/dd; return 1; }
    sync
    echo 3 > /proc/sys/vm/drop_caches
    read -r t1 _ < /proc/uptime
    again dd if=/dev/xvda of=/tmp/back bs=64k count=$(( XSVM_DISK_MIB * 16 )) \
        2>/tmp/dd ||
        { cat /tmp/dd; return 1; }
    read -r t2 _ < /proc/uptime
    echo "# wrote ${t0}..${t1}, read back ..${t2} (guest uptime)"
    again cmp /t/disk.pattern /tmp/back && {
        echo "read back: the pattern, all $XSVM_DISK_MIB MiB"
        return 0
    }
    # which 4 KiB blocks came back wrong
    again cmp -l /t/disk.pattern /tmp/back |
        awk '{ b = int(($1 - 1) / 4096); if (!(b in s)) { s[b]; n++;
               if (n <= 3) print "block " b " differs" } }
             END { print n + 0 " block(s) differ" }'
    return 1
}
disk > /tmp/disk.out 2>&1
rc=$?
echo "@@XG BEGIN disk guest"
cat /tmp/disk.out
echo "@@XG END disk guest rc=$rc"
