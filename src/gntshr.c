/*
 * gntshr.c - libxengnttab's sharing side (xengntshr_*): handle life
 * cycle, argument checks, errno conversion.
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

static int gntshr_restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    struct xengntdev_handle *h = (struct xengntdev_handle *)ah;

    (void)domid;
    return xentoolcore__restrict_by_dup2_null(h->fd);
}

XS_API xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger,
                                        unsigned open_flags)
{
    struct xengntdev_handle *h;
    int rc;

    (void)open_flags;       /* ignored, as upstream */
    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->logger = xs__logger_or_default(logger);
    h->fd = -1;
    h->tc_ah.restrict_callback = gntshr_restrict_cb;
    pthread_mutex_init(&h->maps_lock, NULL);    /* unused, but uniform */

    xentoolcore__register_active_handle(&h->tc_ah);
    rc = osdep_gntshr_open(h);
    if (rc < 0) {
        xentoolcore__deregister_active_handle(&h->tc_ah);
        pthread_mutex_destroy(&h->maps_lock);
        free(h);
        errno = -rc;
        return NULL;
    }
    return h;
}

XS_API int xengntshr_close(xengntshr_handle *xgs)
{
    int rc;

    if (!xgs)
        return 0;
    xentoolcore__deregister_active_handle(&xgs->tc_ah);
    rc = osdep_gntshr_close(xgs);
    pthread_mutex_destroy(&xgs->maps_lock);
    free(xgs);
    return xs__ret(rc);
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

    if (xs__pages_to_bytes(count, &bytes)) {
        errno = EINVAL;
        return -1;
    }
    return xs__ret(osdep_gntshr_unshare(xgs, start_address, count));
}
