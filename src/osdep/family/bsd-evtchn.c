/*
 * bsd-evtchn.c - event channels through the BSD event-channel device,
 * which FreeBSD (/dev/xen/evtchn) and NetBSD (/dev/xenevt) share: the
 * same requests and structures (osdep/bsd-evtchn-uapi.h), the new port
 * returned inside the argument, pending ports read as uint32_t and
 * unmasked by writing them back.  What differs is in the OS's
 * evtchn-os.h: the device, the width of an unmask write, how many ports
 * there can be, and what a failed bind reports.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every handle remembers the ports it bound.  FreeBSD's driver answers
 * UNBIND or NOTIFY of a port the descriptor did not bind with ENOTCONN
 * but returns holding the descriptor's bind lock (evtchn_dev.c, 2021 and
 * 2023 revisions): the next bind, unbind, notify or unmask on it hangs
 * for ever, and WITNESS kernels panic.  So such a port is never sent;
 * the library answers ENOTCONN itself, on NetBSD too (the same answer
 * without a system call).  The set is checked and changed under the
 * handle's lock, held across the request, so that a concurrent unbind
 * cannot make a checked port stale before it reaches the kernel.
 *
 * A descriptor adopted with xenevtchn_fdopen() carries ports that its
 * previous owner bound (xenstored's live update), which no request can
 * list.  On such a handle a port the library has not seen is passed to
 * the kernel, as upstream does; one it bound or unbound itself is
 * answered from the set.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/bsd-evtchn-uapi.h"
#include "osdep/family/evtchn-pending.h"
#include "osdep/family/port-set.h"
#include "evtchn_private.h"
#include "evtchn-os.h"

struct osdep_evtchn {
    pthread_mutex_t lock;
    struct xs_port_set bound; /* bound through this handle */
    /*
     * Adopted descriptors only (NULL bits otherwise): the ports whose
     * state this handle knows, because it bound or unbound them or the
     * kernel said they are not bound here.
     */
    struct xs_port_set known;
};

enum port_state {
    PORT_BOUND,   /* this handle's: may be sent */
    PORT_UNBOUND, /* not bound on this descriptor: never sent */
    PORT_UNKNOWN  /* adopted descriptor, not seen: sent, as upstream */
};

int osdep_evtchn_init(xenevtchn_handle *xce)
{
    struct osdep_evtchn *st = calloc(1, sizeof(*st));
    int rc;

    if (!st)
        return -ENOMEM;
    rc = xs__port_set_init(&st->bound, XS_EVTCHN_OS_NR_PORTS);
    if (rc == 0) {
        /* until osdep_evtchn_open says the descriptor is new */
        rc = xs__port_set_init(&st->known, XS_EVTCHN_OS_NR_PORTS);
        if (rc < 0)
            xs__port_set_fini(&st->bound);
    }
    if (rc == 0) {
        rc = -pthread_mutex_init(&st->lock, NULL);
        if (rc < 0) {
            xs__port_set_fini(&st->known);
            xs__port_set_fini(&st->bound);
        }
    }
    if (rc < 0) {
        free(st);
        return rc;
    }
    xce->os = st;
    return 0;
}

void osdep_evtchn_fini(xenevtchn_handle *xce)
{
    struct osdep_evtchn *st = xce->os;

    if (!st)
        return;
    pthread_mutex_destroy(&st->lock);
    xs__port_set_fini(&st->known);
    xs__port_set_fini(&st->bound);
    free(st);
    xce->os = NULL;
}

int osdep_evtchn_open(xenevtchn_handle *xce, unsigned int flags)
{
    int oflags = O_RDWR;

    /* A new descriptor has no ports: every unseen port is unbound. */
    xs__port_set_fini(&xce->os->known);
    /* Blocking, as the caller expects (upstream NetBSD is not). */
    if (!(flags & XENEVTCHN_NO_CLOEXEC))
        oflags |= O_CLOEXEC;
    return xs_sys_open(XS_EVTCHN_OS_DEV, oflags);
}

static enum port_state port_state(const struct osdep_evtchn *st,
                                  evtchn_port_t port)
{
    if (xs__port_set_has(&st->bound, port))
        return PORT_BOUND;
    if (!st->known.bits || xs__port_set_has(&st->known, port))
        return PORT_UNBOUND;
    return PORT_UNKNOWN;
}

