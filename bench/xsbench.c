/*
 * xsbench.c - one benchmark program, built twice: against libxenstable
 * (xsbench-ours) and against Debian's upstream libraries (xsbench-upstream).
 * It runs inside the Xen dom0 of the VM test bed (scripts/bench.sh), with
 * the PVH guest up for foreign mapping and dm_op.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Usage: xsbench time [op]            time per operation, one line per op
 *        xsbench count [op]           fixed iterations between markers, for
 *                                     strace (syscalls) and callgrind
 *                                     (instructions); see bench/vm-run.sh
 *        xsbench list                 the operations, one per line
 *        xsbench nothing              links every library and exits (load cost)
 *
 * Every operation is one complete unit of work (e.g. map + unmap) and
 * checks its result: a failing library call aborts the run instead of
 * being timed as if it had worked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/*
 * Callgrind's client requests (a few no-op instructions when the program
 * does not run under valgrind): count mode switches collection on for
 * exactly the measured loop and dumps one profile per operation, named
 * after it.  Without the header, count mode still serves strace.
 */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>
#define XSB_CALLGRIND 1
#endif
#endif
#ifndef XSB_CALLGRIND
#define CALLGRIND_TOGGLE_COLLECT do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s) do { (void)(s); } while (0)
#define RUNNING_ON_VALGRIND 0
#endif

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenhypfs.h>

#define HYPERVISOR_xen_version 17
#define XENVER_version 0

/* Guest frames that Linux in the guest never uses (mem=112M of 128M). */
#define GUEST_GFN_BASE 0x7000u
#define GUEST_GFN_COUNT 4096u

static int peer_domid = -1;
static const char *failed_what;

#define CHECK(cond, what) do { if (!(cond)) { failed_what = (what); \
    return -1; } } while (0)

/* ------------------------------------------------------------ state */

static xenevtchn_handle *xce;
static evtchn_port_t port_a, port_b;   /* a loopback pair inside dom0 */
static xencall_handle *xcall;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static uint32_t copy_ref;
static void *copy_share;
static char copy_buf[4096];
static xenforeignmemory_handle *xfm;
static xen_pfn_t *fm_arr;
static int *fm_err;
static xendevicemodel_handle *xdm;

/* ------------------------------------------------------------ ops */

static int op_null(unsigned n) { (void)n; return 0; }

static int open_close_evtchn(unsigned n)
{
    xenevtchn_handle *h = xenevtchn_open(NULL, 0);
    (void)n;
    CHECK(h, "xenevtchn_open");
    CHECK(xenevtchn_close(h) == 0, "xenevtchn_close");
    return 0;
}

static int open_close_gnttab(unsigned n)
{
    xengnttab_handle *h = xengnttab_open(NULL, 0);
    (void)n;
    CHECK(h, "xengnttab_open");
    CHECK(xengnttab_close(h) == 0, "xengnttab_close");
    return 0;
}

static int open_close_gntshr(unsigned n)
{
    xengntshr_handle *h = xengntshr_open(NULL, 0);
    (void)n;
    CHECK(h, "xengntshr_open");
    CHECK(xengntshr_close(h) == 0, "xengntshr_close");
    return 0;
}

static int open_close_xencall(unsigned n)
{
    xencall_handle *h = xencall_open(NULL, 0);
    (void)n;
    CHECK(h, "xencall_open");
    CHECK(xencall_close(h) == 0, "xencall_close");
    return 0;
}

static int open_close_foreignmemory(unsigned n)
{
    xenforeignmemory_handle *h = xenforeignmemory_open(NULL, 0);
    (void)n;
    CHECK(h, "xenforeignmemory_open");
    CHECK(xenforeignmemory_close(h) == 0, "xenforeignmemory_close");
    return 0;
}

static int open_close_devicemodel(unsigned n)
{
    xendevicemodel_handle *h = xendevicemodel_open(NULL, 0);
    (void)n;
    CHECK(h, "xendevicemodel_open");
    CHECK(xendevicemodel_close(h) == 0, "xendevicemodel_close");
    return 0;
}

