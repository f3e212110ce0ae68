/*
 * fake_bsd_kernel.h - the state and internal functions shared by the
 * files of the fake BSD kernels (see fake_bsd.h for what they model).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Internal convention: kernel functions return what a BSD driver returns,
 * 0 or a positive errno (FreeBSD's RESTRICT can return a negative one),
 * with results in out parameters.  Only the wrappers at the end of
 * fake_bsd_core.c turn that into the seam's convention.
 */
#ifndef XS_TEST_FAKE_BSD_KERNEL_H
#define XS_TEST_FAKE_BSD_KERNEL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "fake_bsd.h"

#define FK_PAGE_SHIFT 12
#define FK_PAGE       ((size_t)1 << FK_PAGE_SHIFT)

#define FK_MAX_FILES  64
#define FK_MAX_VMAS   512
#define FK_MAX_OBJS   256
#define FK_MAX_PORTS  4096 /* NetBSD's 2-level ABI; plenty for tests */
#define FK_RING       2048 /* NetBSD's ring; FreeBSD uses 1024 */
#define FK_MAX_GREFS  1024
#define FK_MAX_GMAPS  128
#define FK_MAX_RANGES 64
#define FK_MAX_LOG    64
#define FK_MAX_LOCKED 64

/* Highest user address either kernel accepts (amd64: 47 bits). */
#define FK_MAXUSER_ADDRESS ((uintptr_t)1 << 47)

enum fk_dev {
    FK_DEV_NONE,
    FK_DEV_PRIVCMD,
    FK_DEV_EVTCHN,
    FK_DEV_GNTDEV,
    FK_DEV_NULL
};

/* A run of free gntdev file offsets, in pages (FreeBSD). */
struct fk_range {
    uint64_t offset; /* first page */
    uint64_t count;
};

struct fk_file {
    int used;
    unsigned int id; /* never reused, unlike fd numbers */
    int fd;
    dev_t st_dev; /* identity of the real descriptor, to */
    ino_t st_ino; /* notice a close behind our back */
    enum fk_dev dev;
    /* FreeBSD privcmd */
    int restricted;
    uint16_t restrict_dom;
    /* evtchn */
    int lock_leaked; /* FreeBSD: bind_mutex left held */
    uint32_t ring[FK_RING];
    unsigned int ring_cons, ring_prod;
    int overflow;
    /* FreeBSD gntdev: free file offsets, ascending */
    struct fk_range free[FK_MAX_RANGES];
    int n_free;
};

/* The file id of ports bound by another process (no fk_file has it). */
#define FK_FILE_ELSEWHERE 0xffffffffu

struct fk_port {
    unsigned int file_id; /* 0: not bound; FK_FILE_ELSEWHERE */
    int fd;
    int masked;
    int pending; /* raised while masked */
    int notified;
};

enum fk_obj_kind {
    FK_OBJ_FREE,
    FK_OBJ_FB_PRIVCMD,  /* FreeBSD: one mmap() of privcmd */
    FK_OBJ_FB_GREFS,    /* FreeBSD: an mmap() of allocated grants */
    FK_OBJ_FB_GMAP,     /* FreeBSD: the pager of one grant map */
    FK_OBJ_NB_PHYSMAP,  /* NetBSD: MMAPBATCH_V2 / MMAP_RESOURCE */
    FK_OBJ_NB_GNTMAP,   /* NetBSD: GNTDEV_MMAP_GRANT_REF */
    FK_OBJ_NB_GNTALLOC, /* NetBSD: GNTDEV_ALLOC_GRANT_REF */
};

enum fk_page {
    FK_PG_EMPTY,
    FK_PG_OK,
    FK_PG_BAD
};

struct fk_notify {
    uint32_t action;
    int64_t offset; /* FreeBSD: file offset; NetBSD: bytes */
    uint32_t port;
};

struct fk_obj {
    enum fk_obj_kind kind;
    int refs; /* mappings (vmas) that use it */
    int hold; /* FreeBSD gmap: the driver's own reference */
    size_t npages;
    int memfd;               /* the pages' contents */
    int prot;                /* protection of a populated page */
    unsigned char *page;     /* enum fk_page per page */
    int mapped;              /* FreeBSD privcmd: "umap->mapped" */
    int *grefs;              /* FB_GREFS: gref table slots, npages */
    int gmap;                /* FB_GMAP: its gmap slot */
    struct fk_notify notify; /* NetBSD grant objects */
};

struct fk_vma {
    int used;
    uintptr_t start;
    size_t len;
    int prot;     /* as asked for by the caller */
    int obj;      /* -1: anonymous memory */
    size_t pgoff; /* first object page mapped here */
};

/* FreeBSD gntdev: one allocated (shared) page. */
struct fk_gref {
    int used;
    unsigned int file_id;
    uint64_t index; /* file offset */
    uint32_t id;    /* grant reference */
    int in_tree;    /* not deallocated */
    int mapped;     /* part of a live mmap() */
    int has_notify;
    struct fk_notify notify;
};

/* FreeBSD gntdev: one grant map (several foreign grants). */
struct fk_gmap {
    int used;
    unsigned int file_id;
    uint64_t index;
    uint32_t count;
    uint32_t *dom, *ref;
    int in_tree;
    int obj; /* -1 until the first mmap() maps it */
    int has_notify;
    struct fk_notify notify;
};

