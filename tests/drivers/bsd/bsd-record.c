/*
 * bsd-record.c - the fake BSD kernel with its requests recorded (see
 * bsd-record.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "osdep/bsd-ioccom.h"
#include "fake_sys.h"
#include "bsd-record.h"

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bsd_rec_ioctl ioctls[BSD_REC_MAX];
static int n_ioctls;
static unsigned char write_buf[16];
static size_t write_len;
static struct {
    unsigned long req;
    size_t ptr_off, len;
} follow[4];
static int n_follow;

void bsd_rec_follow(unsigned long req, size_t ptr_off, size_t len)
{
    if (n_follow < 4) {
        follow[n_follow].req = req;
        follow[n_follow].ptr_off = ptr_off;
        follow[n_follow].len = len < BSD_REC_ARG_MAX ? len : BSD_REC_ARG_MAX;
        n_follow++;
    }
}

static int rec_ioctl(int fd, unsigned long req, void *arg)
{
    size_t len = XS_BSD_IOCPARM_LEN(req);

    pthread_mutex_lock(&rec_lock);
    if (n_ioctls < BSD_REC_MAX) {
        struct bsd_rec_ioctl *r = &ioctls[n_ioctls];

        r->fd = fd;
        r->req = req;
        r->len = len;
        memset(r->arg, 0, sizeof(r->arg));
        /* what an IOC_IN request makes the kernel copy in */
        if (arg && (req & XS_BSD_IOC_IN))
            memcpy(r->arg, arg, len < BSD_REC_ARG_MAX ? len : BSD_REC_ARG_MAX);
        memset(r->pointee, 0, sizeof(r->pointee));
        for (int i = 0; i < n_follow; i++) {
            if (follow[i].req == req && arg) {
                const void *p = (const void *)(uintptr_t)
                    bsd_rec_u64(r->arg, follow[i].ptr_off);

                if (p)
                    memcpy(r->pointee, p, follow[i].len);
            }
        }
    }
    n_ioctls++;
    pthread_mutex_unlock(&rec_lock);
    return fake_bsd_libc.ioctl(fd, req, arg);
}

static ssize_t rec_write(int fd, const void *buf, size_t len)
{
    pthread_mutex_lock(&rec_lock);
    write_len = len;
    memset(write_buf, 0, sizeof(write_buf));
    memcpy(write_buf, buf, len < sizeof(write_buf) ? len : sizeof(write_buf));
    pthread_mutex_unlock(&rec_lock);
    return fake_bsd_libc.write(fd, buf, len);
}

void bsd_rec_install(const struct fake_bsd_config *cfg)
{
    static struct fake_sys_handlers h;

    fake_bsd_reset(cfg);
    n_follow = 0;
    h = (struct fake_sys_handlers){
        .open = fake_bsd_libc.open,
        .close = fake_bsd_libc.close,
        .ioctl = rec_ioctl,
        .mmap = fake_bsd_libc.mmap,
        .munmap = fake_bsd_libc.munmap,
        .madvise = fake_bsd_libc.madvise,
        .read = fake_bsd_libc.read,
        .write = rec_write,
        .dup3 = fake_bsd_libc.dup3,
    };
    fake_sys_install();
    fake_sys_set_handlers(&h);
    bsd_rec_clear();
}

void bsd_rec_clear(void)
{
    pthread_mutex_lock(&rec_lock);
    n_ioctls = 0;
    write_len = 0;
    pthread_mutex_unlock(&rec_lock);
}

int bsd_rec_ioctls(void)
{
    return n_ioctls;
}

const struct bsd_rec_ioctl *bsd_rec_ioctl_at(int i)
{
    return i >= 0 && i < n_ioctls && i < BSD_REC_MAX ? &ioctls[i] : NULL;
}

size_t bsd_rec_write_len(void)
{
    return write_len;
}

const unsigned char *bsd_rec_write_bytes(void)
{
    return write_buf;
}

uint64_t bsd_rec_u64(const unsigned char *p, size_t off)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[off + (size_t)i];
    return v;
}

uint32_t bsd_rec_u32(const unsigned char *p, size_t off)
{
    return (uint32_t)bsd_rec_u64(p, off) & 0xffffffffu;
}

uint16_t bsd_rec_u16(const unsigned char *p, size_t off)
{
    return (uint16_t)(p[off] | (p[off + 1] << 8));
}

static uint64_t field_value(const unsigned char *arg,
                            const struct bsd_field *f)
{
    switch (f->size) {
    case 2:
        return bsd_rec_u16(arg, f->off);
    case 4:
        return bsd_rec_u32(arg, f->off);
    default:
        return bsd_rec_u64(arg, f->off);
    }
}

void bsd_ioctl_check(const struct bsd_ioctl_row *row)
{
    const struct bsd_rec_ioctl *r;
    long got;

    bsd_rec_clear();
    errno = 0;
    got = row->call();
    if (got != row->want)
        fail_msg("%s: returned %ld, must be %ld", row->name, got, row->want);
    if (row->want_errno && errno != row->want_errno)
        fail_msg("%s: errno %d, must be %d", row->name, errno,
                 row->want_errno);
    if (bsd_rec_ioctls() != 1)
        fail_msg("%s: %d ioctls, must be one", row->name, bsd_rec_ioctls());
    r = bsd_rec_ioctl_at(0);
    if (r->req != row->request)
        fail_msg("%s: request %#lx, must be %#lx", row->name, r->req,
                 row->request);
    for (int i = 0; i < BSD_ROW_FIELDS && row->fields[i].size; i++) {
        const struct bsd_field *f = &row->fields[i];
        uint64_t v = field_value(r->arg, f);

        if (v != f->value)
            fail_msg("%s: bytes %zu..%zu are %#llx, must be %#llx", row->name,
                     f->off, f->off + f->size - 1, (unsigned long long)v,
                     (unsigned long long)f->value);
    }
}
