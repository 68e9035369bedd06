#include "profile_ops.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append "[a,b]" of a sorted copy of v. */
static void put_sorted_list(char *buf, size_t len, char *const *v, size_t n)
{
	const char **c = calloc(n + 1, sizeof(*c));
	size_t off = strlen(buf);

	if (!c)
		return;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_str);
	off += snprintf(buf + off, off < len ? len - off : 0, "[");
	for (size_t i = 0; i < n; i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", i ? "," : "", c[i]);
	snprintf(buf + off, off < len ? len - off : 0, "]");
	free(c);
}

static void put_filter(char *buf, size_t len, const char *what, const struct st_filter *f)
{
	size_t off;

	if (!f || (!f->n_arches && !f->n_caps && !(f->min_kernel && *f->min_kernel)))
		return;
	off = strlen(buf);
	snprintf(buf + off, len - off, "%s%s{", *buf ? "; " : "", what);
	if (f->n_arches) {
		strncat(buf, "arches=", len - strlen(buf) - 1);
		put_sorted_list(buf, len, f->arches, f->n_arches);
	}
	if (f->n_caps) {
		strncat(buf, f->n_arches ? " caps=" : "caps=", len - strlen(buf) - 1);
		put_sorted_list(buf, len, f->caps, f->n_caps);
	}
	if (f->min_kernel && *f->min_kernel) {
		off = strlen(buf);
		snprintf(buf + off, len - off, "%sminKernel=%s",
			 f->n_arches || f->n_caps ? " " : "", f->min_kernel);
	}
	strncat(buf, "}", len - strlen(buf) - 1);
}

void st_rule_conditions(const struct st_rule *r, char *buf, size_t len)
{
	char args[6][96];
	char *sorted[6];
	size_t n = r->n_args < 6 ? r->n_args : 6;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct st_arg *a = &r->args[i];

		/* valueTwo absent and 0 mean the same to runtimes */
		snprintf(args[i], sizeof(args[i]), "arg%u %s %" PRIu64 " %" PRIu64, a->index,
			 a->op + (strncmp(a->op, "SCMP_CMP_", 9) ? 0 : 9), a->value, a->value_two);
		sorted[i] = args[i];
	}
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t off = strlen(buf);

		snprintf(buf + off, len - off, "%s%s", i ? "; " : "", sorted[i]);
	}
	put_filter(buf, len, "includes", r->includes);
	put_filter(buf, len, "excludes", r->excludes);
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
	char ca[1024], cb[1024];

	if (strcmp(a->action, b->action) || a->has_errno_ret != b->has_errno_ret ||
	    (a->has_errno_ret && a->errno_ret != b->errno_ret) || !same_name_set(a, b))
		return false;
	st_rule_conditions(a, ca, sizeof(ca));
	st_rule_conditions(b, cb, sizeof(cb));
	return !strcmp(ca, cb);
}

/* ---- deep copies ---- */

static int strv_copy(char ***dst, size_t *dn, char *const *src, size_t n, struct st_error *err)
{
	*dst = NULL;
	*dn = 0;
	for (size_t i = 0; i < n; i++)
		if (strv_append(dst, dn, src[i], err) < 0)
			return -1;
	if (!*dst && !(*dst = calloc(1, sizeof(char *))))
		return st_error_set(err, ENOMEM, "copy");
	return 0;
}

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
	    extras_copy(&dst->extras, &src->extras, err) < 0)
		goto fail;
	if (src->n_args) {
		dst->args = calloc(src->n_args, sizeof(*dst->args));
		if (!dst->args) {
			st_error_set(err, ENOMEM, "copy");
			goto fail;
		}
		for (size_t i = 0; i < src->n_args; i++) {
			dst->args[i] = src->args[i];
			dst->args[i].op = NULL;
			dst->args[i].extras = (struct st_extras){0};
			dst->n_args = i + 1;
			if (str_copy(&dst->args[i].op, src->args[i].op, err) < 0 ||
			    extras_copy(&dst->args[i].extras, &src->args[i].extras, err) < 0)
				goto fail;
		}
	}
	return 0;
