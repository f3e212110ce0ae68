/*
 * family/privcmd.h - the privcmd family: the kernel interface Linux,
 * FreeBSD and NetBSD share for hypercalls, foreign mappings, resources
 * and device-model operations (a "privileged command" device).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The family files beside this header implement xencall's open and
 * hypercall, foreignmemory and devicemodel once for every OS of the
 * family (after libuv's kqueue.c, shared by the BSDs and macOS).  What
 * differs between the kernels is data, given by the OS folder's
 * "privcmd-os.h", found by name (src/meson.build puts the backend's
 * folder on the include path); the BSDs' two share privcmd-bsd.h:
 *
 *   XS_PC_PATHS               device nodes to open, in order; a later one
 *                             is tried only when the earlier node is
 *                             missing (Linux: /proc/xen/privcmd)
 *   xs_pc_hypercall_t, XS_PC_IOCTL_HYPERCALL, xs__pc_hypercall_result()
 *                             the hypercall request, and where its result
 *                             is (the ioctl's value, or the structure)
 *   xs_pc_batch_t, XS_PC_IOCTL_BATCH, xs__pc_batch_set(), XS_PC_BATCH_MAX
 *                             the foreign-map batch and its largest count
 *   xs__pc_batch_err()        a per-frame result as 0 or -errno (FreeBSD's
 *                             arrive positive, NetBSD's in Xen's numbering)
 *   XS_PC_BATCH_WHOLE         1 when every batch must cover the whole
 *                             mapping (a retry cannot name a part of it)
 *   XS_PC_RESERVE_ANON        1 when the caller reserves the range with
 *                             anonymous memory that the kernel replaces;
 *                             0 when the range is an mmap() of the device
 *   xs__pc_batch_fallback()   what a failed batch becomes (Linux: the
 *                             version-1 request of old kernels)
 *   xs_pc_resource_t, XS_PC_IOCTLS_RESOURCE, XS_PC_RESOURCE_QUERY_IOCTLS
 *                             the resource request's numbers, tried in
 *                             order while the kernel answers ENOSYS, and
 *                             how many of the first ones can answer the
 *                             size query (0: none can)
 *   xs__pc_unknown_request()  does this errno mean "no such request"?
 *   XS_PC_DM_OP_REQUEST       1 when the kernel may have a DM op request
 *   xs__pc_dm_op_missing()    is rc what a kernel without it answers?
 *   and, for privcmd-restrict.c: xs_pc_dm_op_t, xs_pc_dm_buf_t,
 *   XS_PC_IOCTL_DM_OP, xs__pc_dm_op_set(), xs__pc_dm_buf_set(),
 *   XS_PC_IOCTL_RESTRICT.
 *
 * Only the family files that an OS compiles may use a system call (the
 * fault-injection test fails every call site of the build, so a site an
 * OS can never reach would fail it): requests some kernels lack live in
 * their own file (privcmd-restrict.c), which the others replace.
 */
#ifndef XS_OSDEP_FAMILY_PRIVCMD_H
#define XS_OSDEP_FAMILY_PRIVCMD_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "devicemodel_private.h"
#include "foreignmemory_private.h"

/* ---- privcmd-call.c ---- */

/*
 * Open privcmd close-on-exec: the descriptor or -errno of the last
 * attempt.  *which (may be NULL) receives the index in XS_PC_PATHS of the
 * node tried last.
 */
int xs__privcmd_open(int *which);

/* Does this open() failure mean "no such device node here"? */
static inline int xs__privcmd_node_missing(int rc)
{
    return rc == -ENOENT || rc == -ENXIO || rc == -ENODEV;
}

/*
 * One hypercall through privcmd's HYPERCALL request on fd: 0 with the
 * result in *result, or -errno.  The result is what upstream's backend
 * of the OS returns: on Linux the int libc's ioctl() answered,
 * sign-extended (2^31 and more come out negative, and are values); on
 * the BSDs the long the kernel stores in the request.
 */
int xs__privcmd_hypercall(int fd, unsigned int op, const uint64_t args[5],
                          long *result);

/* ---- privcmd-fmem.c ---- */

/* Waiting for paged-out frames: a bounded exponential back-off. */
struct xs_privcmd_backoff {
    unsigned int next_us;
    unsigned int spent_us;
};

/* Sleep before the next retry; 0 once about a second has been spent. */
int xs__privcmd_backoff_wait(struct xs_privcmd_backoff *b);

/* ---- hypercall-safe memory (one implementation per OS family) ---- */

/*
 * len bytes (whole pages) of zeroed memory that stays put while the
 * hypervisor reads or writes it: locked, and kept out of fork children
 * so that no copy-on-write moves it.  0 with *out, or -errno.
 */
int xs__locked_pages_alloc(size_t len, void **out);
void xs__locked_pages_free(void *p, size_t len);

/* ---- privcmd-restrict.c: the requests NetBSD lacks ---- */

/* Narrow fd to domid: 0 or -errno (-EOPNOTSUPP without the request). */
int xs__privcmd_restrict(int fd, uint16_t domid);

/* One DM op through the kernel's DM_OP request: 0 or -errno. */
int xs__privcmd_dm_op(int fd, uint16_t domid, unsigned int nr_bufs,
                      const struct xs_dm_buf *bufs);

/* Is the DM_OP request there (the empty op upstream probes with)? */
enum xs_privcmd_dm_op_probe {
    XS_PC_DM_OP_ABSENT,
    XS_PC_DM_OP_PRESENT,
    XS_PC_DM_OP_RESTRICTED, /* present, but the handle is restricted */
};

/* One of the above, or -errno when the probe itself failed otherwise. */
int xs__privcmd_dm_op_probe(int fd);

#endif
