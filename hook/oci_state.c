// SPDX-License-Identifier: Apache-2.0
#include "oci_state.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

static int dup_field(yajl_val v, const char *key, char **out, struct st_error *err)
{
	const char *s;
	char where[64];

	snprintf(where, sizeof(where), "OCI state: %s", key);
	if (st_json_string(v, where, &s, err) < 0)
		return -1;
	if (!(*out = strdup(s)))
		return st_error_set(err, ENOMEM, "%s", where);
	return 0;
}

static int read_annotations(yajl_val v, struct st_oci_state *s, struct st_error *err)
{
	size_t n;

	if (YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return st_error_set(err, 0, "OCI state: annotations: expected an object");
	if (st_json_check_keys(v, "OCI state: annotations", err) < 0)
		return -1;
	n = v->u.object.len;
	s->ann_keys = calloc(n + 1, sizeof(char *));
	s->ann_values = calloc(n + 1, sizeof(char *));
	if (!s->ann_keys || !s->ann_values)
		return st_error_set(err, ENOMEM, "OCI state: annotations");
	for (size_t i = 0; i < n; i++) {
		yajl_val val = v->u.object.values[i];

		if (!YAJL_IS_STRING(val))
			return st_error_set(err, 0,
					    "OCI state: annotations.%.100s: expected a string",
					    v->u.object.keys[i]);
		s->ann_keys[i] = strdup(v->u.object.keys[i]);
		s->ann_values[i] = strdup(val->u.string);
		s->n_ann = i + 1;
		if (!s->ann_keys[i] || !s->ann_values[i])
			return st_error_set(err, ENOMEM, "OCI state: annotations");
	}
	return 0;
}

/* runtime-spec specs-go State's JSON tags */
static const char *const state_fields[] = {"ociVersion", "id",		"status", "pid",
					   "bundle",	 "annotations", NULL};

static int read_state(yajl_val root, struct st_oci_state *s, struct st_error *err)
{
	bool has_pid = false;

	if (!YAJL_IS_OBJECT(root))
		return st_error_set(err, 0, "OCI state: expected a JSON object");
	/* a second "id" or "annotations" would replace the first: refuse */
	if (st_json_check_keys(root, "OCI state", err) < 0)
		return -1;
	/* The runtime writes the state, not the container's author; still, a Go
	 * hook would take "PID" for "pid": read what it would read or nothing.
	 * Annotation keys are a map's: Go matches those exactly. */
	if (st_json_check_fold(root, "OCI state", state_fields, err) < 0)
		return -1;
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *k = root->u.object.keys[i];
		yajl_val v = root->u.object.values[i];
		int rc = 0;

		if (!strcmp(k, "ociVersion")) {
			rc = dup_field(v, k, &s->oci_version, err);
		} else if (!strcmp(k, "id")) {
			rc = dup_field(v, k, &s->id, err);
		} else if (!strcmp(k, "status")) {
			rc = dup_field(v, k, &s->status, err);
		} else if (!strcmp(k, "bundle")) {
			rc = dup_field(v, k, &s->bundle, err);
		} else if (!strcmp(k, "pid")) {
			int64_t pid;

			if (st_json_i64(v, "OCI state: pid", &pid, err) < 0)
				return -1;
			if (pid <= 0 || pid > INT32_MAX)
				return st_error_set(err, 0,
						    "OCI state: pid %lld is not a process id",
						    (long long)pid);
			s->pid = pid;
			has_pid = true;
		} else if (!strcmp(k, "annotations")) {
			rc = read_annotations(v, s, err);
		}
		if (rc < 0)
			return -1;
	}
	if (!has_pid)
		return st_error_set(err, 0,
				    "OCI state: pid: missing (the hook must run at "
				    "prestart or createRuntime, when the container has a process)");
	return 0;
}

int st_oci_state_parse(const char *text, size_t len, struct st_oci_state *out, struct st_error *err)
{
	cleanup_yajl_tree yajl_val root = NULL;

	memset(out, 0, sizeof(*out));
	if (st_json_parse(text, len, "the OCI state on stdin", &root, err) < 0)
		return -1;
	if (read_state(root, out, err) < 0) {
		st_oci_state_free(out);
		return -1;
	}
	return 0;
}

const char *st_oci_annotation(const struct st_oci_state *s, const char *key)
{
	for (size_t i = 0; i < s->n_ann; i++)
		if (!strcmp(s->ann_keys[i], key))
			return s->ann_values[i];
	return NULL;
}

void st_oci_state_free(struct st_oci_state *s)
{
	free(s->oci_version);
	free(s->id);
	free(s->status);
	free(s->bundle);
	for (size_t i = 0; i < s->n_ann; i++) {
		free(s->ann_keys[i]);
		free(s->ann_values[i]);
	}
	free(s->ann_keys);
	free(s->ann_values);
	memset(s, 0, sizeof(*s));
}
