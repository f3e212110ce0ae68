/*
 * family/privcmd-dm.c - device-model operations through privcmd
 * (privcmd.h): the kernel's DM_OP request where there is one (Linux >=
 * 4.11, FreeBSD), else the dm_op hypercall through privcmd with every
 * buffer bounced through locked memory (older Linux, NetBSD).  The
 * backend picks the transport; the API layer only sees 0 or -errno.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/dm_op.h>

#include "devicemodel_private.h"
#include "xs_internal.h"
#include "osdep/family/privcmd.h"
#include "privcmd-os.h"

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
    int which, fd = xs__privcmd_open(&which);

    /*
     * Only the fallback node (Linux's /proc/xen/privcmd): upstream
     * silently issues dm_op hypercalls through xencall, which also tries
     * that file; so do we.  A kernel that never has DM_OP (NetBSD) goes
     * by hypercall from the start.  Otherwise upstream probes DM_OP here
     * (one more ioctl per open); we find out at the first operation
     * instead: most failures prove the request exists, and only a "no
     * such request" answer needs the probe.
     */
    if (which > 0 || !XS_PC_DM_OP_REQUEST)
        set_mode(dmod, XS_DM_HYPERCALL);
    else
        set_mode(dmod, XS_DM_UNKNOWN);
    return fd;
}

/*
 * __HYPERVISOR_dm_op(domid, nr_bufs, bufs) through privcmd: Xen reads
 * the buffer list and every buffer from hypercall-safe memory, so all of
 * them are laid out in one locked block (list first, each buffer 8-byte
 * aligned after it) and copied back on success.  Kernels without DM_OP
 * (Linux < 4.11) predate the hypercall-buffer device, and the BSDs have
 * none, so locked anonymous memory is what upstream's xencall would use
 * there too.
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
        if (bufs[i].size) /* an empty buffer's pointer may be NULL */
            memcpy(block + off[i], bufs[i].ptr, bufs[i].size);
        set_xen_guest_handle(list[i].h, block + off[i]);
        list[i].size = bufs[i].size;
    }
    args[2] = (uint64_t)(uintptr_t)list;
    rc = xs__privcmd_hypercall(dmod->fd, __HYPERVISOR_dm_op, args, &result);
    /* the hypercall's own failure arrives as the ioctl's */
    if (rc == 0) {
        for (unsigned int i = 0; i < nr_bufs; i++)
            if (bufs[i].size)
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

    rc = xs__privcmd_dm_op(dmod->fd, domid, nr_bufs, bufs);
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
    if (mode != XS_DM_UNKNOWN || !xs__pc_dm_op_missing(rc))
        return rc;
    present = xs__privcmd_dm_op_probe(dmod->fd);
    if (present < 0)
        return present;
    if (present == XS_PC_DM_OP_PRESENT)
        set_mode(dmod, XS_DM_IOCTL);
    if (present != XS_PC_DM_OP_ABSENT)
        return rc;
    set_mode(dmod, XS_DM_HYPERCALL);
    return dm_op_hypercall(dmod, domid, nr_bufs, bufs);
}

int osdep_xendevicemodel_restrict(xendevicemodel_handle *dmod, domid_t domid)
{
    int mode = get_mode(dmod), rc;

    if (mode == XS_DM_HYPERCALL)
        return -EOPNOTSUPP;
    rc = xs__privcmd_restrict(dmod->fd, domid);
    if (rc == 0) {
        /* RESTRICT and DM_OP arrived together (Linux 4.11, FreeBSD). */
        if (mode == XS_DM_UNKNOWN)
            set_mode(dmod, XS_DM_IOCTL);
        return 0;
    }
    if (mode == XS_DM_UNKNOWN && xs__pc_dm_op_missing(rc)) {
        int present = xs__privcmd_dm_op_probe(dmod->fd);

        if (present < 0)
            return present;
        if (present == XS_PC_DM_OP_ABSENT) {
            /* Upstream would be in hypercall mode already: EOPNOTSUPP. */
            set_mode(dmod, XS_DM_HYPERCALL);
            return -EOPNOTSUPP;
        }
        if (present == XS_PC_DM_OP_PRESENT)
            set_mode(dmod, XS_DM_IOCTL);
    }
    return rc;
}
