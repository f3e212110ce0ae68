/*
 * family/privcmd-bsd.h - what FreeBSD's and NetBSD's privcmd-os.h share
 * (./privcmd.h lists what such a header gives): the structures laid out
 * alike on both kernels (../bsd-privcmd-uapi.h), where the hypercall's
 * result is, and the hooks both answer the same way.  Included by each
 * BSD's privcmd-os.h, which adds its paths, request numbers and rules.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_FAMILY_PRIVCMD_BSD_H
#define XS_OSDEP_FAMILY_PRIVCMD_BSD_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "foreignmemory_private.h"
#include "osdep/bsd-privcmd-uapi.h"

/* The ioctl answers 0 and leaves Xen's result in the structure: the
 * whole long, as upstream's BSD backends return it. */
typedef struct xs_bsd_privcmd_hypercall xs_pc_hypercall_t;

static inline long xs__pc_hypercall_result(const xs_pc_hypercall_t *h,
                                           int64_t r)
{
    (void)r;
    return (long)h->retval;
}

/* FreeBSD's MMAPBATCH and NetBSD's MMAPBATCH_V2: the count is an int. */
typedef struct xs_bsd_privcmd_mmapbatch xs_pc_batch_t;
#define XS_PC_BATCH_MAX INT_MAX

static inline void xs__pc_batch_set(xs_pc_batch_t *b, uint16_t dom, void *addr,
                                    size_t num, const xen_pfn_t *arr, int *err)
{
    *b = (xs_pc_batch_t){
        .num = (int32_t)num,
        .dom = dom,
        .addr = (uint64_t)(uintptr_t)addr,
        .arr = (uint64_t)(uintptr_t)arr,
        .err = (uint64_t)(uintptr_t)err,
    };
}

/* No older batch request to fall back to: FreeBSD never had one, and
 * NetBSD's are XENPV-only and never needed where V2 exists. */
static inline int xs__pc_batch_fallback(xenforeignmemory_handle *fmem,
                                        uint16_t dom, char *base, size_t num,
                                        const xen_pfn_t *arr, int *err, int rc)
{
    (void)fmem;
    (void)dom;
    (void)base;
    (void)num;
    (void)arr;
    (void)err;
    return rc;
}

typedef struct xs_bsd_privcmd_mmap_resource xs_pc_resource_t;

/*
 * Nothing beyond ENOSYS means "no such request": FreeBSD answers an
 * unknown one with ENOSYS, which the family already reads as "not
 * supported", and NetBSD with EINVAL, the same as a bad argument, which
 * proves nothing.
 */
static inline int xs__pc_unknown_request(xenforeignmemory_handle *fmem,
                                         int err)
{
    (void)fmem;
    (void)err;
    return 0;
}

#endif
