/*
 * xen/physdev.h - __HYPERVISOR_physdev_op in libxenstable's bundled Xen
 * public interface; only the PIRQ mapping operations that device models
 * use for pass-through.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_PHYSDEV_H__
#define __XEN_PUBLIC_PHYSDEV_H__

#include "xen.h"

/* What physdev_map_pirq.index names. */
#define MAP_PIRQ_TYPE_MSI        0x0
#define MAP_PIRQ_TYPE_GSI        0x1
#define MAP_PIRQ_TYPE_UNKNOWN    0x2
#define MAP_PIRQ_TYPE_MSI_SEG    0x3
#define MAP_PIRQ_TYPE_MULTI_MSI  0x4

#define PHYSDEVOP_map_pirq       13
#ifndef __ASSEMBLY__
struct physdev_map_pirq {
    domid_t domid;
    int type;                   /* MAP_PIRQ_TYPE_* */
    int index;                  /* GSI, or -1 for a new MSI */
    int pirq;                   /* in: wanted (or -1); out: allocated */
    int bus;                    /* MSI: segment << 16 | bus */
    int devfn;
    int entry_nr;               /* MSI-X entry, or number of MSI vectors */
    uint64_t table_base;        /* MSI-X table address */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_map_pirq_t);
#endif

#define PHYSDEVOP_unmap_pirq     14
#ifndef __ASSEMBLY__
struct physdev_unmap_pirq {
    domid_t domid;
    int pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_unmap_pirq_t);
#endif

#endif /* __XEN_PUBLIC_PHYSDEV_H__ */
