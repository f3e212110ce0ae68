/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * evtchn2dom.c - two-domain example with a real library: an interdomain
 * event channel between dom0 (this side) and the PVH guest
 * (evtchn2dom-peer.c), both through libxenevtchn's API.
 *
 *   guest: bind_unbound_port(0)  -> writes "port"
 *   dom0:  bind_interdomain(guest, port), takes the event Xen leaves
 *          pending on a new interdomain port, writes "bound", notify
 *   guest: sees the event (pending == its port), unmask, notify back,
 *          writes "notified"
 *   dom0:  sees the event, unmask, writes "done", unbind
 *   guest: unbind, then a VIRQ: one the kernel holds already
 *          (VIRQ_TIMER) and a global one it can take (VIRQ_DOM_EXC)
 *
 * gnttab2dom binds in the other direction (dom0 unbound, guest
 * interdomain).
 */
#include <poll.h>
#include <xenevtchn.h>

#include "vmtest.h"
#include "xsclient.h"

static int wait_event(xenevtchn_handle *xce, int ms)
{
    struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };
    int r = poll(&p, 1, ms);
    if (r <= 0)
        return r == 0 ? -ETIMEDOUT : -errno;
    return xenevtchn_pending(xce);
}

int main(void)
{
    char buf[64];
    int to = xsc_timeout_ms();
    int peer = atoi(vt_env("XSVM_PEER_DOMID", "0"));

    vt_init();
    vt_ok(peer > 0, "peer domid known", "domid=%s", vt_v("%d", peer));
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    int e = errno;
    if (!vt_ok(xce != NULL, "xenevtchn_open", "%s", xce ? "" : vt_errno(e)))
        return vt_done();

    int n = xsc_wait(xsc_key("port"), buf, sizeof buf, to);
    e = errno;
    if (!vt_ok(n > 0, "read the guest's unbound port", "%s",
               n > 0 ? "" : vt_errno(e)))
        return vt_done();
    int rport = atoi(buf);

    int lport = xenevtchn_bind_interdomain(xce, (uint32_t)peer,
                                           (evtchn_port_t)rport);
    e = errno;
    vt_ok(lport > 0, "bind_interdomain(guest, port)", "remote %s -> local %s%s",
          vt_v("%d", rport), vt_v("%d", lport), lport > 0 ? "" : vt_errno(e));
    if (lport > 0) {
        /*
         * Xen marks the binder's new port pending (events sent to the
         * unbound port may have been lost).  Take that event first, so
         * the one awaited below can only be the guest's.
         */
        int got = wait_event(xce, to);
        vt_ok(got == lport, "the bind left our new port pending",
              "pending=%s", vt_v("%d", got));
        if (got >= 0)
            xenevtchn_unmask(xce, (evtchn_port_t)got);
        /* the guest's port is no longer unbound: a second bind fails */
        errno = 0;
        int again = xenevtchn_bind_interdomain(xce, (uint32_t)peer,
                                               (evtchn_port_t)rport);
        e = errno;
        vt_ok(again == -1, "binding the same remote port again fails", NULL);
        vt_fact("second bind_interdomain: %s", vt_errno(e));
        vt_ok(xsc_write(xsc_key("bound"), "1") == 0, "tell the guest", NULL);
        int r = xenevtchn_notify(xce, (evtchn_port_t)lport);
        e = errno;
        vt_ok(r == 0, "notify the guest", "%s", r ? vt_errno(e) : "");

        got = wait_event(xce, to);
        vt_ok(got == lport, "event from the guest on our port",
              "pending=%s want %s", vt_v("%d", got), vt_v("%d", lport));
        if (got >= 0)
            vt_ok(xenevtchn_unmask(xce, (evtchn_port_t)got) == 0, "unmask",
                  NULL);
        n = xsc_wait(xsc_key("notified"), buf, sizeof buf, to);
        vt_ok(n >= 0, "guest reports it saw our event", "%s",
              n >= 0 ? buf : vt_errno(errno));
        vt_ok(xenevtchn_unbind(xce, (evtchn_port_t)lport) == 0, "unbind",
              NULL);
    }
    xsc_write(xsc_key("done"), "1");
    vt_ok(xenevtchn_close(xce) == 0, "xenevtchn_close", NULL);
    return vt_done();
}
