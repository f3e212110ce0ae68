/*
 * test-faults.c - every system call the library makes, failed in turn.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Each scenario below drives one interface through a typical life (open,
 * operations, close) over the fake kernel (tests/unit/fake_sys.h).  The
 * harness first runs it clean and records every step's result and every
 * system call.  Then, for each call k and each errno a kernel may answer
 * (plus a short transfer for read/write), it reruns the scenario failing
 * exactly call k, and again failing k and one later call j (the second
 * fault reaches error-path and fallback calls that a clean run never
 * makes).  Every run must hold:
 *  - each step returns what it returned in the clean run, or fails with
 *    an errno injected during that step (EIO for a short transfer), or
 *    with one the step documents (listed in its row);
 *  - a step that failed succeeds when retried (the handle is still
 *    usable), unless the step consumes its handle (close);
 *  - after the scenario's close, no descriptor, mapping or heap block
 *    the library took is left.
 * Each injected call is attributed to its source line (sys.h records the
 * call site), and the test fails unless every system-call site of the
 * build (listed from the sources by list-sys-sites.py) was failed at
 * least once: the count printed at the end is sites covered / total.
 *
 * The scenarios run on every backend, over its driver fake
 * (tests/unit/backend.h); where a handle cannot be opened there
 * (EOPNOTSUPP without Xen drivers), its open fails in the clean run too
 * and the scenario goes on with its closes only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenhypfs.h>
#include <xenkexec.h>
#include <xenmanage.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "osdep/sys.h"
#include "toolcore_private.h"
#include "alloc_count.h"
#include "backend.h"
#include "fake_sys.h"
#include "quiet_logger.h"

struct sys_site {
    const char *file;
    int first, last;
    const char *call;
};
#include "sys_sites.h"

#define N_SITES ((int)(sizeof(sys_sites) / sizeof(sys_sites[0])))

/* What every scenario may hold; a step fills and empties its fields. */
struct ctx {
    xenevtchn_handle *xce;
    xengnttab_handle *xgt;
    xengntshr_handle *xgs;
    xencall_handle *xcall;
    xenforeignmemory_handle *fmem;
    xenforeignmemory_resource_handle *fres;
    xendevicemodel_handle *dmod;
    xenhypfs_handle *hypfs;
    xenmanage_handle *mng;
    xenkexec_handle *xk;
    void *p1, *p2, *buf;
    int port;
    int consumed;       /* set by a step whose failure used up its object */
};

struct step {
    const char *name;
    int (*fn)(struct ctx *c);
    int consumes;       /* closes its handle: never retried */
    int also_errno;     /* a documented translation of a fault, or 0,
                           or NO_DM_OP_ERRNO */
};

struct scenario {
    const char *name;
    const struct step *steps;
    int n_steps;
    unsigned int variant;   /* XS_FAKE_*: the kernel variant played */
};

#define MAX_STEPS 32

/* --- the backend's drivers, in the scenario's kernel variant --------- */

static void install_fake(const struct scenario *sc)
{
    xs_backend.install(sc->variant);
}

#define Q (&xs_quiet_logger)

/* --- steps ---------------------------------------------------------------- */

static int rc_of(int rc) { return rc < 0 ? -1 : 0; }
static int ptr_rc(const void *p) { return p ? 0 : -1; }

/* Open steps close what a retried open would otherwise leak. */
#define OPEN_STEP(fname, field, expr)                                       \
    static int fname(struct ctx *c)                                         \
    {                                                                       \
        c->field = (expr);                                                  \
        return ptr_rc(c->field);                                            \
    }

OPEN_STEP(evtchn_open, xce, xenevtchn_open(Q, 0))
OPEN_STEP(gnttab_open, xgt, xengnttab_open(Q, 0))
OPEN_STEP(gntshr_open, xgs, xengntshr_open(Q, 0))
OPEN_STEP(call_open, xcall, xencall_open(Q, 0))
OPEN_STEP(fmem_open, fmem, xenforeignmemory_open(Q, 0))
OPEN_STEP(dm_open, dmod, xendevicemodel_open(Q, 0))
OPEN_STEP(hypfs_open, hypfs, xenhypfs_open(Q, 0))
OPEN_STEP(manage_open, mng, xenmanage_open(Q, 0))
OPEN_STEP(kexec_open, xk, xenkexec_open(Q, 0))

static int evtchn_bind(struct ctx *c)
{
    c->port = xenevtchn_bind_unbound_port(c->xce, 1);
    return rc_of(c->port);
}
static int evtchn_bind_virq(struct ctx *c)
{
    int p = xenevtchn_bind_virq(c->xce, 3);

    return p < 0 ? -1 : rc_of(xenevtchn_unbind(c->xce, (evtchn_port_t)p));
}
static int evtchn_notify(struct ctx *c)
{ return rc_of(xenevtchn_notify(c->xce, (evtchn_port_t)c->port)); }
/*
 * unmasked and notified first, so that a port is pending whatever failed
 * before: a kernel masks a port it delivers, and one lost in a failed
 * read (a short one) stays masked until it is unmasked.
 */
