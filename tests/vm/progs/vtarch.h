/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * vtarch.h - where the hypervisor differs between architectures, for the
 * VM test programs.  A program is built for one architecture, so the
 * facts are chosen at compile time; each difference is then asserted (a
 * test expects Arm's answer on Arm, never skips the check there).
 *
 * Whether the booted hypervisor has the device model (ioreq servers,
 * dm_op) is not the architecture's: Debian's x86 Xen has it, Debian's
 * arm64 Xen lacks it (built without CONFIG_IOREQ_SERVER: every dm_op
 * answers ENOSYS) and vm-dm-arm64 boots a rebuild with it.  The harness
 * says which it booted (XSVM_XEN_DM); vt_xen_dm() reads it.
 */
#ifndef XSVM_VTARCH_H
#define XSVM_VTARCH_H

#include <stdlib.h>

#include "vmtest.h"

#if defined(__x86_64__)
#define VT_ARCH "x86_64"
#define VT_ARM  0
/* XENVER_capabilities names the 64-bit PV/HVM ABI first */
#define VT_XEN_CAPS "xen-3.0-x86_64"
/* the first frame of a guest's RAM */
#define VT_GUEST_RAM_GFN 0x0UL
/* guest.cfg: memory = 128 (frames), Linux told mem=112M */
#define VT_GUEST_PAGES 0x8000UL
#elif defined(__aarch64__)
#define VT_ARCH          "aarch64"
#define VT_ARM           1
/* "xen-3.0-aarch64 xen-3.0-armv7l ": 64- and 32-bit guests */
#define VT_XEN_CAPS      "xen-3.0-aarch64"
/* GUEST_RAM0_BASE, 0x40000000 (xen/include/public/arch-arm.h) */
#define VT_GUEST_RAM_GFN 0x40000UL
/* guest-arm64.cfg: memory = 256 (frames), Linux told mem=240M */
#define VT_GUEST_PAGES   0x10000UL
#else
#error "tests/vm: give this architecture its facts in progs/vtarch.h"
#endif

/* The guest's last 16 MiB of RAM (4096 frames from here): Linux in the
 * guest does not use them (mem= in the guest config), so tests may map,
 * retype, relocate or track them. */
#define VT_GUEST_FREE_GFN (VT_GUEST_RAM_GFN + VT_GUEST_PAGES - 0x1000UL)
/* Just above the guest's RAM: no frame there */
#define VT_GUEST_END_GFN (VT_GUEST_RAM_GFN + VT_GUEST_PAGES)

/*
 * 1 if the hypervisor has dm_op, 0 if not; the program fails (and ends)
 * when the harness did not say.
 */
static inline int vt_xen_dm(void)
{
    const char *v = getenv("XSVM_XEN_DM");

    if (!v || (strcmp(v, "0") && strcmp(v, "1"))) {
        vt_fail("XSVM_XEN_DM says whether Xen has the device model",
                "XSVM_XEN_DM=%s", v ? v : "(unset)");
        exit(vt_done());
    }
    return v[0] == '1';
}

#endif
