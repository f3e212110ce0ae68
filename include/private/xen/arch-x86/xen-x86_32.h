/*
 * xen/arch-x86/xen-x86_32.h - 32-bit x86 specifics of libxenstable's
 * bundled Xen public interface: 64-bit-wide guest handles for tools.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_32_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_32_H__

#define __HYPERVISOR_VIRT_START 0xF5800000
#define HYPERVISOR_VIRT_START   xen_mk_ulong(__HYPERVISOR_VIRT_START)

#if !defined(__ASSEMBLY__) && (defined(__XEN__) || defined(__XEN_TOOLS__))
/*
 * Tools on a 32-bit dom0 talk to a 64-bit hypervisor through domctl and
 * sysctl, whose structures keep 64-bit fields 8-byte aligned and carry
 * 64-bit-wide handles.  Such handles are written through
 * set_xen_guest_handle(), which clears the upper half first.
 */
#undef ___DEFINE_XEN_GUEST_HANDLE
#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                  \
    typedef struct { type *p; } __guest_handle_ ## name;        \
    typedef struct { __extension__ union { type *p;             \
        uint64_aligned_t q; }; } __guest_handle_64_ ## name
#undef set_xen_guest_handle_raw
#define set_xen_guest_handle_raw(hnd, val)                      \
    do { if (sizeof(hnd) == 8) *(uint64_t *)&(hnd) = 0;         \
         (hnd).p = val; } while (0)
#define int64_aligned_t  int64_t __attribute__((aligned(8)))
#define uint64_aligned_t uint64_t __attribute__((aligned(8)))
#define __XEN_GUEST_HANDLE_64(name) __guest_handle_64_ ## name
#define XEN_GUEST_HANDLE_64(name) __XEN_GUEST_HANDLE_64(name)
#endif

#ifndef __ASSEMBLY__
typedef struct { unsigned long cs, eip; } xen_callback_t;
#endif

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_32_H__ */
