/*
 * test-call.c - xencall on Linux: privcmd and its /proc fallback, the
 * hypercall ioctl's layout and libc's int result, where buffers come
 * from (the buffer device, or locked anonymous memory) and how restrict
 * neuters both descriptors.  The API contract (the cache, errors,
 * threads) is tests/unit/test-call.c.
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
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <xencall.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include "call_private.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "fake_sys.h"
#include "fixtures.h"

/* ---- a logger that records messages ---- */
static char last_msg[256], last_ctx[64];
static int n_msgs, n_buffer_msgs, last_errnoval;
static xentoollog_level last_level;

static void rec_vmessage(xentoollog_logger *l, xentoollog_level level,
                         int errnoval, const char *context,
                         const char *format, va_list al)
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
    .vmessage = rec_vmessage, .destroy = rec_destroy,
};

/* ---- a privcmd driver ---- */
static struct xs_privcmd_hypercall seen_call;
static unsigned long seen_request;
static int hypercall_ret;
static int no_bufdev;           /* /dev/xen/hypercall: ENOENT */

static int drv_open(const char *path, int flags)
{
    if (no_bufdev && !strcmp(path, "/dev/xen/hypercall")) {
        errno = ENOENT;
        return -1;
    }
    return fake_sys_default_open(path, flags);
}

static int drv_ioctl(int fd, unsigned long request, void *arg)
{
    (void)fd;
    seen_request = request;
    if (request == XS_IOCTL_PRIVCMD_HYPERCALL)
        memcpy(&seen_call, arg, sizeof(seen_call));
    if (hypercall_ret < 0) {
        errno = -hypercall_ret;
        return -1;
    }
    return hypercall_ret;
}

