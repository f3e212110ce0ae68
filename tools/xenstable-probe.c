/*
 * xenstable-probe - what libxenstable is loaded, which symbol versions it
 * defines, and what this host offers (device nodes, Xen version, which
 * kernel features answer).  For people debugging a deployment; needs no
 * arguments, changes nothing (every probe uses a throw-away handle).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xenstable.h>
#include <xentoollog.h>
#include <xencall.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenforeignmemory.h>
#include <xendevicemodel.h>
#include <xenhypfs.h>
#include <xen/xen.h>
#include <xen/version.h>
#include <xen/memory.h>

/* --- the library: file and version definitions ----------------------- */

struct lib_info {
    const char *path;
    const ElfW(Dyn) *dyn;
    ElfW(Addr) base;
};

static int find_lib(struct dl_phdr_info *info, size_t size, void *data)
{
    struct lib_info *li = data;

    (void)size;
    if (!strstr(info->dlpi_name, "libxenstable.so"))
        return 0;
    li->path = info->dlpi_name;
    li->base = info->dlpi_addr;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            li->dyn = (const ElfW(Dyn) *)(info->dlpi_addr +
                                          info->dlpi_phdr[i].p_vaddr);
    return 1;
}

/* glibc relocates some d_ptr values in place (DT_STRTAB) and leaves
 * others as file offsets (DT_VERDEF): accept both. */
static const void *dyn_ptr(const struct lib_info *li, ElfW(Addr) p)
{
    return (const void *)(p < li->base ? li->base + p : p);
}

static void print_versions(const struct lib_info *li)
{
    const char *strtab = NULL;
    const ElfW(Verdef) *vd = NULL;

    for (const ElfW(Dyn) *d = li->dyn; d && d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_STRTAB)
            strtab = dyn_ptr(li, d->d_un.d_ptr);
        else if (d->d_tag == DT_VERDEF)
            vd = dyn_ptr(li, d->d_un.d_ptr);
    }
    if (!strtab || !vd) {
        printf("  symbol versions: (none found)\n");
        return;
    }
    printf("  symbol versions:");
    for (;;) {
        const ElfW(Verdaux) *aux = (const void *)((const char *)vd + vd->vd_aux);

        if (!(vd->vd_flags & VER_FLG_BASE))
            printf(" %s", strtab + aux->vda_name);
        if (!vd->vd_next)
            break;
        vd = (const void *)((const char *)vd + vd->vd_next);
    }
    printf("\n");
}

/* --- the host --------------------------------------------------------- */

static void print_node(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0)
        printf("  %-22s present (%s)\n", path,
               S_ISCHR(st.st_mode) ? "character device" : "file");
    else
        printf("  %-22s absent (%s)\n", path, strerror(errno));
}

static const char *answer(int rc, int err)
{
    static char buf[96];

    if (rc >= 0)
        return "supported";
    if (err == EOPNOTSUPP || err == ENOTTY || err == ENOSYS)
        snprintf(buf, sizeof(buf), "not supported (%s)", strerror(err));
    else
        snprintf(buf, sizeof(buf), "supported (probe answered: %s)",
                 strerror(err));
    return buf;
}

static void probe_xen(xentoollog_logger *lg)
{
    xencall_handle *xc = xencall_open(lg, 0);
    int ver;

    if (!xc) {
        printf("  hypercalls: unavailable (%s)\n", strerror(errno));
        return;
    }
    ver = xencall1(xc, __HYPERVISOR_xen_version, XENVER_version);
    if (ver < 0) {
        printf("  Xen version: unknown (%s)\n", strerror(errno));
    } else {
        char *extra = xencall_alloc_buffer(xc, XEN_EXTRAVERSION_LEN);

        if (extra && xencall2(xc, __HYPERVISOR_xen_version,
                              XENVER_extraversion, (uintptr_t)extra) != 0)
            extra[0] = '\0';
        printf("  Xen version: %d.%d%s\n", ver >> 16, ver & 0xffff,
               extra ? extra : "");
        xencall_free_buffer(xc, extra);
    }
    printf("  hypercall buffers: %s\n", xencall_buffers_never_fault(xc) ?
           "kernel buffer device (never fault)" : "locked anonymous memory");
    xencall_close(xc);
}

