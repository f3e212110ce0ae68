/*
 * xen-linux-uapi.h - the Linux kernel's Xen device interfaces as used by
 * libxenstable's Linux back end: ioctl numbers and argument structures
 * of /dev/xen/privcmd, /dev/xen/evtchn, /dev/xen/gntdev and
 * /dev/xen/gntalloc.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Self-contained on purpose: the kernel's own UAPI headers need kernel
 * types they do not define.  Every ioctl is _IOC(_IOC_NONE, type, nr,
 * sizeof(argument)), so the argument size is part of the number; the
 * header tests check the numbers against the kernel headers.
 * Needs <xen/xen.h> (domid_t, xen_pfn_t) first or includes it.
 */
#ifndef XENSTABLE_XEN_LINUX_UAPI_H
#define XENSTABLE_XEN_LINUX_UAPI_H

#include <stdint.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include <xen/xen.h>

/* ---------------------------------------------------------------- */
/* privcmd: /dev/xen/privcmd (fallback /proc/xen/privcmd)            */

/* IOCTL_PRIVCMD_HYPERCALL: returns the hypercall's result. */
struct xs_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

/* One range of IOCTL_PRIVCMD_MMAP (not used by the library). */
struct xs_privcmd_mmap_entry {
    uint64_t va;
    uint64_t mfn;
    uint64_t npages;
};

struct xs_privcmd_mmap {
    int num;
    domid_t dom;
    struct xs_privcmd_mmap_entry *entry;
};

/*
 * IOCTL_PRIVCMD_MMAPBATCH (version 1): per-frame failure is reported by
 * OR-ing one of these into the frame's arr[] slot.
 */
struct xs_privcmd_mmapbatch {
    int num;
    domid_t dom;
    uint64_t addr;
    xen_pfn_t *arr;
};
#define XS_PRIVCMD_MMAPBATCH_MFN_ERROR    0xf0000000U
#define XS_PRIVCMD_MMAPBATCH_PAGED_ERROR  0x80000000U

/* IOCTL_PRIVCMD_MMAPBATCH_V2: per-frame negative errno values in err[]. */
struct xs_privcmd_mmapbatch_v2 {
    unsigned int num;
    domid_t dom;
    uint64_t addr;
    const xen_pfn_t *arr;
    int *err;
};

/* IOCTL_PRIVCMD_DM_OP: num buffers, the first a struct xen_dm_op. */
struct xs_privcmd_dm_op_buf {
    void *uptr;
    size_t size;
};

struct xs_privcmd_dm_op {
    domid_t dom;
    uint16_t num;
    const struct xs_privcmd_dm_op_buf *ubufs;
};

/*
 * IOCTL_PRIVCMD_MMAP_RESOURCE: map num frames from idx of resource
 * (type, id) of dom at addr; with addr 0 and num 0 the kernel stores the
 * resource size in frames in num.
 */
struct xs_privcmd_mmap_resource {
    domid_t dom;
    uint32_t type;
    uint32_t id;
    uint32_t idx;
    uint64_t num;
    uint64_t addr;
};

/* IOCTL_PRIVCMD_PCIDEV_GET_GSI (newer kernels only). */
struct xs_privcmd_pcidev_get_gsi {
    uint32_t sbdf;
    uint32_t gsi;
};

#define XS_IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct xs_privcmd_hypercall))
#define XS_IOCTL_PRIVCMD_MMAP \
    _IOC(_IOC_NONE, 'P', 2, sizeof(struct xs_privcmd_mmap))
#define XS_IOCTL_PRIVCMD_MMAPBATCH \
    _IOC(_IOC_NONE, 'P', 3, sizeof(struct xs_privcmd_mmapbatch))
#define XS_IOCTL_PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct xs_privcmd_mmapbatch_v2))
#define XS_IOCTL_PRIVCMD_DM_OP \
    _IOC(_IOC_NONE, 'P', 5, sizeof(struct xs_privcmd_dm_op))
#define XS_IOCTL_PRIVCMD_RESTRICT \
    _IOC(_IOC_NONE, 'P', 6, sizeof(domid_t))
