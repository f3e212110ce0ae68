/*
 * freebsd-xen-uapi.h - FreeBSD's Xen device interfaces as libxenstable's
 * FreeBSD backend uses them: device paths, ioctl request numbers and the
 * argument structures of /dev/xen/privcmd, /dev/xen/evtchn and
 * /dev/xen/gntdev.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Our own declarations, written from the facts in the project's
 * reference (bsd-xen-interfaces.md, section 1.1) and checked against the
 * kernel's sys/xen/{privcmd,evtchn,gntdev}.h: every request number is
 * built with the 4.4BSD encoding spelled out in ../bsd-ioccom.h, never
 * with the host's _IOW, so this header means the same on a Linux build
 * machine as on FreeBSD.  Every member has a fixed-width type and the
 * layouts below are the kernel's LP64 ones (amd64 and arm64 agree); the
 * kernel's "unsigned long" and pointer members are uint64_t here, so a
 * backend stores pointers as (uint64_t)(uintptr_t)p.  A 32-bit FreeBSD
 * kernel uses other layouts and is not supported.
 *
 * The structures FreeBSD shares with NetBSD live in the family files
 * ../bsd-privcmd-uapi.h and ../bsd-evtchn-uapi.h; this header adds
 * FreeBSD's own, its request numbers, and what its drivers do with them.
 * Sizes and offsets are asserted; tests/osdep-constants compares every
 * number with a table computed from the real headers.
 */
#ifndef XS_OSDEP_FREEBSD_XEN_UAPI_H
#define XS_OSDEP_FREEBSD_XEN_UAPI_H

#include <stddef.h>
#include <stdint.h>

#include "osdep/bsd-evtchn-uapi.h"
#include "osdep/bsd-ioccom.h"
#include "osdep/bsd-privcmd-uapi.h"

/* Created in every Xen domain, mode 0600 root:wheel.  There is no
 * hypercall-buffer device and no separate gntalloc: gntdev does both. */
#define XS_FREEBSD_PRIVCMD_DEV "/dev/xen/privcmd"
#define XS_FREEBSD_EVTCHN_DEV  "/dev/xen/evtchn"
#define XS_FREEBSD_GNTDEV_DEV  "/dev/xen/gntdev"

/* ------------------------------------------------------------------ */
/* privcmd                                                             */
/*
 * HYPERCALL takes struct xs_bsd_privcmd_hypercall (../bsd-privcmd-uapi.h):
 * the result in retval, a negative Xen result as the ioctl's errno.
 *
 * MMAPBATCH takes struct xs_bsd_privcmd_mmapbatch, with Linux's V2
 * semantics except: addr must be exactly the start of an mmap() of a
 * privcmd descriptor that is exactly num pages long (EINVAL otherwise),
 * and err[] receives POSITIVE errno values per page (Linux's are
 * negative); the ioctl succeeds even when pages failed.
 *
 * MMAP_RESOURCE takes struct xs_bsd_privcmd_mmap_resource: num = addr = 0
 * asks for the resource's size in frames; otherwise the mmap-first rule
 * of MMAPBATCH applies.
 */

/* DM_OP: FreeBSD's layout, NOT Linux's (there num is 16 bits at 2). */
struct xs_freebsd_privcmd_dmop_buf {
    uint64_t uptr; /* void * */
    uint64_t size; /* size_t */
};

struct xs_freebsd_privcmd_dmop {
    uint16_t dom;
    uint16_t pad0;
    uint32_t num;   /* 0: answers 0; > 16: E2BIG */
    uint64_t ubufs; /* const struct ..._dmop_buf * */
};
#define XS_FREEBSD_PRIVCMD_DMOP_MAX_BUFS 16

/* The kernel splits a batch into hypercalls of at most this many pages. */
#define XS_FREEBSD_PRIVCMD_BATCH_CHUNK 65535

#define XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL \
    XS_BSD_IOWR('E', 0, struct xs_bsd_privcmd_hypercall)
#define XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH \
    XS_BSD_IOWR('E', 1, struct xs_bsd_privcmd_mmapbatch)
/*
 * MMAP_RESOURCE exists with two numbers.  The FreeBSD 14 header (the
 * reference's number) declares it _IOW, so the kernel's size answer never
 * reaches the caller (the driver copies it out to its own kernel copy of
 * the argument: EFAULT).  Newer sys/xen/privcmd.h declares it _IOWR and the
 * driver stores the size in the argument, which the ioctl layer copies
 * back.  Each kernel knows only its own number (the other is ENOSYS), so
 * a backend tries _RW first and falls back to the old one on ENOSYS.
 */
#define XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE \
    XS_BSD_IOW('E', 2, struct xs_bsd_privcmd_mmap_resource)
#define XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW \
    XS_BSD_IOWR('E', 2, struct xs_bsd_privcmd_mmap_resource)
#define XS_FREEBSD_IOCTL_PRIVCMD_DM_OP \
    XS_BSD_IOW('E', 3, struct xs_freebsd_privcmd_dmop)
/* Argument: a domid_t.  Restricting a handle again to ANOTHER domain makes
 * the driver return -EINVAL, so the caller sees errno == -EINVAL. */
#define XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT XS_BSD_IOW('E', 4, uint16_t)
/* Any other privcmd request: ENOSYS.  There is no IRQFD, IOEVENTFD,
 * PCIDEV_GET_GSI, MMAP (v1) or MMAPBATCH (v1). */

