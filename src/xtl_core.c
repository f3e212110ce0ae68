/*
 * xtl_core.c - toollog dispatch: the functions that send messages and
 * progress reports to any logger.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>

#include "xs_internal.h"
#include "xtl_private.h"

static const char *const level_names[XTL_NUM_LEVELS] = {
    [XTL_NONE]     = "[BUG:XTL_NONE]",
    [XTL_DEBUG]    = "debug",
    [XTL_VERBOSE]  = "verbose",
    [XTL_DETAIL]   = "detail",
    [XTL_PROGRESS] = "progress",
    [XTL_INFO]     = "info",
    [XTL_NOTICE]   = "notice",
    [XTL_WARN]     = "warning",
    [XTL_ERROR]    = "error",
    [XTL_CRITICAL] = "critical",
};

XS_API const char *xtl_level_to_string(xentoollog_level level)
{
    /*
     * Upstream asserts on an out-of-range level; a logging helper should
     * not be able to abort a device model, so answer a marker instead.
     */
    if ((unsigned)level >= XTL_NUM_LEVELS)
        return "[BUG:XTL_LEVEL_OUT_OF_RANGE]";
    return level_names[level];
}

XS_API void xtl_logv(struct xentoollog_logger *logger, xentoollog_level level,
                     int errnoval, const char *context, const char *format,
                     va_list al)
{
    int saved_errno = errno;

    /* An invalid level is a caller bug: drop it rather than abort. */
    if (level > XTL_NONE && level < XTL_NUM_LEVELS)
        logger->vmessage(logger, level, errnoval, context, format, al);
    errno = saved_errno;
}

XS_API void xtl_log(struct xentoollog_logger *logger, xentoollog_level level,
                    int errnoval, const char *context, const char *format, ...)
{
    va_list al;

    va_start(al, format);
    xtl_logv(logger, level, errnoval, context, format, al);
    va_end(al);
}

XS_API void xtl_progress(struct xentoollog_logger *logger, const char *context,
                         const char *doing_what, unsigned long done,
                         unsigned long total)
{
    int percent = 0, saved_errno = errno;

    if (!logger->progress)
        return;

    if (total) {
        /* done * 100 must not overflow; past that, divide first. */
        if (total < LONG_MAX / 100)
            percent = done * 100 / total;
        else
            /*
             * ceil(total / 100).  Upstream computes (total + 99) / 100,
             * which wraps to 0 (and divides by zero) for totals within 99
             * of ULONG_MAX; this gives the same value without wrapping.
             */
            percent = done / (total / 100 + (total % 100 != 0));
    }
    /*
     * Like xtl_logv, keep errno: the stdio logger's first progress line
     * asks isatty(), which sets ENOTTY on a file (found by fuzz-xtl).
     */
    logger->progress(logger, context, doing_what, percent, done, total);
    errno = saved_errno;
}

XS_API void xtl_logger_destroy(struct xentoollog_logger *logger)
{
    if (!logger)
        return;
    logger->destroy(logger);
}
