/*
 * test-devicemodel.c - libxendevicemodel's contract on every backend,
 * over a fake hypervisor: every struct xen_dm_op as Xen reads it (and
 * its answers copied back), the two-buffer ops, argument checks, Xen's
 * and the kernel's errors, restrict.  How an op reaches Xen (the
 * kernel's DM op request, or the dm_op hypercall) is each OS's driver
 * protocol (tests/drivers/<os>/test-devicemodel.c).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <xendevicemodel.h>
#include <xentoolcore.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include "devicemodel_private.h"
#include "contract.h"

/* ---- Xen ---- */
static int xen_err; /* errno Xen answers a real op with */
static uint16_t seen_dom, seen_num;
static unsigned char seen_op[sizeof(struct xen_dm_op)];
static size_t seen_size[2];
static unsigned char seen_buf1[64];
static int n_dm_ops;

/* Xen's side: read the op, write results like the hypervisor would. */
static int xen_dm_op(unsigned char *op, size_t size)
{
    struct xen_dm_op *o = (struct xen_dm_op *)op;

    assert_int_equal(size, sizeof(struct xen_dm_op));
    memcpy(seen_op, op, size);
    if (xen_err)
        return -xen_err;
    switch (o->op) {
    case XEN_DMOP_create_ioreq_server:
        o->u.create_ioreq_server.id = 5;
        break;
    case XEN_DMOP_get_ioreq_server_info:
        o->u.get_ioreq_server_info.bufioreq_port = 77;
        o->u.get_ioreq_server_info.ioreq_gfn = 0x1234;
        o->u.get_ioreq_server_info.bufioreq_gfn = 0x5678;
        break;
    case XEN_DMOP_nr_vcpus:
        o->u.nr_vcpus.vcpus = 3;
        break;
    }
    return 0;
}

static int xen_dm_op_hook(uint16_t domid, unsigned int nr_bufs,
                          const struct fake_xen_buf *bufs)
{
    seen_dom = domid;
    seen_num = (uint16_t)nr_bufs;
    n_dm_ops++;
    for (unsigned int i = 0; i < nr_bufs && i < 2; i++)
        seen_size[i] = bufs[i].size;
    if (nr_bufs > 1 && bufs[1].size) /* an empty one may be NULL */
        memcpy(seen_buf1, bufs[1].ptr,
               bufs[1].size < sizeof(seen_buf1) ? bufs[1].size
                                                : sizeof(seen_buf1));
    return xen_dm_op(bufs[0].ptr, bufs[0].size);
}

/* The backend's fake drivers (a kernel variant) over this Xen. */
static void install(unsigned int variant)
{
    static const struct fake_xen_ops xen = { .dm_op = xen_dm_op_hook };

    xs_backend.install(variant);
    fake_xen_set(&xen);
    xen_err = 0;
    n_dm_ops = 0;
    memset(seen_op, 0xee, sizeof(seen_op));
}

static int setup(void **state)
{
    (void)state;
    install(0);
    return 0;
}

static xendevicemodel_handle *open_ok(void)
{
    return CONTRACT_OPEN(XS_OP_DM_OPEN, xendevicemodel_open(NULL, 0));
}

static uint32_t op_u32(size_t off)
{
    uint32_t v;

    memcpy(&v, seen_op + off, 4);
    return v;
}

static uint64_t op_u64(size_t off)
{
    uint64_t v;

    memcpy(&v, seen_op + off, 8);
    return v;
}

static void test_open_close(void **state)
{
    xendevicemodel_handle *d;
    int want = CONTRACT_EXPECT(XS_OP_DM_OPEN) ? CONTRACT_EXPECT(XS_OP_DM_OPEN)
                                              : EACCES;

    (void)state;
    assert_int_equal(xendevicemodel_close(NULL), 0);
    /* a failed open holds nothing and leaves nothing registered */
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    assert_null(xendevicemodel_open(NULL, 0));
    assert_int_equal(errno, want);
    assert_int_equal(fake_sys_open_fds(), 0);
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 0);

    install(0);
    d = open_ok();
    if (!d)
        return;
    assert_int_equal(fcntl(d->fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    assert_int_equal(xendevicemodel_close(d), 0);
    /* no probe, no xencall handle: the open and the close */
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls);

    /* close failing reports it */
    d = open_ok();
    fake_sys_fail_nth(FAKE_CLOSE, fake_sys_count(FAKE_CLOSE) + 1, EIO);
    errno = 0;
    assert_int_equal(xendevicemodel_close(d), -1);
    assert_int_equal(errno, EIO);
}

