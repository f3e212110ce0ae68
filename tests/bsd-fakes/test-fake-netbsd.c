/*
 * test-fake-netbsd.c - the fake NetBSD kernel against what NetBSD's
 * drivers do (reference section 1.2: privcmd.c 1.66, xenevt.c 1.65),
 * called directly through its seam table with hand-made requests.
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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_bsd_test.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"

static struct fake_bsd_config cfg;

static int setup(void **state)
{
    (void)state;
    fb_reset(FAKE_BSD_NETBSD, &cfg);
    return 0;
}

static int open_dev(const char *path)
{
    int fd = k->open(path, O_RDWR | O_CLOEXEC);

    assert_true(fd >= 0);
    return fd;
}

/* ---- device nodes: dom0 only ------------------------------------------ */

static void test_nodes(void **state)
{
    (void)state;
    k->close(open_dev(XS_NETBSD_PRIVCMD_DEV));
    k->close(open_dev(XS_NETBSD_EVTCHN_DEV));
    /* FreeBSD's and Linux's paths do not exist here */
    assert_int_equal(k->open(XS_FREEBSD_PRIVCMD_DEV, O_RDWR), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(k->open("/dev/xen/gntdev", O_RDWR), -1);
    assert_int_equal(errno, ENOENT);

    cfg.domu = 1;
    fb_reset_cfg(&cfg);
    assert_int_equal(k->open(XS_NETBSD_PRIVCMD_DEV, O_RDWR), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(k->open(XS_NETBSD_EVTCHN_DEV, O_RDWR), -1);
    assert_int_equal(errno, ENXIO);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
}

/* ---- unknown requests: EINVAL everywhere ------------------------------- */

static void test_unknown_requests(void **state)
{
    int pc = open_dev(XS_NETBSD_PRIVCMD_DEV);
    int ev = open_dev(XS_NETBSD_EVTCHN_DEV);
    struct xs_freebsd_privcmd_dmop d = { .dom = 1 };
    uint16_t dom = 1;
    char buf[64] = { 0 };

    (void)state;
    /* no DM_OP, no RESTRICT; a Linux-encoded request reaches the driver
     * (NetBSD's ioctl layer does not insist on direction bits) */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), EINVAL);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, &dom), EINVAL);
    assert_int_equal(kio(pc, 0x00305000UL, buf), EINVAL);
    assert_int_equal(kio(ev, XS_BSD_IOW('E', 6, uint16_t), &dom), EINVAL);
    /* the XENPV-only requests fail on this PVH dom0 */
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAP, buf), EINVAL);
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH, buf), EINVAL);
    /* privcmd cannot be mapped */
    int err;
    assert_null(kmap(NULL, PG, PROT_READ, MAP_SHARED, pc, 0, &err));
    assert_int_equal(err, ENODEV);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_NO_SUCH_OP), 1);
    k->close(pc);
    k->close(ev);
}

static long hypercall_hook(uint64_t op, const uint64_t arg[5])
{
    (void)arg;
    return op == 2 ? -ENOSYS : 7;
}

static void test_hypercall(void **state)
{
    struct xs_bsd_privcmd_hypercall h = { .op = 1 };
    int pc;

    (void)state;
    cfg.hypercall = hypercall_hook;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_NETBSD_PRIVCMD_DEV);
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL, &h), 0);
    assert_int_equal(h.retval, 7);
    h.op = 2;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL, &h), ENOSYS);
    h.op = XS_NETBSD_PRIVCMD_HYPERCALL_MAX_OP;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL, &h), EINVAL);
    assert_int_equal(fake_bsd_hypercalls(), 2);
    k->close(pc);
}

/* ---- foreign mappings: the anonymous mapping is replaced --------------- */

static int gfn_answer(uint16_t dom, uint64_t gfn)
{
    (void)dom;
    return gfn == 7 ? -ENOENT : 0;
}

