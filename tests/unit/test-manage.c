/*
 * test-manage.c - libxenmanage's contract on every backend, over a fake
 * hypervisor answering __HYPERVISOR_domctl (36).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xenmanage.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include "contract.h"

static int old_xen;                 /* behave like Xen 4.17 */
static struct xen_domctl seen;

static long xen_hypercall(unsigned int op, const uint64_t arg[5])
{
    struct xen_domctl *d;

    assert_int_equal(op, 36);
    d = (struct xen_domctl *)(uintptr_t)arg[0];
    seen = *d;
    /* Xen < 4.21 checks the interface version first: EACCES */
    if (old_xen)
        return -EACCES;
    if (d->domain == DOMID_INVALID)
        d->domain = 5;
    else if (d->domain == 9)
        return -ESRCH;
    d->u.get_domain_state.state = XEN_DOMCTL_GETDOMSTATE_STATE_EXIST |
                                  XEN_DOMCTL_GETDOMSTATE_STATE_SHUTDOWN;
    d->u.get_domain_state.caps = XEN_DOMCTL_GETDOMSTATE_CAP_CONTROL |
                                 XEN_DOMCTL_GETDOMSTATE_CAP_XENSTORE;
    d->u.get_domain_state.unique_id = 0x1234567890ULL;
    return 0;
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = { .hypercall = xen_hypercall };

    contract_setup(state);
    fake_xen_set(&xen);
    old_xen = 0;
    memset(&seen, 0, sizeof(seen));
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(offsetof(struct xen_domctl, cmd), 0);
    assert_int_equal(offsetof(struct xen_domctl, interface_version), 4);
    assert_int_equal(offsetof(struct xen_domctl, domain), 8);
    assert_int_equal(offsetof(struct xen_domctl, u), 16);
    assert_int_equal(offsetof(struct xen_domctl_get_domain_state, caps), 2);
    assert_int_equal(offsetof(struct xen_domctl_get_domain_state, unique_id), 8);
}

static void test_open_close(void **state)
{
    (void)state;
    CONTRACT_ASSERT_OPEN_CLOSE(xenmanage_handle, xenmanage_open,
                               xenmanage_close);
}

static void test_get_domain_info(void **state)
{
    xenmanage_handle *h = CONTRACT_OPEN(XS_OP_CALL_OPEN,
                                       xenmanage_open(NULL, 0));
    unsigned int st = 0, caps = 0, domid = 0;
    uint64_t id = 0;

    (void)state;
    if (!h)
        return;
    assert_int_equal(xenmanage_get_domain_info(h, 3, &st, &caps, &id), 0);
    assert_int_equal(seen.cmd, XEN_DOMCTL_get_domain_state);
    assert_int_equal(seen.interface_version, 0);
    assert_int_equal(seen.domain, 3);
    assert_int_equal(st, XENMANAGE_GETDOMSTATE_STATE_EXIST |
                         XENMANAGE_GETDOMSTATE_STATE_SHUTDOWN);
    assert_int_equal(caps, XENMANAGE_GETDOMSTATE_CAP_CONTROL |
                           XENMANAGE_GETDOMSTATE_CAP_XENSTORE);
    assert_int_equal(id, 0x1234567890ULL);
    /* every out pointer may be NULL */
    assert_int_equal(xenmanage_get_domain_info(h, 3, NULL, NULL, NULL), 0);

    assert_int_equal(xenmanage_poll_changed_domain(h, &domid, &st, NULL,
                                                   NULL), 0);
    assert_int_equal(seen.domain, DOMID_INVALID);
    assert_int_equal(domid, 5);

    assert_int_equal(xenmanage_get_domain_info(h, 9, &st, &caps, &id), -1);
    assert_int_equal(errno, ESRCH);

    /* argument checks, before any syscall */
    {
        int before = fake_sys_count_all();

        assert_int_equal(xenmanage_get_domain_info(h, DOMID_FIRST_RESERVED,
                                                   &st, &caps, &id), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenmanage_get_domain_info(NULL, 1, &st, &caps,
                                                   &id), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(xenmanage_poll_changed_domain(h, NULL, &st, &caps,
                                                       &id), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(fake_sys_count_all(), before);
    }
    assert_int_equal(xenmanage_close(h), 0);
}

static void test_old_xen(void **state)
{
    xenmanage_handle *h = CONTRACT_OPEN(XS_OP_CALL_OPEN,
                                       xenmanage_open(NULL, 0));
    unsigned int st = 77, domid = 77;

    (void)state;
    if (!h)
        return;
    old_xen = 1;
    assert_int_equal(xenmanage_get_domain_info(h, 0, &st, NULL, NULL), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(st, 77);           /* untouched on failure */
    assert_int_equal(xenmanage_poll_changed_domain(h, &domid, NULL, NULL,
                                                   NULL), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(domid, 77);
    assert_int_equal(xenmanage_close(h), 0);
}

static void test_fault_injection(void **state)
{
    xenmanage_handle *h = CONTRACT_OPEN(XS_OP_CALL_OPEN,
                                       xenmanage_open(NULL, 0));
    unsigned int st;

    (void)state;
    if (!h)
        return;
    fake_sys_fail_always(FAKE_MMAP, ENOMEM);
    assert_int_equal(xenmanage_get_domain_info(h, 0, &st, NULL, NULL), -1);
    assert_int_equal(errno, ENOMEM);
    fake_sys_fail_always(FAKE_MMAP, 0);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    assert_int_equal(xenmanage_get_domain_info(h, 0, &st, NULL, NULL), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(xenmanage_close(h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_domain_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_xen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
    };

    return cmocka_run_group_tests_name("manage", tests, NULL, NULL);
}
