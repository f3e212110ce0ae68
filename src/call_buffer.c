/*
 * call_buffer.c - hypercall buffers and the per-handle buffer cache.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "call_private.h"
#include "xs_internal.h"
#include "osdep/sys.h"
#include "toolcore_private.h"

/*
 * xencall_alloc_buffer() puts this in front of the caller's bytes.  16
 * bytes (not 4) so the returned pointer is aligned like malloc()'s, as
 * upstream since its commit f5d10dc290.
 */
struct alloc_header {
    int nr_pages;
    /*
     * Bytes from the start of the pages that may be non-zero when the
     * buffer is freed (see cache_put): the header plus the caller's size,
     * or more if an earlier user of a recycled buffer wrote further.
     */
    unsigned int dirty;
    int pad[2];
};
_Static_assert(sizeof(struct alloc_header) == 16, "header is 16 bytes");

static void lock(xencall_handle *xcall)
{
    if (!(xcall->flags & XENCALL_OPENFLAG_NON_REENTRANT))
        pthread_mutex_lock(&xcall->lock);
}

static void unlock(xencall_handle *xcall)
{
    if (!(xcall->flags & XENCALL_OPENFLAG_NON_REENTRANT))
        pthread_mutex_unlock(&xcall->lock);
}

void xs__call_cache_init(xencall_handle *xcall)
{
    memset(xcall->cache_nr, 0, sizeof(xcall->cache_nr));
    memset(&xcall->stats, 0, sizeof(xcall->stats));
}

/* Under the lock: a cached buffer of nr_pages, or NULL; counts the try. */
/*
 * A cached buffer remembers how many of its leading bytes may be
 * non-zero, so that handing it out again only clears those: a 64-byte
 * xencall_alloc_buffer() recycled over and over clears 80 bytes, not the
 * whole page (upstream clears the page every time).  *dirty is set only
 * on a hit.
 */
static void *cache_take(xencall_handle *xcall, size_t nr_pages,
                        size_t *dirty)
{
    struct xs_call_cache_stats *s = &xcall->stats;
    void *p = NULL;

    s->total_allocations++;
    s->current_allocations++;
    if (s->current_allocations > s->maximum_allocations)
        s->maximum_allocations = s->current_allocations;

    if (nr_pages > XS_CALL_CACHE_MAX_PAGES) {
        s->cache_toobig++;
    } else if (xcall->cache_nr[nr_pages - 1] > 0) {
        int k = --xcall->cache_nr[nr_pages - 1];

        p = xcall->cache[nr_pages - 1][k];
        *dirty = xcall->cache_dirty[nr_pages - 1][k];
        s->cache_hits++;
    } else {
        s->cache_misses++;
    }
    return p;
}

/*
 * The buffer device is opened at the first allocation, which may come
 * after the handle was restricted: the restrict callback then had no
 * buffer device to neuter.  The probe stored the descriptor under the
 * registry lock, which the callback holds, so either the callback saw it
 * or its flag is visible here.  Neuter it as the callback would have: a
 * restricted handle then answers as upstream's, whose buffer device was
 * opened at xencall_open() and so restricted with the rest.  If that
 * fails, the device is closed again rather than left usable.
 */
static int restrict_late_bufdev(xencall_handle *xcall)
{
    int fd = xcall->buf_fd, rc;

    if (xcall->bufdev != XS_BUFDEV_OPEN ||
        !__atomic_load_n(&xcall->restricted, __ATOMIC_SEQ_CST) ||
        xentoolcore__restrict_by_dup2_null(fd) == 0)
        return 0;
    rc = xs__neg_errno();
    xs__toolcore_publish_fd(&xcall->buf_fd, -1);
    xs_sys_close(fd);
    xcall->bufdev = XS_BUFDEV_UNKNOWN;
    return rc;
}

/*
 * Under the lock: open the buffer device if the kernel has one.  0 with
 * xcall->bufdev known, or -errno (still unknown: a later allocation
 * tries again).  The descriptor is published under toolcore's lock, as
 * restrict_all reads it.
 */
