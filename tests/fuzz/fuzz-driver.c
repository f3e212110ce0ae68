/*
 * fuzz-driver.c - what the kernel drivers hand back, from the fuzz
 * input: privcmd's per-page error arrays (MMAPBATCH_V2 err[], the V1
 * error bits OR-ed into the frame array, paged-out retries), the answer
 * to the resource-mapping ioctl and its "unimplemented" probe, the ports
 * and byte counts read from and written to the evtchn device.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Invariants: every call returns success or -1/NULL with a positive
 * errno; a successful map with an err array leaves every err[i] either 0
 * or a negative errno; a map without one fails as a whole whenever any
 * frame failed; and everything opened or mapped is released at close.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include "osdep/linux/xen-linux-uapi.h"
#include "fake_sys.h"
#include "fuzz_common.h"

#define MAX_FRAMES 16

static struct fuzz_input in;

/* A kernel errno for a whole call: mostly success, sometimes not. */
static int call_errno(void)
{
    static const int errs[] = { ENOENT, EINVAL, EFAULT, EPERM, ENOTTY,
                                ENOMEM, EINTR, EOPNOTSUPP };
    uint8_t b = take_u8(&in);

    return b < 160 ? 0 : errs[b % (sizeof(errs) / sizeof(errs[0]))];
}

static int drv_ioctl(int fd, unsigned long req, void *arg)
{
    int err;

    (void)fd;
    if (req == XS_IOCTL_PRIVCMD_MMAPBATCH_V2) {
        struct xs_privcmd_mmapbatch_v2 *m = arg;

        for (unsigned int i = 0; i < m->num; i++)
            m->err[i] = (int)take_u32(&in);
    } else if (req == XS_IOCTL_PRIVCMD_MMAPBATCH) {
        struct xs_privcmd_mmapbatch *m = arg;

        for (int i = 0; i < m->num; i++)
            m->arr[i] ^= (xen_pfn_t)take_u32(&in) << (take_u8(&in) % 33);
    } else if (req == XS_IOCTL_PRIVCMD_MMAP_RESOURCE) {
        struct xs_privcmd_mmap_resource *r = arg;

        r->num = take_u32(&in);
    }
    err = call_errno();
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

static ssize_t drv_read(int fd, void *buf, size_t len)
{
    uint8_t n = take_u8(&in);

    (void)fd;
    if (n == 0xff) {
        errno = EAGAIN;
        return -1;
    }
    n %= (uint8_t)(len + 1);
    memset(buf, 0, len);
    take_bytes(&in, buf, n);
    return n;
}

static ssize_t drv_write(int fd, const void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    return (ssize_t)(take_u8(&in) % (len + 1));
}

static void fuzz_foreignmemory(void)
{
    xenforeignmemory_handle *fmem =
        xenforeignmemory_open(&xs_quiet_logger, 0);
    xenforeignmemory_resource_handle *fres;
    xen_pfn_t arr[MAX_FRAMES];
    int err[MAX_FRAMES];
    size_t n = 1 + take_u8(&in) % MAX_FRAMES, size;
    int use_err = take_u8(&in) & 1;
    void *p, *addr = NULL;

    FUZZ_CHECK(fmem != NULL);
    for (size_t i = 0; i < n; i++) {
        arr[i] = 0x1000 + i;
        err[i] = 0;
    }
    errno = 0;
    p = xenforeignmemory_map(fmem, 1, PROT_READ, n, arr,
                             use_err ? err : NULL);
    if (!p) {
        FUZZ_CHECK(errno > 0);
    } else {
        FUZZ_CHECK(xenforeignmemory_unmap(fmem, p, n) == 0);
    }

    errno = 0;
    fres = xenforeignmemory_map_resource(fmem, 1, 0, 0, 0, 1 + n % 3, &addr,
                                         PROT_READ, 0);
    if (!fres)
        FUZZ_CHECK(errno > 0);
    else
        FUZZ_CHECK(xenforeignmemory_unmap_resource(fmem, fres) == 0);
    errno = 0;
    if (xenforeignmemory_resource_size(fmem, 1, 0, 0, &size) < 0)
        FUZZ_CHECK(errno > 0);
    xenforeignmemory_close(fmem);
}

static void fuzz_evtchn(void)
{
    xenevtchn_handle *xce = xenevtchn_open(&xs_quiet_logger, 0);

    FUZZ_CHECK(xce != NULL);
    for (int i = 0; i < 4; i++) {
        int port;

        errno = 0;
        port = xenevtchn_pending(xce);
        FUZZ_CHECK(port >= 0 || (port == -1 && errno > 0));
        errno = 0;
        if (xenevtchn_unmask(xce, (evtchn_port_t)(port < 0 ? 0 : port)) < 0)
            FUZZ_CHECK(errno > 0);
    }
    xenevtchn_close(xce);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fake_sys_handlers h = {
        .ioctl = drv_ioctl, .read = drv_read, .write = drv_write,
    };

    in.p = data;
    in.left = size;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    if (take_u8(&in) & 1)
        fuzz_evtchn();
    else
        fuzz_foreignmemory();
    FUZZ_CHECK(fake_sys_open_fds() == 0 && fake_sys_live_mappings() == 0);
    fake_sys_uninstall();
    return 0;
}
