/*
 * upstream-xenmanage.h - the xenmanage prototypes of upstream Xen 4.21
 * (not in Debian 12's libxen-dev), as the reference for the prototype
 * check of include/xenmanage.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_TEST_UPSTREAM_XENMANAGE_H
#define XS_TEST_UPSTREAM_XENMANAGE_H
#include <stdint.h>
struct xentoollog_logger;
typedef struct xenmanage_handle xenmanage_handle;
xenmanage_handle *xenmanage_open(struct xentoollog_logger *logger,
                                 unsigned int open_flags);
int xenmanage_close(xenmanage_handle *hdl);
int xenmanage_get_domain_info(xenmanage_handle *hdl, unsigned int domid,
                              unsigned int *state, unsigned int *caps,
                              uint64_t *unique_id);
int xenmanage_poll_changed_domain(xenmanage_handle *hdl, unsigned int *domid,
                                  unsigned int *state, unsigned int *caps,
                                  uint64_t *unique_id);
#endif
