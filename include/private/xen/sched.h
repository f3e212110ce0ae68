/*
 * xen/sched.h - scheduler operations in libxenstable's bundled Xen public
 * interface: SCHEDOP_* and the SHUTDOWN_* reason codes (used e.g. with
 * xendevicemodel_shutdown()).
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_SCHED_H__
#define __XEN_PUBLIC_SCHED_H__

#include "event_channel.h"

#define SCHEDOP_yield            0
#define SCHEDOP_block            1
#define SCHEDOP_shutdown         2
#define SCHEDOP_poll             3
#define SCHEDOP_remote_shutdown  4
#define SCHEDOP_shutdown_code    5
#define SCHEDOP_watchdog         6
#define SCHEDOP_pin_override     7

#ifndef __ASSEMBLY__
struct sched_shutdown {
    unsigned int reason;        /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;        /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);
#endif

/* Why a domain shut down. */
#define SHUTDOWN_poweroff    0  /* stop running; clean up */
#define SHUTDOWN_reboot      1  /* clean up, then start again */
#define SHUTDOWN_suspend     2  /* keep state for a later resume */
#define SHUTDOWN_crash       3  /* the guest crashed */
#define SHUTDOWN_watchdog    4  /* a watchdog timer fired */
#define SHUTDOWN_soft_reset  5  /* reset without tearing the domain down */
#define SHUTDOWN_MAX         5

#endif /* __XEN_PUBLIC_SCHED_H__ */
