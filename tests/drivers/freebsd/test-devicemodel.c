/*
 * test-devicemodel.c - xendevicemodel on FreeBSD, against the fake
 * FreeBSD kernel (tests/unit/fake_bsd.h): IOCTL_PRIVCMD_DM_OP in
 * FreeBSD's own layout (a 32-bit count at offset 4, where Linux has 16
 * bits at 2), RESTRICT, and on a kernel without DM_OP (ENOSYS) the
 * dm_op hypercall with its buffers bounced through locked memory.  The
 * API contract is tests/unit/test-devicemodel.c.
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

#include <xendevicemodel.h>
#include <xentoolcore.h>
#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include "devicemodel_private.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "bsd-protocol.h"

#define DM_OP XS_FREEBSD_IOCTL_PRIVCMD_DM_OP

static int xen_err, n_ops;
static uint16_t seen_dom;
static unsigned int seen_nr;
static struct xen_dm_op seen_op;
static size_t seen_size1;

static int xen_dm_op(uint16_t dom, unsigned int nr,
                     const struct fake_bsd_buf *bufs)
{
    n_ops++;
    seen_dom = dom;
    seen_nr = nr;
    memcpy(&seen_op, bufs[0].ptr, sizeof(seen_op));
    seen_size1 = nr > 1 ? bufs[1].size : 0;
    if (xen_err)
        return -xen_err;
    ((struct xen_dm_op *)bufs[0].ptr)->u.nr_vcpus.vcpus = 3;
    return 0;
}

/* The dm_op hypercall, as Xen would read it (from locked memory). */
static long xen_hypercall(uint64_t op, const uint64_t arg[5])
{
    const xen_dm_op_buf_t *list = (const void *)(uintptr_t)arg[2];
    struct fake_bsd_buf bufs[2] = { { NULL, 0 }, { NULL, 0 } };

    if (op != __HYPERVISOR_dm_op || arg[1] < 1 || arg[1] > 2)
        return -ENOSYS;
    assert_int_equal(fake_bsd_inherit_at(list), XS_BSD_INHERIT_NONE);
    assert_true(fake_bsd_locked_bytes() > 0);
    for (unsigned int i = 0; i < arg[1]; i++) {
        bufs[i].ptr = list[i].h.p;
        bufs[i].size = list[i].size;
    }
    return xen_dm_op((uint16_t)arg[0], (unsigned int)arg[1], bufs);
}

static struct fake_bsd_config cfg;

static void install(enum fake_freebsd_gen gen)
{
    fake_bsd_default_config(&cfg, FAKE_BSD_FREEBSD);
    cfg.freebsd_gen = gen;
    cfg.dm_op = xen_dm_op;
    cfg.hypercall = xen_hypercall;
    bsd_protocol_install(&cfg);
    xen_err = 0;
    n_ops = 0;
}

static int setup(void **state)
{
    (void)state;
    install(FAKE_FREEBSD_CURRENT);
    return 0;
}

static xendevicemodel_handle *d;
static long op_nr_vcpus(void)
{
    unsigned int v = 0;

    return xendevicemodel_nr_vcpus(d, 7, &v) < 0 ? -1 : (long)v;
}
static long op_track_vram(void)
{
    unsigned long bitmap[1];

    return xendevicemodel_track_dirty_vram(d, 9, 0x100, 16, bitmap);
}
static long op_refused(void)
{
    return xendevicemodel_shutdown(d, 7, 0);
}

/* FreeBSD's layout: domid @0 (16 bits), count @4 (32 bits), list @8. */
/* clang-format off */
static const struct ioctl_row dm_rows[] = {
    { "nr_vcpus", op_nr_vcpus, DM_OP, 0, 3,
      { { 0, 2, 7 }, { 2, 2, 0 }, { 4, 4, 1 } }, 16, 0, 0 },
    { "track_dirty_vram", op_track_vram, DM_OP, 0, 0,
      { { 0, 2, 9 }, { 4, 4, 2 } }, 16, 0, 0 },
};
/* clang-format on */

