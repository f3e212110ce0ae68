/*
 * xen/hvm/dm_op.h - device-model operations (__HYPERVISOR_dm_op) in
 * libxenstable's bundled Xen public interface: struct xen_dm_op, every
 * XEN_DMOP_* sub-operation and its argument structure.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The hypercall takes (domid, nr_bufs, xen_dm_op_buf_t bufs[]); bufs[0]
 * holds a struct xen_dm_op (copied back for operations with outputs),
 * further buffers carry variable-size data where an operation says so.
 */
#ifndef __XEN_PUBLIC_HVM_DM_OP_H__
#define __XEN_PUBLIC_HVM_DM_OP_H__

#include "../xen.h"
#include "../event_channel.h"

#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif

#ifndef __ASSEMBLY__

/* Identifies one ioreq server of a domain. */
typedef uint16_t ioservid_t;

/* Create an ioreq server; handle_bufioreq is HVM_IOREQSRV_BUFIOREQ_*. */
#define XEN_DMOP_create_ioreq_server 1
struct xen_dm_op_create_ioreq_server {
    uint8_t handle_bufioreq;    /* in */
    uint8_t pad[3];
    ioservid_t id;              /* out */
};
typedef struct xen_dm_op_create_ioreq_server xen_dm_op_create_ioreq_server_t;

/* Query the frames and event channel of an ioreq server. */
#define XEN_DMOP_get_ioreq_server_info 2
struct xen_dm_op_get_ioreq_server_info {
    ioservid_t id;              /* in */
    uint16_t flags;             /* in */
#define _XEN_DMOP_no_gfns 0
#define XEN_DMOP_no_gfns (1u << _XEN_DMOP_no_gfns)  /* skip the gfns */
    evtchn_port_t bufioreq_port;        /* out */
    uint64_aligned_t ioreq_gfn;         /* out */
    uint64_aligned_t bufioreq_gfn;      /* out */
};
typedef struct xen_dm_op_get_ioreq_server_info xen_dm_op_get_ioreq_server_info_t;

/* Claim (3) or release (4) an inclusive range of I/O for a server. */
#define XEN_DMOP_map_io_range_to_ioreq_server 3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
struct xen_dm_op_ioreq_server_range {
    ioservid_t id;
    uint16_t pad;
    uint32_t type;
#define XEN_DMOP_IO_RANGE_PORT   0  /* I/O port range */
#define XEN_DMOP_IO_RANGE_MEMORY 1  /* MMIO range */
#define XEN_DMOP_IO_RANGE_PCI    2  /* PCI config space of one SBDF */
    uint64_aligned_t start, end;
};
typedef struct xen_dm_op_ioreq_server_range xen_dm_op_ioreq_server_range_t;

/* start/end value of an XEN_DMOP_IO_RANGE_PCI range. */
#define XEN_DMOP_PCI_SBDF(s, b, d, f) \
    ((((s) & 0xffff) << 16) |         \
     (((b) & 0xff) << 8) |            \
     (((d) & 0x1f) << 3) |            \
     ((f) & 0x07))

#define XEN_DMOP_set_ioreq_server_state 5
struct xen_dm_op_set_ioreq_server_state {
    ioservid_t id;
    uint8_t enabled;
    uint8_t pad;
};
typedef struct xen_dm_op_set_ioreq_server_state xen_dm_op_set_ioreq_server_state_t;

#define XEN_DMOP_destroy_ioreq_server 6
struct xen_dm_op_destroy_ioreq_server {
    ioservid_t id;
    uint16_t pad;
};
typedef struct xen_dm_op_destroy_ioreq_server xen_dm_op_destroy_ioreq_server_t;

/* bufs[1] receives a dirty bitmap of nr bits (one per frame). */
#define XEN_DMOP_track_dirty_vram 7
struct xen_dm_op_track_dirty_vram {
    uint32_t nr;
    uint32_t pad;
    uint64_aligned_t first_pfn;
};
typedef struct xen_dm_op_track_dirty_vram xen_dm_op_track_dirty_vram_t;

#define XEN_DMOP_set_pci_intx_level 8
struct xen_dm_op_set_pci_intx_level {
    uint16_t domain;
    uint8_t bus, device, intx;
    uint8_t level;
};
typedef struct xen_dm_op_set_pci_intx_level xen_dm_op_set_pci_intx_level_t;

#define XEN_DMOP_set_isa_irq_level 9
struct xen_dm_op_set_isa_irq_level {
    uint8_t isa_irq;
    uint8_t level;
};
typedef struct xen_dm_op_set_isa_irq_level xen_dm_op_set_isa_irq_level_t;

#define XEN_DMOP_set_pci_link_route 10
struct xen_dm_op_set_pci_link_route {
    uint8_t link;
    uint8_t isa_irq;            /* 0 disables the link */
};
typedef struct xen_dm_op_set_pci_link_route xen_dm_op_set_pci_link_route_t;

/*
 * bufs[1] holds nr_extents extents.  The hypervisor may stop early and
 * return with opaque recording its progress; the caller then repeats the
 * call unchanged.
 */
#define XEN_DMOP_modified_memory 11
struct xen_dm_op_modified_memory {
    uint32_t nr_extents;
    uint32_t opaque;            /* zero on the first call */
};
typedef struct xen_dm_op_modified_memory xen_dm_op_modified_memory_t;

struct xen_dm_op_modified_memory_extent {
    uint32_t nr;
    uint32_t pad;
    uint64_aligned_t first_pfn;
};

#define XEN_DMOP_set_mem_type 12
struct xen_dm_op_set_mem_type {
    uint32_t nr;
    uint16_t mem_type;          /* hvmmem_type_t */
    uint16_t pad;
    uint64_aligned_t first_pfn;
};
typedef struct xen_dm_op_set_mem_type xen_dm_op_set_mem_type_t;

