/*
 * alloc_count.h - how many heap blocks the library holds right now.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Test binaries that link alloc_count.c with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free route every
 * allocation made by the objects in the link (the library's static core
 * and the test) through counters, so a test can prove that an error path
 * freed what it allocated without waiting for a leak checker at exit.
 * Blocks that libc allocates internally are not counted, and the library
 * never frees those.
 */
#ifndef XS_TEST_ALLOC_COUNT_H
#define XS_TEST_ALLOC_COUNT_H

/* Blocks allocated and not yet freed since the last reset. */
long alloc_count_live(void);
void alloc_count_reset(void);

#endif
