/*
 * xenstable-kexec.c - what kexec-tools' Xen path does, with libxenstable
 * only (no libxenctrl): ask Xen for its version and capabilities, read
 * the machine memory map, find the crash area and the per-CPU crash
 * notes, then load an image into Xen's default kexec slot, check it is
 * there, and unload it again.  The image is never executed.
 *
 *   xenstable-kexec [IMAGE]     (in dom0, as root)
 *
 * IMAGE is copied as one segment (default: a built-in 4 KiB stub).  Each
 * step prints one TAP line ("ok N - ..."), so CI runs this example in
 * the Xen VM as it stands (tests/vm, "kexec-example").
 *
 * Xen on Arm has no kexec (every kexec call answers ENOSYS): the example
 * says so and stops after the version, successfully.
 *
 * Build: cc xenstable-kexec.c $(pkg-config --cflags --libs xenstable)
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenkexec.h>

#define EM_386    3
#define EM_X86_64 62
#define PAGE      4096ULL

static int step, failed;

static int report(int ok, const char *what)
{
    step++;
    if (!ok)
        failed++;
    printf("%sok %d - %s\n", ok ? "" : "not ", step, what);
    if (!ok && errno)
        printf("#   %s\n", strerror(errno));
    return ok;
}

/* The image to load: IMAGE's bytes, or a page of `hlt' instructions. */
static void *read_image(const char *path, size_t *len)
{
    FILE *f;
    void *buf;
    long n;

    if (!path) {
        *len = PAGE;
        buf = malloc(PAGE);
        if (buf)
            memset(buf, 0xf4, PAGE);    /* hlt; never run */
        return buf;
    }
    f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* kexec-tools places images in RAM; take the first fit above 16 MiB. */
static uint64_t find_ram(const xenkexec_memory_range *r, int n, uint64_t size)
{
    for (int i = 0; i < n; i++) {
        uint64_t start = r[i].addr < (16 << 20) ? (16 << 20) : r[i].addr;

        start = (start + PAGE - 1) & ~(PAGE - 1);
        if (r[i].type == XENKEXEC_E820_RAM &&
            start + size <= r[i].addr + r[i].size)
            return start;
    }
    return 0;
}

int main(int argc, char **argv)
{
    xenkexec_handle *xk;
    xenkexec_memory_range *map = NULL;
    xenkexec_segment seg[2];
    char caps[1024];
    unsigned int major, minor;
    uint64_t start, size, dest, image_pages;
    uint16_t arch;
    size_t len = 0;
    void *image;
    int n, cpus;

    xk = xenkexec_open(NULL, 0);
    if (!report(xk != NULL, "open the kexec interface"))
        return 1;

    /* 1. Which Xen, and is it 64-bit?  (kexec-tools: xc_version) */
    if (report(xenkexec_version(xk, &major, &minor) == 0 &&
                   xenkexec_version_string(xk, XENVER_capabilities, caps,
                                           sizeof caps) >= 0,
               "Xen version and capabilities"))
        printf("#   Xen %u.%u, capabilities: %s\n", major, minor, caps);
    arch = strstr(caps, "x86_64") ? EM_X86_64 : EM_386;

    /* Is there kexec at all?  Xen on Arm (or built without CONFIG_KEXEC)
     * has no kexec_op: ENOSYS. */
    errno = 0;
    if (xenkexec_get_range(xk, KEXEC_RANGE_MA_XEN, 0, &size, &start) == -1 &&
        errno == ENOSYS) {
        report(1, "this Xen has no kexec (ENOSYS): nothing to load");
        xenkexec_close(xk);
        printf("1..%d\n", step);
        return 0;
    }

    /* 2. The host's memory map  (kexec-tools: xc_get_machine_memory_map) */
    n = xenkexec_machine_memory_map(xk, NULL, 0);
    if (n > 0 && (map = calloc((size_t)n, sizeof(*map))))
        n = xenkexec_machine_memory_map(xk, map, (unsigned int)n);
    if (report(n > 0 && map, "machine memory map"))
        for (int i = 0; i < n; i++)
            printf("#   %016llx-%016llx %s\n",
                   (unsigned long long)map[i].addr,
                   (unsigned long long)(map[i].addr + map[i].size - 1),
                   map[i].type == XENKEXEC_E820_RAM ? "RAM" : "reserved");

    /* 3. Crash area and per-CPU crash notes  (xc_kexec_get_range,
     *    xc_physinfo for the CPU count) */
    cpus = xenkexec_nr_cpus(xk);
    report(cpus > 0, "number of CPU ids");
    if (xenkexec_get_range(xk, KEXEC_RANGE_MA_CRASH, 0, &size, &start) == 0)
        printf("#   crash area: %s%#llx+%#llx\n", size ? "" : "none ",
               (unsigned long long)start, (unsigned long long)size);
    for (int c = 0; c < cpus; c++) {
        errno = 0;
        if (xenkexec_get_range(xk, KEXEC_RANGE_MA_CPU, c, &size, &start))
            printf("#   cpu %d crash note: %s\n", c,
                   errno == EINVAL ? "none (no crash area)" : strerror(errno));
        else
            printf("#   cpu %d crash note at %#llx\n", c,
                   (unsigned long long)start);
    }

    /* 4. Load, check, unload  (xc_kexec_load / _status / _unload) */
    image = read_image(argc > 1 ? argv[1] : NULL, &len);
    if (!report(image != NULL, "read the image"))
        return 1;
    image_pages = (len + PAGE - 1) / PAGE;
    dest = map ? find_ram(map, n, (image_pages + 1) * PAGE) : 0;
    if (!report(dest != 0, "a place in RAM for it"))
        return 1;
    seg[0] = (xenkexec_segment){ image, len, dest, image_pages * PAGE };
    /* a zero-filled page after it, as kexec-tools adds for a bss */
    seg[1] = (xenkexec_segment){ NULL, 0, dest + image_pages * PAGE, PAGE };
    /*
     * xenkexec_status() is printed, not trusted: Xen answers a bit that
     * flips on every load and unload rather than "loaded" (see
     * xenkexec.h), so it only agrees with reality when each load is
     * paired with one unload, as here.
     */
    printf("#   status before: %d\n", xenkexec_status(xk, KEXEC_TYPE_DEFAULT));
    report(xenkexec_load(xk, KEXEC_TYPE_DEFAULT, arch, dest, 2, seg) == 0,
           "load the image into the default slot");
    printf("#   status loaded: %d\n", xenkexec_status(xk, KEXEC_TYPE_DEFAULT));
    report(xenkexec_unload(xk, KEXEC_TYPE_DEFAULT) == 0, "unload it");
    printf("#   status after: %d\n", xenkexec_status(xk, KEXEC_TYPE_DEFAULT));

    free(image);
    free(map);
    xenkexec_close(xk);
    printf("1..%d\n", step);
    return failed ? 1 : 0;
}
