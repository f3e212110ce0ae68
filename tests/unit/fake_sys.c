/*
 * fake_sys.c - see fake_sys.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_sys.h"
#include "osdep/sys.h"

#define MAX_LOG 4096
#define MAX_TRACKED 1024

/*
 * The thread tests (tests/robust/test-threads.c) call into the library
 * from several threads at once: every piece of bookkeeping below is
 * taken under this lock (recursive: untrack_range re-enters track_map).
 */
static pthread_mutex_t fake_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
#define LOCKED(stmt) \
    do { pthread_mutex_lock(&fake_lock); stmt; \
         pthread_mutex_unlock(&fake_lock); } while (0)

static struct fake_sys_handlers handlers;
static struct fake_sys_call call_log[MAX_LOG];
static int counts[FAKE_NR_KINDS];
static int total_calls;
static int fail_kind_nth[FAKE_NR_KINDS], fail_kind_err[FAKE_NR_KINDS];
static int fail_always_err[FAKE_NR_KINDS];
#define MAX_ANY 4
static struct { int nth, err; } fail_any[MAX_ANY];
static int n_fail_any;
static struct fake_sys_call injected_log[MAX_ANY];
static int n_injected;

static int tracked_fds[MAX_TRACKED];
static int n_tracked_fds;
static struct { void *addr; size_t len; } tracked_maps[MAX_TRACKED];
static int n_tracked_maps;

static const char *const kind_names[FAKE_NR_KINDS] = {
    "open", "close", "ioctl", "mmap", "munmap", "madvise",
    "read", "write", "dup3", "fcntl", "usleep", "mlock", "munlock",
    "minherit",
};

const char *fake_sys_kind_name(enum fake_sys_kind kind)
{
    return kind < FAKE_NR_KINDS ? kind_names[kind] : "?";
}

static void note_injected(struct fake_sys_call *c, int err)
{
    c->injected = err;
    if (total_calls <= MAX_LOG)
        call_log[total_calls - 1].injected = err;
    if (n_injected < MAX_ANY)
        injected_log[n_injected] = *c;
    n_injected++;
}

/*
 * Record the call; return an errno to inject, FAKE_SHORT for a short
 * read/write, or 0 to go ahead.
 */
static int enter_locked(enum fake_sys_kind kind, int fd,
                        unsigned long request, const char *path, int flags,
                        int prot, off_t offset, void *addr)
{
    struct fake_sys_call c = {
        .kind = kind, .fd = fd, .request = request, .path = path,
        .flags = flags, .prot = prot, .offset = offset,
        .site = xs__sys_site, .addr = addr,
    };
    int n, err = 0;

    if (total_calls < MAX_LOG)
        call_log[total_calls] = c;
    total_calls++;
    n = ++counts[kind];

    for (int i = 0; i < n_fail_any; i++) {
        if (fail_any[i].nth == total_calls) {
            err = fail_any[i].err;
            if (err == FAKE_SHORT && kind != FAKE_READ && kind != FAKE_WRITE)
                err = 0;
        }
    }
    if (!err && fail_kind_nth[kind] && n == fail_kind_nth[kind])
        err = fail_kind_err[kind];
    if (!err)
        err = fail_always_err[kind];
    if (err)
        note_injected(&c, err);
    return err;
}

static int enter_at(enum fake_sys_kind kind, int fd, unsigned long request,
                    const char *path, int flags, int prot, off_t offset,
                    void *addr)
{
    int err;

    LOCKED(err = enter_locked(kind, fd, request, path, flags, prot, offset,
                              addr));
    return err;
}

static int enter(enum fake_sys_kind kind, int fd, unsigned long request,
                 const char *path, int flags, int prot, off_t offset)
{
    return enter_at(kind, fd, request, path, flags, prot, offset, NULL);
}

static void track_fd(int fd)
{
    if (fd >= 0 && n_tracked_fds < MAX_TRACKED)
        tracked_fds[n_tracked_fds++] = fd;
}

static void untrack_fd(int fd)
{
    for (int i = 0; i < n_tracked_fds; i++) {
        if (tracked_fds[i] == fd) {
            tracked_fds[i] = tracked_fds[--n_tracked_fds];
            return;
        }
    }
}

static void track_map(void *addr, size_t len)
{
    if (n_tracked_maps < MAX_TRACKED) {
        tracked_maps[n_tracked_maps].addr = addr;
        tracked_maps[n_tracked_maps].len = len;
        n_tracked_maps++;
    }
}

/* Remove [addr, addr+len) from the tracked mappings (splitting as the
 * kernel would for a partial unmap). */
