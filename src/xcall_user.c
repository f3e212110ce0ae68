/*
 * xcall_user.c - see xcall_user.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"
#include "xtl_private.h"
#include "xcall_user.h"

void *xs__xcall_user_open(size_t size, xentoollog_logger *logger)
{
    struct xs_xcall_user *h = calloc(1, size);

    if (!h)
        return NULL;
    h->logger = xs__logger_or_default(logger);
    h->xcall = xencall_open(h->logger, 0);
    if (!h->xcall) {
        XS_PRESERVE_ERRNO(free(h));
        return NULL;
    }
    return h;
}

int xs__xcall_user_close(void *p)
{
    struct xs_xcall_user *h = p;

    if (!h)
        return 0;
    XS_PRESERVE_ERRNO(xencall_close(h->xcall); free(h));
    return 0;
}

int xs__xencall_bounce(xencall_handle *xcall, unsigned int op,
                       const uint64_t *cmd, void *arg, size_t size)
{
    void *buf = xencall_alloc_buffer(xcall, size);
    uint64_t a = (uint64_t)(uintptr_t)buf;
    int rc;

    if (!buf)
        return -ENOMEM;
    memcpy(buf, arg, size);
    rc = cmd ? xencall2(xcall, op, *cmd, a) : xencall1(xcall, op, a);
    if (rc < 0)
        rc = xs__neg_errno();
    else
        memcpy(arg, buf, size);
    XS_PRESERVE_ERRNO(xencall_free_buffer(xcall, buf));
    return rc;
}
