/*
 * fuzz_common.h - helpers shared by the libFuzzer targets in tests/fuzz.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * A target consumes its input as a stream of decisions (take_u8 and
 * friends); when the input runs out every decision answers 0, so every
 * input is a complete, deterministic run.  Invariants are checked with
 * FUZZ_CHECK, which aborts: libFuzzer reports that as a crash with the
 * input that caused it.
 */
#ifndef XS_FUZZ_COMMON_H
#define XS_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xentoollog.h>

#include "quiet_logger.h"

struct fuzz_input {
    const uint8_t *p;
    size_t left;
};

static inline uint8_t take_u8(struct fuzz_input *in)
{
    if (!in->left)
        return 0;
    in->left--;
    return *in->p++;
}

static inline uint32_t take_u32(struct fuzz_input *in)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++)
        v |= (uint32_t)take_u8(in) << (8 * i);
    return v;
}

/* Up to max bytes of the input, copied to dst; returns how many. */
static inline size_t take_bytes(struct fuzz_input *in, void *dst, size_t max)
{
    size_t n = in->left < max ? in->left : max;

    memcpy(dst, in->p, n);
    in->p += n;
    in->left -= n;
    return n;
}

#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,      \
                    __LINE__, #cond);                                       \
            abort();                                                        \
        }                                                                   \
    } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* XS_FUZZ_COMMON_H */
