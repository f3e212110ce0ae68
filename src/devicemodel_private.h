/*
 * devicemodel_private.h - the xendevicemodel handle and its back end.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_DEVICEMODEL_PRIVATE_H
#define XS_DEVICEMODEL_PRIVATE_H

#include <pthread.h>
#include <stddef.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xentoollog.h>

#include "handle.h"

/*
 * How DM ops reach Xen: the backend's choice, kept in the handle for it
 * (decided lazily, at the first operation, on Linux).
 */
enum xs_dm_mode {
    XS_DM_UNKNOWN = 0,      /* privcmd open, DM_OP support not known yet */
    XS_DM_IOCTL,            /* the kernel's DM_OP request works */
    XS_DM_HYPERCALL,        /* kernel lacks it: __HYPERVISOR_dm_op instead */
};

struct xendevicemodel_handle {
    XS_HANDLE_FIELDS            /* privcmd in fd; see handle.h */
    int mode;                   /* enum xs_dm_mode, accessed atomically */
    /*
     * The xencall handle (DM_OP fallback in hypercall mode, and the raw
     * hypercalls of devicemodel_mem.c), opened at first use under lock.
     * restricted (accessed atomically) is set by any restriction, so a
     * handle opened afterwards is never an unrestricted one.
     */
    pthread_mutex_t lock;
    xencall_handle *xcall;
    int restricted;
    /*
     * restrict_all found a transport it cannot narrow (accessed
     * atomically): every op is EPERM from then on.
     */
    int revoked;
};

/* One buffer of a DM op; bufs[0] is the struct xen_dm_op. */
struct xs_dm_buf {
    void *ptr;
    size_t size;
};

/* The most buffers one op has (the op and track_dirty_vram's bitmap). */
#define XS_DM_MAX_BUFS 2

/*
 * Open the device DM ops go through: the new descriptor, which the API
 * layer publishes into dmod->fd and closes.  The backend sets dmod->mode
 * for itself.
 */
int osdep_xendevicemodel_open(xendevicemodel_handle *dmod);
/*
 * One DM op of nr_bufs (<= XS_DM_MAX_BUFS) buffers: 0 or -errno.  The
 * backend picks the transport (the kernel's DM_OP request, or the dm_op
 * hypercall where the kernel lacks it) and copies results back.
 */
int osdep_xendevicemodel_op(xendevicemodel_handle *dmod, domid_t domid,
                            unsigned int nr_bufs, struct xs_dm_buf *bufs);
/*
 * Narrow the device to domid: 0 or -errno; -EOPNOTSUPP when the
 * transport cannot be narrowed (the hypercall path).
 */
int osdep_xendevicemodel_restrict(xendevicemodel_handle *dmod,
                                  domid_t domid);

/*
 * The handle's xencall handle (DM_OP fallback, and the memory, physdev
 * and HVM-param hypercalls of devicemodel_mem.c), opened on first use.
 * -EPERM once the handle is restricted: an xencall handle opened then
 * would be an unrestricted way around the restriction.
 */
int xs__dm_xcall(xendevicemodel_handle *dmod, xencall_handle **out);

/* HVMOP_set_param(domid, index, value) through xs__dm_xcall(). */
int xs__dm_set_hvm_param(xendevicemodel_handle *dmod, domid_t domid,
                         uint32_t index, uint64_t value);

#endif /* XS_DEVICEMODEL_PRIVATE_H */
