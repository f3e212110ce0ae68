/*
 * fake_bsd_core.c - the parts of the fake BSD kernels that are not one
 * driver: device nodes, descriptors, the 4.4BSD ioctl layer, the
 * process's mappings, violations, and the seam table (see fake_bsd.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fake_bsd_kernel.h"
#include "fake_sys.h"
#include "osdep/bsd-ioccom.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"

struct fk_kernel fk = { .gref_pool = -1 };
/* Recursive: an object's destruction may notify a port, and so on. */
pthread_mutex_t fk_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static const char *const violation_names[FAKE_BSD_V_NR] = {
    "any",        "deadlock",       "hang",        "not-on-bsd", "unreserved",
    "port-width", "kernel-overrun", "bad-request", "no-such-op", "capacity",
};

/* ------------------------------------------------------------------ */
/* Violations                                                          */

void fk_violation(enum fake_bsd_violation kind, const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(fk.last_violation, sizeof(fk.last_violation),
                 "%s: ", violation_names[kind]);
    va_start(ap, fmt);
    vsnprintf(fk.last_violation + n, sizeof(fk.last_violation) - (size_t)n,
              fmt, ap);
    va_end(ap);
    fk.violations[kind]++;
    fk.violations[FAKE_BSD_V_ANY]++;
    if (fk.cfg.on_violation) {
        fk.cfg.on_violation(fk.last_violation);
    } else {
        fprintf(stderr, "fake %s kernel: %s\n",
                fk_is_freebsd() ? "FreeBSD" : "NetBSD", fk.last_violation);
        abort();
    }
}

int fk_is_freebsd(void)
{
    return fk.cfg.os == FAKE_BSD_FREEBSD;
}

/* ------------------------------------------------------------------ */
/* copyin/copyout                                                      */

/*
 * The kernel answers EFAULT for an argument pointer it cannot follow;
 * reading through our own process with process_vm_readv gives the same
 * answer instead of crashing the test.  Where that call is not allowed
 * (some sandboxes), plain memcpy still serves valid pointers.
 */
/*
 * Where process_vm_readv/writev is missing (qemu-user answers ENOSYS,
 * some sandboxes EPERM), a pipe still lets the kernel check both
 * addresses: write() from an unmapped source and read() into an
 * unmapped destination fail with EFAULT instead of crashing the test,
 * which is what a real kernel's copyin/copyout does.
 */
static int copy_through_pipe(void *dst, const void *src, size_t len)
{
    int p[2], err = 0;

    if (pipe2(p, O_CLOEXEC) < 0)
        return errno;
    while (len > 0 && !err) {
        size_t chunk = len < 4096 ? len : 4096;
        ssize_t w = write(p[1], src, chunk);
        ssize_t r;

        if (w != (ssize_t)chunk) {
            err = w < 0 ? EFAULT : EIO;
            break;
        }
        r = read(p[0], dst, chunk);
        if (r != (ssize_t)chunk)
            err = r < 0 ? EFAULT : EIO;
        src = (const char *)src + chunk;
        dst = (char *)dst + chunk;
        len -= chunk;
    }
    close(p[0]);
    close(p[1]);
    return err;
}