#define XEN_DMOP_inject_event 13
struct xen_dm_op_inject_event {
    uint32_t vcpuid;
    uint8_t vector;
    uint8_t type;
#define XEN_DMOP_EVENT_ext_int    0
#define XEN_DMOP_EVENT_nmi        2
#define XEN_DMOP_EVENT_hw_exc     3
#define XEN_DMOP_EVENT_sw_int     4
#define XEN_DMOP_EVENT_pri_sw_exc 5
#define XEN_DMOP_EVENT_sw_exc     6
    uint8_t insn_len;
    uint8_t pad0;
    uint32_t error_code;        /* ~0u: none */
    uint32_t pad1;
    uint64_aligned_t cr2;       /* page faults only */
};
typedef struct xen_dm_op_inject_event xen_dm_op_inject_event_t;

#define XEN_DMOP_inject_msi 14
struct xen_dm_op_inject_msi {
    uint32_t data;
    uint32_t pad;
    uint64_aligned_t addr;
};
typedef struct xen_dm_op_inject_msi xen_dm_op_inject_msi_t;

#define XEN_DMOP_map_mem_type_to_ioreq_server 15
struct xen_dm_op_map_mem_type_to_ioreq_server {
    ioservid_t id;
    uint16_t type;              /* only HVMMEM_ioreq_server */
    uint32_t flags;
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ  (1u << 0)
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE (1u << 1)
    uint64_t opaque;            /* continuation state; zero on input */
};
typedef struct xen_dm_op_map_mem_type_to_ioreq_server xen_dm_op_map_mem_type_to_ioreq_server_t;

#define XEN_DMOP_remote_shutdown 16
struct xen_dm_op_remote_shutdown {
    uint32_t reason;            /* SHUTDOWN_* */
};
typedef struct xen_dm_op_remote_shutdown xen_dm_op_remote_shutdown_t;

#define XEN_DMOP_relocate_memory 17
struct xen_dm_op_relocate_memory {
    uint32_t size;              /* pages; decremented as work progresses */
    uint32_t pad;
    uint64_aligned_t src_gfn;
    uint64_aligned_t dst_gfn;
};
typedef struct xen_dm_op_relocate_memory xen_dm_op_relocate_memory_t;

#define XEN_DMOP_pin_memory_cacheattr 18
struct xen_dm_op_pin_memory_cacheattr {
    uint64_aligned_t start;     /* first gfn */
    uint64_aligned_t end;       /* last gfn (inclusive) */
#define XEN_DMOP_MEM_CACHEATTR_UC  0
#define XEN_DMOP_MEM_CACHEATTR_WC  1
#define XEN_DMOP_MEM_CACHEATTR_WT  4
#define XEN_DMOP_MEM_CACHEATTR_WP  5
#define XEN_DMOP_MEM_CACHEATTR_WB  6
#define XEN_DMOP_MEM_CACHEATTR_UCM 7
#define XEN_DMOP_DELETE_MEM_CACHEATTR (~(uint32_t)0)
    uint32_t type;
    uint32_t pad;
};
typedef struct xen_dm_op_pin_memory_cacheattr xen_dm_op_pin_memory_cacheattr_t;

#define XEN_DMOP_set_irq_level 19
struct xen_dm_op_set_irq_level {
    uint32_t irq;
    uint8_t level;
    uint8_t pad[3];
};
typedef struct xen_dm_op_set_irq_level xen_dm_op_set_irq_level_t;

#define XEN_DMOP_nr_vcpus 20
struct xen_dm_op_nr_vcpus {
    uint32_t vcpus;             /* out */
};
typedef struct xen_dm_op_nr_vcpus xen_dm_op_nr_vcpus_t;

struct xen_dm_op {
    uint32_t op;                /* XEN_DMOP_* */
    uint32_t pad;
    union {
        xen_dm_op_create_ioreq_server_t create_ioreq_server;
        xen_dm_op_get_ioreq_server_info_t get_ioreq_server_info;
        xen_dm_op_ioreq_server_range_t map_io_range_to_ioreq_server;
        xen_dm_op_ioreq_server_range_t unmap_io_range_from_ioreq_server;
        xen_dm_op_set_ioreq_server_state_t set_ioreq_server_state;
        xen_dm_op_destroy_ioreq_server_t destroy_ioreq_server;
        xen_dm_op_track_dirty_vram_t track_dirty_vram;
        xen_dm_op_set_pci_intx_level_t set_pci_intx_level;
        xen_dm_op_set_isa_irq_level_t set_isa_irq_level;
        xen_dm_op_set_irq_level_t set_irq_level;
        xen_dm_op_set_pci_link_route_t set_pci_link_route;
        xen_dm_op_modified_memory_t modified_memory;
        xen_dm_op_set_mem_type_t set_mem_type;
        xen_dm_op_inject_event_t inject_event;
        xen_dm_op_inject_msi_t inject_msi;
        xen_dm_op_map_mem_type_to_ioreq_server_t map_mem_type_to_ioreq_server;
        xen_dm_op_remote_shutdown_t remote_shutdown;
        xen_dm_op_relocate_memory_t relocate_memory;
        xen_dm_op_pin_memory_cacheattr_t pin_memory_cacheattr;
        xen_dm_op_nr_vcpus_t nr_vcpus;
    } u;
};

/* One buffer of a dm_op call. */
struct xen_dm_op_buf {
    XEN_GUEST_HANDLE(void) h;
    xen_ulong_t size;
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
DEFINE_XEN_GUEST_HANDLE(xen_dm_op_buf_t);

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_HVM_DM_OP_H__ */
