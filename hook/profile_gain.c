// SPDX-License-Identifier: Apache-2.0
#include "profile_gain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "profile_ops.h"
#include "strv.h"
#include "util.h"

/* What a set of profiles lets through: the syscalls, those unconditionally,
 * and the conditional rules as "name\ncond" keys (a name holds no newline). */
struct lets {
	char **any, **uncond, **conds;
	size_t n_any, n_uncond, n_conds;
};

static void lets_free(struct lets *l)
{
	strv_free(l->any, l->n_any);
	strv_free(l->uncond, l->n_uncond);
	strv_free(l->conds, l->n_conds);
	*l = (struct lets){0};
}

static int add_rule_names(struct lets *l, const struct st_rule *r, struct st_error *err)
{
	cleanup_free char *cond = NULL;
	bool conditional = st_rule_is_conditional(r);

	if (conditional && !(cond = st_rule_conditions(r)))
		return st_error_set(err, ENOMEM, "merge statistics");
	for (size_t i = 0; i < r->n_names; i++) {
		cleanup_free char *key = NULL;

		if (strv_add_unique(&l->any, &l->n_any, r->names[i], err) < 0)
			return -1;
		if (!conditional) {
			if (strv_add_unique(&l->uncond, &l->n_uncond, r->names[i], err) < 0)
				return -1;
			continue;
		}
		if (asprintf(&key, "%s\n%s", r->names[i], cond) < 0) {
			key = NULL;
			return st_error_set(err, ENOMEM, "merge statistics");
		}
		if (strv_add_unique(&l->conds, &l->n_conds, key, err) < 0)
			return -1;
	}
	return 0;
}

static int lets_of(const struct st_profile *p, struct lets *l, struct st_error *err)
{
	*l = (struct lets){0};
	for (size_t i = 0; i < p->n_rules; i++)
		if (st_action_may_run(p->rules[i].action) &&
		    add_rule_names(l, &p->rules[i], err) < 0) {
			lets_free(l);
			return -1;
		}
	return 0;
}

static int add_value(struct st_gain *g, const char *name, const char *cond, struct st_error *err)
{
	struct st_gain_value *nv = realloc(g->values, (g->n_values + 1) * sizeof(*nv));

	if (!nv)
		return st_error_set(err, ENOMEM, "merge statistics");
	g->values = nv;
	nv[g->n_values] = (struct st_gain_value){strdup(name), strdup(cond)};
	if (!nv[g->n_values].name || !nv[g->n_values].cond) {
		free(nv[g->n_values].name);
		free(nv[g->n_values].cond);
		return st_error_set(err, ENOMEM, "merge statistics");
	}
	g->n_values++;
	return 0;
}

/* What `in` adds to `so_far`: new syscalls, then new values of the syscalls
 * so_far had. */
static int gain_of(const struct lets *so_far, const struct lets *in, struct st_gain *g,
		   struct st_error *err)
{
	for (size_t i = 0; i < in->n_any; i++) {
		const char *name = in->any[i];

		if (!strv_has(so_far->any, so_far->n_any, name)) {
			if (strv_append(&g->syscalls, &g->n_syscalls, name, err) < 0)
				return -1;
			continue;
		}
		if (strv_has(so_far->uncond, so_far->n_uncond, name))
			continue;
		if (strv_has(in->uncond, in->n_uncond, name) && add_value(g, name, "", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < in->n_conds; i++) {
		char *nl = strchr(in->conds[i], '\n');
		cleanup_free char *name = strndup(in->conds[i], nl - in->conds[i]);

		if (!name)
			return st_error_set(err, ENOMEM, "merge statistics");
		if (!strv_has(so_far->any, so_far->n_any, name) ||
		    strv_has(so_far->uncond, so_far->n_uncond, name) ||
		    strv_has(in->uncond, in->n_uncond, name) ||
		    strv_has(so_far->conds, so_far->n_conds, in->conds[i]))
			continue;
		if (add_value(g, name, nl + 1, err) < 0)
			return -1;
	}
	return 0;
}

static int merge_into(struct lets *acc, const struct lets *in, struct st_error *err)
{
	for (size_t i = 0; i < in->n_any; i++)
		if (strv_add_unique(&acc->any, &acc->n_any, in->any[i], err) < 0)
			return -1;
	for (size_t i = 0; i < in->n_uncond; i++)
		if (strv_add_unique(&acc->uncond, &acc->n_uncond, in->uncond[i], err) < 0)
			return -1;
	for (size_t i = 0; i < in->n_conds; i++)
		if (strv_add_unique(&acc->conds, &acc->n_conds, in->conds[i], err) < 0)
			return -1;
	return 0;
}

/* Conditional rules of syscalls not let through unconditionally. */
static size_t live_values(const struct lets *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n_conds; i++) {
		size_t len = strcspn(l->conds[i], "\n");
		bool subsumed = false;

		for (size_t j = 0; j < l->n_uncond && !subsumed; j++)
			subsumed =
			    strlen(l->uncond[j]) == len && !strncmp(l->uncond[j], l->conds[i], len);
		n += !subsumed;
	}
	return n;
}

static int cmp_value(const void *a, const void *b)
{
	const struct st_gain_value *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->cond, y->cond);
}

