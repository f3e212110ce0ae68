/*
 * xentoollog.h - toollog: the logging interface shared by the Xen tool
 * libraries (source-compatible with upstream Xen's libxentoollog).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * A logger is a small vtable.  Callers either use the stdio logger
 * created by xtl_createlogger_stdiostream() or embed a
 * struct xentoollog_logger as the first member of their own logger and
 * fill it in (XTL_NEW_LOGGER below does the boilerplate).
 */
#ifndef XENTOOLLOG_H
#define XENTOOLLOG_H

#include <stdio.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/*---------- common declarations and types ----------*/

typedef enum xentoollog_level {
    XTL_NONE,       /* sentinel; never a valid message level */
    XTL_DEBUG,
    XTL_VERBOSE,
    XTL_DETAIL,     /* more detail than a normal user wants */
    XTL_PROGRESS,   /* also used for progress messages */
    XTL_INFO,       /* interesting but not a problem */
    XTL_NOTICE,
    XTL_WARN,       /* something may be wrong */
    XTL_ERROR,      /* the operation failed */
    XTL_CRITICAL,   /* the caller's state may be damaged */
    XTL_NUM_LEVELS
} xentoollog_level;

typedef struct xentoollog_logger xentoollog_logger;
struct xentoollog_logger {
    /* errnoval is an errno value, or -1 when there is none */
    void (*vmessage)(struct xentoollog_logger *logger,
                     xentoollog_level level,
                     int errnoval,
                     const char *context,
                     const char *format,
                     va_list al);
    /* may be NULL: progress reports are then dropped */
    void (*progress)(struct xentoollog_logger *logger,
                     const char *context,
                     const char *doing_what,
                     int percent,
                     unsigned long done,
                     unsigned long total);
    void (*destroy)(struct xentoollog_logger *logger);
    /* caller-defined loggers may carry further members after this */
};

/*---------- facilities for consuming log messages ----------*/

#define XTL_STDIOSTREAM_SHOW_PID            001u
#define XTL_STDIOSTREAM_SHOW_DATE           002u
#define XTL_STDIOSTREAM_HIDE_PROGRESS       004u
#define XTL_STDIOSTREAM_PROGRESS_USE_CR     010u /* default is to */
#define XTL_STDIOSTREAM_PROGRESS_NO_CR      020u /* use CR iff tty */

typedef struct xentoollog_logger_stdiostream xentoollog_logger_stdiostream;

/*
 * Returns NULL with errno set on failure (EINVAL when both CR flags are
 * given, ENOMEM).  The stream is not closed when the logger is destroyed.
 */
xentoollog_logger_stdiostream *xtl_createlogger_stdiostream
        (FILE *f, xentoollog_level min_level, unsigned flags);

/* Messages below min_level are dropped. */
void xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *,
                                  xentoollog_level min_level);
/* new flags = (old & ~clear_flags) | set_flags */
void xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *,
                                  unsigned set_flags, unsigned clear_flags);

/* Destroys any kind of logger; NULL is accepted and ignored. */
void xtl_logger_destroy(struct xentoollog_logger *logger /* 0 is ok */);

/*---------- facilities for generating log messages ----------*/

/* errno is preserved across these calls. */
void xtl_logv(struct xentoollog_logger *logger,
              xentoollog_level level,
              int errnoval /* or -1 */,
              const char *context /* eg "xc", "xenstore", "xl", may be 0 */,
              const char *format /* does not contain \n */,
              va_list)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 0)))
#endif
    ;

void xtl_log(struct xentoollog_logger *logger,
             xentoollog_level level,
             int errnoval /* or -1 */,
             const char *context /* eg "xc", "xl", may be 0 */,
             const char *format /* does not contain \n */,
             ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

void xtl_progress(struct xentoollog_logger *logger,
                  const char *context /* see above */,
                  const char *doing_what /* no \r,\n */,
                  unsigned long done, unsigned long total);

/*---------- facilities for defining log message consumers ----------*/

const char *xtl_level_to_string(xentoollog_level); /* never fails */

/*
 * XTL_NEW_LOGGER(LOGGER, buffer) - allocate a logger of type
 * xentoollog_logger_LOGGER, initialised from the local variable
 * "buffer" (of that type, whose first member "vtable" is a struct
 * xentoollog_logger).  The vtable is filled from the functions
 * LOGGER_vmessage, LOGGER_progress and LOGGER_destroy.  Evaluates to the
 * new logger, or to NULL after logging a critical message through buffer
 * itself when memory is short.  Needs <stdlib.h>, <string.h>, <errno.h>
 * and a GNU C compiler (statement expressions), as upstream's does.
 */
#define XTL_NEW_LOGGER(LOGGER, buffer) ({                               \
    xentoollog_logger_##LOGGER *xtl_new_logger__;                       \
                                                                        \
    (buffer).vtable.vmessage = LOGGER##_vmessage;                       \
    (buffer).vtable.progress = LOGGER##_progress;                       \
    (buffer).vtable.destroy  = LOGGER##_destroy;                        \
                                                                        \
    xtl_new_logger__ = malloc(sizeof(*xtl_new_logger__));               \
    if (!xtl_new_logger__) {                                            \
        xtl_log((xentoollog_logger *)&(buffer), XTL_CRITICAL, errno,    \
                "xtl", "failed to allocate memory for logger");         \
    } else {                                                            \
        *xtl_new_logger__ = (buffer);                                   \
    }                                                                   \
    xtl_new_logger__;                                                   \
})

#ifdef __cplusplus
}
#endif

#endif /* XENTOOLLOG_H */
