/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * restrict2dom-peer.c - guest side of restrict2dom.c: the domain a
 * deprivileged dom0 process is restricted to.  It leaves two event
 * channel ports unbound for dom0 (one bound before dom0 restricts
 * itself, one after) and stays alive while dom0 probes its frames and
 * vcpus; then it checks that dom0's restriction changed nothing here.
 */
#include <xenevtchn.h>

#include "vmtest.h"
#include "xsclient.h"

int main(void)
{
    char buf[64], ports[64];
    int to = xsc_timeout_ms();

    vt_init();
    vt_ok(xsc_open() == 0, "open /dev/xen/xenbus", "%s", vt_errno(errno));
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    int e = errno;
    if (!vt_ok(xce != NULL, "xenevtchn_open", "%s", xce ? "" : vt_errno(e)))
        return vt_done();
    int p1 = xenevtchn_bind_unbound_port(xce, 0);
    int p2 = xenevtchn_bind_unbound_port(xce, 0);
    vt_ok(p1 > 0 && p2 > 0, "two ports unbound for dom0", "%s %s",
          vt_v("%d", p1), vt_v("%d", p2));
    xsc_sprintf(ports, sizeof ports, "%d %d", p1, p2);
    vt_ok(xsc_write(xsc_key("ready"), ports) == 0, "tell dom0 the ports",
          "%s", vt_errno(errno));

    int n = xsc_wait(xsc_key("done"), buf, sizeof buf, to);
    vt_ok(n >= 0, "dom0 finished probing", "%s", vt_errno(errno));

    int p3 = xenevtchn_bind_unbound_port(xce, 0);
    vt_ok(p3 > 0, "the guest's own event channels still work", "%s",
          vt_errno(errno));
    xenevtchn_close(xce);
    return vt_done();
}
