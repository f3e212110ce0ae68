/*
 * test-gnttab.c - xengnttab_* against a fake gntdev driver: device path
 * and flags, every ioctl's number and argument layout, mmap arguments,
 * the unmap bookkeeping (no GET_OFFSET_FOR_VADDR for our own mappings),
 * notify, the bounded EAGAIN retry, failure injection with leak checks,
 * grant copy, dma-buf, and restrict.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

#define REQ_MAP        0x00184700UL
#define REQ_UNMAP      0x00104701UL
#define REQ_GETOFF     0x00184702UL
#define REQ_NOTIFY     0x00104707UL
#define REQ_COPY       0x00104708UL
#define REQ_EXP        0x00144709UL
#define REQ_WAIT       0x0008470aUL
#define REQ_IMP        0x0014470bUL
#define REQ_IMPREL     0x0008470cUL

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

static xengnttab_handle *gt_open(void)
{
    xengnttab_handle *xgt = xengnttab_open(quiet, 0);

    assert_non_null(xgt);
    return xgt;
}

/* ---- open / close ---------------------------------------------------- */

static void test_open_close(void **state)
{
    xengnttab_handle *xgt;

    (void)state;
    xgt = xengnttab_open(NULL, 0xffffffffu);    /* flags ignored */
    assert_non_null(xgt);
    assert_int_equal(fake_sys_call_at(0)->kind, FAKE_OPEN);
    assert_string_equal(fake_sys_call_at(0)->path, "/dev/xen/gntdev");
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR | O_CLOEXEC);
    assert_true(xengnttab_fd(xgt) >= 0);
    assert_int_equal(xengnttab_close(xgt), 0);
    assert_int_equal(fake_sys_call_at(1)->kind, FAKE_CLOSE);
    assert_int_equal(fake_sys_count_all(), 2);
    assert_int_equal(xengnttab_close(NULL), 0);
    assert_int_equal(fake_sys_count_all(), 2);
}

static void test_open_close_failures(void **state)
{
    xengnttab_handle *xgt;

    (void)state;
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    assert_null(xengnttab_open(quiet, 0));
    assert_int_equal(errno, EACCES);
    assert_int_equal(fake_sys_open_fds(), 0);
    /* a failed open leaves nothing registered */
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), 0);

    xgt = gt_open();
    fake_sys_fail_nth(FAKE_CLOSE, 1, EIO);
    errno = 0;
    assert_int_equal(xengnttab_close(xgt), -1);
    assert_int_equal(errno, EIO);
}

/* ---- map / unmap ----------------------------------------------------- */

