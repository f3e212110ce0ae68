/*
 * linux/privcmd-legacy.c - what only old Linux kernels need from the
 * privcmd family (privcmd-os.h): MMAPBATCH version 1 where V2 is missing,
 * and learning which errno this kernel answers an unknown request with.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"
#include "osdep/sys.h"
#include "osdep/family/privcmd.h"
#include "privcmd-os.h"

static int mmapbatch_v1(int fd, uint16_t dom, char *addr, size_t num,
                        xen_pfn_t *arr)
{
    struct xs_privcmd_mmapbatch b = {
        .num = (int)num,
        .dom = dom,
        .addr = (uint64_t)(uintptr_t)addr,
        .arr = arr,
    };

    /* 0 or -errno; a failed frame's slot in arr is marked either way */
    return xs_sys_rc(xs_sys_ioctl(fd, XS_IOCTL_PRIVCMD_MMAPBATCH, &b));
}

/*
 * Kernels without MMAPBATCH_V2: version 1 reports a frame's failure by
 * OR-ing an error pattern into its slot of the (scratch) frame array:
 * PAGED_ERROR for a paged-out frame (retried one by one), anything else
 * means the frame could not be mapped (-EINVAL, as upstream).
 */
static int map_v1(xenforeignmemory_handle *fmem, uint16_t dom, char *base,
                  size_t num, const xen_pfn_t *arr, int *err)
{
    xen_pfn_t *scratch;
    int rc;

    if (num > INT_MAX)
        return -EINVAL;
    scratch = malloc(num * sizeof(*scratch)); /* checked by the caller */
    if (!scratch)
        return -ENOMEM;
    memcpy(scratch, arr, num * sizeof(*scratch));

    rc = mmapbatch_v1(fmem->fd, dom, base, num, scratch);
    if (rc < 0 && rc != -ENOENT)
        goto out;
    rc = 0;
    for (size_t i = 0; i < num; i++) {
        xen_pfn_t diff = scratch[i] ^ arr[i];

        if (diff == 0) {
            err[i] = 0;
        } else if (diff == XS_PRIVCMD_MMAPBATCH_PAGED_ERROR) {
            struct xs_privcmd_backoff b = { 0, 0 };

            err[i] = -ENOENT;
            while (xs__privcmd_backoff_wait(&b)) {
                xen_pfn_t one = arr[i], d;

                rc = mmapbatch_v1(fmem->fd, dom, base + (i << XS_PAGE_SHIFT),
                                  1, &one);
                if (rc < 0 && rc != -ENOENT)
                    goto out;
                rc = 0;
                d = one ^ arr[i];
                if (d != XS_PRIVCMD_MMAPBATCH_PAGED_ERROR) {
                    err[i] = d ? -EINVAL : 0;
                    break;
                }
            }
        } else {
            err[i] = -EINVAL;
        }
    }
out:
    free(scratch);
    return rc;
}

int xs__pc_batch_fallback(xenforeignmemory_handle *fmem, uint16_t dom,
                          char *base, size_t num, const xen_pfn_t *arr,
                          int *err, int rc)
{
    /* EINVAL: a kernel older than V2 (Linux < 3.5) */
    if (rc != -EINVAL)
        return rc;
    return map_v1(fmem, dom, base, num, arr, err);
}

/*
 * Does err mean "this driver has no such ioctl"?  The driver's answer
 * to an ioctl it cannot know is learnt once, the first time it matters.
 */
int xs__pc_unknown_request(xenforeignmemory_handle *fmem, int err)
{
    if (fmem->unimpl_errno == 0) {
        int64_t r = xs_sys_ioctl(fmem->fd, XS_IOCTL_PRIVCMD_UNIMPLEMENTED,
                                 NULL);

        /* r >= 0: a broken driver that accepts anything */
        fmem->unimpl_errno = r < 0 ? (int)-r : -1;
    }
    return fmem->unimpl_errno == err;
}
