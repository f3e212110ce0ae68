/*
 * test-fake-freebsd.c - the fake FreeBSD kernel against what FreeBSD's
 * drivers do (reference section 1.1), called directly through its seam
 * table with hand-made requests.  If these pass, a backend test that
 * runs against the fake runs against that behaviour.
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
#include <unistd.h>
#include <cmocka.h>

#include "fake_bsd_test.h"
#include "fake_sys.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"

static struct fake_bsd_config cfg;

static int setup(void **state)
{
    (void)state;
    fb_reset(FAKE_BSD_FREEBSD, &cfg);
    return 0;
}

static int open_dev(const char *path)
{
    int fd = k->open(path, O_RDWR | O_CLOEXEC);

    assert_true(fd >= 0);
    return fd;
}

/* ---- device nodes ---------------------------------------------------- */

static void test_nodes(void **state)
{
    int fd;

    (void)state;
    fd = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    k->close(fd);
    fd = k->open(XS_FREEBSD_EVTCHN_DEV, O_RDWR | O_NONBLOCK);
    assert_true(fd >= 0);
    assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    k->close(fd);
    k->close(open_dev(XS_FREEBSD_GNTDEV_DEV));

    /* no gntalloc, no hypercall-buffer device, no /proc/xen */
    static const char *const absent[] = {
        "/dev/xen/gntalloc", "/dev/xen/hypercall", "/proc/xen/privcmd",
        "/kern/xen/privcmd", "/dev/xenevt",
    };
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        errno = 0;
        assert_int_equal(k->open(absent[i], O_RDWR), -1);
        assert_int_equal(errno, ENOENT);
    }

    /* every Xen domain has them; only root may open them */
    cfg.domu = 1;
    fb_reset_cfg(&cfg);
    k->close(open_dev(XS_FREEBSD_PRIVCMD_DEV));
    cfg.not_root = 1;
    fb_reset_cfg(&cfg);
    assert_int_equal(k->open(XS_FREEBSD_EVTCHN_DEV, O_RDWR), -1);
    assert_int_equal(errno, EACCES);
    cfg.not_root = 0;
    cfg.no_xen = 1;
    fb_reset_cfg(&cfg);
    assert_int_equal(k->open(XS_FREEBSD_PRIVCMD_DEV, O_RDWR), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
}

/* ---- the ioctl layer and unknown requests ---------------------------- */

static void test_unknown_requests(void **state)
{
    int pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    int ev = open_dev(XS_FREEBSD_EVTCHN_DEV);
    int gd = open_dev(XS_FREEBSD_GNTDEV_DEV);
    struct xs_bsd_privcmd_hypercall h = { 0 };
    /* Linux's IOCTL_PRIVCMD_HYPERCALL: no 4.4BSD direction bits */
    unsigned long linux_hypercall = 0x00305000UL;

    (void)state;
    assert_int_equal(kio(pc, linux_hypercall, &h), ENOTTY);
    assert_int_equal(kio(pc, XS_BSD_IOWR('E', 10, h), &h), ENOSYS);
    assert_int_equal(kio(pc, XS_BSD_IO('P', 0xff), NULL), ENOSYS);
    assert_int_equal(kio(ev, XS_BSD_IOWR('E', 10, h), &h), ENOTTY);
    assert_int_equal(kio(gd, XS_BSD_IOWR('E', 10, h), &h), ENOSYS);
    /* the requests of one device mean nothing to another */
    assert_int_equal(kio(ev, XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL, &h), ENOTTY);
    /* no RESTRICT_DOMID on evtchn (Linux's 'E', 6 with a domid_t) */
    assert_int_equal(kio(ev, XS_BSD_IOW('E', 6, uint16_t), &h), ENOTTY);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);

    /* an int sign-extended into the request is flagged */
    assert_int_equal(kio(pc,
                         (unsigned long)(long)(int)
                             XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL,
                         &h),
                     0);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_BAD_REQUEST), 1);

    errno = 0;
    assert_int_equal(k->ioctl(987, XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL, &h),
                     -1);
    assert_int_equal(errno, EBADF);
    k->close(pc);
    k->close(ev);
    k->close(gd);
}

/* ---- privcmd: hypercalls and restriction ------------------------------ */

static long hc_answer;

static long hypercall_hook(uint64_t op, const uint64_t arg[5])
{
    (void)op;
    (void)arg;
    return hc_answer;
}

