/*
 * layout.c - prints the size, member offsets and values of every Xen
 * public-interface type and constant libxenstable bundles or exposes.
 * check_headers.py builds it once against include/ (-DXS_LAYOUT_OURS)
 * and once against the system's Xen headers, and diffs the outputs.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/hypfs.h>
#include <xen/kexec.h>
#include <xen/physdev.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#ifdef __XEN_TOOLS__
#include <xen/domctl.h>
#endif

#include <xentoollog.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xencall.h>
#include <xenforeignmemory.h>
#include <xendevicemodel.h>
#include <xenhypfs.h>

#define V(x)    printf("value %s = %lld\n", #x, (long long)(x))
#define S(t)    printf("size %s = %zu (signed %d)\n", #t, sizeof(t), \
                       (int)((t)-1 < (t)0))
#define ST(t)   printf("size %s = %zu align %zu\n", #t, sizeof(t), \
                       (size_t)_Alignof(t))
#define OF(t, m) printf("offset %s.%s = %zu (flexible)\n", #t, #m, \
                       offsetof(t, m))
/* 1 signed, 0 unsigned integer; 2 anything else (array, struct, ...) */
#define SIGNEDNESS(x) _Generic((x),                                     \
    signed char: 1, short: 1, int: 1, long: 1, long long: 1,            \
    unsigned char: 0, unsigned short: 0, unsigned int: 0,               \
    unsigned long: 0, unsigned long long: 0,                            \
    char: (char)-1 < 0, default: 2)
#define O(t, m) printf("offset %s.%s = %zu (size %zu, signed %d)\n",   \
                       #t, #m, offsetof(t, m), sizeof(((t *)0)->m),     \
                       SIGNEDNESS(((t *)0)->m))

