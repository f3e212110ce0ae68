/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * gnttab2dom-peer.c - guest side of gnttab2dom.c (the steps and the keys
 * are described there).
 */
#include <stdint.h>
#include <sys/mman.h>

#include <xenevtchn.h>
#include <xengnttab.h>

#include "grant2dom.h"

static xengnttab_handle *gt;
static xengntshr_handle *gs;
static xenevtchn_handle *xce;
static int gport, gport2;

/* The pages this side shares (see gnttab2dom.c's R_* list). */
static unsigned char *pa, *pb, *pro, *pclear, *pevent, *psn, *pcopy, *pkeep;

static int share_all(char *v, size_t len)
{
    uint32_t ra, rb[4], rro, rclear, revent, rsn, rcopy, rkeep;

    pa = xengntshr_share_pages(gs, 0, 1, &ra, 1);
    pb = xengntshr_share_pages(gs, 0, 4, rb, 1);
    pro = xengntshr_share_pages(gs, 0, 1, &rro, 0);
    pclear = xengntshr_share_pages(gs, 0, 1, &rclear, 1);
    pevent = xengntshr_share_pages(gs, 0, 1, &revent, 1);
    /* clear byte 8 and signal dom0 on our port when we unshare it */
    psn = xengntshr_share_page_notify(gs, 0, &rsn, 1, 8,
                                      (evtchn_port_t)gport);
    pcopy = xengntshr_share_pages(gs, 0, 1, &rcopy, 1);
    pkeep = xengntshr_share_pages(gs, 0, 1, &rkeep, 1);
    int ok = pa && pb && pro && pclear && pevent && psn && pcopy && pkeep;

    if (!vt_ok(ok, "share pages with dom0 (incl. share_page_notify)", "%s",
               ok ? "" : vt_errno(errno)))
        return 0;
    vt_ok(g2_filled(pa, PG, 0) && g2_filled(pb, 4 * PG, 0)
          && g2_filled(psn, PG, 0), "newly shared pages are zeroed", NULL);
    memset(pa, 0x11, PG);
    for (int i = 0; i < 4; i++)
        memset(pb + i * PG, 0x20 + i, PG);
    memset(pro, 0x99, PG);
    memset(pclear, 0xff, PG);
    memset(pevent, 0xee, PG);
    memset(psn, 0x66, PG);
    psn[8] = 0x77;
    memset(pcopy, 0x3c, PG);
    memset(pkeep, 0x5e, PG);
    xsc_sprintf(v, len, "%d %u %u %u %u %u %u %u %u %u %u %u", gport2, ra,
                rb[0], rb[1], rb[2], rb[3], rro, rclear, revent, rsn, rcopy,
                rkeep);
    return 1;
}

static void check_dom0_writes(void)
{
    int r = 1;

    vt_ok(g2_filled(pa, PG, 0xd0), "the guest sees dom0's write", NULL);
    for (int i = 0; i < 4; i++)
        r = r && g2_filled(pb + i * PG, 16, 0xe0 + i)
            && g2_filled(pb + i * PG + 16, PG - 16, 0x20 + i);
    vt_ok(r, "the guest sees dom0's writes through the batch map", NULL);
    vt_ok(xengntshr_unshare(gs, pa, 1) == 0
          && xengntshr_unshare(gs, pb, 4) == 0
          && xengntshr_unshare(gs, pro, 1) == 0,
          "unshare the mapped-and-unmapped pages", NULL);
}

