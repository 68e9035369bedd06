// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace check PROFILE...: would a runtime load it? */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "fileio.h"
#include "json.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_check.h"

struct report_ctx {
	const char *file;
	unsigned warnings;
	bool quiet;
};

static void report(void *ctx, enum st_check_level level, const char *path, const char *msg)
{
	struct report_ctx *r = ctx;

	if (level == ST_CHECK_WARNING) {
		r->warnings++;
		if (r->quiet)
			return;
	}
	printf("%s: %s: %s: %s\n", r->file, level == ST_CHECK_ERROR ? "error" : "warning", path,
	       msg);
}

static int parse(const char *text, size_t len, const char *what, struct st_profile **p,
		 struct st_error *err)
{
	cleanup_yajl_tree yajl_val root = NULL;

	if (st_json_parse(text, len, what, &root, err) < 0)
		return -1;
	return st_profile_from_json(root, p, err);
}

struct check_opts {
	bool quiet;
	struct st_cli_operands profiles;
};

static const struct argp_option check_options[] = {
    {"quiet", 'q', NULL, 0, "Print errors only", 0},
    {0},
};

static error_t parse_check_opt(int key, char *arg, struct argp_state *state)
{
	struct check_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->profiles;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child check_children[] = {
    ST_CLI_OPERANDS_CHILD,
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp check_argp = {
    check_options,
    parse_check_opt,
    "PROFILE...",
    "Load each profile the way a runtime would (through libseccomp: every rule added, the "
    "filter compiled) and report what runc, crun or podman would refuse (errors) and what they "
    "accept but is probably wrong (warnings), each with the JSON path of the item. Exit status: "
    "0 when every profile would load, 1 when one would not, 2 when one cannot be read.",
    check_children,
    NULL,
    NULL};

/* One profile: 0 loads, 1 would be refused, 2 cannot be read. */
static int check_one(const char *file, bool quiet)
{
	struct report_ctx r = {.file = file, .quiet = quiet};
	struct st_error err = {0};
	struct st_profile *p = NULL;
	cleanup_free char *text = NULL;
	unsigned errors;
	size_t len;

	/* unreadable: 2; readable but not a profile: refused, 1 */
	if (st_read_file(file, ST_MAX_INPUT_BYTES, &text, &len, &err) < 0) {
		st_error_print(&err);
		return 2;
	}
	if (parse(text, len, file, &p, &err) < 0) {
		printf("%s: error: %s\n", file, err.msg);
		return 1;
	}
	errors = st_profile_check(p, report, &r);
	st_profile_free(p);
	if (errors) {
		printf("%s: %u error%s, %u warning%s: a runtime would refuse it\n", file, errors,
		       errors == 1 ? "" : "s", r.warnings, r.warnings == 1 ? "" : "s");
		return 1;
	}
	printf("%s: ok (%u warning%s)\n", file, r.warnings, r.warnings == 1 ? "" : "s");
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = {0};
	int rc = 0;

	st_cli_parse(&check_argp, argc, argv, 0, &o);
	for (int i = 0; i < o.profiles.n; i++) {
		int one = check_one(o.profiles.v[i], o.quiet);

		/* an unreadable profile (2) outranks one a runtime refuses (1) */
		if (one == 2 || (one == 1 && !rc))
			rc = one;
	}
	return rc;
}
