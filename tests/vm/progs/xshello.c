/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xshello.c - two-domain example, dom0 side (peer: xshello-peer.c).
 * The guest writes "ping"; dom0 reads it and answers "pong"; the guest
 * checks the answer and writes "done".
 */
#include <xentoollog.h>

#include "vmtest.h"
#include "xsclient.h"

int main(void)
{
    char buf[256], ans[300];
    int to = xsc_timeout_ms();

    vt_init();
    vt_ok(getenv("XSVM_PEER_DOMID") != NULL, "peer domid known", "domid=%s",
          vt_v("%s", vt_env("XSVM_PEER_DOMID", "?")));
    vt_ok(xsc_open() == 0, "xenstore connection", "%s", vt_errno(errno));

    int n = xsc_wait(xsc_key("ping"), buf, sizeof buf, to);
    if (vt_ok(n >= 0, "read guest's ping", "%s", vt_errno(errno)))
        vt_fact("guest says: %s", buf);
    vt_ok(n >= 0 && !strncmp(buf, "hello from domU", 15),
          "ping content", "got '%s'", n >= 0 ? buf : "");

    xsc_sprintf(ans, sizeof ans, "pong:%s", n >= 0 ? buf : "");
    vt_ok(xsc_write(xsc_key("pong"), ans) == 0, "write answer", "%s",
          vt_errno(errno));

    n = xsc_wait(xsc_key("done"), buf, sizeof buf, to);
    vt_ok(n >= 0 && !strcmp(buf, "ok"), "guest confirmed the answer",
          "%s", n >= 0 ? buf : vt_errno(errno));

    /* toollog is linked so the ours/upstream pair exercises a library */
    xentoollog_logger_stdiostream *lg =
        xtl_createlogger_stdiostream(stdout, XTL_INFO, 0);
    xtl_log((xentoollog_logger *)lg, XTL_INFO, -1, "xshello", "exchange done");
    xtl_logger_destroy((xentoollog_logger *)lg);
    return vt_done();
}
