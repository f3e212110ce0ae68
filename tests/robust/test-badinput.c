/*
 * test-badinput.c - one table of bad inputs, each with the errno the
 * contract promises (docs/api/, upstream's behaviour as recorded in
 * the reference notes unless upstream crashes).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every row runs against freshly opened handles over the fake kernel
 * (tests/unit/fake_sys.h), then checks: the call failed (or, for rows
 * that document success, succeeded), errno is the row's, the kernel
 * was not asked when the row says the library must refuse by itself,
 * and afterwards every descriptor, mapping and heap block is released.
 *
 * Rows for restricted handles run after xentoolcore_restrict_all(): the
 * backend's driver fake then answers ioctls on descriptors the library
 * replaced with /dev/null the way the real /dev/null does (ENOTTY).
 *
 * Every backend runs every row.  A row needs the handles its expression
 * names (c->xce, c->xgt, ...); where the backend cannot open one of them
 * (EOPNOTSUPP without Xen drivers), the row's assertion is that the open
 * answered exactly the backend's errno, and its call is not made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenhypfs.h>
#include <xenmanage.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "alloc_count.h"
#include "backend.h"
#include "fake_sys.h"
#include "quiet_logger.h"

#define PAGE 4096UL
#define XS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define Q (&xs_quiet_logger)

struct ctx {
    xenevtchn_handle *xce;
    xengnttab_handle *xgt;
    xengntshr_handle *xgs;
    xencall_handle *xcall;
    xenforeignmemory_handle *fmem;
    xendevicemodel_handle *dmod;
    xenhypfs_handle *hypfs;
    xenmanage_handle *mng;
    void *gmap;             /* one granted page mapped through xgt */
    uint32_t refs[4], domids[4];
    xen_pfn_t pfns[4];
    int errs[4];
};

/* --- the table -------------------------------------------------------- */

/* A row's call: returns nonzero if the call reported failure. */
#define FAILS_PTR(e) ((e) == NULL)
#define FAILS_INT(e) ((e) < 0)

#define NOSYS 1     /* must be refused before any system call */
#define SYSOK 0     /* the kernel may be asked (it answers the errno) */
#define RESTRICTED 2    /* run after xentoolcore_restrict_all(1) */
/* the backend's errno for op, where it has one, instead of the row's */
#define UNLESS_BACKEND(op) (((op) + 1) << 8)
#define BACKEND_OP(flags) (((flags) >> 8) - 1)

/*
 * X(name, expected errno (0: must succeed), flags, failure expression).
 * `c` is the context with every handle open.
 */
