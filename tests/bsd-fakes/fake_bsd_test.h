/*
 * fake_bsd_test.h - helpers shared by the fake kernels' self-tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_TEST_FAKE_BSD_TEST_H
#define XS_TEST_FAKE_BSD_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "fake_bsd.h"

#define PG 4096UL

/*
 * The kernel under test, called directly (no fake_sys underneath), in
 * libc's convention: -1 with errno.
 */
extern const struct fake_bsd_libc *k;

/* Reset the kernel to os's defaults with a violation recorder. */
void fb_reset(enum fake_bsd_os os, struct fake_bsd_config *cfg);
/* The same after changing cfg. */
void fb_reset_cfg(const struct fake_bsd_config *cfg);

/* An ioctl answering 0 or the errno it failed with. */
int kio(int fd, unsigned long req, void *arg);
/* An mmap answering the address, or NULL with *err set. */
void *kmap(void *addr, size_t len, int prot, int flags, int fd, off_t off,
           int *err);
/* Anonymous read/write memory made through the kernel. */
void *kanon(size_t len, int prot);

/* "rw-p"-style permissions of the mapping holding addr, or "" if none. */
const char *perms_at(const void *addr);
/* First 8 bytes of a page. */
uint64_t tag_at(const void *addr);

#endif
