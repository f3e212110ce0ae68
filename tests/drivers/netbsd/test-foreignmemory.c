/*
 * test-foreignmemory.c - xenforeignmemory on NetBSD, against the fake
 * NetBSD kernel (tests/unit/fake_bsd.h): the caller's range is reserved
 * with anonymous memory first, which MMAPBATCH_V2 and MMAP_RESOURCE
 * replace (the fake reports a request over memory nobody reserved as a
 * violation); per-frame results in Xen's numbering; paged-out frames
 * retried one run at a time; no size query (the kernel's num == 0 is
 * EINVAL) and no restriction, both EOPNOTSUPP without a system call.
 * The API contract is tests/unit/test-foreignmemory.c.
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

#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include "foreignmemory_private.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "osdep/family/xen-errno.h"
#include "bsd-protocol.h"
#include "quiet_logger.h"

#define PG    4096UL
#define BAD   0x01000000ULL /* refused by Xen with xen_err */
#define PAGED 0x02000000ULL /* paged out for paged_left answers */
#define V2    XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2
#define RES   XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE

static int paged_left, xen_err, resource_err;

static int xen_map_gfn(uint16_t dom, uint64_t gfn)
{
    (void)dom;
    if (gfn & BAD)
        return -xen_err;
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
    (void)nr;
    return resource_err ? -resource_err : 0;
}

static struct fake_bsd_config cfg;

static int setup(void **state)
{
    (void)state;
    fake_bsd_default_config(&cfg, FAKE_BSD_NETBSD);
    cfg.map_gfn = xen_map_gfn;
    cfg.acquire_resource = xen_resource;
    bsd_protocol_install(&cfg);
    paged_left = 0;
    xen_err = ESRCH;
    resource_err = 0;
    return 0;
}

static xenforeignmemory_handle *open_ok(void)
{
    xenforeignmemory_handle *f = xenforeignmemory_open(&xs_quiet_logger, 0);

    assert_non_null(f);
    return f;
}

/* The last recorded request: MMAPBATCH_V2 with these members. */
static void check_v2(uint32_t num, uint16_t dom, const void *addr,
                     const xen_pfn_t *arr, const int *err)
{
    const struct ioctl_field fields[] = {
        { 0, 4, num },
        { 4, 2, dom },
        { 8, 8, (uintptr_t)addr },
        { 16, 8, (uintptr_t)arr },
        { 24, 8, (uintptr_t)err },
    };

    assert_int_equal(ioctl_seen_req, V2);
    assert_int_equal(ioctl_seen_len, 32);
    for (size_t i = 0; i < XS_ARRAY_SIZE(fields); i++)
        assert_int_equal(ioctl_field_value(&fields[i]), fields[i].value);
}

