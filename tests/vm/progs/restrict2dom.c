/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * restrict2dom.c - what a deprivileged device model can still do:
 * xentoolcore_restrict_all(guest) checked on every handle class, the way
 * a depriv fd checker does it (each operation succeeds unrestricted and
 * is refused restricted), with the guest (restrict2dom-peer.c) as "the
 * restricted domain" and dom0 as "another domain".  Also: descriptors
 * are close-on-exec unless asked otherwise (an exec'd copy of this
 * program lists what it inherited), and a fork child may only close.
 *
 *   1. open evtchn, evtchn (NO_CLOEXEC), gnttab, gntshr, call,
 *      foreignmemory, devicemodel, hypfs; every probe works;
 *   2. exec: the child inherits only the NO_CLOEXEC evtchn descriptor;
 *   3. fork: the child closes every handle; the parent's still work;
 *   4. restrict_all(guest): for each class, the operation on dom0 is
 *      refused (EPERM/EACCES, or ENOTTY where the handle became
 *      /dev/null) and the one on the guest works where the class can be
 *      narrowed to one domain (evtchn: binding the guest's unbound port;
 *      foreignmemory; devicemodel);
 *   5. restrict_all(another domain) fails; exec again; close everything.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenhypfs.h>
#include <xentoolcore.h>

#include "vmtest.h"
#include "xsclient.h"
#include "vtarch.h"

#define GUEST_GFN VT_GUEST_FREE_GFN     /* unused by the guest's Linux */
#define HYPERVISOR_xen_version 17

/* --- exec'd helper: which Xen descriptors came through exec? ---------- */

static int list_inherited(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int n = 0;

    if (!d)
        return 1;
    while ((de = readdir(d))) {
        char path[64], target[PATH_MAX];
        int fd = atoi(de->d_name);
        ssize_t len;

        if (fd <= 2 || fd == dirfd(d))
            continue;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        len = readlink(path, target, sizeof target - 1);
        if (len < 0)
            continue;
        target[len] = '\0';
        /* the Xen devices, and /dev/null left by a restrict */
        if (strncmp(target, "/dev/xen/", 9) && strncmp(target, "/proc/xen/", 10)
            && strcmp(target, "/dev/null"))
            continue;
        printf("= exec'd child inherited %s\n", target);
        n++;
    }
    closedir(d);
    printf("= exec'd child inherited %d Xen descriptor(s)\n", n);
    return 0;
}

static void exec_check(const char *when)
{
    pid_t pid;
    int status;

    vt_fact("exec %s:", when);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "restrict2dom", "--list-inherited",
              (char *)NULL);
        _exit(127);
    }
    vt_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
          && WEXITSTATUS(status) == 0, "exec'd helper ran", NULL);
}

/* --- the handles and one probe per class ------------------------------ */

static xenevtchn_handle *xce, *xce_inherit;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static xencall_handle *xcall;
static xenforeignmemory_handle *fmem;
static xendevicemodel_handle *dmod;
static xenhypfs_handle *hypfs;
static uint32_t shared_ref;
static void *shared_page;

/* Each probe: 0 on success, else the errno. */
/* Bind to a port the remote domain left unbound for us, then unbind. */
static int probe_interdomain(uint32_t domid, evtchn_port_t remote)
{
    int port = xenevtchn_bind_interdomain(xce, domid, remote);

    if (port < 0)
        return errno;
    xenevtchn_unbind(xce, (evtchn_port_t)port);
    return 0;
}

static int probe_evtchn(uint32_t domid)
{
    int port = xenevtchn_bind_unbound_port(xce, domid);

    if (port < 0)
        return errno;
    xenevtchn_unbind(xce, (evtchn_port_t)port);
    return 0;
}

/* A grant copy from our own shared page (domid 0), as the fd checker. */
static int probe_gnttab(void)
{
    xengnttab_grant_copy_segment_t seg;
    char buf[8];

    memset(&seg, 0, sizeof(seg));
    seg.source.foreign.ref = shared_ref;
    seg.source.foreign.domid = 0;
    seg.dest.virt = buf;
    seg.len = sizeof(buf);
    seg.flags = GNTCOPY_source_gref;
    if (xengnttab_grant_copy(xgt, 1, &seg) < 0)
        return errno;
    return seg.status == GNTST_okay && buf[0] == 0x55 ? 0 : EIO;
}

static int probe_gntshr(uint32_t domid)
{
    uint32_t ref;
    void *p = xengntshr_share_pages(xgs, domid, 1, &ref, 1);

    if (!p)
        return errno;
    xengntshr_unshare(xgs, p, 1);
    return 0;
}

