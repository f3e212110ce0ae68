/*
 * test-toollog.c - the stdio logger's output format and the xtl_* dispatch.
 * (Byte-identity with upstream's build is checked by tests/diff.)
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <xentoollog.h>
#include "xtl_private.h"

struct capture {
    char *buf;
    size_t len;
    FILE *f;
};

static void cap_open(struct capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

static const char *cap_text(struct capture *c)
{
    fflush(c->f);
    return c->buf;
}

static void cap_close(struct capture *c)
{
    fclose(c->f);
    free(c->buf);
}

static void test_message_format(void **state)
{
    struct capture c;
    xentoollog_logger_stdiostream *lg;

    (void)state;
    cap_open(&c);
    lg = xtl_createlogger_stdiostream(c.f, XTL_DEBUG, 0);
    assert_non_null(lg);

    xtl_log((xentoollog_logger *)lg, XTL_ERROR, ENOENT, "ctx", "failed %d", 7);
    xtl_log((xentoollog_logger *)lg, XTL_INFO, -1, NULL, "plain");
    xtl_log((xentoollog_logger *)lg, XTL_WARN, 0, "c", "zero errno");
    assert_string_equal(cap_text(&c),
        "ctx: error: failed 7: No such file or directory\n"
        "info: plain\n"
        "c: warning: zero errno: Success\n");

    xtl_logger_destroy((xentoollog_logger *)lg);
    cap_close(&c);
}

static void test_min_level(void **state)
{
    struct capture c;
    xentoollog_logger_stdiostream *lg;

    (void)state;
    cap_open(&c);
    lg = xtl_createlogger_stdiostream(c.f, XTL_WARN, 0);
    assert_non_null(lg);
    xtl_log((xentoollog_logger *)lg, XTL_INFO, -1, NULL, "dropped");
    xtl_log((xentoollog_logger *)lg, XTL_WARN, -1, NULL, "kept");
    xtl_stdiostream_set_minlevel(lg, XTL_DEBUG);
    xtl_log((xentoollog_logger *)lg, XTL_DEBUG, -1, NULL, "now kept");
    assert_string_equal(cap_text(&c), "warning: kept\ndebug: now kept\n");
    xtl_logger_destroy((xentoollog_logger *)lg);
    cap_close(&c);
}

static void test_show_pid(void **state)
{
    struct capture c;
    char want[64];
    xentoollog_logger_stdiostream *lg;

    (void)state;
    cap_open(&c);
    lg = xtl_createlogger_stdiostream(c.f, XTL_DEBUG, XTL_STDIOSTREAM_SHOW_PID);
    assert_non_null(lg);
    xtl_log((xentoollog_logger *)lg, XTL_NOTICE, -1, "x", "m");
    snprintf(want, sizeof(want), "[%lu] x: notice: m\n", (unsigned long)getpid());
    assert_string_equal(cap_text(&c), want);
    xtl_logger_destroy((xentoollog_logger *)lg);
    cap_close(&c);
}

static void test_show_date(void **state)
{
    struct capture c;
    const char *t;
    xentoollog_logger_stdiostream *lg;

    (void)state;
    setenv("TZ", "UTC", 1);
    cap_open(&c);
    lg = xtl_createlogger_stdiostream(c.f, XTL_DEBUG, XTL_STDIOSTREAM_SHOW_DATE);
    assert_non_null(lg);
    xtl_log((xentoollog_logger *)lg, XTL_NOTICE, -1, NULL, "m");
    t = cap_text(&c);
    /* "YYYY-MM-DD HH:MM:SS UTC notice: m\n" */
    assert_int_equal(strlen(t), strlen("2026-01-01 00:00:00 UTC notice: m\n"));
    assert_true(t[4] == '-' && t[7] == '-' && t[10] == ' ' &&
                t[13] == ':' && t[16] == ':');
    assert_string_equal(t + 19, " UTC notice: m\n");
    xtl_logger_destroy((xentoollog_logger *)lg);
    cap_close(&c);
}