static void test_hypercall(void **state)
{
    struct xs_bsd_privcmd_hypercall h = {
        .op = 17,
        .arg = { 1, 2, 3, 4, 5 },
        .retval = -99,
    };
    int pc;

    (void)state;
    cfg.hypercall = hypercall_hook;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);

    /* the result comes back in retval, the ioctl answers 0 */
    hc_answer = 42;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL, &h), 0);
    assert_int_equal(h.retval, 42);
    assert_int_equal(fake_bsd_hypercalls(), 1);
    assert_int_equal(fake_bsd_hypercall_at(0)->op, 17);
    assert_int_equal(fake_bsd_hypercall_at(0)->arg[4], 5);

    /* a Xen error is the errno, and a failed request copies nothing out */
    hc_answer = -ESRCH;
    h.retval = -99;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL, &h), ESRCH);
    assert_int_equal(h.retval, -99);
    k->close(pc);
}

static void test_restrict(void **state)
{
    uint16_t dom = 5, other = 6;
    struct xs_bsd_privcmd_hypercall h = { .op = 1 };
    struct xs_freebsd_privcmd_dmop d = { .dom = 6, .num = 0 };
    int pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);

    (void)state;
    assert_int_equal(fake_bsd_restricted_to(pc), -1);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, &dom), 0);
    assert_int_equal(fake_bsd_restricted_to(pc), 5);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, &dom), 0);
    /* to ANOTHER domain: the driver returns -EINVAL, a negative errno */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, &other),
                     -EINVAL);
    assert_int_equal(fake_bsd_restricted_to(pc), 5);
    /* no hypercalls at all, and other domains' requests are EPERM */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL, &h), EPERM);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), EPERM);
    d.dom = 5;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), 0);
    k->close(pc);
}

static unsigned int dm_seen;
static size_t dm_first_size;

static int dm_hook(uint16_t dom, unsigned int nr,
                   const struct fake_bsd_buf *bufs)
{
    (void)dom;
    dm_seen = nr;
    dm_first_size = bufs[0].size;
    return 0;
}

static void test_dm_op(void **state)
{
    char a[40] = { 0 }, b[8] = { 0 };
    struct xs_freebsd_privcmd_dmop_buf bufs[17];
    struct xs_freebsd_privcmd_dmop d = {
        .dom = 3,
        .num = 0,
        .ubufs = (uint64_t)(uintptr_t)bufs,
    };
    int pc;

    (void)state;
    cfg.dm_op = dm_hook;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    for (int i = 0; i < 17; i++)
        bufs[i] = (struct xs_freebsd_privcmd_dmop_buf){
            (uint64_t)(uintptr_t)(i ? b : a), i ? sizeof(b) : sizeof(a)
        };

    /* num == 0 answers 0 without a hypercall (upstream's probe) */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), 0);
    assert_int_equal(fake_bsd_dm_ops(), 0);
    d.num = 17;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), E2BIG);
    d.num = 2;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), 0);
    assert_int_equal(dm_seen, 2);
    assert_int_equal(dm_first_size, sizeof(a));
    /* the buffer array is read through its pointer */
    d.ubufs = 8;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), EFAULT);
    k->close(pc);
}

/* ---- privcmd: foreign mappings ----------------------------------------- */

static int gfn_answer(uint16_t dom, uint64_t gfn)
{
    (void)dom;
    return gfn == 7 ? -ENOENT : 0;
}

