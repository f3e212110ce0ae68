/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * vmtest.h - tiny TAP helpers for libxenstable's VM test programs.
 *
 * Every program in tests/vm/progs is built twice (against libxenstable and
 * against Debian's upstream libraries) and both transcripts are compared
 * by tests/vm/xsvm.py.  Output rules (see tests/vm/README.md):
 *
 *   ok N - name                   a passed check       (compared)
 *   not ok N - name # detail      a failed check       (compared)
 *   = free text                   a compared fact, e.g. "= xen 4.17"
 *   # free text                   a comment            (NOT compared)
 *   ...{value}...                 text inside braces is masked before the
 *                                 comparison: use it for fds, ports,
 *                                 addresses, timings (vt_v() helps)
 *   1..N                          the plan, printed by vt_done()
 *
 * Numbering is automatic (plan-less); vt_done() returns the exit status
 * (0 iff every check passed).
 */
#ifndef XSVM_VMTEST_H
#define XSVM_VMTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vt_n_, vt_failed_;

static inline void vt_init(void)
{
    /* one stream, line-buffered, so stdout/stderr/xtl output stay ordered */
    setvbuf(stdout, NULL, _IOLBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
}

/* A check: prints "ok N - name" or "not ok N - name # <detail>".  On
 * success the detail (if any) is printed as a "#" comment (not compared). */
__attribute__((format(printf, 3, 4)))
static inline int vt_ok(int cond, const char *name, const char *fmt, ...)
{
    char detail[512] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    ++vt_n_;
    if (cond) {
        printf("ok %d - %s\n", vt_n_, name);
        if (detail[0])
            printf("#   %s\n", detail);
    } else {
        ++vt_failed_;
        printf("not ok %d - %s%s%s\n", vt_n_, name, detail[0] ? " # " : "",
               detail);
    }
    return cond;
}

#define vt_pass(name) vt_ok(1, (name), NULL)
#define vt_fail(name, ...) vt_ok(0, (name), __VA_ARGS__)

/* "# ..." comment line, ignored by the comparison. */
__attribute__((format(printf, 1, 2)))
static inline void vt_note(const char *fmt, ...)
{
    va_list ap;
    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

/* "= ..." fact line, compared between ours and upstream. */
__attribute__((format(printf, 1, 2)))
static inline void vt_fact(const char *fmt, ...)
{
    va_list ap;
    fputs("= ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

/* Format a volatile value as "{...}" (masked in the comparison).  Uses a
 * small ring of static buffers so several can appear in one printf. */
__attribute__((format(printf, 1, 2)))
static inline const char *vt_v(const char *fmt, ...)
{
    static char ring[8][64];
    static unsigned idx;
    char *b = ring[idx++ % 8];
    va_list ap;
    b[0] = '{';
    va_start(ap, fmt);
    vsnprintf(b + 1, sizeof ring[0] - 2, fmt, ap);
    va_end(ap);
    strcat(b, "}");
    return b;
}

/* errno as a stable symbolic-ish string for compared output. */
static inline const char *vt_errno(int e)
{
    static char buf[8][48];
    static unsigned idx;
    char *b = buf[idx++ % 8];
    snprintf(b, sizeof buf[0], "errno=%d (%s)", e, strerror(e));
    return b;
}

/* Environment helpers for two-domain tests (set by the VM /init). */
static inline const char *vt_env(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/*
 * How long to wait for something that must happen (an event, a domain
 * going away): XSVM_TIMEOUT_MS, 30 s by default, the deadline
 * xsc_timeout_ms() gives the two-domain tests.  Long, because the VM is
 * emulated on a shared host and a short bound makes the outcome depend
 * on how busy the host is; only a failing check ever waits that long.
 */
static inline int vt_timeout_ms(void)
{
    const char *t = getenv("XSVM_TIMEOUT_MS");
    return t && *t ? atoi(t) : 30000;
}

/* Prints the summary and the plan; returns the exit status. */
static inline int vt_done(void)
{
    printf("# %d checks, %d failed\n", vt_n_, vt_failed_);
    printf("1..%d\n", vt_n_);
    fflush(stdout);
    return vt_failed_ ? 1 : 0;
}

#endif
