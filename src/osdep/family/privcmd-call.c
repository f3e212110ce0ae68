/*
 * family/privcmd-call.c - the privcmd device and its hypercall request,
 * and xencall's open and hypercall on top of them (privcmd.h).  Where
 * hypercall buffers come from is the OS's: linux/call-buffers.c,
 * family/locked-pages.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>

#include "call_private.h"
#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/privcmd.h"
#include "privcmd-os.h"

int xs__privcmd_open(int *which)
{
    static const char *const paths[] = XS_PC_PATHS;
    int fd = -ENOENT;
    size_t i;

    for (i = 0; i < XS_ARRAY_SIZE(paths); i++) {
        fd = xs_sys_open(paths[i], O_RDWR | O_CLOEXEC);
        if (!xs__privcmd_node_missing(fd))
            break;
    }
    if (which)
        *which = (int)(i < XS_ARRAY_SIZE(paths) ? i : i - 1);
    return fd;
}

int xs__privcmd_hypercall(int fd, unsigned int op, const uint64_t args[5],
                          long *result)
{
    xs_pc_hypercall_t h = {
        .op = op,
        .arg = { args[0], args[1], args[2], args[3], args[4] },
    };
    int64_t r = xs_sys_ioctl(fd, XS_PC_IOCTL_HYPERCALL, &h);

    /* Xen's failure arrives as the ioctl's, already an errno */
    if (r < 0)
        return (int)r;
    *result = xs__pc_hypercall_result(&h, r);
    return 0;
}

int osdep_xencall_open(xencall_handle *xcall)
{
    (void)xcall;
    return xs__privcmd_open(NULL);
}

int osdep_hypercall(xencall_handle *xcall, unsigned int op,
                    const uint64_t args[5], long *result)
{
    return xs__privcmd_hypercall(xcall->fd, op, args, result);
}