static void test_mmapbatch_mmap_first(void **state)
{
    uint64_t gfns[2] = { 5, 6 };
    int errs[2] = { -1, -1 }, err;
    struct xs_bsd_privcmd_mmapbatch b = {
        .num = 2,
        .dom = 9,
        .arr = (uint64_t)(uintptr_t)gfns,
        .err = (uint64_t)(uintptr_t)errs,
    };
    int pc = open_dev(XS_FREEBSD_PRIVCMD_DEV), pc2;
    char *anon, *p;

    (void)state;
    /* not mapped at all, or anonymous memory: EINVAL */
    anon = kanon(2 * PG, PROT_READ | PROT_WRITE);
    b.addr = (uint64_t)(uintptr_t)anon;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EINVAL);

    /* a private mapping of a character device: EINVAL */
    assert_null(kmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, pc, 0, &err));
    assert_int_equal(err, EINVAL);

    p = kmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, pc, 0, &err);
    assert_non_null(p);
    /* unpopulated: touching it would fault */
    assert_int_equal(fake_bsd_page_accessible(p), 0);
    assert_string_equal(perms_at(p), "---s");

    /* not exactly the mapping: shorter, offset, longer */
    b.addr = (uint64_t)(uintptr_t)p;
    b.num = 1;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EINVAL);
    b.num = 2;
    b.addr += PG;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EINVAL);
    b.addr = (uint64_t)(uintptr_t)p;
    b.num = 3;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EINVAL);
    b.num = 0;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EINVAL);
    assert_int_equal(fake_bsd_page_accessible(p), 0);

    /* exactly: populated, and any privcmd descriptor may ask */
    pc2 = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    b.num = 2;
    assert_int_equal(kio(pc2, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(errs[1], 0);
    assert_int_equal(fake_bsd_page_accessible(p + PG), 1);
    assert_string_equal(perms_at(p), "rw-s");
    assert_true(tag_at(p) == FAKE_BSD_GFN_TAG(9, 5));
    assert_true(tag_at(p + PG) == FAKE_BSD_GFN_TAG(9, 6));

    /* after a partial munmap the map entry is one page long */
    assert_int_equal(k->munmap(p + PG, PG), 0);
    b.num = 2;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EINVAL);
    b.num = 1;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), 0);
    k->munmap(p, PG);
    k->munmap(anon, 2 * PG);
    k->close(pc);
    k->close(pc2);
}

static void test_mmapbatch_positive_errors(void **state)
{
    uint64_t gfns[3] = { 6, 7, 8 };
    int errs[3] = { 99, 99, 99 }, err;
    struct xs_bsd_privcmd_mmapbatch b = {
        .num = 3,
        .dom = 1,
        .arr = (uint64_t)(uintptr_t)gfns,
        .err = (uint64_t)(uintptr_t)errs,
    };
    int pc;
    char *p;

    (void)state;
    cfg.map_gfn = gfn_answer;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    p = kmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, pc, 0, &err);
    assert_non_null(p);
    b.addr = (uint64_t)(uintptr_t)p;
    /* the ioctl succeeds; the failed page's error is POSITIVE */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(errs[1], ENOENT);
    assert_int_equal(errs[2], 0);
    assert_int_equal(fake_bsd_page_accessible(p + PG), 0);
    assert_int_equal(fake_bsd_page_accessible(p + 2 * PG), 1);
    assert_string_equal(perms_at(p + 2 * PG), "r--s");

    /* a hypercall failing as a whole is the ioctl's errno */
    fake_bsd_fail_next_batch(ENOMEM);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), ENOMEM);
    /* a bad frame list pointer is EFAULT, not a crash */
    b.arr = 16;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH, &b), EFAULT);
    k->munmap(p, 3 * PG);
    k->close(pc);
}

/* Xen answering the size query with 40 frames. */
static int sized_resource(uint16_t dom, uint32_t type, uint32_t id,
                          uint64_t frame, uint64_t nr)
{
    (void)dom;
    (void)type;
    (void)id;
    (void)frame;
    return nr == 0 ? 40 : 0;
}

static void test_mmap_resource(void **state)
{
    struct xs_bsd_privcmd_mmap_resource r = { .dom = 4, .type = 1, .id = 2 };
    int pc = open_dev(XS_FREEBSD_PRIVCMD_DEV), err;
    char *p;

    (void)state;
    /* FreeBSD 14: _IOW; the size query cannot reach the caller */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     EFAULT);
    assert_int_equal(r.num, 0);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW, &r),
                     ENOSYS);
    /* mapping works, on an mmap of privcmd only */
    p = kmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, pc, 0, &err);
    assert_non_null(p);
    r.addr = (uint64_t)(uintptr_t)p;
    r.num = 2;
    r.idx = 1;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r), 0);
    assert_true(tag_at(p + PG) == FAKE_BSD_RESOURCE_TAG(1, 2, 2));
    r.idx = 3; /* frames 3..4 of a 4-frame resource */
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     EINVAL);
    r.addr += PG;
    r.idx = 0;
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     EINVAL);
    k->munmap(p, 2 * PG);
    k->close(pc);

    /* newer kernels: _IOWR, and the size query answers */
    cfg.freebsd_gen = FAKE_FREEBSD_CURRENT;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    memset(&r, 0, sizeof(r));
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     ENOSYS);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW, &r),
                     0);
    assert_int_equal(r.num, 4);
    /* the hypervisor hook answers the size query with the size */
    cfg.acquire_resource = sized_resource;
    fb_reset_cfg(&cfg);
    k->close(pc);
    pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    memset(&r, 0, sizeof(r));
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW, &r),
                     0);
    assert_int_equal(r.num, 40);
    k->close(pc);

    /* an old kernel: only HYPERCALL and MMAPBATCH, the rest ENOSYS */
    cfg.acquire_resource = NULL;
    cfg.freebsd_gen = FAKE_FREEBSD_OLD;
    fb_reset_cfg(&cfg);
    pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    memset(&r, 0, sizeof(r));
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW, &r),
                     ENOSYS);
    assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE, &r),
                     ENOSYS);
    {
        struct xs_freebsd_privcmd_dmop d = { .dom = 0x7ff4, .num = 0 };
        struct xs_bsd_privcmd_hypercall h = { .op = 17 };
        uint16_t dom = 1;

        assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_DM_OP, &d), ENOSYS);
        assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT, &dom),
                         ENOSYS);
        assert_int_equal(kio(pc, XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL, &h), 0);
    }
    k->close(pc);
}

