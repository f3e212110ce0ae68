/*
 * netbsd-xen-uapi.h - NetBSD's Xen device interfaces as libxenstable's
 * NetBSD backend uses them: paths, ioctl request numbers and argument
 * structures of /kern/xen/privcmd (which also carries the grant requests)
 * and /dev/xenevt.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Our own declarations, written from the facts in the project's
 * reference (bsd-xen-interfaces.md, section 1.2) and checked against
 * NetBSD's sys/arch/xen/include/xenio.h 1.12 and xenio3.h (upstream Xen's
 * tools/include/xen-sys/NetBSD copies are stale: no V2, resource or grant
 * requests).  Request numbers use the 4.4BSD encoding of
 * ../bsd-ioccom.h, never the host's _IOW.  Fixed-width members, the
 * kernel's LP64 layouts (amd64 and arm64 agree); "unsigned long",
 * ssize_t and pointer members are 64-bit integers here, so a backend
 * stores pointers as (uint64_t)(uintptr_t)p.  The structures NetBSD
 * shares with FreeBSD are in ../bsd-privcmd-uapi.h; asserted, and
 * compared with the reference's numbers by tests/osdep-constants.
 */
#ifndef XS_OSDEP_NETBSD_XEN_UAPI_H
#define XS_OSDEP_NETBSD_XEN_UAPI_H

#include <stddef.h>
#include <stdint.h>

#include "osdep/bsd-evtchn-uapi.h"
#include "osdep/bsd-ioccom.h"
#include "osdep/bsd-privcmd-uapi.h"

/*
 * Both exist only in a privileged domain (dom0): privcmd is a kernfs
 * file created when xendomain_is_privileged(), and xenevt attaches only
 * there (and, on a non-XENPV kernel, only in a PVH dom0).  /kern must be
 * mounted (kernfs).  There is no gntdev device: grants go through privcmd.
 */
#define XS_NETBSD_PRIVCMD_DEV "/kern/xen/privcmd"
#define XS_NETBSD_EVTCHN_DEV  "/dev/xenevt"

/* ------------------------------------------------------------------ */
/* privcmd ('P')                                                       */

/* HYPERCALL takes struct xs_bsd_privcmd_hypercall (../bsd-privcmd-uapi.h):
 * op >= 128 is EINVAL; a negative Xen result becomes the ioctl's errno,
 * translated by privcmd_xen2bsd_errno. */
#define XS_NETBSD_PRIVCMD_HYPERCALL_MAX_OP 128

/* Legacy requests, XENPV kernels only (EINVAL on a PVH dom0): declared
 * so the constants test covers them; no backend sends them. */
struct xs_netbsd_privcmd_mmap {
    int32_t num;
    uint16_t dom;
    uint16_t pad0;
    uint64_t entry; /* privcmd_mmap_entry_t * */
};

struct xs_netbsd_privcmd_mmapbatch {
    int32_t num;
    uint16_t dom;
    uint16_t pad0;
    uint64_t addr;
    uint64_t arr; /* unsigned long * */
};

/*
 * MMAPBATCH_V2 takes struct xs_bsd_privcmd_mmapbatch: the caller maps the
 * range first (an anonymous mapping whose protection the new one
 * inherits); the kernel replaces it (UVM_FLAG_FIXED|UVM_FLAG_UNMAP).
 * err[] receives Xen's own negative values (Linux numbering,
 * untranslated).  num == 0 is EINVAL.
 *
 * MMAP_RESOURCE takes struct xs_bsd_privcmd_mmap_resource, with the same
 * anonymous-mapping-first rule.  num == 0 is EINVAL: NetBSD cannot answer
 * a resource's size.
 */

/*
 * Unmap notification, embedded in both grant requests and run when the
 * mapping goes away (munmap): SEND_EVENT first, then CLEAR_BYTE.  The
 * kernel rejects offset > count, comparing a BYTE offset with a PAGE
 * count, so CLEAR_BYTE beyond byte `count` is EINVAL (an apparent bug).
 */
struct xs_netbsd_gntdev_grant_notify {
    int64_t offset;  /* ssize_t */
    uint32_t action; /* XS_BSD_UNMAP_NOTIFY_* */
    uint32_t event_channel_port;
};

/* GNTDEV_MMAP_GRANT_REF: maps at va (caller's mapping first, replaced);
 * refs by pointer; no unmap request (munmap) and no get-offset. */
struct xs_netbsd_gntdev_mmap_grant_ref {
    uint32_t count;
    uint32_t pad0;
    uint64_t va; /* void * */
    struct xs_netbsd_gntdev_grant_notify notify;
    uint64_t refs; /* struct xs_bsd_grant_ref * */
};

/* GNTDEV_ALLOC_GRANT_REF: allocates, grants and maps at va; the grant
 * ids go to *gref_ids. */
struct xs_netbsd_gntdev_alloc_grant_ref {
    uint16_t domid;
    uint16_t flags; /* XS_BSD_GNT_ALLOC_FLAG_* */
    uint32_t count;
    uint64_t va; /* void * */
    struct xs_netbsd_gntdev_grant_notify notify;
    uint64_t gref_ids; /* uint32_t *, out */
};

