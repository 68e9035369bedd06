/* SPDX-License-Identifier: Apache-2.0 */
/* Convergence of repeated traces (merge --stats): what each input of a merge
 * lets through beyond the inputs before it, in the order given. The merged
 * profile does not depend on that order; this does, by definition: give the
 * runs oldest first, and "the last N inputs added nothing" means the last N
 * runs found nothing new.
 *
 * Counted from the inputs' rules under which a call can run (SCMP_ACT_ALLOW,
 * SCMP_ACT_LOG, and SCMP_ACT_TRACE and SCMP_ACT_NOTIFY, whose tracer or
 * agent may let it run):
 *  - a syscall is new when no earlier input lets it through in any way;
 *  - an argument value is new when a syscall that an earlier input lets
 *    through only under other conditions gets a conditional rule with
 *    conditions (args, includes, excludes) none of them had, or an
 *    unconditional allow (which lets every value through).
 * Denials add nothing; an allow-all defaultAction is not counted. */
#ifndef ST_PROFILE_GAIN_H
#define ST_PROFILE_GAIN_H

#include <stddef.h>

#include "error.h"
#include "fileio.h"
#include "profile.h"

/* A new argument value: a syscall's conditional rule, or "" for a syscall
 * now let through unconditionally. */
struct st_gain_value {
	char *name;
	char *cond; /* profile_ops.h: st_rule_conditions() */
};

/* What one input added. */
struct st_gain {
	const char *input; /* its name, the caller's */
	char **syscalls;   /* the new syscalls, sorted */
	size_t n_syscalls;
	struct st_gain_value *values; /* by name, then conditions */
	size_t n_values;
	size_t total_syscalls; /* after it: syscalls let through by it and those before */
	size_t total_values;   /* after it: conditional rules (name, conditions) */
};

struct st_gains {
	struct st_gain *v;
	size_t n;
	size_t unchanged_tail; /* the last inputs that added nothing */
};

/* The gains of in[0..n) (names[i] names in[i]). */
int st_gains_compute(const struct st_profile *const *in, const char *const *names, size_t n,
		     struct st_gains *out, struct st_error *err);
void st_gains_free(struct st_gains *g);

/* One line per input and a verdict, at info level (merge's stderr); nothing
 * for fewer than two inputs. */
void st_gains_log(const struct st_gains *g);
/* The same as JSON (malloc'ed text). */
int st_gains_json(const struct st_gains *g, char **out, size_t *len, struct st_error *err);
/* Files that hold merge statistics (JSON with "seccompTraceConvergence"):
 * what st_outfile_write may replace. */
extern const struct st_outfile_kind st_gains_kind;

#endif
