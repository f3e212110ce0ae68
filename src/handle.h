/*
 * handle.h - what every kernel-backed handle shares, and its life cycle
 * (after libuv: UV_HANDLE_FIELDS and uv__handle_init).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * A handle struct begins with XS_HANDLE_FIELDS; its interface describes
 * it once in a struct xs_handle_type.  The life cycle and its race rules
 * are written here and nowhere else:
 *
 *   h = xs__handle_new(&type, logger);      allocate, init, register
 *   return xs__handle_opened(h, osdep_X_open(h, ...));
 *   ...
 *   return xs__handle_close(h);             deregister, close, free
 *
 * Register before open: the handle is in toolcore's registry before its
 * device exists (fd -1, which restrict callbacks never see: a handle
 * that is still opening has nothing to restrict), so a concurrent
 * xentoolcore_restrict_all() can never miss a handle that is usable.
 * The descriptor is published under the registry's lock, because the
 * callbacks read it under that lock.
 *
 * Deregister before close: once a descriptor is closed its number may be
 * reused by another thread, and a restrict_all still seeing this handle
 * would act on somebody else's descriptor.  Missing a handle that is
 * going away is harmless.
 */
#ifndef XS_HANDLE_H
#define XS_HANDLE_H

#include <stddef.h>

#include <xentoollog.h>

#include "toolcore_private.h"

/* The shared fields, first in every kernel-backed handle. */
#define XS_HANDLE_FIELDS \
    /* toolcore's record, first: callbacks recover the handle from it */ \
    Xentoolcore__Active_Handle tc_ah; \
    const struct xs_handle_type *type; \
    /* the caller's, or the static default; never ours to destroy */ \
    xentoollog_logger *logger; \
    /* the device; -1 while not open (published under the registry lock) */ \
    int fd;

struct xs_handle {
    XS_HANDLE_FIELDS
};

#define XS_HANDLE(p) ((struct xs_handle *)(p))

/* One per interface: what differs between handles. */
struct xs_handle_type {
    size_t size; /* of the whole handle struct */
    /*
     * Restrict the open handle to domid (its descriptor is open):
     * 0/-errno.  NULL, or -EOPNOTSUPP (this kernel cannot narrow it):
     * restrict_all replaces the descriptor by /dev/null and succeeds.
     */
    int (*restrict_fn)(struct xs_handle *h, domid_t domid);
    /* Optional: set up the rest of the handle before it is registered. */
    int (*init)(struct xs_handle *h);
    /*
     * Optional: release the rest (after deregistration; the descriptor
     * is closed by the caller).  Also undoes init after a failed open.
     * 0/-errno.
     */
    int (*fini)(struct xs_handle *h);
    /* When set, a failed open is logged at XTL_ERROR with this context. */
    const char *log_context;
    const char *open_error;
};

/*
 * Allocate a zeroed handle of type->size bytes (fd -1), run init and
 * register it.  NULL with errno set on failure.
 */
void *xs__handle_new(const struct xs_handle_type *type,
                     xentoollog_logger *logger);

/*
 * Finish an open with the backend's answer: a descriptor is published
 * and the handle returned; -errno undoes xs__handle_new (deregister,
 * fini, free) and returns NULL with errno set.
 */
void *xs__handle_opened(void *h, int fd_or_err);

/* Adopt a descriptor the caller opened (any value, as upstream). */
void xs__handle_adopt(void *h, int fd);

/*
 * NULL: 0.  Otherwise deregister, close the descriptor, fini, free; the
 * public convention: 0, or -1 with errno of the first failure.
 */
int xs__handle_close(void *h);

/* The handle behind a toolcore record. */
static inline struct xs_handle *xs__handle_of(Xentoolcore__Active_Handle *ah)
{
    return (struct xs_handle *)((char *)ah -
                                offsetof(struct xs_handle, tc_ah));
}

#endif
