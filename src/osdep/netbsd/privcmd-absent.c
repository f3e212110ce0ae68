/*
 * netbsd/privcmd-absent.c - what NetBSD's privcmd does not have, for the
 * privcmd family (../family/privcmd.h): no RESTRICT (foreignmemory and
 * devicemodel restriction answer EOPNOTSUPP, as upstream's NetBSD
 * backends do) and no DM_OP (DM ops go by hypercall: privcmd-os.h).
 * Nothing here asks the kernel: its answer to an unknown request is
 * EINVAL, which could not be told from a bad argument.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "osdep/family/privcmd.h"

int xs__privcmd_restrict(int fd, uint16_t domid)
{
    (void)fd;
    (void)domid;
    return -EOPNOTSUPP;
}

int xs__privcmd_dm_op(int fd, uint16_t domid, unsigned int nr_bufs,
                      const struct xs_dm_buf *bufs)
{
    (void)fd;
    (void)domid;
    (void)nr_bufs;
    (void)bufs;
    return -EOPNOTSUPP;
}

int xs__privcmd_dm_op_probe(int fd)
{
    (void)fd;
    return XS_PC_DM_OP_ABSENT;
}
