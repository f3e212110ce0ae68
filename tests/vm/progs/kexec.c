/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * kexec.c - xenkexec (XENSTABLE_1.1) against the real hypervisor in
 * dom0.  Ours only: upstream has no such library.  Every answer is
 * checked against an independent source: Linux's /sys/hypervisor, the
 * raw hypercall decoded by this program, or the physinfo sysctl (the
 * unstable interface the library avoids, used here only as the oracle).
 * The load/unload round trip loads a two-segment image into the default
 * slot and never executes it.
 *
 * Xen on Arm has no kexec: no kexec_op hypercall and no
 * XENMEM_machine_memory_map, so every call but the version ones answers
 * ENOSYS there -- asserted, and checked against the raw hypercalls.
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xencall.h>
#include <xenkexec.h>
#include <xentoolcore.h>

#include "vmtest.h"
#include "vtarch.h"
#include "xenver.h"

#define EM_X86_64 62
#define EM_AARCH64 183
#define MiB (1024ULL * 1024)

static int read_sys(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return -1;
    n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return 0;
}

static void check_version(xenkexec_handle *xk)
{
    unsigned int maj = 0, min = 0;
    char buf[1024], sys[1024];
    int rc;

    rc = xenkexec_version(xk, &maj, &min);
    vt_ok(rc == 0 && maj == vt_xen()->major && min == vt_xen()->minor,
          "version is the running Xen's", "rc=%d %u.%u", rc, maj, min);
    if (read_sys("/sys/hypervisor/version/minor", sys, sizeof sys) == 0)
        vt_ok((unsigned)atoi(sys) == min, "version minor == /sys/hypervisor",
              "sysfs %s", sys);

    rc = xenkexec_version_string(xk, XENVER_capabilities, buf, sizeof buf);
    vt_ok(rc > 0 && (size_t)rc == strlen(buf) &&
                  strstr(buf, VT_XEN_CAPS) != NULL,
          "capabilities string names " VT_XEN_CAPS, "rc=%d '%s'", rc, buf);
    vt_fact("capabilities: %s", buf);
    if (read_sys("/sys/hypervisor/properties/capabilities", sys,
                 sizeof sys) == 0) {
        /* Xen ends the list with a blank; Linux's sysfs file does not */
        size_t n = strlen(buf);

        while (n && buf[n - 1] == ' ')
            buf[--n] = '\0';
        vt_ok(strcmp(buf, sys) == 0, "capabilities == /sys/hypervisor",
              "ours '%s' sysfs '%s'", buf, sys);
    }
    else
        vt_note("no /sys/hypervisor/properties/capabilities");

    rc = xenkexec_version_string(xk, XENVER_extraversion, buf, sizeof buf);
    vt_ok(rc >= 0 && buf[0] == '.', "extraversion string", "rc=%d", rc);
    vt_note("extraversion %s", buf);
    if (read_sys("/sys/hypervisor/version/extra", sys, sizeof sys) == 0)
        vt_ok(strcmp(buf, sys) == 0, "extraversion == /sys/hypervisor",
              "ours '%s' sysfs '%s'", buf, sys);

    rc = xenkexec_version_string(xk, XENVER_commandline, buf, sizeof buf);
    vt_ok(rc > 0 && strstr(buf, "bootscrub=0") != NULL,
          "command line string (the harness's bootscrub=0)", "'%s'", buf);
    rc = xenkexec_version_string(xk, XENVER_changeset, buf, sizeof buf);
    vt_ok(rc >= 0, "changeset string", "rc=%d %s", rc, vt_errno(errno));
    vt_note("changeset %s", buf);

    errno = 0;
    rc = xenkexec_version_string(xk, XENVER_capabilities, buf, 4);
    vt_ok(rc == -1 && errno == ERANGE, "short buffer -> ERANGE", "rc=%d %s",
          rc, vt_errno(errno));
}

/* The same hypercall decoded here, for the library's conversion. */
static int raw_memory_map(xencall_handle *xc, unsigned char *out, int room)
{
    struct { uint32_t nr; uint32_t pad; uint64_t buf; } *m;
    unsigned char *b;
    int n = -1;

    m = xencall_alloc_buffer(xc, sizeof(*m));
    b = xencall_alloc_buffer(xc, (size_t)room * 20);
    if (m && b) {
        m->nr = (uint32_t)room;
        m->buf = (uint64_t)(uintptr_t)b;
        if (xencall2(xc, 12 /* memory_op */, 10 /* machine_memory_map */,
                     (uint64_t)(uintptr_t)m) == 0) {
            n = (int)m->nr;
            memcpy(out, b, (size_t)n * 20);
        }
    }
    xencall_free_buffer(xc, b);
    xencall_free_buffer(xc, m);
    return n;
}