static void test_dm_op_layout(void **state)
{
    (void)state;
    assert_int_equal(DM_OP, 0x80104503UL);
    d = xendevicemodel_open(NULL, 0);
    assert_non_null(d);
    for (size_t i = 0; i < XS_ARRAY_SIZE(dm_rows); i++)
        ioctl_table_check(&dm_rows[i], -1);
    assert_int_equal(n_ops, 2);
    assert_int_equal(seen_dom, 9);
    assert_int_equal(seen_nr, 2);
    assert_int_equal(seen_op.op, XEN_DMOP_track_dirty_vram);
    assert_int_equal(seen_size1, 2);                 /* 16 bits of bitmap */
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 2); /* no probe */
    assert_int_equal(fake_bsd_hypercalls(), 0);

    /* Xen's refusal comes back as the request's errno, once */
    xen_err = ESRCH;
    {
        /* clang-format off */
        const struct ioctl_row row = {
            "shutdown refused", op_refused, DM_OP, 0, -1,
            { { 0, 2, 7 }, { 4, 4, 1 } }, 16, ESRCH, 0,
        };
        /* clang-format on */

        ioctl_table_check(&row, -1);
    }
    assert_int_equal(xendevicemodel_close(d), 0);
}

/* Xen without dm_op (ENOSYS through DM_OP): the probe says the request
 * exists, so the error is Xen's and DM_OP stays the transport. */
static void test_xen_enosys_is_not_a_missing_request(void **state)
{
    unsigned long reqs[8];
    unsigned int v;

    (void)state;
    d = xendevicemodel_open(NULL, 0);
    assert_non_null(d);
    xen_err = ENOSYS;
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &v), -1);
    assert_int_equal(errno, ENOSYS);
    /* the op, then the empty probe (count 0 answers 0) */
    assert_int_equal(bsd_ioctls(reqs, 8), 2);
    assert_int_equal(reqs[1], DM_OP);
    assert_int_equal(ioctl_field_value(&(struct ioctl_field){ 4, 4, 0 }), 0);
    xen_err = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &v), 0);
    assert_int_equal(bsd_ioctls(reqs, 8), 3);
    assert_int_equal(reqs[2], DM_OP);
    assert_int_equal(fake_bsd_hypercalls(), 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_restrict(void **state)
{
    (void)state;
    d = xendevicemodel_open(NULL, 0);
    assert_non_null(d);
    assert_int_equal(xendevicemodel_restrict(d, 7), 0);
    assert_int_equal(ioctl_seen_req, XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT);
    assert_int_equal(ioctl_field_value(&(struct ioctl_field){ 0, 2, 0 }), 7);
    assert_int_equal(fake_bsd_restricted_to(d->fd), 7);
    assert_int_equal(op_nr_vcpus(), 3);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 8, 0), -1);
    assert_int_equal(errno, EPERM);
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 8), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xendevicemodel_close(d), 0);
}

/*
 * A privcmd without DM_OP answers ENOSYS, and so does the empty probe:
 * the op goes as a dm_op hypercall, its buffers in locked memory, and
 * stays so; restriction is then impossible (EOPNOTSUPP).
 */
static void test_old_kernel_uses_the_hypercall(void **state)
{
    unsigned long reqs[8];
    unsigned int v = 0;
    const struct fake_bsd_hypercall *h;

    (void)state;
    install(FAKE_FREEBSD_OLD);
    d = xendevicemodel_open(NULL, 0);
    assert_non_null(d);
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(bsd_ioctls(reqs, 8), 3);
    assert_int_equal(reqs[0], DM_OP);
    assert_int_equal(reqs[1], DM_OP);
    assert_int_equal(reqs[2], XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL);
    h = fake_bsd_hypercall_at(0);
    assert_int_equal(h->op, __HYPERVISOR_dm_op);
    assert_int_equal(h->arg[0], 7);
    assert_int_equal(h->arg[1], 1);
    /* the bounce block is gone again */
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &v), 0);
    assert_int_equal(bsd_ioctls(reqs, 8), 4);
    assert_int_equal(reqs[3], XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL);
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 7), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(bsd_ioctls(reqs, 8), 4);
    assert_int_equal(xendevicemodel_close(d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, bsd_protocol_teardown)
        T(test_dm_op_layout),
        T(test_xen_enosys_is_not_a_missing_request),
        T(test_restrict),
        T(test_old_kernel_uses_the_hypercall),
#undef T
    };

    return cmocka_run_group_tests_name("freebsd-devicemodel", tests, NULL,
                                       NULL);
}