static int setup(void **state)
{
    struct fake_sys_handlers h = { .open = drv_open, .ioctl = drv_ioctl };

    (void)state;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    hypercall_ret = 0;
    no_bufdev = 0;
    n_msgs = n_buffer_msgs = 0;
    memset(&seen_call, 0, sizeof(seen_call));
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xencall_handle *open_ok(unsigned flags)
{
    xencall_handle *x = xencall_open(&rec_logger, flags);

    assert_non_null(x);
    return x;
}

/* ---- open / close ---- */

static void test_open_close_two_syscalls(void **state)
{
    const struct fake_sys_call *c;
    xencall_handle *x;

    (void)state;
    x = open_ok(0);
    /* only privcmd is opened: the buffer device waits for a buffer */
    assert_int_equal(fake_sys_count_all(), 1);
    c = fake_sys_call_at(0);
    assert_int_equal(c->kind, FAKE_OPEN);
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xencall_fd(x), fake_sys_open_fds() ? xencall_fd(x) : -2);
    assert_true(xencall_fd(x) >= 0);
    assert_int_equal(fcntl(xencall_fd(x), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    assert_int_equal(xencall_close(x), 0);
    assert_int_equal(fake_sys_count_all(), 2);
    assert_int_equal(fake_sys_call_at(1)->kind, FAKE_CLOSE);
    assert_int_equal(fake_sys_call_at(1)->fd, fake_sys_call_at(1)->fd);
    assert_int_equal(xencall_close(NULL), 0);
    assert_int_equal(n_msgs - n_buffer_msgs, 0);
}

static const char *open_paths[4];
static int n_open_paths;

static int path_open(const char *path, int flags)
{
    if (n_open_paths < 4)
        open_paths[n_open_paths++] = path;
    return fake_sys_default_open(path, flags);
}

static void test_open_fallback_to_proc(void **state)
{
    static const int errs[] = { ENOENT, ENXIO, ENODEV };
    struct fake_sys_handlers h = { .open = path_open, .ioctl = drv_ioctl };

    (void)state;
    fake_sys_set_handlers(&h);
    for (size_t i = 0; i < 3; i++) {
        xencall_handle *x;

        n_open_paths = 0;
        fake_sys_install();
        fake_sys_set_handlers(&h);
        fake_sys_fail_nth(FAKE_OPEN, 1, errs[i]);
        x = open_ok(0);
        assert_int_equal(n_open_paths, 1);      /* the failed one not seen */
        assert_string_equal(open_paths[0], "/proc/xen/privcmd");
        assert_string_equal(fake_sys_call_at(0)->path, "/dev/xen/privcmd");
        assert_string_equal(fake_sys_call_at(1)->path, "/proc/xen/privcmd");
        assert_int_equal(fake_sys_call_at(1)->flags, O_RDWR | O_CLOEXEC);
        assert_int_equal(xencall_close(x), 0);
    }
}

static void test_open_failures(void **state)
{
    xencall_handle *x;

    (void)state;
    /* EACCES on /dev/xen/privcmd: no fallback to /proc */
    fake_sys_fail_nth(FAKE_OPEN, 1, EACCES);
    errno = 0;
    x = xencall_open(&rec_logger, 0);
    assert_null(x);
    assert_int_equal(errno, EACCES);
    assert_int_equal(fake_sys_count_all(), 1);

    /* both nodes missing: the second errno is reported */
    setup(NULL);
    fake_sys_fail_nth(FAKE_OPEN, 1, ENOENT);
    fake_sys_fail_nth_any(2, ENXIO);
    x = xencall_open(&rec_logger, 0);
    assert_null(x);
    assert_int_equal(errno, ENXIO);
    assert_int_equal(fake_sys_open_fds(), 0);
}

/* ---- hypercalls ---- */

static void check_call(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4, uint64_t a5)
{
    assert_int_equal(seen_request, 0x00305000UL);
    assert_int_equal(seen_call.op, op);
    assert_int_equal(seen_call.arg[0], a1);
    assert_int_equal(seen_call.arg[1], a2);
    assert_int_equal(seen_call.arg[2], a3);
    assert_int_equal(seen_call.arg[3], a4);
    assert_int_equal(seen_call.arg[4], a5);
}

static void test_hypercalls(void **state)
{
    xencall_handle *x = open_ok(0);
    int before;

    (void)state;
    /* layout as the kernel reads it: op @0, arg[5] @8, 48 bytes */
    assert_int_equal(sizeof(struct xs_privcmd_hypercall), 48);
    assert_int_equal(offsetof(struct xs_privcmd_hypercall, arg), 8);

    memset(&seen_call, 0xff, sizeof(seen_call));
    hypercall_ret = 7;
    before = fake_sys_count_all();
    assert_int_equal(xencall0(x, 17), 7);
    assert_int_equal(fake_sys_count_all(), before + 1);
    check_call(17, 0, 0, 0, 0, 0);
    assert_int_equal(fake_sys_call_at(before)->fd, xencall_fd(x));
    memset(&seen_call, 0xff, sizeof(seen_call));
    assert_int_equal(xencall1(x, 1, 11), 7);
    check_call(1, 11, 0, 0, 0, 0);
    memset(&seen_call, 0xff, sizeof(seen_call));
    assert_int_equal(xencall2(x, 2, 11, 22), 7);
    check_call(2, 11, 22, 0, 0, 0);
    memset(&seen_call, 0xff, sizeof(seen_call));
    assert_int_equal(xencall2L(x, 2, 11, 0xffffffffffffffffULL), 7L);
    check_call(2, 11, 0xffffffffffffffffULL, 0, 0, 0);
    memset(&seen_call, 0xff, sizeof(seen_call));
    assert_int_equal(xencall3(x, 3, 11, 22, 33), 7);
    check_call(3, 11, 22, 33, 0, 0);
    memset(&seen_call, 0xff, sizeof(seen_call));
    assert_int_equal(xencall4(x, 4, 11, 22, 33, 44), 7);
    check_call(4, 11, 22, 33, 44, 0);
    memset(&seen_call, 0xff, sizeof(seen_call));
    assert_int_equal(xencall5(x, 5, 11, 22, 33, 44, 1ULL << 63), 7);
    check_call(5, 11, 22, 33, 44, 1ULL << 63);

    /* errors: -1 with the errno, never logged */
    n_msgs = 0;
    hypercall_ret = -ESRCH;
    errno = 0;
    assert_int_equal(xencall1(x, 1, 0), -1);
    assert_int_equal(errno, ESRCH);
    errno = 0;
    assert_int_equal(xencall2L(x, 1, 0, 0), -1L);
    assert_int_equal(errno, ESRCH);
    hypercall_ret = 0;
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    errno = 0;
    assert_int_equal(xencall5(x, 1, 0, 0, 0, 0, 0), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(n_msgs, 0);
    assert_int_equal(xencall_close(x), 0);
}

/*
 * privcmd answers the hypercall's long result; libc's ioctl() returns it
 * as an int (an error only in the top 4095 values), and upstream's
 * xencall returns that int unchanged: 2^31 comes back as INT_MIN, not
 * as a failure with a made-up errno, and errno is left alone.
 */
static long kernel_result;

static int libc_view_ioctl(int fd, unsigned long request, void *arg)
{
    (void)fd; (void)request; (void)arg;
    if ((unsigned long)kernel_result > -4096UL) {
        errno = (int)-kernel_result;
        return -1;
    }
    return (int)kernel_result;
}

static void test_large_results(void **state)
{
    static const struct { long kernel; long want; } cases[] = {
        { 0x80000000L, INT_MIN }, { 0xfffffff0L, -16 },
        { 0xffffffffL, -1 }, { 0x100000005L, 5 }, { 0x7fffffffL, INT_MAX },
    };
    struct fake_sys_handlers h = { .ioctl = libc_view_ioctl };
    xencall_handle *x = open_ok(0);

    (void)state;
    fake_sys_set_handlers(&h);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kernel_result = cases[i].kernel;
        errno = EDOM;
        assert_int_equal(xencall1(x, 1, 0), (int)cases[i].want);
        assert_int_equal(xencall2L(x, 1, 0, 0), cases[i].want);
        assert_int_equal(errno, EDOM);
    }
    kernel_result = -EACCES;
    assert_int_equal(xencall1(x, 1, 0), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(xencall_close(x), 0);
}

/* ---- buffers ---- */

static void test_buffer_device_lazy(void **state)
{
    xencall_handle *x = open_ok(0);
    const struct fake_sys_call *c;
    unsigned char *p;
    int before, bufdev_fd;

    (void)state;
    before = fake_sys_count_all();
    p = xencall_alloc_buffer(x, 64);
    assert_non_null(p);
    /* open of the buffer device, then one shared mapping of it */
    assert_int_equal(fake_sys_count_all(), before + 2);
    c = fake_sys_call_at(before);
    assert_int_equal(c->kind, FAKE_OPEN);
    assert_int_equal(c->flags, O_RDWR | O_CLOEXEC);
    bufdev_fd = -1;
    c = fake_sys_call_at(before + 1);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->request, 4096);
    assert_int_equal(c->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(c->flags, MAP_SHARED);
    assert_int_equal(c->offset, 0);
    bufdev_fd = c->fd;
    assert_true(bufdev_fd >= 0 && bufdev_fd != xencall_fd(x));
    assert_int_equal(((uintptr_t)p) & 4095, 16);       /* header */
    assert_int_equal(((uintptr_t)p) & 15, 0);
    assert_int_equal(*(int *)(p - 16), 1);              /* page count */
    for (int i = 0; i < 64; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal(xencall_buffers_never_fault(x), 1);
    xencall_free_buffer(x, p);
    assert_int_equal(xencall_close(x), 0);
}

static void test_anonymous_buffers(void **state)
{
    xencall_handle *x;
    const struct fake_sys_call *c;
    void *p;
    int before;

    (void)state;
    no_bufdev = 1;
    x = open_ok(0);
    assert_int_equal(xencall_buffers_never_fault(x), 0);
    before = fake_sys_count_all();
    p = xencall_alloc_buffer_pages(x, 5);
    assert_non_null(p);
    assert_int_equal(fake_sys_count_all(), before + 2);
    c = fake_sys_call_at(before);
    assert_int_equal(c->kind, FAKE_MMAP);
    assert_int_equal(c->request, 5 * 4096);
    assert_int_equal(c->flags, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED);
    assert_int_equal(c->prot, PROT_READ | PROT_WRITE);
    assert_int_equal(c->fd, -1);
    c = fake_sys_call_at(before + 1);
    assert_int_equal(c->kind, FAKE_MADVISE);
    assert_int_equal(c->flags, MADV_DONTFORK);
    assert_int_equal(c->request, 5 * 4096);

    /* free (too big for the cache): DOFORK then munmap, errno kept */
    errno = 1234;
    xencall_free_buffer_pages(x, p, 5);
    assert_int_equal(errno, 1234);
    c = fake_sys_call_at(before + 2);
    assert_int_equal(c->kind, FAKE_MADVISE);
    assert_int_equal(c->flags, MADV_DOFORK);
    assert_int_equal(fake_sys_call_at(before + 3)->kind, FAKE_MUNMAP);
    assert_int_equal(xencall_close(x), 0);
}

static void test_buffer_faults(void **state)
{
    xencall_handle *x;
    int fds;

    (void)state;
    /* buffer device open fails (not ENOENT): the allocation fails */
    x = open_ok(0);
    fds = fake_sys_open_fds();
    fake_sys_fail_nth(FAKE_OPEN, 2, EACCES);
    errno = 0;
    assert_null(xencall_alloc_buffer(x, 10));
    assert_int_equal(errno, EACCES);
    assert_int_equal(fake_sys_open_fds(), fds);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* still unknown: tried again next time, and works */
    assert_non_null(xencall_alloc_buffer_pages(x, 1) ? (void *)1 : NULL);
    assert_int_equal(xencall_close(x), 0);
    setup(NULL);

    /* mmap of the buffer device fails */
    x = open_ok(0);
    fake_sys_fail_nth(FAKE_MMAP, 1, ENOMEM);
    errno = 0;
    assert_null(xencall_alloc_buffer_pages(x, 2));
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xencall_close(x), 0);
    assert_int_equal(fake_sys_open_fds(), 0);
    setup(NULL);

    /* anonymous: mmap fails, then madvise fails */
    no_bufdev = 1;
    x = open_ok(0);
    fake_sys_fail_nth(FAKE_MMAP, 1, EAGAIN);
    errno = 0;
    assert_null(xencall_alloc_buffer(x, 1));
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(fake_sys_live_mappings(), 0);
    fake_sys_fail_nth(FAKE_MADVISE, 1, EINVAL);
    errno = 0;
    assert_null(xencall_alloc_buffer(x, 1));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xencall_close(x), 0);
}

static void test_restrict_neuters_both_fds(void **state)
{
    xencall_handle *x = open_ok(0);
    void *p;
    int ndup;

    (void)state;
    p = xencall_alloc_buffer(x, 1);         /* opens the buffer device */
    assert_non_null(p);
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    ndup = fake_sys_count(FAKE_DUP3);
    assert_int_equal(ndup, 2);
    xencall_free_buffer(x, p);
    assert_int_equal(xencall_close(x), 0);

    /* closed handles are no longer restricted */
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), ndup);
}

