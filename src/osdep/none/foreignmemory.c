/*
 * osdep/none/foreignmemory.c - foreign mappings on an OS without Xen
 * drivers: every operation fails with EOPNOTSUPP, so the exported
 * symbol set is the same on every OS.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "xs_internal.h"
#include "foreignmemory_private.h"

int osdep_xenforeignmemory_open(xenforeignmemory_handle *fmem)
{
    (void)fmem;
    return -EOPNOTSUPP;
}

int osdep_xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
                               void *addr, int prot, int flags, size_t num,
                               const xen_pfn_t arr[], int err[], void **out)
{
    (void)fmem; (void)dom; (void)addr; (void)prot; (void)flags; (void)num;
    (void)arr; (void)err; (void)out;
    return -EOPNOTSUPP;
}

int osdep_xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr,
                                 size_t num)
{
    (void)fmem; (void)addr; (void)num;
    return -EOPNOTSUPP;
}

int osdep_xenforeignmemory_restrict(xenforeignmemory_handle *fmem,
                                    domid_t domid)
{
    (void)fmem; (void)domid;
    return -EOPNOTSUPP;
}

int osdep_xenforeignmemory_map_resource(xenforeignmemory_handle *fmem,
                                        xenforeignmemory_resource_handle *fres)
{
    (void)fmem; (void)fres;
    return -EOPNOTSUPP;
}

int osdep_xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
                                          xenforeignmemory_resource_handle *fres)
{
    (void)fmem; (void)fres;
    return -EOPNOTSUPP;
}
