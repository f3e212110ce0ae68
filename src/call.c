/*
 * call.c - libxencall API: handle lifecycle and hypercalls.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <pthread.h>

#include "call_private.h"
#include "xs_internal.h"
#include "xtl_private.h"
#include "osdep/sys.h"

/*
 * xentoolcore_restrict_all(): privcmd cannot be narrowed for raw
 * hypercalls, so, as upstream, both descriptors are replaced by
 * /dev/null and the handle can only be closed afterwards.
 */
static int call_restrict_fn(struct xs_handle *h, domid_t domid)
{
    xencall_handle *xcall = (xencall_handle *)h;

    (void)domid;
    /* a buffer device opened later is neutered too (call_buffer.c) */
    __atomic_store_n(&xcall->restricted, 1, __ATOMIC_SEQ_CST);
    if (xentoolcore__restrict_by_dup2_null(xcall->buf_fd) < 0 ||
        xentoolcore__restrict_by_dup2_null(xcall->fd) < 0)
        return xs__neg_errno();
    return 0;
}

static int call_init(struct xs_handle *h)
{
    xencall_handle *xcall = (xencall_handle *)h;

    xcall->buf_fd = -1;
    xcall->bufdev = XS_BUFDEV_UNKNOWN;
    xs__call_cache_init(xcall);
    return -pthread_mutex_init(&xcall->lock, NULL);
}

/* The buffer device is closed after deregistration, as privcmd is. */
static int call_fini(struct xs_handle *h)
{
    xencall_handle *xcall = (xencall_handle *)h;
    int rc = xs__close_fd(&xcall->buf_fd);

    pthread_mutex_destroy(&xcall->lock);
    return rc;
}

static const struct xs_handle_type call_type = {
    .size = sizeof(struct xencall_handle),
    .restrict_fn = call_restrict_fn,
    .init = call_init,
    .fini = call_fini,
    .log_context = "xencall",
    .open_error = "Could not obtain handle on privileged command interface",
};

int xs__xencall_neuter(xencall_handle *xcall)
{
    return xs__toolcore_restrict_one(&xcall->tc_ah, 0) < 0
        ? xs__neg_errno() : 0;
}

XS_API xencall_handle *xencall_open(struct xentoollog_logger *logger,
                                    unsigned open_flags)
{
    xencall_handle *xcall = xs__handle_new(&call_type, logger);

    if (!xcall)
        return NULL;
    xcall->flags = open_flags;
    /*
     * Only privcmd is opened here.  Upstream also opens the buffer device
     * now; we open it at the first buffer allocation (most handles of
     * short-lived tools never allocate one), saving two system calls.
     */
    return xs__handle_opened(xcall, osdep_xencall_open(xcall));
}

XS_API int xencall_close(xencall_handle *xcall)
{
    if (!xcall)
        return 0;
    /* cached buffers are memory only: no descriptor to race on */
    xs__call_cache_release(xcall);
    return xs__handle_close(xcall);
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
