/*
 * driver.c - the backend table entry of -Dosdep=freebsd (tests/unit/
 * backend.h): the fake FreeBSD kernel (../bsd/bsd-driver.c), and what
 * the FreeBSD backend answers (docs/ports.md).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>

#include "backend.h"
#include "../bsd/bsd-driver.h"

static void install(unsigned int variant)
{
    xs_bsd_driver_install(FAKE_BSD_FREEBSD, variant);
}

const struct xs_backend xs_backend = {
    .name = "freebsd",
    .install = install,
    .expect = {
        /* no hypercall-buffer device: locked anonymous memory */
        [XS_OP_CALL_BUFDEV] = ENOENT,
        /* no RESTRICT_DOMID on /dev/xen/evtchn */
        [XS_OP_EVTCHN_RESTRICT] = EOPNOTSUPP,
        /* /dev/xen/gntdev has neither */
        [XS_OP_GNTTAB_GRANT_COPY] = EOPNOTSUPP,
        [XS_OP_GNTTAB_DMABUF] = EOPNOTSUPP,
        /* call, foreignmemory (restrict, resources and their size) and
         * devicemodel (DM_OP, restrict) work: 0 */
    },
    .notify_syscalls = 1, .pending_syscalls = 1, .unmask_syscalls = 1,
    .hypercall_syscalls = 1,
    .open_close_syscalls = 2,
    .evtchn_dev = "/dev/xen/evtchn",
    /* privcmd's answer to any request it does not know */
    .no_dm_op_errno = ENOSYS,
};
