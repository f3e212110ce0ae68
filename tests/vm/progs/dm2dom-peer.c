/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * dm2dom-peer.c - guest side of dm2dom.c (see there): the guest's half
 * of the ioreq round trip.  Port I/O through /dev/port (inb/outb in the
 * kernel) on a port that dom0's ioreq server claims, and again after
 * dom0 released it.
 */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "vmtest.h"
#include "xsclient.h"

#define DM2_PORT 0x2345

static volatile sig_atomic_t traps;
static struct timespec t_start;

static double since_start(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t_start.tv_sec) +
           (t.tv_nsec - t_start.tv_nsec) / 1e9;
}

/*
 * dom0 injects a #DB into this vCPU.  It normally lands in the kernel
 * (this process sleeps meanwhile); if it ever hits us in user mode the
 * kernel sends SIGTRAP, which must not end the test.
 */
static void on_trap(int sig)
{
    (void)sig;
    traps++;
}

static int port_read(int fd)
{
    unsigned char b = 0;

    return pread(fd, &b, 1, DM2_PORT) == 1 ? b : -1;
}

int main(void)
{
    char buf[128];
    int to = xsc_timeout_ms(), fd, v1, v2, w;
    unsigned char out = 0x77;

    vt_init();
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    signal(SIGTRAP, on_trap);
    vt_ok(xsc_open() == 0, "open /dev/xen/xenbus", "%s", vt_errno(errno));
    fd = open("/dev/port", O_RDWR | O_CLOEXEC);
    vt_ok(fd >= 0, "open /dev/port", "%s", vt_errno(errno));
    vt_ok(xsc_write(xsc_key("up"), "1") == 0, "tell dom0 we run", NULL);

    int n = xsc_wait(xsc_key("ioreq-ready"), buf, sizeof buf, to);
    vt_ok(n >= 0, "dom0's ioreq server claims the port", "%s",
          n >= 0 ? "" : vt_errno(errno));
    /* each access below stops this vCPU until dom0 answers the ioreq */
    vt_note("t=%.2fs port I/O", since_start());
    v1 = fd >= 0 && n >= 0 ? port_read(fd) : -1;
    w = fd >= 0 && n >= 0 ? (int)pwrite(fd, &out, 1, DM2_PORT) : -1;
    vt_ok(v1 == 0x42, "inb answered by dom0 (0x42)", "0x%x", v1);
    vt_ok(w == 1, "outb 0x77", "%s", vt_errno(errno));
    xsc_sprintf(buf, sizeof buf, "read=0x%02x", v1 & 0xff);
    vt_ok(xsc_write(xsc_key("io"), buf) == 0, "report the value", NULL);

    vt_note("t=%.2fs waiting for the release", since_start());
    n = xsc_wait(xsc_key("unmapped"), buf, sizeof buf, to);
    vt_note("t=%.2fs released", since_start());
    vt_ok(n >= 0, "dom0 released the port", "%s",
          n >= 0 ? "" : vt_errno(errno));
    /* only once released: a claimed port nobody serves hangs this vCPU */
    v2 = fd >= 0 && n >= 0 ? port_read(fd) : -1;
    vt_ok(v2 == 0xff, "inb without a claim: Xen's 0xff", "0x%x", v2);
    xsc_sprintf(buf, sizeof buf, "read=0x%02x", v2 & 0xff);
    xsc_write(xsc_key("io2"), buf);

    n = xsc_wait(xsc_key("done"), buf, sizeof buf, to);
    vt_ok(n >= 0, "dom0 finished", "%s", n >= 0 ? "" : vt_errno(errno));
    vt_note("SIGTRAPs seen in user mode: %d", (int)traps);
    if (fd >= 0)
        close(fd);
    return vt_done();
}
