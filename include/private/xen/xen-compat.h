/*
 * xen/xen-compat.h - interface-version selection for libxenstable's bundled
 * subset of the Xen public headers.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Tools code (__XEN_TOOLS__) always gets the newest interface this copy
 * describes; other code gets the legacy interface unless it chooses a
 * version by defining __XEN_INTERFACE_VERSION__ itself, exactly as with
 * the headers shipped by Xen.
 */
#ifndef __XEN_PUBLIC_XEN_COMPAT_H__
#define __XEN_PUBLIC_XEN_COMPAT_H__

/* Newest interface version known here (the one Xen 4.14 .. 4.22 report). */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

#if defined(__XEN__) || defined(__XEN_TOOLS__)
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#elif !defined(__XEN_INTERFACE_VERSION__)
#define __XEN_INTERFACE_VERSION__ 0x00000000
#endif

#if __XEN_INTERFACE_VERSION__ > __XEN_LATEST_INTERFACE_VERSION__
#error "libxenstable's Xen headers are older than the requested interface version"
#endif

#define COMPAT_FLEX_ARRAY_DIM XEN_FLEX_ARRAY_DIM

#endif /* __XEN_PUBLIC_XEN_COMPAT_H__ */
