/*
 * test-call.c - xencall on NetBSD, against the fake NetBSD kernel
 * (tests/unit/fake_bsd.h): /kern/xen/privcmd, which exists only in
 * dom0; the HYPERCALL request ('P', 0) with the result in the
 * structure; ops of 128 and more refused by the kernel; hypercall
 * buffers from locked anonymous memory kept out of fork children, which
 * may fault (upstream's NetBSD answer).  The API contract is
 * tests/unit/test-call.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <xencall.h>
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "bsd-protocol.h"
#include "quiet_logger.h"

#define HC XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL

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
    fake_bsd_default_config(&cfg, FAKE_BSD_NETBSD);
    cfg.hypercall = xen_hypercall;
    bsd_protocol_install(&cfg);
    xen_result = 0;
    return 0;
}

static xencall_handle *x;

static void test_open_dom0_only(void **state)
{
    const struct fake_sys_call *c;

    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    c = bsd_call_of(FAKE_OPEN, 0);
    assert_string_equal(c->path, "/kern/xen/privcmd");
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xencall_close(x), 0);

    /* outside dom0 the kernfs file does not exist */
    cfg.domu = 1;
    bsd_protocol_install(&cfg);
    errno = 0;
    assert_null(xencall_open(&xs_quiet_logger, 0));
    assert_int_equal(errno, ENOENT);
    assert_int_equal(fake_sys_count_all(), 1);
}

static long call3(void)
{
    return xencall3(x, 3, 11, 22, 33);
}
static long call_op128(void)
{
    return xencall0(x, 128);
}

static void test_hypercall_rows(void **state)
{
    /* clang-format off */
    const struct ioctl_row rows[] = {
        { "xencall3", call3, HC, 0, 9,
          { { 0, 8, 3 }, { 8, 8, 11 }, { 16, 8, 22 }, { 24, 8, 33 },
            { 32, 8, 0 }, { 48, 8, 0 } },
          56, 0, 0 },
        /* the kernel refuses ops it has no room for, as Linux does */
        { "xencall0(128)", call_op128, HC, 0, -1, { { 0, 8, 128 } }, 56,
          EINVAL, 0 },
    };
    /* clang-format on */

    (void)state;
    assert_int_equal(HC, 0xc0385000UL);
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    xen_result = 9;
    for (size_t i = 0; i < XS_ARRAY_SIZE(rows); i++)
        ioctl_table_check(&rows[i], xencall_fd(x));
    assert_int_equal(fake_bsd_hypercalls(), 1);
    /* the whole long, from the structure */
    xen_result = 0x200000001L;
    assert_int_equal(xencall2L(x, 1, 0, 0), 0x200000001L);
    xen_result = -EACCES;
    errno = 0;
    assert_int_equal(xencall1(x, 1, 0), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(xencall_close(x), 0);
}

static void test_locked_buffers(void **state)
{
    const struct fake_sys_call *c;
    void *p;

    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    p = xencall_alloc_buffer_pages(x, 5);
    assert_non_null(p);
    c = bsd_call_of(FAKE_MMAP, 0);
    assert_int_equal(c->flags, MAP_PRIVATE | MAP_ANONYMOUS);
    assert_int_equal(c->fd, -1);
    assert_ptr_equal(bsd_call_of(FAKE_MLOCK, 0)->addr, p);
    assert_int_equal(fake_bsd_locked_bytes(), 5 * 4096);
    assert_int_equal(fake_bsd_inherit_at(p), XS_BSD_INHERIT_NONE);
    assert_int_equal(fake_sys_count(FAKE_MADVISE), 0);
    /* 0, as upstream's NetBSD backend answers */
    assert_int_equal(xencall_buffers_never_fault(x), 0);
    assert_int_equal(fake_sys_count(FAKE_OPEN), 1);
    xencall_free_buffer_pages(x, p, 5);
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(xencall_close(x), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, bsd_protocol_teardown)
        T(test_open_dom0_only),
        T(test_hypercall_rows),
        T(test_locked_buffers),
#undef T
    };

    return cmocka_run_group_tests_name("netbsd-call", tests, NULL, NULL);
}
