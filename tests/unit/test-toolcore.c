/*
 * test-toolcore.c - the handle registry and xentoolcore_restrict_all().
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <xentoolcore.h>
#include "toolcore_private.h"
#include "fake_sys.h"

struct rec_handle {
    Xentoolcore__Active_Handle ah;      /* first, as libxenstore embeds it */
    int id;
    int fail_errno;
};

static int order[16], n_order;
static domid_t seen_domid;

static int rec_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    struct rec_handle *h = (struct rec_handle *)ah;

    order[n_order++] = h->id;
    seen_domid = domid;
    if (h->fail_errno) {
        errno = h->fail_errno;
        return -1;
    }
    return 0;
}

static void test_layout_is_abi(void **state)
{
    (void)state;
    /* libxenstore.so.4 was compiled against this exact layout */
    assert_int_equal(offsetof(Xentoolcore__Active_Handle, restrict_callback), 0);
    assert_int_equal(offsetof(Xentoolcore__Active_Handle, entry.le_next),
                     sizeof(void *));
    assert_int_equal(offsetof(Xentoolcore__Active_Handle, entry.le_prev),
                     2 * sizeof(void *));
    assert_int_equal(sizeof(Xentoolcore__Active_Handle), 3 * sizeof(void *));
}

static void test_restrict_all_empty(void **state)
{
    (void)state;
    assert_int_equal(xentoolcore_restrict_all(5), 0);
}

static void test_order_and_deregister(void **state)
{
    struct rec_handle h[3];

    (void)state;
    memset(h, 0, sizeof(h));
    for (int i = 0; i < 3; i++) {
        h[i].id = i + 1;
        h[i].ah.restrict_callback = rec_callback;
        xentoolcore__register_active_handle(&h[i].ah);
    }
    n_order = 0;
    assert_int_equal(xentoolcore_restrict_all(7), 0);
    /* newest first, as upstream's list insert at head */
    assert_int_equal(n_order, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
    assert_int_equal(seen_domid, 7);

    /* removing the middle one, then the head, keeps the list intact */
    xentoolcore__deregister_active_handle(&h[1].ah);
    xentoolcore__deregister_active_handle(&h[2].ah);
    n_order = 0;
    assert_int_equal(xentoolcore_restrict_all(7), 0);
    assert_int_equal(n_order, 1);
    assert_int_equal(order[0], 1);
    xentoolcore__deregister_active_handle(&h[0].ah);
    n_order = 0;
    assert_int_equal(xentoolcore_restrict_all(7), 0);
    assert_int_equal(n_order, 0);
}

static void test_first_failure_stops(void **state)
{
    struct rec_handle h[3];

    (void)state;
    memset(h, 0, sizeof(h));
    for (int i = 0; i < 3; i++) {
        h[i].id = i + 1;
        h[i].ah.restrict_callback = rec_callback;
        xentoolcore__register_active_handle(&h[i].ah);
    }
    h[1].fail_errno = EPERM;            /* visited second */
    n_order = 0;
    errno = 0;
    assert_int_equal(xentoolcore_restrict_all(3), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(n_order, 2);       /* h[0] never reached */
    for (int i = 0; i < 3; i++)
        xentoolcore__deregister_active_handle(&h[i].ah);
}

static void test_dup2_null(void **state)
{
    int fds[2], flags;
    struct stat st, null_st;
    char c;

    (void)state;
    assert_int_equal(xentoolcore__restrict_by_dup2_null(-1), 0);

    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    assert_int_equal(xentoolcore__restrict_by_dup2_null(fds[0]), 0);
    assert_int_equal(fstat(fds[0], &st), 0);
    assert_int_equal(stat("/dev/null", &null_st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(st.st_rdev, null_st.st_rdev);
    assert_int_equal(read(fds[0], &c, 1), 0);
    /* close-on-exec survives the swap */
    flags = fcntl(fds[0], F_GETFD);
    assert_true(flags & FD_CLOEXEC);
    close(fds[0]);
    close(fds[1]);

    /* and is not added where the caller had none */
    assert_int_equal(pipe2(fds, 0), 0);
    assert_int_equal(xentoolcore__restrict_by_dup2_null(fds[1]), 0);
    assert_false(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
    close(fds[0]);
    close(fds[1]);
}

static void test_dup2_null_faults(void **state)
{
    static const enum fake_sys_kind kinds[] = { FAKE_OPEN, FAKE_DUP3 };
    int fds[2];

    (void)state;
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        fake_sys_install();
        fake_sys_fail_nth(kinds[i], 1, EMFILE);
        errno = 0;
        assert_int_equal(xentoolcore__restrict_by_dup2_null(fds[0]), -1);
        assert_int_equal(errno, EMFILE);
        assert_int_equal(fake_sys_open_fds(), 0);   /* /dev/null not leaked */
        fake_sys_uninstall();
    }
    /* an fd whose flags cannot be read (not open) is still filled, and
     * made close-on-exec */
    fake_sys_install();
    fake_sys_fail_nth(FAKE_FCNTL, 1, EBADF);
    assert_int_equal(xentoolcore__restrict_by_dup2_null(fds[1] + 100), 0);
    fake_sys_uninstall();
    assert_true(fcntl(fds[1] + 100, F_GETFD) & FD_CLOEXEC);
    close(fds[1] + 100);

    /* the fd was left as it was */
    assert_int_equal(write(fds[1], "x", 1), 1);
    {
        char c;
        assert_int_equal(read(fds[0], &c, 1), 1);
    }
    close(fds[0]);
    close(fds[1]);
}

static void *churn(void *arg)
{
    struct rec_handle h[8];

    (void)arg;
    memset(h, 0, sizeof(h));
    for (int round = 0; round < 2000; round++) {
        for (int i = 0; i < 8; i++) {
            h[i].ah.restrict_callback = rec_callback;
            xentoolcore__register_active_handle(&h[i].ah);
        }
        for (int i = 7; i >= 0; i -= 2)
            xentoolcore__deregister_active_handle(&h[i].ah);
        for (int i = 0; i < 8; i += 2)
            xentoolcore__deregister_active_handle(&h[i].ah);
    }
    return NULL;
}

static int count_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    (void)ah;
    (void)domid;
    return 0;
}

static void test_concurrent_registration(void **state)
{
    pthread_t t[4];
    struct rec_handle mine;

    (void)state;
    memset(&mine, 0, sizeof(mine));
    mine.ah.restrict_callback = count_callback;
    xentoolcore__register_active_handle(&mine.ah);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
    for (int i = 0; i < 200; i++)
        assert_int_equal(xentoolcore_restrict_all(1), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    xentoolcore__deregister_active_handle(&mine.ah);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_is_abi),
        cmocka_unit_test(test_restrict_all_empty),
        cmocka_unit_test(test_order_and_deregister),
        cmocka_unit_test(test_first_failure_stops),
        cmocka_unit_test(test_dup2_null),
        cmocka_unit_test(test_dup2_null_faults),
        cmocka_unit_test(test_concurrent_registration),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
