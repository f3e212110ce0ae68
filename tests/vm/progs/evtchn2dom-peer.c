/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * evtchn2dom-peer.c - guest side of evtchn2dom.c (see there).
 */
#include <poll.h>
#include <xenevtchn.h>

#include "vmtest.h"
#include "xsclient.h"

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
    }
    vt_ok(xenevtchn_close(xce) == 0, "xenevtchn_close", NULL);
    return vt_done();
}
