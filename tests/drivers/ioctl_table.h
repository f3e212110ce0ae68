/*
 * ioctl_table.h - table-driven ioctl checks (after libseccomp's tests:
 * one row says what goes in and what must come out).  A row names a
 * public call, the request the kernel must receive, the bytes of the
 * argument the kernel reads, the driver's answer and what the call must
 * return.  The recording driver below plays the kernel for one ioctl, or
 * records it and hands it on to a fake kernel (ioctl_table_next), whose
 * answer then stands.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Include once per test program, after <cmocka.h>.  The argument's size
 * is read from the request: Linux's _IOC_SIZE by default; a BSD test
 * defines IOCTL_TABLE_ARG_LEN(req) first (XS_BSD_IOCPARM_LEN).
 */
#ifndef XS_TEST_IOCTL_TABLE_H
#define XS_TEST_IOCTL_TABLE_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fake_sys.h"

#define IOCTL_ROW_FIELDS 8
#define IOCTL_ARG_MAX    256

/* bytes [off, off + size) of the argument, little-endian, equal value */
struct ioctl_field {
    size_t off;
    unsigned int size; /* 1, 2, 4 or 8; 0 ends the list */
    uint64_t value;
};

struct ioctl_row {
    const char *name;
    long (*call)(void);    /* the public call under test */
    unsigned long request; /* what the kernel must receive */
    int result;            /* the driver's answer (libc's int) */
    long want;             /* what the call must return */
    struct ioctl_field fields[IOCTL_ROW_FIELDS];
    size_t exact_len; /* when set: the argument's size */
    int want_errno;   /* when the call must fail */
    int fail_errno;   /* when set, the driver fails with it */
};

#ifndef IOCTL_TABLE_ARG_LEN
#define IOCTL_TABLE_ARG_LEN(req) (((req) >> 16) & 0x3fff)
#endif

static const struct ioctl_row *ioctl_cur;
/* When set, every recorded ioctl goes on to this kernel. */
static int (*ioctl_table_next)(int fd, unsigned long req, void *arg);
static unsigned long ioctl_seen_req;
static int ioctl_seen_fd, ioctl_seen_n;
static size_t ioctl_seen_len;
static unsigned char ioctl_seen_arg[IOCTL_ARG_MAX];

static inline void ioctl_table_reset(void)
{
    ioctl_cur = NULL;
    ioctl_seen_req = 0;
    ioctl_seen_fd = -1;
    ioctl_seen_n = 0;
    ioctl_seen_len = 0;
}

/* Both encodings put the argument's size in the request. */
static inline int ioctl_table_record(int fd, unsigned long req, void *arg)
{
    size_t len = IOCTL_TABLE_ARG_LEN(req);

    ioctl_seen_req = req;
    ioctl_seen_fd = fd;
    ioctl_seen_n++;
    ioctl_seen_len = len;
    memset(ioctl_seen_arg, 0, sizeof(ioctl_seen_arg));
    if (arg)
        memcpy(ioctl_seen_arg, arg, len < IOCTL_ARG_MAX ? len : IOCTL_ARG_MAX);
    if (ioctl_table_next)
        return ioctl_table_next(fd, req, arg);
    if (!ioctl_cur)
        return 0;
    if (ioctl_cur->fail_errno) {
        errno = ioctl_cur->fail_errno;
        return -1;
    }
    return ioctl_cur->result;
}

static inline uint64_t ioctl_field_value(const struct ioctl_field *f)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < f->size; i++)
        v |= (uint64_t)ioctl_seen_arg[f->off + i] << (8 * i);
    return v;
}

static inline void ioctl_table_check(const struct ioctl_row *row, int fd)
{
    long got;

    ioctl_cur = row;
    ioctl_seen_n = 0;
    errno = 0;
    got = row->call();
    ioctl_cur = NULL;
    if (got != row->want)
        fail_msg("%s: returned %ld, must be %ld", row->name, got, row->want);
    if (row->want_errno && errno != row->want_errno)
        fail_msg("%s: errno %d, must be %d", row->name, errno,
                 row->want_errno);
    if (ioctl_seen_n != 1)
        fail_msg("%s: %d ioctls, must be one", row->name, ioctl_seen_n);
    if (ioctl_seen_req != row->request)
        fail_msg("%s: request %#lx, must be %#lx", row->name, ioctl_seen_req,
                 row->request);
    if (fd >= 0 && ioctl_seen_fd != fd)
        fail_msg("%s: on fd %d, must be %d", row->name, ioctl_seen_fd, fd);
    if (row->exact_len && ioctl_seen_len != row->exact_len)
        fail_msg("%s: argument of %zu bytes, must be %zu", row->name,
                 ioctl_seen_len, row->exact_len);
    for (int i = 0; i < IOCTL_ROW_FIELDS && row->fields[i].size; i++) {
        const struct ioctl_field *f = &row->fields[i];

        if (ioctl_field_value(f) != f->value)
            fail_msg("%s: bytes %zu..%zu are %#llx, must be %#llx", row->name,
                     f->off, f->off + f->size - 1,
                     (unsigned long long)ioctl_field_value(f),
                     (unsigned long long)f->value);
    }
}

#endif
