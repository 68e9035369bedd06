// SPDX-License-Identifier: Apache-2.0
/* Profile <-> Docker/OCI seccomp JSON. Reading walks each object once and
 * dispatches on the key; writing emits known fields in a fixed order, then the
 * kept unknown ones in their input order, so that output is deterministic. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
#include "profile_json.h"
#include "util.h"

static int add_extra(struct st_extras *e, const char *key, yajl_val v, const char *where,
		     struct st_error *err)
{
	struct st_extra *nv = realloc(e->v, (e->n + 1) * sizeof(*nv));

	if (!nv)
		return st_error_set(err, ENOMEM, "%s", where);
	e->v = nv;
	nv[e->n].key = strdup(key);
	nv[e->n].val = st_json_copy(v);
	if (!nv[e->n].key || !nv[e->n].val) {
		free(nv[e->n].key);
		yajl_tree_free(nv[e->n].val);
		return st_error_set(err, ENOMEM, "%s", where);
	}
	e->n++;
	return 0;
}

static int dup_string(yajl_val v, const char *where, char **out, struct st_error *err)
{
	const char *s;

	if (st_json_string(v, where, &s, err) < 0)
		return -1;
	free(*out);
	if (!(*out = strdup(s)))
		return st_error_set(err, ENOMEM, "%s", where);
	return 0;
}

static int get_u32(yajl_val v, const char *where, uint32_t *out, struct st_error *err)
{
	uint64_t u;

	if (st_json_u64(v, where, &u, err) < 0)
		return -1;
	if (u > UINT32_MAX)
		return st_error_set(err, 0, "%s: integer out of range", where);
	*out = u;
	return 0;
}

/* The field names runtimes know at each level of a profile: the JSON tags of
 * the Go structs they decode it into (moby profiles/seccomp Seccomp, Syscall,
 * Filter, Architecture; containers/common pkg/seccomp the same and Arg;
 * runtime-spec specs-go LinuxSeccomp, LinuxSyscall, LinuxSeccompArg), fields
 * this model keeps verbatim included. A key that is not one of them but folds
 * to one under Go's rules would be read as it by those runtimes. */
static const char *const profile_fields[] = {
    "defaultAction", "defaultErrnoRet", "defaultErrno", "architectures",    "archMap",
    "syscalls",	     "flags",		"listenerPath", "listenerMetadata", NULL,
};
static const char *const archmap_fields[] = {"architecture", "subArchitectures", NULL};
static const char *const rule_fields[] = {
    "name", "names", "action", "errnoRet", "errno", "args", "comment", "includes", "excludes", NULL,
};
static const char *const arg_fields[] = {"index", "value", "valueTwo", "op", NULL};
static const char *const filter_fields[] = {"caps", "arches", "minKernel", NULL};

/* Objects with duplicate keys are refused (which one would a runtime use?),
 * and so are keys that Go runtimes would take for one of known. `where` is
 * the object's JSON path ("" at the top). */
static int check_object(yajl_val v, const char *where, const char *const *known,
			struct st_error *err)
{
	if (!YAJL_IS_OBJECT(v))
		return st_error_set(err, 0, "%s: expected an object", *where ? where : "profile");
	if (st_json_check_keys(v, *where ? where : "profile", err) < 0)
		return -1;
	return st_json_check_fold(v, where, known, err);
}

#define WHERE(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__), buf)