static void probe_features(xentoollog_logger *lg)
{
    xenevtchn_handle *xce;
    xengnttab_handle *xgt;
    xenforeignmemory_handle *fm;
    xendevicemodel_handle *dm;
    xenhypfs_handle *fs;
    unsigned int vcpus;
    size_t size;
    int rc;

    xce = xenevtchn_open(lg, 0);
    if (xce) {
        /* Restricting a throw-away handle affects nothing else. */
        rc = xenevtchn_restrict(xce, 0);
        printf("  evtchn restrict: %s\n", answer(rc, errno));
        xenevtchn_close(xce);
    } else {
        printf("  evtchn: unavailable (%s)\n", strerror(errno));
    }

    xgt = xengnttab_open(lg, 0);
    if (xgt) {
        rc = xengnttab_grant_copy(xgt, 0, NULL);
        printf("  grant copy: %s\n", answer(rc, errno));
        rc = xengnttab_dmabuf_exp_wait_released(xgt, UINT32_MAX, 0);
        printf("  grant dma-buf: %s\n", answer(rc, errno));
        xengnttab_close(xgt);
    } else {
        printf("  gnttab: unavailable (%s)\n", strerror(errno));
    }

    fm = xenforeignmemory_open(lg, 0);
    if (fm) {
        rc = xenforeignmemory_resource_size(fm, DOMID_INVALID,
                                            XENMEM_resource_grant_table, 0,
                                            &size);
        printf("  resource mapping: %s\n", answer(rc, errno));
        xenforeignmemory_close(fm);
    } else {
        printf("  foreignmemory: unavailable (%s)\n", strerror(errno));
    }

    dm = xendevicemodel_open(lg, 0);
    if (dm) {
        rc = xendevicemodel_nr_vcpus(dm, DOMID_INVALID, &vcpus);
        printf("  device-model ops: %s\n", answer(rc, errno));
        xendevicemodel_close(dm);
    } else {
        printf("  devicemodel: unavailable (%s)\n", strerror(errno));
    }

    fs = xenhypfs_open(lg, 0);
    if (fs)
        printf("  hypfs: supported\n");
    else
        printf("  hypfs: unavailable (%s)\n", strerror(errno));
    xenhypfs_close(fs);
}

int main(void)
{
    struct lib_info li = { 0 };
    xentoollog_logger *lg;

    /* Quiet: the probes expect failures and report them themselves. */
    lg = (xentoollog_logger *)xtl_createlogger_stdiostream(stderr,
                                                           XTL_CRITICAL, 0);
    printf("libxenstable\n");
    printf("  headers: %s\n", XENSTABLE_VERSION_STRING);
    dl_iterate_phdr(find_lib, &li);
    printf("  loaded from: %s\n", li.path ? li.path : "(not found)");
    print_versions(&li);

    printf("device nodes\n");
    print_node("/dev/xen/privcmd");
    print_node("/proc/xen/privcmd");
    print_node("/dev/xen/hypercall");
    print_node("/dev/xen/evtchn");
    print_node("/dev/xen/gntdev");
    print_node("/dev/xen/gntalloc");
    print_node("/dev/xen/xenbus");
    print_node("/sys/hypervisor/type");
    /* NetBSD's (FreeBSD's are the /dev/xen ones above) */
    print_node("/kern/xen/privcmd");
    print_node("/dev/xenevt");

    printf("hypervisor\n");
    probe_xen(lg);
    printf("kernel and hypervisor features\n");
    probe_features(lg);
    xtl_logger_destroy(lg);
    return 0;
}
