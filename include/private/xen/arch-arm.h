/*
 * xen/arch-arm.h - Arm (arm32 and arm64) part of libxenstable's bundled
 * Xen public interface: 64-bit guest handles, xen_pfn_t and xen_ulong_t.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * On Arm every handle and every xen_ulong_t is 64 bits wide, even for a
 * 32-bit caller, so the structures are identical for both word sizes.
 */
#ifndef __XEN_PUBLIC_ARCH_ARM_H__
#define __XEN_PUBLIC_ARCH_ARM_H__

#define XEN_HYPERCALL_TAG 0XEA1

#define int64_aligned_t  int64_t __attribute__((aligned(8)))
#define uint64_aligned_t uint64_t __attribute__((aligned(8)))

#ifndef __ASSEMBLY__
#include <stdint.h>

#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                  \
    typedef union { type *p; unsigned long q; }                 \
        __guest_handle_ ## name;                                \
    typedef union { type *p; uint64_aligned_t q; }              \
        __guest_handle_64_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type)                   \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);                     \
    ___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_64_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)    __guest_handle_ ## name
/* Clear all 64 bits first so a 32-bit pointer leaves no stale upper half. */
#define set_xen_guest_handle_raw(hnd, val)                      \
    do {                                                        \
        __typeof__(&(hnd)) xs_sxghr_tmp__ = &(hnd);             \
        xs_sxghr_tmp__->q = 0;                                  \
        xs_sxghr_tmp__->p = val;                                \
    } while (0)
#define set_xen_guest_handle(hnd, val)  set_xen_guest_handle_raw(hnd, val)

typedef uint64_t xen_pfn_t;
#define PRI_xen_pfn PRIx64
#define PRIu_xen_pfn PRIu64

#define XEN_LEGACY_MAX_VCPUS 1

typedef uint64_t xen_ulong_t;
#define PRI_xen_ulong PRIx64
#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_ARCH_ARM_H__ */
