/*
 * linux/privcmd-os.h - Linux's privcmd, as the privcmd family
 * (../family/privcmd.h) needs it: paths, request numbers, layouts, and
 * the two things only old Linux kernels need (privcmd-legacy.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_LINUX_PRIVCMD_OS_H
#define XS_OSDEP_LINUX_PRIVCMD_OS_H

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "foreignmemory_private.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"

/* Kernels without devtmpfs nodes, and xenfs-only set-ups, offer only
 * the /proc/xen file. */
/* clang-format off */
#define XS_PC_PATHS { "/dev/xen/privcmd", "/proc/xen/privcmd" }
/* clang-format on */

typedef struct xs_privcmd_hypercall xs_pc_hypercall_t;
#define XS_PC_IOCTL_HYPERCALL XS_IOCTL_PRIVCMD_HYPERCALL

/*
 * The kernel's long result reaches us through libc's int, as it reaches
 * upstream: bits above 31 are lost and 2^31 and more come out negative,
 * sign-extended like upstream's long.
 */
static inline long xs__pc_hypercall_result(const xs_pc_hypercall_t *h,
                                           int64_t r)
{
    (void)h;
    return xs_sys_ioctl_int(r);
}

/*
 * MMAPBATCH_V2 over an mmap() of privcmd.  The kernel requires the first
 * batch on a fresh mapping to cover it exactly, but later ones may fill
 * holes, so paged-out frames are retried one run at a time.  Per-frame
 * errors are negative; the ioctl fails with ENOENT when a frame is paged
 * out.  The count field is 32 bits.
 */
typedef struct xs_privcmd_mmapbatch_v2 xs_pc_batch_t;
#define XS_PC_IOCTL_BATCH  XS_IOCTL_PRIVCMD_MMAPBATCH_V2
#define XS_PC_BATCH_MAX    UINT_MAX
#define XS_PC_BATCH_WHOLE  0
#define XS_PC_RESERVE_ANON 0

/* Per-frame results are already 0 or -errno. */
static inline int xs__pc_batch_err(int e)
{
    return e;
}

static inline void xs__pc_batch_set(xs_pc_batch_t *b, uint16_t dom, void *addr,
                                    size_t num, const xen_pfn_t *arr, int *err)
{
    b->num = (unsigned int)num;
    b->dom = dom;
    b->addr = (uint64_t)(uintptr_t)addr;
    b->arr = arr;
    b->err = err;
}

/*
 * privcmd-legacy.c: kernels without MMAPBATCH_V2 answer EINVAL; the batch
 * is then made with version 1.  Any other rc is returned as it is.
 */
int xs__pc_batch_fallback(xenforeignmemory_handle *fmem, uint16_t dom,
                          char *base, size_t num, const xen_pfn_t *arr,
                          int *err, int rc);

typedef struct xs_privcmd_mmap_resource xs_pc_resource_t;
/* clang-format off */
#define XS_PC_IOCTLS_RESOURCE { XS_IOCTL_PRIVCMD_MMAP_RESOURCE }
/* clang-format on */
#define XS_PC_RESOURCE_QUERY_IOCTLS 1

/*
 * privcmd-legacy.c: Linux answers an unknown request with ENOTTY (EINVAL
 * before 4.x); which one is learnt once, from a request no kernel has.
 */
int xs__pc_unknown_request(xenforeignmemory_handle *fmem, int err);

/* DM_OP and RESTRICT came in Linux 4.11. */
#define XS_PC_DM_OP_REQUEST 1
typedef struct xs_privcmd_dm_op xs_pc_dm_op_t;
typedef struct xs_privcmd_dm_op_buf xs_pc_dm_buf_t;
#define XS_PC_IOCTL_DM_OP    XS_IOCTL_PRIVCMD_DM_OP
#define XS_PC_IOCTL_RESTRICT XS_IOCTL_PRIVCMD_RESTRICT

/*
 * Linux's DM_OP pins every buffer's pages before the hypercall, and since
 * the 2022 fix of its error exit (Linux 6.0 and the stable trees; every
 * kernel of the VM test bed) a buffer that spans no page -- size 0 at a
 * page-aligned address, NULL included -- pins nothing and fails the
 * whole request with EFAULT.  Xen never reads a zero-length buffer, so
 * the kernel gets an address inside a page of ours instead, and
 * track_dirty_vram(nr 0), the way to stop tracking (QEMU passes NULL),
 * works whatever the caller's pointer (docs/api/devicemodel.md).
 */
static inline void xs__pc_dm_buf_set(xs_pc_dm_buf_t *b, void *ptr, size_t size)
{
    static _Alignas(16) unsigned char inside_a_page[16];

    b->uptr = size ? ptr : inside_a_page + 1;
    b->size = size;
}

/* Linux's layout: a 16-bit count at offset 2. */
static inline void xs__pc_dm_op_set(xs_pc_dm_op_t *op, uint16_t dom,
                                    unsigned int nr, const xs_pc_dm_buf_t *b)
{
    op->dom = dom;
    op->num = (uint16_t)nr;
    op->ubufs = b;
}

/* Without DM_OP: ENOTTY, or EINVAL from pre-4.x privcmd. */
static inline int xs__pc_dm_op_missing(int rc)
{
    return rc == -ENOTTY || rc == -EINVAL;
}

#endif
