/*
 * xen/memory.h - memory operations in libxenstable's bundled Xen public
 * interface: XENMEM_* sub-operations of __HYPERVISOR_memory_op and the
 * resource types used with xenforeignmemory_map_resource().
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_MEMORY_H__
#define __XEN_PUBLIC_MEMORY_H__

#include "xen.h"

/* Sub-operations (first hypercall argument). */
#define XENMEM_increase_reservation       0
#define XENMEM_decrease_reservation       1
#define XENMEM_maximum_ram_page           2
#define XENMEM_current_reservation        3
#define XENMEM_maximum_reservation        4
#define XENMEM_machphys_mfn_list          5
#define XENMEM_populate_physmap           6
#define XENMEM_add_to_physmap             7
#define XENMEM_memory_map                 9
#define XENMEM_machine_memory_map        10
#define XENMEM_exchange                  11
#define XENMEM_machphys_mapping          12
#define XENMEM_set_memory_map            13
#define XENMEM_maximum_gpfn              14
#define XENMEM_remove_from_physmap       15
#define XENMEM_set_pod_target            16
#define XENMEM_get_pod_target            17
#define XENMEM_add_to_physmap_batch      23
#define XENMEM_machphys_compat_mfn_list  25
#define XENMEM_get_vnumainfo             26
#define XENMEM_acquire_resource          28

#if defined(__XEN__) || defined(__XEN_TOOLS__)
#define XENMEM_get_sharing_freed_pages   18
#define XENMEM_get_sharing_shared_pages  19
#define XENMEM_paging_op                 20
#define XENMEM_access_op                 21
#define XENMEM_sharing_op                22
#define XENMEM_claim_pages               24
#define XENMEM_reserved_device_memory_map 27
#endif

/* mem_flags of a reservation: encoded address-width and NUMA requests. */
#if __XEN_INTERFACE_VERSION__ >= 0x00030209
#define XENMEMF_address_bits(x)      (x)
#define XENMEMF_get_address_bits(x)  ((x) & 0xffu)
#define XENMEMF_node(x)              (((x) + 1) << 8)
#define XENMEMF_get_node(x)          ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand   (1 << 16)
#define XENMEMF_exact_node_request   (1 << 17)
#define XENMEMF_exact_node(n)        (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode                (1 << 18)
#endif

/* Mapping spaces for XENMEM_add_to_physmap. */
#define XENMAPSPACE_shared_info   0
#define XENMAPSPACE_grant_table   1
#define XENMAPSPACE_gmfn          2
#define XENMAPSPACE_gmfn_range    3
#define XENMAPSPACE_gmfn_foreign  4
#define XENMAPSPACE_dev_mmio      5

#ifndef __ASSEMBLY__

/* increase/decrease_reservation and populate_physmap. */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;  /* in/out: frame list */
    xen_ulong_t  nr_extents;
    unsigned int extent_order;                 /* log2 pages per extent */
#if __XEN_INTERFACE_VERSION__ >= 0x00030209
    unsigned int mem_flags;                    /* XENMEMF_* */
#else
    unsigned int address_bits;
#endif
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* Map a page of space `space' at guest frame gpfn of domid. */
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;              /* gmfn_range: number of pages */
    unsigned int space;         /* XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* (machine_)memory_map: an E820-style table of nr_entries entries. */
struct xen_memory_map {
    unsigned int nr_entries;    /* in: buffer capacity; out: used */
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

/*
 * XENMEM_acquire_resource: obtain frames of a resource owned by domid
 * (the Linux privcmd driver issues this for IOCTL_PRIVCMD_MMAP_RESOURCE).
 * With nr_frames == 0 and a null frame_list it reports the resource size.
 */
struct xen_mem_acquire_resource {
    domid_t  domid;
    uint16_t type;
#define XENMEM_resource_ioreq_server  0
#define XENMEM_resource_grant_table   1
#define XENMEM_resource_vmtrace_buf   2
    uint32_t id;
    /* ids of XENMEM_resource_grant_table */
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    uint32_t nr_frames;
    uint32_t pad;
    uint64_t frame;
    /* frames of XENMEM_resource_ioreq_server */
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_MEMORY_H__ */
