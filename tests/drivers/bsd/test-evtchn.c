/*
 * test-evtchn.c - the BSD event-channel protocol (family/bsd-evtchn.c),
 * on the fake FreeBSD or NetBSD kernel as the build's OS: device and
 * open flags, one table row per request (number, bytes the kernel reads,
 * the port taken from the structure), never a port the handle did not
 * bind, the unmask width, pending, bind errors, adopted descriptors,
 * threads.  The API contract is tests/unit/test-evtchn.c.
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
#include <cmocka.h>

#include <xenevtchn.h>
#include "osdep/bsd-evtchn-uapi.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "fake_sys.h"
#include "fixtures.h"
#include "bsd-record.h"

#ifdef XS_TEST_NETBSD
#include "osdep/family/xen-errno.h"
#define OS       FAKE_BSD_NETBSD
#define DEV      XS_NETBSD_EVTCHN_DEV
#define WIDTH    2 /* xenevt's uint16_t unmask ports */
#define NR_PORTS XS_NETBSD_NR_EVENT_CHANNELS
#else
#define OS       FAKE_BSD_FREEBSD
#define DEV      XS_FREEBSD_EVTCHN_DEV
#define WIDTH    4
#define NR_PORTS (1u << 17)
#endif

static struct fake_bsd_config cfg;

static int setup(void **state)
{
    (void)state;
    fake_bsd_default_config(&cfg, OS);
    bsd_rec_install(&cfg);
    return 0;
}

static int teardown(void **state)
{
    /* anything the real kernel would hang or panic on aborted already */
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
    return fixture_teardown(state);
}

static xenevtchn_handle *open_ok(void)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);

    assert_non_null(xce);
    return xce;
}

/* ---- open ------------------------------------------------------------ */

