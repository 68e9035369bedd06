// SPDX-License-Identifier: Apache-2.0
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "strv.h"
#include "syscalls.h"
#include "util.h"

void st_extras_clear(struct st_extras *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].key);
		yajl_tree_free(e->v[i].val);
	}
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

static void filter_free(struct st_filter *f)
{
	if (!f)
		return;
	strv_free(f->arches, f->n_arches);
	strv_free(f->caps, f->n_caps);
	free(f->min_kernel);
	st_extras_clear(&f->extras);
	free(f);
}

void st_rule_clear(struct st_rule *r)
{
	strv_free(r->names, r->n_names);
	free(r->action);
	for (size_t i = 0; i < r->n_args; i++) {
		free(r->args[i].op);
		st_extras_clear(&r->args[i].extras);
	}
	free(r->args);
	free(r->comment);
	filter_free(r->includes);
	filter_free(r->excludes);
	st_extras_clear(&r->extras);
	memset(r, 0, sizeof(*r));
}

struct st_profile *st_profile_new(void)
{
	return calloc(1, sizeof(struct st_profile));
}

void st_profile_free(struct st_profile *p)
{
	if (!p)
		return;
	free(p->default_action);
	strv_free(p->architectures, p->n_architectures);
	for (size_t i = 0; i < p->n_archmap; i++) {
		free(p->archmap[i].arch);
		strv_free(p->archmap[i].subs, p->archmap[i].n_subs);
		st_extras_clear(&p->archmap[i].extras);
	}
	free(p->archmap);
	for (size_t i = 0; i < p->n_rules; i++)
		st_rule_clear(&p->rules[i]);
	free(p->rules);
	st_extras_clear(&p->extras);
	free(p);
}

bool st_filter_is_set(const struct st_filter *f)
{
	return f && (f->n_arches || f->n_caps || (f->min_kernel && *f->min_kernel));
}

/* A member this model does not know may restrict the rule as well. */
void st_profile_freep(struct st_profile **p)
{
	st_profile_free(*p);
}

static bool filter_may_restrict(const struct st_filter *f)
{
	return st_filter_is_set(f) || (f && f->extras.n);
}

bool st_rule_is_conditional(const struct st_rule *r)
{
	return r->n_args || filter_may_restrict(r->includes) || filter_may_restrict(r->excludes);
}

enum st_action_kind st_action_kind(const char *action)
{
	static const char *const deny[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
					   "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", ST_ACT_ERRNO};

	if (!action)
		return ST_KIND_MAY_RUN;
	if (!strcmp(action, ST_ACT_ALLOW) || !strcmp(action, "SCMP_ACT_LOG"))
		return ST_KIND_RUNS;
	for (size_t i = 0; i < ARRAY_SIZE(deny); i++)
		if (!strcmp(action, deny[i]))
			return ST_KIND_DENY;
	return ST_KIND_MAY_RUN;
}

bool st_action_allows(const char *action)
{
	return action && st_action_kind(action) == ST_KIND_RUNS;
}

bool st_action_may_run(const char *action)
{
	return st_action_kind(action) != ST_KIND_DENY;
}

const char *st_action_runs_when(const char *action)
{
	if (st_action_kind(action) != ST_KIND_MAY_RUN)
		return NULL;
	if (!strcmp(action, "SCMP_ACT_TRACE"))
		return "when a tracer with PTRACE_O_TRACESECCOMP continues it, the workload "
		       "itself if its profile lets it ptrace; ENOSYS only without a tracer";
	if (!strcmp(action, "SCMP_ACT_NOTIFY"))
		return "when the agent at listenerPath answers CONTINUE";
	return "an unknown action: runtimes refuse it, what it lets run cannot be told";
}

bool st_action_widens(const char *from, const char *to)
{
	enum st_action_kind kf = st_action_kind(from), kt = st_action_kind(to);

	if (kt != kf)
		return kt > kf;
	return kt == ST_KIND_MAY_RUN && (!from || !to || strcmp(from, to));
}

int st_profile_add_rule(struct st_profile *p, struct st_rule *r, struct st_error *err)
{
	struct st_rule *nr = realloc(p->rules, (p->n_rules + 1) * sizeof(*nr));

	if (!nr)
		return st_error_set(err, ENOMEM, "cannot add a profile rule");
	p->rules = nr;
	p->rules[p->n_rules++] = *r;
	memset(r, 0, sizeof(*r));
	p->has_syscalls = true;
	return 0;
}

