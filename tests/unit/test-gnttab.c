/*
 * test-gnttab.c - xengnttab's contract on every backend, over a fake
 * hypervisor: mapping and unmapping grants (what Xen is asked, what the
 * caller gets), notify, counts and addresses checked, failures leaving
 * nothing behind, concurrent map/unmap, grant copy, dma-buf, restrict.
 * How a map reaches the kernel (requests, offsets, cookies) is each OS's
 * driver protocol (tests/drivers/<os>/test-gnttab.c).
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
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <xengnttab.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include "contract.h"
#include "quiet_logger.h"

#define Q (&xs_quiet_logger)

/* ---- Xen ---- */
static uint32_t seen_domid[8], seen_ref[8];
static int n_grants, grant_err;

/* (test_threads maps from several threads at once) */
static int xen_grant_map(uint32_t domid, uint32_t ref)
{
    int n = __atomic_fetch_add(&n_grants, 1, __ATOMIC_RELAXED);

    if (n < 8) {
        seen_domid[n] = domid;
        seen_ref[n] = ref;
    }
    return grant_err ? -grant_err : 0;
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = { .grant_map = xen_grant_map };

    contract_setup(state);
    fake_xen_set(&xen);
    n_grants = 0;
    grant_err = 0;
    return 0;
}

static xengnttab_handle *gt_open(void)
{
    return CONTRACT_OPEN(XS_OP_GNTTAB_OPEN, xengnttab_open(Q, 0));
}

/* ---- open / close ---------------------------------------------------- */

static void test_open_close(void **state)
{
    xengnttab_handle *xgt;
    int want = CONTRACT_EXPECT(XS_OP_GNTTAB_OPEN)
                   ? CONTRACT_EXPECT(XS_OP_GNTTAB_OPEN)
                   : EACCES;

    (void)state;
    assert_int_equal(xengnttab_close(NULL), 0);
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    assert_null(xengnttab_open(Q, 0));
    assert_int_equal(errno, want);
    assert_int_equal(fake_sys_open_fds(), 0);
    /* a failed open leaves nothing registered */
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), 0);

    setup(NULL);
    xgt = CONTRACT_OPEN(XS_OP_GNTTAB_OPEN,
                        xengnttab_open(NULL, 0xffffffffu)); /* ignored */
    if (!xgt)
        return;
    assert_true(xengnttab_fd(xgt) >= 0);
    assert_int_equal(fcntl(xengnttab_fd(xgt), F_GETFD) & FD_CLOEXEC,
                     FD_CLOEXEC);
    assert_int_equal(xengnttab_close(xgt), 0);
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls);

    xgt = gt_open();
    fake_sys_fail_nth(FAKE_CLOSE, fake_sys_count(FAKE_CLOSE) + 1, EIO);
    errno = 0;
    assert_int_equal(xengnttab_close(xgt), -1);
    assert_int_equal(errno, EIO);
}

/* ---- map / unmap ----------------------------------------------------- */

