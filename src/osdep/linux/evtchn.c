/*
 * evtchn.c - event channels through Linux's /dev/xen/evtchn.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The bind ioctls return the new local port as the ioctl's result; read()
 * yields pending ports and write() unmasks them, one uint32_t each.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/family/evtchn-pending.h"
#include "evtchn_private.h"

#define EVTCHN_DEV "/dev/xen/evtchn"

int osdep_evtchn_open(xenevtchn_handle *xce, unsigned int flags)
{
    int oflags = O_RDWR;

    (void)xce;
    if (!(flags & XENEVTCHN_NO_CLOEXEC))
        oflags |= O_CLOEXEC;
    return xs_sys_open(EVTCHN_DEV, oflags);
}

/*
 * An ioctl whose non-negative result is the answer (port or 0).  Ports
 * fit in 31 bits (the API returns them as int); a larger one would read
 * as an error code, so it is refused as the pending read refuses it.
 */
static int evtchn_ioctl(xenevtchn_handle *xce, unsigned long req, void *arg)
{
    int64_t r = xs_sys_ioctl(xce->fd, req, arg);

    if (r < 0)
        return (int)r;
    return r > INT_MAX ? -EIO : (int)r;
}

int osdep_evtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
    struct xs_ioctl_evtchn_restrict_domid arg = { .domid = domid };

    return evtchn_ioctl(xce, XS_IOCTL_EVTCHN_RESTRICT_DOMID, &arg);
}

int osdep_evtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    struct xs_ioctl_evtchn_notify arg = { .port = port };

    return evtchn_ioctl(xce, XS_IOCTL_EVTCHN_NOTIFY, &arg);
}

int osdep_evtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
    struct xs_ioctl_evtchn_bind_unbound_port arg = { .remote_domain = domid };

    return evtchn_ioctl(xce, XS_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &arg);
}

int osdep_evtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                  evtchn_port_t remote_port)
{
    struct xs_ioctl_evtchn_bind_interdomain arg = {
        .remote_domain = domid,
        .remote_port = remote_port,
    };

    return evtchn_ioctl(xce, XS_IOCTL_EVTCHN_BIND_INTERDOMAIN, &arg);
}

int osdep_evtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    struct xs_ioctl_evtchn_bind_virq arg = { .virq = virq };

    return evtchn_ioctl(xce, XS_IOCTL_EVTCHN_BIND_VIRQ, &arg);
}

int osdep_evtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    struct xs_ioctl_evtchn_unbind arg = { .port = port };

    return evtchn_ioctl(xce, XS_IOCTL_EVTCHN_UNBIND, &arg);
}

int osdep_evtchn_pending(xenevtchn_handle *xce)
{
    return xs__evtchn_read_pending(xce->fd);
}

int osdep_evtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    uint32_t p = port;
    ssize_t n = xs_sys_write(xce->fd, &p, sizeof(p));

    if (n < 0)
        return (int)n;
    if (n != sizeof(p))
        return -EIO;        /* as for pending: upstream leaves errno stale */
    return 0;
}
