/*
 * test-call.c - xencall on FreeBSD, against the fake FreeBSD kernel
 * (tests/unit/fake_bsd.h): /dev/xen/privcmd, the HYPERCALL request's
 * number and layout with the result in the structure (the whole long),
 * and hypercall buffers from anonymous memory locked with mlock() and
 * kept out of fork children with minherit() -- no buffer device, no
 * MAP_LOCKED, no MADV_DONTFORK, which the fake turns into failures.  The
 * API contract is tests/unit/test-call.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <xencall.h>
#include <xentoolcore.h>
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "bsd-protocol.h"
#include "quiet_logger.h"

static long xen_result;

static long xen_hypercall(uint64_t op, const uint64_t arg[5])
{
    (void)op;
    (void)arg;
    return xen_result;
}

static struct fake_bsd_config cfg;

static int setup(void **state)
{
    (void)state;
    fake_bsd_default_config(&cfg, FAKE_BSD_FREEBSD);
    cfg.hypercall = xen_hypercall;
    bsd_protocol_install(&cfg);
    xen_result = 0;
    return 0;
}

static xencall_handle *x;

static void test_open_path_and_flags(void **state)
{
    const struct fake_sys_call *c;

    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    assert_int_equal(fake_sys_count_all(), 1);
    c = bsd_call_of(FAKE_OPEN, 0);
    assert_string_equal(c->path, "/dev/xen/privcmd");
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xencall_close(x), 0);

    /* 0600 root:wheel: a user's open fails with the kernel's EACCES */
    cfg.not_root = 1;
    bsd_protocol_install(&cfg);
    errno = 0;
    assert_null(xencall_open(&xs_quiet_logger, 0));
    assert_int_equal(errno, EACCES);
}

/* ---- HYPERCALL: one table row per call ---- */

static long call0(void)
{
    return xencall0(x, 17);
}
static long call2(void)
{
    return xencall2(x, 2, 11, 22);
}
static long call5(void)
{
    return xencall5(x, 5, 11, 22, 33, 44, 1ULL << 63);
}
static long call1_fails(void)
{
    return xencall1(x, 1, 7);
}

#define HC_LEN sizeof(struct xs_bsd_privcmd_hypercall)
#define HC     XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL

/* clang-format off */
static const struct ioctl_row hypercall_rows[] = {
    { "xencall0", call0, HC, 0, 7,
      { { 0, 8, 17 }, { 8, 8, 0 }, { 48, 8, 0 } }, HC_LEN, 0, 0 },
    { "xencall2", call2, HC, 0, 7,
      { { 0, 8, 2 }, { 8, 8, 11 }, { 16, 8, 22 }, { 24, 8, 0 } },
      HC_LEN, 0, 0 },
    { "xencall5", call5, HC, 0, 7,
      { { 0, 8, 5 }, { 8, 8, 11 }, { 16, 8, 22 }, { 24, 8, 33 },
        { 32, 8, 44 }, { 40, 8, 1ULL << 63 } },
      HC_LEN, 0, 0 },
};
/* clang-format on */

static void test_hypercall_rows(void **state)
{
    (void)state;
    assert_int_equal(HC, 0xc0384500UL);
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    xen_result = 7;
    for (size_t i = 0; i < XS_ARRAY_SIZE(hypercall_rows); i++)
        ioctl_table_check(&hypercall_rows[i], xencall_fd(x));
    assert_int_equal(fake_bsd_hypercalls(), 3);
    assert_int_equal(fake_bsd_hypercall_at(2)->arg[4], 1ULL << 63);

    /* Xen's error: the kernel's errno, from one request */
    {
        /* clang-format off */
        const struct ioctl_row row = {
            "xencall1 failing", call1_fails, HC, 0, -1,
            { { 0, 8, 1 }, { 8, 8, 7 } }, HC_LEN, ESRCH, 0,
        };
        /* clang-format on */

        xen_result = -ESRCH;
        ioctl_table_check(&row, xencall_fd(x));
    }
    assert_int_equal(xencall_close(x), 0);
}

/*
 * The result is the structure's long, as upstream's FreeBSD backend
 * returns it: xencall2L sees all 64 bits, the int calls its low half.
 */