static void test_map_one_and_unmap(void **state)
{
    xengnttab_handle *xgt = gt_open();
    const struct drv_ioctl_rec *r;
    const struct fake_sys_call *c;
    int base = fake_sys_count_all();
    void *p;

    (void)state;
    drv_next_index = 0x5000;
    p = xengnttab_map_grant_ref(xgt, 3, 8, PROT_READ);
    assert_non_null(p);
    /* one ioctl + one mmap */
    assert_int_equal(fake_sys_count_all(), base + 2);
    r = drv_ioctl_at(0);
    assert_int_equal(r->req, REQ_MAP);
    assert_int_equal(rd32(r->arg, 0), 1);       /* count */
    assert_int_equal(rd32(r->arg, 4), 0);       /* pad */
    assert_int_equal(rd32(r->arg, 16), 3);      /* refs[0].domid */
    assert_int_equal(rd32(r->arg, 20), 8);      /* refs[0].ref */
    c = fake_sys_call_at(base + 1);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->request, 4096);
    assert_int_equal(c->prot, PROT_READ);
    assert_int_equal(c->flags, MAP_SHARED);
    assert_int_equal(c->offset, 0x5000);
    assert_int_equal(c->fd, xengnttab_fd(xgt));

    base = fake_sys_count_all();
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    /* munmap + UNMAP_GRANT_REF, no GET_OFFSET_FOR_VADDR */
    assert_int_equal(fake_sys_count_all(), base + 2);
    assert_int_equal(fake_sys_call_at(base)->kind, FAKE_MUNMAP);
    assert_int_equal(fake_sys_call_at(base)->request, 4096);
    r = drv_ioctl_at(1);
    assert_int_equal(r->req, REQ_UNMAP);
    assert_int_equal(rd64(r->arg, 0), 0x5000);
    assert_int_equal(rd32(r->arg, 8), 1);
    assert_int_equal(drv_n, 2);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_map_refs_layout(void **state)
{
    xengnttab_handle *xgt = gt_open();
    uint32_t domids[3] = { 1, 2, 3 }, refs[3] = { 10, 20, 30 };
    const struct drv_ioctl_rec *r;
    void *p, *q;

    (void)state;
    p = xengnttab_map_grant_refs(xgt, 3, domids, refs, PROT_READ | PROT_WRITE);
    assert_non_null(p);
    r = drv_ioctl_at(0);
    assert_int_equal(r->len, 16 + 3 * 8);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rd32(r->arg, 16 + 8 * i), domids[i]);
        assert_int_equal(rd32(r->arg, 20 + 8 * i), refs[i]);
    }
    assert_int_equal(fake_sys_call_at(last_call_of(FAKE_MMAP))->request,
                     3 * 4096);
    q = xengnttab_map_domain_grant_refs(xgt, 3, 9, refs, PROT_READ);
    assert_non_null(q);
    r = drv_ioctl_at(1);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rd32(r->arg, 16 + 8 * i), 9);
        assert_int_equal(rd32(r->arg, 20 + 8 * i), refs[i]);
    }
    assert_int_equal(fake_sys_call_at(last_call_of(FAKE_MMAP))->offset,
                     3 * 4096);
    assert_int_equal(xengnttab_unmap(xgt, q, 3), 0);
    assert_int_equal(rd64(drv_ioctl_at(2)->arg, 0), 3 * 4096);
    assert_int_equal(xengnttab_unmap(xgt, p, 3), 0);
    assert_int_equal(rd64(drv_ioctl_at(3)->arg, 0), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* more refs than the stack buffer holds: the heap argument is the same */
static void test_map_many(void **state)
{
    enum { N = 300 };
    static uint32_t refs[N];
    xengnttab_handle *xgt = gt_open();
    const struct drv_ioctl_rec *r;
    void *p;

    (void)state;
    for (int i = 0; i < N; i++)
        refs[i] = 1000 + i;
    p = xengnttab_map_domain_grant_refs(xgt, N, 4, refs, PROT_READ);
    assert_non_null(p);
    r = drv_ioctl_at(0);
    assert_int_equal(rd32(r->arg, 0), N);
    assert_int_equal(rd32(r->arg, 16 + 8 * (N - 1) + 4), 1000 + N - 1);
    /* no mmap for the argument: just the one for the grants */
    assert_int_equal(fake_sys_count(FAKE_MMAP), 1);
    assert_int_equal(xengnttab_unmap(xgt, p, N), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void check_notify(xengnttab_handle *xgt, uint32_t off, uint32_t port,
                         int expect_ioctl, uint64_t idx_delta, uint32_t action)
{
    int n0 = drv_n;
    void *p;

    drv_next_index = 0x10000;
    p = xengnttab_map_grant_ref_notify(xgt, 0, 5, PROT_READ | PROT_WRITE,
                                       off, port);
    assert_non_null(p);
    if (!expect_ioctl) {
        assert_int_equal(drv_n, n0 + 1);        /* MAP only */
    } else {
        const struct drv_ioctl_rec *r = drv_ioctl_at(n0 + 1);

        assert_int_equal(drv_n, n0 + 2);
        assert_int_equal(r->req, REQ_NOTIFY);
        assert_int_equal(rd64(r->arg, 0), 0x10000 + idx_delta);
        assert_int_equal(rd32(r->arg, 8), action);
        if (action & 2)
            assert_int_equal(rd32(r->arg, 12), port);
        else
            assert_int_equal(rd32(r->arg, 12), 0);
    }
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
}

static void test_map_notify(void **state)
{
    xengnttab_handle *xgt = gt_open();

    (void)state;
    check_notify(xgt, 10, (uint32_t)-1, 1, 10, 1);         /* clear byte */
    check_notify(xgt, (uint32_t)-1, 7, 1, 0, 2);           /* send event */
    check_notify(xgt, 4095, 7, 1, 4095, 3);                /* both */
    check_notify(xgt, 4096, (uint32_t)-1, 0, 0, 0);        /* out of page */
    check_notify(xgt, (uint32_t)-1, (uint32_t)-1, 0, 0, 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_map_failures(void **state)
{
    xengnttab_handle *xgt = gt_open();
    (void)state;
    /* (each case reinstalls the driver, so the counters start at 0) */
    /* MAP_GRANT_REF fails: nothing else happens */
    fake_sys_fail_nth(FAKE_IOCTL, 1, ENOMEM);
    errno = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ));
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 0);

    /* mmap fails: the slots go back, the mmap's errno is reported */
    drv_install();
    drv_next_index = 0x3000;
    fake_sys_fail_nth(FAKE_MMAP, 1, ENOMEM);
    errno = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ));
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(drv_ioctl_at(1)->req, REQ_UNMAP);
    assert_int_equal(rd64(drv_ioctl_at(1)->arg, 0), 0x3000);
    assert_int_equal(rd32(drv_ioctl_at(1)->arg, 8), 1);
    assert_int_equal(fake_sys_live_mappings(), 0);

    /* notify fails: unmapped, slots back, notify's errno */
    drv_install();
    fake_sys_fail_nth(FAKE_IOCTL, 2, EINVAL);
    errno = 0;
    assert_null(xengnttab_map_grant_ref_notify(xgt, 1, 2, PROT_READ, 0,
                                               (uint32_t)-1));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count(FAKE_MUNMAP), 1);
    assert_int_equal(drv_ioctl_at(1)->req, REQ_UNMAP);
    assert_int_equal(fake_sys_live_mappings(), 0);

    /* cleanup failing too does not change the reported errno */
    drv_install();
    fake_sys_fail_nth(FAKE_MMAP, 1, ENOMEM);
    fake_sys_fail_nth(FAKE_IOCTL, 2, EBADF);
    errno = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ));
    assert_int_equal(errno, ENOMEM);

    fake_sys_install();     /* back to a plain kernel, keep fds counted */
    assert_int_equal(fake_sys_open_fds(), 0);
    /* the handle's fd was opened before the reinstall: close it here */
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_map_eagain_retry(void **state)
{
    xengnttab_handle *xgt = gt_open();
    void *p;

    (void)state;
    drv_mmap_eagain = 3;
    p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ);
    assert_non_null(p);
    assert_int_equal(fake_sys_count(FAKE_USLEEP), 3);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 4);
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);

    /* a grant that never comes back: bounded, then EAGAIN */
    drv_install();
    drv_mmap_eagain = 1 << 30;
    errno = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ));
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(fake_sys_count(FAKE_USLEEP), 5000);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 5001);
    assert_int_equal(drv_ioctl_at(1)->req, REQ_UNMAP);
    fake_sys_install();
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_unmap_errors(void **state)
{
    xengnttab_handle *xgt = gt_open(), *other = gt_open();
    int base;
    void *p, *q;

    (void)state;
    base = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, NULL, 1), -1);
    assert_int_equal(errno, EINVAL);

    p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ);
    assert_non_null(p);
    base = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, p, 2), -1);   /* wrong count */
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);

    /* munmap fails: still mapped and still known */
    fake_sys_fail_nth(FAKE_MUNMAP, 1, EFAULT);
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, p, 1), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(fake_sys_live_mappings(), 1);
    /* UNMAP_GRANT_REF fails: the memory is gone, the error reported */
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EIO);
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, p, 1), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(fake_sys_live_mappings(), 0);

    /* an address this handle does not know: upstream's kernel query */
    q = xengnttab_map_grant_ref(other, 1, 2, PROT_READ);
    assert_non_null(q);
    drv_n = 0;
    assert_int_equal(xengnttab_unmap(xgt, q, 1), 0);
    assert_int_equal(drv_ioctl_at(0)->req, REQ_GETOFF);
    assert_int_equal(rd64(drv_ioctl_at(0)->arg, 0), (uintptr_t)q);
    assert_int_equal(drv_ioctl_at(1)->req, REQ_UNMAP);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* ... with a wrong count, or not mapped at all: EINVAL */
    q = xengnttab_map_grant_ref(other, 1, 2, PROT_READ);
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, q, 3), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xengnttab_unmap(other, q, 1), 0);
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, (void *)0x1000, 1), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xengnttab_close(xgt), 0);
    assert_int_equal(xengnttab_close(other), 0);
}

