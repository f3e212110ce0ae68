/*
 * linux/call-buffers.c - hypercall-safe memory on Linux: pages of the
 * /dev/xen/hypercall device (Linux >= 4.18), or locked anonymous memory
 * kept out of fork children with MADV_DONTFORK.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "call_private.h"
#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/privcmd.h"

#define HYPERCALL_DEV "/dev/xen/hypercall"

int xs__locked_pages_alloc(size_t len, void **out)
{
    void *p;
    int rc;

    rc = xs_sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0, &p);
    if (rc < 0)
        return rc;
    /*
     * Keep the pages out of fork children: a child's copy-on-write would
     * otherwise move the parent's locked pages under a hypercall.
     */
    rc = xs_sys_madvise(p, len, MADV_DONTFORK);
    if (rc < 0) {
        xs_sys_munmap(p, len);
        return rc;
    }
    /*
     * Touch every page after DONTFORK: a fork between mmap and madvise
     * may have made them copy-on-write; writing breaks that now, not in
     * the hypervisor.
     */
    for (size_t off = 0; off < len; off += XS_PAGE_SIZE)
        ((volatile char *)p)[off] = 0;
    *out = p;
    return 0;
}

void xs__locked_pages_free(void *p, size_t len)
{
    (void)xs_sys_madvise(p, len, MADV_DOFORK);
    (void)xs_sys_munmap(p, len);
}

int osdep_xencall_open_bufdev(xencall_handle *xcall)
{
    (void)xcall;
    /* -ENOENT: a kernel without the device (< 4.18) */
    return xs_sys_open(HYPERCALL_DEV, O_RDWR | O_CLOEXEC);
}

int osdep_alloc_pages(xencall_handle *xcall, size_t nr_pages, void **out)
{
    size_t len = nr_pages << XS_PAGE_SHIFT; /* checked by the caller */

    /* Kernel memory that is never migrated: hypercalls cannot fault. */
    if (xcall->bufdev == XS_BUFDEV_OPEN)
        return xs_sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
                           xcall->buf_fd, 0, out);
    return xs__locked_pages_alloc(len, out);
}

void osdep_free_pages(xencall_handle *xcall, void *p, size_t nr_pages)
{
    size_t len = nr_pages << XS_PAGE_SHIFT;

    if (xcall->bufdev == XS_BUFDEV_OPEN)
        (void)xs_sys_munmap(p, len);
    else
        xs__locked_pages_free(p, len);
}

/* Locked anonymous memory can still be migrated by the kernel. */
int osdep_xencall_buffers_never_fault(xencall_handle *xcall)
{
    return xcall->bufdev == XS_BUFDEV_OPEN;
}
