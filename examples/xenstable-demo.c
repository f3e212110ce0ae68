/*
 * xenstable-demo - use every libxenstable interface against the running
 * hypervisor and print a short report of what was done and what Xen
 * answered.  Run as root in a Xen dom0 (scripts/demo.sh boots one in QEMU
 * when this machine is not a dom0).
 *
 * Optional argument: the domid of a running guest, for the calls that
 * need a second domain (foreign mapping, device model).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xentoollog.h>
#include <xentoolcore.h>
#include <xencall.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenforeignmemory.h>
#include <xendevicemodel.h>
#include <xenhypfs.h>
#include <xen/xen.h>
#include <xen/version.h>
#include <xen/memory.h>

static xentoollog_logger *logger;
static int failures;

/* Evaluates cond exactly once: several conditions are the calls. */
#define REPORT(area, cond, ...) do {                                    \
        int report_ok_ = !!(cond);                                      \
        printf("%-14s %-4s ", area, report_ok_ ? "ok" : "FAIL");       \
        printf(__VA_ARGS__);                                            \
        putchar('\n');                                                  \
        if (!report_ok_)                                                \
            failures++;                                                 \
    } while (0)

static void demo_toollog(void)
{
    xtl_log(logger, XTL_INFO, -1, "demo", "logging through toollog (%s)",
            xtl_level_to_string(XTL_INFO));
    REPORT("toollog", 1, "stdio logger created; a message went to stderr");
}

/* XENMEM_machphys_mfn_list argument, x86_64 layout. */
struct mfn_list_arg {
    uint32_t max_extents;
    uint32_t pad;
    uint64_t extent_start;      /* guest handle: xen_pfn_t * */
    uint32_t nr_extents;
    uint32_t pad2;
};

static xen_pfn_t m2p_first_mfn;

static void demo_call(void)
{
    xencall_handle *xc = xencall_open(logger, 0);
    char *extra;
    int ver;

    if (!xc) {
        REPORT("call", 0, "xencall_open: %s", strerror(errno));
        return;
    }
    ver = xencall1(xc, __HYPERVISOR_xen_version, XENVER_version);
    REPORT("call", ver > 0, "xen_version hypercall: Xen %d.%d", ver >> 16,
           ver & 0xffff);

    extra = xencall_alloc_buffer(xc, XEN_EXTRAVERSION_LEN);
    if (extra && xencall2(xc, __HYPERVISOR_xen_version, XENVER_extraversion,
                          (uintptr_t)extra) == 0)
        REPORT("call", 1, "XENVER_extraversion via a hypercall buffer: \"%s\"",
               extra);
    else
        REPORT("call", 0, "XENVER_extraversion: %s", strerror(errno));
    xencall_free_buffer(xc, extra);

    REPORT("call", 1, "hypercall buffers never fault: %s",
           xencall_buffers_never_fault(xc) ? "yes (/dev/xen/hypercall)"
                                           : "no (locked anonymous memory)");

    /* Where the hypervisor keeps its machine-to-phys table: mapped below. */
    {
        struct mfn_list_arg *arg = xencall_alloc_buffer(xc, sizeof(*arg));
        xen_pfn_t *mfns = xencall_alloc_buffer(xc, 4 * sizeof(xen_pfn_t));

        if (arg && mfns) {
            arg->max_extents = 4;
            arg->extent_start = (uintptr_t)mfns;
            if (xencall2(xc, __HYPERVISOR_memory_op, XENMEM_machphys_mfn_list,
                         (uintptr_t)arg) == 0 && arg->nr_extents > 0) {
                m2p_first_mfn = mfns[0];
                REPORT("call", 1, "M2P table: %u extents, first at mfn %#lx",
                       arg->nr_extents, (unsigned long)mfns[0]);
            } else {
                REPORT("call", 0, "XENMEM_machphys_mfn_list: %s",
                       strerror(errno));
            }
        }
        xencall_free_buffer(xc, mfns);
        xencall_free_buffer(xc, arg);
    }
    xencall_close(xc);
}

static void demo_evtchn(void)
{
    xenevtchn_handle *a = xenevtchn_open(logger, 0);
    xenevtchn_handle *b = xenevtchn_open(logger, 0);
    xenevtchn_port_or_error_t pa, pb, got;
    struct pollfd pfd;

    if (!a || !b) {
        REPORT("evtchn", 0, "xenevtchn_open: %s", strerror(errno));
        goto out;
    }
    pa = xenevtchn_bind_unbound_port(a, 0);
    pb = pa < 0 ? -1 : xenevtchn_bind_interdomain(b, 0, pa);
    REPORT("evtchn", pa >= 0 && pb >= 0,
           "bound an unbound port (%d) and an interdomain port to it (%d)",
           pa, pb);
    if (pa < 0 || pb < 0)
        goto out;

    xenevtchn_notify(b, pb);
    pfd.fd = xenevtchn_fd(a);
    pfd.events = POLLIN;
    got = poll(&pfd, 1, 2000) == 1 ? xenevtchn_pending(a) : -1;
    REPORT("evtchn", got == pa, "notify on %d arrived as pending port %d",
           pb, got);
    if (got >= 0)
        xenevtchn_unmask(a, got);
    REPORT("evtchn", xenevtchn_unbind(b, pb) == 0 &&
                     xenevtchn_unbind(a, pa) == 0, "unbound both ports");
out:
    xenevtchn_close(b);
    xenevtchn_close(a);
}

