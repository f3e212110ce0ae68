/*
 * toolcore.c - the process-wide registry of open handles, and
 * xentoolcore_restrict_all() over it.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>

#include "xs_internal.h"
#include "toolcore_private.h"
#include "osdep/sys.h"

/*
 * One list, one lock.  Registration happens at open and close only, and
 * restrict_all is called once in a process's life, so a mutex is plenty;
 * it also makes restrict_all atomic with respect to concurrent opens.
 */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static Xentoolcore__Active_Handle *registry_head;

XS_API void xentoolcore__register_active_handle(Xentoolcore__Active_Handle *ah)
{
    pthread_mutex_lock(&registry_lock);
    ah->entry.le_next = registry_head;
    if (registry_head)
        registry_head->entry.le_prev = &ah->entry.le_next;
    registry_head = ah;
    ah->entry.le_prev = &registry_head;
    pthread_mutex_unlock(&registry_lock);
}

XS_API void xentoolcore__deregister_active_handle(Xentoolcore__Active_Handle *ah)
{
    pthread_mutex_lock(&registry_lock);
    if (ah->entry.le_next)
        ah->entry.le_next->entry.le_prev = ah->entry.le_prev;
    *ah->entry.le_prev = ah->entry.le_next;
    ah->entry.le_next = NULL;
    ah->entry.le_prev = NULL;
    pthread_mutex_unlock(&registry_lock);
}

void xs__toolcore_publish_fd(int *slot, int fd)
{
    pthread_mutex_lock(&registry_lock);
    *slot = fd;
    pthread_mutex_unlock(&registry_lock);
}

int xs__toolcore_restrict_one(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    int rc;

    pthread_mutex_lock(&registry_lock);
    rc = ah->restrict_callback(ah, domid);
    XS_PRESERVE_ERRNO(pthread_mutex_unlock(&registry_lock));
    return rc;
}

/*
 * Every handle is restricted even after a failure: upstream stops at the
 * first one, which leaves the handles behind it fully usable although
 * the caller asked for none to be.  The result is upstream's all the
 * same: 0, or the first failure's -1 and errno.
 */
XS_API int xentoolcore_restrict_all(domid_t domid)
{
    Xentoolcore__Active_Handle *ah;
    int rc = 0, first_errno = 0;

    pthread_mutex_lock(&registry_lock);
    for (ah = registry_head; ah; ah = ah->entry.le_next) {
        if (ah->restrict_callback(ah, domid) && !rc) {
            rc = -1;
            first_errno = errno;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    if (rc)
        errno = first_errno;
    return rc;
}

XS_API int xentoolcore__restrict_by_dup2_null(int fd)
{
    int nullfd, fdflags, rc, saved_errno = errno;

    if (fd < 0)
        return 0;

    /*
     * dup2() would clear close-on-exec on fd; keep whatever the caller
     * had, so that restricting never leaks /dev/null into exec'd children
     * that the original descriptor would not have reached.
     */
    fdflags = xs_sys_fcntl(fd, F_GETFD, 0);
    if (fdflags < 0)
        fdflags = FD_CLOEXEC;   /* not open: upstream's dup2 still fills it */

    nullfd = xs_sys_open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nullfd < 0)
        return xs__ret(nullfd);

    /*
     * A closed fd that was the lowest free number is where open() put
     * /dev/null: the job is done (dup3 would refuse oldfd == newfd with
     * EINVAL, where upstream's dup2(n, n) succeeds).  Upstream then
     * closes it again; keeping it holds the number, so the handle's
     * close() cannot later close a stranger's descriptor.  Success
     * leaves errno alone, as upstream's does (F_GETFD failed above).
     */
    if (nullfd == fd) {
        errno = saved_errno;
        return 0;
    }

    rc = xs_sys_dup3(nullfd, fd, (fdflags & FD_CLOEXEC) ? O_CLOEXEC : 0);
    xs_sys_close(nullfd);
    if (rc < 0)
        return xs__ret(rc);     /* toolcore's convention: -1 and errno */
    errno = saved_errno;
    return 0;
}
