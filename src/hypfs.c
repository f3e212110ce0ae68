/*
 * hypfs.c - libxenhypfs: the hypervisor file system through
 * __HYPERVISOR_hypfs_op on an internal xencall handle (OS-independent,
 * as upstream).  Interpretation of the replies is in hypfs_parse.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hypfs.h>

#include "xs_internal.h"
#include "xcall_user.h"
#include "hypfs_private.h"

#define READ_BUF_SIZE 4096      /* first guess, as upstream */

static long hypfs_op(xenhypfs_handle *h, unsigned int op, const void *path,
                     size_t path_len, void *buf, size_t buf_len)
{
    return xencall5(h->xcall, __HYPERVISOR_hypfs_op, op,
                    (uint64_t)(uintptr_t)path, path_len,
                    (uint64_t)(uintptr_t)buf, buf_len);
}

XS_API xenhypfs_handle *xenhypfs_open(xentoollog_logger *logger,
                                      unsigned int open_flags)
{
    xenhypfs_handle *h = xs__xcall_user_open(sizeof(*h), logger);

    if (!h)
        return NULL;
    h->flags = open_flags;
    /* Only version 1 exists; the probe fails where hypfs is absent. */
    if (xencall1(h->xcall, __HYPERVISOR_hypfs_op, XEN_HYPFS_OP_get_version)
        < 0) {
        xs__xcall_user_close(h);        /* keeps the probe's errno */
        return NULL;
    }
    return h;
}

XS_API int xenhypfs_close(xenhypfs_handle *h)
{
    /* upstream returns 0 whatever xencall_close says */
    return xs__xcall_user_close(h);
}

/* The path in hypercall memory; *len = its size with the NUL. */
static int path_buf(xenhypfs_handle *h, const char *path, char **buf,
                    size_t *len)
{
    size_t n;

    if (!h)
        return -EBADF;
    n = strlen(path) + 1;
    if (n > XEN_HYPFS_MAX_PATHLEN)
        return -ENAMETOOLONG;
    *buf = xencall_alloc_buffer(h->xcall, n);
    if (!*buf)
        return -ENOMEM;
    memcpy(*buf, path, n);
    *len = n;
    return 0;
}

/*
 * XEN_HYPFS_OP_read: entry header + content into a hypercall buffer,
 * growing it on ENOBUFS to the size the hypervisor announced.  The
 * reply is validated before anything is copied out of it.
 */
static int read_entry(xenhypfs_handle *h, const char *path,
                      struct xs_hypfs_entry *e, void **content)
{
    char *pbuf = NULL;
    unsigned char *buf = NULL;
    size_t plen, sz = READ_BUF_SIZE;
    int rc;

    rc = path_buf(h, path, &pbuf, &plen);
    if (rc < 0)
        return rc;
    for (int tries = 0;; tries++) {
        buf = xencall_alloc_buffer(h->xcall, sz);
        if (!buf) {
            rc = -ENOMEM;
            goto out;
        }
        if (hypfs_op(h, XEN_HYPFS_OP_read, pbuf, plen, buf, sz) == 0)
            break;
        if (errno != ENOBUFS || tries == 3) {
            rc = xs__neg_errno();
            goto out;
        }
        rc = xs__hypfs_entry_decode(buf, sz, e);
        if (rc < 0)
            goto out;
        /* must grow, or the hypervisor is answering nonsense */
        if ((size_t)e->content_len + XS_HYPFS_ENTRY_SIZE <= sz) {
            rc = -EIO;
            goto out;
        }
        sz = (size_t)e->content_len + XS_HYPFS_ENTRY_SIZE;
        xencall_free_buffer(h->xcall, buf);
        buf = NULL;
    }
    rc = xs__hypfs_entry_decode(buf, sz, e);
    if (rc < 0)
        goto out;
    if (e->content_len > sz - XS_HYPFS_ENTRY_SIZE) {
        rc = -EIO;
        goto out;
    }
    *content = malloc(e->content_len ? e->content_len : 1);
    if (!*content) {
        rc = -ENOMEM;
        goto out;
    }
    memcpy(*content, buf + XS_HYPFS_ENTRY_SIZE, e->content_len);
out:
    XS_PRESERVE_ERRNO(xencall_free_buffer(h->xcall, pbuf);
                      xencall_free_buffer(h->xcall, buf));
    return rc;
}

/* The dirent of a read: one block, the name right after the struct. */
static struct xenhypfs_dirent *make_dirent(const char *path,
                                           const struct xs_hypfs_entry *e)
{
    const char *name = strrchr(path, '/');
    struct xenhypfs_dirent *d;
    size_t n;

    /* the last component; "/" (or "x/") keeps the slash, as upstream */
    if (!name)
        name = path;
    else if (name[1])
        name++;
    n = strlen(name) + 1;
    d = calloc(1, sizeof(*d) + n);
    if (!d)
        return NULL;
    d->name = (char *)(d + 1);
    memcpy(d->name, name, n);
    xs__hypfs_set_attrs(e, d);
    return d;
}

static int read_raw(xenhypfs_handle *h, const char *path, void **content,
                    struct xenhypfs_dirent **dirent)
{
    struct xs_hypfs_entry e;
    int rc;

    rc = read_entry(h, path, &e, content);
    if (rc < 0)
        return rc;
    *dirent = make_dirent(path, &e);
    if (!*dirent) {
        free(*content);
        return -ENOMEM;
    }
    return 0;
}

XS_API void *xenhypfs_read_raw(xenhypfs_handle *h, const char *path,
                               struct xenhypfs_dirent **dirent)
{
    void *content = NULL;
    int rc;

