/*
 * test-kexec.c - xenkexec's contract on every backend, over a fake
 * hypervisor: kexec_op (37), xen_version (17) and memory_op (12)
 * arguments as Xen reads them,
 * Xen's rules (memory map room, ERANGE past the last CPU id), argument
 * checks and fault injection with leak checks.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xenkexec.h>
#include <xen/xen.h>
#include <xen/kexec.h>
#include <xen/memory.h>
#include <xen/version.h>
#include "contract.h"

/* ---- the fake hypervisor ---- */
static int nr_cpu_ids;              /* ERANGE at and past this */
static int have_crash_notes;        /* else EINVAL below nr_cpu_ids */
static int n_range_calls;
static unsigned int e820_n;         /* entries of the fake E820 */
static int loaded[2];
static unsigned char seen_load[24], seen_segs[4][32], seen_data[4][64];
static uint32_t seen_nsegs;
static int xen_err;                 /* answer every hypercall with this */

static void put_e820(unsigned char *e, uint64_t addr, uint64_t size,
                     uint32_t type)
{
    memcpy(e, &addr, 8);
    memcpy(e + 8, &size, 8);
    memcpy(e + 16, &type, 4);
}

static long fake_memory_op(uint64_t cmd, unsigned char *arg)
{
    uint32_t room;
    unsigned char *buf;

    assert_int_equal(cmd, XENMEM_machine_memory_map);
    /* struct xen_memory_map: nr_entries @0, buffer @8 */
    memcpy(&room, arg, 4);
    memcpy(&buf, arg + 8, 8);
    if (!buf) {                     /* count only */
        memcpy(arg, &e820_n, 4);
        return 0;
    }
    if (room < e820_n + 1)          /* Xen's rule: room for one more */
        return -EINVAL;
    for (unsigned int i = 0; i < e820_n; i++)
        put_e820(buf + 20 * i, 0x100000ULL * i, 0x1000ULL * (i + 1),
                 i % 2 ? 2 : 1);
    memcpy(arg, &e820_n, 4);
    return 0;
}

static long fake_xen_version(uint64_t cmd, char *arg)
{
    switch (cmd) {
    case XENVER_version:
        assert_null(arg);
        return (4 << 16) | 17;
    case XENVER_capabilities:
        strcpy(arg, "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_64");
        return 0;
    case XENVER_extraversion:
        memcpy(arg, ".7-unterminated!", 16);    /* exactly 16, no NUL */
        return 0;
    default:
        return -EINVAL;
    }
}

static long fake_kexec_op(uint64_t cmd, unsigned char *arg)
{
    switch (cmd) {
    case KEXEC_CMD_kexec_get_range: {
        int range, nr;
        uint64_t size = 0x400, start = 0;

        n_range_calls++;
        memcpy(&range, arg, 4);
        memcpy(&nr, arg + 4, 4);
        if (range == KEXEC_RANGE_MA_CPU) {
            if (nr < 0 || nr >= nr_cpu_ids)
                return -ERANGE;
            if (!have_crash_notes)
                return -EINVAL;
            start = 0x7f000000ULL + 0x1000ULL * (uint64_t)nr;
        } else if (range == KEXEC_RANGE_MA_CRASH) {
            start = 0x20000000;
            size = 0x8000000;
        } else {
            return -EINVAL;
        }
        memcpy(arg + 8, &size, 8);
        memcpy(arg + 16, &start, 8);
        return 0;
    }
    case KEXEC_CMD_kexec_load: {
        unsigned char *segs;

        memcpy(seen_load, arg, sizeof(seen_load));
        memcpy(&seen_nsegs, arg + 4, 4);
        memcpy(&segs, arg + 8, 8);
        for (uint32_t i = 0; i < seen_nsegs && i < 4; i++) {
            const unsigned char *s = segs + 32 * i;
            const void *b;
            uint64_t bs;

            memcpy(seen_segs[i], s, 32);
            memcpy(&b, s, 8);
            memcpy(&bs, s + 8, 8);
            if (b)
                memcpy(seen_data[i], b, bs < 64 ? bs : 64);
        }
        if (arg[0] > KEXEC_TYPE_CRASH)
            return -EINVAL;
        loaded[arg[0]] = 1;
        return 0;
    }
    case KEXEC_CMD_kexec_unload:
        if (arg[0] > KEXEC_TYPE_CRASH)
            return -EINVAL;
        loaded[arg[0]] = 0;
        return 0;
    case KEXEC_CMD_kexec_status:
        if (arg[0] > KEXEC_TYPE_CRASH)
            return -EINVAL;
        return loaded[arg[0]];
    case KEXEC_CMD_kexec: {
        int type;

        memcpy(&type, arg, 4);
        return type == KEXEC_TYPE_DEFAULT && !loaded[0] ? -ENOENT : -EINVAL;
    }
    default:
        return -ENOSYS;
    }
}

