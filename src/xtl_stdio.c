/*
 * xtl_stdio.c - the stdio logger: messages and progress lines to a FILE.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The output format is byte-for-byte that of upstream's stdio logger,
 * because scripts and test suites parse it:
 *   [date ]["[pid] "]["context: "]"level: "message[": strerror"]\n
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xs_internal.h"
#include "xtl_private.h"

typedef struct xentoollog_logger_stdiostream stdio_logger;

/* Blank out a \r progress line so that a message starts on a clean line. */
static void progress_erase(stdio_logger *lg)
{
    if (lg->progress_erase_len)
        fprintf(lg->f, "\r%*s\r", lg->progress_erase_len, "");
}

static void print_date(stdio_logger *lg)
{
    struct tm tm;
    time_t now = time(NULL);

    if (!localtime_r(&now, &tm)) {
        fprintf(lg->f, "[localtime_r failed: %d] ", errno);
        return;
    }
    fprintf(lg->f, "%04d-%02d-%02d %02d:%02d:%02d %s ",
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
            tm.tm_hour, tm.tm_min, tm.tm_sec, tzname[!!tm.tm_isdst]);
}

static void stdio_vmessage(xentoollog_logger *logger, xentoollog_level level,
                           int errnoval, const char *context,
                           const char *format, va_list al)
{
    stdio_logger *lg = (stdio_logger *)logger;

    if (level < lg->min_level)
        return;

    progress_erase(lg);

    if (lg->flags & XTL_STDIOSTREAM_SHOW_DATE)
        print_date(lg);
    if (lg->flags & XTL_STDIOSTREAM_SHOW_PID)
        fprintf(lg->f, "[%lu] ", (unsigned long)getpid());
    if (context)
        fprintf(lg->f, "%s: ", context);
    fprintf(lg->f, "%s: ", xtl_level_to_string(level));
    vfprintf(lg->f, format, al);
    if (errnoval >= 0)
        fprintf(lg->f, ": %s", strerror(errnoval));
    putc('\n', lg->f);
    fflush(lg->f);
}

static void stdio_message(xentoollog_logger *logger, xentoollog_level level,
                          const char *context, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static void stdio_message(xentoollog_logger *logger, xentoollog_level level,
                          const char *context, const char *format, ...)
{
    va_list al;

    va_start(al, format);
    stdio_vmessage(logger, level, -1, context, format, al);
    va_end(al);
}

static void stdio_progress(xentoollog_logger *logger, const char *context,
                           const char *doing_what, int percent,
                           unsigned long done, unsigned long total)
{
    stdio_logger *lg = (stdio_logger *)logger;
    xentoollog_level level;
    int len, extra;

    if (lg->flags & XTL_STDIOSTREAM_HIDE_PROGRESS)
        return;

    /* Report a fall, or a rise of 5 points or more, at PROGRESS; smaller
     * rises at DETAIL; no change at all is not worth a line. */
    if (percent == lg->progress_last_percent)
        return;
    if (percent > lg->progress_last_percent &&
        percent < lg->progress_last_percent + 5)
        level = XTL_DETAIL;
    else
        level = XTL_PROGRESS;

    if (level < lg->min_level)
        return;

    lg->progress_last_percent = percent;

    if (lg->progress_use_cr < 0)
        lg->progress_use_cr = isatty(fileno(lg->f)) > 0;

    if (!lg->progress_use_cr) {
        stdio_message(logger, level, context, "%s: %lu/%lu  %3d%%",
                      doing_what, done, total, percent);
        return;
    }

    if (lg->progress_erase_len)
        putc('\r', lg->f);

    len = fprintf(lg->f, "%s%s%s: %lu/%lu  %3d%%%s",
                  context ? context : "", context ? ": " : "",
                  doing_what, done, total, percent,
                  done == total ? "\n" : "");

    /* Pad over the tail of a longer previous line. */
    extra = lg->progress_erase_len - len;
    if (extra > 0)
        fprintf(lg->f, "%*s\r", extra, "");

    lg->progress_erase_len = len;
    fflush(lg->f);
}

static void stdio_destroy(xentoollog_logger *logger)
{
    stdio_logger *lg = (stdio_logger *)logger;

    progress_erase(lg);
    free(lg);
}

static void stdio_init(stdio_logger *lg, FILE *f, xentoollog_level min_level,
                       unsigned flags)
{
    lg->vtable.vmessage = stdio_vmessage;
    lg->vtable.progress = stdio_progress;
    lg->vtable.destroy = stdio_destroy;
    lg->f = f;
    lg->min_level = min_level;
    lg->flags = flags;
    lg->progress_erase_len = 0;
    lg->progress_last_percent = 0;
    if (flags & XTL_STDIOSTREAM_PROGRESS_USE_CR)
        lg->progress_use_cr = 1;
    else if (flags & XTL_STDIOSTREAM_PROGRESS_NO_CR)
        lg->progress_use_cr = 0;
    else
        lg->progress_use_cr = -1;
}

XS_API xentoollog_logger_stdiostream *
xtl_createlogger_stdiostream(FILE *f, xentoollog_level min_level,
                             unsigned flags)
{
    stdio_logger *lg;

    if ((flags & XTL_STDIOSTREAM_PROGRESS_USE_CR) &&
        (flags & XTL_STDIOSTREAM_PROGRESS_NO_CR)) {
        errno = EINVAL;
        return NULL;
    }

    lg = malloc(sizeof(*lg));
    if (!lg)
        return NULL;    /* errno is ENOMEM */

    stdio_init(lg, f, min_level, flags);
    if (flags & XTL_STDIOSTREAM_SHOW_DATE)
        tzset();        /* so that tzname[] is filled in */
    return lg;
}

XS_API void xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *lg,
                                         xentoollog_level min_level)
{
    lg->min_level = min_level;
}

XS_API void xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *lg,
                                         unsigned set_flags,
                                         unsigned clear_flags)
{
    unsigned flags = (lg->flags & ~clear_flags) | set_flags;

    if (flags & XTL_STDIOSTREAM_HIDE_PROGRESS)
        progress_erase(lg);
    lg->flags = flags;
}

/* --- the shared default logger -------------------------------------- */

static void default_destroy(xentoollog_logger *logger)
{
    (void)logger;       /* static storage: nothing to free */
}

static stdio_logger default_stderr_logger = {
    .vtable = {
        .vmessage = stdio_vmessage,
        .progress = stdio_progress,
        .destroy = default_destroy,
    },
    .min_level = XTL_PROGRESS,
    .flags = 0,
    .progress_use_cr = -1,
};

xentoollog_logger *xs__default_logger(void)
{
    /*
     * stderr is not a constant expression, so it is filled in here; every
     * thread stores the same value, which is harmless.
     */
    __atomic_store_n(&default_stderr_logger.f, stderr, __ATOMIC_RELAXED);
    return &default_stderr_logger.vtable;
}
