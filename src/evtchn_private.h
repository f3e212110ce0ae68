/*
 * evtchn_private.h - the event-channel handle and its kernel back end.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * src/evtchn.c owns the handle's life cycle (it registers the handle,
 * publishes the descriptor the backend opened, closes it) and the
 * argument checks; the osdep_evtchn_* functions (src/osdep/<os>/) talk
 * to the kernel on xce->fd.  Every osdep function returns 0 or a
 * non-negative result (a port, a descriptor) on success and -errno on
 * failure.  A backend that must remember something per handle (the BSDs
 * track the ports each handle bound) keeps it behind xce->os, which it
 * sets up in osdep_evtchn_init and releases in osdep_evtchn_fini.
 */
#ifndef XS_EVTCHN_PRIVATE_H
#define XS_EVTCHN_PRIVATE_H

#include <xenevtchn.h>
#include <xentoollog.h>

#include "handle.h"

struct osdep_evtchn;             /* the backend's own, or NULL */

struct xenevtchn_handle {
    XS_HANDLE_FIELDS            /* the device in fd; see handle.h */
    struct osdep_evtchn *os;
};

/*
 * Before the handle is registered, for xenevtchn_open and
 * xenevtchn_fdopen alike (an adopted descriptor gets no open call);
 * fini after the descriptor is closed, and after a failed open.
 */
int osdep_evtchn_init(xenevtchn_handle *xce);
void osdep_evtchn_fini(xenevtchn_handle *xce);

/* Open the device; the new descriptor.  flags are already validated. */
int osdep_evtchn_open(xenevtchn_handle *xce, unsigned int flags);
int osdep_evtchn_restrict(xenevtchn_handle *xce, domid_t domid);
int osdep_evtchn_notify(xenevtchn_handle *xce, evtchn_port_t port);
int osdep_evtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid);
int osdep_evtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                  evtchn_port_t remote_port);
int osdep_evtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq);
int osdep_evtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);
int osdep_evtchn_pending(xenevtchn_handle *xce);
int osdep_evtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);

#endif /* XS_EVTCHN_PRIVATE_H */
