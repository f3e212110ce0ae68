/*
 * linux/devicemodel.c - device-model operations through privcmd: the
 * IOCTL_PRIVCMD_DM_OP ioctl (Linux >= 4.11), or, where the kernel lacks
 * it, the dm_op hypercall through privcmd with every buffer bounced
 * through locked memory.  The backend picks the transport; the API
 * layer only sees 0 or -errno.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/dm_op.h>

#include "devicemodel_private.h"
#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "osdep/linux/privcmd.h"

static int get_mode(xendevicemodel_handle *dmod)
{
    return __atomic_load_n(&dmod->mode, __ATOMIC_ACQUIRE);
}

static void set_mode(xendevicemodel_handle *dmod, int mode)
{
    __atomic_store_n(&dmod->mode, mode, __ATOMIC_RELEASE);
}

int osdep_xendevicemodel_open(xendevicemodel_handle *dmod)
{
    int fd = xs_sys_open(PRIVCMD_DEV, O_RDWR | O_CLOEXEC);

    /*
     * No privcmd node: upstream silently issues dm_op hypercalls through
     * xencall, which also tries the /proc/xen file; so do we.
     */
    if (xs__privcmd_node_missing(fd)) {
        fd = xs_sys_open(PRIVCMD_PROC, O_RDWR | O_CLOEXEC);
        set_mode(dmod, XS_DM_HYPERCALL);
        return fd;
    }
    /*
     * Upstream probes DM_OP here (one more ioctl per open).  We find out
     * at the first operation instead: most failures prove the ioctl
     * exists, and only an ENOTTY/EINVAL answer needs the probe.
     */
    set_mode(dmod, XS_DM_UNKNOWN);
    return fd;
}

/*
 * An ENOTTY (or, from pre-4.x privcmd, EINVAL) answer may come from a
 * kernel without DM_OP or from Xen rejecting the operation.  Ask the
 * kernel with the empty call upstream probes with at open: a kernel
 * that has DM_OP accepts it, one without it answers ENOTTY/EINVAL
 * again.  PRESENT, ABSENT, or -errno when the probe itself failed
 * otherwise.  EPERM says "present, but restricted"; it is not kept
 * (RESTRICTED), so that no single answer decides the mode for good
 * unless it could only come from one kind of kernel.
 */
enum { ABSENT, PRESENT, RESTRICTED };

static int dm_op_present(xendevicemodel_handle *dmod)
{
    struct xs_privcmd_dm_op probe = {
        .dom = DOMID_INVALID, .num = 0, .ubufs = NULL,
    };
    int64_t r = xs_sys_ioctl(dmod->fd, XS_IOCTL_PRIVCMD_DM_OP, &probe);

    if (r >= 0)
        return PRESENT;
    if (r == -EPERM)
        return RESTRICTED;
    if (r == -ENOTTY || r == -EINVAL)
        return ABSENT;
    return (int)r;
}

/* The op through IOCTL_PRIVCMD_DM_OP: 0 or -errno. */
static int dm_op_ioctl(xendevicemodel_handle *dmod, domid_t domid,
                       unsigned int nr_bufs, struct xs_dm_buf *bufs)
{
    struct xs_privcmd_dm_op_buf kbufs[XS_DM_MAX_BUFS];
    struct xs_privcmd_dm_op op;

    for (unsigned int i = 0; i < nr_bufs; i++) {
        kbufs[i].uptr = bufs[i].ptr;
        kbufs[i].size = bufs[i].size;
    }
    op.dom = domid;
    op.num = (uint16_t)nr_bufs;
    op.ubufs = kbufs;
    return xs_sys_rc(xs_sys_ioctl(dmod->fd, XS_IOCTL_PRIVCMD_DM_OP, &op));
}

/*
 * __HYPERVISOR_dm_op(domid, nr_bufs, bufs) through privcmd: Xen reads
 * the buffer list and every buffer from hypercall-safe memory, so all of
 * them are laid out in one locked block (list first, each buffer 8-byte
 * aligned after it) and copied back on success.  Kernels without DM_OP
 * (< 4.11) predate the hypercall-buffer device, so locked anonymous
 * memory is what upstream's xencall would use there too.
 */
