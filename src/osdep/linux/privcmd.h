/*
 * linux/privcmd.h - the privcmd device and hypercall-safe memory, shared
 * by the backends that issue hypercalls (call, devicemodel's fallback)
 * or map foreign memory.  Data in, data out: descriptors and buffers are
 * the caller's to keep.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_LINUX_PRIVCMD_H
#define XS_OSDEP_LINUX_PRIVCMD_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define PRIVCMD_DEV    "/dev/xen/privcmd"
/* Kernels without devtmpfs nodes, and xenfs-only setups, offer only this. */
#define PRIVCMD_PROC   "/proc/xen/privcmd"

/*
 * Open privcmd close-on-exec, falling back to the /proc/xen file when the
 * device node is missing.  Answers the descriptor, or -errno of the last
 * attempt.
 */
int xs__privcmd_open(void);

/* Does this open() failure mean "no such device node here"? */
static inline int xs__privcmd_node_missing(int rc)
{
    return rc == -ENOENT || rc == -ENXIO || rc == -ENODEV;
}

/*
 * One hypercall through IOCTL_PRIVCMD_HYPERCALL on fd: 0 with the
 * result in *result, or -errno.  The result is libc's int, sign-extended
 * as upstream's long: 2^31 and more come out negative, and are values.
 */
int xs__privcmd_hypercall(int fd, unsigned int op, const uint64_t args[5],
                          long *result);

/*
 * Hypercall-safe memory where there is no buffer device: len bytes
 * (whole pages), zeroed, locked, and kept out of fork children so that
 * no copy-on-write moves them under a hypercall.  0 with *out, or -errno.
 */
int xs__locked_pages_alloc(size_t len, void **out);
void xs__locked_pages_free(void *p, size_t len);

#endif
