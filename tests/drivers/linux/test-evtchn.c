/*
 * test-evtchn.c - the Linux /dev/xen/evtchn protocol: device path and
 * open flags, one table row per ioctl (request number, the bytes the
 * kernel reads, the result passed back), and the read/write of ports.
 * The API contract is tests/unit/test-evtchn.c.
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
#include <cmocka.h>

#include <xenevtchn.h>
#include <xentoolcore.h>
#include "fake_sys.h"
#include "fixtures.h"
#include "ioctl_table.h"

/* ---- a recording /dev/xen/evtchn ------------------------------------ */

static uint32_t read_port;
static uint32_t written_port;
static size_t written_len;

static ssize_t drv_read(int fd, void *buf, size_t len)
{
    (void)fd;
    assert_int_equal(len, 4);
    memcpy(buf, &read_port, 4);
    return 4;
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
        .ioctl = ioctl_table_record,
        .read = drv_read,
        .write = drv_write,
    };

    (void)state;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    ioctl_table_reset();
    return 0;
}

static int teardown(void **state)
{
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
    const struct fake_sys_call *c;

    (void)state;
    xce = open_ok();
    c = fake_sys_call_at(0);
    assert_int_equal(c->kind, FAKE_OPEN);
    assert_string_equal(c->path, "/dev/xen/evtchn");
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(fake_sys_call_at(1)->kind, FAKE_CLOSE);

    xce = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
    assert_non_null(xce);
    assert_int_equal(fake_sys_call_at(2)->flags, O_RDWR);
    assert_int_equal(xenevtchn_close(xce), 0);
}

/* ---- the ioctls, one row each ---------------------------------------- */

static xenevtchn_handle *xce_row;

static long row_bind_unbound(void)
{
    return xenevtchn_bind_unbound_port(xce_row, 7);
}
static long row_bind_interdomain(void)
{
    return xenevtchn_bind_interdomain(xce_row, 3, 21);
}
static long row_bind_virq(void)
{
    return xenevtchn_bind_virq(xce_row, 3);
}
static long row_unbind(void)
{
    return xenevtchn_unbind(xce_row, 9);
}
static long row_notify(void)
{
    return xenevtchn_notify(xce_row, 11);
}
static long row_restrict(void)
{
    return xenevtchn_restrict(xce_row, 0x1234);
}
static long row_restrict_all(void)
{
    return xentoolcore_restrict_all(42);
}

/*
 * Linux: _IOC(_IOC_NONE, 'E', nr, size); the bind requests answer the
 * new port as the ioctl's result, which the call returns.
 */
static const struct ioctl_row rows[] = {
    { .name = "bind_unbound_port",
      .call = row_bind_unbound,
      .request = 0x00044502,
      .result = 21,
      .want = 21,
      .fields = { { 0, 4, 7 } } },
    { .name = "bind_interdomain",
      .call = row_bind_interdomain,
      .request = 0x00084501,
      .result = 22,
      .want = 22,
      .fields = { { 0, 4, 3 }, { 4, 4, 21 } } },
    { .name = "bind_virq",
      .call = row_bind_virq,
      .request = 0x00044500,
      .result = 5,
      .want = 5,
      .fields = { { 0, 4, 3 } } },
    { .name = "unbind",
      .call = row_unbind,
      .request = 0x00044503,
      .fields = { { 0, 4, 9 } } },
    { .name = "notify",
      .call = row_notify,
      .request = 0x00044504,
      .fields = { { 0, 4, 11 } } },
    /* 2 bytes of domid, nothing more */
    { .name = "restrict",
      .call = row_restrict,
      .request = 0x00024506,
      .fields = { { 0, 2, 0x1234 } },
      .exact_len = 2 },
    { .name = "restrict_all",
      .call = row_restrict_all,
      .request = 0x00024506,
      .fields = { { 0, 2, 42 } },
      .exact_len = 2 },
    /* the kernel's errno comes back as the call's */
    { .name = "notify fails",
      .call = row_notify,
      .request = 0x00044504,
      .want = -1,
      .fail_errno = EPERM,
      .want_errno = EPERM,
      .fields = { { 0, 4, 11 } } },
    /* a port beyond 31 bits cannot be returned as int: EIO */
    { .name = "bind_unbound_port, port >= 2^31",
      .call = row_bind_unbound,
      .request = 0x00044502,
      .result = (int)0x80000000u,
      .want = -1,
      .want_errno = EIO,
      .fields = { { 0, 4, 7 } } },
};

static void test_ioctl_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        setup(NULL);
        xce_row = open_ok();
        ioctl_table_check(&rows[i], xenevtchn_fd(xce_row));
        assert_int_equal(xenevtchn_close(xce_row), 0);
    }
}

/* ---- read / write ---------------------------------------------------- */

static void test_pending_reads_one_port(void **state)
{
    xenevtchn_handle *xce = open_ok();
    int before = fake_sys_count_all();

    (void)state;
    read_port = 33;
    assert_int_equal(xenevtchn_pending(xce), 33);
    assert_int_equal(fake_sys_call_at(before)->kind, FAKE_READ);
    assert_int_equal(fake_sys_call_at(before)->request, 4);
    assert_int_equal(fake_sys_call_at(before)->fd, xenevtchn_fd(xce));
    assert_int_equal(xenevtchn_close(xce), 0);
}

static void test_unmask_writes_one_port(void **state)
{
    xenevtchn_handle *xce = open_ok();

    (void)state;
    assert_int_equal(xenevtchn_unmask(xce, 77), 0);
    assert_int_equal(written_len, 4);
    assert_int_equal(written_port, 77);
    assert_int_equal(xenevtchn_close(xce), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_path_and_flags),
        T(test_ioctl_table),
        T(test_pending_reads_one_port),
        T(test_unmask_writes_one_port),
#undef T
    };

    return cmocka_run_group_tests_name("linux-evtchn", tests, NULL, NULL);
}