    *dirent = NULL;
    rc = read_raw(h, path, &content, dirent);
    return xs__ret_ptr(content, rc);
}

XS_API char *xenhypfs_read(xenhypfs_handle *h, const char *path)
{
    struct xenhypfs_dirent *d = NULL;
    void *content = NULL;
    char *text = NULL;
    int rc;

    rc = read_raw(h, path, &content, &d);
    if (rc < 0)
        return xs__ret_ptr(NULL, rc);
    if (d->encoding == xenhypfs_enc_gzip) {
        void *plain;
        size_t len;

        rc = xs__hypfs_inflate(content, d->size, &plain, &len);
        if (rc < 0)
            goto out;
        free(content);
        content = plain;
        d->size = len;
    }
    rc = xs__hypfs_render(d->type, content, d->size, &text);
out:
    free(content);
    free(d);
    return xs__ret_ptr(text, rc);
}

XS_API struct xenhypfs_dirent *xenhypfs_readdir(xenhypfs_handle *h,
                                                const char *path,
                                                unsigned int *num_entries)
{
    struct xenhypfs_dirent *d = NULL, *list = NULL;
    void *content = NULL;
    unsigned int n;
    int rc;

    rc = read_raw(h, path, &content, &d);
    if (rc < 0)
        return xs__ret_ptr(NULL, rc);
    if (d->type != xenhypfs_type_dir || d->encoding != xenhypfs_enc_plain)
        rc = -ENOTDIR;
    else
        rc = xs__hypfs_parse_dir(content, d->size, &list, &n);
    free(content);
    free(d);
    if (rc == 0)
        *num_entries = n;
    return xs__ret_ptr(list, rc);
}

static int parse_bool(const char *v, uint64_t *out)
{
    static const char *const yes[] = { "1", "on", "yes", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (unsigned i = 0; i < XS_ARRAY_SIZE(yes); i++) {
        if (!strcmp(v, yes[i])) {
            *out = 1;
            return 0;
        }
        if (!strcmp(v, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return -EDOM;
}

/*
 * Convert val for a node of the given type and size into buf (at least
 * 8 bytes); *len is what to write.  Upstream's rules: numbers in any C
 * base; a value that does not fit the node's size is ERANGE (for uint,
 * like upstream, a sign-extended negative value is accepted).
 */
static int convert(const struct xs_hypfs_entry *e, const char *val,
                   unsigned char *buf, size_t *len)
{
    uint64_t v, mask;
    char *end;
    size_t sz = e->content_len;

    if (e->type == XEN_HYPFS_TYPE_STRING) {
        *len = strlen(val) + 1;
        memcpy(buf, val, *len);
        return 0;
    }
    if (e->type != XEN_HYPFS_TYPE_UINT && e->type != XEN_HYPFS_TYPE_INT &&
        e->type != XEN_HYPFS_TYPE_BOOL)
        return -EDOM;
    if (sz == 0 || sz > 8)
        return -EDOM;           /* upstream: undefined; no such nodes */
    if (e->type == XEN_HYPFS_TYPE_BOOL) {
        if (parse_bool(val, &v) < 0)
            return -EDOM;
    } else {
        errno = 0;
        v = e->type == XEN_HYPFS_TYPE_UINT ? strtoull(val, &end, 0)
                                           : (uint64_t)strtoll(val, &end, 0);
        if (errno)
            return xs__neg_errno();
        /* upstream fails here with whatever errno was (often 0) */
        if (!*val || *end)
            return -EINVAL;
        mask = sz == 8 ? 0 : ~0ULL << (8 * sz);
        if ((v & mask) && (v & mask) != mask)
            return -ERANGE;
    }
    memcpy(buf, &v, sizeof(v));     /* little-endian: low bytes first */
    *len = sz;
    return 0;
}

static int write_node(xenhypfs_handle *h, const char *path, const char *val)
{
    struct xs_hypfs_entry e;
    char *pbuf = NULL;
    unsigned char *buf = NULL;
    size_t plen, need, len;
    int rc;

    rc = path_buf(h, path, &pbuf, &plen);
    if (rc < 0)
        return rc;
    need = strlen(val) + 1;
    if (need < READ_BUF_SIZE)
        need = READ_BUF_SIZE;
    buf = xencall_alloc_buffer(h->xcall, need);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    /* Header only: ENOBUFS is the expected answer. */
    if (hypfs_op(h, XEN_HYPFS_OP_read, pbuf, plen, buf,
                 XS_HYPFS_ENTRY_SIZE) < 0 && errno != ENOBUFS) {
        rc = xs__neg_errno();
        goto out;
    }
    xs__hypfs_entry_decode(buf, XS_HYPFS_ENTRY_SIZE, &e);
    if (!e.max_write_len) {
        rc = -EACCES;
        goto out;
    }
    if (e.encoding != XEN_HYPFS_ENC_PLAIN) {
        rc = -EDOM;             /* writing compressed data: unsupported */
        goto out;
    }
    rc = convert(&e, val, buf, &len);
    if (rc < 0)
        goto out;
    rc = hypfs_op(h, XEN_HYPFS_OP_write_contents, pbuf, plen, buf, len) < 0
        ? xs__neg_errno() : 0;
out:
    XS_PRESERVE_ERRNO(xencall_free_buffer(h->xcall, pbuf);
                      xencall_free_buffer(h->xcall, buf));
    return rc;
}

XS_API int xenhypfs_write(xenhypfs_handle *h, const char *path,
                          const char *val)
{
    return xs__ret(write_node(h, path, val));
}
