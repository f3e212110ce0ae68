/*
 * linux/gnt_notify.h - the unmap notification both Linux grant devices
 * (gntdev, gntalloc) take with the same argument.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_LINUX_GNT_NOTIFY_H
#define XS_OSDEP_LINUX_GNT_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>

/*
 * SET_UNMAP_NOTIFY (request req of the device on fd) for the mapping of
 * bytes at the device's index: at unmap, clear the byte at
 * notify_offset (when inside the mapping) and/or signal notify_port
 * (unless XS_GNT_NO_NOTIFY).  0/-errno; no system call when neither is
 * wanted.
 */
int xs__gnt_unmap_notify(int fd, unsigned long req, uint64_t index,
                         size_t bytes, uint32_t notify_offset,
                         evtchn_port_t notify_port);

#endif