static int read_filter(yajl_val v, const char *where, struct st_filter **out, struct st_error *err)
{
	struct st_filter *f;
	char w[256];

	if (check_object(v, where, filter_fields, err) < 0)
		return -1;
	if (!(f = calloc(1, sizeof(*f))))
		return st_error_set(err, ENOMEM, "%s", where);
	*out = f; /* freed with the rule on error */
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];
		int r;

		if (YAJL_IS_NULL(val)) {
			r = add_extra(&f->extras, k, val, where, err);
		} else if (!strcmp(k, "arches")) {
			r = st_json_strv(val, WHERE(w, "%s.arches", where), &f->arches,
					 &f->n_arches, err);
			f->has_arches = true;
		} else if (!strcmp(k, "caps")) {
			r = st_json_strv(val, WHERE(w, "%s.caps", where), &f->caps, &f->n_caps,
					 err);
			f->has_caps = true;
		} else if (!strcmp(k, "minKernel")) {
			r = dup_string(val, WHERE(w, "%s.minKernel", where), &f->min_kernel, err);
		} else {
			r = add_extra(&f->extras, k, val, where, err);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int read_arg(yajl_val v, const char *where, struct st_arg *a, struct st_error *err)
{
	bool has_index = false, has_value = false;
	char w[256];

	if (check_object(v, where, arg_fields, err) < 0)
		return -1;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];
		int r;

		if (YAJL_IS_NULL(val)) {
			r = add_extra(&a->extras, k, val, where, err);
		} else if (!strcmp(k, "index")) {
			r = get_u32(val, WHERE(w, "%s.index", where), &a->index, err);
			has_index = true;
		} else if (!strcmp(k, "value")) {
			r = st_json_u64(val, WHERE(w, "%s.value", where), &a->value, err);
			has_value = true;
		} else if (!strcmp(k, "valueTwo")) {
			r = st_json_u64(val, WHERE(w, "%s.valueTwo", where), &a->value_two, err);
			a->has_value_two = true;
		} else if (!strcmp(k, "op")) {
			r = dup_string(val, WHERE(w, "%s.op", where), &a->op, err);
		} else {
			r = add_extra(&a->extras, k, val, where, err);
		}
		if (r < 0)
			return -1;
	}
	/* Go's decoders leave a missing number 0: so does this one (check
	 * says so) */
	a->missing_index = !has_index;
	a->missing_value = !has_value;
	if (!a->op)
		return st_error_set(err, 0, "%s.op: missing", where);
	return 0;
}

static int read_rule(yajl_val v, const char *where, struct st_rule *r, struct st_error *err)
{
	char w[256];

	if (check_object(v, where, rule_fields, err) < 0)
		return -1;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];
		int rc = 0;

		if (YAJL_IS_NULL(val)) {
			/* null is not "absent" to every reader: keep it as it was */
			rc = add_extra(&r->extras, k, val, where, err);
		} else if (!strcmp(k, "names")) {
			if (r->names)
				return st_error_set(err, 0, "%s: both \"name\" and \"names\"",
						    where);
			rc = st_json_strv(val, WHERE(w, "%s.names", where), &r->names, &r->n_names,
					  err);
		} else if (!strcmp(k, "name")) {
			const char *s;

			if (r->names)
				return st_error_set(err, 0, "%s: both \"name\" and \"names\"",
						    where);
			if (st_json_string(val, WHERE(w, "%s.name", where), &s, err) < 0)
				return -1;
			r->names = calloc(2, sizeof(char *));
			if (!r->names || !(r->names[0] = strdup(s)))
				return st_error_set(err, ENOMEM, "%s", where);
			r->n_names = 1;
			r->old_name = true;
		} else if (!strcmp(k, "action")) {
			rc = dup_string(val, WHERE(w, "%s.action", where), &r->action, err);
		} else if (!strcmp(k, "errnoRet")) {
			rc = get_u32(val, WHERE(w, "%s.errnoRet", where), &r->errno_ret, err);
			r->has_errno_ret = true;
		} else if (!strcmp(k, "comment")) {
			rc = dup_string(val, WHERE(w, "%s.comment", where), &r->comment, err);
		} else if (!strcmp(k, "includes")) {
			rc = read_filter(val, WHERE(w, "%s.includes", where), &r->includes, err);
		} else if (!strcmp(k, "excludes")) {
			rc = read_filter(val, WHERE(w, "%s.excludes", where), &r->excludes, err);
		} else if (!strcmp(k, "args")) {
			r->has_args = true;
			if (!YAJL_IS_ARRAY(val))
				return st_error_set(err, 0, "%s.args: expected an array", where);
			r->args = calloc(val->u.array.len + 1, sizeof(*r->args));
			if (!r->args)
				return st_error_set(err, ENOMEM, "%s", where);
			for (size_t j = 0; j < val->u.array.len; j++) {
				r->n_args = j + 1;
				if (read_arg(val->u.array.values[j],
					     WHERE(w, "%s.args[%zu]", where, j), &r->args[j],
					     err) < 0)
					return -1;
			}
		} else {
			rc = add_extra(&r->extras, k, val, where, err);
		}
		if (rc < 0)
			return -1;
	}
	if (!r->names)
		return st_error_set(err, 0, "%s.names: missing", where);
	if (!r->action)
		return st_error_set(err, 0, "%s.action: missing", where);
	return 0;
}

