/*
 * gnttab.c - grants on NetBSD, through privcmd's two grant requests
 * (/kern/xen/privcmd; NetBSD has no gntdev device).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Both requests map at an address the caller gives: we reserve the range
 * with an anonymous mapping, whose protection the kernel takes for the
 * grants, and the kernel replaces it with its own object.  The unmap
 * notification travels inside the request and runs when the last mapping
 * of the object goes, so unmapping and unsharing are a plain munmap().
 * The kernel maps a foreign grant when the page is first touched: a
 * grant Xen refuses makes that access fault, not the map call.
 *
 * Two kernel bugs stay visible (docs/ports.md): a CLEAR_BYTE
 * notification whose byte offset is larger than the mapping's PAGE count
 * is refused with EINVAL (privcmd.c compares the two), and an
 * allocation whose first grant fails reports success with a grant
 * reference nobody set.  Upstream's NetBSD bugs are not repeated: each
 * ref gets its own domid unless one domid serves them all, a failure
 * returns NULL (never MAP_FAILED), the caller's XENGNTTAB flags never
 * reach mmap(), and an unmap must name a whole mapping this handle made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/gnt-common.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"
#include "gnttab_private.h"

_Static_assert(XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE == XS_GNT_NOTIFY_CLEAR_BYTE &&
                   XS_BSD_UNMAP_NOTIFY_SEND_EVENT == XS_GNT_NOTIFY_SEND_EVENT,
               "NetBSD's notify actions");
_Static_assert(sizeof(struct xs_bsd_grant_ref) == XS_GNT_REF_PAIR_SIZE &&
                   offsetof(struct xs_bsd_grant_ref, ref) == 4,
               "NetBSD's {domid, ref} pairs");

static int open_privcmd(void)
{
    /* close-on-exec for both sides (upstream's gntshr forgets it) */
    return xs_sys_open(XS_NETBSD_PRIVCMD_DEV, O_RDWR | O_CLOEXEC);
}

int osdep_gnttab_open(struct xengntdev_handle *h)
{
    (void)h;
    return open_privcmd();
}

int osdep_gntshr_open(struct xengntdev_handle *h)
{
    (void)h;
    return open_privcmd();
}

static struct xs_netbsd_gntdev_grant_notify
notify_of(uint32_t notify_offset, size_t bytes, evtchn_port_t notify_port)
{
    struct xs_netbsd_gntdev_grant_notify n = { 0 };

    n.action = xs_gnt_notify_actions(notify_offset, bytes, notify_port);
    if (n.action & XS_GNT_NOTIFY_CLEAR_BYTE)
        n.offset = notify_offset;
    if (n.action & XS_GNT_NOTIFY_SEND_EVENT)
        n.event_channel_port = notify_port;
    return n;
}

/* The range the kernel will replace, with the grants' protection. */
static int reserve(size_t bytes, int prot, void **addr)
{
    return xs_sys_mmap(NULL, bytes, prot, MAP_ANON | MAP_SHARED, -1, 0, addr);
}

int osdep_gnttab_grant_map(struct xengntdev_handle *h, uint32_t count,
                           const uint32_t *domids, uint32_t domids_stride,
                           const uint32_t *refs, int prot,
                           uint32_t notify_offset, evtchn_port_t notify_port,
                           void **addrp, uint64_t *cookie)
{
    size_t bytes = (size_t)count << XS_PAGE_SHIFT;
    struct xs_netbsd_gntdev_mmap_grant_ref map = { .count = count };
    struct xs_bsd_grant_ref *r;
    struct xs_gnt_arg arg;
    void *addr;
    int rc;

    rc = xs_gnt_arg_get(&arg, 0, 0, count, sizeof(*r));
    if (rc < 0)
        return rc;
    r = arg.p;
    xs_gnt_put_refs(r, count, domids, domids_stride, refs);
    rc = reserve(bytes, prot, &addr);
    if (rc < 0) {
        xs_gnt_log(h, "gnttab", -rc, "mmap of the grants' range");
        goto out;
    }
    map.va = (uint64_t)(uintptr_t)addr;
    map.notify = notify_of(notify_offset, bytes, notify_port);
    map.refs = (uint64_t)(uintptr_t)r;
    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF,
                                &map));
    if (rc < 0) {
        xs_gnt_log(h, "gnttab", -rc, "ioctl GNTDEV_MMAP_GRANT_REF");
        xs_sys_munmap(addr, bytes);
        goto out;
    }
    *addrp = addr;
    *cookie = 0; /* nothing to give back but the mapping */
out:
    xs_gnt_arg_put(&arg);
    return rc;
}

/*
 * Only a mapping this handle recorded (cookie set, its page count
 * checked by the API layer): munmap() of anything else would take away
 * whatever lies there, and NetBSD has no request that could tell.
 */
int osdep_gnttab_unmap(struct xengntdev_handle *h, void *addr, uint32_t count,
                       const uint64_t *cookie, int *unmapped)
{
    int rc;

    (void)h;
    if (!cookie)
        return -EINVAL;
    rc = xs_sys_munmap(addr, (size_t)count << XS_PAGE_SHIFT);
    if (rc == 0)
        *unmapped = 1;
    return rc;
}

int osdep_gntshr_share(struct xengntdev_handle *h, uint32_t domid,
                       uint32_t count, uint32_t *refs, int writable,
                       uint32_t notify_offset, evtchn_port_t notify_port,
                       void **addrp)
{
    size_t bytes = (size_t)count << XS_PAGE_SHIFT;
    struct xs_netbsd_gntdev_alloc_grant_ref a = {
        .domid = (uint16_t)domid,
        .flags = writable ? XS_BSD_GNT_ALLOC_FLAG_WRITABLE : 0,
        .count = count,
    };
    struct xs_gnt_arg arg;
    void *addr;
    int rc;

    /* our own buffer: the caller's refs change only on success */
    rc = xs_gnt_arg_get(&arg, 0, 0, count, sizeof(uint32_t));
    if (rc < 0)
        return rc;
    rc = reserve(bytes, PROT_READ | PROT_WRITE, &addr);
    if (rc < 0) {
        xs_gnt_log(h, "gntshr", -rc, "mmap of the shared range");
        goto out;
    }
    a.va = (uint64_t)(uintptr_t)addr;
    a.notify = notify_of(notify_offset, bytes, notify_port);
    a.gref_ids = (uint64_t)(uintptr_t)arg.p;
    rc = xs_sys_rc(xs_sys_ioctl(h->fd, XS_NETBSD_IOCTL_GNTDEV_ALLOC_GRANT_REF,
                                &a));
    if (rc < 0) {
        xs_gnt_log(h, "gntshr", -rc, "ioctl GNTDEV_ALLOC_GRANT_REF");
        xs_sys_munmap(addr, bytes);
        goto out;
    }
    memcpy(refs, arg.p, (size_t)count * sizeof(uint32_t));
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
