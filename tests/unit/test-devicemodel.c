/*
 * test-devicemodel.c - xendevicemodel: IOCTL_PRIVCMD_DM_OP layouts for
 * every operation, argument checks, lazy DM_OP detection and the
 * xencall fallback, restrict, fault injection.
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
#include <string.h>
#include <cmocka.h>

#include <xendevicemodel.h>
#include <xentoolcore.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include "devicemodel_private.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "fake_sys.h"
#include "fixtures.h"

#define DM_OP_REQ     0x00105005UL
#define RESTRICT_REQ  0x00025006UL
#define HYPERCALL_REQ 0x00305000UL

/* ---- the fake privcmd ---- */
static int dm_op_missing;           /* DM_OP answers ENOTTY */
static int xen_err;                 /* errno Xen answers a real op with */
static uint16_t seen_dom, seen_num;
static unsigned char seen_op[sizeof(struct xen_dm_op)];
static size_t seen_size[2];
static unsigned char seen_buf1[64];
static int n_dm_ops, n_probes, n_hypercalls;
static domid_t seen_restrict;
static struct xs_privcmd_hypercall seen_hc;
static int no_privcmd_dev;

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

static int drv_open(const char *path, int flags)
{
    if (no_privcmd_dev && !strcmp(path, "/dev/xen/privcmd")) {
        errno = ENOENT;
        return -1;
    }
    return fake_sys_default_open(path, flags);
}

static int drv_ioctl(int fd, unsigned long request, void *arg)
{
    (void)fd;
    if (request == DM_OP_REQ) {
        const struct xs_privcmd_dm_op *d = arg;
        const unsigned char *raw = arg;
        int rc;

        /* layout as the kernel reads it: dom @0, num @2, ubufs @8 */
        memcpy(&seen_dom, raw, 2);
        memcpy(&seen_num, raw + 2, 2);
        if (dm_op_missing) {
            errno = ENOTTY;
            return -1;
        }
        if (d->num == 0) {
            assert_int_equal(d->dom, 0x7ff4);
            assert_null(d->ubufs);
            n_probes++;
            return 0;
        }
        n_dm_ops++;
        for (unsigned i = 0; i < d->num; i++)
            seen_size[i] = d->ubufs[i].size;
        if (d->num > 1)
            memcpy(seen_buf1, d->ubufs[1].uptr,
                   d->ubufs[1].size < sizeof(seen_buf1)
                       ? d->ubufs[1].size : sizeof(seen_buf1));
        rc = xen_dm_op(d->ubufs[0].uptr, d->ubufs[0].size);
        if (rc < 0) {
            errno = -rc;
            return -1;
        }
        return 0;
    }
    if (request == RESTRICT_REQ) {
        memcpy(&seen_restrict, arg, 2);
        if (dm_op_missing) {
            errno = ENOTTY;
            return -1;
        }
        return 0;
    }
    if (request == HYPERCALL_REQ) {
        const xen_dm_op_buf_t *b;
        int rc;

        memcpy(&seen_hc, arg, sizeof(seen_hc));
        n_hypercalls++;
        assert_int_equal(seen_hc.op, 41);
        seen_dom = (uint16_t)seen_hc.arg[0];
        seen_num = (uint16_t)seen_hc.arg[1];
        b = (const xen_dm_op_buf_t *)(uintptr_t)seen_hc.arg[2];
        for (unsigned i = 0; i < seen_num; i++)
            seen_size[i] = b[i].size;
        rc = xen_dm_op((unsigned char *)b[0].h.p, b[0].size);
        if (rc < 0) {
            errno = -rc;
            return -1;
        }
        return 0;
    }
    errno = ENOTTY;
    return -1;
}

