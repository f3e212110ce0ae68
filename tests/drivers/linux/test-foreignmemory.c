/*
 * test-foreignmemory.c - libxenforeignmemory's Linux protocol over a
 * fake privcmd: mmap of the device then one MMAPBATCH_V2 over exactly
 * that range, the retries of paged-out runs, the V1 fallback, RESTRICT,
 * MMAP_RESOURCE and the UNIMPLEMENTED probe.  The API contract is
 * tests/unit/test-foreignmemory.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The fake driver below plays privcmd: it checks every request number
 * and argument layout as the kernel reads them and writes per-frame
 * results the way the kernel does.  Frame numbers encode what the fake
 * hypervisor answers for them (see frame_result()).
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
#include <unistd.h>
#include <cmocka.h>

#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include "foreignmemory_private.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/sys.h"
#include "xs_internal.h"
#include "fake_sys.h"
#include "fixtures.h"

/* Frame numbers understood by the fake hypervisor. */
#define PFN_BAD    0x01000000UL      /* any pfn with this bit: -ESRCH */
#define PFN_PAGED  0x02000000UL      /* paged out for `paged_rounds` calls */

static struct {
    int fd;                     /* the privcmd fd the library opened */
    int v2_einval;              /* kernel without MMAPBATCH_V2 */
    int paged_rounds;           /* calls that still see paged frames */
    int unimpl_errno;           /* answer to unknown ioctls */
    int resource_errno;         /* MMAP_RESOURCE answer (0 = ok) */
    uint64_t resource_frames;   /* size query answer */
    int n_v2, n_v1, n_res, n_probe, n_restrict;
    domid_t restricted;
    /* the last MMAPBATCH_V2 as the kernel read it */
    struct xs_privcmd_mmapbatch_v2 last_v2;
    struct xs_privcmd_mmapbatch_v2 v2_calls[64];
    struct xs_privcmd_mmap_resource last_res;
} drv;

static int frame_result(xen_pfn_t pfn)
{
    if (pfn & PFN_BAD)
        return -ESRCH;
    if ((pfn & PFN_PAGED) && drv.paged_rounds > 0)
        return -ENOENT;
    return 0;
}

static int drv_open(const char *path, int flags)
{
    int fd = fake_sys_default_open(path, flags);

    drv.fd = fd;
    return fd;
}

static int drv_ioctl(int fd, unsigned long req, void *arg)
{
    assert_int_equal(fd, drv.fd);
    switch (req) {
    case 0x00205004: {                          /* MMAPBATCH_V2 */
        struct xs_privcmd_mmapbatch_v2 *m = arg;
        int enoent = 0;

        if (drv.n_v2 < 64)
            drv.v2_calls[drv.n_v2] = *m;
        drv.n_v2++;
        drv.last_v2 = *m;
        if (drv.v2_einval) {
            errno = EINVAL;
            return -1;
        }
        for (unsigned i = 0; i < m->num; i++) {
            m->err[i] = frame_result(m->arr[i]);
            if (m->err[i] == -ENOENT)
                enoent = 1;
        }
        if (drv.paged_rounds > 0)
            drv.paged_rounds--;
        if (enoent) {
            errno = ENOENT;
            return -1;
        }
        return 0;
    }
    case 0x00185003: {                          /* MMAPBATCH (V1) */
        struct xs_privcmd_mmapbatch *m = arg;
        int enoent = 0;

        drv.n_v1++;
        for (int i = 0; i < m->num; i++) {
            int r = frame_result(m->arr[i]);

            if (r == -ENOENT) {
                m->arr[i] |= XS_PRIVCMD_MMAPBATCH_PAGED_ERROR;
                enoent = 1;
            } else if (r) {
                m->arr[i] |= XS_PRIVCMD_MMAPBATCH_MFN_ERROR;
            }
        }
        if (drv.paged_rounds > 0)
            drv.paged_rounds--;
        if (enoent) {
            errno = ENOENT;
            return -1;
        }
        return 0;
    }
    case 0x00025006:                            /* RESTRICT */
        drv.n_restrict++;
        drv.restricted = *(domid_t *)arg;
        return 0;
    case 0x00205007: {                          /* MMAP_RESOURCE */
        struct xs_privcmd_mmap_resource *r = arg;

        drv.n_res++;
        drv.last_res = *r;
        if (drv.resource_errno) {
            errno = drv.resource_errno;
            return -1;
        }
        if (r->addr == 0 && r->num == 0)
            r->num = drv.resource_frames;
        return 0;
    }
    case 0x000050ff:                            /* UNIMPLEMENTED probe */
        drv.n_probe++;
        assert_null(arg);
        errno = drv.unimpl_errno;
        return -1;
    default:
        errno = drv.unimpl_errno;
        return -1;
    }
}

