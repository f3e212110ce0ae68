/*
 * bsd-evtchn-uapi.h - the event-channel device interface FreeBSD's
 * /dev/xen/evtchn and NetBSD's /dev/xenevt share: the same request
 * numbers and argument structures (reference bsd-xen-interfaces.md,
 * sections 1.1 and 1.2; FreeBSD sys/xen/evtchn.h, NetBSD xenio3.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * One family file, included by freebsd/freebsd-xen-uapi.h and
 * netbsd/netbsd-xen-uapi.h, which describe how each kernel behaves
 * behind these numbers (they differ: unmask port width, errors, a
 * FreeBSD lock leak).  What both do: the bind requests answer 0 and
 * return the new port IN the structure (Linux returns it as the ioctl's
 * result); read() yields pending ports as uint32_t; write() unmasks.
 */
#ifndef XS_OSDEP_BSD_EVTCHN_UAPI_H
#define XS_OSDEP_BSD_EVTCHN_UAPI_H

#include <stddef.h>
#include <stdint.h>

#include "osdep/bsd-ioccom.h"

struct xs_bsd_evtchn_bind_virq {
    uint32_t virq;
    uint32_t port; /* out */
};

struct xs_bsd_evtchn_bind_interdomain {
    uint32_t remote_domain;
    uint32_t remote_port;
    uint32_t port; /* out */
};

struct xs_bsd_evtchn_bind_unbound_port {
    uint32_t remote_domain;
    uint32_t port; /* out */
};

/* UNBIND and NOTIFY: a port bound on THIS descriptor, else ENOTCONN. */
struct xs_bsd_evtchn_port {
    uint32_t port;
};

#define XS_BSD_IOCTL_EVTCHN_BIND_VIRQ \
    XS_BSD_IOWR('E', 4, struct xs_bsd_evtchn_bind_virq)
#define XS_BSD_IOCTL_EVTCHN_BIND_INTERDOMAIN \
    XS_BSD_IOWR('E', 5, struct xs_bsd_evtchn_bind_interdomain)
#define XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT \
    XS_BSD_IOWR('E', 6, struct xs_bsd_evtchn_bind_unbound_port)
#define XS_BSD_IOCTL_EVTCHN_UNBIND \
    XS_BSD_IOW('E', 7, struct xs_bsd_evtchn_port)
#define XS_BSD_IOCTL_EVTCHN_NOTIFY \
    XS_BSD_IOW('E', 8, struct xs_bsd_evtchn_port)
/* Empties the pending ring and clears its overflow flag. */
#define XS_BSD_IOCTL_EVTCHN_RESET XS_BSD_IO('E', 9)
/* There is no RESTRICT_DOMID on either kernel. */

/* Pending ports, as read() returns them. */
typedef uint32_t xs_bsd_evtchn_pending_t;

XS_BSD_LAYOUT(xs_bsd_evtchn_bind_virq, port, 4);
XS_BSD_SIZE(xs_bsd_evtchn_bind_virq, 8);
XS_BSD_LAYOUT(xs_bsd_evtchn_bind_interdomain, remote_port, 4);
XS_BSD_LAYOUT(xs_bsd_evtchn_bind_interdomain, port, 8);
XS_BSD_SIZE(xs_bsd_evtchn_bind_interdomain, 12);
XS_BSD_LAYOUT(xs_bsd_evtchn_bind_unbound_port, port, 4);
XS_BSD_SIZE(xs_bsd_evtchn_bind_unbound_port, 8);
XS_BSD_SIZE(xs_bsd_evtchn_port, 4);

#endif /* XS_OSDEP_BSD_EVTCHN_UAPI_H */
