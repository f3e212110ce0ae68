/*
 * xen/grant_table.h - grant tables in libxenstable's bundled Xen public
 * interface: grant references, v1 grant entries, GTF_* flags, grant-copy
 * flags and GNTST_* status codes.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
#define __XEN_PUBLIC_GRANT_TABLE_H__

#include "xen.h"

#ifndef __ASSEMBLY__

/* Index of an entry in a domain's grant table. */
typedef uint32_t grant_ref_t;

#if __XEN_INTERFACE_VERSION__ < 0x0003020a
#define grant_entry_v1   grant_entry
#define grant_entry_v1_t grant_entry_t
#endif

/* A version-1 grant entry, as the granting domain writes it. */
struct grant_entry_v1 {
    uint16_t flags;     /* GTF_* */
    domid_t  domid;     /* the domain being granted access */
    uint32_t frame;     /* the frame being granted */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

#endif /* !__ASSEMBLY__ */

/* Entries below 8 are reserved for the toolstack. */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

/* grant_entry flags: type in bits 0-1 ... */
#define GTF_invalid          (0U << 0)
#define GTF_permit_access    (1U << 0)
#define GTF_accept_transfer  (2U << 0)
#define GTF_transitive       (3U << 0)
#define GTF_type_mask        (3U << 0)
/* ... and modifiers above. */
#define _GTF_readonly        (2)
#define GTF_readonly         (1U << _GTF_readonly)
#define _GTF_reading         (3)
#define GTF_reading          (1U << _GTF_reading)
#define _GTF_writing         (4)
#define GTF_writing          (1U << _GTF_writing)
#define _GTF_PWT             (5)
#define GTF_PWT              (1U << _GTF_PWT)
#define _GTF_PCD             (6)
#define GTF_PCD              (1U << _GTF_PCD)
#define _GTF_PAT             (7)
#define GTF_PAT              (1U << _GTF_PAT)
#define _GTF_sub_page        (8)
#define GTF_sub_page         (1U << _GTF_sub_page)
/* For GTF_accept_transfer entries. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

/* Sub-operations of __HYPERVISOR_grant_table_op. */
#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#if __XEN_INTERFACE_VERSION__ >= 0x0003020a
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12
#endif

#ifndef __ASSEMBLY__
typedef uint32_t grant_handle_t;
#endif

/*
 * Grant copy: which side of a copy segment names a grant reference
 * rather than a local frame (xengnttab_grant_copy_segment.flags).
 */
#define _GNTCOPY_source_gref  (0)
#define GNTCOPY_source_gref   (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref    (1)
#define GNTCOPY_dest_gref     (1 << _GNTCOPY_dest_gref)

#ifndef __ASSEMBLY__
/* One GNTTABOP_copy operation. */
struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t   gmfn;
        } u;
        domid_t  domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;     /* GNTCOPY_* */
    int16_t  status;    /* out: GNTST_* */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);
#endif

/* Flags for GNTTABOP_map_grant_ref. */
#define _GNTMAP_device_map       (0)
#define GNTMAP_device_map        (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map         (1)
#define GNTMAP_host_map          (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly         (2)
#define GNTMAP_readonly          (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map  (3)
#define GNTMAP_application_map   (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte     (4)
#define GNTMAP_contains_pte      (1 << _GNTMAP_contains_pte)

/* Per-operation status values (negative on failure). */
#define GNTST_okay               (0)
#define GNTST_general_error      (-1)
#define GNTST_bad_domain         (-2)
#define GNTST_bad_gntref         (-3)
#define GNTST_bad_handle         (-4)
#define GNTST_bad_virt_addr      (-5)
#define GNTST_bad_dev_addr       (-6)
#define GNTST_no_device_space    (-7)
#define GNTST_permission_denied  (-8)
#define GNTST_bad_page           (-9)
#define GNTST_bad_copy_arg       (-10)
#define GNTST_address_too_big    (-11)
#define GNTST_eagain             (-12)
#define GNTST_no_space           (-13)

#endif /* __XEN_PUBLIC_GRANT_TABLE_H__ */
