/*
 * evtchn-pending.c - the next pending port (see evtchn-pending.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "osdep/sys.h"
#include "osdep/family/evtchn-pending.h"

int xs__evtchn_read_pending(int fd)
{
    uint32_t port;
    ssize_t n = xs_sys_read(fd, &port, sizeof(port));

    if (n < 0)
        return (int)n;
    if (n != sizeof(port) || port > INT_MAX)
        return -EIO;
    return (int)port;
}
