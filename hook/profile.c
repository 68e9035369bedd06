#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"

static void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

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

static bool filter_is_empty(const struct st_filter *f)
{
	return !f ||
	       (!f->n_arches && !f->n_caps && !(f->min_kernel && *f->min_kernel) && !f->extras.n);
}

bool st_rule_is_conditional(const struct st_rule *r)
{
	return r->n_args || !filter_is_empty(r->includes) || !filter_is_empty(r->excludes);
}

bool st_action_allows(const char *action)
{
	return action && (!strcmp(action, ST_ACT_ALLOW) || !strcmp(action, "SCMP_ACT_LOG"));
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int st_sysset_names(const struct st_sysset *seen, char ***names, size_t *n,
		    void (*unknown)(void *ctx, unsigned abi, unsigned nr), void *ctx,
		    struct st_error *err)
{
	size_t cap = st_sysset_count(seen), len = 0;
	char **v = calloc(cap + 1, sizeof(*v));

	if (!v)
		return st_error_set(err, ENOMEM, "cannot name syscalls");
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++) {
		for (unsigned nr = 0; nr < ST_MAX_SYSCALLS; nr++) {
			char *name;

			if (!st_sysset_has(seen, abi, nr))
				continue;
			name = st_syscall_name(abi, nr);
			if (!name) {
				if (unknown)
					unknown(ctx, abi, nr);
				continue;
			}
			v[len++] = name;
		}
	}
	qsort(v, len, sizeof(*v), cmp_str);
	/* The same name from several ABIs is one entry. */
	size_t out = 0;
	for (size_t i = 0; i < len; i++) {
		if (out && !strcmp(v[out - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[out++] = v[i];
	}
	v[out] = NULL;
	*names = v;
	*n = out;
	return 0;
}

bool strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

int strv_append(char ***v, size_t *n, const char *s, struct st_error *err)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return st_error_set(err, ENOMEM, "cannot add %s", s);
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return st_error_set(err, ENOMEM, "cannot add %s", s);
	nv[++*n] = NULL;
	return 0;
}

static bool abi_needed(const struct st_sysset *seen, unsigned abi)
{
	return st_abi_arch_name(abi) && (abi == ST_ABI_NATIVE || st_sysset_abi_used(seen, abi));
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

/* Every ABI the trace used becomes part of the arch set. */
static int add_trace_arches(struct st_profile *p, const struct st_sysset *seen,
			    struct st_error *err)
{
	if (!p->has_archmap && !p->has_architectures) {
		bool foreign = false;

		/* No arch list means "native only" to a runtime: keep it so
		 * unless the trace saw another ABI. */
		for (unsigned abi = 1; abi < ST_NR_ABI; abi++)
			foreign |= abi_needed(seen, abi);
		if (!foreign)
			return 0;
	}
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++)
		if (abi_needed(seen, abi) && st_profile_add_arch(p, st_abi_arch_name(abi), err) < 0)
			return -1;
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

void st_profile_drop_name(struct st_profile *p, const char *name, bool allowing)
{
	size_t out = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		struct st_rule *r = &p->rules[i];

		if (st_action_allows(r->action) == allowing && !st_rule_is_conditional(r)) {
			size_t k = 0;

			for (size_t j = 0; j < r->n_names; j++) {
				if (!strcmp(r->names[j], name))
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
		if (what == ST_MERGE_ADDED && !strv_has(rule.names, rule.n_names, names[i]) &&
		    strv_append(&rule.names, &rule.n_names, names[i], err) < 0) {
			st_rule_clear(&rule);
			return -1;
		}
	}
	if (!rule.n_names) /* never a rule with an empty names list */
		return 0;
	qsort(rule.names, rule.n_names, sizeof(*rule.names), cmp_str);
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

int st_profile_add_trace(struct st_profile *p, char *const *names, size_t n_names,
			 const struct st_sysset *seen, st_merge_note_fn note, void *ctx,
			 struct st_error *err)
{
	if (!p->default_action || st_action_allows(p->default_action)) {
		if (p->default_action)
			st_warn("the base profile's defaultAction %s allows every syscall; "
				"the result uses %s so that it is an allow-list",
				p->default_action, ST_ACT_ERRNO);
		free(p->default_action);
		if (!(p->default_action = strdup(ST_ACT_ERRNO)))
			return st_error_set(err, ENOMEM, "cannot build profile");
	}
	if (add_trace_arches(p, seen, err) < 0)
		return -1;
	return st_profile_allow_names(p, names, n_names, false, note, ctx, err);
}

int st_profile_from_trace(const struct st_sysset *seen, char *const *names, size_t n_names,
			  struct st_profile **out, struct st_error *err)
{
	struct st_profile *p = st_profile_new();

	if (!p)
		return st_error_set(err, ENOMEM, "cannot build profile");
	/* A fresh profile always says which arches it is for, native first. */
	p->has_architectures = true;
	p->has_syscalls = true;
	if (st_profile_add_trace(p, names, n_names, seen, NULL, NULL, err) < 0) {
		st_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

static void note_unknown(void *ctx, unsigned abi, unsigned nr)
{
	(void)ctx;
	st_warn("syscall #%u (%s) has no name in libseccomp %s; it cannot be listed in the "
		"profile and stays denied",
		nr, st_abi_arch_name(abi) ?: "?", st_libseccomp_version());
}

static void note_merge(void *ctx, const char *name, enum st_merge_outcome what,
		       const struct st_rule *rule)
{
	(void)ctx;
	if (what == ST_MERGE_BLOCKED)
		st_info("%s was called but the base profile's rule says %s: kept blocked", name,
			rule->action);
	else if (what == ST_MERGE_CONDITIONAL)
		st_info("%s was called but the base profile allows it only under conditions: "
			"kept conditional, not widened",
			name);
}

int st_profile_build_args(const struct st_sysset *seen, const struct st_arg_values *args,
			  struct st_profile *base, struct st_profile **out, struct st_error *err)
{
	struct st_cond_rules conds = {0};
	char **names = NULL;
	size_t n = 0;
	int rc;

	if (st_sysset_names(seen, &names, &n, note_unknown, NULL, err) < 0)
		return -1;
	/* Syscalls that get argument conditions leave the plain name list. */
	rc = args ? st_cond_rules_build(seen, args, names, &n, &conds, err) : 0;
	if (rc == 0 && base) {
		rc = st_profile_add_trace(base, names, n, seen, note_merge, NULL, err);
		*out = base;
	} else if (rc == 0) {
		rc = st_profile_from_trace(seen, names, n, out, err);
	}
	if (rc == 0 && conds.n)
		rc = st_cond_rules_add(*out, &conds, note_merge, NULL, err);
	st_cond_rules_free(&conds);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int st_profile_build(const struct st_sysset *seen, struct st_profile *base, struct st_profile **out,
		     struct st_error *err)
{
	return st_profile_build_args(seen, NULL, base, out, err);
}