static int one_input(struct lets *acc, const struct st_profile *p, struct st_gain *g,
		     struct st_error *err)
{
	struct lets in;
	int rc;

	if (lets_of(p, &in, err) < 0)
		return -1;
	rc = gain_of(acc, &in, g, err);
	if (rc == 0)
		rc = merge_into(acc, &in, err);
	lets_free(&in);
	if (rc < 0)
		return -1;
	strv_sort(g->syscalls, g->n_syscalls);
	if (g->n_values)
		qsort(g->values, g->n_values, sizeof(*g->values), cmp_value);
	g->total_syscalls = acc->n_any;
	g->total_values = live_values(acc);
	return 0;
}

int st_gains_compute(const struct st_profile *const *in, const char *const *names, size_t n,
		     struct st_gains *out, struct st_error *err)
{
	struct lets acc = {0};
	int rc = 0;

	*out = (struct st_gains){.v = calloc(n ?: 1, sizeof(*out->v))};
	if (!out->v)
		return st_error_set(err, ENOMEM, "merge statistics");
	for (size_t i = 0; i < n && rc == 0; i++) {
		out->v[i].input = names[i];
		out->n = i + 1;
		rc = one_input(&acc, in[i], &out->v[i], err);
	}
	lets_free(&acc);
	if (rc < 0) {
		st_gains_free(out);
		return -1;
	}
	for (size_t i = n; i > 0 && !out->v[i - 1].n_syscalls && !out->v[i - 1].n_values; i--)
		out->unchanged_tail++;
	return 0;
}

void st_gains_free(struct st_gains *g)
{
	for (size_t i = 0; i < g->n; i++) {
		strv_free(g->v[i].syscalls, g->v[i].n_syscalls);
		for (size_t j = 0; j < g->v[i].n_values; j++) {
			free(g->v[i].values[j].name);
			free(g->v[i].values[j].cond);
		}
		free(g->v[i].values);
	}
	free(g->v);
	*g = (struct st_gains){0};
}

/* Most syscalls and values named on an input's line. */
#define LOG_NAMES 12

static void log_gain(const struct st_gain *g)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);
	cleanup_free char *text = NULL;

	if (!f)
		return;
	if (!g->n_syscalls && !g->n_values)
		fprintf(f, "nothing new");
	else
		fprintf(f, "+%zu syscall%s", g->n_syscalls, g->n_syscalls == 1 ? "" : "s");
	for (size_t i = 0; i < g->n_syscalls && i < LOG_NAMES; i++)
		fprintf(f, "%s%s", i ? ", " : " (", g->syscalls[i]);
	if (g->n_syscalls)
		fprintf(f, "%s)", g->n_syscalls > LOG_NAMES ? ", ..." : "");
	if (g->n_syscalls || g->n_values)
		fprintf(f, ", +%zu argument value%s", g->n_values, g->n_values == 1 ? "" : "s");
	for (size_t i = 0; i < g->n_values && i < LOG_NAMES; i++)
		fprintf(f, "%s%s [%s]", i ? ", " : " (", g->values[i].name,
			*g->values[i].cond ? g->values[i].cond : "any value");
	if (g->n_values)
		fprintf(f, "%s)", g->n_values > LOG_NAMES ? ", ..." : "");
	text = st_memstream_done(&m, 0);
	st_info("convergence: %s: %s; %zu syscalls, %zu conditional rules so far", g->input,
		text ? text : "?", g->total_syscalls, g->total_values);
}

