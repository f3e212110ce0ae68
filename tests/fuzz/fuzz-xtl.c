/*
 * fuzz-xtl.c - the stdio logger's formatting (src/xtl_stdio.c,
 * src/xtl_core.c) with every field from the fuzz input: creation flags
 * (including contradictory ones), minimum level, message levels in and
 * out of range, errno values, context and message text (always passed
 * as "%s" data, never as a format), progress percentages and counters.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xentoollog.h>
#include "fuzz_common.h"

static FILE *sink;

static void take_string(struct fuzz_input *in, char *dst, size_t max)
{
    size_t n = take_u8(in) % max;

    n = take_bytes(in, dst, n);
    dst[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    xentoollog_logger_stdiostream *lg;
    char context[64], msg[256];
    unsigned int flags;
    int levels;

    if (!sink)
        sink = fopen("/dev/null", "w");
    FUZZ_CHECK(sink != NULL);
    flags = take_u8(&in);
    errno = 0;
    lg = xtl_createlogger_stdiostream(sink,
                                      (xentoollog_level)(take_u8(&in) % 10),
                                      flags);
    if ((flags & XTL_STDIOSTREAM_PROGRESS_USE_CR) &&
        (flags & XTL_STDIOSTREAM_PROGRESS_NO_CR)) {
        FUZZ_CHECK(lg == NULL && errno == EINVAL);
        return 0;
    }
    FUZZ_CHECK(lg != NULL);
    (void)xtl_level_to_string((xentoollog_level)(int)take_u32(&in));

    for (int i = 0; in.left && i < 32; i++) {
        int saved;

        take_string(&in, context, sizeof(context));
        take_string(&in, msg, sizeof(msg));
        levels = (int8_t)take_u8(&in);
        saved = errno = (int)take_u32(&in) & 0xff;
        switch (take_u8(&in) % 4) {
        case 0:
            xtl_log((xentoollog_logger *)lg, (xentoollog_level)levels,
                    (int)take_u32(&in), context[0] ? context : NULL, "%s",
                    msg);
            break;
        case 1:
            xtl_progress((xentoollog_logger *)lg, context, msg,
                         take_u32(&in), take_u32(&in));
            break;
        case 2:
            xtl_stdiostream_set_minlevel(lg, (xentoollog_level)(levels & 15));
            break;
        case 3:
            xtl_stdiostream_adjust_flags(lg, take_u8(&in), take_u8(&in));
            break;
        }
        /* logging never changes errno */
        FUZZ_CHECK(errno == saved);
    }
    xtl_logger_destroy((xentoollog_logger *)lg);
    return 0;
}
