/*
 * test-dm-ext.c - the XENSTABLE_1.1 devicemodel calls' contract on every
 * backend, over a fake hypervisor: physmap and pirq
 * hypercalls (memory_op 12, physdev_op 33, hvm_op 34) with the argument
 * layouts Xen reads, the eight design compositions and the DM op each
 * one issues, argument checks, restriction, fault injection.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xendevicemodel.h>
#include <xentoolcore.h>
#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include "contract.h"

static struct xen_dm_op last_dm;
static unsigned char last_dm_buf1[64];
static int n_dm_ops, n_hypercalls;
static uint64_t hc_op, hc_cmd;
static unsigned char hc_arg[64];
static xen_pfn_t frames_seen[1024];
static uint64_t populate_calls, populate_short;
static int xen_err;
/*
 * A domain's S3 state as Xen keeps it (is_s3_suspended in hvm.c), and how
 * many times its vCPUs were reset / it was unpaused by a state change.
 */
static int s3_suspended, s3_resets, s3_unpauses;
/* The PCI device Xen's PHYSDEVOP_map_pirq would look up (see below). */
static struct { int seg, bus, devfn; } msi_dev;

static long fake_memory_op(uint64_t cmd, unsigned char *arg)
{
    if (cmd == XENMEM_populate_physmap) {
        xen_pfn_t *list;
        uint64_t nr;

        memcpy(&list, arg, 8);
        memcpy(&nr, arg + 8, 8);
        populate_calls++;
        if (nr <= 1024)
            memcpy(frames_seen, list, nr * sizeof(*list));
        list[0] = 0xabcd;               /* a PV target gets mfns back */
        return (long)(nr - populate_short);
    }
    return 0;
}

/*
 * HVMOP_set_param(HVM_PARAM_ACPI_S_STATE) as Xen 4.17 answers it
 * (hvm_set_param): 3 suspends unless already suspended, 0 resumes if
 * suspended, both succeed either way; any other value is EINVAL.
 */
static long fake_set_param(const unsigned char *a)
{
    uint32_t index;
    uint64_t value;

    memcpy(&index, a + 4, 4);
    memcpy(&value, a + 8, 8);
    if (index != HVM_PARAM_ACPI_S_STATE)
        return 0;
    if (value == 3) {
        if (!s3_suspended)
            s3_resets++;
        s3_suspended = 1;
    } else if (value == 0) {
        if (s3_suspended)
            s3_unpauses++;
        s3_suspended = 0;
    } else {
        return -EINVAL;
    }
    return 0;
}

static int xen_dm_op(uint16_t domid, unsigned int nr_bufs,
                     const struct fake_xen_buf *bufs)
{
    (void)domid;
    n_dm_ops++;
    memcpy(&last_dm, bufs[0].ptr, sizeof(last_dm));
    if (nr_bufs > 1)
        memcpy(last_dm_buf1, bufs[1].ptr,
               bufs[1].size < 64 ? bufs[1].size : 64);
    return xen_err ? -xen_err : 0;
}

static long xen_hypercall(unsigned int op, const uint64_t arg[5])
{
    unsigned char *a = (unsigned char *)(uintptr_t)arg[1];
    long rc = 0;

    n_hypercalls++;
    hc_op = op;
    hc_cmd = arg[0];
    memcpy(hc_arg, a, sizeof(hc_arg) < 40 ? sizeof(hc_arg) : 40);
    if (xen_err)
        return -xen_err;
    if (op == __HYPERVISOR_memory_op)
        rc = fake_memory_op(arg[0], a);
    else if (op == __HYPERVISOR_hvm_op && arg[0] == HVMOP_set_param)
        rc = fake_set_param(a);
    else if (op == __HYPERVISOR_physdev_op && arg[0] == PHYSDEVOP_map_pirq) {
        int pirq = 55, type, bus, devfn;

        /*
         * How Xen (do_physdev_op) reads the device address: the segment
         * is bus's high 16 bits for the _MSI_SEG and _MULTI_MSI types
         * only, 0 for any other; the bus is the low 8 bits.
         */
        memcpy(&type, a + 4, 4);
        memcpy(&bus, a + 16, 4);
        memcpy(&devfn, a + 20, 4);
        msi_dev.seg = (type == MAP_PIRQ_TYPE_MSI_SEG ||
                       type == MAP_PIRQ_TYPE_MULTI_MSI)
                          ? (int)((unsigned int)bus >> 16) : 0;
        msi_dev.bus = bus & 0xff;
        msi_dev.devfn = devfn & 0xff;
        memcpy(a + 12, &pirq, 4);   /* Xen's choice */
    }
    return rc;
}

