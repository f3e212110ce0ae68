/*
 * test-interpose.c - libxenstable.so reaches the kernel through libc, as
 * upstream's libraries do: under the LD_PRELOAD shim of interpose.c
 * (which emulates /dev/xen/evtchn and /dev/xen/privcmd at libc's level)
 * an event-channel round trip and hypercalls work, the shim sees each of
 * their system calls, and a hypercall's result comes back as upstream
 * returns it, including results of 2^31 and more.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xencall.h>
#include <xenevtchn.h>

#include "interpose.h"

static xs_interpose_count_fn *seen;
static xs_interpose_set_result_fn *set_result;

/* The shim must be preloaded: without it nothing here means anything. */
static int find_shim(void **state)
{
    (void)state;
    seen = (xs_interpose_count_fn *)dlsym(RTLD_DEFAULT, "xs_interpose_count");
    set_result = (xs_interpose_set_result_fn *)
        dlsym(RTLD_DEFAULT, "xs_interpose_set_hypercall_result");
    return seen && set_result ? 0 : -1;
}

static void test_evtchn_through_libc(void **state)
{
    unsigned open0 = seen(XS_INTERPOSE_OPEN);
    unsigned ioctl0 = seen(XS_INTERPOSE_IOCTL);
    xenevtchn_handle *xce;
    int port;

    (void)state;
    xce = xenevtchn_open(NULL, 0);
    assert_non_null(xce);
    assert_int_equal(seen(XS_INTERPOSE_OPEN), open0 + 1);

    port = xenevtchn_bind_unbound_port(xce, 0);
    assert_true(port > 0);
    assert_int_equal(seen(XS_INTERPOSE_IOCTL), ioctl0 + 1);

    /* notify, pending, unmask: one libc call each, all seen */
    assert_int_equal(xenevtchn_notify(xce, (evtchn_port_t)port), 0);
    assert_int_equal(seen(XS_INTERPOSE_IOCTL), ioctl0 + 2);
    assert_int_equal(xenevtchn_pending(xce), port);
    assert_int_equal(seen(XS_INTERPOSE_READ), 1);
    assert_int_equal(xenevtchn_unmask(xce, (evtchn_port_t)port), 0);
    assert_int_equal(seen(XS_INTERPOSE_WRITE), 1);

    assert_int_equal(xenevtchn_unbind(xce, (evtchn_port_t)port), 0);
    assert_int_equal(seen(XS_INTERPOSE_IOCTL), ioctl0 + 3);
    assert_int_equal(xenevtchn_close(xce), 0);
    assert_int_equal(seen(XS_INTERPOSE_CLOSE), 1);
}

/*
 * The kernel's privcmd returns the hypercall's long result; glibc's
 * ioctl() hands back an int, an error only in the top 4095 values.
 * Upstream's xencallN return that int, and xencall2L the same int
 * sign-extended, leaving errno alone unless it failed.
 */
static void test_large_hypercall_results(void **state)
{
    static const struct {
        long kernel; /* what privcmd answers */
        long want;   /* what upstream's xencall returns */
    } cases[] = {
        { 7, 7 },
        { 0x7fffffffL, INT_MAX },
        { 0x80000000L, INT_MIN }, /* 2^31 */
        { 0xfffffff0L, -16 },     /* not -EBUSY */
        { 0xffffffffL, -1 },      /* -1, but not a failure */
        { 0x100000005L, 5 },      /* bits above 31 lost */
    };
    xencall_handle *x;
    unsigned ioctl0 = seen(XS_INTERPOSE_IOCTL);

    (void)state;
    x = xencall_open(NULL, 0);
    assert_non_null(x);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_result(cases[i].kernel);
        errno = EDOM; /* a success leaves errno as it was */
        assert_int_equal(xencall0(x, 17), (int)cases[i].want);
        assert_int_equal(errno, EDOM);
        assert_int_equal(xencall2L(x, 17, 1, 2), cases[i].want);
        assert_int_equal(errno, EDOM);
    }
    /* a real failure: -1 with the hypercall's errno */
    set_result(-ESRCH);
    errno = 0;
    assert_int_equal(xencall1(x, 17, 1), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(xencall2L(x, 17, 1, 2), -1L);
    assert_int_equal(errno, ESRCH);
    /* every hypercall was one ioctl the shim saw */
    assert_int_equal(seen(XS_INTERPOSE_IOCTL),
                     ioctl0 + 2 * sizeof(cases) / sizeof(cases[0]) + 2);
    assert_int_equal(xencall_close(x), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evtchn_through_libc),
        cmocka_unit_test(test_large_hypercall_results),
    };

    return cmocka_run_group_tests_name("interpose", tests, find_shim, NULL);
}
