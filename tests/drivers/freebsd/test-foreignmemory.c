/*
 * test-foreignmemory.c - xenforeignmemory on FreeBSD, against the fake
 * FreeBSD kernel (tests/unit/fake_bsd.h): privcmd is mmap()ed first and
 * MMAPBATCH fills exactly that range (any other range is EINVAL there);
 * per-frame errors arrive positive and must reach the caller negative;
 * a paged-out frame is retried over the whole range; MMAP_RESOURCE by
 * its current _IOWR number, falling back to FreeBSD 14's _IOW, whose
 * size query cannot work; RESTRICT with FreeBSD's negative errno.  The
 * API contract is tests/unit/test-foreignmemory.c.
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

#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include "foreignmemory_private.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "bsd-protocol.h"
#include "quiet_logger.h"

#define PG      4096UL
#define BAD     0x01000000ULL /* the hypervisor refuses these frames */
#define PAGED   0x02000000ULL /* paged out for paged_left answers */
#define BATCH   XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH
#define RES_RW  XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW
#define RES_OLD XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE

static int paged_left, resource_err;

static int xen_map_gfn(uint16_t dom, uint64_t gfn)
{
    (void)dom;
    if (gfn & BAD)
        return -ESRCH;
    if ((gfn & PAGED) && paged_left > 0) {
        paged_left--;
        return -ENOENT;
    }
    return 0;
}

static int xen_resource(uint16_t dom, uint32_t type, uint32_t id,
                        uint64_t frame, uint64_t nr)
{
    (void)dom;
    (void)type;
    (void)id;
    (void)frame;
    if (resource_err)
        return -resource_err;
    return nr == 0 ? 6 : 0;
}

static struct fake_bsd_config cfg;

static void install(enum fake_freebsd_gen gen)
{
    fake_bsd_default_config(&cfg, FAKE_BSD_FREEBSD);
    cfg.freebsd_gen = gen;
    cfg.map_gfn = xen_map_gfn;
    cfg.acquire_resource = xen_resource;
    bsd_protocol_install(&cfg);
    paged_left = 0;
    resource_err = 0;
}

static int setup(void **state)
{
    (void)state;
    install(FAKE_FREEBSD_CURRENT);
    return 0;
}

static xenforeignmemory_handle *open_ok(void)
{
    xenforeignmemory_handle *f = xenforeignmemory_open(&xs_quiet_logger, 0);

    assert_non_null(f);
    return f;
}

/* The MMAPBATCH request, as the kernel must read it. */
static void check_batch(int nth, int fd, uint32_t num, uint16_t dom,
                        const void *addr, const xen_pfn_t *arr, const int *err)
{
    const struct fake_sys_call *c = bsd_call_of(FAKE_IOCTL, nth);

    assert_non_null(c);
    assert_int_equal(c->request, 0xc0204501UL);
    assert_int_equal(c->fd, fd);
    /* ioctl_table recorded the last request's bytes */
    assert_int_equal(ioctl_seen_req, BATCH);
    assert_int_equal(ioctl_seen_len, 32);
    {
        const struct ioctl_field fields[] = {
            { 0, 4, num },
            { 4, 2, dom },
            { 8, 8, (uintptr_t)addr },
            { 16, 8, (uintptr_t)arr },
            { 24, 8, (uintptr_t)err },
        };

        for (size_t i = 0; i < XS_ARRAY_SIZE(fields); i++)
            assert_int_equal(ioctl_field_value(&fields[i]), fields[i].value);
    }
}

