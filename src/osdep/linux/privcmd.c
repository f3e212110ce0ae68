/*
 * linux/privcmd.c - opening the privcmd device (see privcmd.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <fcntl.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/privcmd.h"

int xs__privcmd_open(void)
{
    int fd = xs_sys_open(PRIVCMD_DEV, O_RDWR | O_CLOEXEC);

    if (fd == -ENOENT || fd == -ENXIO || fd == -ENODEV)
        fd = xs_sys_open(PRIVCMD_PROC, O_RDWR | O_CLOEXEC);
    return fd;
}
