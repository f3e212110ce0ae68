/*
 * fake_freebsd_gntdev.c - FreeBSD's /dev/xen/gntdev in the fake kernel,
 * after sys/dev/xen/gntdev/gntdev.c and sys/xen/gntdev.h (reference
 * section 1.1): Linux's gntdev and gntalloc in one device.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Both kinds of grant live in one per-descriptor file-offset space.  The
 * driver hands offsets out from the END of the first free run that is
 * large enough (get_file_offset), so a fresh descriptor's first
 * one-page request gets 0xfffffffffffff000; released runs are merged
 * back (put_file_offset).  Allocated pages ("grefs") are units of one
 * page that any mmap() of a contiguous run of them can show, once; a
 * grant map is a unit of `count` pages whose map hypercall happens at its
 * first mmap() and which may be mapped many times.  Neither goes away
 * until it is both released by ioctl (or close) and unmapped; the unmap
 * notification runs then.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_bsd_kernel.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"

#define GNTST_okay     0
#define GNTST_eagain   (-12)
#define GNTST_bad_page (-9)

/* ------------------------------------------------------------------ */
/* File offsets, in pages                                              */

void fk_fb_gntdev_open(struct fk_file *f)
{
    /* One free run: every page offset the 64-bit space can name. */
    f->free[0] = (struct fk_range){ 0, (uint64_t)1 << (64 - FK_PAGE_SHIFT) };
    f->n_free = 1;
}

static int get_offset(struct fk_file *f, uint32_t count, uint64_t *offset)
{
    if (count == 0)
        return EINVAL;
    for (int i = 0; i < f->n_free; i++) {
        struct fk_range *r = &f->free[i];

        if (r->count >= count) {
            r->count -= count;
            *offset = (r->offset + r->count) << FK_PAGE_SHIFT;
            if (r->count == 0) {
                memmove(r, r + 1, (size_t)(f->n_free - i - 1) * sizeof(*r));
                f->n_free--;
            }
            return 0;
        }
    }
    return ENOSPC;
}

static void put_offset(struct fk_file *f, uint32_t count, uint64_t offset)
{
    uint64_t page = offset >> FK_PAGE_SHIFT;
    int i;

    if (count == 0)
        return;
    if (f->n_free == FK_MAX_RANGES) {
        fk_violation(FAKE_BSD_V_CAPACITY, "gntdev offset runs exhausted");
        return;
    }
    for (i = 0; i < f->n_free && f->free[i].offset < page; i++)
        ;
    memmove(&f->free[i + 1], &f->free[i],
            (size_t)(f->n_free - i) * sizeof(f->free[0]));
    f->free[i] = (struct fk_range){ page, count };
    f->n_free++;
    if (i + 1 < f->n_free &&
        f->free[i + 1].offset == page + f->free[i].count) {
        f->free[i].count += f->free[i + 1].count;
        memmove(&f->free[i + 1], &f->free[i + 2],
                (size_t)(f->n_free - i - 2) * sizeof(f->free[0]));
        f->n_free--;
    }
    if (i > 0 && f->free[i - 1].offset + f->free[i - 1].count == page) {
        f->free[i - 1].count += f->free[i].count;
        memmove(&f->free[i], &f->free[i + 1],
                (size_t)(f->n_free - i - 1) * sizeof(f->free[0]));
        f->n_free--;
    }
}

/* ------------------------------------------------------------------ */
/* Notifications                                                        */

static int check_notify_port(const struct xs_freebsd_gntdev_unmap_notify *n)
{
    /* copy_notify_helper: the port must name a bound event channel. */
    if ((n->action & XS_BSD_UNMAP_NOTIFY_SEND_EVENT) &&
        !fk_port_bound_anywhere(n->event_channel_port))
        return EINVAL;
    return 0;
}