static void test_map_and_unmap(void **state)
{
    xengnttab_handle *xgt = gt_open();
    uint32_t domids[3] = { 1, 2, 3 }, refs[3] = { 10, 20, 30 };
    char *p, *q;

    (void)state;
    if (!xgt)
        return;
    p = xengnttab_map_grant_ref(xgt, 3, 8, PROT_READ | PROT_WRITE);
    assert_non_null(p);
    assert_true(fake_sys_is_mapped(p, 4096));
    assert_int_equal(n_grants, 1);
    assert_int_equal(seen_domid[0], 3);
    assert_int_equal(seen_ref[0], 8);
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_false(fake_sys_is_mapped(p, 4096));

    n_grants = 0;
    p = xengnttab_map_grant_refs(xgt, 3, domids, refs, PROT_READ);
    assert_non_null(p);
    assert_true(fake_sys_is_mapped(p, 3 * 4096));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(seen_domid[i], domids[i]);
        assert_int_equal(seen_ref[i], refs[i]);
    }
    n_grants = 0;
    q = xengnttab_map_domain_grant_refs(xgt, 3, 9, refs, PROT_READ);
    assert_non_null(q);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(seen_domid[i], 9);
        assert_int_equal(seen_ref[i], refs[i]);
    }
    /* unmapped in any order */
    assert_int_equal(xengnttab_unmap(xgt, q, 3), 0);
    assert_int_equal(xengnttab_unmap(xgt, p, 3), 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/*
 * with a notification, and without; each mapping unmaps cleanly.  A byte
 * to clear above offset 1 (more bytes than the mapping has pages) is
 * refused where the kernel compares the two (NetBSD), with nothing left
 * behind.  Port 7 is bound in the test domain (tests/drivers/bsd).
 */
static void test_map_notify(void **state)
{
    static const uint32_t cases[][2] = {
        { 10, (uint32_t)-1 },
        { (uint32_t)-1, 7 },
        { 4095, 7 },
        { 4096, (uint32_t)-1 },
        { (uint32_t)-1, (uint32_t)-1 },
        { 0, 7 },
        { 1, (uint32_t)-1 },
    };
    int high = CONTRACT_EXPECT(XS_OP_GNT_NOTIFY_HIGH_OFFSET);
    xengnttab_handle *xgt = gt_open();

    (void)state;
    if (!xgt)
        return;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        void *p;

        errno = 0;
        p = xengnttab_map_grant_ref_notify(xgt, 0, 5, PROT_READ | PROT_WRITE,
                                           cases[i][0], cases[i][1]);
        if (high && cases[i][0] > 1 && cases[i][0] < 4096) {
            assert_null(p);
            assert_int_equal(errno, high);
            assert_int_equal(fake_sys_live_mappings(), 0);
            continue;
        }
        assert_non_null(p);
        assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    }
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_map_count_zero(void **state)
{
    xengnttab_handle *xgt = gt_open();
    uint32_t r = 1;
    int base;

    (void)state;
    if (!xgt)
        return;
    base = fake_sys_count_all();
    errno = 0;
    assert_null(xengnttab_map_grant_refs(xgt, 0, &r, &r, PROT_READ));
    assert_int_equal(errno, EINVAL);
    assert_null(xengnttab_map_domain_grant_refs(xgt, 0, 1, &r, PROT_READ));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_map_failures(void **state)
{
    xengnttab_handle *xgt = gt_open();

    (void)state;
    if (!xgt)
        return;
    /*
     * Xen refuses the grant: its errno, nothing mapped; where the kernel
     * maps a grant only when it is touched (NetBSD), the map succeeds
     * (touching that page would fault) and unmaps cleanly.
     */
    grant_err = EINVAL;
    errno = 0;
    if (xs_backend.grants_mapped_at_fault) {
        void *p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ);

        assert_non_null(p);
        assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    } else {
        assert_null(xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ));
        assert_int_equal(errno, EINVAL);
    }
    assert_int_equal(fake_sys_live_mappings(), 0);
    grant_err = 0;
    /* the mapping cannot be made: its errno, nothing mapped */
    fake_sys_fail_always(FAKE_MMAP, ENOMEM);
    errno = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ));
    assert_int_equal(errno, ENOMEM);
    fake_sys_fail_always(FAKE_MMAP, 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* and the handle still maps */
    {
        void *p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ);

        assert_non_null(p);
        assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    }
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_unmap_errors(void **state)
{
    xengnttab_handle *xgt = gt_open();
    int base;
    void *p;

    (void)state;
    if (!xgt)
        return;
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, NULL, 1), -1);
    assert_int_equal(errno, EINVAL);
    p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ);
    assert_non_null(p);
    base = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, p, 2), -1); /* wrong count */
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);
    /* munmap fails: still mapped, still known, and unmapped later */
    fake_sys_fail_nth(FAKE_MUNMAP, fake_sys_count(FAKE_MUNMAP) + 1, EFAULT);
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, p, 1), -1);
    assert_int_equal(errno, EFAULT);
    assert_true(fake_sys_is_mapped(p, 4096));
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_false(fake_sys_is_mapped(p, 4096));
    assert_int_equal(xengnttab_close(xgt), 0);
}

static xengnttab_handle *mt_xgt;

static void *mt_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        void *p = xengnttab_map_grant_ref(mt_xgt, 0, (uint32_t)i, PROT_READ);

        if (!p || xengnttab_unmap(mt_xgt, p, 1) != 0)
            return (void *)1;
    }
    return NULL;
}

/* the bookkeeping under concurrent map/unmap (QEMU's threads) */
static void test_threads(void **state)
{
    pthread_t t[4];
    void *ret;

    (void)state;
    mt_xgt = gt_open();
    if (!mt_xgt)
        return;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, mt_worker, NULL), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengnttab_close(mt_xgt), 0);
}

