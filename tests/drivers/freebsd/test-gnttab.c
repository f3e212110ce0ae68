/*
 * test-gnttab.c - FreeBSD's /dev/xen/gntdev protocol (the gntdev family
 * with freebsd/gntdev-os.h), both sides, on the fake FreeBSD kernel:
 * one device for mapping and sharing, refs and grant ids by pointer,
 * the grants mapped by the mmap() at the returned offset, notifications
 * on bound ports, unmapping by munmap + UNMAP_GRANT_REF, sharing released
 * by DEALLOC_GREF, and what the device lacks answered without it.
 * The API contract is tests/unit/test-gnttab.c and test-gntshr.c.
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

#include <xenevtchn.h>
#include <xengnttab.h>
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "gnttab_private.h"
#include "fake_sys.h"
#include "fixtures.h"
#include "bsd-record.h"

#define PG          4096UL

#define REQ_NOTIFY  0x80104500UL
#define REQ_ALLOC   0xc0184501UL
#define REQ_DEALLOC 0x80104502UL
#define REQ_MAP     0xc0184503UL
#define REQ_UNMAP   0x80104504UL
#define REQ_GETOFF  0xc0184505UL

/* the first offset a fresh descriptor hands out, then the next ones */
#define TOP_OFFSET 0xfffffffffffff000ULL

static struct fake_bsd_config cfg;
static int bad_ref; /* a grant Xen refuses, or 0 */

static int map_grant(uint32_t dom, uint32_t ref)
{
    (void)dom;
    return bad_ref && ref == (uint32_t)bad_ref ? -1 : 0;
}

static int setup(void **state)
{
    (void)state;
    fake_bsd_default_config(&cfg, FAKE_BSD_FREEBSD);
    cfg.map_grant = map_grant;
    bad_ref = 0;
    bsd_rec_install(&cfg);
    /* the {domid, ref} pairs the refs pointer names */
    bsd_rec_follow(REQ_MAP, 16, 3 * sizeof(struct xs_bsd_grant_ref));
    return 0;
}

