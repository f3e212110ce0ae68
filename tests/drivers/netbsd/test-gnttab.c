/*
 * test-gnttab.c - NetBSD's grant protocol (netbsd/gnttab.c), both sides,
 * on the fake NetBSD kernel: privcmd's GNTDEV_MMAP_GRANT_REF and
 * GNTDEV_ALLOC_GRANT_REF over a range reserved first, the notification
 * inside the request, munmap() as the only way back, the kernel's
 * CLEAR_BYTE bug, and none of upstream's NetBSD bugs.  The API contract
 * is tests/unit/test-gnttab.c and test-gntshr.c.
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
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "fake_sys.h"
#include "fixtures.h"
#include "bsd-record.h"

#define PG        4096UL

#define REQ_MAP   0x80285008UL
#define REQ_ALLOC 0x80285009UL

static struct fake_bsd_config cfg;

static int setup(void **state)
{
    (void)state;
    fake_bsd_default_config(&cfg, FAKE_BSD_NETBSD);
    bsd_rec_install(&cfg);
    /* the {domid, ref} pairs the refs pointer names */
    bsd_rec_follow(REQ_MAP, 32, 3 * sizeof(struct xs_bsd_grant_ref));
    return 0;
}

static int teardown(void **state)
{
    /* a request over memory we did not reserve aborted already */
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);
    assert_int_equal(fake_bsd_live_grant_allocs(), 0);
    return fixture_teardown(state);
}

