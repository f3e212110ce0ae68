/*
 * fake_xen.c - see fake_xen.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/dm_op.h>

#include "fake_xen.h"

#define MAX_PORTS 256

/* The thread tests call in from several threads. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake_xen_ops ops;
static uint32_t next_port, next_ref;
static unsigned char bound[MAX_PORTS];
static uint32_t queue[MAX_PORTS];
static int queued;

void fake_xen_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(&ops, 0, sizeof(ops));
    memset(bound, 0, sizeof(bound));
    next_port = 1;
    next_ref = 500;
    queued = 0;
    pthread_mutex_unlock(&lock);
}

void fake_xen_set(const struct fake_xen_ops *o)
{
    pthread_mutex_lock(&lock);
    ops = *o;
    pthread_mutex_unlock(&lock);
}

/* __HYPERVISOR_dm_op(domid, nr_bufs, bufs): a DM op like any other. */
static long dm_op_hypercall(const uint64_t args[5])
{
    const xen_dm_op_buf_t *list = (const xen_dm_op_buf_t *)(uintptr_t)args[2];
    struct fake_xen_buf bufs[16];

    if (args[1] == 0 || args[1] > 16)
        return -EINVAL;
    for (uint64_t i = 0; i < args[1]; i++) {
        bufs[i].ptr = list[i].h.p;
        bufs[i].size = list[i].size;
    }
    return fake_xen_dm_op((uint16_t)args[0], (unsigned int)args[1], bufs);
}

long fake_xen_hypercall(unsigned int op, const uint64_t args[5])
{
    if (op == __HYPERVISOR_dm_op)
        return dm_op_hypercall(args);
    return ops.hypercall ? ops.hypercall(op, args) : 0;
}

int fake_xen_dm_op(uint16_t domid, unsigned int nr_bufs,
                   const struct fake_xen_buf *bufs)
{
    return ops.dm_op ? ops.dm_op(domid, nr_bufs, bufs) : 0;
}

int fake_xen_map_frame(uint16_t domid, uint64_t pfn)
{
    return ops.map_frame ? ops.map_frame(domid, pfn) : 0;
}

int fake_xen_map_resource(uint16_t domid, unsigned int type, unsigned int id,
                          uint64_t frame, uint64_t *nr_frames)
{
    if (ops.map_resource)
        return ops.map_resource(domid, type, id, frame, nr_frames);
    if (*nr_frames == 0)
        *nr_frames = 4;
    return 0;
}

int fake_xen_grant_map(uint32_t domid, uint32_t ref)
{
    return ops.grant_map ? ops.grant_map(domid, ref) : 0;
}

uint32_t fake_xen_grant_share(uint32_t domid)
{
    uint32_t ref;

    (void)domid;
    pthread_mutex_lock(&lock);
    ref = next_ref++;
    pthread_mutex_unlock(&lock);
    return ref;
}

int fake_xen_evtchn_bind(void)
{
    int port = -ENOSPC;

    pthread_mutex_lock(&lock);
    if (next_port < MAX_PORTS) {
        port = (int)next_port++;
        bound[port] = 1;
    }
    pthread_mutex_unlock(&lock);
    return port;
}

int fake_xen_evtchn_notify(uint32_t port)
{
    int rc = 0;

    pthread_mutex_lock(&lock);
    if (port >= MAX_PORTS || !bound[port])
        rc = -EINVAL;
    else if (queued < MAX_PORTS)
        queue[queued++] = port;
    pthread_mutex_unlock(&lock);
    return rc;
}

int fake_xen_evtchn_unbind(uint32_t port)
{
    int rc = 0;

    pthread_mutex_lock(&lock);
    if (port >= MAX_PORTS || !bound[port])
        rc = -EINVAL;
    else
        bound[port] = 0;
    pthread_mutex_unlock(&lock);
    return rc;
}

int fake_xen_evtchn_pending(uint32_t *port)
{
    int any = 0;

    pthread_mutex_lock(&lock);
    if (queued > 0) {
        *port = queue[0];
        memmove(queue, queue + 1, (size_t)--queued * sizeof(queue[0]));
        any = 1;
    }
    pthread_mutex_unlock(&lock);
    return any;
}

int fake_xen_evtchn_npending(void)
{
    int n;

    pthread_mutex_lock(&lock);
    n = queued;
    pthread_mutex_unlock(&lock);
    return n;
}
