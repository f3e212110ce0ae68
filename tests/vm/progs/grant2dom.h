/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * grant2dom.h - small helpers shared by gnttab2dom.c (dom0) and
 * gnttab2dom-peer.c (guest): page patterns, waiting for an event, the
 * session keys both sides exchange, and a logger that swallows the
 * libraries' messages (their wording differs between libxenstable and
 * upstream, and only results are compared).
 */
#ifndef XSVM_GRANT2DOM_H
#define XSVM_GRANT2DOM_H

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <xenevtchn.h>
#include <xentoollog.h>

#include "vmtest.h"
#include "xsclient.h"

#define PG 4096

/* Every byte of p[0..n) is v. */
static inline int g2_filled(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* Wait up to ms for an event on xce: the pending port, or -1 if none. */
static inline int g2_wait_port(xenevtchn_handle *xce, int ms)
{
    struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };

    if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
        return -1;
    return xenevtchn_pending(xce);
}

/* A logger that writes nowhere (see the file comment). */
static inline xentoollog_logger *g2_quiet_logger(void)
{
    return (xentoollog_logger *)xtl_createlogger_stdiostream(
        fopen("/dev/null", "w"), XTL_DEBUG, 0);
}

/* Parse up to n unsigned numbers separated by spaces; returns how many. */
static inline int g2_parse(const char *s, uint32_t *out, int n)
{
    int k = 0;

    while (k < n && *s) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);

        if (end == s)
            break;
        out[k++] = (uint32_t)v;
        s = end;
    }
    return k;
}

/* Milliseconds since the first call, for "#" timing notes (not compared). */
static inline long g2_ms(void)
{
    static struct timespec t0;
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    if (!t0.tv_sec && !t0.tv_nsec)
        t0 = t;
    return (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
}

/*
 * Wait for the other side's key; on a timeout the step fails and the
 * caller ends the program (the other side has gone wrong already, and
 * waiting for every later key would only multiply the timeout).
 */
static inline int g2_wait(const char *key, char *buf, size_t len)
{
    long t = g2_ms();
    int n = xsc_wait(xsc_key(key), buf, len, xsc_timeout_ms());
    int e = errno;

    vt_note("at %ld ms: waited %ld ms for '%s'", g2_ms(), g2_ms() - t, key);

    return vt_ok(n >= 0, key, "%s%s", n >= 0 ? "" : "waiting: ",
                 n >= 0 ? "" : vt_errno(e));
}

static inline void g2_say(const char *key, const char *value)
{
    if (xsc_write(xsc_key(key), value) < 0)
        vt_fail("xenstore write", "%s: %s", key, vt_errno(errno));
}

#endif
