// SPDX-License-Identifier: Apache-2.0
/* Reading a JSON provenance report back (diff --report). The file may come
 * from anywhere (a CI artifact): bounded, parsed as strictly as profiles,
 * every string made printable again before it is shown. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "report.h"
#include "syscalls.h"

/* obj's member key, NULL if absent (keys are unique: checked first). */
static yajl_val member(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return obj->u.object.values[i];
	return NULL;
}

/* A string member made printable into *out (NULL when absent). */
static int read_str(yajl_val obj, const char *key, const char *where, bool required, char **out,
		    struct st_error *err)
{
	yajl_val v = member(obj, key);
	char path[128];
	const char *s;

	*out = NULL;
	snprintf(path, sizeof(path), "%s.%s", where, key);
	if (!v)
		return required ? st_error_set(err, 0, "%s: missing", path) : 0;
	if (st_json_string(v, path, &s, err) < 0)
		return -1;
	if (!(*out = st_printable_again(s)))
		return st_error_set(err, ENOMEM, "%s", path);
	return 0;
}

static int read_origin(yajl_val obj, const char *where, enum st_origin *o, struct st_error *err)
{
	cleanup_free char *s = NULL;

	if (read_str(obj, "origin", where, true, &s, err) < 0)
		return -1;
	for (*o = 0; *o < ST_NR_ORIGINS; (*o)++)
		if (!strcmp(s, st_origin_name(*o)))
			return 0;
	return st_error_set(err, 0, "%s.origin: unknown origin \"%s\"", where, s);
}

static int read_first(yajl_val obj, const char *where, struct st_report_entry *e,
		      struct st_error *err)
{
	yajl_val f = member(obj, "first"), pid;
	char path[128];
	uint64_t n;

	if (!f)
		return 0;
	snprintf(path, sizeof(path), "%s.first", where);
	if (!YAJL_IS_OBJECT(f))
		return st_error_set(err, 0, "%s: expected an object", path);
	if (st_json_check_keys(f, path, err) < 0 ||
	    read_str(f, "comm", path, true, &e->comm, err) < 0 ||
	    read_str(f, "exe", path, false, &e->exe, err) < 0)
		return -1;
	pid = member(f, "pid");
	snprintf(path, sizeof(path), "%s.first.pid", where);
	if (!pid)
		return st_error_set(err, 0, "%s: missing", path);
	if (st_json_u64(pid, path, &n, err) < 0)
		return -1;
	if (n > UINT32_MAX)
		return st_error_set(err, 0, "%s: out of range", path);
	e->pid = (uint32_t)n;
	e->has_first = true;
	return 0;
}

static int read_entry(yajl_val v, size_t i, struct st_report_entry *e, struct st_error *err)
{
	char where[64];
	yajl_val in;

	snprintf(where, sizeof(where), "syscalls[%zu]", i);
	if (!YAJL_IS_OBJECT(v))
		return st_error_set(err, 0, "%s: expected an object", where);
	if (st_json_check_keys(v, where, err) < 0 ||
	    read_str(v, "name", where, false, &e->name, err) < 0 ||
	    read_str(v, "arch", where, true, &e->arch, err) < 0 ||
	    read_origin(v, where, &e->origin, err) < 0 || read_first(v, where, e, err) < 0)
		return -1;
	e->sets = 1u << e->origin;
	in = member(v, "inProfile");
	e->in_profile = !in || YAJL_IS_TRUE(in);
	return 0;
}

static int read_root(yajl_val root, struct st_report *out, struct st_error *err)
{
	yajl_val version, list;
	uint64_t n;

	if (!YAJL_IS_OBJECT(root) || !(version = member(root, "seccompTraceReport")))
		return st_error_set(err, 0,
				    "not a seccomp-trace report (JSON with "
				    "\"seccompTraceReport\")");
	if (st_json_u64(version, "seccompTraceReport", &n, err) < 0)
		return -1;
	if (n != 1)
		return st_error_set(err, 0, "report version %llu: this seccomp-trace reads 1",
				    (unsigned long long)n);
	list = member(root, "syscalls");
	if (!list || !YAJL_IS_ARRAY(list))
		return st_error_set(err, 0, "syscalls: expected an array");
	out->v = calloc(list->u.array.len ?: 1, sizeof(*out->v));
	if (!out->v)
		return st_error_set(err, ENOMEM, "syscalls");
	for (size_t i = 0; i < list->u.array.len; i++) {
		out->n = i + 1;
		if (read_entry(list->u.array.values[i], i, &out->v[i], err) < 0)
			return -1;
	}
	return 0;
}

int st_report_read(const char *path, struct st_report *out, struct st_error *err)
{
	cleanup_free char *text = NULL;
	cleanup_yajl_tree yajl_val root = NULL;
	size_t len;

	*out = (struct st_report){0};
	if (st_read_file(path, ST_MAX_INPUT_BYTES, &text, &len, err) < 0)
		return -1;
	if (st_json_parse(text, len, path, &root, err) < 0)
		return -1;
	if ((YAJL_IS_OBJECT(root) && st_json_check_keys(root, "", err) < 0) ||
	    read_root(root, out, err) < 0) {
		st_report_free(out);
		return st_error_wrap(err, "%s", path);
	}
	return 0;
}

unsigned st_report_rank(const struct st_report_entry *e)
{
	const char *native = st_abi_arch_name(ST_ABI_NATIVE);

	return !e->in_profile * 2 * ST_NR_ORIGINS + e->origin * 2 +
	       !(native && !strcmp(e->arch, native));
}

const struct st_report_entry *st_report_find(const struct st_report *r, const char *name)
{
	const struct st_report_entry *best = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct st_report_entry *e = &r->v[i];

		if (e->name && !strcmp(e->name, name) &&
		    (!best || st_report_rank(e) < st_report_rank(best)))
			best = e;
	}
	return best;
}
