/*
 * gnttab.c - libxengnttab's mapping side (xengnttab_*): argument
 * checks and errno conversion (the handle's life cycle, shared by both
 * sides, is in gntdev_handle.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdlib.h>

#include "xs_internal.h"
#include "xtl_private.h"
#include "gnttab_private.h"

XS_API xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger,
                                        unsigned open_flags)
{
    (void)open_flags;       /* ignored, as upstream */
    return xs__gntdev_open(logger, osdep_gnttab_open);
}

XS_API int xengnttab_close(xengnttab_handle *xgt)
{
    return xs__handle_close(xgt);
}

XS_API int xengnttab_fd(xengnttab_handle *xgt)
{
    return xgt->fd;
}

XS_API int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
    return xs__ret(osdep_gnttab_set_max_grants(xgt, nr_grants));
}

/* The one path behind all four map calls. */
static void *grant_map(xengnttab_handle *xgt, uint32_t count,
                       const uint32_t *domids, uint32_t domids_stride,
                       const uint32_t *refs, int prot,
                       uint32_t notify_offset, evtchn_port_t notify_port)
{
    struct xs_gnt_mapping *node;
    size_t bytes;
    void *addr = NULL;
    uint64_t cookie;
    int rc;

    /*
     * The kernel refuses an empty map with EINVAL; so do we, before any
     * system call.  A size that does not fit the address space can
     * never be mapped either (only possible with a 32-bit size_t).
     */
    if (count == 0 || xs__pages_to_bytes(count, &bytes)) {
        errno = EINVAL;
        return NULL;
    }
    /* The bookkeeping record exists before the kernel is asked. */
    node = malloc(sizeof(*node));
    if (!node)
        return NULL;
    rc = osdep_gnttab_grant_map(xgt, count, domids, domids_stride, refs, prot,
                                notify_offset, notify_port, &addr, &cookie);
    if (rc < 0)
        free(node);
    else
        xs__gntmap_insert(xgt, node, addr, count, cookie);
    return xs__ret_ptr(addr, rc);
}

XS_API void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
                                     uint32_t ref, int prot)
{
    return grant_map(xgt, 1, &domid, 0, &ref, prot,
                     XS_GNT_NO_NOTIFY, XS_GNT_NO_NOTIFY);
}

XS_API void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count,
                                      uint32_t *domids, uint32_t *refs,
                                      int prot)
{
    return grant_map(xgt, count, domids, 1, refs, prot,
                     XS_GNT_NO_NOTIFY, XS_GNT_NO_NOTIFY);
}

XS_API void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt,
                                             uint32_t count, uint32_t domid,
                                             uint32_t *refs, int prot)
{
    return grant_map(xgt, count, &domid, 0, refs, prot,
                     XS_GNT_NO_NOTIFY, XS_GNT_NO_NOTIFY);
}

XS_API void *xengnttab_map_grant_ref_notify(xengnttab_handle *xgt,
                                            uint32_t domid, uint32_t ref,
                                            int prot, uint32_t notify_offset,
                                            evtchn_port_t notify_port)
{
    return grant_map(xgt, 1, &domid, 0, &ref, prot,
                     notify_offset, notify_port);
}

XS_API int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
                           uint32_t count)
{
    struct xs_gnt_mapping *m;
    size_t bytes;
    int rc, unmapped = 0;

    /*
     * Mappings start on a page.  The BSDs' munmap() rounds an unaligned
     * address down and the length up, so an unaligned one would also
     * take away the page after the mapping: refused first, everywhere.
     */
    if (!start_address || ((uintptr_t)start_address & (XS_PAGE_SIZE - 1)) ||
        xs__pages_to_bytes(count, &bytes)) {
        errno = EINVAL;
        return -1;
    }
    m = xs__gntmap_take(xgt, start_address);
    if (m && m->count != count) {
        /* Only whole mappings can be unmapped (the kernel's rule). */
        xs__gntmap_insert(xgt, m, m->addr, m->count, m->cookie);
        errno = EINVAL;
        return -1;
    }
    /* Not one of ours as far as we know: the backend asks the kernel. */
    rc = osdep_gnttab_unmap(xgt, start_address, count, m ? &m->cookie : NULL,
                            &unmapped);
    if (m && !unmapped)     /* still mapped: keep knowing about it */
        xs__gntmap_insert(xgt, m, m->addr, m->count, m->cookie);
    else
        free(m);
    return xs__ret(rc);
}

XS_API int xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                                xengnttab_grant_copy_segment_t *segs)
{
    /*
     * count 0 still reaches the kernel, as upstream: QEMU calls
     * grant_copy(xgt, 0, NULL) to learn whether the driver has the
     * ioctl at all, so only the kernel can answer.
     */
    return xs__ret(osdep_gnttab_grant_copy(xgt, count, segs));
}

XS_API int xengnttab_dmabuf_exp_from_refs(xengnttab_handle *xgt,
                                          uint32_t domid, uint32_t flags,
                                          uint32_t count,
                                          const uint32_t *refs, uint32_t *fd)
{
    if (count == 0) {
        errno = EINVAL;
        return -1;
    }
    return xs__ret(osdep_gnttab_dmabuf_exp_from_refs(xgt, domid, flags,
                                                     count, refs, fd));
}

XS_API int xengnttab_dmabuf_exp_wait_released(xengnttab_handle *xgt,
                                              uint32_t fd, uint32_t wait_to_ms)
{
    return xs__ret(osdep_gnttab_dmabuf_exp_wait_released(xgt, fd,
                                                         wait_to_ms));
}

XS_API int xengnttab_dmabuf_imp_to_refs(xengnttab_handle *xgt, uint32_t domid,
                                        uint32_t fd, uint32_t count,
                                        uint32_t *refs)
{
    if (count == 0) {
        errno = EINVAL;
        return -1;
    }
    return xs__ret(osdep_gnttab_dmabuf_imp_to_refs(xgt, domid, fd, count,
                                                   refs));
}

XS_API int xengnttab_dmabuf_imp_release(xengnttab_handle *xgt, uint32_t fd)
{
    return xs__ret(osdep_gnttab_dmabuf_imp_release(xgt, fd));
}