static int open_close_hypfs(unsigned n)
{
    xenhypfs_handle *h = xenhypfs_open(NULL, 0);
    (void)n;
    CHECK(h, "xenhypfs_open");
    CHECK(xenhypfs_close(h) == 0, "xenhypfs_close");
    return 0;
}

/* An evtchn handle with port_b bound to port_a, both in dom0. */
static int evtchn_setup(unsigned n)
{
    struct pollfd pfd;
    int a, b;
    (void)n;
    xce = xenevtchn_open(NULL, 0);
    CHECK(xce, "xenevtchn_open");
    a = xenevtchn_bind_unbound_port(xce, 0);
    CHECK(a >= 0, "bind_unbound_port");
    b = xenevtchn_bind_interdomain(xce, 0, (evtchn_port_t)a);
    CHECK(b >= 0, "bind_interdomain");
    port_a = (evtchn_port_t)a;
    port_b = (evtchn_port_t)b;
    /*
     * Xen marks the new local end (b) pending when it binds an
     * interdomain channel; consume that event so the loops see only
     * their own.
     */
    pfd.fd = xenevtchn_fd(xce);
    pfd.events = POLLIN;
    while (poll(&pfd, 1, 200) == 1) {
        int p = xenevtchn_pending(xce);

        CHECK(p >= 0, "pending (drain)");
        CHECK(xenevtchn_unmask(xce, (evtchn_port_t)p) == 0,
              "unmask (drain)");
    }
    return 0;
}

static void evtchn_teardown(void)
{
    xenevtchn_close(xce);       /* unbinds every port of the handle */
    xce = NULL;
}

static int evtchn_notify(unsigned n)
{
    (void)n;
    CHECK(xenevtchn_notify(xce, port_b) == 0, "notify");
    return 0;
}

/* notify b -> a, read the pending port, unmask it: a backend's loop. */
static int evtchn_round_trip(unsigned n)
{
    int p;
    (void)n;
    CHECK(xenevtchn_notify(xce, port_b) == 0, "notify");
    p = xenevtchn_pending(xce);
    CHECK(p == (int)port_a, "pending is the notified port");
    CHECK(xenevtchn_unmask(xce, port_a) == 0, "unmask");
    return 0;
}

static int evtchn_bind_unbind(unsigned n)
{
    int a, b;
    (void)n;
    a = xenevtchn_bind_unbound_port(xce, 0);
    CHECK(a >= 0, "bind_unbound_port");
    b = xenevtchn_bind_interdomain(xce, 0, (evtchn_port_t)a);
    CHECK(b >= 0, "bind_interdomain");
    CHECK(xenevtchn_unbind(xce, (evtchn_port_t)b) == 0, "unbind b");
    CHECK(xenevtchn_unbind(xce, (evtchn_port_t)a) == 0, "unbind a");
    return 0;
}

static int xencall_setup(unsigned n)
{
    void *p;
    (void)n;
    xcall = xencall_open(NULL, 0);
    CHECK(xcall, "xencall_open");
    /* one miss per size fills the buffer cache: the loop measures hits */
    for (size_t pages = 1; pages <= 4; pages++) {
        p = xencall_alloc_buffer_pages(xcall, pages);
        CHECK(p, "alloc_buffer_pages (warm-up)");
        xencall_free_buffer_pages(xcall, p, pages);
    }
    return 0;
}

static void xencall_teardown(void)
{
    xencall_close(xcall);
    xcall = NULL;
}

static int buffer_64(unsigned n)
{
    void *p = xencall_alloc_buffer(xcall, 64);
    (void)n;
    CHECK(p, "alloc_buffer(64)");
    xencall_free_buffer(xcall, p);
    return 0;
}

static int buffer_pages(unsigned n)
{
    void *p = xencall_alloc_buffer_pages(xcall, n);
    CHECK(p, "alloc_buffer_pages");
    xencall_free_buffer_pages(xcall, p, n);
    return 0;
}

