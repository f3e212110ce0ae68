/*
 * xengnttab.h - gnttab and gntshr: map pages other domains grant to us
 * (gnttab), grant our own pages to other domains (gntshr), and copy
 * through grants (source-compatible with upstream Xen's libxengnttab).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Failures are -1 (or NULL) with errno set.  Page counts and offsets are
 * in Xen pages (4096 bytes).
 *
 * Notifications: the *_notify functions arrange for one action when the
 * mapping is torn down (also if the process dies): notify_offset is a
 * byte offset into the mapping to be cleared to zero, notify_port an
 * event channel to signal.  Pass (uint32_t)-1 for either to disable it.
 *
 * Fork: a child may only call xengnttab_close()/xengntshr_close() on
 * inherited handles.  Mappings are not inherited usefully.
 */
#ifndef XENGNTTAB_H
#define XENGNTTAB_H

#include <stdint.h>

/* Xen's public headers: the system's if it has them, else our
 * bundled copies (see private/xen-source.h). */
#include "private/xen-source.h"
#if XENSTABLE_USE_SYSTEM_XEN_HEADERS
#include <xen/grant_table.h>
#include <xen/event_channel.h>
#else /* not installed with -Dsystem_xen_headers=true */
#include "private/xen/grant_table.h"
#include "private/xen/event_channel.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

/*
 * Grant table handle (the gntdev device).
 */
typedef struct xengntdev_handle xengnttab_handle;

/*
 * Open a grant-mapping handle.  logger NULL selects a private stderr
 * logger (level XTL_PROGRESS) destroyed by xengnttab_close().
 * open_flags is ignored (pass 0).  Returns NULL with errno on failure.
 */
xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger,
                                 unsigned open_flags);

/*
 * Close the handle.  Mappings made through it stay valid until they
 * are unmapped.  Returns 0, or -1 with errno if close(2) failed.
 * xengnttab_close(NULL) returns 0.
 */
int xengnttab_close(xengnttab_handle *xgt);

/* The underlying file descriptor.  Never fails; do not close it. */
int xengnttab_fd(xengnttab_handle *xgt);

/*
 * Map grant ref of domain domid with mmap protection prot
 * (PROT_READ and/or PROT_WRITE).  Returns the address of the one mapped
 * page, or NULL with errno.
 */
void *xengnttab_map_grant_ref(xengnttab_handle *xgt,
                              uint32_t domid,
                              uint32_t ref,
                              int prot);

/*
 * Map count grants, refs[i] of domain domids[i], into one contiguous
 * range.  Returns its address or NULL with errno (nothing mapped).
 */
void *xengnttab_map_grant_refs(xengnttab_handle *xgt,
                               uint32_t count,
                               uint32_t *domids,
                               uint32_t *refs,
                               int prot);

/*
 * As xengnttab_map_grant_refs() with every grant from domain domid.
 */
void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt,
                                      uint32_t count,
                                      uint32_t domid,
                                      uint32_t *refs,
                                      int prot);

/*
 * As xengnttab_map_grant_ref(), plus an unmap notification (see the
 * top of this file).  Returns the address or NULL with errno; if the
 * notification cannot be set up nothing stays mapped.
 */
void *xengnttab_map_grant_ref_notify(xengnttab_handle *xgt,
                                     uint32_t domid,
                                     uint32_t ref,
                                     int prot,
                                     uint32_t notify_offset,
                                     evtchn_port_t notify_port);

/*
 * Unmap count pages at start_address, which must be exactly a range
 * returned by one map call.  Returns 0 or -1 with errno (EINVAL for a
 * NULL address or a count that does not match the mapping).
 */
int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
                    uint32_t count);

/*
 * Ask the kernel to allow up to nr_grants simultaneously mapped grants
 * on this handle; call before mapping.  Returns 0 or -1 with errno.
 * Succeeds as a no-op on kernels that no longer have such a limit.
 */
int xengnttab_set_max_grants(xengnttab_handle *xgt,
                             uint32_t nr_grants);

/*
 * One segment of xengnttab_grant_copy().  Each side is either a local
 * address (virt) or a foreign grant (ref, offset, domid), chosen by the
 * GNTCOPY_source_gref / GNTCOPY_dest_gref bits of flags.  A segment
 * must not cross a page boundary on either side.  status receives a
 * GNTST_* value.  The layout matches the kernel's and must not change.
 */
