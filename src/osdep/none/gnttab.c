/*
 * gnttab.c - grant tables on a system without Xen drivers: every kernel
 * operation answers EOPNOTSUPP, so the exported symbol set is the same
 * on every OS.  grant_copy's EOPNOTSUPP makes QEMU fall back to its
 * emulation (it only uses the kernel path when grant_copy(0) succeeds).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "gnttab_private.h"

int osdep_gnttab_open(struct xengntdev_handle *h)
{ (void)h; return -EOPNOTSUPP; }
int osdep_gnttab_set_max_grants(struct xengntdev_handle *h, uint32_t count)
{ (void)h; (void)count; return -EOPNOTSUPP; }

int osdep_gnttab_grant_map(struct xengntdev_handle *h, uint32_t count,
                           const uint32_t *domids, uint32_t domids_stride,
                           const uint32_t *refs, int prot,
                           uint32_t notify_offset, evtchn_port_t notify_port,
                           void **addr, uint64_t *cookie)
{
    (void)h; (void)count; (void)domids; (void)domids_stride; (void)refs;
    (void)prot; (void)notify_offset; (void)notify_port; (void)addr;
    (void)cookie;
    return -EOPNOTSUPP;
}

int osdep_gnttab_unmap(struct xengntdev_handle *h, void *addr, uint32_t count,
                       const uint64_t *cookie, int *unmapped)
{
    (void)h; (void)addr; (void)count; (void)cookie; (void)unmapped;
    return -EOPNOTSUPP;
}

int osdep_gnttab_grant_copy(struct xengntdev_handle *h, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs)
{ (void)h; (void)count; (void)segs; return -EOPNOTSUPP; }

int osdep_gnttab_dmabuf_exp_from_refs(struct xengntdev_handle *h,
                                      uint32_t domid, uint32_t flags,
                                      uint32_t count, const uint32_t *refs,
                                      uint32_t *fd)
{
    (void)h; (void)domid; (void)flags; (void)count; (void)refs; (void)fd;
    return -EOPNOTSUPP;
}

int osdep_gnttab_dmabuf_exp_wait_released(struct xengntdev_handle *h,
                                          uint32_t fd, uint32_t wait_to_ms)
{ (void)h; (void)fd; (void)wait_to_ms; return -EOPNOTSUPP; }

int osdep_gnttab_dmabuf_imp_to_refs(struct xengntdev_handle *h, uint32_t domid,
                                    uint32_t fd, uint32_t count,
                                    uint32_t *refs)
{
    (void)h; (void)domid; (void)fd; (void)count; (void)refs;
    return -EOPNOTSUPP;
}

int osdep_gnttab_dmabuf_imp_release(struct xengntdev_handle *h, uint32_t fd)
{ (void)h; (void)fd; return -EOPNOTSUPP; }

int osdep_gntshr_open(struct xengntdev_handle *h)
{ (void)h; return -EOPNOTSUPP; }

int osdep_gntshr_share(struct xengntdev_handle *h, uint32_t domid,
                       uint32_t count, uint32_t *refs, int writable,
                       uint32_t notify_offset, evtchn_port_t notify_port,
                       void **addr)
{
    (void)h; (void)domid; (void)count; (void)refs; (void)writable;
    (void)notify_offset; (void)notify_port; (void)addr;
    return -EOPNOTSUPP;
}

int osdep_gntshr_unshare(struct xengntdev_handle *h, void *addr,
                         uint32_t count)
{ (void)h; (void)addr; (void)count; return -EOPNOTSUPP; }
