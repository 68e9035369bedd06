// SPDX-License-Identifier: Apache-2.0
#include "profile_ops.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "strv.h"
#include "util.h"

/* "[a,b]": a sorted copy of v, so that order makes no difference. */
static int put_sorted_list(FILE *f, char *const *v, size_t n)
{
	cleanup_free char **c = calloc(n + 1, sizeof(*c));

	if (!c)
		return -1;
	memcpy(c, v, n * sizeof(*c));
	strv_sort(c, n);
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "", c[i]);
	fputc(']', f);
	return 0;
}

static int put_filter(FILE *f, const char *what, const struct st_filter *flt)
{
	if (!st_filter_is_set(flt))
		return 0;
	fprintf(f, "%s%s{", ftell(f) ? "; " : "", what);
	if (flt->n_arches) {
		fputs("arches=", f);
		if (put_sorted_list(f, flt->arches, flt->n_arches) < 0)
			return -1;
	}
	if (flt->n_caps) {
		fputs(flt->n_arches ? " caps=" : "caps=", f);
		if (put_sorted_list(f, flt->caps, flt->n_caps) < 0)
			return -1;
	}
	if (flt->min_kernel && *flt->min_kernel)
		fprintf(f, "%sminKernel=%s", flt->n_arches || flt->n_caps ? " " : "",
			flt->min_kernel);
	fputc('}', f);
	return 0;
}

/* One argument condition; valueTwo absent and 0 mean the same to runtimes. */
static char *arg_condition(const struct st_arg *a)
{
	char *s;

	if (asprintf(&s, "arg%u %s %" PRIu64 " %" PRIu64, a->index,
		     a->op + (strncmp(a->op, "SCMP_CMP_", 9) ? 0 : 9), a->value, a->value_two) < 0)
		return NULL;
	return s;
}

/* The args' conditions, sorted, joined by "; ". */
static int put_args(FILE *f, const struct st_rule *r)
{
	cleanup_strv char **v = calloc(r->n_args + 1, sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < r->n_args; i++)
		if (!(v[i] = arg_condition(&r->args[i])))
			return -1;
	strv_sort(v, r->n_args);
	for (size_t i = 0; i < r->n_args; i++)
		fprintf(f, "%s%s", i ? "; " : "", v[i]);
	return 0;
}

char *st_rule_conditions(const struct st_rule *r)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);
	int rc;

	if (!f)
		return NULL;
	rc = put_args(f, r);
	if (rc == 0)
		rc = put_filter(f, "includes", r->includes);
	if (rc == 0)
		rc = put_filter(f, "excludes", r->excludes);
	return st_memstream_done(&m, rc);
}

static bool same_name_set(const struct st_rule *a, const struct st_rule *b)
{
	if (a->n_names != b->n_names)
		return false;
	for (size_t i = 0; i < a->n_names; i++)
		if (!strv_has(b->names, b->n_names, a->names[i]))
			return false;
	return true;
}

bool st_rule_same(const struct st_rule *a, const struct st_rule *b)
{
	cleanup_free char *ca = NULL, *cb = NULL;

	if (strcmp(a->action, b->action) || a->has_errno_ret != b->has_errno_ret ||
	    (a->has_errno_ret && a->errno_ret != b->errno_ret) || !same_name_set(a, b))
		return false;
	ca = st_rule_conditions(a);
	cb = st_rule_conditions(b);
	return ca && cb && !strcmp(ca, cb);
}

/* ---- deep copies ---- */

static int str_copy(char **dst, const char *src, struct st_error *err)
{
	*dst = NULL;
	if (src && !(*dst = strdup(src)))
		return st_error_set(err, ENOMEM, "copy");
	return 0;
}

