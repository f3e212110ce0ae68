/*
 * fixtures.h - the setup/teardown pair most unit-test groups share: the
 * fake kernel installed before each test, and after it a proof that the
 * test's handles gave back every descriptor and mapping they took.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Include after <cmocka.h>.  Groups that also plug in a fake driver
 * call fixture_setup()/fixture_assert_released() from their own pair.
 */
#ifndef XS_TEST_FIXTURES_H
#define XS_TEST_FIXTURES_H

#include "fake_sys.h"

static inline void fixture_assert_released(void)
{
    assert_int_equal(fake_sys_open_fds(), 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
}

static inline int fixture_setup(void **state)
{
    (void)state;
    fake_sys_install();
    return 0;
}

static inline int fixture_teardown(void **state)
{
    (void)state;
    fixture_assert_released();
    fake_sys_uninstall();
    return 0;
}

#endif /* XS_TEST_FIXTURES_H */
