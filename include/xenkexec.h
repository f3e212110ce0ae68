/*
 * xenkexec.h - kexec: load, unload and execute a kexec image in the Xen
 * hypervisor, and the host facts a kexec loader needs (Xen version
 * strings, the machine memory map, crash-note ranges, the number of
 * CPUs).  A libxenstable interface (node XENSTABLE_1.1) with no
 * upstream counterpart: it replaces what kexec-tools takes from the
 * unstable libxenctrl (xc_kexec_*, xc_version, xc_get_machine_memory_map,
 * xc_physinfo and hypercall buffers).  docs/api/kexec.md maps each old
 * call to its replacement.
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every call issues stable hypercalls only (__HYPERVISOR_kexec_op,
 * __HYPERVISOR_xen_version, XENMEM_machine_memory_map) and needs a
 * privileged domain (dom0).  Failures are -1 with errno set: the
 * hypervisor's error, or EINVAL for arguments rejected before the call.
 * Callers pass ordinary memory; the library copies it into hypercall-safe
 * buffers itself.
 *
 * Fork: a child may only call xenkexec_close() on an inherited handle.
 */
#ifndef XENKEXEC_H
#define XENKEXEC_H

#include <stddef.h>
#include <stdint.h>

/* Xen's public headers: the system's if it has them, else our
 * bundled copies (see private/xen-source.h). */
#include "private/xen-source.h"
#if XENSTABLE_USE_SYSTEM_XEN_HEADERS
#include <xen/xen.h>
#include <xen/kexec.h>
#include <xen/version.h>
#else /* not installed with -Dsystem_xen_headers=true */
#include "private/xen/xen.h"
#include "private/xen/kexec.h"
#include "private/xen/version.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

/* Defined when this header declares the interface (libxenstable >= 1.1). */
#define XENKEXEC_INTERFACE 1

typedef struct xenkexec_handle xenkexec_handle;

/*
 * Open the interface.  logger NULL logs to stderr (level XTL_PROGRESS).
 * open_flags: none are defined, pass 0 (anything else: EINVAL).  The
 * handle's hypercall descriptor is registered with toolcore, so
 * xentoolcore_restrict_all() neuters it like any xencall handle.
 * Returns NULL with errno on failure.
 */
xenkexec_handle *xenkexec_open(struct xentoollog_logger *logger,
                               unsigned int open_flags);

/* Close the handle.  Returns 0; xenkexec_close(NULL) returns 0. */
int xenkexec_close(xenkexec_handle *xk);

/* --- the hypervisor --------------------------------------------------- */

/* Store Xen's version (XENVER_version) in *major and *minor. */
int xenkexec_version(xenkexec_handle *xk, unsigned int *major,
                     unsigned int *minor);

/*
 * Copy one of Xen's version strings into buf (len bytes, NUL-terminated):
 * which is XENVER_extraversion, XENVER_capabilities (e.g.
 * "xen-3.0-x86_64 hvm-3.0-x86_32 ..."), XENVER_changeset or
 * XENVER_commandline; anything else gives EINVAL.  Returns the string's
 * length; ERANGE (buf untouched) if len cannot hold it with its NUL.
 */
int xenkexec_version_string(xenkexec_handle *xk, unsigned int which,
                            char *buf, size_t len);

/* One entry of the machine (host) memory map, E820 style. */
typedef struct xenkexec_memory_range {
    uint64_t addr;              /* machine address */
    uint64_t size;              /* bytes */
    uint32_t type;              /* XENKEXEC_E820_* */
    uint32_t pad;               /* 0 */
} xenkexec_memory_range;

#define XENKEXEC_E820_RAM       1
#define XENKEXEC_E820_RESERVED  2
#define XENKEXEC_E820_ACPI      3
#define XENKEXEC_E820_NVS       4
#define XENKEXEC_E820_UNUSABLE  5

