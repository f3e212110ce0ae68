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

/*
 * Every handle a test registers goes through reg() and lives in static
 * storage, so that a failed assertion (cmocka leaves the test by
 * longjmp) cannot leave a dead stack frame linked into the registry for
 * the next test to walk: the teardown unlinks whatever is left.
 */
static Xentoolcore__Active_Handle *registered[16];
static int n_registered;

static void reg(Xentoolcore__Active_Handle *ah)
{
    assert_true(n_registered < (int)(sizeof(registered) /
                                     sizeof(registered[0])));
    registered[n_registered++] = ah;
    xentoolcore__register_active_handle(ah);
}

static void unreg(Xentoolcore__Active_Handle *ah)
{
    if (ah->entry.le_prev)
        xentoolcore__deregister_active_handle(ah);
}

static int forget_handles(void **state)
{
    (void)state;
    while (n_registered > 0)
        unreg(registered[--n_registered]);
    return 0;
}

static int rec_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    struct rec_handle *h = (struct rec_handle *)ah;

    /* a bounded record: more calls than slots fail the test, not memory */
    if (n_order >= (int)(sizeof(order) / sizeof(order[0]))) {
        errno = E2BIG;
        return -1;
    }
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
    static struct rec_handle h[3];

    (void)state;
    memset(h, 0, sizeof(h));
    for (int i = 0; i < 3; i++) {
        h[i].id = i + 1;
        h[i].ah.restrict_callback = rec_callback;
        reg(&h[i].ah);
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

/*
 * A failure does not stop restrict_all (upstream's does, leaving every
 * handle behind the failed one usable); the result is still the first
 * failure's, as upstream's.
 */
static void test_failure_restricts_the_rest(void **state)
{
    static struct rec_handle h[3];

    (void)state;
    memset(h, 0, sizeof(h));
    for (int i = 0; i < 3; i++) {
        h[i].id = i + 1;
        h[i].ah.restrict_callback = rec_callback;
        reg(&h[i].ah);
    }
    h[1].fail_errno = EPERM;            /* visited second */
    h[0].fail_errno = EIO;              /* visited last */
    n_order = 0;
    errno = 0;
    assert_int_equal(xentoolcore_restrict_all(3), -1);
    assert_int_equal(errno, EPERM);     /* the first failure's */
    assert_int_equal(n_order, 3);       /* h[0] reached all the same */
    assert_int_equal(order[2], 1);
    for (int i = 0; i < 3; i++)
        xentoolcore__deregister_active_handle(&h[i].ah);
}

/* A handle restricted as libxenstable's own fd handles are. */
struct fd_handle {
    Xentoolcore__Active_Handle ah;
    int fd;
};

static int fd_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    (void)domid;
    return xentoolcore__restrict_by_dup2_null(((struct fd_handle *)ah)->fd);
}

static int is_dev_null(int fd)
{
    struct stat st, null_st;

    return fstat(fd, &st) == 0 && stat("/dev/null", &null_st) == 0 &&
           S_ISCHR(st.st_mode) && st.st_rdev == null_st.st_rdev;
}

/*
 * A registered descriptor that the application already closed, at the
 * lowest free number: open("/dev/null") lands exactly there.  Upstream's
 * dup2(n, n) then succeeds; dup3 would refuse with EINVAL, and that
 * failure must not keep the live handles registered before it usable.
 */
