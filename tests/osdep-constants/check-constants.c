/*
 * check-constants.c - compare our BSD Xen declarations with a table of
 * numbers computed from the real kernel headers.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Usage: check-constants TABLE.tsv  (TAP on stdout, exit 1 on failure)
 *
 * The program knows every constant the declarations define (the list
 * below, built from the headers' own macros, sizeof and offsetof); the
 * table (bsd-constants.tsv) knows what the kernels use.  Every table row
 * must name a known constant with the same value, and every known
 * constant must have a row: a declaration nobody checks, or a table row
 * nothing declares, both fail.  selftest.py proves that changing any one
 * number, deleting any row or adding an unknown one makes this fail.
 *
 * Built on every host: the headers are plain C11 with fixed-width types,
 * which is the point of writing the BSD encoding out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osdep/bsd-evtchn-uapi.h"
#include "osdep/bsd-ioccom.h"
#include "osdep/bsd-privcmd-uapi.h"
#include "osdep/freebsd/freebsd-xen-uapi.h"
#include "osdep/netbsd/netbsd-xen-uapi.h"

struct known {
    const char *os, *kind, *name;
    unsigned long long value;
    const char *text; /* kind "path": the string */
    int seen;
};

/* One row per macro call; kept on one line each, as a table. */
/* clang-format off */
#define BSD_CONST(name, v) { "bsd", "const", name, (v), NULL, 0 }
#define BSD_IOCTL(name) \
    { "bsd", "ioctl", #name, XS_BSD_IOCTL_##name, NULL, 0 }
#define BSD_SIZE(t) { "bsd", "size", #t, sizeof(struct xs_bsd_##t), NULL, 0 }
#define BSD_OFF(t, m) { "bsd", "offset", #t "." #m, \
                        offsetof(struct xs_bsd_##t, m), NULL, 0 }

#define FB_PATH(name) { "freebsd", "path", #name, 0, XS_FREEBSD_##name, 0 }
#define FB_IOCTL(name) \
    { "freebsd", "ioctl", #name, XS_FREEBSD_IOCTL_##name, NULL, 0 }
#define FB_CONST(name) { "freebsd", "const", #name, XS_FREEBSD_##name, NULL, 0 }
#define FB_SIZE(t) \
    { "freebsd", "size", #t, sizeof(struct xs_freebsd_##t), NULL, 0 }
#define FB_OFF(t, m) { "freebsd", "offset", #t "." #m, \
                       offsetof(struct xs_freebsd_##t, m), NULL, 0 }

#define NB_PATH(name) { "netbsd", "path", #name, 0, XS_NETBSD_##name, 0 }
#define NB_IOCTL(name) \
    { "netbsd", "ioctl", #name, XS_NETBSD_IOCTL_##name, NULL, 0 }
#define NB_CONST(name) { "netbsd", "const", #name, XS_NETBSD_##name, NULL, 0 }
#define NB_SIZE(t) \
    { "netbsd", "size", #t, sizeof(struct xs_netbsd_##t), NULL, 0 }
#define NB_OFF(t, m) { "netbsd", "offset", #t "." #m, \
                       offsetof(struct xs_netbsd_##t, m), NULL, 0 }
/* clang-format on */

static struct known known[] = {
    BSD_CONST("IOC_VOID", XS_BSD_IOC_VOID),
    BSD_CONST("IOC_OUT", XS_BSD_IOC_OUT),
    BSD_CONST("IOC_IN", XS_BSD_IOC_IN),
    BSD_CONST("IOCPARM_MASK", XS_BSD_IOCPARM_MASK),
    { "bsd", "ioctl", "FIONBIO", XS_BSD_FIONBIO, NULL, 0 },
    { "bsd", "ioctl", "FIOASYNC", XS_BSD_FIOASYNC, NULL, 0 },
    BSD_IOCTL(EVTCHN_BIND_VIRQ),
    BSD_IOCTL(EVTCHN_BIND_INTERDOMAIN),
    BSD_IOCTL(EVTCHN_BIND_UNBOUND_PORT),
    BSD_IOCTL(EVTCHN_UNBIND),
    BSD_IOCTL(EVTCHN_NOTIFY),
    BSD_IOCTL(EVTCHN_RESET),
    BSD_SIZE(evtchn_bind_virq),
    BSD_OFF(evtchn_bind_virq, virq),
    BSD_OFF(evtchn_bind_virq, port),
    BSD_SIZE(evtchn_bind_interdomain),
    BSD_OFF(evtchn_bind_interdomain, remote_domain),
    BSD_OFF(evtchn_bind_interdomain, remote_port),
    BSD_OFF(evtchn_bind_interdomain, port),
    BSD_SIZE(evtchn_bind_unbound_port),
    BSD_OFF(evtchn_bind_unbound_port, remote_domain),
    BSD_OFF(evtchn_bind_unbound_port, port),
    BSD_SIZE(evtchn_port),
    BSD_OFF(evtchn_port, port),
    BSD_CONST("EVTCHN_PENDING_PORT_SIZE", sizeof(xs_bsd_evtchn_pending_t)),
    BSD_SIZE(privcmd_hypercall),
    BSD_OFF(privcmd_hypercall, op),
    BSD_OFF(privcmd_hypercall, arg),
    BSD_OFF(privcmd_hypercall, retval),
    BSD_SIZE(privcmd_mmapbatch),
    BSD_OFF(privcmd_mmapbatch, num),
    BSD_OFF(privcmd_mmapbatch, dom),
    BSD_OFF(privcmd_mmapbatch, addr),
    BSD_OFF(privcmd_mmapbatch, arr),
    BSD_OFF(privcmd_mmapbatch, err),
    BSD_SIZE(privcmd_mmap_resource),
    BSD_OFF(privcmd_mmap_resource, dom),
    BSD_OFF(privcmd_mmap_resource, type),
    BSD_OFF(privcmd_mmap_resource, id),
    BSD_OFF(privcmd_mmap_resource, idx),
    BSD_OFF(privcmd_mmap_resource, num),
    BSD_OFF(privcmd_mmap_resource, addr),
    BSD_CONST("UNMAP_NOTIFY_CLEAR_BYTE", XS_BSD_UNMAP_NOTIFY_CLEAR_BYTE),
    BSD_CONST("UNMAP_NOTIFY_SEND_EVENT", XS_BSD_UNMAP_NOTIFY_SEND_EVENT),
    BSD_CONST("GNT_ALLOC_FLAG_WRITABLE", XS_BSD_GNT_ALLOC_FLAG_WRITABLE),
    BSD_CONST("INHERIT_NONE", XS_BSD_INHERIT_NONE),
    BSD_SIZE(grant_ref),
    BSD_OFF(grant_ref, domid),
    BSD_OFF(grant_ref, ref),

    FB_PATH(PRIVCMD_DEV),
    FB_PATH(EVTCHN_DEV),
    FB_PATH(GNTDEV_DEV),
    FB_IOCTL(PRIVCMD_HYPERCALL),
    FB_IOCTL(PRIVCMD_MMAPBATCH),
    FB_IOCTL(PRIVCMD_MMAP_RESOURCE),
    FB_IOCTL(PRIVCMD_MMAP_RESOURCE_RW),
    FB_IOCTL(PRIVCMD_DM_OP),
    FB_IOCTL(PRIVCMD_RESTRICT),
    FB_IOCTL(GNTDEV_SET_UNMAP_NOTIFY),
    FB_IOCTL(GNTDEV_ALLOC_GREF),
    FB_IOCTL(GNTDEV_DEALLOC_GREF),
    FB_IOCTL(GNTDEV_MAP_GRANT_REF),
    FB_IOCTL(GNTDEV_UNMAP_GRANT_REF),
    FB_IOCTL(GNTDEV_GET_OFFSET_FOR_VADDR),
    FB_SIZE(privcmd_dmop_buf),
    FB_OFF(privcmd_dmop_buf, uptr),
    FB_OFF(privcmd_dmop_buf, size),
    FB_SIZE(privcmd_dmop),
    FB_OFF(privcmd_dmop, dom),
    FB_OFF(privcmd_dmop, num),
    FB_OFF(privcmd_dmop, ubufs),
    FB_CONST(PRIVCMD_DMOP_MAX_BUFS),
    FB_CONST(PRIVCMD_BATCH_CHUNK),
    FB_SIZE(gntdev_unmap_notify),
    FB_OFF(gntdev_unmap_notify, index),
    FB_OFF(gntdev_unmap_notify, action),
    FB_OFF(gntdev_unmap_notify, event_channel_port),
    FB_SIZE(gntdev_alloc_gref),
    FB_OFF(gntdev_alloc_gref, domid),
    FB_OFF(gntdev_alloc_gref, flags),
    FB_OFF(gntdev_alloc_gref, count),
    FB_OFF(gntdev_alloc_gref, index),
    FB_OFF(gntdev_alloc_gref, gref_ids),
    FB_SIZE(gntdev_index_count),
    FB_OFF(gntdev_index_count, index),
    FB_OFF(gntdev_index_count, count),
    FB_SIZE(gntdev_map_grant_ref),
    FB_OFF(gntdev_map_grant_ref, count),
    FB_OFF(gntdev_map_grant_ref, index),
    FB_OFF(gntdev_map_grant_ref, refs),
    FB_SIZE(gntdev_get_offset_for_vaddr),
    FB_OFF(gntdev_get_offset_for_vaddr, vaddr),
    FB_OFF(gntdev_get_offset_for_vaddr, offset),
    FB_OFF(gntdev_get_offset_for_vaddr, count),
    { "freebsd", "const", "EVTCHN_UNMASK_PORT_SIZE",
      sizeof(xs_freebsd_evtchn_unmask_t), NULL, 0 },

    NB_PATH(PRIVCMD_DEV),
    NB_PATH(EVTCHN_DEV),
    NB_IOCTL(PRIVCMD_HYPERCALL),
    NB_IOCTL(PRIVCMD_MMAP),
    NB_IOCTL(PRIVCMD_MMAPBATCH),
    NB_IOCTL(PRIVCMD_MMAPBATCH_V2),
    NB_IOCTL(PRIVCMD_MMAP_RESOURCE),
    NB_IOCTL(GNTDEV_MMAP_GRANT_REF),
    NB_IOCTL(GNTDEV_ALLOC_GRANT_REF),
    NB_CONST(PRIVCMD_HYPERCALL_MAX_OP),
    NB_SIZE(privcmd_mmap),
    NB_OFF(privcmd_mmap, num),
    NB_OFF(privcmd_mmap, dom),
    NB_OFF(privcmd_mmap, entry),
    NB_SIZE(privcmd_mmapbatch),
    NB_OFF(privcmd_mmapbatch, num),
    NB_OFF(privcmd_mmapbatch, dom),
    NB_OFF(privcmd_mmapbatch, addr),
    NB_OFF(privcmd_mmapbatch, arr),
    NB_SIZE(gntdev_grant_notify),
    NB_OFF(gntdev_grant_notify, offset),
    NB_OFF(gntdev_grant_notify, action),
    NB_OFF(gntdev_grant_notify, event_channel_port),
    NB_SIZE(gntdev_mmap_grant_ref),
    NB_OFF(gntdev_mmap_grant_ref, count),
    NB_OFF(gntdev_mmap_grant_ref, va),
    NB_OFF(gntdev_mmap_grant_ref, notify),
    NB_OFF(gntdev_mmap_grant_ref, refs),
    NB_SIZE(gntdev_alloc_grant_ref),
    NB_OFF(gntdev_alloc_grant_ref, domid),
    NB_OFF(gntdev_alloc_grant_ref, flags),
    NB_OFF(gntdev_alloc_grant_ref, count),
    NB_OFF(gntdev_alloc_grant_ref, va),
    NB_OFF(gntdev_alloc_grant_ref, notify),
    NB_OFF(gntdev_alloc_grant_ref, gref_ids),
    { "netbsd", "const", "EVTCHN_UNMASK_PORT_SIZE",
      sizeof(xs_netbsd_evtchn_unmask_t), NULL, 0 },
    NB_CONST(NR_EVENT_CHANNELS),
};

#define N_KNOWN (sizeof(known) / sizeof(known[0]))

static int test_no;
static int failed;

static void tap(int ok, const char *fmt, const char *a, const char *b,
                const char *c, const char *detail)
{
    printf("%s %d - ", ok ? "ok" : "not ok", ++test_no);
    printf(fmt, a, b, c);
    if (detail)
        printf(" # %s", detail);
    printf("\n");
    if (!ok)
        failed = 1;
}

static struct known *lookup(const char *os, const char *kind, const char *name)
{
    for (size_t i = 0; i < N_KNOWN; i++) {
        if (!strcmp(known[i].os, os) && !strcmp(known[i].kind, kind) &&
            !strcmp(known[i].name, name))
            return &known[i];
    }
    return NULL;
}

/* Split a line at tabs in place; returns the number of fields. */
static int split_tabs(char *line, char **field, int max)
{
    int n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        field[n++] = line;
        line = strchr(line, '\t');
        if (!line)
            break;
        *line++ = '\0';
    }
    return n;
}

static void check_row(char **f, int lineno)
{
    char what[256], detail[160];
    struct known *k = lookup(f[0], f[1], f[2]);

    snprintf(what, sizeof(what), "line %d", lineno);
    if (!k) {
        tap(0, "%s %s %s is declared", f[0], f[1], f[2],
            "no such constant in the headers");
        return;
    }
    if (k->seen) {
        tap(0, "%s %s %s appears once", f[0], f[1], f[2], what);
        return;
    }
    k->seen = 1;
    if (k->text) {
        snprintf(detail, sizeof(detail), "header says \"%s\"", k->text);
        tap(!strcmp(k->text, f[3]), "%s %s %s", f[0], f[1], f[2],
            strcmp(k->text, f[3]) ? detail : NULL);
        return;
    }
    {
        char *end;
        unsigned long long want;

        errno = 0;
        want = strtoull(f[3], &end, 0);
        if (errno || *end || end == f[3]) {
            tap(0, "%s %s %s has a number", f[0], f[1], f[2], what);
            return;
        }
        snprintf(detail, sizeof(detail), "header gives 0x%llx, table 0x%llx",
                 k->value, want);
        tap(k->value == want, "%s %s %s", f[0], f[1], f[2],
            k->value == want ? NULL : detail);
    }
}

int main(int argc, char **argv)
{
    FILE *fp;
    char line[512];
    int lineno = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s TABLE.tsv\n", argv[0]);
        return 2;
    }
    fp = fopen(argv[1], "r");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    while (fgets(line, sizeof(line), fp)) {
        char *f[6];
        int n;

        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        n = split_tabs(line, f, 6);
        if (n != 5) {
            char where[32];

            snprintf(where, sizeof(where), "line %d", lineno);
            tap(0, "%s%s%s has 5 tab-separated fields", where, "", "", NULL);
            continue;
        }
        check_row(f, lineno);
    }
    fclose(fp);

    for (size_t i = 0; i < N_KNOWN; i++) {
        if (!known[i].seen)
            tap(0, "%s %s %s is in the table", known[i].os, known[i].kind,
                known[i].name, "declared but never checked");
    }
    printf("1..%d\n", test_no);
    return failed;
}
