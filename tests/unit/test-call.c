/*
 * test-call.c - xencall's contract on every backend: open/close, the
 * hypercall's arguments and result as Xen sees and answers them, the
 * buffer cache (zeroed memory, no system call once warm, its limits and
 * statistics), errors, restrict, threads.  Where buffers come from and
 * how a hypercall reaches the kernel is each OS's driver protocol
 * (tests/drivers/<os>/test-call.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <xencall.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include "contract.h"

/* ---- a logger that records messages ---- */
static char last_msg[256], last_ctx[64];
static int n_msgs, n_buffer_msgs, last_errnoval;
static xentoollog_level last_level;

static void rec_vmessage(xentoollog_logger *l, xentoollog_level level,
                         int errnoval, const char *context, const char *format,
                         va_list al)
{
    (void)l;
    vsnprintf(last_msg, sizeof(last_msg), format, al);
    snprintf(last_ctx, sizeof(last_ctx), "%s", context ? context : "");
    last_level = level;
    last_errnoval = errnoval;
    n_msgs++;
    if (context && !strcmp(context, "xencall:buffer") && level == XTL_DEBUG)
        n_buffer_msgs++;
}

static void rec_destroy(xentoollog_logger *l)
{
    (void)l;
    fail_msg("the library destroyed the caller's logger");
}

static xentoollog_logger rec_logger = {
    .vmessage = rec_vmessage,
    .destroy = rec_destroy,
};

/* ---- Xen ---- */
static unsigned int seen_op;
static uint64_t seen_args[5];
static long xen_result;
static int n_hypercalls;

static long xen_hypercall(unsigned int op, const uint64_t args[5])
{
    seen_op = op;
    memcpy(seen_args, args, sizeof(seen_args));
    n_hypercalls++;
    return xen_result;
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = { .hypercall = xen_hypercall };

    contract_setup(state);
    fake_xen_set(&xen);
    xen_result = 0;
    n_hypercalls = 0;
    n_msgs = n_buffer_msgs = 0;
    return 0;
}

static xencall_handle *open_call(unsigned int flags)
{
    return CONTRACT_OPEN(XS_OP_CALL_OPEN, xencall_open(&rec_logger, flags));
}

/* ---- open / close ---- */

static void test_open_close(void **state)
{
    xencall_handle *x;

    (void)state;
    x = open_call(0);
    if (!x)
        return;
    assert_true(xencall_fd(x) >= 0);
    assert_int_equal(fcntl(xencall_fd(x), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    assert_int_equal(xencall_close(x), 0);
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls);
    assert_int_equal(xencall_close(NULL), 0);
    assert_int_equal(n_msgs - n_buffer_msgs, 0);
}

/* a failed open is logged as upstream logs it, errno kept */
static void test_open_failure_logged(void **state)
{
    int want = CONTRACT_EXPECT(XS_OP_CALL_OPEN)
                   ? CONTRACT_EXPECT(XS_OP_CALL_OPEN)
                   : EACCES;

    (void)state;
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    assert_null(xencall_open(&rec_logger, 0));
    assert_int_equal(errno, want);
    assert_string_equal(
        last_msg, "Could not obtain handle on privileged command interface");
    assert_string_equal(last_ctx, "xencall");
    assert_int_equal(last_level, XTL_ERROR);
    assert_int_equal(last_errnoval, want);
    assert_int_equal(fake_sys_open_fds(), 0);
    /* a failed open leaves nothing registered */
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), 0);
}

static void test_close_failure(void **state)
{
    xencall_handle *x = open_call(0);

    (void)state;
    if (!x)
        return;
    fake_sys_fail_nth(FAKE_CLOSE, 1, EIO);
    errno = 0;
    assert_int_equal(xencall_close(x), -1);
    assert_int_equal(errno, EIO);
}

/* ---- hypercalls ---- */

static void check_call(unsigned int op, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4, uint64_t a5)
{
    assert_int_equal(seen_op, op);
    assert_int_equal(seen_args[0], a1);
    assert_int_equal(seen_args[1], a2);
    assert_int_equal(seen_args[2], a3);
    assert_int_equal(seen_args[3], a4);
    assert_int_equal(seen_args[4], a5);
}

