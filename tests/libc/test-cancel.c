/*
 * test-cancel.c - pthread_cancel() of a thread blocked in
 * xenevtchn_pending() on a blocking descriptor returns, as with
 * upstream: the library's read() is libc's, a cancellation point.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The "device" is one end of a socket pair adopted with
 * xenevtchn_fdopen(); nothing is ever written to the other end, so the
 * read blocks for good.  No sleep decides anything: the waiter and the
 * test meet at a barrier, and a cancel that arrives before the waiter
 * reaches read() is acted on when it does (deferred cancellation).  The
 * join's deadline only turns a library that cannot be cancelled into a
 * failure instead of a hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <xenevtchn.h>

#define NEVER_CANCELLED_SECONDS 30

static pthread_barrier_t meet;

static void *waiter(void *arg)
{
    xenevtchn_handle *xce = arg;

    pthread_barrier_wait(&meet);
    (void)xenevtchn_pending(xce); /* blocks: no port ever arrives */
    return NULL;
}

static void test_cancel_blocked_pending(void **state)
{
    xenevtchn_handle *xce;
    struct timespec deadline;
    pthread_t t;
    void *ret = NULL;
    int sv[2], rc;

    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                     0);
    xce = xenevtchn_fdopen(NULL, sv[0], 0);
    assert_non_null(xce);
    assert_int_equal(pthread_barrier_init(&meet, NULL, 2), 0);
    assert_int_equal(pthread_create(&t, NULL, waiter, xce), 0);

    pthread_barrier_wait(&meet);
    assert_int_equal(pthread_cancel(t), 0);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += NEVER_CANCELLED_SECONDS;
    rc = pthread_timedjoin_np(t, &ret, &deadline);
    if (rc == ETIMEDOUT) {
        /* not cancellable: let the read return so the thread can end */
        uint32_t port = 1;

        assert_int_equal(write(sv[1], &port, sizeof(port)), sizeof(port));
        assert_int_equal(pthread_join(t, &ret), 0);
    }
    assert_int_equal(rc, 0);
    assert_ptr_equal(ret, PTHREAD_CANCELED);

    assert_int_equal(xenevtchn_close(xce), 0);
    close(sv[1]);
    pthread_barrier_destroy(&meet);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_blocked_pending),
    };

    return cmocka_run_group_tests_name("cancel", tests, NULL, NULL);
}
