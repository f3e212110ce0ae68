/*
 * port-set.c - a set of event-channel ports (see port-set.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdlib.h>

#include "osdep/family/port-set.h"

int xs__port_set_init(struct xs_port_set *s, uint32_t nr)
{
    size_t words = (nr + XS_PORT_SET_WORD_BITS - 1) / XS_PORT_SET_WORD_BITS;

    s->bits = calloc(words ? words : 1, sizeof(*s->bits));
    if (!s->bits)
        return -ENOMEM;
    s->nr = nr;
    return 0;
}

void xs__port_set_fini(struct xs_port_set *s)
{
    free(s->bits);
    s->bits = NULL;
    s->nr = 0;
}