static int read_archmap(yajl_val v, struct st_profile *p, struct st_error *err)
{
	char w[256];

	if (!YAJL_IS_ARRAY(v))
		return st_error_set(err, 0, "archMap: expected an array");
	p->archmap = calloc(v->u.array.len + 1, sizeof(*p->archmap));
	if (!p->archmap)
		return st_error_set(err, ENOMEM, "archMap");
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i];
		struct st_archmap *m = &p->archmap[i];

		p->n_archmap = i + 1;
		if (check_object(e, WHERE(w, "archMap[%zu]", i), archmap_fields, err) < 0)
			return -1;
		for (size_t j = 0; j < e->u.object.len; j++) {
			const char *k = e->u.object.keys[j];
			yajl_val val = e->u.object.values[j];
			int r;

			if (YAJL_IS_NULL(val)) {
				r = add_extra(&m->extras, k, val, WHERE(w, "archMap[%zu]", i), err);
			} else if (!strcmp(k, "architecture")) {
				r = dup_string(val, WHERE(w, "archMap[%zu].architecture", i),
					       &m->arch, err);
			} else if (!strcmp(k, "subArchitectures")) {
				m->has_subs = true;
				r = st_json_strv(val, WHERE(w, "archMap[%zu].subArchitectures", i),
						 &m->subs, &m->n_subs, err);
			} else {
				r = add_extra(&m->extras, k, val, WHERE(w, "archMap[%zu]", i), err);
			}
			if (r < 0)
				return -1;
		}
		if (!m->arch)
			return st_error_set(err, 0, "archMap[%zu].architecture: missing", i);
	}
	return 0;
}

static int read_profile(yajl_val root, struct st_profile *p, struct st_error *err)
{
	char w[64];

	if (check_object(root, "", profile_fields, err) < 0)
		return -1;
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *k = root->u.object.keys[i];
		yajl_val val = root->u.object.values[i];
		int r = 0;

		if (YAJL_IS_NULL(val)) {
			r = add_extra(&p->extras, k, val, "profile", err);
		} else if (!strcmp(k, "defaultAction")) {
			r = dup_string(val, "defaultAction", &p->default_action, err);
		} else if (!strcmp(k, "defaultErrnoRet")) {
			r = get_u32(val, "defaultErrnoRet", &p->default_errno_ret, err);
			p->has_default_errno = true;
		} else if (!strcmp(k, "architectures")) {
			p->has_architectures = true;
			r = st_json_strv(val, "architectures", &p->architectures,
					 &p->n_architectures, err);
		} else if (!strcmp(k, "archMap")) {
			p->has_archmap = true;
			r = read_archmap(val, p, err);
		} else if (!strcmp(k, "syscalls")) {
			p->has_syscalls = true;
			if (!YAJL_IS_ARRAY(val))
				return st_error_set(err, 0, "syscalls: expected an array");
			p->rules = calloc(val->u.array.len + 1, sizeof(*p->rules));
			if (!p->rules)
				return st_error_set(err, ENOMEM, "syscalls");
			for (size_t j = 0; j < val->u.array.len; j++) {
				p->n_rules = j + 1;
				if (read_rule(val->u.array.values[j], WHERE(w, "syscalls[%zu]", j),
					      &p->rules[j], err) < 0)
					return -1;
			}
		} else {
			r = add_extra(&p->extras, k, val, "profile", err);
		}
		if (r < 0)
			return -1;
	}
	if (!p->default_action)
		return st_error_set(err, 0, "defaultAction: missing");
	return 0;
}

int st_profile_from_json(yajl_val root, struct st_profile **out, struct st_error *err)
{
	struct st_profile *p = st_profile_new();

	if (!p)
		return st_error_set(err, ENOMEM, "cannot read profile");
	if (read_profile(root, p, err) < 0) {
		st_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* What a runtime would refuse that no reader of a base or merge input
 * may pass on: an empty syscall name (runc, and Docker and containerd with
 * it, refuse the profile; crun skips the name). check reports it itself. */
static int refuse_empty_names(const struct st_profile *p, struct st_error *err)
{
	char where[64];

	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++) {
			if (*p->rules[i].names[j])
				continue;
			if (p->rules[i].old_name)
				snprintf(where, sizeof(where), "syscalls[%zu].name", i);
			else
				snprintf(where, sizeof(where), "syscalls[%zu].names[%zu]", i, j);
			return st_error_set(err, 0,
					    "%s: an empty syscall name (runc, and so Docker and "
					    "containerd, refuse such a profile)",
					    where);
		}
	return 0;
}

/* True when text starts like YAML rather than JSON: a document marker or the
 * SeccompProfile keys `--format spo` writes (apiVersion:, kind:). */
static bool looks_like_yaml(const char *text, size_t len)
{
	static const char *const starts[] = {"---", "apiVersion:", "kind:"};
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		size_t n = strlen(starts[k]);

		if (len - i >= n && !memcmp(text + i, starts[k], n))
			return true;
	}
	return false;
}

