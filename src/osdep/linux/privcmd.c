/*
 * linux/privcmd.c - the privcmd device and hypercall-safe memory (see
 * privcmd.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/linux/privcmd.h"

int xs__privcmd_open(void)
{
    int fd = xs_sys_open(PRIVCMD_DEV, O_RDWR | O_CLOEXEC);

    if (xs__privcmd_node_missing(fd))
        fd = xs_sys_open(PRIVCMD_PROC, O_RDWR | O_CLOEXEC);
    return fd;
}

int xs__privcmd_hypercall(int fd, unsigned int op, const uint64_t args[5],
                          long *result)
{
    struct xs_privcmd_hypercall h = {
        .op = op,
        .arg = { args[0], args[1], args[2], args[3], args[4] },
    };
    int64_t r = xs_sys_ioctl(fd, XS_IOCTL_PRIVCMD_HYPERCALL, &h);

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
