/*
 * driver.c - a fake of Linux's Xen drivers (privcmd, the hypercall
 * buffer device, evtchn, gntdev, gntalloc) for the contract tests: it
 * decodes each request the way the kernel does and asks fake_xen.c for
 * Xen's answer.  It is the Linux entry of the backend table
 * (tests/unit/backend.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The driver-protocol tests beside this file check the requests
 * themselves (numbers, layouts); this fake only has to be faithful
 * enough that every public call can succeed and fail as on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "osdep/linux/xen-linux-uapi.h"
#include "backend.h"
#include "fake_sys.h"
#include "fake_xen.h"

enum device {
    NONE,
    PRIVCMD,
    BUFDEV,
    EVTCHN,
    GNTDEV,
    GNTALLOC,
    DEVNULL
};

#define MAX_FDS  1024
#define MAX_MAPS 256

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char device_of[MAX_FDS];
/* privcmd RESTRICT: the domain a descriptor is narrowed to, or -1 */
static int restricted_to[MAX_FDS];
static unsigned int variant;
static uint64_t next_index;
/* gntdev mmaps, for GET_OFFSET_FOR_VADDR */
static struct {
    void *addr;
    uint64_t offset;
    size_t len;
} maps[MAX_MAPS];
static int n_maps;

static const struct {
    const char *path;
    enum device dev;
} nodes[] = {
    { "/dev/xen/privcmd", PRIVCMD },  { "/proc/xen/privcmd", PRIVCMD },
    { "/dev/xen/hypercall", BUFDEV }, { "/dev/xen/evtchn", EVTCHN },
    { "/dev/xen/gntdev", GNTDEV },    { "/dev/xen/gntalloc", GNTALLOC },
    { "/dev/null", DEVNULL },
};

static enum device dev(int fd)
{
    enum device d = NONE;

    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd < MAX_FDS)
        d = (enum device)device_of[fd];
    pthread_mutex_unlock(&lock);
    return d;
}

static void set_dev(int fd, enum device d)
{
    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd < MAX_FDS) {
        device_of[fd] = (unsigned char)d;
        restricted_to[fd] = -1;
    }
    pthread_mutex_unlock(&lock);
}

/*
 * privcmd's restriction (privcmd_ioctl_restrict): the first RESTRICT
 * narrows the descriptor, the same domain again is accepted, another one
 * is EINVAL; then hypercalls are EPERM, and so are maps and DM ops of
 * other domains.
 */
static int restriction(int fd)
{
    int dom = -1;

    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd < MAX_FDS)
        dom = restricted_to[fd];
    pthread_mutex_unlock(&lock);
    return dom;
}

