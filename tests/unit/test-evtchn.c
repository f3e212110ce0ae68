/*
 * test-evtchn.c - libxenevtchn against the fake kernel: device path and
 * flags, every ioctl's number and argument layout, the read/write
 * protocol, failure injection into every system call, and restrict.
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
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <xenevtchn.h>
#include <xentoolcore.h>
#include "fake_sys.h"
#include "fixtures.h"

/* ---- a fake /dev/xen/evtchn driver ---------------------------------- */

static unsigned char last_arg[64];
static unsigned long last_req;
static int ioctl_result;            /* what a successful ioctl returns */
static ssize_t read_result = 4;     /* bytes a read() reports */
static uint32_t read_port;
static uint32_t written_port;
static size_t written_len;

static size_t arg_size(unsigned long req)
{
    return (req >> 16) & 0x3fff;   /* _IOC_SIZE */
}

static int drv_ioctl(int fd, unsigned long req, void *arg)
{
    (void)fd;
    last_req = req;
    memset(last_arg, 0xee, sizeof(last_arg));
    memcpy(last_arg, arg, arg_size(req));
    return ioctl_result;
}

static ssize_t drv_read(int fd, void *buf, size_t len)
{
    (void)fd;
    assert_int_equal(len, 4);
    memcpy(buf, &read_port, 4);
    return read_result;
}

static ssize_t drv_write(int fd, const void *buf, size_t len)
{
    (void)fd;
    written_len = len;
    memcpy(&written_port, buf, 4);
    return (ssize_t)len;
}

static int setup(void **state)
{
    static const struct fake_sys_handlers h = {
        .ioctl = drv_ioctl, .read = drv_read, .write = drv_write,
    };

    (void)state;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    ioctl_result = 0;
    read_result = 4;
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static uint32_t u32_at(size_t off)
{
    uint32_t v;

    memcpy(&v, last_arg + off, 4);
    return v;
}

/* ---- open / close ---------------------------------------------------- */

static void test_open_close_two_syscalls(void **state)
{
    xenevtchn_handle *xce;
    const struct fake_sys_call *c;

    (void)state;
    xce = xenevtchn_open(NULL, 0);
    assert_non_null(xce);
    c = fake_sys_call_at(0);
    assert_int_equal(c->kind, FAKE_OPEN);
    assert_string_equal(c->path, "/dev/xen/evtchn");
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(fake_sys_open_fds(), 1);
    assert_true(xenevtchn_fd(xce) >= 0);
    assert_int_equal(xenevtchn_close(xce), 0);
    c = fake_sys_call_at(1);
    assert_int_equal(c->kind, FAKE_CLOSE);
    /* open + close, and nothing else (no isatty, no fcntl) */
    assert_int_equal(fake_sys_count_all(), 2);
}

static void test_open_no_cloexec(void **state)
{
    xenevtchn_handle *xce;

    (void)state;
    xce = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
    assert_non_null(xce);
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR);
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
    assert_int_equal(errno, ENOENT);
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
    xenevtchn_handle *xce;

    (void)state;
    xce = xenevtchn_open(NULL, 0);
    assert_non_null(xce);
    fake_sys_fail_nth(FAKE_CLOSE, 1, EIO);
    errno = 0;
    assert_int_equal(xenevtchn_close(xce), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(fake_sys_open_fds(), 0);
}

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

/* ---- ioctls ---------------------------------------------------------- */

static xenevtchn_handle *open_quiet(void)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);

    assert_non_null(xce);
    return xce;
}

static void test_bind_unbound(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    ioctl_result = 21;
    assert_int_equal(xenevtchn_bind_unbound_port(xce, 7), 21);
    assert_int_equal(last_req, 0x00044502);
    assert_int_equal(u32_at(0), 7);
    assert_int_equal(fake_sys_call_at(1)->fd, xenevtchn_fd(xce));
    xenevtchn_close(xce);
}

static void test_bind_interdomain(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    ioctl_result = 22;
    assert_int_equal(xenevtchn_bind_interdomain(xce, 3, 21), 22);
    assert_int_equal(last_req, 0x00084501);
    assert_int_equal(u32_at(0), 3);
    assert_int_equal(u32_at(4), 21);
    xenevtchn_close(xce);
}

static void test_bind_virq(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    ioctl_result = 5;
    assert_int_equal(xenevtchn_bind_virq(xce, 3), 5);
    assert_int_equal(last_req, 0x00044500);
    assert_int_equal(u32_at(0), 3);
    xenevtchn_close(xce);
}

static void test_unbind_notify(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    assert_int_equal(xenevtchn_unbind(xce, 9), 0);
    assert_int_equal(last_req, 0x00044503);
    assert_int_equal(u32_at(0), 9);
    int before = fake_sys_count_all();
    assert_int_equal(xenevtchn_notify(xce, 11), 0);
    assert_int_equal(fake_sys_count_all(), before + 1);  /* one ioctl */
    assert_int_equal(last_req, 0x00044504);
    assert_int_equal(u32_at(0), 11);
    xenevtchn_close(xce);
}

