/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fmem2dom.c - libxenforeignmemory on a real guest's memory, from dom0
 * (guest side: fmem2dom-peer.c).
 *
 *   guest: two locked pages with a known pattern, publishes their gfns
 *   dom0:  map (read the pattern, write a reply into page A);
 *          map2 MAP_FIXED into a reserved range, as QEMU's map cache does
 *          (reply into page B), then remap the same address to page A;
 *          a batch with bad frames: per-page err[] and err == NULL;
 *          writes "written"
 *   guest: checks both replies, writes "verified"
 *   dom0:  the guest's grant table through map_resource (size first),
 *          restrict on one handle, then xentoolcore_restrict_all()
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <sys/mman.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "vmtest.h"
#include "xenver.h"
#include "xsclient.h"
#include "fmem2dom.h"

#define NODOM               1234U
#define RES_GRANT_TABLE     1       /* XENMEM_resource_grant_table */
#define RES_VMTRACE_BUF     2       /* XENMEM_resource_vmtrace_buf */
#define GNT_ID_SHARED       0
#define GNT_ID_STATUS       1
#define GTF_permit_access   1
/* Far beyond any guest memory, and 4 MiB above the guest's RAM. */
#define BAD_FAR             0x10000000UL
#define BAD_NEAR            (VT_GUEST_END_GFN + 0x1000UL)

struct vt_grant_entry_v1 {
    uint16_t flags;
    uint16_t domid;
    uint32_t frame;
};

static xen_pfn_t gfn_a, gfn_b;
static int peer;

static unsigned long xs_ulong(const char *path)
{
    char buf[64];

    return xsc_read(path, buf, sizeof buf) > 0 ? strtoul(buf, NULL, 0) : 0;
}

static void map_and_reply(xenforeignmemory_handle *fm)
{
    xen_pfn_t arr[2] = { gfn_a, gfn_b };
    int err[2] = { 0x55, 0x55 };
    unsigned char *p, *res, *q;

    p = xenforeignmemory_map(fm, peer, PROT_READ | PROT_WRITE, 2, arr, err);
    if (!vt_ok(p != NULL, "map the guest's two pages", "%s",
               vt_errno(errno)))
        return;
    vt_ok(err[0] == 0 && err[1] == 0, "map: err[] all 0", "%d %d", err[0],
          err[1]);
    vt_ok(fm2_check(p, 0), "page A: the guest's pattern", "'%.16s'", p);
    vt_ok(fm2_check(p + FM2_PAGE, 1), "page B: the guest's pattern",
          "'%.16s'", p + FM2_PAGE);
    strcpy((char *)p + FM2_REPLY_OFF, FM2_REPLY_MAP);
    vt_ok(xenforeignmemory_unmap(fm, p, 2) == 0, "unmap", "%s",
          vt_errno(errno));

    /* QEMU's map cache: reserve a range, map buckets into it MAP_FIXED */
    res = mmap(NULL, 2 * FM2_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
               -1, 0);
    if (!vt_ok(res != MAP_FAILED, "reserve two pages", NULL))
        return;
    q = xenforeignmemory_map2(fm, peer, res, PROT_READ | PROT_WRITE,
                              MAP_FIXED, 1, &gfn_b, err);
    vt_ok(q == res, "map2 MAP_FIXED lands at the caller's address", "%s",
          q ? "" : vt_errno(errno));
    if (q == res) {
        vt_ok(err[0] == 0 && fm2_check(q, 1), "map2: page B's pattern",
              "err %d", err[0]);
        strcpy((char *)q + FM2_REPLY_OFF, FM2_REPLY_FIXED);
        /* bucket reuse: the same address, another frame */
        q = xenforeignmemory_map2(fm, peer, res, PROT_READ, MAP_FIXED, 1,
                                  &gfn_a, err);
        vt_ok(q == res && err[0] == 0, "map2 MAP_FIXED over a mapping",
              "%s", q ? "" : vt_errno(errno));
        if (q == res)
            vt_ok(fm2_check(q, 0) &&
                  !strcmp((char *)q + FM2_REPLY_OFF, FM2_REPLY_MAP),
                  "now page A, with the reply written through map", NULL);
        vt_ok(xenforeignmemory_unmap(fm, res, 1) == 0, "unmap the bucket",
              "%s", vt_errno(errno));
    }
    munmap(res + FM2_PAGE, FM2_PAGE);
}

