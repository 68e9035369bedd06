// SPDX-License-Identifier: Apache-2.0
/* The io.containers.trace-syscall annotation. Each input is tried twice: as a
 * bare annotation value, and as the OCI state on the hook's stdin, whose
 * annotation is then found (plain or CRI-O per-container key) and parsed as
 * cmd_hook does. */
#include <ctype.h>
#include <limits.h>

#include "annotation.h"
#include "fuzz.h"
#include "oci_state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the hook will open or replace: absolute, trimmed, one entry of the
 * value, no control characters. */
static void check_path(const char *value, const char *path)
{
	FUZZ_CHECK(path && path[0] == '/');
	FUZZ_CHECK(strlen(path) < PATH_MAX);
	FUZZ_CHECK(!isspace((unsigned char)path[strlen(path) - 1]));
	FUZZ_CHECK(!strchr(path, ';'));
	for (const char *p = path; *p; p++)
		FUZZ_CHECK(!iscntrl((unsigned char)*p));
	FUZZ_CHECK(strstr(value, path));
}

static void parse_value(const char *key, const char *value)
{
	struct st_error err = {0};
	struct st_trace_request r;

	if (st_annotation_parse(key, value, &r, &err) < 0) {
		fuzz_check_error(&err);
		FUZZ_CHECK(!r.output && !r.input);
		return;
	}
	check_path(value, r.output);
	if (r.input)
		check_path(value, r.input);
	st_trace_request_free(&r);
	FUZZ_CHECK(!r.output && !r.input);
}

static void find_in_state(const char *text, size_t len)
{
	struct st_error err = {0};
	struct st_oci_state s;
	const char *key = NULL, *value = NULL;
	int rc;

	if (st_oci_state_parse(text, len, &s, &err) < 0)
		return; /* fuzz_oci_state checks the refusals */
	rc = st_annotation_find(&s, &key, &value, &err);
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (rc < 0)
		fuzz_check_error(&err);
	if (rc == 1) {
		FUZZ_CHECK(key && value);
		FUZZ_CHECK(!strncmp(key, ST_ANNOTATION, sizeof(ST_ANNOTATION) - 1));
		FUZZ_CHECK(st_oci_annotation(&s, key));
		parse_value(key, value);
	}
	st_oci_state_free(&s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	parse_value(ST_ANNOTATION, text);
	find_in_state(text, size);
	free(text);
	return 0;
}
