/*
 * test-devicemodel.c - xendevicemodel on Linux: privcmd's
 * IOCTL_PRIVCMD_DM_OP request, the lazy detection of kernels without it
 * and the dm_op hypercall fallback through privcmd, the restrict
 * request.  The ops themselves (what Xen reads) are the contract test
 * tests/unit/test-devicemodel.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <xendevicemodel.h>
#include <xentoolcore.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include "devicemodel_private.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "fake_sys.h"
#include "fixtures.h"

#define DM_OP_REQ     0x00105005UL
#define RESTRICT_REQ  0x00025006UL
#define HYPERCALL_REQ 0x00305000UL

/* ---- the fake privcmd ---- */
static int dm_op_missing;           /* DM_OP answers ENOTTY */
static int xen_err;                 /* errno Xen answers a real op with */
static uint16_t seen_dom, seen_num;
static unsigned char seen_op[sizeof(struct xen_dm_op)];
static size_t seen_size[2];
static unsigned char seen_buf1[64];
static const void *seen_uptr1;      /* the second buffer's address */
static int n_dm_ops, n_probes, n_hypercalls;
static domid_t seen_restrict;
static struct xs_privcmd_hypercall seen_hc;
static int no_privcmd_dev;

/* Xen's side: read the op, write results like the hypervisor would. */
static int xen_dm_op(unsigned char *op, size_t size)
{
    struct xen_dm_op *o = (struct xen_dm_op *)op;

    assert_int_equal(size, sizeof(struct xen_dm_op));
    memcpy(seen_op, op, size);
    if (xen_err)
        return -xen_err;
    switch (o->op) {
    case XEN_DMOP_create_ioreq_server:
        o->u.create_ioreq_server.id = 5;
        break;
    case XEN_DMOP_get_ioreq_server_info:
        o->u.get_ioreq_server_info.bufioreq_port = 77;
        o->u.get_ioreq_server_info.ioreq_gfn = 0x1234;
        o->u.get_ioreq_server_info.bufioreq_gfn = 0x5678;
        break;
    case XEN_DMOP_nr_vcpus:
        o->u.nr_vcpus.vcpus = 3;
        break;
    }
    return 0;
}

static int drv_open(const char *path, int flags)
{
    if (no_privcmd_dev && !strcmp(path, "/dev/xen/privcmd")) {
        errno = ENOENT;
        return -1;
    }
    return fake_sys_default_open(path, flags);
}

static int drv_ioctl(int fd, unsigned long request, void *arg)
{
    (void)fd;
    if (request == DM_OP_REQ) {
        const struct xs_privcmd_dm_op *d = arg;
        const unsigned char *raw = arg;
        int rc;

        /* layout as the kernel reads it: dom @0, num @2, ubufs @8 */
        memcpy(&seen_dom, raw, 2);
        memcpy(&seen_num, raw + 2, 2);
        if (dm_op_missing) {
            errno = ENOTTY;
            return -1;
        }
        if (d->num == 0) {
            assert_int_equal(d->dom, 0x7ff4);
            assert_null(d->ubufs);
            n_probes++;
            return 0;
        }
        n_dm_ops++;
        for (unsigned i = 0; i < d->num; i++)
            seen_size[i] = d->ubufs[i].size;
        if (d->num > 1) {
            seen_uptr1 = d->ubufs[1].uptr;
            memcpy(seen_buf1, d->ubufs[1].uptr,
                   d->ubufs[1].size < sizeof(seen_buf1)
                       ? d->ubufs[1].size : sizeof(seen_buf1));
        }
        rc = xen_dm_op(d->ubufs[0].uptr, d->ubufs[0].size);
        if (rc < 0) {
            errno = -rc;
            return -1;
        }
        return 0;
    }
    if (request == RESTRICT_REQ) {
        memcpy(&seen_restrict, arg, 2);
        if (dm_op_missing) {
            errno = ENOTTY;
            return -1;
        }
        return 0;
    }
    if (request == HYPERCALL_REQ) {
        const xen_dm_op_buf_t *b;
        int rc;

        memcpy(&seen_hc, arg, sizeof(seen_hc));
        n_hypercalls++;
        assert_int_equal(seen_hc.op, 41);
        seen_dom = (uint16_t)seen_hc.arg[0];
        seen_num = (uint16_t)seen_hc.arg[1];
        b = (const xen_dm_op_buf_t *)(uintptr_t)seen_hc.arg[2];
        for (unsigned i = 0; i < seen_num; i++)
            seen_size[i] = b[i].size;
        rc = xen_dm_op((unsigned char *)b[0].h.p, b[0].size);
        if (rc < 0) {
            errno = -rc;
            return -1;
        }
        return 0;
    }
    errno = ENOTTY;
    return -1;
}