/* How many dup3() calls put something over fd. */
static int dups_over(int fd)
{
    int n = 0;

    for (int i = 0; i < fake_sys_count_all(); i++) {
        const struct fake_sys_call *c = fake_sys_call_at(i);

        if (c && c->kind == FAKE_DUP3 && c->fd == fd)
            n++;
    }
    return n;
}

/*
 * The buffer device is opened at the first allocation (upstream: at
 * xencall_open), so a handle restricted before its first allocation had
 * none for the restrict callback to neuter: the one opened afterwards
 * must be neutered then, not left working.
 */
static void test_restrict_before_first_buffer(void **state)
{
    xencall_handle *x = open_ok(0);
    void *p;

    (void)state;
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    assert_int_equal(fake_sys_count(FAKE_DUP3), 1);     /* privcmd only */
    p = xencall_alloc_buffer(x, 1);
    assert_int_equal(x->bufdev, XS_BUFDEV_OPEN);
    assert_true(x->buf_fd >= 0);
    assert_int_equal(dups_over(x->buf_fd), 1);          /* neutered */
    /* (the fake maps anything; Linux refuses to map /dev/null: ENODEV) */
    xencall_free_buffer(x, p);
    assert_int_equal(xencall_close(x), 0);

    /* neutering fails: the device is closed again, never left usable */
    setup(NULL);
    x = open_ok(0);
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    fake_sys_fail_nth(FAKE_DUP3, 2, EMFILE);
    errno = 0;
    assert_null(xencall_alloc_buffer(x, 1));
    assert_int_equal(errno, EMFILE);
    assert_int_equal(x->buf_fd, -1);
    assert_int_equal(x->bufdev, XS_BUFDEV_UNKNOWN);
    assert_int_equal(fake_sys_open_fds(), 1);           /* privcmd only */
    assert_int_equal(xencall_close(x), 0);

    /* no buffer device (Linux < 4.18): locked memory, as upstream's */
    setup(NULL);
    no_bufdev = 1;
    x = open_ok(0);
    assert_int_equal(xentoolcore_restrict_all(3), 0);
    p = xencall_alloc_buffer(x, 1);
    assert_non_null(p);
    assert_int_equal(x->bufdev, XS_BUFDEV_ABSENT);
    assert_int_equal(fake_sys_count(FAKE_DUP3), 1);
    xencall_free_buffer(x, p);
    assert_int_equal(xencall_close(x), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_close_two_syscalls),
        T(test_open_fallback_to_proc),
        T(test_open_failures),
        T(test_hypercalls),
        T(test_large_results),
        T(test_buffer_device_lazy),
        T(test_anonymous_buffers),
        T(test_buffer_faults),
        T(test_restrict_neuters_both_fds),
        T(test_restrict_before_first_buffer),
#undef T
    };

    return cmocka_run_group_tests_name("linux-call", tests, NULL, NULL);
}
