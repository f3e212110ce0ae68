/*
 * foreignmemory.c - libxenforeignmemory API layer: handle lifecycle,
 * argument and overflow checks, the err == NULL convention, resource
 * handles.  The kernel access is in osdep/<os>/foreignmemory.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "foreignmemory_private.h"

static int fmem_restrict_fn(struct xs_handle *h, domid_t domid)
{
    return osdep_xenforeignmemory_restrict((xenforeignmemory_handle *)h,
                                           domid);
}

static const struct xs_handle_type fmem_type = {
    .size = sizeof(struct xenforeignmemory_handle),
    .restrict_fn = fmem_restrict_fn,
    .log_context = "xenforeignmemory",
    .open_error = "failed to open the privcmd device",
};

XS_API xenforeignmemory_handle *
xenforeignmemory_open(xentoollog_logger *logger, unsigned open_flags)
{
    xenforeignmemory_handle *fmem;

    (void)open_flags;           /* upstream ignores them too */
    fmem = xs__handle_new(&fmem_type, logger);
    if (!fmem)
        return NULL;
    return xs__handle_opened(fmem, osdep_xenforeignmemory_open(fmem));
}

XS_API int xenforeignmemory_close(xenforeignmemory_handle *fmem)
{
    return xs__handle_close(fmem);
}

/* Checks shared by map and unmap: a count the kernel can take. */
static int check_pages(size_t pages)
{
    size_t bytes;

    /*
     * 0 pages: upstream's mmap(len 0) fails with EINVAL; answer the same
     * without the system call.  The MMAPBATCH num field is 32 bits wide,
     * and the whole range must go to the kernel in one ioctl (see
     * osdep/linux/foreignmemory.c), so larger counts cannot be mapped.
     */
    if (pages == 0 || pages > UINT_MAX || xs__pages_to_bytes(pages, &bytes))
        return -EINVAL;
    return 0;
}

XS_API void *xenforeignmemory_map2(xenforeignmemory_handle *fmem,
                                   uint32_t dom, void *addr, int prot,
                                   int flags, size_t pages,
                                   const xen_pfn_t arr[], int err[])
{
    int *errs = err, rc;
    void *p = NULL;

    rc = check_pages(pages);
    if (rc < 0)
        return xs__ret_ptr(NULL, rc);
    /*
     * The kernel's batch carries a 16-bit domid: a wider dom would be
     * truncated into some other domain (0x10000 is dom0).  Upstream
     * passes it on; we refuse it (docs/security.md).
     */
    if (dom > UINT16_MAX)
        return xs__ret_ptr(NULL, -EINVAL);

    if (!err) {
        /* cannot overflow: pages << XS_PAGE_SHIFT fits in size_t */
        errs = malloc(pages * sizeof(*errs));
        if (!errs)
            return xs__ret_ptr(NULL, -ENOMEM);
    }

    rc = osdep_xenforeignmemory_map(fmem, dom, addr, prot, flags, pages,
                                    arr, errs, &p);
    if (rc == 0 && !err) {
        /*
         * Without an err array the caller cannot see partial failure:
         * any failed frame fails the whole call with its errno.
         */
        for (size_t i = 0; i < pages; i++) {
            if (errs[i]) {
                /*
                 * The kernel stores -errno; anything outside the errno
                 * range (INT_MIN would overflow on negation) is EIO
                 * (found by fuzz-driver).
                 */
                int e = errs[i] < 0 ? errs[i] : -errs[i];

                rc = (errs[i] == INT_MIN || e < -4095) ? -EIO : e;
                osdep_xenforeignmemory_unmap(fmem, p, pages);
                p = NULL;
                break;
            }
        }
    }
    if (!err)
        free(errs);
    return xs__ret_ptr(p, rc);
}

XS_API void *xenforeignmemory_map(xenforeignmemory_handle *fmem,
                                  uint32_t dom, int prot, size_t pages,
                                  const xen_pfn_t arr[], int err[])
{
    return xenforeignmemory_map2(fmem, dom, NULL, prot, 0, pages, arr, err);
}

