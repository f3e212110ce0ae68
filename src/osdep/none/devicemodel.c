/*
 * none/devicemodel.c - no Xen drivers: every kernel operation answers
 * EOPNOTSUPP, so xendevicemodel_open() fails.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "devicemodel_private.h"

int osdep_xendevicemodel_open(xendevicemodel_handle *dmod)
{
    (void)dmod;
    return -EOPNOTSUPP;
}

int osdep_xendevicemodel_op(xendevicemodel_handle *dmod, domid_t domid,
                            unsigned int nr_bufs, struct xs_dm_buf *bufs)
{
    (void)dmod;
    (void)domid;
    (void)nr_bufs;
    (void)bufs;
    return -EOPNOTSUPP;
}

int osdep_xendevicemodel_restrict(xendevicemodel_handle *dmod,
                                  domid_t domid)
{
    (void)dmod;
    (void)domid;
    return -EOPNOTSUPP;
}