static int restrict_to(int fd, int dom)
{
    int rc = 0;

    pthread_mutex_lock(&lock);
    if (fd >= 0 && fd < MAX_FDS) {
        if (restricted_to[fd] >= 0 && restricted_to[fd] != dom)
            rc = -1;
        else
            restricted_to[fd] = dom;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* May a request about dom go through this descriptor? */
static int allowed(int fd, int dom)
{
    int r = restriction(fd);

    return r < 0 || r == dom;
}

static int fail(int err)
{
    errno = err;
    return -1;
}

/* Xen's -errno result through the driver and libc: -1 and errno. */
static int xen_rc(long rc)
{
    if ((unsigned long)rc > -4096UL)
        return fail((int)-rc);
    return (int)rc;
}

static int drv_open(const char *path, int flags)
{
    enum device d = NONE;
    int fd;

    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
        if (!strcmp(path, nodes[i].path))
            d = nodes[i].dev;
    if (d == BUFDEV && (variant & XS_FAKE_NO_BUFDEV))
        return fail(ENOENT);
    fd = fake_sys_default_open(path, flags);
    set_dev(fd, d);
    return fd;
}

static int drv_close(int fd)
{
    set_dev(fd, NONE);
    return close(fd);
}

static int drv_dup3(int oldfd, int newfd, int flags)
{
    int rc = dup3(oldfd, newfd, flags);

    if (rc >= 0)
        set_dev(newfd, dev(oldfd));
    return rc;
}

static int spans_no_page(const void *uptr, size_t size)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

    return size == 0 && (uintptr_t)uptr % page == 0;
}

static int privcmd_ioctl(int fd, unsigned long req, void *arg)
{
    switch (req) {
    case XS_IOCTL_PRIVCMD_HYPERCALL: {
        const struct xs_privcmd_hypercall *h = arg;

        if (restriction(fd) >= 0)
            return fail(EPERM);
        return xen_rc(fake_xen_hypercall((unsigned int)h->op, h->arg));
    }
    case XS_IOCTL_PRIVCMD_DM_OP: {
        const struct xs_privcmd_dm_op *d = arg;
        struct fake_xen_buf bufs[16];

        if (variant & XS_FAKE_NO_DM_OP)
            return fail(ENOTTY);
        if (!allowed(fd, d->dom))
            return fail(EPERM);
        if (d->num == 0)
            return 0; /* the probe upstream makes */
        if (d->num > 16)
            return fail(E2BIG);
        for (unsigned int i = 0; i < d->num; i++) {
            /* privcmd pins each buffer's pages before the hypercall; one
             * spanning no page (size 0 at a page-aligned address, NULL
             * included) pins nothing and fails the request (Linux >= 6.0
             * and the stable trees since 2022; seen on Debian 12's 6.1) */
            if (spans_no_page(d->ubufs[i].uptr, d->ubufs[i].size))
                return fail(EFAULT);
            bufs[i].ptr = d->ubufs[i].uptr;
            bufs[i].size = d->ubufs[i].size;
        }
        return xen_rc(fake_xen_dm_op(d->dom, d->num, bufs));
    }
    case XS_IOCTL_PRIVCMD_RESTRICT:
        /* RESTRICT came with DM_OP (Linux 4.11) */
        if (variant & XS_FAKE_NO_DM_OP)
            return fail(ENOTTY);
        return restrict_to(fd, *(const domid_t *)arg) ? fail(EINVAL) : 0;
    case XS_IOCTL_PRIVCMD_MMAPBATCH_V2: {
        const struct xs_privcmd_mmapbatch_v2 *b = arg;
        int paged = 0;

        if (!allowed(fd, b->dom))
            return fail(EPERM);
        for (unsigned int i = 0; i < b->num; i++) {
            b->err[i] = fake_xen_map_frame(b->dom, b->arr[i]);
            paged |= b->err[i] == -ENOENT;
        }
        /* the kernel fails the whole call when a frame is paged out */
        return paged ? fail(ENOENT) : 0;
    }
    case XS_IOCTL_PRIVCMD_MMAPBATCH: {
        /* version 1: a failed frame has an error pattern OR-ed in */
        struct xs_privcmd_mmapbatch *b = arg;
        int paged = 0;

        if (!allowed(fd, b->dom))
            return fail(EPERM);
        for (int i = 0; i < b->num; i++) {
            int rc = fake_xen_map_frame(b->dom, b->arr[i]);

            if (rc == -ENOENT) {
                b->arr[i] |= XS_PRIVCMD_MMAPBATCH_PAGED_ERROR;
                paged = 1;
            } else if (rc) {
                b->arr[i] |= XS_PRIVCMD_MMAPBATCH_MFN_ERROR;
            }
        }
        return paged ? fail(ENOENT) : 0;
    }
    case XS_IOCTL_PRIVCMD_MMAP_RESOURCE: {
        struct xs_privcmd_mmap_resource *r = arg;
        uint64_t n = r->addr ? r->num : 0;
        int rc;

        if (!allowed(fd, r->dom))
            return fail(EPERM);
        rc = fake_xen_map_resource(r->dom, r->type, r->id, r->idx, &n);
        if (rc == 0 && !r->addr)
            r->num = n;
        return xen_rc(rc);
    }
    default:
        return fail(ENOTTY);
    }
}

static int evtchn_ioctl(unsigned long req, void *arg)
{
    const unsigned int *port = arg;

    switch (req) {
    case XS_IOCTL_EVTCHN_BIND_VIRQ:
    case XS_IOCTL_EVTCHN_BIND_INTERDOMAIN:
    case XS_IOCTL_EVTCHN_BIND_UNBOUND_PORT:
        return xen_rc(fake_xen_evtchn_bind());
    case XS_IOCTL_EVTCHN_UNBIND:
        return xen_rc(fake_xen_evtchn_unbind(*port));
    case XS_IOCTL_EVTCHN_NOTIFY:
        return xen_rc(fake_xen_evtchn_notify(*port));
    case XS_IOCTL_EVTCHN_RESTRICT_DOMID:
        return 0;
    default:
        return fail(ENOTTY);
    }
}

static uint64_t take_index(uint32_t count)
{
    uint64_t index;

    pthread_mutex_lock(&lock);
    index = next_index;
    next_index += (uint64_t)count << 12;
    pthread_mutex_unlock(&lock);
    return index;
}

static int gntdev_ioctl(unsigned long req, void *arg)
{
    switch (req) {
    case XS_IOCTL_GNTDEV_MAP_GRANT_REF: {
        struct xs_ioctl_gntdev_map_grant_ref *m = arg;

        for (uint32_t i = 0; i < m->count; i++) {
            int rc = fake_xen_grant_map(m->refs[i].domid, m->refs[i].ref);

            if (rc < 0)
                return xen_rc(rc);
        }
        m->index = take_index(m->count);
        return 0;
    }
    case XS_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR: {
        struct xs_ioctl_gntdev_get_offset_for_vaddr *q = arg;
        int rc = fail(EINVAL);

        pthread_mutex_lock(&lock);
        for (int i = 0; i < n_maps; i++) {
            if ((uintptr_t)maps[i].addr == q->vaddr) {
                q->offset = maps[i].offset;
                q->count = (uint32_t)(maps[i].len >> 12);
                rc = 0;
            }
        }
        pthread_mutex_unlock(&lock);
        return rc;
    }
    case XS_IOCTL_GNTDEV_GRANT_COPY: {
        struct xs_ioctl_gntdev_grant_copy *c = arg;
        struct {
            unsigned char body[20];
            int16_t status;
            uint16_t pad;
        } *seg = c->segments;

        for (unsigned int i = 0; i < c->count; i++)
            seg[i].status = 0; /* GNTST_okay */
        return 0;
    }
    case XS_IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS:
        ((struct xs_ioctl_gntdev_dmabuf_exp_from_refs *)arg)->fd = 77;
        return 0;
    case XS_IOCTL_GNTDEV_DMABUF_IMP_TO_REFS: {
        struct xs_ioctl_gntdev_dmabuf_imp_to_refs *d = arg;

        for (uint32_t i = 0; i < d->count; i++)
            d->refs[i] = 900 + i;
        return 0;
    }
    case XS_IOCTL_GNTDEV_UNMAP_GRANT_REF:
    case XS_IOCTL_GNTDEV_SET_MAX_GRANTS:
    case XS_IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
    case XS_IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED:
    case XS_IOCTL_GNTDEV_DMABUF_IMP_RELEASE:
        return 0;
    default:
        return fail(ENOTTY);
    }
}

static int gntalloc_ioctl(unsigned long req, void *arg)
{
    switch (req) {
    case XS_IOCTL_GNTALLOC_ALLOC_GREF: {
        struct xs_ioctl_gntalloc_alloc_gref *a = arg;

        for (uint32_t i = 0; i < a->count; i++)
            a->gref_ids[i] = fake_xen_grant_share(a->domid);
        a->index = take_index(a->count);
        return 0;
    }
    case XS_IOCTL_GNTALLOC_DEALLOC_GREF:
    case XS_IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
        return 0;
    default:
        return fail(ENOTTY);
    }
}

static int drv_ioctl(int fd, unsigned long req, void *arg)
{
    switch (dev(fd)) {
    case PRIVCMD:
        return privcmd_ioctl(fd, req, arg);
    case EVTCHN:
        return evtchn_ioctl(req, arg);
    case GNTDEV:
        return gntdev_ioctl(req, arg);
    case GNTALLOC:
        return gntalloc_ioctl(req, arg);
    default:
        return fail(ENOTTY); /* /dev/null and the rest */
    }
}

static void *drv_mmap(void *addr, size_t len, int prot, int flags, int fd,
                      off_t offset)
{
    void *p = fake_sys_default_mmap(addr, len, prot, flags, fd, offset);

    if (p != MAP_FAILED && dev(fd) == GNTDEV) {
        pthread_mutex_lock(&lock);
        if (n_maps < MAX_MAPS) {
            maps[n_maps].addr = p;
            maps[n_maps].offset = (uint64_t)offset;
            maps[n_maps].len = len;
            n_maps++;
        }
        pthread_mutex_unlock(&lock);
    }
    return p;
}

static ssize_t drv_read(int fd, void *buf, size_t len)
{
    uint32_t port;

    if (dev(fd) != EVTCHN)
        return 0; /* /dev/null: end of file */
    if (len < sizeof(port))
        return fail(EINVAL);
    if (!fake_xen_evtchn_pending(&port))
        return fail(EAGAIN); /* a blocking device would wait */
    memcpy(buf, &port, sizeof(port));
    return sizeof(port);
}

static ssize_t drv_write(int fd, const void *buf, size_t len)
{
    (void)buf;
    /* evtchn: unmask whole ports; /dev/null: swallow */
    if (dev(fd) == EVTCHN && len % sizeof(uint32_t))
        return fail(EINVAL);
    return (ssize_t)len;
}

static void install(unsigned int v)
{
    static const struct fake_sys_handlers h = {
        .open = drv_open,
        .close = drv_close,
        .dup3 = drv_dup3,
        .ioctl = drv_ioctl,
        .mmap = drv_mmap,
        .read = drv_read,
        .write = drv_write,
    };

    fake_sys_install();
    fake_xen_reset();
    pthread_mutex_lock(&lock);
    memset(device_of, 0, sizeof(device_of));
    variant = v;
    next_index = 0;
    n_maps = 0;
    pthread_mutex_unlock(&lock);
    fake_sys_set_handlers(&h);
}

const struct xs_backend xs_backend = {
    .name = "linux",
    .install = install,
    /* every operation works: expect[] all 0 */
    .notify_syscalls = 1,
    .pending_syscalls = 1,
    .unmask_syscalls = 1,
    .hypercall_syscalls = 1,
    .open_close_syscalls = 2,
    .no_dm_op_errno = ENOTTY,
};
