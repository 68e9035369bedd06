/* SPDX-License-Identifier: Apache-2.0 */
/* Collecting a trace: the first sightings the program sends through the
 * slot's ring buffer build the syscall sets and say who made each call
 * first; at the end they are checked against the kernel's bitmaps, the
 * ground truth, and the argument values the kernel kept are read. */
#ifndef ST_TRACER_COLLECT_H
#define ST_TRACER_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "seccomp_trace.h"
#include "tracer.h"

struct st_collector {
	uint32_t inum; /* the target's: events of the slot's earlier targets are not ours */
	bool armed;    /* events before arming are a previous tracer's */
	struct st_trace_result res;
	size_t cap_firsts;
};

/* libbpf ring_buffer callback; ctx is a struct st_collector. Resolves the
 * caller's executable while it still runs (best effort). */
int st_collect_event(void *ctx, void *data, size_t size);

/* Bits of the kernel's bitmaps that have not arrived (yet). */
unsigned st_collect_missing(const struct st_collector *c, const struct st_target *kernel);

/* After the last event was consumed: fail if events were lost or if a bit of
 * the kernel's bitmaps never arrived (never an incomplete set), else move
 * the sets, the init's state, the counts and the argument values to *out
 * (the collector keeps nothing). */
int st_collect_finish(struct st_collector *c, const struct st_target *kernel,
		      struct st_trace_result *out, struct st_error *err);

/* What the collector holds, freed. */
void st_collect_free(struct st_collector *c);

#endif
