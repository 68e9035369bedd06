/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp profile model (Docker/OCI JSON), built from traces and merged
 * with base profiles. Fields this model does not know are kept verbatim. */
#ifndef ST_PROFILE_H
#define ST_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* A JSON member this model does not interpret, written back as it came. */
struct st_extra {
	char *key;
	yajl_val val; /* owned copy */
};

struct st_extras {
	struct st_extra *v;
	size_t n;
};

struct st_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	bool has_value_two;
	bool missing_index, missing_value; /* absent from the JSON: runtimes read 0 */
	char *op;
	struct st_extras extras;
};

/* `includes` / `excludes` of a rule. */
struct st_filter {
	char **arches;
	size_t n_arches;
	bool has_arches;
	char **caps;
	size_t n_caps;
	bool has_caps;
	char *min_kernel;
	struct st_extras extras;
};

struct st_rule {
	char **names;
	size_t n_names;
	bool old_name; /* Docker's pre-1.13 "name": "x" form */
	char *action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct st_arg *args;
	size_t n_args;
	bool has_args; /* "args" present, even if empty */
	char *comment;
	struct st_filter *includes; /* NULL when absent */
	struct st_filter *excludes;
	struct st_extras extras;
};

struct st_archmap {
	char *arch;
	char **subs;
	size_t n_subs;
	bool has_subs;
	struct st_extras extras;
};

struct st_profile {
	char *default_action;
	bool has_default_errno;
	uint32_t default_errno_ret;
	char **architectures;
	size_t n_architectures;
	bool has_architectures;
	struct st_archmap *archmap;
	size_t n_archmap;
	bool has_archmap;
	struct st_rule *rules;
	size_t n_rules;
	bool has_syscalls;
	struct st_extras extras;
};

/* The largest errno a profile can give: libseccomp 2.5.4 refuses
 * SCMP_ACT_ERRNO(n) for n >= 4095 (runc, crun, podman and containerd then
 * refuse the profile; tests/check_runtimes.json). */
#define ST_MAX_ERRNO_RET 4094
#define ST_ACT_ALLOW "SCMP_ACT_ALLOW"
#define ST_ACT_ERRNO "SCMP_ACT_ERRNO"

struct st_profile *st_profile_new(void);
void st_profile_free(struct st_profile *p);
void st_profile_freep(struct st_profile **p);
#define cleanup_profile __attribute__((cleanup(st_profile_freep)))
void st_rule_clear(struct st_rule *r);
void st_extras_clear(struct st_extras *e);

/* True if an includes/excludes names arches, caps or a minKernel (NULL: no). */
bool st_filter_is_set(const struct st_filter *f);
/* True if the rule applies only under args, includes or excludes conditions. */
bool st_rule_is_conditional(const struct st_rule *r);
/* What an action lets a workload do with the call (the kernel's
 * Documentation/userspace-api/seccomp_filter.rst, runc's and crun's mapping
 * of the names), from the least to the most: */
enum st_action_kind {
	ST_KIND_DENY, /* KILL*, TRAP, ERRNO: the call never runs */
	/* TRACE: runs when a tracer with PTRACE_O_TRACESECCOMP continues it
	 * (the workload itself, when its profile lets it ptrace; ENOSYS only
	 * without a tracer); NOTIFY: runs when the listener says CONTINUE.
	 * Also an unknown action (runtimes refuse it): cannot be told. */
	ST_KIND_MAY_RUN,
	ST_KIND_RUNS, /* ALLOW, LOG */
};
enum st_action_kind st_action_kind(const char *action);
/* True for actions under which the call proceeds for sure (ALLOW, LOG). */
bool st_action_allows(const char *action);
/* True for actions under which the call can proceed: ALLOW, LOG, TRACE,
 * NOTIFY (and unknown names). */
bool st_action_may_run(const char *action);
/* For an action of ST_KIND_MAY_RUN, when the call runs after all ("when a
 * tracer continues it ..."), for messages; NULL for the other kinds. */
const char *st_action_runs_when(const char *action);
/* Whether moving a call from action `from` to action `to` can let a workload
 * run it where it could not before: a higher kind, or another action of
 * ST_KIND_MAY_RUN (a tracer and an agent decide differently). */
bool st_action_widens(const char *from, const char *to);

/* Append a rule (copied shallowly: the profile takes ownership of its members). */
int st_profile_add_rule(struct st_profile *p, struct st_rule *r, struct st_error *err);

/* What a trace merge did with each syscall seen, for the log. */
enum st_merge_outcome {
	ST_MERGE_ADDED,	      /* new unconditional allow */
	ST_MERGE_COVERED,     /* the base already allows it unconditionally */
	ST_MERGE_BLOCKED,     /* the base has a rule that does not allow it: kept */
	ST_MERGE_CONDITIONAL, /* the base allows it only under conditions: kept */
	ST_MERGE_OVERRIDDEN,  /* the base denied it; allowed now (merge --allow-wins) */
};

typedef void (*st_merge_note_fn)(void *ctx, const char *name, enum st_merge_outcome what,
				 const struct st_rule *rule);

/* Allow names unconditionally where p has no rule for them yet. A name p
 * allows only under conditions stays so; one p denies stays denied unless
 * allow_wins. New names go into one sorted rule appended at the end. */
int st_profile_allow_names(struct st_profile *p, char *const *names, size_t n_names,
			   bool allow_wins, st_merge_note_fn note, void *ctx, struct st_error *err);
/* Take name out of p's unconditional rules that allow it (allowing) or deny
 * it (!allowing); a rule left without names goes (never an empty list). */
void st_profile_drop_name(struct st_profile *p, const char *name, bool allowing);
/* The same for every name of names[0..n), in the rules from index first on. */
void st_profile_drop_names(struct st_profile *p, size_t first, char *const *names, size_t n,
			   bool allowing);
/* Make arch part of the profile's arch set: `architectures`, or `archMap`
 * when the profile has one (never both). */
int st_profile_add_arch(struct st_profile *p, const char *arch, struct st_error *err);

/* Every arch p names (architectures, archMap entries and their
 * sub-architectures), once each, in order: a new string vector (strv.h). */
int st_profile_arch_set(const struct st_profile *p, char ***v, size_t *n, struct st_error *err);

/* How p's rules treat one syscall; *which is the deciding rule, if any. */
enum st_merge_outcome st_profile_classify(const struct st_profile *p, const char *name,
					  const struct st_rule **which);

/* The errno numbered by its name ("ENOSYS" -> 38), from glibc's
 * strerrorname_np (the names podman's "errno" fields take); -1 when unknown. */
int st_errno_by_name(const char *name);

#endif