static long xen_hypercall(unsigned int op, const uint64_t arg[5])
{
    if (xen_err)
        return -xen_err;
    switch (op) {
    case __HYPERVISOR_kexec_op:
        return fake_kexec_op(arg[0], (unsigned char *)(uintptr_t)arg[1]);
    case __HYPERVISOR_xen_version:
        return fake_xen_version(arg[0], (char *)(uintptr_t)arg[1]);
    case __HYPERVISOR_memory_op:
        return fake_memory_op(arg[0], (unsigned char *)(uintptr_t)arg[1]);
    default:
        fail_msg("unexpected hypercall %u", op);
        return -ENOSYS;
    }
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = { .hypercall = xen_hypercall };

    contract_setup(state);
    fake_xen_set(&xen);
    nr_cpu_ids = 2;
    have_crash_notes = 0;
    n_range_calls = 0;
    e820_n = 5;
    loaded[0] = loaded[1] = 0;
    xen_err = 0;
    memset(seen_load, 0, sizeof(seen_load));
    memset(seen_segs, 0, sizeof(seen_segs));
    memset(seen_data, 0, sizeof(seen_data));
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xenkexec_handle *open_ok(void)
{
    return CONTRACT_OPEN(XS_OP_CALL_OPEN, xenkexec_open(NULL, 0));
}

static void test_layout(void **state)
{
    (void)state;
    /* what kexec_op reads, on x86_64 */
    assert_int_equal(offsetof(xen_kexec_range_t, nr), 4);
    assert_int_equal(offsetof(xen_kexec_range_t, size), 8);
    assert_int_equal(offsetof(xen_kexec_range_t, start), 16);
    assert_int_equal(sizeof(xen_kexec_segment_t), 32);
    assert_int_equal(offsetof(xen_kexec_load_t, arch), 2);
    assert_int_equal(offsetof(xen_kexec_load_t, nr_segments), 4);
    assert_int_equal(offsetof(xen_kexec_load_t, segments), 8);
    assert_int_equal(offsetof(xen_kexec_load_t, entry_maddr), 16);
    assert_int_equal(KEXEC_CMD_kexec_load, 4);
    assert_int_equal(KEXEC_CMD_kexec_unload, 5);
    assert_int_equal(KEXEC_CMD_kexec_status, 6);
}

static void test_open_close(void **state)
{
    (void)state;
    CONTRACT_ASSERT_OPEN_CLOSE(xenkexec_handle, xenkexec_open,
                               xenkexec_close);
}

static void test_version(void **state)
{
    xenkexec_handle *xk = open_ok();
    unsigned int maj = 0, min = 0;
    char buf[64];

    (void)state;
    if (!xk)
        return;
    assert_int_equal(xenkexec_version(xk, &maj, &min), 0);
    assert_int_equal(maj, 4);
    assert_int_equal(min, 17);

    assert_int_equal(xenkexec_version_string(xk, XENVER_capabilities, buf,
                                             sizeof(buf)), 44);
    assert_string_equal(buf, "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_64");
    /* a full, unterminated fixed array is still a proper string */
    assert_int_equal(xenkexec_version_string(xk, XENVER_extraversion, buf,
                                             sizeof(buf)), 16);
    assert_string_equal(buf, ".7-unterminated!");
    /* too small: ERANGE, buffer untouched */
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(xenkexec_version_string(xk, XENVER_extraversion, buf,
                                             16), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(buf[0], 'x');
    /* not a string sub-op: refused before any hypercall */
    {
        int before = fake_sys_count(FAKE_IOCTL);

        assert_int_equal(xenkexec_version_string(xk, XENVER_version, buf,
                                                 sizeof(buf)), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenkexec_version_string(xk, XENVER_build_id, buf,
                                                 sizeof(buf)), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenkexec_version(xk, NULL, &min), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(fake_sys_count(FAKE_IOCTL), before);
    }
    assert_int_equal(xenkexec_close(xk), 0);
}

static void test_memory_map(void **state)
{
    xenkexec_handle *xk = open_ok();
    xenkexec_memory_range r[8];

    (void)state;
    if (!xk)
        return;
    assert_int_equal(xenkexec_machine_memory_map(xk, NULL, 0), 5);
    memset(r, 0xff, sizeof(r));
    assert_int_equal(xenkexec_machine_memory_map(xk, r, 8), 5);
    for (unsigned int i = 0; i < 5; i++) {
        assert_int_equal(r[i].addr, 0x100000ULL * i);
        assert_int_equal(r[i].size, 0x1000ULL * (i + 1));
        assert_int_equal(r[i].type, i % 2 ? XENKEXEC_E820_RESERVED
                                          : XENKEXEC_E820_RAM);
        assert_int_equal(r[i].pad, 0);
    }
    assert_int_equal(r[5].addr, UINT64_MAX);        /* not written */
    /* exactly enough room for the caller is fine (Xen got one more) */
    assert_int_equal(xenkexec_machine_memory_map(xk, r, 5), 5);
    assert_int_equal(xenkexec_machine_memory_map(xk, r, 4), -1);
    assert_int_equal(errno, ENOBUFS);
    assert_int_equal(xenkexec_machine_memory_map(xk, NULL, 3), -1);
    assert_int_equal(errno, EINVAL);
    e820_n = 0;
    assert_int_equal(xenkexec_machine_memory_map(xk, r, 8), 0);
    assert_int_equal(xenkexec_close(xk), 0);
}

static void test_nr_cpus(void **state)
{
    static const int counts[] = { 1, 2, 3, 4, 7, 8, 9, 64, 255, 4096 };
    xenkexec_handle *xk = open_ok();

    (void)state;
    if (!xk)
        return;
    for (int notes = 0; notes < 2; notes++) {
        have_crash_notes = notes;
        for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
            nr_cpu_ids = counts[i];
            n_range_calls = 0;
            assert_int_equal(xenkexec_nr_cpus(xk), counts[i]);
            /* logarithmic: doubling then bisecting */
            assert_true(n_range_calls <= 2 * 13 + 2);
        }
    }
    /* any other error is reported, not guessed around */
    xen_err = EPERM;
    assert_int_equal(xenkexec_nr_cpus(xk), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xenkexec_close(xk), 0);
}

static void test_get_range(void **state)
{
    xenkexec_handle *xk = open_ok();
    uint64_t size = 0, start = 0;

    (void)state;
    if (!xk)
        return;
    assert_int_equal(xenkexec_get_range(xk, KEXEC_RANGE_MA_CRASH, 0, &size,
                                        &start), 0);
    assert_int_equal(start, 0x20000000);
    assert_int_equal(size, 0x8000000);
    have_crash_notes = 1;
    assert_int_equal(xenkexec_get_range(xk, KEXEC_RANGE_MA_CPU, 1, &size,
                                        &start), 0);
    assert_int_equal(start, 0x7f001000ULL);
    size = start = 7;
    assert_int_equal(xenkexec_get_range(xk, KEXEC_RANGE_MA_CPU, 2, &size,
                                        &start), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(size, 7);                      /* untouched */
    assert_int_equal(xenkexec_get_range(xk, 0, 0, NULL, &start), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xenkexec_close(xk), 0);
}

static void test_load_unload(void **state)
{
    xenkexec_handle *xk = open_ok();
    static const char image[] = "\x7f" "ELF-not-really";
    char copy[sizeof(image)];
    xenkexec_segment segs[2] = {
        { image, sizeof(image), 0x1000000, 0x2000 },
        { NULL, 0, 0x1002000, 0x1000 },     /* zero-filled */
    };
    uint64_t v64;
    uint16_t v16;
    const void *p;

    (void)state;
    if (!xk)
        return;
    memcpy(copy, image, sizeof(image));
    assert_int_equal(xenkexec_status(xk, KEXEC_TYPE_DEFAULT), 0);
    assert_int_equal(xenkexec_load(xk, KEXEC_TYPE_DEFAULT, 62, 0x1000040, 2,
                                   segs), 0);
    /* struct xen_kexec_load as Xen read it */
    assert_int_equal(seen_load[0], KEXEC_TYPE_DEFAULT);
    memcpy(&v16, seen_load + 2, 2);
    assert_int_equal(v16, 62);
    assert_int_equal(seen_nsegs, 2);
    memcpy(&v64, seen_load + 16, 8);
    assert_int_equal(v64, 0x1000040);
    /* segments: buf @0 (a copy, not the caller's), sizes, destination */
    memcpy(&p, seen_segs[0], 8);
    assert_non_null(p);
    assert_ptr_not_equal(p, image);
    assert_memory_equal(seen_data[0], image, sizeof(image));
    memcpy(&v64, seen_segs[0] + 8, 8);
    assert_int_equal(v64, sizeof(image));
    memcpy(&v64, seen_segs[0] + 16, 8);
    assert_int_equal(v64, 0x1000000);
    memcpy(&v64, seen_segs[0] + 24, 8);
    assert_int_equal(v64, 0x2000);
    memcpy(&p, seen_segs[1], 8);
    assert_null(p);
    memcpy(&v64, seen_segs[1] + 16, 8);
    assert_int_equal(v64, 0x1002000);
    assert_memory_equal(copy, image, sizeof(image));

    assert_int_equal(xenkexec_status(xk, KEXEC_TYPE_DEFAULT), 1);
    assert_int_equal(xenkexec_status(xk, KEXEC_TYPE_CRASH), 0);
    assert_int_equal(xenkexec_unload(xk, KEXEC_TYPE_DEFAULT), 0);
    assert_int_equal(xenkexec_status(xk, KEXEC_TYPE_DEFAULT), 0);
    assert_int_equal(xenkexec_exec(xk, KEXEC_TYPE_DEFAULT), -1);
    assert_int_equal(errno, ENOENT);

    /* checks before any hypercall */
    {
        int before = fake_sys_count(FAKE_IOCTL);
        xenkexec_segment bad = { NULL, 16, 0x1000000, 0x1000 };
        xenkexec_segment big = { image, 0x2000, 0x1000000, 0x1000 };

        assert_int_equal(xenkexec_load(xk, 0, 62, 0, 1, &bad), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenkexec_load(xk, 0, 62, 0, 1, &big), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenkexec_load(xk, 0, 62, 0, 1, NULL), -1);
        assert_int_equal(errno, EINVAL);
        /* a type that does not fit the ABI's uint8_t is not truncated */
        assert_int_equal(xenkexec_unload(xk, 256), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenkexec_status(xk, -1), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(fake_sys_count(FAKE_IOCTL), before);
    }
    /* Xen's own refusal comes back as it is */
    assert_int_equal(xenkexec_unload(xk, 7), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xenkexec_close(xk), 0);
}

/*
 * Fail the nth mmap of op on a fresh handle (freed hypercall buffers are
 * cached per handle, so only a fresh one maps anew), for n = 1, 2, ...
 * until op needs fewer mmaps: every failure must be ENOMEM.  Leaks are
 * checked by teardown.  Returns how many mmaps op needed.
 */
static int fail_each_mmap(int (*op)(xenkexec_handle *))
{
    for (int n = 1;; n++) {
        xenkexec_handle *xk = xenkexec_open(NULL, 0);
        int rc;

        assert_non_null(xk);        /* the caller checked the backend */
        fake_sys_fail_nth(FAKE_MMAP, fake_sys_count(FAKE_MMAP) + n, ENOMEM);
        errno = 0;
        rc = op(xk);
        fake_sys_fail_nth(FAKE_MMAP, 0, 0);
        assert_int_equal(xenkexec_close(xk), 0);
        if (rc >= 0)
            return n - 1;
        assert_int_equal(errno, ENOMEM);
    }
}

static int op_load(xenkexec_handle *xk)
{
    xenkexec_segment seg[2] = {
        { "abc", 3, 0x1000000, 0x1000 },
        { "defg", 4, 0x1001000, 0x1000 },
    };

    return xenkexec_load(xk, 0, 62, 0, 2, seg);
}

static int op_memory_map(xenkexec_handle *xk)
{
    xenkexec_memory_range r[8];

    return xenkexec_machine_memory_map(xk, r, 8);
}

static int op_version_string(xenkexec_handle *xk)
{
    char buf[64];

    return xenkexec_version_string(xk, XENVER_capabilities, buf, sizeof(buf));
}

static void test_fault_injection(void **state)
{
    xenkexec_handle *xk;
    xenkexec_memory_range r[8];
    unsigned int maj, min;

    (void)state;
    xk = open_ok();
    if (!xk)
        return;
    if (!xk)
        return;
    assert_int_equal(xenkexec_close(xk), 0);
    /* load: struct, segment list, two bounce buffers */
    assert_int_equal(fail_each_mmap(op_load), 4);
    assert_int_equal(fail_each_mmap(op_memory_map), 2);
    assert_int_equal(fail_each_mmap(op_version_string), 1);

    xk = xenkexec_open(NULL, 0);
    assert_non_null(xk);        /* it opened above */
    /* the second hypercall of the map (the fetch) fails */
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 2, EFAULT);
    assert_int_equal(xenkexec_machine_memory_map(xk, r, 8), -1);
    assert_int_equal(errno, EFAULT);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
    assert_int_equal(xenkexec_version(xk, &maj, &min), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xenkexec_close(xk), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nr_cpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_unload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
    };

    return cmocka_run_group_tests_name("kexec", tests, NULL, NULL);
}
