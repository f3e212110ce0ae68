/*
 * osdep/linux/foreignmemory.c - foreign mappings through Linux privcmd.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Mapping model: one shared mmap() of the privcmd device reserves the
 * whole range, then IOCTL_PRIVCMD_MMAPBATCH(_V2) fills it.  The kernel
 * requires the first MMAPBATCH on a fresh privcmd VMA to cover that VMA
 * exactly (later calls may only fill holes), so a batch cannot be split
 * into several ioctls over one mmap: every batch is one ioctl, whatever
 * its size (the API layer caps it at the 32-bit num field).  The kernel
 * copies the frame array in page-sized pieces, so a large batch costs it
 * no large allocation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "xen-linux-uapi.h"
#include "privcmd.h"
#include "foreignmemory_private.h"

#define CTX "xenforeignmemory"

/*
 * Paged-out frames: the kernel answers ENOENT until the pager brings
 * them back.  Upstream retries forever every 100 us; we back off from
 * 100 us to 100 ms and give up after about one second in total, leaving
 * -ENOENT in the frame's err slot (so err == NULL callers get ENOENT).
 */
#define RETRY_FIRST_US   100u
#define RETRY_MAX_US     100000u
#define RETRY_BUDGET_US  1000000u

struct backoff {
    unsigned int next_us;
    unsigned int spent_us;
};

/* Sleep before the next retry; false once the budget is used up. */
static int backoff_wait(struct backoff *b)
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
     * No IOCTL_PRIVCMD_UNIMPLEMENTED probe here (upstream makes one):
     * its answer only matters when resource mapping fails, so it is
     * asked then, once (see unimpl_errno).
     */
    return xs__privcmd_open();
}

static int mmapbatch_v2(int fd, uint32_t dom, char *addr, size_t num,
                        const xen_pfn_t *arr, int *err)
{
    struct xs_privcmd_mmapbatch_v2 b = {
        .num = (unsigned int)num,
        .dom = (domid_t)dom,
        .addr = (uint64_t)(uintptr_t)addr,
        .arr = arr,
        .err = err,
    };

    /* 0 or -errno */
    return xs_sys_rc(xs_sys_ioctl(fd, XS_IOCTL_PRIVCMD_MMAPBATCH_V2, &b));
}

/*
 * After ENOENT: re-issue the batch for each run of -ENOENT entries
 * until none is left, another error occurs or the time budget is used.
 */
static int retry_paged_v2(xenforeignmemory_handle *fmem, uint32_t dom,
                          char *base, size_t num, const xen_pfn_t *arr,
                          int *err)
{
    struct backoff b = { 0, 0 };

    for (;;) {
        int again = 0;

        if (!backoff_wait(&b))
            return 0;           /* give up; -ENOENT stays in err[] */
        for (size_t i = 0; i < num; ) {
            size_t run;

            if (err[i] != -ENOENT) {
                i++;
                continue;
            }
            for (run = 1; i + run < num && err[i + run] == -ENOENT; run++)
                ;
            int r = mmapbatch_v2(fmem->fd, dom,
                                 base + (i << XS_PAGE_SHIFT), run, arr + i,
                                 err + i);

            if (r < 0) {
                if (r != -ENOENT)
                    return r;
                again = 1;
            }
            i += run;
        }
        if (!again)
            return 0;
    }
}

static int mmapbatch_v1(int fd, uint32_t dom, char *addr, size_t num,
                        xen_pfn_t *arr)
{
    struct xs_privcmd_mmapbatch b = {
        .num = (int)num,
        .dom = (domid_t)dom,
        .addr = (uint64_t)(uintptr_t)addr,
        .arr = arr,
    };

    /* 0 or -errno; a failed frame's slot in arr is marked either way */
    return xs_sys_rc(xs_sys_ioctl(fd, XS_IOCTL_PRIVCMD_MMAPBATCH, &b));
}

/*
 * Kernels without MMAPBATCH_V2: version 1 reports a frame's failure by
 * OR-ing an error pattern into its slot of the (scratch) frame array:
 * PAGED_ERROR for a paged-out frame (retried one by one), anything else
 * means the frame could not be mapped (-EINVAL, as upstream).
 */