#define XS_IOCTL_PRIVCMD_MMAP_RESOURCE \
    _IOC(_IOC_NONE, 'P', 7, sizeof(struct xs_privcmd_mmap_resource))
#define XS_IOCTL_PRIVCMD_PCIDEV_GET_GSI \
    _IOC(_IOC_NONE, 'P', 10, sizeof(struct xs_privcmd_pcidev_get_gsi))
/* Never implemented: probes what errno the driver uses for unknown ioctls. */
#define XS_IOCTL_PRIVCMD_UNIMPLEMENTED \
    _IOC(_IOC_NONE, 'P', 0xff, 0)

/* ---------------------------------------------------------------- */
/* evtchn: /dev/xen/evtchn.  read() yields, write() unmasks, uint32_t ports */

struct xs_ioctl_evtchn_bind_virq {
    unsigned int virq;
};

struct xs_ioctl_evtchn_bind_interdomain {
    unsigned int remote_domain;
    unsigned int remote_port;
};

struct xs_ioctl_evtchn_bind_unbound_port {
    unsigned int remote_domain;
};

struct xs_ioctl_evtchn_unbind {
    unsigned int port;
};

struct xs_ioctl_evtchn_notify {
    unsigned int port;
};

struct xs_ioctl_evtchn_restrict_domid {
    domid_t domid;
};

/* The bind ioctls return the new local port. */
#define XS_IOCTL_EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct xs_ioctl_evtchn_bind_virq))
#define XS_IOCTL_EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct xs_ioctl_evtchn_bind_interdomain))
#define XS_IOCTL_EVTCHN_BIND_UNBOUND_PORT \
    _IOC(_IOC_NONE, 'E', 2, sizeof(struct xs_ioctl_evtchn_bind_unbound_port))
#define XS_IOCTL_EVTCHN_UNBIND \
    _IOC(_IOC_NONE, 'E', 3, sizeof(struct xs_ioctl_evtchn_unbind))
#define XS_IOCTL_EVTCHN_NOTIFY \
    _IOC(_IOC_NONE, 'E', 4, sizeof(struct xs_ioctl_evtchn_notify))
#define XS_IOCTL_EVTCHN_RESET \
    _IOC(_IOC_NONE, 'E', 5, 0)
#define XS_IOCTL_EVTCHN_RESTRICT_DOMID \
    _IOC(_IOC_NONE, 'E', 6, sizeof(struct xs_ioctl_evtchn_restrict_domid))

/* ---------------------------------------------------------------- */
/* gntdev: /dev/xen/gntdev                                            */

struct xs_ioctl_gntdev_grant_ref {
    uint32_t domid;
    uint32_t ref;
};

/*
 * IOCTL_GNTDEV_MAP_GRANT_REF: count refs follow the header (the ioctl
 * number encodes the size with one ref).  index is the mmap() offset to
 * use for the mapping.
 */
struct xs_ioctl_gntdev_map_grant_ref {
    uint32_t count;
    uint32_t pad;
    uint64_t index;                             /* out */
    struct xs_ioctl_gntdev_grant_ref refs[1];
};

struct xs_ioctl_gntdev_unmap_grant_ref {
    uint64_t index;
    uint32_t count;
    uint32_t pad;
};

struct xs_ioctl_gntdev_get_offset_for_vaddr {
    uint64_t vaddr;
    uint64_t offset;                            /* out */
    uint32_t count;                             /* out */
    uint32_t pad;
};

struct xs_ioctl_gntdev_set_max_grants {
    uint32_t count;
};

/* Shared by gntdev and gntalloc (same number on both devices). */
struct xs_ioctl_gntdev_unmap_notify {
    uint64_t index;                 /* mmap offset + byte to clear */
    uint32_t action;                /* XS_UNMAP_NOTIFY_* */
    uint32_t event_channel_port;
};
#define XS_UNMAP_NOTIFY_CLEAR_BYTE 0x1
#define XS_UNMAP_NOTIFY_SEND_EVENT 0x2

/* IOCTL_GNTDEV_GRANT_COPY: segments are xengnttab_grant_copy_segment_t. */
struct xs_ioctl_gntdev_grant_copy {
    unsigned int count;
    void *segments;
};

