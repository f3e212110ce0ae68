/*
 * contract.h - helpers of the API-contract tests, which build and pass
 * on every backend (tests/unit/backend.h).  Include after <cmocka.h>.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * A contract test opens its handles with CONTRACT_OPEN().  Where the
 * backend answers the open with an errno (EOPNOTSUPP without Xen
 * drivers), that answer is the test's assertion: the open must fail
 * with exactly it, holding nothing, and the test ends there.
 */
#ifndef XS_TEST_CONTRACT_H
#define XS_TEST_CONTRACT_H

#include <errno.h>
#include <string.h>

#include "backend.h"
#include "fake_sys.h"
#include "fake_xen.h"
#include "fixtures.h"

static inline void *contract_open_(enum xs_op op, void *h, int err,
                                   const char *what)
{
    if (xs_expect(op)) {
        if (h)
            fail_msg("%s opened on backend %s, which must answer %s", what,
                     xs_backend.name, strerror(xs_expect(op)));
        if (err != xs_expect(op))
            fail_msg("%s failed with %s on backend %s, must be %s", what,
                     strerror(err), xs_backend.name, strerror(xs_expect(op)));
        assert_int_equal(fake_sys_open_fds(), 0);
        return NULL;
    }
    if (!h)
        fail_msg("%s failed on backend %s: %s", what, xs_backend.name,
                 strerror(err));
    return h;
}

/* expr, or NULL after asserting the backend's promised errno. */
#define CONTRACT_OPEN(op, expr) \
    ({ \
        void *h_; \
        errno = 0; \
        h_ = (expr); \
        contract_open_((op), h_, errno, #expr); \
    })

/* The errno a call the backend cannot make must answer, or 0. */
#define CONTRACT_EXPECT(op) xs_expect(op)

/* setup/teardown: the backend's fake driver, then the leak check. */
static inline int contract_setup(void **state)
{
    (void)state;
    xs_backend.install(0);
    return 0;
}

static inline int contract_teardown(void **state)
{
    return fixture_teardown(state);
}

/*
 * The open/close contract of a handle built on one xencall handle
 * (kexec, manage): open+close cost the backend's open_close_syscalls,
 * close(NULL) is 0, an unknown open flag is EINVAL before anything
 * else, and a failing open() of the device comes back as the caller's
 * errno with nothing held (where the backend can open at all).
 */
#define CONTRACT_ASSERT_OPEN_CLOSE(type, open_fn, close_fn) \
    do { \
        type *h_; \
        assert_int_equal(close_fn(NULL), 0); \
        errno = 0; \
        assert_null(open_fn(NULL, 1)); \
        assert_int_equal(errno, EINVAL); \
        assert_int_equal(fake_sys_count_all(), 0); \
        h_ = CONTRACT_OPEN(XS_OP_CALL_OPEN, open_fn(NULL, 0)); \
        if (!h_) \
            break; \
        assert_int_equal(close_fn(h_), 0); \
        assert_int_equal(fake_sys_count_all(), \
                         xs_backend.open_close_syscalls); \
        fake_sys_fail_nth(FAKE_OPEN, fake_sys_count(FAKE_OPEN) + 1, EACCES); \
        assert_null(open_fn(NULL, 0)); \
        assert_int_equal(errno, EACCES); \
    } while (0)

#define CONTRACT_TEST(f) \
    cmocka_unit_test_setup_teardown(f, contract_setup, contract_teardown)

#endif