/* ---- evtchn ------------------------------------------------------------ */

static uint32_t bind_unbound(int ev)
{
    struct xs_bsd_evtchn_bind_unbound_port b = { .remote_domain = 0 };

    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b), 0);
    return b.port;
}

static void test_evtchn_ports_in_struct(void **state)
{
    struct xs_bsd_evtchn_bind_virq v = { .virq = 3 };
    struct xs_bsd_evtchn_bind_interdomain d = { 1, 55, 0 };
    int ev = open_dev(XS_FREEBSD_EVTCHN_DEV);
    uint32_t p1, got;

    (void)state;
    /* the ioctl answers 0: the port is in the structure */
    assert_int_equal(k->ioctl(ev, XS_BSD_IOCTL_EVTCHN_BIND_VIRQ, &v), 0);
    assert_int_equal(v.port, 10);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_BIND_INTERDOMAIN, &d), 0);
    assert_int_equal(d.port, 11);
    p1 = bind_unbound(ev);
    assert_int_equal(p1, 12);
    assert_int_equal(fake_bsd_port_fd(p1), ev);
    assert_int_equal(fake_bsd_port_masked(p1), 0);

    /* an event: delivered, masked; pending ports are uint32_t */
    assert_int_equal(fake_bsd_fire(p1), 0);
    assert_int_equal(fake_bsd_port_masked(p1), 1);
    assert_int_equal(k->read(ev, &got, sizeof(got)), 4);
    assert_int_equal(got, p1);
    /* raised again while masked: held until the unmask write */
    assert_int_equal(fake_bsd_fire(p1), 0);
    assert_int_equal(k->write(ev, &p1, sizeof(p1)), 4);
    assert_int_equal(k->read(ev, &got, sizeof(got)), 4);
    assert_int_equal(got, p1);
    assert_int_equal(k->write(ev, &p1, sizeof(p1)), 4);
    assert_int_equal(fake_bsd_port_masked(p1), 0);

    /* notify, unbind */
    struct xs_bsd_evtchn_port u = { p1 };
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_NOTIFY, &u), 0);
    assert_int_equal(fake_bsd_port_notified(p1), 1);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_UNBIND, &u), 0);
    assert_int_equal(fake_bsd_port_fd(p1), -1);

    /* a failing bind: the errno, nothing bound */
    fake_bsd_fail_next_bind(ENOSPC);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_BIND_VIRQ, &v), ENOSPC);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);

    /* closing unbinds */
    k->close(ev);
    assert_int_equal(fake_bsd_port_fd(10), -1);
}

