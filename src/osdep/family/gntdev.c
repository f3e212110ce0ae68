/*
 * gntdev.c - mapping other domains' grants and sharing our own pages
 * through a gntdev-style device: Linux's gntdev and gntalloc, FreeBSD's
 * /dev/xen/gntdev (both in one).  The OS's gntdev-os.h gives the devices,
 * the request numbers and the argument layouts (Linux passes refs and
 * grant ids inline, FreeBSD by pointer); the logic is the same.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * A map request (MAP_GRANT_REF) reserves slots in the device and returns
 * their index, which is then the mmap() offset; the grants are mapped by
 * that mmap().  The index is the mapping's cookie: the API layer records
 * it, so that unmapping is munmap + UNMAP_GRANT_REF without upstream's
 * GET_OFFSET_FOR_VADDR round trip; an address without a record still
 * takes upstream's path.
 *
 * Sharing allocates granted pages (ALLOC_GREF), maps them at their
 * index and releases them by DEALLOC_GREF at once: the device keeps
 * the pages, and their grants, until the mapping goes, so unsharing is
 * a plain munmap.
 *
 * An unmap notification is set on the slots after the mmap(), by the
 * device's SET_UNMAP_NOTIFY with the byte's offset added to the index.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/gnt-common.h"
#include "gnttab_private.h"
#include "gntdev-os.h"

/*
 * A grant the hypervisor must page in first makes mmap() fail with
 * EAGAIN (Linux).  Upstream retries forever; we give up after about five
 * seconds (each retry sleeps 1 ms) and report EAGAIN, so a grant that
 * never comes back cannot hang the caller.
 */
#define MAP_EAGAIN_RETRIES  5000
#define MAP_EAGAIN_SLEEP_US 1000

int osdep_gnttab_open(struct xengntdev_handle *h)
{
    (void)h;
    return xs_sys_open(XS_GNTDEV_MAP_DEV, O_RDWR | O_CLOEXEC);
}

int osdep_gntshr_open(struct xengntdev_handle *h)
{
    (void)h;
    /* close-on-exec, unlike upstream: see docs/api/gnttab.md */
    return xs_sys_open(XS_GNTDEV_SHARE_DEV, O_RDWR | O_CLOEXEC);
}

/*
 * SET_UNMAP_NOTIFY (request req) for the mapping of `bytes` at the
 * device's index: 0/-errno; no system call when nothing is wanted.
 */
static int set_unmap_notify(int fd, unsigned long req, uint64_t index,
                            size_t bytes, uint32_t notify_offset,
                            evtchn_port_t notify_port)
{
    xs_gntdev_notify_t notify = { .index = index };

    notify.action = xs_gnt_notify_actions(notify_offset, bytes, notify_port);
    if (notify.action & XS_GNT_NOTIFY_CLEAR_BYTE)
        notify.index += notify_offset;
    if (notify.action & XS_GNT_NOTIFY_SEND_EVENT)
        notify.event_channel_port = notify_port;
    if (!notify.action)
        return 0;
    return xs_sys_rc(xs_sys_ioctl(fd, req, &notify));
}

/* Give map slots back to the device (on an error path: its result is
 * moot). */
static void release_slots(struct xengntdev_handle *h, uint64_t index,
                          uint32_t count)
{
    xs_gntdev_unmap_t arg = { .index = index, .count = count };

    (void)xs_sys_ioctl(h->fd, XS_GNTDEV_REQ_UNMAP, &arg);
}

/*
 * The second half of a map or a share: mmap() the slots at index (with
 * up to `retries` retries of EAGAIN) and set their unmap notification
 * (request notify_req).  0 with *addr, or -errno with nothing mapped;
 * the slots stay the caller's to give back.
 */
static int map_slots(struct xengntdev_handle *h, const char *side,
                     size_t bytes, int prot, uint64_t index, int retries,
                     unsigned long notify_req, uint32_t notify_offset,
                     evtchn_port_t notify_port, void **addr)
{
    int rc;

    for (int tries = 0;; tries++) {
        rc = xs_sys_mmap(NULL, bytes, prot, MAP_SHARED, h->fd, (off_t)index,
                         addr);
        if (rc != -EAGAIN || tries >= retries)
            break;
        xs_sys_usleep(MAP_EAGAIN_SLEEP_US);
    }
    if (rc < 0) {
        xs_gnt_log(h, side, -rc, "mmap of the device's pages");
        return rc;
    }
    rc = set_unmap_notify(h->fd, notify_req, index, bytes, notify_offset,
                          notify_port);
    if (rc < 0) {
        xs_gnt_log(h, side, -rc, "ioctl SET_UNMAP_NOTIFY");
        xs_sys_munmap(*addr, bytes);
    }
    return rc;
}

