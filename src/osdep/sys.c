/*
 * sys.c - the default (libc) syscall table behind the seam in sys.h:
 * each entry calls libc and converts its -1/errno to -errno, here and
 * nowhere else.
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

/* libc's answer r of a call that failed when r < 0, as 0/-errno. */
static int ret0(int r)
{
    return r < 0 ? xs__neg_errno() : r;
}

static int libc_open(const char *path, int flags)
{
    /*
     * The mode argument is passed although O_CREAT is never set: with
     * _FORTIFY_SOURCE, open() without it and with flags unknown at
     * compile time becomes __open_2(), which an LD_PRELOAD interposer
     * of open() (as programs use to emulate Xen devices) would not see.
     */
    return ret0(open(path, flags, 0));
}

static int libc_close(int fd)
{
    return ret0(close(fd));
}

static int64_t libc_ioctl(int fd, unsigned long request, void *arg)
{
    int saved = errno, r;

    /*
     * libc answers -1 both for a failure (errno set) and for a driver
     * result that truncates to -1 (a hypercall returning 0xffffffff,
     * errno untouched): only errno tells them apart.
     */
    errno = 0;
    r = ioctl(fd, request, arg);
    /*
     * FreeBSD's privcmd answers a second RESTRICT to another domain with
     * a negative errno (-EINVAL), which its ioctl layer hands on as it
     * is: a failure all the same, reported as the errno it names.
     */
    if (r == -1 && errno != 0)
        return errno > 0 ? -errno : errno;
    errno = saved;
    return (uint32_t)r;
}

static int libc_mmap(void *addr, size_t len, int prot, int flags, int fd,
                     off_t offset, void **out)
{
    void *p = mmap(addr, len, prot, flags, fd, offset);

    if (p == MAP_FAILED)
        return xs__neg_errno();
    *out = p;
    return 0;
}

static int libc_munmap(void *addr, size_t len)
{
    return ret0(munmap(addr, len));
}

static int libc_madvise(void *addr, size_t len, int advice)
{
    return ret0(madvise(addr, len, advice));
}

static int libc_mlock(const void *addr, size_t len)
{
    return ret0(mlock(addr, len));
}

static int libc_munlock(const void *addr, size_t len)
{
    return ret0(munlock(addr, len));
}

static int libc_minherit(void *addr, size_t len, int inherit)
{
#if defined(INHERIT_NONE) || defined(MAP_INHERIT_NONE)
    return ret0(minherit(addr, len, inherit));
#else
    (void)addr;
    (void)len;
    (void)inherit;
    return -ENOSYS;
#endif
}

static ssize_t libc_read(int fd, void *buf, size_t len)
{
    ssize_t n = read(fd, buf, len);

    return n < 0 ? xs__neg_errno() : n;
}

static ssize_t libc_write(int fd, const void *buf, size_t len)
{
    ssize_t n = write(fd, buf, len);

    return n < 0 ? xs__neg_errno() : n;
}

static int libc_dup3(int oldfd, int newfd, int flags)
{
    return ret0(dup3(oldfd, newfd, flags));
}

static int libc_fcntl(int fd, int cmd, int arg)
{
    return ret0(fcntl(fd, cmd, arg));
}

static int libc_usleep(unsigned int usec)
{
    return ret0(usleep(usec));
}

const struct xs_sys_ops xs__sys_libc = {
    .open = libc_open,
    .close = libc_close,
    .ioctl = libc_ioctl,
    .mmap = libc_mmap,
    .munmap = libc_munmap,
    .madvise = libc_madvise,
    .mlock = libc_mlock,
    .munlock = libc_munlock,
    .minherit = libc_minherit,
    .read = libc_read,
    .write = libc_write,
    .dup3 = libc_dup3,
    .fcntl = libc_fcntl,
    .usleep = libc_usleep,
};

const struct xs_sys_ops *xs__sys = &xs__sys_libc;
__thread const char *xs__sys_site __attribute__((tls_model("initial-exec")));

int xs__close_fd(int *fdp)
{
    int fd = *fdp;

    if (fd < 0)
        return 0;
    *fdp = -1;
    return xs_sys_close(fd);
}
