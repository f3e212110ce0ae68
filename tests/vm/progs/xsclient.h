/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xsclient.h - a tiny xenstore client for the two-domain VM tests.
 *
 * Speaks the xenstore wire protocol (a 16-byte header {type, req_id,
 * tx_id, len} followed by len bytes of payload) over
 *   - xenstored's unix socket /var/run/xenstored/socket (dom0), or
 *   - the kernel's /dev/xen/xenbus device (any domain, incl. the guest).
 * It does not use libxenstore, so test programs built against
 * libxenstable and against Debian's libraries behave identically here.
 *
 * Paths not starting with '/' are relative to the caller's own
 * /local/domain/<domid>/ directory (xenstored resolves them).  A guest may
 * write below its own "data/" directory; dom0 may write anywhere, and nodes
 * it creates below the guest's directory inherit the guest's ownership.
 *
 * API (all return 0 / a length on success, -1 with errno set on failure):
 *   int  xsc_open(void);
 *   void xsc_close(void);
 *   int  xsc_write(const char *path, const char *value);
 *   int  xsc_read(const char *path, char *buf, size_t len);   -> strlen
 *   int  xsc_wait(const char *path, char *buf, size_t len, int timeout_ms);
 *        (polls until the node exists; errno ETIMEDOUT)
 *   int  xsc_rm(const char *path);
 *   int  xsc_domid(void);               this domain's id (reads "domid")
 *   int  xsc_sprintf(char *buf, size_t len, const char *fmt, ...);
 */
#ifndef XSVM_XSCLIENT_H
#define XSVM_XSCLIENT_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum {
    XSC_DIRECTORY = 1, XSC_READ = 2, XSC_WATCH = 4, XSC_WRITE = 11,
    XSC_MKDIR = 12, XSC_RM = 13, XSC_WATCH_EVENT = 15, XSC_ERROR = 16,
};

struct xsc_hdr {
    uint32_t type, req_id, tx_id, len;
};

#define XSC_PAYLOAD_MAX 4096

static int xsc_fd_ = -1;
static uint32_t xsc_req_;

static inline int xsc_open(void)
{
    if (xsc_fd_ >= 0)
        return 0;
    const char *sock = "/var/run/xenstored/socket";
    if (access(sock, F_OK) == 0) {
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strncpy(sa.sun_path, sock, sizeof sa.sun_path - 1);
        if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof sa) == 0) {
            xsc_fd_ = s;
            return 0;
        }
        if (s >= 0)
            close(s);
    }
    xsc_fd_ = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
    return xsc_fd_ >= 0 ? 0 : -1;
}

static inline void xsc_close(void)
{
    if (xsc_fd_ >= 0)
        close(xsc_fd_);
    xsc_fd_ = -1;
}