int st_profile_add_arch(struct st_profile *p, const char *arch, struct st_error *err)
{
	const char *native = st_abi_arch_name(ST_ABI_NATIVE);
	struct st_archmap *home = NULL, *nm;

	if (!p->has_archmap) {
		p->has_architectures = true;
		if (strv_has(p->architectures, p->n_architectures, arch))
			return 0;
		return strv_append(&p->architectures, &p->n_architectures, arch, err);
	}
	/* Never both lists: an archMap gains the arch as a sub-architecture of
	 * the native entry, or as an entry of its own. */
	for (size_t i = 0; i < p->n_archmap; i++) {
		struct st_archmap *m = &p->archmap[i];

		if (!strcmp(m->arch, arch) || strv_has(m->subs, m->n_subs, arch))
			return 0;
		if (native && !strcmp(m->arch, native))
			home = m;
	}
	if (home) {
		home->has_subs = true;
		return strv_append(&home->subs, &home->n_subs, arch, err);
	}
	nm = realloc(p->archmap, (p->n_archmap + 1) * sizeof(*nm));
	if (!nm)
		return st_error_set(err, ENOMEM, "cannot add arch %s", arch);
	p->archmap = nm;
	memset(&nm[p->n_archmap], 0, sizeof(*nm));
	if (!(nm[p->n_archmap].arch = strdup(arch)))
		return st_error_set(err, ENOMEM, "cannot add arch %s", arch);
	p->n_archmap++;
	return 0;
}

/* How the existing rules treat one syscall. */
enum st_merge_outcome st_profile_classify(const struct st_profile *p, const char *name,
					  const struct st_rule **which)
{
	const struct st_rule *blocked = NULL, *conditional = NULL;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];

		if (!strv_has(r->names, r->n_names, name))
			continue;
		if (st_action_allows(r->action) && !st_rule_is_conditional(r)) {
			*which = r;
			return ST_MERGE_COVERED;
		}
		if (!st_action_allows(r->action) && !st_rule_is_conditional(r))
			blocked = blocked ? blocked : r;
		else
			conditional = conditional ? conditional : r;
	}
	*which = blocked ? blocked : conditional;
	if (blocked)
		return ST_MERGE_BLOCKED;
	return conditional ? ST_MERGE_CONDITIONAL : ST_MERGE_ADDED;
}

void st_profile_drop_names(struct st_profile *p, size_t first, char *const *names, size_t n,
			   bool allowing)
{
	size_t out = first;

	for (size_t i = first; i < p->n_rules; i++) {
		struct st_rule *r = &p->rules[i];

		if (st_action_allows(r->action) == allowing && !st_rule_is_conditional(r)) {
			size_t k = 0;

			for (size_t j = 0; j < r->n_names; j++) {
				if (strv_has(names, n, r->names[j]))
					free(r->names[j]);
				else
					r->names[k++] = r->names[j];
			}
			r->n_names = k;
			if (r->names)
				r->names[k] = NULL;
			if (!k) {
				st_rule_clear(r);
				continue;
			}
		}
		p->rules[out++] = *r;
	}
	p->n_rules = out;
}

void st_profile_drop_name(struct st_profile *p, const char *name, bool allowing)
{
	char *v[] = {(char *)name};

	st_profile_drop_names(p, 0, v, 1, allowing);
}

int st_profile_allow_names(struct st_profile *p, char *const *names, size_t n_names,
			   bool allow_wins, st_merge_note_fn note, void *ctx, struct st_error *err)
{
	struct st_rule rule = {0};

	for (size_t i = 0; i < n_names; i++) {
		const struct st_rule *which = NULL;
		enum st_merge_outcome what = st_profile_classify(p, names[i], &which);

		if (what == ST_MERGE_BLOCKED && allow_wins) {
			if (note)
				note(ctx, names[i], ST_MERGE_OVERRIDDEN, which);
			st_profile_drop_name(p, names[i], false);
			what = ST_MERGE_ADDED;
		} else if (note) {
			note(ctx, names[i], what, which);
		}
		if (what == ST_MERGE_ADDED &&
		    strv_add_unique(&rule.names, &rule.n_names, names[i], err) < 0) {
			st_rule_clear(&rule);
			return -1;
		}
	}
	if (!rule.n_names) /* never a rule with an empty names list */
		return 0;
	strv_sort(rule.names, rule.n_names);
	if (!(rule.action = strdup(ST_ACT_ALLOW))) {
		st_rule_clear(&rule);
		return st_error_set(err, ENOMEM, "cannot build profile");
	}
	if (st_profile_add_rule(p, &rule, err) < 0) {
		st_rule_clear(&rule);
		return -1;
	}
	return 0;
}

int st_profile_arch_set(const struct st_profile *p, char ***out, size_t *n_out,
			struct st_error *err)
{
	cleanup_strv char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < p->n_architectures; i++)
		if (strv_add_unique(&v, &n, p->architectures[i], err) < 0)
			return -1;
	for (size_t i = 0; i < p->n_archmap; i++) {
		const struct st_archmap *m = &p->archmap[i];

		if (strv_add_unique(&v, &n, m->arch, err) < 0)
			return -1;
		for (size_t j = 0; j < m->n_subs; j++)
			if (strv_add_unique(&v, &n, m->subs[j], err) < 0)
				return -1;
	}
	*out = st_steal(v);
	*n_out = n;
	return 0;
}

int st_errno_by_name(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return -1;
}
