/*
 * interpose.h - what the LD_PRELOAD shim (interpose.c) tells the test:
 * how many calls on its emulated devices it saw, and the hypercall
 * result it answers.  The test finds these with dlsym(), so it runs
 * (and fails cleanly) without the shim too.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_TEST_INTERPOSE_H
#define XS_TEST_INTERPOSE_H

enum xs_interpose_call {
    XS_INTERPOSE_OPEN,
    XS_INTERPOSE_IOCTL,
    XS_INTERPOSE_READ,
    XS_INTERPOSE_WRITE,
    XS_INTERPOSE_CLOSE,
    XS_INTERPOSE_NR
};

/* Calls the shim saw on its emulated descriptors. */
unsigned xs_interpose_count(enum xs_interpose_call c);
typedef unsigned xs_interpose_count_fn(enum xs_interpose_call c);

/* The kernel's (long) result for the next privcmd hypercalls. */
void xs_interpose_set_hypercall_result(long r);
typedef void xs_interpose_set_result_fn(long r);

#endif
