# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by the dom0 /init (init-dom0.sh) in the two-domain suite:
# starts Debian's xenstored / xen-init-dom0 / xenconsoled, creates the PVH
# guest, runs the dom0 side of every pair while the guest runs the peer
# side, then prints the guest's console log between
# "@@XS GUEST-LOG BEGIN" and "@@XS GUEST-LOG END".
X=$XSVM_XEN_BIN
GLOG=/var/log/xen/console/guest-xsguest.log
up() { cut -d' ' -f1 /proc/uptime; }
xenv() { LD_LIBRARY_PATH=/upstream/lib "$@"; }
# wait_for <seconds> <command...>: poll every 0.2s
wait_for() {
    n=$(( $1 * 5 )); shift
    while [ $n -gt 0 ]; do
        "$@" && return 0
        sleep 0.2
        n=$(( n - 1 ))
    done
    return 1
}
guest_says() { grep -q "$1" $GLOG 2>/dev/null; }
# the guest's kernel died (Xen 4.14 under QEMU's TCG, docs/vm-crash-storm.md):
# stop waiting for it and print its log, which the harness reads; the
# signs are the harness's (harness/boot.py GUEST_DEATH_SIGNS)
guest_dead() {
    [ -f $GLOG ] && grep -qF -f /t/guest-death-signs $GLOG
}

mkdir -p /var/run/xen /var/run/xenstored /var/lib/xenstored /var/lib/xen \
    /var/log/xen/console /var/lock
echo "@@XS STAGE2 start uptime=$(up)"
xenv $X/xenstored --pid-file /var/run/xenstored.pid ||
    echo "@@XS WARN xenstored failed"
wait_for 10 test -S /var/run/xenstored/socket ||
    echo "@@XS WARN no xenstored socket"
xenv $X/xen-init-dom0 || echo "@@XS WARN xen-init-dom0 failed"
xenv $X/xenconsoled --log=guest --log-dir=/var/log/xen/console ||
    echo "@@XS WARN xenconsoled failed"
echo "@@XS STAGE2 xl create uptime=$(up)"
xenv $X/xl create /etc/xen/guest.cfg 2>&1 || echo "@@XS WARN xl create failed"
domid=$(xenv $X/xl domid xsguest 2>/dev/null)
echo "@@XS STAGE2 guest domid=$domid uptime=$(up)"

if [ -n "$domid" ] && wait_for ${XSVM_GUEST_BOOT_TIMEOUT:-90} guest_says '@@XG UP'; then
    echo "@@XS STAGE2 guest up uptime=$(up)"
    if [ -s /t/stress ]; then
        # stress mode (xsvm.py --stress): both domains at once, no tests
        . /t/stress.sh
        stress_run "@@XS" dom0 "$(cat /t/stress)" 2
        wait_for $(( $(cat /t/stress) + 40 )) guest_says "@@XG STRESS" ||
            echo "@@XS WARN guest did not report its stress run"
        done_wait=1
    fi
    export XSVM_PEER_DOMID=$domid
    for impl in ours upstream; do
        while read -r p; do
            [ -n "$p" ] || continue
            if guest_dead; then
                echo "@@XS WARN the guest's kernel died"
                done_wait=1
                break 2
            fi
            export XSVM_SESSION=vmtest/$p/$impl
            runprog "$p" $impl
        done < /t/pairs
    done
    # demonstration programs (scripts/demo.sh) see the guest too
    while read -r p; do
        [ -n "$p" ] && runprog "$p" ours
    done < /t/demo
    # benchmark mode (scripts/bench.sh): bench/vm-run.sh
    [ -s /t/bench ] && . /t/bench.sh
    unset XSVM_PEER_DOMID XSVM_SESSION
    # the log is complete once the guest says DONE: no need to wait for
    # its (slow) poweroff, xl destroy below ends it
    wait_for ${done_wait:-60} guest_says '@@XG DONE' ||
        echo "@@XS WARN guest not done"
else
    echo "@@XS WARN guest did not come up"
    while read -r p; do
        [ -n "$p" ] && runprog "$p" ours
    done < /t/demo
fi
xenv $X/xl list 2>&1
echo "@@XS STAGE2 end uptime=$(up)"
# print the log while the guest idles (after @@XG DONE it only sleeps), so
# no Xen messages about its shutdown interleave with it; then destroy it
echo "@@XS GUEST-LOG BEGIN"
cat $GLOG
echo
echo "@@XS GUEST-LOG END"
# ours-only programs last, with the guest idle: they may end it
export XSVM_PEER_DOMID=$domid
while read -r p; do
    [ -n "$p" ] && runprog "$p" ours
done < /t/ours-only
unset XSVM_PEER_DOMID
xenv $X/xl destroy xsguest 2>/dev/null