static int extras_copy(struct st_extras *dst, const struct st_extras *src, struct st_error *err)
{
	dst->v = NULL;
	dst->n = 0;
	if (!src->n)
		return 0;
	dst->v = calloc(src->n, sizeof(*dst->v));
	if (!dst->v)
		return st_error_set(err, ENOMEM, "copy");
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i].key = strdup(src->v[i].key);
		dst->v[i].val = st_json_copy(src->v[i].val);
		dst->n = i + 1;
		if (!dst->v[i].key || !dst->v[i].val)
			return st_error_set(err, ENOMEM, "copy");
	}
	return 0;
}

static int filter_copy(struct st_filter **dst, const struct st_filter *src, struct st_error *err)
{
	struct st_filter *f;

	*dst = NULL;
	if (!src)
		return 0;
	if (!(f = calloc(1, sizeof(*f))))
		return st_error_set(err, ENOMEM, "copy");
	*dst = f;
	f->has_arches = src->has_arches;
	f->has_caps = src->has_caps;
	if (strv_copy(&f->arches, &f->n_arches, src->arches, src->n_arches, err) < 0 ||
	    strv_copy(&f->caps, &f->n_caps, src->caps, src->n_caps, err) < 0 ||
	    str_copy(&f->min_kernel, src->min_kernel, err) < 0 ||
	    extras_copy(&f->extras, &src->extras, err) < 0)
		return -1;
	return 0;
}

static int args_copy(struct st_rule *dst, const struct st_rule *src, struct st_error *err)
{
	if (!src->n_args)
		return 0;
	dst->args = calloc(src->n_args, sizeof(*dst->args));
	if (!dst->args)
		return st_error_set(err, ENOMEM, "copy");
	for (size_t i = 0; i < src->n_args; i++) {
		dst->args[i] = src->args[i];
		dst->args[i].op = NULL;
		dst->args[i].extras = (struct st_extras){0};
		dst->n_args = i + 1;
		if (str_copy(&dst->args[i].op, src->args[i].op, err) < 0 ||
		    extras_copy(&dst->args[i].extras, &src->args[i].extras, err) < 0)
			return -1;
	}
	return 0;
}

int st_rule_copy(struct st_rule *dst, const struct st_rule *src, struct st_error *err)
{
	memset(dst, 0, sizeof(*dst));
	dst->old_name = false; /* written back as "names" */
	dst->has_errno_ret = src->has_errno_ret;
	dst->errno_ret = src->errno_ret;
	dst->has_args = src->has_args;
	if (strv_copy(&dst->names, &dst->n_names, src->names, src->n_names, err) < 0 ||
	    str_copy(&dst->action, src->action, err) < 0 ||
	    str_copy(&dst->comment, src->comment, err) < 0 ||
	    filter_copy(&dst->includes, src->includes, err) < 0 ||
	    filter_copy(&dst->excludes, src->excludes, err) < 0 ||
	    extras_copy(&dst->extras, &src->extras, err) < 0 || args_copy(dst, src, err) < 0) {
		st_rule_clear(dst); /* what was copied so far */
		return -1;
	}
	return 0;
}

/* ---- diff ---- */

/* Every distinct (name, action, conditions) of p, appended to *e; the
 * entries' conditions are theirs (free_entries). */
/* The member key of e, or NULL. */
static yajl_val extra(const struct st_extras *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].key, key))
			return e->v[i].val;
	return NULL;
}

