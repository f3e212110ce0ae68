/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * quiet_logger.h - a toollog logger that discards everything.
 *
 * Fault-injection, bad-input, thread and fuzz tests make the library log
 * thousands of expected errors; routing them here keeps the reports
 * readable while still exercising the library's logging calls.
 */
#ifndef XS_TEST_QUIET_LOGGER_H
#define XS_TEST_QUIET_LOGGER_H

#include <stdarg.h>
#include <xentoollog.h>

static void xs_quiet_vmessage(struct xentoollog_logger *lg,
                              xentoollog_level level, int errnoval,
                              const char *context, const char *format,
                              va_list al)
{
    (void)lg; (void)level; (void)errnoval; (void)context; (void)format;
    (void)al;
}

static void xs_quiet_progress(struct xentoollog_logger *lg,
                              const char *context, const char *doing_what,
                              int percent, unsigned long done,
                              unsigned long total)
{
    (void)lg; (void)context; (void)doing_what; (void)percent; (void)done;
    (void)total;
}

static void xs_quiet_destroy(struct xentoollog_logger *lg)
{
    (void)lg;
}

static xentoollog_logger xs_quiet_logger = {
    xs_quiet_vmessage, xs_quiet_progress, xs_quiet_destroy,
};

#endif
