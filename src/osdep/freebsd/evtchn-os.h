/*
 * evtchn-os.h - what FreeBSD's /dev/xen/evtchn adds to the BSD
 * event-channel family (../family/bsd-evtchn.c): the device, uint32_t
 * unmask writes, and binds that fail with FreeBSD's own errno.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_FREEBSD_EVTCHN_OS_H
#define XS_OSDEP_FREEBSD_EVTCHN_OS_H

#include "osdep/freebsd/freebsd-xen-uapi.h"

#define XS_EVTCHN_OS_DEV XS_FREEBSD_EVTCHN_DEV

typedef xs_freebsd_evtchn_unmask_t xs_evtchn_os_unmask_t;

/*
 * Xen's largest port space (the FIFO ABI's 2^17 ports), so that no port
 * a FreeBSD kernel hands out is refused, whichever event-channel ABI it
 * uses (16 KiB per handle for the set of bound ports).
 */
#define XS_EVTCHN_OS_NR_PORTS (1u << 17)

/* The driver translates the hypercall's error (xen_translate_error). */
static inline int xs_evtchn_os_bind_error(int rc)
{
    return rc;
}

#endif
