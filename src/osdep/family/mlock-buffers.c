/*
 * family/mlock-buffers.c - hypercall buffers where the kernel has no
 * buffer device, no MAP_LOCKED and no MADV_DONTFORK (FreeBSD, NetBSD):
 * anonymous memory locked with mlock() and kept out of fork children with
 * minherit(INHERIT_NONE), as Linux's MADV_DONTFORK keeps it there.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Upstream's FreeBSD backend maps and locks the same way (and tests its
 * mmap() against NULL instead of MAP_FAILED); its NetBSD backend takes
 * posix_memalign() memory, which minherit() cannot be given without
 * taking the rest of the heap page with it.  A wired page is never
 * shared copy-on-write with a child (both kernels copy it at fork), so
 * no page needs touching here, unlike Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>

#include "call_private.h"
#include "xs_internal.h"
#include "osdep/bsd-privcmd-uapi.h"
#include "osdep/sys.h"
#include "osdep/family/privcmd.h"
#include "privcmd-os.h"

int xs__locked_pages_alloc(size_t len, void **out)
{
    void *p;
    int rc;

    rc = xs_sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p);
    if (rc < 0)
        return rc;
    rc = xs_sys_mlock(p, len);
    if (rc == 0)
        rc = xs_sys_minherit(p, len, XS_BSD_INHERIT_NONE);
    if (rc < 0) {
        /* munmap() unlocks too */
        xs_sys_munmap(p, len);
        return rc;
    }
    *out = p;
    return 0;
}

void xs__locked_pages_free(void *p, size_t len)
{
    (void)xs_sys_munmap(p, len);
}

int osdep_xencall_open_bufdev(xencall_handle *xcall)
{
    (void)xcall;
    return -ENOENT;
}

int osdep_alloc_pages(xencall_handle *xcall, size_t nr_pages, void **out)
{
    (void)xcall;
    /* checked by the caller */
    return xs__locked_pages_alloc(nr_pages << XS_PAGE_SHIFT, out);
}

void osdep_free_pages(xencall_handle *xcall, void *p, size_t nr_pages)
{
    (void)xcall;
    xs__locked_pages_free(p, nr_pages << XS_PAGE_SHIFT);
}

int osdep_xencall_buffers_never_fault(xencall_handle *xcall)
{
    (void)xcall;
    return XS_PC_BUFFERS_NEVER_FAULT;
}