int fk_copyin(void *dst, uint64_t uaddr, size_t len)
{
    struct iovec local = { dst, len };
    struct iovec remote = { (void *)(uintptr_t)uaddr, len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (n == (ssize_t)len)
        return 0;
    if (n < 0 && (errno == ENOSYS || errno == EPERM))
        return copy_through_pipe(dst, (const void *)(uintptr_t)uaddr, len);
    return EFAULT;
}

int fk_copyout(uint64_t uaddr, const void *src, size_t len)
{
    struct iovec local = { (void *)src, len };
    struct iovec remote = { (void *)(uintptr_t)uaddr, len };
    ssize_t n;

    if (len == 0)
        return 0;
    n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
    if (n == (ssize_t)len) {
        /*
         * Valgrind does not see a write into this process's own memory
         * through process_vm_writev: the same bytes again, now known to
         * be writable, so that memcheck sees the kernel's copy-out.
         */
        memcpy((void *)(uintptr_t)uaddr, src, len);
        return 0;
    }
    if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
        return copy_through_pipe((void *)(uintptr_t)uaddr, src, len);
    }
    return EFAULT;
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */

static void file_teardown(struct fk_file *f)
{
    if (f->dev == FK_DEV_EVTCHN)
        fk_evtchn_close(f);
    else if (f->dev == FK_DEV_GNTDEV)
        fk_fb_gntdev_close(f);
    f->used = 0;
}

/* Is the descriptor still the one we handed out? */
static int file_alive(const struct fk_file *f)
{
    struct stat st;

    return fstat(f->fd, &st) == 0 && st.st_dev == f->st_dev &&
           st.st_ino == f->st_ino;
}

/*
 * fake_sys closes descriptors without calling its handlers: a descriptor
 * whose number no longer names our file was closed (or dup'ed over), and
 * the kernel's close-time work happens now.
 */
static void sweep_closed(void)
{
    for (int i = 0; i < FK_MAX_FILES; i++) {
        if (fk.files[i].used && !file_alive(&fk.files[i]))
            file_teardown(&fk.files[i]);
    }
}

void fk_sweep(void)
{
    sweep_closed();
}

static struct fk_file *file_of(int fd)
{
    for (int i = 0; i < FK_MAX_FILES; i++) {
        if (fk.files[i].used && fk.files[i].fd == fd)
            return &fk.files[i];
    }
    return NULL;
}

struct fk_file *fk_file_by_id(unsigned int id)
{
    for (int i = 0; i < FK_MAX_FILES; i++) {
        if (fk.files[i].used && fk.files[i].id == id)
            return &fk.files[i];
    }
    return NULL;
}

/* Which device a path names on this kernel, or an errno. */
static int lookup_node(const char *path, enum fk_dev *dev)
{
    if (!strcmp(path, "/dev/null")) {
        *dev = FK_DEV_NULL;
        return 0;
    }
    if (fk.cfg.no_xen)
        return ENOENT;
    if (fk_is_freebsd()) {
        /* Reference 1.1: created in any Xen domain, 0600 root:wheel. */
        if (!strcmp(path, XS_FREEBSD_PRIVCMD_DEV))
            *dev = FK_DEV_PRIVCMD;
        else if (!strcmp(path, XS_FREEBSD_EVTCHN_DEV))
            *dev = FK_DEV_EVTCHN;
        else if (!strcmp(path, XS_FREEBSD_GNTDEV_DEV))
            *dev = FK_DEV_GNTDEV;
        else
            return ENOENT;
        return fk.cfg.not_root ? EACCES : 0;
    }
    /* Reference 1.2: privcmd is a kernfs entry created only in a
     * privileged domain, so elsewhere it does not exist. */
    if (!strcmp(path, XS_NETBSD_PRIVCMD_DEV)) {
        *dev = FK_DEV_PRIVCMD;
        return fk.cfg.domu ? ENOENT : 0;
    }
    /*
     * xenevt's node exists everywhere but the driver attaches only in
     * dom0; what an open of the unattached driver does is not something
     * to rely on (it dereferences state attach never set up), so the
     * fake answers ENXIO, "device not configured".
     */
    if (!strcmp(path, XS_NETBSD_EVTCHN_DEV)) {
        *dev = FK_DEV_EVTCHN;
        return fk.cfg.domu ? ENXIO : 0;
    }
    return ENOENT;
}

#define BSD_OPEN_FLAGS \
    (O_ACCMODE | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_APPEND | O_EXCL | \
     O_CREAT | O_TRUNC)

static int k_open(const char *path, int flags, int *out)
{
    enum fk_dev dev;
    struct fk_file *f = NULL;
    struct stat st;
    int err, fd;

    if (flags & ~BSD_OPEN_FLAGS) {
        fk_violation(FAKE_BSD_V_NOT_ON_BSD,
                     "open(%s) with flags 0x%x the BSDs do not have", path,
                     flags & ~BSD_OPEN_FLAGS);
        return EINVAL;
    }
    err = lookup_node(path, &dev);
    if (err)
        return err;
    if (dev == FK_DEV_NULL) {
        fd = open("/dev/null", flags & (O_ACCMODE | O_CLOEXEC));
        if (fd < 0)
            return errno;
        *out = fd;
        return 0;
    }
    /* A memfd per open: a real descriptor with its own identity, whose
     * O_CLOEXEC and O_NONBLOCK are the caller's. */
    fd = memfd_create("fake-bsd-device",
                      (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0)
        return errno;
    if ((flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
        err = errno;
        close(fd);
        return err;
    }
    if (fstat(fd, &st) < 0) {
        err = errno;
        close(fd);
        return err;
    }
    sweep_closed();
    for (int i = 0; i < FK_MAX_FILES; i++) {
        if (!fk.files[i].used) {
            f = &fk.files[i];
            break;
        }
    }
    if (!f) {
        close(fd);
        fk_violation(FAKE_BSD_V_CAPACITY, "more than %d open devices",
                     FK_MAX_FILES);
        return ENFILE;
    }
    memset(f, 0, sizeof(*f));
    f->used = 1;
    f->id = ++fk.next_file_id;
    f->fd = fd;
    f->st_dev = st.st_dev;
    f->st_ino = st.st_ino;
    f->dev = dev;
    if (dev == FK_DEV_GNTDEV)
        fk_fb_gntdev_open(f);
    *out = fd;
    return 0;
}

static int k_close(int fd)
{
    struct fk_file *f = file_of(fd);

    if (f)
        file_teardown(f);
    return close(fd) < 0 ? errno : 0;
}

/* ------------------------------------------------------------------ */
/* The ioctl layer                                                     */

static int driver_ioctl(struct fk_file *f, unsigned long req, void *karg)
{
    switch (f->dev) {
    case FK_DEV_PRIVCMD:
        return fk_is_freebsd() ? fk_fb_privcmd_ioctl(f, req, karg)
                               : fk_nb_privcmd_ioctl(f, req, karg);
    case FK_DEV_EVTCHN:
        return fk_evtchn_ioctl(f, req, karg);
    case FK_DEV_GNTDEV:
        return fk_fb_gntdev_ioctl(f, req, karg);
    default:
        return ENOTTY;
    }
}

static int k_ioctl(int fd, unsigned long req, void *arg)
{
    unsigned char kbuf[XS_BSD_IOCPARM_MAX + 1] __attribute__((aligned(8)));
    unsigned long dir;
    size_t size;
    struct fk_file *f;
    int err;

    sweep_closed();
    if (req > 0xffffffffUL) {
        /* FreeBSD prints a warning and truncates: the caller sign-
         * extended an int somewhere. */
        fk_violation(FAKE_BSD_V_BAD_REQUEST,
                     "ioctl request 0x%lx is sign-extended", req);
        req &= 0xffffffffUL;
    }
    f = file_of(fd);
    if (!f)
        return fcntl(fd, F_GETFD) < 0 ? EBADF : ENOTTY;

    size = XS_BSD_IOCPARM_LEN(req);
    dir = req & XS_BSD_IOC_DIRMASK;
    /*
     * FreeBSD's sys_ioctl refuses a request without direction bits, with
     * in/out bits but no size, or a void one whose size is not an int's,
     * before any driver sees it: a Linux-encoded request ends here.
     */
    if (fk_is_freebsd() &&
        (dir == 0 || ((dir & XS_BSD_IOC_INOUT) && size == 0) ||
         ((dir & XS_BSD_IOC_VOID) && size > 0 && size != sizeof(int))))
        return ENOTTY;

    memset(kbuf, 0, sizeof(kbuf));
    if (dir & XS_BSD_IOC_IN) {
        err = fk_copyin(kbuf, (uint64_t)(uintptr_t)arg, size);
        if (err)
            return err;
    } else if ((dir & XS_BSD_IOC_VOID) && size == sizeof(int)) {
        int v = (int)(intptr_t)arg; /* an int passed by value */

        memcpy(kbuf, &v, sizeof(v));
    } else if (size == 0) {
        memcpy(kbuf, &arg, sizeof(arg));
    }

    if (req == XS_BSD_FIONBIO) {
        /* Both kernels set the descriptor's flag in the generic layer,
         * then let the driver answer. */
        int on, fl = fcntl(fd, F_GETFL);

        memcpy(&on, kbuf, sizeof(on));
        if (fl >= 0)
            fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK));
    }
    err = driver_ioctl(f, req, kbuf);
    if (err == 0 && (dir & XS_BSD_IOC_OUT))
        err = fk_copyout((uint64_t)(uintptr_t)arg, kbuf, size);
    return err;
}

/* ------------------------------------------------------------------ */
/* Mappings and memory objects                                         */

int fk_vma_at(uintptr_t addr)
{
    for (int i = 0; i < FK_MAX_VMAS; i++) {
        struct fk_vma *v = &fk.vmas[i];

        if (v->used && addr >= v->start && addr - v->start < v->len)
            return i;
    }
    return -1;
}

int fk_range_covered(uintptr_t start, size_t len)
{
    uintptr_t at = start, end = start + len;

    while (at < end) {
        int v = fk_vma_at(at);

        if (v < 0)
            return 0;
        at = fk.vmas[v].start + fk.vmas[v].len;
    }
    return 1;
}

static int vma_new(uintptr_t start, size_t len, int prot, int obj,
                   size_t pgoff)
{
    for (int i = 0; i < FK_MAX_VMAS; i++) {
        if (!fk.vmas[i].used) {
            fk.vmas[i] = (struct fk_vma){ 1, start, len, prot, obj, pgoff };
            if (obj >= 0)
                fk.objs[obj].refs++;
            return i;
        }
    }
    fk_violation(FAKE_BSD_V_CAPACITY, "more than %d mappings", FK_MAX_VMAS);
    return -1;
}

/*
 * Forget [start, start+len) in the registry (the caller already changed
 * the real memory), splitting mappings as the kernel's map would and
 * dropping object references.
 */
static void vmas_forget(uintptr_t start, size_t len)
{
    uintptr_t lo = start, hi = start + len;

    for (int i = 0; i < FK_MAX_VMAS; i++) {
        struct fk_vma *v = &fk.vmas[i];
        uintptr_t vlo = v->start, vhi = v->start + v->len;
        int obj = v->obj;

        if (!v->used || hi <= vlo || lo >= vhi)
            continue;
        if (lo > vlo && hi < vhi) {
            /* a hole in the middle: the tail becomes its own mapping */
            vma_new(hi, vhi - hi, v->prot, obj,
                    v->pgoff + ((hi - vlo) >> FK_PAGE_SHIFT));
            v->len = lo - vlo;
        } else if (lo <= vlo && hi >= vhi) {
            v->used = 0;
            if (obj >= 0)
                fk_obj_unref(obj);
        } else if (lo <= vlo) {
            v->pgoff += (hi - vlo) >> FK_PAGE_SHIFT;
            v->start = hi;
            v->len = vhi - hi;
        } else {
            v->len = lo - vlo;
        }
    }
}

int fk_obj_new(enum fk_obj_kind kind, size_t npages, int prot)
{
    for (int i = 0; i < FK_MAX_OBJS; i++) {
        struct fk_obj *o = &fk.objs[i];

        if (o->kind != FK_OBJ_FREE)
            continue;
        memset(o, 0, sizeof(*o));
        o->memfd = -1;
        o->gmap = -1;
        o->page = calloc(npages ? npages : 1, 1);
        if (!o->page)
            return -1;
        if (kind != FK_OBJ_FB_GREFS) {
            o->memfd = memfd_create("fake-bsd-pages", MFD_CLOEXEC);
            if (o->memfd < 0 ||
                ftruncate(o->memfd, (off_t)(npages << FK_PAGE_SHIFT)) < 0) {
                if (o->memfd >= 0)
                    close(o->memfd);
                free(o->page);
                return -1;
            }
        }
        o->kind = kind;
        o->npages = npages;
        o->prot = prot;
        return i;
    }
    fk_violation(FAKE_BSD_V_CAPACITY, "more than %d memory objects",
                 FK_MAX_OBJS);
    return -1;
}

static void obj_destroy(int obj)
{
    struct fk_obj *o = &fk.objs[obj];

    if (o->kind == FK_OBJ_FB_GREFS || o->kind == FK_OBJ_FB_GMAP ||
        o->kind == FK_OBJ_FB_PRIVCMD)
        fk_fb_obj_gone(o, obj);
    else
        fk_nb_obj_gone(o);
    if (o->memfd >= 0)
        close(o->memfd);
    free(o->page);
    free(o->grefs);
    memset(o, 0, sizeof(*o));
    o->kind = FK_OBJ_FREE;
}

void fk_obj_unref(int obj)
{
    struct fk_obj *o = &fk.objs[obj];

    if (--o->refs <= 0 && !o->hold)
        obj_destroy(obj);
}

/* Make the real pages of one mapping match the object's page states. */
static void vma_sync_prot(const struct fk_vma *v)
{
    const struct fk_obj *o = &fk.objs[v->obj];
    size_t n = v->len >> FK_PAGE_SHIFT;

    for (size_t i = 0; i < n; i++) {
        size_t pg = v->pgoff + i;
        int ok = o->kind == FK_OBJ_FB_GREFS ||
                 (pg < o->npages && o->page[pg] == FK_PG_OK);

        mprotect((void *)(v->start + (i << FK_PAGE_SHIFT)), FK_PAGE,
                 ok ? v->prot : PROT_NONE);
    }
}

int fk_map_obj(uintptr_t addr, int fixed, size_t len, int prot, int obj,
               size_t pgoff, uintptr_t *out)
{
    struct fk_obj *o = &fk.objs[obj];
    void *p;
    int v;

    /* Reserve the range first (or take the caller's), then put the
     * object's pages over it. */
    p = mmap((void *)addr, len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
                 (fixed ? MAP_FIXED : 0),
             -1, 0);
    if (p == MAP_FAILED)
        return errno;
    for (size_t i = 0; i < (len >> FK_PAGE_SHIFT); i++) {
        int memfd = o->memfd;
        off_t off = (off_t)((pgoff + i) << FK_PAGE_SHIFT);
        void *q;

        if (o->kind == FK_OBJ_FB_GREFS) {
            memfd = fk_gref_pool();
            off = (off_t)((size_t)o->grefs[pgoff + i] << FK_PAGE_SHIFT);
        }
        q = mmap((char *)p + (i << FK_PAGE_SHIFT), FK_PAGE, PROT_NONE,
                 MAP_SHARED | MAP_FIXED, memfd, off);
        if (q == MAP_FAILED) {
            int err = errno;

            munmap(p, len);
            if (fixed)
                vmas_forget((uintptr_t)p, len);
            return err;
        }
    }
    vmas_forget((uintptr_t)p, len);
    v = vma_new((uintptr_t)p, len, prot, obj, pgoff);
    if (v < 0) {
        munmap(p, len);
        return ENOMEM;
    }
    vma_sync_prot(&fk.vmas[v]);
    *out = (uintptr_t)p;
    return 0;
}

static void page_set(int obj, size_t i, enum fk_page state)
{
    fk.objs[obj].page[i] = (unsigned char)state;
    for (int j = 0; j < FK_MAX_VMAS; j++) {
        struct fk_vma *v = &fk.vmas[j];

        if (v->used && v->obj == obj && i >= v->pgoff &&
            i - v->pgoff < (v->len >> FK_PAGE_SHIFT))
            mprotect((void *)(v->start + ((i - v->pgoff) << FK_PAGE_SHIFT)),
                     FK_PAGE, state == FK_PG_OK ? v->prot : PROT_NONE);
    }
}

void fk_page_fill(int obj, size_t i, uint64_t tag)
{
    static const unsigned char zero[FK_PAGE];
    off_t off = (off_t)(i << FK_PAGE_SHIFT);

    if (pwrite(fk.objs[obj].memfd, zero, FK_PAGE, off) != (ssize_t)FK_PAGE ||
        pwrite(fk.objs[obj].memfd, &tag, sizeof(tag), off) != sizeof(tag))
        fk_violation(FAKE_BSD_V_CAPACITY, "cannot fill a page: %s",
                     strerror(errno));
    page_set(obj, i, FK_PG_OK);
}

void fk_page_bad(int obj, size_t i)
{
    page_set(obj, i, FK_PG_BAD);
}

int fk_caller_prot(uintptr_t addr, size_t len, const char *what, int *prot)
{
    int v = fk_vma_at(addr), p;

    if (v < 0) {
        unsigned char in_core;

        /* mincore() tells whether anything is mapped there at all. */
        if (mincore((void *)addr, FK_PAGE, &in_core) == 0)
            fk_violation(FAKE_BSD_V_UNRESERVED,
                         "%s at %#lx: the kernel would replace memory the "
                         "caller did not map for it",
                         what, (unsigned long)addr);
        return EINVAL;
    }
    p = fk.vmas[v].prot;
    /* uvm_map_checkprot: writable, else readable, else EINVAL */
    if (!(p & (PROT_READ | PROT_WRITE)))
        return EINVAL;
    *prot = (p & PROT_WRITE) ? PROT_READ | PROT_WRITE : PROT_READ;
    if (!fk_range_covered(addr, len)) {
        /*
         * The kernel checks only the first page and then replaces the
         * whole range, whatever it holds; doing the same would corrupt
         * this test process, so the fake refuses.
         */
        fk_violation(FAKE_BSD_V_UNRESERVED,
                     "%s: %zu bytes at %#lx reach beyond the caller's "
                     "mapping; the kernel would replace what lies there",
                     what, len, (unsigned long)addr);
        return EINVAL;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* mmap, munmap, madvise                                               */

#define BSD_MAP_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)

static int k_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t offset, void **out)
{
    size_t size = (len + FK_PAGE - 1) & ~(FK_PAGE - 1);
    struct fk_file *f;
    uintptr_t at = 0;
    int err;

    sweep_closed();
    if (flags & ~BSD_MAP_FLAGS) {
        /* MAP_LOCKED, MAP_POPULATE, MAP_NORESERVE, MAP_SHARED_VALIDATE
         * ...: a backend using them would not compile on a BSD. */
        fk_violation(FAKE_BSD_V_NOT_ON_BSD,
                     "mmap flags 0x%x do not exist on the BSDs",
                     flags & ~BSD_MAP_FLAGS);
        return EINVAL;
    }
    /* kern_mmap: no length, both sharing modes, or an anonymous mapping
     * that names a descriptor are EINVAL. */
    if (len == 0 ||
        (flags & (MAP_SHARED | MAP_PRIVATE)) == (MAP_SHARED | MAP_PRIVATE))
        return EINVAL;
    if (flags & MAP_ANONYMOUS) {
        void *p;

        if (fd != -1)
            return EINVAL;
        p = mmap(addr, size, prot, flags, -1, 0);
        if (p == MAP_FAILED)
            return errno;
        vmas_forget((uintptr_t)p, size);
        if (vma_new((uintptr_t)p, size, prot, -1, 0) < 0) {
            munmap(p, size);
            return ENOMEM;
        }
        *out = p;
        return 0;
    }
    f = file_of(fd);
    if (!f) {
        void *p = mmap(addr, len, prot, flags, fd, offset);

        if (p == MAP_FAILED)
            return errno;
        *out = p;
        return 0;
    }
    /* Character devices give no private mappings (vm_mmap_cdev). */
    if (fk_is_freebsd() && !(flags & MAP_SHARED))
        return EINVAL;
    if (fk_is_freebsd() && f->dev == FK_DEV_PRIVCMD)
        err = fk_fb_privcmd_mmap(f, (uintptr_t)addr, size, prot, flags, &at);
    else if (f->dev == FK_DEV_GNTDEV)
        err = fk_fb_gntdev_mmap(f, (uintptr_t)addr, size, prot, flags,
                                (uint64_t)offset, &at);
    else {
        fk_violation(FAKE_BSD_V_NO_SUCH_OP,
                     "mmap of a device without "
                     "d_mmap (%s)",
                     f->dev == FK_DEV_EVTCHN ? "evtchn" : "privcmd");
        return ENODEV;
    }
    if (!err)
        *out = (void *)at;
    return err;
}

static void locked_forget(uintptr_t start, size_t len);

static int k_munmap(void *addr, size_t len)
{
    uintptr_t a = (uintptr_t)addr & ~(FK_PAGE - 1);
    size_t size;

    sweep_closed();
    /* kern_munmap: zero length is EINVAL; the start is rounded down. */
    if (len == 0)
        return EINVAL;
    size = ((uintptr_t)addr - a + len + FK_PAGE - 1) & ~(FK_PAGE - 1);
    if (munmap((void *)a, size) < 0)
        return errno;
    locked_forget(a, size);
    vmas_forget(a, size);
    return 0;
}

static int k_madvise(void *addr, size_t len, int advice)
{
    (void)addr;
    (void)len;
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
        return 0; /* advice only; both kernels know these */
    default:
        /* MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, ...: Linux only
         * (FreeBSD keeps buffers out of children with minherit). */
        fk_violation(FAKE_BSD_V_NOT_ON_BSD,
                     "madvise advice %d does not exist on the BSDs", advice);
        return EINVAL;
    }
}

/* ------------------------------------------------------------------ */
/* read, write                                                         */

static int k_read(int fd, void *buf, size_t len, size_t *done)
{
    struct fk_file *f;
    ssize_t n;

    sweep_closed();
    f = file_of(fd);
    if (f && f->dev == FK_DEV_EVTCHN)
        return fk_evtchn_read(f, buf, len, done);
    if (f) {
        fk_violation(FAKE_BSD_V_NO_SUCH_OP, "read() of a device without "
                                            "d_read");
        return ENODEV;
    }
    n = read(fd, buf, len);
    if (n < 0)
        return errno;
    *done = (size_t)n;
    return 0;
}

static int k_write(int fd, const void *buf, size_t len, size_t *done)
{
    struct fk_file *f;
    ssize_t n;

    sweep_closed();
    f = file_of(fd);
    if (f && f->dev == FK_DEV_EVTCHN)
        return fk_evtchn_write(f, buf, len, done);
    if (f) {
        fk_violation(FAKE_BSD_V_NO_SUCH_OP, "write() to a device without "
                                            "d_write");
        return ENODEV;
    }
    n = write(fd, buf, len);
    if (n < 0)
        return errno;
    *done = (size_t)n;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Event-channel helpers shared with the grant drivers                 */

long fk_acquire_resource(uint16_t dom, uint32_t type, uint32_t id,
                         uint64_t idx, uint64_t nr)
{
    if (fk.cfg.acquire_resource)
        return fk.cfg.acquire_resource(dom, type, id, idx, nr);
    if (idx + nr > fk.cfg.resource_frames || idx + nr < idx)
        return -EINVAL;
    return 0;
}

long fk_hypervisor_call(uint64_t op, const uint64_t arg[5])
{
    if (fk.n_hcalls < FK_MAX_LOG) {
        fk.hcalls[fk.n_hcalls].op = op;
        memcpy(fk.hcalls[fk.n_hcalls].arg, arg, sizeof(fk.hcalls[0].arg));
    }
    fk.n_hcalls++;
    return fk.cfg.hypercall ? fk.cfg.hypercall(op, arg) : 0;
}

void fk_log_notify(int action, uint64_t where, unsigned int port)
{
    if (fk.n_notifies < FK_MAX_LOG)
        fk.notifies[fk.n_notifies] = (struct fake_bsd_notify){ action, where,
                                                               port };
    fk.n_notifies++;
}

void fk_port_signal(unsigned int port)
{
    if (port < FK_MAX_PORTS)
        fk.ports[port].notified++;
}

int fk_port_bound_anywhere(unsigned int port)
{
    return port < FK_MAX_PORTS && fk.ports[port].file_id != 0;
}

/* ------------------------------------------------------------------ */
/* mlock, munlock, minherit                                            */

/* munmap() forgets what was locked and how it is inherited. */
static void locked_forget(uintptr_t start, size_t len)
{
    for (int i = 0; i < FK_MAX_LOCKED; i++) {
        uintptr_t s = fk.locked[i].start;

        if (fk.locked[i].len && s >= start && s < start + len)
            fk.locked[i].len = 0;
        s = fk.inherits[i].start;
        if (fk.inherits[i].len && s >= start && s < start + len)
            fk.inherits[i].len = 0;
    }
}

int fake_bsd_mlock(const void *addr, size_t len)
{
    int rc = -1;

    FK_LOCK();
    locked_forget((uintptr_t)addr, len);
    for (int i = 0; i < FK_MAX_LOCKED; i++) {
        if (!fk.locked[i].len) {
            fk.locked[i].start = (uintptr_t)addr;
            fk.locked[i].len = len;
            rc = 0;
            break;
        }
    }
    FK_UNLOCK();
    if (rc)
        errno = ENOMEM;
    return rc;
}

int fake_bsd_munlock(const void *addr, size_t len)
{
    FK_LOCK();
    locked_forget((uintptr_t)addr, len);
    FK_UNLOCK();
    return 0;
}

/*
 * Both kernels: INHERIT_SHARE 0, COPY 1, NONE 2, then ZERO (FreeBSD 3,
 * NetBSD 4; NetBSD's 3 is DONATE_COPY).  The fake records the value for
 * fake_bsd_inherit_at(); a value neither kernel knows is EINVAL.
 */
int fake_bsd_minherit(void *addr, size_t len, int inherit)
{
    int rc = -1;

    if (inherit < 0 || inherit > 4 || (inherit == 4 && fk_is_freebsd())) {
        errno = EINVAL;
        return -1;
    }
    FK_LOCK();
    for (int i = 0; i < FK_MAX_LOCKED; i++) {
        uintptr_t s = fk.inherits[i].start;

        if (fk.inherits[i].len && s >= (uintptr_t)addr &&
            s < (uintptr_t)addr + len)
            fk.inherits[i].len = 0;
    }
    for (int i = 0; i < FK_MAX_LOCKED; i++) {
        if (!fk.inherits[i].len) {
            fk.inherits[i].start = (uintptr_t)addr;
            fk.inherits[i].len = len;
            fk.inherits[i].inherit = inherit;
            rc = 0;
            break;
        }
    }
    FK_UNLOCK();
    if (rc)
        errno = ENOMEM;
    return rc;
}

int fake_bsd_inherit_at(const void *addr)
{
    int v = 1; /* INHERIT_COPY, the default */

    FK_LOCK();
    for (int i = 0; i < FK_MAX_LOCKED; i++) {
        uintptr_t s = fk.inherits[i].start;

        if (fk.inherits[i].len && (uintptr_t)addr >= s &&
            (uintptr_t)addr - s < fk.inherits[i].len)
            v = fk.inherits[i].inherit;
    }
    FK_UNLOCK();
    return v;
}

size_t fake_bsd_locked_bytes(void)
{
    size_t n = 0;

    FK_LOCK();
    for (int i = 0; i < FK_MAX_LOCKED; i++)
        n += fk.locked[i].len;
    FK_UNLOCK();
    return n;
}

/* ------------------------------------------------------------------ */
/* Set-up and inspection                                               */

void fake_bsd_default_config(struct fake_bsd_config *cfg, enum fake_bsd_os os)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->os = os;
    cfg->freebsd_gen = FAKE_FREEBSD_14;
    cfg->first_port = 10;
    cfg->first_gref = 100;
    cfg->resource_frames = 4;
}

static void release_all(void)
{
    for (int i = 0; i < FK_MAX_VMAS; i++) {
        if (fk.vmas[i].used && fk.vmas[i].obj >= 0)
            munmap((void *)fk.vmas[i].start, fk.vmas[i].len);
        fk.vmas[i].used = 0;
    }
    for (int i = 0; i < FK_MAX_OBJS; i++) {
        if (fk.objs[i].kind != FK_OBJ_FREE) {
            if (fk.objs[i].memfd >= 0)
                close(fk.objs[i].memfd);
            free(fk.objs[i].page);
            free(fk.objs[i].grefs);
        }
    }
    for (int i = 0; i < FK_MAX_GMAPS; i++) {
        free(fk.gmaps[i].dom);
        free(fk.gmaps[i].ref);
    }
    if (fk.gref_pool >= 0)
        close(fk.gref_pool);
    fk.gref_pool = -1;
}

int fk_gref_pool(void)
{
    if (fk.gref_pool < 0) {
        fk.gref_pool = memfd_create("fake-bsd-grefs", MFD_CLOEXEC);
        if (fk.gref_pool >= 0 &&
            ftruncate(fk.gref_pool,
                      (off_t)((size_t)FK_MAX_GREFS << FK_PAGE_SHIFT)) < 0) {
            close(fk.gref_pool);
            fk.gref_pool = -1;
        }
    }
    return fk.gref_pool;
}

void fake_bsd_reset(const struct fake_bsd_config *cfg)
{
    FK_LOCK();
    release_all();
    memset(&fk, 0, sizeof(fk));
    fk.cfg = *cfg;
    fk.next_gref = cfg->first_gref;
    fk.gref_pool = -1;
    fk.fail_grant_nth = -1;
    FK_UNLOCK();
}

int fake_bsd_violations(enum fake_bsd_violation kind)
{
    return kind < FAKE_BSD_V_NR ? fk.violations[kind] : 0;
}

const char *fake_bsd_last_violation(void)
{
    return fk.last_violation;
}

int fake_bsd_hypercalls(void)
{
    return fk.n_hcalls;
}

const struct fake_bsd_hypercall *fake_bsd_hypercall_at(int i)
{
    return (i >= 0 && i < fk.n_hcalls && i < FK_MAX_LOG) ? &fk.hcalls[i]
                                                         : NULL;
}

int fake_bsd_dm_ops(void)
{
    return fk.n_dm_ops;
}

void fake_bsd_fail_next_batch(int xen_errno)
{
    fk.fail_next_batch = xen_errno;
}

int fake_bsd_restricted_to(int fd)
{
    struct fk_file *f;
    int dom = -1;

    FK_LOCK();
    sweep_closed();
    f = file_of(fd);
    if (f && f->restricted)
        dom = f->restrict_dom;
    FK_UNLOCK();
    return dom;
}

int fake_bsd_page_accessible(const void *addr)
{
    int v, rc;

    FK_LOCK();
    v = fk_vma_at((uintptr_t)addr);
    if (v < 0) {
        rc = -1;
    } else if (fk.vmas[v].obj < 0) {
        rc = 1;
    } else {
        const struct fk_vma *m = &fk.vmas[v];
        const struct fk_obj *o = &fk.objs[m->obj];
        size_t pg = m->pgoff + (((uintptr_t)addr - m->start) >> FK_PAGE_SHIFT);

        rc = o->kind == FK_OBJ_FB_GREFS || o->page[pg] == FK_PG_OK;
    }
    FK_UNLOCK();
    return rc;
}

int fake_bsd_notifies(void)
{
    FK_LOCK();
    sweep_closed();
    FK_UNLOCK();
    return fk.n_notifies;
}

const struct fake_bsd_notify *fake_bsd_notify_at(int i)
{
    return (i >= 0 && i < fk.n_notifies && i < FK_MAX_LOG) ? &fk.notifies[i]
                                                           : NULL;
}

int fake_bsd_live_grant_allocs(void)
{
    FK_LOCK();
    sweep_closed();
    FK_UNLOCK();
    return fk.live_grant_allocs;
}

int fake_bsd_live_grant_maps(void)
{
    FK_LOCK();
    sweep_closed();
    FK_UNLOCK();
    return fk.live_grant_maps;
}

void fake_bsd_fail_grant_at(int nth, int err)
{
    fk.fail_grant_nth = err ? nth : -1;
    fk.fail_grant_err = err;
}

/* ------------------------------------------------------------------ */
/* libc's convention, for fake_sys's handlers and the self-tests. */

static int ret_int(int err, int val)
{
    if (err) {
        errno = err;
        return -1;
    }
    return val;
}

static ssize_t ret_size(int err, size_t val)
{
    if (err) {
        errno = err;
        return -1;
    }
    return (ssize_t)val;
}

static int w_open(const char *path, int flags)
{
    int fd = -1, err;

    FK_LOCK();
    err = k_open(path, flags, &fd);
    FK_UNLOCK();
    return ret_int(err, fd);
}

static int w_close(int fd)
{
    int err;

    FK_LOCK();
    err = k_close(fd);
    FK_UNLOCK();
    return ret_int(err, 0);
}

static int w_ioctl(int fd, unsigned long request, void *arg)
{
    int err;

    FK_LOCK();
    err = k_ioctl(fd, request, arg);
    FK_UNLOCK();
    return ret_int(err, 0);
}

static void *w_mmap(void *addr, size_t len, int prot, int flags, int fd,
                    off_t offset)
{
    void *p = MAP_FAILED;
    int err;

    FK_LOCK();
    err = k_mmap(addr, len, prot, flags, fd, offset, &p);
    FK_UNLOCK();
    if (err) {
        errno = err;
        return MAP_FAILED;
    }
    return p;
}

static int w_munmap(void *addr, size_t len)
{
    int err;

    FK_LOCK();
    err = k_munmap(addr, len);
    FK_UNLOCK();
    return ret_int(err, 0);
}

static int w_madvise(void *addr, size_t len, int advice)
{
    int err;

    FK_LOCK();
    err = k_madvise(addr, len, advice);
    FK_UNLOCK();
    return ret_int(err, 0);
}

static ssize_t w_read(int fd, void *buf, size_t len)
{
    size_t done = 0;
    int err;

    FK_LOCK();
    err = k_read(fd, buf, len, &done);
    FK_UNLOCK();
    return ret_size(err, done);
}

static ssize_t w_write(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    int err;

    FK_LOCK();
    err = k_write(fd, buf, len, &done);
    FK_UNLOCK();
    return ret_size(err, done);
}

/* Under the kernel's lock, so that no sweep looks at newfd meanwhile;
 * the file dup'ed over is noticed (and torn down) at once. */
static int w_dup3(int oldfd, int newfd, int flags)
{
    int rc;

    FK_LOCK();
    rc = dup3(oldfd, newfd, flags);
    if (rc >= 0)
        sweep_closed();
    FK_UNLOCK();
    return rc;
}

static int w_fcntl(int fd, int cmd, int arg)
{
    return fcntl(fd, cmd, arg);
}

static int w_usleep(unsigned int usec)
{
    (void)usec;
    return 0; /* tests never really sleep */
}

/* libc's view of the kernel: what fake_sys's handlers and the self-tests use */
const struct fake_bsd_libc fake_bsd_libc = {
    .open = w_open,
    .close = w_close,
    .ioctl = w_ioctl,
    .mmap = w_mmap,
    .munmap = w_munmap,
    .madvise = w_madvise,
    .read = w_read,
    .write = w_write,
    .dup3 = w_dup3,
    .fcntl = w_fcntl,
    .usleep = w_usleep,
};

/*
 * The seam's view (src/osdep/sys.h): -errno or a result, the ioctl's int
 * as unsigned 32 bits.  Converted here from the kernel's BSD error codes,
 * once; the kernel logic above never sees either convention.
 */
static int s_open(const char *path, int flags)
{
    int fd = -1, err;

    FK_LOCK();
    err = k_open(path, flags, &fd);
    FK_UNLOCK();
    return err ? -err : fd;
}

static int s_close(int fd)
{
    int err;

    FK_LOCK();
    err = k_close(fd);
    FK_UNLOCK();
    return -err;
}

static int64_t s_ioctl(int fd, unsigned long request, void *arg)
{
    int err;

    FK_LOCK();
    err = k_ioctl(fd, request, arg);
    FK_UNLOCK();
    /*
     * The BSD drivers answer 0 on success; FreeBSD's RESTRICT answers a
     * negative errno, which sys.c reports as the failure it names.
     */
    return err > 0 ? -err : err;
}

static int s_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t offset, void **out)
{
    int err;

    FK_LOCK();
    err = k_mmap(addr, len, prot, flags, fd, offset, out);
    FK_UNLOCK();
    return -err;
}