static uint64_t tag_at(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static const struct fake_sys_call *last_call(enum fake_sys_kind kind)
{
    for (int i = fake_sys_count_all() - 1; i >= 0; i--) {
        const struct fake_sys_call *c = fake_sys_call_at(i);

        if (c && c->kind == kind)
            return c;
    }
    return NULL;
}

static void test_open(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    xengntshr_handle *xgs = xengntshr_open(NULL, 0);

    (void)state;
    assert_non_null(xgt);
    assert_non_null(xgs);
    /* privcmd for both sides, close-on-exec (upstream's gntshr is not) */
    assert_string_equal(fake_sys_call_at(0)->path, "/kern/xen/privcmd");
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR | O_CLOEXEC);
    assert_string_equal(fake_sys_call_at(1)->path, "/kern/xen/privcmd");
    assert_int_equal(fake_sys_call_at(1)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xengntshr_close(xgs), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
    /* outside dom0 there is no privcmd */
    cfg.domu = 1;
    bsd_rec_install(&cfg);
    errno = 0;
    assert_null(xengnttab_open(NULL, 0));
    assert_int_equal(errno, ENOENT);
}

/* reserve, then the request at the reservation, refs by pointer */
static void test_map_protocol(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    uint32_t domids[3] = { 1, 2, 3 }, refs[3] = { 10, 20, 30 };
    struct xs_bsd_grant_ref sent[3];
    const struct bsd_rec_ioctl *r;
    const struct fake_sys_call *m;
    char *p;
    int base;

    (void)state;
    bsd_rec_clear();
    p = xengnttab_map_grant_refs(xgt, 3, domids, refs, PROT_READ);
    assert_non_null(p);
    m = last_call(FAKE_MMAP);
    assert_int_equal(m->fd, -1);
    /* no XENGNTTAB flag, no MAP_FIXED: an anonymous reservation */
    assert_int_equal(m->flags, MAP_ANON | MAP_SHARED);
    assert_int_equal(m->prot, PROT_READ);
    assert_int_equal(m->request, 3 * PG);
    assert_int_equal(bsd_rec_ioctls(), 1);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(r->req, REQ_MAP);
    assert_int_equal(r->len, 40);
    assert_int_equal(bsd_rec_u32(r->arg, 0), 3);
    assert_true(bsd_rec_u64(r->arg, 8) == (uintptr_t)p);
    assert_int_equal(bsd_rec_u32(r->arg, 24), 0); /* no notification */
    memcpy(sent, r->pointee, sizeof(sent));
    for (int i = 0; i < 3; i++) {
        /* each ref its own domid (upstream's stride reads domids[0]) */
        assert_int_equal(sent[i].domid, domids[i]);
        assert_int_equal(sent[i].ref, refs[i]);
        assert_true(tag_at(p + i * PG) ==
                    FAKE_BSD_GRANT_TAG(domids[i], refs[i]));
    }
    /* unmapping is munmap() alone */
    base = fake_sys_count_all();
    assert_int_equal(xengnttab_unmap(xgt, p, 3), 0);
    assert_int_equal(fake_sys_count_all(), base + 1);
    assert_int_equal(last_call(FAKE_MUNMAP)->request, 3 * PG);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);

    /* one domid for all: every ref gets it, and only domids[0] is read
     * (upstream's inverted stride reads past it) */
    {
        uint32_t dom = 9;
        char *q = xengnttab_map_domain_grant_refs(xgt, 3, dom, refs,
                                                  PROT_READ | PROT_WRITE);

        assert_non_null(q);
        for (int i = 0; i < 3; i++)
            assert_true(tag_at(q + i * PG) == FAKE_BSD_GRANT_TAG(9, refs[i]));
        q[PG] = 1; /* writable, from the reservation's protection */
        assert_int_equal(xengnttab_unmap(xgt, q, 3), 0);
    }
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_map_notify(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    const struct bsd_rec_ioctl *r;
    char *p;
    int n;

    (void)state;
    bsd_rec_clear();
    p = xengnttab_map_grant_ref_notify(xgt, 1, 8, PROT_READ | PROT_WRITE, 1,
                                       7);
    assert_non_null(p);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(bsd_rec_u64(r->arg, 16), 1); /* byte offset */
    assert_int_equal(bsd_rec_u32(r->arg, 24),
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE |
                         XS_BSD_UNMAP_NOTIFY_SEND_EVENT);
    assert_int_equal(bsd_rec_u32(r->arg, 28), 7);
    n = fake_bsd_notifies();
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    /* carried out by the kernel at munmap: the event, then the byte */
    assert_int_equal(fake_bsd_notifies(), n + 2);
    assert_int_equal(fake_bsd_notify_at(n)->port, 7);
    assert_int_equal(fake_bsd_notify_at(n + 1)->action,
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE);
    assert_int_equal(fake_bsd_notify_at(n + 1)->where, 1);

    /*
     * The kernel bug: a byte offset above the page count (libxenvchan
     * clears byte ~20 of one page) is EINVAL.  Passed on, the
     * reservation released, NULL returned (not MAP_FAILED).
     */
    errno = 0;
    assert_null(xengnttab_map_grant_ref_notify(xgt, 1, 8, PROT_READ, 20,
                                               (uint32_t)-1));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* beyond the mapping: no CLEAR_BYTE at all, which the kernel takes */
    bsd_rec_clear();
    p = xengnttab_map_grant_ref_notify(xgt, 1, 8, PROT_READ, 4096,
                                       (uint32_t)-1);
    assert_non_null(p);
    assert_int_equal(bsd_rec_u32(bsd_rec_ioctl_at(0)->arg, 24), 0);
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* a request the kernel refuses: NULL, errno, the reservation gone */
static void test_map_failure(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    void *p;

    (void)state;
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, ENOMEM);
    errno = 0;
    p = xengnttab_map_grant_ref(xgt, 1, 8, PROT_READ);
    assert_null(p);
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* PROT_NONE cannot be the grants' protection: the kernel's EINVAL */
    errno = 0;
    assert_null(xengnttab_map_grant_ref(xgt, 1, 8, PROT_NONE));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* only whole mappings this handle made: nothing else is munmap()ed */
static void test_unmap_checks(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    xengnttab_handle *other = xengnttab_open(NULL, 0);
    char *p = xengnttab_map_grant_ref(xgt, 1, 8, PROT_READ);
    int base = fake_sys_count_all();

    (void)state;
    assert_non_null(p);
    errno = 0;
    assert_int_equal(xengnttab_unmap(xgt, p, 2), -1); /* wrong count */
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xengnttab_unmap(other, p, 1), -1); /* not its own */
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xengnttab_unmap(xgt, p + PG, 1), -1); /* not a start */
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), base);
    assert_true(fake_sys_is_mapped(p, PG));
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_int_equal(xengnttab_close(other), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

static void test_missing_requests(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    uint32_t refs[1] = { 1 }, fd = 0;
    int base = fake_sys_count_all();

    (void)state;
    assert_int_equal(xengnttab_set_max_grants(xgt, 64), 0);
    errno = 0;
    assert_int_equal(xengnttab_grant_copy(xgt, 0, NULL), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    /* upstream calls abort() here */
    assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 1, 0, 1, refs, &fd),
                     -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 1, 3, 1, refs), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(fake_sys_count_all(), base);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* ---- sharing ------------------------------------------------------- */

static void test_share_protocol(void **state)
{
    xengntshr_handle *xgs = xengntshr_open(NULL, 0);
    uint32_t refs[2] = { 0, 0 };
    const struct bsd_rec_ioctl *r;
    const struct fake_sys_call *m;
    char *p;
    int n;

    (void)state;
    bsd_rec_clear();
    p = xengntshr_share_pages(xgs, 4, 2, refs, 1);
    assert_non_null(p);
    m = last_call(FAKE_MMAP);
    assert_int_equal(m->flags, MAP_ANON | MAP_SHARED);
    assert_int_equal(m->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(bsd_rec_ioctls(), 1);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(r->req, REQ_ALLOC);
    assert_int_equal(bsd_rec_u16(r->arg, 0), 4);
    assert_int_equal(bsd_rec_u16(r->arg, 2), XS_BSD_GNT_ALLOC_FLAG_WRITABLE);
    assert_int_equal(bsd_rec_u32(r->arg, 4), 2);
    assert_true(bsd_rec_u64(r->arg, 8) == (uintptr_t)p);
    assert_int_equal(refs[0], 100);
    assert_int_equal(refs[1], 101);
    assert_int_equal(tag_at(p), 0); /* the kernel's zeroed pages */
    p[2 * PG - 1] = 1;
    assert_int_equal(fake_bsd_live_grant_allocs(), 2);
    assert_int_equal(xengntshr_unshare(xgs, p, 2), 0);
    assert_int_equal(fake_bsd_live_grant_allocs(), 0);

    /* the notification inside the request, run at munmap */
    bsd_rec_clear();
    p = xengntshr_share_page_notify(xgs, 4, refs, 0, 0, 9);
    assert_non_null(p);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(bsd_rec_u16(r->arg, 2), 0);
    assert_int_equal(bsd_rec_u32(r->arg, 24),
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE |
                         XS_BSD_UNMAP_NOTIFY_SEND_EVENT);
    assert_int_equal(bsd_rec_u32(r->arg, 28), 9);
    n = fake_bsd_notifies();
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    assert_int_equal(fake_bsd_notifies(), n + 2);

    /* a grant failing after the first: the kernel's errno, the caller's
     * refs untouched, the reservation released */
    refs[0] = refs[1] = 0xdead;
    fake_bsd_fail_grant_at(1, ENOSPC);
    errno = 0;
    assert_null(xengntshr_share_pages(xgs, 4, 2, refs, 1));
    assert_int_equal(errno, ENOSPC);
    assert_int_equal(refs[0], 0xdead);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open),           T(test_map_protocol), T(test_map_notify),
        T(test_map_failure),    T(test_unmap_checks), T(test_missing_requests),
        T(test_share_protocol),
#undef T
    };

    return cmocka_run_group_tests_name("netbsd-privcmd-grants", tests, NULL,
                                       NULL);
}
