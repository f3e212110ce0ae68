/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * call.c - xencall against the real hypervisor in dom0: xen_version,
 * a hypercall writing into a hypercall buffer, the buffer device, the
 * buffer cache (reuse, alignment, zeroing) and xencall_fd().
 */
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <xencall.h>

#include "vmtest.h"

#define HYPERVISOR_xen_version 17
#define XENVER_version      0
#define XENVER_extraversion 1
#define XENVER_capabilities 3

struct vt_privcmd_hypercall { uint64_t op; uint64_t arg[5]; };
#define VT_IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct vt_privcmd_hypercall))

int main(void)
{
    xencall_handle *x;
    int v;

    vt_init();
    x = xencall_open(NULL, 0);
    if (!vt_ok(x != NULL, "xencall_open", "%s", vt_errno(errno)))
        return vt_done();

    v = xencall1(x, HYPERVISOR_xen_version, XENVER_version);
    vt_ok(v == (4 << 16 | 17), "xencall1 xen_version = 4.17",
          "0x%x", v);

    {
        char *buf = xencall_alloc_buffer(x, 16);
        vt_ok(buf != NULL, "alloc_buffer(16)", NULL);
        if (buf) {
            v = xencall2(x, HYPERVISOR_xen_version, XENVER_extraversion,
                         (uint64_t)(uintptr_t)buf);
            vt_ok(v == 0 && buf[0] == '.', "xencall2 extraversion into buffer",
                  "rc=%d", v);
            vt_fact("extraversion %.16s", buf);
            xencall_free_buffer(x, buf);
        }
    }
    {
        char *caps = xencall_alloc_buffer(x, 1024);
        if (caps) {
            v = xencall2(x, HYPERVISOR_xen_version, XENVER_capabilities,
                         (uint64_t)(uintptr_t)caps);
            vt_ok(v == 0 && strstr(caps, "xen-3.0-x86_64") != NULL,
                  "xencall2 capabilities", "rc=%d", v);
            vt_fact("capabilities %.200s", caps);
            xencall_free_buffer(x, caps);
        } else {
            vt_fail("alloc_buffer(1024)", "%s", vt_errno(errno));
        }
    }

    vt_ok(xencall_buffers_never_fault(x) == 1,
          "buffers_never_fault with /dev/xen/hypercall", NULL);

    {
        unsigned char *p = xencall_alloc_buffer(x, 64), *q;
        int zero = 1;

        vt_ok(p && ((uintptr_t)p & 15) == 0, "alloc_buffer 16-byte aligned",
              NULL);
        if (p) {
            memset(p, 0xa5, 64);
            xencall_free_buffer(x, p);
            q = xencall_alloc_buffer(x, 64);
            vt_ok(q == p, "alloc/free/alloc reuses the cached buffer", NULL);
            for (int i = 0; q && i < 64; i++)
                zero &= q[i] == 0;
            vt_ok(q && zero, "recycled buffer is zeroed", NULL);
            xencall_free_buffer(x, q);
        }
    }
    {
        unsigned char *pg = xencall_alloc_buffer_pages(x, 4);
        int zero = 1;

        vt_ok(pg && ((uintptr_t)pg & 4095) == 0,
              "alloc_buffer_pages(4) page-aligned", NULL);
        for (int i = 0; pg && i < 4 * 4096; i++)
            zero &= pg[i] == 0;
        vt_ok(pg && zero, "alloc_buffer_pages(4) zeroed", NULL);
        if (pg) {
            memset(pg, 1, 4 * 4096);
            xencall_free_buffer_pages(x, pg, 4);
        }
        /* not compared: upstream 4.17 hands out a cached page for 0
         * pages (its cache only tests nr_pages > 1); ours says EINVAL */
        vt_note("alloc_buffer_pages(0) -> %s",
                xencall_alloc_buffer_pages(x, 0) ? "a buffer" : "NULL");
    }

    {
        int fd = xencall_fd(x);
        struct stat st;
        struct vt_privcmd_hypercall h = {
            .op = HYPERVISOR_xen_version, .arg = { XENVER_version },
        };

        vt_ok(fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode),
              "xencall_fd is the privcmd character device", "fd {%d}", fd);
        v = ioctl(fd, VT_IOCTL_PRIVCMD_HYPERCALL, &h);
        vt_ok(v == (4 << 16 | 17), "raw ioctl on xencall_fd works",
              "0x%x", v);
    }

    errno = 0;
    v = xencall0(x, 63);        /* no such hypercall */
    vt_ok(v == -1 && errno == ENOSYS, "unknown hypercall -> ENOSYS",
          "rc=%d %s", v, vt_errno(errno));

    vt_ok(xencall_close(x) == 0, "xencall_close", NULL);
    return vt_done();
}