static void test_ops_layout(void **state)
{
    xendevicemodel_handle *d = open_ok();
    ioservid_t id = 0;
    xen_pfn_t g1 = 0, g2 = 0;
    evtchn_port_t port = 0;
    unsigned int vcpus = 0;

    (void)state;
    if (!d)
        return;
    assert_int_equal(sizeof(struct xen_dm_op), 32);

    assert_int_equal(xendevicemodel_create_ioreq_server(d, 7, 2, &id), 0);
    assert_int_equal(n_dm_ops, 1);
    assert_int_equal(seen_dom, 7);
    assert_int_equal(seen_num, 1);
    assert_int_equal(op_u32(0), 1);
    assert_int_equal(op_u32(4), 0);
    assert_int_equal(seen_op[8], 2);
    assert_int_equal(id, 5);

    assert_int_equal(xendevicemodel_get_ioreq_server_info(d, 7, 5, &g1, &g2,
                                                          &port),
                     0);
    assert_int_equal(op_u32(0), 2);
    assert_int_equal(op_u32(8), 5); /* id @8, flags @10 */
    assert_int_equal(g1, 0x1234);
    assert_int_equal(g2, 0x5678);
    assert_int_equal(port, 77);
    port = 0;
    assert_int_equal(xendevicemodel_get_ioreq_server_info(d, 7, 5, NULL, NULL,
                                                          &port),
                     0);
    assert_int_equal(op_u32(8), 5 | (1u << 16)); /* XEN_DMOP_no_gfns */
    assert_int_equal(port, 77);
    assert_int_equal(xendevicemodel_get_ioreq_server_info(d, 7, 5, NULL, &g2,
                                                          NULL),
                     0);
    assert_int_equal(op_u32(8), 5);

    assert_int_equal(xendevicemodel_map_io_range_to_ioreq_server(d, 7, 5, 1,
                                                                 0x1000,
                                                                 0x1fff),
                     0);
    assert_int_equal(op_u32(0), 3);
    assert_int_equal(op_u32(8), 5);
    assert_int_equal(op_u32(12), 1);
    assert_int_equal(op_u64(16), 0x1000);
    assert_int_equal(op_u64(24), 0x1fff);
    assert_int_equal(xendevicemodel_unmap_io_range_from_ioreq_server(d, 7, 5,
                                                                     0, 0x60,
                                                                     0x64),
                     0);
    assert_int_equal(op_u32(0), 4);
    assert_int_equal(op_u32(12), 0);
    assert_int_equal(op_u64(16), 0x60);
    assert_int_equal(op_u64(24), 0x64);

    assert_int_equal(xendevicemodel_map_pcidev_to_ioreq_server(d, 7, 5, 1, 2,
                                                               3, 4),
                     0);
    assert_int_equal(op_u32(0), 3);
    assert_int_equal(op_u32(12), 2);
    assert_int_equal(op_u64(16), (1u << 16) | (2 << 8) | (3 << 3) | 4);
    assert_int_equal(op_u64(24), (1u << 16) | (2 << 8) | (3 << 3) | 4);
    assert_int_equal(xendevicemodel_unmap_pcidev_from_ioreq_server(d, 7, 5, 0,
                                                                   0, 0x1f, 7),
                     0);
    assert_int_equal(op_u32(0), 4);
    assert_int_equal(op_u64(16), 0xff);

    assert_int_equal(xendevicemodel_map_mem_type_to_ioreq_server(
                         d, 7, 5, HVMMEM_ioreq_server, 2),
                     0);
    assert_int_equal(op_u32(0), 15);
    assert_int_equal(op_u32(8), 5 | (4u << 16));
    assert_int_equal(op_u32(12), 2);
    assert_int_equal(op_u64(16), 0);

    assert_int_equal(xendevicemodel_set_ioreq_server_state(d, 7, 5, 42), 0);
    assert_int_equal(op_u32(0), 5);
    assert_int_equal(op_u32(8), 5 | (1u << 16)); /* enabled = 1 */
    assert_int_equal(xendevicemodel_destroy_ioreq_server(d, 7, 5), 0);
    assert_int_equal(op_u32(0), 6);
    assert_int_equal(op_u32(8), 5);

    assert_int_equal(xendevicemodel_set_pci_intx_level(d, 7, 0x102, 3, 4, 2,
                                                       1),
                     0);
    assert_int_equal(op_u32(0), 8);
    assert_int_equal(op_u64(8), 0x0102 | (3u << 16) | (4u << 24) |
                                    (2ULL << 32) | (1ULL << 40));
    assert_int_equal(xendevicemodel_set_isa_irq_level(d, 7, 9, 1), 0);
    assert_int_equal(op_u32(0), 9);
    assert_int_equal(op_u32(8) & 0xffff, 9 | (1 << 8));
    assert_int_equal(xendevicemodel_set_irq_level(d, 7, 300, 1), 0);
    assert_int_equal(op_u32(0), 19);
    assert_int_equal(op_u32(8), 300);
    assert_int_equal(seen_op[12], 1);
    assert_int_equal(xendevicemodel_set_pci_link_route(d, 7, 2, 11), 0);
    assert_int_equal(op_u32(0), 10);
    assert_int_equal(op_u32(8) & 0xffff, 2 | (11 << 8));
    assert_int_equal(xendevicemodel_inject_msi(d, 7, 0xfee00000, 0x4041), 0);
    assert_int_equal(op_u32(0), 14);
    assert_int_equal(op_u32(8), 0x4041);
    assert_int_equal(op_u64(16), 0xfee00000);

    assert_int_equal(xendevicemodel_set_mem_type(d, 7, HVMMEM_ram_ro, 0x100,
                                                 16),
                     0);
    assert_int_equal(op_u32(0), 12);
    assert_int_equal(op_u32(8), 16);
    assert_int_equal(op_u32(12), 1);
    assert_int_equal(op_u64(16), 0x100);

    assert_int_equal(xendevicemodel_inject_event(d, 7, 1, 14, 3, 2, 0,
                                                 0xdead000),
                     0);
    assert_int_equal(op_u32(0), 13);
    assert_int_equal(op_u32(8), 1);
    assert_int_equal(seen_op[12], 14);
    assert_int_equal(seen_op[13], 3);
    assert_int_equal(seen_op[14], 0);
    assert_int_equal(op_u32(16), 2);
    assert_int_equal(op_u64(24), 0xdead000);

    assert_int_equal(xendevicemodel_shutdown(d, 7, 1), 0);
    assert_int_equal(op_u32(0), 16);
    assert_int_equal(op_u32(8), 1);
    assert_int_equal(xendevicemodel_relocate_memory(d, 7, 4, 0x10, 0x20), 0);
    assert_int_equal(op_u32(0), 17);
    assert_int_equal(op_u32(8), 4);
    assert_int_equal(op_u32(12), 0);
    assert_int_equal(op_u64(16), 0x10);
    assert_int_equal(op_u64(24), 0x20);
    assert_int_equal(xendevicemodel_pin_memory_cacheattr(d, 7, 0x10, 0x1f, 6),
                     0);
    assert_int_equal(op_u32(0), 18);
    assert_int_equal(op_u64(8), 0x10);
    assert_int_equal(op_u64(16), 0x1f);
    assert_int_equal(op_u32(24), 6);

    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &vcpus), 0);
    assert_int_equal(op_u32(0), 20);
    assert_int_equal(vcpus, 3);

    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_two_buffer_ops(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned long bitmap[2] = { 0, 0 };
    struct xen_dm_op_modified_memory_extent ext[2] = {
        { .nr = 3, .first_pfn = 0x100 },
        { .nr = 4, .first_pfn = 0x200 },
    };

    (void)state;
    if (!d)
        return;
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 7, 0xa0, 9, bitmap),
                     0);
    assert_int_equal(seen_num, 2);
    assert_int_equal(op_u32(0), 7);
    assert_int_equal(op_u32(8), 9);
    assert_int_equal(op_u64(16), 0xa0);
    assert_int_equal(seen_size[1], 2); /* (9 + 7) / 8 */

    assert_int_equal(xendevicemodel_modified_memory(d, 7, 0x300, 5), 0);
    assert_int_equal(seen_num, 2);
    assert_int_equal(op_u32(0), 11);
    assert_int_equal(op_u32(8), 1);  /* nr_extents */
    assert_int_equal(op_u32(12), 0); /* opaque */
    assert_int_equal(seen_size[1], 16);
    {
        uint32_t nr;
        uint64_t pfn;

        memcpy(&nr, seen_buf1, 4);
        memcpy(&pfn, seen_buf1 + 8, 8);
        assert_int_equal(nr, 5);
        assert_int_equal(pfn, 0x300);
    }
    assert_int_equal(xendevicemodel_modified_memory_bulk(d, 7, ext, 2), 0);
    assert_int_equal(op_u32(8), 2);
    assert_int_equal(seen_size[1], 32);
    assert_memory_equal(seen_buf1, ext, 32);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_argument_checks(void **state)
{
    xendevicemodel_handle *d = open_ok();
    int before = fake_sys_count_all();

    (void)state;
    if (!d)
        return;
    errno = 0;
    assert_int_equal(xendevicemodel_map_mem_type_to_ioreq_server(d, 7, 5,
                                                                 HVMMEM_ram_rw,
                                                                 2),
                     -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xendevicemodel_map_mem_type_to_ioreq_server(
                         d, 7, 5, HVMMEM_ioreq_server, 1),
                     -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xendevicemodel_map_pcidev_to_ioreq_server(d, 7, 5, 0, 0,
                                                               0x20, 0),
                     -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xendevicemodel_unmap_pcidev_from_ioreq_server(d, 7, 5, 0,
                                                                   0, 0, 8),
                     -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_errors(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 99;

    (void)state;
    if (!d)
        return;
    /* Xen's errno comes back; nothing is copied back */
    xen_err = ESRCH;
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &vcpus), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(vcpus, 99);
    /* the kernel refusing: -1 with its errno, nothing leaks */
    xen_err = 0;
    fake_sys_fail_always(FAKE_IOCTL, EFAULT);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 7, 0), -1);
    assert_int_equal(errno, EFAULT);
    fake_sys_fail_always(FAKE_IOCTL, 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_restrict(void **state)
{
    xendevicemodel_handle *d = open_ok();

    (void)state;
    if (!d)
        return;
    if (CONTRACT_EXPECT(XS_OP_DM_RESTRICT)) {
        errno = 0;
        assert_int_equal(xendevicemodel_restrict(d, 12), -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_DM_RESTRICT));
        /* restrict_all cannot narrow it either: revoked, and a success
         * (docs/security.md) */
        assert_int_equal(xentoolcore_restrict_all(12), 0);
        errno = 0;
        assert_int_equal(xendevicemodel_shutdown(d, 12, 0), -1);
        assert_int_equal(errno, EPERM);
    } else {
        assert_int_equal(xendevicemodel_restrict(d, 12), 0);
        assert_int_equal(xentoolcore_restrict_all(12), 0);
        /* narrowed, not revoked: ops on that domain still reach Xen, the
         * kernel refuses others */
        assert_int_equal(xendevicemodel_shutdown(d, 12, 0), 0);
        assert_int_equal(n_dm_ops, 1);
        errno = 0;
        assert_int_equal(xendevicemodel_shutdown(d, 13, 0), -1);
        assert_int_equal(errno, EPERM);
        assert_int_equal(n_dm_ops, 1);
        /* another domain is EINVAL (FreeBSD's driver: -EINVAL) */
        errno = 0;
        assert_int_equal(xendevicemodel_restrict(d, 14), -1);
        assert_int_equal(errno, EINVAL);
        fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
        errno = 0;
        assert_int_equal(xendevicemodel_restrict(d, 12), -1);
        assert_int_equal(errno, EPERM);
    }
    assert_int_equal(xendevicemodel_close(d), 0);
}

