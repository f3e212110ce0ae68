/*
 * xen/domctl.h - __HYPERVISOR_domctl in libxenstable's bundled Xen public
 * interface.  DELIBERATELY PARTIAL: only the stable sub-operation
 * XEN_DOMCTL_get_domain_state that libxenmanage needs (Xen >= 4.21).
 * Not installed; code needing more must use Xen's complete header.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_DOMCTL_H__
#define __XEN_PUBLIC_DOMCTL_H__

#if !defined(__XEN__) && !defined(__XEN_TOOLS__)
#error "domctl is a toolstack interface: define __XEN_TOOLS__"
#endif

#include "xen.h"

/*
 * Stable sub-operations ignore XEN_DOMCTL_INTERFACE_VERSION: the caller
 * passes the version of the sub-operation itself (0 here).
 */
#define XEN_DOMCTL_GETDOMSTATE_VERS_MAX 0

/*
 * XEN_DOMCTL_get_domain_state: state of domain xen_domctl.domain, or,
 * with DOMID_INVALID, of the next domain whose state changed since the
 * last query (xen_domctl.domain is then written back).  The second form
 * is only available to the domain that bound VIRQ_DOM_EXC.
 */
struct xen_domctl_get_domain_state {
    uint16_t state;
#define XEN_DOMCTL_GETDOMSTATE_STATE_EXIST     0x0001
#define XEN_DOMCTL_GETDOMSTATE_STATE_SHUTDOWN  0x0002
#define XEN_DOMCTL_GETDOMSTATE_STATE_DYING     0x0004
#define XEN_DOMCTL_GETDOMSTATE_STATE_DEAD      0x0008
    uint16_t caps;
#define XEN_DOMCTL_GETDOMSTATE_CAP_CONTROL     0x0001
#define XEN_DOMCTL_GETDOMSTATE_CAP_HARDWARE    0x0002
#define XEN_DOMCTL_GETDOMSTATE_CAP_XENSTORE    0x0004
    uint32_t pad0;              /* zero in, zero out */
    uint64_t unique_id;         /* never reused for another domain */
};

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_get_domain_state 90
    uint32_t interface_version;
    domid_t  domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_get_domain_state get_domain_state;
        uint8_t pad[128];       /* keeps the union at its ABI size */
        uint64_aligned_t align__;
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* __XEN_PUBLIC_DOMCTL_H__ */
