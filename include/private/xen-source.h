/*
 * private/xen-source.h - which copy of Xen's public headers (<xen/...>)
 * libxenstable's headers build on.  Not for direct inclusion.
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Where the system has Xen's own public headers (Debian: libxen-dev) our
 * headers must use exactly those: a program that also includes
 * <xenctrl.h> needs their complete definitions, and two copies of one Xen
 * header share an include guard, so whichever comes first wins for the
 * whole translation unit.  Only without them do our headers fall back on
 * the subset bundled in private/xen/ beside this file, which no include
 * path names and so nothing else can pick up (docs/drop-in.md, "Headers").
 *
 * XENSTABLE_USE_SYSTEM_XEN_HEADERS is 1 for <xen/...>, 0 for the bundled
 * copies.  The compiler decides with __has_include (GCC >= 5, Clang,
 * C++17); a program may define the macro itself first, e.g. with a
 * compiler that lacks __has_include.
 */
#ifndef XENSTABLE_PRIVATE_XEN_SOURCE_H
#define XENSTABLE_PRIVATE_XEN_SOURCE_H

#ifndef XENSTABLE_USE_SYSTEM_XEN_HEADERS
#if defined(__has_include)
#if __has_include(<xen/xen.h>)
#define XENSTABLE_USE_SYSTEM_XEN_HEADERS 1
#endif
#endif
#endif

#ifndef XENSTABLE_USE_SYSTEM_XEN_HEADERS
#define XENSTABLE_USE_SYSTEM_XEN_HEADERS 0
#endif

#endif /* XENSTABLE_PRIVATE_XEN_SOURCE_H */
