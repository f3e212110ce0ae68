/*
 * uapi-layout.c - prints every ioctl number, argument size and member
 * offset of src/osdep/linux/xen-linux-uapi.h (-DXS_LAYOUT_OURS), or of
 * the same items from the xen/sys/ headers Xen ships as copies of the Linux interface;
 * check_headers.py diffs the two outputs.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef XS_LAYOUT_OURS
#include "xen-linux-uapi.h"
#define I(name) XS_##name
#define T(ours, theirs) ours
#define C(ours, theirs) XS_##ours
#else
#include <sys/ioctl.h>
#include <xen/xen.h>
#include <xen/sys/privcmd.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/gntalloc.h>
#define I(name) name
#define T(ours, theirs) theirs
#define C(ours, theirs) theirs
#endif

#define IO(name) printf("ioctl %s = 0x%08lx\n", #name, (unsigned long)I(name))
#define CV(o, t) printf("value %s = %lld\n", #o, (long long)C(o, t))
#define SZ(o, t) printf("size %s = %zu\n", #o, sizeof(T(o, t)))
#define OFF(o, t, m) printf("offset %s.%s = %zu (size %zu)\n", #o, #m, \
                            offsetof(T(o, t), m), sizeof(((T(o, t) *)0)->m))

int main(void)
{
    IO(IOCTL_PRIVCMD_HYPERCALL); IO(IOCTL_PRIVCMD_MMAP);
    IO(IOCTL_PRIVCMD_MMAPBATCH); IO(IOCTL_PRIVCMD_MMAPBATCH_V2);
    IO(IOCTL_PRIVCMD_DM_OP); IO(IOCTL_PRIVCMD_RESTRICT);
    IO(IOCTL_PRIVCMD_MMAP_RESOURCE); IO(IOCTL_PRIVCMD_UNIMPLEMENTED);
    CV(PRIVCMD_MMAPBATCH_MFN_ERROR, PRIVCMD_MMAPBATCH_MFN_ERROR);
    CV(PRIVCMD_MMAPBATCH_PAGED_ERROR, PRIVCMD_MMAPBATCH_PAGED_ERROR);
    SZ(struct xs_privcmd_hypercall, privcmd_hypercall_t);
    OFF(struct xs_privcmd_hypercall, privcmd_hypercall_t, op);
    OFF(struct xs_privcmd_hypercall, privcmd_hypercall_t, arg);
    SZ(struct xs_privcmd_mmap_entry, privcmd_mmap_entry_t);
    OFF(struct xs_privcmd_mmap_entry, privcmd_mmap_entry_t, mfn);
    OFF(struct xs_privcmd_mmap_entry, privcmd_mmap_entry_t, npages);
    SZ(struct xs_privcmd_mmap, privcmd_mmap_t);
    OFF(struct xs_privcmd_mmap, privcmd_mmap_t, dom);
    OFF(struct xs_privcmd_mmap, privcmd_mmap_t, entry);
    SZ(struct xs_privcmd_mmapbatch, privcmd_mmapbatch_t);
    OFF(struct xs_privcmd_mmapbatch, privcmd_mmapbatch_t, dom);
    OFF(struct xs_privcmd_mmapbatch, privcmd_mmapbatch_t, addr);
    OFF(struct xs_privcmd_mmapbatch, privcmd_mmapbatch_t, arr);
    SZ(struct xs_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2_t);
    OFF(struct xs_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2_t, num);
    OFF(struct xs_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2_t, dom);
    OFF(struct xs_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2_t, addr);
    OFF(struct xs_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2_t, arr);
    OFF(struct xs_privcmd_mmapbatch_v2, privcmd_mmapbatch_v2_t, err);
    SZ(struct xs_privcmd_dm_op_buf, privcmd_dm_op_buf_t);
    OFF(struct xs_privcmd_dm_op_buf, privcmd_dm_op_buf_t, uptr);
    OFF(struct xs_privcmd_dm_op_buf, privcmd_dm_op_buf_t, size);
    SZ(struct xs_privcmd_dm_op, privcmd_dm_op_t);
    OFF(struct xs_privcmd_dm_op, privcmd_dm_op_t, dom);
    OFF(struct xs_privcmd_dm_op, privcmd_dm_op_t, num);
    OFF(struct xs_privcmd_dm_op, privcmd_dm_op_t, ubufs);
    SZ(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t);
    OFF(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t, dom);
    OFF(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t, type);
    OFF(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t, id);
    OFF(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t, idx);
    OFF(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t, num);
    OFF(struct xs_privcmd_mmap_resource, privcmd_mmap_resource_t, addr);

    IO(IOCTL_EVTCHN_BIND_VIRQ); IO(IOCTL_EVTCHN_BIND_INTERDOMAIN);
    IO(IOCTL_EVTCHN_BIND_UNBOUND_PORT); IO(IOCTL_EVTCHN_UNBIND);
    IO(IOCTL_EVTCHN_NOTIFY); IO(IOCTL_EVTCHN_RESET);
    IO(IOCTL_EVTCHN_RESTRICT_DOMID);
    SZ(struct xs_ioctl_evtchn_bind_interdomain, struct ioctl_evtchn_bind_interdomain);
    OFF(struct xs_ioctl_evtchn_bind_interdomain, struct ioctl_evtchn_bind_interdomain, remote_port);
    SZ(struct xs_ioctl_evtchn_restrict_domid, struct ioctl_evtchn_restrict_domid);

    IO(IOCTL_GNTDEV_MAP_GRANT_REF); IO(IOCTL_GNTDEV_UNMAP_GRANT_REF);
    IO(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR); IO(IOCTL_GNTDEV_SET_MAX_GRANTS);
    IO(IOCTL_GNTDEV_SET_UNMAP_NOTIFY); IO(IOCTL_GNTDEV_GRANT_COPY);
    IO(IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS);
    IO(IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED);
    IO(IOCTL_GNTDEV_DMABUF_IMP_TO_REFS); IO(IOCTL_GNTDEV_DMABUF_IMP_RELEASE);
    CV(UNMAP_NOTIFY_CLEAR_BYTE, UNMAP_NOTIFY_CLEAR_BYTE);
    CV(UNMAP_NOTIFY_SEND_EVENT, UNMAP_NOTIFY_SEND_EVENT);
    SZ(struct xs_ioctl_gntdev_grant_ref, struct ioctl_gntdev_grant_ref);
    OFF(struct xs_ioctl_gntdev_grant_ref, struct ioctl_gntdev_grant_ref, ref);
    SZ(struct xs_ioctl_gntdev_map_grant_ref, struct ioctl_gntdev_map_grant_ref);
    OFF(struct xs_ioctl_gntdev_map_grant_ref, struct ioctl_gntdev_map_grant_ref, count);
    OFF(struct xs_ioctl_gntdev_map_grant_ref, struct ioctl_gntdev_map_grant_ref, index);
    OFF(struct xs_ioctl_gntdev_map_grant_ref, struct ioctl_gntdev_map_grant_ref, refs);
    SZ(struct xs_ioctl_gntdev_unmap_grant_ref, struct ioctl_gntdev_unmap_grant_ref);
    OFF(struct xs_ioctl_gntdev_unmap_grant_ref, struct ioctl_gntdev_unmap_grant_ref, count);
    SZ(struct xs_ioctl_gntdev_get_offset_for_vaddr, struct ioctl_gntdev_get_offset_for_vaddr);
    OFF(struct xs_ioctl_gntdev_get_offset_for_vaddr, struct ioctl_gntdev_get_offset_for_vaddr, offset);
    OFF(struct xs_ioctl_gntdev_get_offset_for_vaddr, struct ioctl_gntdev_get_offset_for_vaddr, count);
    SZ(struct xs_ioctl_gntdev_unmap_notify, struct ioctl_gntdev_unmap_notify);
    OFF(struct xs_ioctl_gntdev_unmap_notify, struct ioctl_gntdev_unmap_notify, action);
    OFF(struct xs_ioctl_gntdev_unmap_notify, struct ioctl_gntdev_unmap_notify, event_channel_port);
    SZ(struct xs_ioctl_gntdev_grant_copy, struct ioctl_gntdev_grant_copy);
    OFF(struct xs_ioctl_gntdev_grant_copy, struct ioctl_gntdev_grant_copy, segments);
    SZ(struct xs_ioctl_gntdev_dmabuf_exp_from_refs, struct ioctl_gntdev_dmabuf_exp_from_refs);
    OFF(struct xs_ioctl_gntdev_dmabuf_exp_from_refs, struct ioctl_gntdev_dmabuf_exp_from_refs, count);
    OFF(struct xs_ioctl_gntdev_dmabuf_exp_from_refs, struct ioctl_gntdev_dmabuf_exp_from_refs, fd);
    OFF(struct xs_ioctl_gntdev_dmabuf_exp_from_refs, struct ioctl_gntdev_dmabuf_exp_from_refs, domid);
    OFF(struct xs_ioctl_gntdev_dmabuf_exp_from_refs, struct ioctl_gntdev_dmabuf_exp_from_refs, refs);
    SZ(struct xs_ioctl_gntdev_dmabuf_imp_to_refs, struct ioctl_gntdev_dmabuf_imp_to_refs);
    OFF(struct xs_ioctl_gntdev_dmabuf_imp_to_refs, struct ioctl_gntdev_dmabuf_imp_to_refs, domid);
    OFF(struct xs_ioctl_gntdev_dmabuf_imp_to_refs, struct ioctl_gntdev_dmabuf_imp_to_refs, reserved);
    OFF(struct xs_ioctl_gntdev_dmabuf_imp_to_refs, struct ioctl_gntdev_dmabuf_imp_to_refs, refs);
    SZ(struct xs_ioctl_gntdev_dmabuf_imp_release, struct ioctl_gntdev_dmabuf_imp_release);

    IO(IOCTL_GNTALLOC_ALLOC_GREF); IO(IOCTL_GNTALLOC_DEALLOC_GREF);
    IO(IOCTL_GNTALLOC_SET_UNMAP_NOTIFY);
    CV(GNTALLOC_FLAG_WRITABLE, GNTALLOC_FLAG_WRITABLE);
    SZ(struct xs_ioctl_gntalloc_alloc_gref, struct ioctl_gntalloc_alloc_gref);
    OFF(struct xs_ioctl_gntalloc_alloc_gref, struct ioctl_gntalloc_alloc_gref, flags);
    OFF(struct xs_ioctl_gntalloc_alloc_gref, struct ioctl_gntalloc_alloc_gref, count);
    OFF(struct xs_ioctl_gntalloc_alloc_gref, struct ioctl_gntalloc_alloc_gref, index);
    OFF(struct xs_ioctl_gntalloc_alloc_gref, struct ioctl_gntalloc_alloc_gref, gref_ids);
    SZ(struct xs_ioctl_gntalloc_dealloc_gref, struct ioctl_gntalloc_dealloc_gref);
    OFF(struct xs_ioctl_gntalloc_dealloc_gref, struct ioctl_gntalloc_dealloc_gref, count);
    return 0;
}