/* notify(): clear the byte first, then send the event. */
static void run_notify(struct fk_notify *n, int memfd, off_t page_off)
{
    if (n->action & XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE) {
        static const unsigned char zero;

        if (memfd >= 0)
            (void)!pwrite(memfd, &zero, 1,
                          page_off + (off_t)(n->offset & (FK_PAGE - 1)));
        fk_log_notify(XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE, (uint64_t)n->offset, 0);
    }
    if (n->action & XS_BSD_UNMAP_NOTIFY_SEND_EVENT) {
        fk_port_signal(n->port);
        fk_log_notify(XS_BSD_UNMAP_NOTIFY_SEND_EVENT, 0, n->port);
    }
    n->action = 0;
}

/* ------------------------------------------------------------------ */
/* Allocated grants                                                     */

static void gref_destroy(int g)
{
    struct fk_gref *r = &fk.grefs[g];

    if (r->has_notify)
        run_notify(&r->notify, fk_gref_pool(),
                   (off_t)((size_t)g << FK_PAGE_SHIFT));
    memset(r, 0, sizeof(*r));
    fk.live_grant_allocs--;
}

/* gntdev_find_grefs: count grefs at consecutive offsets from index. */
static int find_grefs(const struct fk_file *f, uint64_t index, uint32_t count,
                      int *slots)
{
    uint32_t found = 0;

    do {
        int g = -1;

        for (int i = 0; i < FK_MAX_GREFS; i++) {
            if (fk.grefs[i].used && fk.grefs[i].in_tree &&
                fk.grefs[i].file_id == f->id && fk.grefs[i].index == index) {
                g = i;
                break;
            }
        }
        if (g < 0)
            return EINVAL;
        if (slots && found < count)
            slots[found] = g;
        found++;
        index += FK_PAGE;
    } while (found < count);
    return 0;
}

static int alloc_gref(struct fk_file *f,
                      struct xs_freebsd_gntdev_alloc_gref *a)
{
    int slots[FK_MAX_GREFS];
    uint64_t offset;
    uint32_t i;
    int err;

    err = get_offset(f, a->count, &offset);
    if (err)
        return err;
    if (a->count > FK_MAX_GREFS || fk_gref_pool() < 0) {
        fk_violation(FAKE_BSD_V_CAPACITY, "more than %d granted pages",
                     FK_MAX_GREFS);
        return ENOMEM;
    }
    for (i = 0; i < a->count && !err; i++) {
        static const unsigned char zero[FK_PAGE];
        int g = -1;

        for (int j = 0; j < FK_MAX_GREFS; j++) {
            if (!fk.grefs[j].used) {
                g = j;
                break;
            }
        }
        if (g < 0) {
            fk_violation(FAKE_BSD_V_CAPACITY, "more than %d granted pages",
                         FK_MAX_GREFS);
            err = ENOMEM;
            break;
        }
        /* a zeroed page, so nothing of ours leaks to the other domain */
        (void)!pwrite(fk_gref_pool(), zero, FK_PAGE,
                      (off_t)((size_t)g << FK_PAGE_SHIFT));
        fk.grefs[g] = (struct fk_gref){
            .used = 1,
            .file_id = f->id,
            .index = offset + i * FK_PAGE,
            .id = fk.next_gref++,
        };
        fk.live_grant_allocs++;
        slots[i] = g;
        if (fk.fail_grant_err && (int)i == fk.fail_grant_nth) {
            err = fk.fail_grant_err;
            fk.fail_grant_err = 0;
            i++;
            break;
        }
    }
    if (err) {
        /* The pages go to the cleanup list (never mapped: freed); the
         * file offset taken above is not given back. */
        for (uint32_t j = 0; j < i; j++)
            gref_destroy(slots[j]);
        return err;
    }
    a->index = offset;
    for (i = 0; i < a->count; i++) {
        uint32_t id = fk.grefs[slots[i]].id;

        /* suword32: a bad gref_ids pointer is silently ignored */
        (void)fk_copyout(a->gref_ids + i * sizeof(id), &id, sizeof(id));
        fk.grefs[slots[i]].in_tree = 1;
    }
    return 0;
}