static void bad_frames(xenforeignmemory_handle *fm)
{
    xen_pfn_t arr[4] = { gfn_a, BAD_FAR, gfn_b, BAD_NEAR };
    int err[4] = { 0x55, 0x55, 0x55, 0x55 };
    unsigned char *p;

    p = xenforeignmemory_map(fm, peer, PROT_READ, 4, arr, err);
    vt_ok(p != NULL, "batch with bad frames: a mapping", "%s",
          vt_errno(errno));
    vt_fact("err[] = { %d, %d, %d, %d } (good, 0x%lx, good, 0x%lx)", err[0],
            err[1], err[2], err[3], BAD_FAR, BAD_NEAR);
    vt_ok(err[0] == 0 && err[2] == 0, "good frames: err 0", NULL);
    /*
     * Xen (mod_l1_entry on a translated foreign owner) finds no page
     * behind the gfn and answers -EINVAL; the kernel stores it negated.
     */
    vt_ok(err[1] == -EINVAL && err[3] == -EINVAL,
          "bad frames: err -EINVAL", "%d %d", err[1], err[3]);
    if (p) {
        vt_ok(fm2_check(p, 0) && fm2_check(p + 2 * FM2_PAGE, 1),
              "good frames of the batch readable", NULL);
        vt_ok(xenforeignmemory_unmap(fm, p, 4) == 0, "unmap the batch",
              "%s", vt_errno(errno));
    }

    errno = 0;
    p = xenforeignmemory_map(fm, peer, PROT_READ, 4, arr, NULL);
    vt_ok(p == NULL && errno == EINVAL,
          "same batch, err NULL: NULL with EINVAL", "%s", vt_errno(errno));
}

/* Xen before 4.15 answers every resource size query with its batch
 * limit, whatever the domain and resource; from 4.15 the answer is the
 * resource's own size. */
#define OLD_SIZE_QUERY_FRAMES 32
static int sizes_resources(void)
{
    return vt_xen_ge(4, 15);
}

static void unknown_and_absent_resources(xenforeignmemory_handle *fm);

static void grant_table(xenforeignmemory_handle *fm)
{
    char path[96];
    size_t size = 0, frames;
    void *addr = NULL;
    xenforeignmemory_resource_handle *r;
    unsigned long console, store;

    vt_ok(xenforeignmemory_resource_size(fm, peer, RES_GRANT_TABLE,
                                         GNT_ID_SHARED, &size) == 0,
          "resource_size(grant table)", "%s", vt_errno(errno));
    frames = size / FM2_PAGE;
    vt_fact("grant table: %zu bytes = %zu frames", size, frames);
    vt_ok(frames > 0 && size % FM2_PAGE == 0, "size is whole frames", NULL);
    if (!sizes_resources())
        vt_ok(frames == OLD_SIZE_QUERY_FRAMES, "Xen < 4.15: the size is its "
              "batch limit, 32 frames", "%zu", frames);

    r = xenforeignmemory_map_resource(fm, peer, RES_GRANT_TABLE,
                                      GNT_ID_SHARED, 0, 1, &addr, PROT_READ,
                                      0);
    if (vt_ok(r && addr, "map_resource(grant table, frame 0)", "%s",
              vt_errno(errno))) {
        const struct vt_grant_entry_v1 *g = addr;

        /* libxl seeds the reserved entries: 0 console, 1 xenstore */
        snprintf(path, sizeof path, "/local/domain/%d/console/ring-ref",
                 peer);
        console = xs_ulong(path);
        snprintf(path, sizeof path, "/local/domain/%d/store/ring-ref", peer);
        store = xs_ulong(path);
        vt_fact("entry 0: flags 0x%x domid %u; entry 1: flags 0x%x domid %u",
                g[0].flags, g[0].domid, g[1].flags, g[1].domid);
        vt_ok((g[0].flags & GTF_permit_access) && g[0].domid == 0 &&
              g[0].frame == console && console,
              "entry 0 grants the console ring to dom0", "frame %s ring %s",
              vt_v("0x%x", g[0].frame), vt_v("0x%lx", console));
        vt_ok((g[1].flags & GTF_permit_access) && g[1].domid == 0 &&
              g[1].frame == store && store,
              "entry 1 grants the xenstore ring to dom0", "frame %s ring %s",
              vt_v("0x%x", g[1].frame), vt_v("0x%lx", store));
        vt_ok(xenforeignmemory_unmap_resource(fm, r) == 0, "unmap_resource",
              "%s", vt_errno(errno));
    }

    /* the frame after the table (on Xen < 4.15: after the batch limit,
     * still inside the guest's 64-frame table) */
    addr = NULL;
    errno = 0;
    r = xenforeignmemory_map_resource(fm, peer, RES_GRANT_TABLE,
                                      GNT_ID_SHARED, frames, 1, &addr,
                                      PROT_READ, 0);
    vt_fact("frame %zu of %zu: %s", frames, frames,
            vt_errno(r ? 0 : errno));
    if (sizes_resources())
        vt_ok(r == NULL && errno == EINVAL,
              "map_resource beyond the table: EINVAL", NULL);
    else
        vt_ok(r != NULL, "Xen < 4.15: frame 32 maps (the table is bigger "
              "than the batch limit the size query gave)", NULL);
    if (r)
        xenforeignmemory_unmap_resource(fm, r);

    unknown_and_absent_resources(fm);
}

