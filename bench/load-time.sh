#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Load-time work of libxenstable vs upstream (issue 9, point 5), on the
# host: a library only has to be loaded, not used, so no Xen is needed.
# `xsbench nothing` links every stable library and returns from main at
# once; its system calls (strace -f) and heap allocations (valgrind
# memcheck) are compared with an empty program that links only libc.
#   sh bench/load-time.sh <builddir> <outdir>    (run by scripts/bench.sh)
set -eu
B=$1
RAW=$2
for impl in ours upstream; do
    exe=$B/bench/xsbench-$impl
    n=$(strace -f -qq -o "$RAW/load-$impl.strace" "$exe" nothing &&
        grep -vc '+++' "$RAW/load-$impl.strace")
    opens=$(grep -c 'openat(' "$RAW/load-$impl.strace" || true)
    allocs=$(valgrind --tool=memcheck "$exe" nothing 2>&1 |
             sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,)
    libs=$(LD_LIBRARY_PATH= ldd "$exe" | grep -c '=>')
    echo "LOAD $impl syscalls=$n openat=$opens heap_allocs=$allocs shared_libs=$libs"
    # what they are: by name, failed look-ups, files opened, and any
    # sign of work beyond loading (a Xen device, an ioctl)
    echo "  by name: $(grep -v '+++' "$RAW/load-$impl.strace" |
        sed -E 's/^[0-9]+ +//; s/\(.*//' | sort | uniq -c | sort -rn |
        awk '{printf "%s %s, ", $2, $1}')"
    echo "  openat failing with ENOENT (loader search path): $(grep -c 'openat.*ENOENT' "$RAW/load-$impl.strace" || true)"
    echo "  files opened: $(grep openat "$RAW/load-$impl.strace" | grep -v ENOENT |
        sed -E 's/.*openat\([^"]*"([^"]*)".*/\1/' | xargs -n1 basename | tr '\n' ' ')"
    echo "  Xen devices or ioctls: $(grep -cE '/dev/xen|/proc/xen|ioctl\(' "$RAW/load-$impl.strace" || true)"
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