int main(void)
{
    /* xen.h and the arch headers */
    V(__XEN_LATEST_INTERFACE_VERSION__); V(__XEN_INTERFACE_VERSION__);
    S(domid_t); S(xen_pfn_t); S(xen_ulong_t);
    ST(xen_domain_handle_t); ST(xen_uuid_t);
    ST(XEN_GUEST_HANDLE(void)); ST(XEN_GUEST_HANDLE(xen_pfn_t));
    ST(XEN_GUEST_HANDLE(const_uint8));
    ST(struct multicall_entry);
    O(struct multicall_entry, op); O(struct multicall_entry, result);
    O(struct multicall_entry, args);
    V(XEN_LEGACY_MAX_VCPUS);
    V(__HYPERVISOR_set_trap_table); V(__HYPERVISOR_mmu_update);
    V(__HYPERVISOR_set_gdt); V(__HYPERVISOR_stack_switch);
    V(__HYPERVISOR_set_callbacks); V(__HYPERVISOR_fpu_taskswitch);
    V(__HYPERVISOR_sched_op_compat); V(__HYPERVISOR_platform_op);
    V(__HYPERVISOR_set_debugreg); V(__HYPERVISOR_get_debugreg);
    V(__HYPERVISOR_update_descriptor); V(__HYPERVISOR_memory_op);
    V(__HYPERVISOR_multicall); V(__HYPERVISOR_update_va_mapping);
    V(__HYPERVISOR_set_timer_op); V(__HYPERVISOR_event_channel_op_compat);
    V(__HYPERVISOR_xen_version); V(__HYPERVISOR_console_io);
    V(__HYPERVISOR_physdev_op_compat); V(__HYPERVISOR_grant_table_op);
    V(__HYPERVISOR_vm_assist); V(__HYPERVISOR_update_va_mapping_otherdomain);
    V(__HYPERVISOR_iret); V(__HYPERVISOR_vcpu_op);
    V(__HYPERVISOR_set_segment_base); V(__HYPERVISOR_mmuext_op);
    V(__HYPERVISOR_xsm_op); V(__HYPERVISOR_nmi_op); V(__HYPERVISOR_sched_op);
    V(__HYPERVISOR_callback_op); V(__HYPERVISOR_xenoprof_op);
    V(__HYPERVISOR_event_channel_op); V(__HYPERVISOR_physdev_op);
    V(__HYPERVISOR_hvm_op); V(__HYPERVISOR_sysctl); V(__HYPERVISOR_domctl);
    V(__HYPERVISOR_kexec_op); V(__HYPERVISOR_tmem_op);
    V(__HYPERVISOR_argo_op); V(__HYPERVISOR_xenpmu_op);
    V(__HYPERVISOR_dm_op); V(__HYPERVISOR_hypfs_op);
    V(__HYPERVISOR_arch_0); V(__HYPERVISOR_arch_7);
    V(VIRQ_TIMER); V(VIRQ_DEBUG); V(VIRQ_CONSOLE); V(VIRQ_DOM_EXC);
    V(VIRQ_TBUF); V(VIRQ_DEBUGGER); V(VIRQ_XENOPROF); V(VIRQ_CON_RING);
    V(VIRQ_PCPU_STATE); V(VIRQ_MEM_EVENT); V(VIRQ_ARGO); V(VIRQ_ENOMEM);
    V(VIRQ_XENPMU); V(VIRQ_ARCH_0); V(VIRQ_ARCH_7); V(NR_VIRQS);
    V(DOMID_FIRST_RESERVED); V(DOMID_SELF); V(DOMID_IO); V(DOMID_XEN);
    V(DOMID_COW); V(DOMID_INVALID); V(DOMID_IDLE); V(DOMID_MASK);
    V(sizeof(DOMID_SELF)); V(DOMID_SELF - 0x8000 > 0);
    V(xen_mk_ulong(1) << 40 != 0);
#ifdef __XEN_TOOLS__
    ST(struct xenctl_bitmap); O(struct xenctl_bitmap, bitmap);
    O(struct xenctl_bitmap, nr_bits);
#endif

    /* event_channel.h */
    S(evtchn_port_t);
    V(EVTCHNOP_bind_interdomain); V(EVTCHNOP_bind_virq);
    V(EVTCHNOP_bind_pirq); V(EVTCHNOP_close); V(EVTCHNOP_send);
    V(EVTCHNOP_status); V(EVTCHNOP_alloc_unbound); V(EVTCHNOP_bind_ipi);
    V(EVTCHNOP_bind_vcpu); V(EVTCHNOP_unmask); V(EVTCHNOP_reset);
    V(EVTCHNOP_init_control); V(EVTCHNOP_expand_array);
    V(EVTCHNOP_set_priority); V(EVTCHN_2L_NR_CHANNELS);
    V(BIND_PIRQ__WILL_SHARE);
    V(EVTCHNSTAT_closed); V(EVTCHNSTAT_unbound); V(EVTCHNSTAT_interdomain);
    V(EVTCHNSTAT_pirq); V(EVTCHNSTAT_virq); V(EVTCHNSTAT_ipi);
    ST(evtchn_alloc_unbound_t); O(evtchn_alloc_unbound_t, dom);
    O(evtchn_alloc_unbound_t, remote_dom); O(evtchn_alloc_unbound_t, port);
    ST(evtchn_bind_interdomain_t); O(evtchn_bind_interdomain_t, remote_dom);
    O(evtchn_bind_interdomain_t, remote_port);
    O(evtchn_bind_interdomain_t, local_port);
    ST(evtchn_bind_virq_t); O(evtchn_bind_virq_t, virq);
    O(evtchn_bind_virq_t, vcpu); O(evtchn_bind_virq_t, port);
    ST(evtchn_bind_pirq_t); O(evtchn_bind_pirq_t, flags);
    O(evtchn_bind_pirq_t, port);
    ST(evtchn_bind_ipi_t); O(evtchn_bind_ipi_t, port);
    ST(evtchn_close_t); ST(evtchn_send_t); ST(evtchn_unmask_t);
    ST(evtchn_reset_t); ST(evtchn_bind_vcpu_t); O(evtchn_bind_vcpu_t, vcpu);
    ST(evtchn_status_t); O(evtchn_status_t, port); O(evtchn_status_t, status);
    O(evtchn_status_t, vcpu); O(evtchn_status_t, u);
    O(evtchn_status_t, u.interdomain.port);
    ST(evtchn_init_control_t); O(evtchn_init_control_t, offset);
    O(evtchn_init_control_t, vcpu); O(evtchn_init_control_t, link_bits);
    ST(evtchn_expand_array_t); ST(evtchn_set_priority_t);
    O(evtchn_set_priority_t, priority);
    ST(evtchn_op_t); O(evtchn_op_t, u);

    /* grant_table.h */
    S(grant_ref_t); S(grant_handle_t);
    ST(grant_entry_v1_t); O(grant_entry_v1_t, flags);
    O(grant_entry_v1_t, domid); O(grant_entry_v1_t, frame);
    V(GNTTAB_NR_RESERVED_ENTRIES); V(GNTTAB_RESERVED_CONSOLE);
    V(GNTTAB_RESERVED_XENSTORE);
    V(GTF_invalid); V(GTF_permit_access); V(GTF_accept_transfer);
    V(GTF_transitive); V(GTF_type_mask); V(GTF_readonly); V(GTF_reading);
    V(GTF_writing); V(GTF_PWT); V(GTF_PCD); V(GTF_PAT); V(GTF_sub_page);
    V(GTF_transfer_committed); V(GTF_transfer_completed);
    V(_GTF_readonly); V(_GTF_reading); V(_GTF_writing);
    V(GNTTABOP_map_grant_ref); V(GNTTABOP_unmap_grant_ref);
    V(GNTTABOP_setup_table); V(GNTTABOP_dump_table); V(GNTTABOP_transfer);
    V(GNTTABOP_copy); V(GNTTABOP_query_size); V(GNTTABOP_unmap_and_replace);
#if __XEN_INTERFACE_VERSION__ >= 0x0003020a
    V(GNTTABOP_set_version); V(GNTTABOP_get_status_frames);
    V(GNTTABOP_get_version); V(GNTTABOP_swap_grant_ref);
    V(GNTTABOP_cache_flush);
#endif
    V(_GNTCOPY_source_gref); V(GNTCOPY_source_gref);
    V(_GNTCOPY_dest_gref); V(GNTCOPY_dest_gref);
    ST(gnttab_copy_t); O(gnttab_copy_t, source); O(gnttab_copy_t, source.u);
    O(gnttab_copy_t, source.domid); O(gnttab_copy_t, source.offset);
    O(gnttab_copy_t, dest); O(gnttab_copy_t, len); O(gnttab_copy_t, flags);
    O(gnttab_copy_t, status);
    V(GNTMAP_device_map); V(GNTMAP_host_map); V(GNTMAP_readonly);
    V(GNTMAP_application_map); V(GNTMAP_contains_pte);
    V(GNTST_okay); V(GNTST_general_error); V(GNTST_bad_domain);
    V(GNTST_bad_gntref); V(GNTST_bad_handle); V(GNTST_bad_virt_addr);
    V(GNTST_bad_dev_addr); V(GNTST_no_device_space);
    V(GNTST_permission_denied); V(GNTST_bad_page); V(GNTST_bad_copy_arg);
    V(GNTST_address_too_big); V(GNTST_eagain); V(GNTST_no_space);

    /* memory.h */
    V(XENMEM_increase_reservation); V(XENMEM_decrease_reservation);
    V(XENMEM_maximum_ram_page); V(XENMEM_current_reservation);
    V(XENMEM_maximum_reservation); V(XENMEM_machphys_mfn_list);
    V(XENMEM_populate_physmap); V(XENMEM_add_to_physmap);
    V(XENMEM_memory_map); V(XENMEM_machine_memory_map); V(XENMEM_exchange);
    V(XENMEM_machphys_mapping); V(XENMEM_set_memory_map);
    V(XENMEM_maximum_gpfn); V(XENMEM_remove_from_physmap);
    V(XENMEM_set_pod_target); V(XENMEM_get_pod_target);
    V(XENMEM_add_to_physmap_batch);
    V(XENMEM_machphys_compat_mfn_list); V(XENMEM_get_vnumainfo);
    V(XENMEM_acquire_resource);
#ifdef __XEN_TOOLS__
    V(XENMEM_get_sharing_freed_pages); V(XENMEM_get_sharing_shared_pages);
    V(XENMEM_paging_op); V(XENMEM_access_op); V(XENMEM_sharing_op);
    V(XENMEM_claim_pages); V(XENMEM_reserved_device_memory_map);
#endif
#if __XEN_INTERFACE_VERSION__ >= 0x00030209
    V(XENMEMF_address_bits(7)); V(XENMEMF_get_address_bits(0x1234));
    V(XENMEMF_node(3)); V(XENMEMF_get_node(0x500));
    V(XENMEMF_populate_on_demand); V(XENMEMF_exact_node_request);
    V(XENMEMF_exact_node(2)); V(XENMEMF_vnode);
#endif
    V(XENMAPSPACE_shared_info); V(XENMAPSPACE_grant_table);
    V(XENMAPSPACE_gmfn); V(XENMAPSPACE_gmfn_range);
    V(XENMAPSPACE_gmfn_foreign); V(XENMAPSPACE_dev_mmio);
    V(XENMAPIDX_grant_table_status);
    ST(xen_memory_reservation_t); O(xen_memory_reservation_t, extent_start);
    O(xen_memory_reservation_t, nr_extents);
    O(xen_memory_reservation_t, extent_order);
#if __XEN_INTERFACE_VERSION__ >= 0x00030209
    O(xen_memory_reservation_t, mem_flags);
#else
    O(xen_memory_reservation_t, address_bits);
#endif
    O(xen_memory_reservation_t, domid);
    ST(xen_add_to_physmap_t); O(xen_add_to_physmap_t, domid);
    O(xen_add_to_physmap_t, size); O(xen_add_to_physmap_t, space);
    O(xen_add_to_physmap_t, idx); O(xen_add_to_physmap_t, gpfn);
    ST(xen_remove_from_physmap_t); O(xen_remove_from_physmap_t, gpfn);
    ST(xen_memory_map_t); O(xen_memory_map_t, nr_entries);
    O(xen_memory_map_t, buffer);
    ST(xen_foreign_memory_map_t); O(xen_foreign_memory_map_t, map);
    ST(xen_mem_acquire_resource_t); O(xen_mem_acquire_resource_t, domid);
    O(xen_mem_acquire_resource_t, type); O(xen_mem_acquire_resource_t, id);
    O(xen_mem_acquire_resource_t, nr_frames);
    O(xen_mem_acquire_resource_t, pad); O(xen_mem_acquire_resource_t, frame);
    O(xen_mem_acquire_resource_t, frame_list);
    V(XENMEM_resource_ioreq_server); V(XENMEM_resource_grant_table);
    V(XENMEM_resource_vmtrace_buf);
    V(XENMEM_resource_grant_table_id_shared);
    V(XENMEM_resource_grant_table_id_status);
    V(XENMEM_resource_ioreq_server_frame_bufioreq);
    V(XENMEM_resource_ioreq_server_frame_ioreq(0));
    V(XENMEM_resource_ioreq_server_frame_ioreq(5));

    /* sched.h */
    V(SCHEDOP_yield); V(SCHEDOP_block); V(SCHEDOP_shutdown); V(SCHEDOP_poll);
    V(SCHEDOP_remote_shutdown); V(SCHEDOP_shutdown_code);
    V(SCHEDOP_watchdog); V(SCHEDOP_pin_override);
    V(SHUTDOWN_poweroff); V(SHUTDOWN_reboot); V(SHUTDOWN_suspend);
    V(SHUTDOWN_crash); V(SHUTDOWN_watchdog); V(SHUTDOWN_soft_reset);
    V(SHUTDOWN_MAX);
    ST(sched_shutdown_t); ST(sched_poll_t); O(sched_poll_t, nr_ports);
    O(sched_poll_t, timeout); ST(sched_remote_shutdown_t);
    O(sched_remote_shutdown_t, reason); ST(sched_watchdog_t);
    O(sched_watchdog_t, timeout); ST(sched_pin_override_t);

    /* version.h */
    V(XENVER_version); V(XENVER_extraversion); V(XENVER_compile_info);
    V(XENVER_capabilities); V(XENVER_changeset);
    V(XENVER_platform_parameters); V(XENVER_get_features);
    V(XENVER_pagesize); V(XENVER_guest_handle); V(XENVER_commandline);
    V(XENVER_build_id);
    V(XEN_EXTRAVERSION_LEN); V(XEN_CAPABILITIES_INFO_LEN);
    V(XEN_CHANGESET_INFO_LEN); ST(xen_commandline_t);
    ST(xen_compile_info_t); O(xen_compile_info_t, compile_by);
    O(xen_compile_info_t, compile_domain); O(xen_compile_info_t, compile_date);
    ST(xen_platform_parameters_t); ST(xen_feature_info_t);
    O(xen_feature_info_t, submap);
    ST(xen_build_id_t); OF(xen_build_id_t, buf);

    /* hypfs.h */
    V(XEN_HYPFS_VERSION); V(XEN_HYPFS_MAX_PATHLEN);
    V(XEN_HYPFS_TYPE_DIR); V(XEN_HYPFS_TYPE_BLOB); V(XEN_HYPFS_TYPE_STRING);
    V(XEN_HYPFS_TYPE_UINT); V(XEN_HYPFS_TYPE_INT); V(XEN_HYPFS_TYPE_BOOL);
    V(XEN_HYPFS_ENC_PLAIN); V(XEN_HYPFS_ENC_GZIP);
    V(XEN_HYPFS_OP_get_version); V(XEN_HYPFS_OP_read);
    V(XEN_HYPFS_OP_write_contents);
    ST(struct xen_hypfs_direntry); O(struct xen_hypfs_direntry, type);
    O(struct xen_hypfs_direntry, encoding); O(struct xen_hypfs_direntry, pad);
    O(struct xen_hypfs_direntry, content_len);
    O(struct xen_hypfs_direntry, max_write_len);
    ST(struct xen_hypfs_dirlistentry); O(struct xen_hypfs_dirlistentry, e);
    O(struct xen_hypfs_dirlistentry, off_next);
    OF(struct xen_hypfs_dirlistentry, name);

    /* kexec.h */
    V(KEXEC_TYPE_DEFAULT); V(KEXEC_TYPE_CRASH); V(KEXEC_CMD_kexec);
    V(KEXEC_CMD_kexec_load_v1); V(KEXEC_CMD_kexec_unload_v1);
    V(KEXEC_CMD_kexec_get_range); V(KEXEC_CMD_kexec_load);
    V(KEXEC_CMD_kexec_unload);
    V(KEXEC_RANGE_MA_CRASH); V(KEXEC_RANGE_MA_XEN); V(KEXEC_RANGE_MA_CPU);
    V(KEXEC_RANGE_MA_XENHEAP); V(KEXEC_RANGE_MA_BOOT_PARAM);
    V(KEXEC_RANGE_MA_EFI_MEMMAP); V(KEXEC_RANGE_MA_VMCOREINFO);
    ST(xen_kexec_image_t); O(xen_kexec_image_t, indirection_page);
    O(xen_kexec_image_t, start_address);
    ST(xen_kexec_exec_t); O(xen_kexec_exec_t, type); ST(xen_kexec_load_v1_t);
    O(xen_kexec_load_v1_t, image);
    ST(xen_kexec_range_t); O(xen_kexec_range_t, nr);
    O(xen_kexec_range_t, size); O(xen_kexec_range_t, start);
    ST(xen_kexec_load_t);
#if __XEN_INTERFACE_VERSION__ >= 0x00040400
    V(KEXEC_CMD_kexec_status);
    ST(xen_kexec_segment_t); O(xen_kexec_segment_t, buf);
    O(xen_kexec_segment_t, buf_size); O(xen_kexec_segment_t, dest_maddr);
    O(xen_kexec_segment_t, dest_size);
    O(xen_kexec_load_t, type); O(xen_kexec_load_t, arch);
    O(xen_kexec_load_t, nr_segments); O(xen_kexec_load_t, segments);
    O(xen_kexec_load_t, entry_maddr);
    ST(xen_kexec_unload_t); ST(xen_kexec_status_t);
    /* what xenkexec (XENSTABLE_1.1) writes */
    O(xen_kexec_unload_t, type); O(xen_kexec_status_t, type);
#endif

    /* physdev.h */
    V(MAP_PIRQ_TYPE_MSI); V(MAP_PIRQ_TYPE_GSI); V(MAP_PIRQ_TYPE_UNKNOWN);
    V(MAP_PIRQ_TYPE_MSI_SEG); V(MAP_PIRQ_TYPE_MULTI_MSI);
    V(PHYSDEVOP_map_pirq); V(PHYSDEVOP_unmap_pirq);
    ST(physdev_map_pirq_t); O(physdev_map_pirq_t, domid);
    O(physdev_map_pirq_t, type); O(physdev_map_pirq_t, index);
    O(physdev_map_pirq_t, pirq); O(physdev_map_pirq_t, bus);
    O(physdev_map_pirq_t, devfn); O(physdev_map_pirq_t, entry_nr);
    O(physdev_map_pirq_t, table_base);
    ST(physdev_unmap_pirq_t); O(physdev_unmap_pirq_t, pirq);
    O(physdev_unmap_pirq_t, domid);

    /* hvm/dm_op.h */
    S(ioservid_t);
    V(XEN_DMOP_create_ioreq_server); V(XEN_DMOP_get_ioreq_server_info);
    V(XEN_DMOP_map_io_range_to_ioreq_server);
    V(XEN_DMOP_unmap_io_range_from_ioreq_server);
    V(XEN_DMOP_set_ioreq_server_state); V(XEN_DMOP_destroy_ioreq_server);
    V(XEN_DMOP_track_dirty_vram); V(XEN_DMOP_set_pci_intx_level);
    V(XEN_DMOP_set_isa_irq_level); V(XEN_DMOP_set_pci_link_route);
    V(XEN_DMOP_modified_memory); V(XEN_DMOP_set_mem_type);
    V(XEN_DMOP_inject_event); V(XEN_DMOP_inject_msi);
    V(XEN_DMOP_map_mem_type_to_ioreq_server); V(XEN_DMOP_remote_shutdown);
    V(XEN_DMOP_relocate_memory); V(XEN_DMOP_pin_memory_cacheattr);
    V(XEN_DMOP_set_irq_level); V(XEN_DMOP_nr_vcpus);
    V(_XEN_DMOP_no_gfns); V(XEN_DMOP_no_gfns);
    V(XEN_DMOP_IO_RANGE_PORT); V(XEN_DMOP_IO_RANGE_MEMORY);
    V(XEN_DMOP_IO_RANGE_PCI);
    V(XEN_DMOP_PCI_SBDF(0x1234, 0xab, 0x1f, 7));
    V(XEN_DMOP_PCI_SBDF(0x10000, 0x100, 0x20, 8));
    V(XEN_DMOP_EVENT_ext_int); V(XEN_DMOP_EVENT_nmi);
    V(XEN_DMOP_EVENT_hw_exc); V(XEN_DMOP_EVENT_sw_int);
    V(XEN_DMOP_EVENT_pri_sw_exc); V(XEN_DMOP_EVENT_sw_exc);
    V(XEN_DMOP_IOREQ_MEM_ACCESS_READ); V(XEN_DMOP_IOREQ_MEM_ACCESS_WRITE);
    V(XEN_DMOP_MEM_CACHEATTR_UC); V(XEN_DMOP_MEM_CACHEATTR_WC);
    V(XEN_DMOP_MEM_CACHEATTR_WT); V(XEN_DMOP_MEM_CACHEATTR_WP);
    V(XEN_DMOP_MEM_CACHEATTR_WB); V(XEN_DMOP_MEM_CACHEATTR_UCM);
    V(XEN_DMOP_DELETE_MEM_CACHEATTR);
    ST(xen_dm_op_create_ioreq_server_t);
    O(xen_dm_op_create_ioreq_server_t, handle_bufioreq);
    O(xen_dm_op_create_ioreq_server_t, id);
    ST(xen_dm_op_get_ioreq_server_info_t);
    O(xen_dm_op_get_ioreq_server_info_t, id);
    O(xen_dm_op_get_ioreq_server_info_t, flags);
    O(xen_dm_op_get_ioreq_server_info_t, bufioreq_port);
    O(xen_dm_op_get_ioreq_server_info_t, ioreq_gfn);
    O(xen_dm_op_get_ioreq_server_info_t, bufioreq_gfn);
    ST(xen_dm_op_ioreq_server_range_t);
    O(xen_dm_op_ioreq_server_range_t, id);
    O(xen_dm_op_ioreq_server_range_t, type);
    O(xen_dm_op_ioreq_server_range_t, start);
    O(xen_dm_op_ioreq_server_range_t, end);
    ST(xen_dm_op_set_ioreq_server_state_t);
    O(xen_dm_op_set_ioreq_server_state_t, enabled);
    ST(xen_dm_op_destroy_ioreq_server_t);
    ST(xen_dm_op_track_dirty_vram_t);
    O(xen_dm_op_track_dirty_vram_t, nr);
    O(xen_dm_op_track_dirty_vram_t, first_pfn);
    ST(xen_dm_op_set_pci_intx_level_t);
    O(xen_dm_op_set_pci_intx_level_t, domain);
    O(xen_dm_op_set_pci_intx_level_t, bus);
    O(xen_dm_op_set_pci_intx_level_t, device);
    O(xen_dm_op_set_pci_intx_level_t, intx);
    O(xen_dm_op_set_pci_intx_level_t, level);
    ST(xen_dm_op_set_isa_irq_level_t);
    O(xen_dm_op_set_isa_irq_level_t, level);
    ST(xen_dm_op_set_pci_link_route_t);
    O(xen_dm_op_set_pci_link_route_t, isa_irq);
    ST(xen_dm_op_modified_memory_t);
    O(xen_dm_op_modified_memory_t, opaque);
    ST(struct xen_dm_op_modified_memory_extent);
    O(struct xen_dm_op_modified_memory_extent, nr);
    O(struct xen_dm_op_modified_memory_extent, pad);
    O(struct xen_dm_op_modified_memory_extent, first_pfn);
    ST(xen_dm_op_set_mem_type_t); O(xen_dm_op_set_mem_type_t, nr);
    O(xen_dm_op_set_mem_type_t, mem_type);
    O(xen_dm_op_set_mem_type_t, first_pfn);
    ST(xen_dm_op_inject_event_t); O(xen_dm_op_inject_event_t, vcpuid);
    O(xen_dm_op_inject_event_t, vector); O(xen_dm_op_inject_event_t, type);
    O(xen_dm_op_inject_event_t, insn_len);
    O(xen_dm_op_inject_event_t, error_code);
    O(xen_dm_op_inject_event_t, cr2);
    ST(xen_dm_op_inject_msi_t); O(xen_dm_op_inject_msi_t, data);
    O(xen_dm_op_inject_msi_t, addr);
    ST(xen_dm_op_map_mem_type_to_ioreq_server_t);
    O(xen_dm_op_map_mem_type_to_ioreq_server_t, id);
    O(xen_dm_op_map_mem_type_to_ioreq_server_t, type);
    O(xen_dm_op_map_mem_type_to_ioreq_server_t, flags);
    O(xen_dm_op_map_mem_type_to_ioreq_server_t, opaque);
    ST(xen_dm_op_remote_shutdown_t);
    ST(xen_dm_op_relocate_memory_t); O(xen_dm_op_relocate_memory_t, size);
    O(xen_dm_op_relocate_memory_t, src_gfn);
    O(xen_dm_op_relocate_memory_t, dst_gfn);
    ST(xen_dm_op_pin_memory_cacheattr_t);
    O(xen_dm_op_pin_memory_cacheattr_t, start);
    O(xen_dm_op_pin_memory_cacheattr_t, end);
    O(xen_dm_op_pin_memory_cacheattr_t, type);
    ST(xen_dm_op_set_irq_level_t); O(xen_dm_op_set_irq_level_t, irq);
    O(xen_dm_op_set_irq_level_t, level);
    ST(xen_dm_op_nr_vcpus_t);
    ST(struct xen_dm_op); O(struct xen_dm_op, op); O(struct xen_dm_op, pad);
    O(struct xen_dm_op, u); O(struct xen_dm_op, u.nr_vcpus.vcpus);
    O(struct xen_dm_op, u.inject_event.cr2);
    ST(xen_dm_op_buf_t); O(xen_dm_op_buf_t, h); O(xen_dm_op_buf_t, size);

    /* hvm/hvm_op.h and hvm/params.h */
    V(HVMOP_set_param); V(HVMOP_get_param); V(HVMOP_flush_tlbs);
    V(HVMOP_get_mem_type);
    ST(xen_hvm_param_t); O(xen_hvm_param_t, index); O(xen_hvm_param_t, value);
    O(xen_hvm_param_t, domid); O(xen_hvm_param_t, pad);
    ST(xen_hvm_get_mem_type_t); O(xen_hvm_get_mem_type_t, mem_type);
    O(xen_hvm_get_mem_type_t, pfn);
    ST(hvmmem_type_t); V(HVMMEM_ram_rw); V(HVMMEM_ram_ro); V(HVMMEM_mmio_dm);
    V(HVMMEM_ioreq_server);
#if __XEN_INTERFACE_VERSION__ < 0x00040700
    V(HVMMEM_mmio_write_dm);
#else
    V(HVMMEM_unused);
#endif
#ifdef __XEN_TOOLS__
    V(HVM_IOREQSRV_BUFIOREQ_OFF); V(HVM_IOREQSRV_BUFIOREQ_LEGACY);
    V(HVM_IOREQSRV_BUFIOREQ_ATOMIC);
    V(HVM_PARAM_PAE_ENABLED); V(HVM_PARAM_DM_DOMAIN);
    V(HVM_PARAM_BUFIOREQ_EVTCHN);
#endif
    V(HVM_PARAM_CALLBACK_IRQ); V(HVM_PARAM_STORE_PFN);
    V(HVM_PARAM_STORE_EVTCHN); V(HVM_PARAM_IOREQ_PFN);
    V(HVM_PARAM_BUFIOREQ_PFN); V(HVM_PARAM_TIMER_MODE);
    V(HVM_PARAM_HPET_ENABLED); V(HVM_PARAM_IDENT_PT);
    V(HVM_PARAM_ACPI_S_STATE); V(HVM_PARAM_CONSOLE_PFN);
    V(HVM_PARAM_CONSOLE_EVTCHN); V(HVM_PARAM_PAGING_RING_PFN);
    V(HVM_PARAM_IOREQ_SERVER_PFN); V(HVM_PARAM_NR_IOREQ_SERVER_PAGES);

#ifdef __XEN_TOOLS__
    /* domctl.h: the common header; get_domain_state is Xen >= 4.21 */
    ST(struct xen_domctl); O(struct xen_domctl, cmd);
    O(struct xen_domctl, interface_version); O(struct xen_domctl, domain);
    O(struct xen_domctl, u);
#endif

    /* Public library headers: types and flags. */
    V(XTL_NONE); V(XTL_DEBUG); V(XTL_VERBOSE); V(XTL_DETAIL);
    V(XTL_PROGRESS); V(XTL_INFO); V(XTL_NOTICE); V(XTL_WARN); V(XTL_ERROR);
    V(XTL_CRITICAL); V(XTL_NUM_LEVELS);
    V(XTL_STDIOSTREAM_SHOW_PID); V(XTL_STDIOSTREAM_SHOW_DATE);
    V(XTL_STDIOSTREAM_HIDE_PROGRESS); V(XTL_STDIOSTREAM_PROGRESS_USE_CR);
    V(XTL_STDIOSTREAM_PROGRESS_NO_CR);
    ST(struct xentoollog_logger); O(struct xentoollog_logger, vmessage);
    O(struct xentoollog_logger, progress); O(struct xentoollog_logger, destroy);
    S(xenevtchn_port_or_error_t); V(XENEVTCHN_NO_CLOEXEC);
    V(XENCALL_OPENFLAG_NON_REENTRANT);
    V(GNTDEV_DMA_FLAG_WC); V(GNTDEV_DMA_FLAG_COHERENT);
    ST(xengnttab_grant_copy_segment_t);
    ST(union xengnttab_copy_ptr);
    O(xengnttab_grant_copy_segment_t, source);
    O(xengnttab_grant_copy_segment_t, source.virt);
    O(xengnttab_grant_copy_segment_t, source.foreign.ref);
    O(xengnttab_grant_copy_segment_t, source.foreign.offset);
    O(xengnttab_grant_copy_segment_t, source.foreign.domid);
    O(xengnttab_grant_copy_segment_t, dest);
    O(xengnttab_grant_copy_segment_t, dest.foreign.domid);
    O(xengnttab_grant_copy_segment_t, len);
    O(xengnttab_grant_copy_segment_t, flags);
    O(xengnttab_grant_copy_segment_t, status);
    V(xenhypfs_type_dir); V(xenhypfs_type_blob); V(xenhypfs_type_string);
    V(xenhypfs_type_uint); V(xenhypfs_type_int); V(xenhypfs_type_bool);
    V(xenhypfs_enc_plain); V(xenhypfs_enc_gzip);
    ST(enum xenhypfs_type); V(XENHYPFS_FLAG_WRITABLE);
    ST(struct xenhypfs_dirent); O(struct xenhypfs_dirent, name);
    O(struct xenhypfs_dirent, size); O(struct xenhypfs_dirent, type);
    O(struct xenhypfs_dirent, encoding); O(struct xenhypfs_dirent, flags);
    return 0;
}