/* A RAM range of the map at or above 32 MiB with room for 2 pages. */
static uint64_t pick_dest(const xenkexec_memory_range *r, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t s = r[i].addr, e = r[i].addr + r[i].size;

        if (r[i].type != XENKEXEC_E820_RAM)
            continue;
        if (s < 32 * MiB)
            s = 32 * MiB;
        s = (s + 0xfff) & ~0xfffULL;
        if (s + 0x2000 <= e)
            return s;
    }
    return 0;
}

static uint64_t check_memory_map(xenkexec_handle *xk, xencall_handle *xc)
{
    xenkexec_memory_range r[128];
    unsigned char raw[129 * 20];
    uint64_t ram = 0, dest;
    int n, count, rn, same = 1;

    count = xenkexec_machine_memory_map(xk, NULL, 0);
    n = xenkexec_machine_memory_map(xk, r, 128);
    vt_ok(count > 0 && n > 0 && n <= count, "machine memory map",
          "count=%d n=%d %s", count, n, vt_errno(errno));
    if (n <= 0)
        return 0;
    for (int i = 0; i < n; i++) {
        vt_note("e820 %#llx-%#llx type %u", (unsigned long long)r[i].addr,
                (unsigned long long)(r[i].addr + r[i].size), r[i].type);
        if (r[i].type == XENKEXEC_E820_RAM)
            ram += r[i].size;
        if (i && r[i].addr < r[i - 1].addr + r[i - 1].size)
            same = 0;
    }
    vt_ok(same, "ranges are sorted and disjoint", NULL);
    /* QEMU -m 2048: RAM is 2 GiB less firmware holes */
    vt_ok(ram > 1900 * MiB && ram <= 2048 * MiB, "RAM total matches -m 2048",
          "%llu MiB", (unsigned long long)(ram / MiB));
    rn = raw_memory_map(xc, raw, 129);
    same = rn == n;
    for (int i = 0; same && i < n; i++) {
        uint64_t a, s;
        uint32_t t;

        memcpy(&a, raw + 20 * i, 8);
        memcpy(&s, raw + 20 * i + 8, 8);
        memcpy(&t, raw + 20 * i + 16, 4);
        same = a == r[i].addr && s == r[i].size && t == r[i].type;
    }
    vt_ok(same, "map == the raw hypercall's packed entries", "raw n=%d", rn);
    errno = 0;
    vt_ok(xenkexec_machine_memory_map(xk, r, (unsigned)n - 1) == -1 &&
              errno == ENOBUFS, "one entry short -> ENOBUFS", "%s",
          vt_errno(errno));
    dest = pick_dest(r, n);
    vt_ok(dest != 0, "a RAM destination for the test image", NULL);
    return dest;
}

/* Oracle: XEN_SYSCTL_physinfo (the running version's sysctl interface):
 * max_cpu_id + 1. */
static int physinfo_cpu_ids(xencall_handle *xc)
{
    uint32_t *s = xencall_alloc_buffer(xc, 1024);
    int n = -1;

    if (!s)
        return -1;
    memset(s, 0, 1024);
    s[0] = 3;                   /* XEN_SYSCTL_physinfo */
    s[1] = vt_xen()->sysctl_if; /* XEN_SYSCTL_INTERFACE_VERSION */
    if (xencall1(xc, 35 /* sysctl */, (uint64_t)(uintptr_t)s) == 0)
        n = (int)s[2 + 3] + 1;  /* u @8: threads, cores, nr_cpus, max_id */
    xencall_free_buffer(xc, s);
    return n;
}

static void check_cpus_and_ranges(xenkexec_handle *xk, xencall_handle *xc)
{
    uint64_t size = 1, start = 1;
    int n = xenkexec_nr_cpus(xk), want = physinfo_cpu_ids(xc), rc;

    vt_ok(n >= 1 && n == want, "nr_cpus == physinfo max_cpu_id + 1",
          "ours %d physinfo %d %s", n, want, vt_errno(errno));
    vt_fact("cpu ids: %d", n);

    rc = xenkexec_get_range(xk, KEXEC_RANGE_MA_XEN, 0, &size, &start);
    vt_ok(rc == 0 && size > 0 && start > 0, "get_range(MA_XEN): Xen's image",
          "rc=%d %s", rc, vt_errno(errno));
    vt_note("Xen at %#llx, %#llx bytes", (unsigned long long)start,
            (unsigned long long)size);
    rc = xenkexec_get_range(xk, KEXEC_RANGE_MA_VMCOREINFO, 0, &size, &start);
    vt_ok(rc == 0 && size > 0 && start > 0, "get_range(MA_VMCOREINFO)",
          "rc=%d %s", rc, vt_errno(errno));
    size = start = 1;
    rc = xenkexec_get_range(xk, KEXEC_RANGE_MA_CRASH, 0, &size, &start);
    vt_ok(rc == 0 && size == 0 && start == 0,
          "get_range(MA_CRASH) = 0,0 (no crashkernel= on the command line)",
          "rc=%d start=%#llx size=%#llx", rc, (unsigned long long)start,
          (unsigned long long)size);
    errno = 0;
    rc = xenkexec_get_range(xk, KEXEC_RANGE_MA_CPU, n, &size, &start);
    vt_ok(rc == -1 && errno == ERANGE, "get_range(MA_CPU, nr_cpus) -> ERANGE",
          "rc=%d %s", rc, vt_errno(errno));
}

