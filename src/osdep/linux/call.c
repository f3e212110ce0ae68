/*
 * linux/call.c - xencall on Linux: privcmd hypercalls and buffers from
 * /dev/xen/hypercall or locked anonymous memory.
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
#include "osdep/linux/privcmd.h"

#define HYPERCALL_DEV  "/dev/xen/hypercall"

int osdep_xencall_open(xencall_handle *xcall)
{
    (void)xcall;
    return xs__privcmd_open();
}

int osdep_xencall_open_bufdev(xencall_handle *xcall)
{
    (void)xcall;
    /* -ENOENT: a kernel without the device (< 4.18) */
    return xs_sys_open(HYPERCALL_DEV, O_RDWR | O_CLOEXEC);
}

int osdep_hypercall(xencall_handle *xcall, unsigned int op,
                    const uint64_t args[5], long *result)
{
    return xs__privcmd_hypercall(xcall->fd, op, args, result);
}

int osdep_alloc_pages(xencall_handle *xcall, size_t nr_pages, void **out)
{
    size_t len = nr_pages << XS_PAGE_SHIFT;     /* checked by the caller */

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
