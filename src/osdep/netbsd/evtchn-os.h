/*
 * evtchn-os.h - what NetBSD's /dev/xenevt adds to the BSD event-channel
 * family (../family/bsd-evtchn.c): the device, uint16_t unmask writes,
 * the 2-level ABI's 4096 ports, and binds that fail with Xen's raw error.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_NETBSD_EVTCHN_OS_H
#define XS_OSDEP_NETBSD_EVTCHN_OS_H

#include "osdep/family/xen-errno.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"

#define XS_EVTCHN_OS_DEV XS_NETBSD_EVTCHN_DEV

typedef xs_netbsd_evtchn_unmask_t xs_evtchn_os_unmask_t;

#define XS_EVTCHN_OS_NR_PORTS XS_NETBSD_NR_EVENT_CHANNELS

/*
 * xenevt returns the negated hypercall result: Xen's (Linux-numbered)
 * error, which the caller gets in NetBSD's numbering (Xen's ENOSYS, 38,
 * must not read as NetBSD's ENOTSOCK).
 */
static inline int xs_evtchn_os_bind_error(int rc)
{
    return -xs__xen_errno(-rc);
}

#endif
