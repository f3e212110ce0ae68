/*
 * hypfs_parse.c - pure interpretation of hypfs replies (no I/O, no
 * handle): entry headers, directory listings, gzip content, rendering.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <xen/xen.h>
#include <xen/hypfs.h>

#include "xs_internal.h"
#include "hypfs_private.h"

static uint16_t get16(const unsigned char *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

int xs__hypfs_entry_decode(const void *buf, size_t len,
                           struct xs_hypfs_entry *e)
{
    const unsigned char *p = buf;

    if (len < XS_HYPFS_ENTRY_SIZE)
        return -EIO;
    e->type = p[0];
    e->encoding = p[1];
    e->content_len = get32(p + 4);
    e->max_write_len = get32(p + 8);
    return 0;
}

void xs__hypfs_set_attrs(const struct xs_hypfs_entry *e,
                         struct xenhypfs_dirent *d)
{
    d->size = e->content_len;
    switch (e->type) {
    case XEN_HYPFS_TYPE_DIR:    d->type = xenhypfs_type_dir; break;
    case XEN_HYPFS_TYPE_STRING: d->type = xenhypfs_type_string; break;
    case XEN_HYPFS_TYPE_UINT:   d->type = xenhypfs_type_uint; break;
    case XEN_HYPFS_TYPE_INT:    d->type = xenhypfs_type_int; break;
    case XEN_HYPFS_TYPE_BOOL:   d->type = xenhypfs_type_bool; break;
    default:                    d->type = xenhypfs_type_blob; break;
    }
    switch (e->encoding) {
    case XEN_HYPFS_ENC_PLAIN:
        d->encoding = xenhypfs_enc_plain;
        break;
    case XEN_HYPFS_ENC_GZIP:
        d->encoding = xenhypfs_enc_gzip;
        break;
    default:
        /* unknown encoding: opaque bytes, as upstream */
        d->encoding = xenhypfs_enc_plain;
        d->type = xenhypfs_type_blob;
        break;
    }
    d->flags = e->max_write_len ? XENHYPFS_FLAG_WRITABLE : 0;
}

/*
 * One pass over the listing: counts entries and name bytes, checking
 * that every header and name lies inside the buffer, that names are
 * terminated and that off_next moves forward past the name.
 */
static int walk_dir(const unsigned char *p, size_t len, unsigned int *n,
                    size_t *names, struct xenhypfs_dirent *out, char *dst)
{
    size_t off = 0;
    unsigned int count = 0;
    size_t name_bytes = 0;

    if (len == 0)
        goto done;
    for (;;) {
        struct xs_hypfs_entry e;
        const char *name;
        const void *nul;
        size_t nlen;
        uint16_t next;

        if (len - off < XS_HYPFS_DIRLIST_NAME)
            return -EIO;
        xs__hypfs_entry_decode(p + off, len - off, &e);
        next = get16(p + off + XS_HYPFS_ENTRY_SIZE);
        name = (const char *)p + off + XS_HYPFS_DIRLIST_NAME;
        nul = memchr(name, '\0', len - off - XS_HYPFS_DIRLIST_NAME);
        if (!nul)
            return -EIO;
        nlen = (size_t)((const char *)nul - name);
        if (next && next < XS_HYPFS_DIRLIST_NAME + nlen + 1)
            return -EIO;
        if (count == UINT_MAX)
            return -EIO;
        if (out) {
            xs__hypfs_set_attrs(&e, &out[count]);
            out[count].name = dst;
            memcpy(dst, name, nlen + 1);
            dst += nlen + 1;
        }
        count++;
        name_bytes += nlen + 1;
        if (!next)
            break;
        if (next > len - off)
            return -EIO;
        off += next;
        if (off == len)
            return -EIO;        /* off_next pointing at the end */
    }
done:
    *n = count;
    *names = name_bytes;
    return 0;
}

int xs__hypfs_parse_dir(const void *buf, size_t len,
                        struct xenhypfs_dirent **out, unsigned int *n)
{
    struct xenhypfs_dirent *d;
    unsigned int count;
    size_t names, bytes;
    int rc;