fail:
	st_rule_clear(dst);
	return -1;
}

/* ---- merge ---- */

static bool allows_unconditionally(const struct st_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];

		if (st_action_allows(r->action) && !st_rule_is_conditional(r) &&
		    strv_has(r->names, r->n_names, name))
			return true;
	}
	return false;
}

static int merge_arches(struct st_profile *out, const struct st_profile *in, struct st_error *err)
{
	if (!out->has_archmap && !out->has_architectures && in->has_archmap) {
		out->has_archmap = true;
		out->archmap = calloc(in->n_archmap + 1, sizeof(*out->archmap));
		if (!out->archmap)
			return st_error_set(err, ENOMEM, "merge");
		for (size_t i = 0; i < in->n_archmap; i++) {
			struct st_archmap *d = &out->archmap[i];
			const struct st_archmap *s = &in->archmap[i];

			out->n_archmap = i + 1;
			d->has_subs = s->has_subs;
			if (str_copy(&d->arch, s->arch, err) < 0 ||
			    strv_copy(&d->subs, &d->n_subs, s->subs, s->n_subs, err) < 0 ||
			    extras_copy(&d->extras, &s->extras, err) < 0)
				return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < in->n_architectures; i++)
		if (st_profile_add_arch(out, in->architectures[i], err) < 0)
			return -1;
	for (size_t i = 0; i < in->n_archmap; i++) {
		const struct st_archmap *m = &in->archmap[i];

		/* An archMap lists every platform; a plain architectures list is
		 * one filter, which cannot mix byte orders: take only the
		 * entries of platforms `out` is already for, or this one. */
		if (!out->has_archmap &&
		    !strv_has(out->architectures, out->n_architectures, m->arch) &&
		    st_arch_token(m->arch) != st_abi_token(ST_ABI_NATIVE))
			continue;
		if (st_profile_add_arch(out, m->arch, err) < 0)
			return -1;
		for (size_t j = 0; j < m->n_subs; j++)
			if (st_profile_add_arch(out, m->subs[j], err) < 0)
				return -1;
	}
	return 0;
}

/* An unconditional denial from `in`: it stays a denial in the result
 * (taking its syscalls out of unconditional allows) unless allow wins. */
static int merge_denial(struct st_profile *out, struct st_rule *copy, bool allow_wins,
			st_merge_note_fn note, void *ctx)
{
	size_t k = 0;

	for (size_t j = 0; j < copy->n_names; j++) {
		char *name = copy->names[j];

		if (allows_unconditionally(out, name)) {
			if (allow_wins) {
				if (note)
					note(ctx, name, ST_MERGE_OVERRIDDEN, copy);
				free(name);
				continue;
			}
			if (note)
				note(ctx, name, ST_MERGE_BLOCKED, copy);
			st_profile_drop_name(out, name, true);
		}
		copy->names[k++] = name;
	}
	copy->n_names = k;
	copy->names[k] = NULL;
	return k;
}

int st_profile_merge(struct st_profile *out, const struct st_profile *in, bool allow_wins,
		     st_merge_note_fn note, void *ctx, struct st_error *err)
{
	if (strcmp(out->default_action, in->default_action) ||
	    out->has_default_errno != in->has_default_errno ||
	    out->default_errno_ret != in->default_errno_ret)
		st_warn("defaultAction %s of a later profile ignored: the first profile's %s stays",
			in->default_action, out->default_action);
	if (merge_arches(out, in, err) < 0)
		return -1;
	for (size_t i = 0; i < in->extras.n; i++) {
		bool have = false;

		for (size_t j = 0; j < out->extras.n && !have; j++)
			have = !strcmp(out->extras.v[j].key, in->extras.v[i].key);
		if (!have) {
			struct st_extras one = {.v = &in->extras.v[i], .n = 1}, c;
			struct st_extra *nv;

			if (extras_copy(&c, &one, err) < 0)
				return -1;
			nv = realloc(out->extras.v, (out->extras.n + 1) * sizeof(*nv));
			if (!nv) {
				st_extras_clear(&c);
				return st_error_set(err, ENOMEM, "merge");
			}
			out->extras.v = nv;
			nv[out->extras.n++] = c.v[0];
			free(c.v);
		}
	}

	for (size_t i = 0; i < in->n_rules; i++) {
		const struct st_rule *r = &in->rules[i];
		struct st_rule copy;
		bool dup = false;

		for (size_t j = 0; j < out->n_rules && !dup; j++)
			dup = st_rule_same(&out->rules[j], r);
		if (dup || !r->n_names)
			continue;
		if (st_action_allows(r->action) && !st_rule_is_conditional(r)) {
			if (st_profile_allow_names(out, r->names, r->n_names, allow_wins, note, ctx,
						   err) < 0)
				return -1;
			continue;
		}
		if (st_rule_copy(&copy, r, err) < 0)
			return -1;
		if (!st_action_allows(r->action) && !st_rule_is_conditional(r) &&
		    merge_denial(out, &copy, allow_wins, note, ctx) == 0) {
			st_rule_clear(&copy);
			continue;
		}
		if (st_profile_add_rule(out, &copy, err) < 0) {
			st_rule_clear(&copy);
			return -1;
		}
	}
	return 0;
}

/* ---- diff ---- */

struct entries {
	struct st_entry *v;
	size_t n;
};

static int collect(const struct st_profile *p, struct entries *e, struct st_error *err)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];
		char cond[512];

		st_rule_conditions(r, cond, sizeof(cond));
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
			};
			snprintf(nv[e->n].cond, sizeof(nv[e->n].cond), "%s", cond);
			e->n++;
		}
	}
	return 0;
}