/*
 * nr 0 stops tracking, and what the bitmap pointer is then does not
 * matter: QEMU passes NULL, a caller may pass a page-aligned array.  Both
 * reach Xen as an empty second buffer, whatever the kernel makes of
 * empty buffers (Linux's DM_OP fails one that spans no page with EFAULT:
 * tests/drivers/linux/driver.c models that).
 */
static void test_stop_tracking_any_pointer(void **state)
{
    xendevicemodel_handle *d = open_ok();
    long page = sysconf(_SC_PAGESIZE);
    unsigned long *aligned = aligned_alloc((size_t)page, (size_t)page);

    (void)state;
    assert_non_null(aligned);
    if (d) {
        unsigned long *bitmaps[] = { NULL, aligned, aligned + 1 };

        for (size_t i = 0; i < sizeof(bitmaps) / sizeof(bitmaps[0]); i++) {
            n_dm_ops = 0;
            seen_size[1] = 99;
            assert_int_equal(xendevicemodel_track_dirty_vram(d, 7, 0, 0,
                                                             bitmaps[i]),
                             0);
            assert_int_equal(n_dm_ops, 1);
            assert_int_equal(seen_num, 2);
            assert_int_equal(op_u32(0), 7); /* XEN_DMOP_track_dirty_vram */
            assert_int_equal(op_u32(8), 0); /* nr */
            assert_int_equal(seen_size[1], 0);
        }
        assert_int_equal(xendevicemodel_close(d), 0);
    }
    free(aligned);
}

/*
 * A kernel whose privcmd has no DM op request: the backend goes by
 * hypercall on its own, and the caller sees no difference.
 */
static void test_without_kernel_dm_op(void **state)
{
    xendevicemodel_handle *d;
    unsigned int vcpus = 0;

    (void)state;
    install(XS_FAKE_NO_DM_OP);
    d = open_ok();
    if (!d)
        return;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(vcpus, 3);
    assert_int_equal(seen_dom, 9);
    assert_int_equal(op_u32(0), 20);
    /* restrict_all revokes a transport it cannot narrow */
    assert_int_equal(xentoolcore_restrict_all(9), 0);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 9, 0), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xendevicemodel_close(d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, contract_teardown)
        T(test_open_close),      T(test_ops_layout),
        T(test_two_buffer_ops),  T(test_stop_tracking_any_pointer),
        T(test_argument_checks), T(test_errors),
        T(test_restrict),        T(test_without_kernel_dm_op),
#undef T
    };

    return cmocka_run_group_tests_name("devicemodel", tests, NULL, NULL);
}
