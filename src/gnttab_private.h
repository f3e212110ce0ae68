/*
 * gnttab_private.h - the grant-table handle (shared by gnttab and gntshr,
 * as upstream's header makes both public types the same struct) and the
 * kernel back end behind it.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * src/gnttab.c and src/gntshr.c own life cycle and argument checks; the
 * osdep_gnttab_* / osdep_gntshr_* functions (src/osdep/<os>/) talk to
 * the kernel and return 0 (or a result) on success, -errno on failure.
 */
#ifndef XS_GNTTAB_PRIVATE_H
#define XS_GNTTAB_PRIVATE_H

#include <pthread.h>
#include <stdint.h>

#include <xengnttab.h>
#include <xentoollog.h>

#include "handle.h"

/* "No notification" for either notify argument. */
#define XS_GNT_NO_NOTIFY ((uint32_t)-1)

/*
 * One mapping this handle made: where it is, how many pages, and the
 * kernel's cookie for it (Linux: the gntdev index), so that unmapping
 * needs no round trip to ask the kernel.
 */
struct xs_gnt_mapping {
    struct xs_gnt_mapping *next;
    void *addr;
    uint32_t count;
    uint64_t cookie;
};

struct xengntdev_handle {
    XS_HANDLE_FIELDS            /* the grant device in fd; see handle.h */
    /* gnttab only: the mappings made through this handle. */
    pthread_mutex_t maps_lock;  /* QEMU maps and unmaps from many threads */
    struct xs_gnt_mapping *maps;
};

/* ---- the handle type both sides share (src/gntdev_handle.c) ---------- */

/* Open a handle of either side on the device osdep_open opens. */
struct xengntdev_handle *
xs__gntdev_open(xentoollog_logger *logger,
                int (*osdep_open)(struct xengntdev_handle *h));

/* ---- mapping bookkeeping (src/gnttab_maps.c) ------------------------- */

/*
 * Record a mapping, using node (allocated by the caller before it asked
 * the kernel, so that recording cannot fail).  Any older record that
 * overlaps it is stale (the kernel could not have handed out the range
 * otherwise) and is dropped.
 */
void xs__gntmap_insert(struct xengntdev_handle *h, struct xs_gnt_mapping *node,
                       void *addr, uint32_t count, uint64_t cookie);
/*
 * Remove and return the record that starts at addr, or NULL.  The caller
 * owns the node and either frees it or gives it back with insert.
 */
struct xs_gnt_mapping *xs__gntmap_take(struct xengntdev_handle *h,
                                       const void *addr);
/* Free every record (at close; the mappings themselves stay valid). */
void xs__gntmap_clear(struct xengntdev_handle *h);

/* ---- the kernel back end -------------------------------------------- */

/*
 * Open the device: the new descriptor, which the API layer publishes
 * into h->fd and closes.  The backend keeps no record of what it maps:
 * it reports a mapping and its kernel cookie, and is handed the cookie
 * back at unmap.
 */
int osdep_gnttab_open(struct xengntdev_handle *h);
int osdep_gnttab_set_max_grants(struct xengntdev_handle *h, uint32_t count);
/*
 * Map count grants: the domid of ref i is domids[i * domids_stride]
 * (stride 0: one domid for all).  notify_offset / notify_port as the
 * public notify call, XS_GNT_NO_NOTIFY for none.  On success *addr is
 * the mapping and *cookie what the kernel needs to unmap it.
 */
int osdep_gnttab_grant_map(struct xengntdev_handle *h, uint32_t count,
                           const uint32_t *domids, uint32_t domids_stride,
                           const uint32_t *refs, int prot,
                           uint32_t notify_offset, evtchn_port_t notify_port,
                           void **addr, uint64_t *cookie);
/*
 * Unmap the count pages at addr.  cookie: what grant_map reported for
 * exactly this mapping, or NULL when the API layer has no record of it
 * (the backend then asks the kernel, as upstream does).  *unmapped is
 * set once the pages have left the address space: a failure after that
 * point (the kernel's release) leaves them gone all the same.
 */
int osdep_gnttab_unmap(struct xengntdev_handle *h, void *addr, uint32_t count,
                       const uint64_t *cookie, int *unmapped);
int osdep_gnttab_grant_copy(struct xengntdev_handle *h, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs);
int osdep_gnttab_dmabuf_exp_from_refs(struct xengntdev_handle *h,
                                      uint32_t domid, uint32_t flags,
                                      uint32_t count, const uint32_t *refs,
                                      uint32_t *fd);
int osdep_gnttab_dmabuf_exp_wait_released(struct xengntdev_handle *h,
                                          uint32_t fd, uint32_t wait_to_ms);
int osdep_gnttab_dmabuf_imp_to_refs(struct xengntdev_handle *h, uint32_t domid,
                                    uint32_t fd, uint32_t count,
                                    uint32_t *refs);
int osdep_gnttab_dmabuf_imp_release(struct xengntdev_handle *h, uint32_t fd);

/* The sharing device: the new descriptor (see osdep_gnttab_open). */
int osdep_gntshr_open(struct xengntdev_handle *h);
int osdep_gntshr_share(struct xengntdev_handle *h, uint32_t domid,
                       uint32_t count, uint32_t *refs, int writable,
                       uint32_t notify_offset, evtchn_port_t notify_port,
                       void **addr);
int osdep_gntshr_unshare(struct xengntdev_handle *h, void *addr,
                         uint32_t count);

#endif /* XS_GNTTAB_PRIVATE_H */
