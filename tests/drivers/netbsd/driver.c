/*
 * driver.c - the backend table entry of -Dosdep=netbsd (tests/unit/
 * backend.h): the fake NetBSD kernel (../bsd/bsd-driver.c), as a dom0
 * runs it, and what the NetBSD backend answers (docs/ports.md).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "backend.h"
#include "../bsd/bsd-driver.h"

static void install(unsigned int variant)
{
    xs_bsd_driver_install(FAKE_BSD_NETBSD, variant);
}

const struct xs_backend xs_backend = {
    .name = "netbsd",
    .install = install,
    .expect = {
        /* no hypercall-buffer device: locked anonymous memory */
        [XS_OP_CALL_BUFDEV] = ENOENT,
        /* no RESTRICT_DOMID on /dev/xenevt */
        [XS_OP_EVTCHN_RESTRICT] = EOPNOTSUPP,
        /* privcmd has no RESTRICT */
        [XS_OP_FMEM_RESTRICT] = EOPNOTSUPP,
        /* num == 0 is EINVAL: the kernel cannot tell a resource's size */
        [XS_OP_FMEM_RESOURCE_SIZE] = EOPNOTSUPP,
        /* no DM_OP: DM ops go by hypercall, restriction is impossible */
        [XS_OP_DM_RESTRICT] = EOPNOTSUPP,
        /* privcmd's grant requests have neither */
        [XS_OP_GNTTAB_GRANT_COPY] = EOPNOTSUPP,
        [XS_OP_GNTTAB_DMABUF] = EOPNOTSUPP,
        /* privcmd.c compares notify.offset (bytes) with count (pages) */
        [XS_OP_GNT_NOTIFY_HIGH_OFFSET] = EINVAL,
    },
    .grants_mapped_at_fault = 1,
    .notify_syscalls = 1, .pending_syscalls = 1, .unmask_syscalls = 1,
    .hypercall_syscalls = 1,
    .open_close_syscalls = 2,
    .evtchn_dev = "/dev/xenevt",
};
