/*
 * linux/devicemodel.c - device-model operations through privcmd's
 * IOCTL_PRIVCMD_DM_OP (Linux >= 4.11).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>

#include "devicemodel_private.h"
#include "xs_internal.h"
#include "osdep/sys.h"
#include "toolcore_private.h"
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

    if (fd < 0) {
        /* No privcmd node: upstream silently uses the hypercall path. */
        if (fd == -ENOENT || fd == -ENXIO || fd == -ENODEV) {
            dmod->fd = -1;
            set_mode(dmod, XS_DM_HYPERCALL);
            return 0;
        }
        return fd;
    }
    xs__toolcore_publish_fd(&dmod->fd, fd);
    /*
     * Upstream probes DM_OP here (one more ioctl per open).  We find out
     * at the first operation instead: most failures prove the ioctl
     * exists, and only an ENOTTY/EINVAL answer needs the probe.
     */
    set_mode(dmod, XS_DM_UNKNOWN);
    return 0;
}

int osdep_xendevicemodel_close(xendevicemodel_handle *dmod)
{
    return xs__close_fd(&dmod->fd);
}

/*
 * An ENOTTY (or, from pre-4.x privcmd, EINVAL) answer may come from a
 * kernel without DM_OP or from Xen rejecting the operation.  Ask the
 * kernel with the empty call upstream probes with at open: a kernel
 * that has DM_OP accepts it (or says EPERM when restricted); only a
 * kernel without it answers ENOTTY/EINVAL again.  Returns 1 if present.
 */
static int dm_op_present(xendevicemodel_handle *dmod)
{
    struct xs_privcmd_dm_op probe = {
        .dom = DOMID_INVALID, .num = 0, .ubufs = NULL,
    };
    int64_t r = xs_sys_ioctl(dmod->fd, XS_IOCTL_PRIVCMD_DM_OP, &probe);

    return r >= 0 || (r != -ENOTTY && r != -EINVAL);
}

int osdep_xendevicemodel_op(xendevicemodel_handle *dmod, domid_t domid,
                            unsigned int nr_bufs, struct xs_dm_buf *bufs)
{
    struct xs_privcmd_dm_op_buf kbufs[2];
    struct xs_privcmd_dm_op op;
    int mode = get_mode(dmod), rc;

    if (mode == XS_DM_HYPERCALL)
        return XS_DM_USE_HYPERCALL;
    if (nr_bufs > XS_ARRAY_SIZE(kbufs))
        return -EINVAL;

    for (unsigned int i = 0; i < nr_bufs; i++) {
        kbufs[i].uptr = bufs[i].ptr;
        kbufs[i].size = bufs[i].size;
    }
    op.dom = domid;
    op.num = (uint16_t)nr_bufs;
    op.ubufs = kbufs;

    rc = xs_sys_rc(xs_sys_ioctl(dmod->fd, XS_IOCTL_PRIVCMD_DM_OP, &op));
    if (rc >= 0) {
        if (mode == XS_DM_UNKNOWN)
            set_mode(dmod, XS_DM_IOCTL);
        return 0;
    }
    if (mode == XS_DM_UNKNOWN && (rc == -ENOTTY || rc == -EINVAL)) {
        if (!dm_op_present(dmod)) {
            set_mode(dmod, XS_DM_HYPERCALL);
            return XS_DM_USE_HYPERCALL;
        }
    }
    if (mode == XS_DM_UNKNOWN)
        set_mode(dmod, XS_DM_IOCTL);
    return rc;
}

int osdep_xendevicemodel_restrict(xendevicemodel_handle *dmod,
                                  domid_t domid)
{
    domid_t arg = domid;
    int mode = get_mode(dmod), rc;

    if (mode == XS_DM_HYPERCALL)
        return -EOPNOTSUPP;
    rc = xs_sys_rc(xs_sys_ioctl(dmod->fd, XS_IOCTL_PRIVCMD_RESTRICT, &arg));
    if (rc >= 0) {
        /* RESTRICT and DM_OP arrived in the same kernel (4.11). */
        if (mode == XS_DM_UNKNOWN)
            set_mode(dmod, XS_DM_IOCTL);
        return 0;
    }
    if (mode == XS_DM_UNKNOWN && (rc == -ENOTTY || rc == -EINVAL) &&
        !dm_op_present(dmod)) {
        /* Upstream would be in hypercall mode already: EOPNOTSUPP. */
        set_mode(dmod, XS_DM_HYPERCALL);
        return -EOPNOTSUPP;
    }
    return rc;
}
