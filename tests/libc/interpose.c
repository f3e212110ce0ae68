/*
 * interpose.c - an LD_PRELOAD shim that emulates Linux's /dev/xen/evtchn
 * and /dev/xen/privcmd at the libc level, the way programs (and Xen's
 * own test tools) fake Xen devices: it replaces open(), ioctl(), read(),
 * write() and close(), and passes every other descriptor through.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The evtchn device is a loopback: a port bound on it becomes pending on
 * the same device when notified.  Pending ports travel through a real
 * socket pair, so the library's read() of the device is libc's read() of
 * a socket: it blocks, and is a cancellation point, as on the real
 * device.  The privcmd device answers every hypercall with the value the
 * test sets, passing it through libc's ioctl() convention exactly as
 * glibc does with a kernel result: an errno range value is -1 with
 * errno, anything else is truncated to int with errno untouched.
 *
 * The test reads what the shim saw through xs_interpose_count(), found
 * with dlsym(): a library that bypasses libc is caught by its counts.
 */
#define _GNU_SOURCE
/* Define open() and open64() both, unrenamed by the large-file headers. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "interpose.h"

/* The kernel's numbers: _IOC(_IOC_NONE, type, nr, sizeof(argument)). */
#define EVTCHN_BIND_UNBOUND_PORT _IOC(_IOC_NONE, 'E', 2, 4)
#define EVTCHN_NOTIFY            _IOC(_IOC_NONE, 'E', 4, 4)
#define EVTCHN_UNBIND            _IOC(_IOC_NONE, 'E', 3, 4)
#define PRIVCMD_HYPERCALL        _IOC(_IOC_NONE, 'P', 0, 48)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int evtchn_fd = -1, evtchn_peer = -1, privcmd_fd = -1;
static uint32_t next_port = 1;
static long hypercall_result;
static unsigned counts[XS_INTERPOSE_NR];

static void count(enum xs_interpose_call c)
{
    pthread_mutex_lock(&lock);
    counts[c]++;
    pthread_mutex_unlock(&lock);
}

unsigned xs_interpose_count(enum xs_interpose_call c)
{
    unsigned n;

    pthread_mutex_lock(&lock);
    n = counts[c];
    pthread_mutex_unlock(&lock);
    return n;
}

void xs_interpose_set_hypercall_result(long r)
{
    pthread_mutex_lock(&lock);
    hypercall_result = r;
    pthread_mutex_unlock(&lock);
}

enum device {
    NOT_OURS,
    EVTCHN,
    PRIVCMD
};

static enum device device_of(int fd)
{
    enum device d = NOT_OURS;

    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd == evtchn_fd)
        d = EVTCHN;
    else if (fd >= 0 && fd == privcmd_fd)
        d = PRIVCMD;
    pthread_mutex_unlock(&lock);
    return d;
}

static int emulated(int fd)
{
    return device_of(fd) != NOT_OURS;
}

static int open_evtchn(int flags)
{
    int sv[2];
    int type = SOCK_STREAM | ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0);

    if (socketpair(AF_UNIX, type, 0, sv) < 0)
        return -1;
    pthread_mutex_lock(&lock);
    evtchn_fd = sv[0];
    evtchn_peer = sv[1];
    pthread_mutex_unlock(&lock);
    return sv[0];
}

static int open_privcmd(int flags)
{
    int (*real_open)(const char *, int, ...) =
        (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    int fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));

    pthread_mutex_lock(&lock);
    privcmd_fd = fd;
    pthread_mutex_unlock(&lock);
    return fd;
}

static int do_open(const char *path, int flags, mode_t mode,
                   const char *real_name)
{
    int (*real)(const char *, int, ...);

    if (!strcmp(path, "/dev/xen/evtchn")) {
        count(XS_INTERPOSE_OPEN);
        return open_evtchn(flags);
    }
    if (!strcmp(path, "/dev/xen/privcmd")) {
        count(XS_INTERPOSE_OPEN);
        return open_privcmd(flags);
    }
    real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, real_name);
    return real(path, flags, mode);
}

/* open()'s third argument exists only when the flags create a file. */
#define TAKES_MODE(flags) \
    (((flags)&O_CREAT) || ((flags)&O_TMPFILE) == O_TMPFILE)

int open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode = 0;

    if (TAKES_MODE(flags)) {
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return do_open(path, flags, mode, "open");
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode = 0;

    if (TAKES_MODE(flags)) {
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return do_open(path, flags, mode, "open64");
}

/* A kernel's long result seen through glibc's int ioctl(). */
static int as_libc(long r)
{
    if ((unsigned long)r > -4096UL) {
        errno = (int)-r;
        return -1;
    }
    return (int)r;
}

static int evtchn_ioctl(unsigned long req, void *arg)
{
    uint32_t v;

    memcpy(&v, arg, sizeof(v));
    switch (req) {
    case EVTCHN_BIND_UNBOUND_PORT: {
        int port;

        pthread_mutex_lock(&lock);
        port = (int)next_port++;
        pthread_mutex_unlock(&lock);
        return port;
    }
    case EVTCHN_NOTIFY:
        /* loopback: the notified port is pending on this device */
        return write(evtchn_peer, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
    case EVTCHN_UNBIND:
        return 0;
    default:
        errno = ENOTTY;
        return -1;
    }
}

int ioctl(int fd, unsigned long req, ...)
{
    int (*real)(int, unsigned long, ...);
    enum device d = device_of(fd);
    va_list ap;
    void *arg;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (d == NOT_OURS) {
        real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
        return real(fd, req, arg);
    }
    count(XS_INTERPOSE_IOCTL);
    if (d == PRIVCMD) {
        long r;

        if (req != PRIVCMD_HYPERCALL) {
            errno = ENOTTY;
            return -1;
        }
        pthread_mutex_lock(&lock);
        r = hypercall_result;
        pthread_mutex_unlock(&lock);
        return as_libc(r);
    }
    return evtchn_ioctl(req, arg);
}

ssize_t read(int fd, void *buf, size_t len)
{
    ssize_t (*real)(int, void *, size_t) =
        (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");

    /* the pending ports come from the socket: libc's read() blocks */
    if (emulated(fd))
        count(XS_INTERPOSE_READ);
    return real(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    ssize_t (*real)(int, const void *, size_t) =
        (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");

    if (!emulated(fd))
        return real(fd, buf, len);
    /* unmask: the driver takes whole ports and does nothing else here */
    count(XS_INTERPOSE_WRITE);
    if (len % sizeof(uint32_t)) {
        errno = EINVAL;
        return -1;
    }
    return (ssize_t)len;
}

int close(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "close");
    enum device d = device_of(fd);

    if (d != NOT_OURS) {
        count(XS_INTERPOSE_CLOSE);
        pthread_mutex_lock(&lock);
        if (d == EVTCHN) {
            real(evtchn_peer);
            evtchn_fd = evtchn_peer = -1;
        } else {
            privcmd_fd = -1;
        }
        pthread_mutex_unlock(&lock);
    }
    return real(fd);
}
