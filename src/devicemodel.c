/*
 * devicemodel.c - libxendevicemodel API: handle life cycle, argument
 * checks, building each struct xen_dm_op (the backend carries it to Xen
 * by whatever transport the kernel offers).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>

#include "call_private.h"
#include "devicemodel_private.h"
#include "xs_internal.h"

/*
 * xentoolcore_restrict_all(): narrow privcmd to domid.  A transport that
 * cannot be narrowed (the hypercall path, NetBSD's privcmd) answers
 * EOPNOTSUPP, and the handle layer's one rule applies (handle.c: the
 * descriptor becomes /dev/null, restrict_all succeeds); since DM ops on
 * that path go through an xencall handle, not the descriptor, they are
 * revoked here too (EPERM), as upstream's restrict_all makes the xencall
 * handle its hypercalls go through useless.  In every case `restricted'
 * is set first, so no xencall handle is opened afterwards; one already
 * open is neutered by its own callback.  (Called with the registry lock
 * held: taking dmod->lock here could deadlock with xs__dm_xcall(), which
 * registers a handle under it.)
 */
static int dm_restrict_fn(struct xs_handle *h, domid_t domid)
{
    xendevicemodel_handle *dmod = (xendevicemodel_handle *)h;
    int rc;

    __atomic_store_n(&dmod->restricted, 1, __ATOMIC_SEQ_CST);
    rc = osdep_xendevicemodel_restrict(dmod, domid);
    if (rc == -EOPNOTSUPP)
        __atomic_store_n(&dmod->revoked, 1, __ATOMIC_SEQ_CST);
    return rc;
}

static int dm_init(struct xs_handle *h)
{
    return -pthread_mutex_init(&((xendevicemodel_handle *)h)->lock, NULL);
}

static int dm_fini(struct xs_handle *h)
{
    xendevicemodel_handle *dmod = (xendevicemodel_handle *)h;
    int rc = 0;

    if (dmod->xcall && xencall_close(dmod->xcall) < 0)
        rc = xs__neg_errno();
    pthread_mutex_destroy(&dmod->lock);
    return rc;
}

static const struct xs_handle_type dm_type = {
    .size = sizeof(struct xendevicemodel_handle),
    .restrict_fn = dm_restrict_fn,
    .init = dm_init,
    .fini = dm_fini,
    .log_context = "xendevicemodel",
    .open_error = "Could not obtain handle on privileged command interface",
};

XS_API xendevicemodel_handle *xendevicemodel_open(
    struct xentoollog_logger *logger, unsigned int open_flags)
{
    xendevicemodel_handle *dmod = xs__handle_new(&dm_type, logger);

    (void)open_flags;
    if (!dmod)
        return NULL;
    return xs__handle_opened(dmod, osdep_xendevicemodel_open(dmod));
}

XS_API int xendevicemodel_close(xendevicemodel_handle *dmod)
{
    return xs__handle_close(dmod);
}

XS_API int xendevicemodel_restrict(xendevicemodel_handle *dmod, domid_t domid)
{
    int rc = osdep_xendevicemodel_restrict(dmod, domid);

    if (rc < 0)
        return xs__ret(rc);
    /*
     * privcmd is narrowed; the raw hypercalls of XENSTABLE_1.1 (physmap,
     * pirq, HVM params) cannot be, so they stop working: no xencall
     * handle is opened from now on, and one already open is neutered --
     * under the registry lock, as restrict_all would, because another
     * thread may be opening its buffer device right now.  (Lock order:
     * dmod->lock, then the registry's, as in xs__dm_xcall.)
     */
    pthread_mutex_lock(&dmod->lock);
    __atomic_store_n(&dmod->restricted, 1, __ATOMIC_SEQ_CST);
    if (dmod->xcall)
        rc = xs__xencall_neuter(dmod->xcall);
    pthread_mutex_unlock(&dmod->lock);
    return xs__ret(rc);
}

