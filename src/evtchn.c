/*
 * evtchn.c - libxenevtchn: handle life cycle and argument checks.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Upstream's evtchn logs nothing on any OS we support, so neither do we;
 * the logger is stored only because the handle owns one.
 */
#include <errno.h>
#include <stdlib.h>

#include "xs_internal.h"
#include "xtl_private.h"
#include "osdep/sys.h"
#include "evtchn_private.h"

/*
 * xentoolcore_restrict_all(): narrow the kernel handle to one domain
 * (the handle stays usable for that domain).  A handle whose device is
 * not open has nothing to restrict.
 */
static int evtchn_restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    xenevtchn_handle *xce = (xenevtchn_handle *)ah;

    if (xce->fd < 0)
        return 0;
    return xs__ret(osdep_evtchn_restrict(xce, domid));
}

static xenevtchn_handle *handle_new(struct xentoollog_logger *logger, int fd)
{
    xenevtchn_handle *xce = calloc(1, sizeof(*xce));

    if (!xce)
        return NULL;
    xce->logger = xs__logger_or_default(logger);
    xce->fd = fd;
    xce->tc_ah.restrict_callback = evtchn_restrict_cb;
    return xce;
}

XS_API xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
                                        unsigned int flags)
{
    xenevtchn_handle *xce;
    int rc;

    /* Unknown bits are refused before anything is allocated or opened. */
    if (flags & ~(unsigned int)XENEVTCHN_NO_CLOEXEC) {
        errno = EINVAL;
        return NULL;
    }
    xce = handle_new(logger, -1);
    if (!xce)
        return NULL;

    /*
     * Registered before the device is opened (fd is -1 until then, which
     * the callback treats as nothing to do), so that a concurrent
     * restrict_all can never miss a handle that is already usable.
     */
    xentoolcore__register_active_handle(&xce->tc_ah);
    rc = osdep_evtchn_open(xce, flags);
    if (rc < 0) {
        xentoolcore__deregister_active_handle(&xce->tc_ah);
        free(xce);
        errno = -rc;
        return NULL;
    }
    xs__toolcore_publish_fd(&xce->fd, rc);
    return xce;
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
    xce = handle_new(logger, fd);
    if (!xce)
        return NULL;
    xentoolcore__register_active_handle(&xce->tc_ah);
    return xce;
}

XS_API int xenevtchn_close(xenevtchn_handle *xce)
{
    int rc;

    if (!xce)
        return 0;
    /*
     * Deregister first: once the fd is closed its number may be reused
     * by another thread, and a concurrent restrict_all must never act on
     * somebody else's descriptor.  Missing a handle that is being closed
     * is harmless.
     */
    xentoolcore__deregister_active_handle(&xce->tc_ah);
    rc = xs__close_fd(&xce->fd);
    free(xce);              /* never the logger: it is not ours */
    return xs__ret(rc);
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
