/* SPDX-License-Identifier: Apache-2.0 */
/* A profile from a trace: the syscalls seen named through libseccomp and
 * allowed, in a fresh allow-list profile or added to a base profile without
 * widening what the base says about any syscall. */
#ifndef ST_PROFILE_TRACE_H
#define ST_PROFILE_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"
#include "syscalls.h"

/* Names of the syscalls in seen, sorted and unique; numbers libseccomp cannot
 * name are reported through unknown (may be NULL) as "abi:nr" and skipped. */
int st_sysset_names(const struct st_sysset *seen, char ***names, size_t *n,
		    void (*unknown)(void *ctx, unsigned abi, unsigned nr), void *ctx,
		    struct st_error *err);

/* Add what a trace saw to p, which is either empty (a fresh profile) or a base
 * profile: an allow-list results (a default under which calls can run, ALLOW,
 * LOG, TRACE or NOTIFY, becomes ERRNO); rules
 * the base has for a syscall are never widened or overridden; arches seen are
 * added to `architectures` or, when the base has one, to `archMap`. */
int st_profile_add_trace(struct st_profile *p, char *const *names, size_t n_names,
			 const struct st_sysset *seen, st_merge_note_fn note, void *ctx,
			 struct st_error *err);

/* A fresh allow-list profile for a trace. */
int st_profile_from_trace(const struct st_sysset *seen, char *const *names, size_t n_names,
			  struct st_profile **out, struct st_error *err);

/* The profile for a trace: a fresh one, or base itself (still the caller's)
 * with the trace added. Logs what it could not name or would not widen. */
int st_profile_build(const struct st_sysset *seen, struct st_profile *base, struct st_profile **out,
		     struct st_error *err);

/* The same, and with args (--args) the syscalls whose argument values were
 * recorded get one conditional rule per value instead of a plain name. */
int st_profile_build_args(const struct st_sysset *seen, const struct st_arg_values *args,
			  struct st_profile *base, struct st_profile **out, struct st_error *err);

/* The time calls every traced profile allows (st_sysset_add_time_calls),
 * added to set with the reason in the log (info). */
void st_trace_add_time_calls(struct st_sysset *set);

#endif
