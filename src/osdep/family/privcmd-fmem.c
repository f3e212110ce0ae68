/*
 * family/privcmd-fmem.c - foreign mappings through privcmd (privcmd.h):
 * Linux, FreeBSD and NetBSD.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Mapping model: the whole range is reserved first -- an mmap() of the
 * privcmd device (Linux, FreeBSD), or anonymous memory the kernel then
 * replaces (NetBSD) -- and one batch request fills it.  Linux and FreeBSD
 * insist that the first batch on a fresh mapping covers it exactly, so a
 * batch is never split into several requests, whatever its size (the API
 * layer caps it at the 32-bit count; the kernels copy the frame array in
 * pieces).  Per-frame results reach the caller as 0 or -errno on every
 * OS: FreeBSD's positive ones are negated here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/privcmd.h"
#include "foreignmemory_private.h"
#include "privcmd-os.h"

#define CTX "xenforeignmemory"

/*
 * Paged-out frames: Xen answers ENOENT until the pager brings them back.
 * Upstream (Linux) retries forever every 100 us; we back off from 100 us
 * to 100 ms and give up after about one second in total, leaving -ENOENT
 * in the frame's err slot (so err == NULL callers get ENOENT).
 */
#define RETRY_FIRST_US  100u
#define RETRY_MAX_US    100000u
#define RETRY_BUDGET_US 1000000u

int xs__privcmd_backoff_wait(struct xs_privcmd_backoff *b)
{
    if (b->spent_us >= RETRY_BUDGET_US)
        return 0;
    if (b->next_us == 0)
        b->next_us = RETRY_FIRST_US;
    xs_sys_usleep(b->next_us);
    b->spent_us += b->next_us;
    b->next_us = b->next_us * 2 > RETRY_MAX_US ? RETRY_MAX_US : b->next_us * 2;
    return 1;
}

int osdep_xenforeignmemory_open(xenforeignmemory_handle *fmem)
{
    (void)fmem;
    /*
     * No unknown-request probe here (upstream's Linux backend makes one):
     * its answer only matters when resource mapping fails, so it is
     * asked then, once (xs__pc_unknown_request).
     */
    return xs__privcmd_open(NULL);
}

/* The caller's sharing choice: the kernels map privcmd only shared. */
static int shared_flags(int flags)
{
    return (flags & ~MAP_PRIVATE) | MAP_SHARED;
}

/*
 * Reserve bytes at addr (a hint, or fixed with MAP_FIXED) for a batch or
 * resource request to fill: 0 with *out, or -errno.
 */
static int reserve(xenforeignmemory_handle *fmem, void *addr, size_t bytes,
                   int prot, int flags, void **out)
{
    int fd = XS_PC_RESERVE_ANON ? -1 : fmem->fd;

    if (XS_PC_RESERVE_ANON)
        flags |= MAP_ANONYMOUS;
    return xs_sys_mmap(addr, bytes, prot, shared_flags(flags), fd, 0, out);
}

/* Frames of err[] the pager still has out. */
static int any_paged(const int *err, size_t num)
{
    for (size_t i = 0; i < num; i++) {
        if (err[i] == -ENOENT)
            return 1;
    }
    return 0;
}

/* One batch request over [addr, addr + num pages): 0 or -errno, err[]
 * holding 0 or -errno per frame. */
static int batch(int fd, uint16_t dom, char *addr, size_t num,
                 const xen_pfn_t *arr, int *err)
{
    xs_pc_batch_t b;
    int rc;

    xs__pc_batch_set(&b, dom, addr, num, arr, err);
    rc = xs_sys_rc(xs_sys_ioctl(fd, XS_PC_IOCTL_BATCH, &b));
    /* Linux fails a batch with a paged-out frame, but marks every frame */
    if (rc == 0 || rc == -ENOENT) {
        for (size_t i = 0; i < num; i++)
            err[i] = xs__pc_batch_err(err[i]);
    }
    return rc;
}

/*
 * Re-issue the frames still paged out until none is left, another error
 * occurs or the time budget is used: each run of them on its own, or the
 * whole range where the kernel takes only whole mappings (the frames
 * already mapped are mapped again: the same answer).
 */
static int retry_paged(xenforeignmemory_handle *fmem, uint16_t dom, char *base,
                       size_t num, const xen_pfn_t *arr, int *err)
{
    struct xs_privcmd_backoff b = { 0, 0 };

    do {
        if (!xs__privcmd_backoff_wait(&b))
            return 0; /* give up; -ENOENT stays in err[] */
        for (size_t i = 0; i < num;) {
            size_t run = num - i;
            int r;

            if (!XS_PC_BATCH_WHOLE) {
                if (err[i] != -ENOENT) {
                    i++;
                    continue;
                }
                for (run = 1; i + run < num && err[i + run] == -ENOENT; run++)
                    ;
            }
            r = batch(fmem->fd, dom, base + (i << XS_PAGE_SHIFT), run, arr + i,
                      err + i);
            if (r < 0 && r != -ENOENT)
                return r;
            i += run;
        }
    } while (any_paged(err, num));
    return 0;
}

