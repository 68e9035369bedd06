// SPDX-License-Identifier: Apache-2.0
#include "annotation.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int st_annotation_find(const struct st_oci_state *s, const char **key, const char **value,
		       struct st_error *err)
{
	static const char prefix[] = ST_ANNOTATION "/";
	const char *name = st_oci_annotation(s, ST_K8S_CONTAINER_NAME);
	const char *found_key = NULL, *found = st_oci_annotation(s, ST_ANNOTATION);

	if (found)
		found_key = ST_ANNOTATION;
	for (size_t i = 0; i < s->n_ann; i++) {
		const char *k = s->ann_keys[i];

		if (strncmp(k, prefix, sizeof(prefix) - 1) || !name ||
		    strcmp(k + sizeof(prefix) - 1, name))
			continue;
		/* CRI-O may have rewritten it to the plain key already: same value. */
		if (found && strcmp(found, s->ann_values[i]))
			return st_error_set(err, 0, "annotations %s and %s disagree", found_key, k);
		found_key = k;
		found = s->ann_values[i];
	}
	if (!found)
		return 0;
	*key = found_key;
	*value = found;
	return 1;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s))
			return true;
	return false;
}

static int set_path(const char *key, const char *what, const char *path, char **slot,
		    struct st_error *err)
{
	if (*slot)
		return st_error_set(err, 0, "invalid annotation %s: %s: given twice", key, what);
	if (!*path)
		return st_error_set(err, 0, "invalid annotation %s: %s: empty path", key, what);
	/* before any message quotes the path: a newline would forge log lines */
	if (has_control(path))
		return st_error_set(err, 0, "invalid annotation %s: %s: control character in path",
				    key, what);
	if (path[0] != '/')
		return st_error_set(err, 0,
				    "invalid annotation %s: %s%.200s: relative path (paths must be "
				    "absolute)",
				    key, what, path);
	if (strlen(path) >= PATH_MAX)
		return st_error_set(err, 0, "invalid annotation %s: %s: path too long", key, what);
	if (!(*slot = strdup(path)))
		return st_error_set(err, ENOMEM, "annotation %s", key);
	return 0;
}

int st_annotation_parse(const char *key, const char *value, struct st_trace_request *req,
			struct st_error *err)
{
	char buf[ST_MAX_ANNOTATION + 1], *entry;
	size_t len = strlen(value);

	memset(req, 0, sizeof(*req));
	if (len > ST_MAX_ANNOTATION)
		return st_error_set(err, 0, "invalid annotation %s: longer than %d bytes", key,
				    ST_MAX_ANNOTATION);
	memcpy(buf, value, len + 1);
	if (!*st_trim(buf))
		return st_error_set(err, 0,
				    "invalid annotation %s: empty value (expected "
				    "of:/abs/out.json[;if:/abs/base.json])",
				    key);
	/* strtok_r would merge ";;": split by hand so that empty entries show. */
	entry = buf;
	for (char *next; entry; entry = next) {
		int rc;

		next = strchr(entry, ';');
		if (next)
			*next++ = '\0';
		entry = st_trim(entry);
		if (!strncmp(entry, "of:", 3))
			rc = set_path(key, "of:", st_trim(entry + 3), &req->output, err);
		else if (!strncmp(entry, "if:", 3))
			rc = set_path(key, "if:", st_trim(entry + 3), &req->input, err);
		else if (!*entry)
			rc = st_error_set(err, 0, "invalid annotation %s: empty entry", key);
		else if (has_control(entry))
			rc = st_error_set(err, 0,
					  "invalid annotation %s: control character in an entry "
					  "(expected of:PATH or if:PATH)",
					  key);
		else
			rc = st_error_set(err, 0,
					  "invalid annotation %s: unknown entry '%.100s' (expected "
					  "of:PATH or if:PATH)",
					  key, entry);
		if (rc < 0) {
			st_trace_request_free(req);
			return -1;
		}
	}
	if (!req->output) {
		st_trace_request_free(req);
		return st_error_set(err, 0, "invalid annotation %s: missing of:/abs/path.json",
				    key);
	}
	return 0;
}

void st_trace_request_free(struct st_trace_request *req)
{
	free(req->output);
	free(req->input);
	req->output = req->input = NULL;
}