static void test_map_privcmd_first(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[3] = { 0x10, 0x11, 0x12 };
    int err[3] = { 9, 9, 9 };
    const struct fake_sys_call *m;
    char *p;

    (void)state;
    p = xenforeignmemory_map(f, 5, PROT_READ, 3, arr, err);
    assert_non_null(p);
    /* open, then exactly: mmap of privcmd, MMAPBATCH over that range */
    assert_int_equal(fake_sys_count_all(), 3);
    m = bsd_call_of(FAKE_MMAP, 0);
    assert_int_equal(m->fd, f->fd);
    assert_int_equal(m->flags, MAP_SHARED);
    assert_int_equal(m->prot, PROT_READ);
    assert_int_equal(m->offset, 0);
    assert_int_equal(m->request, 3 * PG);
    check_batch(0, f->fd, 3, 5, p, arr, err);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(err[i], 0);
        assert_int_equal(fake_bsd_page_accessible(p + i * PG), 1);
        assert_int_equal(bsd_tag_at(p + i * PG),
                         FAKE_BSD_GFN_TAG(5, 0x10 + i));
    }
    assert_int_equal(xenforeignmemory_unmap(f, p, 3), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/* FreeBSD's per-frame errnos are positive; the caller gets -errno. */
static void test_positive_errors_negated(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[3] = { 1, BAD | 2, 3 };
    int err[3];
    char *p;

    (void)state;
    p = xenforeignmemory_map(f, 5, PROT_READ, 3, arr, err);
    assert_non_null(p);
    assert_int_equal(err[0], 0);
    assert_int_equal(err[1], -ESRCH);
    assert_int_equal(err[2], 0);
    assert_int_equal(fake_bsd_page_accessible(p + PG), 0);
    assert_int_equal(xenforeignmemory_unmap(f, p, 3), 0);
    /* err == NULL: the whole call fails with that errno, nothing mapped */
    errno = 0;
    assert_null(xenforeignmemory_map(f, 5, PROT_READ, 3, arr, NULL));
    assert_int_equal(errno, ESRCH);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/* A paged-out frame: the batch is made again over the whole mapping. */
static void test_paged_retry_covers_the_mapping(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[4] = { 1, 2, PAGED | 3, 4 };
    int err[4];
    char *p;

    (void)state;
    paged_left = 1;
    p = xenforeignmemory_map(f, 5, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 2);
    assert_int_equal(fake_sys_count(FAKE_USLEEP), 1);
    check_batch(1, f->fd, 4, 5, p, arr, err);
    for (int i = 0; i < 4; i++)
        assert_int_equal(err[i], 0);
    assert_int_equal(fake_bsd_page_accessible(p + 2 * PG), 1);
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_fixed_address_and_count_limit(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, 2 };
    int err[2];
    void *hint, *p;
    int before;

    (void)state;
    hint = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(hint != MAP_FAILED);
    p = xenforeignmemory_map2(f, 5, hint, PROT_READ | PROT_WRITE, MAP_FIXED, 2,
                              arr, err);
    assert_ptr_equal(p, hint);
    assert_int_equal(bsd_call_of(FAKE_MMAP, 0)->flags, MAP_FIXED | MAP_SHARED);
    check_batch(0, f->fd, 2, 5, p, arr, err);
    assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);
    /* the kernel's count is an int: more is refused before any call */
    before = fake_sys_count_all();
    errno = 0;
    assert_null(xenforeignmemory_map(f, 5, PROT_READ, (size_t)INT_MAX + 1, arr,
                                     err));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void check_resource_request(unsigned long req, uint16_t dom,
                                   uint32_t type, uint32_t id, uint32_t idx,
                                   uint64_t num, const void *addr)
{
    const struct ioctl_field fields[] = {
        { 0, 2, dom },  { 4, 4, type }, { 8, 4, id },
        { 12, 4, idx }, { 16, 8, num }, { 24, 8, (uintptr_t)addr },
    };

    assert_int_equal(ioctl_seen_req, req);
    assert_int_equal(ioctl_seen_len, 32);
    for (size_t i = 0; i < XS_ARRAY_SIZE(fields); i++)
        assert_int_equal(ioctl_field_value(&fields[i]), fields[i].value);
}

/* A current kernel: _IOWR, and the size query answers. */
static void test_resource_current_kernel(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xenforeignmemory_resource_handle *r;
    const struct fake_sys_call *m;
    void *addr = NULL;
    size_t size = 0;
    int before;

    (void)state;
    assert_int_equal(RES_RW, 0xc0204502UL);
    r = xenforeignmemory_map_resource(f, 7, 1, 2, 3, 2, &addr,
                                      PROT_READ | PROT_WRITE, MAP_PRIVATE);
    assert_non_null(r);
    m = bsd_call_of(FAKE_MMAP, 0);
    /* privcmd mapped shared: a character device gives no private map */
    assert_int_equal(m->fd, f->fd);
    assert_int_equal(m->flags, MAP_SHARED);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 1);
    check_resource_request(RES_RW, 7, 1, 2, 3, 2, addr);
    assert_int_equal(bsd_tag_at((char *)addr + PG),
                     FAKE_BSD_RESOURCE_TAG(1, 2, 4));
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);

    before = fake_sys_count_all();
    assert_int_equal(xenforeignmemory_resource_size(f, 7, 1, 2, &size), 0);
    assert_int_equal(size, 6 * PG);
    assert_int_equal(fake_sys_count_all(), before + 1);
    check_resource_request(RES_RW, 7, 1, 2, 0, 0, NULL);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/*
 * FreeBSD 14 knows only _IOW: the map falls back to it once and keeps
 * it; its size query can never reach the caller, so it is EOPNOTSUPP.
 */
static void test_resource_freebsd14(void **state)
{
    xenforeignmemory_handle *f;
    xenforeignmemory_resource_handle *r;
    unsigned long reqs[8];
    void *addr = NULL;
    size_t size = 0;
    int before;

    (void)state;
    install(FAKE_FREEBSD_14);
    f = open_ok();
    /* before any map: the size query asks _IOWR only */
    errno = 0;
    assert_int_equal(xenforeignmemory_resource_size(f, 7, 1, 2, &size), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(bsd_ioctls(reqs, 8), 1);
    assert_int_equal(reqs[0], RES_RW);

    r = xenforeignmemory_map_resource(f, 7, 1, 2, 0, 1, &addr, PROT_READ, 0);
    assert_non_null(r);
    assert_int_equal(bsd_ioctls(reqs, 8), 3);
    assert_int_equal(reqs[1], RES_RW);
    assert_int_equal(reqs[2], RES_OLD);
    check_resource_request(RES_OLD, 7, 1, 2, 0, 1, addr);
    assert_int_equal(bsd_tag_at(addr), FAKE_BSD_RESOURCE_TAG(1, 2, 0));
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);

    /* learnt: _IOW straight away, and no size query is even tried */
    addr = NULL;
    r = xenforeignmemory_map_resource(f, 7, 1, 2, 0, 1, &addr, PROT_READ, 0);
    assert_non_null(r);
    assert_int_equal(bsd_ioctls(reqs, 8), 4);
    assert_int_equal(reqs[3], RES_OLD);
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);
    before = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xenforeignmemory_resource_size(f, 7, 1, 2, &size), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/*
 * Nobody can map resources: a kernel without the request (both numbers
 * ENOSYS), or Xen without acquire_resource (ENOSYS): EOPNOTSUPP, which
 * QEMU falls back on, and nothing stays mapped.  A refusal stays.
 */
static void test_resource_unsupported(void **state)
{
    static const struct {
        enum fake_freebsd_gen gen;
        int xen_err, want, ioctls;
    } cases[] = {
        { FAKE_FREEBSD_OLD, 0, EOPNOTSUPP, 2 },
        { FAKE_FREEBSD_CURRENT, ENOSYS, EOPNOTSUPP, 2 },
        { FAKE_FREEBSD_CURRENT, EPERM, EPERM, 1 },
    };

    (void)state;
    for (size_t i = 0; i < XS_ARRAY_SIZE(cases); i++) {
        xenforeignmemory_handle *f;
        void *addr = NULL;

        install(cases[i].gen);
        resource_err = cases[i].xen_err;
        f = open_ok();
        errno = 0;
        assert_null(xenforeignmemory_map_resource(f, 7, 1, 2, 0, 1, &addr,
                                                  PROT_READ, 0));
        assert_int_equal(errno, cases[i].want);
        assert_null(addr);
        assert_int_equal(fake_sys_count(FAKE_IOCTL), cases[i].ioctls);
        assert_int_equal(fake_sys_live_mappings(), 0);
        assert_int_equal(xenforeignmemory_close(f), 0);
        bsd_protocol_teardown(NULL);
    }
    install(FAKE_FREEBSD_CURRENT);
}

static xenforeignmemory_handle *restricting;
static long restrict_9(void)
{
    return xenforeignmemory_restrict(restricting, 9);
}
static long restrict_10(void)
{
    return xenforeignmemory_restrict(restricting, 10);
}

static void test_restrict(void **state)
{
    /* RESTRICT _IOW('E', 4, domid_t): the domid's two bytes */
    /* clang-format off */
    static const struct ioctl_row rows[] = {
        { "restrict(9)", restrict_9, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, 0, 0,
          { { 0, 2, 9 } }, 2, 0, 0 },
        { "restrict(9) again", restrict_9, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT,
          0, 0, { { 0, 2, 9 } }, 2, 0, 0 },
        /* the driver's -EINVAL, a negative errno, is still EINVAL */
        { "restrict(10)", restrict_10, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, 0,
          -1, { { 0, 2, 10 } }, 2, EINVAL, 0 },
    };
    /* clang-format on */
    xen_pfn_t arr[1] = { 1 };
    int err[1];
    void *p;

    (void)state;
    assert_int_equal(XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, 0x80024504UL);
    restricting = open_ok();
    for (size_t i = 0; i < XS_ARRAY_SIZE(rows); i++)
        ioctl_table_check(&rows[i], restricting->fd);
    assert_int_equal(fake_bsd_restricted_to(restricting->fd), 9);
    p = xenforeignmemory_map(restricting, 9, PROT_READ, 1, arr, err);
    assert_non_null(p);
    assert_int_equal(xenforeignmemory_unmap(restricting, p, 1), 0);
    errno = 0;
    assert_null(xenforeignmemory_map(restricting, 8, PROT_READ, 1, arr, err));
    assert_int_equal(errno, EPERM);
    assert_int_equal(xenforeignmemory_close(restricting), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, bsd_protocol_teardown)
        T(test_map_privcmd_first),
        T(test_positive_errors_negated),
        T(test_paged_retry_covers_the_mapping),
        T(test_fixed_address_and_count_limit),
        T(test_resource_current_kernel),
        T(test_resource_freebsd14),
        T(test_resource_unsupported),
        T(test_restrict),
#undef T
    };

    return cmocka_run_group_tests_name("freebsd-foreignmemory", tests, NULL,
                                       NULL);
}