static void test_restrict(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    assert_int_equal(xenevtchn_restrict(xce, 0x1234), 0);
    assert_int_equal(last_req, 0x00024506);
    assert_int_equal(last_arg[0] | (last_arg[1] << 8), 0x1234);
    assert_int_equal(last_arg[2], 0xee);    /* only 2 bytes */
    xenevtchn_close(xce);
}

static void test_restrict_all(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    assert_int_equal(xentoolcore_restrict_all(42), 0);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 1);
    assert_int_equal(last_req, 0x00024506);
    assert_int_equal(last_arg[0] | (last_arg[1] << 8), 42);
    /* a failing restrict ioctl fails restrict_all with its errno */
    fake_sys_fail_nth(FAKE_IOCTL, 2, ENOTTY);
    errno = 0;
    assert_int_equal(xentoolcore_restrict_all(42), -1);
    assert_int_equal(errno, ENOTTY);
    xenevtchn_close(xce);
    /* closed handles are gone from the registry */
    assert_int_equal(xentoolcore_restrict_all(42), 0);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 2);
}

/* every ioctl-backed call: -1 with the kernel's errno, nothing leaked */
static void test_ioctl_failures(void **state)
{
    xenevtchn_handle *xce = open_quiet();
    int fds = fake_sys_open_fds();

    (void)state;
    for (int i = 0; i < 6; i++) {
        int rc = 0;

        fake_sys_fail_always(FAKE_IOCTL, EPERM);
        errno = 0;
        switch (i) {
        case 0: rc = xenevtchn_bind_unbound_port(xce, 1); break;
        case 1: rc = xenevtchn_bind_interdomain(xce, 1, 2); break;
        case 2: rc = xenevtchn_bind_virq(xce, 1); break;
        case 3: rc = xenevtchn_unbind(xce, 1); break;
        case 4: rc = xenevtchn_notify(xce, 1); break;
        case 5: rc = xenevtchn_restrict(xce, 1); break;
        }
        assert_int_equal(rc, -1);
        assert_int_equal(errno, EPERM);
        assert_int_equal(fake_sys_open_fds(), fds);
    }
    fake_sys_fail_always(FAKE_IOCTL, 0);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* ---- read / write ---------------------------------------------------- */

static void test_pending(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    read_port = 33;
    int before = fake_sys_count_all();
    assert_int_equal(xenevtchn_pending(xce), 33);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(fake_sys_call_at(before)->kind, FAKE_READ);
    assert_int_equal(fake_sys_call_at(before)->request, 4);
    assert_int_equal(fake_sys_call_at(before)->fd, xenevtchn_fd(xce));

    read_result = 2;        /* short read */
    errno = 0;
    assert_int_equal(xenevtchn_pending(xce), -1);
    assert_int_equal(errno, EIO);
    read_result = 0;
    assert_int_equal(xenevtchn_pending(xce), -1);
    assert_int_equal(errno, EIO);

    read_result = 4;
    fake_sys_fail_nth(FAKE_READ, 4, EAGAIN);
    assert_int_equal(xenevtchn_pending(xce), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(xenevtchn_close(xce), 0);
}

static void test_unmask(void **state)
{
    xenevtchn_handle *xce = open_quiet();

    (void)state;
    int before = fake_sys_count_all();
    assert_int_equal(xenevtchn_unmask(xce, 77), 0);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(written_len, 4);
    assert_int_equal(written_port, 77);
    fake_sys_fail_nth(FAKE_WRITE, 2, EBADF);
    errno = 0;
    assert_int_equal(xenevtchn_unmask(xce, 77), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* the fd is a plain descriptor a caller can poll */
static void test_fd_pollable(void **state)
{
    xenevtchn_handle *xce = open_quiet();
    struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };

    (void)state;
    assert_true(poll(&p, 1, 0) >= 0);
    assert_false(p.revents & POLLNVAL);
    assert_int_equal(xenevtchn_close(xce), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_close_two_syscalls),
        T(test_open_no_cloexec),
        T(test_open_unknown_flag),
        T(test_open_fails),
        T(test_close_null),
        T(test_close_returns_close_result),
        T(test_fdopen),
        T(test_fdopen_flags),
        T(test_bind_unbound),
        T(test_bind_interdomain),
        T(test_bind_virq),
        T(test_unbind_notify),
        T(test_restrict),
        T(test_restrict_all),
        T(test_ioctl_failures),
        T(test_pending),
        T(test_unmask),
        T(test_fd_pollable),
#undef T
    };

    return cmocka_run_group_tests_name("evtchn", tests, NULL, NULL);
}