void st_gains_log(const struct st_gains *g)
{
	/* one input converges on nothing: its lines would only restate it */
	if (g->n < 2)
		return;
	for (size_t i = 0; i < g->n; i++)
		log_gain(&g->v[i]);
	if (g->unchanged_tail)
		st_info("convergence: the last %zu of %zu inputs added nothing (each input against "
			"the ones before it, in the order given)",
			g->unchanged_tail, g->n);
	else
		st_info("convergence: the last of %zu inputs still added something (each input "
			"against the ones before it, in the order given): more runs may add more",
			g->n);
}

static int gen_gain(yajl_gen y, const struct st_gain *g)
{
	if (st_gen_map_open(y) < 0 || st_gen_str(y, "profile") < 0 || st_gen_str(y, g->input) < 0 ||
	    st_gen_str(y, "addedSyscalls") < 0 || st_gen_strv(y, g->syscalls, g->n_syscalls) < 0 ||
	    st_gen_str(y, "addedArgumentValues") < 0 || st_gen_array_open(y) < 0)
		return -1;
	for (size_t i = 0; i < g->n_values; i++)
		if (st_gen_map_open(y) < 0 || st_gen_str(y, "name") < 0 ||
		    st_gen_str(y, g->values[i].name) < 0 || st_gen_str(y, "conditions") < 0 ||
		    st_gen_str(y, g->values[i].cond) < 0 || st_gen_map_close(y) < 0)
			return -1;
	if (st_gen_array_close(y) < 0 || st_gen_str(y, "syscalls") < 0 ||
	    st_gen_u64(y, g->total_syscalls) < 0 || st_gen_str(y, "argumentValues") < 0 ||
	    st_gen_u64(y, g->total_values) < 0)
		return -1;
	return st_gen_map_close(y);
}

int st_gains_json(const struct st_gains *g, char **out, size_t *len, struct st_error *err)
{
	cleanup_yajl_gen yajl_gen y = st_gen_new();

	if (!y || st_gen_map_open(y) < 0 || st_gen_str(y, "seccompTraceConvergence") < 0 ||
	    st_gen_u64(y, 1) < 0 || st_gen_str(y, "inputs") < 0 || st_gen_array_open(y) < 0)
		return st_error_set(err, ENOMEM, "cannot write the merge statistics");
	for (size_t i = 0; i < g->n; i++)
		if (gen_gain(y, &g->v[i]) < 0)
			return st_error_set(err, ENOMEM, "cannot write the merge statistics");
	if (st_gen_array_close(y) < 0 || st_gen_str(y, "unchangedTail") < 0 ||
	    st_gen_u64(y, g->unchanged_tail) < 0 || st_gen_map_close(y) < 0 ||
	    st_gen_text(y, out, len) < 0)
		return st_error_set(err, ENOMEM, "cannot write the merge statistics");
	return 0;
}

static bool is_stats(const char *text, size_t len)
{
	cleanup_yajl_tree yajl_val root = NULL;
	struct st_error err = {0};

	if (st_json_parse(text, len, "", &root, &err) < 0 || !YAJL_IS_OBJECT(root))
		return false;
	for (size_t i = 0; i < root->u.object.len; i++)
		if (!strcmp(root->u.object.keys[i], "seccompTraceConvergence"))
			return true;
	return false;
}

const struct st_outfile_kind st_gains_kind = {"seccomp-trace merge statistics", "statistics",
					      is_stats};
