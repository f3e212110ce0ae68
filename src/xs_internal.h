/*
 * xs_internal.h - conventions shared by every file of libxenstable.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Error convention: inside the library functions return 0 (or a
 * non-negative result) on success and -errno on failure.  Only the
 * exported entry points convert, once, to upstream's public convention
 * of -1 / NULL with errno set, using xs__ret() and xs__ret_ptr().
 *
 * Naming: exported functions keep upstream's names; internal functions
 * shared between files are prefixed xs__ (library core) or osdep_ (the
 * kernel backend under src/osdep/<os>/); file-local functions are static
 * and unprefixed.
 */
#ifndef XS_INTERNAL_H
#define XS_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Marks a definition that may be exported.  The build uses
 * -fvisibility=hidden and a version script: a function is exported only
 * when it is both marked XS_API and listed in symbols/libxenstable.map.
 */
#define XS_API __attribute__((visibility("default")))

#define XS_LIKELY(x)   __builtin_expect(!!(x), 1)
#define XS_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define XS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Xen's page size, which the kernel interfaces use for every count. */
#define XS_PAGE_SHIFT 12
#define XS_PAGE_SIZE  ((size_t)1 << XS_PAGE_SHIFT)

/* Convert an internal result to the public int convention. */
static inline int xs__ret(int rc)
{
    if (XS_UNLIKELY(rc < 0)) {
        errno = -rc;
        return -1;
    }
    return rc;
}

/* Convert an internal (pointer, -errno) pair to the public convention. */
static inline void *xs__ret_ptr(void *p, int rc)
{
    if (XS_UNLIKELY(rc < 0)) {
        errno = -rc;
        return NULL;
    }
    return p;
}

/* -errno of the last failed libc call, never 0 (a broken libc or fake
 * that fails without setting errno still yields a failure). */
static inline int xs__neg_errno(void)
{
    return errno > 0 ? -errno : -EIO;
}

/*
 * Checked size arithmetic: true when a * b (or a << XS_PAGE_SHIFT)
 * overflows size_t.  Every count from a caller goes through one of these
 * before it reaches an allocation, an ioctl or a mapping.
 */
static inline int xs__mul_overflows(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

static inline int xs__pages_to_bytes(size_t pages, size_t *bytes)
{
    if (pages > (SIZE_MAX >> XS_PAGE_SHIFT))
        return 1;
    *bytes = pages << XS_PAGE_SHIFT;
    return 0;
}

/* Save errno around cleanup that may clobber it. */
#define XS_PRESERVE_ERRNO(stmt) \
    do { int xs_saved_errno_ = errno; stmt; errno = xs_saved_errno_; } while (0)

#endif /* XS_INTERNAL_H */
