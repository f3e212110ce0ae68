/*
 * xtl_private.h - toollog internals shared with the handle libraries.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_XTL_PRIVATE_H
#define XS_XTL_PRIVATE_H

#include <stdio.h>
#include <xentoollog.h>

struct xentoollog_logger_stdiostream {
    xentoollog_logger vtable;
    FILE *f;
    xentoollog_level min_level;
    unsigned flags;
    int progress_erase_len;     /* chars of the current \r line */
    int progress_last_percent;
    /*
     * 1 or 0 once known; -1 until the first progress line when neither
     * PROGRESS_USE_CR nor PROGRESS_NO_CR was given, so that creating a
     * logger costs no isatty() system call.
     */
    int progress_use_cr;
};

/*
 * The logger a handle uses when its caller passed none: stderr at
 * XTL_PROGRESS, as upstream.  Upstream allocates one per handle; the
 * handles never report progress, so its only per-logger state never
 * changes and one static instance serves every handle, with no
 * allocation at open.  Handles must not destroy it (xs__logger_release).
 */
xentoollog_logger *xs__default_logger(void);

/* The logger to use for a caller-supplied one, which may be NULL. */
static inline xentoollog_logger *xs__logger_or_default(xentoollog_logger *l)
{
    return l ? l : xs__default_logger();
}

#endif /* XS_XTL_PRIVATE_H */