static int s_munmap(void *addr, size_t len)
{
    int err;

    FK_LOCK();
    err = k_munmap(addr, len);
    FK_UNLOCK();
    return -err;
}

static int s_madvise(void *addr, size_t len, int advice)
{
    int err;

    FK_LOCK();
    err = k_madvise(addr, len, advice);
    FK_UNLOCK();
    return -err;
}

static int s_mlock(const void *addr, size_t len)
{
    return fake_bsd_mlock(addr, len) < 0 ? -ENOMEM : 0;
}

static int s_munlock(const void *addr, size_t len)
{
    return fake_bsd_munlock(addr, len) < 0 ? -EINVAL : 0;
}

static int s_minherit(void *addr, size_t len, int inherit)
{
    return fake_bsd_minherit(addr, len, inherit) < 0 ? -errno : 0;
}

static ssize_t s_read(int fd, void *buf, size_t len)
{
    size_t done = 0;
    int err;

    FK_LOCK();
    err = k_read(fd, buf, len, &done);
    FK_UNLOCK();
    return err ? -err : (ssize_t)done;
}

static ssize_t s_write(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    int err;

    FK_LOCK();
    err = k_write(fd, buf, len, &done);
    FK_UNLOCK();
    return err ? -err : (ssize_t)done;
}

