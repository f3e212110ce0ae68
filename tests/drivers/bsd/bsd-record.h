/*
 * bsd-record.h - the BSD driver-protocol tests' view of the fake kernel:
 * fake_bsd (tests/unit/fake_bsd.h) over fake_sys, with every ioctl's
 * request and argument bytes and every write's bytes recorded on their
 * way in, and table-driven ioctl checks (a row: the public call, the
 * request the kernel must get, the argument bytes it must read, what
 * the call must return; the fake kernel answers).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Include after <cmocka.h>.
 */
#ifndef XS_TEST_BSD_RECORD_H
#define XS_TEST_BSD_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "fake_bsd.h"

#define BSD_REC_MAX     64
#define BSD_REC_ARG_MAX 64

struct bsd_rec_ioctl {
    int fd;
    unsigned long req;
    size_t len; /* the argument's size, from the request */
    unsigned char arg[BSD_REC_ARG_MAX];
    /* what the pointer named by bsd_rec_follow() pointed to, then */
    unsigned char pointee[BSD_REC_ARG_MAX];
};

/* The kernel of cfg (plus fake_sys underneath), recording from now on;
 * violations abort the test (cfg->on_violation NULL). */
void bsd_rec_install(const struct fake_bsd_config *cfg);
/* Forget what was recorded. */
void bsd_rec_clear(void);
/*
 * For request req, also record len bytes (at most BSD_REC_ARG_MAX) at
 * the pointer stored at byte ptr_off of the argument, as the kernel
 * reads them (refs passed by pointer live on the caller's stack).
 */
void bsd_rec_follow(unsigned long req, size_t ptr_off, size_t len);

int bsd_rec_ioctls(void);
const struct bsd_rec_ioctl *bsd_rec_ioctl_at(int i);
/* The last write(): its length and first bytes. */
size_t bsd_rec_write_len(void);
const unsigned char *bsd_rec_write_bytes(void);

/* Little-endian reads of recorded argument bytes. */
uint64_t bsd_rec_u64(const unsigned char *p, size_t off);
uint32_t bsd_rec_u32(const unsigned char *p, size_t off);
uint16_t bsd_rec_u16(const unsigned char *p, size_t off);

/* ---- table-driven ioctl checks ---- */

#define BSD_ROW_FIELDS 6

struct bsd_field {
    size_t off;
    unsigned int size; /* 2, 4 or 8; 0 ends the list */
    uint64_t value;
};

struct bsd_ioctl_row {
    const char *name;
    long (*call)(void);    /* the public call under test */
    unsigned long request; /* the one request the kernel must get */
    struct bsd_field fields[BSD_ROW_FIELDS];
    long want;      /* what the call returns */
    int want_errno; /* when it must fail */
};

/* Run the row's call; fail the test unless it holds. */
void bsd_ioctl_check(const struct bsd_ioctl_row *row);

#endif
