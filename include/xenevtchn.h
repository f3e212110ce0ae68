/*
 * xenevtchn.h - evtchn: bind, signal and wait for Xen event channels from
 * user space (source-compatible with upstream Xen's libxenevtchn).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Conventions for every function below unless stated otherwise: failure
 * is reported as -1 (or NULL) with errno set; nothing else is logged
 * except through the handle's logger.
 *
 * Fork: a child process inherits the handle's file descriptor but may
 * only call xenevtchn_close() on an inherited handle; every other call
 * is undefined in the child.
 */
#ifndef XENEVTCHN_H
#define XENEVTCHN_H

#include <stdint.h>

/* Xen's public headers: the system's if it has them, else our
 * bundled copies (see private/xen-source.h). */
#include "private/xen-source.h"
#if XENSTABLE_USE_SYSTEM_XEN_HEADERS
#include <xen/event_channel.h>
#else /* not installed with -Dsystem_xen_headers=true */
#include "private/xen/event_channel.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A port number (>= 0, it fits in 31 bits) or -1 for an error.
 */
typedef int xenevtchn_port_or_error_t;

typedef struct xenevtchn_handle xenevtchn_handle;

struct xentoollog_logger;

/*
 * Open flag: leave the file descriptor open across execve() (for
 * programs that re-exec themselves and pick the fd up again with
 * xenevtchn_fdopen()).  By default it is close-on-exec.
 */
#define XENEVTCHN_NO_CLOEXEC (1 << 0)

/*
 * Open the event-channel device.
 *
 * logger: NULL selects a private stderr logger (level XTL_PROGRESS)
 * that xenevtchn_close() destroys; otherwise the caller's logger, which
 * must outlive the handle.
 * flags: 0 or XENEVTCHN_NO_CLOEXEC; any other bit fails with EINVAL.
 *
 * Returns the handle, or NULL with errno set (from open(2), or ENOMEM).
 */
xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
                                 unsigned int flags);

/*
 * Wrap an already open event-channel file descriptor fd (for example one
 * inherited across execve()) in a new handle without any system call.
 * open_flags must be 0 (else NULL with EINVAL).  On success the handle
 * owns fd: xenevtchn_close() closes it.  On failure fd is left open.
 */
xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger,
                                   int fd, unsigned open_flags);

/*
 * Close the handle, unbinding every port bound through it, and free it.
 * Returns 0, or -1 with errno if closing the descriptor failed (the
 * handle is freed anyway).  xenevtchn_close(NULL) returns 0.
 */
int xenevtchn_close(xenevtchn_handle *xce);

/*
 * The file descriptor that becomes readable when a bound port fires,
 * for use with poll()/select().  Never fails; do not close it.
 */
int xenevtchn_fd(xenevtchn_handle *xce);

/*
 * Send an event on a bound local port.  Returns 0 or -1 with errno.
 */
int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port);

/*
 * Allocate a new local port that domain domid may connect to with
 * xenevtchn_bind_interdomain().  Returns the local port or -1 with errno.
 */
xenevtchn_port_or_error_t
xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid);

/*
 * Connect a new local port to remote_port of domain domid (which must
 * be unbound and offered to us).  Returns the local port or -1 with errno.
 */
xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                           evtchn_port_t remote_port);

/*
 * Bind virtual IRQ virq (a VIRQ_* from <xen/xen.h>) to a new local port.
 * Returns the port or -1 with errno.
 */
xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq);

/*
 * Unbind a local port bound through this handle.  Returns 0 or -1 with
 * errno.
 */
int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);

/*
 * Return the next port that has fired, or -1 with errno.  A port stays
 * masked after it is returned until xenevtchn_unmask().
 *
 * This may block even on a non-blocking descriptor with some kernels:
 * poll()/select() xenevtchn_fd() for readability before every call.
 */
xenevtchn_port_or_error_t
xenevtchn_pending(xenevtchn_handle *xce);

/*
 * Re-enable delivery on a port returned by xenevtchn_pending().
 * Returns 0 or -1 with errno.
 */
int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);

/*
 * Limit the handle, irrevocably, to event channels of domain domid.
 * Returns 0 or -1 with errno (EOPNOTSUPP / ENOTTY where the operating
 * system cannot do this).
 */
int xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid);

#ifdef __cplusplus
}
#endif

#endif /* XENEVTCHN_H */