static inline int xsc_io_(int write_dir, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = write_dir ? write(xsc_fd_, p, len) : read(xsc_fd_, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EPIPE;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static inline int xsc_errno_(const char *s)
{
    static const struct { const char *n; int e; } t[] = {
        { "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EINVAL", EINVAL },
        { "EEXIST", EEXIST }, { "EAGAIN", EAGAIN }, { "ENOSPC", ENOSPC },
        { "EISDIR", EISDIR }, { "EBUSY", EBUSY }, { "EROFS", EROFS },
        { "E2BIG", E2BIG }, { "ENOMEM", ENOMEM }, { "EPERM", EPERM },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(s, t[i].n))
            return t[i].e;
    return EIO;
}

/* One request/reply.  The reply payload is copied (NUL-terminated) into
 * out (if non-NULL).  Returns the payload length or -1/errno. */
static inline int xsc_request_(uint32_t type, const void *p1, size_t l1,
                               const void *p2, size_t l2, char *out,
                               size_t outlen)
{
    char msg[sizeof(struct xsc_hdr) + XSC_PAYLOAD_MAX];
    struct xsc_hdr h = { type, ++xsc_req_, 0, (uint32_t)(l1 + l2) };
    if (xsc_open() < 0)
        return -1;
    if (l1 + l2 > XSC_PAYLOAD_MAX) {
        errno = E2BIG;
        return -1;
    }
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, p1, l1);
    if (l2)
        memcpy(msg + sizeof h + l1, p2, l2);
    /* /dev/xen/xenbus wants a whole message per write() */
    if (xsc_io_(1, msg, sizeof h + l1 + l2) < 0)
        return -1;
    for (;;) {
        struct xsc_hdr r;
        char body[XSC_PAYLOAD_MAX + 1];
        if (xsc_io_(0, &r, sizeof r) < 0)
            return -1;
        if (r.len > XSC_PAYLOAD_MAX) {
            errno = EIO;
            return -1;
        }
        if (xsc_io_(0, body, r.len) < 0)
            return -1;
        body[r.len] = 0;
        if (r.type == XSC_WATCH_EVENT)
            continue; /* we do not use watches; drop stray events */
        if (r.type == XSC_ERROR) {
            errno = xsc_errno_(body);
            return -1;
        }
        if (out && outlen) {
            size_t n = r.len < outlen - 1 ? r.len : outlen - 1;
            memcpy(out, body, n);
            out[n] = 0;
        }
        return (int)r.len;
    }
}

static inline int xsc_write(const char *path, const char *value)
{
    return xsc_request_(XSC_WRITE, path, strlen(path) + 1, value,
                        strlen(value), NULL, 0) < 0 ? -1 : 0;
}

static inline int xsc_read(const char *path, char *buf, size_t len)
{
    return xsc_request_(XSC_READ, path, strlen(path) + 1, NULL, 0, buf, len);
}

static inline int xsc_rm(const char *path)
{
    return xsc_request_(XSC_RM, path, strlen(path) + 1, NULL, 0, NULL, 0) < 0
               ? -1 : 0;
}

static inline int xsc_wait(const char *path, char *buf, size_t len,
                           int timeout_ms)
{
    struct timespec t0, t1, d = { 0, 50 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int n = xsc_read(path, buf, len);
        if (n >= 0 || errno != ENOENT)
            return n;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 +
                  (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms >= timeout_ms) {
            errno = ETIMEDOUT;
            return -1;
        }
        nanosleep(&d, NULL);
    }
}

static inline int xsc_domid(void)
{
    char b[16];
    if (xsc_read("domid", b, sizeof b) < 0)
        return -1;
    return atoi(b);
}

__attribute__((format(printf, 3, 4)))
static inline int xsc_sprintf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

/*
 * Session helpers for two-domain tests.  The VM /init exports
 *   XSVM_SESSION     e.g. "vmtest/xshello/ours" (same on both sides)
 *   XSVM_PEER_DOMID  (dom0 side only) the guest's domid
 *   XSVM_TIMEOUT_MS  how long to wait for the other side (default 30000)
 * Both sides address the guest's /local/domain/<guest>/data/<session>/.
 * xsc_key() builds that path for a key name (dom0: absolute, guest:
 * relative).
 */
static inline const char *xsc_key(const char *key)
{
    static char ring[8][256];
    static unsigned idx;
    char *b = ring[idx++ % 8];
    const char *sess = getenv("XSVM_SESSION");
    const char *peer = getenv("XSVM_PEER_DOMID");
    if (!sess || !*sess)
        sess = "vmtest/default";
    if (peer && *peer)
        snprintf(b, sizeof ring[0], "/local/domain/%s/data/%s/%s", peer, sess,
                 key);
    else
        snprintf(b, sizeof ring[0], "data/%s/%s", sess, key);
    return b;
}

static inline int xsc_timeout_ms(void)
{
    const char *t = getenv("XSVM_TIMEOUT_MS");
    return t && *t ? atoi(t) : 30000;
}

#endif
