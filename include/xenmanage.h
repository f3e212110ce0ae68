/*
 * xenmanage.h - manage: observe the state of domains, in particular to
 * learn which domains changed state (source-compatible with upstream
 * Xen's libxenmanage, which first appeared in Xen 4.21).
 *
 * Part of libxenstable.  SPDX-License-Identifier: LGPL-2.1-only
 *
 * Needs a hypervisor with XEN_DOMCTL_get_domain_state (Xen >= 4.21);
 * with older ones the calls fail with errno ENOSYS or EOPNOTSUPP.
 *
 * Fork: a child may only call xenmanage_close() on an inherited handle.
 */
#ifndef XENMANAGE_H
#define XENMANAGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xenmanage_handle xenmanage_handle;

/* Bits of *state. */
#define XENMANAGE_GETDOMSTATE_STATE_EXIST     0x0001  /* domain exists */
#define XENMANAGE_GETDOMSTATE_STATE_SHUTDOWN  0x0002  /* shut down */
#define XENMANAGE_GETDOMSTATE_STATE_DYING     0x0004  /* being destroyed */
#define XENMANAGE_GETDOMSTATE_STATE_DEAD      0x0008  /* destroyed */

/* Bits of *caps. */
#define XENMANAGE_GETDOMSTATE_CAP_CONTROL     0x0001  /* control domain */
#define XENMANAGE_GETDOMSTATE_CAP_HARDWARE    0x0002  /* hardware domain */
#define XENMANAGE_GETDOMSTATE_CAP_XENSTORE    0x0004  /* xenstore domain */

/*
 * Open the interface.  logger NULL selects a private stderr logger
 * (level XTL_PROGRESS).  open_flags is ignored (pass 0).  Returns NULL
 * with errno on failure.
 */
xenmanage_handle *xenmanage_open(struct xentoollog_logger *logger,
                                 unsigned int open_flags);

/*
 * Close the handle.  Returns 0 or -1 with errno.  xenmanage_close(NULL)
 * returns 0.
 */
int xenmanage_close(xenmanage_handle *hdl);

/*
 * Get information about domain domid.  Each of state (XENMANAGE_
 * GETDOMSTATE_STATE_*), caps (XENMANAGE_GETDOMSTATE_CAP_*) and unique_id
 * (an id never reused for another domain) may be NULL if not wanted.
 * Returns 0, or -1 with errno (EINVAL for a NULL handle or a reserved
 * domid, ENOENT if no such domain exists).
 */
int xenmanage_get_domain_info(xenmanage_handle *hdl, unsigned int domid,
                              unsigned int *state, unsigned int *caps,
                              uint64_t *unique_id);

/*
 * Report one domain whose state changed since it was last reported,
 * clearing its "changed" mark: its id goes to *domid (must not be NULL),
 * the rest as for xenmanage_get_domain_info().  Only usable by the
 * domain that handles VIRQ_DOM_EXC (normally the one running xenstored).
 * Returns 0, or -1 with errno (ENOENT if no domain changed state).
 */
int xenmanage_poll_changed_domain(xenmanage_handle *hdl, unsigned int *domid,
                                  unsigned int *state, unsigned int *caps,
                                  uint64_t *unique_id);

#ifdef __cplusplus
}
#endif

#endif /* XENMANAGE_H */
