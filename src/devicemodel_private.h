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

#include "toolcore_private.h"

/* How DM ops reach Xen; decided lazily, at the first operation. */
enum xs_dm_mode {
    XS_DM_UNKNOWN = 0,      /* privcmd open, DM_OP support not known yet */
    XS_DM_IOCTL,            /* IOCTL_PRIVCMD_DM_OP works */
    XS_DM_HYPERCALL,        /* kernel lacks it: __HYPERVISOR_dm_op via xencall */
};

struct xendevicemodel_handle {
    Xentoolcore__Active_Handle tc_ah;
    xentoollog_logger *logger;
    int fd;                     /* privcmd, or -1 (hypercall mode) */
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
};

/* One buffer of a DM op; bufs[0] is the struct xen_dm_op. */
struct xs_dm_buf {
    void *ptr;
    size_t size;
};

/* Returned by osdep_xendevicemodel_op: "no DM_OP ioctl, use a hypercall". */
#define XS_DM_USE_HYPERCALL 1

/*
 * Open privcmd into dmod->fd.  When the kernel has no privcmd node the
 * back end sets fd -1 and mode XS_DM_HYPERCALL and returns 0.
 */
int osdep_xendevicemodel_open(xendevicemodel_handle *dmod);
int osdep_xendevicemodel_close(xendevicemodel_handle *dmod);
/* 0, -errno, or XS_DM_USE_HYPERCALL. */
int osdep_xendevicemodel_op(xendevicemodel_handle *dmod, domid_t domid,
                            unsigned int nr_bufs, struct xs_dm_buf *bufs);
/* -EOPNOTSUPP in hypercall mode. */
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