static void test_both_cr_flags_einval(void **state)
{
    (void)state;
    errno = 0;
    assert_null(xtl_createlogger_stdiostream(stderr, XTL_DEBUG,
                XTL_STDIOSTREAM_PROGRESS_USE_CR | XTL_STDIOSTREAM_PROGRESS_NO_CR));
    assert_int_equal(errno, EINVAL);
}

static void test_progress_no_cr(void **state)
{
    struct capture c;
    xentoollog_logger *lg;

    (void)state;
    cap_open(&c);
    lg = (xentoollog_logger *)xtl_createlogger_stdiostream(c.f, XTL_DETAIL,
                                  XTL_STDIOSTREAM_PROGRESS_NO_CR);
    assert_non_null(lg);
    xtl_progress(lg, "ctx", "copy", 0, 100);   /* 0%: unchanged, nothing */
    xtl_progress(lg, "ctx", "copy", 3, 100);   /* +3: detail */
    xtl_progress(lg, "ctx", "copy", 3, 100);   /* same: nothing */
    xtl_progress(lg, "ctx", "copy", 50, 100);  /* +47: progress */
    xtl_progress(lg, NULL, "copy", 20, 100);   /* fell: progress */
    assert_string_equal(cap_text(&c),
        "ctx: detail: copy: 3/100    3%\n"
        "ctx: progress: copy: 50/100   50%\n"
        "progress: copy: 20/100   20%\n");
    xtl_logger_destroy(lg);
    cap_close(&c);
}

static void test_progress_levels_filtered(void **state)
{
    struct capture c;
    xentoollog_logger *lg;

    (void)state;
    cap_open(&c);
    lg = (xentoollog_logger *)xtl_createlogger_stdiostream(c.f, XTL_PROGRESS,
                                  XTL_STDIOSTREAM_PROGRESS_NO_CR);
    xtl_progress(lg, NULL, "w", 2, 100);       /* detail < progress: dropped */
    xtl_progress(lg, NULL, "w", 6, 100);       /* +6 from 0: shown */
    assert_string_equal(cap_text(&c), "progress: w: 6/100    6%\n");
    xtl_logger_destroy(lg);
    cap_close(&c);
}

static void test_progress_cr(void **state)
{
    struct capture c;
    xentoollog_logger *lg;

    (void)state;
    cap_open(&c);
    lg = (xentoollog_logger *)xtl_createlogger_stdiostream(c.f, XTL_DEBUG,
                                  XTL_STDIOSTREAM_PROGRESS_USE_CR);
    xtl_progress(lg, "ctx", "longer name", 10, 100);
    xtl_progress(lg, NULL, "w", 20, 100);
    xtl_log(lg, XTL_INFO, -1, NULL, "msg");
    xtl_logger_destroy(lg);
    /* first line, then \r + shorter line + padding, then an erase before
     * the message, and again at destroy */
    assert_string_equal(cap_text(&c),
        "ctx: longer name: 10/100   10%"
        "\r" "w: 20/100   20%" "               \r"
        "\r" "               " "\r" "info: msg\n"
        "\r" "               " "\r");
    cap_close(&c);
}

static void test_hide_progress(void **state)
{
    struct capture c;
    xentoollog_logger_stdiostream *lg;

    (void)state;
    cap_open(&c);
    lg = xtl_createlogger_stdiostream(c.f, XTL_DEBUG,
                                      XTL_STDIOSTREAM_PROGRESS_NO_CR);
    xtl_stdiostream_adjust_flags(lg, XTL_STDIOSTREAM_HIDE_PROGRESS, 0);
    xtl_progress((xentoollog_logger *)lg, NULL, "w", 50, 100);
    xtl_stdiostream_adjust_flags(lg, 0, XTL_STDIOSTREAM_HIDE_PROGRESS);
    xtl_progress((xentoollog_logger *)lg, NULL, "w", 60, 100);
    assert_string_equal(cap_text(&c), "progress: w: 60/100   60%\n");
    xtl_logger_destroy((xentoollog_logger *)lg);
    cap_close(&c);
}

/* A logger that records what xtl_progress computed. */
struct rec_logger {
    xentoollog_logger vtable;
    int percent, calls;
};

