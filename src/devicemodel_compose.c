/*
 * devicemodel_compose.c - the device-model calls of the original
 * libxendevicemodel design that upstream never shipped (XENSTABLE_1.1).
 * Each is a documented composition of one underlying operation, so a
 * device model states its intent ("make this RAM read-only") instead of
 * the mechanism (a mem-type DM op with the right constant).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "devicemodel_private.h"
#include "xs_internal.h"

/* The ACPI sleep states HVM_PARAM_ACPI_S_STATE accepts. */
#define ACPI_S0 0
#define ACPI_S3 3

XS_API int xendevicemodel_reboot(xendevicemodel_handle *dmod, domid_t domid)
{
    return xendevicemodel_shutdown(dmod, domid, SHUTDOWN_reboot);
}

XS_API int xendevicemodel_s3_suspend(xendevicemodel_handle *dmod,
                                     domid_t domid)
{
    if (!dmod)
        return xs__ret(-EINVAL);
    return xs__ret(xs__dm_set_hvm_param(dmod, domid, HVM_PARAM_ACPI_S_STATE,
                                        ACPI_S3));
}

XS_API int xendevicemodel_s3_awaken(xendevicemodel_handle *dmod,
                                    domid_t domid)
{
    if (!dmod)
        return xs__ret(-EINVAL);
    return xs__ret(xs__dm_set_hvm_param(dmod, domid, HVM_PARAM_ACPI_S_STATE,
                                        ACPI_S0));
}

/*
 * Xen's emulated PCI host bridge wires INTx pin `intx' of device
 * `device' on bus 0 to PCI link (device + intx) mod 4 (the classic
 * PIIX3 swizzle, hvm_pci_intx_link() in Xen), so routing that device's
 * pin means routing its link.
 */
XS_API int xendevicemodel_route_pci_intx_to_isa_irq(
    xendevicemodel_handle *dmod, domid_t domid, uint16_t segment,
    uint8_t bus, uint8_t device, uint8_t intx, uint8_t isa_irq)
{
    if (!dmod || segment != 0 || bus != 0 || device > 0x1f || intx > 3 ||
        isa_irq > 15)
        return xs__ret(-EINVAL);
    return xendevicemodel_set_pci_link_route(dmod, domid,
                                             (uint8_t)((device + intx) & 3),
                                             isa_irq);
}

XS_API int xendevicemodel_mark_memory_region_dirty(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr)
{
    return xendevicemodel_modified_memory(dmod, domid, first_pfn, nr);
}

XS_API int xendevicemodel_make_ram_region_rw(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr)
{
    return xendevicemodel_set_mem_type(dmod, domid, HVMMEM_ram_rw,
                                       first_pfn, nr);
}

XS_API int xendevicemodel_make_ram_region_ro(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr)
{
    return xendevicemodel_set_mem_type(dmod, domid, HVMMEM_ram_ro,
                                       first_pfn, nr);
}

/* Frames per populate call: bounds the list (4 KiB on LP64). */
#define POPULATE_CHUNK 512

/* Populate the n frames from first with order-0 extents, list as scratch. */
static int populate_batch(xendevicemodel_handle *dmod, domid_t domid,
                          uint64_t first, uint32_t n, xen_pfn_t *list)
{
    for (uint32_t i = 0; i < n; i++)
        list[i] = (xen_pfn_t)(first + i);
    return xendevicemodel_populate_physmap_exact(dmod, domid, n, 0, 0, list);
}

XS_API int xendevicemodel_populate_ram(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr)
{
    xen_pfn_t *list;
    uint32_t left = nr;

    if (!dmod || first_pfn + nr < first_pfn)
        return xs__ret(-EINVAL);
    if (nr == 0)
        return 0;
    list = malloc(sizeof(*list) * POPULATE_CHUNK);
    if (!list)
        return xs__ret(-ENOMEM);
    while (left > 0) {
        uint32_t n = left < POPULATE_CHUNK ? left : POPULATE_CHUNK;

        if (populate_batch(dmod, domid, first_pfn + (nr - left), n,
                           list) < 0) {
            XS_PRESERVE_ERRNO(free(list));
            return -1;
        }
        left -= n;
    }
    free(list);
    return 0;
}