int st_profile_refuse_yaml(const char *text, size_t len, const char *what, struct st_error *err)
{
	if (!looks_like_yaml(text, len))
		return 0;
	return st_error_set(err, 0,
			    "%s looks like a SeccompProfile (YAML): it is not read here; write the "
			    "profile with --format oci (JSON)",
			    what);
}

int st_profile_parse(const char *text, size_t len, const char *what, struct st_profile **out,
		     struct st_error *err)
{
	cleanup_yajl_tree yajl_val root = NULL;

	if (st_profile_refuse_yaml(text, len, what, err) < 0)
		return -1;
	if (st_json_parse(text, len, what, &root, err) < 0)
		return -1;
	if (st_profile_from_json(root, out, err) < 0)
		return st_error_wrap(err, "invalid profile %s", what);
	if (refuse_empty_names(*out, err) < 0) {
		st_profile_free(*out);
		*out = NULL;
		return st_error_wrap(err, "invalid profile %s", what);
	}
	return 0;
}

int st_profile_read_file(const char *path, struct st_profile **out, struct st_error *err)
{
	return st_profile_read_file_in(NULL, path, out, NULL, err);
}

int st_profile_read_file_in(const struct st_allow *allow, const char *path, struct st_profile **out,
			    bool *private, struct st_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (st_read_file_in(allow, path, ST_MAX_INPUT_BYTES, &text, &len, private, err) < 0)
		return -1;
	return st_profile_parse(text, len, path, out, err);
}

/* ---- writing ---- */

/* Kept members: unknown ones, and known keys that came as null. A merge may
 * since have given the model a value for such a key ("syscalls": null, then
 * rules added): the model's value, written already, wins over the null. */
static int gen_extras(yajl_gen g, const struct st_extras *e, const char *const *written,
		      size_t n_written)
{
	for (size_t i = 0; i < e->n; i++) {
		bool dup = false;

		for (size_t j = 0; j < n_written && !dup; j++)
			dup = written[j] && !strcmp(written[j], e->v[i].key);
		if (dup)
			continue;
		if (st_gen_str(g, e->v[i].key) < 0 || st_json_gen_value(g, e->v[i].val) < 0)
			return -1;
	}
	return 0;
}

static int gen_filter(yajl_gen g, const char *key, const struct st_filter *f)
{
	if (!f)
		return 0;
	if (st_gen_str(g, key) < 0 || st_gen_map_open(g) < 0)
		return -1;
	if (f->has_arches &&
	    (st_gen_str(g, "arches") < 0 || st_gen_strv(g, f->arches, f->n_arches) < 0))
		return -1;
	if (f->has_caps && (st_gen_str(g, "caps") < 0 || st_gen_strv(g, f->caps, f->n_caps) < 0))
		return -1;
	if (f->min_kernel && (st_gen_str(g, "minKernel") < 0 || st_gen_str(g, f->min_kernel) < 0))
		return -1;
	const char *written[] = {f->has_arches ? "arches" : NULL, f->has_caps ? "caps" : NULL,
				 f->min_kernel ? "minKernel" : NULL};
	if (gen_extras(g, &f->extras, written, ARRAY_SIZE(written)) < 0)
		return -1;
	return st_gen_map_close(g);
}

static int gen_rule(yajl_gen g, const struct st_rule *r)
{
	if (st_gen_map_open(g) < 0 || st_gen_str(g, "names") < 0 ||
	    st_gen_strv(g, r->names, r->n_names) < 0 || st_gen_str(g, "action") < 0 ||
	    st_gen_str(g, r->action) < 0)
		return -1;
	if (r->has_errno_ret && (st_gen_str(g, "errnoRet") < 0 || st_gen_u64(g, r->errno_ret) < 0))
		return -1;
	if (r->has_args) {
		if (st_gen_str(g, "args") < 0 || st_gen_array_open(g) < 0)
			return -1;
		for (size_t i = 0; i < r->n_args; i++) {
			const struct st_arg *a = &r->args[i];

			if (st_gen_map_open(g) < 0 || st_gen_str(g, "index") < 0 ||
			    st_gen_u64(g, a->index) < 0 || st_gen_str(g, "value") < 0 ||
			    st_gen_u64(g, a->value) < 0)
				return -1;
			if (a->has_value_two &&
			    (st_gen_str(g, "valueTwo") < 0 || st_gen_u64(g, a->value_two) < 0))
				return -1;
			const char *aw[] = {"index", "value", a->has_value_two ? "valueTwo" : NULL,
					    "op"};
			if (st_gen_str(g, "op") < 0 || st_gen_str(g, a->op) < 0 ||
			    gen_extras(g, &a->extras, aw, ARRAY_SIZE(aw)) < 0 ||
			    st_gen_map_close(g) < 0)
				return -1;
		}
		if (st_gen_array_close(g) < 0)
			return -1;
	}
	if (r->comment && (st_gen_str(g, "comment") < 0 || st_gen_str(g, r->comment) < 0))
		return -1;
	if (gen_filter(g, "includes", r->includes) < 0 ||
	    gen_filter(g, "excludes", r->excludes) < 0)
		return -1;
	const char *written[] = {"names",
				 "action",
				 r->has_errno_ret ? "errnoRet" : NULL,
				 r->has_args ? "args" : NULL,
				 r->comment ? "comment" : NULL,
				 r->includes ? "includes" : NULL,
				 r->excludes ? "excludes" : NULL};
	if (gen_extras(g, &r->extras, written, ARRAY_SIZE(written)) < 0)
		return -1;
	return st_gen_map_close(g);
}