static void rec_vmessage(xentoollog_logger *l, xentoollog_level level,
                         int errnoval, const char *context,
                         const char *format, va_list al)
{
    (void)level; (void)context; (void)format; (void)al;
    ((struct rec_logger *)l)->calls++;
    errno = errnoval == 1 ? EBADF : EIO;   /* clobber errno on purpose */
}

static void rec_progress(xentoollog_logger *l, const char *context,
                         const char *doing_what, int percent,
                         unsigned long done, unsigned long total)
{
    (void)context; (void)doing_what; (void)done; (void)total;
    ((struct rec_logger *)l)->percent = percent;
}

static void rec_destroy(xentoollog_logger *l)
{
    (void)l;
}

static void test_progress_percent(void **state)
{
    struct rec_logger r = { { rec_vmessage, rec_progress, rec_destroy }, -1, 0 };

    (void)state;
    xtl_progress(&r.vtable, NULL, "x", 5, 0);
    assert_int_equal(r.percent, 0);
    xtl_progress(&r.vtable, NULL, "x", 1, 3);
    assert_int_equal(r.percent, 33);
    /* a total too large to multiply by 100: divided first */
    xtl_progress(&r.vtable, NULL, "x", (unsigned long)LONG_MAX,
                 (unsigned long)LONG_MAX * 2);
    assert_int_equal(r.percent, 49);
    /* upstream divides by zero here; we must not */
    xtl_progress(&r.vtable, NULL, "x", ULONG_MAX, ULONG_MAX);
    assert_int_equal(r.percent, 99);    /* divided by the rounded-up 1% */
    xtl_progress(&r.vtable, NULL, "x", 0, ULONG_MAX - 1);
    assert_int_equal(r.percent, 0);
    /* a NULL progress callback is allowed */
    r.vtable.progress = NULL;
    xtl_progress(&r.vtable, NULL, "x", 1, 2);
}

static void test_logv_preserves_errno(void **state)
{
    struct rec_logger r = { { rec_vmessage, rec_progress, rec_destroy }, 0, 0 };

    (void)state;
    errno = ENOSPC;
    xtl_log(&r.vtable, XTL_ERROR, 1, NULL, "m");
    assert_int_equal(r.calls, 1);
    assert_int_equal(errno, ENOSPC);
    /* out-of-range levels are dropped, not fatal */
    xtl_log(&r.vtable, XTL_NONE, -1, NULL, "m");
    xtl_log(&r.vtable, XTL_NUM_LEVELS, -1, NULL, "m");
    assert_int_equal(r.calls, 1);
}

static void test_level_strings(void **state)
{
    static const char *const want[] = {
        "[BUG:XTL_NONE]", "debug", "verbose", "detail", "progress", "info",
        "notice", "warning", "error", "critical",
    };

    (void)state;
    for (int i = 0; i < XTL_NUM_LEVELS; i++)
        assert_string_equal(xtl_level_to_string((xentoollog_level)i), want[i]);
    assert_non_null(xtl_level_to_string(XTL_NUM_LEVELS));
    assert_non_null(xtl_level_to_string((xentoollog_level)-1));
}

static void test_destroy_null_and_default(void **state)
{
    xentoollog_logger *d = xs__default_logger();

    (void)state;
    xtl_logger_destroy(NULL);
    /* the shared default logger survives a destroy */
    assert_ptr_equal(xs__logger_or_default(NULL), d);
    xtl_logger_destroy(d);
    assert_ptr_equal(((struct xentoollog_logger_stdiostream *)d)->f, stderr);
    assert_int_equal(((struct xentoollog_logger_stdiostream *)d)->min_level,
                     XTL_PROGRESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_format),
        cmocka_unit_test(test_min_level),
        cmocka_unit_test(test_show_pid),
        cmocka_unit_test(test_show_date),
        cmocka_unit_test(test_both_cr_flags_einval),
        cmocka_unit_test(test_progress_no_cr),
        cmocka_unit_test(test_progress_levels_filtered),
        cmocka_unit_test(test_progress_cr),
        cmocka_unit_test(test_hide_progress),
        cmocka_unit_test(test_progress_percent),
        cmocka_unit_test(test_logv_preserves_errno),
        cmocka_unit_test(test_level_strings),
        cmocka_unit_test(test_destroy_null_and_default),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
