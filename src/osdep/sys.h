/*
 * sys.h - the syscall seam.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every system call that the kernel backends and toolcore make goes
 * through xs__sys, a table that points at libc by default.  Unit tests
 * install their own table to check request numbers and argument layouts
 * and to inject failures into any single call; nothing else ever changes
 * it.  A table is used instead of -Wl,--wrap because _FORTIFY_SOURCE and
 * large-file redirections rename libc entry points and silently bypass
 * link-time wrapping.
 *
 * The functions keep libc's convention (-1 with errno, MAP_FAILED); the
 * backends convert to -errno.
 */
#ifndef XS_OSDEP_SYS_H
#define XS_OSDEP_SYS_H

#include <sys/types.h>
#include <stddef.h>

struct xs_sys_ops {
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
                  off_t offset);
    int (*munmap)(void *addr, size_t len);
    int (*madvise)(void *addr, size_t len, int advice);
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    int (*dup3)(int oldfd, int newfd, int flags);
    int (*fcntl)(int fd, int cmd, int arg);
    /* sleeps between retries of a busy kernel resource */
    int (*usleep)(unsigned int usec);
};

/* The table in use; points at xs__sys_libc unless a test replaced it. */
extern const struct xs_sys_ops *xs__sys;
extern const struct xs_sys_ops xs__sys_libc;

static inline int xs_sys_open(const char *path, int flags)
{ return xs__sys->open(path, flags); }
static inline int xs_sys_close(int fd)
{ return xs__sys->close(fd); }
static inline int xs_sys_ioctl(int fd, unsigned long request, void *arg)
{ return xs__sys->ioctl(fd, request, arg); }
static inline void *xs_sys_mmap(void *addr, size_t len, int prot, int flags,
                                int fd, off_t offset)
{ return xs__sys->mmap(addr, len, prot, flags, fd, offset); }
static inline int xs_sys_munmap(void *addr, size_t len)
{ return xs__sys->munmap(addr, len); }
static inline int xs_sys_madvise(void *addr, size_t len, int advice)
{ return xs__sys->madvise(addr, len, advice); }
static inline ssize_t xs_sys_read(int fd, void *buf, size_t len)
{ return xs__sys->read(fd, buf, len); }
static inline ssize_t xs_sys_write(int fd, const void *buf, size_t len)
{ return xs__sys->write(fd, buf, len); }
static inline int xs_sys_dup3(int oldfd, int newfd, int flags)
{ return xs__sys->dup3(oldfd, newfd, flags); }
static inline int xs_sys_fcntl(int fd, int cmd, int arg)
{ return xs__sys->fcntl(fd, cmd, arg); }
static inline int xs_sys_usleep(unsigned int usec)
{ return xs__sys->usleep(usec); }

/*
 * close() that keeps errno, for error paths: the caller reports the
 * first failure, not the cleanup's.
 */
void xs__close_keep_errno(int fd);
/*
 * Close *fdp if it is open and mark it closed (-1); returns 0 or the
 * close() failure as -errno.  Every backend's handle close uses it.
 */
int xs__close_fd(int *fdp);
/* munmap() that keeps errno, for the same reason. */
void xs__munmap_keep_errno(void *addr, size_t len);

#endif /* XS_OSDEP_SYS_H */
