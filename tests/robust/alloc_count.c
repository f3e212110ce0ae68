/*
 * alloc_count.c - see alloc_count.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <stddef.h>

#include "alloc_count.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

/* Atomic: the thread tests allocate from several threads at once. */
static long live;

static void count(long d)
{
    __atomic_add_fetch(&live, d, __ATOMIC_RELAXED);
}

void *__wrap_malloc(size_t size)
{
    void *p = __real_malloc(size);

    if (p)
        count(1);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *p = __real_calloc(n, size);

    if (p)
        count(1);
    return p;
}

void *__wrap_realloc(void *p, size_t size)
{
    void *q = __real_realloc(p, size);

    if (!p && q)
        count(1);               /* realloc(NULL, n) is malloc(n) */
    return q;
}

void __wrap_free(void *p)
{
    if (p)
        count(-1);
    __real_free(p);
}

long alloc_count_live(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

void alloc_count_reset(void)
{
    __atomic_store_n(&live, 0, __ATOMIC_RELAXED);
}
