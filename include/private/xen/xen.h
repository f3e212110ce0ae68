/*
 * xen/xen.h - core of libxenstable's bundled subset of the Xen public
 * interface: hypercall numbers, virtual IRQ numbers, domain identifiers
 * and the primitive guest-handle types.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Only the definitions that libxenstable and the users of its public
 * headers need are provided.  Numbers and layouts are those of the Xen
 * hypervisor ABI; tests/headers compares them with an installed copy of
 * Xen's own headers.  Build with -Dsystem_xen_headers=true to use the
 * system's complete headers instead.
 */
#ifndef __XEN_PUBLIC_XEN_H__
#define __XEN_PUBLIC_XEN_H__

#include "xen-compat.h"

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#if defined(__i386__) || defined(__x86_64__)
#include "arch-x86/xen.h"
#elif defined(__arm__) || defined(__aarch64__)
#include "arch-arm.h"
#else
#error "libxenstable's Xen headers do not support this architecture"
#endif

#ifndef __ASSEMBLY__
/* Handles to arrays of the primitive types. */
DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint,  unsigned int);
#if __XEN_INTERFACE_VERSION__ < 0x00040300
DEFINE_XEN_GUEST_HANDLE(long);
__DEFINE_XEN_GUEST_HANDLE(ulong, unsigned long);
#endif
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);

/* Trailing variable-length array member, spelt as the compiler allows. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define XEN_FLEX_ARRAY_DIM
#elif defined(__GNUC__)
#define XEN_FLEX_ARRAY_DIM  0
#else
#define XEN_FLEX_ARRAY_DIM  1
#endif

/* Unsigned literals that also work in assembly (where suffixes do not). */
#define __xen_mk_uint(x)  x ## U
#define __xen_mk_ulong(x) x ## UL
#ifndef __xen_mk_ullong
# define __xen_mk_ullong(x) x ## ULL
#endif
#define xen_mk_uint(x)    __xen_mk_uint(x)
#define xen_mk_ulong(x)   __xen_mk_ulong(x)
#define xen_mk_ullong(x)  __xen_mk_ullong(x)
#else
#define xen_mk_uint(x)    x
#define xen_mk_ulong(x)   x
#define xen_mk_ullong(x)  x
#endif /* __ASSEMBLY__ */

/*
 * Hypercall numbers.  Arguments go in registers; the hypervisor returns
 * a negative Xen errno value on failure.
 */
#define __HYPERVISOR_set_trap_table            0
#define __HYPERVISOR_mmu_update                1
#define __HYPERVISOR_set_gdt                   2
#define __HYPERVISOR_stack_switch              3
#define __HYPERVISOR_set_callbacks             4
#define __HYPERVISOR_fpu_taskswitch            5
#define __HYPERVISOR_sched_op_compat           6
#define __HYPERVISOR_platform_op               7
#define __HYPERVISOR_set_debugreg              8
#define __HYPERVISOR_get_debugreg              9
#define __HYPERVISOR_update_descriptor        10
#define __HYPERVISOR_memory_op                12
#define __HYPERVISOR_multicall                13
#define __HYPERVISOR_update_va_mapping        14
#define __HYPERVISOR_set_timer_op             15
#define __HYPERVISOR_event_channel_op_compat  16
#define __HYPERVISOR_xen_version              17
#define __HYPERVISOR_console_io               18
#define __HYPERVISOR_physdev_op_compat        19
#define __HYPERVISOR_grant_table_op           20
#define __HYPERVISOR_vm_assist                21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                     23
#define __HYPERVISOR_vcpu_op                  24
#define __HYPERVISOR_set_segment_base         25
#define __HYPERVISOR_mmuext_op                26
#define __HYPERVISOR_xsm_op                   27
#define __HYPERVISOR_nmi_op                   28
#define __HYPERVISOR_sched_op                 29
#define __HYPERVISOR_callback_op              30
#define __HYPERVISOR_xenoprof_op              31
#define __HYPERVISOR_event_channel_op         32
#define __HYPERVISOR_physdev_op               33
#define __HYPERVISOR_hvm_op                   34
#define __HYPERVISOR_sysctl                   35
#define __HYPERVISOR_domctl                   36
#define __HYPERVISOR_kexec_op                 37
#define __HYPERVISOR_tmem_op                  38
#define __HYPERVISOR_argo_op                  39
#define __HYPERVISOR_xenpmu_op                40
#define __HYPERVISOR_dm_op                    41
#define __HYPERVISOR_hypfs_op                 42