int xs__dm_xcall(xendevicemodel_handle *dmod, xencall_handle **out)
{
    int rc = 0;

    pthread_mutex_lock(&dmod->lock);
    if (!dmod->xcall) {
        xencall_handle *x;

        if (__atomic_load_n(&dmod->restricted, __ATOMIC_SEQ_CST))
            rc = -EPERM;        /* restricted: nothing unrestricted */
        else if (!(x = xencall_open(dmod->logger, 0)))
            rc = xs__neg_errno();
        else if (__atomic_load_n(&dmod->restricted, __ATOMIC_SEQ_CST)) {
            /* restrict_all ran while x was not yet registered */
            xencall_close(x);
            rc = -EPERM;
        } else
            dmod->xcall = x;
    }
    *out = dmod->xcall;
    pthread_mutex_unlock(&dmod->lock);
    return rc;
}

/* Issue op (bufs[0]) and optional extra buffers; 0 or -errno. */
static int dm_op(xendevicemodel_handle *dmod, domid_t domid,
                 unsigned int nr_bufs, struct xs_dm_buf *bufs)
{
    if (__atomic_load_n(&dmod->revoked, __ATOMIC_SEQ_CST))
        return -EPERM;
    return osdep_xendevicemodel_op(dmod, domid, nr_bufs, bufs);
}

static int dm_op1(xendevicemodel_handle *dmod, domid_t domid,
                  struct xen_dm_op *op)
{
    struct xs_dm_buf b = { op, sizeof(*op) };

    return dm_op(dmod, domid, 1, &b);
}

static void op_init(struct xen_dm_op *op, uint32_t nr)
{
    memset(op, 0, sizeof(*op));
    op->op = nr;
}

XS_API int xendevicemodel_create_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, int handle_bufioreq,
    ioservid_t *id)
{
    struct xen_dm_op op;
    int rc;

    op_init(&op, XEN_DMOP_create_ioreq_server);
    op.u.create_ioreq_server.handle_bufioreq = (uint8_t)handle_bufioreq;
    rc = dm_op1(dmod, domid, &op);
    if (rc == 0)
        *id = op.u.create_ioreq_server.id;
    return xs__ret(rc);
}

XS_API int xendevicemodel_get_ioreq_server_info(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    xen_pfn_t *ioreq_gfn, xen_pfn_t *bufioreq_gfn,
    evtchn_port_t *bufioreq_port)
{
    struct xen_dm_op op;
    struct xen_dm_op_get_ioreq_server_info *d = &op.u.get_ioreq_server_info;
    int rc;

    op_init(&op, XEN_DMOP_get_ioreq_server_info);
    d->id = id;
    /* Neither frame wanted: Xen need not set up the legacy gfns. */
    if (!ioreq_gfn && !bufioreq_gfn)
        d->flags |= XEN_DMOP_no_gfns;
    rc = dm_op1(dmod, domid, &op);
    if (rc < 0)
        return xs__ret(rc);
    if (ioreq_gfn)
        *ioreq_gfn = (xen_pfn_t)d->ioreq_gfn;
    if (bufioreq_gfn)
        *bufioreq_gfn = (xen_pfn_t)d->bufioreq_gfn;
    if (bufioreq_port)
        *bufioreq_port = d->bufioreq_port;
    return 0;
}

static int io_range(xendevicemodel_handle *dmod, domid_t domid, uint32_t nr,
                    ioservid_t id, uint32_t type, uint64_t start,
                    uint64_t end)
{
    struct xen_dm_op op;
    struct xen_dm_op_ioreq_server_range *d;

    op_init(&op, nr);
    d = nr == XEN_DMOP_map_io_range_to_ioreq_server
        ? &op.u.map_io_range_to_ioreq_server
        : &op.u.unmap_io_range_from_ioreq_server;
    d->id = id;
    d->type = type;
    d->start = start;
    d->end = end;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_map_io_range_to_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int is_mmio,
    uint64_t start, uint64_t end)
{
    return io_range(dmod, domid, XEN_DMOP_map_io_range_to_ioreq_server, id,
                    is_mmio ? XEN_DMOP_IO_RANGE_MEMORY
                            : XEN_DMOP_IO_RANGE_PORT, start, end);
}

