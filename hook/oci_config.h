/* SPDX-License-Identifier: Apache-2.0 */
/* What the hook reads of the bundle's config.json: the container's own
 * seccomp filter (linux.seccomp), as the runtime enforces it while the trace
 * records. Calls that filter refuses never reach the tracer (seccomp runs
 * before the sys_enter tracepoint), and the workload went on with the errno
 * they got: a profile that answers them the same way keeps its fallbacks
 * working on replay (glibc 2.39+ tries fchmodat2 and falls back to fchmodat
 * on ENOSYS only; podman's default answers ENOSYS, Docker's EPERM but ENOSYS
 * for clone3).
 *
 * config.json is written from a user's image and options: hostile input.
 * It is read bounded (ST_MAX_CONFIG_BYTES), as a regular file only, strictly
 * (a key twice, or a key that Go's encoding/json would take for a field
 * while crun would not, is refused: runtimes would disagree on it). */
#ifndef ST_OCI_CONFIG_H
#define ST_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"

/* Engines write a few KiB (podman's with its seccomp profile: 11 KiB); the
 * bound keeps what the root hook reads, parses and holds small. */
#define ST_MAX_CONFIG_BYTES (16u << 20)

/* The recording filter: what it answered calls it refused. */
struct st_recording_filter {
	bool present;		/* linux.seccomp is there */
	char *default_action;	/* its defaultAction */
	bool has_default_errno; /* defaultErrnoRet given (runtimes: EPERM otherwise) */
	uint32_t default_errno;
	char **enosys; /* names an unconditional SCMP_ACT_ERRNO rule answers ENOSYS */
	size_t n_enosys;
};

/* Read linux.seccomp from BUNDLE/config.json (bundle: the OCI state's). */
int st_recording_filter_read(const char *bundle, struct st_recording_filter *out,
			     struct st_error *err);
/* The same from the text of a config.json (what names it in errors). */
int st_recording_filter_parse(const char *text, size_t len, const char *what,
			      struct st_recording_filter *out, struct st_error *err);
void st_recording_filter_free(struct st_recording_filter *f);

/* Make p answer what the recording filter refused as it did (logged): its
 * defaultErrnoRet when p has no errno of its own (a base profile's stays),
 * and a rule answering ENOSYS for the names it refused with ENOSYS that p has
 * no rule for, unless p's default answers ENOSYS already; that rule goes at
 * index first_own, after a base's rules and before the trace's.
 * final_action: the default action p will be written with
 * (--default-action), NULL for p's own. The caller skips this when --errno
 * is given. */
int st_recording_filter_apply(const struct st_recording_filter *f, struct st_profile *p,
			      size_t first_own, const char *final_action, struct st_error *err);

#endif
