/*
 * gnttab_maps.c - which grant mappings a handle made, keyed by address.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Upstream asks the kernel (Linux: IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR) for
 * the cookie of a mapping at every unmap; remembering the cookie the
 * backend reported at map time saves that ioctl.  A handle rarely holds more than a few hundred mappings at once
 * (QEMU's map cache, a backend's rings), so a list is enough; the newest
 * mapping, the likeliest to be unmapped next, is found first.
 */
#include <stdlib.h>

#include "xs_internal.h"
#include "gnttab_private.h"

static int overlaps(const struct xs_gnt_mapping *m, void *addr, uint32_t count)
{
    uintptr_t lo = (uintptr_t)addr;
    uintptr_t hi = lo + ((uintptr_t)count << XS_PAGE_SHIFT);
    uintptr_t mlo = (uintptr_t)m->addr;
    uintptr_t mhi = mlo + ((uintptr_t)m->count << XS_PAGE_SHIFT);

    return lo < mhi && mlo < hi;
}

void xs__gntmap_insert(struct xengntdev_handle *h, struct xs_gnt_mapping *node,
                       void *addr, uint32_t count, uint64_t cookie)
{
    struct xs_gnt_mapping **pp, *stale = NULL;

    node->addr = addr;
    node->count = count;
    node->cookie = cookie;

    pthread_mutex_lock(&h->maps_lock);
    for (pp = &h->maps; *pp; ) {
        struct xs_gnt_mapping *m = *pp;

        if (overlaps(m, addr, count)) {
            *pp = m->next;
            m->next = stale;
            stale = m;
        } else {
            pp = &m->next;
        }
    }
    node->next = h->maps;
    h->maps = node;
    pthread_mutex_unlock(&h->maps_lock);

    while (stale) {
        struct xs_gnt_mapping *m = stale;

        stale = m->next;
        free(m);
    }
}

struct xs_gnt_mapping *xs__gntmap_take(struct xengntdev_handle *h,
                                       const void *addr)
{
    struct xs_gnt_mapping **pp, *m = NULL;

    pthread_mutex_lock(&h->maps_lock);
    for (pp = &h->maps; *pp; pp = &(*pp)->next) {
        if ((*pp)->addr == addr) {
            m = *pp;
            *pp = m->next;
            m->next = NULL;
            break;
        }
    }
    pthread_mutex_unlock(&h->maps_lock);
    return m;
}

void xs__gntmap_clear(struct xengntdev_handle *h)
{
    struct xs_gnt_mapping *m = h->maps;

    h->maps = NULL;
    while (m) {
        struct xs_gnt_mapping *next = m->next;

        free(m);
        m = next;
    }
}