#define XS_NETBSD_IOCTL_PRIVCMD_HYPERCALL \
    XS_BSD_IOWR('P', 0, struct xs_bsd_privcmd_hypercall)
#define XS_NETBSD_IOCTL_PRIVCMD_MMAP \
    XS_BSD_IOW('P', 2, struct xs_netbsd_privcmd_mmap)
#define XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH \
    XS_BSD_IOW('P', 3, struct xs_netbsd_privcmd_mmapbatch)
#define XS_NETBSD_IOCTL_PRIVCMD_MMAPBATCH_V2 \
    XS_BSD_IOW('P', 6, struct xs_bsd_privcmd_mmapbatch)
#define XS_NETBSD_IOCTL_PRIVCMD_MMAP_RESOURCE \
    XS_BSD_IOW('P', 7, struct xs_bsd_privcmd_mmap_resource)
#define XS_NETBSD_IOCTL_GNTDEV_MMAP_GRANT_REF \
    XS_BSD_IOW('P', 8, struct xs_netbsd_gntdev_mmap_grant_ref)
#define XS_NETBSD_IOCTL_GNTDEV_ALLOC_GRANT_REF \
    XS_BSD_IOW('P', 9, struct xs_netbsd_gntdev_alloc_grant_ref)
/* Any other privcmd request: EINVAL, the same answer as a bad argument,
 * so "not implemented" cannot be told apart.  No DM_OP, no RESTRICT, no
 * IRQFD/IOEVENTFD. */

/* ------------------------------------------------------------------ */
/* xenevt: the shared BSD interface of ../bsd-evtchn-uapi.h             */
/*
 * NetBSD's behaviour behind it (sys/arch/xen/xen/xenevt.c 1.65):
 *  - a cloning device: every open is a new instance;
 *  - unmask writes take uint16_t ports.  Writing uint32_t works only by
 *    accident on little-endian machines (the high half reads as port 0,
 *    never bound); an odd length overruns the kernel's buffer by one
 *    byte; 4096 ports or more at once are EMSGSIZE;
 *  - read(): uint32_t ports; EAGAIN when non-blocking and empty; EFBIG
 *    once the ring overflowed (2047 ports), until RESET;
 *  - bind errors are Xen's raw values, not translated to NetBSD's
 *    numbering (codes above 34 differ: Xen's ENOSYS 38 reads as
 *    NetBSD's ENOTSOCK);
 *  - UNBIND/NOTIFY of a port not bound on this descriptor: ENOTCONN (the
 *    locks are released, unlike FreeBSD); a port >= 4096: EINVAL;
 *  - any other request: EINVAL.
 * The 2-level event ABI: 4096 ports on LP64.
 */
typedef uint16_t xs_netbsd_evtchn_unmask_t;
#define XS_NETBSD_NR_EVENT_CHANNELS 4096

/* ------------------------------------------------------------------ */
/* The LP64 layouts of NetBSD's own structures.                         */

XS_BSD_LAYOUT(xs_netbsd_privcmd_mmap, entry, 8);
XS_BSD_SIZE(xs_netbsd_privcmd_mmap, 16);
XS_BSD_LAYOUT(xs_netbsd_privcmd_mmapbatch, addr, 8);
XS_BSD_LAYOUT(xs_netbsd_privcmd_mmapbatch, arr, 16);
XS_BSD_SIZE(xs_netbsd_privcmd_mmapbatch, 24);
XS_BSD_LAYOUT(xs_netbsd_gntdev_grant_notify, action, 8);
XS_BSD_LAYOUT(xs_netbsd_gntdev_grant_notify, event_channel_port, 12);
XS_BSD_SIZE(xs_netbsd_gntdev_grant_notify, 16);
XS_BSD_LAYOUT(xs_netbsd_gntdev_mmap_grant_ref, va, 8);
XS_BSD_LAYOUT(xs_netbsd_gntdev_mmap_grant_ref, notify, 16);
XS_BSD_LAYOUT(xs_netbsd_gntdev_mmap_grant_ref, refs, 32);
XS_BSD_SIZE(xs_netbsd_gntdev_mmap_grant_ref, 40);
XS_BSD_LAYOUT(xs_netbsd_gntdev_alloc_grant_ref, flags, 2);
XS_BSD_LAYOUT(xs_netbsd_gntdev_alloc_grant_ref, count, 4);
XS_BSD_LAYOUT(xs_netbsd_gntdev_alloc_grant_ref, va, 8);
XS_BSD_LAYOUT(xs_netbsd_gntdev_alloc_grant_ref, notify, 16);
XS_BSD_LAYOUT(xs_netbsd_gntdev_alloc_grant_ref, gref_ids, 32);
XS_BSD_SIZE(xs_netbsd_gntdev_alloc_grant_ref, 40);

#endif /* XS_OSDEP_NETBSD_XEN_UAPI_H */
