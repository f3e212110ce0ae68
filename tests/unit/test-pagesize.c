/*
 * test-pagesize.c - what the library assumes of the host's page size.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Every count the Xen interfaces take is in Xen pages of 4 KiB
 * (XS_PAGE_SIZE), whatever page size the kernel uses; arm64 kernels may
 * use 64 KiB pages.  The library maps n Xen pages as n * 4 KiB bytes and
 * lets the kernel round up, so it needs only that a host page holds a
 * whole number of Xen pages.  The other unit tests assert those 4 KiB
 * units; scripts/test.sh runs all of them once more under qemu-user with
 * 64 KiB pages (meson test setup `pagesize64k`), and this test proves
 * that run really had them: the setup's XS_EXPECT_PAGESIZE must be what
 * the process sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "xs_internal.h"

static void test_host_page_holds_whole_xen_pages(void **state)
{
    long page = sysconf(_SC_PAGESIZE);
    const char *want = getenv("XS_EXPECT_PAGESIZE");

    (void)state;
    assert_true(page >= (long)XS_PAGE_SIZE);
    assert_int_equal(page & (page - 1), 0); /* a power of two */
    assert_int_equal(page % (long)XS_PAGE_SIZE, 0);
    assert_int_equal(getpagesize(), page);
    /* a run that claims a page size (the pagesize64k setup) has it */
    if (want)
        assert_int_equal(page, strtol(want, NULL, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_page_holds_whole_xen_pages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
