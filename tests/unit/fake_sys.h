/*
 * fake_sys.h - a steerable replacement for the library's syscall seam
 * (src/osdep/sys.h), for unit tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Once installed, every system call the library makes comes here.  By
 * default the fake behaves like a harmless kernel: open() returns a real
 * descriptor (on /dev/null, so fd leaks show up in the process's fd
 * table), mmap() returns real anonymous memory, ioctl/read/write succeed
 * doing nothing.  A test can:
 *  - install a handler per call kind that plays the device driver
 *    (checks the request number and argument layout, writes results);
 *  - make the Nth call of one kind, or the Nth call overall, fail with an
 *    errno (fault injection);
 *  - count calls, and read the log of the last calls made;
 *  - check that everything opened or mapped through it was released.
 */
#ifndef XS_TEST_FAKE_SYS_H
#define XS_TEST_FAKE_SYS_H

#include <stddef.h>
#include <sys/types.h>

enum fake_sys_kind {
    FAKE_OPEN, FAKE_CLOSE, FAKE_IOCTL, FAKE_MMAP, FAKE_MUNMAP, FAKE_MADVISE,
    FAKE_READ, FAKE_WRITE, FAKE_DUP3, FAKE_FCNTL, FAKE_USLEEP,
    FAKE_MLOCK, FAKE_MUNLOCK, FAKE_MINHERIT,
    FAKE_NR_KINDS
};

struct fake_sys_call {
    enum fake_sys_kind kind;
    int fd;
    unsigned long request;      /* ioctl request, or the length of an
                                   mmap/munmap/madvise/mlock/munlock/
                                   minherit */
    const char *path;           /* open: the path (valid during the call) */
    int flags;                  /* open flags, mmap flags, madvise advice,
                                   minherit inheritance */
    int prot;                   /* mmap prot */
    off_t offset;               /* mmap offset */
    const char *site;           /* the library's call site, "file:line" */
    int injected;               /* the errno injected, FAKE_SHORT, or 0 */
    void *addr;                 /* munmap/madvise: the range's start */
};

/*
 * Handlers return what libc's function returns (-1 or MAP_FAILED with
 * errno set on failure); the fake converts to the seam's -errno.
 */
struct fake_sys_handlers {
    int (*open)(const char *path, int flags);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
                  off_t offset);
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    int (*munmap)(void *addr, size_t len);
    int (*madvise)(void *addr, size_t len, int advice);
    /* default: succeed, doing nothing */
    int (*mlock)(const void *addr, size_t len);
    int (*munlock)(const void *addr, size_t len);
    int (*minherit)(void *addr, size_t len, int inherit);
    /* default: the real close()/dup3() of the (real) descriptors */
    int (*close)(int fd);
    int (*dup3)(int oldfd, int newfd, int flags);
};

/* Install the fake (resetting all state) / restore libc. */
void fake_sys_install(void);
void fake_sys_uninstall(void);

/* Replace the default behaviour of some calls (NULL members keep it). */
void fake_sys_set_handlers(const struct fake_sys_handlers *h);

/* Fail the nth (1-based) call of a kind with err; 0 cancels. */
void fake_sys_fail_nth(enum fake_sys_kind kind, int nth, int err);
/* Fail the nth (1-based) call of any kind with err; 0 cancels (all). */
void fake_sys_fail_nth_any(int nth, int err);
/* One more point for the same run (up to 4): fail the nth call too. */
void fake_sys_also_fail_nth_any(int nth, int err);
/*
 * As an err for the two calls above: let a read() or write() through to
 * its handler, then report only half of what it transferred (a short
 * read/write, which a device driver should never produce).  On any other
 * kind of call it injects nothing.
 */
#define FAKE_SHORT (-1)

/* Faults actually injected since install, and at which call. */
int fake_sys_injected(void);
const struct fake_sys_call *fake_sys_injected_call(int i);
/* Make every call of a kind fail with err from now on; 0 cancels. */
void fake_sys_fail_always(enum fake_sys_kind kind, int err);

int fake_sys_count(enum fake_sys_kind kind);
int fake_sys_count_all(void);
/* The ith call made since install (0-based), or NULL. */
const struct fake_sys_call *fake_sys_call_at(int i);

/* Descriptors opened and mappings made through the fake, still live. */
int fake_sys_open_fds(void);
int fake_sys_live_mappings(void);
/* Is exactly [addr, addr+len) one live mapping made through the fake? */
int fake_sys_is_mapped(const void *addr, size_t len);

/* The default open handler's behaviour, callable from a custom handler. */
int fake_sys_default_open(const char *path, int flags);
void *fake_sys_default_mmap(void *addr, size_t len, int prot, int flags,
                            int fd, off_t offset);

const char *fake_sys_kind_name(enum fake_sys_kind kind);

#endif /* XS_TEST_FAKE_SYS_H */
