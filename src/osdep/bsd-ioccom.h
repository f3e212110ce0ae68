/*
 * bsd-ioccom.h - the 4.4BSD ioctl request encoding, written out, for the
 * FreeBSD and NetBSD backends (and their tests) compiled on any host.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Both BSDs build a request number from three direction bits, the
 * argument's size, a group letter and a number:
 *
 *     bit 29  IOC_VOID   no argument, or an int passed by value
 *     bit 30  IOC_OUT    the kernel copies the argument back out
 *     bit 31  IOC_IN     the kernel copies the argument in
 *     bits 16-28         sizeof(argument), at most 8191 bytes
 *     bits 8-15          group ('E', 'P', ...)
 *     bits 0-7           number within the group
 *
 * Linux packs the same information differently (direction in bits 30-31
 * with other values, a 14-bit size), so a backend compiled on Linux must
 * never use the host's _IOW/_IOWR: it would produce numbers no BSD kernel
 * knows.  These macros are our own spelling of the BSD encoding, named
 * XS_BSD_* so they can never collide with a host's <sys/ioccom.h>; the
 * constants test (tests/osdep-constants) compares every number they
 * produce with values computed from the real kernel headers.
 *
 * The kernel's generic ioctl layer acts on these bits before any driver
 * sees the request: it copies IOC_IN arguments in, zeroes IOC_OUT-only
 * ones, and copies IOC_OUT arguments back only when the driver reported
 * success.  A failed request therefore never changes the caller's
 * structure (tests/unit/fake_bsd_core.c models exactly that).
 */
#ifndef XS_OSDEP_BSD_IOCCOM_H
#define XS_OSDEP_BSD_IOCCOM_H

#include <stddef.h> /* offsetof, for the layout assertions */

#define XS_BSD_IOCPARM_SHIFT  16
#define XS_BSD_IOCPARM_MASK   0x1fffUL /* 13 bits of size */
#define XS_BSD_IOCPARM_MAX    XS_BSD_IOCPARM_MASK
#define XS_BSD_IOCGROUP_SHIFT 8

#define XS_BSD_IOC_VOID       0x20000000UL
#define XS_BSD_IOC_OUT        0x40000000UL
#define XS_BSD_IOC_IN         0x80000000UL
#define XS_BSD_IOC_INOUT      (XS_BSD_IOC_IN | XS_BSD_IOC_OUT)
#define XS_BSD_IOC_DIRMASK    (XS_BSD_IOC_VOID | XS_BSD_IOC_OUT | XS_BSD_IOC_IN)

#define XS_BSD_IOC(inout, group, num, len) \
    ((unsigned long)(inout) | \
     ((XS_BSD_IOCPARM_MASK & (unsigned long)(len)) << XS_BSD_IOCPARM_SHIFT) | \
     ((unsigned long)(group) << XS_BSD_IOCGROUP_SHIFT) | \
     (unsigned long)(num))

/* The four shapes both kernels' headers use. */
#define XS_BSD_IO(g, n)      XS_BSD_IOC(XS_BSD_IOC_VOID, (g), (n), 0)
#define XS_BSD_IOR(g, n, t)  XS_BSD_IOC(XS_BSD_IOC_OUT, (g), (n), sizeof(t))
#define XS_BSD_IOW(g, n, t)  XS_BSD_IOC(XS_BSD_IOC_IN, (g), (n), sizeof(t))
#define XS_BSD_IOWR(g, n, t) XS_BSD_IOC(XS_BSD_IOC_INOUT, (g), (n), sizeof(t))

/* Decoding, for the kernel fakes in tests/unit. */
#define XS_BSD_IOCPARM_LEN(req) \
    (((unsigned long)(req) >> XS_BSD_IOCPARM_SHIFT) & XS_BSD_IOCPARM_MASK)
#define XS_BSD_IOCBASECMD(req) \
    ((unsigned long)(req) & ~(XS_BSD_IOCPARM_MASK << XS_BSD_IOCPARM_SHIFT))
#define XS_BSD_IOCGROUP(req) \
    (((unsigned long)(req) >> XS_BSD_IOCGROUP_SHIFT) & 0xffUL)

/* FIONBIO ('f', 126, int): both kernels answer it in their generic layer. */
#define XS_BSD_FIONBIO  XS_BSD_IOW('f', 126, int)
#define XS_BSD_FIOASYNC XS_BSD_IOW('f', 125, int)

/* The BSD headers assert their LP64 layouts member by member. */
#define XS_BSD_LAYOUT(type, member, off) \
    _Static_assert(offsetof(struct type, member) == (off), \
                   #type "." #member " is at " #off)
#define XS_BSD_SIZE(type, size) \
    _Static_assert(sizeof(struct type) == (size), #type " size " #size)

#endif /* XS_OSDEP_BSD_IOCCOM_H */
