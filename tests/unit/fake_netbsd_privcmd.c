/*
 * fake_netbsd_privcmd.c - NetBSD's /kern/xen/privcmd in the fake kernel,
 * after sys/arch/xen/xen/privcmd.c 1.66 (reference section 1.2), as a
 * PVH dom0 runs it.  It carries the hypercall, the foreign-mapping and
 * the grant requests; there is no gntdev device.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The mapping requests all work the same way: the caller maps the range
 * first (anonymous memory); the kernel takes the protection of the first
 * page of that mapping and replaces the range with its own object
 * (privcmd_map_obj: UVM_FLAG_FIXED | UVM_FLAG_UNMAP).  The object goes
 * away with the last munmap() of it, which is when grant notifications
 * run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_bsd_kernel.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"

#define GNTST_okay 0

/* privcmd_xen2bsd_errno: Xen's (Linux-numbered) codes to NetBSD's; the
 * names are the same on this host, so the value carries over. */
static int translate(long xen_rc)
{
    return (int)-xen_rc;
}

/* The checks every mapping request starts with; 0 or EINVAL. */
static int check_range(uint64_t va, uint64_t num, uintptr_t *va0)
{
    *va0 = (uintptr_t)(va & ~(uint64_t)(FK_PAGE - 1));
    if (num == 0 || *va0 > FK_MAXUSER_ADDRESS ||
        ((FK_MAXUSER_ADDRESS - *va0) >> FK_PAGE_SHIFT) < num)
        return EINVAL;
    return 0;
}

/* Replace the caller's range (already checked: fk_caller_prot gave its
 * protection) with a new object of num pages. */
static int replace_range(uintptr_t va0, uint64_t num, int prot,
                         enum fk_obj_kind kind, int *obj_out)
{
    size_t len = (size_t)num << FK_PAGE_SHIFT;
    uintptr_t at;
    int obj, err;

    obj = fk_obj_new(kind, (size_t)num, prot);
    if (obj < 0)
        return ENOMEM;
    err = fk_map_obj(va0, 1, len, prot, obj, 0, &at);
    if (err) {
        fk_obj_unref(obj);
        return err;
    }
    *obj_out = obj;
    return 0;
}

static int hypercall(struct xs_bsd_privcmd_hypercall *h)
{
    long rc;

    if (h->op >= XS_NETBSD_PRIVCMD_HYPERCALL_MAX_OP)
        return EINVAL;
    rc = fk_hypervisor_call(h->op, h->arg);
    if (rc < 0) {
        h->retval = 0;
        return translate(rc);
    }
    h->retval = rc;
    return 0;
}

static int mmapbatch_v2(const struct xs_bsd_privcmd_mmapbatch *m)
{
    uint64_t num = (uint64_t)(int64_t)m->num;
    uint64_t *gfns;
    uintptr_t va0;
    int prot, obj = -1, err;

    err = check_range(m->addr, num, &va0);
    if (!err)
        err = fk_caller_prot(va0, (size_t)num << FK_PAGE_SHIFT, "MMAPBATCH_V2",
                             &prot);
    if (err)
        return err;
    /* The frame list is read before anything is mapped. */
    gfns = malloc((size_t)num * sizeof(*gfns));
    if (!gfns)
        return ENOMEM;
    err = fk_copyin(gfns, m->arr, (size_t)num * sizeof(*gfns));
    if (!err)
        err = replace_range(va0, num, prot, FK_OBJ_NB_PHYSMAP, &obj);
    /*
     * One XENMEM_add_to_physmap_batch per page; err[] gets Xen's own
     * value (negative, Linux numbering; no retry of -ENOENT on PVH).  A
     * failed hypercall ends the request with the translated errno and
     * leaves the new mapping in place, unpopulated.
     */
    for (uint64_t i = 0; !err && i < num; i++) {
        int rc = 0;

        if (fk.fail_next_batch) {
            err = translate(-(long)fk.fail_next_batch);
            fk.fail_next_batch = 0;
            break;
        }
        if (fk.cfg.map_gfn)
            rc = fk.cfg.map_gfn(m->dom, gfns[i]);
        if (rc)
            fk_page_bad(obj, i);
        else
            fk_page_fill(obj, i, FAKE_BSD_GFN_TAG(m->dom, gfns[i]));
        err = fk_copyout(m->err + i * sizeof(rc), &rc, sizeof(rc));
    }
    free(gfns);
    return err;
}

static int mmap_resource(const struct xs_bsd_privcmd_mmap_resource *r)
{
    uintptr_t va0;
    int prot, obj = -1, err;
    long rc;

    /* num == 0 is EINVAL: no size query on NetBSD. */
    err = check_range(r->addr, r->num, &va0);
    if (!err)
        err = fk_caller_prot(va0, (size_t)r->num << FK_PAGE_SHIFT,
                             "MMAP_RESOURCE", &prot);
    if (err)
        return err;
    /* XENMEM_acquire_resource first; only then is the range replaced. */
    rc = fk_acquire_resource(r->dom, r->type, r->id, r->idx, r->num);
    if (rc < 0)
        return translate(rc);
    err = replace_range(va0, r->num, prot, FK_OBJ_NB_PHYSMAP, &obj);
    if (err)
        return err;
    for (uint64_t i = 0; i < r->num; i++)
        fk_page_fill(obj, i,
                     FAKE_BSD_RESOURCE_TAG(r->type, r->id, r->idx + i));
    return 0;
}

#define MAX_GRANT_PAGES 1024 /* the fake's limit per request */

/*
 * What both grant requests check before they do anything: the range,
 * then notify.offset > count -- a BYTE offset compared with a PAGE count,
 * so CLEAR_BYTE beyond byte `count` fails -- then the caller's mapping.
 */