/* Map dom0's pages, write into them, grant-copy to and from them. */
static void use_dom0_pages(const uint32_t *d)
{
    static unsigned char in[PG], out[PG];
    xengnttab_grant_copy_segment_t seg[3];
    unsigned char *m;
    int r, e;

    m = xengnttab_map_domain_grant_refs(gt, 2, 0, (uint32_t *)d,
                                        PROT_READ | PROT_WRITE);
    e = errno;
    vt_ok(m && g2_filled(m, PG, 0x41) && g2_filled(m + PG, PG, 0x42),
          "the guest maps dom0's pages and sees dom0's patterns", "%s",
          m ? "" : vt_errno(e));
    if (m) {
        memset(m, 0xb1, PG);
        memset(m + PG, 0xb2, PG);
        vt_ok(xengnttab_unmap(gt, m, 2) == 0, "the guest unmaps them", NULL);
    }
    m = xengnttab_map_grant_ref(gt, 0, d[2], PROT_READ);
    e = errno;
    vt_ok(m && g2_filled(m, PG, 0x43), "the guest maps dom0's read-only page",
          "%s", m ? "" : vt_errno(e));
    if (m)
        vt_ok(xengnttab_unmap(gt, m, 1) == 0, "unmap it", NULL);

    vt_note("at %ld ms: mapped and unmapped dom0's pages", g2_ms());
    memset(out, 0xc7, sizeof out);
    memset(seg, 0, sizeof seg);
    seg[0].source.foreign.ref = d[3];
    seg[0].source.foreign.domid = 0;
    seg[0].dest.virt = in;
    seg[0].len = 64;
    seg[0].flags = GNTCOPY_source_gref;
    seg[1].source.virt = out;
    seg[1].dest.foreign.ref = d[3];
    seg[1].dest.foreign.offset = 1000;
    seg[1].dest.foreign.domid = 0;
    seg[1].len = 24;
    seg[1].flags = GNTCOPY_dest_gref;
    /* writing into a read-only grant */
    seg[2] = seg[1];
    seg[2].dest.foreign.ref = d[2];
    for (int i = 0; i < 3; i++)
        seg[i].status = 99;
    errno = 0;
    r = xengnttab_grant_copy(gt, 3, seg);
    vt_ok(r == 0, "the guest's grant_copy returns 0", "%s",
          r ? vt_errno(errno) : "");
    vt_ok(seg[0].status == GNTST_okay && g2_filled(in, 64, 0x47) && in[64] == 0,
          "segment 0: dom0 gref -> guest buffer", "status %d", seg[0].status);
    vt_ok(seg[1].status == GNTST_okay, "segment 1: guest buffer -> dom0 gref",
          "status %d", seg[1].status);
    vt_ok(seg[2].status != GNTST_okay && seg[2].status != 99,
          "segment 2: into a read-only grant fails", "status %d",
          seg[2].status);
    vt_fact("guest grant copy statuses: %d %d %d", seg[0].status,
            seg[1].status, seg[2].status);
}

