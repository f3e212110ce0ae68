/*
 * hypfs_private.h - libxenhypfs internals: the handle and the pure
 * functions that interpret what the hypervisor returns.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Everything the hypervisor writes into a buffer is untrusted input: the
 * parsers below take (buffer, length), validate every length and offset
 * and never read outside the buffer, so they can be fuzzed on their own.
 * They return 0 or -errno; malformed input is -EIO (upstream does not
 * check and would read past the buffer).
 */
#ifndef XS_HYPFS_PRIVATE_H
#define XS_HYPFS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <xencall.h>
#include <xenhypfs.h>
#include <xentoollog.h>

#include "xcall_user.h"

struct xenhypfs_handle {
    XS_XCALL_USER_FIELDS        /* see xcall_user.h */
    unsigned int flags;         /* stored, unused (as upstream) */
};

/* struct xen_hypfs_direntry as the hypervisor writes it. */
#define XS_HYPFS_ENTRY_SIZE      12     /* type, encoding, pad, len, max_write */
#define XS_HYPFS_DIRLIST_NAME    14     /* + off_next u16, then the name */

struct xs_hypfs_entry {
    uint8_t type;               /* XEN_HYPFS_TYPE_* */
    uint8_t encoding;           /* XEN_HYPFS_ENC_* */
    uint32_t content_len;
    uint32_t max_write_len;
};

/* Decode the fixed entry header at buf (len >= XS_HYPFS_ENTRY_SIZE). */
int xs__hypfs_entry_decode(const void *buf, size_t len,
                           struct xs_hypfs_entry *e);

/* Public attributes of an entry, as upstream maps them. */
void xs__hypfs_set_attrs(const struct xs_hypfs_entry *e,
                         struct xenhypfs_dirent *d);

/*
 * Parse a directory listing of len bytes into one malloc'd block: n
 * dirents followed by their names (free() once).  len == 0 gives 0
 * entries and a non-NULL block.
 */
int xs__hypfs_parse_dir(const void *buf, size_t len,
                        struct xenhypfs_dirent **out, unsigned int *n);

/* Inflate gzip/zlib data; *out is malloc'd. -EIO if it is not valid. */
int xs__hypfs_inflate(const void *in, size_t in_len, void **out,
                      size_t *out_len);

/*
 * Render plain content of a node as text, as xenhypfs_read() returns
 * it: strings as they are (NUL-terminated), integers in decimal;
 * -EISDIR for directories, -EDOM for blobs and odd integer sizes.
 */
int xs__hypfs_render(unsigned int type, const void *content, size_t size,
                     char **out);

#endif /* XS_HYPFS_PRIVATE_H */
