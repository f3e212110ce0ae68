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

/*
 * Every call names its own source line in xs__sys_site before it goes
 * through the table, so the fault-injection test
 * (tests/robust/test-faults.c) can tell which call site it just failed
 * and prove that every site in src/ was failed at least once.  One thread-local pointer store per system call
 * costs nothing next to the call itself; thread-local so concurrent
 * callers never race on it.
 */
extern __thread const char *xs__sys_site;
#define XS_SYS_STR2_(x) #x
#define XS_SYS_STR_(x) XS_SYS_STR2_(x)
#define XS_SYS_HERE_ (xs__sys_site = __FILE__ ":" XS_SYS_STR_(__LINE__))

#define xs_sys_open(...)    (XS_SYS_HERE_, xs__sys->open(__VA_ARGS__))
#define xs_sys_close(...)   (XS_SYS_HERE_, xs__sys->close(__VA_ARGS__))
#define xs_sys_ioctl(...)   (XS_SYS_HERE_, xs__sys->ioctl(__VA_ARGS__))
#define xs_sys_mmap(...)    (XS_SYS_HERE_, xs__sys->mmap(__VA_ARGS__))
#define xs_sys_munmap(...)  (XS_SYS_HERE_, xs__sys->munmap(__VA_ARGS__))
#define xs_sys_madvise(...) (XS_SYS_HERE_, xs__sys->madvise(__VA_ARGS__))
#define xs_sys_read(...)    (XS_SYS_HERE_, xs__sys->read(__VA_ARGS__))
#define xs_sys_write(...)   (XS_SYS_HERE_, xs__sys->write(__VA_ARGS__))
#define xs_sys_dup3(...)    (XS_SYS_HERE_, xs__sys->dup3(__VA_ARGS__))
#define xs_sys_fcntl(...)   (XS_SYS_HERE_, xs__sys->fcntl(__VA_ARGS__))
#define xs_sys_usleep(...)  (XS_SYS_HERE_, xs__sys->usleep(__VA_ARGS__))

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
