/*
 * fake_freebsd_privcmd.c - FreeBSD's /dev/xen/privcmd in the fake kernel,
 * after sys/dev/xen/privcmd/privcmd.c (reference section 1.1).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The model: mmap() of the device creates an object of unpopulated pages
 * (touching one faults, as the driver's pager fails it); MMAPBATCH and
 * MMAP_RESOURCE then populate that object, and only when the address and
 * length they name are exactly one mapping of such an object
 * (setup_virtual_area).  Per-page errors come back as POSITIVE errnos.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "fake_bsd_kernel.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"

/* xen_translate_error: Xen's (Linux-numbered) codes to FreeBSD's; the
 * names are the same on this host, so the value carries over. */
static int translate(long xen_rc)
{
    return (int)-xen_rc;
}

int fk_fb_privcmd_mmap(struct fk_file *f, uintptr_t addr, size_t len, int prot,
                       int flags, uintptr_t *out)
{
    int obj, err;

    (void)f;
    /* privcmd_mmap_single ignores the offset: every mapping is a fresh
     * object of len / PAGE_SIZE pages. */
    obj = fk_obj_new(FK_OBJ_FB_PRIVCMD, len >> FK_PAGE_SHIFT, prot);
    if (obj < 0)
        return ENOMEM;
    err = fk_map_obj(addr, flags & MAP_FIXED, len, prot, obj, 0, out);
    if (err)
        fk_obj_unref(obj);
    return err;
}

/*
 * setup_virtual_area: num > 0, a page-aligned addr, and the map entry
 * there must start at addr, end at addr + num pages, and belong to a
 * privcmd object.  Any privcmd descriptor's object will do.
 */
static int virtual_area(uint64_t addr, uint64_t num, int *obj)
{
    int v;

    if (num == 0 || (addr & (FK_PAGE - 1)))
        return EINVAL;
    v = fk_vma_at((uintptr_t)addr);
    if (v < 0 || fk.vmas[v].start != addr ||
        fk.vmas[v].len != num << FK_PAGE_SHIFT || fk.vmas[v].obj < 0 ||
        fk.objs[fk.vmas[v].obj].kind != FK_OBJ_FB_PRIVCMD)
        return EINVAL;
    *obj = fk.vmas[v].obj;
    return 0;
}

static int restricted_away(const struct fk_file *f, uint16_t dom)
{
    return f->restricted && f->restrict_dom != dom;
}

static int hypercall(struct fk_file *f, struct xs_bsd_privcmd_hypercall *h)
{
    long rc;

    if (f->restricted)
        return EPERM; /* "Forbid hypercalls if restricted" */
    rc = fk_hypervisor_call(h->op, h->arg);
    if (rc < 0) {
        h->retval = 0; /* and not copied out: it failed */
        return translate(rc);
    }
    h->retval = rc;
    return 0;
}

static int mmapbatch(struct fk_file *f, struct xs_bsd_privcmd_mmapbatch *m)
{
    uint64_t num = (uint64_t)(int64_t)m->num; /* an int, widened */
    int obj, err;

    if (restricted_away(f, m->dom))
        return EPERM;
    err = virtual_area(m->addr, num, &obj);
    if (err)
        return err;
    /*
     * The driver walks the batch in hypercalls of at most 65535 pages
     * and copies each chunk's err[] out before the next: a failure of a
     * later hypercall leaves earlier results in place.
     */
    for (uint64_t base = 0; base < num;
         base += XS_FREEBSD_PRIVCMD_BATCH_CHUNK) {
        uint64_t n = num - base;

        if (n > XS_FREEBSD_PRIVCMD_BATCH_CHUNK)
            n = XS_FREEBSD_PRIVCMD_BATCH_CHUNK;
        if (fk.fail_next_batch) {
            err = translate(-(long)fk.fail_next_batch);
            fk.fail_next_batch = 0;
            return err;
        }
        for (uint64_t i = 0; i < n; i++) {
            uint64_t gfn;
            int rc = 0, e;

            err = fk_copyin(&gfn, m->arr + (base + i) * sizeof(gfn),
                            sizeof(gfn));
            if (err)
                return err;
            if (fk.cfg.map_gfn)
                rc = fk.cfg.map_gfn(m->dom, gfn);
            /* Object pages from 0, whatever part of the object this map
             * entry shows (phys_base_addr + index). */
            if (rc)
                fk_page_bad(obj, base + i);
            else
                fk_page_fill(obj, base + i, FAKE_BSD_GFN_TAG(m->dom, gfn));
            e = rc ? translate(rc) : 0; /* POSITIVE */
            err = fk_copyout(m->err + (base + i) * sizeof(e), &e, sizeof(e));
            if (err)
                return err;
        }
    }
    fk.objs[obj].mapped = 1;
    return 0; /* even when pages failed */
}

