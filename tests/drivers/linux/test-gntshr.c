/*
 * test-gntshr.c - xengntshr_* against a fake gntalloc driver: device
 * path and flags (close-on-exec, our deliberate difference), ALLOC_GREF
 * / DEALLOC_GREF / SET_UNMAP_NOTIFY layouts, mmap arguments, failure
 * injection with leak checks, and restrict through toolcore.
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
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <xengnttab.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include "fake_gntdrv.h"
#include "fixtures.h"

#define REQ_ALLOC   0x00184705UL
#define REQ_DEALLOC 0x00104706UL
#define REQ_NOTIFY  0x00104707UL

static xentoollog_logger *quiet;

static int setup(void **state)
{
    (void)state;
    drv_install();
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xengntshr_handle *gs_open(void)
{
    xengntshr_handle *xgs = xengntshr_open(quiet, 0);

    assert_non_null(xgs);
    return xgs;
}

static void test_open_close(void **state)
{
    xengntshr_handle *xgs;

    (void)state;
    xgs = xengntshr_open(NULL, 0);
    assert_non_null(xgs);
    assert_string_equal(fake_sys_call_at(0)->path, "/dev/xen/gntalloc");
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR | O_CLOEXEC);
    assert_true(xengntshr_fd(xgs) >= 0);
    assert_int_equal(xengntshr_close(xgs), 0);
    assert_int_equal(fake_sys_count_all(), 2);
    assert_int_equal(xengntshr_close(NULL), 0);

    fake_sys_fail_nth(FAKE_OPEN, 2, ENOENT);
    errno = 0;
    assert_null(xengntshr_open(quiet, 0));
    assert_int_equal(errno, ENOENT);

    xgs = gs_open();
    fake_sys_fail_nth(FAKE_CLOSE, 2, EIO);
    errno = 0;
    assert_int_equal(xengntshr_close(xgs), -1);
    assert_int_equal(errno, EIO);
}

static void test_share_pages(void **state)
{
    xengntshr_handle *xgs = gs_open();
    uint32_t refs[3] = { 0 };
    const struct drv_ioctl_rec *r;
    const struct fake_sys_call *c;
    int base = fake_sys_count_all();
    void *p;

    (void)state;
    drv_next_index = 0x7000;
    p = xengntshr_share_pages(xgs, 4, 3, refs, 1);
    assert_non_null(p);
    /* ALLOC_GREF, mmap, DEALLOC_GREF */
    assert_int_equal(fake_sys_count_all(), base + 3);
    r = drv_ioctl_at(0);
    assert_int_equal(r->req, REQ_ALLOC);
    assert_int_equal(r->arg[0] | (r->arg[1] << 8), 4);     /* domid u16 */
    assert_int_equal(r->arg[2] | (r->arg[3] << 8), 1);     /* writable */
    assert_int_equal(rd32(r->arg, 4), 3);
    c = fake_sys_call_at(base + 1);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->request, 3 * 4096);
    assert_int_equal(c->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(c->flags, MAP_SHARED);
    assert_int_equal(c->offset, 0x7000);
    assert_int_equal(refs[0], 500);
    assert_int_equal(refs[2], 502);
    r = drv_ioctl_at(1);
    assert_int_equal(r->req, REQ_DEALLOC);
    assert_int_equal(rd64(r->arg, 0), 0x7000);
    assert_int_equal(rd32(r->arg, 8), 3);
    assert_int_equal(drv_n, 2);

    base = fake_sys_count_all();
    assert_int_equal(xengntshr_unshare(xgs, p, 3), 0);
    assert_int_equal(fake_sys_count_all(), base + 1);
    assert_int_equal(fake_sys_call_at(base)->kind, FAKE_MUNMAP);
    assert_int_equal(fake_sys_call_at(base)->request, 3 * 4096);

    /* read-only share */
    p = xengntshr_share_pages(xgs, 4, 1, refs, 0);
    assert_non_null(p);
    r = drv_ioctl_at(2);
    assert_int_equal(r->arg[2] | (r->arg[3] << 8), 0);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

static void test_share_many(void **state)
{
    enum { N = 600 };
    static uint32_t refs[N];
    xengntshr_handle *xgs = gs_open();
    void *p;

    (void)state;
    p = xengntshr_share_pages(xgs, 0, N, refs, 1);
    assert_non_null(p);
    assert_int_equal(drv_ioctl_at(0)->len, 16 + 4 * N);
    assert_int_equal(refs[N - 1], 500 + N - 1);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 1);
    assert_int_equal(xengntshr_unshare(xgs, p, N), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

static void test_share_notify(void **state)
{
    xengntshr_handle *xgs = gs_open();
    const struct drv_ioctl_rec *r;
    uint32_t ref = 0;
    void *p;

    (void)state;
    drv_next_index = 0x2000;
    p = xengntshr_share_page_notify(xgs, 1, &ref, 1, 8, 9);
    assert_non_null(p);
    r = drv_ioctl_at(1);
    assert_int_equal(r->req, REQ_NOTIFY);
    assert_int_equal(rd64(r->arg, 0), 0x2000 + 8);
    assert_int_equal(rd32(r->arg, 8), 3);
    assert_int_equal(rd32(r->arg, 12), 9);
    assert_int_equal(drv_ioctl_at(2)->req, REQ_DEALLOC);
    assert_int_equal(ref, 500);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);

    drv_n = 0;
    p = xengntshr_share_page_notify(xgs, 1, &ref, 1, (uint32_t)-1,
                                    (uint32_t)-1);
    assert_non_null(p);
    assert_int_equal(drv_n, 2);             /* no notify ioctl */
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);

    drv_n = 0;
    p = xengntshr_share_page_notify(xgs, 1, &ref, 1, 4096, 3);
    assert_non_null(p);
    assert_int_equal(rd32(drv_ioctl_at(1)->arg, 8), 2);   /* event only */
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

/* every syscall of share_page_notify fails in turn: clean, no leak */
static void test_share_failures(void **state)
{
    xengntshr_handle *xgs = gs_open();
    uint32_t ref = 1234;
    static const struct { enum fake_sys_kind kind; int nth; int err; } f[] = {
        { FAKE_IOCTL, 1, ENOSPC },      /* ALLOC_GREF */
        { FAKE_MMAP, 1, ENOMEM },
        { FAKE_IOCTL, 2, EINVAL },      /* SET_UNMAP_NOTIFY */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        int fds;

        drv_install();
        fds = fake_sys_open_fds();
        fake_sys_fail_nth(f[i].kind, f[i].nth, f[i].err);
        errno = 0;
        assert_null(xengntshr_share_page_notify(xgs, 1, &ref, 1, 0, 5));
        assert_int_equal(errno, f[i].err);
        assert_int_equal(fake_sys_live_mappings(), 0);
        assert_int_equal(fake_sys_open_fds(), fds);
        assert_int_equal(ref, 1234);        /* untouched on failure */
        if (i > 0) {
            /* the allocation was given back */
            assert_int_equal(drv_ioctl_at(drv_n - 1)->req, REQ_DEALLOC);
        }
    }

    /* the final DEALLOC_GREF failing does not fail the share */
    drv_install();
    fake_sys_fail_nth(FAKE_IOCTL, 2, EIO);
    errno = 0;
    void *p = xengntshr_share_pages(xgs, 1, 1, &ref, 1);
    assert_non_null(p);
    assert_int_equal(ref, 500);
    /* unshare = munmap; its failure is reported */
    fake_sys_fail_nth(FAKE_MUNMAP, 1, EINVAL);
    errno = 0;
    assert_int_equal(xengntshr_unshare(xgs, p, 1), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    fake_sys_install();
    assert_int_equal(xengntshr_close(xgs), 0);
}

/* our choice: gntshr handles are restricted (useless) by restrict_all */
static void test_restrict_all(void **state)
{
    xengntshr_handle *xgs = gs_open();
    int i;

    (void)state;
    assert_int_equal(xentoolcore_restrict_all(5), 0);
    i = last_call_of(FAKE_DUP3);
    assert_true(i >= 0);
    assert_int_equal(fake_sys_call_at(i)->fd, xengntshr_fd(xgs));
    assert_int_equal(xengntshr_close(xgs), 0);
    /* closed handles are no longer restricted */
    int before = fake_sys_count(FAKE_DUP3);
    assert_int_equal(xentoolcore_restrict_all(5), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_close),
        T(test_share_pages),
        T(test_share_many),
        T(test_share_notify),
        T(test_share_failures),
        T(test_restrict_all),
#undef T
    };
    FILE *devnull = fopen("/dev/null", "w");

    quiet = (xentoollog_logger *)xtl_createlogger_stdiostream(devnull,
                                                              XTL_DEBUG, 0);
    return cmocka_run_group_tests_name("linux-gntshr", tests, NULL, NULL);
}