static int evtchn_pending(struct ctx *c)
{
    if (xenevtchn_unmask(c->xce, (evtchn_port_t)c->port) < 0 ||
        xenevtchn_notify(c->xce, (evtchn_port_t)c->port) < 0)
        return -1;
    return rc_of(xenevtchn_pending(c->xce));
}
static int evtchn_unmask(struct ctx *c)
{ return rc_of(xenevtchn_unmask(c->xce, (evtchn_port_t)c->port)); }
/* adopting a descriptor needs no kernel: it works on every backend */
static int evtchn_fdopen(struct ctx *c)
{
    int fd = xs__sys->open(xs_backend_evtchn_dev(), O_RDWR | O_CLOEXEC);

    c->xce = xenevtchn_fdopen(Q, fd, 0);
    return ptr_rc(c->xce);
}
/* toolcore's exported helper (libxenstore calls it) on that descriptor */
static int dup2_null(struct ctx *c)
{ return rc_of(xentoolcore__restrict_by_dup2_null(xenevtchn_fd(c->xce))); }
static int evtchn_unbind(struct ctx *c)
{ return rc_of(xenevtchn_unbind(c->xce, (evtchn_port_t)c->port)); }
static int evtchn_restrict(struct ctx *c)
{ return rc_of(xenevtchn_restrict(c->xce, 1)); }
static int evtchn_close(struct ctx *c)
{
    int rc = xenevtchn_close(c->xce);

    c->xce = NULL;
    return rc_of(rc);
}

static int gnttab_max(struct ctx *c)
{ return rc_of(xengnttab_set_max_grants(c->xgt, 16)); }
static int gnttab_map(struct ctx *c)
{
    c->p1 = xengnttab_map_grant_ref(c->xgt, 1, 8, PROT_READ | PROT_WRITE);
    return ptr_rc(c->p1);
}
static int gnttab_map_notify(struct ctx *c)
{
    c->p2 = xengnttab_map_grant_ref_notify(c->xgt, 1, 9,
                                           PROT_READ | PROT_WRITE, 0, 5);
    return ptr_rc(c->p2);
}
/*
 * munmap() went through but UNMAP_GRANT_REF failed: the pages are gone
 * from our address space, the address means nothing any more (a retry
 * is EINVAL, as upstream) and the device's slots are released when the
 * handle closes.  Anything else must leave the mapping retryable.
 */
static int gnttab_unmap_one(struct ctx *c, void **p)
{
    int rc = xengnttab_unmap(c->xgt, *p, 1);

    if (rc == 0 || !fake_sys_is_mapped(*p, 4096)) {
        c->consumed = rc != 0;
        *p = NULL;
    }
    return rc_of(rc);
}
static int gnttab_unmap1(struct ctx *c) { return gnttab_unmap_one(c, &c->p1); }
static int gnttab_unmap2(struct ctx *c) { return gnttab_unmap_one(c, &c->p2); }
/* An address the handle never mapped: upstream asks the kernel. */
static int gnttab_unmap_foreign(struct ctx *c)
{
    static char page[4096] __attribute__((aligned(4096)));

    return rc_of(xengnttab_unmap(c->xgt, page, 1));
}
static int gnttab_copy(struct ctx *c)
{
    xengnttab_grant_copy_segment_t seg;

    memset(&seg, 0, sizeof(seg));
    seg.len = 8;
    return rc_of(xengnttab_grant_copy(c->xgt, 1, &seg));
}
static int gnttab_dmabuf(struct ctx *c)
{
    uint32_t refs[2] = { 1, 2 }, fd = 0;

    if (xengnttab_dmabuf_exp_from_refs(c->xgt, 1, 0, 2, refs, &fd) < 0)
        return -1;
    return rc_of(xengnttab_dmabuf_exp_wait_released(c->xgt, fd, 10));
}
static int gnttab_dmabuf_imp(struct ctx *c)
{
    uint32_t refs[2];

    if (xengnttab_dmabuf_imp_to_refs(c->xgt, 1, 3, 2, refs) < 0)
        return -1;
    return rc_of(xengnttab_dmabuf_imp_release(c->xgt, 3));
}
static int gnttab_close(struct ctx *c)
{
    int rc = xengnttab_close(c->xgt);

    c->xgt = NULL;
    return rc_of(rc);
}

