/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * dm2dom.h - what dm2dom.c (dom0, the device model) and dm2dom-peer.c
 * (the guest) agree on: the address dom0's ioreq server claims, the
 * values of the round trip, and on Arm the SPI dom0 raises.
 */
#ifndef XSVM_DM2DOM_H
#define XSVM_DM2DOM_H

#include "vtarch.h"

#if VT_ARM
/*
 * Arm guests have no port I/O: a word of the virtio-mmio window
 * (GUEST_VIRTIO_MMIO_BASE, xen/include/public/arch-arm.h), where no
 * device is unless a device model claims it.
 */
#define DM2_ADDR       0x02000000UL
#define DM2_SIZE       4
#define DM2_IOREQ_TYPE 1 /* IOREQ_TYPE_COPY: MMIO */
#define DM2_RANGE_TYPE 1 /* XEN_DMOP_IO_RANGE_MEMORY */
#else
#define DM2_ADDR       0x2345UL /* an I/O port nothing uses */
#define DM2_SIZE       1
#define DM2_IOREQ_TYPE 0 /* IOREQ_TYPE_PIO */
#define DM2_RANGE_TYPE 0 /* XEN_DMOP_IO_RANGE_PORT */
#endif

#define DM2_READ_VALUE  0x42 /* what the server answers a read */
#define DM2_WRITE_VALUE 0x77 /* what the guest writes */

/* Arm: the SPI dom0 raises with set_irq_level, and its name in the
 * guest's /proc/interrupts (its device: tests/vm/harness/fdt.py) */
#define DM2_SPI       40
#define DM2_SPI_LABEL "xsvm-dm-irq"

#endif
