/*
 * test-devicemodel.c - xendevicemodel on NetBSD, against the fake NetBSD
 * kernel (tests/unit/fake_bsd.h): no DM_OP request, so every op is a
 * dm_op hypercall from the first (no request is sent that the kernel
 * would answer with its ambiguous EINVAL), its buffers bounced through
 * locked memory; no RESTRICT: EOPNOTSUPP without a system call.  The API
 * contract is tests/unit/test-devicemodel.c.
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
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "bsd-protocol.h"

static int n_ops;
static struct xen_dm_op seen_op;
static size_t seen_size1;

/* The dm_op hypercall, as Xen reads it (from locked memory). */
static long xen_hypercall(uint64_t op, const uint64_t arg[5])
{
    const xen_dm_op_buf_t *list = (const void *)(uintptr_t)arg[2];
    struct xen_dm_op *o;

    if (op != __HYPERVISOR_dm_op || arg[1] < 1 || arg[1] > 2)
        return -ENOSYS;
    assert_true(fake_bsd_locked_bytes() > 0);
    assert_int_equal(fake_bsd_inherit_at(list), XS_BSD_INHERIT_NONE);
    o = list[0].h.p;
    assert_int_equal(list[0].size, sizeof(*o));
    memcpy(&seen_op, o, sizeof(seen_op));
    seen_size1 = arg[1] > 1 ? list[1].size : 0;
    n_ops++;
    if (o->op == XEN_DMOP_nr_vcpus)
        o->u.nr_vcpus.vcpus = 4;
    return 0;
}

static int setup(void **state)
{
    struct fake_bsd_config cfg;

    (void)state;
    fake_bsd_default_config(&cfg, FAKE_BSD_NETBSD);
    cfg.hypercall = xen_hypercall;
    bsd_protocol_install(&cfg);
    n_ops = 0;
    return 0;
}

static void test_ops_are_hypercalls(void **state)
{
    xendevicemodel_handle *d;
    unsigned long reqs[8], bitmap[1];
    unsigned int v = 0;
    const struct fake_bsd_hypercall *h;

    (void)state;
    d = xendevicemodel_open(NULL, 0);
    assert_non_null(d);
    assert_string_equal(bsd_call_of(FAKE_OPEN, 0)->path, "/kern/xen/privcmd");
    assert_int_equal(xendevicemodel_nr_vcpus(d, 6, &v), 0);
    assert_int_equal(v, 4);
    /* one request, and it is HYPERCALL: no DM_OP is tried */
    assert_int_equal(bsd_ioctls(reqs, 8), 1);
    assert_int_equal(reqs[0], XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL);
    h = fake_bsd_hypercall_at(0);
    assert_int_equal(h->op, __HYPERVISOR_dm_op);
    assert_int_equal(h->arg[0], 6);
    assert_int_equal(h->arg[1], 1);
    assert_int_equal(seen_op.op, XEN_DMOP_nr_vcpus);
    /* two buffers, both bounced */
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 6, 0x10, 64, bitmap),
                     0);
    assert_int_equal(fake_bsd_hypercall_at(1)->arg[1], 2);
    assert_int_equal(seen_size1, 8);
    assert_int_equal(n_ops, 2);
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_restrict_is_not_supported(void **state)
{
    xendevicemodel_handle *d;
    int before;

    (void)state;
    d = xendevicemodel_open(NULL, 0);
    assert_non_null(d);
    before = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 6), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(fake_sys_count_all(), before);
    /* restrict_all revokes the handle instead */
    assert_int_equal(xentoolcore_restrict_all(6), 0);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 6, 0), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(n_ops, 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, bsd_protocol_teardown)
        T(test_ops_are_hypercalls),
        T(test_restrict_is_not_supported),
#undef T
    };

    return cmocka_run_group_tests_name("netbsd-devicemodel", tests, NULL,
                                       NULL);
}
