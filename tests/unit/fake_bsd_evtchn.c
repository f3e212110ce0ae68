/*
 * fake_bsd_evtchn.c - the event-channel devices of the fake BSD kernels:
 * FreeBSD's /dev/xen/evtchn (sys/dev/xen/evtchn/evtchn_dev.c) and
 * NetBSD's /dev/xenevt (sys/arch/xen/xen/xenevt.c 1.65); reference
 * sections 1.1 and 1.2.  Same request numbers and structures, different
 * behaviour, noted where it differs.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Ports follow Xen: a bound port starts unmasked; the kernel masks a
 * port when it delivers an event on it (queueing the port on its
 * descriptor's ring) and the process unmasks it by writing the port back;
 * an event on a masked port stays pending and is delivered at unmask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "fake_bsd_kernel.h"
#include "osdep/bsd-evtchn-uapi.h"
#include "osdep/bsd-ioccom.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"

/* NetBSD still answers its old reset request, _IO('E', 1). */
#define NETBSD_EVTCHN_RESET_OLD XS_BSD_IO('E', 1)

/*
 * FreeBSD's ring is one page of uint32_t ports (1024), full at 1024;
 * NetBSD's has 2048 slots and reports overflow one slot early.
 */
static unsigned int ring_capacity(void)
{
    return fk_is_freebsd() ? (unsigned int)(FK_PAGE / sizeof(uint32_t))
                           : FK_RING - 1;
}

static void enqueue(struct fk_file *f, unsigned int port)
{
    if (f->ring_prod - f->ring_cons >= ring_capacity()) {
        f->overflow = 1;
        return;
    }
    f->ring[f->ring_prod % FK_RING] = port;
    f->ring_prod++;
}

/* The hypervisor raises port; the kernel masks it and queues it. */
static void raise_port(unsigned int port)
{
    struct fk_port *p = &fk.ports[port];
    struct fk_file *f = fk_file_by_id(p->file_id);

    if (!f)
        return;
    if (p->masked) {
        p->pending = 1;
        return;
    }
    p->masked = 1;
    enqueue(f, port);
}

static void unmask_port(unsigned int port)
{
    struct fk_port *p = &fk.ports[port];

    p->masked = 0;
    if (p->pending) {
        p->pending = 0;
        raise_port(port);
    }
}

static int bound_here(const struct fk_file *f, unsigned int port)
{
    return port < FK_MAX_PORTS && fk.ports[port].file_id == f->id;
}

/*
 * FreeBSD: every bind, unbind, notify and unmask takes the descriptor's
 * bind_mutex.  Once an ENOTCONN left it held, that call sleeps forever
 * (or panics under WITNESS): recorded, and answered EDEADLK so the test
 * can go on to report it.
 */
static int take_bind_lock(struct fk_file *f, const char *what)
{
    if (!fk_is_freebsd() || !f->lock_leaked)
        return 0;
    fk_violation(FAKE_BSD_V_HANG,
                 "%s on a FreeBSD evtchn descriptor whose "
                 "bind lock an earlier ENOTCONN left held: hangs forever",
                 what);
    return EDEADLK;
}

static int bind_new_port(struct fk_file *f, uint32_t *port_out)
{
    int err = take_bind_lock(f, "bind");

    if (err)
        return err;
    if (fk.fail_next_bind) {
        /* FreeBSD passes the hypercall's error on; NetBSD returns Xen's
         * raw value, untranslated (identical numbers on this host). */
        err = fk.fail_next_bind;
        fk.fail_next_bind = 0;
        return err;
    }
    for (unsigned int port = fk.cfg.first_port; port < FK_MAX_PORTS; port++) {
        if (fk.ports[port].file_id == 0) {
            fk.ports[port] = (struct fk_port){ .file_id = f->id, .fd = f->fd };
            *port_out = port;
            return 0;
        }
    }
    return ENOSPC; /* Xen's answer when no port is free */
}

static void unbind_port(unsigned int port)
{
    int notified = fk.ports[port].notified;

    fk.ports[port] = (struct fk_port){ .notified = notified };
}