static int setup(void **state)
{
    static const struct fake_sys_handlers h = {
        .open = drv_open, .ioctl = drv_ioctl,
    };

    (void)state;
    memset(&drv, 0, sizeof(drv));
    drv.fd = -1;
    drv.unimpl_errno = ENOTTY;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

/* A quiet logger: the library logs errors the tests provoke on purpose. */
static xentoollog_logger *quiet(void)
{
    static xentoollog_logger_stdiostream *l;

    if (!l)
        l = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
    return (xentoollog_logger *)l;
}

static xenforeignmemory_handle *open_ok(void)
{
    xenforeignmemory_handle *f = xenforeignmemory_open(quiet(), 0);

    assert_non_null(f);
    return f;
}

/* ------------------------------------------------------------ layouts */

static void test_uapi_layout(void **state)
{
    (void)state;
    assert_int_equal(XS_IOCTL_PRIVCMD_MMAPBATCH_V2, 0x00205004);
    assert_int_equal(XS_IOCTL_PRIVCMD_MMAPBATCH, 0x00185003);
    assert_int_equal(XS_IOCTL_PRIVCMD_RESTRICT, 0x00025006);
    assert_int_equal(XS_IOCTL_PRIVCMD_MMAP_RESOURCE, 0x00205007);
    assert_int_equal(XS_IOCTL_PRIVCMD_UNIMPLEMENTED, 0x000050ff);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch_v2, num), 0);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch_v2, dom), 4);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch_v2, addr), 8);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch_v2, arr), 16);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch_v2, err), 24);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch, num), 0);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch, dom), 4);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch, addr), 8);
    assert_int_equal(offsetof(struct xs_privcmd_mmapbatch, arr), 16);
    assert_int_equal(offsetof(struct xs_privcmd_mmap_resource, dom), 0);
    assert_int_equal(offsetof(struct xs_privcmd_mmap_resource, type), 4);
    assert_int_equal(offsetof(struct xs_privcmd_mmap_resource, id), 8);
    assert_int_equal(offsetof(struct xs_privcmd_mmap_resource, idx), 12);
    assert_int_equal(offsetof(struct xs_privcmd_mmap_resource, num), 16);
    assert_int_equal(offsetof(struct xs_privcmd_mmap_resource, addr), 24);
}

/* ------------------------------------------------------- open / close */

static void test_open_close(void **state)
{
    xenforeignmemory_handle *f;
    const struct fake_sys_call *c;

    (void)state;
    f = open_ok();
    c = fake_sys_call_at(0);
    assert_int_equal(c->kind, FAKE_OPEN);
    assert_string_equal(c->path, "/dev/xen/privcmd");
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(fake_sys_open_fds(), 1);
    assert_int_equal(xenforeignmemory_close(f), 0);
    /* floor: open + close (upstream: 4, with the probe at open) */
    assert_int_equal(fake_sys_count_all(), 2);
    assert_int_equal(xenforeignmemory_close(NULL), 0);
}

static void test_open_fallback(void **state)
{
    static const int fallback[] = { ENOENT, ENXIO, ENODEV };

    (void)state;
    for (unsigned i = 0; i < 3; i++) {
        xenforeignmemory_handle *f;
        int before = fake_sys_count_all();

        fake_sys_fail_nth(FAKE_OPEN, fake_sys_count(FAKE_OPEN) + 1,
                          fallback[i]);
        f = open_ok();
        assert_string_equal(fake_sys_call_at(before + 1)->path,
                            "/proc/xen/privcmd");
        assert_int_equal(fake_sys_call_at(before + 1)->flags,
                         O_RDWR | O_CLOEXEC);
        assert_int_equal(xenforeignmemory_close(f), 0);
    }
}

