/*
 * xentoolcore.h - toolcore: process-wide operations over every open Xen
 * tool-library handle (source-compatible with upstream Xen's
 * libxentoolcore).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XENTOOLCORE_H
#define XENTOOLCORE_H

#include <stdint.h>
/* Xen's public headers: the system's if it has them, else our
 * bundled copies (see private/xen-source.h). */
#include "private/xen-source.h"
#if XENSTABLE_USE_SYSTEM_XEN_HEADERS
#include <xen/xen.h>
#else /* not installed with -Dsystem_xen_headers=true */
#include "private/xen/xen.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Restrict every open handle of every Xen tool library in this process
 * (libxenstable's own and any library that registered with toolcore,
 * such as libxenstore) so that it can only act on domain domid.
 *
 * Handles whose kernel interface cannot be narrowed to one domain are
 * made useless instead (their file descriptor is replaced by /dev/null).
 * Handles opened afterwards are not restricted.
 *
 * Returns 0 on success; on failure -1 with the errno of the first handle
 * that could not be restricted.  Every other handle has been restricted
 * even then (upstream stops at the first failure), but the failed one
 * may still be usable: the caller should then exit.
 */
int xentoolcore_restrict_all(domid_t domid);

#ifdef __cplusplus
}
#endif

#endif /* XENTOOLCORE_H */
