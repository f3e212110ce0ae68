/*
 * fuzz-hypfs.c - hypfs replies: entry headers, directory listings,
 * compressed content and rendering (src/hypfs_parse.c), directly and
 * through xenhypfs_read/readdir with the fake kernel answering the
 * hypercall with the fuzz input (the hypervisor is the untrusted side).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Input: one byte selecting the mode, then the data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenhypfs.h>
#include <xen/hypfs.h>
#include "hypfs_private.h"
#include "osdep/linux/xen-linux-uapi.h"
#include "fake_sys.h"
#include "fuzz_common.h"

static struct fuzz_input reply;

/* privcmd's hypercall ioctl, answered from the input. */
static int drv_ioctl(int fd, unsigned long req, void *arg)
{
    struct xs_privcmd_hypercall *h = arg;
    uint8_t how;

    (void)fd;
    if (req != XS_IOCTL_PRIVCMD_HYPERCALL)
        return 0;
    if (h->arg[0] == XEN_HYPFS_OP_get_version)
        return 1;
    if (h->arg[0] != XEN_HYPFS_OP_read)
        return 0;
    how = take_u8(&reply);
    memset((void *)(uintptr_t)h->arg[3], 0, h->arg[4]);
    take_bytes(&reply, (void *)(uintptr_t)h->arg[3], h->arg[4]);
    if (how % 4 == 1) {
        errno = ENOBUFS;        /* "grow the buffer" */
        return -1;
    }
    if (how % 4 == 2) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

/*
 * Hypercall buffers for the sizes the reply announces: like a kernel
 * short of memory, refuse the absurd ones (the library must then fail
 * cleanly) instead of letting the fuzzer exhaust the machine.
 */
static void *drv_mmap(void *addr, size_t len, int prot, int flags, int fd,
                      off_t offset)
{
    if (len > ((size_t)16 << 20)) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    return fake_sys_default_mmap(addr, len, prot, flags, fd, offset);
}

static void check_dirents(const struct xenhypfs_dirent *d, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        FUZZ_CHECK(d[i].name != NULL);
        (void)strlen(d[i].name);    /* terminated (ASan checks bounds) */
        FUZZ_CHECK(d[i].type <= xenhypfs_type_bool);
    }
}

static void via_api(const uint8_t *data, size_t size, int dir)
{
    static const struct fake_sys_handlers h = {
        .ioctl = drv_ioctl, .mmap = drv_mmap,
    };
    xenhypfs_handle *fs;

    reply.p = data;
    reply.left = size;
    fake_sys_install();
    fake_sys_set_handlers(&h);
    fs = xenhypfs_open(&xs_quiet_logger, 0);
    FUZZ_CHECK(fs != NULL);
    if (dir) {
        unsigned int n = 0;
        struct xenhypfs_dirent *d = xenhypfs_readdir(fs, "/", &n);

        FUZZ_CHECK(d || errno != 0);
        if (d)
            check_dirents(d, n);
        free(d);
    } else {
        char *v = xenhypfs_read(fs, "/x");

        FUZZ_CHECK(v || errno != 0);
        if (v)
            (void)strlen(v);
        free(v);
    }
    xenhypfs_close(fs);
    FUZZ_CHECK(fake_sys_open_fds() == 0 && fake_sys_live_mappings() == 0);
    fake_sys_uninstall();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_hypfs_entry e;
    struct xenhypfs_dirent *d = NULL, one;
    unsigned int n = 0;
    void *out = NULL;
    size_t out_len = 0;
    char *text = NULL;

    if (size < 1)
        return 0;
    switch (data[0] % 6) {
    case 0:
        if (xs__hypfs_entry_decode(data + 1, size - 1, &e) == 0) {
            xs__hypfs_set_attrs(&e, &one);
            FUZZ_CHECK(one.size == e.content_len);
        }
        break;
    case 1:
        if (xs__hypfs_parse_dir(data + 1, size - 1, &d, &n) == 0) {
            check_dirents(d, n);
            free(d);
        }
        break;
    case 2:
        if (xs__hypfs_inflate(data + 1, size - 1, &out, &out_len) == 0)
            free(out);
        break;
    case 3:
        if (size >= 2 &&
            xs__hypfs_render(data[1] % 8, data + 2, size - 2, &text) == 0) {
            (void)strlen(text);
            free(text);
        }
        break;
    case 4:
        via_api(data + 1, size - 1, 0);
        break;
    case 5:
        via_api(data + 1, size - 1, 1);
        break;
    }
    return 0;
}