static int gntshr_share(struct ctx *c)
{
    uint32_t refs[2];

    c->p1 = xengntshr_share_pages(c->xgs, 1, 2, refs, 1);
    return ptr_rc(c->p1);
}
static int gntshr_share_notify(struct ctx *c)
{
    uint32_t ref;

    c->p2 = xengntshr_share_page_notify(c->xgs, 1, &ref, 1, 0, 5);
    return ptr_rc(c->p2);
}
static int gntshr_unshare1(struct ctx *c)
{
    int rc = xengntshr_unshare(c->xgs, c->p1, 2);

    if (rc == 0)
        c->p1 = NULL;
    return rc_of(rc);
}
static int gntshr_unshare2(struct ctx *c)
{
    int rc = xengntshr_unshare(c->xgs, c->p2, 1);

    if (rc == 0)
        c->p2 = NULL;
    return rc_of(rc);
}
static int gntshr_close(struct ctx *c)
{
    int rc = xengntshr_close(c->xgs);

    c->xgs = NULL;
    return rc_of(rc);
}

static int call_alloc(struct ctx *c)
{
    c->buf = xencall_alloc_buffer(c->xcall, 100);
    return ptr_rc(c->buf);
}
static int call_hypercall(struct ctx *c)
{ return rc_of(xencall2(c->xcall, 17, 1, (uint64_t)(uintptr_t)c->buf)); }
static int call_free(struct ctx *c)
{
    xencall_free_buffer(c->xcall, c->buf);
    c->buf = NULL;
    return 0;
}
/* Two pages at once: too big for nothing, released at once at close. */
static int call_pages(struct ctx *c)
{
    void *p = xencall_alloc_buffer_pages(c->xcall, 2);

    if (!p)
        return -1;
    xencall_free_buffer_pages(c->xcall, p, 2);
    return 0;
}
static int call_close(struct ctx *c)
{
    int rc = xencall_close(c->xcall);

    c->xcall = NULL;
    return rc_of(rc);
}

static int fmem_map(struct ctx *c)
{
    xen_pfn_t arr[2] = { 10, 11 };
    int err[2] = { 0, 0 };

    c->p1 = xenforeignmemory_map(c->fmem, 1, PROT_READ, 2, arr, err);
    return ptr_rc(c->p1);
}
static int fmem_unmap(struct ctx *c)
{
    int rc = xenforeignmemory_unmap(c->fmem, c->p1, 2);

    if (rc == 0)
        c->p1 = NULL;
    return rc_of(rc);
}
static int fmem_resource(struct ctx *c)
{
    void *addr = NULL;

    c->fres = xenforeignmemory_map_resource(c->fmem, 1, 2, 0, 0, 1, &addr,
                                            PROT_READ, 0);
    return ptr_rc(c->fres);
}
static int fmem_unmap_resource(struct ctx *c)
{
    int rc = xenforeignmemory_unmap_resource(c->fmem, c->fres);

    c->fres = NULL;     /* freed even when munmap fails, as upstream */
    return rc_of(rc);
}
static int fmem_restrict(struct ctx *c)
{ return rc_of(xenforeignmemory_restrict(c->fmem, 1)); }
static int fmem_close(struct ctx *c)
{
    int rc = xenforeignmemory_close(c->fmem);

    c->fmem = NULL;
    return rc_of(rc);
}

static int dm_op(struct ctx *c)
{ return rc_of(xendevicemodel_set_isa_irq_level(c->dmod, 1, 4, 1)); }
static int dm_restrict(struct ctx *c)
{ return rc_of(xendevicemodel_restrict(c->dmod, 1)); }
static int dm_close(struct ctx *c)
{
    int rc = xendevicemodel_close(c->dmod);

    c->dmod = NULL;
    return rc_of(rc);
}

static int hypfs_read(struct ctx *c)
{
    char *v = xenhypfs_read(c->hypfs, "/buildinfo/version");

    free(v);
    return ptr_rc(v);
}
static int hypfs_close(struct ctx *c)
{
    int rc = xenhypfs_close(c->hypfs);

    c->hypfs = NULL;
    return rc_of(rc);
}

static int manage_info(struct ctx *c)
{
    unsigned int state, caps;
    uint64_t id;

    return rc_of(xenmanage_get_domain_info(c->mng, 1, &state, &caps, &id));
}
static int manage_close(struct ctx *c)
{
    int rc = xenmanage_close(c->mng);

    c->mng = NULL;
    return rc_of(rc);
}

