/*
 * devicemodel_mem.c - xendevicemodel guest memory and interrupt calls
 * of XENSTABLE_1.1: XENMEM_add_to_physmap, XENMEM_populate_physmap,
 * PHYSDEVOP_map_pirq/unmap_pirq and HVMOP_set_param, which QEMU used to
 * take from libxenctrl.  These are not DM ops: they are raw hypercalls
 * on the handle's xencall handle (xs__dm_xcall), with every argument in
 * a hypercall buffer.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/hvm/hvm_op.h>

#include "devicemodel_private.h"
#include "xs_internal.h"
#include "xcall_user.h"

/*
 * hypercall op(cmd, arg): arg (size bytes) is copied into a hypercall
 * buffer and back; returns Xen's (non-negative) result or -errno.
 */
static int raw_op(xendevicemodel_handle *dmod, unsigned int op,
                  unsigned int cmd, void *arg, size_t size)
{
    const uint64_t c = cmd;
    xencall_handle *xcall;
    int rc = xs__dm_xcall(dmod, &xcall);

    return rc < 0 ? rc : xs__xencall_bounce(xcall, op, &c, arg, size);
}

int xs__dm_set_hvm_param(xendevicemodel_handle *dmod, domid_t domid,
                         uint32_t index, uint64_t value)
{
    struct xen_hvm_param p;

    memset(&p, 0, sizeof(p));
    p.domid = domid;
    p.index = index;
    p.value = value;
    return raw_op(dmod, __HYPERVISOR_hvm_op, HVMOP_set_param, &p, sizeof(p));
}

XS_API int xendevicemodel_add_to_physmap(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int space,
    unsigned long idx, xen_pfn_t gpfn, uint16_t size)
{
    struct xen_add_to_physmap a;

    if (!dmod)
        return xs__ret(-EINVAL);
    memset(&a, 0, sizeof(a));
    a.domid = domid;
    a.size = size;
    a.space = space;
    a.idx = idx;
    a.gpfn = gpfn;
    return xs__ret(raw_op(dmod, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                          &a, sizeof(a)));
}

/*
 * XENMEM_populate_physmap for nr extents listed at extent_start; Xen
 * answers how many it populated.  Anything short of all is a failure
 * (EBUSY, as libxenctrl's _exact variant reports it).
 */
XS_API int xendevicemodel_populate_physmap_exact(
    xendevicemodel_handle *dmod, domid_t domid, unsigned long nr_extents,
    unsigned int extent_order, unsigned int mem_flags,
    xen_pfn_t *extent_start)
{
    struct xen_memory_reservation *r = NULL;
    xen_pfn_t *frames = NULL;
    xencall_handle *xcall;
    size_t bytes;
    int rc;

    if (!dmod || (nr_extents && !extent_start))
        return xs__ret(-EINVAL);
    if (nr_extents == 0)
        return 0;
    /* Xen reports the count done in an int-sized result. */
    if (nr_extents > INT32_MAX ||
        xs__mul_overflows(nr_extents, sizeof(*frames), &bytes))
        return xs__ret(-EINVAL);
    rc = xs__dm_xcall(dmod, &xcall);
    if (rc < 0)
        return xs__ret(rc);
    r = xencall_alloc_buffer(xcall, sizeof(*r));
    frames = xencall_alloc_buffer(xcall, bytes);
    if (!r || !frames) {
        rc = -ENOMEM;
        goto out;
    }
    memcpy(frames, extent_start, bytes);
    memset(r, 0, sizeof(*r));
    set_xen_guest_handle(r->extent_start, frames);
    r->nr_extents = nr_extents;
    r->extent_order = extent_order;
    r->mem_flags = mem_flags;
    r->domid = domid;
    rc = xencall2(xcall, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                  (uint64_t)(uintptr_t)r);
    if (rc < 0) {
        rc = xs__neg_errno();
        goto out;
    }
    /* Xen writes machine frames back for a non-translated (PV) target. */
    memcpy(extent_start, frames, bytes);
    rc = (unsigned long)rc == nr_extents ? 0 : -EBUSY;
out:
    XS_PRESERVE_ERRNO(xencall_free_buffer(xcall, frames);
                      xencall_free_buffer(xcall, r));
    return xs__ret(rc);
}

static int map_pirq(xendevicemodel_handle *dmod, struct physdev_map_pirq *m,
                    int *pirq)
{
    int rc;

    if (!dmod || !pirq)
        return xs__ret(-EINVAL);
    rc = raw_op(dmod, __HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, m,
                sizeof(*m));
    if (rc < 0)
        return xs__ret(rc);
    *pirq = m->pirq;
    return 0;
}

XS_API int xendevicemodel_map_pirq(
    xendevicemodel_handle *dmod, domid_t domid, int index, int *pirq)
{
    struct physdev_map_pirq m;

    memset(&m, 0, sizeof(m));
    m.domid = domid;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = index;
    /* libxenctrl's convention: a negative wish asks for pirq == GSI */
    m.pirq = pirq && *pirq >= 0 ? *pirq : index;
    return map_pirq(dmod, &m, pirq);
}

XS_API int xendevicemodel_map_pirq_msi(
    xendevicemodel_handle *dmod, domid_t domid, int index, int *pirq,
    int devfn, int bus, int entry_nr, uint64_t table_base)
{
    struct physdev_map_pirq m;

    memset(&m, 0, sizeof(m));
    m.domid = domid;
    /*
     * _MSI_SEG, not _MSI: Xen takes the segment from bus's high 16 bits
     * only for this type (and _MULTI_MSI); for _MSI it uses segment 0,
     * so a device on another segment would silently be the wrong one.
     * With segment 0 the two types are the same request.
     */
    m.type = MAP_PIRQ_TYPE_MSI_SEG;
    m.index = index;
    m.pirq = pirq ? *pirq : -1;
    m.bus = bus;
    m.devfn = devfn;
    m.entry_nr = entry_nr;
    m.table_base = table_base;
    return map_pirq(dmod, &m, pirq);
}

XS_API int xendevicemodel_unmap_pirq(
    xendevicemodel_handle *dmod, domid_t domid, int pirq)
{
    struct physdev_unmap_pirq u;

    if (!dmod)
        return xs__ret(-EINVAL);
    memset(&u, 0, sizeof(u));
    u.domid = domid;
    u.pirq = pirq;
    return xs__ret(raw_op(dmod, __HYPERVISOR_physdev_op, PHYSDEVOP_unmap_pirq,
                          &u, sizeof(u)));
}
