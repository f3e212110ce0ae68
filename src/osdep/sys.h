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

#include "xs_internal.h"

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
 * and prove that every site in src/ was failed at least once.  One
 * thread-local pointer store per system call costs nothing next to the
 * call itself; thread-local so concurrent callers never race on it.
 */
extern __thread const char *xs__sys_site;
#define XS_SYS_STR2_(x) #x
#define XS_SYS_STR_(x) XS_SYS_STR2_(x)
#define XS_SYS_AT_ __FILE__ ":" XS_SYS_STR_(__LINE__)
#define XS_SYS_HERE_ (xs__sys_site = XS_SYS_AT_)

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
 * Hot-path variants: the same system calls, answering -errno (or the
 * non-negative result) directly.  While the libc table is in use (always,
 * outside unit tests) they issue the system call themselves on x86-64,
 * so a notify or a pending read costs the syscall instruction and little
 * else: no indirect call through the table, no libc wrapper frame and no
 * round trip of errno through thread-local storage.  A test that installs
 * its own table still sees every call.  Used by the per-operation paths
 * (event channel notify/pending/unmask/bind, hypercalls, foreign batch
 * maps); everything else keeps the plain functions above.
 */
#if defined(__x86_64__) && defined(__linux__)
#include <sys/syscall.h>
#define XS_HAVE_RAW_SYSCALL 1

static inline long xs__raw_syscall3(long nr, long a1, long a2, long a3)
{
    long ret;

    /* x86-64 Linux ABI: rax = number, rdi/rsi/rdx = arguments; the
     * kernel clobbers rcx and r11 and answers -errno in rax. */
    __asm__ volatile ("syscall"
                      : "=a" (ret)
                      : "a" (nr), "D" (a1), "S" (a2), "d" (a3)
                      : "rcx", "r11", "memory");
    return ret;
}
static inline long xs__raw_syscall6(long nr, long a1, long a2, long a3,
                                    long a4, long a5, long a6)
{
    long ret;
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;

    /* the fourth to sixth arguments travel in r10, r8 and r9 */
    __asm__ volatile ("syscall"
                      : "=a" (ret)
                      : "a" (nr), "D" (a1), "S" (a2), "d" (a3),
                        "r" (r10), "r" (r8), "r" (r9)
                      : "rcx", "r11", "memory");
    return ret;
}
#else
#define XS_HAVE_RAW_SYSCALL 0
#endif

static inline int xs_sys_libc_in_use(void)
{
    return __builtin_expect(xs__sys == &xs__sys_libc, 1);
}

static inline int xs__sys_ioctl_r_at(const char *site, int fd,
                                     unsigned long request, void *arg)
{
    int rc;

#if XS_HAVE_RAW_SYSCALL
    if (xs_sys_libc_in_use())
        return (int)xs__raw_syscall3(SYS_ioctl, fd, (long)request,
                                     (long)arg);
#endif
    xs__sys_site = site;
    rc = xs__sys->ioctl(fd, request, arg);
    return rc < 0 ? xs__neg_errno() : rc;
}

static inline ssize_t xs__sys_read_r_at(const char *site, int fd, void *buf,
                                        size_t len)
{
    ssize_t n;

#if XS_HAVE_RAW_SYSCALL
    if (xs_sys_libc_in_use())
        return xs__raw_syscall3(SYS_read, fd, (long)buf, (long)len);
#endif
    xs__sys_site = site;
    n = xs__sys->read(fd, buf, len);
    return n < 0 ? xs__neg_errno() : n;
}

static inline ssize_t xs__sys_write_r_at(const char *site, int fd,
                                         const void *buf, size_t len)
{
    ssize_t n;

#if XS_HAVE_RAW_SYSCALL
    if (xs_sys_libc_in_use())
        return xs__raw_syscall3(SYS_write, fd, (long)buf, (long)len);
#endif
    xs__sys_site = site;
    n = xs__sys->write(fd, buf, len);
    return n < 0 ? xs__neg_errno() : n;
}

/* mmap() answering 0 with *out set, or -errno. */
static inline int xs__sys_mmap_r_at(const char *site, void *addr,
                                    size_t len, int prot, int flags, int fd,
                                    off_t offset, void **out)
{
    void *p;

#if XS_HAVE_RAW_SYSCALL
    if (xs_sys_libc_in_use()) {
        long r = xs__raw_syscall6(SYS_mmap, (long)addr, (long)len, prot,
                                  flags, fd, (long)offset);

        /* the kernel's errors are the top 4095 values */
        if ((unsigned long)r > -4096UL)
            return (int)r;
        *out = (void *)r;
        return 0;
    }
#endif
    xs__sys_site = site;
    p = xs__sys->mmap(addr, len, prot, flags, fd, offset);
    if (p == (void *)-1)
        return xs__neg_errno();
    *out = p;
    return 0;
}

static inline int xs__sys_munmap_r_at(const char *site, void *addr,
                                      size_t len)
{
#if XS_HAVE_RAW_SYSCALL
    if (xs_sys_libc_in_use())
        return (int)xs__raw_syscall3(SYS_munmap, (long)addr, (long)len, 0);
#endif
    xs__sys_site = site;
    return xs__sys->munmap(addr, len) < 0 ? xs__neg_errno() : 0;
}

/*
 * The hot-path variants name their caller's line too, like the plain
 * macros above; the raw system call path never reads it, so it costs
 * nothing there.
 */
#define xs_sys_ioctl_r(...)  xs__sys_ioctl_r_at(XS_SYS_AT_, __VA_ARGS__)
#define xs_sys_read_r(...)   xs__sys_read_r_at(XS_SYS_AT_, __VA_ARGS__)
#define xs_sys_write_r(...)  xs__sys_write_r_at(XS_SYS_AT_, __VA_ARGS__)
#define xs_sys_mmap_r(...)   xs__sys_mmap_r_at(XS_SYS_AT_, __VA_ARGS__)
#define xs_sys_munmap_r(...) xs__sys_munmap_r_at(XS_SYS_AT_, __VA_ARGS__)

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
