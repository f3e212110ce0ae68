/*
 * call_private.h - the xencall handle and its kernel back end.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_CALL_PRIVATE_H
#define XS_CALL_PRIVATE_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#include <xencall.h>
#include <xentoollog.h>

#include "handle.h"

/* State of the optional hypercall-buffer device (/dev/xen/hypercall). */
enum xs_call_bufdev {
    XS_BUFDEV_UNKNOWN = 0,  /* not probed yet: opened lazily */
    XS_BUFDEV_ABSENT,       /* not there: buffers are locked anonymous memory */
    XS_BUFDEV_OPEN,         /* buf_fd is open */
};

/*
 * Buffer cache: freed buffers of 1..XS_CALL_CACHE_MAX_PAGES pages are
 * kept (up to XS_CALL_CACHE_PER_SIZE of each size) so the common small
 * alloc/free cycle costs no system call.
 */
#define XS_CALL_CACHE_MAX_PAGES 4
#define XS_CALL_CACHE_PER_SIZE  4

struct xs_call_cache_stats {
    int total_allocations, total_releases;
    int current_allocations, maximum_allocations;
    int cache_hits, cache_misses, cache_toobig;
};

struct xencall_handle {
    XS_HANDLE_FIELDS                    /* privcmd in fd; see handle.h */
    unsigned flags;                     /* XENCALL_OPENFLAG_* */
    int buf_fd;                         /* buffer device, -1 when not open */
    int bufdev;                         /* enum xs_call_bufdev */
    /*
     * Set (atomically) by the restrict callback, so that a buffer device
     * opened after the restriction is neutered too (call_buffer.c).
     */
    int restricted;
    /*
     * Per handle (upstream: one process-global mutex), so threads using
     * different handles never contend.  Guards the cache, the statistics
     * and the lazy opening of the buffer device.  Unused with
     * XENCALL_OPENFLAG_NON_REENTRANT.
     */
    pthread_mutex_t lock;
    void *cache[XS_CALL_CACHE_MAX_PAGES][XS_CALL_CACHE_PER_SIZE];
    int cache_nr[XS_CALL_CACHE_MAX_PAGES];
    /* leading bytes of each cached buffer that may be non-zero */
    unsigned int cache_dirty[XS_CALL_CACHE_MAX_PAGES][XS_CALL_CACHE_PER_SIZE];
    struct xs_call_cache_stats stats;
};

/*
 * --- osdep: every function returns 0 / a result, or -errno ---
 * The API layer (call.c, call_buffer.c) publishes the descriptors these
 * open into xcall->fd and xcall->buf_fd and closes them; the backend
 * reads them.
 */

/* Open the privileged-command device; the new descriptor. */
int osdep_xencall_open(xencall_handle *xcall);
/*
 * Open the hypercall-buffer device; the new descriptor, or -ENOENT when
 * the kernel has none (buffers then come from locked anonymous memory).
 * Called with the handle lock held, at the first buffer allocation.
 */
int osdep_xencall_open_bufdev(xencall_handle *xcall);
/*
 * One hypercall: 0 with the result in *result, or -errno.  The result
 * is what upstream's backend for the OS returns (on Linux the int libc's
 * ioctl() answered, so 2^31 and more arrive negative): it is a value,
 * never an errno.
 */
int osdep_hypercall(xencall_handle *xcall, unsigned int op,
                    const uint64_t args[5], long *result);
/* nr_pages (non-zero, size checked) fresh pages in *out. */
int osdep_alloc_pages(xencall_handle *xcall, size_t nr_pages, void **out);
/* Release pages from osdep_alloc_pages(). */
void osdep_free_pages(xencall_handle *xcall, void *p, size_t nr_pages);
/*
 * Can the hypervisor touch the buffers osdep_alloc_pages() hands out
 * without faulting (xencall_buffers_never_fault)?  Asked after the
 * buffer device was probed (xcall->bufdev known): 1 or 0.
 */
int osdep_xencall_buffers_never_fault(xencall_handle *xcall);

/*
 * Make xcall useless now, as xentoolcore_restrict_all() would (both
 * descriptors replaced by /dev/null), under toolcore's lock so that no
 * descriptor is published meanwhile: for a handle that owns an internal
 * xencall handle and is restricted on its own (devicemodel).  0/-errno.
 */
int xs__xencall_neuter(xencall_handle *xcall);

/* --- buffer layer (call_buffer.c) --- */
void xs__call_cache_init(xencall_handle *xcall);
/* Log the statistics and release every cached buffer (at close). */
void xs__call_cache_release(xencall_handle *xcall);

#endif /* XS_CALL_PRIVATE_H */
