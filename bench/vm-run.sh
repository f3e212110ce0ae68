# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by the dom0 side of the VM test bed (tests/vm/twodom.sh) in bench
# mode (xsvm.py --bench, run by scripts/bench.sh) once the PVH guest is up.
# Prints machine-readable lines between "@@XS BENCH BEGIN" and
# "@@XS BENCH END"; bench/report.py turns them into docs/performance/.
#   XSB <impl> <round> T <op> <ns/op>   one timed sample (time mode)
#   XSS <impl> <op> <n> <syscall> <k>   strace: k calls of <syscall> in n ops
#   XSI <impl> <op> <n> <Ir>            callgrind: Ir instructions in n ops
#   XSF <impl> <what> <detail>          a failure (printed in the report)
B=/t/bin
R=${XSVM_BENCH_ROUNDS:-5}
up() { cut -d' ' -f1 /proc/uptime; }

echo "@@XS BENCH start uptime=$(up)"
echo "@@XS BENCH BEGIN"
# 1. Time: one process per (round, operation, impl).  Ours and upstream
#    run back to back for each operation, in an order that swaps every
#    round, so that the emulator's (and a busy host's) drift hits both
#    sides of a pair alike; the report uses the per-pair ratios.
ops=$(LD_LIBRARY_PATH=/ours/lib $B/xsbench-ours list)
r=1
while [ "$r" -le "$R" ]; do
    if [ $((r % 2)) -eq 1 ]; then order="ours upstream"; else order="upstream ours"; fi
    for op in $ops; do
        for impl in $order; do
            LD_LIBRARY_PATH=/$impl/lib timeout -s KILL 900 \
                $B/xsbench-$impl time $op > /tmp/bt 2>&1
            rc=$?
            sed "s/^/XSB $impl $r /" /tmp/bt
            [ $rc -eq 0 ] || echo "XSF $impl time-round-$r-$op rc=$rc"
        done
    done
    echo "@@XS BENCH round $r done uptime=$(up)"
    r=$((r + 1))
done

# 2. Syscalls: strace every syscall; the program writes markers (write to
#    fd -1) around each operation's fixed number of iterations.
for impl in ours upstream; do
    LD_LIBRARY_PATH=/$impl/lib timeout -s KILL 900 \
        strace -f -qq -s 256 -o /tmp/st.$impl $B/xsbench-$impl count > /tmp/bc 2>&1 ||
        echo "XSF $impl strace rc=$?"
    grep '^FAIL' /tmp/bc | sed "s/^/XSF $impl strace-run /"
    awk -v impl=$impl '
    { line = $0; sub(/^[0-9]+ +/, "", line) }
    line ~ /XSB-BEGIN/ {
        match(line, /XSB-BEGIN [^ ]+ [0-9]+/)
        split(substr(line, RSTART, RLENGTH), f, " ")
        op = f[2]; n = f[3]; inside = 1; tot = 0
        for (k in cnt) delete cnt[k]
        next
    }
    line ~ /XSB-END/ {
        for (k in cnt) print "XSS", impl, op, n, k, cnt[k]
        print "XSS", impl, op, n, "total", tot
        inside = 0
        next
    }
    inside && line !~ /^<\.\.\./ && match(line, /^[a-z_0-9]+\(/) {
        cnt[substr(line, 1, RLENGTH - 1)]++; tot++
    }' /tmp/st.$impl
    # start-up: everything before main()s first marker is the loader,
    # libc and the libraries; the run itself starts with "count"s setup.
    LD_LIBRARY_PATH=/$impl/lib strace -f -qq -o /tmp/sn.$impl \
        $B/xsbench-$impl nothing
    echo "XSS $impl process-start-exit 1 total $(grep -cv '^[0-9]* *+++' /tmp/sn.$impl)"
    rm -f /tmp/st.$impl /tmp/sn.$impl
done

# 3. User-space instructions: callgrind collects only between the two
#    client requests around each measured loop (xsbench.c, count mode)
#    and dumps one profile per operation, named "XSB <op> <n>".
for impl in ours upstream; do
    rm -rf /tmp/cg && mkdir /tmp/cg
    LD_LIBRARY_PATH=/$impl/lib timeout -s KILL 1800 \
        valgrind.bin --tool=callgrind --callgrind-out-file=/tmp/cg/out \
        --collect-atstart=no $B/xsbench-$impl count > /tmp/bc 2>/tmp/vg ||
        echo "XSF $impl callgrind rc=$?"
    grep '^FAIL' /tmp/bc | sed "s/^/XSF $impl callgrind-run /"
    for f in /tmp/cg/out.*; do
        awk -v impl=$impl '
            /^desc: Trigger: Client Request: XSB / { op = $6; n = $7 }
            /^summary: / { ir = $2 }
            END { if (op != "") print "XSI", impl, op, n, ir }' "$f"
    done
    grep -E 'unhandled (ioctl|hypercall)' /tmp/vg | sort | uniq -c |
        sed "s/^/XSF $impl callgrind-warning /"
done
rm -rf /tmp/cg
echo "@@XS BENCH END"
echo "@@XS BENCH finish uptime=$(up)"