/* dma-buf export/import; the grant refs follow the fixed part. */
struct xs_ioctl_gntdev_dmabuf_exp_from_refs {
    uint32_t flags;
    uint32_t count;
    uint32_t fd;                    /* out */
    uint32_t domid;
    uint32_t refs[1];
};

struct xs_ioctl_gntdev_dmabuf_exp_wait_released {
    uint32_t fd;
    uint32_t wait_to_ms;
};

struct xs_ioctl_gntdev_dmabuf_imp_to_refs {
    uint32_t fd;
    uint32_t count;
    uint32_t domid;
    uint32_t reserved;              /* must be 0 */
    uint32_t refs[1];               /* out */
};

struct xs_ioctl_gntdev_dmabuf_imp_release {
    uint32_t fd;
    uint32_t reserved;              /* must be 0 */
};

#define XS_IOCTL_GNTDEV_MAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 0, sizeof(struct xs_ioctl_gntdev_map_grant_ref))
#define XS_IOCTL_GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct xs_ioctl_gntdev_unmap_grant_ref))
#define XS_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR \
    _IOC(_IOC_NONE, 'G', 2, sizeof(struct xs_ioctl_gntdev_get_offset_for_vaddr))
#define XS_IOCTL_GNTDEV_SET_MAX_GRANTS \
    _IOC(_IOC_NONE, 'G', 3, sizeof(struct xs_ioctl_gntdev_set_max_grants))
#define XS_IOCTL_GNTDEV_SET_UNMAP_NOTIFY \
    _IOC(_IOC_NONE, 'G', 7, sizeof(struct xs_ioctl_gntdev_unmap_notify))
#define XS_IOCTL_GNTDEV_GRANT_COPY \
    _IOC(_IOC_NONE, 'G', 8, sizeof(struct xs_ioctl_gntdev_grant_copy))
#define XS_IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS \
    _IOC(_IOC_NONE, 'G', 9, sizeof(struct xs_ioctl_gntdev_dmabuf_exp_from_refs))
#define XS_IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED \
    _IOC(_IOC_NONE, 'G', 10, sizeof(struct xs_ioctl_gntdev_dmabuf_exp_wait_released))
#define XS_IOCTL_GNTDEV_DMABUF_IMP_TO_REFS \
    _IOC(_IOC_NONE, 'G', 11, sizeof(struct xs_ioctl_gntdev_dmabuf_imp_to_refs))
#define XS_IOCTL_GNTDEV_DMABUF_IMP_RELEASE \
    _IOC(_IOC_NONE, 'G', 12, sizeof(struct xs_ioctl_gntdev_dmabuf_imp_release))

/* ---------------------------------------------------------------- */
/* gntalloc: /dev/xen/gntalloc                                        */

/* IOCTL_GNTALLOC_ALLOC_GREF: count grant ids follow (one counted). */
struct xs_ioctl_gntalloc_alloc_gref {
    uint16_t domid;
    uint16_t flags;                 /* XS_GNTALLOC_FLAG_* */
    uint32_t count;
    uint64_t index;                 /* out: mmap offset */
    uint32_t gref_ids[1];           /* out */
};
#define XS_GNTALLOC_FLAG_WRITABLE 1

struct xs_ioctl_gntalloc_dealloc_gref {
    uint64_t index;
    uint32_t count;
};

#define XS_IOCTL_GNTALLOC_ALLOC_GREF \
    _IOC(_IOC_NONE, 'G', 5, sizeof(struct xs_ioctl_gntalloc_alloc_gref))
#define XS_IOCTL_GNTALLOC_DEALLOC_GREF \
    _IOC(_IOC_NONE, 'G', 6, sizeof(struct xs_ioctl_gntalloc_dealloc_gref))
#define XS_IOCTL_GNTALLOC_SET_UNMAP_NOTIFY \
    _IOC(_IOC_NONE, 'G', 7, sizeof(struct xs_ioctl_gntdev_unmap_notify))

#endif /* XENSTABLE_XEN_LINUX_UAPI_H */