static int dm_op_hypercall(xendevicemodel_handle *dmod, domid_t domid,
                           unsigned int nr_bufs, struct xs_dm_buf *bufs)
{
    size_t off[XS_DM_MAX_BUFS], len = nr_bufs * sizeof(xen_dm_op_buf_t);
    uint64_t args[5] = { domid, nr_bufs, 0, 0, 0 };
    xen_dm_op_buf_t *list;
    unsigned char *block;
    long result;
    int rc;

    for (unsigned int i = 0; i < nr_bufs; i++) {
        len = (len + 7) & ~(size_t)7;
        off[i] = len;
        if (__builtin_add_overflow(len, bufs[i].size, &len))
            return -ENOMEM;
    }
    if (__builtin_add_overflow(len, XS_PAGE_SIZE - 1, &len))
        return -ENOMEM;
    len &= ~(XS_PAGE_SIZE - 1);
    rc = xs__locked_pages_alloc(len, (void **)&block);
    if (rc < 0)
        return rc;
    list = (xen_dm_op_buf_t *)block;
    for (unsigned int i = 0; i < nr_bufs; i++) {
        memcpy(block + off[i], bufs[i].ptr, bufs[i].size);
        set_xen_guest_handle(list[i].h, block + off[i]);
        list[i].size = bufs[i].size;
    }
    args[2] = (uint64_t)(uintptr_t)list;
    rc = xs__privcmd_hypercall(dmod->fd, __HYPERVISOR_dm_op, args, &result);
    /* the hypercall's own failure arrives as the ioctl's */
    if (rc == 0) {
        for (unsigned int i = 0; i < nr_bufs; i++)
            memcpy(bufs[i].ptr, block + off[i], bufs[i].size);
    }
    xs__locked_pages_free(block, len);
    return rc;
}

int osdep_xendevicemodel_op(xendevicemodel_handle *dmod, domid_t domid,
                            unsigned int nr_bufs, struct xs_dm_buf *bufs)
{
    int mode = get_mode(dmod), rc, present;

    if (nr_bufs > XS_DM_MAX_BUFS)
        return -EINVAL;
    if (mode == XS_DM_HYPERCALL)
        return dm_op_hypercall(dmod, domid, nr_bufs, bufs);

    rc = dm_op_ioctl(dmod, domid, nr_bufs, bufs);
    if (rc == 0) {
        if (mode == XS_DM_UNKNOWN)
            set_mode(dmod, XS_DM_IOCTL);
        return 0;
    }
    /*
     * Any other failure is the operation's; it proves nothing about the
     * kernel (a transient EINTR or EFAULT could come from either), so
     * the mode stays unknown until a success or a probe settles it.
     */
    if (mode != XS_DM_UNKNOWN || (rc != -ENOTTY && rc != -EINVAL))
        return rc;
    present = dm_op_present(dmod);
    if (present < 0)
        return present;
    if (present == PRESENT)
        set_mode(dmod, XS_DM_IOCTL);
    if (present != ABSENT)
        return rc;
    set_mode(dmod, XS_DM_HYPERCALL);
    return dm_op_hypercall(dmod, domid, nr_bufs, bufs);
}

int osdep_xendevicemodel_restrict(xendevicemodel_handle *dmod,
                                  domid_t domid)
{
    domid_t arg = domid;
    int mode = get_mode(dmod), rc;

    if (mode == XS_DM_HYPERCALL)
        return -EOPNOTSUPP;
    rc = xs_sys_rc(xs_sys_ioctl(dmod->fd, XS_IOCTL_PRIVCMD_RESTRICT, &arg));
    if (rc == 0) {
        /* RESTRICT and DM_OP arrived in the same kernel (4.11). */
        if (mode == XS_DM_UNKNOWN)
            set_mode(dmod, XS_DM_IOCTL);
        return 0;
    }
    if (mode == XS_DM_UNKNOWN && (rc == -ENOTTY || rc == -EINVAL)) {
        int present = dm_op_present(dmod);

        if (present < 0)
            return present;
        if (present == ABSENT) {
            /* Upstream would be in hypercall mode already: EOPNOTSUPP. */
            set_mode(dmod, XS_DM_HYPERCALL);
            return -EOPNOTSUPP;
        }
        if (present == PRESENT)
            set_mode(dmod, XS_DM_IOCTL);
    }
    return rc;
}
