/*
 * test-ioctls.c - every fixed-size ioctl of the Linux backend's privcmd
 * and gntdev paths as one table (ioctl_table.h): the public call, the
 * request the kernel receives, the argument bytes it reads, the driver's
 * answer and what the call returns.  Event channels have their own
 * table in test-evtchn.c; variable-length requests (map, share,
 * MMAPBATCH, DM_OP) are checked beside their fakes.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include "fake_sys.h"
#include "fixtures.h"
#include "quiet_logger.h"
#include "ioctl_table.h"

static xencall_handle *xcall;
static xenforeignmemory_handle *fmem;
static xendevicemodel_handle *dmod;
static xengnttab_handle *xgt;
static xengnttab_grant_copy_segment_t segs[2];

static long hypercall5(void)
{
    return xencall5(xcall, 5, 11, 22, 33, 44, 1ULL << 63);
}
static long hypercall0(void)
{
    return xencall0(xcall, 17);
}
static long hypercall2L(void)
{
    return xencall2L(xcall, 2, 11, 22);
}
static long fmem_restrict(void)
{
    return xenforeignmemory_restrict(fmem, 42);
}
static long dm_restrict(void)
{
    return xendevicemodel_restrict(dmod, 12);
}
static long max_grants(void)
{
    return xengnttab_set_max_grants(xgt, 128);
}
static long grant_copy(void)
{
    return xengnttab_grant_copy(xgt, 2, segs);
}
static long copy_probe(void)
{
    return xengnttab_grant_copy(xgt, 0, NULL);
}
static long wait_released(void)
{
    return xengnttab_dmabuf_exp_wait_released(xgt, 77, 100);
}
static long imp_release(void)
{
    return xengnttab_dmabuf_imp_release(xgt, 55);
}

static int setup(void **state)
{
    static const struct fake_sys_handlers h = { .ioctl = ioctl_table_record };

    (void)state;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    ioctl_table_reset();
    xcall = xencall_open(&xs_quiet_logger, 0);
    fmem = xenforeignmemory_open(&xs_quiet_logger, 0);
    dmod = xendevicemodel_open(&xs_quiet_logger, 0);
    xgt = xengnttab_open(&xs_quiet_logger, 0);
    return xcall && fmem && dmod && xgt ? 0 : -1;
}

static int teardown(void **state)
{
    xencall_close(xcall);
    xenforeignmemory_close(fmem);
    xendevicemodel_close(dmod);
    xengnttab_close(xgt);
    return fixture_teardown(state);
}

static void test_ioctl_table(void **state)
{
    const uint64_t segs_addr = (uint64_t)(uintptr_t)segs;
    const struct ioctl_row rows[] = {
        /* privcmd HYPERCALL: op @0, arg[5] @8, 48 bytes; the result is
         * libc's int, which the calls return */
        { .name = "xencall5",
          .call = hypercall5,
          .request = 0x00305000,
          .result = 7,
          .want = 7,
          .exact_len = 48,
          .fields = { { 0, 8, 5 },
                      { 8, 8, 11 },
                      { 16, 8, 22 },
                      { 24, 8, 33 },
                      { 32, 8, 44 },
                      { 40, 8, 1ULL << 63 } } },
        { .name = "xencall0 fails",
          .call = hypercall0,
          .request = 0x00305000,
          .fail_errno = ESRCH,
          .want = -1,
          .want_errno = ESRCH,
          .fields = { { 0, 8, 17 } } },
        { .name = "xencall2L, result 2^31",
          .call = hypercall2L,
          .request = 0x00305000,
          .result = (int)0x80000000u,
          .want = -2147483648L,
          .fields = { { 0, 8, 2 }, { 8, 8, 11 } } },
        /* privcmd RESTRICT: a 2-byte domid, from either interface */
        { .name = "foreignmemory restrict",
          .call = fmem_restrict,
          .request = 0x00025006,
          .exact_len = 2,
          .fields = { { 0, 2, 42 } } },
        { .name = "devicemodel restrict",
          .call = dm_restrict,
          .request = 0x00025006,
          .exact_len = 2,
          .fields = { { 0, 2, 12 } } },
        /* gntdev */
        { .name = "set_max_grants",
          .call = max_grants,
          .request = 0x00044703,
          .exact_len = 4,
          .fields = { { 0, 4, 128 } } },
        /* newer kernels dropped the request: nothing to limit */
        { .name = "set_max_grants, ENOTTY",
          .call = max_grants,
          .request = 0x00044703,
          .fail_errno = ENOTTY,
          .fields = { { 0, 4, 128 } } },
        { .name = "set_max_grants, EPERM",
          .call = max_grants,
          .request = 0x00044703,
          .fail_errno = EPERM,
          .want = -1,
          .want_errno = EPERM,
          .fields = { { 0, 4, 128 } } },
        { .name = "grant_copy",
          .call = grant_copy,
          .request = 0x00104708,
          .exact_len = 16,
          .fields = { { 0, 4, 2 }, { 8, 8, segs_addr } } },
        /* QEMU's probe reaches the kernel */
        { .name = "grant_copy(0, NULL)",
          .call = copy_probe,
          .request = 0x00104708,
          .fields = { { 0, 4, 0 }, { 8, 8, 0 } } },
        { .name = "grant_copy, ENOTTY",
          .call = copy_probe,
          .request = 0x00104708,
          .fail_errno = ENOTTY,
          .want = -1,
          .want_errno = ENOTTY },
        { .name = "dmabuf_exp_wait_released",
          .call = wait_released,
          .request = 0x0008470a,
          .exact_len = 8,
          .fields = { { 0, 4, 77 }, { 4, 4, 100 } } },
        /* already released: what the caller waits for */
        { .name = "dmabuf_exp_wait_released, ENOENT",
          .call = wait_released,
          .request = 0x0008470a,
          .fail_errno = ENOENT },
        { .name = "dmabuf_imp_release",
          .call = imp_release,
          .request = 0x0008470c,
          .exact_len = 8,
          .fields = { { 0, 4, 55 }, { 4, 4, 0 } } },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ioctl_table_check(&rows[i], -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ioctl_table, setup, teardown),
    };

    return cmocka_run_group_tests_name("linux-ioctls", tests, NULL, NULL);
}