int osdep_xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
                               void *addr, int prot, int flags, size_t num,
                               const xen_pfn_t arr[], int err[], void **out)
{
    size_t bytes = num << XS_PAGE_SHIFT; /* checked by the caller */
    void *mapped;
    char *base;
    int rc;

    if (num > XS_PC_BATCH_MAX)
        return -EINVAL;
    rc = reserve(fmem, addr, bytes, prot, flags, &mapped);
    if (rc < 0) {
        xtl_log(fmem->logger, XTL_ERROR, -rc, CTX, "mmap of %zu pages failed",
                num);
        return rc;
    }
    base = mapped;

    rc = batch(fmem->fd, (uint16_t)dom, base, num, arr, err);
    /*
     * A paged-out frame: Linux fails the request with ENOENT, the BSDs
     * only mark the frame.  A request that failed with ENOENT and marked
     * no frame (not from a kernel) still goes through one retry round.
     */
    if (rc == -ENOENT || (rc == 0 && any_paged(err, num)))
        rc = retry_paged(fmem, (uint16_t)dom, base, num, arr, err);
    else if (rc < 0)
        rc = xs__pc_batch_fallback(fmem, (uint16_t)dom, base, num, arr, err,
                                   rc);
    if (rc < 0) {
        xtl_log(fmem->logger, XTL_ERROR, -rc, CTX,
                "mapping %zu frames of domain %u failed", num, dom);
        xs_sys_munmap(base, bytes);
        return rc;
    }
    *out = base;
    return 0;
}

int osdep_xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr,
                                 size_t num)
{
    (void)fmem;
    return xs_sys_munmap(addr, num << XS_PAGE_SHIFT);
}

int osdep_xenforeignmemory_restrict(xenforeignmemory_handle *fmem,
                                    domid_t domid)
{
    return xs__privcmd_restrict(fmem->fd, domid);
}

/*
 * The resource request, by the number this kernel knows: the numbers are
 * tried in order while the answer is ENOSYS (a kernel's "no such
 * request", which never remaps anything), and the one that worked is
 * kept.  A size query goes only to the numbers that can answer it.
 */
static int resource_ioctl(xenforeignmemory_handle *fmem, xs_pc_resource_t *r,
                          int query)
{
    static const unsigned long reqs[] = XS_PC_IOCTLS_RESOURCE;
    size_t n = query ? XS_PC_RESOURCE_QUERY_IOCTLS : XS_ARRAY_SIZE(reqs);
    int known = __atomic_load_n(&fmem->resource_req, __ATOMIC_RELAXED);
    int rc = -ENOSYS;

    for (size_t i = known ? (size_t)known - 1 : 0; i < n; i++) {
        rc = xs_sys_rc(xs_sys_ioctl(fmem->fd, reqs[i], r));
        if (rc == 0)
            __atomic_store_n(&fmem->resource_req, (int)i + 1,
                             __ATOMIC_RELAXED);
        if (rc != -ENOSYS || known)
            break;
    }
    return rc;
}

int osdep_xenforeignmemory_map_resource(xenforeignmemory_handle *fmem,
                                        xenforeignmemory_resource_handle *fres)
{
    xs_pc_resource_t r = {
        .dom = fres->domid,
        .type = fres->type,
        .id = fres->id,
        .idx = (uint32_t)fres->frame,
        .num = fres->nr_frames,
    };
    size_t bytes = fres->nr_frames << XS_PAGE_SHIFT; /* checked */
    int query = fres->addr == NULL && fres->nr_frames == 0;
    int rc;

    /* A kernel that cannot tell a resource's size (NetBSD's EINVAL). */
    if (query && XS_PC_RESOURCE_QUERY_IOCTLS == 0)
        return -EOPNOTSUPP;
    if (!query) {
        void *p;

        rc = reserve(fmem, fres->addr, bytes, fres->prot, fres->flags, &p);
        if (rc < 0) {
            xtl_log(fmem->logger, XTL_ERROR, -rc, CTX, "mmap failed");
            return rc;
        }
        fres->addr = p;
        r.addr = (uint64_t)(uintptr_t)p;
    }

    rc = resource_ioctl(fmem, &r, query);
    if (rc < 0) {
        int e = -rc;

        /*
         * QEMU falls back to legacy ioreq pages on exactly EOPNOTSUPP, so
         * "not supported" is reported that way whoever lacks the feature:
         * the kernel (its unknown-request errno) or Xen (a hypervisor
         * without XENMEM_acquire_resource answers ENOSYS; upstream passes
         * that through and QEMU then fails instead of falling back).
         */
        if (e == ENOSYS || xs__pc_unknown_request(fmem, e))
            e = EOPNOTSUPP;
        /*
         * Not logged: upstream's Linux library only sets errno here, and
         * callers probe with expected failures (Debian's test-resource
         * maps a v1 domain's status frames to see EINVAL); a log line
         * would put stderr noise into programs that run cleanly upstream.
         */
        if (!query) {
            xs_sys_munmap(fres->addr, bytes);
            fres->addr = NULL;
        }
        return -e;
    }
    if (query)
        fres->nr_frames = r.num;
    return 0;
}

int osdep_xenforeignmemory_unmap_resource(
    xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres)
{
    (void)fmem;
    if (!fres->addr)
        return 0;
    return xs_sys_munmap(fres->addr, fres->nr_frames << XS_PAGE_SHIFT);
}