static int kexec_version(struct ctx *c)
{
    unsigned int major, minor;
    char buf[64];

    if (xenkexec_version(c->xk, &major, &minor) < 0)
        return -1;
    return rc_of(xenkexec_version_string(c->xk, XENVER_extraversion, buf,
                                         sizeof(buf)));
}
static int kexec_memory_map(struct ctx *c)
{
    xenkexec_memory_range r[8];

    return rc_of(xenkexec_machine_memory_map(c->xk, r, 8));
}
static int kexec_range(struct ctx *c)
{
    uint64_t size, start;

    return rc_of(xenkexec_get_range(c->xk, KEXEC_RANGE_MA_CRASH, 0, &size,
                                    &start));
}
static int kexec_load(struct ctx *c)
{
    static const char image[64] = "image";
    xenkexec_segment seg[2] = {
        { image, sizeof(image), 0x1000000, 0x1000 },
        { NULL, 0, 0x1001000, 0x1000 },
    };

    return rc_of(xenkexec_load(c->xk, KEXEC_TYPE_DEFAULT, 62, 0x1000000, 2,
                               seg));
}
static int kexec_unload(struct ctx *c)
{
    if (xenkexec_unload(c->xk, KEXEC_TYPE_DEFAULT) < 0)
        return -1;
    return rc_of(xenkexec_status(c->xk, KEXEC_TYPE_DEFAULT));
}
static int kexec_close(struct ctx *c)
{
    int rc = xenkexec_close(c->xk);

    c->xk = NULL;
    return rc_of(rc);
}

/* XENSTABLE_1.1 devicemodel calls: raw hypercalls on a lazy xencall. */
static int dm_physmap(struct ctx *c)
{
    return rc_of(xendevicemodel_add_to_physmap(c->dmod, 1, 2, 0x7f10,
                                               0x10100, 0));
}
static int dm_pirq(struct ctx *c)
{
    int pirq = -1;

    if (xendevicemodel_map_pirq(c->dmod, 1, 23, &pirq) < 0)
        return -1;
    return rc_of(xendevicemodel_unmap_pirq(c->dmod, 1, pirq));
}
static int dm_s3(struct ctx *c)
{
    if (xendevicemodel_s3_suspend(c->dmod, 1) < 0)
        return -1;
    return rc_of(xendevicemodel_s3_awaken(c->dmod, 1));
}
static int dm_compose(struct ctx *c)
{
    if (xendevicemodel_make_ram_region_ro(c->dmod, 1, 0x7f00, 1) < 0)
        return -1;
    return rc_of(xendevicemodel_route_pci_intx_to_isa_irq(c->dmod, 1, 0, 0,
                                                          3, 1, 0));
}

static int restrict_all(struct ctx *c)
{
    (void)c;
    return rc_of(xentoolcore_restrict_all(1));
}

/* --- scenarios ------------------------------------------------------------ */

#define CONSUMES 1

static const struct step evtchn_steps[] = {
    { "xenevtchn_open", evtchn_open, 0, 0 },
    { "xenevtchn_bind_unbound_port", evtchn_bind, 0, 0 },
    { "xenevtchn_bind_virq+unbind", evtchn_bind_virq, 0, 0 },
    { "xenevtchn_notify", evtchn_notify, 0, 0 },
    { "xenevtchn_unmask+notify+pending", evtchn_pending, 0, 0 },
    { "xenevtchn_unmask", evtchn_unmask, 0, 0 },
    { "xenevtchn_unbind", evtchn_unbind, 0, 0 },
    { "xenevtchn_restrict", evtchn_restrict, 0, 0 },
    { "xenevtchn_close", evtchn_close, CONSUMES, 0 },
};

static const struct step fdopen_steps[] = {
    { "xenevtchn_fdopen", evtchn_fdopen, 0, 0 },
    { "xentoolcore__restrict_by_dup2_null", dup2_null, 0, 0 },
    { "xenevtchn_close", evtchn_close, CONSUMES, 0 },
};

static const struct step gnttab_steps[] = {
    { "xengnttab_open", gnttab_open, 0, 0 },
    { "xengnttab_set_max_grants", gnttab_max, 0, 0 },
    { "xengnttab_map_grant_ref", gnttab_map, 0, 0 },
    { "xengnttab_map_grant_ref_notify", gnttab_map_notify, 0, 0 },
    { "xengnttab_unmap(1)", gnttab_unmap1, 0, 0 },
    { "xengnttab_unmap(2)", gnttab_unmap2, 0, 0 },
    { "xengnttab_unmap(unknown)", gnttab_unmap_foreign, 0, 0 },
    { "xengnttab_grant_copy", gnttab_copy, 0, 0 },
    { "xengnttab_dmabuf_exp", gnttab_dmabuf, 0, 0 },
    { "xengnttab_dmabuf_imp", gnttab_dmabuf_imp, 0, 0 },
    { "xengnttab_close", gnttab_close, CONSUMES, 0 },
};