static int xencall_version(unsigned n)
{
    int v = xencall2(xcall, HYPERVISOR_xen_version, XENVER_version, 0);
    (void)n;
    CHECK(v == (4 << 16 | 17), "xencall2(xen_version) = 4.17");
    return 0;
}

static int grant_setup(unsigned n)
{
    (void)n;
    xgt = xengnttab_open(NULL, 0);
    CHECK(xgt, "xengnttab_open");
    xgs = xengntshr_open(NULL, 0);
    CHECK(xgs, "xengntshr_open");
    return 0;
}

static void grant_teardown(void)
{
    if (copy_share)
        xengntshr_unshare(xgs, copy_share, 1);
    copy_share = NULL;
    xengntshr_close(xgs);
    xengnttab_close(xgt);
    xgs = NULL;
    xgt = NULL;
}

/* share n pages to dom0 itself, map them, unmap, unshare */
static int grant_cycle(unsigned n)
{
    uint32_t refs[64];
    void *s, *m;

    s = xengntshr_share_pages(xgs, 0, (int)n, refs, 1);
    CHECK(s, "share_pages");
    m = xengnttab_map_domain_grant_refs(xgt, n, 0, refs,
                                        PROT_READ | PROT_WRITE);
    CHECK(m, "map_domain_grant_refs");
    CHECK(xengnttab_unmap(xgt, m, n) == 0, "gnttab_unmap");
    CHECK(xengntshr_unshare(xgs, s, n) == 0, "unshare");
    return 0;
}

static int grant_copy_setup(unsigned n)
{
    if (grant_setup(n) < 0)
        return -1;
    copy_share = xengntshr_share_pages(xgs, 0, 1, &copy_ref, 1);
    CHECK(copy_share, "share_pages");
    memset(copy_share, 0x5a, 4096);
    return 0;
}

static int grant_copy(unsigned n)
{
    xengnttab_grant_copy_segment_t seg;
    (void)n;
    memset(&seg, 0, sizeof(seg));
    seg.source.foreign.ref = copy_ref;
    seg.source.foreign.offset = 0;
    seg.source.foreign.domid = 0;
    seg.dest.virt = copy_buf;
    seg.len = 4096;
    seg.flags = GNTCOPY_source_gref;
    CHECK(xengnttab_grant_copy(xgt, 1, &seg) == 0, "grant_copy");
    CHECK(seg.status == GNTST_okay, "grant_copy segment status");
    return 0;
}

/* The frame list repeats the guest's 4096 spare frames: 262144 entries
 * map 1 GiB of address space onto 16 MiB of guest memory 64 times. */
static int fmap_setup(unsigned n)
{
    void *p;

    CHECK(peer_domid > 0, "XSVM_PEER_DOMID (the guest) is set");
    xfm = xenforeignmemory_open(NULL, 0);
    CHECK(xfm, "xenforeignmemory_open");
    fm_arr = calloc(n, sizeof(*fm_arr));
    fm_err = calloc(n, sizeof(*fm_err));
    CHECK(fm_arr && fm_err, "calloc");
    for (unsigned i = 0; i < n; i++)
        fm_arr[i] = GUEST_GFN_BASE + i % GUEST_GFN_COUNT;
    /* once with a full check of every frame's result */
    p = xenforeignmemory_map(xfm, (uint32_t)peer_domid, PROT_READ, n,
                             fm_arr, fm_err);
    CHECK(p, "xenforeignmemory_map");
    /*
     * Debian's valgrind wraps privcmd itself and does not hand the
     * kernel's per-frame results back; the map call succeeded (the
     * ioctl did), which is all an instruction count needs.  Every run
     * outside valgrind (timing, strace) checks every frame.
     */
    for (unsigned i = 0; i < n && !RUNNING_ON_VALGRIND; i++)
        CHECK(fm_err[i] == 0, "every frame mapped");
    CHECK(xenforeignmemory_unmap(xfm, p, n) == 0, "unmap");
    return 0;
}

