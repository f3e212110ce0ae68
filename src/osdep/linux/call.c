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
#include "toolcore_private.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/linux/privcmd.h"

#define HYPERCALL_DEV  "/dev/xen/hypercall"

int osdep_xencall_open(xencall_handle *xcall)
{
    int fd = xs__privcmd_open();

    if (fd < 0)
        return fd;
    xs__toolcore_publish_fd(&xcall->fd, fd);
    return 0;
}

int osdep_xencall_close(xencall_handle *xcall)
{
    int rc = xs__close_fd(&xcall->buf_fd);
    int rc2 = xs__close_fd(&xcall->fd);

    return rc ? rc : rc2;   /* report the first failure */
}

int osdep_xencall_probe_bufdev(xencall_handle *xcall)
{
    int fd = xs_sys_open(HYPERCALL_DEV, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        /* Only a kernel without the device (< 4.18) means "none". */
        if (fd != -ENOENT)
            return fd;
        xcall->bufdev = XS_BUFDEV_ABSENT;
        return 0;
    }
    xs__toolcore_publish_fd(&xcall->buf_fd, fd);
    xcall->bufdev = XS_BUFDEV_OPEN;
    return 0;
}

int osdep_hypercall(xencall_handle *xcall, unsigned int op,
                    const uint64_t args[5], long *result)
{
    struct xs_privcmd_hypercall h = {
        .op = op,
        .arg = { args[0], args[1], args[2], args[3], args[4] },
    };
    int64_t r = xs_sys_ioctl(xcall->fd, XS_IOCTL_PRIVCMD_HYPERCALL, &h);

    if (r < 0)
        return (int)r;
    /*
     * The kernel's long result reaches us through libc's int, as it
     * reaches upstream: bits above 31 are lost and 2^31 and more come
     * out negative, sign-extended like upstream's long.
     */
    *result = xs_sys_ioctl_int(r);
    return 0;
}

int osdep_alloc_pages(xencall_handle *xcall, size_t nr_pages, void **out)
{
    size_t len = nr_pages << XS_PAGE_SHIFT;     /* checked by the caller */
    void *p;
    int rc;

    if (xcall->bufdev == XS_BUFDEV_OPEN) {
        /* Kernel memory that is never migrated: hypercalls cannot fault. */
        return xs_sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
                           xcall->buf_fd, 0, out);
    }

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

void osdep_free_pages(xencall_handle *xcall, void *p, size_t nr_pages)
{
    size_t len = nr_pages << XS_PAGE_SHIFT;

    if (xcall->bufdev != XS_BUFDEV_OPEN)
        (void)xs_sys_madvise(p, len, MADV_DOFORK);
    (void)xs_sys_munmap(p, len);
}
