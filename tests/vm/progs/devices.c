/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * devices.c - dom0 smoke test: the Xen device nodes exist and open, toollog
 * writes to a stdio stream, and a raw privcmd hypercall (xen_version)
 * reaches the hypervisor.  Needs no library backend except toollog.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xentoollog.h>

#include "vmtest.h"

/* Linux UAPI layout of IOCTL_PRIVCMD_HYPERCALL (linux/xen/privcmd.h). */
struct vt_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define VT_IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct vt_privcmd_hypercall))
#define VT_HYPERVISOR_xen_version 17
#define VT_XENVER_version 0

static const char *const nodes[] = {
    "/dev/xen/evtchn", "/dev/xen/privcmd", "/dev/xen/gntdev",
    "/dev/xen/gntalloc", "/dev/xen/hypercall", "/dev/xen/xenbus",
};

int main(void)
{
    vt_init();

    xentoollog_logger_stdiostream *lg =
        xtl_createlogger_stdiostream(stdout, XTL_DEBUG, 0);
    vt_ok(lg != NULL, "xtl_createlogger_stdiostream", NULL);
    if (lg) {
        xtl_log((xentoollog_logger *)lg, XTL_INFO, -1, "devices",
                "toollog says hello %d", 42);
        xtl_log((xentoollog_logger *)lg, XTL_ERROR, ENOENT, "devices",
                "with errno");
        xtl_log((xentoollog_logger *)lg, XTL_DEBUG, -1, NULL, "no context");
        vt_pass("xtl_log");
    }

    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        char name[64];
        struct stat st;
        snprintf(name, sizeof name, "stat %s", nodes[i]);
        int r = stat(nodes[i], &st), e = errno;
        if (!vt_ok(r == 0 && S_ISCHR(st.st_mode), name, "%s",
                   r ? vt_errno(e)
                     : S_ISCHR(st.st_mode) ? "character device"
                                           : "not a character device"))
            continue;
        snprintf(name, sizeof name, "open %s", nodes[i]);
        int fd = open(nodes[i], O_RDWR | O_CLOEXEC);
        e = errno;
        vt_ok(fd >= 0, name, fd >= 0 ? "fd=%s" : "%s",
              fd >= 0 ? vt_v("%d", fd) : vt_errno(e));
        if (fd >= 0)
            close(fd);
    }

    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC), e = errno;
    if (vt_ok(fd >= 0, "privcmd open for hypercall", "%s",
              fd >= 0 ? "" : vt_errno(e))) {
        struct vt_privcmd_hypercall h = {
            .op = VT_HYPERVISOR_xen_version,
            .arg = { VT_XENVER_version, 0 },
        };
        long rc = ioctl(fd, VT_IOCTL_PRIVCMD_HYPERCALL, &h);
        e = errno;
        if (vt_ok(rc > 0, "privcmd hypercall xen_version(XENVER_version)",
                  "rc=%s%s", vt_v("%#lx", rc), rc > 0 ? "" : vt_errno(e)))
            vt_fact("xen version %ld.%ld", rc >> 16, rc & 0xffff);
        close(fd);
    }

    if (lg)
        xtl_logger_destroy((xentoollog_logger *)lg);
    return vt_done();
}
