/*
 * gnttab-bsd-extras.c - the grant calls neither BSD kernel has a request
 * for (FreeBSD's /dev/xen/gntdev, NetBSD's privcmd): answered without a
 * system call, never with abort() as upstream's dma-buf stubs do.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "gnttab_private.h"

/* Neither kernel limits how many grants a descriptor maps: nothing to
 * set, which is success (Linux's newer kernels answer the same). */
int osdep_gnttab_set_max_grants(struct xengntdev_handle *h, uint32_t count)
{
    (void)h;
    (void)count;
    return 0;
}

/*
 * No GRANT_COPY request: EOPNOTSUPP (upstream answers ENOSYS).  QEMU
 * probes with grant_copy(xgt, 0, NULL) and copies through mappings when
 * the probe fails, whatever the errno.
 */
int osdep_gnttab_grant_copy(struct xengntdev_handle *h, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs)
{
    (void)h;
    (void)count;
    (void)segs;
    return -EOPNOTSUPP;
}

/* No dma-buf on either kernel. */
int osdep_gnttab_dmabuf_exp_from_refs(struct xengntdev_handle *h,
                                      uint32_t domid, uint32_t flags,
                                      uint32_t count, const uint32_t *refs,
                                      uint32_t *fd)
{
    (void)h;
    (void)domid;
    (void)flags;
    (void)count;
    (void)refs;
    (void)fd;
    return -EOPNOTSUPP;
}

int osdep_gnttab_dmabuf_exp_wait_released(struct xengntdev_handle *h,
                                          uint32_t fd, uint32_t wait_to_ms)
{
    (void)h;
    (void)fd;
    (void)wait_to_ms;
    return -EOPNOTSUPP;
}

int osdep_gnttab_dmabuf_imp_to_refs(struct xengntdev_handle *h, uint32_t domid,
                                    uint32_t fd, uint32_t count,
                                    uint32_t *refs)
{
    (void)h;
    (void)domid;
    (void)fd;
    (void)count;
    (void)refs;
    return -EOPNOTSUPP;
}

int osdep_gnttab_dmabuf_imp_release(struct xengntdev_handle *h, uint32_t fd)
{
    (void)h;
    (void)fd;
    return -EOPNOTSUPP;
}
