/*
 * sys.c - the default (libc) syscall table behind the seam in sys.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xs_internal.h"
#include "osdep/sys.h"

static int libc_open(const char *path, int flags)
{
    return open(path, flags);
}

static int libc_ioctl(int fd, unsigned long request, void *arg)
{
    return ioctl(fd, request, arg);
}

static int libc_fcntl(int fd, int cmd, int arg)
{
    return fcntl(fd, cmd, arg);
}

static int libc_usleep(unsigned int usec)
{
    return usleep(usec);
}

const struct xs_sys_ops xs__sys_libc = {
    .open = libc_open,
    .close = close,
    .ioctl = libc_ioctl,
    .mmap = mmap,
    .munmap = munmap,
    .madvise = madvise,
    .read = read,
    .write = write,
    .dup3 = dup3,
    .fcntl = libc_fcntl,
    .usleep = libc_usleep,
};

const struct xs_sys_ops *xs__sys = &xs__sys_libc;
__thread const char *xs__sys_site;

void xs__close_keep_errno(int fd)
{
    int saved = errno;

    if (fd >= 0)
        xs_sys_close(fd);
    errno = saved;
}

int xs__close_fd(int *fdp)
{
    int fd = *fdp;

    if (fd < 0)
        return 0;
    *fdp = -1;
    return xs_sys_close(fd) < 0 ? xs__neg_errno() : 0;
}

void xs__munmap_keep_errno(void *addr, size_t len)
{
    int saved = errno;

    xs_sys_munmap(addr, len);
    errno = saved;
}
