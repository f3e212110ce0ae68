/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fmem2dom-peer.c - guest side of fmem2dom.c (see there).
 *
 * Two locked pages of this process carry a known pattern; their frame
 * numbers come from /proc/self/pagemap (in a PVH guest pfn == gfn) and
 * are published as "gfns".  dom0 maps them, checks the pattern and
 * writes a reply into each page; this side then checks the replies.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"
#include "xsclient.h"
#include "fmem2dom.h"

/* The frame behind a virtual address, 0 if not present. */
static uint64_t pagemap_pfn(const void *va)
{
    uint64_t ent = 0;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return 0;
    if (pread(fd, &ent, sizeof ent,
              (off_t)((uintptr_t)va / FM2_PAGE) * sizeof ent) != sizeof ent)
        ent = 0;
    close(fd);
    /* bit 63: present; bits 0-54: the frame (root sees it) */
    return ent >> 63 ? ent & ((1ULL << 55) - 1) : 0;
}

int main(void)
{
    char buf[128];
    int to = xsc_timeout_ms();
    unsigned char *p;
    uint64_t gfn[2];

    vt_init();
    vt_ok(xsc_open() == 0, "open /dev/xen/xenbus", "%s", vt_errno(errno));
    p = mmap(NULL, 2 * FM2_PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (!vt_ok(p != MAP_FAILED, "two anonymous pages", "%s", vt_errno(errno)))
        return vt_done();
    /* locked: the frames must stay put while dom0 maps them */
    vt_ok(mlock(p, 2 * FM2_PAGE) == 0, "mlock", "%s", vt_errno(errno));
    fm2_fill(p, 0);
    fm2_fill(p + FM2_PAGE, 1);
    gfn[0] = pagemap_pfn(p);
    gfn[1] = pagemap_pfn(p + FM2_PAGE);
    vt_ok(gfn[0] && gfn[1], "gfns from /proc/self/pagemap", "%s %s",
          vt_v("0x%llx", (unsigned long long)gfn[0]),
          vt_v("0x%llx", (unsigned long long)gfn[1]));
    /* (unsigned: below the first frame wraps around to far above) */
    vt_ok(gfn[0] - FM2_GUEST_FIRST < FM2_GUEST_END - FM2_GUEST_FIRST &&
              gfn[1] - FM2_GUEST_FIRST < FM2_GUEST_END - FM2_GUEST_FIRST,
          "gfns inside the guest's memory", NULL);

    xsc_sprintf(buf, sizeof buf, "%llx %llx", (unsigned long long)gfn[0],
                (unsigned long long)gfn[1]);
    vt_ok(xsc_write(xsc_key("gfns"), buf) == 0, "publish the gfns", "%s",
          vt_errno(errno));

    int n = xsc_wait(xsc_key("written"), buf, sizeof buf, to);
    vt_ok(n >= 0, "dom0 wrote into the pages", "%s",
          n >= 0 ? "" : vt_errno(errno));
    int a = !strcmp((char *)p + FM2_REPLY_OFF, FM2_REPLY_MAP);
    int b = !strcmp((char *)p + FM2_PAGE + FM2_REPLY_OFF, FM2_REPLY_FIXED);
    vt_ok(a, "page A holds dom0's reply (map)", "'%.40s'",
          (char *)p + FM2_REPLY_OFF);
    vt_ok(b, "page B holds dom0's reply (map2 MAP_FIXED)", "'%.40s'",
          (char *)p + FM2_PAGE + FM2_REPLY_OFF);
    vt_ok(fm2_check(p, 0) && fm2_check(p + FM2_PAGE, 1),
          "the rest of both pages is untouched", NULL);
    xsc_sprintf(buf, sizeof buf, "A=%s B=%s", a ? "yes" : "no",
                b ? "yes" : "no");
    vt_ok(xsc_write(xsc_key("verified"), buf) == 0, "report", NULL);

    n = xsc_wait(xsc_key("done"), buf, sizeof buf, to);
    vt_ok(n >= 0, "dom0 finished", "%s", n >= 0 ? "" : vt_errno(errno));
    munmap(p, 2 * FM2_PAGE);
    return vt_done();
}
