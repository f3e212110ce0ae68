/*
 * bsd-driver.c - the fake FreeBSD or NetBSD kernel as the contract
 * tests' backend fake (see bsd-driver.h): fake_bsd's drivers, asking
 * fake_xen.c what the hypervisor answers.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The kernel is fake_bsd's own, unchanged: its rules and bugs apply, and
 * a violation (a port sent to FreeBSD that the descriptor did not bind,
 * a mapping over memory the caller did not reserve...) aborts the test.
 * Two things are added to play fake_xen's part: the hypervisor hooks of
 * the kernel's configuration lead to fake_xen, and a NOTIFY of a port
 * raises that port on its own descriptor, the loopback fake_xen gives
 * the contract tests' event channels on every OS.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "osdep/bsd-evtchn-uapi.h"
#include "backend.h"
#include "fake_sys.h"
#include "fake_xen.h"
#include "bsd-driver.h"

/* fake_xen's GNTST for a grant it refuses */
#define GNTST_general_error (-1)

static long xen_hypercall(uint64_t op, const uint64_t arg[5])
{
    return fake_xen_hypercall((unsigned int)op, arg);
}

static int xen_map_gfn(uint16_t dom, uint64_t gfn)
{
    return fake_xen_map_frame(dom, gfn);
}

static int xen_dm_op(uint16_t dom, unsigned int nr,
                     const struct fake_bsd_buf *bufs)
{
    struct fake_xen_buf xb[16];

    if (nr > 16)
        return -7; /* Xen's E2BIG */
    for (unsigned int i = 0; i < nr; i++) {
        xb[i].ptr = bufs[i].ptr;
        xb[i].size = bufs[i].size;
    }
    return fake_xen_dm_op(dom, nr, xb);
}

/* nr == 0 asks for the size, which fake_xen answers in n. */
static int xen_acquire_resource(uint16_t dom, uint32_t type, uint32_t id,
                                uint64_t frame, uint64_t nr)
{
    uint64_t n = nr;
    int rc = fake_xen_map_resource(dom, type, id, frame, &n);

    if (rc < 0)
        return rc;
    return nr == 0 ? (int)n : 0;
}

static int xen_map_grant(uint32_t dom, uint32_t ref)
{
    return fake_xen_grant_map(dom, ref) ? GNTST_general_error : 0;
}

static int drv_ioctl(int fd, unsigned long req, void *arg)
{
    int rc = fake_bsd_libc.ioctl(fd, req, arg);

    if (rc == 0 && req == XS_BSD_IOCTL_EVTCHN_NOTIFY) {
        struct xs_bsd_evtchn_port p;

        memcpy(&p, arg, sizeof(p));
        if (fake_bsd_port_fd(p.port) == fd)
            fake_bsd_fire(p.port);
    }
    return rc;
}

void xs_bsd_driver_install(enum fake_bsd_os os, unsigned int variant)
{
    static const unsigned int foreign[] = XS_BSD_DRIVER_FOREIGN_PORTS;
    static struct fake_sys_handlers h;
    struct fake_bsd_config cfg;

    fake_bsd_default_config(&cfg, os);
    /*
     * The one variant that applies: a FreeBSD privcmd without DM_OP (and
     * the size query; fake_bsd.h).  The BSDs have no hypercall-buffer
     * device, and NetBSD never has DM_OP.
     */
    cfg.freebsd_gen = (variant & XS_FAKE_NO_DM_OP) ? FAKE_FREEBSD_OLD
                                                   : FAKE_FREEBSD_CURRENT;
    cfg.hypercall = xen_hypercall;
    cfg.map_gfn = xen_map_gfn;
    cfg.dm_op = xen_dm_op;
    cfg.acquire_resource = xen_acquire_resource;
    cfg.map_grant = xen_map_grant;
    fake_bsd_reset(&cfg);
    for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
        fake_bsd_bind_elsewhere(foreign[i]);

    /* the whole kernel, close included: a closed descriptor's ports,
     * grants and mappings are released at once, as the kernel would */
    h = (struct fake_sys_handlers){
        .open = fake_bsd_libc.open,
        .close = fake_bsd_libc.close,
        .ioctl = drv_ioctl,
        .mmap = fake_bsd_libc.mmap,
        .munmap = fake_bsd_libc.munmap,
        .madvise = fake_bsd_libc.madvise,
        .read = fake_bsd_libc.read,
        .write = fake_bsd_libc.write,
        .dup3 = fake_bsd_libc.dup3,
    };
    fake_sys_install();
    fake_xen_reset();
    fake_sys_set_handlers(&h);
}
