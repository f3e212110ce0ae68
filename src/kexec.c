/*
 * kexec.c - xenkexec (XENSTABLE_1.1): what kexec-tools needs from Xen,
 * over the stable kexec_op, xen_version and XENMEM_machine_memory_map
 * hypercalls, on an internal xencall handle (OS-independent, like hypfs
 * and manage).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every argument Xen reads or writes lives in a hypercall buffer; the
 * caller's memory is copied in and out here, so callers never deal with
 * hypercall buffers (kexec-tools had to, with libxenctrl).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <xencall.h>
#include <xenkexec.h>
#include <xentoollog.h>
#include <xen/xen.h>
#include <xen/kexec.h>
#include <xen/memory.h>
#include <xen/version.h>

#include "xs_internal.h"
#include "xcall_user.h"

struct xenkexec_handle {
    XS_XCALL_USER_FIELDS        /* see xcall_user.h */
};

/* Xen's E820 entry: packed, 20 bytes (addr, size, type). */
#define E820_ENTRY_SIZE 20

XS_API xenkexec_handle *xenkexec_open(xentoollog_logger *logger,
                                      unsigned int open_flags)
{
    if (open_flags) {               /* none defined yet */
        errno = EINVAL;
        return NULL;
    }
    return xs__xcall_user_open(sizeof(xenkexec_handle), logger);
}

XS_API int xenkexec_close(xenkexec_handle *xk)
{
    return xs__xcall_user_close(xk);
}

/* kexec_op(cmd, arg) with arg (size bytes) bounced through a buffer. */
static int kexec_op(xenkexec_handle *xk, unsigned int cmd, void *arg,
                    size_t size)
{
    const uint64_t c = cmd;

    return xs__xencall_bounce(xk->xcall, __HYPERVISOR_kexec_op, &c, arg,
                              size);
}

/* --- the hypervisor --------------------------------------------------- */

XS_API int xenkexec_version(xenkexec_handle *xk, unsigned int *major,
                            unsigned int *minor)
{
    int v;

    if (!xk || !major || !minor)
        return xs__ret(-EINVAL);
    v = xencall2(xk->xcall, __HYPERVISOR_xen_version, XENVER_version, 0);
    if (v < 0)
        return -1;
    *major = (unsigned int)v >> 16;
    *minor = (unsigned int)v & 0xffff;
    return 0;
}

/* Size of the fixed buffer Xen fills for a string sub-op, or 0. */
static size_t version_string_size(unsigned int which)
{
    switch (which) {
    case XENVER_extraversion:  return sizeof(xen_extraversion_t);
    case XENVER_capabilities:  return sizeof(xen_capabilities_info_t);
    case XENVER_changeset:     return sizeof(xen_changeset_info_t);
    case XENVER_commandline:   return sizeof(xen_commandline_t);
    default:                   return 0;
    }
}

XS_API int xenkexec_version_string(xenkexec_handle *xk, unsigned int which,
                                   char *buf, size_t len)
{
    /* room for the largest of the strings Xen fills */
    union {
        xen_extraversion_t extra;
        xen_capabilities_info_t caps;
        xen_changeset_info_t changeset;
        xen_commandline_t cmdline;
    } v;
    const uint64_t cmd = which;
    size_t size = version_string_size(which), n;
    int rc;

    if (!xk || !size || (!buf && len))
        return xs__ret(-EINVAL);
    memset(&v, 0, size);
    rc = xs__xencall_bounce(xk->xcall, __HYPERVISOR_xen_version, &cmd, &v,
                            size);
    if (rc < 0)
        return xs__ret(rc);
    /* Xen fills a fixed array and need not terminate a full one. */
    n = strnlen((const char *)&v, size);
    if (n >= len || n > INT_MAX)
        return xs__ret(-ERANGE);
    memcpy(buf, &v, n);
    buf[n] = '\0';
    return (int)n;
}

/*
 * XENMEM_machine_memory_map with a NULL buffer only counts the entries
 * (reserved holes included); with a buffer Xen insists on room for one
 * more than its E820 has.  So: count, then fetch into count + 1.
 */
static int memory_map_count(xenkexec_handle *xk, unsigned int *count)
{
    const uint64_t cmd = XENMEM_machine_memory_map;
    struct xen_memory_map m;
    int rc;

    memset(&m, 0, sizeof(m));
    rc = xs__xencall_bounce(xk->xcall, __HYPERVISOR_memory_op, &cmd, &m,
                            sizeof(m));
    if (rc >= 0)
        *count = m.nr_entries;
    return rc < 0 ? rc : 0;
}

