/*
 * fake_bsd.h - fake FreeBSD and NetBSD kernels behind the syscall seam
 * (src/osdep/sys.h), playing their Xen drivers for the unit tests of the
 * BSD backends, which run on Linux.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * WHAT IS MODELLED.  Each kernel's real behaviour as read in its source
 * (the project reference bsd-xen-interfaces.md, sections 1.1 and 1.2,
 * and the driver files named there), including its quirks and bugs,
 * because a backend that works against a friendlier fake would break on
 * the real system:
 *
 *  - the 4.4BSD ioctl layer: arguments copied in by size and direction
 *    bits, copied back only on success; FreeBSD answers ENOTTY for a
 *    request without direction bits (a Linux-encoded one) before any
 *    driver sees it; sign-extended requests are flagged;
 *  - device nodes: FreeBSD's exist in every Xen domain; NetBSD's
 *    /kern/xen/privcmd and /dev/xenevt only in dom0;
 *  - unknown requests: FreeBSD privcmd and gntdev ENOSYS, evtchn ENOTTY;
 *    NetBSD EINVAL everywhere;
 *  - FreeBSD privcmd: MMAPBATCH and MMAP_RESOURCE only on a range that is
 *    exactly one mmap() of a privcmd descriptor (EINVAL otherwise), pages
 *    inaccessible (PROT_NONE) until populated, POSITIVE per-page errors,
 *    restrict with its -EINVAL on re-restriction, the DM_OP layout,
 *    num == 0 answering 0 and > 16 buffers E2BIG, both MMAP_RESOURCE
 *    numbers (one per kernel generation);
 *  - FreeBSD evtchn: ports returned in the structure, uint32_t unmask
 *    writes, EWOULDBLOCK/EFBIG reads, and the ENOTCONN path that returns
 *    with the bind lock held: recorded as a DEADLOCK violation, after
 *    which every call that takes that lock is recorded as a HANG;
 *  - FreeBSD gntdev (gntdev + gntalloc merged): the per-descriptor offset
 *    allocator (offsets handed out from the top of the 64-bit space),
 *    refs by pointer, the map hypercall at mmap() time, unmap notify on
 *    bound ports only, get-offset, deferred destruction with notify;
 *  - NetBSD privcmd: MMAPBATCH_V2, MMAP_RESOURCE and both grant requests
 *    replace a mapping the caller made first (inheriting its protection);
 *    negative Xen per-page errors; no resource size query (num == 0 is
 *    EINVAL); the byte-offset-versus-page-count notify check; the alloc
 *    path that reports success when the FIRST grant fails;
 *  - NetBSD xenevt: cloning, uint16_t unmask writes (a zero port in one is
 *    flagged: it is what a uint32_t write looks like), EAGAIN/EFBIG reads,
 *    EMSGSIZE, raw Xen errors from binds;
 *  - mmap/madvise flags and advice that do not exist on the BSDs
 *    (MAP_LOCKED, MADV_DONTFORK, ...) are flagged: such a backend would
 *    compile here and not there.
 *
 * Every kernel decision is cited in the .c files (fake_bsd_core.c,
 * fake_bsd_evtchn.c, fake_freebsd_privcmd.c, fake_freebsd_gntdev.c,
 * fake_netbsd_privcmd.c).  Errno values are the host's names (the
 * backend is compiled here too); Xen error codes are Linux-numbered.
 *
 * HOW A TEST USES IT.
 *
 *     struct fake_bsd_config cfg;
 *     fake_bsd_default_config(&cfg, FAKE_BSD_FREEBSD);
 *     cfg.map_gfn = my_gfn_answer;           // optional hypervisor hooks
 *     fake_bsd_install(&cfg);                // on top of fake_sys
 *     ... call the library ...
 *     assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
 *     fake_bsd_uninstall();
 *
 * fake_bsd_install() installs fake_sys (tests/unit/fake_sys.h) with this
 * kernel as its handlers, so fault injection, the call log and the
 * descriptor/mapping leak checks of fake_sys keep working unchanged.
 * fake_bsd_sys_ops is the same kernel as a complete struct xs_sys_ops
 * (the seam's -errno convention, mlock/munlock included) for tests that
 * want no fake_sys underneath; fake_bsd_libc is it in libc's convention,
 * which the self-tests call directly.  Descriptors are real (a memfd each), so leaks show in
 * /proc/self/fd and O_CLOEXEC / O_NONBLOCK are real descriptor flags;
 * closes reach the kernel through fake_sys, and a descriptor closed
 * behind its back (a test calling libc) is noticed on the next call,
 * from its identity.
 *
 * VIOLATIONS.  Anything the real kernel would turn into a hang, a panic,
 * silent corruption, or a build failure on the BSD is a violation: it is
 * logged, counted per kind, and passed to cfg.on_violation, which by
 * default prints it and abort()s, so a backend test fails even if it
 * never looks.  The self-tests install a recorder instead.
 *
 * RETURN CONVENTION.  The handlers keep libc's convention (-1/MAP_FAILED
 * with errno), which fake_sys converts to the seam's -errno.  All kernel
 * logic returns BSD-style error codes internally (0 or a positive errno);
 * only the thin wrappers at the bottom of fake_bsd_core.c convert.  One
 * FreeBSD quirk crosses them: re-restricting privcmd yields errno ==
 * -EINVAL (a NEGATIVE errno), which the seam (src/osdep/sys.c, and
 * fake_sys alike) reports as -EINVAL, a failure.
 */