static void test_open_failures(void **state)
{
    (void)state;
    /* not a "no such node" error: no fallback */
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    assert_null(xenforeignmemory_open(quiet(), 0));
    assert_int_equal(errno, EACCES);
    assert_int_equal(fake_sys_count(FAKE_OPEN), 1);

    /* both nodes missing: the fallback's errno */
    fake_sys_fail_always(FAKE_OPEN, ENOENT);
    assert_null(xenforeignmemory_open(quiet(), 0));
    assert_int_equal(errno, ENOENT);
    assert_int_equal(fake_sys_count(FAKE_OPEN), 3);
    fake_sys_fail_always(FAKE_OPEN, 0);
    assert_int_equal(fake_sys_open_fds(), 0);
    /* a failed open left nothing registered */
    assert_int_equal(xentoolcore_restrict_all(3), 0);
}

/* ----------------------------------------------------------------- map */

static void test_map_layout(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[3] = { 0x10, 0x11, 0x12 };
    int err[3] = { 7, 7, 7 };
    const struct fake_sys_call *c;
    int before;
    char *p;

    (void)state;
    before = fake_sys_count_all();
    p = xenforeignmemory_map(f, 5, PROT_READ, 3, arr, err);
    assert_non_null(p);
    assert_int_equal(fake_sys_count_all() - before, 2);
    c = fake_sys_call_at(before);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->request, 3 * 4096);
    assert_int_equal(c->prot, PROT_READ);
    assert_int_equal(c->flags, MAP_SHARED);
    assert_int_equal(c->fd, drv.fd);
    assert_int_equal(c->offset, 0);
    c = fake_sys_call_at(before + 1);
    assert_int_equal(c->kind, FAKE_IOCTL);
    assert_int_equal(drv.last_v2.num, 3);
    assert_int_equal(drv.last_v2.dom, 5);
    assert_int_equal(drv.last_v2.addr, (uintptr_t)p);
    assert_ptr_equal(drv.last_v2.arr, arr);
    assert_ptr_equal(drv.last_v2.err, err);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[2], 0);
    assert_int_equal(fake_sys_live_mappings(), 1);

    before = fake_sys_count_all();
    assert_int_equal(xenforeignmemory_unmap(f, p, 3), 0);
    c = fake_sys_call_at(before);
    assert_int_equal(c->kind, FAKE_MUNMAP);
    assert_int_equal(c->request, 3 * 4096);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map2_fixed(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, 2 };
    int err[2];
    char *want, *p;
    const struct fake_sys_call *c;

    (void)state;
    want = xenforeignmemory_map(f, 1, PROT_READ | PROT_WRITE, 2, arr, err);
    assert_non_null(want);
    /* QEMU's map cache: remap in place with MAP_FIXED */
    p = xenforeignmemory_map2(f, 1, want, PROT_READ | PROT_WRITE, MAP_FIXED,
                              2, arr, err);
    assert_ptr_equal(p, want);
    c = fake_sys_call_at(fake_sys_count_all() - 2);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->flags, MAP_FIXED | MAP_SHARED);
    assert_int_equal(c->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(drv.last_v2.addr, (uintptr_t)want);
    assert_int_equal(fake_sys_live_mappings(), 1);
    assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_per_page_errors(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[4] = { 1, PFN_BAD | 2, 3, PFN_BAD | 4 };
    int err[4];
    void *p;
    int maps;

    (void)state;
    p = xenforeignmemory_map(f, 9, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], -ESRCH);       /* negative, as the kernel */
    assert_int_equal(err[2], 0);
    assert_int_equal(err[3], -ESRCH);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);

    /* err == NULL: whole call fails with the first frame's errno */
    maps = fake_sys_live_mappings();
    errno = 0;
    assert_null(xenforeignmemory_map(f, 9, PROT_READ, 4, arr, NULL));
    assert_int_equal(errno, ESRCH);
    assert_int_equal(fake_sys_live_mappings(), maps);
    assert_int_equal(fake_sys_call_at(fake_sys_count_all() - 1)->kind,
                     FAKE_MUNMAP);

    /* err == NULL, all good */
    arr[1] = 2;
    arr[3] = 4;
    p = xenforeignmemory_map(f, 9, PROT_READ, 4, arr, NULL);
    assert_non_null(p);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_paged_retry(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[6] = { 1, PFN_PAGED | 2, PFN_PAGED | 3, 4, PFN_PAGED | 5,
                         PFN_BAD | 6 };
    int err[6];
    char *p;

    (void)state;
    drv.paged_rounds = 2;       /* the first call and one retry round */
    p = xenforeignmemory_map(f, 2, PROT_READ, 6, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], 0);
    assert_int_equal(err[2], 0);
    assert_int_equal(err[4], 0);
    assert_int_equal(err[5], -ESRCH);
    /* full batch; round 1: both runs (the second now succeeds); round 2:
     * the first run again */
    assert_int_equal(drv.n_v2, 4);
    /* retries cover exactly the runs of -ENOENT entries */
    assert_int_equal(drv.v2_calls[1].num, 2);
    assert_int_equal(drv.v2_calls[1].addr, (uintptr_t)(p + 4096));
    assert_ptr_equal(drv.v2_calls[1].arr, &arr[1]);
    assert_ptr_equal(drv.v2_calls[1].err, &err[1]);
    assert_int_equal(drv.v2_calls[2].num, 1);
    assert_int_equal(drv.v2_calls[2].addr, (uintptr_t)(p + 4 * 4096));
    assert_ptr_equal(drv.v2_calls[2].arr, &arr[4]);
    assert_int_equal(fake_sys_count(FAKE_USLEEP), 2);
    assert_int_equal(xenforeignmemory_unmap(f, p, 6), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_paged_bounded(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, PFN_PAGED | 2 };
    int err[2];
    unsigned long slept = 0;
    void *p;

    (void)state;
    drv.paged_rounds = INT_MAX;         /* never comes back */
    p = xenforeignmemory_map(f, 2, PROT_READ, 2, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], -ENOENT);
    for (int i = 0; i < fake_sys_count_all(); i++) {
        const struct fake_sys_call *c = fake_sys_call_at(i);

        if (c->kind == FAKE_USLEEP)
            slept += c->request;
    }
    /* bounded: about one second of sleeping, in few calls */
    assert_true(slept >= 1000000 && slept < 1200000);
    assert_true(fake_sys_count(FAKE_USLEEP) < 25);
    assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);

    /* err == NULL: ENOENT and nothing left mapped */
    assert_null(xenforeignmemory_map(f, 2, PROT_READ, 2, arr, NULL));
    assert_int_equal(errno, ENOENT);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_paged_retry_fails(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { PFN_PAGED | 1, 2 };
    int err[2];

    (void)state;
    drv.paged_rounds = INT_MAX;
    /* ioctl #1 = first batch (ENOENT), #2 = the retry: make it EFAULT */
    fake_sys_fail_nth(FAKE_IOCTL, 2, EFAULT);
    assert_null(xenforeignmemory_map(f, 2, PROT_READ, 2, arr, err));
    assert_int_equal(errno, EFAULT);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_v1_fallback(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[4] = { 1, PFN_BAD | 2, PFN_PAGED | 3, 4 };
    xen_pfn_t copy[4];
    int err[4] = { 9, 9, 9, 9 };
    void *p;

    (void)state;
    memcpy(copy, arr, sizeof(arr));
    drv.v2_einval = 1;
    drv.paged_rounds = 2;           /* batch + first single retry */
    p = xenforeignmemory_map(f, 3, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], -EINVAL);      /* V1 cannot say more */
    assert_int_equal(err[2], 0);            /* paged, then came back */
    assert_int_equal(err[3], 0);
    assert_memory_equal(arr, copy, sizeof(arr));    /* caller's untouched */
    assert_int_equal(drv.n_v1, 3);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);

    /* err == NULL on the V1 path */
    assert_null(xenforeignmemory_map(f, 3, PROT_READ, 4, arr, NULL));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_live_mappings(), 0);

    /* V1 itself failing */
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 2, EPERM);
    assert_null(xenforeignmemory_map(f, 3, PROT_READ, 4, arr, err));
    assert_int_equal(errno, EPERM);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_fault_injection(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, 2 };
    int err[2];
    static const enum fake_sys_kind kinds[] = { FAKE_MMAP, FAKE_IOCTL };

    (void)state;
    for (unsigned k = 0; k < 2; k++) {
        int fds = fake_sys_open_fds(), maps = fake_sys_live_mappings();

        fake_sys_fail_nth(kinds[k], fake_sys_count(kinds[k]) + 1, EPERM);
        errno = 0;
        assert_null(xenforeignmemory_map(f, 1, PROT_READ, 2, arr, err));
        assert_int_equal(errno, EPERM);
        assert_int_equal(fake_sys_open_fds(), fds);
        assert_int_equal(fake_sys_live_mappings(), maps);
    }
    /* munmap failing */
    {
        void *p = xenforeignmemory_map(f, 1, PROT_READ, 2, arr, err);

        assert_non_null(p);
        fake_sys_fail_nth(FAKE_MUNMAP, fake_sys_count(FAKE_MUNMAP) + 1,
                          EINVAL);
        assert_int_equal(xenforeignmemory_unmap(f, p, 2), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);
    }
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_large_one_ioctl(void **state)
{
    enum { N = 262144 };                /* 1 GiB of frames */
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t *arr = malloc(N * sizeof(*arr));
    int *err = malloc(N * sizeof(*err));
    int before;
    void *p;

    (void)state;
    assert_non_null(arr);
    assert_non_null(err);
    for (size_t i = 0; i < N; i++)
        arr[i] = i;
    before = fake_sys_count_all();
    p = xenforeignmemory_map(f, 1, PROT_READ, N, arr, err);
    assert_non_null(p);
    assert_int_equal(xenforeignmemory_unmap(f, p, N), 0);
    /* floor: 1 mmap + 1 ioctl + 1 munmap */
    assert_int_equal(fake_sys_count_all() - before, 3);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 1);
    assert_int_equal(drv.last_v2.num, N);
    free(arr);
    free(err);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/* ------------------------------------------------------------ restrict */

