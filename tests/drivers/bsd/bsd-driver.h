/*
 * bsd-driver.h - the fake FreeBSD or NetBSD kernel (tests/unit/fake_bsd.h)
 * as the backend fake of the contract tests (tests/unit/backend.h):
 * the kernel's drivers over fake_sys, with fake_xen.c as the hypervisor
 * behind them.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef XS_TEST_BSD_DRIVER_H
#define XS_TEST_BSD_DRIVER_H

#include "fake_bsd.h"

/*
 * Ports another process of the test domain has bound (a backend's
 * notification channel, say), so that an unmap notification may name
 * them: FreeBSD refuses one that no process bound.  The contract tests
 * use these numbers; ports the tests bind start above them.
 */
#define XS_BSD_DRIVER_FOREIGN_PORTS \
    { \
        5, 7, 9 \
    }

/* fake_sys_install(), fake_xen_reset(), then os's kernel over them. */
void xs_bsd_driver_install(enum fake_bsd_os os, unsigned int variant);

#endif