struct fk_kernel {
    struct fake_bsd_config cfg;
    struct fk_file files[FK_MAX_FILES];
    unsigned int next_file_id;
    struct fk_port ports[FK_MAX_PORTS];
    struct fk_vma vmas[FK_MAX_VMAS];
    struct fk_obj objs[FK_MAX_OBJS];
    struct fk_gref grefs[FK_MAX_GREFS];
    struct fk_gmap gmaps[FK_MAX_GMAPS];
    int gref_pool; /* memfd: one page per gref slot, made on
                                 * first use (-1 before) */
    uint32_t next_gref;
    int violations[FAKE_BSD_V_NR];
    char last_violation[256];
    struct fake_bsd_hypercall hcalls[FK_MAX_LOG];
    int n_hcalls;
    int n_dm_ops;
    struct fake_bsd_notify notifies[FK_MAX_LOG];
    int n_notifies;
    int fail_next_bind;
    int fail_next_batch;
    int fail_grant_nth, fail_grant_err;
    int blocked_reads;
    int live_grant_allocs, live_grant_maps;
    struct {
        uintptr_t start;
        size_t len;
    } locked[FK_MAX_LOCKED];
    struct {
        uintptr_t start;
        size_t len;
        int inherit;
    } inherits[FK_MAX_LOCKED];
};

extern struct fk_kernel fk;
extern pthread_mutex_t fk_lock;

#define FK_LOCK()   pthread_mutex_lock(&fk_lock)
#define FK_UNLOCK() pthread_mutex_unlock(&fk_lock)

/* ---- fake_bsd_core.c ---- */
void fk_violation(enum fake_bsd_violation kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fk_is_freebsd(void);
/* copyin/copyout from the caller's memory: EFAULT instead of a crash
 * for a bad pointer, as the kernel would answer. */
int fk_copyin(void *dst, uint64_t uaddr, size_t len);
int fk_copyout(uint64_t uaddr, const void *src, size_t len);
struct fk_file *fk_file_by_id(unsigned int id);
/* Notice descriptors closed behind the fake's back (see fake_bsd.h). */
void fk_sweep(void);
/* Mappings. */
int fk_vma_at(uintptr_t addr); /* containing addr, or -1 */
int fk_range_covered(uintptr_t start, size_t len);
int fk_obj_new(enum fk_obj_kind kind, size_t npages, int prot);
void fk_obj_unref(int obj);
/* Map object pages [pgoff, pgoff + len/PAGE) at addr (or anywhere when
 * !fixed), replacing what is there; 0 or errno, *out the address. */
int fk_map_obj(uintptr_t addr, int fixed, size_t len, int prot, int obj,
               size_t pgoff, uintptr_t *out);
/* Give object page i its contents (tag) and make it accessible wherever
 * it is mapped; or mark it bad (inaccessible). */
void fk_page_fill(int obj, size_t i, uint64_t tag);
void fk_page_bad(int obj, size_t i);
/* Protection the kernel derives from the caller's mapping at addr
 * (NetBSD), checking the whole range is the caller's; 0 or errno. */
int fk_caller_prot(uintptr_t addr, size_t len, const char *what, int *prot);
/* XENMEM_acquire_resource for frames [idx, idx+nr): Xen's answer (the
 * configured hook's, else -EINVAL beyond cfg.resource_frames). */
long fk_acquire_resource(uint16_t dom, uint32_t type, uint32_t id,
                         uint64_t idx, uint64_t nr);
/* Log a hypercall and ask the configured hypervisor: Xen's answer. */
long fk_hypervisor_call(uint64_t op, const uint64_t arg[5]);
void fk_log_notify(int action, uint64_t where, unsigned int port);
void fk_port_signal(unsigned int port);
int fk_port_bound_anywhere(unsigned int port);
/* The memfd holding every allocated grant's page (FreeBSD); -1 if it
 * cannot be made. */
int fk_gref_pool(void);

/* ---- fake_bsd_evtchn.c ---- */
int fk_evtchn_ioctl(struct fk_file *f, unsigned long req, void *karg);
int fk_evtchn_read(struct fk_file *f, void *buf, size_t len, size_t *done);
int fk_evtchn_write(struct fk_file *f, const void *buf, size_t len,
                    size_t *done);
void fk_evtchn_close(struct fk_file *f);

/* ---- fake_freebsd_privcmd.c ---- */
int fk_fb_privcmd_ioctl(struct fk_file *f, unsigned long req, void *karg);
int fk_fb_privcmd_mmap(struct fk_file *f, uintptr_t addr, size_t len, int prot,
                       int flags, uintptr_t *out);

/* ---- fake_freebsd_gntdev.c ---- */
void fk_fb_gntdev_open(struct fk_file *f);
int fk_fb_gntdev_ioctl(struct fk_file *f, unsigned long req, void *karg);
int fk_fb_gntdev_mmap(struct fk_file *f, uintptr_t addr, size_t len, int prot,
                      int flags, uint64_t offset, uintptr_t *out);
void fk_fb_gntdev_close(struct fk_file *f);
void fk_fb_obj_gone(struct fk_obj *o, int obj);

/* ---- fake_netbsd_privcmd.c ---- */
int fk_nb_privcmd_ioctl(struct fk_file *f, unsigned long req, void *karg);
void fk_nb_obj_gone(struct fk_obj *o);

#endif /* XS_TEST_FAKE_BSD_KERNEL_H */