static const struct step gntshr_steps[] = {
    { "xengntshr_open", gntshr_open, 0, 0 },
    { "xengntshr_share_pages", gntshr_share, 0, 0 },
    { "xengntshr_share_page_notify", gntshr_share_notify, 0, 0 },
    { "xengntshr_unshare(1)", gntshr_unshare1, 0, 0 },
    { "xengntshr_unshare(2)", gntshr_unshare2, 0, 0 },
    { "xengntshr_close", gntshr_close, CONSUMES, 0 },
};

static const struct step call_steps[] = {
    { "xencall_open", call_open, 0, 0 },
    { "xencall_alloc_buffer", call_alloc, 0, 0 },
    { "xencall2", call_hypercall, 0, 0 },
    { "xencall_free_buffer", call_free, CONSUMES, 0 },
    { "xencall_alloc_buffer_pages(2)", call_pages, 0, 0 },
    { "xencall_close", call_close, CONSUMES, 0 },
};

/*
 * Restricted before its first buffer: the buffer device opened then is
 * neutered at once, or closed again if that fails.
 */
static const struct step call_restricted_steps[] = {
    { "xencall_open", call_open, 0, 0 },
    { "xentoolcore_restrict_all", restrict_all, 0, 0 },
    { "xencall_alloc_buffer", call_alloc, 0, 0 },
    { "xencall_free_buffer", call_free, CONSUMES, 0 },
    { "xencall_close", call_close, CONSUMES, 0 },
};

static const struct step fmem_steps[] = {
    { "xenforeignmemory_open", fmem_open, 0, 0 },
    { "xenforeignmemory_map", fmem_map, 0, 0 },
    { "xenforeignmemory_unmap", fmem_unmap, 0, 0 },
    /* an unknown-ioctl answer equal to the fault means "unsupported" */
    { "xenforeignmemory_map_resource", fmem_resource, 0, EOPNOTSUPP },
    { "xenforeignmemory_unmap_resource", fmem_unmap_resource, CONSUMES, 0 },
    { "xenforeignmemory_restrict", fmem_restrict, 0, 0 },
    { "xenforeignmemory_close", fmem_close, CONSUMES, 0 },
};

static const struct step dm_steps[] = {
    { "xendevicemodel_open", dm_open, 0, 0 },
    { "xendevicemodel_set_isa_irq_level", dm_op, 0, 0 },
    /* no privcmd node (ENOENT at open): hypercall mode, EOPNOTSUPP */
    { "xendevicemodel_restrict", dm_restrict, 0, EOPNOTSUPP },
    { "xendevicemodel_close", dm_close, CONSUMES, 0 },
};

/*
 * The same on a kernel without DM_OP.  A fault that such a kernel could
 * never produce (EPERM, "restricted", on the probe) leaves the op with
 * the kernel's "no such request" (Linux ENOTTY, FreeBSD ENOSYS: the
 * backend's no_dm_op_errno); the next op probes again and works.
 */
#define NO_DM_OP_ERRNO (-2)
static const struct step dm_hypercall_steps[] = {
    { "xendevicemodel_open", dm_open, 0, 0 },
    { "xendevicemodel_set_isa_irq_level", dm_op, 0, NO_DM_OP_ERRNO },
    { "xendevicemodel_restrict", dm_restrict, 0, EOPNOTSUPP },
    { "xendevicemodel_close", dm_close, CONSUMES, 0 },
};

static const struct step hypfs_steps[] = {
    { "xenhypfs_open", hypfs_open, 0, 0 },
    /* a hypercall buffer that cannot be had is ENOMEM (docs/api/hypfs.md) */
    { "xenhypfs_read", hypfs_read, 0, ENOMEM },
    { "xenhypfs_close", hypfs_close, CONSUMES, 0 },
};

static const struct step manage_steps[] = {
    { "xenmanage_open", manage_open, 0, 0 },
    /* likewise (docs/api/manage.md) */
    { "xenmanage_get_domain_info", manage_info, 0, ENOMEM },
    { "xenmanage_close", manage_close, CONSUMES, 0 },
};

/* a hypercall buffer that cannot be had is ENOMEM (docs/api/kexec.md) */
static const struct step kexec_steps[] = {
    { "xenkexec_open", kexec_open, 0, 0 },
    { "xenkexec_version+_string", kexec_version, 0, ENOMEM },
    { "xenkexec_machine_memory_map", kexec_memory_map, 0, ENOMEM },
    { "xenkexec_get_range", kexec_range, 0, ENOMEM },
    { "xenkexec_load", kexec_load, 0, ENOMEM },
    { "xenkexec_unload+status", kexec_unload, 0, ENOMEM },
    { "xenkexec_close", kexec_close, CONSUMES, 0 },
};

