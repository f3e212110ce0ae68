/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * dm2dom-peer.c - guest side of dm2dom.c (see there): the guest's half
 * of the ioreq round trip, on an address that dom0's ioreq server
 * claims, and again after dom0 released it.
 *
 * x86: port I/O through /dev/port (inb/outb in the kernel); after the
 * release Xen answers reads with all ones.
 *
 * Arm has no port I/O (reading /dev/port oopses an arm64 guest): a
 * 32-bit MMIO read and write through a /dev/mem mapping of the address.
 * After the release the access is an abort: Xen injects a data abort
 * with an all-zero syndrome (inject_abt64_exception), whose fault status
 * 0 Linux reads as a "ttbr address size fault" and answers with SIGKILL
 * -- a child makes the access and the parent checks how it died.
 * Then the guest counts SPI 40 in /proc/interrupts while dom0 raises it
 * (set_irq_level).  Where Xen has no device model, only the count runs:
 * nothing claims the address, and no interrupt may arrive.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"
#include "vtarch.h"
#include "xsclient.h"
#include "dm2dom.h"

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

/* ---- the device: a port on x86, a word of MMIO on Arm ------------- */

static int dev_fd = -1;
static volatile uint32_t *mmio;

static int dev_open(void)
{
    if (!VT_ARM) {
        dev_fd = open("/dev/port", O_RDWR | O_CLOEXEC);
        return dev_fd >= 0 ? 0 : -1;
    }
    /* O_SYNC: an uncached (device) mapping */
    dev_fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
    if (dev_fd < 0)
        return -1;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, dev_fd,
                   (off_t)DM2_ADDR);
    if (p == MAP_FAILED)
        return -1;
    mmio = p;
    return 0;
}

static int dev_read(void)
{
    unsigned char b = 0;

    if (VT_ARM)
        return (int)(*mmio & 0xff);
    return pread(dev_fd, &b, 1, (off_t)DM2_ADDR) == 1 ? b : -1;
}

static int dev_write(unsigned char v)
{
    if (VT_ARM) {
        *mmio = v;
        return 1;
    }
    return (int)pwrite(dev_fd, &v, 1, (off_t)DM2_ADDR);
}

/* Arm, after the release: a read in a child, which must be killed
 * (SIGKILL, see above).  Returns the report for dom0. */
static const char *read_unclaimed_arm(void)
{
    int status = 0;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        (void)dev_read();
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return "read=no-child";
    vt_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          "read without a claim: an abort the kernel kills for (SIGKILL)",
          "status %#x", status);
    if (!WIFSIGNALED(status))
        return "read=survived";
    return WTERMSIG(status) == SIGKILL ? "read=SIGKILL" : "read=other-signal";
}

/* ---- Arm: SPI 40 in /proc/interrupts -------------------------------- */

/* The count of our SPI (summed over CPUs); -1 if the line is missing or
 * names another hardware interrupt. */
static long spi_count(void)
{
    char line[512];
    long total = -1;
    FILE *f = fopen("/proc/interrupts", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        char *p;

        if (!strstr(line, DM2_SPI_LABEL) || !(p = strchr(line, ':')))
            continue;
        /* "<virq>: <count per CPU> GICv3 <hwirq> Edge xsvm-dm-irq" */
        total = 0;
        for (p++;;) {
            char *end;
            long v = strtol(p, &end, 10);

            if (end == p)
                break;
            total += v;
            p = end;
        }
        char chip[32];
        int hwirq = -1;

        if (sscanf(p, "%31s %d", chip, &hwirq) != 2 || hwirq != DM2_SPI)
            total = -1;
    }
    fclose(f);
    return total;
}

