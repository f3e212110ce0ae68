/*
 * xendevicemodel.h - devicemodel: the operations a device emulator
 * (e.g. QEMU) performs on an HVM guest: ioreq servers, interrupts,
 * guest memory types (source-compatible with upstream Xen's
 * libxendevicemodel).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every operation acts on domain domid and returns 0 on success or -1
 * with errno set (the hypervisor's error, or EINVAL for arguments
 * rejected before the call).  Each one issues one XEN_DMOP_* operation
 * from <xen/hvm/dm_op.h>.
 *
 * Fork: a child may only call xendevicemodel_close() on an inherited
 * handle.
 */
#ifndef XENDEVICEMODEL_H
#define XENDEVICEMODEL_H

#include <stdint.h>

/* Xen's public headers: the system's if it has them, else our
 * bundled copies (see private/xen-source.h). */
#include "private/xen-source.h"
#if XENSTABLE_USE_SYSTEM_XEN_HEADERS
#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#else /* not installed with -Dsystem_xen_headers=true */
#include "private/xen/xen.h"
#include "private/xen/hvm/dm_op.h"
#include "private/xen/hvm/hvm_op.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xendevicemodel_handle xendevicemodel_handle;

/*
 * Open the interface.  logger NULL selects a private stderr logger
 * (level XTL_PROGRESS) destroyed by xendevicemodel_close().  open_flags
 * is ignored (pass 0).  Returns NULL with errno on failure.
 */
xendevicemodel_handle *xendevicemodel_open(struct xentoollog_logger *logger,
                                           unsigned int open_flags);

/*
 * Close the handle.  Returns 0 or -1 with errno.
 * xendevicemodel_close(NULL) returns 0.
 */
int xendevicemodel_close(xendevicemodel_handle *dmod);

/*
 * Create an ioreq server (disabled until set_ioreq_server_state()).
 * handle_bufioreq: HVM_IOREQSRV_BUFIOREQ_* (defined when __XEN_TOOLS__
 * is).  The new server's id is stored in *id.
 */
int xendevicemodel_create_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, int handle_bufioreq,
    ioservid_t *id);

/*
 * Retrieve the synchronous and buffered ioreq frames and the buffered
 * ioreq event channel of server id.  Any out-pointer may be NULL; with
 * both frame pointers NULL the frames are not set up at all (use
 * xenforeignmemory_map_resource() for them instead).
 */
int xendevicemodel_get_ioreq_server_info(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    xen_pfn_t *ioreq_gfn, xen_pfn_t *bufioreq_gfn,
    evtchn_port_t *bufioreq_port);

/*
 * Route accesses to [start, end] (inclusive) to server id: MMIO
 * addresses if is_mmio is non-zero, else I/O ports.
 */
int xendevicemodel_map_io_range_to_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int is_mmio,
    uint64_t start, uint64_t end);

/* Undo xendevicemodel_map_io_range_to_ioreq_server() for that range. */
int xendevicemodel_unmap_io_range_from_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int is_mmio,
    uint64_t start, uint64_t end);

/*
 * Route accesses to pages of memory type type (only HVMMEM_ioreq_server)
 * to server id.  flags: 0 to stop, or XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;
 * anything else fails with EINVAL.
 */
int xendevicemodel_map_mem_type_to_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, uint16_t type,
    uint32_t flags);

/*
 * Route PCI config-space accesses of segment:bus:device.function to
 * server id.  EINVAL if device > 0x1f or function > 7.
 */
int xendevicemodel_map_pcidev_to_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    uint16_t segment, uint8_t bus, uint8_t device, uint8_t function);

/* Undo xendevicemodel_map_pcidev_to_ioreq_server(). */
int xendevicemodel_unmap_pcidev_from_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    uint16_t segment, uint8_t bus, uint8_t device, uint8_t function);

/* Destroy server id, dropping all its routes. */
int xendevicemodel_destroy_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id);

/* Enable (enabled non-zero) or disable server id. */
int xendevicemodel_set_ioreq_server_state(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int enabled);

/* Set the level (0/1) of INTx line intx (0..3 = A..D) of a PCI device. */
int xendevicemodel_set_pci_intx_level(
    xendevicemodel_handle *dmod, domid_t domid, uint16_t segment,
    uint8_t bus, uint8_t device, uint8_t intx, unsigned int level);

/* Set the level (0/1) of ISA IRQ irq (0..15). */
int xendevicemodel_set_isa_irq_level(
    xendevicemodel_handle *dmod, domid_t domid, uint8_t irq,
    unsigned int level);

/* Set the level (0/1) of interrupt line irq (Arm: an SPI). */
int xendevicemodel_set_irq_level(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int irq,
    unsigned int level);