struct xengnttab_grant_copy_segment {
    union xengnttab_copy_ptr {
        void *virt;
        struct {
            uint32_t ref;
            uint16_t offset;
            uint16_t domid;
        } foreign;
    } source, dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
};

typedef struct xengnttab_grant_copy_segment xengnttab_grant_copy_segment_t;

/*
 * Perform count copy segments.  Returns 0 if the request was carried
 * out (then check every segs[i].status: each segment succeeds or fails
 * on its own), or -1 with errno if it could not be issued.  count 0
 * succeeds.
 */
int xengnttab_grant_copy(xengnttab_handle *xgt,
                         uint32_t count,
                         xengnttab_grant_copy_segment_t *segs);

/*
 * dma-buf flags for xengnttab_dmabuf_exp_from_refs() (the Linux UAPI
 * header <xen/gntdev.h> defines the same values).
 */
#ifndef GNTDEV_DMA_FLAG_WC
#define GNTDEV_DMA_FLAG_WC          (1 << 0)  /* write-combining */
#endif
#ifndef GNTDEV_DMA_FLAG_COHERENT
#define GNTDEV_DMA_FLAG_COHERENT    (1 << 1)  /* cache-coherent */
#endif

/*
 * Map count grants refs[] of domain domid and export them as a dma-buf
 * (flags: GNTDEV_DMA_FLAG_*).  On success stores the dma-buf file
 * descriptor in *fd and returns 0; else -1 with errno (EINVAL for count
 * 0; ENOTTY/EOPNOTSUPP where unsupported).
 */
int xengnttab_dmabuf_exp_from_refs(xengnttab_handle *xgt, uint32_t domid,
                                   uint32_t flags, uint32_t count,
                                   const uint32_t *refs, uint32_t *fd);

/*
 * Wait up to wait_to_ms milliseconds until the dma-buf fd exported above
 * is released by all its users.  Returns 0 (also if it is already gone)
 * or -1 with errno (ETIMEDOUT on timeout).
 */
int xengnttab_dmabuf_exp_wait_released(xengnttab_handle *xgt, uint32_t fd,
                                       uint32_t wait_to_ms);

/*
 * Import dma-buf fd, granting its count pages to domain domid; the
 * grant references are stored in refs[].  Returns 0 or -1 with errno.
 */
int xengnttab_dmabuf_imp_to_refs(xengnttab_handle *xgt, uint32_t domid,
                                 uint32_t fd, uint32_t count,
                                 uint32_t *refs);

/*
 * Undo xengnttab_dmabuf_imp_to_refs() for fd: revoke the grants and
 * release the dma-buf.  Returns 0 or -1 with errno.
 */
int xengnttab_dmabuf_imp_release(xengnttab_handle *xgt, uint32_t fd);

/*
 * Grant sharing handle (the gntalloc device).  It is the same struct
 * as the gnttab handle, but the two are never interchangeable.
 */
typedef struct xengntdev_handle xengntshr_handle;

/*
 * Open a grant-sharing handle.  logger NULL selects a private stderr
 * logger (level XTL_PROGRESS).  open_flags is ignored (pass 0).
 * Returns NULL with errno on failure.
 */
xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger,
                                 unsigned open_flags);

/*
 * Close the handle.  Shared pages stay shared until unshared.  Returns
 * 0, or -1 with errno.  xengntshr_close(NULL) returns 0.
 */
int xengntshr_close(xengntshr_handle *xgs);

/* The underlying file descriptor.  Never fails; do not close it. */
int xengntshr_fd(xengntshr_handle *xgs);

/*
 * Allocate count zeroed pages and grant them to domain domid (writable
 * if writable is non-zero).  The grant references are stored in refs[].
 * Returns the local address of the pages, or NULL with errno.
 */
void *xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid,
                            int count, uint32_t *refs, int writable);

/*
 * Share one page as above, storing its reference in *ref, with an
 * unshare notification (see the top of this file).  Returns the address
 * or NULL with errno.
 */
void *xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid,
                                  uint32_t *ref, int writable,
                                  uint32_t notify_offset,
                                  evtchn_port_t notify_port);

/*
 * Stop sharing count pages at start_address (a range returned by a
 * share call).  The grants are revoked once the other domain unmaps
 * them.  Returns 0 or -1 with errno.
 */
int xengntshr_unshare(xengntshr_handle *xgs, void *start_address,
                      uint32_t count);

#ifdef __cplusplus
}
#endif

#endif /* XENGNTTAB_H */
