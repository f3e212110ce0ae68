/*
 * evtchn.c - event channels on a system without Xen drivers: every
 * kernel operation answers EOPNOTSUPP, so the exported symbol set is the
 * same on every OS and callers get a clean error.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "evtchn_private.h"

int osdep_evtchn_open(xenevtchn_handle *xce, unsigned int flags)
{
    (void)xce; (void)flags;
    return -EOPNOTSUPP;
}

int osdep_evtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
    (void)xce; (void)domid;
    return -EOPNOTSUPP;
}

int osdep_evtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce; (void)port;
    return -EOPNOTSUPP;
}

int osdep_evtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
    (void)xce; (void)domid;
    return -EOPNOTSUPP;
}

int osdep_evtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                  evtchn_port_t remote_port)
{
    (void)xce; (void)domid; (void)remote_port;
    return -EOPNOTSUPP;
}

int osdep_evtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    (void)xce; (void)virq;
    return -EOPNOTSUPP;
}

int osdep_evtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce; (void)port;
    return -EOPNOTSUPP;
}

int osdep_evtchn_pending(xenevtchn_handle *xce)
{
    (void)xce;
    return -EOPNOTSUPP;
}

int osdep_evtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce; (void)port;
    return -EOPNOTSUPP;
}
