/*
 * test-gntshr.c - xengntshr's contract on every backend: sharing pages
 * (the grant references the caller gets, the memory it can use), counts
 * checked before any system call, notify, failures leaving nothing
 * behind, restrict.  The device protocol is each OS's
 * (tests/drivers/<os>/test-gntshr.c).
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

#include <xengnttab.h>
#include <xentoolcore.h>
#include "contract.h"
#include "quiet_logger.h"

#define Q (&xs_quiet_logger)

static xengntshr_handle *gs_open(void)
{
    return CONTRACT_OPEN(XS_OP_GNTSHR_OPEN, xengntshr_open(Q, 0));
}

static void test_open_close(void **state)
{
    xengntshr_handle *xgs;
    int want = CONTRACT_EXPECT(XS_OP_GNTSHR_OPEN)
                   ? CONTRACT_EXPECT(XS_OP_GNTSHR_OPEN)
                   : ENOENT;

    (void)state;
    assert_int_equal(xengntshr_close(NULL), 0);
    fake_sys_fail_nth(FAKE_OPEN, 1, ENOENT);
    errno = 0;
    assert_null(xengntshr_open(Q, 0));
    assert_int_equal(errno, want);
    assert_int_equal(fake_sys_open_fds(), 0);

    xs_backend.install(0);
    xgs = gs_open();
    if (!xgs)
        return;
    assert_true(xengntshr_fd(xgs) >= 0);
    /* close-on-exec: our deliberate difference from upstream */
    assert_int_equal(fcntl(xengntshr_fd(xgs), F_GETFD) & FD_CLOEXEC,
                     FD_CLOEXEC);
    assert_int_equal(xengntshr_close(xgs), 0);
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls);

    xgs = gs_open();
    fake_sys_fail_nth(FAKE_CLOSE, fake_sys_count(FAKE_CLOSE) + 1, EIO);
    errno = 0;
    assert_int_equal(xengntshr_close(xgs), -1);
    assert_int_equal(errno, EIO);
}

static void test_share_pages(void **state)
{
    enum {
        N = 600
    };
    static uint32_t refs[N];
    xengntshr_handle *xgs = gs_open();
    char *p;

    (void)state;
    if (!xgs)
        return;
    p = xengntshr_share_pages(xgs, 4, 3, refs, 1);
    assert_non_null(p);
    assert_true(fake_sys_is_mapped(p, 3 * 4096));
    /* Xen's references, in order */
    assert_int_equal(refs[1], refs[0] + 1);
    assert_int_equal(refs[2], refs[0] + 2);
    p[3 * 4096 - 1] = 1; /* ours to write */
    assert_int_equal(xengntshr_unshare(xgs, p, 3), 0);
    assert_false(fake_sys_is_mapped(p, 3 * 4096));

    /* read-only, and many pages at once */
    p = xengntshr_share_pages(xgs, 4, 1, refs, 0);
    assert_non_null(p);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    p = xengntshr_share_pages(xgs, 0, N, refs, 1);
    assert_non_null(p);
    assert_int_equal(refs[N - 1], refs[0] + N - 1);
    assert_int_equal(xengntshr_unshare(xgs, p, N), 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

static void test_share_bad_count(void **state)
{
    xengntshr_handle *xgs = gs_open();
    uint32_t refs[1];
    int base;

    (void)state;
    if (!xgs)
        return;
    base = fake_sys_count_all();
    errno = 0;
    assert_null(xengntshr_share_pages(xgs, 0, 0, refs, 1));
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_null(xengntshr_share_pages(xgs, 0, -1, refs, 1));
    assert_int_equal(errno, EINVAL);
    assert_null(xengntshr_share_pages(xgs, 0, -2147483647 - 1, refs, 1));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);
    assert_int_equal(xengntshr_close(xgs), 0);
}

/*
 * Port 9 is bound in the test domain (tests/drivers/bsd).  Clearing byte
 * 8 of a one-page share is refused where the kernel compares the offset
 * with the page count (NetBSD); byte 1 works everywhere.
 */
static void test_share_notify(void **state)
{
    int high = CONTRACT_EXPECT(XS_OP_GNT_NOTIFY_HIGH_OFFSET);
    xengntshr_handle *xgs = gs_open();
    uint32_t ref = 0;
    void *p;

    (void)state;
    if (!xgs)
        return;
    errno = 0;
    p = xengntshr_share_page_notify(xgs, 1, &ref, 1, 8, 9);
    if (high) {
        assert_null(p);
        assert_int_equal(errno, high);
        assert_int_equal(fake_sys_live_mappings(), 0);
        p = xengntshr_share_page_notify(xgs, 1, &ref, 1, 1, 9);
    }
    assert_non_null(p);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    p = xengntshr_share_page_notify(xgs, 1, &ref, 1, (uint32_t)-1,
                                    (uint32_t)-1);
    assert_non_null(p);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

static void test_share_failures(void **state)
{
    xengntshr_handle *xgs = gs_open();
    uint32_t refs[2];

    (void)state;
    if (!xgs)
        return;
    fake_sys_fail_always(FAKE_IOCTL, ENOSPC);
    errno = 0;
    assert_null(xengntshr_share_pages(xgs, 1, 2, refs, 1));
    assert_int_equal(errno, ENOSPC);
    fake_sys_fail_always(FAKE_IOCTL, 0);
    fake_sys_fail_always(FAKE_MMAP, ENOMEM);
    errno = 0;
    assert_null(xengntshr_share_pages(xgs, 1, 2, refs, 1));
    assert_int_equal(errno, ENOMEM);
    fake_sys_fail_always(FAKE_MMAP, 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

/* restrict_all: no new page can be shared; shared pages stay shared */
static void test_restrict_all(void **state)
{
    xengntshr_handle *xgs = gs_open();
    uint32_t refs[1];
    char *p;

    (void)state;
    if (!xgs)
        return;
    p = xengntshr_share_pages(xgs, 1, 1, refs, 1);
    assert_non_null(p);
    assert_int_equal(xentoolcore_restrict_all(5), 0);
    assert_null(xengntshr_share_pages(xgs, 1, 1, refs, 1));
    p[0] = 1;
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CONTRACT_TEST(test_open_close),      CONTRACT_TEST(test_share_pages),
        CONTRACT_TEST(test_share_bad_count), CONTRACT_TEST(test_share_notify),
        CONTRACT_TEST(test_share_failures),  CONTRACT_TEST(test_restrict_all),
    };

    return cmocka_run_group_tests_name("gntshr", tests, NULL, NULL);
}
