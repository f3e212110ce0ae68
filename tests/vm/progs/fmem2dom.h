/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fmem2dom.h - what the two sides of fmem2dom agree on: the pattern the
 * guest writes into its pages and the replies dom0 writes back.
 */
#ifndef XSVM_FMEM2DOM_H
#define XSVM_FMEM2DOM_H

#include <stdint.h>
#include <string.h>

#include "vtarch.h"

#define FM2_PAGE        4096u
/* every RAM gfn of the guest is in [FM2_GUEST_FIRST, FM2_GUEST_END) */
#define FM2_GUEST_FIRST VT_GUEST_RAM_GFN
#define FM2_GUEST_END   VT_GUEST_END_GFN
#define FM2_REPLY_OFF   2048u
#define FM2_REPLY_MAP   "reply from dom0 through map"
#define FM2_REPLY_FIXED "reply from dom0 through map2 MAP_FIXED"

/* Byte i of page n (outside the header and the reply area). */
static inline uint8_t fm2_byte(unsigned n, unsigned i)
{
    return (uint8_t)(i * 13u + 5u + n * 101u);
}

static inline void fm2_fill(unsigned char *pg, unsigned n)
{
    for (unsigned i = 0; i < FM2_PAGE; i++)
        pg[i] = fm2_byte(n, i);
    memcpy(pg, n ? "fmem2dom page B" : "fmem2dom page A", 16);
    memset(pg + FM2_REPLY_OFF, 0, 64);
}

/* The pattern, ignoring the reply area. */
static inline int fm2_check(const unsigned char *pg, unsigned n)
{
    if (memcmp(pg, n ? "fmem2dom page B" : "fmem2dom page A", 16))
        return 0;
    for (unsigned i = 16; i < FM2_PAGE; i++) {
        if (i >= FM2_REPLY_OFF && i < FM2_REPLY_OFF + 64)
            continue;
        if (pg[i] != fm2_byte(n, i))
            return 0;
    }
    return 1;
}

#endif
