/*
 * xen/kexec.h - __HYPERVISOR_kexec_op in libxenstable's bundled Xen public
 * interface: KEXEC_CMD_* commands and their argument structures.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef _XEN_PUBLIC_KEXEC_H
#define _XEN_PUBLIC_KEXEC_H

#include "xen.h"

#if defined(__i386__) || defined(__x86_64__)
#define KEXEC_XEN_NO_PAGES 17
#endif

/* Which image slot a command acts on. */
#define KEXEC_TYPE_DEFAULT 0
#define KEXEC_TYPE_CRASH   1

#ifndef __ASSEMBLY__
/* Image description of the version-1 load command. */
typedef struct xen_kexec_image {
#if defined(__i386__) || defined(__x86_64__)
    unsigned long page_list[KEXEC_XEN_NO_PAGES];
#endif
    unsigned long indirection_page;
    unsigned long start_address;
} xen_kexec_image_t;
#endif

/* Execute the loaded image of the given type now. */
#define KEXEC_CMD_kexec            0
#ifndef __ASSEMBLY__
typedef struct xen_kexec_exec {
    int type;
} xen_kexec_exec_t;
#endif

#define KEXEC_CMD_kexec_load_v1    1
#define KEXEC_CMD_kexec_unload_v1  2
#ifndef __ASSEMBLY__
typedef struct xen_kexec_load_v1 {
    int type;
    xen_kexec_image_t image;
} xen_kexec_load_v1_t;
#endif

/* Ranges that KEXEC_CMD_kexec_get_range can report. */
#define KEXEC_RANGE_MA_CRASH       0
#define KEXEC_RANGE_MA_XEN         1
#define KEXEC_RANGE_MA_CPU         2
#define KEXEC_RANGE_MA_XENHEAP     3
#define KEXEC_RANGE_MA_BOOT_PARAM  4
#define KEXEC_RANGE_MA_EFI_MEMMAP  5
#define KEXEC_RANGE_MA_VMCOREINFO  6

#define KEXEC_CMD_kexec_get_range  3
#ifndef __ASSEMBLY__
typedef struct xen_kexec_range {
    int range;                  /* in: KEXEC_RANGE_MA_* */
    int nr;                     /* in: e.g. CPU number */
    unsigned long size;         /* out */
    unsigned long start;        /* out */
} xen_kexec_range_t;
#endif

#if __XEN_INTERFACE_VERSION__ >= 0x00040400
#ifndef __ASSEMBLY__
/* One piece of an image: buf_size bytes copied to dest_maddr. */
typedef struct xen_kexec_segment {
    union {
        XEN_GUEST_HANDLE(const_void) h;
        uint64_t _pad;
    } buf;
    uint64_t buf_size;
    uint64_t dest_maddr;
    uint64_t dest_size;
} xen_kexec_segment_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_segment_t);
#endif

#define KEXEC_CMD_kexec_load       4
#ifndef __ASSEMBLY__
typedef struct xen_kexec_load {
    uint8_t  type;              /* KEXEC_TYPE_* */
    uint8_t  _pad;
    uint16_t arch;              /* ELF machine of the image */
    uint32_t nr_segments;
    union {
        XEN_GUEST_HANDLE(xen_kexec_segment_t) h;
        uint64_t _pad;
    } segments;
    uint64_t entry_maddr;
} xen_kexec_load_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_load_t);
#endif

#define KEXEC_CMD_kexec_unload     5
#ifndef __ASSEMBLY__
typedef struct xen_kexec_unload {
    uint8_t type;
} xen_kexec_unload_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_unload_t);
#endif

/* Returns 1 if an image of the type is loaded, 0 if not. */
#define KEXEC_CMD_kexec_status     6
#ifndef __ASSEMBLY__
typedef struct xen_kexec_status {
    uint8_t type;
} xen_kexec_status_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_status_t);
#endif

#else /* interface < 0x00040400: only the version-1 commands exist */
#define KEXEC_CMD_kexec_load   KEXEC_CMD_kexec_load_v1
#define KEXEC_CMD_kexec_unload KEXEC_CMD_kexec_unload_v1
#define xen_kexec_load         xen_kexec_load_v1
#define xen_kexec_load_t       xen_kexec_load_v1_t
#endif

#endif /* _XEN_PUBLIC_KEXEC_H */
