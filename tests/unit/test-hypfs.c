/*
 * test-hypfs.c - libxenhypfs's contract on every backend, over a fake
 * hypervisor: __HYPERVISOR_hypfs_op (42) is answered from a small
 * in-memory tree, the way Xen's hypfs writes its replies.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include <xenhypfs.h>
#include <xentoollog.h>
#include <xen/xen.h>
#include <xen/hypfs.h>
#include "hypfs_private.h"
#include "contract.h"

struct node {
    const char *path;
    uint8_t type, enc;
    uint32_t max_write;
    unsigned char data[8192];
    uint32_t len;
};

static struct node nodes[16];
static int n_nodes;
static int version_errno;           /* get_version answer */
static int n_hypfs_ops;
static struct node *last_written;

static struct node *add(const char *path, uint8_t type, const void *data,
                        uint32_t len, uint32_t max_write)
{
    struct node *n = &nodes[n_nodes++];

    memset(n, 0, sizeof(*n));
    n->path = path;
    n->type = type;
    n->max_write = max_write;
    memcpy(n->data, data, len);
    n->len = len;
    return n;
}

/* Append a dirlist entry for child (name) to dir's content. */
static void dirent_add(struct node *dir, const char *name, uint8_t type,
                       uint32_t clen, int last)
{
    unsigned char *p = dir->data + dir->len;
    size_t nlen = strlen(name) + 1;
    uint16_t next = last ? 0 : (uint16_t)((14 + nlen + 7) & ~7u);

    memset(p, 0, 16 + nlen + 8);
    p[0] = type;
    memcpy(p + 4, &clen, 4);
    memcpy(p + 12, &next, 2);
    memcpy(p + 14, name, nlen);
    dir->len += last ? 14 + nlen : next;
}

static struct node *find(const char *path)
{
    for (int i = 0; i < n_nodes; i++)
        if (!strcmp(nodes[i].path, path))
            return &nodes[i];
    return NULL;
}

static long xen_hypercall(unsigned int op, const uint64_t arg[5])
{
    const char *path;
    unsigned char *buf;
    uint64_t blen;
    struct node *n;

    assert_int_equal(op, 42);
    n_hypfs_ops++;
    if (arg[0] == XEN_HYPFS_OP_get_version)
        return version_errno ? -version_errno : XEN_HYPFS_VERSION;
    path = (const char *)(uintptr_t)arg[1];
    assert_int_equal(arg[2], strlen(path) + 1);
    buf = (unsigned char *)(uintptr_t)arg[3];
    blen = arg[4];
    n = find(path);
    if (!n)
        return -ENOENT;
    if (arg[0] == XEN_HYPFS_OP_read) {
        if (blen < 12)
            return -ENOBUFS;
        memset(buf, 0, 12);
        buf[0] = n->type;
        buf[1] = n->enc;
        memcpy(buf + 4, &n->len, 4);
        memcpy(buf + 8, &n->max_write, 4);
        if (blen < 12 + (uint64_t)n->len)
            return -ENOBUFS;
        memcpy(buf + 12, n->data, n->len);
        return 0;
    }
    assert_int_equal(arg[0], XEN_HYPFS_OP_write_contents);
    if (!n->max_write)
        return -EACCES;
    memcpy(n->data, buf, blen);
    n->len = (uint32_t)blen;
    last_written = n;
    return 0;
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = { .hypercall = xen_hypercall };
    uint32_t u4 = 4, u7 = 7;
    int64_t i8 = -5;
    uint8_t b = 1;
    struct node *root;

    contract_setup(state);
    fake_xen_set(&xen);
    n_nodes = 0;
    version_errno = 0;
    n_hypfs_ops = 0;
    last_written = NULL;
    root = add("/", XEN_HYPFS_TYPE_DIR, "", 0, 0);
    dirent_add(root, "buildinfo", XEN_HYPFS_TYPE_DIR, 0, 0);
    dirent_add(root, "s", XEN_HYPFS_TYPE_STRING, 6, 0);
    dirent_add(root, "w", XEN_HYPFS_TYPE_UINT, 4, 1);
    add("/buildinfo/version/major", XEN_HYPFS_TYPE_UINT, &u4, 4, 0);
    add("/s", XEN_HYPFS_TYPE_STRING, "hello", 6, 0);
    add("/i", XEN_HYPFS_TYPE_INT, &i8, 8, 8);
    add("/b", XEN_HYPFS_TYPE_BOOL, &b, 1, 1);
    add("/w", XEN_HYPFS_TYPE_UINT, &u7, 4, 4);
    add("/ws", XEN_HYPFS_TYPE_STRING, "x", 2, 64);
    add("/blob", XEN_HYPFS_TYPE_BLOB, "\1\2", 2, 0);
    add("/odd", XEN_HYPFS_TYPE_UINT, "\1\2\3", 3, 0);
    {
        struct node *big = add("/big", XEN_HYPFS_TYPE_STRING, "", 0, 0);

        memset(big->data, 'a', 6000);
        big->data[5999] = 0;
        big->len = 6000;
    }
    {
        /* gzip-compressed string content */
        static const char text[] = "compressed content";
        struct node *gz = add("/gz", XEN_HYPFS_TYPE_STRING, "", 0, 0);
        z_stream z;

        memset(&z, 0, sizeof(z));
        assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8,
                                      Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *)text;
        z.avail_in = sizeof(text);
        z.next_out = gz->data;
        z.avail_out = sizeof(gz->data);
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        gz->len = (uint32_t)z.total_out;
        gz->enc = XEN_HYPFS_ENC_GZIP;
        deflateEnd(&z);
    }
    {
        struct node *bad = add("/bad", XEN_HYPFS_TYPE_DIR, "", 0, 0);

        dirent_add(bad, "a", XEN_HYPFS_TYPE_DIR, 0, 0);
        bad->len = 20;          /* the next entry is cut off */
    }
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xenhypfs_handle *open_ok(void)
{
    return CONTRACT_OPEN(XS_OP_CALL_OPEN, xenhypfs_open(NULL, 0));
}

