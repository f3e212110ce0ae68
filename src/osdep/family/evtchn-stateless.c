/*
 * evtchn-stateless.c - the per-handle state of an event-channel backend
 * that keeps none (Linux: the kernel knows a descriptor's ports; none:
 * there is no kernel).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include "evtchn_private.h"

int osdep_evtchn_init(xenevtchn_handle *xce)
{
    (void)xce;
    return 0;
}

void osdep_evtchn_fini(xenevtchn_handle *xce)
{
    (void)xce;
}
