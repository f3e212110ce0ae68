/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * dmguest.c - the XENSTABLE_1.1 devicemodel calls against the real PVH
 * guest ($XSVM_PEER_DOMID), from dom0.  Ours only (upstream has none of
 * these).  It runs after the guest finished its peers (the harness's
 * ours-only slot of the two-domain suite), because it ends the guest:
 * S3 suspend/awaken, then reboot (on_reboot = "destroy").
 *
 * Effects are checked independently: guest frames through foreign
 * mappings (libxenforeignmemory), memory types with HVMOP_get_mem_type,
 * the S state with HVMOP_get_param, pirq results against the same
 * physdev_op issued raw, and the reboot by the domain disappearing and
 * xl's log naming shutdown reason 1.
 *
 * Guest frames 0x7000-0x7fff are RAM Linux does not use (mem=112M of
 * 128M); 0x10100 and above are beyond the guest's RAM.  Never asserts an
 * ISA IRQ or injects NMI/ext_int: see /work/shared/reference/xen-vm.md.
 *
 * On Arm (frames shifted by the guest's RAM base, gfn 0x40000) Xen has
 * less of this: no XENMAPSPACE_gmfn (add_to_physmap: ENOSYS), no p2m
 * types or log-dirty mode, no ACPI sleep states (HVM_PARAM_ACPI_S_STATE
 * is refused: EINVAL), and the calls built on x86-only dm ops answer
 * EOPNOTSUPP, or ENOSYS where Xen has no dm_op at all (Debian's arm64
 * Xen).  So on Arm the guest is not rebooted: it must still be there.
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenforeignmemory.h>
#include <xen/memory.h>

#include "vmtest.h"
#include "vtarch.h"
#include "xenver.h"

#define FREE_GFN   (VT_GUEST_FREE_GFN + 0xf10UL)  /* RAM nobody uses */
#define RO_GFN     (VT_GUEST_FREE_GFN + 0xf20UL)
#define DIRTY_GFN  (VT_GUEST_FREE_GFN + 0xf00UL)
#define MOVED_GFN  (VT_GUEST_RAM_GFN + 0x10100UL) /* beyond RAM: empty */
#define POP_GFN    (VT_GUEST_RAM_GFN + 0x10200UL)
#define RAM_GFN    (VT_GUEST_RAM_GFN + 0x10300UL)
#define MANY_GFN   (VT_GUEST_RAM_GFN + 0x20000UL)

static xendevicemodel_handle *dm;
static xenforeignmemory_handle *fm;
static xencall_handle *xc;
static domid_t dom;
/* Arm: what a call built on an x86-only dm op answers (set in main) */
static int arm_dm_errno;

/* Arm: a call Xen does not have there, with the errno it answers. */
static void arm_refuses(int rc, int want, const char *name)
{
    int e = errno;
    char label[160];

    snprintf(label, sizeof label, "%s -> %s on Arm", name,
             want == EOPNOTSUPP ? "EOPNOTSUPP" : want == ENOSYS ? "ENOSYS"
             : want == EINVAL ? "EINVAL" : "?");
    vt_ok(rc == -1 && e == want, label, "rc=%d %s", rc, vt_errno(e));
}

/* Map one guest frame; NULL (with errno) if it is not backed. */
static void *map1(unsigned long gfn)
{
    xen_pfn_t pfn = gfn;
    int err = 0;
    void *p = xenforeignmemory_map(fm, dom, PROT_READ | PROT_WRITE, 1, &pfn,
                                   &err);

    if (p && err) {
        xenforeignmemory_unmap(fm, p, 1);
        errno = -err > 0 ? -err : err;
        return NULL;
    }
    return p;
}

static void unmap1(void *p)
{
    if (p)
        xenforeignmemory_unmap(fm, p, 1);
}

/* HVMOP_get_mem_type (15): {domid @0, mem_type @2, pfn @8}. */
static int mem_type(unsigned long gfn)
{
    unsigned char *a = xencall_alloc_buffer(xc, 16);
    int t = -1;

    if (!a)
        return -1;
    memset(a, 0, 16);
    memcpy(a, &dom, 2);
    memcpy(a + 8, &(uint64_t){ gfn }, 8);
    if (xencall2(xc, 34, 15, (uint64_t)(uintptr_t)a) == 0) {
        uint16_t v;

        memcpy(&v, a + 2, 2);
        t = v;
    }
    xencall_free_buffer(xc, a);
    return t;
}

/* HVMOP_get_param (1): {domid @0, index @4, value @8}. */
static long long hvm_param(uint32_t index)
{
    unsigned char *a = xencall_alloc_buffer(xc, 16);
    long long v = -1;

    if (!a)
        return -1;
    memset(a, 0, 16);
    memcpy(a, &dom, 2);
    memcpy(a + 4, &index, 4);
    if (xencall2(xc, 34, 1, (uint64_t)(uintptr_t)a) == 0)
        memcpy(&v, a + 8, 8);
    xencall_free_buffer(xc, a);
    return v;
}

static void check_physmap(void)
{
    unsigned char *p;
    int rc;

    p = map1(FREE_GFN);
    vt_ok(p != NULL, "map a free guest frame", "%s", vt_errno(errno));
    if (!p)
        return;
    memcpy(p, "moved-by-add-to-physmap", 24);
    unmap1(p);

    if (VT_ARM) {
        /* Arm's physmap knows no XENMAPSPACE_gmfn: nothing moves */
        errno = 0;
        rc = xendevicemodel_add_to_physmap(dm, dom, XENMAPSPACE_gmfn,
                                           FREE_GFN, MOVED_GFN, 0);
        arm_refuses(rc, ENOSYS, "add_to_physmap(gmfn)");
        p = map1(FREE_GFN);
        vt_ok(p && memcmp(p, "moved-by-add-to-physmap", 24) == 0,
              "the page stayed where it was", "%s", vt_errno(errno));
        unmap1(p);
        errno = 0;
        rc = xendevicemodel_add_to_physmap(dm, dom, 77, 0, MOVED_GFN, 0);
        arm_refuses(rc, ENOSYS, "add_to_physmap(space 77)");
        return;
    }

    errno = 0;
    p = map1(MOVED_GFN);
    vt_ok(p == NULL, "frame 0x10100 is empty before", NULL);
    unmap1(p);
    rc = xendevicemodel_add_to_physmap(dm, dom, XENMAPSPACE_gmfn, FREE_GFN,
                                       MOVED_GFN, 0);
    vt_ok(rc == 0, "add_to_physmap(gmfn 0x7f10 -> 0x10100)", "rc=%d %s", rc,
          vt_errno(errno));
    p = map1(MOVED_GFN);
    vt_ok(p && memcmp(p, "moved-by-add-to-physmap", 24) == 0,
          "the page is now at 0x10100", "mapped %s", p ? "yes"
                                                       : vt_errno(errno));
    unmap1(p);
    p = map1(FREE_GFN);
    vt_ok(p == NULL, "and no longer at 0x7f10", NULL);
    unmap1(p);
    rc = xendevicemodel_add_to_physmap(dm, dom, XENMAPSPACE_gmfn, MOVED_GFN,
                                       FREE_GFN, 0);
    p = map1(FREE_GFN);
    vt_ok(rc == 0 && p && memcmp(p, "moved-by-add-to-physmap", 24) == 0,
          "moved back to 0x7f10", "rc=%d %s", rc, vt_errno(errno));
    unmap1(p);
    errno = 0;
    rc = xendevicemodel_add_to_physmap(dm, dom, 77, 0, MOVED_GFN, 0);
    vt_ok(rc == -1 && errno != 0, "unknown map space refused by Xen",
          "rc=%d", rc);
    vt_fact("add_to_physmap(space 77): %s", vt_errno(errno));
}

static void check_populate(void)
{
    xen_pfn_t list[2] = { POP_GFN, POP_GFN + 1 };
    unsigned char *p;
    int rc;

    errno = 0;
    p = map1(POP_GFN);
    vt_ok(p == NULL, "frame 0x10200 is empty before", NULL);
    unmap1(p);
    rc = xendevicemodel_populate_physmap_exact(dm, dom, 2, 0, 0, list);
    vt_ok(rc == 0, "populate_physmap_exact(2 frames at 0x10200)", "rc=%d %s",
          rc, vt_errno(errno));
    for (int i = 0; i < 2; i++) {
        p = map1(POP_GFN + i);
        vt_ok(p != NULL, "populated frame maps", "gfn %#lx %s", POP_GFN + i,
              vt_errno(errno));
        if (p) {
            p[100] = 0x5a;
            vt_ok(p[100] == 0x5a, "and is writable RAM", NULL);
        }
        unmap1(p);
    }

    errno = 0;
    p = map1(RAM_GFN + 2);
    vt_ok(p == NULL, "frame 0x10302 is empty before", NULL);
    unmap1(p);
    rc = xendevicemodel_populate_ram(dm, dom, RAM_GFN, 3);
    p = map1(RAM_GFN + 2);
    vt_ok(rc == 0 && p, "populate_ram(3 frames at 0x10300)", "rc=%d %s", rc,
          vt_errno(errno));
    unmap1(p);

    /*
     * All or nothing: more frames than the guest may have (its maximum
     * is its 128 MiB plus libxl's small slack).  Xen populates what fits
     * and stops; that is EBUSY.  Last, as it uses up the slack.
     */
    {
        static xen_pfn_t many[4096];

        for (unsigned int i = 0; i < 4096; i++)
            many[i] = MANY_GFN + i;
        errno = 0;
        rc = xendevicemodel_populate_physmap_exact(dm, dom, 4096, 0, 0, many);
        vt_ok(rc == -1 && errno == EBUSY,
              "4096 frames beyond the guest's maximum -> EBUSY", "rc=%d %s",
              rc, vt_errno(errno));
    }
}

/*
 * XEN_DOMCTL_shadow_op (10), with the running Xen's domctl interface
 * version (xenver.h; 0x12 on 4.14, 0x15 on 4.17, 0x17 on 4.20): the
 * test's oracle only; its layout is the same in all of them.  domctl: cmd @0, version @4, domain @8, u @16;
 * shadow_op: op @0, mode @4, mb @8, dirty_bitmap @16, pages @24.
 */
static int shadow_op(uint32_t op, uint8_t *bitmap, uint64_t pages)
{
    unsigned char *d = xencall_alloc_buffer(xc, 256);
    uint8_t *hb = pages ? xencall_alloc_buffer(xc, pages / 8) : NULL;
    uint32_t v;
    int rc = -1;

    if (d && (hb || !pages)) {
        memset(d, 0, 256);
        v = 10;
        memcpy(d, &v, 4);
        v = vt_xen()->domctl_if;
        memcpy(d + 4, &v, 4);
        memcpy(d + 8, &dom, 2);
        memcpy(d + 16, &op, 4);
        memcpy(d + 32, &(uint64_t){ (uintptr_t)hb }, 8);
        memcpy(d + 40, &pages, 8);
        rc = xencall1(xc, 36, (uint64_t)(uintptr_t)d);
        if (rc == 0 && hb)
            memcpy(bitmap, hb, pages / 8);
    }
    xencall_free_buffer(xc, hb);
    xencall_free_buffer(xc, d);
    return rc;
}

/* Arm: no p2m types, no log-dirty mode; the dm ops behind them are x86's */
static void check_mem_types_arm(void)
{
    int rc;

    vt_ok(mem_type(RO_GFN) == -1, "HVMOP_get_mem_type fails on Arm", NULL);
    errno = 0;
    rc = xendevicemodel_make_ram_region_ro(dm, dom, RO_GFN, 1);
    arm_refuses(rc, arm_dm_errno, "make_ram_region_ro");
    errno = 0;
    rc = xendevicemodel_make_ram_region_rw(dm, dom, RO_GFN, 1);
    arm_refuses(rc, arm_dm_errno, "make_ram_region_rw");
    errno = 0;
    rc = shadow_op(2 /* ENABLE_LOGDIRTY */, NULL, 0);
    vt_ok(rc == -1, "no log-dirty mode on Arm (oracle: shadow_op domctl)",
          "%s", vt_errno(errno));
    errno = 0;
    rc = xendevicemodel_mark_memory_region_dirty(dm, dom, DIRTY_GFN, 4);
    arm_refuses(rc, arm_dm_errno, "mark_memory_region_dirty");
}

static void check_mem_types(void)
{
    int rc;

    if (VT_ARM) {
        check_mem_types_arm();
        return;
    }

    vt_ok(mem_type(RO_GFN) == HVMMEM_ram_rw, "0x7f20 is ram_rw", "type %d",
          mem_type(RO_GFN));
    rc = xendevicemodel_make_ram_region_ro(dm, dom, RO_GFN, 1);
    vt_ok(rc == 0 && mem_type(RO_GFN) == HVMMEM_ram_ro,
          "make_ram_region_ro -> ram_ro", "rc=%d %s type %d", rc,
          vt_errno(errno), mem_type(RO_GFN));
    rc = xendevicemodel_make_ram_region_rw(dm, dom, RO_GFN, 1);
    vt_ok(rc == 0 && mem_type(RO_GFN) == HVMMEM_ram_rw,
          "make_ram_region_rw -> ram_rw", "rc=%d %s type %d", rc,
          vt_errno(errno), mem_type(RO_GFN));

    /*
     * Xen ignores modified-memory reports unless the guest is in
     * log-dirty mode (live migration).  The oracle turns it on with the
     * unstable shadow_op domctl, as a toolstack would, and reads the
     * dirty bitmap back: exactly the marked frames must be dirty.
     */
    {
        static uint8_t bits[0x8000 / 8];
        int on = shadow_op(2 /* ENABLE_LOGDIRTY */, NULL, 0) == 0;

        vt_ok(on, "log-dirty mode on (oracle: shadow_op domctl)", "%s",
              vt_errno(errno));
        shadow_op(11 /* CLEAN */, bits, 0x8000);
        rc = xendevicemodel_mark_memory_region_dirty(dm, dom, DIRTY_GFN, 4);
        vt_ok(rc == 0, "mark_memory_region_dirty(4 frames at 0x7f00)",
              "rc=%d %s", rc, vt_errno(errno));
        memset(bits, 0, sizeof bits);
        if (on && shadow_op(12 /* PEEK */, bits, 0x8000) == 0) {
            int marked = 1, others = 0;

            for (unsigned long f = DIRTY_GFN; f < DIRTY_GFN + 4; f++)
                marked &= (bits[f / 8] >> (f % 8)) & 1;
            for (unsigned long f = DIRTY_GFN + 4; f < DIRTY_GFN + 0x10; f++)
                others |= (bits[f / 8] >> (f % 8)) & 1;
            vt_ok(marked && !others, "the log-dirty bitmap has exactly them",
                  "marked %d, unmarked neighbours dirty %d", marked, others);
        } else {
            vt_fail("the log-dirty bitmap has exactly them", "peek: %s",
                    vt_errno(errno));
        }
        errno = 0;
        rc = xendevicemodel_mark_memory_region_dirty(dm, dom, 0xfffff000, 4);
        vt_ok(rc == -1 && errno == EINVAL,
              "mark dirty beyond the guest -> Xen's EINVAL", "rc=%d %s", rc,
              vt_errno(errno));
        shadow_op(0 /* OFF */, NULL, 0);
    }
}

static void check_intx(void)
{
    int rc;

    if (VT_ARM) {
        errno = 0;
        rc = xendevicemodel_route_pci_intx_to_isa_irq(dm, dom, 0, 0, 3, 1,
                                                      10);
        arm_refuses(rc, arm_dm_errno, "route_pci_intx_to_isa_irq");
        errno = 0;
        rc = xendevicemodel_route_pci_intx_to_isa_irq(dm, dom, 0, 1, 3, 1,
                                                      10);
        vt_ok(rc == -1 && errno == EINVAL, "bus 1 -> EINVAL", "rc=%d", rc);
        return;
    }
    /* nothing is asserted, so routing never reaches the (absent) vPIC */
    rc = xendevicemodel_route_pci_intx_to_isa_irq(dm, dom, 0, 0, 3, 1, 10);
    vt_ok(rc == 0, "route 00:03 INTB to ISA IRQ 10 (link 0)", "rc=%d %s", rc,
          vt_errno(errno));
    rc = xendevicemodel_route_pci_intx_to_isa_irq(dm, dom, 0, 0, 3, 1, 0);
    vt_ok(rc == 0, "and unroute it", "rc=%d %s", rc, vt_errno(errno));
    errno = 0;
    rc = xendevicemodel_route_pci_intx_to_isa_irq(dm, dom, 0, 1, 3, 1, 10);
    vt_ok(rc == -1 && errno == EINVAL, "bus 1 -> EINVAL", "rc=%d", rc);
}

/* physdev_op map_pirq issued raw: {domid, type, index, pirq, bus, devfn,
 * entry_nr, table_base} at 0/4/8/12/16/20/24/32. */
static int raw_map_pirq(int type, int index, int *pirq, int bus, int devfn)
{
    unsigned char *a = xencall_alloc_buffer(xc, 40);
    int rc = -1, e = EIO;

    if (!a)
        return -1;
    memset(a, 0, 40);
    memcpy(a, &dom, 2);
    memcpy(a + 4, &type, 4);
    memcpy(a + 8, &index, 4);
    memcpy(a + 12, pirq, 4);
    memcpy(a + 16, &bus, 4);
    memcpy(a + 20, &devfn, 4);
    rc = xencall2(xc, 33, 13, (uint64_t)(uintptr_t)a);
    e = errno;
    if (rc == 0)
        memcpy(pirq, a + 12, 4);
    xencall_free_buffer(xc, a);
    errno = e;
    return rc;
}

static void raw_unmap_pirq(int pirq)
{
    unsigned char *a = xencall_alloc_buffer(xc, 8);

    if (!a)
        return;
    memcpy(a, &dom, 2);
    memcpy(a + 4, &pirq, 4);
    xencall2(xc, 33, 14, (uint64_t)(uintptr_t)a);
    xencall_free_buffer(xc, a);
}

static void check_pirq(void)
{
    int raw_pirq = 23, pirq = 23, rc, raw_rc, raw_errno;

    /* no device is passed through: whatever Xen says, we must say too */
    raw_rc = raw_map_pirq(1 /* GSI */, 23, &raw_pirq, 0, 0);
    raw_errno = errno;
    if (raw_rc == 0)
        raw_unmap_pirq(raw_pirq);
    errno = 0;
    rc = xendevicemodel_map_pirq(dm, dom, 23, &pirq);
    vt_ok(rc == raw_rc && (rc == 0 || errno == raw_errno),
          "map_pirq(GSI 23) answers as the raw physdev_op", "ours rc=%d %s, "
          "raw rc=%d errno=%d", rc, vt_errno(errno), raw_rc, raw_errno);
    vt_fact("map_pirq(GSI 23) on the PVH guest: rc=%d %s", rc,
            rc ? vt_errno(errno) : "");
    if (rc == 0) {
        rc = xendevicemodel_unmap_pirq(dm, dom, pirq);
        vt_ok(rc == 0, "unmap_pirq", "rc=%d %s", rc, vt_errno(errno));
    }

    /*
     * Raw: libxenctrl's request (MAP_PIRQ_TYPE_MSI).  Ours sends _MSI_SEG
     * so that a segment in bus counts; for segment 0 Xen must answer the
     * two alike.
     */
    raw_pirq = pirq = -1;
    raw_rc = raw_map_pirq(0 /* MSI */, -1, &raw_pirq, 0, 0x28);
    raw_errno = errno;
    if (raw_rc == 0)
        raw_unmap_pirq(raw_pirq);
    errno = 0;
    rc = xendevicemodel_map_pirq_msi(dm, dom, -1, &pirq, 0x28, 0, 0, 0);
    vt_ok(rc == raw_rc && (rc == 0 || errno == raw_errno),
          "map_pirq_msi(00:05.0) answers as the raw physdev_op",
          "ours rc=%d %s, raw rc=%d errno=%d", rc, vt_errno(errno), raw_rc,
          raw_errno);
    vt_fact("map_pirq_msi(no such device): rc=%d %s", rc,
            rc ? vt_errno(errno) : "");
    if (rc == 0)
        xendevicemodel_unmap_pirq(dm, dom, pirq);
    errno = 0;
    rc = xendevicemodel_unmap_pirq(dm, dom, 4000);
    vt_ok(rc == -1 && errno != 0, "unmap of a pirq never mapped fails",
          "rc=%d", rc);
    vt_fact("unmap_pirq(4000): %s", vt_errno(errno));
}

/* Domain gone?  Every DM op on it then answers ESRCH (one the
 * hypervisor has: on x86 deassert an INTx line, harmless while it lives,
 * which every version has -- nr_vcpus arrived only in 4.15; on Arm,
 * which has no PCI INTx ops, nr_vcpus). */
static int gone(void)
{
    unsigned int n;

    if (VT_ARM)
        return xendevicemodel_nr_vcpus(dm, dom, &n) == -1 && errno == ESRCH;
    return xendevicemodel_set_pci_intx_level(dm, dom, 0, 0, 5, 0, 0) == -1 &&
           errno == ESRCH;
}

static int xl_log_says_reboot(void)
{
    char path[64], buf[8192];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/var/log/xen/xl-xsguest.log");
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (strstr(buf, "reason code 1"))
        return 1;
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
        vt_note("xl log: %s", l);
    return 0;
}

/* Arm: no ACPI sleep states, and no remote shutdown for a device model */
static void check_s3_and_reboot_arm(void)
{
    int rc;

    errno = 0;
    rc = xendevicemodel_s3_suspend(dm, dom);
    arm_refuses(rc, EINVAL, "s3_suspend (HVM_PARAM_ACPI_S_STATE)");
    errno = 0;
    rc = xendevicemodel_s3_awaken(dm, dom);
    arm_refuses(rc, EINVAL, "s3_awaken");
    errno = 0;
    rc = xendevicemodel_reboot(dm, dom);
    arm_refuses(rc, arm_dm_errno, "reboot");
    vt_ok(!gone(), "the guest is still there", NULL);
}

static void check_s3_and_reboot(void)
{
    int rc, says = -1;

    if (VT_ARM) {
        check_s3_and_reboot_arm();
        return;
    }

    /* Xen's answer for a domain that is not in S3: 0, nothing changes */
    errno = 0;
    rc = xendevicemodel_s3_awaken(dm, dom);
    vt_ok(rc == 0 && hvm_param(14) == 0,
          "s3_awaken of a running domain: 0, still S state 0",
          "rc=%d %s param=%lld", rc, vt_errno(errno), hvm_param(14));
    rc = xendevicemodel_s3_suspend(dm, dom);
    vt_ok(rc == 0 && hvm_param(14) == 3, "s3_suspend: ACPI S state 3",
          "rc=%d %s param=%lld", rc, vt_errno(errno), hvm_param(14));
    rc = xendevicemodel_s3_suspend(dm, dom);
    vt_ok(rc == 0 && hvm_param(14) == 3,
          "s3_suspend of a domain in S3: 0, still S state 3",
          "rc=%d %s param=%lld", rc, vt_errno(errno), hvm_param(14));
    rc = xendevicemodel_s3_awaken(dm, dom);
    vt_ok(rc == 0 && hvm_param(14) == 0, "s3_awaken: ACPI S state 0",
          "rc=%d %s param=%lld", rc, vt_errno(errno), hvm_param(14));
    /*
     * The guest now runs from the reset vector with no firmware there;
     * suspend it again at once so the reboot below meets a quiet guest
     * and the shutdown reason cannot be a crash of that.
     */
    rc = xendevicemodel_s3_suspend(dm, dom);
    vt_ok(rc == 0, "s3_suspend again", "rc=%d %s", rc, vt_errno(errno));

    rc = xendevicemodel_reboot(dm, dom);
    vt_ok(rc == 0, "reboot", "rc=%d %s", rc, vt_errno(errno));
    /* polled every 0.1 s, up to vt_timeout_ms() each */
    for (int i = 0; i < vt_timeout_ms() / 100 && !gone(); i++)
        usleep(100000);
    vt_ok(gone(), "the guest is gone (on_reboot = destroy)", NULL);
    for (int i = 0;
         i < vt_timeout_ms() / 100 && (says = xl_log_says_reboot()) == 0; i++)
        usleep(100000);
    vt_ok(says == 1, "xl saw shutdown reason 1 (reboot)", "log %s",
          says < 0 ? "missing" : says ? "names reason 1"
                                      : "has no reason code 1");
}

int main(void)
{
    const char *d = getenv("XSVM_PEER_DOMID");

    vt_init();
    vt_xen();
    if (!d || !*d) {
        vt_fail("XSVM_PEER_DOMID", "not set: run in the two-domain suite");
        return vt_done();
    }
    dom = (domid_t)atoi(d);
    dm = xendevicemodel_open(NULL, 0);
    fm = xenforeignmemory_open(NULL, 0);
    xc = xencall_open(NULL, 0);
    vt_ok(dm && fm && xc, "open", "%s", vt_errno(errno));
    if (!dm || !fm || !xc)
        return vt_done();
    arm_dm_errno = vt_xen_dm() ? EOPNOTSUPP : ENOSYS;
    check_physmap();
    check_populate();
    check_mem_types();
    check_intx();
    check_pirq();
    check_s3_and_reboot();
    xencall_close(xc);
    xenforeignmemory_close(fm);
    xendevicemodel_close(dm);
    return vt_done();
}
