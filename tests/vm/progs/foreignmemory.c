/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * foreignmemory.c - xenforeignmemory against the real hypervisor in dom0.
 *
 * dom0 cannot foreign-map itself by its numeric domid (Xen refuses "self"
 * as a foreign owner: per-frame -ESRCH), so the frames mapped here are the
 * machine-to-phys table's, owned by DOMID_XEN and found with
 * XENMEM_machphys_mfn_list (as libxenctrl's xc_map_m2p does).  A domain
 * that does not exist gives per-frame -ESRCH while the ioctl succeeds.
 * Resource mapping of dom0 itself is refused by Xen with EPERM.
 *
 * Xen on Arm has no M2P table: XENMEM_machphys_mfn_list answers ENOSYS
 * there (asserted), so the good-frame part is x86's; on Arm dom0 maps a
 * real guest's frames in the two-domain suite (fmem2dom).
 */
#include <stdint.h>
#include <sys/mman.h>

#include <xencall.h>
#include <xenforeignmemory.h>
#include <xentoollog.h>

#include "vmtest.h"
#include "vtarch.h"
#include "xenver.h"

#define HYPERVISOR_memory_op      12
#define XENMEM_machphys_mfn_list  5
#define VT_DOMID_XEN              0x7FF2U
#define NODOM                     1234U
#define N                         4

struct vt_machphys_mfn_list {
    uint32_t max_extents;
    uint32_t pad;
    uint64_t extent_start;          /* guest handle: xen_pfn_t * */
    uint32_t nr_extents;
    uint32_t pad2;
};

/* The first M2P frame (each extent is 2 MiB of the table) into *mfn:
 * 0, or -errno of the hypercall. */
static int first_m2p_mfn(xen_pfn_t *mfn)
{
    xencall_handle *x = xencall_open(NULL, 0);
    struct vt_machphys_mfn_list *l;
    xen_pfn_t *ext;
    int rc = -ENOMEM;

    *mfn = 0;
    if (!x)
        return -errno;
    l = xencall_alloc_buffer(x, sizeof(*l));
    ext = xencall_alloc_buffer(x, 8 * sizeof(*ext));
    if (l && ext) {
        memset(l, 0, sizeof(*l));
        l->max_extents = 8;
        l->extent_start = (uint64_t)(uintptr_t)ext;
        rc = xencall2(x, HYPERVISOR_memory_op, XENMEM_machphys_mfn_list,
                      (uint64_t)(uintptr_t)l);
        rc = rc ? -errno : 0;
        if (rc == 0 && l->nr_extents > 0)
            *mfn = ext[0];
    }
    xencall_free_buffer(x, l);
    xencall_free_buffer(x, ext);
    xencall_close(x);
    return rc;
}

int main(void)
{
    xentoollog_logger *quiet;
    xenforeignmemory_handle *fm, *fm2;
    xen_pfn_t arr[N + 1];
    int err[N + 1];
    uint64_t *p, *q, first;
    xen_pfn_t mfn;

    vt_init();
    vt_xen();
    /* the library's error logs are upstream-worded; keep them out */
    quiet = (xentoollog_logger *)xtl_createlogger_stdiostream(stderr,
                                                              XTL_CRITICAL, 0);
    fm = xenforeignmemory_open(quiet, 0);
    if (!vt_ok(fm != NULL, "open", "%s", vt_errno(errno)))
        return vt_done();

    int rc = first_m2p_mfn(&mfn);
#if VT_ARM
    vt_ok(rc == -ENOSYS, "XENMEM_machphys_mfn_list: no M2P table on Arm "
          "(ENOSYS)", "%s", vt_errno(-rc));
    /* frame numbers for the checks below, which never reach a frame */
    for (int i = 0; i < N; i++)
        arr[i] = VT_GUEST_RAM_GFN + i;
    (void)q;
    (void)first;
#else
    if (!vt_ok(rc == 0 && mfn != 0, "XENMEM_machphys_mfn_list", "%s",
               vt_errno(-rc)))
        return vt_done();
    vt_note("first M2P mfn 0x%lx", (unsigned long)mfn);

    /* good frames: 4 pages of the M2P, read-only, owned by DOMID_XEN */
    for (int i = 0; i < N; i++)
        arr[i] = mfn + i;
    memset(err, 0x55, sizeof(err));
    p = xenforeignmemory_map(fm, VT_DOMID_XEN, PROT_READ, N, arr, err);
    vt_ok(p != NULL, "map 4 M2P frames (DOMID_XEN)", "%s", vt_errno(errno));
    if (p) {
        int good = 1;

        for (int i = 0; i < N; i++)
            good &= err[i] == 0;
        vt_ok(good, "map: every err[i] == 0", "%d %d %d %d",
              err[0], err[1], err[2], err[3]);
        first = p[0];
        vt_note("M2P[0] = 0x%llx", (unsigned long long)first);

        /* MAP_FIXED remap at the same address (QEMU's map cache) */
        q = xenforeignmemory_map2(fm, VT_DOMID_XEN, p, PROT_READ, MAP_FIXED,
                                  N, arr, err);
        vt_ok(q == p, "map2 MAP_FIXED at the caller's address",
              "%s", vt_errno(errno));
        if (q == p)
            vt_ok(q[0] == first, "remapped contents match", NULL);
        vt_ok(xenforeignmemory_unmap(fm, p, N) == 0, "unmap", "%s",
              vt_errno(errno));
    }
#endif

    /* a domain that does not exist: per-frame -ESRCH, ioctl succeeds */
    memset(err, 0x55, sizeof(err));
    p = xenforeignmemory_map(fm, NODOM, PROT_READ, 2, arr, err);
    vt_ok(p != NULL, "map of a missing domain returns a mapping",
          "%s", vt_errno(errno));
    vt_fact("missing domain: err[0]=%d err[1]=%d", err[0], err[1]);
    vt_ok(err[0] == -ESRCH && err[1] == -ESRCH,
          "per-frame errors are negative errno (-ESRCH)", NULL);
    if (p)
        xenforeignmemory_unmap(fm, p, 2);

    /* err == NULL: the call fails with the first frame's errno */
    errno = 0;
    p = xenforeignmemory_map(fm, NODOM, PROT_READ, 2, arr, NULL);
    vt_ok(p == NULL && errno == ESRCH, "err NULL: NULL with errno ESRCH",
          "%s", vt_errno(errno));

    /* mixed batch: good M2P frames and a missing domid can't mix, so
     * use dom0's own numeric domid (refused as "self") vs DOMID_XEN */
    memset(err, 0x55, sizeof(err));
    p = xenforeignmemory_map(fm, 0, PROT_READ, 2, arr, err);
    vt_fact("dom0 by numeric domid: %s err[0]=%d", p ? "mapped" : "NULL",
            err[0]);
    if (p)
        xenforeignmemory_unmap(fm, p, 2);

    /* resources of dom0 itself: Xen refuses "self" */
    {
        size_t size = 0;
        void *addr = NULL;
        xenforeignmemory_resource_handle *r;
        int rc;

        /*
         * Xen before 4.15 answers every size query with its batch limit
         * (32 frames) before it looks at the domain; from 4.15 the
         * query is per resource and refuses dom0 itself.
         */
        size = 0;
        errno = 0;
        rc = xenforeignmemory_resource_size(fm, 0, 1, 0, &size);
        if (vt_xen_ge(4, 15))
            vt_ok(rc == -1 && errno == EPERM,
                  "resource_size(dom0, grant table) EPERM", "%s",
                  vt_errno(errno));
        else
            vt_ok(rc == 0 && size == 32 * 4096,
                  "resource_size(dom0, grant table): Xen < 4.15 answers "
                  "its batch limit, 32 frames", "rc %d size %zu %s", rc,
                  size, vt_errno(errno));
        errno = 0;
        r = xenforeignmemory_map_resource(fm, 0, 1, 0, 0, 1, &addr,
                                          PROT_READ, 0);
        vt_ok(r == NULL && errno == EPERM,
              "map_resource(dom0, grant table) EPERM", "%s", vt_errno(errno));
        errno = 0;
        r = xenforeignmemory_map_resource(fm, 0, 1, 0, 0, 1, &addr,
                                          PROT_READ, MAP_FIXED);
        vt_ok(r == NULL && errno == EINVAL, "map_resource bad flags EINVAL",
              "%s", vt_errno(errno));
        vt_ok(xenforeignmemory_unmap_resource(fm, NULL) == 0,
              "unmap_resource(NULL) == 0", NULL);
    }

    /* restrict: a handle restricted to one domain cannot map others */
    fm2 = xenforeignmemory_open(quiet, 0);
    if (vt_ok(fm2 != NULL, "open second handle", "%s", vt_errno(errno))) {
        vt_ok(xenforeignmemory_restrict(fm2, NODOM) == 0, "restrict",
              "%s", vt_errno(errno));
        errno = 0;
        p = xenforeignmemory_map(fm2, VT_DOMID_XEN, PROT_READ, 1, arr, err);
        vt_ok(p == NULL && errno == EPERM,
              "restricted handle: map of another domain EPERM", "%s",
              vt_errno(errno));
        if (p)
            xenforeignmemory_unmap(fm2, p, 1);
        vt_ok(xenforeignmemory_close(fm2) == 0, "close second handle", NULL);
    }

    vt_ok(xenforeignmemory_close(fm) == 0, "close", NULL);
    xtl_logger_destroy(quiet);
    return vt_done();
}