static void test_mmapbatch_v2(void **state)
{
    uint64_t gfns[3] = { 6, 7, 8 };
    int errs[3] = { 99, 99, 99 };
    struct xs_bsd_privcmd_mmapbatch b = {
        .num = 3,
        .dom = 2,
        .arr = (uint64_t)(uintptr_t)gfns,
        .err = (uint64_t)(uintptr_t)errs,
    };
    int pc;
    char *p, *ro, *heap;

    (void)state;
    cfg.map_gfn = gfn_answer;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_NETBSD_PRIVCMD_DEV);

    /* nothing mapped there: EINVAL */
    p = kanon(3 * PG, PROT_READ | PROT_WRITE);
    k->munmap(p, 3 * PG);
    b.addr = (uint64_t)(uintptr_t)p;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b),
                     EINVAL);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);

    /* memory the caller did not map for it (the kernel would replace a
     * piece of the heap): flagged, and refused */
    heap = aligned_alloc(PG, 3 * PG);
    assert_non_null(heap);
    b.addr = (uint64_t)(uintptr_t)heap;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b),
                     EINVAL);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_UNRESERVED), 1);
    free(heap);

    /* the caller's anonymous mapping, too short: flagged, refused */
    p = kanon(2 * PG, PROT_READ | PROT_WRITE);
    b.addr = (uint64_t)(uintptr_t)p;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b),
                     EINVAL);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_UNRESERVED), 2);
    k->munmap(p, 2 * PG);

    /* right: replaced; err[] holds Xen's NEGATIVE values */
    p = kanon(3 * PG, PROT_READ | PROT_WRITE);
    b.addr = (uint64_t)(uintptr_t)p;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(errs[1], -ENOENT);
    assert_int_equal(errs[2], 0);
    assert_true(tag_at(p + 2 * PG) == FAKE_BSD_GFN_TAG(2, 8));
    assert_int_equal(fake_bsd_page_accessible(p + PG), 0);
    assert_string_equal(perms_at(p), "rw-s");

    /* the new mapping takes the protection of the caller's */
    ro = kanon(PG, PROT_READ);
    b.addr = (uint64_t)(uintptr_t)ro;
    b.num = 1;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b), 0);
    assert_string_equal(perms_at(ro), "r--s");

    /* an unaligned address is rounded down, not refused */
    b.addr = (uint64_t)(uintptr_t)ro + 5;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b), 0);
    b.num = 0;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b),
                     EINVAL);
    /* a PROT_NONE reservation gives the kernel no protection to take */
    char *none = kanon(PG, PROT_NONE);
    b.addr = (uint64_t)(uintptr_t)none;
    b.num = 1;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2, &b),
                     EINVAL);
    k->munmap(none, PG);
    k->munmap(p, 3 * PG);
    k->munmap(ro, PG);
    k->close(pc);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 2);
}

static void test_mmap_resource(void **state)
{
    struct xs_bsd_privcmd_mmap_resource r = { .dom = 3, .type = 1, .id = 0 };
    int pc = open_dev(XS_NETBSD_PRIVCMD_DEV);
    char *p;

    (void)state;
    /* no size query: num == 0 is EINVAL */
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     EINVAL);
    p = kanon(2 * PG, PROT_READ | PROT_WRITE);
    r.addr = (uint64_t)(uintptr_t)p;
    r.num = 2;
    r.idx = 2;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r), 0);
    assert_true(tag_at(p + PG) == FAKE_BSD_RESOURCE_TAG(1, 0, 3));
    r.idx = 3;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     EINVAL);
    k->munmap(p, 2 * PG);
    k->close(pc);
}

/* ---- grants through privcmd -------------------------------------------- */