static void test_evtchn_read_write(void **state)
{
    int ev = k->open(XS_FREEBSD_EVTCHN_DEV, O_RDWR | O_NONBLOCK);
    uint32_t buf[2048], port;
    uint16_t half;

    (void)state;
    assert_true(ev >= 0);
    port = bind_unbound(ev);
    /* nothing pending: EWOULDBLOCK when non-blocking */
    assert_int_equal(k->read(ev, buf, 4), -1);
    assert_int_equal(errno, EAGAIN);
    /* blocking: would sleep (the fake answers EINTR and counts it) */
    fcntl(ev, F_SETFL, 0);
    assert_int_equal(k->read(ev, buf, 4), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(fake_bsd_blocked_reads(), 1);
    /* whole ports only: a 2-byte read or write moves nothing */
    fake_bsd_fire(port);
    assert_int_equal(k->read(ev, buf, 2), 0);
    assert_int_equal(k->read(ev, buf, 7), 4);
    half = (uint16_t)port;
    assert_int_equal(k->write(ev, &half, sizeof(half)), 0);
    assert_int_equal(fake_bsd_port_masked(port), 1);
    /* a write is cut to whole ports */
    buf[0] = port;
    assert_int_equal(k->write(ev, buf, 6), 4);
    assert_int_equal(fake_bsd_port_masked(port), 0);
    /* unmasking a port of another descriptor does nothing */
    int ev2 = open_dev(XS_FREEBSD_EVTCHN_DEV);
    uint32_t other = bind_unbound(ev2);
    fake_bsd_fire(other);
    buf[0] = other;
    assert_int_equal(k->write(ev, buf, 4), 4);
    assert_int_equal(fake_bsd_port_masked(other), 1);

    /* overflow: the ring holds one page of ports; EFBIG until RESET */
    for (int i = 0; i < 1025; i++)
        fake_bsd_fire(bind_unbound(ev));
    assert_int_equal(k->read(ev, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EFBIG);
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_RESET, NULL), 0);
    fcntl(ev, F_SETFL, O_NONBLOCK);
    assert_int_equal(k->read(ev, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
    k->close(ev);
    k->close(ev2);
}

/* The ENOTCONN path that returns with the bind lock held. */
static void test_evtchn_enotconn_deadlock(void **state)
{
    int ev = open_dev(XS_FREEBSD_EVTCHN_DEV);
    int ev2 = open_dev(XS_FREEBSD_EVTCHN_DEV);
    uint32_t mine = bind_unbound(ev), theirs = bind_unbound(ev2);
    struct xs_bsd_evtchn_port u = { theirs };

    (void)state;
    /* a port bound on ANOTHER descriptor is just as foreign */
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_UNBIND, &u), ENOTCONN);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_DEADLOCK), 1);
    assert_non_null(strstr(fake_bsd_last_violation(), "bind lock"));
    /* now everything taking that lock hangs */
    u.port = mine;
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_NOTIFY, &u), EDEADLK);
    assert_int_equal(k->write(ev, &mine, sizeof(mine)), -1);
    assert_int_equal(errno, EDEADLK);
    bind_unbound(ev2); /* the other descriptor is fine */
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_HANG), 2);
    /* reading and RESET do not take it */
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_RESET, NULL), 0);
    k->close(ev);

    /* NOTIFY of a never-bound port leaks it as well */
    ev = open_dev(XS_FREEBSD_EVTCHN_DEV);
    u.port = 4000;
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_NOTIFY, &u), ENOTCONN);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_DEADLOCK), 2);
    k->close(ev);

    /* and so does a port another process bound */
    ev = open_dev(XS_FREEBSD_EVTCHN_DEV);
    assert_int_equal(fake_bsd_bind_elsewhere(5), 0);
    assert_int_equal(fake_bsd_bind_elsewhere(5), -1); /* taken */
    assert_int_equal(fake_bsd_port_fd(5), -1);
    u.port = 5;
    assert_int_equal(kio(ev, XS_BSD_IOCTL_EVTCHN_NOTIFY, &u), ENOTCONN);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_DEADLOCK), 3);
    k->close(ev);
    k->close(ev2);
}

/* ---- gntdev ------------------------------------------------------------ */