static void test_result_in_the_structure(void **state)
{
    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    xen_result = 0x100000005L;
    assert_int_equal(xencall2L(x, 1, 0, 0), 0x100000005L);
    assert_int_equal(xencall1(x, 1, 0), 5);
    xen_result = 0x80000000L;
    errno = EDOM;
    assert_int_equal(xencall2L(x, 1, 0, 0), 0x80000000L);
    assert_int_equal(xencall1(x, 1, 0), INT_MIN);
    assert_int_equal(errno, EDOM);
    assert_int_equal(xencall_close(x), 0);
}

/* Buffers: anonymous, mlock()ed, minherit(INHERIT_NONE); never faulting. */
static void test_locked_buffers(void **state)
{
    const struct fake_sys_call *c;
    void *p;

    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    p = xencall_alloc_buffer_pages(x, 5);
    assert_non_null(p);
    /* no buffer device is looked for */
    assert_int_equal(fake_sys_count(FAKE_OPEN), 1);
    c = bsd_call_of(FAKE_MMAP, 0);
    assert_int_equal(c->flags, MAP_PRIVATE | MAP_ANONYMOUS);
    assert_int_equal(c->fd, -1);
    assert_int_equal(c->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(c->request, 5 * 4096);
    c = bsd_call_of(FAKE_MLOCK, 0);
    assert_non_null(c);
    assert_ptr_equal(c->addr, p);
    assert_int_equal(c->request, 5 * 4096);
    assert_int_equal(fake_bsd_locked_bytes(), 5 * 4096);
    assert_int_equal(fake_bsd_inherit_at(p), XS_BSD_INHERIT_NONE);
    assert_int_equal(fake_bsd_inherit_at((char *)p + 4 * 4096),
                     XS_BSD_INHERIT_NONE);
    assert_int_equal(fake_sys_count(FAKE_MADVISE), 0);
    /* wired pages: the hypervisor never faults on them (upstream: 1) */
    assert_int_equal(xencall_buffers_never_fault(x), 1);
    /* five pages are too many to cache: unmapped at once, which unlocks */
    xencall_free_buffer_pages(x, p, 5);
    assert_int_equal(fake_sys_count(FAKE_MUNMAP), 1);
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(xencall_close(x), 0);
}

/* mlock() or minherit() failing: the memory is given back, the errno kept */
static void test_lock_failures(void **state)
{
    static const enum fake_sys_kind kinds[] = { FAKE_MLOCK, FAKE_MINHERIT };

    (void)state;
    for (size_t i = 0; i < XS_ARRAY_SIZE(kinds); i++) {
        bsd_protocol_install(&cfg);
        x = xencall_open(NULL, 0);
        assert_non_null(x);
        /* RLIMIT_MEMLOCK reached: mlock's EAGAIN */
        fake_sys_fail_nth(kinds[i], 1, EAGAIN);
        errno = 0;
        assert_null(xencall_alloc_buffer_pages(x, 1));
        assert_int_equal(errno, EAGAIN);
        assert_int_equal(fake_sys_live_mappings(), 0);
        assert_int_equal(fake_bsd_locked_bytes(), 0);
        assert_int_equal(xencall_close(x), 0);
        bsd_protocol_teardown(NULL);
    }
    bsd_protocol_install(&cfg);
}

/* A restricted descriptor: the kernel forbids every hypercall. */
static void test_restricted_privcmd(void **state)
{
    uint16_t dom = 3;

    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    assert_int_equal(fake_bsd_libc.ioctl(xencall_fd(x),
                                         XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT,
                                         &dom),
                     0);
    errno = 0;
    assert_int_equal(xencall0(x, 17), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(fake_bsd_hypercalls(), 0);
    assert_int_equal(xencall_close(x), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, bsd_protocol_teardown)
        T(test_open_path_and_flags),     T(test_hypercall_rows),
        T(test_result_in_the_structure), T(test_locked_buffers),
        T(test_lock_failures),           T(test_restricted_privcmd),
#undef T
    };

    return cmocka_run_group_tests_name("freebsd-call", tests, NULL, NULL);
}