static void test_grant_map(void **state)
{
    struct xs_bsd_grant_ref refs[2] = { { 4, 20 }, { 4, 21 } };
    struct xs_netbsd_gntdev_mmap_grant_ref m = {
        .count = 2,
        .refs = (uint64_t)(uintptr_t)refs,
        .notify = { .offset = 2,
                    .action = XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE |
                              XS_BSD_UNMAP_NOTIFY_SEND_EVENT,
                    .event_channel_port = 33 },
    };
    int pc = open_dev(XS_NETBSD_PRIVCMD_DEV);
    char *p = kanon(2 * PG, PROT_READ | PROT_WRITE);

    (void)state;
    m.va = (uint64_t)(uintptr_t)p;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF, &m), 0);
    assert_true(tag_at(p + PG) == FAKE_BSD_GRANT_TAG(4, 21));
    assert_int_equal(fake_bsd_live_grant_maps(), 2);
    /* no unmap request: munmap runs the notification, event first */
    assert_int_equal(k->munmap(p, 2 * PG), 0);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);
    assert_int_equal(fake_bsd_notifies(), 2);
    assert_int_equal(fake_bsd_notify_at(0)->action,
                     XS_BSD_UNMAP_NOTIFY_SEND_EVENT);
    assert_int_equal(fake_bsd_notify_at(0)->port, 33);
    assert_int_equal(fake_bsd_notify_at(1)->action,
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE);
    assert_int_equal(fake_bsd_notify_at(1)->where, 2);

    /* a byte offset beyond `count` is refused (pages vs bytes) */
    p = kanon(2 * PG, PROT_READ | PROT_WRITE);
    m.va = (uint64_t)(uintptr_t)p;
    m.notify.offset = 20;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF, &m),
                     EINVAL);
    m.notify.offset = -1;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF, &m),
                     EINVAL);
    m.notify.offset = 0;
    m.count = 0;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF, &m),
                     EINVAL);
    m.count = 2;
    m.refs = 24; /* refs by pointer: a bad one faults */
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF, &m),
                     EFAULT);
    k->munmap(p, 2 * PG);
    k->close(pc);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
}

static void test_grant_alloc(void **state)
{
    uint32_t ids[3] = { 9, 9, 9 };
    struct xs_netbsd_gntdev_alloc_grant_ref a = {
        .domid = 1,
        .flags = XS_BSD_GNT_ALLOC_FLAG_WRITABLE,
        .count = 3,
        .gref_ids = (uint64_t)(uintptr_t)ids,
        .notify = { .offset = 1, .action = XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE },
    };
    int pc = open_dev(XS_NETBSD_PRIVCMD_DEV);
    char *p = kanon(3 * PG, PROT_READ | PROT_WRITE);

    (void)state;
    p[0] = 'z';
    a.va = (uint64_t)(uintptr_t)p;
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_ALLOC_GRANT_REF, &a), 0);
    assert_int_equal(ids[0], 100);
    assert_int_equal(ids[2], 102);
    assert_int_equal(p[0], 0); /* fresh zeroed pages replaced it */
    assert_int_equal(fake_bsd_live_grant_allocs(), 3);
    k->munmap(p, 3 * PG);
    assert_int_equal(fake_bsd_live_grant_allocs(), 0);
    assert_int_equal(fake_bsd_notifies(), 1);

    /* the first grant failing is NOT reported: success, garbage id */
    p = kanon(3 * PG, PROT_READ | PROT_WRITE);
    a.va = (uint64_t)(uintptr_t)p;
    a.notify.action = 0;
    fake_bsd_fail_grant_at(0, ENOMEM);
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_ALLOC_GRANT_REF, &a), 0);
    assert_int_equal(ids[0], 0);
    k->munmap(p, 3 * PG);
    /* a later one is */
    p = kanon(3 * PG, PROT_READ | PROT_WRITE);
    p[0] = 'q';
    a.va = (uint64_t)(uintptr_t)p;
    fake_bsd_fail_grant_at(2, ENOMEM);
    assert_int_equal(kio(pc, XS_NETBSD_IOCTL_GNTDEV_ALLOC_GRANT_REF, &a),
                     ENOMEM);
    assert_int_equal(p[0], 'q'); /* the caller's mapping is untouched */
    k->munmap(p, 3 * PG);
    k->close(pc);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
}

