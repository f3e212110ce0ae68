/*
 * xenforeignmemory.h - foreignmemory: map memory of other domains, by
 * guest frame number or as hypervisor resources (source-compatible with
 * upstream Xen's libxenforeignmemory).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Failures are -1 (or NULL) with errno set.  Frame numbers and page
 * counts are in Xen pages (4096 bytes).  Resource types and ids
 * (XENMEM_resource_*) come from <xen/memory.h>, which this header does
 * not include.
 *
 * Fork: a child may only call xenforeignmemory_close() on an inherited
 * handle.
 */
#ifndef XENFOREIGNMEMORY_H
#define XENFOREIGNMEMORY_H

#include <stdint.h>
#include <stddef.h>

/* Xen's public headers: the system's if it has them, else our
 * bundled copies (see private/xen-source.h). */
#include "private/xen-source.h"
#if XENSTABLE_USE_SYSTEM_XEN_HEADERS
#include <xen/xen.h>
#else /* not installed with -Dsystem_xen_headers=true */
#include "private/xen/xen.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xenforeignmemory_handle xenforeignmemory_handle;

/*
 * Open the foreign-mapping interface (privcmd).  logger NULL selects a
 * private stderr logger (level XTL_PROGRESS) destroyed by
 * xenforeignmemory_close().  open_flags is ignored (pass 0).
 * Returns NULL with errno on failure.
 */
xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *logger,
                                               unsigned open_flags);

/*
 * Close the handle.  Existing mappings stay valid until unmapped.
 * Returns 0, or -1 with errno.  xenforeignmemory_close(NULL) returns 0.
 */
int xenforeignmemory_close(xenforeignmemory_handle *fmem);

/*
 * Same as xenforeignmemory_map2(fmem, dom, NULL, prot, 0, pages, arr,
 * err).
 */
void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
                           int prot, size_t pages,
                           const xen_pfn_t arr[/*pages*/], int err[/*pages*/]);

/*
 * Map the pages frames arr[] of domain dom contiguously with mmap
 * protection prot.  addr is a placement hint (or, with MAP_FIXED in
 * flags, the exact address); flags are further mmap flags, MAP_SHARED
 * is always added.
 *
 * With err non-NULL the call succeeds as long as the range could be
 * set up, and err[i] is 0 for a mapped frame or a negative errno value
 * for a frame that failed (that page is then inaccessible).  With err
 * NULL any failing frame makes the whole call fail.
 *
 * Returns the address, or NULL with errno.
 */
void *xenforeignmemory_map2(xenforeignmemory_handle *fmem, uint32_t dom,
                            void *addr, int prot, int flags, size_t pages,
                            const xen_pfn_t arr[/*pages*/], int err[/*pages*/]);

/*
 * Unmap pages pages at addr, returned by a map call.  Returns 0 or -1
 * with errno.
 */
int xenforeignmemory_unmap(xenforeignmemory_handle *fmem,
                           void *addr, size_t pages);

/*
 * Limit the handle, irrevocably, to memory of domain domid.  Returns 0
 * or -1 with errno (EOPNOTSUPP where the system cannot do this).
 */
int xenforeignmemory_restrict(xenforeignmemory_handle *fmem,
                              domid_t domid);

typedef struct xenforeignmemory_resource_handle xenforeignmemory_resource_handle;

/*
 * Map nr_frames frames, starting at frame, of resource (type, id) owned
 * by domain domid (type: XENMEM_resource_*).  *paddr is the placement
 * hint on input and receives the mapping address; prot is the mmap
 * protection and flags may only contain MAP_SHARED/MAP_PRIVATE (else
 * EINVAL).
 *
 * Returns a resource handle for xenforeignmemory_unmap_resource(), or
 * NULL with errno.  errno is EOPNOTSUPP exactly when the kernel or the
 * hypervisor cannot map resources, so callers may fall back.
 */
xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
    xenforeignmemory_handle *fmem, domid_t domid, unsigned int type,
    unsigned int id, unsigned long frame, unsigned long nr_frames,
    void **paddr, int prot, int flags);

/*
 * Unmap a resource mapping and free fres.  fres NULL returns 0.
 * Returns 0 or -1 with errno (fres is freed anyway).
 */
int xenforeignmemory_unmap_resource(
    xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres);

/*
 * Store the size in bytes of resource (type, id) of domain domid in
 * *size.  Returns 0 or -1 with errno (EOPNOTSUPP as for map_resource).
 */
int xenforeignmemory_resource_size(
    xenforeignmemory_handle *fmem, domid_t domid, unsigned int type,
    unsigned int id, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* XENFOREIGNMEMORY_H */