static void test_open_close(void **state)
{
    xenhypfs_handle *h;

    (void)state;
    assert_int_equal(xenhypfs_close(NULL), 0);
    h = open_ok();
    if (!h)
        return;
    if (!h)
        return;
    assert_int_equal(n_hypfs_ops, 1);           /* the version probe */
    assert_int_equal(xenhypfs_close(h), 0);
    /* floor: open, get_version, close (upstream: 6) */
    assert_int_equal(fake_sys_count_all(), xs_backend.open_close_syscalls +
                                           xs_backend.hypercall_syscalls);
}

/* The errno of whatever failed first; EOPNOTSUPP without Xen drivers. */
static void expect_open_fails(int err)
{
    int want = CONTRACT_EXPECT(XS_OP_CALL_OPEN)
               ? CONTRACT_EXPECT(XS_OP_CALL_OPEN) : err;

    errno = 0;
    assert_null(xenhypfs_open(NULL, 0));
    assert_int_equal(errno, want);
    assert_int_equal(fake_sys_open_fds(), 0);
}

static void test_open_failures(void **state)
{
    (void)state;
    version_errno = ENOSYS;             /* Xen without hypfs */
    expect_open_fails(ENOSYS);
    version_errno = 0;
    fake_sys_fail_nth(FAKE_OPEN, fake_sys_count(FAKE_OPEN) + 1, EACCES);
    expect_open_fails(EACCES);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
    expect_open_fails(EPERM);
}

