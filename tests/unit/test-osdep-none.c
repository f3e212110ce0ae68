/*
 * test-osdep-none.c - the back end for systems without Xen drivers
 * (-Dosdep=none): every interface that needs the kernel refuses to open
 * with EOPNOTSUPP, without leaking what the open allocated, and the
 * kernel-free parts (xtl, toolcore) still work.  The Linux back-end
 * tests do not build there; this one replaces them.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenhypfs.h>
#include <xenkexec.h>
#include <xenmanage.h>
#include <xentoolcore.h>
#include "fixtures.h"

#define ASSERT_OPEN_REFUSED(expr)                                           \
    do {                                                                    \
        errno = 0;                                                          \
        assert_null(expr);                                                  \
        assert_int_equal(errno, EOPNOTSUPP);                                \
        assert_int_equal(fake_sys_count_all(), 0);                          \
    } while (0)

static void test_every_open_is_eopnotsupp(void **state)
{
    (void)state;
    ASSERT_OPEN_REFUSED(xenevtchn_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xengnttab_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xengntshr_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xencall_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xenforeignmemory_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xendevicemodel_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xenhypfs_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xenmanage_open(NULL, 0));
    ASSERT_OPEN_REFUSED(xenkexec_open(NULL, 0));
}

static void test_restrict_all_with_nothing_open(void **state)
{
    (void)state;
    assert_int_equal(xentoolcore_restrict_all(1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_open_is_eopnotsupp,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_restrict_all_with_nothing_open,
                                        fixture_setup, fixture_teardown),
    };

    return cmocka_run_group_tests_name("osdep-none", tests, NULL, NULL);
}
