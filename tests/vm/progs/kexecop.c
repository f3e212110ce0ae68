/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * kexecop.c - libxenstable's kexec calls (xenkexec, XENSTABLE_1.1)
 * against upstream's, which are libxenctrl's xc_kexec_* (what
 * kexec-tools uses; upstream's stable libraries have no kexec), on the
 * same hypervisor: the transcripts must be the same.
 *
 * x86: the calls that change nothing -- get_range of Xen's image, the
 * crash area, a CPU's note and a CPU id past the last (ERANGE), an
 * unknown range (EINVAL), and both slots' status.  (Loading is proven
 * for ours alone in kexec.c.)
 *
 * Arm: Xen has no kexec_op there.  Every call, including unload and
 * exec (nothing could run), answers ENOSYS in both libraries.
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>

#include "vmtest.h"
#include "vtarch.h"

#if __has_include(<xenkexec.h>)
#include <xenkexec.h>
typedef xenkexec_handle handle;
static handle *h_open(void)
{
    return xenkexec_open(NULL, 0);
}
static void h_close(handle *h)
{
    xenkexec_close(h);
}
static int get_range(handle *h, int range, int nr, uint64_t *size,
                     uint64_t *start)
{
    return xenkexec_get_range(h, range, nr, size, start);
}
static int status(handle *h, int type)
{
    return xenkexec_status(h, type);
}
static int unload(handle *h, int type)
{
    return xenkexec_unload(h, type);
}
static int exec_(handle *h, int type)
{
    return xenkexec_exec(h, type);
}
#else
#include <xenctrl.h>
typedef xc_interface handle;
static handle *h_open(void)
{
    return xc_interface_open(NULL, NULL, 0);
}
static void h_close(handle *h)
{
    xc_interface_close(h);
}
static int get_range(handle *h, int range, int nr, uint64_t *size,
                     uint64_t *start)
{
    return xc_kexec_get_range(h, range, nr, size, start);
}
static int status(handle *h, int type)
{
    return xc_kexec_status(h, type);
}
static int unload(handle *h, int type)
{
    return xc_kexec_unload(h, type);
}
static int exec_(handle *h, int type)
{
    return xc_kexec_exec(h, type);
}
#endif

/* One get_range: its result as a compared fact, and the expectation. */
static void range(handle *h, const char *name, int r, int nr, int want_rc,
                  int want_errno)
{
    uint64_t size = 0x5a5a, start = 0x5a5a;
    int rc, e;

    errno = 0;
    rc = get_range(h, r, nr, &size, &start);
    e = errno;
    if (rc == 0)
        vt_fact("get_range(%s): start %#llx size %#llx", name,
                (unsigned long long)start, (unsigned long long)size);
    else
        vt_fact("get_range(%s): %s", name, vt_errno(e));
    vt_ok(rc == want_rc && (rc == 0 || e == want_errno), name, "rc=%d %s", rc,
          vt_errno(e));
}

int main(void)
{
    handle *h;
    int rc, e;

    vt_init();
    h = h_open();
    if (!vt_ok(h != NULL, "open", "%s", vt_errno(errno)))
        return vt_done();

    if (!VT_ARM) {
        range(h, "MA_XEN", KEXEC_RANGE_MA_XEN, 0, 0, 0);
        range(h, "MA_CRASH", KEXEC_RANGE_MA_CRASH, 0, 0, 0);
        /* no crash area, so no crash notes */
        range(h, "MA_CPU 0 without a crash area: EINVAL", KEXEC_RANGE_MA_CPU,
              0, -1, EINVAL);
        range(h, "MA_CPU 4096: ERANGE", KEXEC_RANGE_MA_CPU, 4096, -1, ERANGE);
        range(h, "range 99: EINVAL", 99, 0, -1, EINVAL);
        for (int type = KEXEC_TYPE_DEFAULT; type <= KEXEC_TYPE_CRASH; type++) {
            rc = status(h, type);
            vt_ok(rc == 0 || rc == 1, "status", "type %d rc=%d", type, rc);
            vt_fact("status(%d) = %d", type, rc);
        }
    } else {
        range(h, "MA_XEN: ENOSYS (no kexec on Arm)", KEXEC_RANGE_MA_XEN, 0, -1,
              ENOSYS);
        range(h, "MA_CPU 0: ENOSYS", KEXEC_RANGE_MA_CPU, 0, -1, ENOSYS);
#define NOSYS(call, name) \
    do { \
        errno = 0; \
        rc = (call); \
        e = errno; \
        vt_ok(rc == -1 && e == ENOSYS, name ": ENOSYS", "rc=%d %s", rc, \
              vt_errno(e)); \
    } while (0)
        NOSYS(status(h, KEXEC_TYPE_DEFAULT), "status(DEFAULT)");
        NOSYS(status(h, KEXEC_TYPE_CRASH), "status(CRASH)");
        NOSYS(unload(h, KEXEC_TYPE_DEFAULT), "unload(DEFAULT)");
        NOSYS(exec_(h, KEXEC_TYPE_DEFAULT), "exec(DEFAULT)");
#undef NOSYS
    }
    h_close(h);
    return vt_done();
}