static int probe_call(void)
{
    return xencall2(xcall, HYPERVISOR_xen_version, 0, 0) > 0 ? 0 : errno;
}

static int probe_fmem(uint32_t domid)
{
    xen_pfn_t gfn = GUEST_GFN;
    int err = 0;
    void *p = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &gfn, &err);

    if (!p)
        return errno;
    xenforeignmemory_unmap(fmem, p, 1);
    return err < 0 ? -err : err;
}

/*
 * A dm op that works wherever Xen has the device model: deasserting an
 * INTx line nobody asserted on x86 (every version has it; nr_vcpus
 * arrived only in Xen 4.15), nr_vcpus on Arm (no PCI INTx ops there).
 */
static int probe_dm(uint32_t domid)
{
    unsigned int vcpus = 0;

    if (VT_ARM)
        return xendevicemodel_nr_vcpus(dmod, (domid_t)domid, &vcpus) == 0
               ? 0 : errno;
    return xendevicemodel_set_pci_intx_level(dmod, (domid_t)domid, 0, 0, 5,
                                             0, 0) == 0 ? 0 : errno;
}

static int probe_hypfs(void)
{
    char *v = xenhypfs_read(hypfs, "/buildinfo/version/major");
    int e = errno;

    free(v);
    return v ? 0 : e;
}

static int refused(int e)
{
    return e == EPERM || e == EACCES || e == ENOTTY;
}

static void expect_works(int e, const char *what)
{
    vt_ok(e == 0, what, "%s", e ? vt_errno(e) : "");
}

/* A dm op that the restriction lets through reaches Xen: it works, or
 * answers ENOSYS where Xen has no dm_op (Debian's arm64 Xen). */
static void expect_dm_works(int e, const char *what)
{
    char label[160];

    if (vt_xen_dm()) {
        expect_works(e, what);
        return;
    }
    snprintf(label, sizeof label, "%s: reaches Xen (ENOSYS: no dm_op)",
             what);
    vt_ok(e == ENOSYS, label, "%s", vt_errno(e));
}

static void expect_refused(int e, const char *what)
{
    vt_ok(refused(e), what, "%s", e ? vt_errno(e) : "it worked");
    vt_fact("%s: %s", what, e ? vt_errno(e) : "it worked");
}

/* --- fork: a child may only close ------------------------------------- */

static void fork_check(uint32_t guest)
{
    pid_t pid;
    int status;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int bad = 0;

        bad |= xenevtchn_close(xce) != 0;
        bad |= xenevtchn_close(xce_inherit) != 0;
        bad |= xengnttab_close(xgt) != 0;
        bad |= xengntshr_close(xgs) != 0;
        bad |= xencall_close(xcall) != 0;
        bad |= xenforeignmemory_close(fmem) != 0;
        bad |= xendevicemodel_close(dmod) != 0;
        bad |= xenhypfs_close(hypfs) != 0;
        _exit(bad);
    }
    vt_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
          && WEXITSTATUS(status) == 0, "fork: the child closes every handle",
          NULL);
    expect_works(probe_call(), "fork: the parent's call handle still works");
    expect_works(probe_evtchn(guest),
                 "fork: the parent's evtchn handle still works");
    expect_works(probe_fmem(guest),
                 "fork: the parent's foreignmemory handle still works");
}

