/*
 * xcall_user.h - handles built on an internal xencall handle (hypfs,
 * manage, kexec): their one life cycle, and the one way they bounce an
 * argument structure through a hypercall buffer.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Such a handle is not registered with toolcore itself (as upstream's
 * are not): its xencall handle registers itself, so restrict_all
 * neuters both.  Its struct begins with XS_XCALL_USER_FIELDS.
 */
#ifndef XS_XCALL_USER_H
#define XS_XCALL_USER_H

#include <stddef.h>
#include <stdint.h>

#include <xencall.h>
#include <xentoollog.h>

#define XS_XCALL_USER_FIELDS \
    xentoollog_logger *logger; /* the caller's, or the static default */ \
    xencall_handle *xcall;

struct xs_xcall_user {
    XS_XCALL_USER_FIELDS
};

/*
 * A zeroed handle of size bytes with its logger and an open xencall
 * handle; NULL with errno (xencall_open's) on failure.
 */
void *xs__xcall_user_open(size_t size, xentoollog_logger *logger);

/*
 * NULL is fine.  Closes the xencall handle and frees; always 0 and
 * errno kept, as upstream's close of these handles.
 */
int xs__xcall_user_close(void *h);

/*
 * op(cmd, buf), or op(buf) when cmd is NULL, where buf is a hypercall
 * buffer holding a copy of the size bytes at arg, copied back to arg
 * after a successful call.  Xen's (non-negative) result, or -errno;
 * -ENOMEM when no hypercall buffer can be had (docs/api/hypfs.md).
 */
int xs__xencall_bounce(xencall_handle *xcall, unsigned int op,
                       const uint64_t *cmd, void *arg, size_t size);

#endif
