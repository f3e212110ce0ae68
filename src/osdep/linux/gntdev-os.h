/*
 * gntdev-os.h - Linux's side of the gntdev family (../family/gntdev.c):
 * two devices, gntdev for mapping and gntalloc for sharing, whose
 * request arguments carry their refs and grant ids INLINE, after a
 * fixed part.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_LINUX_GNTDEV_OS_H
#define XS_OSDEP_LINUX_GNTDEV_OS_H

#include <stddef.h>
#include <stdint.h>

#include "osdep/family/gnt-common.h"
#include "osdep/linux/xen-linux-uapi.h"

#define XS_GNTDEV_MAP_DEV   "/dev/xen/gntdev"
#define XS_GNTDEV_SHARE_DEV "/dev/xen/gntalloc"

/* MAP_GRANT_REF: count refs follow the fixed part. */
typedef struct xs_ioctl_gntdev_map_grant_ref xs_gntdev_map_t;
typedef struct xs_ioctl_gntdev_grant_ref xs_gntdev_ref_t;
#define XS_GNTDEV_MAP_REFS_OFF offsetof(xs_gntdev_map_t, refs)

static inline void xs_gntdev_map_point_refs(xs_gntdev_map_t *m,
                                            xs_gntdev_ref_t *refs)
{
    (void)m; /* inline: where they are is where the kernel reads */
    (void)refs;
}

/* ALLOC_GREF: count grant ids follow the fixed part. */
typedef struct xs_ioctl_gntalloc_alloc_gref xs_gntdev_alloc_t;
#define XS_GNTDEV_ALLOC_IDS_OFF  offsetof(xs_gntdev_alloc_t, gref_ids)
#define XS_GNTDEV_ALLOC_WRITABLE XS_GNTALLOC_FLAG_WRITABLE

static inline void xs_gntdev_alloc_point_ids(xs_gntdev_alloc_t *a,
                                             uint32_t *ids)
{
    (void)a;
    (void)ids;
}

typedef struct xs_ioctl_gntdev_unmap_notify xs_gntdev_notify_t;
typedef struct xs_ioctl_gntdev_unmap_grant_ref xs_gntdev_unmap_t;
typedef struct xs_ioctl_gntalloc_dealloc_gref xs_gntdev_dealloc_t;
typedef struct xs_ioctl_gntdev_get_offset_for_vaddr xs_gntdev_offset_t;

#define XS_GNTDEV_REQ_MAP          XS_IOCTL_GNTDEV_MAP_GRANT_REF
#define XS_GNTDEV_REQ_UNMAP        XS_IOCTL_GNTDEV_UNMAP_GRANT_REF
#define XS_GNTDEV_REQ_GET_OFFSET   XS_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR
#define XS_GNTDEV_REQ_MAP_NOTIFY   XS_IOCTL_GNTDEV_SET_UNMAP_NOTIFY
#define XS_GNTDEV_REQ_ALLOC        XS_IOCTL_GNTALLOC_ALLOC_GREF
#define XS_GNTDEV_REQ_DEALLOC      XS_IOCTL_GNTALLOC_DEALLOC_GREF
#define XS_GNTDEV_REQ_SHARE_NOTIFY XS_IOCTL_GNTALLOC_SET_UNMAP_NOTIFY

_Static_assert(XS_UNMAP_NOTIFY_CLEAR_BYTE == XS_GNT_NOTIFY_CLEAR_BYTE &&
                   XS_UNMAP_NOTIFY_SEND_EVENT == XS_GNT_NOTIFY_SEND_EVENT,
               "Linux's notify actions");

_Static_assert(sizeof(xs_gntdev_ref_t) == XS_GNT_REF_PAIR_SIZE &&
                   offsetof(xs_gntdev_ref_t, ref) == 4,
               "Linux's {domid, ref} pairs");

#endif
