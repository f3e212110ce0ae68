/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The calls QEMU's build makes to decide "Xen stable libraries >= 4.11"
 * (its xen-detect test for interface version 41100): the device-model
 * and foreign-memory handles, pinning cache attributes and mapping a
 * resource.  Only whether this compiles and links against the pkg-config
 * modules xendevicemodel + xenforeignmemory matters; like QEMU's probe it
 * is never run (the handles would be NULL without Xen).
 */
#undef XC_WANT_COMPAT_DEVICEMODEL_API
#define __XEN_TOOLS__
#include <xendevicemodel.h>
#include <xenforeignmemory.h>

int main(void)
{
    xendevicemodel_handle *dm = xendevicemodel_open(NULL, 0);
    xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);

    xendevicemodel_pin_memory_cacheattr(dm, 0, 0, 0, 0);
    xenforeignmemory_map_resource(fm, 0, 0, 0, 0, 0, NULL, 0, 0);
    return 0;
}