static void test_restrict(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    const struct fake_sys_call *c;

    (void)state;
    assert_int_equal(xenforeignmemory_restrict(f, 42), 0);
    c = fake_sys_call_at(fake_sys_count_all() - 1);
    assert_int_equal(c->request, 0x00025006);
    assert_int_equal(drv.restricted, 42);

    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EBUSY);
    assert_int_equal(xenforeignmemory_restrict(f, 43), -1);
    assert_int_equal(errno, EBUSY);

    /* toolcore reaches the handle */
    assert_int_equal(xentoolcore_restrict_all(77), 0);
    assert_int_equal(drv.restricted, 77);
    assert_int_equal(drv.n_restrict, 2);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
    assert_int_equal(xentoolcore_restrict_all(78), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xenforeignmemory_close(f), 0);
    /* closed handles are gone from the registry */
    assert_int_equal(xentoolcore_restrict_all(79), 0);
    assert_int_equal(drv.n_restrict, 2);
}

/* ------------------------------------------------------------ resources */

static void test_map_resource(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xenforeignmemory_resource_handle *r;
    const struct fake_sys_call *c;
    void *addr = NULL;
    int before;

    (void)state;
    before = fake_sys_count_all();
    r = xenforeignmemory_map_resource(f, 7, 1, 0, 3, 2, &addr,
                                      PROT_READ | PROT_WRITE, 0);
    assert_non_null(r);
    assert_non_null(addr);
    assert_int_equal(fake_sys_count_all() - before, 2);
    c = fake_sys_call_at(before);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->request, 2 * 4096);
    assert_int_equal(c->flags, MAP_SHARED);
    assert_int_equal(c->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(c->offset, 0);
    assert_int_equal(drv.last_res.dom, 7);
    assert_int_equal(drv.last_res.type, 1);
    assert_int_equal(drv.last_res.id, 0);
    assert_int_equal(drv.last_res.idx, 3);
    assert_int_equal(drv.last_res.num, 2);
    assert_int_equal(drv.last_res.addr, (uintptr_t)addr);
    assert_int_equal(fake_sys_call_at(before + 1)->request, 0x00205007);

    before = fake_sys_count_all();
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);
    assert_int_equal(fake_sys_call_at(before)->kind, FAKE_MUNMAP);
    assert_int_equal(fake_sys_call_at(before)->request, 2 * 4096);
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
    assert_null(xenforeignmemory_map_resource(f, 7, 1, 0, 0, ULONG_MAX,
                                              &addr, PROT_READ, 0));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_resource_unsupported(void **state)
{
    /* kernel's unknown-ioctl errno, failure errno, expected result,
     * probes made */
    static const int cases[][4] = {
        { ENOTTY, ENOTTY, EOPNOTSUPP, 1 },  /* modern kernel, no ioctl */
        { EINVAL, EINVAL, EOPNOTSUPP, 1 },  /* old privcmd */
        { ENOTTY, ENOSYS, EOPNOTSUPP, 0 },  /* Xen without acquire_resource */
        { ENOTTY, EPERM, EPERM, 1 },        /* real refusal kept */
        { ENOTTY, EINVAL, EINVAL, 1 },
    };

    (void)state;
    for (unsigned i = 0; i < XS_ARRAY_SIZE(cases); i++) {
        xenforeignmemory_handle *f = open_ok();
        void *addr = NULL;
        size_t size = 1;
        int maps = fake_sys_live_mappings();

        drv.unimpl_errno = cases[i][0];
        drv.resource_errno = cases[i][1];
        drv.n_probe = 0;
        errno = 0;
        assert_null(xenforeignmemory_map_resource(f, 1, 0, 0, 0, 2, &addr,
                                                  PROT_READ, 0));
        assert_int_equal(errno, cases[i][2]);
        assert_null(addr);
        assert_int_equal(fake_sys_live_mappings(), maps);
        assert_int_equal(drv.n_probe, cases[i][3]);
        /* the size query translates too; the probe is not repeated */
        assert_int_equal(xenforeignmemory_resource_size(f, 1, 0, 0, &size),
                         -1);
        assert_int_equal(errno, cases[i][2]);
        assert_int_equal(drv.n_probe, cases[i][3]);
        assert_int_equal(xenforeignmemory_close(f), 0);
    }
}

