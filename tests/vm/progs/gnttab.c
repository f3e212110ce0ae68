/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * gnttab.c - libxengnttab against the real hypervisor in dom0: share our
 * own pages with gntshr and map them back with gnttab (Xen lets dom0 map
 * its own grants), write-through both ways, unmap notifications (clear
 * byte, send event), grant copy both directions, the grant_copy(0, NULL)
 * probe, dma-buf answers, and xentoolcore_restrict_all.  Grant refs,
 * ports and addresses are volatile and printed in braces.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "vmtest.h"

#define PG 4096

/* Wait for an event on xce (vt_timeout_ms()); the pending port or -1. */
static int wait_port(xenevtchn_handle *xce)
{
    struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };

    if (poll(&p, 1, vt_timeout_ms()) != 1 || !(p.revents & POLLIN))
        return -1;
    return xenevtchn_pending(xce);
}

static int filled(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

int main(void)
{
    xengntshr_handle *gs;
    xengnttab_handle *gt;
    xentoollog_logger *lg;
    uint32_t refs[4], domids[4] = { 0, 0, 0, 0 }, ref;
    unsigned char *s, *m;
    int r, e;

    vt_init();
    /* the libraries' error messages differ in wording: keep them out */
    lg = (xentoollog_logger *)xtl_createlogger_stdiostream(
        fopen("/dev/null", "w"), XTL_DEBUG, 0);

    vt_ok(xengnttab_close(NULL) == 0 && xengntshr_close(NULL) == 0,
          "close(NULL) is 0", NULL);
    gs = xengntshr_open(lg, 0);
    gt = xengnttab_open(lg, 0);
    if (!vt_ok(gs && gt, "open gntshr and gnttab", "%s", vt_errno(errno)))
        return vt_done();
    r = fcntl(xengnttab_fd(gt), F_GETFD);
    vt_ok(r >= 0 && (r & FD_CLOEXEC), "gntdev fd is close-on-exec", NULL);
    r = fcntl(xengntshr_fd(gs), F_GETFD);
    vt_note("gntalloc fd close-on-exec: %d", r >= 0 && (r & FD_CLOEXEC));

    /* one page, both ways */
    s = xengntshr_share_pages(gs, 0, 1, &ref, 1);
    vt_ok(s != NULL, "share one page", "ref %s", vt_v("%u", ref));
    memset(s, 0x5a, PG);
    m = xengnttab_map_grant_ref(gt, 0, ref, PROT_READ | PROT_WRITE);
    vt_ok(m != NULL, "map it back", "%s", vt_errno(errno));
    if (m) {
        vt_ok(filled(m, PG, 0x5a), "mapping shows the sharer's data", NULL);
        memset(m, 0xa5, PG);
        vt_ok(filled(s, PG, 0xa5), "write through the mapping reaches the "
              "sharer", NULL);
        errno = 0;
        r = xengnttab_unmap(gt, m, 2);
        vt_ok(r == -1 && errno == EINVAL, "unmap with the wrong count: EINVAL",
              "%s", vt_errno(errno));
        vt_ok(xengnttab_unmap(gt, m, 1) == 0, "unmap", NULL);
    }
    errno = 0;
    r = xengnttab_unmap(gt, NULL, 1);
    vt_ok(r == -1 && errno == EINVAL, "unmap(NULL): EINVAL", NULL);
    vt_ok(xengntshr_unshare(gs, s, 1) == 0, "unshare", NULL);

    /* several pages, both multi-ref entry points */
    s = xengntshr_share_pages(gs, 0, 4, refs, 1);
    vt_ok(s != NULL, "share four pages", NULL);
    for (int i = 0; i < 4; i++)
        memset(s + i * PG, 0x10 + i, PG);
    m = xengnttab_map_grant_refs(gt, 4, domids, refs, PROT_READ | PROT_WRITE);
    r = m != NULL;
    for (int i = 0; r && i < 4; i++)
        r = filled(m + i * PG, PG, 0x10 + i);
    vt_ok(r, "map_grant_refs shows every page in order", NULL);
    if (m)
        vt_ok(xengnttab_unmap(gt, m, 4) == 0, "unmap four", NULL);
    m = xengnttab_map_domain_grant_refs(gt, 4, 0, refs, PROT_READ);
    r = m != NULL;
    for (int i = 0; r && i < 4; i++)
        r = filled(m + i * PG, PG, 0x10 + i);
    vt_ok(r, "map_domain_grant_refs shows every page in order", NULL);
    if (m)
        vt_ok(xengnttab_unmap(gt, m, 4) == 0, "unmap four again", NULL);
    vt_ok(xengntshr_unshare(gs, s, 4) == 0, "unshare four", NULL);

    /* unmap notify: clear byte, observed by the sharer */
    s = xengntshr_share_pages(gs, 0, 1, &ref, 1);
    memset(s, 0xff, PG);
    m = xengnttab_map_grant_ref_notify(gt, 0, ref, PROT_READ | PROT_WRITE,
                                       100, (uint32_t)-1);
    vt_ok(m != NULL, "map with a clear-byte notify", NULL);
    if (m) {
        vt_ok(s[100] == 0xff, "byte still set while mapped", NULL);
        xengnttab_unmap(gt, m, 1);
        vt_ok(s[100] == 0 && s[99] == 0xff && s[101] == 0xff,
              "unmap cleared exactly that byte", "byte=%d", s[100]);
    }
    xengntshr_unshare(gs, s, 1);

    /* unmap notify: send event, observed as a pending port */
    {
        xenevtchn_handle *a = xenevtchn_open(NULL, 0);
        xenevtchn_handle *b = xenevtchn_open(NULL, 0);
        int pa = xenevtchn_bind_unbound_port(a, 0);
        int pb = xenevtchn_bind_interdomain(b, 0, pa);
        struct pollfd p = { .fd = xenevtchn_fd(a), .events = POLLIN };

        if (poll(&p, 1, 50) == 1)           /* drain the bind's event */
            xenevtchn_unmask(a, xenevtchn_pending(a));
        s = xengntshr_share_pages(gs, 0, 1, &ref, 1);
        m = xengnttab_map_grant_ref_notify(gt, 0, ref, PROT_READ,
                                           (uint32_t)-1, pb);
        vt_ok(m != NULL, "map with a send-event notify", NULL);
        vt_ok(poll(&p, 1, 50) == 0, "no event while mapped", NULL);
        xengnttab_unmap(gt, m, 1);
        r = wait_port(a);
        vt_ok(r == pa, "unmap sent the event", "got %s", vt_v("%d", r));
        xenevtchn_unmask(a, pa);
        xengntshr_unshare(gs, s, 1);

        /* the sharer's side of the notify: share_page_notify */
        s = xengntshr_share_page_notify(gs, 0, &ref, 1, 8, pb);
        vt_ok(s != NULL, "share_page_notify", NULL);
        m = xengnttab_map_grant_ref(gt, 0, ref, PROT_READ);
        if (s && m) {
            s[8] = 0x77;
            xengntshr_unshare(gs, s, 1);
            r = wait_port(a);
            vt_ok(r == pa, "unshare sent the event", "got %s",
                  vt_v("%d", r));
            vt_ok(m[8] == 0, "unshare cleared the byte (seen by the mapper)",
                  "byte=%d", m[8]);
            xenevtchn_unmask(a, pa);
            xengnttab_unmap(gt, m, 1);
        }
        xenevtchn_unbind(b, pb);
        xenevtchn_unbind(a, pa);
        xenevtchn_close(a);
        xenevtchn_close(b);
    }

    /* grant copy, both directions */
    vt_ok(xengnttab_grant_copy(gt, 0, NULL) == 0,
          "grant_copy(0, NULL) succeeds (QEMU's probe)", "%s",
          vt_errno(errno));
    s = xengntshr_share_pages(gs, 0, 1, &ref, 1);
    if (s) {
        static unsigned char buf[PG];
        xengnttab_grant_copy_segment_t seg;

        memset(s, 0x3c, PG);
        memset(&seg, 0, sizeof(seg));
        seg.source.foreign.ref = ref;
        seg.source.foreign.offset = 16;
        seg.source.foreign.domid = 0;
        seg.dest.virt = buf;
        seg.len = 100;
        seg.flags = GNTCOPY_source_gref;
        r = xengnttab_grant_copy(gt, 1, &seg);
        vt_ok(r == 0 && seg.status == GNTST_okay && filled(buf, 100, 0x3c)
              && buf[100] == 0, "grant copy gref -> virt",
              "rc=%d status=%d", r, seg.status);
        memset(buf, 0xc3, sizeof(buf));
        memset(&seg, 0, sizeof(seg));
        seg.source.virt = buf;
        seg.dest.foreign.ref = ref;
        seg.dest.foreign.offset = 200;
        seg.dest.foreign.domid = 0;
        seg.len = 50;
        seg.flags = GNTCOPY_dest_gref;
        r = xengnttab_grant_copy(gt, 1, &seg);
        vt_ok(r == 0 && seg.status == GNTST_okay && filled(s + 200, 50, 0xc3)
              && s[199] == 0x3c && s[250] == 0x3c, "grant copy virt -> gref",
              "rc=%d status=%d", r, seg.status);
        seg.dest.foreign.ref = 0xfffffff0u;
        seg.status = 0;
        r = xengnttab_grant_copy(gt, 1, &seg);
        vt_fact("grant copy to a bad ref: rc=%d status=%d", r, seg.status);
        xengntshr_unshare(gs, s, 1);
    }

    r = xengnttab_set_max_grants(gt, 64);
    vt_fact("set_max_grants(64): rc=%d", r);

    /* dma-buf: whatever this kernel answers, both libraries must agree */
    {
        uint32_t fd = 0, out[1];

        s = xengntshr_share_pages(gs, 0, 1, &ref, 1);
        errno = 0;
        r = xengnttab_dmabuf_exp_from_refs(gt, 0, 0, 1, &ref, &fd);
        e = errno;
        vt_fact("dmabuf_exp_from_refs: rc=%d %s", r, r ? vt_errno(e) : "");
        if (r == 0) {
            close((int)fd);
            errno = 0;
            r = xengnttab_dmabuf_exp_wait_released(gt, fd, 100);
            vt_fact("dmabuf_exp_wait_released: rc=%d", r);
        }
        errno = 0;
        r = xengnttab_dmabuf_exp_wait_released(gt, 12345, 0);
        vt_fact("dmabuf_exp_wait_released(unknown): rc=%d %s", r,
                r ? vt_errno(errno) : "");
        errno = 0;
        r = xengnttab_dmabuf_imp_to_refs(gt, 0, 12345, 1, out);
        vt_fact("dmabuf_imp_to_refs(bad fd): rc=%d %s", r, vt_errno(errno));
        errno = 0;
        r = xengnttab_dmabuf_imp_release(gt, 12345);
        vt_fact("dmabuf_imp_release(unknown): rc=%d %s", r, vt_errno(errno));
        errno = 0;
        r = xengnttab_dmabuf_exp_from_refs(gt, 0, 0, 0, &ref, &fd);
        vt_ok(r == -1 && errno == EINVAL, "dmabuf with count 0: EINVAL",
              "%s", vt_errno(errno));
        xengntshr_unshare(gs, s, 1);
    }

    /* restrict_all: the gntdev handle becomes useless */
    s = xengntshr_share_pages(gs, 0, 1, &ref, 1);
    vt_ok(xentoolcore_restrict_all(7) == 0, "xentoolcore_restrict_all(7)",
          "%s", vt_errno(errno));
    errno = 0;
    m = xengnttab_map_grant_ref(gt, 0, ref, PROT_READ);
    e = errno;
    vt_ok(m == NULL, "map after restrict_all fails", "%s", vt_errno(e));
    vt_fact("map after restrict_all: %s", vt_errno(e));
    errno = 0;
    r = xengnttab_grant_copy(gt, 0, NULL);
    vt_fact("grant_copy(0) after restrict_all: rc=%d %s", r, vt_errno(errno));
    {
        uint32_t ref2;
        void *s2;

        errno = 0;
        s2 = xengntshr_share_pages(gs, 0, 1, &ref2, 1);
        vt_fact("gntshr share after restrict_all: %s",
                s2 ? "works" : vt_errno(errno));
        if (s2)
            xengntshr_unshare(gs, s2, 1);
    }
    if (s)
        xengntshr_unshare(gs, s, 1);

    vt_ok(xengnttab_close(gt) == 0 && xengntshr_close(gs) == 0, "close",
          NULL);
    return vt_done();
}