#ifndef XS_TEST_FAKE_BSD_H
#define XS_TEST_FAKE_BSD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "osdep/sys.h"

enum fake_bsd_os {
    FAKE_BSD_FREEBSD,
    FAKE_BSD_NETBSD
};

/* FreeBSD kernel generations that differ in what the tests can see. */
enum fake_freebsd_gen {
    /* FreeBSD 14 header: MMAP_RESOURCE is _IOW; its size query fails with
     * EFAULT (the driver copies the size out to its own kernel copy). */
    FAKE_FREEBSD_14,
    /* Newer sys/xen/privcmd.h: MMAP_RESOURCE is _IOWR and the size query
     * works; the old number is unknown (ENOSYS). */
    FAKE_FREEBSD_CURRENT,
    /* A kernel from before DM_OP, RESTRICT and MMAP_RESOURCE, which
     * upstream's FreeBSD backend still allows for (its DM-op probe falls
     * back to hypercalls): privcmd knows HYPERCALL and MMAPBATCH only,
     * anything else is ENOSYS. */
    FAKE_FREEBSD_OLD,
};

/* One DM_OP buffer as the hypervisor sees it. */
struct fake_bsd_buf {
    void *ptr;
    size_t size;
};

struct fake_bsd_config {
    enum fake_bsd_os os;
    enum fake_freebsd_gen freebsd_gen;
    int no_xen;               /* not a Xen domain: no device nodes */
    int domu;                 /* not dom0: NetBSD's nodes are missing */
    int not_root;             /* FreeBSD's 0600 root nodes: EACCES */
    unsigned int first_port;  /* first event channel handed out (10) */
    uint32_t first_gref;      /* first grant reference handed out (100) */
    uint64_t resource_frames; /* size of every resource (4 frames) */

    /*
     * The hypervisor, in Xen's own convention: >= 0, or a negative
     * Linux-numbered errno.  NULL members answer success (0).
     */
    long (*hypercall)(uint64_t op, const uint64_t arg[5]);
    int (*map_gfn)(uint16_t dom, uint64_t gfn); /* per foreign page */
    int (*dm_op)(uint16_t dom, unsigned int nr,
                 const struct fake_bsd_buf *bufs);
    /* nr == 0 is the size query: the size in frames (>= 0) answers it;
     * without the hook, cfg.resource_frames. */
    int (*acquire_resource)(uint16_t dom, uint32_t type, uint32_t id,
                            uint64_t frame, uint64_t nr);
    int (*map_grant)(uint32_t dom, uint32_t ref); /* GNTST_*, 0 = okay */

    /* Called for every violation; NULL: print and abort(). */
    void (*on_violation)(const char *what);
};

/* Kinds of violation (see above), for fake_bsd_violations(). */
enum fake_bsd_violation {
    FAKE_BSD_V_ANY = 0,
    FAKE_BSD_V_DEADLOCK,       /* FreeBSD evtchn: bind lock leaked */
    FAKE_BSD_V_HANG,           /* a call that would block forever on it */
    FAKE_BSD_V_NOT_ON_BSD,     /* flag/advice the BSD does not have */
    FAKE_BSD_V_UNRESERVED,     /* NetBSD: kernel would map over memory the
                                 * caller did not map for it */
    FAKE_BSD_V_PORT_WIDTH,     /* NetBSD: a zero uint16_t port in an
                                 * unmask write (a uint32_t write) */
    FAKE_BSD_V_KERNEL_OVERRUN, /* NetBSD: odd-length unmask write, which
                                 * overruns the kernel's buffer by one */
    FAKE_BSD_V_BAD_REQUEST,    /* sign-extended request number */
    FAKE_BSD_V_NO_SUCH_OP,     /* read/write/mmap a device does not have */
    FAKE_BSD_V_CAPACITY,       /* the fake's own tables are full */
    FAKE_BSD_V_NR
};

/* The kernel as a whole seam table (libc convention, see above). */
extern const struct xs_sys_ops fake_bsd_sys_ops;

/* The same kernel in libc's convention (-1 with errno, MAP_FAILED). */
struct fake_bsd_libc {
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
    int (*usleep)(unsigned int usec);
};
extern const struct fake_bsd_libc fake_bsd_libc;

