/* SPDX-License-Identifier: Apache-2.0 */
/* A tracer's slot in the shared program: its index (an OFD lock on that byte
 * of the build's lock file, released by the kernel even if the tracer is
 * killed), the slot's ring buffer in `rings[index]` (kept for the slot's next
 * tracer) and the target entry the tracer adds to `targets`. Calls marked
 * "locked" run under the set-up lock (st_pins_lock). */
#ifndef ST_TRACER_SLOT_H
#define ST_TRACER_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "seccomp_trace.h"
#include "tracer_pins.h"

struct st_target_spec;

struct st_slot {
	uint32_t index;
	int ring_fd; /* -1 when not open */
	bool claimed;
	bool armed; /* key is in `targets` */
	struct st_key key;
	uint32_t flags; /* the target's ST_TARGET_* */
};

/* Locked: the first free slot of ST_MAX_TARGETS. */
int st_slot_claim(struct st_slot *s, const struct st_pins *p, struct st_error *err);
/* Locked: remove the target entries of tracers that died (their slot lock is
 * gone), which would send a namespace's syscalls to whoever claims the slot
 * next. */
void st_slot_remove_stale(const struct st_slot *s, const struct st_pins *p);
/* Locked: the slot's ring buffer, the one a previous tracer of the slot
 * installed or a new one; ring_fd is set. */
int st_slot_ring(struct st_slot *s, const struct st_pins *p, struct st_error *err);
/* Locked: add the target; the kernel filters for it once this returns. A
 * PID namespace already traced for another container (a shared one) is
 * traced for this one by its mount namespace, spec->mntns. viewer_pidns: the
 * tracer's PID namespace, 0 for the host's (spec's PIDs are numbered there). */
int st_slot_arm(struct st_slot *s, const struct st_pins *p, const struct st_target_spec *spec,
		uint32_t viewer_pidns, struct st_error *err);
/* The program stops recording the armed target (it counts the calls it
 * leaves out in after_end); a few runs that started before may still add
 * to it for microseconds. Without the lock: the slot's bit is ours. */
void st_slot_freeze(const struct st_slot *s, const struct st_pins *p);
/* The kernel's state of the armed target. */
int st_slot_read_target(const struct st_slot *s, const struct st_pins *p, struct st_target *out,
			struct st_error *err);
/* Locked: remove the target and release the slot (the ring stays open:
 * the caller unmaps and closes it). */
void st_slot_release(struct st_slot *s, const struct st_pins *p);

#endif
