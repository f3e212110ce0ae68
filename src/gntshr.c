/*
 * gntshr.c - libxengnttab's sharing side (xengntshr_*): argument
 * checks and errno conversion (the handle's life cycle, shared by both
 * sides, is in gntdev_handle.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Deliberate difference from upstream (docs/api/gnttab.md): the gntalloc
 * descriptor is close-on-exec and the handle is registered with
 * toolcore, so xentoolcore_restrict_all() leaves a deprivileged process
 * unable to grant further pages (already shared pages stay shared).
 */
#include <errno.h>
#include <stdlib.h>

#include "xs_internal.h"
#include "xtl_private.h"
#include "gnttab_private.h"

XS_API xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger,
                                        unsigned open_flags)
{
    (void)open_flags;       /* ignored, as upstream */
    return xs__gntdev_open(logger, osdep_gntshr_open);
}

XS_API int xengntshr_close(xengntshr_handle *xgs)
{
    return xs__handle_close(xgs);
}

XS_API int xengntshr_fd(xengntshr_handle *xgs)
{
    return xgs->fd;
}

XS_API void *xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid,
                                   int count, uint32_t *refs, int writable)
{
    size_t bytes;
    void *addr = NULL;
    int rc;

    if (count <= 0 || xs__pages_to_bytes((size_t)count, &bytes)) {
        errno = EINVAL;
        return NULL;
    }
    rc = osdep_gntshr_share(xgs, domid, (uint32_t)count, refs, writable,
                            XS_GNT_NO_NOTIFY, XS_GNT_NO_NOTIFY, &addr);
    return xs__ret_ptr(addr, rc);
}

XS_API void *xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid,
                                         uint32_t *ref, int writable,
                                         uint32_t notify_offset,
                                         evtchn_port_t notify_port)
{
    void *addr = NULL;
    int rc;

    rc = osdep_gntshr_share(xgs, domid, 1, ref, writable,
                            notify_offset, notify_port, &addr);
    return xs__ret_ptr(addr, rc);
}

XS_API int xengntshr_unshare(xengntshr_handle *xgs, void *start_address,
                             uint32_t count)
{
    size_t bytes;

    /* page-aligned, as xengnttab_unmap() requires (see there) */
    if (((uintptr_t)start_address & (XS_PAGE_SIZE - 1)) ||
        xs__pages_to_bytes(count, &bytes)) {
        errno = EINVAL;
        return -1;
    }
    return xs__ret(osdep_gntshr_unshare(xgs, start_address, count));
}