static void test_map_reserves_anonymous_memory_first(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[3] = { 0x20, 0x21, 0x22 };
    int err[3] = { 9, 9, 9 };
    const struct fake_sys_call *m;
    char *p;

    (void)state;
    assert_int_equal(V2, 0x80205006UL);
    p = xenforeignmemory_map(f, 4, PROT_READ | PROT_WRITE, 3, arr, err);
    assert_non_null(p);
    assert_int_equal(fake_sys_count_all(), 3);
    m = bsd_call_of(FAKE_MMAP, 0);
    assert_int_equal(m->fd, -1);
    assert_int_equal(m->flags, MAP_SHARED | MAP_ANONYMOUS);
    assert_int_equal(m->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(m->request, 3 * PG);
    check_v2(3, 4, p, arr, err);
    assert_int_equal(bsd_call_of(FAKE_IOCTL, 0)->fd, f->fd);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(err[i], 0);
        assert_int_equal(bsd_tag_at(p + i * PG),
                         FAKE_BSD_GFN_TAG(4, 0x20 + i));
    }
    assert_int_equal(xenforeignmemory_unmap(f, p, 3), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/*
 * Per-frame results are Xen's own numbers, translated (family/
 * xen-errno.h): on this Linux machine Xen's numbering is the host's, so
 * what is checked is that each reaches the caller negative and whole.
 */
static void test_per_frame_results_translated(void **state)
{
    static const int xen_errs[] = { ESRCH, 95 /* EOPNOTSUPP */, 200 };
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, BAD | 2 };
    int err[2];
    char *p;

    (void)state;
    for (size_t i = 0; i < XS_ARRAY_SIZE(xen_errs); i++) {
        xen_err = xen_errs[i];
        p = xenforeignmemory_map(f, 4, PROT_READ, 2, arr, err);
        assert_non_null(p);
        assert_int_equal(err[0], 0);
        assert_int_equal(err[1], -xs__xen_errno(xen_errs[i]));
        assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);
    }
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/*
 * The translation table.  These tests run on Linux, whose numbering is
 * Xen's: every number must map to itself (a number Xen does not define
 * is passed on as the kernel's own), so a wrong entry, which would only
 * show on a real NetBSD, fails here.
 */
static void test_xen_errno_table(void **state)
{
    (void)state;
    for (int n = 1; n < 256; n++)
        assert_int_equal(xs__xen_errno(n), n);
}

/* A paged-out frame is asked for again on its own. */
static void test_paged_retry_by_run(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[4] = { 1, 2, PAGED | 3, 4 };
    int err[4];
    char *p;

    (void)state;
    paged_left = 1;
    p = xenforeignmemory_map(f, 4, PROT_READ, 4, arr, err);
    assert_non_null(p);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 2);
    assert_int_equal(fake_sys_count(FAKE_USLEEP), 1);
    check_v2(1, 4, p + 2 * PG, arr + 2, err + 2);
    for (int i = 0; i < 4; i++)
        assert_int_equal(err[i], 0);
    assert_int_equal(bsd_tag_at(p + 2 * PG), FAKE_BSD_GFN_TAG(4, PAGED | 3));
    assert_int_equal(xenforeignmemory_unmap(f, p, 4), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_fixed_address(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[2] = { 1, 2 };
    int err[2];
    void *hint, *p;

    (void)state;
    hint = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(hint != MAP_FAILED);
    p = xenforeignmemory_map2(f, 4, hint, PROT_READ, MAP_FIXED, 2, arr, err);
    assert_ptr_equal(p, hint);
    assert_int_equal(bsd_call_of(FAKE_MMAP, 0)->flags,
                     MAP_FIXED | MAP_SHARED | MAP_ANONYMOUS);
    check_v2(2, 4, p, arr, err);
    assert_int_equal(xenforeignmemory_unmap(f, p, 2), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

static void test_resource(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xenforeignmemory_resource_handle *r;
    void *addr = NULL;
    size_t size = 0;
    int before;
    const struct ioctl_field fields[] = {
        { 0, 2, 7 }, { 4, 4, 1 }, { 8, 4, 2 }, { 12, 4, 3 }, { 16, 8, 2 },
    };

    (void)state;
    assert_int_equal(RES, 0x80205007UL);
    r = xenforeignmemory_map_resource(f, 7, 1, 2, 3, 2, &addr, PROT_READ,
                                      MAP_PRIVATE);
    assert_non_null(r);
    assert_int_equal(bsd_call_of(FAKE_MMAP, 0)->flags,
                     MAP_SHARED | MAP_ANONYMOUS);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 1);
    assert_int_equal(ioctl_seen_req, RES);
    for (size_t i = 0; i < XS_ARRAY_SIZE(fields); i++)
        assert_int_equal(ioctl_field_value(&fields[i]), fields[i].value);
    assert_int_equal(ioctl_field_value(&(struct ioctl_field){ 24, 8, 0 }),
                     (uintptr_t)addr);
    assert_int_equal(bsd_tag_at(addr), FAKE_BSD_RESOURCE_TAG(1, 2, 3));
    assert_int_equal(xenforeignmemory_unmap_resource(f, r), 0);

    /* the kernel cannot tell the size: both forms, no system call */
    before = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xenforeignmemory_resource_size(f, 7, 1, 2, &size), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    addr = NULL;
    errno = 0;
    assert_null(xenforeignmemory_map_resource(f, 7, 1, 2, 0, 0, &addr,
                                              PROT_READ, 0));
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(fake_sys_count_all(), before);

    /* Xen without acquire_resource: EOPNOTSUPP; the kernel's EINVAL (it
     * cannot be told from "no such request") stays; nothing mapped */
    resource_err = ENOSYS;
    errno = 0;
    assert_null(xenforeignmemory_map_resource(f, 7, 1, 2, 0, 1, &addr,
                                              PROT_READ, 0));
    assert_int_equal(errno, EOPNOTSUPP);
    resource_err = EINVAL;
    errno = 0;
    assert_null(xenforeignmemory_map_resource(f, 7, 1, 2, 0, 1, &addr,
                                              PROT_READ, 0));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

/*
 * No RESTRICT: EOPNOTSUPP without asking; restrict_all makes the handle
 * useless instead (its descriptor becomes /dev/null) and succeeds.
 */
static void test_restrict(void **state)
{
    xenforeignmemory_handle *f = open_ok();
    xen_pfn_t arr[1] = { 1 };
    int err[1];
    int before = fake_sys_count_all();

    (void)state;
    errno = 0;
    assert_int_equal(xenforeignmemory_restrict(f, 3), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), 1);
    errno = 0;
    assert_null(xenforeignmemory_map(f, 3, PROT_READ, 1, arr, err));
    assert_int_equal(errno, ENOTTY);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenforeignmemory_close(f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, bsd_protocol_teardown)
        T(test_map_reserves_anonymous_memory_first),
        T(test_per_frame_results_translated),
        T(test_xen_errno_table),
        T(test_paged_retry_by_run),
        T(test_fixed_address),
        T(test_resource),
        T(test_restrict),
#undef T
    };

    return cmocka_run_group_tests_name("netbsd-foreignmemory", tests, NULL,
                                       NULL);
}
