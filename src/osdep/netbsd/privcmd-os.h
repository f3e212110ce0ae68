/*
 * netbsd/privcmd-os.h - NetBSD's /kern/xen/privcmd, as the privcmd family
 * (../family/privcmd.h) needs it (requests and layouts:
 * netbsd-xen-uapi.h; behaviour: reference bsd-xen-interfaces.md 1.2).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_NETBSD_PRIVCMD_OS_H
#define XS_OSDEP_NETBSD_PRIVCMD_OS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "osdep/family/privcmd-bsd.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "osdep/family/xen-errno.h"

/* A kernfs file, created only in a privileged domain (/kern mounted). */
/* clang-format off */
#define XS_PC_PATHS { XS_NETBSD_PRIVCMD_DEV }
/* clang-format on */

/* The result in the structure (../family/privcmd-bsd.h); ops of 128
 * and more are EINVAL (as on Linux). */
#define XS_PC_IOCTL_HYPERCALL XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL

/*
 * MMAPBATCH_V2 replaces a mapping the caller made first (anonymous
 * memory, whose protection the new mapping takes); a retry may name part
 * of it.  Per-frame results are Xen's own negative
 * values, in Xen's (Linux's) numbering.
 */
#define XS_PC_IOCTL_BATCH  XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2
#define XS_PC_BATCH_WHOLE  0
#define XS_PC_RESERVE_ANON 1

/* Xen's numbering is not NetBSD's above 34 (ENOSYS 38 reads ENOTSOCK). */
static inline int xs__pc_batch_err(int e)
{
    return e < 0 ? -xs__xen_errno(-e) : e;
}

/*
 * MMAP_RESOURCE, with the same reserve-first rule.  It cannot say how
 * large a resource is (num == 0 is EINVAL): no request answers the size
 * query, which the family then refuses with EOPNOTSUPP itself.
 */
/* clang-format off */
#define XS_PC_IOCTLS_RESOURCE { XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE }
/* clang-format on */
#define XS_PC_RESOURCE_QUERY_IOCTLS 0

/* No DM_OP and no RESTRICT: DM ops go by hypercall, and
 * netbsd/privcmd-absent.c answers for the missing requests. */
#define XS_PC_DM_OP_REQUEST 0

static inline int xs__pc_dm_op_missing(int rc)
{
    (void)rc;
    return 0;
}

/* Hypercall buffers: locked anonymous memory, reported as faultable
 * (upstream's NetBSD backend answers 0). */
#define XS_PC_BUFFERS_NEVER_FAULT 0

#endif
