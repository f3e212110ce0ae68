/*
 * gntalloc.c - sharing our own pages through Linux's /dev/xen/gntalloc.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * ALLOC_GREF allocates pages and grants them; the pages are reached by
 * mmap() at the returned index.  DEALLOC_GREF right after the mmap only
 * marks them for release: the driver keeps them (and the grants) alive
 * until the mapping goes, so unsharing is a plain munmap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/linux/gnt_notify.h"
#include "gnttab_private.h"

#define GNTALLOC_DEV "/dev/xen/gntalloc"

/* ALLOC_GREF arguments up to this size live on the stack. */
#define ALLOC_ARG_STACK_BYTES 1024

static void gs_log(struct xengntdev_handle *h, int err, const char *what)
{
    XS_PRESERVE_ERRNO(xtl_log(h->logger, XTL_ERROR, err, "gntshr",
                              "%s failed", what));
}

int osdep_gntshr_open(struct xengntdev_handle *h)
{
    (void)h;
    /* close-on-exec, unlike upstream: see docs/api/gnttab.md */
    return xs_sys_open(GNTALLOC_DEV, O_RDWR | O_CLOEXEC);
}

static void dealloc(struct xengntdev_handle *h, uint64_t index, uint32_t count)
{
    struct xs_ioctl_gntalloc_dealloc_gref arg = {
        .index = index, .count = count,
    };

    /* Its failure changes nothing for the caller: the pages are mapped. */
    (void)xs_sys_ioctl(h->fd, XS_IOCTL_GNTALLOC_DEALLOC_GREF, &arg);
}

int osdep_gntshr_share(struct xengntdev_handle *h, uint32_t domid,
                       uint32_t count, uint32_t *refs, int writable,
                       uint32_t notify_offset, evtchn_port_t notify_port,
                       void **addrp)
{
    uint64_t stackbuf[ALLOC_ARG_STACK_BYTES / sizeof(uint64_t)];
    struct xs_ioctl_gntalloc_alloc_gref *a;
    size_t argsize, bytes = (size_t)count << XS_PAGE_SHIFT;
    void *addr;
    int rc = 0;

    if (xs__mul_overflows(count, sizeof(uint32_t), &argsize)
        || __builtin_add_overflow(argsize, offsetof(struct
                                  xs_ioctl_gntalloc_alloc_gref, gref_ids),
                                  &argsize))
        return -EINVAL;
    if (argsize < sizeof(*a))
        argsize = sizeof(*a);
    if (argsize <= sizeof(stackbuf)) {
        a = (void *)stackbuf;
    } else {
        a = malloc(argsize);
        if (!a)
            return -ENOMEM;
    }
    memset(a, 0, offsetof(struct xs_ioctl_gntalloc_alloc_gref, gref_ids));
    a->domid = (uint16_t)domid;
    a->flags = writable ? XS_GNTALLOC_FLAG_WRITABLE : 0;
    a->count = count;

    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTALLOC_ALLOC_GREF, a));
    if (rc < 0) {
        gs_log(h, -rc, "ioctl ALLOC_GREF");
        goto out;
    }

    rc = xs_sys_mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                     h->fd, (off_t)a->index, &addr);
    if (rc < 0) {
        gs_log(h, -rc, "mmap of shared pages");
        dealloc(h, a->index, count);
        goto out;
    }

    rc = xs__gnt_unmap_notify(h->fd, XS_IOCTL_GNTALLOC_SET_UNMAP_NOTIFY,
                              a->index, bytes, notify_offset, notify_port);
    if (rc < 0) {
        gs_log(h, -rc, "ioctl SET_UNMAP_NOTIFY");
        xs_sys_munmap(addr, bytes);
        dealloc(h, a->index, count);
        goto out;
    }

    memcpy(refs, a->gref_ids, (size_t)count * sizeof(uint32_t));
    /* Release at unmap time: the mapping now holds the pages. */
    dealloc(h, a->index, count);
    *addrp = addr;
    rc = 0;
out:
    if (a != (void *)stackbuf)
        free(a);
    return rc;
}

int osdep_gntshr_unshare(struct xengntdev_handle *h, void *addr,
                         uint32_t count)
{
    (void)h;
    return xs_sys_munmap(addr, (size_t)count << XS_PAGE_SHIFT);
}