XS_API int xendevicemodel_unmap_io_range_from_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int is_mmio,
    uint64_t start, uint64_t end)
{
    return io_range(dmod, domid, XEN_DMOP_unmap_io_range_from_ioreq_server,
                    id, is_mmio ? XEN_DMOP_IO_RANGE_MEMORY
                                : XEN_DMOP_IO_RANGE_PORT, start, end);
}

XS_API int xendevicemodel_map_mem_type_to_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, uint16_t type,
    uint32_t flags)
{
    struct xen_dm_op op;

    /* Only ioreq_server pages, and only write interception, exist. */
    if (type != HVMMEM_ioreq_server ||
        (flags & ~XEN_DMOP_IOREQ_MEM_ACCESS_WRITE)) {
        errno = EINVAL;
        return -1;
    }
    op_init(&op, XEN_DMOP_map_mem_type_to_ioreq_server);
    op.u.map_mem_type_to_ioreq_server.id = id;
    op.u.map_mem_type_to_ioreq_server.type = type;
    op.u.map_mem_type_to_ioreq_server.flags = flags;
    return xs__ret(dm_op1(dmod, domid, &op));
}

static int pcidev(xendevicemodel_handle *dmod, domid_t domid, uint32_t nr,
                  ioservid_t id, uint16_t segment, uint8_t bus,
                  uint8_t device, uint8_t function)
{
    uint64_t sbdf;

    if (device > 0x1f || function > 0x7) {
        errno = EINVAL;
        return -1;
    }
    sbdf = XEN_DMOP_PCI_SBDF((uint64_t)segment, bus, device, function);
    return io_range(dmod, domid, nr, id, XEN_DMOP_IO_RANGE_PCI, sbdf, sbdf);
}

XS_API int xendevicemodel_map_pcidev_to_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    uint16_t segment, uint8_t bus, uint8_t device, uint8_t function)
{
    return pcidev(dmod, domid, XEN_DMOP_map_io_range_to_ioreq_server, id,
                  segment, bus, device, function);
}

XS_API int xendevicemodel_unmap_pcidev_from_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    uint16_t segment, uint8_t bus, uint8_t device, uint8_t function)
{
    return pcidev(dmod, domid, XEN_DMOP_unmap_io_range_from_ioreq_server, id,
                  segment, bus, device, function);
}

XS_API int xendevicemodel_destroy_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_destroy_ioreq_server);
    op.u.destroy_ioreq_server.id = id;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_set_ioreq_server_state(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int enabled)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_set_ioreq_server_state);
    op.u.set_ioreq_server_state.id = id;
    op.u.set_ioreq_server_state.enabled = !!enabled;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_set_pci_intx_level(
    xendevicemodel_handle *dmod, domid_t domid, uint16_t segment,
    uint8_t bus, uint8_t device, uint8_t intx, unsigned int level)
{
    struct xen_dm_op op;
    struct xen_dm_op_set_pci_intx_level *d = &op.u.set_pci_intx_level;

    op_init(&op, XEN_DMOP_set_pci_intx_level);
    d->domain = segment;
    d->bus = bus;
    d->device = device;
    d->intx = intx;
    d->level = (uint8_t)level;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_set_isa_irq_level(
    xendevicemodel_handle *dmod, domid_t domid, uint8_t irq,
    unsigned int level)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_set_isa_irq_level);
    op.u.set_isa_irq_level.isa_irq = irq;
    op.u.set_isa_irq_level.level = (uint8_t)level;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_set_irq_level(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int irq,
    unsigned int level)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_set_irq_level);
    op.u.set_irq_level.irq = irq;
    op.u.set_irq_level.level = (uint8_t)level;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_set_pci_link_route(
    xendevicemodel_handle *dmod, domid_t domid, uint8_t link, uint8_t irq)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_set_pci_link_route);
    op.u.set_pci_link_route.link = link;
    op.u.set_pci_link_route.isa_irq = irq;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_inject_msi(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t msi_addr,
    uint32_t msi_data)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_inject_msi);
    op.u.inject_msi.addr = msi_addr;
    op.u.inject_msi.data = msi_data;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_track_dirty_vram(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr, unsigned long *dirty_bitmap)
{
    struct xen_dm_op op;
    struct xs_dm_buf bufs[2];

    op_init(&op, XEN_DMOP_track_dirty_vram);
    op.u.track_dirty_vram.first_pfn = first_pfn;
    op.u.track_dirty_vram.nr = nr;
    bufs[0].ptr = &op;
    bufs[0].size = sizeof(op);
    /* one bit per frame, in bytes: Xen writes exactly that much */
    bufs[1].ptr = dirty_bitmap;
    bufs[1].size = ((size_t)nr + 7) / 8;
    return xs__ret(dm_op(dmod, domid, 2, bufs));
}

