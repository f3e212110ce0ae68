/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hypfs.c - xenhypfs against the real Xen 4.17 hypervisor file system:
 * readdir of "/", typed reads of /buildinfo/version/{major,minor} checked
 * against XENVER_version, read_raw attributes, and the errors for a
 * directory read, a missing node and a write to a read-only node.
 */
#include <stdint.h>
#include <stdlib.h>

#include <xencall.h>
#include <xenhypfs.h>

#include "vmtest.h"

#define HYPERVISOR_xen_version 17

int main(void)
{
    xenhypfs_handle *h;
    struct xenhypfs_dirent *d;
    unsigned int n = 0;
    int ver = -1;
    char *s;
    void *raw;

    vt_init();
    {
        xencall_handle *x = xencall_open(NULL, 0);

        if (x) {
            ver = xencall1(x, HYPERVISOR_xen_version, 0);
            xencall_close(x);
        }
    }
    h = xenhypfs_open(NULL, 0);
    if (!vt_ok(h != NULL, "open", "%s", vt_errno(errno)))
        return vt_done();

    d = xenhypfs_readdir(h, "/", &n);
    vt_ok(d != NULL && n > 0, "readdir /", "%s", vt_errno(errno));
    for (unsigned int i = 0; d && i < n; i++)
        vt_fact("/ entry %s type=%u enc=%u flags=%u", d[i].name, d[i].type,
                d[i].encoding, d[i].flags);
    free(d);

    d = xenhypfs_readdir(h, "/buildinfo/version", &n);
    vt_ok(d != NULL, "readdir /buildinfo/version", "%s", vt_errno(errno));
    for (unsigned int i = 0; d && i < n; i++)
        vt_fact("version entry %s type=%u size=%zu", d[i].name, d[i].type,
                d[i].size);
    free(d);

    s = xenhypfs_read(h, "/buildinfo/version/major");
    vt_ok(s && atoi(s) == (ver >> 16), "read major == XENVER major",
          "%s", s ? s : vt_errno(errno));
    free(s);
    s = xenhypfs_read(h, "/buildinfo/version/minor");
    vt_ok(s && atoi(s) == (ver & 0xffff), "read minor == XENVER minor",
          "%s", s ? s : vt_errno(errno));
    free(s);
    s = xenhypfs_read(h, "/buildinfo/version/extra");
    vt_ok(s != NULL, "read extra (string)", "%s", vt_errno(errno));
    if (s)
        vt_fact("extra=%s", s);
    free(s);

    raw = xenhypfs_read_raw(h, "/buildinfo/version/major", &d);
    vt_ok(raw && d, "read_raw major", "%s", vt_errno(errno));
    if (raw && d)
        vt_fact("raw major: name=%s size=%zu type=%u enc=%u flags=%u",
                d->name, d->size, d->type, d->encoding, d->flags);
    free(raw);
    free(d);

    /* the build config is stored gzip-compressed */
    raw = xenhypfs_read_raw(h, "/buildinfo/config", &d);
    if (raw && d) {
        vt_fact("raw config: enc=%u type=%u", d->encoding, d->type);
        free(raw);
        free(d);
        s = xenhypfs_read(h, "/buildinfo/config");
        vt_ok(s && strstr(s, "CONFIG_HYPFS=y"), "read config (inflated)",
              "%s", s ? "" : vt_errno(errno));
        free(s);
    } else {
        vt_fact("no /buildinfo/config: %s", vt_errno(errno));
    }

    errno = 0;
    s = xenhypfs_read(h, "/buildinfo");
    vt_ok(!s && errno == EISDIR, "read of a directory: EISDIR", "%s",
          vt_errno(errno));
    errno = 0;
    s = xenhypfs_read(h, "/no/such/node");
    vt_ok(!s, "read of a missing node fails", NULL);
    vt_fact("missing node: %s", vt_errno(errno));
    errno = 0;
    vt_ok(xenhypfs_write(h, "/buildinfo/version/major", "5") == -1 &&
          errno == EACCES, "write to a read-only node: EACCES", "%s",
          vt_errno(errno));
    errno = 0;
    d = xenhypfs_readdir(h, "/buildinfo/version/major", &n);
    vt_ok(!d && errno == ENOTDIR, "readdir of a file: ENOTDIR", "%s",
          vt_errno(errno));

    vt_ok(xenhypfs_close(h) == 0, "close", NULL);
    return vt_done();
}