static void fmap_teardown(void)
{
    xenforeignmemory_close(xfm);
    free(fm_arr);
    free(fm_err);
    xfm = NULL;
    fm_arr = NULL;
    fm_err = NULL;
}

static int fmap(unsigned n)
{
    void *p = xenforeignmemory_map(xfm, (uint32_t)peer_domid, PROT_READ, n,
                                   fm_arr, fm_err);
    CHECK(p, "xenforeignmemory_map");
    CHECK(xenforeignmemory_unmap(xfm, p, n) == 0, "unmap");
    return 0;
}

static int dm_setup(unsigned n)
{
    (void)n;
    CHECK(peer_domid > 0, "XSVM_PEER_DOMID (the guest) is set");
    xdm = xendevicemodel_open(NULL, 0);
    CHECK(xdm, "xendevicemodel_open");
    return 0;
}

static void dm_teardown(void)
{
    xendevicemodel_close(xdm);
    xdm = NULL;
}

static int dm_nr_vcpus(unsigned n)
{
    unsigned int v = 0;
    (void)n;
    CHECK(xendevicemodel_nr_vcpus(xdm, (domid_t)peer_domid, &v) == 0,
          "nr_vcpus");
    CHECK(v == 1, "the guest has one vcpu");
    return 0;
}

/* ------------------------------------------------------------ table */

struct op {
    const char *name;
    int (*setup)(unsigned arg);
    int (*run)(unsigned arg);
    void (*teardown)(void);
    unsigned arg;       /* pages / frames, passed to setup and run */
    unsigned n_time;    /* iterations per timed sample */
    unsigned n_count;   /* iterations under strace / callgrind */
};

static const struct op ops[] = {
    { "null", NULL, op_null, NULL, 0, 100000, 1000 },
    { "evtchn-notify", evtchn_setup, evtchn_notify, evtchn_teardown,
      0, 2000, 20 },
    { "evtchn-notify-pending-unmask", evtchn_setup, evtchn_round_trip,
      evtchn_teardown, 0, 500, 20 },
    { "evtchn-bind-unbind", evtchn_setup, evtchn_bind_unbind,
      evtchn_teardown, 0, 50, 10 },
    { "buffer-alloc-free-64B", xencall_setup, buffer_64, xencall_teardown,
      0, 20000, 1000 },
    { "buffer-alloc-free-1page", xencall_setup, buffer_pages,
      xencall_teardown, 1, 20000, 1000 },
    { "buffer-alloc-free-4pages", xencall_setup, buffer_pages,
      xencall_teardown, 4, 1000, 1000 },
    { "xencall-xen_version", xencall_setup, xencall_version,
      xencall_teardown, 0, 2000, 20 },
    { "grant-share-map-unmap-1", grant_setup, grant_cycle, grant_teardown,
      1, 50, 10 },
    { "grant-share-map-unmap-64", grant_setup, grant_cycle, grant_teardown,
      64, 20, 5 },
    { "grant-copy-4KiB", grant_copy_setup, grant_copy, grant_teardown,
      0, 1000, 20 },
    { "foreign-map-unmap-1", fmap_setup, fmap, fmap_teardown, 1, 100, 10 },
    { "foreign-map-unmap-64", fmap_setup, fmap, fmap_teardown, 64, 50, 10 },
    { "foreign-map-unmap-4096", fmap_setup, fmap, fmap_teardown,
      4096, 4, 4 },
    { "foreign-map-unmap-262144", fmap_setup, fmap, fmap_teardown,
      262144, 1, 1 },
    { "devicemodel-nr_vcpus", dm_setup, dm_nr_vcpus, dm_teardown,
      0, 500, 20 },
    { "open-close-evtchn", NULL, open_close_evtchn, NULL, 0, 100, 10 },
    { "open-close-gnttab", NULL, open_close_gnttab, NULL, 0, 100, 10 },
    { "open-close-gntshr", NULL, open_close_gntshr, NULL, 0, 100, 10 },
    { "open-close-xencall", NULL, open_close_xencall, NULL, 0, 100, 10 },
    { "open-close-foreignmemory", NULL, open_close_foreignmemory, NULL,
      0, 100, 10 },
    { "open-close-devicemodel", NULL, open_close_devicemodel, NULL,
      0, 100, 10 },
    { "open-close-hypfs", NULL, open_close_hypfs, NULL, 0, 100, 10 },
};

