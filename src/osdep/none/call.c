/*
 * none/call.c - xencall where the OS has no Xen drivers: every kernel
 * operation answers EOPNOTSUPP, so xencall_open() fails.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "call_private.h"

int osdep_xencall_open(xencall_handle *xcall)
{
    (void)xcall;
    return -EOPNOTSUPP;
}

int osdep_xencall_open_bufdev(xencall_handle *xcall)
{
    (void)xcall;
    return -ENOENT;
}

int osdep_hypercall(xencall_handle *xcall, unsigned int op,
                    const uint64_t args[5], long *result)
{
    (void)xcall;
    (void)op;
    (void)args;
    (void)result;
    return -EOPNOTSUPP;
}

int osdep_alloc_pages(xencall_handle *xcall, size_t nr_pages, void **out)
{
    (void)xcall;
    (void)nr_pages;
    (void)out;
    return -EOPNOTSUPP;
}

void osdep_free_pages(xencall_handle *xcall, void *p, size_t nr_pages)
{
    (void)xcall;
    (void)p;
    (void)nr_pages;
}

int osdep_xencall_buffers_never_fault(xencall_handle *xcall)
{
    (void)xcall;
    return 0;
}