static void expect_read(xenhypfs_handle *h, const char *path,
                        const char *want)
{
    char *s = xenhypfs_read(h, path);

    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void expect_read_err(xenhypfs_handle *h, const char *path, int e)
{
    errno = 0;
    assert_null(xenhypfs_read(h, path));
    assert_int_equal(errno, e);
}

static void test_read(void **state)
{
    xenhypfs_handle *h = open_ok();

    (void)state;
    if (!h)
        return;
    expect_read(h, "/buildinfo/version/major", "4");
    expect_read(h, "/s", "hello");
    expect_read(h, "/i", "-5");
    expect_read(h, "/b", "1");
    expect_read(h, "/gz", "compressed content");
    expect_read(h, "/big", (char *)find("/big")->data);    /* ENOBUFS path */
    expect_read_err(h, "/", EISDIR);
    expect_read_err(h, "/blob", EDOM);
    expect_read_err(h, "/odd", EDOM);
    expect_read_err(h, "/nonexistent", ENOENT);
    assert_int_equal(xenhypfs_close(h), 0);
}

static void test_read_raw(void **state)
{
    xenhypfs_handle *h = open_ok();
    struct xenhypfs_dirent *d;
    uint32_t *v;
    void *raw;

    (void)state;
    if (!h)
        return;
    v = xenhypfs_read_raw(h, "/w", &d);
    assert_non_null(v);
    assert_int_equal(*v, 7);
    assert_string_equal(d->name, "w");
    assert_int_equal(d->size, 4);
    assert_int_equal(d->type, xenhypfs_type_uint);
    assert_int_equal(d->encoding, xenhypfs_enc_plain);
    assert_int_equal(d->flags, XENHYPFS_FLAG_WRITABLE);
    free(v);
    free(d);

    /* raw means raw: gzip content stays encoded, as upstream */
    raw = xenhypfs_read_raw(h, "/gz", &d);
    assert_non_null(raw);
    assert_int_equal(d->encoding, xenhypfs_enc_gzip);
    assert_int_equal(d->size, find("/gz")->len);
    assert_memory_equal(raw, find("/gz")->data, d->size);
    assert_int_equal(d->flags, 0);
    free(raw);
    free(d);

    /* "/" keeps its name */
    raw = xenhypfs_read_raw(h, "/", &d);
    assert_non_null(raw);
    assert_string_equal(d->name, "/");
    free(raw);
    free(d);

    d = (void *)1;
    assert_null(xenhypfs_read_raw(h, "/nope", &d));
    assert_int_equal(errno, ENOENT);
    assert_null(d);
    assert_int_equal(xenhypfs_close(h), 0);
}

static void test_readdir(void **state)
{
    xenhypfs_handle *h = open_ok();
    struct xenhypfs_dirent *d;
    unsigned int n = 99;

    (void)state;
    if (!h)
        return;
    d = xenhypfs_readdir(h, "/", &n);
    assert_non_null(d);
    assert_int_equal(n, 3);
    assert_string_equal(d[0].name, "buildinfo");
    assert_int_equal(d[0].type, xenhypfs_type_dir);
    assert_string_equal(d[1].name, "s");
    assert_int_equal(d[1].type, xenhypfs_type_string);
    assert_int_equal(d[1].size, 6);
    assert_string_equal(d[2].name, "w");
    assert_int_equal(d[2].type, xenhypfs_type_uint);
    free(d);

    assert_null(xenhypfs_readdir(h, "/s", &n));
    assert_int_equal(errno, ENOTDIR);
    assert_null(xenhypfs_readdir(h, "/bad", &n));
    assert_int_equal(errno, EIO);
    assert_int_equal(xenhypfs_close(h), 0);
}

static void test_parse_dir_malformed(void **state)
{
    unsigned char b[64] = { 0 };
    struct xenhypfs_dirent *d;
    unsigned int n;
    uint16_t next;

    (void)state;
    assert_int_equal(xs__hypfs_parse_dir(b, 0, &d, &n), 0);
    assert_int_equal(n, 0);
    free(d);
    memset(b, 0, sizeof(b));
    memcpy(b + 14, "abc", 4);
    /* a valid single entry */
    assert_int_equal(xs__hypfs_parse_dir(b, 18, &d, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].name, "abc");
    free(d);
    /* shorter than a header */
    assert_int_equal(xs__hypfs_parse_dir(b, 13, &d, &n), -EIO);
    /* name not terminated inside the buffer */
    assert_int_equal(xs__hypfs_parse_dir(b, 17, &d, &n), -EIO);
    /* off_next inside the name */
    next = 15;
    memcpy(b + 12, &next, 2);
    assert_int_equal(xs__hypfs_parse_dir(b, 64, &d, &n), -EIO);
    /* off_next beyond the buffer */
    next = 60;
    memcpy(b + 12, &next, 2);
    assert_int_equal(xs__hypfs_parse_dir(b, 40, &d, &n), -EIO);
    /* off_next exactly at the end */
    assert_int_equal(xs__hypfs_parse_dir(b, 60, &d, &n), -EIO);
    /* inflate of garbage / truncated */
    {
        void *out;
        size_t len;

        assert_int_equal(xs__hypfs_inflate("garbage!", 8, &out, &len), -EIO);
        assert_int_equal(xs__hypfs_inflate(find("/gz")->data, 10, &out, &len),
                         -EIO);
    }
}

static void test_write(void **state)
{
    xenhypfs_handle *h = open_ok();
    uint32_t v;
    int64_t i;

    (void)state;
    if (!h)
        return;
    assert_int_equal(xenhypfs_write(h, "/w", "9"), 0);
    assert_ptr_equal(last_written, find("/w"));
    assert_int_equal(last_written->len, 4);
    memcpy(&v, last_written->data, 4);
    assert_int_equal(v, 9);
    assert_int_equal(xenhypfs_write(h, "/w", "0x10"), 0);
    memcpy(&v, last_written->data, 4);
    assert_int_equal(v, 16);
    assert_int_equal(xenhypfs_write(h, "/w", "0x100000000"), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(xenhypfs_write(h, "/w", "12abc"), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xenhypfs_write(h, "/w", ""), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xenhypfs_write(h, "/i", "-3"), 0);
    memcpy(&i, last_written->data, 8);
    assert_int_equal(i, -3);
    assert_int_equal(xenhypfs_write(h, "/b", "no"), 0);
    assert_int_equal(last_written->len, 1);
    assert_int_equal(last_written->data[0], 0);
    assert_int_equal(xenhypfs_write(h, "/b", "enable"), 0);
    assert_int_equal(last_written->data[0], 1);
    assert_int_equal(xenhypfs_write(h, "/b", "maybe"), -1);
    assert_int_equal(errno, EDOM);
    assert_int_equal(xenhypfs_write(h, "/ws", "new text"), 0);
    assert_string_equal((char *)last_written->data, "new text");
    assert_int_equal(last_written->len, 9);
    /* read-only node: EACCES before any write */
    last_written = NULL;
    assert_int_equal(xenhypfs_write(h, "/s", "x"), -1);
    assert_int_equal(errno, EACCES);
    assert_null(last_written);
    assert_int_equal(xenhypfs_write(h, "/nope", "1"), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(xenhypfs_close(h), 0);
}

static void test_pathlen(void **state)
{
    xenhypfs_handle *h = open_ok();
    char path[XEN_HYPFS_MAX_PATHLEN + 1];
    struct xenhypfs_dirent *d;
    unsigned int n;
    int before;

    (void)state;
    if (!h)
        return;
    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = 0;
    before = fake_sys_count_all();
    assert_null(xenhypfs_read(h, path));
    assert_int_equal(errno, ENAMETOOLONG);
    assert_null(xenhypfs_read_raw(h, path, &d));
    assert_int_equal(errno, ENAMETOOLONG);
    assert_null(xenhypfs_readdir(h, path, &n));
    assert_int_equal(errno, ENAMETOOLONG);
    assert_int_equal(xenhypfs_write(h, path, "1"), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    assert_int_equal(fake_sys_count_all(), before);
    assert_int_equal(xenhypfs_close(h), 0);
}

static void test_fault_injection(void **state)
{
    xenhypfs_handle *h = open_ok();
    int fds, maps;

    (void)state;
    if (!h)
        return;
    /* warm up: the buffer device is opened on first use */
    free(xenhypfs_read(h, "/s"));
    fds = fake_sys_open_fds();
    maps = fake_sys_live_mappings();
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    assert_null(xenhypfs_read(h, "/s"));
    assert_int_equal(errno, EFAULT);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 2, EFAULT);
    assert_int_equal(xenhypfs_write(h, "/w", "1"), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(fake_sys_open_fds(), fds);
    assert_int_equal(fake_sys_live_mappings(), maps);
    assert_int_equal(xenhypfs_close(h), 0);
    /* a fresh handle has no cached buffers: every mapping fails */
    h = open_ok();
    if (!h)
        return;
    fake_sys_fail_always(FAKE_MMAP, ENOMEM);
    assert_null(xenhypfs_read(h, "/big"));
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(xenhypfs_write(h, "/w", "1"), -1);
    assert_int_equal(errno, ENOMEM);
    fake_sys_fail_always(FAKE_MMAP, 0);
    assert_int_equal(xenhypfs_close(h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_dir_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pathlen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
    };

    return cmocka_run_group_tests_name("hypfs", tests, NULL, NULL);
}
