#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Benchmarks libxenstable against Debian's upstream Xen libraries (issue 9)
# and writes docs/performance/{results.md,results.csv,time-ratio.png}.
#
#   scripts/bench.sh [builddir]          (default: build-bench)
#   XSVM_BENCH_ROUNDS=9                  timed rounds (ours/upstream alternate)
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

# seed the VM package cache from another build dir, if there is one
if [ ! -d "$B/vm-cache/debs" ] && [ -d build/vm-cache/debs ]; then
    mkdir -p "$B/vm-cache" && cp -a build/vm-cache/debs "$B/vm-cache/"
fi

# ---- load-time work, on the host (no Xen needed to load a library)
{
    for impl in ours upstream; do
        exe=$B/bench/xsbench-$impl
        n=$(strace -f -qq -o "$RAW/load-$impl.strace" "$exe" nothing &&
            grep -vc '+++' "$RAW/load-$impl.strace")
        opens=$(grep -c 'openat(' "$RAW/load-$impl.strace" || true)
        allocs=$(valgrind --tool=memcheck "$exe" nothing 2>&1 |
                 sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,)
        libs=$(LD_LIBRARY_PATH= ldd "$exe" | grep -c '=>')
        echo "LOAD $impl syscalls=$n openat=$opens heap_allocs=$allocs shared_libs=$libs"
    done
    # the same program with no library at all: the loader's and libc's share
    printf 'int main(void){return 0;}\n' > "$RAW/empty.c"
    cc -O2 -o "$RAW/empty" "$RAW/empty.c"
    n=$(strace -f -qq -o "$RAW/load-none.strace" "$RAW/empty" &&
        grep -vc '+++' "$RAW/load-none.strace")
    allocs=$(valgrind --tool=memcheck "$RAW/empty" 2>&1 |
             sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,)
    echo "LOAD none syscalls=$n openat=$(grep -c 'openat(' "$RAW/load-none.strace" || true) heap_allocs=$allocs shared_libs=1"
    # 8 bytes = one pointer: crtbeginS.o's frame_dummy, no constructor of ours
    echo "INIT ours init_array_bytes=$(readelf -d "$B/src/libxenstable.so.1" |
        sed -n 's/.*(INIT_ARRAYSZ) *\([0-9]*\).*/\1/p')"
} > "$RAW/load.txt"
cat "$RAW/load.txt"

# ---- the VM run
XSVM_TIMEOUT=${XSVM_TIMEOUT:-2400} XSVM_PROG_TIMEOUT=${XSVM_PROG_TIMEOUT:-900} \
python3 tests/vm/xsvm.py --suite twodom --builddir "$PWD/$B" \
    --logdir "$PWD/$B/meson-logs" \
    --bench "$B/bench/xsbench-ours" "$B/bench/xsbench-upstream" \
    --bench-out "$RAW/vm.txt"

python3 bench/report.py --vm "$RAW/vm.txt" --load "$RAW/load.txt" \
    --out "$OUT" --command "scripts/bench.sh $*" \
    --rounds "${XSVM_BENCH_ROUNDS:-9}"
