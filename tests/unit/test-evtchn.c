/*
 * test-evtchn.c - libxenevtchn's contract on every backend: flags,
 * close-on-exec, errno conversion, the hot paths' system-call floor,
 * fdopen, restrict, nothing leaked.  The Linux driver protocol (request
 * numbers, layouts) is tests/drivers/linux/test-evtchn.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include <xenevtchn.h>
#include <xentoolcore.h>
#include "contract.h"

static xenevtchn_handle *open_evtchn(unsigned int flags)
{
    return CONTRACT_OPEN(XS_OP_EVTCHN_OPEN, xenevtchn_open(NULL, flags));
}

static void test_open_close(void **state)
{
    xenevtchn_handle *xce;

    (void)state;
    xce = open_evtchn(0);
    if (!xce)
        return;
    assert_true(xenevtchn_fd(xce) >= 0);
    assert_int_equal(fake_sys_open_fds(), 1);
    /* close-on-exec unless the caller asks otherwise */
    assert_int_equal(fcntl(xenevtchn_fd(xce), F_GETFD) & FD_CLOEXEC,
                     FD_CLOEXEC);
    assert_int_equal(xenevtchn_close(xce), 0);
    /* open + close, and nothing else (no isatty, no fcntl) */
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls);
}

static void test_open_no_cloexec(void **state)
{
    xenevtchn_handle *xce = open_evtchn(XENEVTCHN_NO_CLOEXEC);

    (void)state;
    if (!xce)
        return;
    assert_int_equal(fcntl(xenevtchn_fd(xce), F_GETFD) & FD_CLOEXEC, 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

static void test_open_unknown_flag(void **state)
{
    (void)state;
    errno = 0;
    assert_null(xenevtchn_open(NULL, 2));
    assert_int_equal(errno, EINVAL);
    assert_null(xenevtchn_open(NULL, 0x80000000u | XENEVTCHN_NO_CLOEXEC));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), 0);
}

static void test_open_fails(void **state)
{
    (void)state;
    fake_sys_fail_nth(FAKE_OPEN, 1, ENOENT);
    errno = 0;
    assert_null(xenevtchn_open(NULL, 0));
    assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_EVTCHN_OPEN)
                                ? CONTRACT_EXPECT(XS_OP_EVTCHN_OPEN)
                                : ENOENT);
    assert_int_equal(fake_sys_open_fds(), 0);
    /* the failed handle was deregistered: restrict_all touches nothing */
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 0);
}

static void test_close_null(void **state)
{
    (void)state;
    assert_int_equal(xenevtchn_close(NULL), 0);
    assert_int_equal(fake_sys_count_all(), 0);
}

static void test_close_returns_close_result(void **state)
{
    xenevtchn_handle *xce = open_evtchn(0);

    (void)state;
    if (!xce)
        return;
    fake_sys_fail_nth(FAKE_CLOSE, 1, EIO);
    errno = 0;
    assert_int_equal(xenevtchn_close(xce), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(fake_sys_open_fds(), 0);
}

/* fdopen needs no kernel: it works on every backend */
static void test_fdopen(void **state)
{
    xenevtchn_handle *xce;
    int fd;

    (void)state;
    fd = fake_sys_default_open("/dev/xen/evtchn", 0);
    assert_true(fd >= 0);
    xce = xenevtchn_fdopen(NULL, fd, 0);
    assert_non_null(xce);
    /* adopting costs no system call at all */
    assert_int_equal(fake_sys_count_all(), 0);
    assert_int_equal(xenevtchn_fd(xce), fd);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(fake_sys_count_all(), 1);
    assert_int_equal(fake_sys_call_at(0)->kind, FAKE_CLOSE);
    assert_int_equal(fake_sys_call_at(0)->fd, fd);
    /* really closed */
    assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void test_fdopen_flags(void **state)
{
    (void)state;
    errno = 0;
    assert_null(xenevtchn_fdopen(NULL, 0, XENEVTCHN_NO_CLOEXEC));
    assert_int_equal(errno, EINVAL);
    assert_null(xenevtchn_fdopen(NULL, 0, 4));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), 0);
}

