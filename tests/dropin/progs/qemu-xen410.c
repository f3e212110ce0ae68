/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The calls QEMU's build makes to decide "Xen >= 4.10" (interface
 * version 41000): map2 with its placement hint, and xentoolcore's
 * restrict-all that QEMU uses for -xen-domid-restrict.  Link-only, like
 * QEMU's probe.
 */
#undef XC_WANT_COMPAT_MAP_FOREIGN_API
#include <xenforeignmemory.h>
#include <xentoolcore.h>

int main(void)
{
    xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);

    xenforeignmemory_map2(fm, 0, NULL, 0, 0, 0, NULL, NULL);
    xentoolcore_restrict_all(0);
    return 0;
}
