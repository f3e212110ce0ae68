/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * evtchn2dom-peer.c - guest side of evtchn2dom.c (see there).
 */
#include <poll.h>
#include <xenevtchn.h>

#include "vmtest.h"
#include "xsclient.h"
#include "vtarch.h"

#ifndef VIRQ_TIMER
#define VIRQ_TIMER 0
#endif
#ifndef VIRQ_DOM_EXC
#define VIRQ_DOM_EXC 3
#endif

int main(void)
{
    char buf[64];
    int to = xsc_timeout_ms();

    vt_init();
    vt_ok(xsc_open() == 0, "open /dev/xen/xenbus", "%s", vt_errno(errno));
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    int e = errno;
    if (!vt_ok(xce != NULL, "xenevtchn_open", "%s", xce ? "" : vt_errno(e)))
        return vt_done();

    int port = xenevtchn_bind_unbound_port(xce, 0);
    e = errno;
    vt_ok(port > 0, "bind_unbound_port(dom0)", "port=%s%s",
          vt_v("%d", port), port > 0 ? "" : vt_errno(e));
    if (port > 0) {
        xsc_sprintf(buf, sizeof buf, "%d", port);
        vt_ok(xsc_write(xsc_key("port"), buf) == 0, "publish the port",
              NULL);
        int n = xsc_wait(xsc_key("bound"), buf, sizeof buf, to);
        vt_ok(n >= 0, "dom0 bound the channel", "%s",
              n >= 0 ? "" : vt_errno(errno));

        struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };
        int r = poll(&p, 1, to);
        int got = r > 0 ? xenevtchn_pending(xce) : -1;
        vt_ok(got == port, "event from dom0 on our port",
              "poll=%d pending=%s want %s", r, vt_v("%d", got),
              vt_v("%d", port));
        if (got >= 0)
            vt_ok(xenevtchn_unmask(xce, (evtchn_port_t)got) == 0, "unmask",
                  NULL);
        r = xenevtchn_notify(xce, (evtchn_port_t)port);
        e = errno;
        vt_ok(r == 0, "notify dom0", "%s", r ? vt_errno(e) : "");
        xsc_write(xsc_key("notified"), got == port ? "yes" : "no");
        n = xsc_wait(xsc_key("done"), buf, sizeof buf, to);
        vt_ok(n >= 0, "dom0 finished", "%s", n >= 0 ? "" : vt_errno(errno));
        vt_ok(xenevtchn_unbind(xce, (evtchn_port_t)port) == 0, "unbind",
              NULL);
        errno = 0;
        r = xenevtchn_notify(xce, (evtchn_port_t)port);
        e = errno;
        vt_ok(r == -1, "notify on the unbound port fails", NULL);
        vt_fact("notify after unbind: %s", vt_errno(e));
    }

    /*
     * VIRQs in a guest.  x86: the kernel owns the timer of vCPU 0
     * already (Xen's PV clock event device), so it cannot be bound
     * twice.  Arm: Linux uses the architected timer and leaves
     * VIRQ_TIMER unbound, so the binding works.
     */
    errno = 0;
    int v = xenevtchn_bind_virq(xce, VIRQ_TIMER);
    e = errno;
    if (VT_ARM)
        vt_ok(v > 0, "bind_virq(VIRQ_TIMER) works: Linux on Arm leaves it "
              "unbound", "%s", v > 0 ? vt_v("%d", v) : vt_errno(e));
    else
        vt_ok(v == -1, "bind_virq(VIRQ_TIMER) fails: the kernel has it",
              NULL);
    vt_fact("bind_virq(VIRQ_TIMER): %s", v > 0 ? "bound" : vt_errno(e));
    if (v > 0)
        vt_ok(xenevtchn_unbind(xce, (evtchn_port_t)v) == 0,
              "unbind VIRQ_TIMER", NULL);
    errno = 0;
    v = xenevtchn_bind_virq(xce, VIRQ_DOM_EXC);
    e = errno;
    /* global VIRQs can be bound by any domain (Xen 4.17); only the
     * domain that handles it (dom0) ever receives one */
    vt_ok(v > 0, "bind_virq(VIRQ_DOM_EXC) in the guest", "%s",
          v > 0 ? vt_v("%d", v) : vt_errno(e));
    if (v > 0)
        vt_ok(xenevtchn_unbind(xce, (evtchn_port_t)v) == 0, "unbind the virq",
              NULL);

    /* restrict (last: it cannot be undone): which domids Linux takes */
    errno = 0;
    int r0 = xenevtchn_restrict(xce, 0);
    vt_fact("restrict(0): rc=%d %s", r0, r0 ? vt_errno(errno) : "");
    errno = 0;
    r0 = xenevtchn_restrict(xce, 0x7ff0);   /* DOMID_FIRST_RESERVED */
    vt_fact("restrict(DOMID_FIRST_RESERVED): rc=%d %s", r0,
            r0 ? vt_errno(errno) : "");
    vt_ok(xenevtchn_restrict(xce, 5) == 0, "restrict(5)", "%s",
          vt_errno(errno));
    errno = 0;
    r0 = xenevtchn_restrict(xce, 6);
    e = errno;
    vt_ok(r0 == -1 && e == EACCES, "restrict again: EACCES", "%s",
          vt_errno(e));
    vt_ok(xenevtchn_close(xce) == 0, "xenevtchn_close", NULL);
    return vt_done();
}
