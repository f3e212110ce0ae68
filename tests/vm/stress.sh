# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by dom0's twodom.sh and the guest's /init in stress mode
# (xsvm.py --stress SECONDS, docs/vm-crash-storm.md): measures how often
# the emulated machine kills an ordinary process while both domains run.
# No Xen library is involved: each worker forks and execs busybox shells
# that count to 50; a child that ends by a signal (status >= 128) is a
# kill.  Prints "<marker> STRESS <who> runs=<n> killed=<k>".
stress_worker() {
    end=$1 out=$2 n=0 k=0
    while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
        /bin/sh -c 'i=0; while [ $i -lt 50 ]; do i=$((i+1)); done; [ $i = 50 ]'
        rc=$?
        n=$((n + 1))
        [ $rc -ge 128 ] && k=$((k + 1))
    done
    echo "$n $k" > "$out"
}

# stress_run <marker> <who> <seconds> <workers>
stress_run() {
    end=$(( $(cut -d. -f1 /proc/uptime) + $3 ))
    w=0
    while [ $w -lt "$4" ]; do
        stress_worker $end /tmp/stress.$w &
        w=$((w + 1))
    done
    wait
    n=0 k=0 w=0
    while [ $w -lt "$4" ]; do
        read -r wn wk < /tmp/stress.$w || { wn=0; wk=1; }
        n=$((n + wn)) k=$((k + wk))
        w=$((w + 1))
    done
    echo "$1 STRESS $2 runs=$n killed=$k"
}