static int probe_bufdev(xencall_handle *xcall)
{
    int fd = osdep_xencall_open_bufdev(xcall);

    if (fd == -ENOENT) {
        xcall->bufdev = XS_BUFDEV_ABSENT;
        return 0;
    }
    if (fd < 0)
        return fd;
    xs__toolcore_publish_fd(&xcall->buf_fd, fd);
    xcall->bufdev = XS_BUFDEV_OPEN;
    return restrict_late_bufdev(xcall);
}

/* Under the lock: keep p if there is room; 1 if kept. */
static int cache_put(xencall_handle *xcall, void *p, size_t nr_pages,
                     size_t dirty)
{
    int k;

    xcall->stats.total_releases++;
    xcall->stats.current_allocations--;
    if (nr_pages == 0 || nr_pages > XS_CALL_CACHE_MAX_PAGES ||
        xcall->cache_nr[nr_pages - 1] >= XS_CALL_CACHE_PER_SIZE)
        return 0;
    k = xcall->cache_nr[nr_pages - 1]++;
    xcall->cache[nr_pages - 1][k] = p;
    xcall->cache_dirty[nr_pages - 1][k] = (unsigned int)dirty;
    return 1;
}

/*
 * Clear the first len bytes of a buffer's pages.  Buffers are whole
 * pages, page-aligned, and every byte of them is the library's, so the
 * length may be rounded up to 8 bytes and the clear done 8 bytes at a
 * time with "rep stosq", as Linux clears pages (clear_page_rep): on CPUs
 * with fast string operations it runs at the same speed as the
 * byte-granular "rep stosb" libc's memset picks for sizes this large,
 * on older CPUs faster, and an emulator (QEMU TCG, valgrind) steps 8x
 * fewer iterations.  len <= the buffer's size, which is a multiple of 8.
 */
static void clear_buffer(void *p, size_t len)
{
#if defined(__x86_64__)
    size_t qwords = (len + 7) / 8;
    void *dst = p;

    __asm__ volatile ("rep stosq"
                      : "+D" (dst), "+c" (qwords)
                      : "a" (0UL)
                      : "memory");
#else
    memset(p, 0, len);
#endif
}

/*
 * Hand out nr_pages pages whose first `need` bytes are zero (the caller's
 * part; SIZE_MAX for all of them).  *dirty_out: how many leading bytes
 * may be non-zero once the caller is done, if it writes only its part.
 */
static int alloc_pages(xencall_handle *xcall, size_t nr_pages, size_t need,
                       void **out, size_t *dirty_out)
{
    size_t bytes, dirty;
    void *p;
    int rc = 0;

    if (nr_pages == 0)
        return -EINVAL;         /* what mmap() of 0 bytes answers upstream */
    if (xs__pages_to_bytes(nr_pages, &bytes))
        return -ENOMEM;

    dirty = bytes;          /* fresh pages: cleared in full, as upstream */
    lock(xcall);
    p = cache_take(xcall, nr_pages, &dirty);
    /*
     * The buffer device is opened at the first allocation (upstream: at
     * open).  A missing device means locked anonymous memory; any other
     * error fails this allocation (upstream fails xencall_open()).
     */
    if (!p && xcall->bufdev == XS_BUFDEV_UNKNOWN)
        rc = probe_bufdev(xcall);
    if (!p && rc == 0)
        rc = osdep_alloc_pages(xcall, nr_pages, &p);
    if (rc < 0)
        xcall->stats.current_allocations--;
    unlock(xcall);
    if (rc < 0)
        return rc;

    /*
     * Zeroed is the contract, for recycled buffers too (as upstream), but
     * only bytes that may have been written need clearing: those the
     * caller gets that an earlier user may have dirtied.
     */
    clear_buffer(p, need < dirty ? need : dirty);
    *out = p;
    *dirty_out = need > dirty ? need : dirty;
    return 0;
}

XS_API void *xencall_alloc_buffer_pages(xencall_handle *xcall,
                                        size_t nr_pages)
{
    void *p = NULL;
    size_t dirty;
    /* SIZE_MAX: every byte of the pages must be zero */
    int rc = alloc_pages(xcall, nr_pages, SIZE_MAX, &p, &dirty);

    return xs__ret_ptr(p, rc);
}