static int s_dup3(int oldfd, int newfd, int flags)
{
    return w_dup3(oldfd, newfd, flags) < 0 ? -errno : newfd;
}

static int s_fcntl(int fd, int cmd, int arg)
{
    int r = fcntl(fd, cmd, arg);

    return r < 0 ? -errno : r;
}

static int s_usleep(unsigned int usec)
{
    (void)usec;
    return 0; /* tests never really sleep */
}

const struct xs_sys_ops fake_bsd_sys_ops = {
    .open = s_open,
    .close = s_close,
    .ioctl = s_ioctl,
    .mmap = s_mmap,
    .munmap = s_munmap,
    .madvise = s_madvise,
    .mlock = s_mlock,
    .munlock = s_munlock,
    .minherit = s_minherit,
    .read = s_read,
    .write = s_write,
    .dup3 = s_dup3,
    .fcntl = s_fcntl,
    .usleep = s_usleep,
};

void fake_bsd_install(const struct fake_bsd_config *cfg)
{
    static const struct fake_sys_handlers h = {
        .open = w_open,
        .ioctl = w_ioctl,
        .mmap = w_mmap,
        .read = w_read,
        .write = w_write,
        .munmap = w_munmap,
        .madvise = w_madvise,
        .mlock = fake_bsd_mlock,
        .munlock = fake_bsd_munlock,
        .minherit = fake_bsd_minherit,
        /*
         * Closes and dup3 go through the kernel too: a close racing
         * another thread's sweep of the descriptors would otherwise be a
         * data race (ThreadSanitizer finds it in the thread tests).
         */
        .close = w_close,
        .dup3 = w_dup3,
    };

    fake_bsd_reset(cfg);
    fake_sys_install();
    fake_sys_set_handlers(&h);
}

void fake_bsd_uninstall(void)
{
    fake_sys_uninstall();
    FK_LOCK();
    release_all();
    memset(&fk, 0, sizeof(fk));
    fk.gref_pool = -1;
    FK_UNLOCK();
}