int main(int argc, char **argv)
{
    int to = xsc_timeout_ms();
    uint32_t guest = (uint32_t)atoi(vt_env("XSVM_PEER_DOMID", "0"));
    unsigned int gport1 = 0, gport2 = 0;
    int own_port, e;
    char buf[64];

    if (argc > 1 && !strcmp(argv[1], "--list-inherited"))
        return list_inherited();

    vt_init();
    vt_ok(guest > 0, "guest domid known", "%s", vt_v("%u", guest));
    /* the guest left two ports unbound for us */
    buf[0] = '\0';
    vt_ok(xsc_wait(xsc_key("ready"), buf, sizeof buf, to) >= 0 &&
          sscanf(buf, "%u %u", &gport1, &gport2) == 2,
          "the guest is ready", "ports %s", vt_v("%s", buf));

    /* 1. every class opens, and works unrestricted */
    xce = xenevtchn_open(NULL, 0);
    xce_inherit = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
    xgt = xengnttab_open(NULL, 0);
    xgs = xengntshr_open(NULL, 0);
    xcall = xencall_open(NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    dmod = xendevicemodel_open(NULL, 0);
    hypfs = xenhypfs_open(NULL, 0);
    e = errno;
    if (!vt_ok(xce && xce_inherit && xgt && xgs && xcall && fmem && dmod &&
               hypfs, "open every handle class", "%s", vt_errno(e)))
        return vt_done();
    shared_page = xengntshr_share_pages(xgs, 0, 1, &shared_ref, 1);
    e = errno;
    if (!vt_ok(shared_page != NULL, "share a page with ourselves", "%s",
               shared_page ? "" : vt_errno(e)))
        return vt_done();
    memset(shared_page, 0x55, 4096);

    expect_works(probe_evtchn(0), "unrestricted: evtchn unbound port for dom0");
    expect_works(probe_evtchn(guest),
                 "unrestricted: evtchn unbound port for the guest");
    expect_works(probe_interdomain(guest, gport1),
                 "unrestricted: evtchn bind to the guest's port");
    /* a port of dom0's own, for the restricted handle to try later */
    own_port = xenevtchn_bind_unbound_port(xce_inherit, 0);
    vt_ok(own_port > 0, "an unbound dom0 port for later", "%s",
          vt_errno(errno));
    expect_works(probe_gnttab(), "unrestricted: gnttab grant copy from dom0");
    expect_works(probe_gntshr(0), "unrestricted: gntshr share with dom0");
    expect_works(probe_call(), "unrestricted: call xen_version");
    expect_works(probe_fmem(guest), "unrestricted: map a guest frame");
    expect_dm_works(probe_dm(guest), "unrestricted: dm op on the guest");
    expect_works(probe_hypfs(), "unrestricted: hypfs read");
    /* dom0 is PV: no dm op and no foreign map of itself here; note why */
    vt_fact("unrestricted: dm op on dom0: %s", vt_errno(probe_dm(0)));

    /* 2. and 3. before restricting */
    exec_check("before restrict");
    fork_check(guest);

    /* 4. restrict to the guest */
    e = xentoolcore_restrict_all((domid_t)guest) == 0 ? 0 : errno;
    vt_ok(e == 0, "xentoolcore_restrict_all(guest)", "%s", vt_errno(e));

    expect_refused(probe_evtchn(0), "restricted: evtchn unbound port for dom0");
    expect_refused(probe_interdomain(0, (evtchn_port_t)own_port),
                   "restricted: evtchn bind to a dom0 port");
    expect_works(probe_interdomain(guest, gport2),
                 "restricted: evtchn bind to the guest's port");
    /* Linux refuses new unbound ports on a restricted handle entirely */
    vt_fact("restricted: evtchn unbound port for the guest: %s",
            vt_errno(probe_evtchn(guest)));
    expect_refused(probe_gnttab(), "restricted: gnttab grant copy from dom0");
    /* upstream leaves gntshr unrestricted; ours neuters it like gnttab */
    vt_fact("restricted: gntshr share with dom0: %s",
            vt_errno(probe_gntshr(0)));
    expect_refused(probe_call(), "restricted: call xen_version");
    expect_refused(probe_fmem(0), "restricted: map a dom0 frame");
    expect_works(probe_fmem(guest), "restricted: map a guest frame");
    expect_refused(probe_dm(0), "restricted: dm op on dom0");
    expect_dm_works(probe_dm(guest), "restricted: dm op on the guest");
    /*
     * hypfs has no domain to narrow to: its hypercall handle is dead.
     * How it fails depends on whether a hypercall buffer is still cached
     * (ENOTTY from the ioctl) or must be allocated from the dead buffer
     * device (ENOMEM): any refusal will do, the errno is a fact.
     */
    e = probe_hypfs();
    vt_ok(e != 0, "restricted: hypfs read fails", NULL);
    vt_fact("restricted: hypfs read: %s", vt_errno(e));

    /* 5. no second domain; exec again; everything still closes */
    errno = 0;
    e = xentoolcore_restrict_all(0) == -1 ? errno : 0;
    vt_ok(e != 0, "restrict_all(dom0) after restrict_all(guest) fails", "%s",
          vt_errno(e));
    vt_fact("restrict_all(dom0) afterwards: %s", vt_errno(e));
    exec_check("after restrict");

    xengntshr_unshare(xgs, shared_page, 1);
    vt_ok(xenevtchn_close(xce) == 0 && xenevtchn_close(xce_inherit) == 0 &&
          xengnttab_close(xgt) == 0 && xengntshr_close(xgs) == 0 &&
          xencall_close(xcall) == 0 && xenforeignmemory_close(fmem) == 0 &&
          xendevicemodel_close(dmod) == 0 && xenhypfs_close(hypfs) == 0,
          "close every restricted handle", NULL);
    xsc_write(xsc_key("done"), "1");
    return vt_done();
}