/* Route PCI interrupt link link (0..3) to ISA IRQ irq (0 = disabled). */
int xendevicemodel_set_pci_link_route(
    xendevicemodel_handle *dmod, domid_t domid, uint8_t link, uint8_t irq);

/* Inject an MSI writing msi_data to msi_addr. */
int xendevicemodel_inject_msi(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t msi_addr,
    uint32_t msi_data);

/*
 * Track writes to the nr frames from first_pfn (video RAM): fill
 * dirty_bitmap (nr bits) with the frames written since the last call.
 */
int xendevicemodel_track_dirty_vram(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr, unsigned long *dirty_bitmap);

/* Tell the hypervisor the emulator wrote nr frames from first_pfn. */
int xendevicemodel_modified_memory(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr);

/*
 * As xendevicemodel_modified_memory() for nr extents at once.  The
 * array may be modified by the call.
 */
int xendevicemodel_modified_memory_bulk(
    xendevicemodel_handle *dmod, domid_t domid,
    struct xen_dm_op_modified_memory_extent extents[], uint32_t nr);

/* Set the memory type of nr frames from first_pfn. */
int xendevicemodel_set_mem_type(
    xendevicemodel_handle *dmod, domid_t domid, hvmmem_type_t mem_type,
    uint64_t first_pfn, uint32_t nr);

/*
 * Inject an event into vCPU vcpu: vector, type (XEN_DMOP_EVENT_*),
 * error_code (~0 for none), insn_len (software events) and extra (the
 * fault address of a page fault).
 */
int xendevicemodel_inject_event(
    xendevicemodel_handle *dmod, domid_t domid, int vcpu, uint8_t vector,
    uint8_t type, uint32_t error_code, uint8_t insn_len, uint64_t extra);

/* Shut the domain down for reason (SHUTDOWN_* from <xen/sched.h>). */
int xendevicemodel_shutdown(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int reason);

/* Move size frames of guest memory from src_gfn to dst_gfn. */
int xendevicemodel_relocate_memory(
    xendevicemodel_handle *dmod, domid_t domid, uint32_t size, uint64_t src_gfn,
    uint64_t dst_gfn);

/*
 * Pin the cache attribute of frames [start, end] to type
 * (XEN_DMOP_MEM_CACHEATTR_*, or XEN_DMOP_DELETE_MEM_CACHEATTR).
 */
int xendevicemodel_pin_memory_cacheattr(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t start, uint64_t end,
    uint32_t type);

/* Store the domain's number of vCPUs in *vcpus. */
int xendevicemodel_nr_vcpus(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int *vcpus);

/*
 * Limit the handle, irrevocably, to operations on domain domid.
 * Returns 0 or -1 with errno (EOPNOTSUPP where the system cannot).
 */
int xendevicemodel_restrict(xendevicemodel_handle *dmod, domid_t domid);

/*
 * ---- libxenstable extensions (node XENSTABLE_1.1) ----------------------
 *
 * Not in upstream's libxendevicemodel: the guest memory and interrupt
 * calls QEMU still takes from libxenctrl, and the calls of the original
 * libxendevicemodel design.  A program can test for them:
 *
 *   #ifdef XENDEVICEMODEL_HAVE_XENSTABLE_1_1
 *
 * and must then link libxenstable >= 1.1 (the symbols carry version
 * XENSTABLE_1.1, so an older library fails at load time, not at the
 * call).  docs/migrating-from-libxenctrl.md lists what each replaces.
 *
 * The physmap, pirq and S3 calls are raw hypercalls, not DM ops: a
 * handle narrowed by xendevicemodel_restrict() or
 * xentoolcore_restrict_all() fails them with EPERM (Linux privcmd
 * cannot restrict raw hypercalls to one domain).
 */
#define XENDEVICEMODEL_HAVE_XENSTABLE_1_1 1

/*
 * Map space (XENMAPSPACE_* from <xen/memory.h>) frame idx at guest frame
 * gpfn of domain domid (XENMEM_add_to_physmap); size is the number of
 * frames for XENMAPSPACE_gmfn_range and 0 otherwise.  With
 * XENMAPSPACE_gmfn this moves the guest's frame idx to gpfn.
 * Replaces xc_domain_add_to_physmap().
 */
int xendevicemodel_add_to_physmap(
    xendevicemodel_handle *dmod, domid_t domid, unsigned int space,
    unsigned long idx, xen_pfn_t gpfn, uint16_t size);

/*
 * Populate nr_extents extents of 2^extent_order frames at the guest
 * frames listed in extent_start (XENMEM_populate_physmap; mem_flags:
 * XENMEMF_*).  All or failure: EBUSY if Xen populated only some (those
 * stay populated).  For a PV guest the machine frames are written back
 * into extent_start.  Replaces xc_domain_populate_physmap_exact().
 */
