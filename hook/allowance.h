/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime allowance: what a container runtime does between loading the
 * container's seccomp filter and exec'ing the container's program (its init
 * before the container's process starts, `RUNTIME exec` before the exec'd
 * program starts). Those calls go through the filter, so a profile must allow
 * them for the container to start at all; they are the runtime's, not the
 * workload's, and differ between runtimes and noNewPrivileges settings.
 *
 * A traced profile holds them as a rule of its own (comment "runtime
 * allowance ..."), the same bytes whatever the workload did; which runtimes
 * it covers is the --runtime-allowance option of hook and run (an argp
 * child): every runtime seccomp-trace knows (default), the recording
 * runtime only, a list of runtimes and profiles measured by
 * `seccomp-trace allowance`, or none. The built-in allowances are data in
 * allowance.c. */
#ifndef ST_ALLOWANCE_H
#define ST_ALLOWANCE_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"
#include "syscalls.h"

/* How the comment of a profile's allowance rule starts ("runtime allowance
 * (seccomp-trace): what runc, crun may do ..."): how a reader tells it. */
#define ST_ALLOWANCE_COMMENT "runtime allowance (seccomp-trace)"

/* What --runtime-allowance chose. Zeroed: the default (every built-in
 * runtime). */
struct st_allowance_opts {
	bool set;	   /* the option was given */
	bool none;	   /* "none": no allowance rule at all */
	unsigned runtimes; /* bit per built-in runtime (st_allowance_runtime) */
	char **files;	   /* profiles measured by `seccomp-trace allowance` */
	size_t n_files;
	char **file_names; /* the names those allow, after st_allowance_load */
	size_t n_file_names;
};

/* The option as an argp child; its input (state->child_inputs) is a struct
 * st_allowance_opts. */
extern const struct argp st_allowance_argp;
#define ST_ALLOWANCE_CHILD                                                                         \
	{                                                                                          \
		&st_allowance_argp, 0, "Runtime allowance:", 2                                     \
	}

/* Parse one --runtime-allowance value into o (which it replaces): "all",
 * "recording", "none", or a comma-separated list of built-in runtime names
 * and paths (with a '/') of profiles. */
int st_allowance_parse(struct st_allowance_opts *o, const char *arg, struct st_error *err);
/* Read the profiles o names (once, before tracing: a bad file fails early):
 * the names their unconditional allow rules hold. */
int st_allowance_load(struct st_allowance_opts *o, struct st_error *err);
void st_allowance_free(struct st_allowance_opts *o);

/* Built-in runtimes: name of the i-th (NULL past the last). */
const char *st_allowance_runtime(unsigned i);
/* The built-in allowance of runtime i (both noNewPrivileges settings, exec
 * included), sorted and unique: a new string vector (strv.h). */
int st_allowance_builtin(unsigned i, char ***names, size_t *n, struct st_error *err);

/* Add the allowance rule to p: the names o chooses, plus those in observed
 * (what the recording runtime was seen doing under its filter; may be NULL)
 * that the choice lacks, which are logged; nothing with "none". Names p
 * denies or allows only under conditions (a base profile, --args) stay as p
 * has them and are logged; a rule p already has is not added twice. Each
 * syscall is listed once: the rule's names leave the unconditional allow
 * rules the trace added to p (those from index first_own on: a base's rules
 * come before and stay as they are). */
int st_allowance_add_rule(struct st_profile *p, size_t first_own, const struct st_allowance_opts *o,
			  const struct st_sysset *observed, struct st_error *err);
/* The same, and *allowed (may be NULL) gets the rule's syscalls, in the
 * native ABI (for provenance reports: what the profile allows unseen). */
int st_allowance_add_rule_set(struct st_profile *p, size_t first_own,
			      const struct st_allowance_opts *o, const struct st_sysset *observed,
			      struct st_sysset *allowed, struct st_error *err);

#endif