static int setup(void **state)
{
    static const struct fake_xen_ops xen = {
        .hypercall = xen_hypercall, .dm_op = xen_dm_op,
    };

    contract_setup(state);
    fake_xen_set(&xen);
    memset(&last_dm, 0, sizeof(last_dm));
    memset(hc_arg, 0, sizeof(hc_arg));
    n_dm_ops = n_hypercalls = 0;
    populate_calls = populate_short = 0;
    s3_suspended = s3_resets = s3_unpauses = 0;
    xen_err = 0;
    return 0;
}

/* Every test must give back what it took (tests/unit/fixtures.h). */
static int teardown(void **state)
{
    return fixture_teardown(state);
}

static xendevicemodel_handle *open_ok(void)
{
    return CONTRACT_OPEN(XS_OP_DM_OPEN, xendevicemodel_open(NULL, 0));
}

static uint64_t u64at(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static uint32_t u32at(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint16_t u16at(const unsigned char *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return v;
}

static void test_add_to_physmap(void **state)
{
    xendevicemodel_handle *dm = open_ok();

    (void)state;
    if (!dm)
        return;

    assert_int_equal(xendevicemodel_add_to_physmap(dm, 7, XENMAPSPACE_gmfn_range,
                                                   0x7f10, 0x10100, 4), 0);
    assert_int_equal(hc_op, __HYPERVISOR_memory_op);
    assert_int_equal(hc_cmd, XENMEM_add_to_physmap);
    /* struct xen_add_to_physmap: domid @0, size @2, space @4, idx @8,
     * gpfn @16 */
    assert_int_equal(u16at(hc_arg), 7);
    assert_int_equal(u16at(hc_arg + 2), 4);
    assert_int_equal(u32at(hc_arg + 4), XENMAPSPACE_gmfn_range);
    assert_int_equal(u64at(hc_arg + 8), 0x7f10);
    assert_int_equal(u64at(hc_arg + 16), 0x10100);
    xen_err = EXDEV;
    assert_int_equal(xendevicemodel_add_to_physmap(dm, 7, 2, 1, 2, 0), -1);
    assert_int_equal(errno, EXDEV);
    assert_int_equal(xendevicemodel_close(dm), 0);
}

static void test_populate(void **state)
{
    xendevicemodel_handle *dm = open_ok();
    xen_pfn_t list[3] = { 0x10200, 0x10201, 0x10300 };

    (void)state;
    if (!dm)
        return;

    assert_int_equal(xendevicemodel_populate_physmap_exact(dm, 9, 3, 0,
                                                           XENMEMF_populate_on_demand,
                                                           list), 0);
    assert_int_equal(hc_cmd, XENMEM_populate_physmap);
    /* reservation: extent_start @0, nr_extents @8, extent_order @16,
     * mem_flags @20, domid @24 */
    assert_int_equal(u64at(hc_arg + 8), 3);
    assert_int_equal(u32at(hc_arg + 16), 0);
    assert_int_equal(u32at(hc_arg + 20), XENMEMF_populate_on_demand);
    assert_int_equal(u16at(hc_arg + 24), 9);
    assert_int_equal(frames_seen[2], 0x10300);
    assert_int_equal(list[0], 0xabcd);          /* written back */
    /* fewer than all: EBUSY */
    populate_short = 1;
    assert_int_equal(xendevicemodel_populate_physmap_exact(dm, 9, 3, 0, 0,
                                                           list), -1);
    assert_int_equal(errno, EBUSY);
    populate_short = 0;
    /* 0 extents: nothing to do, no hypercall */
    n_hypercalls = 0;
    assert_int_equal(xendevicemodel_populate_physmap_exact(dm, 9, 0, 0, 0,
                                                           NULL), 0);
    assert_int_equal(xendevicemodel_populate_physmap_exact(dm, 9, 2, 0, 0,
                                                           NULL), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xendevicemodel_populate_physmap_exact(
                         dm, 9, (unsigned long)INT32_MAX + 1, 0, 0, list), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(n_hypercalls, 0);

    /* populate_ram: consecutive frames, 512 per hypercall */
    populate_calls = 0;
    assert_int_equal(xendevicemodel_populate_ram(dm, 9, 0x20000, 1000), 0);
    assert_int_equal(populate_calls, 2);
    assert_int_equal(u64at(hc_arg + 8), 1000 - 512);
    assert_int_equal(frames_seen[0], 0x20000 + 512);
    assert_int_equal(frames_seen[487], 0x20000 + 999);
    populate_calls = 0;
    assert_int_equal(xendevicemodel_populate_ram(dm, 9, 0x20000, 0), 0);
    assert_int_equal(populate_calls, 0);
    assert_int_equal(xendevicemodel_populate_ram(dm, 9, UINT64_MAX, 2), -1);
    assert_int_equal(errno, EINVAL);
    populate_short = 1;
    assert_int_equal(xendevicemodel_populate_ram(dm, 9, 0x20000, 600), -1);
    assert_int_equal(errno, EBUSY);
    assert_int_equal(populate_calls, 1);        /* stops at the first */
    assert_int_equal(xendevicemodel_close(dm), 0);
}

static void test_pirq(void **state)
{
    xendevicemodel_handle *dm = open_ok();
    int pirq = -1;

    (void)state;
    if (!dm)
        return;

    assert_int_equal(xendevicemodel_map_pirq(dm, 3, 20, &pirq), 0);
    assert_int_equal(hc_op, __HYPERVISOR_physdev_op);
    assert_int_equal(hc_cmd, PHYSDEVOP_map_pirq);
    /* physdev_map_pirq: domid @0, type @4, index @8, pirq @12, bus @16,
     * devfn @20, entry_nr @24, table_base @32 */
    assert_int_equal(u16at(hc_arg), 3);
    assert_int_equal(u32at(hc_arg + 4), MAP_PIRQ_TYPE_GSI);
    assert_int_equal(u32at(hc_arg + 8), 20);
    assert_int_equal(u32at(hc_arg + 12), 20);   /* "pirq == GSI" */
    assert_int_equal(pirq, 55);
    pirq = 30;
    assert_int_equal(xendevicemodel_map_pirq(dm, 3, 20, &pirq), 0);
    assert_int_equal(u32at(hc_arg + 12), 30);

    /* device 0001:05:05.0: the header promises bus = segment << 16 | bus */
    pirq = -1;
    assert_int_equal(xendevicemodel_map_pirq_msi(dm, 3, -1, &pirq, 0x28,
                                                 0x10005, 2, 0xfebf0000), 0);
    assert_int_equal(msi_dev.seg, 1);           /* not segment 0's device */
    assert_int_equal(msi_dev.bus, 5);
    assert_int_equal(msi_dev.devfn, 0x28);
    assert_int_equal(u32at(hc_arg + 4), MAP_PIRQ_TYPE_MSI_SEG);
    assert_int_equal((int)u32at(hc_arg + 8), -1);
    assert_int_equal((int)u32at(hc_arg + 12), -1);
    assert_int_equal(u32at(hc_arg + 16), 0x10005);
    assert_int_equal(u32at(hc_arg + 20), 0x28);
    assert_int_equal(u32at(hc_arg + 24), 2);
    assert_int_equal(u64at(hc_arg + 32), 0xfebf0000);
    assert_int_equal(pirq, 55);
    /* segment 0, as QEMU passes a plain bus number */
    assert_int_equal(xendevicemodel_map_pirq_msi(dm, 3, -1, &pirq, 0x28, 7,
                                                 0, 0), 0);
    assert_int_equal(msi_dev.seg, 0);
    assert_int_equal(msi_dev.bus, 7);

    assert_int_equal(xendevicemodel_unmap_pirq(dm, 3, 55), 0);
    assert_int_equal(hc_cmd, PHYSDEVOP_unmap_pirq);
    assert_int_equal(u16at(hc_arg), 3);
    assert_int_equal(u32at(hc_arg + 4), 55);

    n_hypercalls = 0;
    assert_int_equal(xendevicemodel_map_pirq(dm, 3, 20, NULL), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(n_hypercalls, 0);
    xen_err = EPERM;
    pirq = 9;
    assert_int_equal(xendevicemodel_map_pirq(dm, 3, 20, &pirq), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(pirq, 9);                  /* untouched on failure */
    assert_int_equal(xendevicemodel_close(dm), 0);
}

static void test_s3(void **state)
{
    xendevicemodel_handle *dm = open_ok();

    (void)state;
    if (!dm)
        return;

    /*
     * Awakening a domain that is not in S3 is no error: Xen answers 0
     * and does nothing, and so must we (no state check of our own, no
     * EINVAL), with exactly its one hypercall.
     */
    errno = 0;
    assert_int_equal(xendevicemodel_s3_awaken(dm, 4), 0);
    assert_int_equal(n_hypercalls, 1);
    assert_int_equal(hc_op, __HYPERVISOR_hvm_op);
    assert_int_equal(hc_cmd, HVMOP_set_param);
    /* xen_hvm_param: domid @0, index @4, value @8 */
    assert_int_equal(u16at(hc_arg), 4);
    assert_int_equal(u32at(hc_arg + 4), HVM_PARAM_ACPI_S_STATE);
    assert_int_equal(u64at(hc_arg + 8), 0);
    assert_int_equal(s3_unpauses, 0);

    assert_int_equal(xendevicemodel_s3_suspend(dm, 4), 0);
    assert_int_equal(u64at(hc_arg + 8), 3);
    assert_true(s3_suspended);
    /* suspending a suspended domain: also 0, and nothing is reset again */
    assert_int_equal(xendevicemodel_s3_suspend(dm, 4), 0);
    assert_int_equal(s3_resets, 1);
    assert_int_equal(xendevicemodel_s3_awaken(dm, 4), 0);
    assert_false(s3_suspended);
    assert_int_equal(s3_unpauses, 1);
    assert_int_equal(xendevicemodel_s3_awaken(dm, 4), 0);
    assert_int_equal(s3_unpauses, 1);
    assert_int_equal(n_hypercalls, 5);

    /* Xen's errors come back as they are (ESRCH: no such domain) */
    xen_err = ESRCH;
    assert_int_equal(xendevicemodel_s3_awaken(dm, 4), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(xendevicemodel_close(dm), 0);
}

static void test_compositions(void **state)
{
    xendevicemodel_handle *dm = open_ok();

    (void)state;
    if (!dm)
        return;

    assert_int_equal(xendevicemodel_reboot(dm, 6), 0);
    assert_int_equal(last_dm.op, XEN_DMOP_remote_shutdown);
    assert_int_equal(last_dm.u.remote_shutdown.reason, SHUTDOWN_reboot);

    /* device 5, pin C (2): link (5 + 2) mod 4 = 3 */
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 0, 0, 5,
                                                              2, 10), 0);
    assert_int_equal(last_dm.op, XEN_DMOP_set_pci_link_route);
    assert_int_equal(last_dm.u.set_pci_link_route.link, 3);
    assert_int_equal(last_dm.u.set_pci_link_route.isa_irq, 10);
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 0, 0, 4,
                                                              0, 0), 0);
    assert_int_equal(last_dm.u.set_pci_link_route.link, 0);
    assert_int_equal(last_dm.u.set_pci_link_route.isa_irq, 0);
    n_dm_ops = 0;
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 1, 0, 4,
                                                              0, 5), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 0, 1, 4,
                                                              0, 5), -1);
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 0, 0, 32,
                                                              0, 5), -1);
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 0, 0, 4,
                                                              4, 5), -1);
    assert_int_equal(xendevicemodel_route_pci_intx_to_isa_irq(dm, 6, 0, 0, 4,
                                                              0, 16), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(n_dm_ops, 0);

    assert_int_equal(xendevicemodel_mark_memory_region_dirty(dm, 6, 0x7f00,
                                                             8), 0);
    assert_int_equal(last_dm.op, XEN_DMOP_modified_memory);
    assert_int_equal(last_dm.u.modified_memory.nr_extents, 1);
    {
        struct xen_dm_op_modified_memory_extent e;

        memcpy(&e, last_dm_buf1, sizeof(e));
        assert_int_equal(e.first_pfn, 0x7f00);
        assert_int_equal(e.nr, 8);
    }
    assert_int_equal(xendevicemodel_make_ram_region_ro(dm, 6, 0x7f00, 2), 0);
    assert_int_equal(last_dm.op, XEN_DMOP_set_mem_type);
    assert_int_equal(last_dm.u.set_mem_type.mem_type, HVMMEM_ram_ro);
    assert_int_equal(last_dm.u.set_mem_type.first_pfn, 0x7f00);
    assert_int_equal(last_dm.u.set_mem_type.nr, 2);
    assert_int_equal(xendevicemodel_make_ram_region_rw(dm, 6, 0x7f01, 1), 0);
    assert_int_equal(last_dm.u.set_mem_type.mem_type, HVMMEM_ram_rw);
    assert_int_equal(last_dm.u.set_mem_type.first_pfn, 0x7f01);
    xen_err = ESRCH;
    assert_int_equal(xendevicemodel_reboot(dm, 6), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(xendevicemodel_close(dm), 0);
}

/*
 * Raw hypercalls cannot be narrowed to one domain: once the handle is
 * restricted they fail with EPERM, and no new privcmd is opened for them.
 */
static void test_restrict(void **state)
{
    xendevicemodel_handle *dm = open_ok();
    int opens, pirq = -1;

    (void)state;
    if (!dm)
        return;
    if (CONTRACT_EXPECT(XS_OP_DM_RESTRICT)) {
        assert_int_equal(xendevicemodel_restrict(dm, 5), -1);
        assert_int_equal(errno, CONTRACT_EXPECT(XS_OP_DM_RESTRICT));
        assert_int_equal(xendevicemodel_close(dm), 0);
        return;
    }
    assert_int_equal(xendevicemodel_restrict(dm, 5), 0);
    opens = fake_sys_count(FAKE_OPEN);
    n_hypercalls = 0;
    assert_int_equal(xendevicemodel_s3_suspend(dm, 5), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xendevicemodel_map_pirq(dm, 5, 9, &pirq), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(fake_sys_count(FAKE_OPEN), opens);
    assert_int_equal(n_hypercalls, 0);
    /* DM ops still work: privcmd itself is narrowed */
    assert_int_equal(xendevicemodel_reboot(dm, 5), 0);
    assert_int_equal(xendevicemodel_close(dm), 0);

    /* restrict_all, with no xencall handle open yet */
    dm = xendevicemodel_open(NULL, 0);
    assert_non_null(dm);        /* it opened above */
    assert_int_equal(xentoolcore_restrict_all(5), 0);
    assert_int_equal(xendevicemodel_s3_suspend(dm, 5), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(xendevicemodel_close(dm), 0);

    /* an xencall handle opened before restrict() is neutered (dup3) */
    dm = xendevicemodel_open(NULL, 0);
    assert_non_null(dm);        /* it opened above */
    assert_int_equal(xendevicemodel_s3_suspend(dm, 5), 0);
    {
        int dups = fake_sys_count(FAKE_DUP3);

        assert_int_equal(xendevicemodel_restrict(dm, 5), 0);
        assert_true(fake_sys_count(FAKE_DUP3) > dups);
    }
    assert_int_equal(xendevicemodel_close(dm), 0);
}

static void test_fault_injection(void **state)
{
    (void)state;
    /* the xencall handle's privcmd cannot be opened */
    {
        xendevicemodel_handle *dm = open_ok();

        if (!dm)
            return;
        fake_sys_fail_nth(FAKE_OPEN, fake_sys_count(FAKE_OPEN) + 1, EMFILE);
        assert_int_equal(xendevicemodel_add_to_physmap(dm, 1, 2, 3, 4, 0), -1);
        assert_int_equal(errno, EMFILE);
        assert_int_equal(xendevicemodel_close(dm), 0);
    }
    /* each mmap of a populate fails in turn, on a fresh handle */
    for (int n = 1; n <= 3; n++) {
        xendevicemodel_handle *dm = open_ok();
        xen_pfn_t list[2] = { 1, 2 };
        int rc;

        assert_non_null(dm);        /* it opened above */
        fake_sys_fail_nth(FAKE_MMAP, fake_sys_count(FAKE_MMAP) + n, ENOMEM);
        rc = xendevicemodel_populate_physmap_exact(dm, 1, 2, 0, 0, list);
        fake_sys_fail_nth(FAKE_MMAP, 0, 0);
        if (n <= 2) {
            assert_int_equal(rc, -1);
            assert_int_equal(errno, ENOMEM);
        } else {
            assert_int_equal(rc, 0);    /* two buffers: a third is unused */
        }
        assert_int_equal(xendevicemodel_close(dm), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_to_physmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_populate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pirq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compositions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restrict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
    };

    return cmocka_run_group_tests_name("dm-ext", tests, NULL, NULL);
}
