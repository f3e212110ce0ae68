/*
 * xen/hvm/hvm_op.h - __HYPERVISOR_hvm_op in libxenstable's bundled Xen
 * public interface: HVM parameters, hvmmem_type_t and the buffered-ioreq
 * modes of an ioreq server.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_HVM_HVM_OP_H__
#define __XEN_PUBLIC_HVM_HVM_OP_H__

#include "../xen.h"
#include "../event_channel.h"

/* Get or set one HVM_PARAM_* of a domain. */
#define HVMOP_set_param  0
#define HVMOP_get_param  1
#ifndef __ASSEMBLY__
struct xen_hvm_param {
    domid_t  domid;
    uint16_t pad;
    uint32_t index;             /* HVM_PARAM_* */
    uint64_t value;
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);
#endif

#define HVMOP_flush_tlbs 5

#ifndef __ASSEMBLY__
/* How guest accesses to a range of frames are handled. */
typedef enum {
    HVMMEM_ram_rw,              /* ordinary RAM */
    HVMMEM_ram_ro,              /* writes are dropped */
    HVMMEM_mmio_dm,             /* every access goes to the device model */
#if __XEN_INTERFACE_VERSION__ < 0x00040700
    HVMMEM_mmio_write_dm,
#else
    HVMMEM_unused,
#endif
    HVMMEM_ioreq_server         /* claimed with map_mem_type_to_ioreq_server */
} hvmmem_type_t;
#endif

#define HVMOP_get_mem_type 15
#ifndef __ASSEMBLY__
struct xen_hvm_get_mem_type {
    domid_t  domid;
    uint16_t mem_type;          /* out: hvmmem_type_t */
    uint16_t pad[2];
    uint64_t pfn;
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_mem_type_t);
#endif

#if defined(__XEN__) || defined(__XEN_TOOLS__)
/* handle_bufioreq of XEN_DMOP_create_ioreq_server. */
#define HVM_IOREQSRV_BUFIOREQ_OFF    0  /* no buffered ioreq ring */
#define HVM_IOREQSRV_BUFIOREQ_LEGACY 1  /* ring with legacy pointer updates */
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC 2  /* ring with atomic pointer updates */
#endif

#endif /* __XEN_PUBLIC_HVM_HVM_OP_H__ */
