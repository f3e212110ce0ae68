/*
 * bsd-protocol.h - what the FreeBSD and NetBSD driver-protocol tests
 * share: the fake kernel (tests/unit/fake_bsd.h) under fake_sys with
 * every ioctl recorded by ioctl_table.h on its way in, and a few readers
 * of fake_sys's call log.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Include after <cmocka.h>; it includes ioctl_table.h with the BSD
 * size encoding.
 */
#ifndef XS_TEST_BSD_PROTOCOL_H
#define XS_TEST_BSD_PROTOCOL_H

#include <stdint.h>
#include <string.h>

#include "osdep/bsd-ioccom.h"
#define IOCTL_TABLE_ARG_LEN(req) XS_BSD_IOCPARM_LEN(req)
#include "fake_bsd.h"
#include "fake_sys.h"
#include "ioctl_table.h"

/* Any violation of the kernel's rules fails the test that made it. */
static void bsd_protocol_violation(const char *what)
{
    fail_msg("the fake kernel saw a violation: %s", what);
}

/* fake_bsd_install(cfg), with the ioctls recorded on their way in. */
static inline void bsd_protocol_install(struct fake_bsd_config *cfg)
{
    /* the whole kernel in libc's view (fake_bsd_libc), close included */
    const struct fake_sys_handlers h = {
        .open = fake_bsd_libc.open,
        .close = fake_bsd_libc.close,
        .ioctl = ioctl_table_record,
        .mmap = fake_bsd_libc.mmap,
        .munmap = fake_bsd_libc.munmap,
        .madvise = fake_bsd_libc.madvise,
        .mlock = fake_bsd_mlock,
        .munlock = fake_bsd_munlock,
        .minherit = fake_bsd_minherit,
        .read = fake_bsd_libc.read,
        .write = fake_bsd_libc.write,
        .dup3 = fake_bsd_libc.dup3,
    };

    cfg->on_violation = bsd_protocol_violation;
    fake_bsd_install(cfg);
    fake_sys_set_handlers(&h);
    ioctl_table_reset();
    ioctl_table_next = fake_bsd_libc.ioctl;
}

/* The ith call of a kind since install (0-based), or NULL. */
static inline const struct fake_sys_call *bsd_call_of(enum fake_sys_kind kind,
                                                      int i)
{
    for (int k = 0; k < fake_sys_count_all(); k++) {
        const struct fake_sys_call *c = fake_sys_call_at(k);

        if (c && c->kind == kind && i-- == 0)
            return c;
    }
    return NULL;
}

/* The request numbers of every ioctl since install, in order. */
static inline int bsd_ioctls(unsigned long *out, int max)
{
    int n = 0;

    for (int k = 0; k < fake_sys_count_all() && n < max; k++) {
        const struct fake_sys_call *c = fake_sys_call_at(k);

        if (c && c->kind == FAKE_IOCTL)
            out[n++] = c->request;
    }
    return n;
}

/* The 8 bytes a fake kernel wrote at the start of a populated page. */
static inline uint64_t bsd_tag_at(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline int bsd_protocol_teardown(void **state)
{
    (void)state;
    assert_int_equal(fake_sys_open_fds(), 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(fake_bsd_locked_bytes(), 0);
    assert_int_equal(fake_bsd_violations(FAKE_BSD_V_ANY), 0);
    fake_bsd_uninstall();
    return 0;
}

#endif