static void port_now(struct osdep_evtchn *st, evtchn_port_t port, int bound)
{
    if (bound)
        xs__port_set_add(&st->bound, port);
    else
        xs__port_set_del(&st->bound, port);
    if (st->known.bits)
        xs__port_set_add(&st->known, port);
}

int osdep_evtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
    /* Neither kernel can narrow an event-channel descriptor. */
    (void)xce;
    (void)domid;
    return -EOPNOTSUPP;
}

/*
 * A bind request whose new port the kernel writes to *port: the port, or
 * -errno.  A port beyond what the OS can have cannot be recorded, so it
 * cannot be used either: EIO (the descriptor's close releases it).
 */
static int bind_port(xenevtchn_handle *xce, unsigned long req, void *arg,
                     const uint32_t *port)
{
    struct osdep_evtchn *st = xce->os;
    int64_t r;
    int rc;

    pthread_mutex_lock(&st->lock);
    r = xs_sys_ioctl(xce->fd, req, arg);
    if (r < 0) {
        rc = xs_evtchn_os_bind_error((int)r);
    } else if (*port >= XS_EVTCHN_OS_NR_PORTS) {
        rc = -EIO;
    } else {
        port_now(st, *port, 1);
        rc = (int)*port;
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int osdep_evtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
    struct xs_bsd_evtchn_bind_unbound_port arg = { .remote_domain = domid };

    return bind_port(xce, XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &arg,
                     &arg.port);
}

int osdep_evtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                  evtchn_port_t remote_port)
{
    struct xs_bsd_evtchn_bind_interdomain arg = {
        .remote_domain = domid,
        .remote_port = remote_port,
    };

    return bind_port(xce, XS_BSD_IOCTL_EVTCHN_BIND_INTERDOMAIN, &arg,
                     &arg.port);
}

int osdep_evtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    struct xs_bsd_evtchn_bind_virq arg = { .virq = virq };

    return bind_port(xce, XS_BSD_IOCTL_EVTCHN_BIND_VIRQ, &arg, &arg.port);
}

/*
 * UNBIND or NOTIFY of port, only if this handle may name it: 0 or
 * -errno.  Ports the OS cannot have are EINVAL, NetBSD's own answer.
 */
static int port_request(xenevtchn_handle *xce, unsigned long req,
                        evtchn_port_t port, int unbinds)
{
    struct xs_bsd_evtchn_port arg = { .port = port };
    struct osdep_evtchn *st = xce->os;
    int rc;

    if (port >= XS_EVTCHN_OS_NR_PORTS)
        return -EINVAL;
    pthread_mutex_lock(&st->lock);
    if (port_state(st, port) == PORT_UNBOUND) {
        rc = -ENOTCONN;
    } else {
        rc = xs_sys_rc(xs_sys_ioctl(xce->fd, req, &arg));
        if (rc == 0 && unbinds)
            port_now(st, port, 0);
        else if (rc == -ENOTCONN)
            port_now(st, port, 0); /* the kernel says it is not ours */
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int osdep_evtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    return port_request(xce, XS_BSD_IOCTL_EVTCHN_NOTIFY, port, 0);
}

int osdep_evtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    return port_request(xce, XS_BSD_IOCTL_EVTCHN_UNBIND, port, 1);
}

/* Pending ports are uint32_t on both BSDs, as on Linux. */
int osdep_evtchn_pending(xenevtchn_handle *xce)
{
    return xs__evtchn_read_pending(xce->fd);
}

/*
 * Unmasking takes no lock and no check: both drivers ignore ports the
 * descriptor did not bind, without the unbind/notify lock leak.  The
 * write is exactly one port of the OS's width: NetBSD reads uint16_t
 * ports, and a uint32_t write would only work by accident on
 * little-endian machines.  The answer is 0, not the byte count.
 */
int osdep_evtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    xs_evtchn_os_unmask_t p = (xs_evtchn_os_unmask_t)port;
    ssize_t n;

    if (port >= XS_EVTCHN_OS_NR_PORTS)
        return -EINVAL;
    n = xs_sys_write(xce->fd, &p, sizeof(p));
    if (n < 0)
        return (int)n;
    return n == sizeof(p) ? 0 : -EIO;
}
