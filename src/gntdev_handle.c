/*
 * gntdev_handle.c - the handle type that xengnttab and xengntshr handles
 * share: both are a struct xengntdev_handle around one grant device
 * descriptor (life cycle in handle.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <pthread.h>

#include "xs_internal.h"
#include "gnttab_private.h"

static int gntdev_init(struct xs_handle *h)
{
    struct xengntdev_handle *g = (struct xengntdev_handle *)h;

    return -pthread_mutex_init(&g->maps_lock, NULL);
}

/* Live mappings outlive the handle, as upstream; only our records go
 * (a gntshr handle has none). */
static int gntdev_fini(struct xs_handle *h)
{
    struct xengntdev_handle *g = (struct xengntdev_handle *)h;

    xs__gntmap_clear(g);
    pthread_mutex_destroy(&g->maps_lock);
    return 0;
}

/*
 * No restrict_fn: a grant device cannot be narrowed to one domain, so
 * restrict_all puts /dev/null in its place, as upstream does for gntdev;
 * mappings and shares made earlier stay valid.
 */
static const struct xs_handle_type gntdev_type = {
    .size = sizeof(struct xengntdev_handle),
    .init = gntdev_init,
    .fini = gntdev_fini,
};

struct xengntdev_handle *
xs__gntdev_open(xentoollog_logger *logger,
                int (*osdep_open)(struct xengntdev_handle *h))
{
    struct xengntdev_handle *h = xs__handle_new(&gntdev_type, logger);

    return h ? xs__handle_opened(h, osdep_open(h)) : NULL;
}
