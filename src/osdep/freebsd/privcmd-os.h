/*
 * freebsd/privcmd-os.h - FreeBSD's /dev/xen/privcmd, as the privcmd
 * family (../family/privcmd.h) needs it (requests and layouts:
 * freebsd-xen-uapi.h; behaviour: reference bsd-xen-interfaces.md 1.1).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_FREEBSD_PRIVCMD_OS_H
#define XS_OSDEP_FREEBSD_PRIVCMD_OS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "osdep/family/privcmd-bsd.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"

/* Created in every Xen domain (0600 root:wheel). */
/* clang-format off */
#define XS_PC_PATHS { XS_FREEBSD_PRIVCMD_DEV }
/* clang-format on */

/* The result in the structure (../family/privcmd-bsd.h). */
#define XS_PC_IOCTL_HYPERCALL XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL

/*
 * MMAPBATCH works only on a range that is exactly one mmap() of privcmd
 * (EINVAL otherwise), so even a retry covers the whole mapping.  Per-frame
 * errors come back positive (the kernel
 * translated them to FreeBSD's errnos), and the ioctl succeeds even when
 * frames failed; the kernel itself walks the batch 65535 frames at a
 * time.
 */
#define XS_PC_IOCTL_BATCH  XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH
#define XS_PC_BATCH_WHOLE  1
#define XS_PC_RESERVE_ANON 0

/* Positive per-frame errnos reach the caller negative, as on Linux
 * (upstream passes them on positive; callers test err == -ENOENT). */
static inline int xs__pc_batch_err(int e)
{
    return e > 0 ? -e : e;
}

/*
 * MMAP_RESOURCE has two numbers (freebsd-xen-uapi.h): the current _IOWR
 * one, which also answers the size query, then FreeBSD 14's _IOW one,
 * which cannot (the size never reaches the caller).  Each kernel answers
 * ENOSYS to the number it does not know.
 */
/* clang-format off */
#define XS_PC_IOCTLS_RESOURCE { XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW, \
                                XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE }
/* clang-format on */
#define XS_PC_RESOURCE_QUERY_IOCTLS 1

/* DM_OP in FreeBSD's own layout: a 32-bit count at offset 4. */
#define XS_PC_DM_OP_REQUEST 1
typedef struct xs_freebsd_privcmd_dmop xs_pc_dm_op_t;
typedef struct xs_freebsd_privcmd_dmop_buf xs_pc_dm_buf_t;
#define XS_PC_IOCTL_DM_OP    XS_FREEBSD_IOCTL_PRIVCMD_DM_OP
#define XS_PC_IOCTL_RESTRICT XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT

static inline void xs__pc_dm_buf_set(xs_pc_dm_buf_t *b, void *ptr, size_t size)
{
    b->uptr = (uint64_t)(uintptr_t)ptr;
    b->size = size;
}

static inline void xs__pc_dm_op_set(xs_pc_dm_op_t *op, uint16_t dom,
                                    unsigned int nr, const xs_pc_dm_buf_t *b)
{
    *op = (xs_pc_dm_op_t){
        .dom = dom,
        .num = nr,
        .ubufs = (uint64_t)(uintptr_t)b,
    };
}

/* A kernel without DM_OP answers ENOSYS, its answer to any request it
 * does not know. */
static inline int xs__pc_dm_op_missing(int rc)
{
    return rc == -ENOSYS;
}

/* Hypercall buffers: mlock()ed pages are wired, so the hypervisor never
 * faults on them (upstream answers 1 too). */
#define XS_PC_BUFFERS_NEVER_FAULT 1

#endif