/* Reserved for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0                   48
#define __HYPERVISOR_arch_1                   49
#define __HYPERVISOR_arch_2                   50
#define __HYPERVISOR_arch_3                   51
#define __HYPERVISOR_arch_4                   52
#define __HYPERVISOR_arch_5                   53
#define __HYPERVISOR_arch_6                   54
#define __HYPERVISOR_arch_7                   55

/* Callers asking for very old interface versions get the old numbers. */
#if __XEN_INTERFACE_VERSION__ < 0x00030101
#undef __HYPERVISOR_sched_op
#define __HYPERVISOR_sched_op __HYPERVISOR_sched_op_compat
#endif
#if __XEN_INTERFACE_VERSION__ < 0x00030202
#undef __HYPERVISOR_event_channel_op
#define __HYPERVISOR_event_channel_op __HYPERVISOR_event_channel_op_compat
#undef __HYPERVISOR_physdev_op
#define __HYPERVISOR_physdev_op __HYPERVISOR_physdev_op_compat
#endif
#if __XEN_INTERFACE_VERSION__ < 0x00030204
#define __HYPERVISOR_dom0_op __HYPERVISOR_platform_op
#endif

/*
 * Virtual interrupts, bound to an event channel with EVTCHNOP_bind_virq
 * (xenevtchn_bind_virq()).  Global ones are delivered to one domain only.
 */
#define VIRQ_TIMER       0  /* per vCPU: timer tick or timeout */
#define VIRQ_DEBUG       1  /* per vCPU: dump debug state */
#define VIRQ_CONSOLE     2  /* global: emergency console input */
#define VIRQ_DOM_EXC     3  /* global: a domain changed state (xenstored) */
#define VIRQ_TBUF        4  /* global: trace buffers have data */
#define VIRQ_DEBUGGER    6  /* global: a domain paused for a debugger */
#define VIRQ_XENOPROF    7  /* per vCPU: profiling sample ready */
#define VIRQ_CON_RING    8  /* global: console ring has data */
#define VIRQ_PCPU_STATE  9  /* global: physical CPU state changed */
#define VIRQ_MEM_EVENT  10  /* global: memory event pending */
#define VIRQ_ARGO       11  /* global: Argo message arrived */
#define VIRQ_ENOMEM     12  /* global: hypervisor heap is low */
#define VIRQ_XENPMU     13  /* per vCPU: PMU interrupt */

#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23

#define NR_VIRQS        24

/*
 * Domain identifiers.  Real domains are numbered below
 * DOMID_FIRST_RESERVED; the values from there on have special meanings.
 */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF           xen_mk_uint(0x7FF0) /* the calling domain */
#define DOMID_IO             xen_mk_uint(0x7FF1) /* owner of I/O memory */
#define DOMID_XEN            xen_mk_uint(0x7FF2) /* the hypervisor */
#define DOMID_COW            xen_mk_uint(0x7FF3) /* shared copy-on-write pages */
#define DOMID_INVALID        xen_mk_uint(0x7FF4) /* "no domain" */
#define DOMID_IDLE           xen_mk_uint(0x7FFF) /* idle domain */
#define DOMID_MASK           xen_mk_uint(0x7FFF)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One entry of a __HYPERVISOR_multicall batch. */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

#if __XEN_INTERFACE_VERSION__ < 0x00040400
#define NR_EVENT_CHANNELS EVTCHN_2L_NR_CHANNELS
#endif

/* 128-bit domain handle (normally the domain's UUID). */
typedef uint8_t xen_domain_handle_t[16];

__DEFINE_XEN_GUEST_HANDLE(uint8,  uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/* A UUID stored as 16 bytes, most significant byte first. */
typedef struct {
    uint8_t a[16];
} xen_uuid_t;

/* Brace initialiser for xen_uuid_t from the usual 8-4-4-4-12 groups. */
#define XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6)           \
    {{ ((a) >> 24) & 0xFF, ((a) >> 16) & 0xFF,                         \
       ((a) >> 8) & 0xFF, (a) & 0xFF,                                  \
       ((b) >> 8) & 0xFF, (b) & 0xFF,                                  \
       ((c) >> 8) & 0xFF, (c) & 0xFF,                                  \
       ((d) >> 8) & 0xFF, (d) & 0xFF,                                  \
       e1, e2, e3, e4, e5, e6 }}

/* As an expression where compound literals exist, else an initialiser. */
#if defined(__STDC_VERSION__) ? __STDC_VERSION__ >= 199901L : defined(__GNUC__)
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6)            \
    ((xen_uuid_t)XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6))
#else
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6)            \
    XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6)
#endif

#endif /* !__ASSEMBLY__ */

/* Pieces shared by domctl and sysctl, for tools only. */
#if defined(__XEN__) || defined(__XEN_TOOLS__)

#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif
#ifndef XEN_GUEST_HANDLE_64
#define XEN_GUEST_HANDLE_64(name) XEN_GUEST_HANDLE(name)
#endif

#ifndef __ASSEMBLY__
/* A bitmap of nr_bits bits (CPU or node masks) in caller memory. */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;
#endif

#endif /* __XEN__ || __XEN_TOOLS__ */

#endif /* __XEN_PUBLIC_XEN_H__ */