int xendevicemodel_populate_physmap_exact(
    xendevicemodel_handle *dmod, domid_t domid, unsigned long nr_extents,
    unsigned int extent_order, unsigned int mem_flags,
    xen_pfn_t *extent_start);

/*
 * Map GSI index to a pirq of domid (PHYSDEVOP_map_pirq,
 * MAP_PIRQ_TYPE_GSI).  In: *pirq is the wanted pirq, negative for
 * "pirq == GSI"; out: the pirq mapped.  Replaces xc_physdev_map_pirq().
 */
int xendevicemodel_map_pirq(
    xendevicemodel_handle *dmod, domid_t domid, int index, int *pirq);

/*
 * Map an MSI or MSI-X vector of a passed-through device to a pirq of
 * domid (PHYSDEVOP_map_pirq, MAP_PIRQ_TYPE_MSI_SEG, so that Xen reads the
 * segment): index -1 for a new vector; bus is segment << 16 | bus (a
 * plain bus number means segment 0, as with xc_physdev_map_pirq_msi());
 * entry_nr the MSI-X entry; table_base the MSI-X table's address.  *pirq
 * in: wanted (or -1), out: mapped.  Replaces xc_physdev_map_pirq_msi().
 */
int xendevicemodel_map_pirq_msi(
    xendevicemodel_handle *dmod, domid_t domid, int index, int *pirq,
    int devfn, int bus, int entry_nr, uint64_t table_base);

/* Undo a pirq mapping (PHYSDEVOP_unmap_pirq).  Replaces
 * xc_physdev_unmap_pirq(). */
int xendevicemodel_unmap_pirq(
    xendevicemodel_handle *dmod, domid_t domid, int pirq);

/* Reboot the domain: xendevicemodel_shutdown(..., SHUTDOWN_reboot). */
int xendevicemodel_reboot(xendevicemodel_handle *dmod, domid_t domid);

/*
 * Put an HVM domain into ACPI S3 (HVM_PARAM_ACPI_S_STATE = 3): Xen
 * pauses it, resets its vCPUs and platform devices and sets vCPU 0 to
 * the reset vector (f000:fff0).  A domain already in S3 (or dying) is
 * left as it is, and the call still returns 0.  Replaces
 * xc_hvm_param_set(..., HVM_PARAM_ACPI_S_STATE, 3) in QEMU.
 */
int xendevicemodel_s3_suspend(xendevicemodel_handle *dmod, domid_t domid);

/*
 * Wake it (HVM_PARAM_ACPI_S_STATE = 0): Xen unpauses it, and vCPU 0
 * starts at the reset vector, i.e. in the guest's firmware.  A domain
 * that is not in S3 is left as it is, and the call still returns 0 (as
 * Xen answers; HVMOP_get_param(HVM_PARAM_ACPI_S_STATE) tells the state).
 * Both calls: ESRCH for no such domain, EINVAL for a PV domain, EPERM
 * for the calling domain itself.
 */
int xendevicemodel_s3_awaken(xendevicemodel_handle *dmod, domid_t domid);

/*
 * Route INTx pin intx (0..3 = A..D) of PCI device segment:bus:device to
 * ISA IRQ isa_irq (1..15; 0 disables).  Xen's emulated chipset shares
 * four links between all devices ((device + intx) mod 4, bus 0 only), so
 * this sets that link's route (xendevicemodel_set_pci_link_route) and
 * thereby also reroutes every other pin on the same link.  EINVAL unless
 * segment and bus are 0, device <= 31, intx <= 3 and isa_irq <= 15.
 */
int xendevicemodel_route_pci_intx_to_isa_irq(
    xendevicemodel_handle *dmod, domid_t domid, uint16_t segment,
    uint8_t bus, uint8_t device, uint8_t intx, uint8_t isa_irq);

/*
 * Report that the device model wrote nr frames from first_pfn, so
 * log-dirty tracking (live migration) sees them
 * (xendevicemodel_modified_memory).
 */
int xendevicemodel_mark_memory_region_dirty(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr);

/* Make nr RAM frames from first_pfn writable again (HVMMEM_ram_rw). */
int xendevicemodel_make_ram_region_rw(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr);

/*
 * Make nr RAM frames from first_pfn read-only to the guest: its writes
 * are discarded (HVMMEM_ram_ro, e.g. for an emulated ROM).
 */
int xendevicemodel_make_ram_region_ro(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr);

/*
 * Back the nr guest frames from first_pfn with fresh RAM (populate
 * physmap, one 4 KiB frame per extent, at most 512 frames per hypercall).
 * On failure the frames before the failing batch stay populated.
 */
int xendevicemodel_populate_ram(
    xendevicemodel_handle *dmod, domid_t domid, uint64_t first_pfn,
    uint32_t nr);

#ifdef __cplusplus
}
#endif

#endif /* XENDEVICEMODEL_H */
