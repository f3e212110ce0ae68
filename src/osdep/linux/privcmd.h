/*
 * linux/privcmd.h - where the privcmd device lives, for the backends that
 * issue hypercalls or map foreign memory through it.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_OSDEP_LINUX_PRIVCMD_H
#define XS_OSDEP_LINUX_PRIVCMD_H

#define PRIVCMD_DEV    "/dev/xen/privcmd"
/* Kernels without devtmpfs nodes, and xenfs-only setups, offer only this. */
#define PRIVCMD_PROC   "/proc/xen/privcmd"

/*
 * Open privcmd close-on-exec, falling back to the /proc/xen file when the
 * device node is missing.  Answers the descriptor, or -errno of the last
 * attempt.
 */
int xs__privcmd_open(void);

#endif