static const struct step dm_ext_steps[] = {
    { "xendevicemodel_open", dm_open, 0, 0 },
    { "xendevicemodel_add_to_physmap", dm_physmap, 0, ENOMEM },
    { "xendevicemodel_map_pirq+unmap_pirq", dm_pirq, 0, ENOMEM },
    { "xendevicemodel_s3_suspend+awaken", dm_s3, 0, ENOMEM },
    { "xendevicemodel_make_ram_region_ro+route", dm_compose, 0, 0 },
    { "xendevicemodel_close", dm_close, CONSUMES, 0 },
};

static const struct step restrict_steps[] = {
    { "xencall_open", call_open, 0, 0 },
    { "xencall_alloc_buffer", call_alloc, 0, 0 },
    { "xengnttab_open", gnttab_open, 0, 0 },
    { "xengntshr_open", gntshr_open, 0, 0 },
    { "xenevtchn_open", evtchn_open, 0, 0 },
    { "xenforeignmemory_open", fmem_open, 0, 0 },
    { "xendevicemodel_open", dm_open, 0, 0 },
    { "xentoolcore_restrict_all", restrict_all, 0, 0 },
    { "xencall_free_buffer", call_free, CONSUMES, 0 },
    { "xendevicemodel_close", dm_close, CONSUMES, 0 },
    { "xenforeignmemory_close", fmem_close, CONSUMES, 0 },
    { "xenevtchn_close", evtchn_close, CONSUMES, 0 },
    { "xengntshr_close", gntshr_close, CONSUMES, 0 },
    { "xengnttab_close", gnttab_close, CONSUMES, 0 },
    { "xencall_close", call_close, CONSUMES, 0 },
};

#define SCENARIO(n, s) { n, s, (int)(sizeof(s) / sizeof(s[0])), 0 }
static const struct scenario scenarios[] = {
    SCENARIO("evtchn", evtchn_steps),
    SCENARIO("evtchn-fdopen", fdopen_steps),
    SCENARIO("gnttab", gnttab_steps),
    SCENARIO("gntshr", gntshr_steps),
    SCENARIO("call", call_steps),
    SCENARIO("call-restricted", call_restricted_steps),
    /* buffers from locked anonymous memory instead */
    { "call-anon", call_steps, (int)XS_ARRAY_SIZE(call_steps),
      XS_FAKE_NO_BUFDEV },
    /* DM ops by hypercall, the kernel having no DM op request */
    { "devicemodel-hypercall", dm_hypercall_steps,
      (int)XS_ARRAY_SIZE(dm_hypercall_steps), XS_FAKE_NO_DM_OP },
    SCENARIO("foreignmemory", fmem_steps),
    SCENARIO("devicemodel", dm_steps),
    SCENARIO("hypfs", hypfs_steps),
    SCENARIO("manage", manage_steps),
    SCENARIO("kexec", kexec_steps),
    SCENARIO("devicemodel-1.1", dm_ext_steps),
    SCENARIO("restrict_all", restrict_steps),
};

/* --- the harness ------------------------------------------------------------ */

/* What a kernel may answer to any call, and the fallback triggers. */
static const int fault_errnos[] = {
    EINTR, EAGAIN, ENOMEM, EFAULT, EPERM, ENOTTY, ENOENT, EINVAL,
};
#define N_ERRNOS ((int)(sizeof(fault_errnos) / sizeof(fault_errnos[0])))

struct fault { int nth, err; };

struct outcome {
    int result[MAX_STEPS];      /* 0, or the errno the step failed with */
    int total_calls;
    int violations;
};

static int site_hits[256];
static long runs, points, refused_munmaps;
static int verbose;

/*
 * API-layer files whose system calls need a handle of one kind: on a
 * backend that cannot open that kind (none), they cannot be reached,
 * and are reported n/a instead of being required.  Backend files are
 * compiled for their own backend only, so theirs are always required.
 */
static const struct {
    const char *file;
    enum xs_op op;
} site_needs[] = {
    { "src/call_buffer.c", XS_OP_CALL_OPEN },
    /* its other sites open, neuter and close the buffer device */
    { "src/call_buffer.c", XS_OP_CALL_BUFDEV },
};

static int unreachable(const struct sys_site *site)
{
    for (size_t i = 0; i < sizeof(site_needs) / sizeof(site_needs[0]); i++)
        if (!strcmp(site->file, site_needs[i].file) &&
            xs_expect(site_needs[i].op) != 0)
            return 1;
    return 0;
}

static int site_index(const char *where)
{
    const char *colon;
    int line;

    if (!where || !(colon = strrchr(where, ':')))
        return -1;
    line = atoi(colon + 1);
    for (int i = 0; i < N_SITES; i++) {
        size_t fl = strlen(sys_sites[i].file), wl = (size_t)(colon - where);

        if (wl >= fl && memcmp(colon - fl, sys_sites[i].file, fl) == 0 &&
            (wl == fl || colon[-(long)fl - 1] == '/') &&
            line >= sys_sites[i].first && line <= sys_sites[i].last)
            return i;
    }
    return -1;
}

