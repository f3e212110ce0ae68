/*
 * xenhypfs.h - hypfs: read and write the Xen hypervisor file system
 * (source-compatible with upstream Xen's libxenhypfs).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Paths are absolute ("/buildinfo/version").  Failures are -1 (or NULL)
 * with errno set: ENOENT (no such node), ENAMETOOLONG (path too long),
 * EISDIR/ENOTDIR (wrong node kind), EACCES (not writable), EDOM/ERANGE
 * (value does not fit the node's type), ENOMEM, or the hypervisor's
 * error.  Memory returned by this library is freed with free().
 *
 * Fork: a child may only call xenhypfs_close() on an inherited handle.
 */
#ifndef XENHYPFS_H
#define XENHYPFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xenhypfs_handle xenhypfs_handle;

/* Kind of a node. */
enum xenhypfs_type {
    xenhypfs_type_dir,
    xenhypfs_type_blob,
    xenhypfs_type_string,
    xenhypfs_type_uint,
    xenhypfs_type_int,
    xenhypfs_type_bool
};

/* How a node's raw content is encoded. */
enum xenhypfs_encoding {
    xenhypfs_enc_plain,
    xenhypfs_enc_gzip
};

/* Description of one node. */
struct xenhypfs_dirent {
    char *name;                 /* node name (no path) */
    size_t size;                /* content size in bytes */
    unsigned short type;        /* enum xenhypfs_type */
    unsigned short encoding;    /* enum xenhypfs_encoding */
    unsigned int flags;         /* XENHYPFS_FLAG_* */
#define XENHYPFS_FLAG_WRITABLE  0x00000001
};

/*
 * Open the interface.  logger NULL selects a private stderr logger
 * (level XTL_PROGRESS).  open_flags is ignored (pass 0).  Fails (NULL,
 * errno set) if the hypervisor does not offer hypfs.
 */
xenhypfs_handle *xenhypfs_open(struct xentoollog_logger *logger,
                               unsigned int open_flags);

/*
 * Close the handle.  Returns 0 or -1 with errno.  xenhypfs_close(NULL)
 * returns 0.
 */
int xenhypfs_close(xenhypfs_handle *fshdl);

/*
 * Read the raw content of path.  Stores a newly allocated description in
 * *dirent (free it with free(); its name lives in the same block) and
 * returns the newly allocated content (free()).  Returns NULL with errno
 * on failure.
 */
void *xenhypfs_read_raw(xenhypfs_handle *fshdl, const char *path,
                        struct xenhypfs_dirent **dirent);

/*
 * Read path as a NUL-terminated string: numbers and booleans are
 * formatted, compressed content is decompressed, a directory is listed
 * one entry per line.  Returns a newly allocated string (free()) or NULL
 * with errno.
 */
char *xenhypfs_read(xenhypfs_handle *fshdl, const char *path);

/*
 * List directory path.  Returns a newly allocated array of
 * *num_entries entries (one free() releases the array and all names)
 * or NULL with errno.
 */
struct xenhypfs_dirent *xenhypfs_readdir(xenhypfs_handle *fshdl,
                                         const char *path,
                                         unsigned int *num_entries);

/*
 * Write the string val to path, converting it to the node's type
 * ("1"/"0"/"true"/"false"/... for booleans, decimal for numbers).
 * Returns 0 or -1 with errno.
 */
int xenhypfs_write(xenhypfs_handle *fshdl, const char *path, const char *val);

#ifdef __cplusplus
}
#endif

#endif /* XENHYPFS_H */
