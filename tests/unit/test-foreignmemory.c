/*
 * test-foreignmemory.c - libxenforeignmemory's contract on every
 * backend, over a fake hypervisor: per-frame results (negative errnos in
 * err[], or the whole call failing without err), paged-out frames
 * retried for a bounded time, fixed addresses, counts checked before any
 * system call, restrict, resources and their size, faults.  How a map
 * reaches the kernel is each OS's driver protocol
 * (tests/drivers/<os>/test-foreignmemory.c).
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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include "foreignmemory_private.h"
#include "contract.h"
#include "quiet_logger.h"

/* Frame numbers understood by the fake hypervisor. */
#define PFN_BAD   0x01000000UL /* any pfn with this bit: -ESRCH */
#define PFN_PAGED 0x02000000UL /* paged out for paged_left answers */

static int paged_left;   /* ENOENT answers before the pager
                                       brings paged frames back */
static int resource_err; /* acquire_resource's answer */
static uint64_t resource_frames = 4;
static struct {
    uint16_t dom;
    unsigned int type, id;
    uint64_t frame, nr;
} last_res;

static int xen_map_frame(uint16_t domid, uint64_t pfn)
{
    (void)domid;
    if (pfn & PFN_BAD)
        return -ESRCH;
    if ((pfn & PFN_PAGED) && paged_left > 0) {
        paged_left--;
        return -ENOENT;
    }
    return 0;
}

static int xen_map_resource(uint16_t domid, unsigned int type, unsigned int id,
                            uint64_t frame, uint64_t *nr_frames)
{
    last_res.dom = domid;
    last_res.type = type;
    last_res.id = id;
    last_res.frame = frame;
    last_res.nr = *nr_frames;
    if (resource_err)
        return -resource_err;
    if (*nr_frames == 0)
        *nr_frames = resource_frames;
    return 0;
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = {
        .map_frame = xen_map_frame,
        .map_resource = xen_map_resource,
    };

    contract_setup(state);
    fake_xen_set(&xen);
    paged_left = 0;
    resource_err = 0;
    resource_frames = 4;
    memset(&last_res, 0, sizeof(last_res));
    return 0;
}

static xenforeignmemory_handle *open_ok(void)
{
    return CONTRACT_OPEN(XS_OP_FMEM_OPEN,
                         xenforeignmemory_open(&xs_quiet_logger, 0));
}

/* ------------------------------------------------------- open / close */