static const char *err_name(int e)
{
    return e == FAKE_SHORT ? "short" : strerrorname_np(e);
}

static void describe(const struct scenario *sc, const struct fault *f,
                     int nf)
{
    fprintf(stderr, "  scenario %s, faults:", sc->name);
    for (int i = 0; i < nf; i++)
        fprintf(stderr, " call %d=%s", f[i].nth, err_name(f[i].err));
    fprintf(stderr, "\n");
}

/* Run a scenario with the given faults; check what the header promises. */
static void run(const struct scenario *sc, const struct fault *f, int nf,
                const struct outcome *base, struct outcome *out)
{
    struct ctx c;

    memset(&c, 0, sizeof(c));
    memset(out, 0, sizeof(*out));
    install_fake(sc);
    alloc_count_reset();
    for (int i = 0; i < nf; i++)
        fake_sys_also_fail_nth_any(f[i].nth, f[i].err);
    runs++;

    for (int s = 0, aborted = 0, unchecked = 0; s < sc->n_steps; s++) {
        const struct step *st = &sc->steps[s];
        int before = fake_sys_injected(), got;
        int also = st->also_errno == NO_DM_OP_ERRNO ? xs_backend.no_dm_op_errno
                                                    : st->also_errno;

        /*
         * An open that failed for good (twice, with two faults, or in
         * the clean run on a backend that cannot open it) leaves
         * nothing to operate on; only the closes run then (they accept
         * NULL).
         */
        if (aborted && !st->consumes) {
            out->result[s] = base ? base->result[s] : 0;
            continue;
        }
        errno = 0;
        c.consumed = 0;
        got = st->fn(&c) < 0 ? (errno ? errno : -1) : 0;
        out->result[s] = got;
        if (got && strstr(st->name, "open") && (!base || base->result[s]))
            aborted = 1;
        if (!base || unchecked)
            continue;
        if (got != base->result[s]) {
            int explained = also && got == also;

            for (int i = before; got && i < fake_sys_injected(); i++) {
                int e = fake_sys_injected_call(i)->injected;

                if (got == (e == FAKE_SHORT ? EIO : e))
                    explained = 1;
            }
            if (!explained) {
                fprintf(stderr, "FAIL: step %s returned %s, clean run %s\n",
                        st->name, got ? err_name(got) : "success",
                        base->result[s] ? err_name(base->result[s])
                                        : "success");
                describe(sc, f, nf);
                out->violations++;
            }
        }
        if (got && !base->result[s] && !st->consumes && !c.consumed) {
            /* The handle must still work: the same step again. */
            int again_from = fake_sys_injected(), again;

            errno = 0;
            again = st->fn(&c) < 0 ? (errno ? errno : -1) : 0;
            /* a documented answer that is the handle's state stays */
            if (again && fake_sys_injected() == again_from &&
                !(also && again == also && got == again)) {
                fprintf(stderr, "FAIL: step %s failed again (%s) on retry\n",
                        st->name, err_name(again));
                describe(sc, f, nf);
                out->violations++;
            }
            /*
             * Failed twice (a second fault hit the retry): what follows
             * works on a missing object, so only cleanliness is checked
             * from here, and after a failed open only the closes run.
             */
            if (again) {
                unchecked = 1;
                if (strstr(st->name, "_open"))
                    aborted = 1;
            }
        }
    }
    out->total_calls = fake_sys_count_all();

    if (base) {
        /*
         * A munmap() the kernel refused leaves its range mapped, and an
         * API that cannot report it (free_buffer, close) or that consumes
         * its handle (unmap_resource) cannot give it back later: that is
         * the caller-visible effect of the fault, as upstream.  Only that
         * exact range is excused; anything else still mapped is a leak.
         */
        for (int i = 0; i < fake_sys_injected() && i < 4; i++) {
            const struct fake_sys_call *ic = fake_sys_injected_call(i);

            if (ic->kind == FAKE_MUNMAP &&
                fake_sys_is_mapped(ic->addr, ic->request)) {
                xs__sys->munmap(ic->addr, ic->request);
                refused_munmaps++;
            }
        }
        if (fake_sys_open_fds() || fake_sys_live_mappings() ||
            alloc_count_live()) {
            fprintf(stderr, "FAIL: leaked %d fds, %d mappings, %ld blocks\n",
                    fake_sys_open_fds(), fake_sys_live_mappings(),
                    alloc_count_live());
            describe(sc, f, nf);
            if (verbose) {
                for (int i = 0; i < fake_sys_count_all(); i++) {
                    const struct fake_sys_call *lc = fake_sys_call_at(i);

                    if (lc)
                        fprintf(stderr, "   %d %s %s%s\n", i + 1,
                                fake_sys_kind_name(lc->kind), lc->site,
                                lc->injected ? " (fault)" : "");
                }
            }
            out->violations++;
        }
        for (int i = 0; i < fake_sys_injected() && i < 4; i++) {
            int si = site_index(fake_sys_injected_call(i)->site);

            points++;
            if (si < 0) {
                fprintf(stderr, "FAIL: fault at unknown site %s\n",
                        fake_sys_injected_call(i)->site);
                out->violations++;
            } else if (!out->violations) {
                site_hits[si]++;
            }
        }
    }
    fake_sys_uninstall();
}