static int collect(const struct st_profile *p, struct st_entries *e, struct st_error *err)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];
		cleanup_free char *cond = st_rule_conditions(r);

		if (!cond)
			return st_error_set(err, ENOMEM, "diff");
		for (size_t j = 0; j < r->n_names; j++) {
			struct st_entry *nv;
			bool dup = false;

			for (size_t k = 0; k < e->n && !dup; k++)
				dup = !strcmp(e->v[k].name, r->names[j]) &&
				      !strcmp(e->v[k].action, r->action) &&
				      !strcmp(e->v[k].cond, cond);
			if (dup)
				continue;
			nv = realloc(e->v, (e->n + 1) * sizeof(*nv));
			if (!nv)
				return st_error_set(err, ENOMEM, "diff");
			e->v = nv;
			nv[e->n] = (struct st_entry){
			    .name = r->names[j],
			    .action = r->action,
			    .has_errno = r->has_errno_ret,
			    .errno_ret = r->errno_ret,
			    .cond = strdup(cond),
			};
			if (!nv[e->n].cond)
				return st_error_set(err, ENOMEM, "diff");
			yajl_val en = extra(&r->extras, "errno");
			nv[e->n].errno_name = en && YAJL_IS_STRING(en) ? en->u.string : NULL;
			e->n++;
		}
	}
	return 0;
}

static void free_entries(struct st_entries *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].cond);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

static bool same_action(const struct st_entry *a, const struct st_entry *b)
{
	return !strcmp(a->action, b->action) && a->has_errno == b->has_errno &&
	       (!a->has_errno || a->errno_ret == b->errno_ret) &&
	       !strcmp(a->errno_name ? a->errno_name : "", b->errno_name ? b->errno_name : "");
}

/* v as compact JSON, malloc'ed; "" for NULL. */
static char *json_text(yajl_val v)
{
	cleanup_yajl_gen yajl_gen g = NULL;
	const unsigned char *buf;
	size_t len;
	char *s;

	if (!v)
		return strdup("");
	g = yajl_gen_alloc(NULL);
	if (!g || st_json_gen_value(g, v) < 0 ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok || !(s = malloc(len + 1)))
		return NULL;
	memcpy(s, buf, len);
	s[len] = '\0';
	return s;
}

/* Fields a runtime reads and this model keeps verbatim (moby and
 * containers/common Seccomp, runtime-spec LinuxSeccomp): a profile that
 * differs in one is enforced differently. */
static int diff_fields(struct st_diff *d, struct st_error *err)
{
	static const char *const keys[] = {"flags", "listenerPath", "listenerMetadata",
					   "defaultErrno"};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char *ov = json_text(extra(&d->old_p->extras, keys[i]));
		char *nv = json_text(extra(&d->new_p->extras, keys[i]));
		struct st_field_change *f;

		if (!ov || !nv || !strcmp(ov, nv)) {
			free(ov);
			free(nv);
			if (!ov || !nv)
				return st_error_set(err, ENOMEM, "diff");
			continue;
		}
		f = realloc(d->fields, (d->n_fields + 1) * sizeof(*f));
		if (!f) {
			free(ov);
			free(nv);
			return st_error_set(err, ENOMEM, "diff");
		}
		d->fields = f;
		d->fields[d->n_fields++] = (struct st_field_change){keys[i], ov, nv};
		d->any = true;
	}
	return 0;
}

static int add_item(struct st_diff *d, const struct st_diff_item *it, struct st_error *err)
{
	struct st_diff_item *nv = realloc(d->items, (d->n_items + 1) * sizeof(*nv));

	if (!nv)
		return st_error_set(err, ENOMEM, "diff");
	d->items = nv;
	nv[d->n_items++] = *it;
	d->widens |= it->widens;
	d->narrows |= it->narrows;
	d->any = true;
	return 0;
}

static const struct st_entry *item_entry(const struct st_diff_item *it)
{
	return it->kind == ST_CHANGE_REMOVED ? &it->old_e : &it->new_e;
}

static int cmp_item(const void *a, const void *b)
{
	const struct st_entry *ea = item_entry(a), *eb = item_entry(b);
	int c = strcmp(ea->action, eb->action);

	if (!c)
		c = strcmp(ea->name, eb->name);
	if (!c)
		c = (int)((const struct st_diff_item *)a)->kind -
		    (int)((const struct st_diff_item *)b)->kind;
	return c ? c : strcmp(ea->cond, eb->cond);
}

