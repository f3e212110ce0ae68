/*
 * xen/version.h - __HYPERVISOR_xen_version in libxenstable's bundled Xen
 * public interface: XENVER_* sub-operations and their result buffers.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_VERSION_H__
#define __XEN_PUBLIC_VERSION_H__

#include "xen.h"

/* Returns (major << 16) | minor; takes no buffer. */
#define XENVER_version      0

#define XENVER_extraversion 1
#ifndef __ASSEMBLY__
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))
#endif

#define XENVER_compile_info 2
#ifndef __ASSEMBLY__
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;
#endif

#define XENVER_capabilities 3
#ifndef __ASSEMBLY__
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))
#endif

#define XENVER_changeset 4
#ifndef __ASSEMBLY__
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))
#endif

#define XENVER_platform_parameters 5
#ifndef __ASSEMBLY__
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
#endif

#define XENVER_get_features 6
#ifndef __ASSEMBLY__
struct xen_feature_info {
    unsigned int submap_idx;    /* in: which 32-bit word */
    uint32_t     submap;        /* out: XENFEAT_* bits */
};
typedef struct xen_feature_info xen_feature_info_t;
#endif

/* Return a plain number; take no buffer. */
#define XENVER_pagesize      7
#define XENVER_guest_handle  8

#define XENVER_commandline   9
#ifndef __ASSEMBLY__
typedef char xen_commandline_t[1024];
#endif

#define XENVER_build_id     10
#ifndef __ASSEMBLY__
#ifndef XEN_FLEX_MEMBER_EXT__
# if defined(__GNUC__) && !(defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L) && !defined(__cplusplus)
#  define XEN_FLEX_MEMBER_EXT__ __extension__
# else
#  define XEN_FLEX_MEMBER_EXT__
# endif
#endif
/* in: len = size of buf; out: len = bytes of build id written */
struct xen_build_id {
    uint32_t len;
    XEN_FLEX_MEMBER_EXT__ unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;
#endif

#endif /* __XEN_PUBLIC_VERSION_H__ */