static bool same_action(const struct st_entry *a, const struct st_entry *b)
{
	return !strcmp(a->action, b->action) && a->has_errno == b->has_errno &&
	       (!a->has_errno || a->errno_ret == b->errno_ret);
}

/* Every arch a profile names, for comparing arch sets. */
static int arch_set(const struct st_profile *p, char ***v, size_t *n, struct st_error *err)
{
	for (size_t i = 0; i < p->n_architectures; i++)
		if (!strv_has(*v, *n, p->architectures[i]) &&
		    strv_append(v, n, p->architectures[i], err) < 0)
			return -1;
	for (size_t i = 0; i < p->n_archmap; i++) {
		if (!strv_has(*v, *n, p->archmap[i].arch) &&
		    strv_append(v, n, p->archmap[i].arch, err) < 0)
			return -1;
		for (size_t j = 0; j < p->archmap[i].n_subs; j++)
			if (!strv_has(*v, *n, p->archmap[i].subs[j]) &&
			    strv_append(v, n, p->archmap[i].subs[j], err) < 0)
				return -1;
	}
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
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

int st_profile_diff(const struct st_profile *old_p, const struct st_profile *new_p,
		    struct st_diff *d, struct st_error *err)
{
	struct entries eo = {0}, en = {0};
	char **ao = NULL, **an = NULL;
	size_t nao = 0, nan = 0;
	bool old_def_allows = st_action_allows(old_p->default_action);
	bool new_def_allows = st_action_allows(new_p->default_action);
	bool *paired_o = NULL, *paired_n = NULL;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->old_p = old_p;
	d->new_p = new_p;
	if (strcmp(old_p->default_action, new_p->default_action) ||
	    old_p->has_default_errno != new_p->has_default_errno ||
	    old_p->default_errno_ret != new_p->default_errno_ret) {
		d->default_changed = d->any = true;
		d->default_widens = new_def_allows && !old_def_allows;
		d->default_narrows = old_def_allows && !new_def_allows;
		d->widens |= d->default_widens;
		d->narrows |= d->default_narrows;
	}
	if (arch_set(old_p, &ao, &nao, err) < 0 || arch_set(new_p, &an, &nan, err) < 0)
		goto out;
	for (size_t i = 0; i < nan; i++)
		if (!strv_has(ao, nao, an[i]) &&
		    strv_append(&d->arches_added, &d->n_arches_added, an[i], err) < 0)
			goto out;
	for (size_t i = 0; i < nao; i++)
		if (!strv_has(an, nan, ao[i]) &&
		    strv_append(&d->arches_removed, &d->n_arches_removed, ao[i], err) < 0)
			goto out;
	if (d->n_arches_added || d->n_arches_removed)
		d->any = true;
	d->widens |= d->n_arches_added > 0;
	d->narrows |= d->n_arches_removed > 0;

	if (collect(old_p, &eo, err) < 0 || collect(new_p, &en, err) < 0)
		goto out;
	paired_o = calloc(eo.n + 1, sizeof(bool));
	paired_n = calloc(en.n + 1, sizeof(bool));
	if (!paired_o || !paired_n) {
		st_error_set(err, ENOMEM, "diff");
		goto out;
	}
	/* Pairing in passes, so that a syscall listed twice under the same
	 * conditions (with two actions) pairs each entry with its twin:
	 * 1. identical: no change; 2. same conditions: another action;
	 * 3. same action: other conditions, one change compared as whole
	 * rules (never collapsed to the name). */
	for (int pass = 1; pass <= 3; pass++) {
		for (size_t i = 0; i < en.n; i++) {
			const struct st_entry *n = &en.v[i];

			if (paired_n[i])
				continue;
			for (size_t j = 0; j < eo.n; j++) {
				const struct st_entry *o = &eo.v[j];
				bool same_cond = !strcmp(o->cond, n->cond);

				if (paired_o[j] || strcmp(o->name, n->name) ||
				    (pass == 1 && !(same_cond && same_action(o, n))) ||
				    (pass == 2 && !same_cond) ||
				    (pass == 3 && (same_cond || !same_action(o, n))))
					continue;
				paired_n[i] = paired_o[j] = true;
				if (pass == 1)
					break;
				bool na = st_action_allows(n->action),
				     oa = st_action_allows(o->action);
				struct st_diff_item it = {
				    .kind = pass == 2 ? ST_CHANGE_ACTION : ST_CHANGE_CONDITIONS,
				    .old_e = *o,
				    .new_e = *n,
				    .widens = pass == 2 ? na && !oa : true,
				    .narrows = pass == 2 ? oa && !na : true,
				};
				if (add_item(d, &it, err) < 0)
					goto out;
				break;
			}
		}
	}
	for (size_t i = 0; i < en.n; i++) {
		if (paired_n[i])
			continue;
		bool a = st_action_allows(en.v[i].action);
		struct st_diff_item it = {.kind = ST_CHANGE_ADDED,
					  .new_e = en.v[i],
					  .widens = a && !old_def_allows,
					  .narrows = !a && old_def_allows};
		if (add_item(d, &it, err) < 0)
			goto out;
	}
	for (size_t i = 0; i < eo.n; i++) {
		if (paired_o[i])
			continue;
		bool a = st_action_allows(eo.v[i].action);
		struct st_diff_item it = {.kind = ST_CHANGE_REMOVED,
					  .old_e = eo.v[i],
					  .widens = !a && new_def_allows,
					  .narrows = a && !new_def_allows};
		if (add_item(d, &it, err) < 0)
			goto out;
	}
	if (d->n_items)
		qsort(d->items, d->n_items, sizeof(*d->items), cmp_item);
	rc = 0;
out:
	free(paired_o);
	free(paired_n);
	free(eo.v);
	free(en.v);
	free_strv(ao, nao);
	free_strv(an, nan);
	if (rc < 0)
		st_diff_free(d);
	return rc;
}

void st_diff_free(struct st_diff *d)
{
	free_strv(d->arches_added, d->n_arches_added);
	free_strv(d->arches_removed, d->n_arches_removed);
	free(d->items);
	memset(d, 0, sizeof(*d));
}