#define BAD_INPUTS(X)                                                        \
    /* --- open flags with unknown bits --- */                              \
    X(evtchn_open_unknown_flag, EINVAL, NOSYS,                              \
      FAILS_PTR(xenevtchn_open(Q, 1u << 7)))                                \
    X(evtchn_open_all_flags, EINVAL, NOSYS,                                 \
      FAILS_PTR(xenevtchn_open(Q, ~0u)))                                    \
    X(evtchn_fdopen_no_cloexec, EINVAL, NOSYS,                              \
      FAILS_PTR(xenevtchn_fdopen(Q, 0, XENEVTCHN_NO_CLOEXEC)))              \
    X(evtchn_fdopen_unknown_flag, EINVAL, NOSYS,                            \
      FAILS_PTR(xenevtchn_fdopen(Q, 0, 1u << 31)))                          \
    X(manage_open_unknown_flag, EINVAL, NOSYS,                              \
      FAILS_PTR(xenmanage_open(Q, 1)))                                      \
    /* --- NULL handles where the contract checks them --- */               \
    X(evtchn_close_null, 0, NOSYS, FAILS_INT(xenevtchn_close(NULL)))        \
    X(gnttab_close_null, 0, NOSYS, FAILS_INT(xengnttab_close(NULL)))        \
    X(gntshr_close_null, 0, NOSYS, FAILS_INT(xengntshr_close(NULL)))        \
    X(call_close_null, 0, NOSYS, FAILS_INT(xencall_close(NULL)))            \
    X(fmem_close_null, 0, NOSYS, FAILS_INT(xenforeignmemory_close(NULL)))   \
    X(dm_close_null, 0, NOSYS, FAILS_INT(xendevicemodel_close(NULL)))       \
    X(hypfs_close_null, 0, NOSYS, FAILS_INT(xenhypfs_close(NULL)))          \
    X(manage_close_null, 0, NOSYS, FAILS_INT(xenmanage_close(NULL)))        \
    X(hypfs_read_null_handle, EBADF, NOSYS,                                 \
      FAILS_PTR(xenhypfs_read(NULL, "/")))                                  \
    X(manage_info_null_handle, EINVAL, NOSYS,                               \
      FAILS_INT(xenmanage_get_domain_info(NULL, 1, NULL, NULL, NULL)))      \
    X(manage_poll_null_domid, EINVAL, NOSYS,                                \
      FAILS_INT(xenmanage_poll_changed_domain(c->mng, NULL, NULL, NULL,     \
                                              NULL)))                       \
    X(fmem_unmap_resource_null, 0, NOSYS,                                   \
      FAILS_INT(xenforeignmemory_unmap_resource(c->fmem, NULL)))            \
    X(gnttab_unmap_null_addr, EINVAL, NOSYS,                                \
      FAILS_INT(xengnttab_unmap(c->xgt, NULL, 1)))                          \
    /* --- zero counts --- */                                               \
    X(gnttab_map_zero, EINVAL, NOSYS,                                       \
      FAILS_PTR(xengnttab_map_grant_refs(c->xgt, 0, c->domids, c->refs,     \
                                         PROT_READ)))                       \
    X(gnttab_map_domain_zero, EINVAL, NOSYS,                                \
      FAILS_PTR(xengnttab_map_domain_grant_refs(c->xgt, 0, 1, c->refs,      \
                                                PROT_READ)))                \
    X(gnttab_exp_zero, EINVAL, NOSYS,                                       \
      FAILS_INT(xengnttab_dmabuf_exp_from_refs(c->xgt, 1, 0, 0, c->refs,    \
                                               &c->refs[3])))               \
    X(gnttab_imp_zero, EINVAL, NOSYS,                                       \
      FAILS_INT(xengnttab_dmabuf_imp_to_refs(c->xgt, 1, 3, 0, c->refs)))    \
    X(gntshr_share_zero, EINVAL, NOSYS,                                     \
      FAILS_PTR(xengntshr_share_pages(c->xgs, 1, 0, c->refs, 1)))           \
    X(gntshr_share_negative, EINVAL, NOSYS,                                 \
      FAILS_PTR(xengntshr_share_pages(c->xgs, 1, -1, c->refs, 1)))          \
    X(gntshr_share_int_min, EINVAL, NOSYS,                                  \
      FAILS_PTR(xengntshr_share_pages(c->xgs, 1, INT_MIN, c->refs, 1)))     \
    X(fmem_map_zero, EINVAL, NOSYS,                                         \
      FAILS_PTR(xenforeignmemory_map(c->fmem, 1, PROT_READ, 0, c->pfns,     \
                                     c->errs)))                             \
    X(fmem_unmap_zero, EINVAL, NOSYS,                                       \
      FAILS_INT(xenforeignmemory_unmap(c->fmem, c->pfns, 0)))               \
    X(call_alloc_pages_zero, EINVAL, NOSYS,                                 \
      FAILS_PTR(xencall_alloc_buffer_pages(c->xcall, 0)))                   \
    /* --- overflowing counts, count x page size overflow --- */            \
    X(fmem_map_over_uint, EINVAL, NOSYS,                                    \
      FAILS_PTR(xenforeignmemory_map(c->fmem, 1, PROT_READ,                 \
                                     (size_t)UINT_MAX + 1, c->pfns,         \
                                     c->errs)))                             \
    X(fmem_map_bytes_overflow, EINVAL, NOSYS,                               \
      FAILS_PTR(xenforeignmemory_map(c->fmem, 1, PROT_READ,                 \
                                     SIZE_MAX / PAGE + 1, c->pfns,          \
                                     c->errs)))                             \
    X(fmem_map_size_max, EINVAL, NOSYS,                                     \
      FAILS_PTR(xenforeignmemory_map(c->fmem, 1, PROT_READ, SIZE_MAX,       \
                                     c->pfns, NULL)))                       \
    X(fmem_unmap_bytes_overflow, EINVAL, NOSYS,                             \
      FAILS_INT(xenforeignmemory_unmap(c->fmem, c->pfns,                    \
                                       SIZE_MAX / PAGE + 1)))               \
    X(fmem_resource_frames_overflow, EINVAL, NOSYS,                         \
      FAILS_PTR(xenforeignmemory_map_resource(c->fmem, 1, 0, 0, 0,          \
                                              SIZE_MAX / PAGE + 1, NULL,    \
                                              PROT_READ, 0)))               \
    X(fmem_resource_frame_over_32bit, EINVAL, NOSYS,                        \
      FAILS_PTR(xenforeignmemory_map_resource(c->fmem, 1, 0, 0,             \
                                              (unsigned long)UINT32_MAX + 1,\
                                              1, NULL, PROT_READ, 0)))      \
    X(call_alloc_pages_overflow, ENOMEM, NOSYS,                             \
      FAILS_PTR(xencall_alloc_buffer_pages(c->xcall, SIZE_MAX / PAGE + 1))) \
    X(call_alloc_pages_size_max, ENOMEM, NOSYS,                             \
      FAILS_PTR(xencall_alloc_buffer_pages(c->xcall, SIZE_MAX)))            \
    X(call_alloc_size_max, ENOMEM, NOSYS,                                   \
      FAILS_PTR(xencall_alloc_buffer(c->xcall, SIZE_MAX)))                  \
    X(call_alloc_size_header_overflow, ENOMEM, NOSYS,                       \
      FAILS_PTR(xencall_alloc_buffer(c->xcall, SIZE_MAX - 8)))              \
    /* --- flags with unknown bits, out-of-range values --- */              \
    X(fmem_resource_flag_fixed, EINVAL, NOSYS,                              \
      FAILS_PTR(xenforeignmemory_map_resource(c->fmem, 1, 0, 0, 0, 1,       \
                                              NULL, PROT_READ, MAP_FIXED))) \
    X(fmem_resource_flag_unknown, EINVAL, NOSYS,                            \
      FAILS_PTR(xenforeignmemory_map_resource(c->fmem, 1, 0, 0, 0, 1,       \
                                              NULL, PROT_READ, 1 << 30)))   \
    X(dm_mem_type_wrong_type, EINVAL, NOSYS,                                \
      FAILS_INT(xendevicemodel_map_mem_type_to_ioreq_server(c->dmod, 1, 0,  \
                                                            1, 0)))         \
    X(dm_mem_type_unknown_flag, EINVAL, NOSYS,                              \
      FAILS_INT(xendevicemodel_map_mem_type_to_ioreq_server(c->dmod, 1, 0,  \
                                                            4, 1u << 5)))   \
    X(dm_pcidev_device_range, EINVAL, NOSYS,                                \
      FAILS_INT(xendevicemodel_map_pcidev_to_ioreq_server(c->dmod, 1, 0, 0, \
                                                          0, 0x20, 0)))     \
    X(dm_pcidev_function_range, EINVAL, NOSYS,                              \
      FAILS_INT(xendevicemodel_unmap_pcidev_from_ioreq_server(c->dmod, 1,   \
                                                      0, 0, 0, 0, 8)))      \
    X(hypfs_path_too_long, ENAMETOOLONG, NOSYS,                             \
      FAILS_PTR(xenhypfs_read(c->hypfs, long_path)))                        \
    /* --- huge domids, DOMID_SELF where not allowed --- */                 \
    X(manage_info_domid_self, EINVAL, NOSYS,                                \
      FAILS_INT(xenmanage_get_domain_info(c->mng, 0x7FF0, NULL, NULL,       \
                                          NULL)))                           \
    X(manage_info_domid_invalid, EINVAL, NOSYS,                             \
      FAILS_INT(xenmanage_get_domain_info(c->mng, 0x7FF4, NULL, NULL,       \
                                          NULL)))                           \
    X(manage_info_domid_huge, EINVAL, NOSYS,                                \
      FAILS_INT(xenmanage_get_domain_info(c->mng, UINT_MAX, NULL, NULL,     \
                                          NULL)))                           \
    X(fmem_map_domid_over_16bit, EINVAL, NOSYS,                             \
      FAILS_PTR(xenforeignmemory_map(c->fmem, 0x10000, PROT_READ, 1,        \
                                     c->pfns, c->errs)))                    \
    X(fmem_map_domid_huge, EINVAL, NOSYS,                                   \
      FAILS_PTR(xenforeignmemory_map(c->fmem, UINT32_MAX, PROT_READ, 1,     \
                                     c->pfns, c->errs)))                    \
    /* --- unaligned addresses, counts that do not match --- */             \
    X(gnttab_unmap_wrong_count, EINVAL, NOSYS,                              \
      FAILS_INT(xengnttab_unmap(c->xgt, c->gmap, 2)))                       \
    X(gnttab_unmap_unaligned, EINVAL, NOSYS,                                \
      FAILS_INT(xengnttab_unmap(c->xgt, (char *)c->gmap + 1, 1)))           \
    X(gntshr_unshare_unaligned, EINVAL, NOSYS,                              \
      FAILS_INT(xengntshr_unshare(c->xgs, (char *)c->gmap + 1, 1)))         \
    X(fmem_map2_fixed_unaligned, EINVAL, SYSOK,                             \
      FAILS_PTR(xenforeignmemory_map2(c->fmem, 1, (char *)c->gmap + 1,      \
                                      PROT_READ, MAP_FIXED, 1, c->pfns,     \
                                      c->errs)))                            \
    X(fmem_unmap_unaligned, EINVAL, NOSYS,                                  \
      FAILS_INT(xenforeignmemory_unmap(c->fmem, (char *)c->gmap + 1, 1)))   \
    /* --- restricted handles --- */                                        \
    X(restricted_gnttab_map, ENOTTY, RESTRICTED,                            \
      FAILS_PTR(xengnttab_map_grant_ref(c->xgt, 2, 8, PROT_READ)))          \
    X(restricted_gnttab_copy, ENOTTY,                                       \
      RESTRICTED | UNLESS_BACKEND(XS_OP_GNTTAB_GRANT_COPY),                 \
      FAILS_INT(xengnttab_grant_copy(c->xgt, 1, copy_seg)))                 \
    X(restricted_call_hypercall, ENOTTY, RESTRICTED,                        \
      FAILS_INT(xencall1(c->xcall, 17, 0)))                                 \
    X(restricted_hypfs_read, ENOTTY, RESTRICTED,                            \
      FAILS_PTR(xenhypfs_read(c->hypfs, "/")))                              \
    X(restricted_manage_info, ENOTTY, RESTRICTED,                           \
      FAILS_INT(xenmanage_get_domain_info(c->mng, 1, NULL, NULL, NULL)))

