/*
 * family/privcmd-restrict.c - the privcmd requests Linux (>= 4.11) and
 * FreeBSD have and NetBSD lacks (privcmd.h): RESTRICT, which narrows a
 * descriptor to one domain, and DM_OP, which carries device-model
 * operations without a hypercall buffer.  Each OS lays DM_OP out its own
 * way (privcmd-os.h: FreeBSD's count is 32 bits at offset 4, Linux's 16
 * bits at 2).  NetBSD compiles netbsd/privcmd-absent.c instead.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>

#include <xen/xen.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/privcmd.h"
#include "privcmd-os.h"

int xs__privcmd_restrict(int fd, uint16_t domid)
{
    domid_t arg = domid;

    return xs_sys_rc(xs_sys_ioctl(fd, XS_PC_IOCTL_RESTRICT, &arg));
}

int xs__privcmd_dm_op(int fd, uint16_t domid, unsigned int nr_bufs,
                      const struct xs_dm_buf *bufs)
{
    xs_pc_dm_buf_t kbufs[XS_DM_MAX_BUFS];
    xs_pc_dm_op_t op = { 0 };

    if (nr_bufs > XS_DM_MAX_BUFS)
        return -EINVAL;
    for (unsigned int i = 0; i < nr_bufs; i++)
        xs__pc_dm_buf_set(&kbufs[i], bufs[i].ptr, bufs[i].size);
    xs__pc_dm_op_set(&op, domid, nr_bufs, kbufs);
    return xs_sys_rc(xs_sys_ioctl(fd, XS_PC_IOCTL_DM_OP, &op));
}

/*
 * A failure of a DM op that looks like "no such request" may come from a
 * kernel without DM_OP or from Xen rejecting the operation.  Ask the
 * kernel with the empty op upstream probes with at open: a kernel that
 * has DM_OP accepts it, one without answers as before.  EPERM says
 * "present, but restricted"; it is not a verdict to keep, so that no
 * single answer decides the transport for good unless only one kind of
 * kernel could give it.
 */
int xs__privcmd_dm_op_probe(int fd)
{
    xs_pc_dm_op_t probe = { 0 };
    int rc;

    xs__pc_dm_op_set(&probe, DOMID_INVALID, 0, NULL);
    rc = xs_sys_rc(xs_sys_ioctl(fd, XS_PC_IOCTL_DM_OP, &probe));
    if (rc == 0)
        return XS_PC_DM_OP_PRESENT;
    if (rc == -EPERM)
        return XS_PC_DM_OP_RESTRICTED;
    if (xs__pc_dm_op_missing(rc))
        return XS_PC_DM_OP_ABSENT;
    return rc;
}