static void count_spi(int to, int dm)
{
    char buf[64];
    long c0 = spi_count(), c1 = -1;

    vt_ok(c0 >= 0,
          "/proc/interrupts: " DM2_SPI_LABEL " is hardware "
          "interrupt 40",
          "count %ld", c0);
    xsc_write(xsc_key("irq-armed"), "1");
    int n = xsc_wait(xsc_key("raised"), buf, sizeof buf, to);

    vt_ok(n >= 0, "dom0 raised SPI 40", "%s", n >= 0 ? "" : vt_errno(errno));
    /*
     * The interrupt is delivered while dom0 waits for our answer: wait
     * for it up to the timeout.  Without dm_op dom0's call failed, so
     * no interrupt can come; the short look only backs that up (it
     * cannot fail on a slow host, only miss a bug that is slow).
     */
    for (int waited = 0; waited < (dm ? to : 300); waited += 20) {
        c1 = spi_count();
        if (c1 != c0)
            break;
        usleep(20000);
    }
    if (dm)
        vt_ok(c1 == c0 + 1, "exactly one interrupt on SPI 40",
              "before %ld after %ld", c0, c1);
    else
        vt_ok(c1 == c0, "no interrupt on SPI 40 (Xen has no dm_op)",
              "before %ld after %ld", c0, c1);
    xsc_sprintf(buf, sizeof buf, "%+ld", c1 - c0);
    xsc_write(xsc_key("irq"), buf);
}

int main(void)
{
    char buf[128];
    int to = xsc_timeout_ms(), v1, v2, w, dm = vt_xen_dm();

    vt_init();
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    signal(SIGTRAP, on_trap);
    vt_ok(xsc_open() == 0, "open /dev/xen/xenbus", "%s", vt_errno(errno));
    if (dm)
        vt_ok(dev_open() == 0,
              VT_ARM ? "map the MMIO word (/dev/mem)" : "open /dev/port", "%s",
              vt_errno(errno));
    vt_ok(xsc_write(xsc_key("up"), "1") == 0, "tell dom0 we run", NULL);

    if (dm) {
        int n = xsc_wait(xsc_key("ioreq-ready"), buf, sizeof buf, to);
        int ready = n >= 0 && dev_fd >= 0;

        vt_ok(n >= 0, "dom0's ioreq server claims the address", "%s",
              n >= 0 ? "" : vt_errno(errno));
        /* each access below stops this vCPU until dom0 answers it */
        vt_note("t=%.2fs device I/O", since_start());
        v1 = ready ? dev_read() : -1;
        w = ready ? dev_write(DM2_WRITE_VALUE) : -1;
        vt_ok(v1 == DM2_READ_VALUE, "read answered by dom0 (0x42)", "0x%x",
              v1);
        vt_ok(w == 1, "write 0x77", "%s", vt_errno(errno));
        xsc_sprintf(buf, sizeof buf, "read=0x%02x", v1 & 0xff);
        vt_ok(xsc_write(xsc_key("io"), buf) == 0, "report the value", NULL);

        vt_note("t=%.2fs waiting for the release", since_start());
        n = xsc_wait(xsc_key("unmapped"), buf, sizeof buf, to);
        vt_note("t=%.2fs released", since_start());
        vt_ok(n >= 0, "dom0 released the address", "%s",
              n >= 0 ? "" : vt_errno(errno));
        /* only once released: a claimed address nobody serves hangs us */
        if (VT_ARM) {
            xsc_write(xsc_key("io2"),
                      n >= 0 && ready ? read_unclaimed_arm() : "read=skipped");
        } else {
            v2 = n >= 0 && ready ? dev_read() : -1;
            vt_ok(v2 == 0xff, "inb without a claim: Xen's 0xff", "0x%x", v2);
            xsc_sprintf(buf, sizeof buf, "read=0x%02x", v2 & 0xff);
            xsc_write(xsc_key("io2"), buf);
        }
    }
    if (VT_ARM)
        count_spi(to, dm);

    int n = xsc_wait(xsc_key("done"), buf, sizeof buf, to);
    vt_ok(n >= 0, "dom0 finished", "%s", n >= 0 ? "" : vt_errno(errno));
    vt_note("SIGTRAPs seen in user mode: %d", (int)traps);
    if (dev_fd >= 0)
        close(dev_fd);
    return vt_done();
}