static int setup(void **state)
{
    struct fake_sys_handlers h = { .open = drv_open, .ioctl = drv_ioctl };

    (void)state;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    dm_op_missing = xen_err = no_privcmd_dev = 0;
    n_dm_ops = n_probes = n_hypercalls = 0;
    memset(seen_op, 0xee, sizeof(seen_op));
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xendevicemodel_handle *open_ok(void)
{
    xendevicemodel_handle *d = xendevicemodel_open(NULL, 0);

    assert_non_null(d);
    return d;
}

static uint32_t op_u32(size_t off)
{
    uint32_t v;

    memcpy(&v, seen_op + off, 4);
    return v;
}

static void test_open_close(void **state)
{
    xendevicemodel_handle *d;

    (void)state;
    d = open_ok();
    /* privcmd only: no probe, no xencall handle */
    assert_int_equal(fake_sys_count_all(), 1);
    assert_string_equal(fake_sys_call_at(0)->path, "/dev/xen/privcmd");
    assert_int_equal(fake_sys_call_at(0)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xendevicemodel_close(d), 0);
    assert_int_equal(fake_sys_count_all(), 2);
    assert_int_equal(xendevicemodel_close(NULL), 0);

    /* EACCES: the open fails, nothing leaks or stays registered */
    fake_sys_fail_nth(FAKE_OPEN, 2, EACCES);
    errno = 0;
    assert_null(xendevicemodel_open(NULL, 0));
    assert_int_equal(errno, EACCES);
    assert_int_equal(xentoolcore_restrict_all(1), 0);
    assert_int_equal(fake_sys_count(FAKE_IOCTL), 0);

    /* close failing reports it */
    d = open_ok();
    fake_sys_fail_nth(FAKE_CLOSE, 2, EIO);
    errno = 0;
    assert_int_equal(xendevicemodel_close(d), -1);
    assert_int_equal(errno, EIO);
}

/* One ioctl per op: dom @0, num @2 (16 bits), the buffers @8. */
static void test_dm_op_request(void **state)
{
    xendevicemodel_handle *d = open_ok();
    ioservid_t id = 0;
    unsigned long bitmap[2] = { 0, 0 };
    int before;

    (void)state;
    assert_int_equal(sizeof(struct xs_privcmd_dm_op), 16);
    assert_int_equal(sizeof(struct xs_privcmd_dm_op_buf), 16);
    before = fake_sys_count_all();
    assert_int_equal(xendevicemodel_create_ioreq_server(d, 7, 2, &id), 0);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(fake_sys_call_at(before)->request, DM_OP_REQ);
    assert_int_equal(fake_sys_call_at(before)->fd, d->fd);
    assert_int_equal(seen_dom, 7);
    assert_int_equal(seen_num, 1);
    assert_int_equal(seen_size[0], 32);
    assert_int_equal(id, 5);
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 7, 0xa0, 9, bitmap),
                     0);
    assert_int_equal(seen_num, 2);
    assert_int_equal(seen_size[1], 2);
    assert_int_equal(n_probes, 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

/*
 * An empty buffer (track_dirty_vram's bitmap when nr is 0) goes to the
 * kernel as an address inside a page, never NULL or page-aligned:
 * privcmd would pin no page for it and fail the request with EFAULT
 * (tests/drivers/linux/driver.c).
 */
static void test_empty_buffer_address(void **state)
{
    xendevicemodel_handle *d = open_ok();
    long page = sysconf(_SC_PAGESIZE);
    unsigned long *aligned = aligned_alloc((size_t)page, (size_t)page);
    unsigned long *bitmaps[] = { NULL, aligned };

    (void)state;
    assert_non_null(aligned);
    for (size_t i = 0; i < 2; i++) {
        seen_uptr1 = NULL;
        assert_int_equal(
            xendevicemodel_track_dirty_vram(d, 7, 0, 0, bitmaps[i]), 0);
        assert_int_equal(seen_num, 2);
        assert_int_equal(seen_size[1], 0);
        assert_non_null(seen_uptr1);
        assert_int_not_equal((uintptr_t)seen_uptr1 % (uintptr_t)page, 0);
    }
    /* a non-empty buffer is the caller's own */
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 7, 0xa0, 9, aligned),
                     0);
    assert_ptr_equal(seen_uptr1, aligned);
    free(aligned);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_errors_no_probe(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 99;
    int before;

    (void)state;
    /* an errno other than ENOTTY/EINVAL proves DM_OP exists: one ioctl */
    xen_err = ESRCH;
    before = fake_sys_count_all();
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 7, &vcpus), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(vcpus, 99);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(n_probes, 0);

    /* injected kernel failure: -1 with its errno, nothing leaks */
    xen_err = 0;
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EFAULT);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 7, 0), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_einval_probes_once(void **state)
{
    xendevicemodel_handle *d = open_ok();
    int before;

    (void)state;
    /* Xen's EINVAL on the first op: the probe says DM_OP exists */
    xen_err = EINVAL;
    errno = 0;
    assert_int_equal(xendevicemodel_set_isa_irq_level(d, 7, 99, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(n_probes, 1);
    assert_int_equal(seen_dom, 0x7ff4);
    assert_int_equal(seen_num, 0);
    /* known now: the next EINVAL costs one ioctl, no probe */
    before = fake_sys_count_all();
    assert_int_equal(xendevicemodel_set_isa_irq_level(d, 7, 99, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(n_probes, 1);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_fallback_hypercall(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 0;
    unsigned long bitmap = 0;

    (void)state;
    dm_op_missing = 1;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(vcpus, 3);                     /* copied back */
    assert_int_equal(n_hypercalls, 1);
    assert_int_equal(seen_hc.arg[0], 9);
    assert_int_equal(seen_hc.arg[1], 1);
    assert_int_equal(seen_size[0], 32);
    assert_int_equal(op_u32(0), 20);
    /* later ops go straight to the hypercall */
    assert_int_equal(xendevicemodel_track_dirty_vram(d, 9, 0, 17, &bitmap),
                     0);
    assert_int_equal(n_hypercalls, 2);
    assert_int_equal(seen_hc.arg[1], 2);
    assert_int_equal(seen_size[1], 3);
    /* Xen errors come back as errno */
    xen_err = ESRCH;
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 9, 0), -1);
    assert_int_equal(errno, ESRCH);
    /* restrict is not possible in this mode */
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 9), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(xendevicemodel_close(d), 0);

    /* no privcmd node at all: hypercalls through /proc/xen/privcmd */
    setup(NULL);
    no_privcmd_dev = 1;
    d = open_ok();
    assert_int_equal(fake_sys_count_all(), 2);
    assert_string_equal(fake_sys_call_at(1)->path, "/proc/xen/privcmd");
    assert_int_equal(fake_sys_call_at(1)->flags, O_RDWR | O_CLOEXEC);
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(n_hypercalls, 1);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_fallback_faults(void **state)
{
    xendevicemodel_handle *d = open_ok();
    unsigned int vcpus = 0;
    int nioctl;

    (void)state;
    dm_op_missing = 1;
    /* the bounce memory cannot be had: the op fails with its errno */
    fake_sys_fail_nth(FAKE_MMAP, 1, ENOMEM);
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), -1);
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(n_hypercalls, 0);
    assert_int_equal(fake_sys_live_mappings(), 0);
    /* the hypercall fails: its errno, the bounce memory released */
    nioctl = fake_sys_count(FAKE_IOCTL);
    fake_sys_fail_nth(FAKE_IOCTL, nioctl + 1, EFAULT);
    errno = 0;
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(fake_sys_live_mappings(), 0);
    assert_int_equal(xendevicemodel_nr_vcpus(d, 9, &vcpus), 0);
    assert_int_equal(vcpus, 3);
    assert_int_equal(xendevicemodel_close(d), 0);
}

static void test_restrict(void **state)
{
    xendevicemodel_handle *d = open_ok();
    int before;

    (void)state;
    assert_int_equal(xendevicemodel_restrict(d, 12), 0);
    assert_int_equal(seen_restrict, 12);
    before = fake_sys_count_all();
    assert_int_equal(xentoolcore_restrict_all(13), 0);
    assert_int_equal(fake_sys_count_all(), before + 1);
    assert_int_equal(fake_sys_call_at(before)->request, RESTRICT_REQ);
    assert_int_equal(seen_restrict, 13);
    fake_sys_fail_nth(FAKE_IOCTL, fake_sys_count(FAKE_IOCTL) + 1, EPERM);
    errno = 0;
    assert_int_equal(xendevicemodel_restrict(d, 14), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xendevicemodel_close(d), 0);

    /* hypercall mode + restrict_all: no unrestricted xencall later */
    setup(NULL);
    d = open_ok();
    dm_op_missing = 1;
    assert_int_equal(xentoolcore_restrict_all(13), 0);
    errno = 0;
    assert_int_equal(xendevicemodel_shutdown(d, 13, 0), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(n_hypercalls, 0);
    assert_int_equal(xendevicemodel_close(d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_open_close),
        T(test_dm_op_request),
        T(test_empty_buffer_address),
        T(test_errors_no_probe),
        T(test_einval_probes_once),
        T(test_fallback_hypercall),
        T(test_fallback_faults),
        T(test_restrict),
#undef T
    };

    return cmocka_run_group_tests_name("linux-devicemodel", tests, NULL, NULL);
}