static void test_closed_fd_does_not_stop_restrict(void **state)
{
    static struct fd_handle older, closed, newer;
    int p1[2], p2[2];
    char c;

    (void)state;
    assert_int_equal(pipe2(p1, O_CLOEXEC), 0);
    assert_int_equal(pipe2(p2, O_CLOEXEC), 0);
    closed.fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_true(closed.fd >= 0);
    assert_int_equal(close(closed.fd), 0);     /* now the lowest free fd */

    older.fd = p1[0];
    newer.fd = p2[0];
    older.ah.restrict_callback = closed.ah.restrict_callback =
        newer.ah.restrict_callback = fd_callback;
    /* visited newest first: newer, closed, then older */
    reg(&older.ah);
    reg(&closed.ah);
    reg(&newer.ah);

    errno = ENOENT;
    assert_int_equal(xentoolcore_restrict_all(2), 0);
    assert_int_equal(errno, ENOENT);   /* success leaves errno alone */
    assert_true(is_dev_null(newer.fd));
    assert_true(is_dev_null(older.fd));         /* not left usable */
    assert_int_equal(read(older.fd, &c, 1), 0);
    /* the closed number holds /dev/null, close-on-exec, until closed */
    assert_true(is_dev_null(closed.fd));
    assert_true(fcntl(closed.fd, F_GETFD) & FD_CLOEXEC);

    forget_handles(state);
    close(closed.fd);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
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

/*
 * Registration racing restrict_all.  Churn threads register and
 * deregister handles of their own while the main thread restricts; the
 * churn handles have their own callback (never the bounded recorder
 * above), which runs under the registry lock and checks that
 * restrict_all only ever reaches a handle registered at that moment.
 * How often the threads and restrict_all meet is up to the scheduler;
 * what is asserted is not.
 */
#define CHURN_THREADS 4
#define CHURN_ROUNDS 2000

struct churn_handle {
    Xentoolcore__Active_Handle ah;
    int live;           /* set before register, cleared after deregister */
};

/* Written by callbacks only, i.e. under the registry lock. */
static long churn_visits, dead_visits, mine_visits;
static int churn_done;

static int churn_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    struct churn_handle *h = (struct churn_handle *)ah;

    (void)domid;
    churn_visits++;
    if (!__atomic_load_n(&h->live, __ATOMIC_RELAXED))
        dead_visits++;
    return 0;
}

static int mine_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
    (void)ah;
    (void)domid;
    mine_visits++;
    return 0;
}

static void *churn(void *arg)
{
    struct churn_handle h[8];

    (void)arg;
    memset(h, 0, sizeof(h));
    for (int round = 0; round < CHURN_ROUNDS; round++) {
        for (int i = 0; i < 8; i++) {
            h[i].ah.restrict_callback = churn_callback;
            __atomic_store_n(&h[i].live, 1, __ATOMIC_RELAXED);
            xentoolcore__register_active_handle(&h[i].ah);
        }
        /* odd ones from the tail end, then the even ones */
        for (int i = 7; i >= 0; i -= 2) {
            xentoolcore__deregister_active_handle(&h[i].ah);
            __atomic_store_n(&h[i].live, 0, __ATOMIC_RELAXED);
        }
        for (int i = 0; i < 8; i += 2) {
            xentoolcore__deregister_active_handle(&h[i].ah);
            __atomic_store_n(&h[i].live, 0, __ATOMIC_RELAXED);
        }
    }
    __atomic_add_fetch(&churn_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_concurrent_registration(void **state)
{
    static struct churn_handle mine;
    pthread_t t[CHURN_THREADS];
    long calls = 0, failed = 0, churned;

    (void)state;
    churn_visits = dead_visits = mine_visits = 0;
    churn_done = 0;
    memset(&mine, 0, sizeof(mine));
    mine.ah.restrict_callback = mine_callback;
    reg(&mine.ah);
    for (int i = 0; i < CHURN_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
    /*
     * Restrict for as long as any thread churns (at least 200 times);
     * no assertion until the threads are joined, so that a failure never
     * leaves them running on a registry the next test uses.
     */
    while (calls < 200 ||
           __atomic_load_n(&churn_done, __ATOMIC_ACQUIRE) < CHURN_THREADS) {
        failed += xentoolcore_restrict_all(1) != 0;
        calls++;
    }
    for (int i = 0; i < CHURN_THREADS; i++)
        pthread_join(t[i], NULL);

    assert_int_equal(failed, 0);
    assert_int_equal(dead_visits, 0);        /* no deregistered handle */
    assert_int_equal(mine_visits, calls);    /* never lost from the list */
    /* the threads took all theirs away: only mine is left */
    churned = churn_visits;
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(mine_visits, calls + 1);
    assert_int_equal(churn_visits, churned);
}

int main(void)
{
#define T(t) cmocka_unit_test_teardown(t, forget_handles)
    const struct CMUnitTest tests[] = {
        T(test_layout_is_abi),
        T(test_restrict_all_empty),
        T(test_order_and_deregister),
        T(test_failure_restricts_the_rest),
        T(test_closed_fd_does_not_stop_restrict),
        T(test_dup2_null),
        T(test_dup2_null_faults),
        T(test_concurrent_registration),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
