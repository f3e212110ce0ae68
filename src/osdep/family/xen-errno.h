/*
 * xen-errno.h - Xen's error numbers in this system's errno names.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Xen numbers its errors as x86 Linux does (xen/include/public/errno.h).
 * A kernel that hands Xen's value to user space untranslated (NetBSD's
 * xenevt binds, NetBSD's per-page MMAPBATCH_V2 errors) speaks Linux's
 * numbering on a system with another one: the classic codes 1 to 34 are
 * the same everywhere, the rest are not (Xen's ENOSYS, 38, is NetBSD's
 * ENOTSOCK).  On Linux the translation is the identity.
 */
#ifndef XS_OSDEP_FAMILY_XEN_ERRNO_H
#define XS_OSDEP_FAMILY_XEN_ERRNO_H

/*
 * The host's errno for Xen's positive error number xen.  A number that
 * is not one of Xen's is returned as it is: it can only be the kernel's
 * own (EFAULT from a copy, for instance).  A Xen code this system has no
 * name for becomes the closest one it has (EINVAL, or ETIMEDOUT for
 * ETIME).
 */
int xs__xen_errno(int xen);

#endif