/* Whether a call moved from action oa (errno oe) to na (ne) can run where it
 * could not (*widens), or cannot run where it could (*narrows), by the
 * actions' kinds (profile.h): SCMP_ACT_TRACE or SCMP_ACT_NOTIFY over a
 * denial allows more, since a tracer or an agent may let the call run. The
 * same TRACE or NOTIFY with another errno is both: its tracer reads it. */
static void judge(const char *oa, const unsigned *oe, const char *na, const unsigned *ne,
		  bool *widens, bool *narrows)
{
	*widens = st_action_widens(oa, na);
	*narrows = st_action_widens(na, oa);
	if (!strcmp(oa, na) && st_action_kind(na) == ST_KIND_MAY_RUN &&
	    (!oe != !ne || (oe && *oe != *ne)))
		*widens = *narrows = true;
}

static const unsigned *entry_errno(const struct st_entry *e)
{
	return e->has_errno ? &e->errno_ret : NULL;
}

static const unsigned *default_errno(const struct st_profile *p)
{
	return p->has_default_errno ? &p->default_errno_ret : NULL;
}

static void diff_default(struct st_diff *d)
{
	const struct st_profile *o = d->old_p, *n = d->new_p;

	if (!strcmp(o->default_action, n->default_action) &&
	    o->has_default_errno == n->has_default_errno &&
	    o->default_errno_ret == n->default_errno_ret)
		return;
	d->default_changed = d->any = true;
	judge(o->default_action, default_errno(o), n->default_action, default_errno(n),
	      &d->default_widens, &d->default_narrows);
	d->widens |= d->default_widens;
	d->narrows |= d->default_narrows;
}

/* The arches in `in` that `other` lacks, appended to *out. */
static int arches_only_in(char **in, size_t n_in, char **other, size_t n_other, char ***out,
			  size_t *n_out, struct st_error *err)
{
	for (size_t i = 0; i < n_in; i++)
		if (!strv_has(other, n_other, in[i]) && strv_append(out, n_out, in[i], err) < 0)
			return -1;
	return 0;
}

static int diff_arches(struct st_diff *d, struct st_error *err)
{
	cleanup_strv char **ao = NULL;
	cleanup_strv char **an = NULL;
	size_t nao = 0, nan = 0;

	if (st_profile_arch_set(d->old_p, &ao, &nao, err) < 0 ||
	    st_profile_arch_set(d->new_p, &an, &nan, err) < 0 ||
	    arches_only_in(an, nan, ao, nao, &d->arches_added, &d->n_arches_added, err) < 0 ||
	    arches_only_in(ao, nao, an, nan, &d->arches_removed, &d->n_arches_removed, err) < 0)
		return -1;
	d->any |= d->n_arches_added || d->n_arches_removed;
	d->widens |= d->n_arches_added > 0;
	d->narrows |= d->n_arches_removed > 0;
	return 0;
}

/* Pairing in passes, so that a syscall listed twice under the same
 * conditions (with two actions) pairs each entry with its twin: 1. identical:
 * no change; 2. same conditions: another action; 3. same action: other
 * conditions, one change compared as whole rules (never collapsed to the
 * name). */
static bool pairs_in_pass(int pass, const struct st_entry *o, const struct st_entry *n)
{
	bool same_cond = !strcmp(o->cond, n->cond);

	if (strcmp(o->name, n->name))
		return false;
	if (pass == 1)
		return same_cond && same_action(o, n);
	if (pass == 2)
		return same_cond;
	return !same_cond && same_action(o, n);
}

static int add_change(struct st_diff *d, int pass, const struct st_entry *o,
		      const struct st_entry *n, struct st_error *err)
{
	struct st_diff_item it = {
	    .kind = pass == 2 ? ST_CHANGE_ACTION : ST_CHANGE_CONDITIONS,
	    .old_e = *o,
	    .new_e = *n,
	    .widens = true,
	    .narrows = true,
	};

	if (pass == 2)
		judge(o->action, entry_errno(o), n->action, entry_errno(n), &it.widens,
		      &it.narrows);
	return add_item(d, &it, err);
}