static int map_v1(xenforeignmemory_handle *fmem, uint32_t dom, char *base,
                  size_t num, const xen_pfn_t *arr, int *err)
{
    xen_pfn_t *scratch;
    int rc;

    if (num > INT_MAX)
        return -EINVAL;
    scratch = malloc(num * sizeof(*scratch));   /* checked by the caller */
    if (!scratch)
        return -ENOMEM;
    memcpy(scratch, arr, num * sizeof(*scratch));

    rc = mmapbatch_v1(fmem->fd, dom, base, num, scratch);
    if (rc < 0 && rc != -ENOENT)
        goto out;
    rc = 0;
    for (size_t i = 0; i < num; i++) {
        xen_pfn_t diff = scratch[i] ^ arr[i];

        if (diff == 0) {
            err[i] = 0;
        } else if (diff == XS_PRIVCMD_MMAPBATCH_PAGED_ERROR) {
            struct backoff b = { 0, 0 };

            err[i] = -ENOENT;
            while (backoff_wait(&b)) {
                xen_pfn_t one = arr[i], d;

                rc = mmapbatch_v1(fmem->fd, dom, base + (i << XS_PAGE_SHIFT),
                                  1, &one);
                if (rc < 0 && rc != -ENOENT)
                    goto out;
                rc = 0;
                d = one ^ arr[i];
                if (d != XS_PRIVCMD_MMAPBATCH_PAGED_ERROR) {
                    err[i] = d ? -EINVAL : 0;
                    break;
                }
            }
        } else {
            err[i] = -EINVAL;
        }
    }
out:
    free(scratch);
    return rc;
}

int osdep_xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
                               void *addr, int prot, int flags, size_t num,
                               const xen_pfn_t arr[], int err[], void **out)
{
    size_t bytes = num << XS_PAGE_SHIFT;        /* checked by the caller */
    void *mapped;
    char *base;
    int rc;

    rc = xs_sys_mmap(addr, bytes, prot, flags | MAP_SHARED, fmem->fd, 0,
                     &mapped);
    if (rc < 0) {
        xtl_log(fmem->logger, XTL_ERROR, -rc, CTX,
                "mmap of %zu pages failed", num);
        return rc;
    }
    base = mapped;

    rc = mmapbatch_v2(fmem->fd, dom, base, num, arr, err);
    if (rc == -ENOENT)
        rc = retry_paged_v2(fmem, dom, base, num, arr, err);
    else if (rc == -EINVAL)
        rc = map_v1(fmem, dom, base, num, arr, err);
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
    return xs_sys_rc(xs_sys_ioctl(fmem->fd, XS_IOCTL_PRIVCMD_RESTRICT,
                                  &domid));
}

/*
 * Does err mean "this driver has no such ioctl"?  The driver's answer
 * to an ioctl it cannot know is learnt once, the first time it matters.
 */
static int is_unimplemented(xenforeignmemory_handle *fmem, int err)
{
    if (fmem->unimpl_errno == 0) {
        int64_t r = xs_sys_ioctl(fmem->fd, XS_IOCTL_PRIVCMD_UNIMPLEMENTED,
                                 NULL);

        /* r >= 0: a broken driver that accepts anything */
        fmem->unimpl_errno = r < 0 ? (int)-r : -1;
    }
    return fmem->unimpl_errno == err;
}

int osdep_xenforeignmemory_map_resource(xenforeignmemory_handle *fmem,
                                        xenforeignmemory_resource_handle *fres)
{
    struct xs_privcmd_mmap_resource r = {
        .dom = fres->domid,
        .type = fres->type,
        .id = fres->id,
        .idx = (uint32_t)fres->frame,
        .num = fres->nr_frames,
    };
    size_t bytes = fres->nr_frames << XS_PAGE_SHIFT;    /* checked */
    int query = fres->addr == NULL && fres->nr_frames == 0;

    int64_t rc;

    if (!query) {
        void *p;

        rc = xs_sys_mmap(fres->addr, bytes, fres->prot,
                         fres->flags | MAP_SHARED, fmem->fd, 0, &p);
        if (rc < 0) {
            xtl_log(fmem->logger, XTL_ERROR, (int)-rc, CTX, "mmap failed");
            return (int)rc;
        }
        fres->addr = p;
        r.addr = (uint64_t)(uintptr_t)p;
    }

    rc = xs_sys_ioctl(fmem->fd, XS_IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
    if (rc < 0) {
        int e = (int)-rc;

        /*
         * QEMU falls back to legacy ioreq pages on exactly EOPNOTSUPP, so
         * "not supported" is reported that way whoever lacks the feature:
         * the kernel (its unknown-ioctl errno) or Xen (a hypervisor
         * without XENMEM_acquire_resource answers ENOSYS; upstream passes
         * that through and QEMU then fails instead of falling back).
         */
        if (e == ENOSYS || is_unimplemented(fmem, e))
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

int osdep_xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
                                          xenforeignmemory_resource_handle *fres)
{
    (void)fmem;
    if (!fres->addr)
        return 0;
    return xs_sys_munmap(fres->addr, fres->nr_frames << XS_PAGE_SHIFT);
}