/* Defaults for one OS (dom0, root, Xen present, no hooks). */
void fake_bsd_default_config(struct fake_bsd_config *cfg, enum fake_bsd_os os);
/* Reset the kernel to cfg (closing nothing: descriptors it handed out
 * before are forgotten) without touching the seam. */
void fake_bsd_reset(const struct fake_bsd_config *cfg);
/* fake_sys_install() + this kernel as its handlers. */
void fake_bsd_install(const struct fake_bsd_config *cfg);
/* fake_sys_uninstall(); releases what the kernel still holds. */
void fake_bsd_uninstall(void);

/* Violations since reset: count of one kind (or all), last message. */
int fake_bsd_violations(enum fake_bsd_violation kind);
const char *fake_bsd_last_violation(void);

/* ---- event channels ---- */
/* Raise an event on port (as the hypervisor would); -1 if unbound. */
int fake_bsd_fire(unsigned int port);
/* The descriptor a port is bound on, or -1. */
int fake_bsd_port_fd(unsigned int port);
int fake_bsd_port_masked(unsigned int port);
/* Notifications sent on a port (NOTIFY requests and unmap notifies). */
int fake_bsd_port_notified(unsigned int port);
/* Make the next bind fail with this Xen errno (positive, e.g. ENOSPC). */
void fake_bsd_fail_next_bind(int xen_errno);
/*
 * Bind port for another process of this domain (xenstored, a backend):
 * it exists for the kernel (an unmap notification may name it) but no
 * descriptor the test opens owns it.  0, or -1 if taken or out of range.
 */
int fake_bsd_bind_elsewhere(unsigned int port);
/* Blocking reads that found nothing (answered EINTR: the fake cannot
 * block, and a signal is what would end a real wait). */
int fake_bsd_blocked_reads(void);

/* ---- privcmd ---- */
struct fake_bsd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
int fake_bsd_hypercalls(void);
const struct fake_bsd_hypercall *fake_bsd_hypercall_at(int i);
int fake_bsd_dm_ops(void);
/* Make the next foreign-map hypercall fail as a whole (Xen errno). */
void fake_bsd_fail_next_batch(int xen_errno);
/* Domain a FreeBSD privcmd descriptor is restricted to, or -1. */
int fake_bsd_restricted_to(int fd);

/* What a populated page holds in its first 8 bytes, so a test can tell
 * which frame, resource frame or grant it sees. */
#define FAKE_BSD_GFN_TAG(dom, gfn) \
    (0xf0f0000000000000ULL | ((uint64_t)(dom) << 40) | (uint64_t)(gfn))
#define FAKE_BSD_RESOURCE_TAG(type, id, frame) \
    (0xe0e0000000000000ULL | ((uint64_t)(type) << 40) | \
     ((uint64_t)(id) << 24) | (uint64_t)(frame))
#define FAKE_BSD_GRANT_TAG(dom, ref) \
    (0xd0d0000000000000ULL | ((uint64_t)(dom) << 32) | (uint64_t)(ref))

/* Is the page at addr accessible (populated), or would touching it fault
 * as on the real kernel?  1 / 0, -1 if the fake did not map it. */
int fake_bsd_page_accessible(const void *addr);

/* ---- grants ---- */
/* Unmap notifications the kernel carried out, in order. */
struct fake_bsd_notify {
    int action;        /* one UNMAP_NOTIFY_* bit per entry */
    uint64_t where;    /* CLEAR_BYTE: byte offset in the region
                                 * (FreeBSD: the file offset given) */
    unsigned int port; /* SEND_EVENT */
};
int fake_bsd_notifies(void);
const struct fake_bsd_notify *fake_bsd_notify_at(int i);
/* Grants this kernel still holds: allocated (shared) pages and mappings
 * of foreign grants, across all descriptors. */
int fake_bsd_live_grant_allocs(void);
int fake_bsd_live_grant_maps(void);
/* Make the grant of the nth page (0-based) of the next allocation fail
 * with this errno (0 cancels). */
void fake_bsd_fail_grant_at(int nth, int err);

/* ---- locked memory ---- */
/*
 * Hypercall buffers on both BSDs are anonymous memory locked with mlock()
 * (no MAP_LOCKED, no buffer device), kept out of fork children with
 * minherit(INHERIT_NONE).  The seam's mlock/munlock/minherit reach these
 * (fake_bsd_sys_ops, and fake_bsd_install's fake_sys handlers); they
 * track what is locked and how each range is inherited, so a test can
 * check both.
 */
int fake_bsd_mlock(const void *addr, size_t len);
int fake_bsd_munlock(const void *addr, size_t len);
int fake_bsd_minherit(void *addr, size_t len, int inherit);
/* The inheritance minherit() gave the page at addr (1, copy, if none). */
int fake_bsd_inherit_at(const void *addr);
size_t fake_bsd_locked_bytes(void);

#endif /* XS_TEST_FAKE_BSD_H */