/* The measured loop (never inlined, so profiles show it as one node). */
__attribute__((noinline)) int xsb_loop(const struct op *op, unsigned n);
__attribute__((noinline)) int xsb_loop(const struct op *op, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (op->run(op->arg) < 0)
            return -1;
    return 0;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A marker strace shows verbatim: write() to an fd that is never open. */
static void marker(const char *what, const char *op, unsigned n)
{
    char buf[128];
    int len = snprintf(buf, sizeof(buf), "XSB-%s %s %u", what, op, n);
    ssize_t r = write(-1, buf, (size_t)len);

    (void)r;
}

static int run_op(const struct op *op, int timed)
{
    unsigned n = timed ? op->n_time : op->n_count;
    int rc = 0;

    failed_what = NULL;
    if (op->setup && op->setup(op->arg) < 0) {
        rc = -1;
        n = 0;
    }
    if (timed) {
        /*
         * The n iterations run in up to NBATCH batches, each timed on its
         * own; the median batch is reported.  A busy host deschedules the
         * emulator now and then, which a mean would fold in; the median
         * of the batches is what one undisturbed batch costs.
         */
        enum { NBATCH = 15 };
        double per[NBATCH];
        unsigned nb = n < NBATCH ? n : NBATCH, done = 0;

        /* one untimed pass: first-touch faults and lazy opens */
        if (rc == 0)
            rc = xsb_loop(op, 1);
        for (unsigned b = 0; b < nb && rc == 0; b++) {
            unsigned k = (n - done) / (nb - b);
            double t0 = now_ns();

            rc = xsb_loop(op, k);
            per[b] = (now_ns() - t0) / k;
            done += k;
        }
        if (rc == 0)
            printf("T %s %.1f\n", op->name, median(per, nb));
    } else {
        char name[128];

        if (rc == 0)
            rc = xsb_loop(op, 1);      /* warm-up, outside the markers */
        marker("BEGIN", op->name, n);
        CALLGRIND_TOGGLE_COLLECT;      /* on: run with --collect-atstart=no */
        if (rc == 0)
            rc = xsb_loop(op, n);
        CALLGRIND_TOGGLE_COLLECT;      /* off */
        marker("END", op->name, n);
        snprintf(name, sizeof(name), "XSB %s %u", op->name,
                 rc == 0 ? n : 0);
        CALLGRIND_DUMP_STATS_AT(name);
        printf("C %s %u\n", op->name, rc == 0 ? n : 0);
    }
    if (op->teardown)
        op->teardown();
    if (rc < 0)
        printf("FAIL %s %s %s\n", op->name, failed_what ? failed_what : "?",
               strerror(errno));
    fflush(stdout);
    return rc;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "time";
    const char *only = argc > 2 ? argv[2] : NULL;
    const char *dom = getenv("XSVM_PEER_DOMID");
    int failed = 0;

    if (!strcmp(mode, "nothing"))
        return 0;
    if (!strcmp(mode, "list")) {
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
            printf("%s\n", ops[i].name);
        return 0;
    }
    if (strcmp(mode, "time") && strcmp(mode, "count")) {
        fprintf(stderr, "usage: %s time|count|list|nothing [op]\n",
                argv[0]);
        return 2;
    }
    if (dom)
        peer_domid = atoi(dom);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (only && strcmp(ops[i].name, only))
            continue;
        if (run_op(&ops[i], !strcmp(mode, "time")) < 0)
            failed = 1;
    }
    return failed;
}
