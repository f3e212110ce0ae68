/*
 * manage.c - libxenmanage (Xen >= 4.21): domain state through the
 * stable XEN_DOMCTL_get_domain_state on an internal xencall handle.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * On older hypervisors the domctl does not exist, and Xen rejects the
 * call before looking at the sub-operation: the interface_version field
 * carries the sub-operation's own version (0), which never equals an
 * old Xen's XEN_DOMCTL_INTERFACE_VERSION, so the hypercall fails with
 * EACCES (verified on Xen 4.17 by tests/vm/progs/manage.c).  That is
 * what upstream's library reports there too; we pass it through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xencall.h>
#include <xenmanage.h>
#include <xentoollog.h>
#include <xen/xen.h>
#include <xen/domctl.h>

#include "xs_internal.h"
#include "xcall_user.h"

struct xenmanage_handle {
    XS_XCALL_USER_FIELDS        /* see xcall_user.h */
};

XS_API xenmanage_handle *xenmanage_open(xentoollog_logger *logger,
                                        unsigned int open_flags)
{
    if (open_flags) {               /* no flags are defined */
        errno = EINVAL;
        return NULL;
    }
    return xs__xcall_user_open(sizeof(xenmanage_handle), logger);
}

XS_API int xenmanage_close(xenmanage_handle *h)
{
    return xs__xcall_user_close(h);
}

static unsigned int map_bits(unsigned int v, const unsigned int (*m)[2],
                             size_t n)
{
    unsigned int out = 0;

    for (size_t i = 0; i < n; i++)
        if (v & m[i][0])
            out |= m[i][1];
    return out;
}

static const unsigned int state_map[][2] = {
    { XEN_DOMCTL_GETDOMSTATE_STATE_EXIST, XENMANAGE_GETDOMSTATE_STATE_EXIST },
    { XEN_DOMCTL_GETDOMSTATE_STATE_SHUTDOWN, XENMANAGE_GETDOMSTATE_STATE_SHUTDOWN },
    { XEN_DOMCTL_GETDOMSTATE_STATE_DYING, XENMANAGE_GETDOMSTATE_STATE_DYING },
    { XEN_DOMCTL_GETDOMSTATE_STATE_DEAD, XENMANAGE_GETDOMSTATE_STATE_DEAD },
};
static const unsigned int caps_map[][2] = {
    { XEN_DOMCTL_GETDOMSTATE_CAP_CONTROL, XENMANAGE_GETDOMSTATE_CAP_CONTROL },
    { XEN_DOMCTL_GETDOMSTATE_CAP_HARDWARE, XENMANAGE_GETDOMSTATE_CAP_HARDWARE },
    { XEN_DOMCTL_GETDOMSTATE_CAP_XENSTORE, XENMANAGE_GETDOMSTATE_CAP_XENSTORE },
};

static int get_state(xenmanage_handle *h, unsigned int domid_in,
                     unsigned int *domid_out, unsigned int *state,
                     unsigned int *caps, uint64_t *unique_id)
{
    struct xen_domctl d;
    const struct xen_domctl_get_domain_state *st = &d.u.get_domain_state;
    int rc;

    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_get_domain_state;
    d.interface_version = XEN_DOMCTL_GETDOMSTATE_VERS_MAX;
    d.domain = (domid_t)domid_in;
    rc = xs__xencall_bounce(h->xcall, __HYPERVISOR_domctl, NULL, &d,
                            sizeof(d));
    if (rc < 0)
        return rc;
    if (domid_out)
        *domid_out = d.domain;
    if (state)
        *state = map_bits(st->state, state_map, XS_ARRAY_SIZE(state_map));
    if (caps)
        *caps = map_bits(st->caps, caps_map, XS_ARRAY_SIZE(caps_map));
    if (unique_id)
        *unique_id = st->unique_id;
    return 0;
}

XS_API int xenmanage_get_domain_info(xenmanage_handle *h, unsigned int domid,
                                     unsigned int *state, unsigned int *caps,
                                     uint64_t *unique_id)
{
    if (!h || domid >= DOMID_FIRST_RESERVED)
        return xs__ret(-EINVAL);
    return xs__ret(get_state(h, domid, NULL, state, caps, unique_id));
}

XS_API int xenmanage_poll_changed_domain(xenmanage_handle *h,
                                         unsigned int *domid,
                                         unsigned int *state,
                                         unsigned int *caps,
                                         uint64_t *unique_id)
{
    if (!h || !domid)
        return xs__ret(-EINVAL);
    return xs__ret(get_state(h, DOMID_INVALID, domid, state, caps,
                             unique_id));
}