static int setup(void **state)
{
    struct fake_sys_handlers h = { .open = drv_open, .ioctl = drv_ioctl };

    (void)state;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    dm_op_missing = xen_err = no_privcmd_dev = 0;
    n_dm_ops = n_probes = n_hypercalls = 0;
    memset(seen_op, 0xee, sizeof(seen_op));
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xendevicemodel_handle *open_ok(void)
{
    xendevicemodel_handle *d = xendevicemodel_open(NULL, 0);

    assert_non_null(d);
    return d;
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

    (void)state;
    d = open_ok();
    /* privcmd only: no probe, no xencall handle */
    assert_int_equal(fake_sys_count_all(), 1);
    assert_string_equal(fake_sys_call_at(0)->path, "/dev/xen/privcmd");
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xendevicemodel_close(d), 0);
    assert_int_equal(fake_sys_count_all(), 2);
    assert_int_equal(xendevicemodel_close(NULL), 0);

    /* EACCES: the open fails, nothing leaks or stays registered */
    fake_sys_fail_nth(FAKE_OPEN, 2, EACCES);
    errno = 0;
    assert_null(xendevicemodel_open(NULL, 0));
    assert_int_equal(errno, EACCES);
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 0);

    /* close failing reports it */
    d = open_ok();
    fake_sys_fail_nth(FAKE_CLOSE, 2, EIO);
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
    int before;

    (void)state;
    assert_int_equal(sizeof(struct xen_dm_op), 32);

    before = fake_sys_count_all();
    assert_int_equal(xendevicemodel_create_ioreq_server(d, 7, 2, &id), 0);
    assert_int_equal(fake_sys_count_all(), before + 1);   /* one ioctl */
    assert_int_equal(fake_sys_call_at(before)->request, DM_OP_REQ);
    assert_int_equal(seen_dom, 7);
    assert_int_equal(seen_num, 1);
    assert_int_equal(op_u32(0), 1);
    assert_int_equal(op_u32(4), 0);
    assert_int_equal(seen_op[8], 2);
    assert_int_equal(id, 5);

    assert_int_equal(xendevicemodel_get_ioreq_server_info(d, 7, 5, &g1, &g2,
                                                          &port), 0);
    assert_int_equal(op_u32(0), 2);
    assert_int_equal(op_u32(8), 5);                 /* id @8, flags @10 */
    assert_int_equal(g1, 0x1234);
    assert_int_equal(g2, 0x5678);
    assert_int_equal(port, 77);
    port = 0;
    assert_int_equal(xendevicemodel_get_ioreq_server_info(d, 7, 5, NULL,
                                                          NULL, &port), 0);
    assert_int_equal(op_u32(8), 5 | (1u << 16));    /* XEN_DMOP_no_gfns */
    assert_int_equal(port, 77);
    assert_int_equal(xendevicemodel_get_ioreq_server_info(d, 7, 5, NULL,
                                                          &g2, NULL), 0);
    assert_int_equal(op_u32(8), 5);

    assert_int_equal(xendevicemodel_map_io_range_to_ioreq_server(
                         d, 7, 5, 1, 0x1000, 0x1fff), 0);
    assert_int_equal(op_u32(0), 3);
    assert_int_equal(op_u32(8), 5);
    assert_int_equal(op_u32(12), 1);
    assert_int_equal(op_u64(16), 0x1000);
    assert_int_equal(op_u64(24), 0x1fff);
    assert_int_equal(xendevicemodel_unmap_io_range_from_ioreq_server(
                         d, 7, 5, 0, 0x60, 0x64), 0);
    assert_int_equal(op_u32(0), 4);
    assert_int_equal(op_u32(12), 0);
    assert_int_equal(op_u64(16), 0x60);
    assert_int_equal(op_u64(24), 0x64);

    assert_int_equal(xendevicemodel_map_pcidev_to_ioreq_server(
                         d, 7, 5, 1, 2, 3, 4), 0);
    assert_int_equal(op_u32(0), 3);
    assert_int_equal(op_u32(12), 2);
    assert_int_equal(op_u64(16), (1u << 16) | (2 << 8) | (3 << 3) | 4);
    assert_int_equal(op_u64(24), (1u << 16) | (2 << 8) | (3 << 3) | 4);
    assert_int_equal(xendevicemodel_unmap_pcidev_from_ioreq_server(
                         d, 7, 5, 0, 0, 0x1f, 7), 0);
    assert_int_equal(op_u32(0), 4);
    assert_int_equal(op_u64(16), 0xff);

    assert_int_equal(xendevicemodel_map_mem_type_to_ioreq_server(
                         d, 7, 5, HVMMEM_ioreq_server, 2), 0);
    assert_int_equal(op_u32(0), 15);
    assert_int_equal(op_u32(8), 5 | (4u << 16));
    assert_int_equal(op_u32(12), 2);
    assert_int_equal(op_u64(16), 0);

    assert_int_equal(xendevicemodel_set_ioreq_server_state(d, 7, 5, 42), 0);
    assert_int_equal(op_u32(0), 5);
    assert_int_equal(op_u32(8), 5 | (1u << 16));    /* enabled = 1 */
    assert_int_equal(xendevicemodel_destroy_ioreq_server(d, 7, 5), 0);
    assert_int_equal(op_u32(0), 6);
    assert_int_equal(op_u32(8), 5);

    assert_int_equal(xendevicemodel_set_pci_intx_level(d, 7, 0x102, 3, 4, 2,
                                                       1), 0);
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

    assert_int_equal(xendevicemodel_set_mem_type(d, 7, HVMMEM_ram_ro,
                                                 0x100, 16), 0);
    assert_int_equal(op_u32(0), 12);
    assert_int_equal(op_u32(8), 16);
    assert_int_equal(op_u32(12), 1);
    assert_int_equal(op_u64(16), 0x100);

    assert_int_equal(xendevicemodel_inject_event(d, 7, 1, 14, 3, 2, 0,
                                                 0xdead000), 0);
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
    assert_int_equal(xendevicemodel_pin_memory_cacheattr(d, 7, 0x10, 0x1f,
                                                         6), 0);
    assert_int_equal(op_u32(0), 18);
    assert_int_equal(op_u64(8), 0x10);
    assert_int_equal(op_u64(16), 0x1f);
    assert_int_equal(op_u32(24), 6);

    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &vcpus), 0);
    assert_int_equal(op_u32(0), 20);
    assert_int_equal(vcpus, 3);

    assert_int_equal(n_probes, 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_two_buffer_ops(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned long bitmap[2] = { 0, 0 };
    struct xen_dm_op_modified_memory_extent ext[2] = {
        { .nr = 3, .first_pfn = 0x100 }, { .nr = 4, .first_pfn = 0x200 },
    };

    (void)state;
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 7, 0xa0, 9, bitmap),
                     0);
    assert_int_equal(seen_num, 2);
    assert_int_equal(op_u32(0), 7);
    assert_int_equal(op_u32(8), 9);
    assert_int_equal(op_u64(16), 0xa0);
    assert_int_equal(seen_size[1], 2);              /* (9 + 7) / 8 */

    assert_int_equal(xendevicemodel_modified_memory(d, 7, 0x300, 5), 0);
    assert_int_equal(seen_num, 2);
    assert_int_equal(op_u32(0), 11);
    assert_int_equal(op_u32(8), 1);                 /* nr_extents */
    assert_int_equal(op_u32(12), 0);                /* opaque */
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
    errno = 0;
    assert_int_equal(xendevicemodel_map_mem_type_to_ioreq_server(
                         d, 7, 5, HVMMEM_ram_rw, 2), -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xendevicemodel_map_mem_type_to_ioreq_server(
                         d, 7, 5, HVMMEM_ioreq_server, 1), -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xendevicemodel_map_pcidev_to_ioreq_server(
                         d, 7, 5, 0, 0, 0x20, 0), -1);
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_int_equal(xendevicemodel_unmap_pcidev_from_ioreq_server(
                         d, 7, 5, 0, 0, 0, 8), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_errors_no_probe(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 99;
    int before;

    (void)state;
    /* an errno other than ENOTTY/EINVAL proves DM_OP exists: one ioctl */
    xen_err = ESRCH;
    before = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &vcpus), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(vcpus, 99);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(n_probes, 0);

    /* injected kernel failure: -1 with its errno, nothing leaks */
    xen_err = 0;
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 7, 0), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_einval_probes_once(void **state)
{
    xendevicemodel_handle *d = open_ok();
    int before;

    (void)state;
    /* Xen's EINVAL on the first op: the probe says DM_OP exists */
    xen_err = EINVAL;
    errno = 0;
    assert_int_equal(xendevicemodel_set_isa_irq_level(d, 7, 99, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(n_probes, 1);
    assert_int_equal(seen_dom, 0x7ff4);
    assert_int_equal(seen_num, 0);
    /* known now: the next EINVAL costs one ioctl, no probe */
    before = fake_sys_count_all();
    assert_int_equal(xendevicemodel_set_isa_irq_level(d, 7, 99, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(n_probes, 1);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_fallback_hypercall(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 0;
    unsigned long bitmap = 0;

    (void)state;
    dm_op_missing = 1;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(vcpus, 3);                     /* copied back */
    assert_int_equal(n_hypercalls, 1);
    assert_int_equal(seen_hc.arg[0], 9);
    assert_int_equal(seen_hc.arg[1], 1);
    assert_int_equal(seen_size[0], 32);
    assert_int_equal(op_u32(0), 20);
    /* later ops go straight to the hypercall */
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 9, 0, 17, &bitmap),
                     0);
    assert_int_equal(n_hypercalls, 2);
    assert_int_equal(seen_hc.arg[1], 2);
    assert_int_equal(seen_size[1], 3);
    /* Xen errors come back as errno */
    xen_err = ESRCH;
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 9, 0), -1);
    assert_int_equal(errno, ESRCH);
    /* restrict is not possible in this mode */
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 9), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(xendevicemodel_close(d), 0);

    /* no privcmd node at all: hypercalls through /proc/xen/privcmd */
    setup(NULL);
    no_privcmd_dev = 1;
    d = open_ok();
    assert_int_equal(fake_sys_count_all(), 2);
    assert_string_equal(fake_sys_call_at(1)->path, "/proc/xen/privcmd");
    assert_int_equal(fake_sys_call_at(1)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(n_hypercalls, 1);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_fallback_faults(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 0;
    int nioctl;

    (void)state;
    dm_op_missing = 1;
    /* the bounce memory cannot be had: the op fails with its errno */
    fake_sys_fail_nth(FAKE_MMAP, 1, ENOMEM);
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), -1);
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(n_hypercalls, 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* the hypercall fails: its errno, the bounce memory released */
    nioctl = fake_sys_count(FAKE_IOCTL);
    fake_sys_fail_nth(FAKE_IOCTL, nioctl + 1, EFAULT);
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(vcpus, 3);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_restrict(void **state)
{
    xendevicemodel_handle *d = open_ok();
    int before;

    (void)state;
    assert_int_equal(xendevicemodel_restrict(d, 12), 0);
    assert_int_equal(seen_restrict, 12);
    before = fake_sys_count_all();
    assert_int_equal(xentoolcore_restrict_all(13), 0);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(fake_sys_call_at(before)->request, RESTRICT_REQ);
    assert_int_equal(seen_restrict, 13);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 14), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xendevicemodel_close(d), 0);

    /* hypercall mode + restrict_all: no unrestricted xencall later */
    setup(NULL);
    d = open_ok();
    dm_op_missing = 1;
    assert_int_equal(xentoolcore_restrict_all(13), 0);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 13, 0), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(n_hypercalls, 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_close),
        T(test_ops_layout),
        T(test_two_buffer_ops),
        T(test_argument_checks),
        T(test_errors_no_probe),
        T(test_einval_probes_once),
        T(test_fallback_hypercall),
        T(test_fallback_faults),
        T(test_restrict),
#undef T
    };

    return cmocka_run_group_tests_name("devicemodel", tests, NULL, NULL);
}