static int gen_profile(yajl_gen g, const struct st_profile *p)
{
	if (st_gen_map_open(g) < 0 || st_gen_str(g, "defaultAction") < 0 ||
	    st_gen_str(g, p->default_action) < 0)
		return -1;
	if (p->has_default_errno &&
	    (st_gen_str(g, "defaultErrnoRet") < 0 || st_gen_u64(g, p->default_errno_ret) < 0))
		return -1;
	/* Never both lists: podman refuses a profile that has both. */
	if (p->has_archmap) {
		if (st_gen_str(g, "archMap") < 0 || st_gen_array_open(g) < 0)
			return -1;
		for (size_t i = 0; i < p->n_archmap; i++) {
			const struct st_archmap *m = &p->archmap[i];

			if (st_gen_map_open(g) < 0 || st_gen_str(g, "architecture") < 0 ||
			    st_gen_str(g, m->arch) < 0)
				return -1;
			if ((m->has_subs || m->n_subs) && (st_gen_str(g, "subArchitectures") < 0 ||
							   st_gen_strv(g, m->subs, m->n_subs) < 0))
				return -1;
			const char *mw[] = {"architecture",
					    m->has_subs || m->n_subs ? "subArchitectures" : NULL};
			if (gen_extras(g, &m->extras, mw, ARRAY_SIZE(mw)) < 0 ||
			    st_gen_map_close(g) < 0)
				return -1;
		}
		if (st_gen_array_close(g) < 0)
			return -1;
	} else if (p->has_architectures) {
		if (st_gen_str(g, "architectures") < 0 ||
		    st_gen_strv(g, p->architectures, p->n_architectures) < 0)
			return -1;
	}
	const char *written[] = {"defaultAction", p->has_default_errno ? "defaultErrnoRet" : NULL,
				 p->has_archmap ? "archMap" : NULL,
				 !p->has_archmap && p->has_architectures ? "architectures" : NULL,
				 p->has_syscalls || p->n_rules ? "syscalls" : NULL};
	if (gen_extras(g, &p->extras, written, ARRAY_SIZE(written)) < 0)
		return -1;
	if (p->has_syscalls || p->n_rules) {
		if (st_gen_str(g, "syscalls") < 0 || st_gen_array_open(g) < 0)
			return -1;
		for (size_t i = 0; i < p->n_rules; i++)
			if (gen_rule(g, &p->rules[i]) < 0)
				return -1;
		if (st_gen_array_close(g) < 0)
			return -1;
	}
	return st_gen_map_close(g);
}

int st_profile_to_json(const struct st_profile *p, char **out, size_t *len, struct st_error *err)
{
	cleanup_yajl_gen yajl_gen g = st_gen_new();
	const unsigned char *buf;
	size_t n;
	char *s;

	if (!g)
		return st_error_set(err, ENOMEM, "cannot generate JSON");
	if (gen_profile(g, p) < 0)
		return st_error_set(err, 0,
				    "cannot generate profile JSON (invalid UTF-8 in a string?)");
	if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return st_error_set(err, 0, "cannot generate profile JSON");
	/* One trailing newline, whatever yajl's beautifier does. */
	while (n && buf[n - 1] == '\n')
		n--;
	if (!(s = malloc(n + 2)))
		return st_error_set(err, ENOMEM, "cannot generate JSON");
	memcpy(s, buf, n);
	s[n] = '\n';
	s[n + 1] = '\0';
	*out = s;
	*len = n + 1;
	return 0;
}
