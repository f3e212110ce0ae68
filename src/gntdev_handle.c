/*
 * gntdev_handle.c - the life cycle that xengnttab and xengntshr handles
 * share: both are a struct xengntdev_handle around one grant device
 * descriptor, made useless by restrict_all and registered with toolcore
 * before the device is opened (see xenevtchn_open for why).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdlib.h>

#include "xs_internal.h"
#include "xtl_private.h"
#include "osdep/sys.h"
#include "gnttab_private.h"

/*
 * A grant device descriptor cannot be narrowed to one domain, so
 * restrict_all puts /dev/null in its place, as upstream does for gntdev;
 * mappings and shares made earlier stay valid.
 */
static int gntdev_restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    struct xengntdev_handle *h = (struct xengntdev_handle *)ah;

    (void)domid;
    return xentoolcore__restrict_by_dup2_null(h->fd);
}

struct xengntdev_handle *
xs__gntdev_handle_open(struct xentoollog_logger *logger,
                       int (*osdep_open)(struct xengntdev_handle *h))
{
    struct xengntdev_handle *h;
    int rc;

    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->logger = xs__logger_or_default(logger);
    h->fd = -1;
    h->tc_ah.restrict_callback = gntdev_restrict_cb;
    pthread_mutex_init(&h->maps_lock, NULL);

    xentoolcore__register_active_handle(&h->tc_ah);
    rc = osdep_open(h);
    if (rc < 0) {
        xentoolcore__deregister_active_handle(&h->tc_ah);
        pthread_mutex_destroy(&h->maps_lock);
        free(h);
        errno = -rc;
        return NULL;
    }
    xs__toolcore_publish_fd(&h->fd, rc);
    return h;
}

int xs__gntdev_handle_close(struct xengntdev_handle *h)
{
    int rc;

    if (!h)
        return 0;
    /* Deregister before the fd number can be reused: see xenevtchn_close. */
    xentoolcore__deregister_active_handle(&h->tc_ah);
    rc = xs__close_fd(&h->fd);
    /* Live mappings outlive the handle, as upstream; only our records go
     * (a gntshr handle has none). */
    xs__gntmap_clear(h);
    pthread_mutex_destroy(&h->maps_lock);
    free(h);
    return xs__ret(rc);
}