/* dirty: leading bytes that may be non-zero (see cache_take). */
static void free_pages(xencall_handle *xcall, void *p, size_t nr_pages,
                       size_t dirty)
{
    int kept, saved = errno;

    lock(xcall);
    kept = cache_put(xcall, p, nr_pages, dirty);
    unlock(xcall);
    if (!kept)
        osdep_free_pages(xcall, p, nr_pages);
    errno = saved;
}

XS_API void xencall_free_buffer_pages(xencall_handle *xcall, void *p,
                                      size_t nr_pages)
{
    if (!p)
        return;
    /* the caller owned every byte: all of them may be dirty */
    free_pages(xcall, p, nr_pages,
               nr_pages <= XS_CALL_CACHE_MAX_PAGES
               ? nr_pages << XS_PAGE_SHIFT : 0);
}

XS_API void *xencall_alloc_buffer(xencall_handle *xcall, size_t size)
{
    size_t total;
    size_t nr_pages;
    struct alloc_header *hdr = NULL;
    size_t dirty;
    int rc;

    if (__builtin_add_overflow(size, sizeof(*hdr), &total) ||
        __builtin_add_overflow(total, XS_PAGE_SIZE - 1, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    nr_pages = total >> XS_PAGE_SHIFT;
    if (nr_pages > INT_MAX) {           /* the header holds an int */
        errno = ENOMEM;
        return NULL;
    }
    /* the header and the caller's size bytes are all that must be zero */
    rc = alloc_pages(xcall, nr_pages, sizeof(*hdr) + size, (void **)&hdr,
                     &dirty);
    if (rc < 0) {
        errno = -rc;
        return NULL;
    }
    hdr->nr_pages = (int)nr_pages;
    /* only cached sizes (<= 4 pages) use it: those fit an unsigned int */
    hdr->dirty = (unsigned int)dirty;
    return hdr + 1;
}

XS_API void xencall_free_buffer(xencall_handle *xcall, void *p)
{
    struct alloc_header *hdr;

    if (!p)
        return;
    hdr = (struct alloc_header *)p - 1;
    free_pages(xcall, hdr, (size_t)hdr->nr_pages, hdr->dirty);
}

XS_API int xencall_buffers_never_fault(xencall_handle *xcall)
{
    int r, saved = errno;

    lock(xcall);
    /* Not known yet: find out now (a failure just means "no"). */
    if (xcall->bufdev == XS_BUFDEV_UNKNOWN)
        (void)probe_bufdev(xcall);
    r = osdep_xencall_buffers_never_fault(xcall);
    unlock(xcall);
    errno = saved;
    return r;
}

void xs__call_cache_release(xencall_handle *xcall)
{
    const struct xs_call_cache_stats *s = &xcall->stats;
    int cached = 0;

    for (int i = 0; i < XS_CALL_CACHE_MAX_PAGES; i++)
        cached += xcall->cache_nr[i];

    XS_PRESERVE_ERRNO(
        xtl_log(xcall->logger, XTL_DEBUG, -1, "xencall:buffer",
                "total allocations:%d total releases:%d",
                s->total_allocations, s->total_releases);
        xtl_log(xcall->logger, XTL_DEBUG, -1, "xencall:buffer",
                "current allocations:%d maximum allocations:%d",
                s->current_allocations, s->maximum_allocations);
        xtl_log(xcall->logger, XTL_DEBUG, -1, "xencall:buffer",
                "cache current size:%d", cached);
        xtl_log(xcall->logger, XTL_DEBUG, -1, "xencall:buffer",
                "cache hits:%d misses:%d toobig:%d",
                s->cache_hits, s->cache_misses, s->cache_toobig));

    for (int i = 0; i < XS_CALL_CACHE_MAX_PAGES; i++) {
        while (xcall->cache_nr[i] > 0)
            osdep_free_pages(xcall, xcall->cache[i][--xcall->cache_nr[i]],
                             (size_t)i + 1);
    }
}