int osdep_gnttab_grant_map(struct xengntdev_handle *h, uint32_t count,
                           const uint32_t *domids, uint32_t domids_stride,
                           const uint32_t *refs, int prot,
                           uint32_t notify_offset, evtchn_port_t notify_port,
                           void **addrp, uint64_t *cookie)
{
    size_t bytes = (size_t)count << XS_PAGE_SHIFT;
    struct xs_gnt_arg arg;
    xs_gntdev_map_t *map;
    xs_gntdev_ref_t *r;
    void *addr;
    int rc;

    rc = xs_gnt_arg_get(&arg, XS_GNTDEV_MAP_REFS_OFF, 0, count, sizeof(*r));
    if (rc < 0)
        return rc;
    map = arg.p;
    r = (xs_gntdev_ref_t *)((char *)arg.p + XS_GNTDEV_MAP_REFS_OFF);
    map->count = count;
    xs_gnt_put_refs(r, count, domids, domids_stride, refs);
    xs_gntdev_map_point_refs(map, r);

    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_GNTDEV_REQ_MAP, map));
    if (rc < 0) {
        xs_gnt_log(h, "gnttab", -rc, "ioctl MAP_GRANT_REF");
        goto out;
    }
    rc = map_slots(h, "gnttab", bytes, prot, map->index, MAP_EAGAIN_RETRIES,
                   XS_GNTDEV_REQ_MAP_NOTIFY, notify_offset, notify_port,
                   &addr);
    if (rc < 0) {
        release_slots(h, map->index, count);
        goto out;
    }
    *addrp = addr;
    *cookie = map->index;
out:
    xs_gnt_arg_put(&arg);
    return rc;
}

int osdep_gnttab_unmap(struct xengntdev_handle *h, void *addr, uint32_t count,
                       const uint64_t *cookie, int *unmapped)
{
    xs_gntdev_unmap_t unmap = { .count = count };
    size_t bytes = (size_t)count << XS_PAGE_SHIFT;
    int rc;

    if (cookie) {
        unmap.index = *cookie;
    } else {
        /* A mapping without a record: ask the kernel, as upstream. */
        xs_gntdev_offset_t q = { .vaddr = (uintptr_t)addr };

        rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_GNTDEV_REQ_GET_OFFSET, &q));
        if (rc < 0)
            return rc;
        if (q.count != count)
            return -EINVAL;
        unmap.index = q.offset;
    }

    rc = xs_sys_munmap(addr, bytes);
    if (rc < 0)
        return rc;
    *unmapped = 1;
    return xs_sys_rc(xs_sys_ioctl(h->fd, XS_GNTDEV_REQ_UNMAP, &unmap));
}

static void dealloc(struct xengntdev_handle *h, uint64_t index, uint32_t count)
{
    xs_gntdev_dealloc_t arg = { .index = index, .count = count };

    /* Its failure changes nothing for the caller: the pages are mapped. */
    (void)xs_sys_ioctl(h->fd, XS_GNTDEV_REQ_DEALLOC, &arg);
}

int osdep_gntshr_share(struct xengntdev_handle *h, uint32_t domid,
                       uint32_t count, uint32_t *refs, int writable,
                       uint32_t notify_offset, evtchn_port_t notify_port,
                       void **addrp)
{
    size_t bytes = (size_t)count << XS_PAGE_SHIFT;
    struct xs_gnt_arg arg;
    xs_gntdev_alloc_t *a;
    uint32_t *ids;
    void *addr;
    int rc;

    rc = xs_gnt_arg_get(&arg, XS_GNTDEV_ALLOC_IDS_OFF, sizeof(*a), count,
                        sizeof(*ids));
    if (rc < 0)
        return rc;
    a = arg.p;
    ids = (uint32_t *)((char *)arg.p + XS_GNTDEV_ALLOC_IDS_OFF);
    a->domid = (uint16_t)domid;
    a->flags = writable ? XS_GNTDEV_ALLOC_WRITABLE : 0;
    a->count = count;
    xs_gntdev_alloc_point_ids(a, ids);

    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_GNTDEV_REQ_ALLOC, a));
    if (rc < 0) {
        xs_gnt_log(h, "gntshr", -rc, "ioctl ALLOC_GREF");
        goto out;
    }
    /* the pages are always ours to write; no grant to wait for */
    rc = map_slots(h, "gntshr", bytes, PROT_READ | PROT_WRITE, a->index, 0,
                   XS_GNTDEV_REQ_SHARE_NOTIFY, notify_offset, notify_port,
                   &addr);
    if (rc < 0) {
        dealloc(h, a->index, count);
        goto out;
    }
    memcpy(refs, ids, (size_t)count * sizeof(uint32_t));
    /* Release at unmap time: the mapping now holds the pages. */
    dealloc(h, a->index, count);
    *addrp = addr;
out:
    xs_gnt_arg_put(&arg);
    return rc;
}

int osdep_gntshr_unshare(struct xengntdev_handle *h, void *addr,
                         uint32_t count)
{
    (void)h;
    return xs_sys_munmap(addr, (size_t)count << XS_PAGE_SHIFT);
}
