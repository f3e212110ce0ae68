/*
 * xen/arch-x86/xen.h - x86 part of libxenstable's bundled Xen public
 * interface: guest-handle representation, xen_pfn_t and xen_ulong_t.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_ARCH_X86_XEN_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_H__

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/*
 * A guest handle is a pointer into the caller's address space.  Since
 * interface 0x00030201 it is wrapped in a one-member struct so that
 * handles of different types cannot be mixed up by accident.
 */
#if __XEN_INTERFACE_VERSION__ >= 0x00030201
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#else
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef type * __guest_handle_ ## name
#endif

/* Every handle type comes with a read-only twin, const_<name>. */
#define __DEFINE_XEN_GUEST_HANDLE(name, type)      \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);        \
    ___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)    XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val)  do { (hnd).p = val; } while (0)
#define set_xen_guest_handle(hnd, val)  set_xen_guest_handle_raw(hnd, val)

#if defined(__i386__)
#include "xen-x86_32.h"
#elif defined(__x86_64__)
#include "xen-x86_64.h"
#endif

#ifndef __ASSEMBLY__
/* Guest (pseudo-)physical or machine frame number. */
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn "lx"
#define PRIu_xen_pfn "lu"
#endif

#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/* Number of vCPUs whose vcpu_info lives in the shared-info page. */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__
/* Natural register width; hypercall arguments and multicall slots. */
typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"
#endif

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_H__ */
