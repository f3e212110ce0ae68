/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xshello-peer.c - two-domain example, guest side (dom0: xshello.c).
 */
#include <xentoollog.h>

#include "vmtest.h"
#include "xsclient.h"

int main(void)
{
    char buf[256], ping[64];
    int to = xsc_timeout_ms();

    vt_init();
    vt_ok(xsc_open() == 0, "open /dev/xen/xenbus", "%s", vt_errno(errno));
    int domid = xsc_domid();
    vt_ok(domid > 0, "own domid from xenstore", "domid=%s",
          vt_v("%d", domid));

    xsc_sprintf(ping, sizeof ping, "hello from domU %d", domid);
    vt_ok(xsc_write(xsc_key("ping"), ping) == 0, "write ping", "%s",
          vt_errno(errno));

    int n = xsc_wait(xsc_key("pong"), buf, sizeof buf, to);
    vt_ok(n >= 0, "read dom0's answer", "%s", vt_errno(errno));
    char want[80];
    xsc_sprintf(want, sizeof want, "pong:%s", ping);
    vt_ok(n >= 0 && !strcmp(buf, want), "answer content", "got '%s'",
          n >= 0 ? buf : "");
    vt_ok(xsc_write(xsc_key("done"), "ok") == 0, "write done", "%s",
          vt_errno(errno));

    xentoollog_logger_stdiostream *lg =
        xtl_createlogger_stdiostream(stdout, XTL_INFO, 0);
    xtl_log((xentoollog_logger *)lg, XTL_INFO, -1, "xshello-peer", "done");
    xtl_logger_destroy((xentoollog_logger *)lg);
    return vt_done();
}
