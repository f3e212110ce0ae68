/*
 * fake_gntdrv.h - a fake gntdev/gntalloc driver over fake_sys, shared by
 * test-gnttab.c and test-gntshr.c (each includes it once).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * It records every ioctl's request and argument bytes as the kernel would
 * read them, hands out indexes like the driver (page-sized steps), and
 * remembers which mmap() landed at which address so GET_OFFSET_FOR_VADDR
 * can be answered.
 */
#ifndef XS_TEST_FAKE_GNTDRV_H
#define XS_TEST_FAKE_GNTDRV_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "fake_sys.h"

#define DRV_MAX_ARG 4096

struct drv_ioctl_rec {
    unsigned long req;
    size_t len;                         /* bytes the fake copied */
    unsigned char arg[DRV_MAX_ARG];
};

static struct drv_ioctl_rec drv_log[64];
static int drv_n;
static uint64_t drv_next_index;
static struct { void *addr; off_t offset; size_t len; } drv_maps[64];
static int drv_n_maps;
static int drv_mmap_eagain;             /* mmap fails with EAGAIN this often */

static uint32_t rd32(const unsigned char *p, size_t off)
{
    uint32_t v;

    memcpy(&v, p + off, 4);
    return v;
}

static uint64_t rd64(const unsigned char *p, size_t off)
{
    uint64_t v;

    memcpy(&v, p + off, 8);
    return v;
}

static void wr32(unsigned char *p, size_t off, uint32_t v)
{
    memcpy(p + off, &v, 4);
}

static void wr64(unsigned char *p, size_t off, uint64_t v)
{
    memcpy(p + off, &v, 8);
}

/* Size of the variable-length argument as the kernel computes it. */
static size_t drv_arg_len(unsigned long req, const unsigned char *a)
{
    switch (req) {
    case 0x00184700: return 16 + 8 * (size_t)rd32(a, 0);   /* MAP */
    case 0x00184705: return 16 + 4 * (size_t)rd32(a, 4);   /* ALLOC_GREF */
    case 0x00144709: return 16 + 4 * (size_t)rd32(a, 4);   /* EXP_FROM_REFS */
    case 0x0014470b: return 16 + 4 * (size_t)rd32(a, 4);   /* IMP_TO_REFS */
    default: return (req >> 16) & 0x3fff;
    }
}

static int drv_ioctl(int fd, unsigned long req, void *argp)
{
    unsigned char *a = argp;
    struct drv_ioctl_rec *r = &drv_log[drv_n < 63 ? drv_n++ : 63];
    size_t len = drv_arg_len(req, a);

    (void)fd;
    r->req = req;
    r->len = len < DRV_MAX_ARG ? len : DRV_MAX_ARG;
    memcpy(r->arg, a, r->len);

    switch (req) {
    case 0x00184700:                    /* MAP_GRANT_REF */
        wr64(a, 8, drv_next_index);
        drv_next_index += (uint64_t)rd32(a, 0) << 12;
        return 0;
    case 0x00184705:                    /* ALLOC_GREF */
        wr64(a, 8, drv_next_index);
        for (uint32_t i = 0; i < rd32(a, 4); i++)
            wr32(a, 16 + 4 * i, 500 + i);
        drv_next_index += (uint64_t)rd32(a, 4) << 12;
        return 0;
    case 0x00184702: {                  /* GET_OFFSET_FOR_VADDR */
        void *va = (void *)(uintptr_t)rd64(a, 0);

        for (int i = 0; i < drv_n_maps; i++) {
            if (drv_maps[i].addr == va) {
                wr64(a, 8, (uint64_t)drv_maps[i].offset);
                wr32(a, 16, (uint32_t)(drv_maps[i].len >> 12));
                return 0;
            }
        }
        errno = EINVAL;
        return -1;
    }
    case 0x00144709:                    /* DMABUF_EXP_FROM_REFS */
        wr32(a, 8, 77);
        return 0;
    case 0x0014470b:                    /* DMABUF_IMP_TO_REFS */
        for (uint32_t i = 0; i < rd32(a, 4); i++)
            wr32(a, 16 + 4 * i, 900 + i);
        return 0;
    default:
        return 0;
    }
}

static void *drv_mmap(void *addr, size_t len, int prot, int flags, int fd,
                      off_t offset)
{
    void *p;

    if (drv_mmap_eagain) {
        drv_mmap_eagain--;
        errno = EAGAIN;
        return MAP_FAILED;
    }
    p = fake_sys_default_mmap(addr, len, prot, flags, fd, offset);
    if (p != MAP_FAILED && drv_n_maps < 64) {
        drv_maps[drv_n_maps].addr = p;
        drv_maps[drv_n_maps].offset = offset;
        drv_maps[drv_n_maps].len = len;
        drv_n_maps++;
    }
    return p;
}

static void drv_install(void)
{
    static const struct fake_sys_handlers h = {
        .ioctl = drv_ioctl, .mmap = drv_mmap,
    };

    fake_sys_install();
    fake_sys_set_handlers(&h);
    drv_n = 0;
    drv_n_maps = 0;
    drv_next_index = 0;
    drv_mmap_eagain = 0;
}

/* The nth (0-based) ioctl the driver saw. */
static const struct drv_ioctl_rec *drv_ioctl_at(int n)
{
    return n < drv_n ? &drv_log[n] : NULL;
}

/* Index (in the whole call log) of the last call of a kind, or -1. */
static int last_call_of(enum fake_sys_kind kind)
{
    int found = -1;

    for (int i = 0; fake_sys_call_at(i); i++)
        if (fake_sys_call_at(i)->kind == kind)
            found = i;
    return found;
}

#endif