static void test_gntdev_alloc(void **state)
{
    int gd = open_dev(XS_FREEBSD_GNTDEV_DEV);
    int ev = open_dev(XS_FREEBSD_EVTCHN_DEV), err;
    uint32_t ids[3] = { 0 };
    struct xs_freebsd_gntdev_alloc_gref a = {
        .domid = 2,
        .flags = XS_BSD_GNT_ALLOC_FLAG_WRITABLE,
        .count = 1,
        .gref_ids = (uint64_t)(uintptr_t)ids,
    };
    struct xs_freebsd_gntdev_unmap_notify n = { 0 };
    struct xs_freebsd_gntdev_index_count d;
    uint64_t first;
    char *p;

    (void)state;
    /* offsets from the top of the 64-bit space; ids through the pointer */
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF, &a), 0);
    assert_true(a.index == 0xfffffffffffff000ULL);
    assert_int_equal(ids[0], 100);
    first = a.index;
    a.count = 2;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF, &a), 0);
    assert_true(a.index == 0xffffffffffffd000ULL);
    assert_int_equal(ids[0], 101);
    assert_int_equal(ids[1], 102);
    assert_int_equal(fake_bsd_live_grant_allocs(), 3);

    /* one mmap() may show pages of both allocations; each page once */
    p = kmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
             (off_t)a.index, &err);
    assert_non_null(p);
    assert_int_equal(tag_at(p), 0); /* zeroed */
    p[2 * PG + 9] = 'x';
    assert_null(kmap(NULL, PG, PROT_READ, MAP_SHARED, gd, (off_t)first, &err));
    assert_int_equal(err, EINVAL);

    /* unmap notify: the port must be bound somewhere */
    n.index = first + 9;
    n.action = XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE | XS_BSD_UNMAP_NOTIFY_SEND_EVENT;
    n.event_channel_port = 77;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n),
                     EINVAL);
    /* by another process too */
    assert_int_equal(fake_bsd_bind_elsewhere(77), 0);
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
    n.event_channel_port = bind_unbound(ev);
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);
    n.action = 4;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n),
                     EINVAL);

    /* dealloc: wrong count or offset is EINVAL; a mapped page stays
     * until munmap, and only then is the notification carried out */
    d = (struct xs_freebsd_gntdev_index_count){ first, 2, 0 };
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_DEALLOC_GREF, &d),
                     EINVAL);
    d.count = 1;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_DEALLOC_GREF, &d), 0);
    assert_int_equal(fake_bsd_notifies(), 0);
    assert_int_equal(fake_bsd_live_grant_allocs(), 3);
    assert_int_equal(k->munmap(p, 3 * PG), 0);
    assert_int_equal(fake_bsd_notifies(), 2);
    assert_int_equal(fake_bsd_notify_at(0)->action,
                     XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE);
    assert_true(fake_bsd_notify_at(0)->where == first + 9);
    assert_int_equal(fake_bsd_notify_at(1)->action,
                     XS_BSD_UNMAP_NOTIFY_SEND_EVENT);
    assert_int_equal(fake_bsd_port_notified(n.event_channel_port), 1);
    assert_int_equal(fake_bsd_live_grant_allocs(), 2);

    /*
     * Freed offsets go back into the free runs, merged; a request takes
     * the end of the LOWEST run that fits, so with everything released
     * the first offset comes round again.
     */
    d = (struct xs_freebsd_gntdev_index_count){ first - 2 * PG, 2, 0 };
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_DEALLOC_GREF, &d), 0);
    assert_int_equal(fake_bsd_live_grant_allocs(), 0);
    a.count = 1;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF, &a), 0);
    assert_true(a.index == first);

    /* a failed grant: the errno, no pages kept */
    fake_bsd_fail_grant_at(1, ENOSPC);
    a.count = 2;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF, &a), ENOSPC);
    assert_int_equal(fake_bsd_live_grant_allocs(), 1);
    a.count = 0;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF, &a), EINVAL);

    /* closing frees what is not mapped */
    k->close(gd);
    assert_int_equal(fake_bsd_live_grant_allocs(), 0);
    k->close(ev);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
}

static int grant_answer(uint32_t dom, uint32_t ref)
{
    (void)dom;
    return ref == 666 ? -4 /* GNTST_general_error */ : 0;
}

