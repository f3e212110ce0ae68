/*
 * handle.c - the one life cycle of kernel-backed handles (see handle.h
 * for the rules it keeps).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdlib.h>

#include "xs_internal.h"
#include "xtl_private.h"
#include "osdep/sys.h"
#include "handle.h"

/*
 * Every handle's toolcore callback.  A handle whose device is not open
 * yet has nothing to restrict; one that cannot be narrowed -- by its
 * kind, or because this kernel has no restriction for it (EOPNOTSUPP:
 * NetBSD's privcmd, the BSDs' event channels) -- is made useless
 * (mappings and shares made earlier stay valid).  Upstream's
 * restrict_all fails there instead, leaving the handle unrestricted.
 * Called under the registry lock, in toolcore's convention (-1 with
 * errno).
 */
static int handle_restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    struct xs_handle *h = xs__handle_of(ah);
    int rc;

    if (h->fd < 0)
        return 0;
    if (!h->type->restrict_fn)
        return xentoolcore__restrict_by_dup2_null(h->fd);
    rc = h->type->restrict_fn(h, domid);
    if (rc == -EOPNOTSUPP)
        return xentoolcore__restrict_by_dup2_null(h->fd);
    return xs__ret(rc);
}

void *xs__handle_new(const struct xs_handle_type *type,
                     xentoollog_logger *logger)
{
    struct xs_handle *h = calloc(1, type->size);

    if (!h)
        return NULL;
    h->type = type;
    h->logger = xs__logger_or_default(logger);
    h->fd = -1;
    h->tc_ah.restrict_callback = handle_restrict_cb;
    if (type->init) {
        int rc = type->init(h);

        if (rc < 0) {
            free(h);
            errno = -rc;
            return NULL;
        }
    }
    xentoolcore__register_active_handle(&h->tc_ah);
    return h;
}

void *xs__handle_opened(void *p, int fd_or_err)
{
    struct xs_handle *h = p;

    if (fd_or_err < 0) {
        if (h->type->log_context)
            xtl_log(h->logger, XTL_ERROR, -fd_or_err, h->type->log_context,
                    "%s", h->type->open_error);
        xentoolcore__deregister_active_handle(&h->tc_ah);
        if (h->type->fini)
            h->type->fini(h);
        free(h);
        errno = -fd_or_err;
        return NULL;
    }
    xs__toolcore_publish_fd(&h->fd, fd_or_err);
    return h;
}

void xs__handle_adopt(void *p, int fd)
{
    xs__toolcore_publish_fd(&XS_HANDLE(p)->fd, fd);
}

int xs__handle_close(void *p)
{
    struct xs_handle *h = p;
    int rc, rc2 = 0;

    if (!h)
        return 0;
    xentoolcore__deregister_active_handle(&h->tc_ah);
    rc = xs__close_fd(&h->fd);
    if (h->type->fini)
        rc2 = h->type->fini(h);
    free(h);
    return xs__ret(rc < 0 ? rc : rc2);
}