static void demo_grants(void)
{
    xengntshr_handle *gs = xengntshr_open(logger, 0);
    xengnttab_handle *gt = xengnttab_open(logger, 0);
    uint32_t ref;
    char *shared, *mapped;

    if (!gs || !gt) {
        REPORT("gnttab", 0, "open: %s", strerror(errno));
        goto out;
    }
    shared = xengntshr_share_pages(gs, 0, 1, &ref, 1);
    if (!shared) {
        REPORT("gntshr", 0, "share_pages: %s", strerror(errno));
        goto out;
    }
    strcpy(shared, "written by the granting side");
    REPORT("gntshr", 1, "shared one page with dom0 as grant ref %u", ref);

    mapped = xengnttab_map_grant_ref(gt, 0, ref, PROT_READ | PROT_WRITE);
    if (mapped) {
        REPORT("gnttab", strcmp(mapped, shared) == 0,
               "mapped grant %u back and read \"%s\"", ref, mapped);
        xengnttab_unmap(gt, mapped, 1);
    } else {
        REPORT("gnttab", 0, "map_grant_ref: %s", strerror(errno));
    }
    xengntshr_unshare(gs, shared, 1);
out:
    xengnttab_close(gt);
    xengntshr_close(gs);
}

static void demo_foreignmemory(int guest)
{
    xenforeignmemory_handle *fm = xenforeignmemory_open(logger, 0);
    xen_pfn_t pfn = m2p_first_mfn;
    unsigned long *m2p;
    int err = 0;

    if (!fm) {
        REPORT("foreignmem", 0, "open: %s", strerror(errno));
        return;
    }
    if (m2p_first_mfn) {
        /* The hypervisor's own M2P frames, read-only, as libxenctrl does. */
        m2p = xenforeignmemory_map(fm, DOMID_XEN, PROT_READ, 1, &pfn, &err);
        REPORT("foreignmem", m2p && !err,
               "mapped Xen's M2P frame %#lx: first entries %#lx %#lx",
               (unsigned long)pfn, m2p ? m2p[0] : 0, m2p ? m2p[1] : 0);
        if (m2p)
            xenforeignmemory_unmap(fm, m2p, 1);
    }
    if (guest > 0) {
        size_t size = 0;
        int rc = xenforeignmemory_resource_size(fm, guest,
                                                XENMEM_resource_grant_table,
                                                0, &size);
        REPORT("foreignmem", rc == 0, "guest %d grant table resource: %zu bytes",
               guest, size);
    }
    xenforeignmemory_close(fm);
}

static void demo_devicemodel(int guest)
{
    xendevicemodel_handle *dm = xendevicemodel_open(logger, 0);
    unsigned int vcpus = 0;
    int rc;

    if (!dm) {
        REPORT("devicemodel", 0, "open: %s", strerror(errno));
        return;
    }
    if (guest > 0) {
        rc = xendevicemodel_nr_vcpus(dm, guest, &vcpus);
        REPORT("devicemodel", rc == 0, "guest %d has %u vcpus", guest, vcpus);
    } else {
        /* Xen refuses device-model operations on the caller itself. */
        rc = xendevicemodel_nr_vcpus(dm, 0, &vcpus);
        REPORT("devicemodel", rc < 0 && errno == EPERM,
               "nr_vcpus on dom0: Xen answered %s (device models serve guests)",
               rc < 0 ? strerror(errno) : "success");
    }
    xendevicemodel_close(dm);
}

static void demo_hypfs(void)
{
    xenhypfs_handle *fs = xenhypfs_open(logger, 0);
    struct xenhypfs_dirent *ents;
    unsigned int n = 0;
    char *major, *minor;

    if (!fs) {
        REPORT("hypfs", 0, "open: %s", strerror(errno));
        return;
    }
    ents = xenhypfs_readdir(fs, "/", &n);
    REPORT("hypfs", ents != NULL, "/ has %u entries%s%s", n,
           n ? ", first: " : "", n ? ents[0].name : "");
    free(ents);
    major = xenhypfs_read(fs, "/buildinfo/version/major");
    minor = xenhypfs_read(fs, "/buildinfo/version/minor");
    REPORT("hypfs", major && minor, "/buildinfo/version: %s.%s",
           major ? major : "?", minor ? minor : "?");
    free(major);
    free(minor);
    xenhypfs_close(fs);
}

static void demo_restrict(void)
{
    xenevtchn_handle *xce = xenevtchn_open(logger, 0);
    int rc;

    if (!xce) {
        REPORT("toolcore", 0, "xenevtchn_open: %s", strerror(errno));
        return;
    }
    rc = xentoolcore_restrict_all(DOMID_FIRST_RESERVED - 1);
    REPORT("toolcore", rc == 0, "restricted every open handle to domain %u",
           DOMID_FIRST_RESERVED - 1);
    rc = xenevtchn_bind_unbound_port(xce, 0);
    REPORT("toolcore", rc < 0, "a restricted evtchn handle refuses dom0: %s",
           rc < 0 ? strerror(errno) : "it did not");
    xenevtchn_close(xce);
}

int main(int argc, char **argv)
{
    /* The VM test bed passes its guest's domid in XSVM_PEER_DOMID. */
    const char *peer = argc > 1 ? argv[1] : getenv("XSVM_PEER_DOMID");
    int guest = peer ? atoi(peer) : 0;

    logger = (xentoollog_logger *)xtl_createlogger_stdiostream(stderr,
                                                               XTL_ERROR, 0);
    printf("libxenstable demonstration%s\n", guest > 0 ? " (with a guest)" : "");
    demo_toollog();
    demo_call();
    demo_evtchn();
    demo_grants();
    demo_foreignmemory(guest);
    demo_devicemodel(guest);
    demo_hypfs();
    demo_restrict();
    printf("%d check%s failed\n", failures, failures == 1 ? "" : "s");
    xtl_logger_destroy(logger);
    return failures ? 1 : 0;
}