XS_API int xenforeignmemory_unmap(xenforeignmemory_handle *fmem,
                                  void *addr, size_t pages)
{
    size_t bytes;

    /*
     * munmap() of a length that wrapped would unmap the wrong range; the
     * BSDs' munmap() rounds an unaligned address down and would take the
     * page after the mapping too (Linux's answers EINVAL): refused first,
     * everywhere, as xengnttab_unmap() does.
     */
    if (pages == 0 || ((uintptr_t)addr & (XS_PAGE_SIZE - 1)) ||
        xs__pages_to_bytes(pages, &bytes))
        return xs__ret(-EINVAL);
    return xs__ret(osdep_xenforeignmemory_unmap(fmem, addr, pages));
}

XS_API int xenforeignmemory_restrict(xenforeignmemory_handle *fmem,
                                     domid_t domid)
{
    return xs__ret(osdep_xenforeignmemory_restrict(fmem, domid));
}

XS_API xenforeignmemory_resource_handle *
xenforeignmemory_map_resource(xenforeignmemory_handle *fmem, domid_t domid,
                              unsigned int type, unsigned int id,
                              unsigned long frame, unsigned long nr_frames,
                              void **paddr, int prot, int flags)
{
    xenforeignmemory_resource_handle *fres;
    size_t bytes;
    int rc;

    /* Only the sharing type may be chosen: the mapping is always shared. */
    if (flags & ~(MAP_SHARED | MAP_PRIVATE))
        return xs__ret_ptr(NULL, -EINVAL);
    /*
     * The kernel's idx field is 32 bits; nr_frames << 12 must fit.  (A
     * size query, *paddr == NULL with nr_frames == 0, passes trivially.)
     */
    if (frame > UINT32_MAX || xs__pages_to_bytes(nr_frames, &bytes))
        return xs__ret_ptr(NULL, -EINVAL);

    fres = calloc(1, sizeof(*fres));
    if (!fres)
        return xs__ret_ptr(NULL, -ENOMEM);
    fres->domid = domid;
    fres->type = type;
    fres->id = id;
    fres->frame = frame;
    fres->nr_frames = nr_frames;
    fres->addr = *paddr;
    fres->prot = prot;
    fres->flags = flags;

    rc = osdep_xenforeignmemory_map_resource(fmem, fres);
    if (rc < 0) {
        free(fres);
        return xs__ret_ptr(NULL, rc);
    }
    *paddr = fres->addr;
    return fres;
}

XS_API int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
                                           xenforeignmemory_resource_handle *fres)
{
    int rc;

    if (!fres)
        return 0;
    rc = osdep_xenforeignmemory_unmap_resource(fmem, fres);
    free(fres);
    return xs__ret(rc);
}

XS_API int xenforeignmemory_resource_size(xenforeignmemory_handle *fmem,
                                          domid_t domid, unsigned int type,
                                          unsigned int id, size_t *size)
{
    xenforeignmemory_resource_handle fres = {
        .domid = domid, .type = type, .id = id,
    };
    int rc;

    rc = osdep_xenforeignmemory_map_resource(fmem, &fres);
    if (rc < 0)
        return xs__ret(rc);
    /*
     * Xen 4.17 answers a size query it cannot serve (an unknown resource
     * type) with success and its error code in the 32-bit frame count:
     * 0xffffffa1 is -EOPNOTSUPP.  No resource comes near 2^32 - 4096
     * frames, so such a count is that error, not a size
     * (docs/api/foreignmemory.md, "Per Xen version").
     */
    if (fres.nr_frames > UINT32_MAX - 4095 && fres.nr_frames <= UINT32_MAX)
        return xs__ret(-(int)(UINT32_MAX - fres.nr_frames + 1));
    if (xs__pages_to_bytes(fres.nr_frames, size))
        return xs__ret(-EOVERFLOW);
    return 0;
}