/* the grant cycle's map + unmap: 2 ioctls, 1 mmap, 1 munmap */
static void test_map_unmap_cost(void **state)
{
    xengnttab_handle *xgt = gt_open();
    int base = fake_sys_count_all();
    void *p;

    (void)state;
    p = xengnttab_map_grant_ref(xgt, 0, 8, PROT_READ | PROT_WRITE);
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_int_equal(fake_sys_count_all() - base, 4);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 2);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 1);
    assert_int_equal(fake_sys_count(FAKE_MUNMAP), 1);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* ---- set_max_grants, grant copy ------------------------------------- */

static void test_grant_copy(void **state)
{
    xengnttab_handle *xgt = gt_open();
    xengnttab_grant_copy_segment_t segs[2];
    const struct drv_ioctl_rec *r;
    int base;

    (void)state;
    assert_int_equal(sizeof(segs[0]), 24);
    assert_int_equal(offsetof(xengnttab_grant_copy_segment_t, dest), 8);
    assert_int_equal(offsetof(xengnttab_grant_copy_segment_t, len), 16);
    assert_int_equal(offsetof(xengnttab_grant_copy_segment_t, flags), 18);
    assert_int_equal(offsetof(xengnttab_grant_copy_segment_t, status), 20);

    memset(segs, 0, sizeof(segs));
    base = fake_sys_count_all();
    assert_int_equal(xengnttab_grant_copy(xgt, 2, segs), 0);
    assert_int_equal(fake_sys_count_all(), base + 1);
    r = drv_ioctl_at(0);
    assert_int_equal(r->req, REQ_COPY);
    assert_int_equal(rd32(r->arg, 0), 2);
    assert_int_equal(rd64(r->arg, 8), (uintptr_t)segs);

    /* QEMU's probe: reaches the kernel with count 0 and succeeds */
    assert_int_equal(xengnttab_grant_copy(xgt, 0, NULL), 0);
    r = drv_ioctl_at(1);
    assert_int_equal(r->req, REQ_COPY);
    assert_int_equal(rd32(r->arg, 0), 0);
    assert_int_equal(rd64(r->arg, 8), 0);

    fake_sys_fail_nth(FAKE_IOCTL, 3, ENOTTY);
    errno = 0;
    assert_int_equal(xengnttab_grant_copy(xgt, 0, NULL), -1);
    assert_int_equal(errno, ENOTTY);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* ---- dma-buf ---------------------------------------------------------- */

static void test_dmabuf(void **state)
{
    xengnttab_handle *xgt = gt_open();
    uint32_t refs[3] = { 4, 5, 6 }, out[3] = { 0 }, fd = 0;
    const struct drv_ioctl_rec *r;
    int base;

    (void)state;
    assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 2, GNTDEV_DMA_FLAG_WC,
                                                    3, refs, &fd), 0);
    assert_int_equal(fd, 77);
    r = drv_ioctl_at(0);
    assert_int_equal(r->req, REQ_EXP);
    assert_int_equal(rd32(r->arg, 0), GNTDEV_DMA_FLAG_WC);
    assert_int_equal(rd32(r->arg, 4), 3);
    assert_int_equal(rd32(r->arg, 12), 2);
    assert_int_equal(rd32(r->arg, 16), 4);
    assert_int_equal(rd32(r->arg, 24), 6);

    assert_int_equal(xengnttab_dmabuf_exp_wait_released(xgt, 77, 100), 0);
    r = drv_ioctl_at(1);
    assert_int_equal(r->req, REQ_WAIT);
    assert_int_equal(rd32(r->arg, 0), 77);
    assert_int_equal(rd32(r->arg, 4), 100);

    assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 3, 55, 3, out), 0);
    r = drv_ioctl_at(2);
    assert_int_equal(r->req, REQ_IMP);
    assert_int_equal(rd32(r->arg, 0), 55);
    assert_int_equal(rd32(r->arg, 4), 3);
    assert_int_equal(rd32(r->arg, 8), 3);
    assert_int_equal(rd32(r->arg, 12), 0);      /* reserved */
    assert_int_equal(out[0], 900);
    assert_int_equal(out[2], 902);

    assert_int_equal(xengnttab_dmabuf_imp_release(xgt, 55), 0);
    r = drv_ioctl_at(3);
    assert_int_equal(r->req, REQ_IMPREL);
    assert_int_equal(rd32(r->arg, 0), 55);
    assert_int_equal(rd32(r->arg, 4), 0);       /* reserved */

    /* count 0: EINVAL before any syscall */
    base = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 2, 0, 0, refs, &fd),
                     -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 2, 1, 0, out), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);

    /* wait_released: ENOENT (already released) is success */
    fake_sys_fail_always(FAKE_IOCTL, ENOENT);
    assert_int_equal(xengnttab_dmabuf_exp_wait_released(xgt, 1, 1), 0);
    /* every other failure is the kernel's errno, unchanged */
    fake_sys_fail_always(FAKE_IOCTL, ENOTTY);
    for (int i = 0; i < 4; i++) {
        int rc = 0;

        errno = 0;
        switch (i) {
        case 0: rc = xengnttab_dmabuf_exp_from_refs(xgt, 1, 0, 3, refs, &fd);
                break;
        case 1: rc = xengnttab_dmabuf_exp_wait_released(xgt, 1, 1); break;
        case 2: rc = xengnttab_dmabuf_imp_to_refs(xgt, 1, 1, 3, out); break;
        case 3: rc = xengnttab_dmabuf_imp_release(xgt, 1); break;
        }
        assert_int_equal(rc, -1);
        assert_int_equal(errno, ENOTTY);
    }
    fake_sys_fail_always(FAKE_IOCTL, 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* ---- restrict ---------------------------------------------------------- */

static void test_restrict_all(void **state)
{
    xengnttab_handle *xgt = gt_open();
    int fd = xengnttab_fd(xgt), i;

    (void)state;
    assert_int_equal(xentoolcore_restrict_all(5), 0);
    i = last_call_of(FAKE_DUP3);
    assert_true(i >= 0);
    assert_int_equal(fake_sys_call_at(i)->fd, fd);      /* newfd */
    assert_int_equal(fake_sys_call_at(i)->flags, O_CLOEXEC);
    assert_int_equal(xengnttab_fd(xgt), fd);
    assert_int_equal(xengnttab_close(xgt), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_close),
        T(test_open_close_failures),
        T(test_map_one_and_unmap),
        T(test_map_refs_layout),
        T(test_map_many),
        T(test_map_notify),
        T(test_map_failures),
        T(test_map_eagain_retry),
        T(test_unmap_errors),
        T(test_map_unmap_cost),
        T(test_grant_copy),
        T(test_dmabuf),
        T(test_restrict_all),
#undef T
    };
    FILE *devnull = fopen("/dev/null", "w");

    /* errors the library logs go nowhere: the TAP stream stays clean */
    quiet = (xentoollog_logger *)xtl_createlogger_stdiostream(devnull,
                                                              XTL_DEBUG, 0);
    return cmocka_run_group_tests_name("linux-gnttab", tests, NULL, NULL);
}
