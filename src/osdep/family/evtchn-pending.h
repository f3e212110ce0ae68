/*
 * evtchn-pending.h - reading the next pending port from an event-channel
 * device, which Linux's, FreeBSD's and NetBSD's all do the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_FAMILY_EVTCHN_PENDING_H
#define XS_OSDEP_FAMILY_EVTCHN_PENDING_H

/*
 * One uint32_t port read from fd: the port, or -errno.  The drivers
 * hand out whole ports only, so a short read means something is badly
 * wrong: EIO, never a port made of part of one (upstream's Linux
 * backend leaves errno stale there, its NetBSD one returns whatever the
 * buffer held).  Ports fit in 31 bits (the API returns them as int); a
 * larger one would read as an error code, so it is EIO too (found by
 * fuzz-driver).
 */
int xs__evtchn_read_pending(int fd);

#endif