static void test_hypercalls(void **state)
{
    xencall_handle *x = open_call(0);
    int before;

    (void)state;
    if (!x)
        return;
    xen_result = 7;
    before = fake_sys_count_all();
    assert_int_equal(xencall0(x, 17), 7);
    assert_int_equal(fake_sys_count_all(),
                     before + xs_backend.hypercall_syscalls);
    check_call(17, 0, 0, 0, 0, 0);
    assert_int_equal(xencall1(x, 1, 11), 7);
    check_call(1, 11, 0, 0, 0, 0);
    assert_int_equal(xencall2(x, 2, 11, 22), 7);
    check_call(2, 11, 22, 0, 0, 0);
    assert_int_equal(xencall2L(x, 2, 11, 0xffffffffffffffffULL), 7L);
    check_call(2, 11, 0xffffffffffffffffULL, 0, 0, 0);
    assert_int_equal(xencall3(x, 3, 11, 22, 33), 7);
    check_call(3, 11, 22, 33, 0, 0);
    assert_int_equal(xencall4(x, 4, 11, 22, 33, 44), 7);
    check_call(4, 11, 22, 33, 44, 0);
    assert_int_equal(xencall5(x, 5, 11, 22, 33, 44, 1ULL << 63), 7);
    check_call(5, 11, 22, 33, 44, 1ULL << 63);
    assert_int_equal(n_hypercalls, 7);

    /* errors: -1 with Xen's errno, never logged */
    n_msgs = 0;
    xen_result = -ESRCH;
    errno = 0;
    assert_int_equal(xencall1(x, 1, 0), -1);
    assert_int_equal(errno, ESRCH);
    errno = 0;
    assert_int_equal(xencall2L(x, 1, 0, 0), -1L);
    assert_int_equal(errno, ESRCH);
    /* the kernel refusing: its errno */
    xen_result = 0;
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    errno = 0;
    assert_int_equal(xencall5(x, 1, 0, 0, 0, 0, 0), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(n_msgs, 0);
    assert_int_equal(xencall_close(x), 0);
}

/*
 * A result of 2^31 is a value, not a failure: the int calls return it
 * truncated (INT_MIN), as upstream's do on every OS, errno untouched.
 */
static void test_large_result_is_a_value(void **state)
{
    xencall_handle *x = open_call(0);

    (void)state;
    if (!x)
        return;
    xen_result = 0x80000000L;
    errno = EDOM;
    assert_int_equal(xencall1(x, 1, 0), INT_MIN);
    assert_int_equal(errno, EDOM);
    xen_result = INT_MAX;
    assert_int_equal(xencall2L(x, 1, 0, 0), (long)INT_MAX);
    assert_int_equal(errno, EDOM);
    assert_int_equal(xencall_close(x), 0);
}

/* ---- buffers ---- */

static void test_buffers_and_cache(void **state)
{
    xencall_handle *x = open_call(0);
    unsigned char *p, *q;
    int before;

    (void)state;
    if (!x)
        return;
    p = xencall_alloc_buffer(x, 64);
    assert_non_null(p);
    assert_int_equal(((uintptr_t)p) & 4095, 16); /* header */
    assert_int_equal(((uintptr_t)p) & 15, 0);
    assert_int_equal(*(int *)(p - 16), 1); /* page count */
    for (int i = 0; i < 64; i++)
        assert_int_equal(p[i], 0);

    /* free + alloc again: no system call, same memory, zeroed again */
    memset(p, 0xaa, 64);
    before = fake_sys_count_all();
    xencall_free_buffer(x, p);
    q = xencall_alloc_buffer(x, 64);
    assert_ptr_equal(q, p);
    assert_int_equal(fake_sys_count_all(), before);
    for (int i = 0; i < 4096 - 16; i++)
        assert_int_equal(q[i], 0);
    xencall_free_buffer(x, q);

    /*
     * A recycled buffer clears only what may be dirty, but everything
     * that may be: the whole page after a page user, a larger
     * alloc_buffer() after a small one, and again after a small user of
     * a page some earlier user dirtied in full.
     */
    q = xencall_alloc_buffer(x, 64);
    memset(q, 0x11, 64);
    xencall_free_buffer(x, q);
    p = xencall_alloc_buffer_pages(x, 1);
    assert_ptr_equal(p, q - 16);
    for (int i = 0; i < 4096; i++)
        assert_int_equal(p[i], 0);
    memset(p, 0x22, 4096);
    xencall_free_buffer_pages(x, p, 1);
    q = xencall_alloc_buffer(x, 64);
    assert_ptr_equal(q, p + 16);
    for (int i = 0; i < 64; i++)
        assert_int_equal(q[i], 0);
    xencall_free_buffer(x, q);
    q = xencall_alloc_buffer(x, 4096 - 16);
    assert_ptr_equal(q, p + 16);
    for (int i = 0; i < 4096 - 16; i++)
        assert_int_equal(q[i], 0);
    xencall_free_buffer(x, q);
    xencall_free_buffer(x, NULL);
    xencall_free_buffer_pages(x, NULL, 3);
    assert_int_equal(fake_sys_count_all(), before);

    /* size + 16 crossing a page: two pages */
    p = xencall_alloc_buffer(x, 4096 - 16);
    assert_int_equal(*(int *)(p - 16), 1);
    q = xencall_alloc_buffer(x, 4096 - 15);
    assert_int_equal(*(int *)(q - 16), 2);
    xencall_free_buffer(x, p);
    xencall_free_buffer(x, q);
    assert_int_equal(xencall_close(x), 0);
}

static void test_cache_limits_and_stats(void **state)
{
    xencall_handle *x = open_call(0);
    void *p[6], *big;
    int before;

    (void)state;
    if (!x)
        return;
    for (int i = 0; i < 6; i++)
        assert_non_null(p[i] = xencall_alloc_buffer_pages(x, 1));
    before = fake_sys_count(FAKE_MUNMAP);
    for (int i = 0; i < 6; i++)
        xencall_free_buffer_pages(x, p[i], 1);
    /* four are kept, the other two are unmapped */
    assert_int_equal(fake_sys_count(FAKE_MUNMAP), before + 2);
    assert_int_equal(fake_sys_live_mappings(), 4);

    /* every size 1..4 is cached; 5 is too big */
    for (size_t n = 2; n <= 5; n++) {
        void *b = xencall_alloc_buffer_pages(x, n);
        unsigned char *u = b;

        assert_non_null(b);
        assert_int_equal((uintptr_t)b & 4095, 0);
        for (size_t k = 0; k < n * 4096; k++)
            assert_int_equal(u[k], 0);
        memset(b, 0x55, n * 4096);
        before = fake_sys_count(FAKE_MUNMAP);
        xencall_free_buffer_pages(x, b, n);
        assert_int_equal(fake_sys_count(FAKE_MUNMAP), before + (n == 5));
        before = fake_sys_count(FAKE_MMAP);
        u = xencall_alloc_buffer_pages(x, n);
        for (size_t k = 0; k < n * 4096; k++)
            assert_int_equal(u[k], 0);
        assert_int_equal(fake_sys_count(FAKE_MMAP), before + (n == 5));
        xencall_free_buffer_pages(x, u, n);
    }
    big = xencall_alloc_buffer(x, 5 * 4096);
    assert_non_null(big);
    xencall_free_buffer(x, big);

    n_buffer_msgs = 0;
    assert_int_equal(xencall_close(x), 0);
    assert_int_equal(n_buffer_msgs, 4); /* statistics at XTL_DEBUG */
    assert_string_equal(last_msg, "cache hits:3 misses:9 toobig:3");
}

static void test_buffer_faults(void **state)
{
    xencall_handle *x = open_call(0);
    int maps, before;

    (void)state;
    if (!x)
        return;
    /* the memory cannot be had: the allocation fails, nothing held */
    fake_sys_fail_always(FAKE_MMAP, ENOMEM);
    errno = 0;
    assert_null(xencall_alloc_buffer_pages(x, 2));
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(fake_sys_live_mappings(), 0);
    fake_sys_fail_always(FAKE_MMAP, 0);
    /* and works again afterwards; errno kept by the free */
    {
        void *p = xencall_alloc_buffer_pages(x, 5);

        assert_non_null(p);
        errno = 1234;
        xencall_free_buffer_pages(x, p, 5);
        assert_int_equal(errno, 1234);
    }

    /* overflow and zero: rejected before any system call */
    maps = fake_sys_live_mappings();
    before = fake_sys_count_all();
    errno = 0;
    assert_null(xencall_alloc_buffer(x, SIZE_MAX - 8));
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_null(xencall_alloc_buffer(x, SIZE_MAX - 4096));
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_null(xencall_alloc_buffer_pages(x, (SIZE_MAX >> 12) + 1));
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_null(xencall_alloc_buffer_pages(x, 0));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(fake_sys_live_mappings(), maps);
    assert_int_equal(xencall_close(x), 0);
}

/* restrict_all leaves a handle that can only be closed */
static void test_restrict_makes_unusable(void **state)
{
    xencall_handle *x = open_call(0);
    void *p;

    (void)state;
    if (!x)
        return;
    p = xencall_alloc_buffer(x, 1);
    assert_non_null(p);
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    errno = 0;
    assert_int_equal(xencall1(x, 17, 0), -1);
    assert_int_equal(n_hypercalls, 0);
    xencall_free_buffer(x, p);
    assert_int_equal(xencall_close(x), 0);
    /* closed handles are no longer restricted */
    assert_int_equal(xentoolcore_restrict_all(3), 0);
}

/* Threads sharing one handle: the cache stays consistent (no syscall
 * once warm, no buffer handed out twice). */
static xencall_handle *shared;
static void *thread_body(void *arg)
{
    uintptr_t tag = (uintptr_t)arg;

    for (int i = 0; i < 20000; i++) {
        volatile uintptr_t *p = xencall_alloc_buffer(shared, 100);

        if (!p || *p != 0)
            return (void *)1;
        *p = tag;
        for (int k = 0; k < 10; k++)
            if (*p != tag)
                return (void *)1;
        xencall_free_buffer(shared, (void *)p);
    }
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t t[2];
    void *warm[2], *r0, *r1;
    int before;

    (void)state;
    shared = open_call(0);
    if (!shared)
        return;
    warm[0] = xencall_alloc_buffer(shared, 1);
    warm[1] = xencall_alloc_buffer(shared, 1);
    xencall_free_buffer(shared, warm[0]);
    xencall_free_buffer(shared, warm[1]);
    before = fake_sys_count_all();
    pthread_create(&t[0], NULL, thread_body, (void *)1);
    pthread_create(&t[1], NULL, thread_body, (void *)2);
    pthread_join(t[0], &r0);
    pthread_join(t[1], &r1);
    assert_null(r0);
    assert_null(r1);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xencall_close(shared), 0);
}

static void test_non_reentrant_and_default_logger(void **state)
{
    xencall_handle *x =
        CONTRACT_OPEN(XS_OP_CALL_OPEN,
                      xencall_open(NULL, XENCALL_OPENFLAG_NON_REENTRANT));
    void *p;

    (void)state;
    if (!x)
        return;
    p = xencall_alloc_buffer(x, 8);
    assert_non_null(p);
    xencall_free_buffer(x, p);
    assert_ptr_equal(xencall_alloc_buffer(x, 8), p);
    xencall_free_buffer(x, p);
    assert_int_equal(xencall_close(x), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, contract_teardown)
        T(test_open_close),
        T(test_open_failure_logged),
        T(test_close_failure),
        T(test_hypercalls),
        T(test_large_result_is_a_value),
        T(test_buffers_and_cache),
        T(test_cache_limits_and_stats),
        T(test_buffer_faults),
        T(test_restrict_makes_unusable),
        T(test_threads),
        T(test_non_reentrant_and_default_logger),
#undef T
    };

    return cmocka_run_group_tests_name("call", tests, NULL, NULL);
}