/* ------------------------------------------------------------------ */
/* evtchn: the shared BSD interface of ../bsd-evtchn-uapi.h             */
/*
 * FreeBSD's behaviour behind it (sys/dev/xen/evtchn/evtchn_dev.c):
 *  - unmask writes take uint32_t ports (whole ports; at most a page);
 *    ports of other descriptors are ignored;
 *  - read(): whole ports, at most a page; EWOULDBLOCK when non-blocking
 *    and empty; EFBIG once the one-page ring overflowed, until RESET;
 *  - UNBIND and NOTIFY of a port this descriptor did not bind answer
 *    ENOTCONN but leave the descriptor's bind lock held (2021 and 2023
 *    revisions): the next bind, unbind, notify or unmask on it deadlocks,
 *    and kernels with WITNESS panic.  A backend must never send one;
 *  - any other request: ENOTTY (no RESTRICT_DOMID).
 */
typedef uint32_t xs_freebsd_evtchn_unmask_t;

/* ------------------------------------------------------------------ */
/* gntdev: Linux's gntdev and gntalloc merged into one device          */

/* SET_UNMAP_NOTIFY: index is the file offset of the byte to clear; a
 * SEND_EVENT port must be bound in this kernel (else EINVAL). */
struct xs_freebsd_gntdev_unmap_notify {
    uint64_t index;
    uint32_t action; /* XS_BSD_UNMAP_NOTIFY_* */
    uint32_t event_channel_port;
};

/* ALLOC_GREF (gntalloc's job): the grant ids go to *gref_ids; then
 * mmap(fd, offset = index). */
struct xs_freebsd_gntdev_alloc_gref {
    uint16_t domid;
    uint16_t flags; /* XS_BSD_GNT_ALLOC_FLAG_* */
    uint32_t count;
    uint64_t index;    /* out */
    uint64_t gref_ids; /* uint32_t *, out */
};

/* DEALLOC_GREF and UNMAP_GRANT_REF share this shape. */
struct xs_freebsd_gntdev_index_count {
    uint64_t index;
    uint32_t count;
    uint32_t pad0;
};

/* MAP_GRANT_REF: refs by POINTER (Linux puts them inline); the map
 * hypercall happens at the first mmap(fd, offset = index). */
struct xs_freebsd_gntdev_map_grant_ref {
    uint32_t count;
    uint32_t pad0;
    uint64_t index; /* out */
    uint64_t refs;  /* struct xs_bsd_grant_ref * */
};

struct xs_freebsd_gntdev_get_offset_for_vaddr {
    uint64_t vaddr;
    uint64_t offset; /* out */
    uint32_t count;  /* out */
    uint32_t pad0;
};

#define XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY \
    XS_BSD_IOW('E', 0, struct xs_freebsd_gntdev_unmap_notify)
#define XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF \
    XS_BSD_IOWR('E', 1, struct xs_freebsd_gntdev_alloc_gref)
#define XS_FREEBSD_IOCTL_GNTDEV_DEALLOC_GREF \
    XS_BSD_IOW('E', 2, struct xs_freebsd_gntdev_index_count)
#define XS_FREEBSD_IOCTL_GNTDEV_MAP_GRANT_REF \
    XS_BSD_IOWR('E', 3, struct xs_freebsd_gntdev_map_grant_ref)
#define XS_FREEBSD_IOCTL_GNTDEV_UNMAP_GRANT_REF \
    XS_BSD_IOW('E', 4, struct xs_freebsd_gntdev_index_count)
#define XS_FREEBSD_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR \
    XS_BSD_IOWR('E', 5, struct xs_freebsd_gntdev_get_offset_for_vaddr)
/* Any other gntdev request: ENOSYS.  No GRANT_COPY, no dma-buf, no
 * SET_MAX_GRANTS. */

/* ------------------------------------------------------------------ */
/* The LP64 layouts of FreeBSD's own structures.                        */

XS_BSD_LAYOUT(xs_freebsd_privcmd_dmop_buf, size, 8);
XS_BSD_SIZE(xs_freebsd_privcmd_dmop_buf, 16);
XS_BSD_LAYOUT(xs_freebsd_privcmd_dmop, num, 4);
XS_BSD_LAYOUT(xs_freebsd_privcmd_dmop, ubufs, 8);
XS_BSD_SIZE(xs_freebsd_privcmd_dmop, 16);
XS_BSD_LAYOUT(xs_freebsd_gntdev_unmap_notify, action, 8);
XS_BSD_LAYOUT(xs_freebsd_gntdev_unmap_notify, event_channel_port, 12);
XS_BSD_SIZE(xs_freebsd_gntdev_unmap_notify, 16);
XS_BSD_LAYOUT(xs_freebsd_gntdev_alloc_gref, flags, 2);
XS_BSD_LAYOUT(xs_freebsd_gntdev_alloc_gref, count, 4);
XS_BSD_LAYOUT(xs_freebsd_gntdev_alloc_gref, index, 8);
XS_BSD_LAYOUT(xs_freebsd_gntdev_alloc_gref, gref_ids, 16);
XS_BSD_SIZE(xs_freebsd_gntdev_alloc_gref, 24);
XS_BSD_LAYOUT(xs_freebsd_gntdev_index_count, count, 8);
XS_BSD_SIZE(xs_freebsd_gntdev_index_count, 16);
XS_BSD_LAYOUT(xs_freebsd_gntdev_map_grant_ref, index, 8);
XS_BSD_LAYOUT(xs_freebsd_gntdev_map_grant_ref, refs, 16);
XS_BSD_SIZE(xs_freebsd_gntdev_map_grant_ref, 24);
XS_BSD_LAYOUT(xs_freebsd_gntdev_get_offset_for_vaddr, offset, 8);
XS_BSD_LAYOUT(xs_freebsd_gntdev_get_offset_for_vaddr, count, 16);
XS_BSD_SIZE(xs_freebsd_gntdev_get_offset_for_vaddr, 24);

#endif /* XS_OSDEP_FREEBSD_XEN_UAPI_H */