static void test_gntdev_map(void **state)
{
    struct xs_bsd_grant_ref refs[2] = { { 3, 40 }, { 3, 41 } };
    struct xs_freebsd_gntdev_map_grant_ref m = {
        .count = 2,
        .refs = (uint64_t)(uintptr_t)refs,
    };
    struct xs_freebsd_gntdev_get_offset_for_vaddr q;
    struct xs_freebsd_gntdev_index_count u;
    struct xs_freebsd_gntdev_unmap_notify n;
    int gd, err;
    char *p, *p2;

    (void)state;
    cfg.map_grant = grant_answer;
    fb_reset_cfg(&cfg);
    gd = open_dev(XS_FREEBSD_GNTDEV_DEV);
    /* refs by pointer; the same offset space as allocations */
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_MAP_GRANT_REF, &m), 0);
    assert_true(m.index == 0xffffffffffffe000ULL);
    assert_int_equal(fake_bsd_live_grant_maps(), 0); /* not yet */

    /* the hypercall happens at mmap(); mapping twice shares it */
    p = kmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
             (off_t)m.index, &err);
    assert_non_null(p);
    assert_true(tag_at(p + PG) == FAKE_BSD_GRANT_TAG(3, 41));
    assert_int_equal(fake_bsd_live_grant_maps(), 2);
    p2 = kmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, gd, (off_t)m.index, &err);
    assert_non_null(p2);
    p[5] = 'y';
    assert_int_equal(p2[5], 'y');
    /* a different length or offset is EINVAL */
    assert_null(kmap(NULL, PG, PROT_READ, MAP_SHARED, gd, (off_t)m.index,
                     &err));
    assert_int_equal(err, EINVAL);

    q = (struct xs_freebsd_gntdev_get_offset_for_vaddr){
        .vaddr = (uint64_t)(uintptr_t)p2 + 100
    };
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q),
                     0);
    assert_true(q.offset == m.index);
    assert_int_equal(q.count, 2);

    n = (struct xs_freebsd_gntdev_unmap_notify){
        .index = m.index + PG + 3, .action = XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE
    };
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n), 0);

    /* unmapped by ioctl: stays until the last munmap, then notifies */
    u = (struct xs_freebsd_gntdev_index_count){ m.index, 1, 0 };
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u),
                     EINVAL);
    u.count = 2;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u), 0);
    k->munmap(p, 2 * PG);
    assert_int_equal(fake_bsd_notifies(), 0);
    k->munmap(p2, 2 * PG);
    assert_int_equal(fake_bsd_notifies(), 1);
    assert_true(fake_bsd_notify_at(0)->where == m.index + PG + 3);
    assert_int_equal(fake_bsd_live_grant_maps(), 0);

    /* a grant that does not map fails the mmap() as a whole */
    refs[1].ref = 666;
    assert_int_equal(kio(gd, XS_FREEBSD_IOCTL_GNTDEV_MAP_GRANT_REF, &m), 0);
    assert_null(kmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, gd, (off_t)m.index,
                     &err));
    assert_int_equal(err, EINVAL);
    /* no grant copy, no dma-buf: ENOSYS */
    assert_int_equal(kio(gd, XS_BSD_IOW('E', 8, struct xs_bsd_evtchn_port),
                         &u),
                     ENOSYS);
    k->close(gd);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
}

/* ---- memory the BSDs do not offer -------------------------------------- */

static void test_linux_only_memory(void **state)
{
    int err;
    void *p;

    (void)state;
    assert_null(kmap(NULL, PG, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0, &err));
    assert_int_equal(err, EINVAL);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_NOT_ON_BSD), 1);
    p = kanon(PG, PROT_READ | PROT_WRITE);
    assert_non_null(p);
    assert_int_equal(k->madvise(p, PG, MADV_DONTFORK), -1);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_NOT_ON_BSD), 2);
    assert_int_equal(k->madvise(p, PG, MADV_WILLNEED), 0);
    /* what the BSD backends do instead, tracked for leak checks */
    assert_int_equal(fake_bsd_mlock(p, PG), 0);
    assert_int_equal(fake_bsd_locked_bytes(), PG);
    assert_int_equal(k->munmap(p, PG), 0); /* unlocks too */
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(k->open(XS_FREEBSD_PRIVCMD_DEV, O_RDWR | O_PATH), -1);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_NOT_ON_BSD), 3);
    /* devices without read/write/mmap */
    int pc = open_dev(XS_FREEBSD_PRIVCMD_DEV);
    char c;
    assert_int_equal(k->read(pc, &c, 1), -1);
    assert_int_equal(errno, ENODEV);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_NO_SUCH_OP), 1);
    k->close(pc);
}

/* ---- on top of fake_sys, as the backend tests will use it ------------- */

