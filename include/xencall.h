/*
 * xencall.h - call: issue raw Xen hypercalls and manage the memory their
 * arguments live in (source-compatible with upstream Xen's libxencall).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Failures are -1 (or NULL) with errno set; hypercall errors are
 * reported as the matching positive errno value.  These functions never
 * log, except xencall_open() on failure.
 *
 * Fork: a child may only call xencall_close() on an inherited handle.
 * Hypercall buffers are not inherited (they are unmapped in the child).
 */
#ifndef XENCALL_H
#define XENCALL_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xencall_handle xencall_handle;

/*
 * Open flag: the caller promises to use this handle from one thread at
 * a time, so the library skips locking its buffer cache.
 */
#define XENCALL_OPENFLAG_NON_REENTRANT (1U<<0)

/*
 * Open the hypercall interface (privcmd).
 *
 * logger: NULL selects a private stderr logger (level XTL_PROGRESS)
 * destroyed by xencall_close().  open_flags: XENCALL_OPENFLAG_*; other
 * bits are ignored.
 *
 * Returns the handle, or NULL with errno set (after logging why).
 */
xencall_handle *xencall_open(struct xentoollog_logger *logger,
                             unsigned open_flags);

/*
 * Close the handle and release its cached buffers.  Buffers still
 * allocated from it must not be used afterwards.  Returns 0, or -1 with
 * errno if closing a descriptor failed.  xencall_close(NULL) returns 0.
 */
int xencall_close(xencall_handle *xcall);

/*
 * The privcmd file descriptor, for ioctls the library does not wrap.
 * Never fails; do not close it.
 */
int xencall_fd(xencall_handle *xcall);

/*
 * Make hypercall op with 0..5 arguments.  Pointer arguments must point
 * into memory from xencall_alloc_buffer*().  Returns the hypercall's
 * (non-negative) result, or -1 with errno.
 */
int xencall0(xencall_handle *xcall, unsigned int op);
int xencall1(xencall_handle *xcall, unsigned int op,
             uint64_t arg1);
int xencall2(xencall_handle *xcall, unsigned int op,
             uint64_t arg1, uint64_t arg2);
int xencall3(xencall_handle *xcall, unsigned int op,
             uint64_t arg1, uint64_t arg2, uint64_t arg3);
int xencall4(xencall_handle *xcall, unsigned int op,
             uint64_t arg1, uint64_t arg2, uint64_t arg3,
             uint64_t arg4);
int xencall5(xencall_handle *xcall, unsigned int op,
             uint64_t arg1, uint64_t arg2, uint64_t arg3,
             uint64_t arg4, uint64_t arg5);

/*
 * Like xencall2() for hypercalls whose result may not fit in an int.
 * Returns the result, or -1 with errno.  (Where the operating system's
 * ioctl() returns int, the result is still limited to int.)
 */
long xencall2L(xencall_handle *xcall, unsigned int op,
               uint64_t arg1, uint64_t arg2);

/*
 * Allocate nr_pages zeroed, page-aligned pages usable as hypercall
 * arguments.  Returns NULL with errno on failure (and for nr_pages 0).
 */
void *xencall_alloc_buffer_pages(xencall_handle *xcall, size_t nr_pages);

/*
 * Free pages from xencall_alloc_buffer_pages(); nr_pages must match the
 * allocation.  p may be NULL.
 */
void xencall_free_buffer_pages(xencall_handle *xcall, void *p,
                               size_t nr_pages);

/*
 * Allocate size bytes of hypercall-safe memory, aligned at least as
 * malloc() aligns.  Returns NULL with errno on failure.
 */
void *xencall_alloc_buffer(xencall_handle *xcall, size_t size);

/* Free memory from xencall_alloc_buffer().  p may be NULL. */
void xencall_free_buffer(xencall_handle *xcall, void *p);

/*
 * Non-zero if hypercall buffers can never fault inside the hypervisor
 * (they come from a dedicated kernel device rather than locked user
 * memory), 0 otherwise.  Never fails.
 */
int xencall_buffers_never_fault(xencall_handle *xcall);

#ifdef __cplusplus
}
#endif

#endif /* XENCALL_H */
