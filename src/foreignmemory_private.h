/*
 * foreignmemory_private.h - the xenforeignmemory handle and the one
 * internal interface between the API layer (foreignmemory.c) and the
 * kernel backends (osdep/<os>/foreignmemory.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every osdep_ function returns 0 (or a non-negative result) on success
 * and -errno on failure; the API layer converts once.  The API layer has
 * already validated and overflow-checked every count before a backend
 * sees it: num << XS_PAGE_SHIFT fits in size_t and num <= UINT_MAX.
 */
#ifndef XS_FOREIGNMEMORY_PRIVATE_H
#define XS_FOREIGNMEMORY_PRIVATE_H

#include <xenforeignmemory.h>
#include <xentoollog.h>

#include "handle.h"

struct xenforeignmemory_handle {
    XS_HANDLE_FIELDS                /* privcmd in fd; see handle.h */
    /*
     * The errno the driver answers for an ioctl it does not know (ENOTTY
     * on current Linux, EINVAL on old privcmd).  0 = not probed yet: the
     * probe is made lazily, the first time resource mapping fails, so
     * that opening a handle costs no probe (upstream probes at open).
     * -1 = probed, but the driver accepted the probe (no usable errno).
     */
    int unimpl_errno;
    /*
     * Kernels that knew the resource-mapping request by more than one
     * number (FreeBSD): 1 + the index of the one that worked, 0 while
     * none has (accessed atomically; the backend's memo).
     */
    int resource_req;
};

struct xenforeignmemory_resource_handle {
    domid_t domid;
    unsigned int type;
    unsigned int id;
    unsigned long frame;
    unsigned long nr_frames;        /* size query: out, frames */
    void *addr;                     /* in: hint; out: the mapping */
    int prot;
    int flags;
};

/*
 * Open the privileged-command device: the new descriptor, which the API
 * layer publishes into fmem->fd and closes.
 */
int osdep_xenforeignmemory_open(xenforeignmemory_handle *fmem);

/*
 * Map num frames of dom at *addr (a hint, or a fixed address when flags
 * has MAP_FIXED) and store the mapping in *out.  err[] (always non-NULL
 * here, num entries) receives the per-frame result: 0 or -errno.
 */
int osdep_xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
                               void *addr, int prot, int flags, size_t num,
                               const xen_pfn_t arr[], int err[], void **out);
int osdep_xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr,
                                 size_t num);
int osdep_xenforeignmemory_restrict(xenforeignmemory_handle *fmem,
                                    domid_t domid);

/*
 * Map fres->nr_frames frames of a resource at fres->addr, updating
 * fres->addr.  With fres->addr == NULL and fres->nr_frames == 0 this is
 * the size query instead: fres->nr_frames receives the resource size in
 * frames and nothing is mapped.  Fails with -EOPNOTSUPP when the kernel
 * or the hypervisor cannot map resources.
 */
int osdep_xenforeignmemory_map_resource(xenforeignmemory_handle *fmem,
                                        xenforeignmemory_resource_handle *fres);
int osdep_xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
                                          xenforeignmemory_resource_handle *fres);

#endif /* XS_FOREIGNMEMORY_PRIVATE_H */