static int memory_map_fetch(xenkexec_handle *xk, unsigned int room,
                            xenkexec_memory_range *out, unsigned int max,
                            unsigned int *got)
{
    struct xen_memory_map *m = NULL;
    unsigned char *ents = NULL;
    size_t bytes;
    int rc = 0;

    if (xs__mul_overflows(room, E820_ENTRY_SIZE, &bytes))
        return -ENOMEM;
    m = xencall_alloc_buffer(xk->xcall, sizeof(*m));
    ents = xencall_alloc_buffer(xk->xcall, bytes);
    if (!m || !ents) {
        rc = -ENOMEM;
        goto out;
    }
    memset(m, 0, sizeof(*m));
    m->nr_entries = room;
    set_xen_guest_handle(m->buffer, ents);
    if (xencall2(xk->xcall, __HYPERVISOR_memory_op, XENMEM_machine_memory_map,
                 (uint64_t)(uintptr_t)m) < 0) {
        rc = xs__neg_errno();
        goto out;
    }
    if (m->nr_entries > room) {         /* Xen promised not to */
        rc = -EIO;
        goto out;
    }
    *got = m->nr_entries;
    if (*got > max) {
        rc = -ENOBUFS;
        goto out;
    }
    for (unsigned int i = 0; i < *got; i++) {
        const unsigned char *e = ents + (size_t)i * E820_ENTRY_SIZE;

        memcpy(&out[i].addr, e, 8);
        memcpy(&out[i].size, e + 8, 8);
        memcpy(&out[i].type, e + 16, 4);
        out[i].pad = 0;
    }
out:
    XS_PRESERVE_ERRNO(xencall_free_buffer(xk->xcall, ents);
                      xencall_free_buffer(xk->xcall, m));
    return rc;
}

XS_API int xenkexec_machine_memory_map(xenkexec_handle *xk,
                                       xenkexec_memory_range *ranges,
                                       unsigned int max_ranges)
{
    unsigned int count = 0, got = 0;
    int rc;

    if (!xk || (!ranges && max_ranges) || max_ranges > INT_MAX)
        return xs__ret(-EINVAL);
    rc = memory_map_count(xk, &count);
    if (rc < 0)
        return xs__ret(rc);
    if (count > INT_MAX - 2)
        return xs__ret(-EIO);
    if (max_ranges == 0)
        return (int)count;
    rc = memory_map_fetch(xk, count + 1, ranges, max_ranges, &got);
    return xs__ret(rc < 0 ? rc : (int)got);
}

/* --- kexec images ----------------------------------------------------- */

XS_API int xenkexec_get_range(xenkexec_handle *xk, int range, int nr,
                              uint64_t *size, uint64_t *start)
{
    xen_kexec_range_t r;
    int rc;

    if (!xk || !size || !start)
        return xs__ret(-EINVAL);
    memset(&r, 0, sizeof(r));
    r.range = range;
    r.nr = nr;
    rc = kexec_op(xk, KEXEC_CMD_kexec_get_range, &r, sizeof(r));
    if (rc == 0) {
        *size = r.size;
        *start = r.start;
    }
    return xs__ret(rc);
}

/*
 * Xen checks nr against its CPU-id count before anything else and
 * answers ERANGE past it; below it the answer is a range, or EINVAL when
 * no crash area exists (no crash notes to report).  Either way it tells
 * whether CPU id nr exists, on every Xen with kexec.
 */
static int cpu_id_exists(xenkexec_handle *xk, int nr)
{
    xen_kexec_range_t r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.range = KEXEC_RANGE_MA_CPU;
    r.nr = nr;
    rc = kexec_op(xk, KEXEC_CMD_kexec_get_range, &r, sizeof(r));
    if (rc == 0 || rc == -EINVAL)
        return 1;
    if (rc == -ERANGE)
        return 0;
    return rc;
}

