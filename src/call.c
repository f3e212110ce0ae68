/*
 * call.c - libxencall API: handle lifecycle and hypercalls.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdlib.h>

#include "call_private.h"
#include "xs_internal.h"
#include "xtl_private.h"
#include "osdep/sys.h"

/*
 * xentoolcore_restrict_all(): privcmd cannot be narrowed for raw
 * hypercalls, so, as upstream, both descriptors are replaced by
 * /dev/null and the handle can only be closed afterwards.
 */
static int call_restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    xencall_handle *xcall = (xencall_handle *)ah;

    (void)domid;
    __atomic_store_n(&xcall->restricted, 1, __ATOMIC_SEQ_CST);
    if (xentoolcore__restrict_by_dup2_null(xcall->buf_fd) < 0)
        return -1;
    return xentoolcore__restrict_by_dup2_null(xcall->fd);
}

int xs__xencall_neuter(xencall_handle *xcall)
{
    return xs__toolcore_restrict_one(&xcall->tc_ah, 0) < 0
        ? xs__neg_errno() : 0;
}

XS_API xencall_handle *xencall_open(struct xentoollog_logger *logger,
                                    unsigned open_flags)
{
    xencall_handle *xcall = calloc(1, sizeof(*xcall));
    int rc;

    if (!xcall)
        return NULL;
    xcall->logger = xs__logger_or_default(logger);
    xcall->flags = open_flags;
    xcall->fd = -1;
    xcall->buf_fd = -1;
    xcall->bufdev = XS_BUFDEV_UNKNOWN;
    xs__call_cache_init(xcall);
    rc = pthread_mutex_init(&xcall->lock, NULL);
    if (rc) {
        free(xcall);
        errno = rc;
        return NULL;
    }

    /* Registered with fd == -1 first: a concurrent restrict_all is a no-op. */
    xcall->tc_ah.restrict_callback = call_restrict_cb;
    xentoolcore__register_active_handle(&xcall->tc_ah);

    /*
     * Only privcmd is opened here.  Upstream also opens the buffer device
     * now; we open it at the first buffer allocation (most handles of
     * short-lived tools never allocate one), saving two system calls.
     */
    rc = osdep_xencall_open(xcall);
    if (rc < 0) {
        xtl_log(xcall->logger, XTL_ERROR, -rc, "xencall",
                "Could not obtain handle on privileged command interface");
        xentoolcore__deregister_active_handle(&xcall->tc_ah);
        pthread_mutex_destroy(&xcall->lock);
        free(xcall);
        errno = -rc;
        return NULL;
    }
    xs__toolcore_publish_fd(&xcall->fd, rc);
    return xcall;
}

XS_API int xencall_close(xencall_handle *xcall)
{
    int rc, rc2;

    if (!xcall)
        return 0;
    /*
     * Deregister before closing (upstream's race fix): once the fds are
     * closed their numbers can be reused by another thread, and a
     * restrict_all still seeing this handle would dup2 over them.
     */
    xentoolcore__deregister_active_handle(&xcall->tc_ah);
    rc = xs__close_fd(&xcall->buf_fd);
    rc2 = xs__close_fd(&xcall->fd);
    if (rc == 0)
        rc = rc2;           /* report the first failure */
    xs__call_cache_release(xcall);
    pthread_mutex_destroy(&xcall->lock);
    free(xcall);
    return xs__ret(rc);
}

XS_API int xencall_fd(xencall_handle *xcall)
{
    return xcall->fd;
}

static long do_call(xencall_handle *xcall, unsigned int op,
                    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                    uint64_t a5)
{
    const uint64_t args[5] = { a1, a2, a3, a4, a5 };
    long result;
    int rc = osdep_hypercall(xcall, op, args, &result);

    /*
     * A failure is -1 with errno; a success is the hypercall's value,
     * whatever its sign, with errno untouched, as upstream.
     */
    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    return result;
}

/*
 * The int-returning calls truncate like upstream's (they cast its long
 * result); on Linux the value is already an int from ioctl().
 */
XS_API int xencall0(xencall_handle *xcall, unsigned int op)
{
    return (int)do_call(xcall, op, 0, 0, 0, 0, 0);
}

XS_API int xencall1(xencall_handle *xcall, unsigned int op, uint64_t arg1)
{
    return (int)do_call(xcall, op, arg1, 0, 0, 0, 0);
}

XS_API int xencall2(xencall_handle *xcall, unsigned int op,
                    uint64_t arg1, uint64_t arg2)
{
    return (int)do_call(xcall, op, arg1, arg2, 0, 0, 0);
}

XS_API long xencall2L(xencall_handle *xcall, unsigned int op,
                      uint64_t arg1, uint64_t arg2)
{
    return do_call(xcall, op, arg1, arg2, 0, 0, 0);
}

XS_API int xencall3(xencall_handle *xcall, unsigned int op,
                    uint64_t arg1, uint64_t arg2, uint64_t arg3)
{
    return (int)do_call(xcall, op, arg1, arg2, arg3, 0, 0);
}

XS_API int xencall4(xencall_handle *xcall, unsigned int op,
                    uint64_t arg1, uint64_t arg2, uint64_t arg3,
                    uint64_t arg4)
{
    return (int)do_call(xcall, op, arg1, arg2, arg3, arg4, 0);
}

XS_API int xencall5(xencall_handle *xcall, unsigned int op,
                    uint64_t arg1, uint64_t arg2, uint64_t arg3,
                    uint64_t arg4, uint64_t arg5)
{
    return (int)do_call(xcall, op, arg1, arg2, arg3, arg4, arg5);
}
