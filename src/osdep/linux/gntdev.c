/*
 * gntdev.c - mapping other domains' grants through Linux's /dev/xen/gntdev.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * MAP_GRANT_REF reserves slots in the device and returns their index,
 * which is then the mmap() offset.  The index is the mapping's cookie:
 * the API layer records it, so that unmapping is munmap +
 * UNMAP_GRANT_REF without upstream's GET_OFFSET_FOR_VADDR round trip; an
 * address without a record still takes upstream's path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/linux/gnt_notify.h"
#include "gnttab_private.h"

#define GNTDEV_DEV "/dev/xen/gntdev"

/*
 * A grant the hypervisor must page in first makes mmap() fail with
 * EAGAIN.  Upstream retries forever; we give up after about five
 * seconds (each retry sleeps 1 ms) and report EAGAIN, so a grant that
 * never comes back cannot hang the caller.
 */
#define MAP_EAGAIN_RETRIES 5000
#define MAP_EAGAIN_SLEEP_US 1000

/* MAP_GRANT_REF arguments up to this size live on the stack. */
#define MAP_ARG_STACK_BYTES 1024

_Static_assert(sizeof(xengnttab_grant_copy_segment_t) == 24,
               "grant copy segments go to the kernel unchanged");
_Static_assert(offsetof(xengnttab_grant_copy_segment_t, status) == 20,
               "grant copy segments go to the kernel unchanged");

static void gt_log(struct xengntdev_handle *h, int err, const char *what)
{
    XS_PRESERVE_ERRNO(xtl_log(h->logger, XTL_ERROR, err, "gnttab",
                              "%s failed", what));
}

int xs__gnt_unmap_notify(int fd, unsigned long req, uint64_t index,
                         size_t bytes, uint32_t notify_offset,
                         evtchn_port_t notify_port)
{
    struct xs_ioctl_gntdev_unmap_notify notify = { .index = index };

    if (notify_offset < bytes) {
        notify.index += notify_offset;
        notify.action |= XS_UNMAP_NOTIFY_CLEAR_BYTE;
    }
    if (notify_port != XS_GNT_NO_NOTIFY) {
        notify.event_channel_port = notify_port;
        notify.action |= XS_UNMAP_NOTIFY_SEND_EVENT;
    }
    if (!notify.action)
        return 0;
    return xs_sys_rc(xs_sys_ioctl(fd, req, &notify));
}

int osdep_gnttab_open(struct xengntdev_handle *h)
{
    (void)h;
    return xs_sys_open(GNTDEV_DEV, O_RDWR | O_CLOEXEC);
}

int osdep_gnttab_set_max_grants(struct xengntdev_handle *h, uint32_t count)
{
    struct xs_ioctl_gntdev_set_max_grants arg = { .count = count };
    int rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_SET_MAX_GRANTS,
                                    &arg));

    /* Newer kernels dropped the ioctl and have no limit to set. */
    if (rc == -ENOTTY)
        return 0;
    if (rc < 0)
        gt_log(h, -rc, "ioctl SET_MAX_GRANTS");
    return rc < 0 ? rc : 0;
}

/* Give slots back to the device (on an error path: its result is moot). */
static void release_slots(struct xengntdev_handle *h, uint64_t index,
                          uint32_t count)
{
    struct xs_ioctl_gntdev_unmap_grant_ref arg = {
        .index = index, .count = count,
    };

    (void)xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_UNMAP_GRANT_REF, &arg);
}

static int mmap_slots(struct xengntdev_handle *h, size_t bytes, int prot,
                      uint64_t index, void **addr)
{
    for (int tries = 0; ; tries++) {
        int rc = xs_sys_mmap(NULL, bytes, prot, MAP_SHARED, h->fd,
                             (off_t)index, addr);

        if (rc != -EAGAIN || tries >= MAP_EAGAIN_RETRIES)
            return rc;
        xs_sys_usleep(MAP_EAGAIN_SLEEP_US);
    }
}

int osdep_gnttab_grant_map(struct xengntdev_handle *h, uint32_t count,
                           const uint32_t *domids, uint32_t domids_stride,
                           const uint32_t *refs, int prot,
                           uint32_t notify_offset, evtchn_port_t notify_port,
                           void **addrp, uint64_t *cookie)
{
    uint64_t stackbuf[MAP_ARG_STACK_BYTES / sizeof(uint64_t)];
    struct xs_ioctl_gntdev_map_grant_ref *map;
    size_t argsize, bytes = (size_t)count << XS_PAGE_SHIFT;
    void *addr;
    int rc = 0;

    /* Header plus count refs; the caller checked count * page size. */
    if (xs__mul_overflows(count, sizeof(map->refs[0]), &argsize)
        || __builtin_add_overflow(argsize, offsetof(struct
                                  xs_ioctl_gntdev_map_grant_ref, refs),
                                  &argsize))
        return -EINVAL;
    if (argsize <= sizeof(stackbuf)) {
        map = (void *)stackbuf;
    } else {
        map = malloc(argsize);
        if (!map)
            return -ENOMEM;
    }
    memset(map, 0, offsetof(struct xs_ioctl_gntdev_map_grant_ref, refs));
    map->count = count;
    for (uint32_t i = 0; i < count; i++) {
        map->refs[i].domid = domids[(size_t)i * domids_stride];
        map->refs[i].ref = refs[i];
    }

    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_MAP_GRANT_REF, map));
    if (rc < 0) {
        gt_log(h, -rc, "ioctl MAP_GRANT_REF");
        goto out;
    }

    rc = mmap_slots(h, bytes, prot, map->index, &addr);
    if (rc < 0) {
        gt_log(h, -rc, "mmap of granted pages");
        release_slots(h, map->index, count);
        goto out;
    }

    rc = xs__gnt_unmap_notify(h->fd, XS_IOCTL_GNTDEV_SET_UNMAP_NOTIFY,
                              map->index, bytes, notify_offset, notify_port);
    if (rc < 0) {
        gt_log(h, -rc, "ioctl SET_UNMAP_NOTIFY");
        xs_sys_munmap(addr, bytes);
        release_slots(h, map->index, count);
        goto out;
    }

    *addrp = addr;
    *cookie = map->index;
    rc = 0;