/* UNBIND and NOTIFY of a port: 0 if this descriptor may use it. */
static int check_own_port(struct fk_file *f, uint32_t port, const char *what)
{
    int err = take_bind_lock(f, what);

    if (err)
        return err;
    if (!fk_is_freebsd() && port >= XS_NETBSD_NR_EVENT_CHANNELS)
        return EINVAL;
    if (bound_here(f, port))
        return 0;
    if (fk_is_freebsd()) {
        /* evtchn_dev.c: "error = ENOTCONN; break;" without unlocking. */
        f->lock_leaked = 1;
        fk_violation(FAKE_BSD_V_DEADLOCK,
                     "%s of port %u, not bound on this "
                     "descriptor: FreeBSD returns ENOTCONN with the bind "
                     "lock held",
                     what, (unsigned int)port);
    }
    return ENOTCONN;
}

int fk_evtchn_ioctl(struct fk_file *f, unsigned long req, void *karg)
{
    unsigned char *a = karg;
    uint32_t port;
    int err;

    if (req == XS_BSD_IOCTL_EVTCHN_BIND_VIRQ ||
        req == XS_BSD_IOCTL_EVTCHN_BIND_UNBOUND_PORT) {
        /* port at offset 4 in both structures, returned in them */
        err = bind_new_port(f, &port);
        if (!err)
            memcpy(a + 4, &port, sizeof(port));
        return err;
    }
    if (req == XS_BSD_IOCTL_EVTCHN_BIND_INTERDOMAIN) {
        err = bind_new_port(f, &port);
        if (!err)
            memcpy(a + 8, &port, sizeof(port));
        return err;
    }
    if (req == XS_BSD_IOCTL_EVTCHN_UNBIND) {
        memcpy(&port, a, sizeof(port));
        err = check_own_port(f, port, "UNBIND");
        if (!err)
            unbind_port(port);
        return err;
    }
    if (req == XS_BSD_IOCTL_EVTCHN_NOTIFY) {
        memcpy(&port, a, sizeof(port));
        err = check_own_port(f, port, "NOTIFY");
        if (!err)
            fk_port_signal(port);
        return err;
    }
    if (req == XS_BSD_IOCTL_EVTCHN_RESET ||
        (!fk_is_freebsd() && req == NETBSD_EVTCHN_RESET_OLD)) {
        f->ring_cons = f->ring_prod = 0;
        f->overflow = 0;
        return 0;
    }
    if (req == XS_BSD_FIONBIO)
        return 0; /* the flag was set by the ioctl layer */
    if (fk_is_freebsd() && req == XS_BSD_FIOASYNC)
        return 0;
    /* FreeBSD: "default: error = ENOTTY"; NetBSD: "default: return
     * EINVAL".  Neither knows RESTRICT_DOMID. */
    return fk_is_freebsd() ? ENOTTY : EINVAL;
}

static int nonblocking(const struct fk_file *f)
{
    int fl = fcntl(f->fd, F_GETFL);

    return fl >= 0 && (fl & O_NONBLOCK);
}

int fk_evtchn_read(struct fk_file *f, void *buf, size_t len, size_t *done)
{
    size_t want, n, avail;

    *done = 0;
    if (fk_is_freebsd()) {
        /* whole ports, at most a page; overflow is reported first */
        len &= ~(sizeof(uint32_t) - 1);
        if (len == 0)
            return 0;
        if (len > FK_PAGE)
            len = FK_PAGE;
        if (f->overflow)
            return EFBIG;
    }
    if (f->ring_prod == f->ring_cons && !f->overflow) {
        if (nonblocking(f))
            return EAGAIN; /* FreeBSD's EWOULDBLOCK is EAGAIN */
        fk.blocked_reads++;
        return EINTR;
    }
    if (f->overflow)
        return EFBIG; /* NetBSD: after waiting, before copying */
    want = len / sizeof(uint32_t);
    avail = f->ring_prod - f->ring_cons;
    n = want < avail ? want : avail;
    for (size_t i = 0; i < n; i++) {
        uint32_t port = f->ring[(f->ring_cons + i) % FK_RING];

        memcpy((unsigned char *)buf + i * sizeof(port), &port, sizeof(port));
    }
    f->ring_cons += (unsigned int)n;
    *done = n * sizeof(uint32_t);
    return 0;
}

