/*
 * gnt-common.h - what every grant backend needs, whatever its device:
 * the unmap notification a public call asks for, and grant-request
 * arguments that carry one element per page.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_FAMILY_GNT_COMMON_H
#define XS_OSDEP_FAMILY_GNT_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"
#include "gnttab_private.h"

/* Errors are logged under the side's name, as upstream's two libraries. */
static inline void xs_gnt_log(struct xengntdev_handle *h, const char *side,
                              int err, const char *what)
{
    XS_PRESERVE_ERRNO(xtl_log(h->logger, XTL_ERROR, err, side, "%s failed",
                              what));
}

/* Unmap notification actions: the same bits in Linux's, FreeBSD's and
 * NetBSD's grant ABIs (each OS header asserts its own names equal). */
#define XS_GNT_NOTIFY_CLEAR_BYTE 0x1
#define XS_GNT_NOTIFY_SEND_EVENT 0x2

/*
 * The actions a notify call asks for, as upstream decides them on every
 * OS: clear the byte at notify_offset only when it lies inside the
 * mapping of `bytes`, signal notify_port unless it is XS_GNT_NO_NOTIFY.
 */
static inline uint32_t xs_gnt_notify_actions(uint32_t notify_offset,
                                             size_t bytes,
                                             evtchn_port_t notify_port)
{
    uint32_t action = 0;

    if (notify_offset < bytes)
        action |= XS_GNT_NOTIFY_CLEAR_BYTE;
    if (notify_port != XS_GNT_NO_NOTIFY)
        action |= XS_GNT_NOTIFY_SEND_EVENT;
    return action;
}

/*
 * The {domid, ref} pairs of a map request, 8 bytes each in every
 * kernel's layout (each OS asserts its own): ref i's domid is
 * domids[i * domids_stride], stride 0 meaning one domid for all
 * (upstream's NetBSD backend has this inverted).
 */
#define XS_GNT_REF_PAIR_SIZE 8

static inline void xs_gnt_put_refs(void *pairs, uint32_t count,
                                   const uint32_t *domids,
                                   uint32_t domids_stride,
                                   const uint32_t *refs)
{
    unsigned char *p = pairs;

    for (uint32_t i = 0; i < count; i++, p += XS_GNT_REF_PAIR_SIZE) {
        uint32_t pair[2] = { domids[(size_t)i * domids_stride], refs[i] };

        memcpy(p, pair, sizeof(pair));
    }
}

/*
 * A request argument of `fixed` bytes followed by count elements of
 * elem bytes (refs or grant ids, inline or pointed to), at least min
 * bytes long.  Small ones live on the stack; the fixed part is zeroed.
 */
struct xs_gnt_arg {
    uint64_t stack[128];
    void *p;
};

static inline int xs_gnt_arg_get(struct xs_gnt_arg *a, size_t fixed,
                                 size_t min, uint32_t count, size_t elem)
{
    size_t size;

    /* the caller checked count pages; the elements may still overflow */
    if (xs__mul_overflows(count, elem, &size) ||
        __builtin_add_overflow(size, fixed, &size))
        return -EINVAL;
    if (size < min)
        size = min;
    if (size <= sizeof(a->stack)) {
        a->p = a->stack;
    } else {
        a->p = malloc(size);
        if (!a->p)
            return -ENOMEM;
    }
    memset(a->p, 0, fixed);
    return 0;
}

static inline void xs_gnt_arg_put(struct xs_gnt_arg *a)
{
    if (a->p != (void *)a->stack)
        free(a->p);
}

#endif
