/*
 * fake_bsd_test.c - see fake_bsd_test.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fake_bsd_test.h"

const struct fake_bsd_libc *k = &fake_bsd_libc;

/* Self-tests provoke violations on purpose: record, do not abort. */
static void record(const char *what)
{
    (void)what;
}

void fb_reset(enum fake_bsd_os os, struct fake_bsd_config *cfg)
{
    fake_bsd_default_config(cfg, os);
    cfg->on_violation = record;
    fake_bsd_reset(cfg);
}

void fb_reset_cfg(const struct fake_bsd_config *cfg)
{
    fake_bsd_reset(cfg);
}

int kio(int fd, unsigned long req, void *arg)
{
    errno = 0;
    return k->ioctl(fd, req, arg) == 0 ? 0 : errno;
}

void *kmap(void *addr, size_t len, int prot, int flags, int fd, off_t off,
           int *err)
{
    void *p = k->mmap(addr, len, prot, flags, fd, off);

    *err = p == MAP_FAILED ? errno : 0;
    return p == MAP_FAILED ? NULL : p;
}

void *kanon(size_t len, int prot)
{
    int err;

    return kmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &err);
}

const char *perms_at(const void *addr)
{
    static char perms[8];
    char line[512];
    FILE *fp = fopen("/proc/self/maps", "r");

    perms[0] = '\0';
    if (!fp)
        return perms;
    while (fgets(line, sizeof(line), fp)) {
        unsigned long lo, hi;
        char p[8];

        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) == 3 &&
            (uintptr_t)addr >= lo && (uintptr_t)addr < hi) {
            memcpy(perms, p, sizeof(perms));
            break;
        }
    }
    fclose(fp);
    return perms;
}

uint64_t tag_at(const void *addr)
{
    uint64_t v;

    memcpy(&v, addr, sizeof(v));
    return v;
}