/*
 * Resources a v1 guest does not have, and a type no Xen knows, per
 * version (docs/compatibility.md; Arm, 4.17: the status table EINVAL,
 * the rest as x86):
 *
 *                       4.14          4.17              4.20
 *   status table size   32 frames     8 frames          8 frames
 *   vmtrace (off) size  32 frames     EINVAL            EINVAL
 *   type 99 size        32 frames     see below         EINVAL
 *   type 99 map         EOPNOTSUPP    EOPNOTSUPP        EINVAL
 *
 * Xen 4.17 answers the size query of type 99 with success and its error
 * code in the frame count (0xffffffa1 = -EOPNOTSUPP): upstream's library
 * passes that on as a size; libxenstable turns it back into EOPNOTSUPP.
 */
static void unknown_and_absent_resources(xenforeignmemory_handle *fm)
{
    size_t size = 0;
    void *addr = NULL;
    xenforeignmemory_resource_handle *r;
    int rc, e;

    errno = 0;
    rc = xenforeignmemory_resource_size(fm, peer, RES_GRANT_TABLE,
                                        GNT_ID_STATUS, &size);
    e = errno;
    vt_fact("status table (v1 guest): rc %d size %zu %s", rc, size,
            rc ? vt_errno(e) : "");
    if (VT_ARM)         /* Xen on Arm has grant tables v1 only */
        vt_ok(rc == -1 && e == EINVAL, "status table size: EINVAL (Arm has "
              "no status frames)", NULL);
    else if (sizes_resources())
        vt_ok(rc == 0 && size == 8 * FM2_PAGE,
              "status table size: 8 frames (its maximum)", NULL);
    else
        vt_ok(rc == 0 && size == OLD_SIZE_QUERY_FRAMES * FM2_PAGE,
              "status table size: Xen < 4.15's 32 frames", NULL);

    size = 0;
    errno = 0;
    rc = xenforeignmemory_resource_size(fm, peer, RES_VMTRACE_BUF, 0, &size);
    e = errno;
    vt_fact("vmtrace buffer (not enabled): rc %d %s", rc,
            rc ? vt_errno(e) : "");
    if (sizes_resources())
        vt_ok(rc == -1 && e == EINVAL, "vmtrace buffer (not enabled): "
              "EINVAL", NULL);
    else
        vt_ok(rc == 0 && size == OLD_SIZE_QUERY_FRAMES * FM2_PAGE,
              "vmtrace buffer: Xen < 4.15's 32 frames (it has no such "
              "resource)", NULL);

    size = 1;
    errno = 0;
    rc = xenforeignmemory_resource_size(fm, peer, 99, 0, &size);
    e = errno;
    vt_fact("unknown resource type: rc %d frames 0x%zx %s", rc,
            size / FM2_PAGE, rc ? vt_errno(e) : "");
    if (!sizes_resources())
        vt_ok(rc == 0 && size == OLD_SIZE_QUERY_FRAMES * FM2_PAGE,
              "unknown type, size: Xen < 4.15's 32 frames", NULL);
    else if (!vt_xen_ge(4, 20))
#ifdef VT_OURS
        vt_ok(rc == -1 && e == EOPNOTSUPP, "unknown type, size: "
              "EOPNOTSUPP (Xen's error, not its garbage frame count)",
              NULL);
#else
        vt_ok(rc == 0 && size == (size_t)0xffffffa1 * FM2_PAGE,
              "unknown type, size: Xen's -EOPNOTSUPP as a frame count",
              NULL);
#endif
    else
        vt_ok(rc == -1 && e == EINVAL, "unknown type, size: EINVAL", NULL);

    errno = 0;
    r = xenforeignmemory_map_resource(fm, peer, 99, 0, 0, 1, &addr,
                                      PROT_READ, 0);
    e = errno;
    vt_fact("unknown resource type, map: %s", vt_errno(r ? 0 : e));
    vt_ok(r == NULL && e == (vt_xen_ge(4, 20) ? EINVAL : EOPNOTSUPP),
          vt_xen_ge(4, 20) ? "unknown type, map: EINVAL"
                           : "unknown type, map: EOPNOTSUPP", NULL);
    if (r)
        xenforeignmemory_unmap_resource(fm, r);
}

