/* Collecting a trace: the first sightings the program sends through the
 * slot's ring buffer build the syscall sets; at the end they are checked
 * against the kernel's bitmaps, the ground truth, and the argument values
 * the kernel kept are read. */
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
};

/* libbpf ring_buffer callback; ctx is a struct st_collector. */
int st_collect_event(void *ctx, void *data, size_t size);

/* After the last event was consumed: fail if events were lost or if a bit of
 * the kernel's bitmaps never arrived (never an incomplete set), else fill out
 * with the sets, the scope's state and the argument values. */
int st_collect_finish(struct st_collector *c, const struct st_target *kernel,
		      struct st_trace_result *out, struct st_error *err);

#endif
