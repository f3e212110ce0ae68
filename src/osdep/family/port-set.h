/*
 * port-set.h - a set of event-channel ports, one bit each.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The BSD event-channel backends remember which ports each handle bound,
 * so that they never name another descriptor's port to a kernel that
 * mishandles it (family/bsd-evtchn.c).  The set is allocated once, for
 * every port the OS can have, so that recording a port the kernel has
 * just bound can never fail: a failure there would leave a port bound
 * that the handle could no longer use.  Xen's largest port space (the
 * FIFO ABI, 2^17 ports) costs 16 KiB.  No locking: the caller's.
 */
#ifndef XS_OSDEP_FAMILY_PORT_SET_H
#define XS_OSDEP_FAMILY_PORT_SET_H

#include <limits.h>
#include <stdint.h>

struct xs_port_set {
    unsigned long *bits;
    uint32_t nr; /* ports 0 .. nr - 1 */
};

#define XS_PORT_SET_WORD_BITS (sizeof(unsigned long) * CHAR_BIT)

/* An empty set for ports below nr: 0 or -ENOMEM. */
int xs__port_set_init(struct xs_port_set *s, uint32_t nr);
void xs__port_set_fini(struct xs_port_set *s);

/* Callers check port < s->nr first. */
static inline int xs__port_set_has(const struct xs_port_set *s, uint32_t port)
{
    return (s->bits[port / XS_PORT_SET_WORD_BITS] >>
            (port % XS_PORT_SET_WORD_BITS)) &
           1;
}

static inline void xs__port_set_add(struct xs_port_set *s, uint32_t port)
{
    s->bits[port / XS_PORT_SET_WORD_BITS] |= 1UL
                                             << (port % XS_PORT_SET_WORD_BITS);
}

static inline void xs__port_set_del(struct xs_port_set *s, uint32_t port)
{
    s->bits[port / XS_PORT_SET_WORD_BITS] &=
        ~(1UL << (port % XS_PORT_SET_WORD_BITS));
}

#endif