/* ---- set_max_grants, grant copy, dma-buf ----------------------------- */

static void test_set_max_grants(void **state)
{
    xengnttab_handle *xgt = gt_open();

    (void)state;
    if (!xgt)
        return;
    assert_int_equal(xengnttab_set_max_grants(xgt, 128), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_grant_copy(void **state)
{
    xengnttab_handle *xgt = gt_open();
    xengnttab_grant_copy_segment_t segs[2];

    (void)state;
    if (!xgt)
        return;
    memset(segs, 0, sizeof(segs));
    segs[0].status = segs[1].status = 99;
    errno = 0;
    if (CONTRACT_EXPECT(XS_OP_GNTTAB_GRANT_COPY)) {
        assert_int_equal(xengnttab_grant_copy(xgt, 2, segs), -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_GNTTAB_GRANT_COPY));
        /* QEMU's probe learns the same */
        assert_int_equal(xengnttab_grant_copy(xgt, 0, NULL), -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_GNTTAB_GRANT_COPY));
    } else {
        assert_int_equal(xengnttab_grant_copy(xgt, 2, segs), 0);
        assert_int_equal(segs[0].status, 0); /* GNTST_okay */
        assert_int_equal(segs[1].status, 0);
        /* QEMU's probe: count 0 reaches the kernel and succeeds */
        assert_int_equal(xengnttab_grant_copy(xgt, 0, NULL), 0);
        fake_sys_fail_always(FAKE_IOCTL, ENOTTY);
        errno = 0;
        assert_int_equal(xengnttab_grant_copy(xgt, 0, NULL), -1);
        assert_int_equal(errno, ENOTTY);
        fake_sys_fail_always(FAKE_IOCTL, 0);
    }
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_dmabuf(void **state)
{
    xengnttab_handle *xgt = gt_open();
    uint32_t refs[3] = { 4, 5, 6 }, out[3] = { 0 }, fd = 0;
    int base, want = CONTRACT_EXPECT(XS_OP_GNTTAB_DMABUF);

    (void)state;
    if (!xgt)
        return;
    /* count 0: EINVAL before any syscall, on every backend */
    base = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 2, 0, 0, refs, &fd),
                     -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 2, 1, 0, out), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);

    if (want) {
        assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 2, 0, 3, refs,
                                                        &fd),
                         -1);
        assert_int_equal(errno, want);
        assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 3, 55, 3, out), -1);
        assert_int_equal(errno, want);
    } else {
        assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 2, 0, 3, refs,
                                                        &fd),
                         0);
        assert_true(fd > 0);
        assert_int_equal(xengnttab_dmabuf_exp_wait_released(xgt, fd, 100), 0);
        assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 3, 55, 3, out), 0);
        assert_int_equal(xengnttab_dmabuf_imp_release(xgt, 55), 0);
        /* the kernel's errno, unchanged */
        fake_sys_fail_always(FAKE_IOCTL, ENOTTY);
        errno = 0;
        assert_int_equal(xengnttab_dmabuf_imp_release(xgt, 1), -1);
        assert_int_equal(errno, ENOTTY);
        fake_sys_fail_always(FAKE_IOCTL, 0);
    }
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* ---- restrict ---------------------------------------------------------- */

/* restrict_all: no new grant can be mapped; earlier mappings stay */
static void test_restrict_all(void **state)
{
    xengnttab_handle *xgt = gt_open();
    char *p;

    (void)state;
    if (!xgt)
        return;
    p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ | PROT_WRITE);
    assert_non_null(p);
    assert_int_equal(xentoolcore_restrict_all(5), 0);
    n_grants = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 3, PROT_READ));
    assert_int_equal(n_grants, 0);
    p[0] = 1; /* still mapped */
    assert_true(fake_sys_is_mapped(p, 4096));
    /* the pages go; the slots go with the close */
    xengnttab_unmap(xgt, p, 1);
    assert_false(fake_sys_is_mapped(p, 4096));
    assert_int_equal(xengnttab_close(xgt), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, contract_teardown)
        T(test_open_close),     T(test_map_and_unmap),  T(test_map_notify),
        T(test_map_count_zero), T(test_map_failures),   T(test_unmap_errors),
        T(test_threads),        T(test_set_max_grants), T(test_grant_copy),
        T(test_dmabuf),         T(test_restrict_all),
#undef T
    };

    return cmocka_run_group_tests_name("gnttab", tests, NULL, NULL);
}
