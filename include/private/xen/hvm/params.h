/*
 * xen/hvm/params.h - HVM_PARAM_* indexes (HVMOP_get_param/set_param) in
 * libxenstable's bundled Xen public interface; a commonly used subset.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 */
#ifndef __XEN_PUBLIC_HVM_PARAMS_H__
#define __XEN_PUBLIC_HVM_PARAMS_H__

#include "hvm_op.h"

#define HVM_PARAM_CALLBACK_IRQ            0
#define HVM_PARAM_STORE_PFN               1  /* xenstore ring frame */
#define HVM_PARAM_STORE_EVTCHN            2  /* xenstore event channel */
#define HVM_PARAM_IOREQ_PFN               5
#define HVM_PARAM_BUFIOREQ_PFN            6
#define HVM_PARAM_TIMER_MODE             10
#define HVM_PARAM_HPET_ENABLED           11
#define HVM_PARAM_IDENT_PT               12
#define HVM_PARAM_ACPI_S_STATE           14  /* current ACPI sleep state */
#define HVM_PARAM_CONSOLE_PFN            17
#define HVM_PARAM_CONSOLE_EVTCHN         18
#define HVM_PARAM_PAGING_RING_PFN        27
#define HVM_PARAM_IOREQ_SERVER_PFN       32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES  33

#if defined(__XEN__) || defined(__XEN_TOOLS__)
#define HVM_PARAM_PAE_ENABLED             4
#define HVM_PARAM_DM_DOMAIN              13
#define HVM_PARAM_BUFIOREQ_EVTCHN        26
#endif

#endif /* __XEN_PUBLIC_HVM_PARAMS_H__ */