/* KEXEC_CMD_kexec on an empty slot answers ENOENT; never called else. */
static void exec_says_empty(xenkexec_handle *xk, const char *name)
{
    int rc;

    errno = 0;
    rc = xenkexec_exec(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == -1 && errno == ENOENT, name, "rc=%d %s", rc, vt_errno(errno));
}

static void check_load_unload(xenkexec_handle *xk, uint64_t dest)
{
    static unsigned char page[4096];
    xenkexec_segment segs[2];
    int rc, s0;

    memset(page, 0, sizeof page);
    memcpy(page, "libxenstable kexec test image", 30);
    segs[0] = (xenkexec_segment){ page, sizeof page, dest, 0x1000 };
    segs[1] = (xenkexec_segment){ NULL, 0, dest + 0x1000, 0x1000 };

    s0 = xenkexec_status(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(s0 == 0 || s0 == 1, "status(DEFAULT)", "rc=%d %s", s0,
          vt_errno(errno));
    vt_note("status before: %d", s0);
    rc = xenkexec_load(xk, KEXEC_TYPE_DEFAULT, EM_X86_64, dest, 2, segs);
    vt_ok(rc == 0, "load a 2-segment image", "rc=%d %s dest=%#llx", rc,
          vt_errno(errno), (unsigned long long)dest);
    rc = xenkexec_status(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == !s0, "status flips on load", "rc=%d", rc);
    rc = xenkexec_unload(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == 0, "unload", "rc=%d %s", rc, vt_errno(errno));
    rc = xenkexec_status(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == s0, "status flips back on unload", "rc=%d", rc);
    exec_says_empty(xk, "exec after unload -> ENOENT (slot empty)");

    /* Replacing: two loads, one unload leave the slot empty. */
    rc = xenkexec_load(xk, KEXEC_TYPE_DEFAULT, EM_X86_64, dest, 2, segs);
    rc |= xenkexec_load(xk, KEXEC_TYPE_DEFAULT, EM_X86_64, dest, 1, segs);
    vt_ok(rc == 0, "load twice (the second replaces the first)", "%s",
          vt_errno(errno));
    /*
     * Xen's kexec_status (4.14 to 4.20) answers the slot position bit, not
     * "loaded": after two loads it reads as before although an image is
     * loaded.  Passed through as is; this check notices a Xen that
     * changes it (docs/api/kexec.md).
     */
    rc = xenkexec_status(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == s0, "status after two loads is Xen's position bit", "rc=%d",
          rc);
    rc = xenkexec_unload(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == 0, "unload the replacement", "rc=%d %s", rc, vt_errno(errno));
    exec_says_empty(xk, "exec -> ENOENT: one unload emptied the slot");
    /* an unload of the empty slot flips the bit back to where it was */
    rc = xenkexec_unload(xk, KEXEC_TYPE_DEFAULT);
    vt_ok(rc == 0 && xenkexec_status(xk, KEXEC_TYPE_DEFAULT) == s0,
          "unload of an empty slot: status as at the start", "rc=%d %s", rc,
          vt_errno(errno));

    errno = 0;
    rc = xenkexec_load(xk, KEXEC_TYPE_CRASH, EM_X86_64, dest, 2, segs);
    vt_ok(rc == -1 && errno == EADDRNOTAVAIL,
          "crash image without a crash area -> EADDRNOTAVAIL", "rc=%d %s", rc,
          vt_errno(errno));
    errno = 0;
    rc = xenkexec_load(xk, KEXEC_TYPE_DEFAULT, EM_X86_64, dest, 1,
                       &(xenkexec_segment){ page, 10, dest + 1, 0x1000 });
    vt_ok(rc == -1 && errno == EADDRNOTAVAIL,
          "unaligned destination -> EADDRNOTAVAIL", "rc=%d %s", rc,
          vt_errno(errno));
    errno = 0;
    rc = xenkexec_load(xk, KEXEC_TYPE_DEFAULT, EM_X86_64, dest, 1,
                       &(xenkexec_segment){ page, 0x2000, dest, 0x1000 });
    vt_ok(rc == -1 && errno == EINVAL, "buf_size > dest_size -> EINVAL",
          "rc=%d %s", rc, vt_errno(errno));
}

/*
 * Xen without kexec (Arm): every kexec call answers ENOSYS, as the raw
 * hypercalls do; the library adds nothing of its own (nr_cpus probes
 * with get_range, and gives up on its first error).
 */
static void check_no_kexec(xenkexec_handle *xk, xencall_handle *xc)
{
    xenkexec_memory_range r[4];
    xenkexec_segment seg = { NULL, 0, VT_GUEST_RAM_GFN << 12, 0x1000 };
    uint64_t size = 1, start = 1;
    unsigned char raw[4 * 20];
    uint32_t *range;
    int rc, e;

#define ENOSYS_(call, name) \
    do { errno = 0; rc = (call); e = errno; \
         vt_ok(rc == -1 && e == ENOSYS, name " -> ENOSYS (no kexec on Arm)", \
               "rc=%d %s", rc, vt_errno(e)); } while (0)
    ENOSYS_(xenkexec_machine_memory_map(xk, NULL, 0),
            "machine_memory_map(count)");
    ENOSYS_(xenkexec_machine_memory_map(xk, r, 4), "machine_memory_map");
    ENOSYS_(xenkexec_nr_cpus(xk), "nr_cpus");
    ENOSYS_(xenkexec_get_range(xk, KEXEC_RANGE_MA_XEN, 0, &size, &start),
            "get_range(MA_XEN)");
    vt_ok(size == 1 && start == 1, "a failed get_range leaves its outputs",
          NULL);
    ENOSYS_(xenkexec_get_range(xk, KEXEC_RANGE_MA_CPU, 0, &size, &start),
            "get_range(MA_CPU, 0)");
    ENOSYS_(xenkexec_status(xk, KEXEC_TYPE_DEFAULT), "status(DEFAULT)");
    ENOSYS_(xenkexec_load(xk, KEXEC_TYPE_DEFAULT, EM_AARCH64,
                          VT_GUEST_RAM_GFN << 12, 1, &seg), "load");
    ENOSYS_(xenkexec_unload(xk, KEXEC_TYPE_DEFAULT), "unload");
    /* safe here: there is nothing that could be executed */
    ENOSYS_(xenkexec_exec(xk, KEXEC_TYPE_DEFAULT), "exec");
#undef ENOSYS_

    /* the oracle: the same hypercalls, raw */
    errno = 0;
    rc = raw_memory_map(xc, raw, 4);
    vt_ok(rc == -1 && errno == ENOSYS,
          "raw XENMEM_machine_memory_map -> ENOSYS", "rc=%d %s", rc,
          vt_errno(errno));
    range = xencall_alloc_buffer(xc, 24);
    if (range) {
        memset(range, 0, 24);
        range[0] = KEXEC_RANGE_MA_XEN;
        errno = 0;
        rc = xencall2(xc, 37 /* kexec_op */, 3 /* kexec_get_range */,
                      (uint64_t)(uintptr_t)range);
        vt_ok(rc == -1 && errno == ENOSYS, "raw kexec_op -> ENOSYS",
              "rc=%d %s", rc, vt_errno(errno));
        xencall_free_buffer(xc, range);
    }
}

int main(void)
{
    xenkexec_handle *xk;
    xencall_handle *xc;
    uint64_t dest;
    unsigned int maj, min;

    vt_init();
    vt_xen();
    xk = xenkexec_open(NULL, 0);
    xc = xencall_open(NULL, 0);
    vt_ok(xk && xc, "open", "%s", vt_errno(errno));
    if (!xk || !xc)
        return vt_done();
    check_version(xk);
    if (VT_ARM) {
        check_no_kexec(xk, xc);
    } else {
        dest = check_memory_map(xk, xc);
        check_cpus_and_ranges(xk, xc);
        if (dest)
            check_load_unload(xk, dest);
    }
    xencall_close(xc);

    /* the handle is registered with toolcore: restrict_all neuters it */
    vt_ok(xentoolcore_restrict_all(0) == 0, "restrict_all", NULL);
    errno = 0;
    vt_ok(xenkexec_version(xk, &maj, &min) == -1,
          "no hypercall after restrict_all", "%s", vt_errno(errno));
    vt_ok(xenkexec_close(xk) == 0, "close", NULL);
    return vt_done();
}