static void test_open_close(void **state)
{
    xenforeignmemory_handle *f;
    int want = CONTRACT_EXPECT(XS_OP_FMEM_OPEN)
                   ? CONTRACT_EXPECT(XS_OP_FMEM_OPEN)
                   : EACCES;

    (void)state;
    assert_int_equal(xenforeignmemory_close(NULL), 0);
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    assert_null(xenforeignmemory_open(&xs_quiet_logger, 0));
    assert_int_equal(errno, want);
    assert_int_equal(fake_sys_open_fds(), 0);
    /* a failed open left nothing registered */
    assert_int_equal(xentoolcore_restrict_all(3), 0);

    setup(NULL);
    f = open_ok();
    if (!f)
        return;
    assert_int_equal(fcntl(f->fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    assert_int_equal(xenforeignmemory_close(f), 0);
    /* floor: open + close (upstream: 4, with the probe at open) */
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls);

    f = open_ok();
    fake_sys_fail_nth(FAKE_CLOSE, fake_sys_count(FAKE_CLOSE) + 1, EIO);
    assert_int_equal(xenforeignmemory_close(f), -1);
    assert_int_equal(errno, EIO);
}

/* ----------------------------------------------------------------- map */

static void test_map_per_page_errors(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[4] = { 1, PFN_BAD | 2, 3, PFN_BAD | 4 };
    int err[4] = { 7, 7, 7, 7 };
    char *p;
    int maps;

    (void)state;
    if (!f)
        return;
    p = xenforeignmemory_map(f, 9, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_true(fake_sys_is_mapped(p, 4 * 4096));
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], -ESRCH); /* negative, on every OS */
    assert_int_equal(err[2], 0);
    assert_int_equal(err[3], -ESRCH);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);
    assert_false(fake_sys_is_mapped(p, 4 * 4096));

    /* err == NULL: the whole call fails with the first frame's errno */
    maps = fake_sys_live_mappings();
    errno = 0;
    assert_null(xenforeignmemory_map(f, 9, PROT_READ, 4, arr, NULL));
    assert_int_equal(errno, ESRCH);
    assert_int_equal(fake_sys_live_mappings(), maps);

    /* err == NULL, all good */
    arr[1] = 2;
    arr[3] = 4;
    p = xenforeignmemory_map(f, 9, PROT_READ, 4, arr, NULL);
    assert_non_null(p);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map2_fixed(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, 2 };
    int err[2];
    void *hint, *p;

    (void)state;
    if (!f)
        return;
    hint = mmap(NULL, 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(hint != MAP_FAILED);
    p = xenforeignmemory_map2(f, 1, hint, PROT_READ, MAP_FIXED, 2, arr, err);
    assert_ptr_equal(p, hint);
    assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/* Frames paged out come back after retries; the retrying is bounded. */
static void test_map_paged(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[4] = { 1, PFN_PAGED | 2, PFN_BAD | 3, PFN_PAGED | 4 };
    int err[4];
    unsigned long slept = 0;
    char *p;

    (void)state;
    if (!f)
        return;
    /* both paged frames are back after the first batch */
    paged_left = 2;
    p = xenforeignmemory_map(f, 2, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], 0);
    assert_int_equal(err[2], -ESRCH);
    assert_int_equal(err[3], 0);
    assert_int_equal(paged_left, 0);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);

    /* never back: -ENOENT in err[], after about a second of waiting */
    paged_left = INT_MAX;
    p = xenforeignmemory_map(f, 2, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], -ENOENT);
    assert_int_equal(err[3], -ENOENT);
    for (int i = 0; i < fake_sys_count_all(); i++) {
        const struct fake_sys_call *c = fake_sys_call_at(i);

        if (c->kind == FAKE_USLEEP)
            slept += c->request;
    }
    assert_true(slept >= 1000000 && slept < 1200000);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);
    /* err == NULL: ENOENT and nothing left mapped */
    assert_null(xenforeignmemory_map(f, 2, PROT_READ, 4, arr, NULL));
    assert_int_equal(errno, ENOENT);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_faults(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, 2 };
    int err[2];

    (void)state;
    if (!f)
        return;
    fake_sys_fail_always(FAKE_MMAP, ENOMEM);
    errno = 0;
    assert_null(xenforeignmemory_map(f, 1, PROT_READ, 2, arr, err));
    assert_int_equal(errno, ENOMEM);
    fake_sys_fail_always(FAKE_MMAP, 0);
    fake_sys_fail_always(FAKE_IOCTL, EFAULT);
    errno = 0;
    assert_null(xenforeignmemory_map(f, 1, PROT_READ, 2, arr, err));
    assert_int_equal(errno, EFAULT);
    fake_sys_fail_always(FAKE_IOCTL, 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_overflow(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[1] = { 1 };
    int err[1];
    int before = fake_sys_count_all();

    (void)state;
    if (!f)
        return;
    assert_null(xenforeignmemory_map(f, 1, PROT_READ, 0, arr, err));
    assert_int_equal(errno, EINVAL);
    assert_null(xenforeignmemory_map(f, 1, PROT_READ, SIZE_MAX, arr, err));
    assert_int_equal(errno, EINVAL);
    assert_null(xenforeignmemory_map(f, 1, PROT_READ, SIZE_MAX, arr, NULL));
    assert_int_equal(errno, EINVAL);
    assert_null(xenforeignmemory_map2(f, 1, NULL, PROT_READ, 0,
                                      (size_t)UINT_MAX + 1, arr, err));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xenforeignmemory_unmap(f, arr, SIZE_MAX / 2), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_domid_checked(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[1] = { 1 };
    int err[1];
    int before;

    (void)state;
    if (!f)
        return;
    /* a 16-bit kernel field would turn 0x10000 into dom0 */
    before = fake_sys_count_all();
    assert_null(xenforeignmemory_map(f, 0x10000, PROT_READ, 1, arr, err));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_restrict(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[1] = { 1 };
    int err[1];
    void *p;

    (void)state;
    if (!f)
        return;
    if (CONTRACT_EXPECT(XS_OP_FMEM_RESTRICT)) {
        assert_int_equal(xenforeignmemory_restrict(f, 42), -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_FMEM_RESTRICT));
        /* restrict_all cannot narrow it either: /dev/null, and a success
         * (docs/security.md) */
        assert_int_equal(xentoolcore_restrict_all(42), 0);
        errno = 0;
        assert_null(xenforeignmemory_map(f, 42, PROT_READ, 1, arr, err));
        assert_int_equal(errno, ENOTTY);
    } else {
        assert_int_equal(xenforeignmemory_restrict(f, 42), 0);
        /* narrowed: that domain's frames map, another's are refused */
        p = xenforeignmemory_map(f, 42, PROT_READ, 1, arr, err);
        assert_non_null(p);
        assert_int_equal(xenforeignmemory_unmap(f, p, 1), 0);
        errno = 0;
        assert_null(xenforeignmemory_map(f, 7, PROT_READ, 1, arr, err));
        assert_int_equal(errno, EPERM);
        /* the same domain again is fine; another one is EINVAL (FreeBSD's
         * driver says -EINVAL, a negative errno) */
        assert_int_equal(xenforeignmemory_restrict(f, 42), 0);
        errno = 0;
        assert_int_equal(xenforeignmemory_restrict(f, 43), -1);
        assert_int_equal(errno, EINVAL);
        fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EBUSY);
        assert_int_equal(xenforeignmemory_restrict(f, 42), -1);
        assert_int_equal(errno, EBUSY);
        /* toolcore reaches the handle, and reports its failure */
        assert_int_equal(xentoolcore_restrict_all(42), 0);
        fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
        assert_int_equal(xentoolcore_restrict_all(42), -1);
        assert_int_equal(errno, EPERM);
    }
    assert_int_equal(xenforeignmemory_close(f), 0);
    /* closed handles are gone from the registry */
    assert_int_equal(xentoolcore_restrict_all(79), 0);
}

/* ------------------------------------------------------------ resources */

static void test_map_resource(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xenforeignmemory_resource_handle *r;
    void *addr = NULL;
    size_t size = 0;
    int before;

    (void)state;
    if (!f)
        return;
    if (CONTRACT_EXPECT(XS_OP_FMEM_MAP_RESOURCE)) {
        assert_null(xenforeignmemory_map_resource(f, 7, 1, 0, 3, 2, &addr,
                                                  PROT_READ, 0));
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_FMEM_MAP_RESOURCE));
        assert_int_equal(xenforeignmemory_close(f), 0);
        return;
    }
    r = xenforeignmemory_map_resource(f, 7, 1, 0, 3, 2, &addr,
                                      PROT_READ | PROT_WRITE, 0);
    assert_non_null(r);
    assert_non_null(addr);
    assert_true(fake_sys_is_mapped(addr, 2 * 4096));
    assert_int_equal(last_res.dom, 7);
    assert_int_equal(last_res.type, 1);
    assert_int_equal(last_res.id, 0);
    assert_int_equal(last_res.frame, 3);
    assert_int_equal(last_res.nr, 2);
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);
    assert_false(fake_sys_is_mapped(addr, 2 * 4096));
    assert_int_equal(xenforeignmemory_unmap_resource(f, NULL), 0);

    /* MAP_PRIVATE allowed, anything else EINVAL without a syscall */
    r = xenforeignmemory_map_resource(f, 7, 1, 0, 0, 1, &addr, PROT_READ,
                                      MAP_PRIVATE);
    assert_non_null(r);
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);
    before = fake_sys_count_all();
    addr = NULL;
    assert_null(xenforeignmemory_map_resource(f, 7, 1, 0, 0, 1, &addr,
                                              PROT_READ, MAP_FIXED));
    assert_int_equal(errno, EINVAL);
    assert_null(xenforeignmemory_map_resource(f, 7, 1, 0, 0, ULONG_MAX, &addr,
                                              PROT_READ, 0));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);

    /* the size, in bytes, mapping nothing */
    resource_frames = 40;
    before = fake_sys_count(FAKE_MMAP);
    addr = NULL;
    if (CONTRACT_EXPECT(XS_OP_FMEM_RESOURCE_SIZE)) {
        /* a kernel that cannot tell: both forms of the query, no call */
        before = fake_sys_count_all();
        errno = 0;
        assert_int_equal(xenforeignmemory_resource_size(f, 4, 1, 0, &size),
                         -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_FMEM_RESOURCE_SIZE));
        errno = 0;
        assert_null(xenforeignmemory_map_resource(f, 4, 1, 0, 0, 0, &addr,
                                                  PROT_READ, 0));
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_FMEM_RESOURCE_SIZE));
        assert_int_equal(fake_sys_count_all(), before);
        assert_int_equal(xenforeignmemory_close(f), 0);
        return;
    }
    assert_int_equal(xenforeignmemory_resource_size(f, 4, 1, 0, &size), 0);
    assert_int_equal(size, 40 * 4096);
    assert_int_equal(fake_sys_count(FAKE_MMAP), before);
    /* *paddr == NULL and nr_frames == 0: the size query, as upstream */
    r = xenforeignmemory_map_resource(f, 4, 1, 0, 0, 0, &addr, PROT_READ, 0);
    assert_non_null(r);
    assert_null(addr);
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);

    /* Xen 4.17's "success" with -EOPNOTSUPP in the frame count */
    resource_frames = 0xffffffa1;
    size = 7;
    errno = 0;
    assert_int_equal(xenforeignmemory_resource_size(f, 4, 99, 0, &size), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(size, 7);    /* untouched on failure */
    resource_frames = 0xfffff001; /* -4095: still an errno */
    assert_int_equal(xenforeignmemory_resource_size(f, 4, 99, 0, &size), -1);
    assert_int_equal(errno, 4095);
    resource_frames = 0x100000; /* a large table is still a size */
    assert_int_equal(xenforeignmemory_resource_size(f, 4, 1, 0, &size), 0);
    assert_int_equal(size, (size_t)0x100000 << 12);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/*
 * QEMU falls back to legacy ioreq pages on exactly EOPNOTSUPP: a Xen
 * without acquire_resource (ENOSYS) answers that; a refusal stays.
 */
static void test_map_resource_unsupported(void **state)
{
    static const int cases[][2] = {
        { ENOSYS, EOPNOTSUPP },
        { EPERM, EPERM },
        { EINVAL, EINVAL },
    };

    (void)state;
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xenforeignmemory_handle *f = open_ok();
        void *addr = NULL;
        size_t size = 1;

        if (!f)
            return;
        resource_err = cases[i][0];
        errno = 0;
        assert_null(xenforeignmemory_map_resource(f, 1, 0, 0, 0, 2, &addr,
                                                  PROT_READ, 0));
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_FMEM_MAP_RESOURCE)
                                    ? CONTRACT_EXPECT(XS_OP_FMEM_MAP_RESOURCE)
                                    : cases[i][1]);
        assert_null(addr);
        assert_int_equal(fake_sys_live_mappings(), 0);
        assert_int_equal(xenforeignmemory_resource_size(f, 1, 0, 0, &size),
                         -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_FMEM_RESOURCE_SIZE)
                                    ? CONTRACT_EXPECT(XS_OP_FMEM_RESOURCE_SIZE)
                                    : cases[i][1]);
        assert_int_equal(xenforeignmemory_close(f), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, contract_teardown)
        T(test_open_close),        T(test_map_per_page_errors),
        T(test_map2_fixed),        T(test_map_paged),
        T(test_map_faults),        T(test_map_overflow),
        T(test_map_domid_checked), T(test_restrict),
        T(test_map_resource),      T(test_map_resource_unsupported),
#undef T
    };

    return cmocka_run_group_tests_name("foreignmemory", tests, NULL, NULL);
}