/* ---- xenevt --------------------------------------------------------- */

static uint32_t bind_unbound(int ev)
{
    struct xs_bsd_evtchn_bind_unbound_port b = { .remote_domain = 0 };

    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b), 0);
    return b.port;
}

static void test_xenevt(void **state)
{
    int ev = k->open(XS_NETBSD_EVTCHN_DEV, O_RDWR | O_NONBLOCK);
    int ev2 = open_dev(XS_NETBSD_EVTCHN_DEV);
    uint32_t port, got, wide;
    uint16_t narrow;
    struct xs_bsd_evtchn_port u;

    (void)state;
    assert_true(ev >= 0);
    port = bind_unbound(ev);
    assert_int_equal(port, 10);
    assert_int_equal(k->read(ev, &got, 4), -1);
    assert_int_equal(errno, EAGAIN);

    /* pending ports are uint32_t; unmask takes uint16_t */
    fake_bsd_fire(port);
    assert_int_equal(k->read(ev, &got, 4), 4);
    assert_int_equal(got, port);
    assert_int_equal(k->read(ev, &got, 3), -1); /* nothing left */
    narrow = (uint16_t)port;
    assert_int_equal(k->write(ev, &narrow, sizeof(narrow)), 2);
    assert_int_equal(fake_bsd_port_masked(port), 0);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);

    /* a uint32_t write: works on little-endian, but is flagged */
    fake_bsd_fire(port);
    wide = port;
    assert_int_equal(k->write(ev, &wide, sizeof(wide)), 4);
    assert_int_equal(fake_bsd_port_masked(port), 0);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_PORT_WIDTH), 1);
    /* an odd length overruns the kernel's buffer */
    assert_int_equal(k->write(ev, &wide, 3), 3);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_KERNEL_OVERRUN), 1);
    /* too many ports at once */
    static uint16_t many[4096];
    assert_int_equal(k->write(ev, many, sizeof(many)), -1);
    assert_int_equal(errno, EMSGSIZE);

    /* a foreign port: ENOTCONN, and unlike FreeBSD no lock is leaked */
    u.port = bind_unbound(ev2);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_UNBIND, &u), ENOTCONN);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_NOTIFY, &u), ENOTCONN);
    bind_unbound(ev);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_DEADLOCK), 0);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_HANG), 0);
    u.port = XS_NETBSD_NR_EVENT_CHANNELS;
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_UNBIND, &u), EINVAL);

    /* bind errors are Xen's raw value */
    struct xs_bsd_evtchn_bind_unbound_port bu = { 0, 0 };
    fake_bsd_fail_next_bind(ENOSYS);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bu),
                     ENOSYS);

    /* overflow: the ring keeps 2047 ports, the 2048th overflows it;
     * EFBIG even with ports queued */
    for (int i = 0; i < 2048; i++)
        fake_bsd_fire(bind_unbound(ev2));
    uint32_t buf[8];
    assert_int_equal(k->read(ev2, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EFBIG);
    assert_int_equal(kio(ev2, XS_BSD_IOCTL_EVTCHN_RESET, NULL), 0);

    /* blocking read with nothing there would sleep */
    assert_int_equal(k->read(ev2, buf, 4), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(fake_bsd_blocked_reads(), 1);
    k->close(ev);
    k->close(ev2);
    assert_int_equal(fake_bsd_port_fd(port), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_nodes, setup),
        cmocka_unit_test_setup(test_unknown_requests, setup),
        cmocka_unit_test_setup(test_hypercall, setup),
        cmocka_unit_test_setup(test_mmapbatch_v2, setup),
        cmocka_unit_test_setup(test_mmap_resource, setup),
        cmocka_unit_test_setup(test_grant_map, setup),
        cmocka_unit_test_setup(test_grant_alloc, setup),
        cmocka_unit_test_setup(test_xenevt, setup),
    };

    return cmocka_run_group_tests_name("fake-netbsd", tests, NULL, NULL);
}
