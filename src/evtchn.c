/*
 * evtchn.c - libxenevtchn: handle life cycle and argument checks.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Upstream's evtchn logs nothing on any OS we support, so neither do we;
 * the logger is stored only because the handle owns one.
 */
#include <errno.h>

#include "xs_internal.h"
#include "evtchn_private.h"

/*
 * xentoolcore_restrict_all(): narrow the kernel handle to one domain
 * (the handle stays usable for that domain).
 */
static int evtchn_restrict_fn(struct xs_handle *h, domid_t domid)
{
    return osdep_evtchn_restrict((xenevtchn_handle *)h, domid);
}

static int evtchn_init(struct xs_handle *h)
{
    return osdep_evtchn_init((xenevtchn_handle *)h);
}

static int evtchn_fini(struct xs_handle *h)
{
    osdep_evtchn_fini((xenevtchn_handle *)h);
    return 0;
}

static const struct xs_handle_type evtchn_type = {
    .size = sizeof(struct xenevtchn_handle),
    .restrict_fn = evtchn_restrict_fn,
    .init = evtchn_init,
    .fini = evtchn_fini,
};

XS_API xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
                                        unsigned int flags)
{
    xenevtchn_handle *xce;

    /* Unknown bits are refused before anything is allocated or opened. */
    if (flags & ~(unsigned int)XENEVTCHN_NO_CLOEXEC) {
        errno = EINVAL;
        return NULL;
    }
    xce = xs__handle_new(&evtchn_type, logger);
    if (!xce)
        return NULL;
    return xs__handle_opened(xce, osdep_evtchn_open(xce, flags));
}

/*
 * Adopt a descriptor inherited across exec (xenstored live update).  No
 * system call at all: the fd is known to be an evtchn device the caller
 * opened itself, and its close-on-exec state is the caller's business.
 */
XS_API xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger,
                                          int fd, unsigned open_flags)
{
    xenevtchn_handle *xce;

    if (open_flags) {
        errno = EINVAL;
        return NULL;
    }
    xce = xs__handle_new(&evtchn_type, logger);
    if (xce)
        xs__handle_adopt(xce, fd);
    return xce;
}

XS_API int xenevtchn_close(xenevtchn_handle *xce)
{
    return xs__handle_close(xce);   /* never the logger: it is not ours */
}

XS_API int xenevtchn_fd(xenevtchn_handle *xce)
{
    return xce->fd;
}

XS_API int xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
    return xs__ret(osdep_evtchn_restrict(xce, domid));
}

XS_API int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    return xs__ret(osdep_evtchn_notify(xce, port));
}

XS_API xenevtchn_port_or_error_t
xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
    return xs__ret(osdep_evtchn_bind_unbound_port(xce, domid));
}

XS_API xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                           evtchn_port_t remote_port)
{
    return xs__ret(osdep_evtchn_bind_interdomain(xce, domid, remote_port));
}

XS_API xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    return xs__ret(osdep_evtchn_bind_virq(xce, virq));
}

XS_API int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    return xs__ret(osdep_evtchn_unbind(xce, port));
}

XS_API xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
    return xs__ret(osdep_evtchn_pending(xce));
}

XS_API int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    return xs__ret(osdep_evtchn_unmask(xce, port));
}