static int freebsd_write(struct fk_file *f, const void *buf, size_t len,
                         size_t *done)
{
    int err;

    len &= ~(sizeof(uint32_t) - 1);
    if (len == 0)
        return 0;
    if (len > FK_PAGE)
        len = FK_PAGE;
    err = take_bind_lock(f, "unmask write");
    if (err)
        return err;
    for (size_t i = 0; i < len / sizeof(uint32_t); i++) {
        uint32_t port;

        memcpy(&port, (const unsigned char *)buf + i * sizeof(port),
               sizeof(port));
        /* only this descriptor's ports, and only if masked */
        if (bound_here(f, port) && fk.ports[port].masked)
            unmask_port(port);
    }
    *done = len;
    return 0;
}

static int netbsd_write(struct fk_file *f, const void *buf, size_t len,
                        size_t *done)
{
    size_t n = len / sizeof(uint16_t);
    int zero_seen = 0;

    if (len == 0)
        return 0;
    if (n >= XS_NETBSD_NR_EVENT_CHANNELS)
        return EMSGSIZE;
    if (len % sizeof(uint16_t))
        fk_violation(FAKE_BSD_V_KERNEL_OVERRUN,
                     "odd-length (%zu) unmask "
                     "write: xenevt copies every byte into a buffer of "
                     "%zu",
                     len, n * sizeof(uint16_t));
    for (size_t i = 0; i < n; i++) {
        uint16_t port;

        memcpy(&port, (const unsigned char *)buf + i * sizeof(port),
               sizeof(port));
        if (port == 0 && !zero_seen) {
            zero_seen = 1;
            fk_violation(FAKE_BSD_V_PORT_WIDTH,
                         "port 0 in a NetBSD unmask "
                         "write: xenevt takes uint16_t ports, this looks "
                         "like a uint32_t one");
        }
        if (bound_here(f, port))
            unmask_port(port);
    }
    *done = len; /* the whole write is consumed */
    return 0;
}

int fk_evtchn_write(struct fk_file *f, const void *buf, size_t len,
                    size_t *done)
{
    *done = 0;
    return fk_is_freebsd() ? freebsd_write(f, buf, len, done)
                           : netbsd_write(f, buf, len, done);
}

void fk_evtchn_close(struct fk_file *f)
{
    for (unsigned int port = 0; port < FK_MAX_PORTS; port++) {
        if (fk.ports[port].file_id == f->id)
            unbind_port(port);
    }
}

/* ------------------------------------------------------------------ */
/* Inspection                                                          */

int fake_bsd_fire(unsigned int port)
{
    int rc = -1;

    FK_LOCK();
    fk_sweep();
    if (port < FK_MAX_PORTS && fk.ports[port].file_id) {
        raise_port(port);
        rc = 0;
    }
    FK_UNLOCK();
    return rc;
}

int fake_bsd_port_fd(unsigned int port)
{
    int fd = -1;

    FK_LOCK();
    fk_sweep();
    if (port < FK_MAX_PORTS && fk.ports[port].file_id)
        fd = fk.ports[port].fd;
    FK_UNLOCK();
    return fd;
}

int fake_bsd_port_masked(unsigned int port)
{
    return port < FK_MAX_PORTS && fk.ports[port].masked;
}

int fake_bsd_port_notified(unsigned int port)
{
    return port < FK_MAX_PORTS ? fk.ports[port].notified : 0;
}

void fake_bsd_fail_next_bind(int xen_errno)
{
    fk.fail_next_bind = xen_errno;
}

int fake_bsd_bind_elsewhere(unsigned int port)
{
    int rc = -1;

    FK_LOCK();
    if (port < FK_MAX_PORTS && fk.ports[port].file_id == 0) {
        fk.ports[port] = (struct fk_port){ .file_id = FK_FILE_ELSEWHERE,
                                           .fd = -1 };
        rc = 0;
    }
    FK_UNLOCK();
    return rc;
}

int fake_bsd_blocked_reads(void)
{
    return fk.blocked_reads;
}
