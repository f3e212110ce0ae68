/*
 * gnttab.c - what Linux's /dev/xen/gntdev does beyond the gntdev family
 * (../family/gntdev.c: map, unmap, share): the grant limit, grant copy
 * and dma-buf.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "gnttab_private.h"

_Static_assert(sizeof(xengnttab_grant_copy_segment_t) == 24,
               "grant copy segments go to the kernel unchanged");
_Static_assert(offsetof(xengnttab_grant_copy_segment_t, status) == 20,
               "grant copy segments go to the kernel unchanged");

static void gt_log(struct xengntdev_handle *h, int err, const char *what)
{
    XS_PRESERVE_ERRNO(xtl_log(h->logger, XTL_ERROR, err, "gnttab", "%s failed",
                              what));
}

int osdep_gnttab_set_max_grants(struct xengntdev_handle *h, uint32_t count)
{
    struct xs_ioctl_gntdev_set_max_grants arg = { .count = count };
    int rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_SET_MAX_GRANTS,
                                    &arg));

    /* Newer kernels dropped the ioctl and have no limit to set. */
    if (rc == -ENOTTY)
        return 0;
    if (rc < 0)
        gt_log(h, -rc, "ioctl SET_MAX_GRANTS");
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_grant_copy(struct xengntdev_handle *h, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs)
{
    struct xs_ioctl_gntdev_grant_copy arg = {
        .count = count,
        .segments = segs,
    };

    int rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_GRANT_COPY, &arg));

    if (rc < 0) {
        gt_log(h, -rc, "ioctl GRANT_COPY");
        return rc;
    }
    return 0;
}

/*
 * dma-buf: the kernel's answer (including ENOTTY from a driver built
 * without dma-buf support) is passed on unchanged, as upstream does.
 */
int osdep_gnttab_dmabuf_exp_from_refs(struct xengntdev_handle *h,
                                      uint32_t domid, uint32_t flags,
                                      uint32_t count, const uint32_t *refs,
                                      uint32_t *fd)
{
    struct xs_ioctl_gntdev_dmabuf_exp_from_refs *arg;
    size_t size;
    int rc = 0;

    if (xs__mul_overflows(count, sizeof(uint32_t), &size) ||
        __builtin_add_overflow(
            size, offsetof(struct xs_ioctl_gntdev_dmabuf_exp_from_refs, refs),
            &size))
        return -EINVAL;
    arg = calloc(1, size);
    if (!arg)
        return -ENOMEM;
    arg->flags = flags;
    arg->count = count;
    arg->domid = domid;
    memcpy(arg->refs, refs, (size_t)count * sizeof(uint32_t));
    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS,
                                arg));
    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_EXP_FROM_REFS");
    else
        *fd = arg->fd;
    free(arg);
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_dmabuf_exp_wait_released(struct xengntdev_handle *h,
                                          uint32_t fd, uint32_t wait_to_ms)
{
    struct xs_ioctl_gntdev_dmabuf_exp_wait_released arg = {
        .fd = fd,
        .wait_to_ms = wait_to_ms,
    };

    int rc = xs_sys_rc(xs_sys_ioctl(h->fd,
                                    XS_IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
                                    &arg));

    /* The buffer is already gone: that is what the caller waits for. */
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_EXP_WAIT_RELEASED");
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_dmabuf_imp_to_refs(struct xengntdev_handle *h, uint32_t domid,
                                    uint32_t fd, uint32_t count,
                                    uint32_t *refs)
{
    struct xs_ioctl_gntdev_dmabuf_imp_to_refs *arg;
    size_t size;
    int rc = 0;

    if (xs__mul_overflows(count, sizeof(uint32_t), &size) ||
        __builtin_add_overflow(
            size, offsetof(struct xs_ioctl_gntdev_dmabuf_imp_to_refs, refs),
            &size))
        return -EINVAL;
    arg = calloc(1, size); /* reserved must be 0 */
    if (!arg)
        return -ENOMEM;
    arg->fd = fd;
    arg->count = count;
    arg->domid = domid;
    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_DMABUF_IMP_TO_REFS,
                                arg));
    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_IMP_TO_REFS");
    else
        memcpy(refs, arg->refs, (size_t)count * sizeof(uint32_t));
    free(arg);
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_dmabuf_imp_release(struct xengntdev_handle *h, uint32_t fd)
{
    struct xs_ioctl_gntdev_dmabuf_imp_release arg = { .fd = fd,
                                                      .reserved = 0 };
    int rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_DMABUF_IMP_RELEASE,
                                    &arg));

    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_IMP_RELEASE");
    return rc < 0 ? rc : 0;
}
