#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The README's test command: install what is needed, build, and run every
# test suite (unit, differential, headers, symbols/ABI, the real-Xen VM
# suite, the clang build, the symbol set of the no-Xen backend, the
# robustness checks, and the arm64 cross build under qemu-user and on
# Xen for Arm).
# Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh

status=0
run_suite() {
    # $1: build dir, rest: meson test arguments
    dir=$1; shift
    meson test -C "$dir" --print-errorlogs "$@" || status=1
}

# 1. gcc, debug info (the ABI gate needs it), every suite including the VM.
#    upstream_compat only adds install rules; the dropin suite needs them.
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build -Dupstream_compat=true >/dev/null
else
    meson setup build -Dbuildtype=debugoptimized -Dupstream_compat=true
fi
ninja -C build
run_suite build

# 2. clang: the library and its unit tests must build warning-free there too.
if [ -f build-clang/build.ninja ]; then
    meson setup --reconfigure build-clang >/dev/null
else
    CC=clang meson setup build-clang -Dvm_tests=disabled
fi
ninja -C build-clang
run_suite build-clang --suite unit

# 3. The backend for systems without Xen drivers must export exactly the
#    same symbols and pass the whole contract suite (tests/unit,
#    tests/robust: the same tests as linux, each open answering
#    EOPNOTSUPP there).
if [ -f build-none/build.ninja ]; then
    meson setup --reconfigure build-none >/dev/null
else
    meson setup build-none -Dosdep=none -Dvm_tests=disabled
fi
ninja -C build-none
run_suite build-none --suite symbols --suite unit

# 3b. The FreeBSD and NetBSD backends, built here against the fake BSD
#     kernels (tests/unit/fake_bsd.h): the same symbols, the whole
#     contract suite and their driver-protocol tests; under valgrind
#     memcheck (the gcc build); with clang under ASan+UBSan too
#     (warning-free with both compilers); the thread test under
#     ThreadSanitizer in step 4.
for os in freebsd netbsd; do
    if [ -f "build-$os/build.ninja" ]; then
        meson setup --reconfigure "build-$os" >/dev/null
    else
        meson setup "build-$os" -Dosdep=$os -Dvm_tests=disabled
    fi
    ninja -C "build-$os"
    run_suite "build-$os" --suite symbols --suite unit
    run_suite "build-$os" --setup valgrind --suite unit
    if [ -f "build-$os-asan/build.ninja" ]; then
        meson setup --reconfigure "build-$os-asan" >/dev/null
    else
        CC=clang meson setup "build-$os-asan" -Dosdep=$os -Dvm_tests=disabled \
            -Db_lundef=false -Db_sanitize=address,undefined \
            -Dc_args=-fno-sanitize-recover=all
    fi
    ninja -C "build-$os-asan"
    run_suite "build-$os-asan" --suite unit
done

# 4. Robustness (tests/robust, issue 6): the unit suites under
#    ASan+UBSan (clang, no recovery) and under valgrind memcheck (zero
#    errors or leaks), the concurrency test under ThreadSanitizer, and a
#    bounded libFuzzer run of every fuzz target.  cppcheck ran with the
#    `lint` suite in step 1.
run_sanitized() {
    # $1: build dir, $2: -Db_sanitize value, rest: extra setup options
    dir=$1; san=$2; shift 2
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" >/dev/null
    else
        CC=clang meson setup "$dir" -Dvm_tests=disabled -Db_lundef=false \
            -Db_sanitize="$san" "$@"
    fi
}
run_sanitized build-asan address,undefined -Dc_args=-fno-sanitize-recover=all
ninja -C build-asan
run_suite build-asan --suite unit
run_suite build --setup valgrind --suite unit
run_sanitized build-tsan thread
ninja -C build-tsan tests/robust/test-threads
run_suite build-tsan --no-rebuild --suite tsan
# the BSD backends' threads over their fake kernels, under TSan too
for os in freebsd netbsd; do
    run_sanitized "build-$os-tsan" thread -Dosdep=$os
    ninja -C "build-$os-tsan" tests/robust/test-threads
    run_suite "build-$os-tsan" --no-rebuild --suite tsan
done
run_sanitized build-fuzz address,undefined \
    "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all"
ninja -C build-fuzz tests/fuzz/fuzz-hypfs tests/fuzz/fuzz-driver \
    tests/fuzz/fuzz-xtl
run_suite build-fuzz --no-rebuild --suite fuzz

# 5. arm64 (issue 16): a cross build with Debian's gcc-aarch64-linux-gnu
#    against an arm64 sysroot (Debian's arm64 zlib, cmocka, libc and
#    upstream's libxen*, unpacked by scripts/arm64-sysroot.sh, never
#    installed), -Werror like every build.  Under qemu-user: every unit
#    suite at 4 KiB and again at 64 KiB pages, the header layouts (probes
#    run through meson's exe wrapper), the symbol files, the ABI gate
#    against abi/aarch64/, and the toollog differential test against
#    Debian's arm64 upstream libraries.  Under qemu-system-aarch64: Xen
#    for Arm with the arm64 builds of the VM programs, ours against
#    Debian's arm64 libraries -- vm-dom0 and vm-twodom on Debian's arm64
#    Xen 4.17, vm-dm-arm64 on the same Xen rebuilt with the device model
#    (scripts/build-xen-arm64.sh; built first, cached under
#    build-arm64/xen-arm64, where the suite finds it).
arm64_logs=""
if scripts/arm64-sysroot.sh build-arm64-sysroot >/dev/null; then
    if [ -f build-arm64/build.ninja ]; then
        meson setup --reconfigure build-arm64 -Dvm_tests=auto >/dev/null
    else
        meson setup build-arm64 --cross-file build-arm64-sysroot/sysroot.ini \
            --cross-file cross/aarch64-linux-gnu.ini
    fi
    ninja -C build-arm64
    scripts/build-xen-arm64.sh build-arm64/xen-arm64 >/dev/null || status=1
    run_suite build-arm64 --suite unit --suite headers --suite symbols \
        --suite abi --suite diff --suite vm-dom0 --suite vm-twodom \
        --suite vm-dm-arm64
    # The fake BSD kernels model 4 KiB-page kernels (FreeBSD's and
    # NetBSD's arm64 base page is 4 KiB), so their self-tests run at the
    # 4 KiB host page size above only (docs/architectures.md).
    run_suite build-arm64 --setup pagesize64k --suite unit \
        --no-suite bsd-fakes
    arm64_logs="build-arm64/meson-logs/testlog.json
        build-arm64/meson-logs/testlog-pagesize64k.json"
else
    echo "test.sh: the arm64 sysroot could not be made" >&2
    status=1
fi

# One closing line over every run, for people and for CI.
python3 scripts/summarize-tests.py build/meson-logs/testlog.json \
    build-clang/meson-logs/testlog.json build-none/meson-logs/testlog.json \
    build-asan/meson-logs/testlog.json build/meson-logs/testlog-valgrind.json \
    build-tsan/meson-logs/testlog.json build-fuzz/meson-logs/testlog.json \
    build-freebsd/meson-logs/testlog.json \
    build-freebsd/meson-logs/testlog-valgrind.json \
    build-freebsd-asan/meson-logs/testlog.json \
    build-freebsd-tsan/meson-logs/testlog.json \
    build-netbsd/meson-logs/testlog.json \
    build-netbsd/meson-logs/testlog-valgrind.json \
    build-netbsd-asan/meson-logs/testlog.json \
    build-netbsd-tsan/meson-logs/testlog.json \
    $arm64_logs || status=1
exit $status
