/*
 * xen-errno.c - Xen's error numbers in this system's errno names (see
 * xen-errno.h).  The numbers are Xen's public ABI
 * (xen/include/public/errno.h); 1 to 34 need no table.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "osdep/family/xen-errno.h"

/* Names some systems lack (Linux has all of them). */
#ifndef EBADRQC
#define EBADRQC EINVAL
#endif
#ifndef EBADSLT
#define EBADSLT EINVAL
#endif
#ifndef ENODATA
#define ENODATA EINVAL
#endif
#ifndef ETIME
#define ETIME ETIMEDOUT
#endif

/* Xen's codes above the common range, by value. */
static const struct {
    int xen, host;
} xen_codes[] = {
    { 35, EDEADLK },       { 36, ENAMETOOLONG },  { 37, ENOLCK },
    { 38, ENOSYS },        { 56, EBADRQC },       { 57, EBADSLT },
    { 61, ENODATA },       { 62, ETIME },         { 74, EBADMSG },
    { 75, EOVERFLOW },     { 84, EILSEQ },        { 87, EUSERS },
    { 88, ENOTSOCK },      { 95, EOPNOTSUPP },    { 98, EADDRINUSE },
    { 99, EADDRNOTAVAIL }, { 105, ENOBUFS },      { 106, EISCONN },
    { 107, ENOTCONN },     { 108, ESHUTDOWN },    { 109, ETOOMANYREFS },
    { 110, ETIMEDOUT },    { 111, ECONNREFUSED },
};

int xs__xen_errno(int xen)
{
    for (unsigned int i = 0; i < sizeof(xen_codes) / sizeof(xen_codes[0]);
         i++) {
        if (xen_codes[i].xen == xen)
            return xen_codes[i].host;
    }
    return xen;
}