static int try_faults(const struct scenario *sc, struct fault *f, int nf,
                      const struct outcome *base, struct outcome *out)
{
    run(sc, f, nf, base, out);
    return out->violations;
}

static int errs_for(int kind, int *errs)
{
    int n = 0;

    for (int i = 0; i < N_ERRNOS; i++)
        errs[n++] = fault_errnos[i];
    if (kind == FAKE_READ || kind == FAKE_WRITE)
        errs[n++] = FAKE_SHORT;
    return n;
}

int main(int argc, char **argv)
{
    int failures = 0, covered = 0, required = N_SITES, depth = 2;

    if (argc > 1 && strcmp(argv[1], "-v") == 0)
        verbose = 1;
    if (getenv("XS_FAULT_DEPTH"))
        depth = atoi(getenv("XS_FAULT_DEPTH"));

    for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
        const struct scenario *sc = &scenarios[s];
        struct outcome base, out, out1;
        int kinds[4096], n_base;

        run(sc, NULL, 0, NULL, &base);
        n_base = base.total_calls;
        if (n_base > 4096)
            n_base = 4096;
        /* the clean run must be clean, or the scenario proves nothing */
        for (int i = 0; i < sc->n_steps; i++) {
            if (base.result[i] && verbose)
                printf("# %s: step %s fails cleanly with %s\n", sc->name,
                       sc->steps[i].name, err_name(base.result[i]));
        }
        install_fake(sc);
        {
            struct ctx c;

            memset(&c, 0, sizeof(c));
            for (int i = 0, aborted = 0; i < sc->n_steps; i++) {
                if (aborted && !sc->steps[i].consumes)
                    continue;
                if (sc->steps[i].fn(&c) < 0 &&
                    strstr(sc->steps[i].name, "open"))
                    aborted = 1;
            }
            for (int i = 0; i < n_base; i++)
                kinds[i] = fake_sys_call_at(i)->kind;
        }
        fake_sys_uninstall();

        for (int k = 1; k <= n_base; k++) {
            int errs[N_ERRNOS + 1], ne = errs_for(kinds[k - 1], errs);

            for (int e = 0; e < ne; e++) {
                struct fault f[2] = { { k, errs[e] }, { 0, 0 } };

                failures += try_faults(sc, f, 1, &base, &out1) != 0;
                if (depth < 2)
                    continue;
                /* Second faults: every later call of this faulted run. */
                for (int j = k + 1; j <= out1.total_calls; j++) {
                    int errs2[N_ERRNOS + 1];
                    int ne2 = errs_for(FAKE_NR_KINDS, errs2);

                    for (int e2 = 0; e2 < ne2; e2++) {
                        f[1].nth = j;
                        f[1].err = errs2[e2];
                        failures += try_faults(sc, f, 2, &base, &out) != 0;
                    }
                }
            }
        }
        printf("# %-14s %3d system calls in a clean run\n", sc->name,
               base.total_calls);
    }

    printf("# %ld runs, %ld faults injected; %ld refused munmap() calls"
           " left their range mapped (excused, see run())\n", runs, points,
           refused_munmaps);
    printf("# system-call sites failed at least once:\n");
    for (int i = 0; i < N_SITES; i++) {
        int na = !site_hits[i] && unreachable(&sys_sites[i]);

        if (site_hits[i])
            covered++;
        if (na)
            required--;
        printf("#  %s %s:%d (%s) %d faults\n",
               site_hits[i] ? "ok  " : na ? "n/a " : "MISS",
               sys_sites[i].file, sys_sites[i].first, sys_sites[i].call,
               site_hits[i]);
    }
    printf("failure points covered: %d/%d system-call sites, %ld injected"
           " faults, %d failing runs\n", covered, required, points,
           failures);
    /* Error-path sites are only reached with a second fault (depth 2). */
    if (depth < 2)
        printf("# depth %d: site coverage reported, not enforced\n", depth);
    return failures || (depth >= 2 && covered < required) ? 1 : 0;
}