    rc = walk_dir(buf, len, &count, &names, NULL, NULL);
    if (rc < 0)
        return rc;
    /* count * sizeof + names: both bounded by len, cannot overflow */
    bytes = (size_t)count * sizeof(*d) + names;
    d = malloc(bytes ? bytes : 1);
    if (!d)
        return -ENOMEM;
    walk_dir(buf, len, &count, &names, d, (char *)(d + count));
    *out = d;
    *n = count;
    return 0;
}

#define INFLATE_CHUNK 4096
/* A bound on inflated content (upstream has none): a corrupt or hostile
 * stream cannot make us allocate without limit. */
#define INFLATE_MAX   ((size_t)256 << 20)

int xs__hypfs_inflate(const void *in, size_t in_len, void **out,
                      size_t *out_len)
{
    z_stream z;
    unsigned char *dst = NULL;
    size_t cap = 0, used = 0;
    int zr;

    if (in_len > UINT_MAX)
        return -EIO;
    memset(&z, 0, sizeof(z));
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)in_len;
    /* +32: accept a gzip or a zlib header */
    if (inflateInit2(&z, MAX_WBITS + 32) != Z_OK)
        return -ENOMEM;
    do {
        if (cap - used < INFLATE_CHUNK) {
            unsigned char *n;

            if (cap >= INFLATE_MAX) {
                zr = Z_MEM_ERROR;
                break;
            }
            cap = cap ? cap * 2 : INFLATE_CHUNK;
            n = realloc(dst, cap);
            if (!n) {
                zr = Z_MEM_ERROR;
                break;
            }
            dst = n;
        }
        z.next_out = dst + used;
        z.avail_out = (uInt)(cap - used > UINT_MAX ? UINT_MAX : cap - used);
        zr = inflate(&z, Z_NO_FLUSH);
        used = (size_t)(z.next_out - dst);
        /* Z_BUF_ERROR with input left = out of room, else truncated */
        if (zr == Z_BUF_ERROR && z.avail_in == 0)
            break;
    } while (zr == Z_OK || zr == Z_BUF_ERROR);
    inflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(dst);
        return zr == Z_MEM_ERROR ? -ENOMEM : -EIO;
    }
    *out = dst ? dst : malloc(1);
    if (!*out)
        return -ENOMEM;
    *out_len = used;
    return 0;
}

int xs__hypfs_render(unsigned int type, const void *content, size_t size,
                     char **out)
{
    const unsigned char *p = content;
    int r = -1;

    switch (type) {
    case xenhypfs_type_dir:
        return -EISDIR;
    case xenhypfs_type_string:
        /* the hypervisor includes the NUL; do not trust that it did */
        *out = strndup(content, size);
        return *out ? 0 : -ENOMEM;
    case xenhypfs_type_uint:
    case xenhypfs_type_bool: {
        uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;

        switch (size) {
        case 1: memcpy(&u8, p, 1); r = asprintf(out, "%" PRIu8, u8); break;
        case 2: memcpy(&u16, p, 2); r = asprintf(out, "%" PRIu16, u16); break;
        case 4: memcpy(&u32, p, 4); r = asprintf(out, "%" PRIu32, u32); break;
        case 8: memcpy(&u64, p, 8); r = asprintf(out, "%" PRIu64, u64); break;
        default: return -EDOM;
        }
        break;
    }
    case xenhypfs_type_int: {
        int8_t s8; int16_t s16; int32_t s32; int64_t s64;

        switch (size) {
        case 1: memcpy(&s8, p, 1); r = asprintf(out, "%" PRId8, s8); break;
        case 2: memcpy(&s16, p, 2); r = asprintf(out, "%" PRId16, s16); break;
        case 4: memcpy(&s32, p, 4); r = asprintf(out, "%" PRId32, s32); break;
        case 8: memcpy(&s64, p, 8); r = asprintf(out, "%" PRId64, s64); break;
        default: return -EDOM;
        }
        break;
    }
    default:
        return -EDOM;           /* blob: no text form */
    }
    if (r < 0) {
        *out = NULL;
        return -ENOMEM;
    }
    return 0;
}
