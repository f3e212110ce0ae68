/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * A program written for upstream's API that touches every stable
 * interface and runs anywhere: without Xen each open fails cleanly with
 * errno set (ENOENT/EACCES/...), with Xen it succeeds and closes.  It
 * prints one line per call with no pointers or fds in it, so the same
 * binary's output on upstream's libraries and on ours can be compared
 * byte for byte (tests/dropin/check-dropin.py does that).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xentoollog.h>
#include <xentoolcore.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xencall.h>
#include <xenforeignmemory.h>
#include <xendevicemodel.h>
#include <xenhypfs.h>

/* Result of an open: "ok" or the errno's name-free number and text. */
static void report(const char *what, const void *h, int err)
{
    if (h)
        printf("%s: opened\n", what);
    else
        printf("%s: failed errno=%d (%s)\n", what, err, strerror(err));
}

#define TRY_OPEN(what, type, open, close) do {                \
        type *h_;                                              \
        errno = 0;                                             \
        h_ = open(logger, 0);                                  \
        report(what, h_, errno);                               \
        if (h_)                                                \
            close(h_);                                         \
    } while (0)

int main(void)
{
    /* Errors go nowhere near stdout: a silent logger, so only the
     * results above are compared. */
    xentoollog_logger_stdiostream *s =
        xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
    xentoollog_logger *logger = (xentoollog_logger *)s;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("xtl_level_to_string(XTL_ERROR) = %s\n",
           xtl_level_to_string(XTL_ERROR));
    TRY_OPEN("xenevtchn_open", xenevtchn_handle, xenevtchn_open,
             xenevtchn_close);
    TRY_OPEN("xengnttab_open", xengnttab_handle, xengnttab_open,
             xengnttab_close);
    TRY_OPEN("xengntshr_open", xengntshr_handle, xengntshr_open,
             xengntshr_close);
    TRY_OPEN("xencall_open", xencall_handle, xencall_open, xencall_close);
    TRY_OPEN("xenforeignmemory_open", xenforeignmemory_handle,
             xenforeignmemory_open, xenforeignmemory_close);
    TRY_OPEN("xendevicemodel_open", xendevicemodel_handle,
             xendevicemodel_open, xendevicemodel_close);
    TRY_OPEN("xenhypfs_open", xenhypfs_handle, xenhypfs_open, xenhypfs_close);
    printf("xentoolcore_restrict_all(0) = %d\n", xentoolcore_restrict_all(0));
    printf("close(NULL) = %d %d %d\n", xenevtchn_close(NULL),
           xengnttab_close(NULL), xencall_close(NULL));
    xtl_logger_destroy(logger);
    return 0;
}
