/*
 * backend.h - what a backend's test fake (tests/drivers/<os>/driver.c)
 * gives the contract tests: how to install a fake of that OS's drivers
 * over fake_sys (talking to fake_xen), and what the backend answers.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * The contract tests (tests/unit, tests/robust) are built for every
 * -Dosdep= value against the one xs_backend the build links; a new
 * backend plugs in by providing driver.c with these two things and
 * nothing else.
 */
#ifndef XS_TEST_BACKEND_H
#define XS_TEST_BACKEND_H

/*
 * The operations whose answer depends on the backend: each opens a
 * handle kind or is a feature some kernels lack.  Everything else
 * follows from them (hypfs, manage and kexec from XS_OP_CALL_OPEN).
 */
enum xs_op {
    XS_OP_EVTCHN_OPEN,
    XS_OP_EVTCHN_RESTRICT,
    XS_OP_CALL_OPEN,
    /* a hypercall-buffer device (the BSDs have none: ENOENT) */
    XS_OP_CALL_BUFDEV,
    XS_OP_FMEM_OPEN,
    XS_OP_FMEM_RESTRICT,
    XS_OP_FMEM_MAP_RESOURCE,
    XS_OP_FMEM_RESOURCE_SIZE, /* the size query of a resource */
    XS_OP_GNTTAB_OPEN,
    XS_OP_GNTTAB_GRANT_COPY,
    XS_OP_GNTTAB_DMABUF,
    XS_OP_GNTSHR_OPEN,
    /*
     * A CLEAR_BYTE unmap notification at a byte offset above the
     * mapping's page count (libxenvchan's ~20 bytes into one page):
     * NetBSD's kernel compares bytes with pages and refuses it.
     */
    XS_OP_GNT_NOTIFY_HIGH_OFFSET,
    XS_OP_DM_OPEN,
    XS_OP_DM_RESTRICT,
    XS_OP__NR
};

/* Kernel variants a driver fake can play (flags for install). */
#define XS_FAKE_NO_BUFDEV 0x1 /* no hypercall-buffer device */
#define XS_FAKE_NO_DM_OP  0x2 /* privcmd without a DM op request */

struct xs_backend {
    const char *name;
    /*
     * fake_sys_install(), fake_xen_reset(), then the OS's driver
     * handlers, playing the kernel variant the flags ask for (a flag
     * naming something the OS never has is no change).
     */
    void (*install)(unsigned int variant);
    /*
     * expect[op]: 0 when the operation works on this backend, else the
     * errno it answers (EOPNOTSUPP where the kernel has no Xen drivers).
     */
    int expect[XS_OP__NR];
    /*
     * 1 where the kernel maps a foreign grant only when the page is
     * first touched (NetBSD): a grant Xen refuses makes that access
     * fault, and the map call succeeds.
     */
    int grants_mapped_at_fault;
    /*
     * System calls of the hot paths, which the bench holds at the floor:
     * one event-channel notify, pending, unmask; one hypercall.
     */
    int notify_syscalls, pending_syscalls, unmask_syscalls;
    int hypercall_syscalls;
    /* open + close of a handle (kexec/manage: of their xencall handle) */
    int open_close_syscalls;
    /*
     * The event-channel device a program opens itself to adopt with
     * xenevtchn_fdopen(); NULL: Linux's /dev/xen/evtchn.
     */
    const char *evtchn_dev;
    /*
     * What a kernel without a DM op request answers one (Linux ENOTTY,
     * FreeBSD ENOSYS; 0 where the backend never sends it).
     */
    int no_dm_op_errno;
};

/* The backend of this build (tests/drivers/<osdep>/driver.c). */
extern const struct xs_backend xs_backend;

static inline int xs_expect(enum xs_op op)
{
    return xs_backend.expect[op];
}

static inline const char *xs_backend_evtchn_dev(void)
{
    return xs_backend.evtchn_dev ? xs_backend.evtchn_dev : "/dev/xen/evtchn";
}

#endif