#if defined(XS_LAYOUT_OURS) && defined(__XEN_TOOLS__)
/*
 * Xen >= 4.21 items that Debian 12's headers do not have: checked
 * against the values of upstream Xen's public domctl.h and xenmanage.h.
 */
#include <xenmanage.h>
#define XS_CHECK(c) _Static_assert(c, #c)
XS_CHECK(XEN_DOMCTL_get_domain_state == 90);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_VERS_MAX == 0);
XS_CHECK(sizeof(struct xen_domctl_get_domain_state) == 16);
XS_CHECK(offsetof(struct xen_domctl_get_domain_state, state) == 0);
XS_CHECK(offsetof(struct xen_domctl_get_domain_state, caps) == 2);
XS_CHECK(offsetof(struct xen_domctl_get_domain_state, pad0) == 4);
XS_CHECK(offsetof(struct xen_domctl_get_domain_state, unique_id) == 8);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_STATE_EXIST == 1);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_STATE_SHUTDOWN == 2);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_STATE_DYING == 4);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_STATE_DEAD == 8);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_CAP_CONTROL == 1);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_CAP_HARDWARE == 2);
XS_CHECK(XEN_DOMCTL_GETDOMSTATE_CAP_XENSTORE == 4);
XS_CHECK(XENMANAGE_GETDOMSTATE_STATE_EXIST == 1);
XS_CHECK(XENMANAGE_GETDOMSTATE_STATE_SHUTDOWN == 2);
XS_CHECK(XENMANAGE_GETDOMSTATE_STATE_DYING == 4);
XS_CHECK(XENMANAGE_GETDOMSTATE_STATE_DEAD == 8);
XS_CHECK(XENMANAGE_GETDOMSTATE_CAP_CONTROL == 1);
XS_CHECK(XENMANAGE_GETDOMSTATE_CAP_HARDWARE == 2);
XS_CHECK(XENMANAGE_GETDOMSTATE_CAP_XENSTORE == 4);
#endif
