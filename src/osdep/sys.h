/*
 * sys.h - the syscall seam.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every system call that the kernel backends and toolcore make goes
 * through xs__sys, a table that points at libc by default.  Unit tests
 * install their own table to play a kernel driver, check request numbers
 * and argument layouts, and inject a failure into any single call;
 * nothing else ever changes it.  A table is used instead of -Wl,--wrap
 * because _FORTIFY_SOURCE and large-file redirections rename libc entry
 * points and silently bypass link-time wrapping.
 *
 * Every call reaches the kernel through libc, as upstream's libraries do,
 * so what a program expects of libc holds for us too: an LD_PRELOAD
 * interposer sees our open/ioctl/read/write, a blocking read is a
 * pthread cancellation point, and an ioctl result is libc's.
 *
 * One convention: a table function answers -errno on failure and 0 or a
 * non-negative result on success.  The libc table converts libc's
 * -1/errno (MAP_FAILED for mmap) exactly once; nothing above it looks at
 * errno after a system call.  A successful call leaves errno as it was.
 */
#ifndef XS_OSDEP_SYS_H
#define XS_OSDEP_SYS_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_internal.h"

struct xs_sys_ops {
    /* the new descriptor */
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    /*
     * The int that libc's ioctl() returned, as an unsigned 32-bit value
     * (0 .. UINT32_MAX), so that no successful result can read as an
     * errno: a privcmd hypercall may return 2^31 or more, which libc
     * hands back truncated to int (upstream's xencall returns exactly
     * that; cast back with (int)(uint32_t)).  libc's -1 is a failure
     * only when it set errno; a result of 0xffffffff sets none.
     */
    int64_t (*ioctl)(int fd, unsigned long request, void *arg);
    /* 0 with the mapping in *out */
    int (*mmap)(void *addr, size_t len, int prot, int flags, int fd,
                off_t offset, void **out);
    int (*munmap)(void *addr, size_t len);
    int (*madvise)(void *addr, size_t len, int advice);
    int (*mlock)(const void *addr, size_t len);
    int (*munlock)(const void *addr, size_t len);
    /*
     * BSD minherit(): what a fork child gets of [addr, addr+len)
     * (inherit is the BSD value, e.g. 2 = none).  -ENOSYS where libc
     * has no minherit (Linux: MADV_DONTFORK does that job there).
     */
    int (*minherit)(void *addr, size_t len, int inherit);
    /* bytes transferred */
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    /* newfd */
    int (*dup3)(int oldfd, int newfd, int flags);
    /* fcntl()'s non-negative answer */
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
 * initial-exec: a store at a fixed offset from the thread pointer, not a
 * __tls_get_addr() call per system call (the one pointer fits the static
 * TLS surplus glibc keeps even for a library loaded by dlopen()).
 */
extern __thread const char *xs__sys_site
    __attribute__((tls_model("initial-exec")));
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
#define xs_sys_mlock(...)   (XS_SYS_HERE_, xs__sys->mlock(__VA_ARGS__))
#define xs_sys_munlock(...) (XS_SYS_HERE_, xs__sys->munlock(__VA_ARGS__))
#define xs_sys_minherit(...) (XS_SYS_HERE_, xs__sys->minherit(__VA_ARGS__))
#define xs_sys_read(...)    (XS_SYS_HERE_, xs__sys->read(__VA_ARGS__))
#define xs_sys_write(...)   (XS_SYS_HERE_, xs__sys->write(__VA_ARGS__))
#define xs_sys_dup3(...)    (XS_SYS_HERE_, xs__sys->dup3(__VA_ARGS__))
#define xs_sys_fcntl(...)   (XS_SYS_HERE_, xs__sys->fcntl(__VA_ARGS__))
#define xs_sys_usleep(...)  (XS_SYS_HERE_, xs__sys->usleep(__VA_ARGS__))

/*
 * The int libc's ioctl() returned, from a successful xs_sys_ioctl()
 * result: what upstream passes on as the call's value.
 */
static inline int xs_sys_ioctl_int(int64_t r)
{
    return (int)(uint32_t)r;
}

/* 0 or -errno, for an ioctl whose success carries no value. */
static inline int xs_sys_rc(int64_t r)
{
    return r < 0 ? (int)r : 0;
}

/*
 * Close *fdp if it is open and mark it closed (-1); returns 0 or the
 * close() failure as -errno.
 */
int xs__close_fd(int *fdp);

#endif /* XS_OSDEP_SYS_H */