static int dealloc_gref(struct fk_file *f,
                        const struct xs_freebsd_gntdev_index_count *d)
{
    int slots[FK_MAX_GREFS];
    int err;

    if (d->count > FK_MAX_GREFS)
        return EINVAL;
    err = find_grefs(f, d->index, d->count, slots);
    if (err)
        return err;
    for (uint32_t i = 0; i < d->count; i++) {
        fk.grefs[slots[i]].in_tree = 0;
        if (!fk.grefs[slots[i]].mapped)
            gref_destroy(slots[i]);
    }
    put_offset(f, d->count, d->index);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Grant maps                                                           */

static void gmap_free(int g)
{
    free(fk.gmaps[g].dom);
    free(fk.gmaps[g].ref);
    memset(&fk.gmaps[g], 0, sizeof(fk.gmaps[g]));
}

static int find_gmap(const struct fk_file *f, uint64_t index, uint32_t count)
{
    for (int g = 0; g < FK_MAX_GMAPS; g++) {
        const struct fk_gmap *m = &fk.gmaps[g];

        if (m->used && m->in_tree && m->file_id == f->id &&
            m->index == index && m->count == count)
            return g;
    }
    return -1;
}

static int map_grant_ref(struct fk_file *f,
                         struct xs_freebsd_gntdev_map_grant_ref *m)
{
    struct xs_bsd_grant_ref r;
    struct fk_gmap *g = NULL;
    int slot = -1, err;

    for (int i = 0; i < FK_MAX_GMAPS; i++) {
        if (!fk.gmaps[i].used) {
            slot = i;
            g = &fk.gmaps[i];
            break;
        }
    }
    if (!g) {
        fk_violation(FAKE_BSD_V_CAPACITY, "more than %d grant maps",
                     FK_MAX_GMAPS);
        return ENOMEM;
    }
    memset(g, 0, sizeof(*g));
    g->dom = calloc(m->count ? m->count : 1, sizeof(uint32_t));
    g->ref = calloc(m->count ? m->count : 1, sizeof(uint32_t));
    if (!g->dom || !g->ref) {
        gmap_free(slot);
        return ENOMEM;
    }
    /* refs by pointer, copied in before an offset is taken */
    for (uint32_t i = 0; i < m->count; i++) {
        err = fk_copyin(&r, m->refs + i * sizeof(r), sizeof(r));
        if (err) {
            gmap_free(slot);
            return err;
        }
        g->dom[i] = r.domid;
        g->ref[i] = r.ref;
    }
    err = get_offset(f, m->count, &g->index);
    if (err) {
        gmap_free(slot);
        return err;
    }
    g->used = 1;
    g->file_id = f->id;
    g->count = m->count;
    g->in_tree = 1;
    g->obj = -1;
    m->index = g->index;
    return 0;
}

/* The driver drops its own reference to a grant map's pager. */
static void gmap_release(int g)
{
    struct fk_gmap *m = &fk.gmaps[g];

    m->in_tree = 0;
    if (m->obj < 0) {
        gmap_free(g); /* never mapped: nothing to undo */
        return;
    }
    fk.objs[m->obj].hold = 0;
    if (fk.objs[m->obj].refs <= 0) {
        fk.objs[m->obj].refs = 1;
        fk_obj_unref(m->obj); /* destroys it: fk_fb_obj_gone */
    }
}

static int unmap_grant_ref(struct fk_file *f,
                           const struct xs_freebsd_gntdev_index_count *u)
{
    int g = find_gmap(f, u->index, u->count);

    if (g < 0)
        return EINVAL;
    gmap_release(g);
    put_offset(f, u->count, u->index);
    return 0;
}

static int
get_offset_for_vaddr(struct xs_freebsd_gntdev_get_offset_for_vaddr *q)
{
    int v = fk_vma_at((uintptr_t)q->vaddr);
    const struct fk_gmap *m;

    if (v < 0 || fk.vmas[v].obj < 0 ||
        fk.objs[fk.vmas[v].obj].kind != FK_OBJ_FB_GMAP)
        return EINVAL; /* allocated grants: EINVAL too */
    m = &fk.gmaps[fk.objs[fk.vmas[v].obj].gmap];
    if (fk.vmas[v].len != (size_t)m->count << FK_PAGE_SHIFT)
        return EINVAL;
    q->offset = m->index;
    q->count = m->count;
    return 0;
}

static int set_unmap_notify(struct fk_file *f,
                            const struct xs_freebsd_gntdev_unmap_notify *n)
{
    struct fk_notify nn = { n->action, (int64_t)n->index,
                            n->event_channel_port };
    int slot, err;

    if (n->action & ~(uint32_t)(XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE |
                                XS_BSD_UNMAP_NOTIFY_SEND_EVENT))
        return EINVAL;
    if (find_grefs(f, n->index & ~(uint64_t)(FK_PAGE - 1), 1, &slot) == 0) {
        err = check_notify_port(n);
        if (!err) {
            fk.grefs[slot].notify = nn;
            fk.grefs[slot].has_notify = 1;
        }
        return err;
    }
    for (int g = 0; g < FK_MAX_GMAPS; g++) {
        struct fk_gmap *m = &fk.gmaps[g];

        if (m->used && m->in_tree && m->file_id == f->id &&
            n->index >= m->index &&
            n->index - m->index < ((uint64_t)m->count << FK_PAGE_SHIFT)) {
            err = check_notify_port(n);
            if (!err) {
                m->notify = nn;
                m->has_notify = 1;
            }
            return err;
        }
    }
    return EINVAL;
}

int fk_fb_gntdev_ioctl(struct fk_file *f, unsigned long req, void *karg)
{
    switch (req) {
    case XS_FREEBSD_IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
        return set_unmap_notify(f, karg);
    case XS_FREEBSD_IOCTL_GNTDEV_ALLOC_GREF:
        return alloc_gref(f, karg);
    case XS_FREEBSD_IOCTL_GNTDEV_DEALLOC_GREF:
        return dealloc_gref(f, karg);
    case XS_FREEBSD_IOCTL_GNTDEV_MAP_GRANT_REF:
        return map_grant_ref(f, karg);
    case XS_FREEBSD_IOCTL_GNTDEV_UNMAP_GRANT_REF:
        return unmap_grant_ref(f, karg);
    case XS_FREEBSD_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
        return get_offset_for_vaddr(karg);
    default:
        return ENOSYS; /* no GRANT_COPY, dma-buf or SET_MAX_GRANTS */
    }
}

/* ------------------------------------------------------------------ */
/* mmap                                                                 */

static int map_status(uint32_t dom, uint32_t ref)
{
    int st = fk.cfg.map_grant ? fk.cfg.map_grant(dom, ref) : GNTST_okay;

    /* "Retry EAGAIN maps": up to 255 more tries, then a bad page. */
    for (int delay = 1; delay < 256 && st == GNTST_eagain; delay++)
        st = fk.cfg.map_grant(dom, ref);
    return st == GNTST_eagain ? GNTST_bad_page : st;
}

static int mmap_gmap(int g, uintptr_t addr, size_t len, int prot, int flags,
                     uintptr_t *out)
{
    struct fk_gmap *m = &fk.gmaps[g];
    int obj = m->obj;

    if (obj < 0) {
        /* First mmap(): the map hypercall, all or nothing. */
        int ro = !(prot & PROT_WRITE), mapped = 0;

        for (uint32_t i = 0; i < m->count; i++) {
            if (map_status(m->dom[i], m->ref[i]) != GNTST_okay) {
                /*
                 * The pager is torn down at once; grants that did map are
                 * unmapped, which runs a notification set earlier.
                 */
                if (mapped && m->has_notify)
                    run_notify(&m->notify, -1, 0);
                return EINVAL;
            }
            mapped++;
        }
        obj = fk_obj_new(FK_OBJ_FB_GMAP, m->count,
                         ro ? PROT_READ : PROT_READ | PROT_WRITE);
        if (obj < 0)
            return ENOMEM;
        fk.objs[obj].gmap = g;
        fk.objs[obj].hold = 1; /* until UNMAP_GRANT_REF or close */
        for (uint32_t i = 0; i < m->count; i++)
            fk_page_fill(obj, i, FAKE_BSD_GRANT_TAG(m->dom[i], m->ref[i]));
        m->obj = obj;
        fk.live_grant_maps += (int)m->count;
    }
    /* A read-only grant map stays read-only however it is mapped. */
    if (!(fk.objs[obj].prot & PROT_WRITE))
        prot &= ~PROT_WRITE;
    return fk_map_obj(addr, flags & MAP_FIXED, len, prot, obj, 0, out);
}

int fk_fb_gntdev_mmap(struct fk_file *f, uintptr_t addr, size_t len, int prot,
                      int flags, uint64_t offset, uintptr_t *out)
{
    uint32_t count = (uint32_t)(len >> FK_PAGE_SHIFT);
    int slots[FK_MAX_GREFS];
    int g;

    if (count <= FK_MAX_GREFS && find_grefs(f, offset, count, slots) == 0) {
        int obj, err;

        /* mmap_gref: each page may belong to one mapping only */
        for (uint32_t i = 0; i < count; i++) {
            if (fk.grefs[slots[i]].mapped)
                return EINVAL;
        }
        obj = fk_obj_new(FK_OBJ_FB_GREFS, count, prot);
        if (obj < 0)
            return ENOMEM;
        fk.objs[obj].grefs = malloc(count * sizeof(int));
        if (!fk.objs[obj].grefs) {
            fk_obj_unref(obj);
            return ENOMEM;
        }
        memcpy(fk.objs[obj].grefs, slots, count * sizeof(int));
        for (uint32_t i = 0; i < count; i++)
            fk.grefs[slots[i]].mapped = 1;
        err = fk_map_obj(addr, flags & MAP_FIXED, len, prot, obj, 0, out);
        if (err)
            fk_obj_unref(obj);
        return err;
    }
    g = find_gmap(f, offset, count);
    if (g >= 0)
        return mmap_gmap(g, addr, len, prot, flags, out);
    return EINVAL;
}

/* ------------------------------------------------------------------ */
/* Teardown                                                             */

void fk_fb_gntdev_close(struct fk_file *f)
{
    /* per_user_data_dtor: everything goes to the cleanup lists; it is
     * freed (and notified) once nothing maps it any more. */
    for (int i = 0; i < FK_MAX_GREFS; i++) {
        struct fk_gref *r = &fk.grefs[i];

        if (r->used && r->in_tree && r->file_id == f->id) {
            r->in_tree = 0;
            if (!r->mapped)
                gref_destroy(i);
        }
    }
    for (int g = 0; g < FK_MAX_GMAPS; g++) {
        if (fk.gmaps[g].used && fk.gmaps[g].in_tree &&
            fk.gmaps[g].file_id == f->id)
            gmap_release(g);
    }
}

void fk_fb_obj_gone(struct fk_obj *o, int obj)
{
    (void)obj;
    if (o->kind == FK_OBJ_FB_GREFS && o->grefs) {
        for (size_t i = 0; i < o->npages; i++) {
            int g = o->grefs[i];

            fk.grefs[g].mapped = 0;
            if (!fk.grefs[g].in_tree)
                gref_destroy(g);
        }
    } else if (o->kind == FK_OBJ_FB_GMAP && o->gmap >= 0) {
        struct fk_gmap *m = &fk.gmaps[o->gmap];

        /* notify_unmap_cleanup: the byte is in page (index - start) */
        if (m->has_notify)
            run_notify(&m->notify, o->memfd,
                       (off_t)((((uint64_t)m->notify.offset - m->index) >>
                                FK_PAGE_SHIFT)
                               << FK_PAGE_SHIFT));
        fk.live_grant_maps -= (int)m->count;
        m->obj = -1;
        if (!m->in_tree)
            gmap_free(o->gmap);
    }
}