XS_API int xenkexec_nr_cpus(xenkexec_handle *xk)
{
    int lo = 0, hi = 1, rc;          /* lo exists, hi is the probe */

    if (!xk)
        return xs__ret(-EINVAL);
    rc = cpu_id_exists(xk, 0);
    if (rc <= 0)
        return xs__ret(rc < 0 ? rc : -EIO);     /* no CPU 0: nonsense */
    /* Double until an id is missing, then bisect: O(log n) calls. */
    for (;;) {
        rc = cpu_id_exists(xk, hi);
        if (rc < 0)
            return xs__ret(rc);
        if (!rc)
            break;
        lo = hi;
        if (hi > INT_MAX / 2)
            return xs__ret(-EIO);
        hi *= 2;
    }
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;

        rc = cpu_id_exists(xk, mid);
        if (rc < 0)
            return xs__ret(rc);
        if (rc)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

static int check_segments(uint32_t nr, const xenkexec_segment *segs)
{
    if (nr && !segs)
        return -EINVAL;
    for (uint32_t i = 0; i < nr; i++)
        if ((segs[i].buf_size && !segs[i].buf) ||
            segs[i].buf_size > segs[i].dest_size)
            return -EINVAL;
    return 0;
}

XS_API int xenkexec_load(xenkexec_handle *xk, uint8_t type, uint16_t arch,
                         uint64_t entry_maddr, uint32_t nr_segments,
                         const xenkexec_segment *segments)
{
    xen_kexec_load_t *load = NULL;
    xen_kexec_segment_t *xsegs = NULL;
    void **bounce = NULL;
    size_t bytes;
    uint32_t i;
    int rc;

    if (!xk)
        return xs__ret(-EINVAL);
    rc = check_segments(nr_segments, segments);
    if (rc < 0)
        return xs__ret(rc);
    if (xs__mul_overflows(nr_segments, sizeof(*xsegs), &bytes) ||
        !(bounce = calloc(nr_segments ? nr_segments : 1, sizeof(*bounce))))
        return xs__ret(-ENOMEM);
    load = xencall_alloc_buffer(xk->xcall, sizeof(*load));
    xsegs = xencall_alloc_buffer(xk->xcall, bytes ? bytes : 1);
    if (!load || !xsegs) {
        rc = -ENOMEM;
        goto out;
    }
    for (i = 0; i < nr_segments; i++) {
        memset(&xsegs[i], 0, sizeof(xsegs[i]));
        if (segments[i].buf_size) {
            bounce[i] = xencall_alloc_buffer(xk->xcall, segments[i].buf_size);
            if (!bounce[i]) {
                rc = -ENOMEM;
                goto out;
            }
            memcpy(bounce[i], segments[i].buf, segments[i].buf_size);
        }
        set_xen_guest_handle(xsegs[i].buf.h, bounce[i]);
        xsegs[i].buf_size = segments[i].buf_size;
        xsegs[i].dest_maddr = segments[i].dest_maddr;
        xsegs[i].dest_size = segments[i].dest_size;
    }
    memset(load, 0, sizeof(*load));
    load->type = type;
    load->arch = arch;
    load->nr_segments = nr_segments;
    set_xen_guest_handle(load->segments.h, xsegs);
    load->entry_maddr = entry_maddr;
    if (xencall2(xk->xcall, __HYPERVISOR_kexec_op, KEXEC_CMD_kexec_load,
                 (uint64_t)(uintptr_t)load) < 0)
        rc = xs__neg_errno();
out:
    XS_PRESERVE_ERRNO(
        for (i = 0; i < nr_segments; i++)
            xencall_free_buffer(xk->xcall, bounce[i]);
        xencall_free_buffer(xk->xcall, xsegs);
        xencall_free_buffer(xk->xcall, load);
        free(bounce));
    return xs__ret(rc);
}

XS_API int xenkexec_unload(xenkexec_handle *xk, int type)
{
    xen_kexec_unload_t u;

    if (!xk || type < 0 || type > UINT8_MAX)  /* the ABI field is uint8_t */
        return xs__ret(-EINVAL);
    memset(&u, 0, sizeof(u));
    u.type = (uint8_t)type;
    return xs__ret(kexec_op(xk, KEXEC_CMD_kexec_unload, &u, sizeof(u)));
}

XS_API int xenkexec_status(xenkexec_handle *xk, int type)
{
    xen_kexec_status_t s;

    if (!xk || type < 0 || type > UINT8_MAX)
        return xs__ret(-EINVAL);
    memset(&s, 0, sizeof(s));
    s.type = (uint8_t)type;
    return xs__ret(kexec_op(xk, KEXEC_CMD_kexec_status, &s, sizeof(s)));
}

XS_API int xenkexec_exec(xenkexec_handle *xk, int type)
{
    xen_kexec_exec_t x;

    if (!xk)
        return xs__ret(-EINVAL);
    memset(&x, 0, sizeof(x));
    x.type = type;
    return xs__ret(kexec_op(xk, KEXEC_CMD_kexec, &x, sizeof(x)));
}