static void untrack_range(void *addr, size_t len)
{
    uintptr_t lo = (uintptr_t)addr, hi = lo + len;

    for (int i = 0; i < n_tracked_maps; i++) {
        uintptr_t mlo = (uintptr_t)tracked_maps[i].addr;
        uintptr_t mhi = mlo + tracked_maps[i].len;

        if (hi <= mlo || lo >= mhi)
            continue;
        if (lo <= mlo && hi >= mhi) {
            tracked_maps[i] = tracked_maps[--n_tracked_maps];
            i--;
        } else if (lo > mlo && hi < mhi) {
            tracked_maps[i].len = lo - mlo;
            track_map((void *)hi, mhi - hi);
        } else if (lo <= mlo) {
            tracked_maps[i].addr = (void *)hi;
            tracked_maps[i].len = mhi - hi;
        } else {
            tracked_maps[i].len = lo - mlo;
        }
    }
}

int fake_sys_default_open(const char *path, int flags)
{
    (void)path;
    /* A real descriptor, so leaks are visible in /proc/self/fd too. */
    return open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
}

void *fake_sys_default_mmap(void *addr, size_t len, int prot, int flags,
                            int fd, off_t offset)
{
    (void)fd;
    (void)offset;
    flags &= MAP_FIXED;
    return mmap(addr, len, prot | PROT_READ | PROT_WRITE,
                flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/*
 * The table answers -errno like the library's libc table (src/osdep/
 * sys.c); the handlers play libc's side (-1 with errno, MAP_FAILED), as
 * a driver seen through libc does, and are converted here once.
 */
static int neg(int r)
{
    return r < 0 ? (errno > 0 ? -errno : -EIO) : r;
}

static int f_open(const char *path, int flags)
{
    int err = enter(FAKE_OPEN, -1, 0, path, flags, 0, 0), fd;

    if (err)
        return -err;
    fd = handlers.open ? handlers.open(path, flags)
                       : fake_sys_default_open(path, flags);
    LOCKED(track_fd(fd));
    return neg(fd);
}

static int f_close(int fd)
{
    int err = enter(FAKE_CLOSE, fd, 0, NULL, 0, 0, 0);

    /* Like Linux, the descriptor is released even when close() fails. */
    LOCKED(untrack_fd(fd));
    if (handlers.close)
        handlers.close(fd);
    else
        close(fd);
    return -err;
}

static int64_t f_ioctl(int fd, unsigned long request, void *arg)
{
    int err = enter(FAKE_IOCTL, fd, request, NULL, 0, 0, 0), r, saved;

    if (err)
        return -err;
    if (!handlers.ioctl)
        return 0;
    /* as libc: -1 is a failure only when errno was set */
    saved = errno;
    errno = 0;
    r = handlers.ioctl(fd, request, arg);
    /* a negative errno (FreeBSD's RESTRICT) is reported as sys.c does */
    if (r == -1 && errno != 0)
        return errno > 0 ? -errno : errno;
    errno = saved;
    return (uint32_t)r;
}

static int f_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t offset, void **out)
{
    int err = enter(FAKE_MMAP, fd, len, NULL, flags, prot, offset);
    void *p;

    if (err)
        return -err;
    p = handlers.mmap ? handlers.mmap(addr, len, prot, flags, fd, offset)
                      : fake_sys_default_mmap(addr, len, prot, flags, fd,
                                              offset);
    if (p == MAP_FAILED)
        return neg(-1);
    pthread_mutex_lock(&fake_lock);
    if (flags & MAP_FIXED)
        untrack_range(p, len);
    track_map(p, len);
    pthread_mutex_unlock(&fake_lock);
    *out = p;
    return 0;
}

static int f_munmap(void *addr, size_t len)
{
    int err, rc;

    err = enter_at(FAKE_MUNMAP, -1, len, NULL, 0, 0, 0, addr);

    if (err)
        return -err;
    rc = handlers.munmap ? handlers.munmap(addr, len) : munmap(addr, len);
    if (rc == 0)
        LOCKED(untrack_range(addr, len));
    return neg(rc);
}

static int f_madvise(void *addr, size_t len, int advice)
{
    int err;

    err = enter_at(FAKE_MADVISE, -1, len, NULL, advice, 0, 0, addr);

    if (err)
        return -err;
    return neg(handlers.madvise ? handlers.madvise(addr, len, advice) : 0);
}

static int f_mlock(const void *addr, size_t len)
{
    int err = enter_at(FAKE_MLOCK, -1, len, NULL, 0, 0, 0, (void *)addr);

    if (err)
        return -err;
    return neg(handlers.mlock ? handlers.mlock(addr, len) : 0);
}

static int f_munlock(const void *addr, size_t len)
{
    int err = enter_at(FAKE_MUNLOCK, -1, len, NULL, 0, 0, 0, (void *)addr);

    if (err)
        return -err;
    return neg(handlers.munlock ? handlers.munlock(addr, len) : 0);
}

static int f_minherit(void *addr, size_t len, int inherit)
{
    int err = enter_at(FAKE_MINHERIT, -1, len, NULL, inherit, 0, 0, addr);

    if (err)
        return -err;
    return neg(handlers.minherit ? handlers.minherit(addr, len, inherit) : 0);
}

/* A transfer that did n bytes, cut in half when a short one is wanted. */
static ssize_t maybe_short(ssize_t n, int err)
{
    if (n < 0)
        return neg(-1);
    return (err == FAKE_SHORT && n > 0) ? n / 2 : n;
}

static ssize_t f_read(int fd, void *buf, size_t len)
{
    int err = enter(FAKE_READ, fd, len, NULL, 0, 0, 0);

    if (err > 0)
        return -err;
    return maybe_short(handlers.read ? handlers.read(fd, buf, len)
                                     : (ssize_t)len, err);
}

static ssize_t f_write(int fd, const void *buf, size_t len)
{
    int err = enter(FAKE_WRITE, fd, len, NULL, 0, 0, 0);

    if (err > 0)
        return -err;
    return maybe_short(handlers.write ? handlers.write(fd, buf, len)
                                      : (ssize_t)len, err);
}

static int f_dup3(int oldfd, int newfd, int flags)
{
    int err = enter(FAKE_DUP3, newfd, (unsigned long)oldfd, NULL, flags, 0, 0);

    if (err)
        return -err;
    return neg(handlers.dup3 ? handlers.dup3(oldfd, newfd, flags)
                             : dup3(oldfd, newfd, flags));
}

static int f_fcntl(int fd, int cmd, int arg)
{
    int err = enter(FAKE_FCNTL, fd, (unsigned long)cmd, NULL, arg, 0, 0);

    if (err)
        return -err;
    return neg(fcntl(fd, cmd, arg));
}

static int f_usleep(unsigned int usec)
{
    int err = enter(FAKE_USLEEP, -1, usec, NULL, 0, 0, 0);

    return -err;        /* tests never really sleep */
}

static const struct xs_sys_ops fake_ops = {
    .open = f_open, .close = f_close, .ioctl = f_ioctl, .mmap = f_mmap,
    .munmap = f_munmap, .madvise = f_madvise, .mlock = f_mlock,
    .munlock = f_munlock, .minherit = f_minherit, .read = f_read,
    .write = f_write, .dup3 = f_dup3, .fcntl = f_fcntl, .usleep = f_usleep,
};

void fake_sys_install(void)
{
    memset(&handlers, 0, sizeof(handlers));
    memset(counts, 0, sizeof(counts));
    memset(fail_kind_nth, 0, sizeof(fail_kind_nth));
    memset(fail_kind_err, 0, sizeof(fail_kind_err));
    memset(fail_always_err, 0, sizeof(fail_always_err));
    n_fail_any = 0;
    n_injected = 0;
    total_calls = 0;
    n_tracked_fds = 0;
    n_tracked_maps = 0;
    xs__sys = &fake_ops;
}

void fake_sys_uninstall(void)
{
    xs__sys = &xs__sys_libc;
}

void fake_sys_set_handlers(const struct fake_sys_handlers *h)
{
    handlers = *h;
}

void fake_sys_fail_nth(enum fake_sys_kind kind, int nth, int err)
{
    fail_kind_nth[kind] = nth;
    fail_kind_err[kind] = err;
}

void fake_sys_fail_nth_any(int nth, int err)
{
    n_fail_any = 0;
    if (nth)
        fake_sys_also_fail_nth_any(nth, err);
}

void fake_sys_also_fail_nth_any(int nth, int err)
{
    if (nth && n_fail_any < MAX_ANY) {
        fail_any[n_fail_any].nth = nth;
        fail_any[n_fail_any].err = err;
        n_fail_any++;
    }
}

int fake_sys_injected(void)
{
    return n_injected;
}

const struct fake_sys_call *fake_sys_injected_call(int i)
{
    return (i >= 0 && i < n_injected && i < MAX_ANY) ? &injected_log[i]
                                                     : NULL;
}

void fake_sys_fail_always(enum fake_sys_kind kind, int err)
{
    fail_always_err[kind] = err;
}

int fake_sys_count(enum fake_sys_kind kind)
{
    return counts[kind];
}

int fake_sys_count_all(void)
{
    return total_calls;
}

const struct fake_sys_call *fake_sys_call_at(int i)
{
    return (i >= 0 && i < total_calls && i < MAX_LOG) ? &call_log[i] : NULL;
}

int fake_sys_open_fds(void)
{
    return n_tracked_fds;
}

int fake_sys_is_mapped(const void *addr, size_t len)
{
    for (int i = 0; i < n_tracked_maps; i++) {
        if (tracked_maps[i].addr == addr && tracked_maps[i].len == len)
            return 1;
    }
    return 0;
}

int fake_sys_live_mappings(void)
{
    return n_tracked_maps;
}
