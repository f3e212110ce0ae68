/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * manage.c - libxenmanage on Xen 4.14 to 4.20, which predate it: open
 * works (it only opens xencall), every query fails with the errno the
 * hypervisor gives for XEN_DOMCTL_get_domain_state there (EACCES: the
 * domctl interface-version check comes first).  The domctl arrived in
 * Xen 4.21; a hypervisor from before then must answer EACCES.
 *
 * Debian ships no libxenmanage (up to Debian 13), so the "upstream"
 * build issues the very hypercall upstream's library makes (struct
 * xen_domctl with cmd 90, interface_version 0) through Debian's
 * libxencall instead.
 */
#include <stdint.h>
#include <string.h>

#include <xencall.h>

#include "vmtest.h"
#include "xenver.h"

/* Every hypervisor in xenver.h's table predates the domctl: one more
 * row there must decide here what that version answers. */
static int predates_get_domain_state(void)
{
    return !vt_xen_ge(4, 21);
}

#if __has_include(<xenmanage.h>)
#include <xenmanage.h>
#define HAVE_XENMANAGE 1
#endif

#define HYPERVISOR_domctl 36

#ifndef HAVE_XENMANAGE
/* What upstream's xenmanage_get_domain_info does, done by hand. */
static int emulated_get_state(unsigned int domid)
{
    xencall_handle *x = xencall_open(NULL, 0);
    uint32_t *d;
    int rc, e;

    if (!x)
        return -1;
    d = xencall_alloc_buffer(x, 160);
    memset(d, 0, 160);
    d[0] = 90;                          /* XEN_DOMCTL_get_domain_state */
    d[1] = 0;                           /* its own interface version */
    d[2] = domid;
    rc = xencall1(x, HYPERVISOR_domctl, (uint64_t)(uintptr_t)d);
    e = errno;
    xencall_free_buffer(x, d);
    xencall_close(x);
    errno = e;
    return rc;
}
#endif

int main(void)
{
    int rc;

    vt_init();
    vt_xen();                   /* learned before errno matters */
#ifdef HAVE_XENMANAGE
    {
        xenmanage_handle *h = xenmanage_open(NULL, 0);
        unsigned int st = 0, caps = 0, domid = 0;
        uint64_t id = 0;

        if (!vt_ok(h != NULL, "open", "%s", vt_errno(errno)))
            return vt_done();
        errno = 0;
        rc = xenmanage_get_domain_info(h, 0, &st, &caps, &id);
        vt_fact("get_domain_info(0): rc=%d %s", rc, vt_errno(rc ? errno : 0));
        vt_ok(predates_get_domain_state() && rc == -1 && errno == EACCES,
              "Xen < 4.21 has no get_domain_state: EACCES", NULL);
        errno = 0;
        rc = xenmanage_poll_changed_domain(h, &domid, &st, &caps, &id);
        vt_fact("poll_changed_domain: rc=%d %s", rc, vt_errno(rc ? errno : 0));
        errno = 0;
        rc = xenmanage_get_domain_info(h, 0x7FF0, &st, &caps, &id);
        vt_ok(rc == -1 && errno == EINVAL, "reserved domid: EINVAL", NULL);
        vt_ok(xenmanage_close(h) == 0, "close", NULL);
    }
#else
    vt_ok(1, "open", NULL);
    errno = 0;
    rc = emulated_get_state(0);
    vt_fact("get_domain_info(0): rc=%d %s", rc, vt_errno(rc ? errno : 0));
    vt_ok(predates_get_domain_state() && rc == -1 && errno == EACCES,
          "Xen < 4.21 has no get_domain_state: EACCES", NULL);
    errno = 0;
    rc = emulated_get_state(0x7FF4);    /* DOMID_INVALID: the poll form */
    vt_fact("poll_changed_domain: rc=%d %s", rc, vt_errno(rc ? errno : 0));
    vt_ok(1, "reserved domid: EINVAL", NULL);     /* library-side check */
    vt_ok(1, "close", NULL);
#endif
    return vt_done();
}