/*
 * The host's memory map as Xen sees it (XENMEM_machine_memory_map),
 * in Xen's order.  Stores up to max_ranges entries and returns how many
 * there are.  With max_ranges 0 (ranges may then be NULL) only the
 * count is returned, so a caller can size its array.  ENOBUFS if there
 * are more than max_ranges.
 */
int xenkexec_machine_memory_map(xenkexec_handle *xk,
                                xenkexec_memory_range *ranges,
                                unsigned int max_ranges);

/*
 * The number of CPU ids Xen has (its max_cpu_id + 1): the valid nr
 * arguments of xenkexec_get_range(KEXEC_RANGE_MA_CPU, nr) and the number
 * of per-CPU crash notes a crash image must describe.  Derived from the
 * stable kexec_op (Xen answers ERANGE for an nr past the last CPU id),
 * not from the unstable physinfo sysctl; see docs/api/kexec.md.
 * Returns the count (>= 1) or -1 with errno.
 */
int xenkexec_nr_cpus(xenkexec_handle *xk);

/* --- kexec images ----------------------------------------------------- */

/*
 * Report the machine range range (KEXEC_RANGE_MA_*) for index nr (the
 * CPU for KEXEC_RANGE_MA_CPU, else 0) in *start and *size.  A range Xen
 * has not reserved (e.g. no crashkernel= area) is reported as 0, 0.
 */
int xenkexec_get_range(xenkexec_handle *xk, int range, int nr,
                       uint64_t *size, uint64_t *start);

/* One piece of an image: buf_size bytes copied to dest_maddr. */
typedef struct xenkexec_segment {
    const void *buf;            /* the bytes (NULL when buf_size is 0) */
    size_t buf_size;            /* <= dest_size */
    uint64_t dest_maddr;        /* page-aligned machine address */
    uint64_t dest_size;         /* page-aligned; beyond buf_size: zeroes */
} xenkexec_segment;

/*
 * Load an image into slot type (KEXEC_TYPE_DEFAULT or KEXEC_TYPE_CRASH),
 * replacing what was loaded there (KEXEC_CMD_kexec_load).  arch is the
 * image's ELF machine (EM_X86_64 = 62, EM_386 = 3); entry_maddr its entry
 * point; segments[0..nr_segments) its pieces, in caller memory.  A crash
 * image must lie inside the crash area (KEXEC_RANGE_MA_CRASH).  The
 * caller's segment buffers are not modified.  Xen refuses an unaligned
 * or overlapping destination, or a crash image outside the crash area,
 * with EADDRNOTAVAIL; EINVAL here means buf NULL with buf_size > 0, or
 * buf_size > dest_size.
 */
int xenkexec_load(xenkexec_handle *xk, uint8_t type, uint16_t arch,
                  uint64_t entry_maddr, uint32_t nr_segments,
                  const xenkexec_segment *segments);

/* Unload the image of slot type (KEXEC_CMD_kexec_unload). */
int xenkexec_unload(xenkexec_handle *xk, int type);

/*
 * Xen's answer to KEXEC_CMD_kexec_status for slot type, 0 or 1, passed
 * through.  Caution: Xen (checked on 4.17) answers its slot *position*
 * bit, which flips on every load and unload of that type, not whether an
 * image is loaded: it is 1 after one load, but 0 after two loads in a
 * row (an image is loaded) and 1 after an unload of an empty slot.  It
 * means "loaded" only while each load is paired with one unload.  No
 * other stable query exists; docs/api/kexec.md.
 */
int xenkexec_status(xenkexec_handle *xk, int type);

/*
 * Execute the image of slot type now (KEXEC_CMD_kexec).  On success it
 * does not return: the host reboots into the image (or, for
 * KEXEC_TYPE_CRASH, Xen crashes into it).  ENOENT if nothing is loaded.
 */
int xenkexec_exec(xenkexec_handle *xk, int type);

#ifdef __cplusplus
}
#endif

#endif /* XENKEXEC_H */
