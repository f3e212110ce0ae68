/*
 * bsd-privcmd-uapi.h - the privcmd and grant argument structures that
 * FreeBSD and NetBSD lay out identically (reference bsd-xen-interfaces.md,
 * sections 1.1 and 1.2; FreeBSD sys/xen/{privcmd,gntdev}.h, NetBSD
 * xen/xenio.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * One family file for the two OS headers, which give the request numbers
 * (FreeBSD's group 'E', NetBSD's 'P') and say how each kernel treats
 * these arguments -- the same bytes mean different things: FreeBSD's
 * MMAPBATCH wants a range mmap()ed from privcmd and answers positive
 * per-page errors, NetBSD's MMAPBATCH_V2 replaces an anonymous mapping
 * and answers negative ones.  Fixed-width members; the kernels' LP64
 * layouts ("unsigned long" and pointers as uint64_t: a backend stores
 * pointers as (uint64_t)(uintptr_t)p).
 */
#ifndef XS_OSDEP_BSD_PRIVCMD_UAPI_H
#define XS_OSDEP_BSD_PRIVCMD_UAPI_H

#include <stddef.h>
#include <stdint.h>

#include "osdep/bsd-ioccom.h"

/* HYPERCALL: the ioctl answers 0 and the result is in retval; a negative
 * Xen result becomes the ioctl's errno (and retval is not copied out). */
struct xs_bsd_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
    int64_t retval; /* out */
};

/* FreeBSD's MMAPBATCH and NetBSD's MMAPBATCH_V2. */
struct xs_bsd_privcmd_mmapbatch {
    int32_t num;
    uint16_t dom;
    uint16_t pad0;
    uint64_t addr;
    uint64_t arr; /* const xen_pfn_t * */
    uint64_t err; /* int * */
};

/* MMAP_RESOURCE: num frames from idx of resource (type, id) at addr. */
struct xs_bsd_privcmd_mmap_resource {
    uint16_t dom;
    uint16_t pad0;
    uint32_t type;
    uint32_t id;
    uint32_t idx;
    uint64_t num;
    uint64_t addr;
};

/* One foreign grant to map (both kernels take an array by pointer). */
struct xs_bsd_grant_ref {
    uint32_t domid;
    uint32_t ref;
};

/* Unmap notification actions and the allocation flag, same values. */
#define XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE 0x1
#define XS_BSD_UNMAP_NOTIFY_SEND_EVENT 0x2
#define XS_BSD_GNT_ALLOC_FLAG_WRITABLE 0x1

/*
 * Hypercall buffers (no buffer device on either kernel) are anonymous
 * memory kept out of fork children with minherit(): FreeBSD's
 * INHERIT_NONE and NetBSD's MAP_INHERIT_NONE, "absent from the child".
 */
#define XS_BSD_INHERIT_NONE 2

XS_BSD_LAYOUT(xs_bsd_privcmd_hypercall, arg, 8);
XS_BSD_LAYOUT(xs_bsd_privcmd_hypercall, retval, 48);
XS_BSD_SIZE(xs_bsd_privcmd_hypercall, 56);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmapbatch, dom, 4);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmapbatch, addr, 8);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmapbatch, arr, 16);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmapbatch, err, 24);
XS_BSD_SIZE(xs_bsd_privcmd_mmapbatch, 32);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmap_resource, type, 4);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmap_resource, id, 8);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmap_resource, idx, 12);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmap_resource, num, 16);
XS_BSD_LAYOUT(xs_bsd_privcmd_mmap_resource, addr, 24);
XS_BSD_SIZE(xs_bsd_privcmd_mmap_resource, 32);
XS_BSD_LAYOUT(xs_bsd_grant_ref, ref, 4);
XS_BSD_SIZE(xs_bsd_grant_ref, 8);

#endif /* XS_OSDEP_BSD_PRIVCMD_UAPI_H */