out:
    if (map != (void *)stackbuf)
        free(map);
    return rc;
}

int osdep_gnttab_unmap(struct xengntdev_handle *h, void *addr, uint32_t count,
                       const uint64_t *cookie, int *unmapped)
{
    struct xs_ioctl_gntdev_unmap_grant_ref unmap = { .count = count };
    size_t bytes = (size_t)count << XS_PAGE_SHIFT;
    int rc;

    if (cookie) {
        unmap.index = *cookie;
    } else {
        /* A mapping without a record: ask the kernel, as upstream. */
        struct xs_ioctl_gntdev_get_offset_for_vaddr q = {
            .vaddr = (uintptr_t)addr,
        };

        rc = xs_sys_rc(xs_sys_ioctl(h->fd,
                                    XS_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q));
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
    return xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_UNMAP_GRANT_REF,
                                  &unmap));
}

int osdep_gnttab_grant_copy(struct xengntdev_handle *h, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs)
{
    struct xs_ioctl_gntdev_grant_copy arg = {
        .count = count, .segments = segs,
    };

    int rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_GRANT_COPY, &arg));

    if (rc < 0) {
        gt_log(h, -rc, "ioctl GRANT_COPY");
        return rc;
    }
    return 0;
}

/*
 * dma-buf: the kernel's answer (including ENOTTY from a driver built
 * without dma-buf support) is passed on unchanged, as upstream does.
 */
int osdep_gnttab_dmabuf_exp_from_refs(struct xengntdev_handle *h,
                                      uint32_t domid, uint32_t flags,
                                      uint32_t count, const uint32_t *refs,
                                      uint32_t *fd)
{
    struct xs_ioctl_gntdev_dmabuf_exp_from_refs *arg;
    size_t size;
    int rc = 0;

    if (xs__mul_overflows(count, sizeof(uint32_t), &size)
        || __builtin_add_overflow(size, offsetof(struct
                                  xs_ioctl_gntdev_dmabuf_exp_from_refs, refs),
                                  &size))
        return -EINVAL;
    arg = calloc(1, size);
    if (!arg)
        return -ENOMEM;
    arg->flags = flags;
    arg->count = count;
    arg->domid = domid;
    memcpy(arg->refs, refs, (size_t)count * sizeof(uint32_t));
    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS,
                                arg));
    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_EXP_FROM_REFS");
    else
        *fd = arg->fd;
    free(arg);
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_dmabuf_exp_wait_released(struct xengntdev_handle *h,
                                          uint32_t fd, uint32_t wait_to_ms)
{
    struct xs_ioctl_gntdev_dmabuf_exp_wait_released arg = {
        .fd = fd, .wait_to_ms = wait_to_ms,
    };

    int rc = xs_sys_rc(xs_sys_ioctl(h->fd,
                                    XS_IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
                                    &arg));

    /* The buffer is already gone: that is what the caller waits for. */
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_EXP_WAIT_RELEASED");
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_dmabuf_imp_to_refs(struct xengntdev_handle *h, uint32_t domid,
                                    uint32_t fd, uint32_t count,
                                    uint32_t *refs)
{
    struct xs_ioctl_gntdev_dmabuf_imp_to_refs *arg;
    size_t size;
    int rc = 0;

    if (xs__mul_overflows(count, sizeof(uint32_t), &size)
        || __builtin_add_overflow(size, offsetof(struct
                                  xs_ioctl_gntdev_dmabuf_imp_to_refs, refs),
                                  &size))
        return -EINVAL;
    arg = calloc(1, size);          /* reserved must be 0 */
    if (!arg)
        return -ENOMEM;
    arg->fd = fd;
    arg->count = count;
    arg->domid = domid;
    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_DMABUF_IMP_TO_REFS,
                                arg));
    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_IMP_TO_REFS");
    else
        memcpy(refs, arg->refs, (size_t)count * sizeof(uint32_t));
    free(arg);
    return rc < 0 ? rc : 0;
}

int osdep_gnttab_dmabuf_imp_release(struct xengntdev_handle *h, uint32_t fd)
{
    struct xs_ioctl_gntdev_dmabuf_imp_release arg = { .fd = fd, .reserved = 0 };
    int rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_IOCTL_GNTDEV_DMABUF_IMP_RELEASE,
                                    &arg));

    if (rc < 0)
        gt_log(h, -rc, "ioctl DMABUF_IMP_RELEASE");
    return rc < 0 ? rc : 0;
}
