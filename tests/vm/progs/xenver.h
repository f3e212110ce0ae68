/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xenver.h - which hypervisor a VM test program runs on, for checks
 * whose right answer differs between Xen versions.
 *
 * vt_xen() asks the hypervisor itself (XENVER_version through a raw
 * privcmd hypercall: no Xen library is involved, so the libxenstable
 * and upstream builds of a program learn the same thing) and checks the
 * answer against the version the harness booted (XSVM_XEN_VERSION, set
 * by tests/vm/harness from its Debian release).  The table holds what
 * each version fixes for raw domctl/sysctl calls (their
 * interface_version).  A version missing from the table fails the
 * program: a new hypervisor gets its row, and every per-version
 * expectation gets an answer for it, before tests run on it.
 */
#ifndef XSVM_XENVER_H
#define XSVM_XENVER_H

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

struct vt_xen {
    unsigned int major, minor;
    uint32_t domctl_if; /* XEN_DOMCTL_INTERFACE_VERSION */
    uint32_t sysctl_if; /* XEN_SYSCTL_INTERFACE_VERSION */
};

/* From each version's public headers (Debian's libxen-dev). */
static const struct vt_xen vt_xen_table[] = {
    { 4, 14, 0x12, 0x13 }, /* Debian 11 */
    { 4, 17, 0x15, 0x15 }, /* Debian 12 */
    { 4, 20, 0x17, 0x15 }, /* Debian 13 */
};

/* Linux UAPI layout of IOCTL_PRIVCMD_HYPERCALL (linux/xen/privcmd.h). */
struct vt_xenver_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

static inline long vt_xen_raw_version(void)
{
    struct vt_xenver_hypercall h = { .op = 17 /* xen_version */,
                                     .arg = { 0 /* XENVER_version */ } };
    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    long v;

    if (fd < 0)
        return -1;
    v = ioctl(fd, _IOC(_IOC_NONE, 'P', 0, sizeof(h)), &h);
    close(fd);
    return v;
}

/* The running hypervisor's row; on an unknown or unexpected hypervisor
 * the program fails and ends here. */
static inline const struct vt_xen *vt_xen(void)
{
    static const struct vt_xen *known;
    const char *booted = getenv("XSVM_XEN_VERSION");
    char want[16];
    long v;

    if (known)
        return known;
    v = vt_xen_raw_version();
    if (v <= 0) {
        vt_fail("learn the Xen version", "xen_version: %s", vt_errno(errno));
        exit(vt_done());
    }
    snprintf(want, sizeof want, "%ld.%ld", v >> 16, v & 0xffff);
    if (!vt_ok(!booted || strcmp(booted, want) == 0,
               "the hypervisor is the one the harness booted",
               "running %s, booted %s", want, booted ? booted : "?"))
        exit(vt_done());
    for (size_t i = 0; i < sizeof vt_xen_table / sizeof vt_xen_table[0]; i++)
        if (vt_xen_table[i].major == (unsigned long)v >> 16 &&
            vt_xen_table[i].minor == (v & 0xffff))
            known = &vt_xen_table[i];
    if (!known) {
        vt_fail("a known Xen version",
                "Xen %s: add it to "
                "tests/vm/progs/xenver.h and give every per-version "
                "check its answer",
                want);
        exit(vt_done());
    }
    return known;
}

/* Xen >= major.minor? */
static inline int vt_xen_ge(unsigned int major, unsigned int minor)
{
    const struct vt_xen *x = vt_xen();

    return x->major > major || (x->major == major && x->minor >= minor);
}

#endif