/* bind, notify, pending, unmask, unbind: a loopback port round trip */
static void test_round_trip(void **state)
{
    xenevtchn_handle *xce = open_evtchn(0);
    int port, before;

    (void)state;
    if (!xce)
        return;
    port = xenevtchn_bind_unbound_port(xce, 1);
    assert_true(port >= 0);
    assert_true(xenevtchn_bind_interdomain(xce, 1, (evtchn_port_t)port) >= 0);
    assert_true(xenevtchn_bind_virq(xce, 3) >= 0);

    before = fake_sys_count_all();
    assert_int_equal(xenevtchn_notify(xce, (evtchn_port_t)port), 0);
    assert_int_equal(fake_sys_count_all(),
                     before + xs_backend.notify_syscalls);
    before = fake_sys_count_all();
    assert_int_equal(xenevtchn_pending(xce), port);
    assert_int_equal(fake_sys_count_all(),
                     before + xs_backend.pending_syscalls);
    before = fake_sys_count_all();
    assert_int_equal(xenevtchn_unmask(xce, (evtchn_port_t)port), 0);
    assert_int_equal(fake_sys_count_all(),
                     before + xs_backend.unmask_syscalls);

    assert_int_equal(xenevtchn_unbind(xce, (evtchn_port_t)port), 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/*
 * every kernel-backed call: -1 with the kernel's errno, nothing leaked.
 * unbind, notify and unmask name a port the handle bound: the BSD
 * backends answer any other port themselves (test_foreign_ports).
 */
static void test_kernel_failures(void **state)
{
    xenevtchn_handle *xce = open_evtchn(0);
    int fds = fake_sys_open_fds(), port;

    (void)state;
    if (!xce)
        return;
    port = xenevtchn_bind_unbound_port(xce, 1);
    assert_true(port >= 0);
    for (int i = 0; i < 8; i++) {
        int rc = 0, want = EPERM;

        fake_sys_fail_always(FAKE_IOCTL, EPERM);
        fake_sys_fail_always(FAKE_READ, EPERM);
        fake_sys_fail_always(FAKE_WRITE, EPERM);
        errno = 0;
        switch (i) {
        case 0:
            rc = xenevtchn_bind_unbound_port(xce, 1);
            break;
        case 1:
            rc = xenevtchn_bind_interdomain(xce, 1, 2);
            break;
        case 2:
            rc = xenevtchn_bind_virq(xce, 1);
            break;
        case 3:
            rc = xenevtchn_unbind(xce, (evtchn_port_t)port);
            break;
        case 4:
            rc = xenevtchn_notify(xce, (evtchn_port_t)port);
            break;
        case 5:
            rc = xenevtchn_restrict(xce, 1);
            if (CONTRACT_EXPECT(XS_OP_EVTCHN_RESTRICT))
                want = CONTRACT_EXPECT(XS_OP_EVTCHN_RESTRICT);
            break;
        case 6:
            rc = xenevtchn_pending(xce);
            break;
        case 7:
            rc = xenevtchn_unmask(xce, (evtchn_port_t)port);
            break;
        }
        assert_int_equal(rc, -1);
        assert_int_equal(errno, want);
        assert_int_equal(fake_sys_open_fds(), fds);
    }
    fake_sys_fail_always(FAKE_IOCTL, 0);
    fake_sys_fail_always(FAKE_READ, 0);
    fake_sys_fail_always(FAKE_WRITE, 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* A device that hands out part of a port is broken: EIO, not a port. */
static void test_short_transfers(void **state)
{
    xenevtchn_handle *xce = open_evtchn(0);
    int port;

    (void)state;
    if (!xce)
        return;
    port = xenevtchn_bind_unbound_port(xce, 1);
    assert_true(port >= 0);
    assert_int_equal(xenevtchn_notify(xce, (evtchn_port_t)port), 0);
    fake_sys_fail_nth(FAKE_READ, fake_sys_count(FAKE_READ) + 1, FAKE_SHORT);
    errno = 0;
    assert_int_equal(xenevtchn_pending(xce), -1);
    assert_int_equal(errno, EIO);
    fake_sys_fail_nth(FAKE_WRITE, fake_sys_count(FAKE_WRITE) + 1, FAKE_SHORT);
    errno = 0;
    assert_int_equal(xenevtchn_unmask(xce, (evtchn_port_t)port), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(xenevtchn_close(xce), 0);
}

static void test_restrict(void **state)
{
    xenevtchn_handle *xce = open_evtchn(0);

    (void)state;
    if (!xce)
        return;
    errno = 0;
    if (CONTRACT_EXPECT(XS_OP_EVTCHN_RESTRICT)) {
        assert_int_equal(xenevtchn_restrict(xce, 0x1234), -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_EVTCHN_RESTRICT));
        /*
         * restrict_all cannot narrow it, so it makes the handle useless
         * and succeeds (docs/security.md; upstream fails and leaves the
         * handle unrestricted): the descriptor is /dev/null now.
         */
        assert_int_equal(xentoolcore_restrict_all(42), 0);
        errno = 0;
        assert_int_equal(xenevtchn_bind_unbound_port(xce, 42), -1);
        assert_int_equal(errno, ENOTTY);
    } else {
        assert_int_equal(xenevtchn_restrict(xce, 0x1234), 0);
        assert_int_equal(xentoolcore_restrict_all(42), 0);
        /* a failing restrict fails restrict_all with its errno */
        fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, ENOTTY);
        errno = 0;
        assert_int_equal(xentoolcore_restrict_all(42), -1);
        assert_int_equal(errno, ENOTTY);
    }
    xenevtchn_close(xce);
    /* closed handles are gone from the registry */
    assert_int_equal(xentoolcore_restrict_all(42), 0);
}

/* the fd is a plain descriptor a caller can poll */
static void test_fd_pollable(void **state)
{
    xenevtchn_handle *xce = open_evtchn(0);
    struct pollfd p;

    (void)state;
    if (!xce)
        return;
    p.fd = xenevtchn_fd(xce);
    p.events = POLLIN;
    assert_true(poll(&p, 1, 0) >= 0);
    assert_false(p.revents & POLLNVAL);
    assert_int_equal(xenevtchn_close(xce), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CONTRACT_TEST(test_open_close),
        CONTRACT_TEST(test_open_no_cloexec),
        CONTRACT_TEST(test_open_unknown_flag),
        CONTRACT_TEST(test_open_fails),
        CONTRACT_TEST(test_close_null),
        CONTRACT_TEST(test_close_returns_close_result),
        CONTRACT_TEST(test_fdopen),
        CONTRACT_TEST(test_fdopen_flags),
        CONTRACT_TEST(test_round_trip),
        CONTRACT_TEST(test_kernel_failures),
        CONTRACT_TEST(test_short_transfers),
        CONTRACT_TEST(test_restrict),
        CONTRACT_TEST(test_fd_pollable),
    };

    return cmocka_run_group_tests_name("evtchn", tests, NULL, NULL);
}