/* Pair NEW's entries with OLD's (paired_o, paired_n), adding the changes. */
static int pair_entries(struct st_diff *d, bool *paired_o, bool *paired_n, struct st_error *err)
{
	const struct st_entries *eo = &d->old_entries, *en = &d->new_entries;

	for (int pass = 1; pass <= 3; pass++) {
		for (size_t i = 0; i < en->n; i++) {
			for (size_t j = 0; j < eo->n && !paired_n[i]; j++) {
				if (paired_o[j] || !pairs_in_pass(pass, &eo->v[j], &en->v[i]))
					continue;
				paired_n[i] = paired_o[j] = true;
				if (pass > 1 && add_change(d, pass, &eo->v[j], &en->v[i], err) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* Entries without a partner: only in NEW (added) or only in OLD (removed),
 * judged against the other profile's default action. */
static int add_unpaired(struct st_diff *d, const struct st_entries *e, const bool *paired,
			bool added, struct st_error *err)
{
	const char *def = (added ? d->old_p : d->new_p)->default_action;

	for (size_t i = 0; i < e->n; i++) {
		const char *a = e->v[i].action;
		struct st_diff_item it = {
		    .kind = added ? ST_CHANGE_ADDED : ST_CHANGE_REMOVED,
		    .widens = added ? st_action_widens(def, a) : st_action_widens(a, def),
		    .narrows = added ? st_action_widens(a, def) : st_action_widens(def, a),
		};

		if (paired[i])
			continue;
		if (added)
			it.new_e = e->v[i];
		else
			it.old_e = e->v[i];
		if (add_item(d, &it, err) < 0)
			return -1;
	}
	return 0;
}

/* Everything but defaultAction: arches, other fields, rules; on error the
 * caller frees d. */
static int diff_rules_arches_fields(struct st_diff *d, struct st_error *err)
{
	cleanup_free bool *paired_o = NULL;
	cleanup_free bool *paired_n = NULL;

	if (diff_arches(d, err) < 0 || diff_fields(d, err) < 0 ||
	    collect(d->old_p, &d->old_entries, err) < 0 ||
	    collect(d->new_p, &d->new_entries, err) < 0)
		return -1;
	paired_o = calloc(d->old_entries.n + 1, sizeof(bool));
	paired_n = calloc(d->new_entries.n + 1, sizeof(bool));
	if (!paired_o || !paired_n)
		return st_error_set(err, ENOMEM, "diff");
	if (pair_entries(d, paired_o, paired_n, err) < 0 ||
	    add_unpaired(d, &d->new_entries, paired_n, true, err) < 0 ||
	    add_unpaired(d, &d->old_entries, paired_o, false, err) < 0)
		return -1;
	if (d->n_items)
		qsort(d->items, d->n_items, sizeof(*d->items), cmp_item);
	return 0;
}

int st_profile_diff(const struct st_profile *old_p, const struct st_profile *new_p,
		    struct st_diff *d, struct st_error *err)
{
	memset(d, 0, sizeof(*d));
	d->old_p = old_p;
	d->new_p = new_p;
	diff_default(d);
	if (diff_rules_arches_fields(d, err) < 0) {
		st_diff_free(d);
		return -1;
	}
	return 0;
}

void st_diff_free(struct st_diff *d)
{
	strv_free(d->arches_added, d->n_arches_added);
	strv_free(d->arches_removed, d->n_arches_removed);
	free(d->items);
	free_entries(&d->old_entries);
	free_entries(&d->new_entries);
	for (size_t i = 0; i < d->n_fields; i++) {
		free(d->fields[i].old_v);
		free(d->fields[i].new_v);
	}
	free(d->fields);
	memset(d, 0, sizeof(*d));
}