int main(void)
{
    xentoollog_logger *lg;
    uint32_t d[4];
    char buf[256];
    int e, got;

    vt_init();
    g2_ms();
    e = xsc_open() == 0 ? 0 : errno;
    vt_ok(e == 0, "open /dev/xen/xenbus", "%s", e ? vt_errno(e) : "");
    lg = g2_quiet_logger();
    xce = xenevtchn_open(NULL, 0);
    gt = xengnttab_open(lg, 0);
    gs = xengntshr_open(lg, 0);
    e = errno;
    if (!vt_ok(xce && gt && gs, "open evtchn, gnttab and gntshr", "%s",
               xce && gt && gs ? "" : vt_errno(e)))
        return vt_done();

    /* 0. bind to dom0's unbound port */
    if (!g2_wait("dport", buf, sizeof buf))
        return vt_done();
    gport = xenevtchn_bind_interdomain(xce, 0, (evtchn_port_t)atoi(buf));
    e = errno;
    if (!vt_ok(gport > 0, "bind_interdomain(dom0, dom0's port)", "%s",
               gport > 0 ? vt_v("%d", gport) : vt_errno(e)))
        return vt_done();
    /* Xen marks the binder's new port pending (events sent before the
     * bind may have been lost): take that one out of the way */
    got = g2_wait_port(xce, xsc_timeout_ms());
    vt_ok(got == gport, "the bind left our new port pending", "%s",
          vt_v("%d", got));
    if (got >= 0)
        xenevtchn_unmask(xce, (evtchn_port_t)got);
    vt_note("at %ld ms: bound and drained", g2_ms());
    gport2 = xenevtchn_bind_unbound_port(xce, 0);
    vt_ok(gport2 > 0, "bind_unbound_port(dom0) for later", "%s",
          gport2 > 0 ? vt_v("%d", gport2) : vt_errno(errno));

    /* 1. */
    if (!share_all(buf, sizeof buf))
        return vt_done();
    vt_note("at %ld ms: shared", g2_ms());
    g2_say("guest-shared", buf);
    if (!g2_wait("maps-done", buf, sizeof buf))
        return vt_done();
    check_dom0_writes();

    /* 2. */
    if (!g2_wait("dom0-shared", buf, sizeof buf))
        return vt_done();
    if (vt_ok(g2_parse(buf, d, 4) == 4, "parse dom0's refs", "%s", buf))
        use_dom0_pages(d);
    vt_note("at %ld ms: used dom0's pages", g2_ms());
    g2_say("guest-wrote", "1");

    /* 3. unmap notify, both kinds, then our share_page_notify */
    if (!g2_wait("clear-unmapped", buf, sizeof buf))
        return vt_done();
    vt_ok(pclear[100] == 0 && pclear[99] == 0xff && pclear[101] == 0xff,
          "dom0's unmap cleared exactly byte 100", "bytes %d %d %d",
          pclear[99], pclear[100], pclear[101]);
    got = g2_wait_port(xce, 0);
    vt_ok(got < 0, "the clear-byte kind sends no event", "%s",
          vt_v("%d", got));
    if (got >= 0)
        xenevtchn_unmask(xce, (evtchn_port_t)got);
    g2_say("clear-seen", "1");
    if (!g2_wait("event-unmapped", buf, sizeof buf))
        return vt_done();
    got = g2_wait_port(xce, xsc_timeout_ms());
    vt_ok(got == gport, "dom0's unmap sent an event to the guest",
          "pending %s want %s", vt_v("%d", got), vt_v("%d", gport));
    if (got >= 0)
        xenevtchn_unmask(xce, (evtchn_port_t)got);
    vt_ok(g2_filled(pevent, PG, 0xee), "the send-event kind clears nothing",
          NULL);
    if (!g2_wait("notify-mapped", buf, sizeof buf))
        return vt_done();
    vt_ok(xengntshr_unshare(gs, psn, 1) == 0,
          "unshare the share_page_notify page while dom0 maps it", NULL);
    g2_say("notify-unshared", "1");

    /* 4. */
    if (!g2_wait("copied", buf, sizeof buf))
        return vt_done();
    vt_ok(g2_filled(pcopy + 200, 50, 0xc3) && pcopy[199] == 0x3c
          && pcopy[250] == 0x3c && g2_filled(pcopy, 200, 0x3c),
          "dom0's grant copy landed exactly in the guest's page", NULL);

    /* 5. */
    if (!g2_wait("restricted", buf, sizeof buf))
        return vt_done();
    got = g2_wait_port(xce, xsc_timeout_ms());
    vt_ok(got == gport, "event from restricted dom0 arrives",
          "pending %s want %s", vt_v("%d", got), vt_v("%d", gport));
    if (got >= 0)
        xenevtchn_unmask(xce, (evtchn_port_t)got);
    vt_ok(g2_filled(pkeep, 64, 0xf1) && g2_filled(pkeep + 64, PG - 64, 0x5e),
          "dom0's write after restrict_all arrived", NULL);

    vt_ok(xengntshr_unshare(gs, pclear, 1) == 0
          && xengntshr_unshare(gs, pevent, 1) == 0
          && xengntshr_unshare(gs, pcopy, 1) == 0
          && xengntshr_unshare(gs, pkeep, 1) == 0, "unshare the rest", NULL);
    vt_ok(xenevtchn_unbind(xce, (evtchn_port_t)gport) == 0
          && xenevtchn_unbind(xce, (evtchn_port_t)gport2) == 0,
          "unbind both ports", NULL);
    g2_say("guest-end", "1");
    vt_ok(xengnttab_close(gt) == 0 && xengntshr_close(gs) == 0
          && xenevtchn_close(xce) == 0, "close everything", NULL);
    return vt_done();
}
