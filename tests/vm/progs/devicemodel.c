/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * devicemodel.c - every xendevicemodel operation against the real
 * hypervisor from dom0: dom0 itself (EPERM: a domain cannot be its own
 * device model target) and a domid that does not exist (ESRCH), plus
 * the library-side argument checks (EINVAL) and restrict.
 *
 * A hypervisor without the device model (Debian's arm64 Xen, built
 * without CONFIG_IOREQ_SERVER: no dm_op hypercall at all) answers
 * ENOSYS to every operation instead; the library-side checks are the
 * same there.  On Xen with the device model the domain is looked up
 * before the operation, so Arm's answers equal x86's here although Arm
 * knows only eight operations (vm-dm-arm64 shows the difference on a
 * real guest).
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>

#include <xendevicemodel.h>

#include "vmtest.h"
#include "vtarch.h"

#define NODOM 1234

static void expect(int rc, int want, const char *name, domid_t dom)
{
    char label[128];

    snprintf(label, sizeof label, "%s(dom%u) -> %s", name, dom,
             want == EPERM ? "EPERM" : want == ESRCH ? "ESRCH" :
             want == ENOSYS ? "ENOSYS (no dm_op in this Xen)" : "EINVAL");
    vt_ok(rc == -1 && errno == want, label, "rc=%d %s", rc, vt_errno(errno));
}

static void all_ops(xendevicemodel_handle *d, domid_t dom, int want)
{
    ioservid_t id = 0;
    xen_pfn_t g1, g2;
    evtchn_port_t port;
    unsigned long bitmap[1] = { 0 };
    struct xen_dm_op_modified_memory_extent ext = { .nr = 1, .first_pfn = 0 };
    unsigned int vcpus = 0;

#define E(call, name) do { errno = 0; expect((call), want, name, dom); } while (0)
    E(xendevicemodel_create_ioreq_server(d, dom, 0, &id), "create_ioreq_server");
    E(xendevicemodel_get_ioreq_server_info(d, dom, 0, &g1, &g2, &port),
      "get_ioreq_server_info");
    E(xendevicemodel_get_ioreq_server_info(d, dom, 0, NULL, NULL, &port),
      "get_ioreq_server_info(no_gfns)");
    E(xendevicemodel_map_io_range_to_ioreq_server(d, dom, 0, 0, 0x2345, 0x2345),
      "map_io_range(port)");
    E(xendevicemodel_unmap_io_range_from_ioreq_server(d, dom, 0, 1, 0xfe000000,
                                                      0xfe000fff),
      "unmap_io_range(mmio)");
    E(xendevicemodel_map_mem_type_to_ioreq_server(d, dom, 0,
          HVMMEM_ioreq_server, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE),
      "map_mem_type_to_ioreq_server");
    E(xendevicemodel_map_pcidev_to_ioreq_server(d, dom, 0, 0, 0, 5, 0),
      "map_pcidev");
    E(xendevicemodel_unmap_pcidev_from_ioreq_server(d, dom, 0, 0, 0, 5, 0),
      "unmap_pcidev");
    E(xendevicemodel_set_ioreq_server_state(d, dom, 0, 1),
      "set_ioreq_server_state");
    E(xendevicemodel_destroy_ioreq_server(d, dom, 0), "destroy_ioreq_server");
    E(xendevicemodel_set_pci_intx_level(d, dom, 0, 0, 5, 0, 0),
      "set_pci_intx_level");
    E(xendevicemodel_set_isa_irq_level(d, dom, 5, 0), "set_isa_irq_level");
    E(xendevicemodel_set_irq_level(d, dom, 5, 0), "set_irq_level");
    E(xendevicemodel_set_pci_link_route(d, dom, 0, 5), "set_pci_link_route");
    E(xendevicemodel_inject_msi(d, dom, 0xfee00000, 0x30), "inject_msi");
    E(xendevicemodel_track_dirty_vram(d, dom, 0, 8, bitmap), "track_dirty_vram");
    E(xendevicemodel_modified_memory(d, dom, 0, 1), "modified_memory");
    E(xendevicemodel_modified_memory_bulk(d, dom, &ext, 1),
      "modified_memory_bulk");
    E(xendevicemodel_set_mem_type(d, dom, HVMMEM_ram_rw, 0, 1), "set_mem_type");
    E(xendevicemodel_inject_event(d, dom, 0, 1, XEN_DMOP_EVENT_hw_exc,
                                  ~0u, 0, 0), "inject_event");
    E(xendevicemodel_shutdown(d, dom, 0), "shutdown");
    E(xendevicemodel_relocate_memory(d, dom, 1, 0x100, 0x200),
      "relocate_memory");
    E(xendevicemodel_pin_memory_cacheattr(d, dom, 0, 0,
                                          XEN_DMOP_MEM_CACHEATTR_WB),
      "pin_memory_cacheattr");
    E(xendevicemodel_nr_vcpus(d, dom, &vcpus), "nr_vcpus");
#undef E
}

int main(void)
{
    xendevicemodel_handle *d, *r;
    ioservid_t id = 0;

    vt_init();
    /* the hypervisor's answer where it has no dm_op at all */
    int nodm = !vt_xen_dm();

    vt_fact("device model in this Xen: %s", nodm ? "no" : "yes");
    d = xendevicemodel_open(NULL, 0);
    if (!vt_ok(d != NULL, "xendevicemodel_open", "%s", vt_errno(errno)))
        return vt_done();

    all_ops(d, 0, nodm ? ENOSYS : EPERM);
    all_ops(d, NODOM, nodm ? ENOSYS : ESRCH);

    /* argument checks made by the library, before any hypercall */
    errno = 0;
    expect(xendevicemodel_map_mem_type_to_ioreq_server(d, NODOM, 0,
               HVMMEM_ram_rw, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE),
           EINVAL, "map_mem_type(ram_rw)", NODOM);
    errno = 0;
    expect(xendevicemodel_map_mem_type_to_ioreq_server(d, NODOM, 0,
               HVMMEM_ioreq_server, XEN_DMOP_IOREQ_MEM_ACCESS_READ),
           EINVAL, "map_mem_type(READ)", NODOM);
    errno = 0;
    expect(xendevicemodel_map_pcidev_to_ioreq_server(d, NODOM, 0, 0, 0, 0x20,
                                                     0),
           EINVAL, "map_pcidev(device 0x20)", NODOM);
    errno = 0;
    expect(xendevicemodel_unmap_pcidev_from_ioreq_server(d, NODOM, 0, 0, 0, 0,
                                                         8),
           EINVAL, "unmap_pcidev(function 8)", NODOM);
    vt_ok(xendevicemodel_close(d) == 0, "xendevicemodel_close", NULL);

    /* restrict: afterwards only the target domain may be addressed */
    r = xendevicemodel_open(NULL, 0);
    vt_ok(r != NULL, "open second handle", NULL);
    if (r) {
        vt_ok(xendevicemodel_restrict(r, NODOM) == 0, "restrict to dom1234",
              "%s", vt_errno(errno));
        errno = 0;
        expect(xendevicemodel_create_ioreq_server(r, 0, 0, &id), EPERM,
               "restricted create_ioreq_server", 0);
        errno = 0;
        expect(xendevicemodel_create_ioreq_server(r, NODOM, 0, &id),
               nodm ? ENOSYS : ESRCH, "restricted create_ioreq_server",
               NODOM);
        vt_ok(xendevicemodel_close(r) == 0, "close restricted handle", NULL);
    }
    return vt_done();
}