/* One handle restricted to the guest: the guest only. */
static void restrict_one(xentoollog_logger *quiet)
{
    xenforeignmemory_handle *fm = xenforeignmemory_open(quiet, 0);
    xen_pfn_t arr[1] = { gfn_a };
    int err[1];
    size_t size;
    void *p;

    if (!vt_ok(fm != NULL, "open a handle to restrict", NULL))
        return;
    errno = 0;
    p = xenforeignmemory_map(fm, NODOM, PROT_READ, 1, arr, err);
    vt_ok(p != NULL && err[0] == -ESRCH,
          "unrestricted: missing domain is a per-frame -ESRCH", "%s %d",
          vt_errno(errno), err[0]);
    if (p)
        xenforeignmemory_unmap(fm, p, 1);

    vt_ok(xenforeignmemory_restrict(fm, peer) == 0, "restrict to the guest",
          "%s", vt_errno(errno));
    vt_ok(xenforeignmemory_restrict(fm, peer) == 0,
          "restrict to the same domain again", "%s", vt_errno(errno));
    errno = 0;
    vt_ok(xenforeignmemory_restrict(fm, 0) == -1 && errno == EINVAL,
          "restrict to another domain: EINVAL", "%s", vt_errno(errno));

    p = xenforeignmemory_map(fm, peer, PROT_READ, 1, arr, err);
    vt_ok(p && err[0] == 0 && fm2_check(p, 0),
          "restricted: the guest's page maps", "%s", vt_errno(errno));
    if (p)
        xenforeignmemory_unmap(fm, p, 1);
    errno = 0;
    p = xenforeignmemory_map(fm, NODOM, PROT_READ, 1, arr, err);
    vt_ok(p == NULL && errno == EPERM,
          "restricted: another domain EPERM", "%s", vt_errno(errno));
    vt_ok(xenforeignmemory_resource_size(fm, peer, RES_GRANT_TABLE,
                                         GNT_ID_SHARED, &size) == 0,
          "restricted: resource_size of the guest", "%s", vt_errno(errno));
    errno = 0;
    vt_ok(xenforeignmemory_resource_size(fm, NODOM, RES_GRANT_TABLE,
                                         GNT_ID_SHARED, &size) == -1 &&
          errno == EPERM, "restricted: resource_size of another EPERM",
          "%s", vt_errno(errno));
    vt_ok(xenforeignmemory_close(fm) == 0, "close the restricted handle",
          NULL);
}

/*
 * A dm op that succeeds on the guest wherever Xen has the device model:
 * deasserting an INTx line nobody asserted on x86 (every version has it;
 * nr_vcpus arrived only in Xen 4.15), nr_vcpus on Arm (no PCI INTx ops).
 */
static int dm_probe(xendevicemodel_handle *dm, domid_t dom)
{
    unsigned int vcpus;

    if (VT_ARM)
        return xendevicemodel_nr_vcpus(dm, dom, &vcpus);
    return xendevicemodel_set_pci_intx_level(dm, dom, 0, 0, 5, 0, 0);
}