static int resource_size(uint16_t dom, uint32_t type, uint32_t id,
                         uint64_t *frames)
{
    int rc;

    if (!fk.cfg.acquire_resource) {
        *frames = fk.cfg.resource_frames;
        return 0;
    }
    rc = fk.cfg.acquire_resource(dom, type, id, 0, 0);
    if (rc < 0)
        return translate(rc);
    *frames = (uint64_t)rc;
    return 0;
}

static int mmap_resource(struct fk_file *f,
                         struct xs_bsd_privcmd_mmap_resource *r)
{
    uint64_t frames;
    int obj, err;
    long rc;

    if (restricted_away(f, r->dom))
        return EPERM;
    if (r->addr == 0 && r->num == 0) {
        err = resource_size(r->dom, r->type, r->id, &frames);
        if (err)
            return err;
        /*
         * FreeBSD 14 declares the request _IOW and copies the size out
         * to the argument's address, which is the kernel's own copy:
         * copyout refuses a kernel address.  Newer kernels store it in
         * the argument and the ioctl layer copies it back (_IOWR).
         */
        if (fk.cfg.freebsd_gen == FAKE_FREEBSD_14)
            return EFAULT;
        r->num = frames;
        return 0;
    }
    err = virtual_area(r->addr, r->num, &obj);
    if (err)
        return err;
    rc = fk_acquire_resource(r->dom, r->type, r->id, r->idx, r->num);
    if (rc < 0)
        return translate(rc);
    for (uint64_t i = 0; i < r->num; i++)
        fk_page_fill(obj, i,
                     FAKE_BSD_RESOURCE_TAG(r->type, r->id, r->idx + i));
    fk.objs[obj].mapped = 1;
    return 0;
}

static int dm_op(struct fk_file *f, const struct xs_freebsd_privcmd_dmop *d)
{
    struct xs_freebsd_privcmd_dmop_buf ubufs[XS_FREEBSD_PRIVCMD_DMOP_MAX_BUFS];
    struct fake_bsd_buf bufs[XS_FREEBSD_PRIVCMD_DMOP_MAX_BUFS];
    int err, rc = 0;

    if (restricted_away(f, d->dom))
        return EPERM;
    if (d->num == 0)
        return 0; /* upstream's probe relies on this */
    if (d->num > XS_FREEBSD_PRIVCMD_DMOP_MAX_BUFS)
        return E2BIG;
    err = fk_copyin(ubufs, d->ubufs, d->num * sizeof(ubufs[0]));
    if (err)
        return err;
    for (uint32_t i = 0; i < d->num; i++) {
        bufs[i].ptr = (void *)(uintptr_t)ubufs[i].uptr;
        bufs[i].size = (size_t)ubufs[i].size;
    }
    fk.n_dm_ops++;
    if (fk.cfg.dm_op)
        rc = fk.cfg.dm_op(d->dom, d->num, bufs);
    return rc < 0 ? translate(rc) : 0;
}

int fk_fb_privcmd_ioctl(struct fk_file *f, unsigned long req, void *karg)
{
    if (fk.cfg.freebsd_gen == FAKE_FREEBSD_OLD &&
        req != XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL &&
        req != XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH)
        return ENOSYS;
    switch (req) {
    case XS_FREEBSD_IOCTL_PRIVCMD_HYPERCALL:
        return hypercall(f, karg);
    case XS_FREEBSD_IOCTL_PRIVCMD_MMAPBATCH:
        return mmapbatch(f, karg);
    case XS_FREEBSD_IOCTL_PRIVCMD_DM_OP:
        return dm_op(f, karg);
    case XS_FREEBSD_IOCTL_PRIVCMD_RESTRICT: {
        uint16_t dom;

        memcpy(&dom, karg, sizeof(dom));
        /* "error = -EINVAL": the caller sees a negative errno. */
        if (f->restricted && f->restrict_dom != dom)
            return -EINVAL;
        f->restricted = 1;
        f->restrict_dom = dom;
        return 0;
    }
    default:
        break;
    }
    /* Each kernel generation knows one MMAP_RESOURCE number. */
    if ((req == XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE &&
         fk.cfg.freebsd_gen == FAKE_FREEBSD_14) ||
        (req == XS_FREEBSD_IOCTL_PRIVCMD_MMAP_RESOURCE_RW &&
         fk.cfg.freebsd_gen == FAKE_FREEBSD_CURRENT))
        return mmap_resource(f, karg);
    return ENOSYS; /* "default: error = ENOSYS" */
}