static void test_open_path_and_flags(void **state)
{
    xenevtchn_handle *xce;

    (void)state;
    xce = open_ok();
    assert_string_equal(fake_sys_call_at(0)->path, DEV);
    /* blocking: no O_NONBLOCK (upstream NetBSD opens non-blocking) */
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(fcntl(xenevtchn_fd(xce), F_GETFL) & O_NONBLOCK, 0);
    assert_int_equal(xenevtchn_close(xce), 0);

    xce = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
    assert_non_null(xce);
    assert_int_equal(fake_sys_call_at(2)->flags, O_RDWR);
    assert_int_equal(fcntl(xenevtchn_fd(xce), F_GETFD) & FD_CLOEXEC, 0);
    /* nothing pending: the read blocks (the fake ends it with EINTR) */
    errno = 0;
    assert_int_equal(xenevtchn_pending(xce), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(fake_bsd_blocked_reads(), 1);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* NetBSD: xenevt attaches in dom0 only; FreeBSD's node is everywhere */
static void test_open_outside_dom0(void **state)
{
    xenevtchn_handle *xce;

    (void)state;
    cfg.domu = 1;
    bsd_rec_install(&cfg);
    errno = 0;
    xce = xenevtchn_open(NULL, 0);
#ifdef XS_TEST_NETBSD
    assert_null(xce);
    assert_int_equal(errno, ENXIO);
#else
    assert_non_null(xce);
    assert_int_equal(xenevtchn_close(xce), 0);
#endif
    assert_int_equal(fake_sys_open_fds(), 0);
}

/* ---- the requests, one row each -------------------------------------- */

static xenevtchn_handle *row_xce;
static int row_port;

static long row_bind_unbound(void)
{
    return xenevtchn_bind_unbound_port(row_xce, 7);
}
static long row_bind_interdomain(void)
{
    return xenevtchn_bind_interdomain(row_xce, 3, 21);
}
static long row_bind_virq(void)
{
    return xenevtchn_bind_virq(row_xce, 3);
}
static long row_notify(void)
{
    return xenevtchn_notify(row_xce, (evtchn_port_t)row_port);
}
static long row_unbind(void)
{
    return xenevtchn_unbind(row_xce, (evtchn_port_t)row_port);
}

/*
 * 4.4BSD encoding, group 'E', 4..8; the bind requests answer 0 and the
 * kernel writes the port into the structure (the fake hands out 10, 11,
 * ...), which the call returns.
 */
static const struct bsd_ioctl_row bind_rows[] = {
    { .name = "bind_unbound_port",
      .call = row_bind_unbound,
      .request = 0xc0084506,
      .fields = { { 0, 4, 7 } },
      .want = 10 },
    { .name = "bind_interdomain",
      .call = row_bind_interdomain,
      .request = 0xc00c4505,
      .fields = { { 0, 4, 3 }, { 4, 4, 21 } },
      .want = 11 },
    { .name = "bind_virq",
      .call = row_bind_virq,
      .request = 0xc0084504,
      .fields = { { 0, 4, 3 } },
      .want = 12 },
};

static const struct bsd_ioctl_row port_rows[] = {
    { .name = "notify",
      .call = row_notify,
      .request = 0x80044508,
      .fields = { { 0, 4, 11 } },
      .want = 0 },
    { .name = "unbind",
      .call = row_unbind,
      .request = 0x80044507,
      .fields = { { 0, 4, 11 } },
      .want = 0 },
};

static void test_request_rows(void **state)
{
    (void)state;
    row_xce = open_ok();
    for (size_t i = 0; i < sizeof(bind_rows) / sizeof(bind_rows[0]); i++)
        bsd_ioctl_check(&bind_rows[i]);
    assert_int_equal(fake_bsd_port_fd(11), xenevtchn_fd(row_xce));
    row_port = 11;
    for (size_t i = 0; i < sizeof(port_rows) / sizeof(port_rows[0]); i++)
        bsd_ioctl_check(&port_rows[i]);
    assert_int_equal(fake_bsd_port_notified(11), 1);
    assert_int_equal(fake_bsd_port_fd(11), -1);
    assert_int_equal(xenevtchn_close(row_xce), 0);
    /* the kernel releases the others at close */
    assert_int_equal(fake_bsd_port_fd(10), -1);
    assert_int_equal(fake_bsd_port_fd(12), -1);
}

/* ---- ports the handle did not bind ------------------------------------ */

/* ENOTCONN (EINVAL past the OS's ports), never a request */
static void assert_refused(xenevtchn_handle *xce, evtchn_port_t port)
{
    int want = port >= NR_PORTS ? EINVAL : ENOTCONN;

    bsd_rec_clear();
    errno = 0;
    assert_int_equal(xenevtchn_notify(xce, port), -1);
    assert_int_equal(errno, want);
    errno = 0;
    assert_int_equal(xenevtchn_unbind(xce, port), -1);
    assert_int_equal(errno, want);
    assert_int_equal(bsd_rec_ioctls(), 0);
}

static void test_foreign_ports(void **state)
{
    xenevtchn_handle *xce = open_ok(), *other = open_ok();
    int mine, theirs;

    (void)state;
    mine = xenevtchn_bind_unbound_port(xce, 1);
    theirs = xenevtchn_bind_unbound_port(other, 1);
    assert_true(mine >= 0 && theirs >= 0);
    /* another handle's port: FreeBSD would leak its bind lock */
    assert_refused(xce, (evtchn_port_t)theirs);
    /* another process's, never bound, beyond every port */
    assert_int_equal(fake_bsd_bind_elsewhere(5), 0);
    assert_refused(xce, 5);
    assert_refused(xce, 0);
    assert_refused(xce, 4000);
    assert_refused(xce, NR_PORTS);
    assert_refused(xce, 0xffffffffu);
    /* unbound: no longer ours; unbinding twice asks nobody */
    assert_int_equal(xenevtchn_unbind(xce, (evtchn_port_t)mine), 0);
    assert_refused(xce, (evtchn_port_t)mine);
    /* and the descriptor still works (no lock was left held) */
    mine = xenevtchn_bind_unbound_port(xce, 1);
    assert_true(mine >= 0);
    assert_int_equal(xenevtchn_notify(xce, (evtchn_port_t)mine), 0);
    assert_int_equal(xenevtchn_unmask(xce, (evtchn_port_t)mine), 0);
    assert_int_equal(xenevtchn_notify(other, (evtchn_port_t)theirs), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(xenevtchn_close(other), 0);
}

/* a port the kernel refuses to bind is not recorded */
static void test_failed_bind_not_recorded(void **state)
{
    xenevtchn_handle *xce = open_ok();

    (void)state;
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    assert_int_equal(xenevtchn_bind_virq(xce, 1), -1);
    assert_int_equal(errno, EFAULT);
    /* port 10 is the one the kernel would have handed out */
    assert_refused(xce, 10);
    assert_int_equal(xenevtchn_bind_virq(xce, 1), 10);
    /* an unbind the kernel refused leaves the port bound and usable */
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EINTR);
    assert_int_equal(xenevtchn_unbind(xce, 10), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(xenevtchn_notify(xce, 10), 0);
    assert_int_equal(xenevtchn_unbind(xce, 10), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* ---- unmask, pending ------------------------------------------------- */

static void test_unmask_width(void **state)
{
    xenevtchn_handle *xce = open_ok();
    int port = xenevtchn_bind_unbound_port(xce, 1), got;

    (void)state;
    assert_int_equal(fake_bsd_fire((unsigned int)port), 0);
    assert_int_equal(fake_bsd_port_masked((unsigned int)port), 1);
    assert_int_equal(xenevtchn_pending(xce), port);
    /* exactly one port of the OS's width; 0, not the byte count */
    got = xenevtchn_unmask(xce, (evtchn_port_t)port);
    assert_int_equal(got, 0);
    assert_int_equal(bsd_rec_write_len(), WIDTH);
    assert_int_equal(bsd_rec_write_bytes()[0], port & 0xff);
    assert_int_equal(bsd_rec_write_bytes()[1], (port >> 8) & 0xff);
    assert_int_equal(fake_bsd_port_masked((unsigned int)port), 0);
    /* a port the OS cannot have cannot be written: no system call */
    bsd_rec_clear();
    errno = 0;
    assert_int_equal(xenevtchn_unmask(xce, NR_PORTS), -1);
    assert_int_equal(errno, EINVAL);
#ifdef XS_TEST_NETBSD
    /* uint16_t would make it `port`, a bound one: refused instead */
    assert_int_equal(xenevtchn_unmask(xce, 0x10000u + (unsigned)port), -1);
#endif
    assert_int_equal(bsd_rec_write_len(), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

static void test_pending(void **state)
{
    xenevtchn_handle *xce = open_ok();
    int a = xenevtchn_bind_unbound_port(xce, 1);
    int b = xenevtchn_bind_virq(xce, 2);

    (void)state;
    fake_bsd_fire((unsigned int)b);
    fake_bsd_fire((unsigned int)a);
    assert_int_equal(xenevtchn_pending(xce), b);
    /* a short read (no real kernel does that) is EIO, never a port
     * made of part of one; the port it took stays masked */
    fake_sys_fail_nth(FAKE_READ, fake_sys_count(FAKE_READ) + 1, FAKE_SHORT);
    errno = 0;
    assert_int_equal(xenevtchn_pending(xce), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(fake_bsd_port_masked((unsigned int)a), 1);
    assert_int_equal(xenevtchn_unmask(xce, (evtchn_port_t)a), 0);
    assert_int_equal(xenevtchn_unmask(xce, (evtchn_port_t)b), 0);
    /* notified on the loop: nothing comes back without the hypervisor */
    assert_int_equal(xenevtchn_notify(xce, (evtchn_port_t)a), 0);
    assert_int_equal(fake_bsd_port_notified((unsigned int)a), 1);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* ---- bind errors, restrict -------------------------------------------- */

static void test_bind_errors(void **state)
{
    xenevtchn_handle *xce = open_ok();

    (void)state;
    /* Xen's ENOSPC (28): the same number everywhere */
    fake_bsd_fail_next_bind(ENOSPC);
    errno = 0;
    assert_int_equal(xenevtchn_bind_unbound_port(xce, 1), -1);
    assert_int_equal(errno, ENOSPC);
    /* Xen's ENOSYS is 38; NetBSD passes it raw, the caller gets ENOSYS */
    fake_bsd_fail_next_bind(38);
    errno = 0;
    assert_int_equal(xenevtchn_bind_virq(xce, 1), -1);
    assert_int_equal(errno, ENOSYS);
    assert_int_equal(xenevtchn_close(xce), 0);
}

#ifdef XS_TEST_NETBSD
/*
 * The translation table, checked pair by pair: Xen numbers its errors as
 * Linux does, so on Linux every Xen code must come back as itself (a
 * code paired with the wrong name fails here), and anything that is not
 * a Xen code is left as it is.
 */
static void test_xen_errno_table(void **state)
{
    (void)state;
#ifdef __linux__
    for (int e = 1; e < 200; e++)
        assert_int_equal(xs__xen_errno(e), e);
#endif
    assert_int_equal(xs__xen_errno(38), ENOSYS);
    assert_int_equal(xs__xen_errno(95), EOPNOTSUPP);
    assert_int_equal(xs__xen_errno(107), ENOTCONN);
    assert_int_equal(xs__xen_errno(14), EFAULT);
}
#endif

static void test_restrict(void **state)
{
    xenevtchn_handle *xce = open_ok();

    (void)state;
    bsd_rec_clear();
    errno = 0;
    assert_int_equal(xenevtchn_restrict(xce, 1), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    /* no request: neither kernel has one (what restrict_all makes of a
     * handle it cannot narrow is the contract test's) */
    assert_int_equal(bsd_rec_ioctls(), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* ---- adopted descriptors ---------------------------------------------- */

/*
 * A descriptor inherited across exec carries its previous owner's ports
 * (xenstored's live update): they go to the kernel.  A port the handle
 * bound or unbound itself is answered from its set.  On FreeBSD a port
 * the previous owner did not bind would still reach the kernel (and its
 * lock leak): the one case the library cannot prevent.
 */
static void test_adopted(void **state)
{
    struct xs_bsd_evtchn_bind_unbound_port b = { .remote_domain = 1 };
    xenevtchn_handle *xce;
    int fd, mine;

    (void)state;
    fd = fake_bsd_libc.open(DEV, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(fake_bsd_libc.ioctl(fd,
                                         XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT,
                                         &b),
                     0);
    xce = xenevtchn_fdopen(NULL, fd, 0);
    assert_non_null(xce);
    /* the previous owner's port works */
    assert_int_equal(xenevtchn_notify(xce, b.port), 0);
    assert_int_equal(fake_bsd_port_notified(b.port), 1);
    mine = xenevtchn_bind_virq(xce, 1);
    assert_true(mine >= 0);
    assert_int_equal(xenevtchn_unbind(xce, b.port), 0);
    /* now known to be gone: answered without the kernel */
    assert_refused(xce, b.port);
#ifdef XS_TEST_NETBSD
    /* never seen: the kernel answers ENOTCONN once, the set after */
    assert_int_equal(xenevtchn_notify(xce, 200), -1);
    assert_int_equal(errno, ENOTCONN);
    assert_refused(xce, 200);
#endif
    assert_int_equal(xenevtchn_notify(xce, (evtchn_port_t)mine), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(fake_bsd_port_fd((unsigned int)mine), -1);
}

/* ---- threads ----------------------------------------------------------- */

static xenevtchn_handle *mt_xce;

static void *mt_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        int p = xenevtchn_bind_unbound_port(mt_xce, 1);

        if (p < 0 || xenevtchn_notify(mt_xce, (evtchn_port_t)p) != 0 ||
            xenevtchn_unmask(mt_xce, (evtchn_port_t)p) != 0 ||
            xenevtchn_unbind(mt_xce, (evtchn_port_t)p) != 0)
            return (void *)1;
    }
    return NULL;
}

/*
 * one handle, many threads binding, notifying and unbinding ports the
 * kernel reuses at once: the set never lets a stale port through (the
 * fake aborts on one) nor refuses a bound one
 */
static void test_threads(void **state)
{
    pthread_t t[4];
    void *ret;

    (void)state;
    mt_xce = open_ok();
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, mt_worker, NULL), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(xenevtchn_close(mt_xce), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_path_and_flags),
        T(test_open_outside_dom0),
        T(test_request_rows),
        T(test_foreign_ports),
        T(test_failed_bind_not_recorded),
        T(test_unmask_width),
        T(test_pending),
        T(test_bind_errors),
#ifdef XS_TEST_NETBSD
        T(test_xen_errno_table),
#endif
        T(test_restrict),
        T(test_adopted),
        T(test_threads),
#undef T
    };

    return cmocka_run_group_tests_name("bsd-evtchn", tests, NULL, NULL);
}