/* Last: xentoolcore_restrict_all() narrows every open handle. */
static void restrict_all(xenforeignmemory_handle *fm, xentoollog_logger *quiet)
{
    xendevicemodel_handle *dm = xendevicemodel_open(quiet, 0);
    xencall_handle *xc = xencall_open(quiet, 0);
    xen_pfn_t arr[1] = { gfn_b };
    int err[1], rc;
    void *p;

    if (!vt_ok(dm && xc, "open devicemodel and xencall", NULL))
        return;
    vt_ok(xencall1(xc, 17, 0) > 0, "xencall works before", NULL);
    vt_ok(xentoolcore_restrict_all(peer) == 0, "xentoolcore_restrict_all",
          "%s", vt_errno(errno));

    p = xenforeignmemory_map(fm, peer, PROT_READ, 1, arr, err);
    vt_ok(p && err[0] == 0 && fm2_check(p, 1),
          "after restrict_all: map of the guest works", "%s",
          vt_errno(errno));
    if (p)
        xenforeignmemory_unmap(fm, p, 1);
    errno = 0;
    p = xenforeignmemory_map(fm, NODOM, PROT_READ, 1, arr, err);
    vt_ok(p == NULL && errno == EPERM,
          "after restrict_all: map of another domain EPERM", "%s",
          vt_errno(errno));
    errno = 0;
    if (vt_xen_dm())
        vt_ok(dm_probe(dm, peer) == 0,
              "after restrict_all: dm op on the guest works", "%s",
              vt_errno(errno));
    else        /* it reaches Xen, which has no dm_op */
        vt_ok(dm_probe(dm, peer) == -1 && errno == ENOSYS,
              "after restrict_all: dm op on the guest reaches Xen (ENOSYS: "
              "no dm_op)", "%s", vt_errno(errno));
    errno = 0;
    vt_ok(dm_probe(dm, NODOM) == -1 && errno == EPERM,
          "after restrict_all: dm op on another domain EPERM", "%s",
          vt_errno(errno));
    errno = 0;
    rc = xencall1(xc, 17, 0);
    /* privcmd cannot be narrowed for raw hypercalls: /dev/null over it */
    vt_ok(rc == -1 && errno == ENOTTY,
          "after restrict_all: xencall is dead (ENOTTY)", "rc %d %s", rc,
          vt_errno(errno));
    vt_ok(xendevicemodel_close(dm) == 0 && xencall_close(xc) == 0,
          "close devicemodel and xencall", NULL);
}

int main(void)
{
    char buf[128];
    int to = xsc_timeout_ms();
    xentoollog_logger *quiet;
    xenforeignmemory_handle *fm;
    unsigned long long a = 0, b = 0;

    vt_init();
    vt_xen();
    peer = atoi(vt_env("XSVM_PEER_DOMID", "0"));
    vt_ok(peer > 0, "peer domid known", "domid=%s", vt_v("%d", peer));
    /* the libraries' error logs are worded differently: keep them out */
    quiet = (xentoollog_logger *)xtl_createlogger_stdiostream(stderr,
                                                              XTL_CRITICAL, 0);
    fm = xenforeignmemory_open(quiet, 0);
    if (!vt_ok(fm != NULL, "xenforeignmemory_open", "%s", vt_errno(errno)))
        return vt_done();

    int n = xsc_wait(xsc_key("gfns"), buf, sizeof buf, to);
    vt_ok(n > 0 && sscanf(buf, "%llx %llx", &a, &b) == 2,
          "the guest's gfns", "%s", n > 0 ? "" : vt_errno(errno));
    gfn_a = a;
    gfn_b = b;
    if (gfn_a && gfn_b) {
        map_and_reply(fm);
        bad_frames(fm);
    }
    vt_ok(xsc_write(xsc_key("written"), "1") == 0, "tell the guest", NULL);
    n = xsc_wait(xsc_key("verified"), buf, sizeof buf, to);
    vt_ok(n > 0 && !strcmp(buf, "A=yes B=yes"),
          "the guest sees both replies", "%s", n > 0 ? buf : vt_errno(errno));

    grant_table(fm);
    if (gfn_a && gfn_b) {
        restrict_one(quiet);
        restrict_all(fm, quiet);
    }
    xsc_write(xsc_key("done"), "1");
    vt_ok(xenforeignmemory_close(fm) == 0, "xenforeignmemory_close", NULL);
    xtl_logger_destroy(quiet);
    return vt_done();
}
