/*
 * xen/arch-x86/xen-x86_64.h - 64-bit x86 specifics of libxenstable's
 * bundled Xen public interface (only what user space needs).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__

/* The hypervisor owns this slice of a 64-bit PV guest's address space. */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define HYPERVISOR_VIRT_START   xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END     xen_mk_ulong(__HYPERVISOR_VIRT_END)

#ifndef __ASSEMBLY__
/* PV event callbacks are plain code addresses on x86_64. */
typedef unsigned long xen_callback_t;
#endif

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__ */