XS_API int xendevicemodel_modified_memory_bulk(
    xendevicemodel_handle *dmod, domid_t domid,
    struct xen_dm_op_modified_memory_extent extents[], uint32_t nr)
{
    struct xen_dm_op op;
    struct xs_dm_buf bufs[2];
    size_t size;

    if (xs__mul_overflows(nr, sizeof(*extents), &size)) {
        errno = ENOMEM;
        return -1;
    }
    op_init(&op, XEN_DMOP_modified_memory);
    op.u.modified_memory.nr_extents = nr;
    op.u.modified_memory.opaque = 0;
    bufs[0].ptr = &op;
    bufs[0].size = sizeof(op);
    bufs[1].ptr = extents;
    bufs[1].size = size;
    return xs__ret(dm_op(dmod, domid, 2, bufs));
}

XS_API int xendevicemodel_modified_memory(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr)
{
    struct xen_dm_op_modified_memory_extent extent = {
        .nr = nr, .first_pfn = first_pfn,
    };

    return xendevicemodel_modified_memory_bulk(dmod, domid, &extent, 1);
}

XS_API int xendevicemodel_set_mem_type(
    xendevicemodel_handle *dmod, domid_t domid, hvmmem_type_t mem_type,
    uint64_t first_pfn, uint32_t nr)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_set_mem_type);
    op.u.set_mem_type.mem_type = (uint16_t)mem_type;
    op.u.set_mem_type.first_pfn = first_pfn;
    op.u.set_mem_type.nr = nr;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_inject_event(
    xendevicemodel_handle *dmod, domid_t domid, int vcpu, uint8_t vector,
    uint8_t type, uint32_t error_code, uint8_t insn_len, uint64_t extra)
{
    struct xen_dm_op op;
    struct xen_dm_op_inject_event *d = &op.u.inject_event;

    op_init(&op, XEN_DMOP_inject_event);
    d->vcpuid = (uint32_t)vcpu;
    d->vector = vector;
    d->type = type;
    d->error_code = error_code;
    d->insn_len = insn_len;
    d->cr2 = extra;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_shutdown(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int reason)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_remote_shutdown);
    op.u.remote_shutdown.reason = reason;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_relocate_memory(
    xendevicemodel_handle *dmod, domid_t domid, uint32_t size,
    uint64_t src_gfn, uint64_t dst_gfn)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_relocate_memory);
    op.u.relocate_memory.size = size;
    op.u.relocate_memory.pad = 0;
    op.u.relocate_memory.src_gfn = src_gfn;
    op.u.relocate_memory.dst_gfn = dst_gfn;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_pin_memory_cacheattr(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t start, uint64_t end,
    uint32_t type)
{
    struct xen_dm_op op;

    op_init(&op, XEN_DMOP_pin_memory_cacheattr);
    op.u.pin_memory_cacheattr.start = start;
    op.u.pin_memory_cacheattr.end = end;
    op.u.pin_memory_cacheattr.type = type;
    return xs__ret(dm_op1(dmod, domid, &op));
}

XS_API int xendevicemodel_nr_vcpus(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int *vcpus)
{
    struct xen_dm_op op;
    int rc;

    op_init(&op, XEN_DMOP_nr_vcpus);
    rc = dm_op1(dmod, domid, &op);
    if (rc == 0)
        *vcpus = op.u.nr_vcpus.vcpus;
    return xs__ret(rc);
}