static int teardown(void **state)
{
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

/* The n-th call of a kind since install (0-based), or NULL. */
static const struct fake_sys_call *nth_call(enum fake_sys_kind kind, int n)
{
    for (int i = 0; i < fake_sys_count_all(); i++) {
        const struct fake_sys_call *c = fake_sys_call_at(i);

        if (c && c->kind == kind && n-- == 0)
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
    /* one device for both sides, close-on-exec for both */
    assert_string_equal(nth_call(FAKE_OPEN, 0)->path, "/dev/xen/gntdev");
    assert_int_equal(nth_call(FAKE_OPEN, 0)->flags, O_RDWR | O_CLOEXEC);
    assert_string_equal(nth_call(FAKE_OPEN, 1)->path, "/dev/xen/gntdev");
    assert_int_equal(nth_call(FAKE_OPEN, 1)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xengntshr_close(xgs), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
    /* not root: the nodes are 0600 root:wheel */
    cfg.not_root = 1;
    bsd_rec_install(&cfg);
    errno = 0;
    assert_null(xengnttab_open(NULL, 0));
    assert_int_equal(errno, EACCES);
}

/* MAP_GRANT_REF with the refs by pointer, mmap at its offset */
static void test_map_protocol(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    uint32_t domids[3] = { 1, 2, 3 }, refs[3] = { 10, 20, 30 };
    const struct bsd_rec_ioctl *r;
    const struct fake_sys_call *m;
    struct xs_bsd_grant_ref sent[3];
    char *p;

    (void)state;
    bsd_rec_clear();
    p = xengnttab_map_grant_refs(xgt, 3, domids, refs, PROT_READ);
    assert_non_null(p);
    assert_int_equal(bsd_rec_ioctls(), 1);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(r->req, REQ_MAP);
    assert_int_equal(r->len, 24);
    assert_int_equal(bsd_rec_u32(r->arg, 0), 3);
    /* the array the pointer at 16 names: {domid, ref} each */
    memcpy(sent, r->pointee, sizeof(sent));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sent[i].domid, domids[i]);
        assert_int_equal(sent[i].ref, refs[i]);
    }
    m = nth_call(FAKE_MMAP, 0);
    assert_true((uint64_t)m->offset == TOP_OFFSET - 2 * PG);
    assert_int_equal(m->flags, MAP_SHARED);
    assert_int_equal(m->prot, PROT_READ);
    /* the grants were mapped by the mmap(): each page is its grant */
    for (int i = 0; i < 3; i++)
        assert_true(tag_at(p + i * PG) ==
                    FAKE_BSD_GRANT_TAG(domids[i], refs[i]));
    assert_int_equal(fake_bsd_live_grant_maps(), 3);

    /* one domid for all: each ref gets it */
    {
        char *q = xengnttab_map_domain_grant_refs(xgt, 3, 9, refs, PROT_READ);

        assert_non_null(q);
        for (int i = 0; i < 3; i++)
            assert_true(tag_at(q + i * PG) == FAKE_BSD_GRANT_TAG(9, refs[i]));
        assert_int_equal(xengnttab_unmap(xgt, q, 3), 0);
    }

    /* unmap: munmap, then the slots, by the recorded offset */
    bsd_rec_clear();
    assert_int_equal(xengnttab_unmap(xgt, p, 3), 0);
    assert_int_equal(bsd_rec_ioctls(), 1);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(r->req, REQ_UNMAP);
    assert_true(bsd_rec_u64(r->arg, 0) == TOP_OFFSET - 2 * PG);
    assert_int_equal(bsd_rec_u32(r->arg, 8), 3);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* without a record, upstream's GET_OFFSET_FOR_VADDR finds the slots */
static void test_unmap_without_record(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    int unmapped = 0;
    void *p;

    (void)state;
    p = xengnttab_map_grant_ref(xgt, 1, 2, PROT_READ);
    assert_non_null(p);
    bsd_rec_clear();
    /* a count that does not match: EINVAL, still mapped */
    assert_int_equal(osdep_gnttab_unmap(xgt, p, 2, NULL, &unmapped), -EINVAL);
    assert_int_equal(unmapped, 0);
    assert_int_equal(osdep_gnttab_unmap(xgt, p, 1, NULL, &unmapped), 0);
    assert_int_equal(unmapped, 1);
    assert_int_equal(bsd_rec_ioctl_at(0)->req, REQ_GETOFF);
    assert_true(bsd_rec_u64(bsd_rec_ioctl_at(0)->arg, 0) == (uintptr_t)p);
    assert_int_equal(bsd_rec_ioctl_at(2)->req, REQ_UNMAP);
    assert_true(bsd_rec_u64(bsd_rec_ioctl_at(2)->arg, 0) == TOP_OFFSET);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);
    /* the API layer's record of it is stale now; the close drops it */
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* SET_UNMAP_NOTIFY after the mmap, carried out at the unmap */
static void test_map_notify(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    int port = xenevtchn_bind_unbound_port(xce, 1), n;
    const struct bsd_rec_ioctl *r;
    char *p;

    (void)state;
    bsd_rec_clear();
    p = xengnttab_map_grant_ref_notify(xgt, 1, 8, PROT_READ | PROT_WRITE, 21,
                                       (evtchn_port_t)port);
    assert_non_null(p);
    assert_int_equal(bsd_rec_ioctls(), 2);
    r = bsd_rec_ioctl_at(1);
    assert_int_equal(r->req, REQ_NOTIFY);
    assert_true(bsd_rec_u64(r->arg, 0) == TOP_OFFSET + 21);
    assert_int_equal(bsd_rec_u32(r->arg, 8),
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE |
                         XS_BSD_UNMAP_NOTIFY_SEND_EVENT);
    assert_int_equal(bsd_rec_u32(r->arg, 12), port);
    p[21] = 'x';
    n = fake_bsd_notifies();
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_int_equal(fake_bsd_notifies(), n + 2);
    assert_int_equal(fake_bsd_notify_at(n)->action,
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE);
    assert_true(fake_bsd_notify_at(n)->where == TOP_OFFSET + 21);
    assert_int_equal(fake_bsd_notify_at(n + 1)->port, port);

    /* a port nobody bound: the driver's EINVAL, nothing left */
    errno = 0;
    assert_null(xengnttab_map_grant_ref_notify(xgt, 1, 8, PROT_READ, 0, 77));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);
    /* neither asked for: no request */
    bsd_rec_clear();
    p = xengnttab_map_grant_ref_notify(xgt, 1, 8, PROT_READ, 4096,
                                       (uint32_t)-1);
    assert_non_null(p);
    assert_int_equal(bsd_rec_ioctls(), 1);
    assert_int_equal(xengnttab_unmap(xgt, p, 1), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* a grant Xen refuses fails the mmap(): EINVAL, the slots given back */
static void test_map_refused(void **state)
{
    xengnttab_handle *xgt = xengnttab_open(NULL, 0);
    uint32_t refs[2] = { 4, 5 };
    const struct bsd_rec_ioctl *r;

    (void)state;
    bad_ref = 5;
    bsd_rec_clear();
    errno = 0;
    assert_null(xengnttab_map_domain_grant_refs(xgt, 2, 1, refs, PROT_READ));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(bsd_rec_ioctls(), 2);
    r = bsd_rec_ioctl_at(1);
    assert_int_equal(r->req, REQ_UNMAP);
    assert_true(bsd_rec_u64(r->arg, 0) == TOP_OFFSET - PG);
    assert_int_equal(bsd_rec_u32(r->arg, 8), 2);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* the offsets came back: the next map gets them again */
    bad_ref = 0;
    {
        void *p = xengnttab_map_domain_grant_refs(xgt, 2, 1, refs, PROT_READ);

        assert_non_null(p);
        assert_true((uint64_t)nth_call(FAKE_MMAP, 1)->offset ==
                    TOP_OFFSET - PG);
        assert_int_equal(xengnttab_unmap(xgt, p, 2), 0);
    }
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* what /dev/xen/gntdev has no request for: no system call at all */
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
    assert_int_equal(xengnttab_dmabuf_exp_from_refs(xgt, 1, 0, 1, refs, &fd),
                     -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(xengnttab_dmabuf_exp_wait_released(xgt, 3, 10), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(xengnttab_dmabuf_imp_to_refs(xgt, 1, 3, 1, refs), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(xengnttab_dmabuf_imp_release(xgt, 3), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(fake_sys_count_all(), base);
    assert_int_equal(xengnttab_close(xgt), 0);
}

/* ---- sharing ------------------------------------------------------- */

static void test_share_protocol(void **state)
{
    xengntshr_handle *xgs = xengntshr_open(NULL, 0);
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    int port = xenevtchn_bind_unbound_port(xce, 1);
    const struct bsd_rec_ioctl *r;
    uint32_t refs[2] = { 0, 0 }, ref = 0;
    char *p;

    (void)state;
    bsd_rec_clear();
    p = xengntshr_share_pages(xgs, 4, 2, refs, 1);
    assert_non_null(p);
    /* ALLOC_GREF, mmap at its offset, DEALLOC_GREF at once */
    assert_int_equal(bsd_rec_ioctls(), 2);
    r = bsd_rec_ioctl_at(0);
    assert_int_equal(r->req, REQ_ALLOC);
    assert_int_equal(bsd_rec_u16(r->arg, 0), 4);
    assert_int_equal(bsd_rec_u16(r->arg, 2), XS_BSD_GNT_ALLOC_FLAG_WRITABLE);
    assert_int_equal(bsd_rec_u32(r->arg, 4), 2);
    assert_true(bsd_rec_u64(r->arg, 16) != 0); /* where the ids go */
    assert_true((uint64_t)nth_call(FAKE_MMAP, 0)->offset == TOP_OFFSET - PG);
    r = bsd_rec_ioctl_at(1);
    assert_int_equal(r->req, REQ_DEALLOC);
    assert_true(bsd_rec_u64(r->arg, 0) == TOP_OFFSET - PG);
    assert_int_equal(bsd_rec_u32(r->arg, 8), 2);
    /* the kernel's grant references, through the pointer */
    assert_int_equal(refs[0], 100);
    assert_int_equal(refs[1], 101);
    p[2 * PG - 1] = 1;
    /* released already, the pages live as long as the mapping */
    assert_int_equal(fake_bsd_live_grant_allocs(), 2);
    assert_int_equal(xengntshr_unshare(xgs, p, 2), 0);
    assert_int_equal(fake_bsd_live_grant_allocs(), 0);

    /* with a notification, read-only */
    bsd_rec_clear();
    p = xengntshr_share_page_notify(xgs, 4, &ref, 0, 3, (evtchn_port_t)port);
    assert_non_null(p);
    assert_int_equal(bsd_rec_u16(bsd_rec_ioctl_at(0)->arg, 2), 0);
    r = bsd_rec_ioctl_at(1);
    assert_int_equal(r->req, REQ_NOTIFY);
    assert_int_equal(bsd_rec_u32(r->arg, 12), port);
    assert_int_equal(bsd_rec_ioctl_at(2)->req, REQ_DEALLOC);
    assert_int_equal(xengntshr_unshare(xgs, p, 1), 0);
    assert_int_equal(fake_bsd_port_notified((unsigned int)port), 1);

    /* a grant refused mid-way: its errno, nothing kept */
    fake_bsd_fail_grant_at(1, ENOSPC);
    errno = 0;
    assert_null(xengntshr_share_pages(xgs, 4, 2, refs, 1));
    assert_int_equal(errno, ENOSPC);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(xengntshr_close(xgs), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open),
        T(test_map_protocol),
        T(test_unmap_without_record),
        T(test_map_notify),
        T(test_map_refused),
        T(test_missing_requests),
        T(test_share_protocol),
#undef T
    };

    return cmocka_run_group_tests_name("freebsd-gntdev", tests, NULL, NULL);
}
