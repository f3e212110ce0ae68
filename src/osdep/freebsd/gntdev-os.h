/*
 * gntdev-os.h - FreeBSD's side of the gntdev family (../family/gntdev.c):
 * one device, /dev/xen/gntdev, does Linux's gntdev and gntalloc in one
 * offset space, and its requests take refs and grant ids by POINTER.
 * The family puts them right after the fixed part and points there.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_FREEBSD_GNTDEV_OS_H
#define XS_OSDEP_FREEBSD_GNTDEV_OS_H

#include <stddef.h>
#include <stdint.h>

#include "osdep/family/gnt-common.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"

#define XS_GNTDEV_MAP_DEV   XS_FREEBSD_GNTDEV_DEV
#define XS_GNTDEV_SHARE_DEV XS_FREEBSD_GNTDEV_DEV

typedef struct xs_freebsd_gntdev_map_grant_ref xs_gntdev_map_t;
typedef struct xs_bsd_grant_ref xs_gntdev_ref_t;
#define XS_GNTDEV_MAP_REFS_OFF sizeof(xs_gntdev_map_t)

static inline void xs_gntdev_map_point_refs(xs_gntdev_map_t *m,
                                            xs_gntdev_ref_t *refs)
{
    m->refs = (uint64_t)(uintptr_t)refs;
}

typedef struct xs_freebsd_gntdev_alloc_gref xs_gntdev_alloc_t;
#define XS_GNTDEV_ALLOC_IDS_OFF  sizeof(xs_gntdev_alloc_t)
#define XS_GNTDEV_ALLOC_WRITABLE XS_BSD_GNT_ALLOC_FLAG_WRITABLE

static inline void xs_gntdev_alloc_point_ids(xs_gntdev_alloc_t *a,
                                             uint32_t *ids)
{
    a->gref_ids = (uint64_t)(uintptr_t)ids;
}

/*
 * SET_UNMAP_NOTIFY with SEND_EVENT: the port must be bound in this
 * domain's kernel, by any process (else EINVAL).
 */
typedef struct xs_freebsd_gntdev_unmap_notify xs_gntdev_notify_t;
typedef struct xs_freebsd_gntdev_index_count xs_gntdev_unmap_t;
typedef struct xs_freebsd_gntdev_index_count xs_gntdev_dealloc_t;
typedef struct xs_freebsd_gntdev_get_offset_for_vaddr xs_gntdev_offset_t;

#define XS_GNTDEV_REQ_MAP          XS_FREEBSD_IOCTL_GNTDEV_MAP_GRANT_REF
#define XS_GNTDEV_REQ_UNMAP        XS_FREEBSD_IOCTL_GNTDEV_UNMAP_GRANT_REF
#define XS_GNTDEV_REQ_GET_OFFSET   XS_FREEBSD_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR
#define XS_GNTDEV_REQ_MAP_NOTIFY   XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY
#define XS_GNTDEV_REQ_ALLOC        XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF
#define XS_GNTDEV_REQ_DEALLOC      XS_FREEBSD_IOCTL_GNTDEV_DEALLOC_GREF
#define XS_GNTDEV_REQ_SHARE_NOTIFY XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY

_Static_assert(XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE == XS_GNT_NOTIFY_CLEAR_BYTE &&
                   XS_BSD_UNMAP_NOTIFY_SEND_EVENT == XS_GNT_NOTIFY_SEND_EVENT,
               "FreeBSD's notify actions");

_Static_assert(sizeof(xs_gntdev_ref_t) == XS_GNT_REF_PAIR_SIZE &&
                   offsetof(xs_gntdev_ref_t, ref) == 4,
               "FreeBSD's {domid, ref} pairs");

#endif
