/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * evtchn.c - libxenevtchn against the real hypervisor in dom0: loopback
 * interdomain channels to ourselves (domid 0), notify both ways, poll and
 * epoll on the fd, pending/unmask, a VIRQ, unbind, fdopen, restrict and
 * xentoolcore_restrict_all.  Ports are volatile and printed in braces.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xentoolcore.h>

#include "vmtest.h"

#define VIRQ_DOM_EXC 3

/* Wait for an event on xce (vt_timeout_ms()); the pending port or -1. */
static int wait_port(xenevtchn_handle *xce)
{
    struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };

    if (poll(&p, 1, vt_timeout_ms()) != 1 || !(p.revents & POLLIN))
        return -1;
    return xenevtchn_pending(xce);
}

/* True if nothing is pending on xce right now. */
static int quiet_now(xenevtchn_handle *xce)
{
    struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };

    return poll(&p, 1, 50) == 0;
}

int main(void)
{
    xenevtchn_handle *a, *b, *c, *h1, *h2;
    int pa, pb, port, e, r, fd;

    vt_init();

    errno = 0;
    c = xenevtchn_open(NULL, 2);
    e = errno;
    vt_ok(!c && e == EINVAL, "open with an unknown flag fails EINVAL", "%s",
          vt_errno(e));
    errno = 0;
    c = xenevtchn_fdopen(NULL, 0, XENEVTCHN_NO_CLOEXEC);
    e = errno;
    vt_ok(!c && e == EINVAL, "fdopen with a flag fails EINVAL", "%s",
          vt_errno(e));
    vt_ok(xenevtchn_close(NULL) == 0, "close(NULL) is 0", NULL);

    a = xenevtchn_open(NULL, 0);
    b = xenevtchn_open(NULL, 0);
    if (!vt_ok(a && b, "open two handles", "%s", vt_errno(errno)))
        return vt_done();
    r = fcntl(xenevtchn_fd(a), F_GETFD);
    vt_ok(r >= 0 && (r & FD_CLOEXEC), "fd is close-on-exec", NULL);
    c = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
    r = c ? fcntl(xenevtchn_fd(c), F_GETFD) : -1;
    vt_ok(r >= 0 && !(r & FD_CLOEXEC), "NO_CLOEXEC leaves the fd inheritable",
          NULL);
    vt_ok(xenevtchn_close(c) == 0, "close returns 0", NULL);

    pa = xenevtchn_bind_unbound_port(a, 0);
    vt_ok(pa > 0, "bind_unbound_port(0)", "port %s", vt_v("%d", pa));
    pb = xenevtchn_bind_interdomain(b, 0, pa);
    vt_ok(pb > 0 && pb != pa, "bind_interdomain(0, that port)", "port %s",
          vt_v("%d", pb));

    /* binding may leave an event behind on the unbound side: drain it */
    if (!quiet_now(a)) {
        port = xenevtchn_pending(a);
        vt_note("bind left port %s pending", vt_v("%d", port));
        xenevtchn_unmask(a, port);
    }

    vt_ok(xenevtchn_notify(b, pb) == 0, "notify b -> a", NULL);
    port = wait_port(a);
    vt_ok(port == pa, "a polls readable and pending() is a's port",
          "got %s", vt_v("%d", port));
    vt_ok(xenevtchn_unmask(a, pa) == 0, "unmask a's port", NULL);
    vt_ok(quiet_now(a), "nothing else pending on a", NULL);

    vt_ok(xenevtchn_notify(a, pa) == 0, "notify a -> b", NULL);
    port = wait_port(b);
    vt_ok(port == pb, "b sees its own port pending", "got %s",
          vt_v("%d", port));
    vt_ok(xenevtchn_unmask(b, pb) == 0, "unmask b's port", NULL);

    /* masked until unmasked: a second notify before unmask is not lost,
     * and the port stays masked until then */
    xenevtchn_notify(b, pb);
    port = wait_port(a);
    vt_ok(port == pa, "second round trip", NULL);
    xenevtchn_notify(b, pb);
    vt_ok(quiet_now(a), "port is masked until unmask", NULL);
    xenevtchn_unmask(a, pa);
    port = wait_port(a);
    vt_ok(port == pa, "event delivered after unmask", NULL);
    xenevtchn_unmask(a, pa);

    /* epoll on the fd */
    {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event ev = { .events = EPOLLIN }, out;

        epoll_ctl(ep, EPOLL_CTL_ADD, xenevtchn_fd(b), &ev);
        xenevtchn_notify(a, pa);
        r = epoll_wait(ep, &out, 1, vt_timeout_ms());
        vt_ok(r == 1 && (out.events & EPOLLIN), "epoll sees the event", NULL);
        port = xenevtchn_pending(b);
        vt_ok(port == pb, "pending after epoll", NULL);
        xenevtchn_unmask(b, pb);
        close(ep);
    }

    /* a virtual IRQ dom0 can bind (no xenstored in this VM) */
    port = xenevtchn_bind_virq(a, VIRQ_DOM_EXC);
    e = errno;
    vt_ok(port > 0, "bind_virq(VIRQ_DOM_EXC)", "%s",
          port > 0 ? vt_v("%d", port) : vt_errno(e));
    if (port > 0) {
        vt_ok(xenevtchn_unbind(a, port) == 0, "unbind the virq", NULL);
        errno = 0;
        r = xenevtchn_bind_virq(a, 9999);
        vt_ok(r == -1, "bind_virq(9999) fails", "%s", vt_errno(errno));
        vt_fact("bind_virq(9999): %s", vt_errno(errno));
    }

    vt_ok(xenevtchn_unbind(b, pb) == 0, "unbind b", NULL);
    vt_ok(xenevtchn_unbind(a, pa) == 0, "unbind a", NULL);
    errno = 0;
    r = xenevtchn_unbind(a, pa);
    e = errno;
    vt_ok(r == -1, "unbinding again fails", "%s", vt_errno(e));
    vt_fact("second unbind: %s", vt_errno(e));
    errno = 0;
    r = xenevtchn_notify(a, pa);
    vt_fact("notify on an unbound port: rc=%d %s", r, vt_errno(errno));

    /* fdopen adopts a descriptor (as after a live-update exec) */
    h1 = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
    fd = h1 ? dup(xenevtchn_fd(h1)) : -1;
    h2 = fd >= 0 ? xenevtchn_fdopen(NULL, fd, 0) : NULL;
    vt_ok(h2 && xenevtchn_fd(h2) == fd, "fdopen adopts the fd", NULL);
    if (h2) {
        port = xenevtchn_bind_unbound_port(h2, 0);
        vt_ok(port > 0, "adopted handle binds", NULL);
        vt_ok(xenevtchn_unbind(h2, port) == 0, "adopted handle unbinds", NULL);
        vt_ok(xenevtchn_close(h2) == 0, "close the adopted handle", NULL);
        vt_ok(fcntl(fd, F_GETFD) == -1 && errno == EBADF,
              "close closed the adopted fd", NULL);
    }
    xenevtchn_close(h1);

    /* restrict one handle: other domains are out of reach */
    c = xenevtchn_open(NULL, 0);
    r = xenevtchn_restrict(c, 5);
    vt_ok(r == 0, "restrict(5)", "%s", vt_errno(errno));
    pa = xenevtchn_bind_unbound_port(a, 0);
    errno = 0;
    r = xenevtchn_bind_interdomain(c, 0, pa);
    e = errno;
    vt_ok(r == -1, "restricted handle cannot bind to dom0", "%s", vt_errno(e));
    vt_fact("bind_interdomain after restrict(5): %s", vt_errno(e));
    errno = 0;
    r = xenevtchn_bind_unbound_port(c, 0);
    vt_fact("bind_unbound_port(0) after restrict(5): rc=%d %s", r,
            vt_errno(errno));
    errno = 0;
    r = xenevtchn_restrict(c, 6);
    vt_fact("restrict again to 6: rc=%d %s", r, vt_errno(errno));
    xenevtchn_close(c);

    /* restrict_all reaches every open evtchn handle */
    vt_ok(xentoolcore_restrict_all(7) == 0, "xentoolcore_restrict_all(7)",
          "%s", vt_errno(errno));
    errno = 0;
    r = xenevtchn_bind_interdomain(b, 0, pa);
    e = errno;
    vt_ok(r == -1, "after restrict_all, binding to dom0 fails", "%s",
          vt_errno(e));
    vt_fact("bind_interdomain after restrict_all(7): %s", vt_errno(e));
    xenevtchn_unbind(a, pa);

    vt_ok(xenevtchn_close(a) == 0 && xenevtchn_close(b) == 0, "close", NULL);
    return vt_done();
}
