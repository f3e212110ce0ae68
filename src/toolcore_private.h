/*
 * toolcore_private.h - the handle registry behind xentoolcore_restrict_all.
 *
 * SPDX-License-Identifier: LGPL-2.1-only
 *
 * Not installed, but ABI all the same: Debian's libxenstore.so.4 (and
 * any library built like it) embeds a Xentoolcore__Active_Handle in its
 * own handle and calls the xentoolcore__* functions below.  The record
 * layout (callback at 0, list links at 8 and 16 on LP64) and the three
 * symbols at their released version must therefore never change.
 */
#ifndef XS_TOOLCORE_PRIVATE_H
#define XS_TOOLCORE_PRIVATE_H

#include <xentoolcore.h>

typedef struct Xentoolcore__Active_Handle Xentoolcore__Active_Handle;

/*
 * Called with the registry lock held.  Returns 0 on success, or -1 with
 * errno set (the public convention, because callbacks may live in other
 * libraries).  A callback must not register or deregister handles.
 */
typedef int Xentoolcore__Restrict_Callback(Xentoolcore__Active_Handle *ah,
                                           domid_t domid);

struct Xentoolcore__Active_Handle {
    Xentoolcore__Restrict_Callback *restrict_callback;
    /* BSD LIST_ENTRY layout, as upstream's xen_list.h */
    struct {
        Xentoolcore__Active_Handle *le_next;
        Xentoolcore__Active_Handle **le_prev;
    } entry;
};

void xentoolcore__register_active_handle(Xentoolcore__Active_Handle *ah);
void xentoolcore__deregister_active_handle(Xentoolcore__Active_Handle *ah);

/*
 * Make fd useless by putting /dev/null in its place (for kernel
 * interfaces that cannot be narrowed to one domain).  fd < 0 is a no-op.
 * Returns 0, or -1 with errno set.
 */
int xentoolcore__restrict_by_dup2_null(int fd);

/*
 * Store a registered handle's new descriptor in *slot under the registry
 * lock.  Handles register before their device is opened, and the restrict
 * callbacks read the descriptor under that lock: a plain store would race
 * with a concurrent xentoolcore_restrict_all() (found by ThreadSanitizer,
 * tests/robust/test-threads.c).
 */
void xs__toolcore_publish_fd(int *slot, int fd);

/*
 * Run one registered handle's restrict callback, as restrict_all does:
 * under the registry lock, which callbacks rely on to read descriptors
 * that xs__toolcore_publish_fd() may be storing concurrently.  Returns
 * the callback's result (0, or -1 with errno set).
 */
int xs__toolcore_restrict_one(Xentoolcore__Active_Handle *ah, domid_t domid);

#endif /* XS_TOOLCORE_PRIVATE_H */