static void test_layered_on_fake_sys(void **state)
{
    struct fake_bsd_config c = cfg;
    uint32_t port;
    int ev;

    (void)state;
    fake_bsd_install(&c);
    ev = xs__sys->open(XS_FREEBSD_EVTCHN_DEV, O_RDWR | O_CLOEXEC);
    assert_true(ev >= 0);
    assert_int_equal(fake_sys_open_fds(), 1);
    struct xs_bsd_evtchn_bind_virq v = { .virq = 1 };
    assert_int_equal(xs__sys->ioctl(ev, XS_BSD_IOCTL_EVTCHN_BIND_VIRQ, &v), 0);
    port = v.port;
    assert_int_equal(fake_bsd_port_fd(port), ev);
    /* fault injection still works; the seam answers -errno */
    fake_sys_fail_nth(FAKE_IOCTL, 2, EIO);
    assert_int_equal(xs__sys->ioctl(ev, XS_BSD_IOCTL_EVTCHN_BIND_VIRQ, &v),
                     -EIO);
    /* fake_sys closes without telling the kernel: noticed anyway */
    xs__sys->close(ev);
    assert_int_equal(fake_sys_open_fds(), 0);
    assert_int_equal(fake_bsd_port_fd(port), -1);
    /* the driver's negative errno (-EINVAL) reaches the seam as -EINVAL */
    {
        int pc = xs__sys->open(XS_FREEBSD_PRIVCMD_DEV, O_RDWR | O_CLOEXEC);
        uint16_t dom = 3, other = 4;

        assert_true(pc >= 0);
        assert_int_equal(xs__sys->ioctl(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT,
                                        &dom),
                         0);
        assert_int_equal(xs__sys->ioctl(pc, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT,
                                        &other),
                         -EINVAL);
        xs__sys->close(pc);
    }
    /* mlock and minherit reach the kernel's bookkeeping */
    {
        void *p;

        assert_int_equal(xs__sys->mmap(NULL, PG, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p),
                         0);
        assert_int_equal(xs__sys->mlock(p, PG), 0);
        assert_int_equal(fake_bsd_locked_bytes(), PG);
        assert_int_equal(fake_bsd_inherit_at(p), 1);
        assert_int_equal(xs__sys->minherit(p, PG, 2), 0);
        assert_int_equal(fake_bsd_inherit_at(p), 2);
        /* ZERO is 3 on FreeBSD; 4 exists only on NetBSD */
        assert_int_equal(xs__sys->minherit(p, PG, 4), -EINVAL);
        assert_int_equal(xs__sys->munmap(p, PG), 0);
        assert_int_equal(fake_bsd_locked_bytes(), 0);
        assert_int_equal(fake_bsd_inherit_at(p), 1);
    }
    fake_bsd_uninstall();
    assert_true(xs__sys == &xs__sys_libc);
}

/* fake_bsd_sys_ops is the same kernel in the seam's -errno convention */
static void test_seam_table(void **state)
{
    const struct xs_sys_ops *sys = &fake_bsd_sys_ops;
    char c;
    int pc;

    (void)state;
    pc = sys->open(XS_FREEBSD_PRIVCMD_DEV, O_RDWR | O_CLOEXEC);
    assert_true(pc >= 0);
    errno = 0;
    assert_int_equal(sys->read(pc, &c, 1), -ENODEV);
    assert_int_equal(sys->open("/dev/xen/no-such-node", O_RDWR), -ENOENT);
    assert_int_equal(sys->mlock(&c, 1), 0);
    assert_int_equal(fake_bsd_locked_bytes(), 1);
    assert_int_equal(sys->munlock(&c, 1), 0);
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(sys->close(pc), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_nodes, setup),
        cmocka_unit_test_setup(test_unknown_requests, setup),
        cmocka_unit_test_setup(test_hypercall, setup),
        cmocka_unit_test_setup(test_restrict, setup),
        cmocka_unit_test_setup(test_dm_op, setup),
        cmocka_unit_test_setup(test_mmapbatch_mmap_first, setup),
        cmocka_unit_test_setup(test_mmapbatch_positive_errors, setup),
        cmocka_unit_test_setup(test_mmap_resource, setup),
        cmocka_unit_test_setup(test_evtchn_ports_in_struct, setup),
        cmocka_unit_test_setup(test_evtchn_read_write, setup),
        cmocka_unit_test_setup(test_evtchn_enotconn_deadlock, setup),
        cmocka_unit_test_setup(test_gntdev_alloc, setup),
        cmocka_unit_test_setup(test_gntdev_map, setup),
        cmocka_unit_test_setup(test_linux_only_memory, setup),
        cmocka_unit_test_setup(test_layered_on_fake_sys, setup),
        cmocka_unit_test_setup(test_seam_table, setup),
    };

    return cmocka_run_group_tests_name("fake-freebsd", tests, NULL, NULL);
}