static int grant_checks(uint64_t va, uint32_t count,
                        const struct xs_netbsd_gntdev_grant_notify *n,
                        const char *what, uintptr_t *va0, int *prot)
{
    int err = check_range(va, count, va0);

    if (err)
        return err;
    if (n->offset < 0 || n->offset > (int64_t)count)
        return EINVAL;
    if (count > MAX_GRANT_PAGES) {
        fk_violation(FAKE_BSD_V_CAPACITY, "%s of %u pages", what,
                     (unsigned int)count);
        return ENOMEM;
    }
    return fk_caller_prot(*va0, (size_t)count << FK_PAGE_SHIFT, what, prot);
}

static void set_notify(int obj, const struct xs_netbsd_gntdev_grant_notify *n)
{
    fk.objs[obj].notify = (struct fk_notify){ n->action, n->offset,
                                              n->event_channel_port };
}

static int map_grant_ref(const struct xs_netbsd_gntdev_mmap_grant_ref *m)
{
    struct xs_bsd_grant_ref refs[MAX_GRANT_PAGES];
    uintptr_t va0;
    int prot, obj = -1, err;

    err = grant_checks(m->va, m->count, &m->notify, "GNTDEV_MMAP_GRANT_REF",
                       &va0, &prot);
    if (err)
        return err;
    err = fk_copyin(refs, m->refs, m->count * sizeof(refs[0]));
    if (err)
        return err;
    err = replace_range(va0, m->count, prot, FK_OBJ_NB_GNTMAP, &obj);
    if (err)
        return err;
    set_notify(obj, &m->notify);
    /*
     * The grants are mapped at fault time (pmap_enter_gnt); one that
     * fails makes the access fault.  The fake asks the hypervisor now
     * and leaves a failing page inaccessible, which is what the process
     * would see.
     */
    for (uint32_t i = 0; i < m->count; i++) {
        int st = fk.cfg.map_grant
                     ? fk.cfg.map_grant(refs[i].domid, refs[i].ref)
                     : GNTST_okay;

        if (st == GNTST_okay)
            fk_page_fill(obj, i,
                         FAKE_BSD_GRANT_TAG(refs[i].domid, refs[i].ref));
        else
            fk_page_bad(obj, i);
    }
    fk.live_grant_maps += (int)m->count;
    return 0;
}

static int alloc_grant_ref(const struct xs_netbsd_gntdev_alloc_grant_ref *a)
{
    uint32_t ids[MAX_GRANT_PAGES];
    uintptr_t va0;
    int prot, obj = -1, err;

    err = grant_checks(a->va, a->count, &a->notify, "GNTDEV_ALLOC_GRANT_REF",
                       &va0, &prot);
    if (err)
        return err;
    for (uint32_t i = 0; i < a->count; i++) {
        if (fk.fail_grant_err && (int)i == fk.fail_grant_nth) {
            int ret = fk.fail_grant_err;

            fk.fail_grant_err = 0;
            /*
             * The error path is a loop over the grants made so far whose
             * body revokes the first and leaves: with none made (i == 0)
             * it never runs, the error is dropped and the request goes on
             * with an uninitialised grant id (the fake writes 0).  With
             * some made, only the first is revoked; the others leak.
             */
            if (i > 0)
                return ret;
            ids[i] = 0;
            continue;
        }
        ids[i] = fk.next_gref++;
    }
    err = fk_copyout(a->gref_ids, ids, a->count * sizeof(ids[0]));
    if (err)
        return err;
    err = replace_range(va0, a->count, prot, FK_OBJ_NB_GNTALLOC, &obj);
    if (err)
        return err;
    set_notify(obj, &a->notify);
    /* zeroed kernel pages, shared with the other domain */
    for (uint32_t i = 0; i < a->count; i++)
        fk_page_fill(obj, i, 0);
    fk.live_grant_allocs += (int)a->count;
    return 0;
}

int fk_nb_privcmd_ioctl(struct fk_file *f, unsigned long req, void *karg)
{
    (void)f;
    switch (req) {
    case XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL:
        return hypercall(karg);
    case XS_NETBSD_IOCTL_PRIVCMD_MMAP:
    case XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH:
        return EINVAL; /* XENPV only; this is a PVH dom0 */
    case XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2:
        return mmapbatch_v2(karg);
    case XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE:
        return mmap_resource(karg);
    case XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF:
        return map_grant_ref(karg);
    case XS_NETBSD_IOCTL_GNTDEV_ALLOC_GRANT_REF:
        return alloc_grant_ref(karg);
    default:
        return EINVAL; /* unknown requests look like bad arguments */
    }
}

/* privpgop_detach: the object's last mapping is gone. */
void fk_nb_obj_gone(struct fk_obj *o)
{
    struct fk_notify *n = &o->notify;

    if (o->kind != FK_OBJ_NB_GNTMAP && o->kind != FK_OBJ_NB_GNTALLOC)
        return;
    /* privcmd_notify: the event first, then the byte */
    if (n->action & XS_BSD_UNMAP_NOTIFY_SEND_EVENT) {
        fk_port_signal(n->port);
        fk_log_notify(XS_BSD_UNMAP_NOTIFY_SEND_EVENT, 0, n->port);
    }
    if (n->action & XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE) {
        static const unsigned char zero;

        (void)!pwrite(o->memfd, &zero, 1, (off_t)n->offset);
        fk_log_notify(XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE, (uint64_t)n->offset, 0);
    }
    if (o->kind == FK_OBJ_NB_GNTMAP)
        fk.live_grant_maps -= (int)o->npages;
    else
        fk.live_grant_allocs -= (int)o->npages;
}
