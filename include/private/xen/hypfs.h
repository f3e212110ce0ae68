/*
 * xen/hypfs.h - the hypervisor file system (__HYPERVISOR_hypfs_op) in
 * libxenstable's bundled Xen public interface.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Calls are hypfs_op(cmd, path, path_len, buffer, buffer_len) with path
 * including its terminating NUL.
 */
#ifndef __XEN_PUBLIC_HYPFS_H__
#define __XEN_PUBLIC_HYPFS_H__

#include "xen.h"

/* Interface version returned by XEN_HYPFS_OP_get_version. */
#define XEN_HYPFS_VERSION      1

/* Longest path accepted, including the terminating NUL. */
#define XEN_HYPFS_MAX_PATHLEN  1024

#ifndef __ASSEMBLY__
/* Header of every XEN_HYPFS_OP_read result. */
struct xen_hypfs_direntry {
    uint8_t type;
#define XEN_HYPFS_TYPE_DIR     0
#define XEN_HYPFS_TYPE_BLOB    1
#define XEN_HYPFS_TYPE_STRING  2
#define XEN_HYPFS_TYPE_UINT    3
#define XEN_HYPFS_TYPE_INT     4
#define XEN_HYPFS_TYPE_BOOL    5
    uint8_t encoding;
#define XEN_HYPFS_ENC_PLAIN    0
#define XEN_HYPFS_ENC_GZIP     1
    uint16_t pad;
    uint32_t content_len;       /* bytes of content following the header */
    uint32_t max_write_len;     /* 0: read-only */
};
typedef struct xen_hypfs_direntry xen_hypfs_direntry_t;

#ifndef XEN_FLEX_MEMBER_EXT__
# if defined(__GNUC__) && !(defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L) && !defined(__cplusplus)
#  define XEN_FLEX_MEMBER_EXT__ __extension__
# else
#  define XEN_FLEX_MEMBER_EXT__
# endif
#endif
/*
 * The content of a directory is a sequence of these; off_next is the
 * offset of the next entry from this one (0 for the last entry).
 */
struct xen_hypfs_dirlistentry {
    xen_hypfs_direntry_t e;
    uint16_t off_next;
    XEN_FLEX_MEMBER_EXT__ char name[XEN_FLEX_ARRAY_DIM];   /* NUL-terminated */
};
#endif /* !__ASSEMBLY__ */

/* hypfs_op commands. */
#define XEN_HYPFS_OP_get_version     0  /* returns XEN_HYPFS_VERSION */
#define XEN_HYPFS_OP_read            1  /* direntry + content into buffer */
#define XEN_HYPFS_OP_write_contents  2  /* buffer is the new content */

#endif /* __XEN_PUBLIC_HYPFS_H__ */