static void test_resource_size(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xenforeignmemory_resource_handle *r;
    size_t size = 0;
    void *addr = NULL;
    int before;

    (void)state;
    drv.resource_frames = 40;
    before = fake_sys_count_all();
    assert_int_equal(xenforeignmemory_resource_size(f, 4, 1, 0, &size), 0);
    assert_int_equal(size, 40 * 4096);
    assert_int_equal(fake_sys_count_all() - before, 1);     /* no mmap */
    assert_int_equal(drv.last_res.addr, 0);
    assert_int_equal(drv.last_res.num, 0);
    assert_int_equal(drv.last_res.dom, 4);
    assert_int_equal(drv.last_res.type, 1);

    /* *paddr == NULL and nr_frames == 0: the size-query path, as upstream */
    r = xenforeignmemory_map_resource(f, 4, 1, 0, 0, 0, &addr, PROT_READ, 0);
    assert_non_null(r);
    assert_null(addr);
    assert_int_equal(fake_sys_count(FAKE_MMAP), 0);
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);
    assert_int_equal(fake_sys_count(FAKE_MUNMAP), 0);

    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
    assert_int_equal(xenforeignmemory_resource_size(f, 0, 1, 0, &size), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_map_resource_fault_injection(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    void *addr = NULL;

    (void)state;
    fake_sys_fail_nth(FAKE_MMAP, 1, ENOMEM);
    assert_null(xenforeignmemory_map_resource(f, 1, 0, 0, 0, 2, &addr,
                                              PROT_READ, 0));
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(fake_sys_live_mappings(), 0);

    /* ioctl EFAULT; the probe then says ENOTTY: EFAULT kept */
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    assert_null(xenforeignmemory_map_resource(f, 1, 0, 0, 0, 2, &addr,
                                              PROT_READ, 0));
    assert_int_equal(errno, EFAULT);
    assert_int_equal(fake_sys_live_mappings(), 0);

    {
        xenforeignmemory_resource_handle *r =
            xenforeignmemory_map_resource(f, 1, 0, 0, 0, 2, &addr,
                                          PROT_READ, 0);
        assert_non_null(r);
        fake_sys_fail_nth(FAKE_MUNMAP, fake_sys_count(FAKE_MUNMAP) + 1, EINVAL);
        assert_int_equal(xenforeignmemory_unmap_resource(f, r), -1);
        assert_int_equal(errno, EINVAL);
        xs_sys_munmap(addr, 2 * 4096);     /* the refused munmap, again */
    }
    assert_int_equal(xenforeignmemory_close(f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_uapi_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map2_fixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_per_page_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_paged_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_paged_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_paged_retry_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_v1_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_fault_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_large_one_ioctl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restrict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_resource, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_resource_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_resource_fault_injection, setup, teardown),
    };

    return cmocka_run_group_tests_name("linux-foreignmemory", tests, NULL, NULL);
}
