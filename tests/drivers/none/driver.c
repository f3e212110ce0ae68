/*
 * driver.c - the backend table entry of -Dosdep=none (tests/unit/
 * backend.h): there are no Xen drivers to fake, so the plain fake
 * kernel stands in, and every operation that needs a Xen driver
 * answers EOPNOTSUPP.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "backend.h"
#include "fake_sys.h"
#include "fake_xen.h"

static void install(unsigned int variant)
{
    (void)variant;
    fake_sys_install();
    fake_xen_reset();
}

const struct xs_backend xs_backend = {
    .name = "none",
    .install = install,
    .expect = {
        [XS_OP_EVTCHN_OPEN] = EOPNOTSUPP,
        [XS_OP_EVTCHN_RESTRICT] = EOPNOTSUPP,
        [XS_OP_CALL_OPEN] = EOPNOTSUPP,
        [XS_OP_FMEM_OPEN] = EOPNOTSUPP,
        [XS_OP_FMEM_RESTRICT] = EOPNOTSUPP,
        [XS_OP_FMEM_MAP_RESOURCE] = EOPNOTSUPP,
        [XS_OP_FMEM_RESOURCE_SIZE] = EOPNOTSUPP,
        [XS_OP_GNTTAB_OPEN] = EOPNOTSUPP,
        [XS_OP_GNTTAB_GRANT_COPY] = EOPNOTSUPP,
        [XS_OP_GNTTAB_DMABUF] = EOPNOTSUPP,
        [XS_OP_GNTSHR_OPEN] = EOPNOTSUPP,
        [XS_OP_DM_OPEN] = EOPNOTSUPP,
        [XS_OP_DM_RESTRICT] = EOPNOTSUPP,
    },
    /* nothing reaches a kernel */
    .notify_syscalls = 0, .pending_syscalls = 0, .unmask_syscalls = 0,
    .hypercall_syscalls = 0,
    .open_close_syscalls = 0,
};
