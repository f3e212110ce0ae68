/*
 * fake_xen.h - the hypervisor behind every fake OS driver, so that the
 * contract tests (tests/unit, tests/robust) say what Xen sees and
 * answers without knowing how an OS's driver carries it.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Layering of the test fakes:
 *   contract test  --(public API)-->  libxenstable
 *   libxenstable   --(seam table)-->  fake_sys.c (counts, faults, leaks)
 *   fake_sys.c     --(handlers)---->  tests/drivers/<os>/driver.c, which
 *                                     decodes that OS's requests and
 *   driver.c       --(this API)---->  fake_xen.c: hypercalls, DM ops,
 *                                     foreign frames, event channels,
 *                                     grants, as Xen would answer.
 * A test changes Xen's answers with fake_xen_set(); fake_xen_reset()
 * (called by every backend's install) restores the defaults below.
 */
#ifndef XS_TEST_FAKE_XEN_H
#define XS_TEST_FAKE_XEN_H

#include <stddef.h>
#include <stdint.h>

struct fake_xen_buf {
    void *ptr;
    size_t size;
};

/*
 * Xen's side.  NULL members keep the default.  Every answer is 0 (or a
 * result) or -errno, in Xen's (Linux's) errno numbering.
 */
struct fake_xen_ops {
    /* default: 0 */
    long (*hypercall)(unsigned int op, const uint64_t args[5]);
    /* bufs[0] is the struct xen_dm_op; default: 0 */
    int (*dm_op)(uint16_t domid, unsigned int nr_bufs,
                 const struct fake_xen_buf *bufs);
    /* one frame of a foreign map; default: 0 */
    int (*map_frame)(uint16_t domid, uint64_t pfn);
    /*
     * acquire_resource: *nr_frames 0 asks for the size (default: 4
     * frames), else maps them (default: 0).
     */
    int (*map_resource)(uint16_t domid, unsigned int type, unsigned int id,
                        uint64_t frame, uint64_t *nr_frames);
    /* one grant of a map; default: 0 */
    int (*grant_map)(uint32_t domid, uint32_t ref);
};

void fake_xen_reset(void);
void fake_xen_set(const struct fake_xen_ops *ops);

/* What the drivers call. */
long fake_xen_hypercall(unsigned int op, const uint64_t args[5]);
int fake_xen_dm_op(uint16_t domid, unsigned int nr_bufs,
                   const struct fake_xen_buf *bufs);
int fake_xen_map_frame(uint16_t domid, uint64_t pfn);
int fake_xen_map_resource(uint16_t domid, unsigned int type, unsigned int id,
                          uint64_t frame, uint64_t *nr_frames);
int fake_xen_grant_map(uint32_t domid, uint32_t ref);
/* A new grant reference for a page we share (500, 501, ...). */
uint32_t fake_xen_grant_share(uint32_t domid);

/*
 * Event channels: a loopback.  A bound port that is notified becomes
 * pending on the same device; ports count up from 1.
 */
int fake_xen_evtchn_bind(void);
int fake_xen_evtchn_notify(uint32_t port);
int fake_xen_evtchn_unbind(uint32_t port);
/* The oldest pending port (1) or nothing pending (0). */
int fake_xen_evtchn_pending(uint32_t *port);
/* Pending ports queued so far (tests). */
int fake_xen_evtchn_npending(void);

#endif
