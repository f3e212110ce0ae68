#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Benchmarks libxenstable against Debian's upstream Xen libraries (issue 9)
# and writes docs/performance/{results.md,results.csv,time-ratio.png}.
#
#   scripts/bench.sh [builddir]          (default: build-bench)
#   XSVM_BENCH_ROUNDS=5                  timed rounds (ours/upstream alternate)
#
# 1. builds bench/xsbench-{ours,upstream} (meson, buildtype=release);
# 2. boots Xen + dom0 + the PVH guest once (tests/vm/xsvm.py --bench) and
#    runs bench/vm-run.sh there: timings, strace counts, callgrind counts;
# 3. measures load-time work on the host (strace, valgrind memcheck);
# 4. bench/report.py writes the table and the plot.
# Needs what scripts/install-deps.sh installs (qemu, libxen-dev, strace,
# valgrind, gnuplot-nox).  Not part of `meson test` or CI.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build-bench}
OUT=docs/performance
RAW=$B/bench-raw
mkdir -p "$OUT" "$RAW"

if [ -f "$B/build.ninja" ]; then
    meson setup --reconfigure "$B" >/dev/null
else
    meson setup "$B" -Dbuildtype=release -Dvm_tests=disabled >/dev/null
fi
ninja -C "$B" bench/xsbench-ours bench/xsbench-upstream

# seed the VM package cache (one directory per Debian release and
# architecture) from another build dir, if there is one
for d in build/vm-cache/*/debs; do
    [ -d "$d" ] || continue
    t=${d#build/vm-cache/}; t=${t%/debs}
    if [ ! -d "$B/vm-cache/$t/debs" ]; then
        mkdir -p "$B/vm-cache/$t" && cp -a "$d" "$B/vm-cache/$t/"
    fi
done

# ---- load-time work, on the host (no Xen needed to load a library)
sh bench/load-time.sh "$B" "$RAW" > "$RAW/load.txt"
cat "$RAW/load.txt"

# ---- the VM run
# XSVM_ICOUNT: QEMU's -icount (shift 1: every emulated instruction is
# 2 ns of guest time), so the guest's clock counts instructions and the
# timings do not depend on how busy the host is.  XSVM_ICOUNT= (empty)
# times with the host's clock instead.
XSVM_ICOUNT=${XSVM_ICOUNT-1} \
XSVM_TIMEOUT=${XSVM_TIMEOUT:-2400} XSVM_PROG_TIMEOUT=${XSVM_PROG_TIMEOUT:-900} \
python3 tests/vm/xsvm.py --suite twodom --builddir "$PWD/$B" \
    --logdir "$PWD/$B/meson-logs" \
    --bench "$B/bench/xsbench-ours" "$B/bench/xsbench-upstream" \
    --bench-out "$RAW/vm.txt"

python3 bench/report.py --vm "$RAW/vm.txt" --load "$RAW/load.txt" \
    --out "$OUT" --command "scripts/bench.sh $*" \
    --rounds "${XSVM_BENCH_ROUNDS:-5}" --icount "${XSVM_ICOUNT-1}"