static char long_path[8192];
static xengnttab_grant_copy_segment_t copy_seg[1];

#define ROW_FN(name, err, flags, expr)                                      \
    static int row_##name(struct ctx *c) { (void)c; return (expr); }
BAD_INPUTS(ROW_FN)

struct row {
    const char *name;
    int err;
    int flags;
    int (*fn)(struct ctx *c);
    const char *expr;           /* which handles it needs, by name */
};

#define ROW_ENTRY(name, err, flags, expr) \
    { #name, err, flags, row_##name, #expr },
static const struct row rows[] = { BAD_INPUTS(ROW_ENTRY) };
#define N_ROWS ((int)(sizeof(rows) / sizeof(rows[0])))

/* --- the harness ----------------------------------------------------- */

/* The handles of the context, the operation that opens each. */
static const struct {
    const char *field;          /* as a row's expression names it */
    enum xs_op op;
} handles[] = {
    { "c->xce", XS_OP_EVTCHN_OPEN }, { "c->xgt", XS_OP_GNTTAB_OPEN },
    { "c->gmap", XS_OP_GNTTAB_OPEN }, { "c->xgs", XS_OP_GNTSHR_OPEN },
    { "c->xcall", XS_OP_CALL_OPEN }, { "c->fmem", XS_OP_FMEM_OPEN },
    { "c->dmod", XS_OP_DM_OPEN }, { "c->hypfs", XS_OP_CALL_OPEN },
    { "c->mng", XS_OP_CALL_OPEN },
};

/*
 * Open every handle.  Each open must do what the backend promises:
 * 0 on success, else -1 (the row fails).  *missing gets the errno the
 * backend answers for a handle the row needs but cannot have, or 0.
 */
static int open_all(struct ctx *c, const struct row *r, int *missing)
{
    void *got[XS_ARRAY_LEN(handles)];
    int errs[XS_ARRAY_LEN(handles)], rc = 0;

    memset(c, 0, sizeof(*c));
#define OPEN(i, field, expr) \
    (errno = 0, c->field = (expr), got[i] = c->field, errs[i] = errno)
    OPEN(0, xce, xenevtchn_open(Q, 0));
    OPEN(1, xgt, xengnttab_open(Q, 0));
    OPEN(3, xgs, xengntshr_open(Q, 0));
    OPEN(4, xcall, xencall_open(Q, 0));
    OPEN(5, fmem, xenforeignmemory_open(Q, 0));
    OPEN(6, dmod, xendevicemodel_open(Q, 0));
    OPEN(7, hypfs, xenhypfs_open(Q, 0));
    OPEN(8, mng, xenmanage_open(Q, 0));
#undef OPEN
    got[2] = got[1];
    errs[2] = errs[1];
    if (c->xgt) {
        c->gmap = xengnttab_map_grant_ref(c->xgt, 1, 8,
                                          PROT_READ | PROT_WRITE);
        got[2] = c->gmap;
        errs[2] = errno;
    }
    *missing = 0;
    for (size_t i = 0; i < XS_ARRAY_LEN(handles); i++) {
        int want = xs_expect(handles[i].op);

        if (got[i] ? want != 0 : errs[i] != want || !want) {
            printf("# %s: %s %s, backend %s promises %s\n", r->name,
                   handles[i].field, got[i] ? "opened" : strerror(errs[i]),
                   xs_backend.name, want ? strerror(want) : "success");
            rc = -1;
        }
        if (!got[i] && strstr(r->expr, handles[i].field))
            *missing = want;
    }
    return rc;
}

static int close_all(struct ctx *c, int restricted)
{
    int rc = 0;

    /*
     * After restrict the gntdev descriptor is /dev/null: munmap works,
     * releasing the slots answers ENOTTY (as upstream); the close then
     * gives everything back.  The mapping check below still applies.
     */
    if (c->gmap && xengnttab_unmap(c->xgt, c->gmap, 1) < 0 &&
        !(restricted && errno == ENOTTY))
        rc = -1;
    rc |= xenevtchn_close(c->xce);
    rc |= xengnttab_close(c->xgt);
    rc |= xengntshr_close(c->xgs);
    rc |= xencall_close(c->xcall);
    rc |= xenforeignmemory_close(c->fmem);
    rc |= xendevicemodel_close(c->dmod);
    rc |= xenhypfs_close(c->hypfs);
    rc |= xenmanage_close(c->mng);
    return rc;
}

/*
 * xentoolcore_restrict_all(1) for the RESTRICTED rows.  A handle the
 * backend cannot narrow (no evtchn restrict on the BSDs) makes
 * restrict_all fail, as upstream, whatever else was restricted
 * (test-evtchn and friends check that): such handles are closed first,
 * so that the rows test the handles that can be restricted.
 */
static int restrict_all(struct ctx *c)
{
    if (xs_expect(XS_OP_EVTCHN_RESTRICT)) {
        xenevtchn_close(c->xce);
        c->xce = NULL;
    }
    if (xs_expect(XS_OP_FMEM_RESTRICT)) {
        xenforeignmemory_close(c->fmem);
        c->fmem = NULL;
    }
    if (xs_expect(XS_OP_DM_RESTRICT)) {
        xendevicemodel_close(c->dmod);
        c->dmod = NULL;
    }
    return xentoolcore_restrict_all(1);
}

int main(void)
{
    int failures = 0;

    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[0] = '/';
    printf("1..%d\n", N_ROWS);
    for (int i = 0; i < N_ROWS; i++) {
        const struct row *r = &rows[i];
        struct ctx c;
        int failed, err, calls, missing, want, ok = 1;

        xs_backend.install(0);
        alloc_count_reset();
        if (open_all(&c, r, &missing) < 0) {
            printf("not ok %d - %s # the handles did not open as the"
                   " backend promises\n", i + 1, r->name);
            failures++;
            close_all(&c, 0);
            fake_sys_uninstall();
            continue;
        }
        if (missing) {
            /* the backend's answer to the open is the row's result */
            close_all(&c, 0);
            ok = !fake_sys_open_fds() && !fake_sys_live_mappings() &&
                 !alloc_count_live();
            fake_sys_uninstall();
            printf("%s %d - %s (%s: no such handle on %s)\n",
                   ok ? "ok" : "not ok", i + 1, r->name,
                   strerrorname_np(missing), xs_backend.name);
            failures += !ok;
            continue;
        }
        if ((r->flags & RESTRICTED) && restrict_all(&c) < 0) {
            printf("not ok %d - %s # restrict_all failed\n", i + 1, r->name);
            failures++;
        }
        want = r->err;
        if ((r->flags >> 8) && xs_expect(BACKEND_OP(r->flags)))
            want = xs_expect(BACKEND_OP(r->flags));
        calls = fake_sys_count_all();
        errno = 0;
        failed = r->fn(&c);
        err = errno;
        calls = fake_sys_count_all() - calls;

        if (want == 0 && failed) {
            printf("# %s: failed (%s), must succeed\n", r->name,
                   strerrorname_np(err));
            ok = 0;
        } else if (want && !failed) {
            printf("# %s: succeeded, must fail with %s\n", r->name,
                   strerrorname_np(want));
            ok = 0;
        } else if (want && err != want) {
            printf("# %s: errno %s, must be %s\n", r->name,
                   strerrorname_np(err), strerrorname_np(want));
            ok = 0;
        }
        if ((r->flags & NOSYS) && calls) {
            printf("# %s: made %d system calls, must make none\n", r->name,
                   calls);
            ok = 0;
        }
        if (close_all(&c, r->flags & RESTRICTED) < 0) {
            printf("# %s: closing the handles failed\n", r->name);
            ok = 0;
        }
        if (fake_sys_open_fds() || fake_sys_live_mappings() ||
            alloc_count_live()) {
            printf("# %s: left %d fds, %d mappings, %ld heap blocks\n",
                   r->name, fake_sys_open_fds(), fake_sys_live_mappings(),
                   alloc_count_live());
            ok = 0;
        }
        fake_sys_uninstall();
        printf("%s %d - %s (%s)\n", ok ? "ok" : "not ok", i + 1, r->name,
               want ? strerrorname_np(want) : "success");
        failures += !ok;
    }
    return failures ? 1 : 0;
}
