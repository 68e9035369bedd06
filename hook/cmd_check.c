// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace check PROFILE...: would a runtime load it, and what would
 * each one do with it? */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "fileio.h"
#include "json.h"
#include "profile.h"
#include "profile_check.h"
#include "profile_json.h"

enum check_format { FORMAT_TEXT, FORMAT_JSON };

/* One finding, kept for the JSON document. */
struct finding {
	enum st_check_level level;
	char *path;
	char *msg;
	unsigned refused_by;
	bool judged; /* refused_by known (not a reading error) */
};

/* What check found in one profile. */
struct result {
	const char *file;
	enum { ST_OK, ST_WARNINGS, ST_REFUSED, ST_UNREADABLE } status;
	unsigned errors, warnings;
	struct finding *f;
	size_t n;
};

struct check_opts {
	bool quiet, strict;
	enum check_format format;
	struct st_cli_operands profiles;
};

struct report_ctx {
	const struct check_opts *o;
	struct result *r;
	bool oom;
};

static void add(struct report_ctx *x, enum st_check_level level, const char *path, const char *msg,
		unsigned refused_by, bool judged)
{
	struct result *r = x->r;
	struct finding *nf;

	if (level == ST_CHECK_ERROR)
		r->errors++;
	else
		r->warnings++;
	if (x->o->format == FORMAT_TEXT) {
		/* with --strict, a warning fails the check: -q prints it all the same */
		if (level == ST_CHECK_ERROR || !x->o->quiet || x->o->strict)
			printf("%s: %s: %s%s%s\n", r->file,
			       level == ST_CHECK_ERROR ? "error" : "warning", path,
			       *path ? ": " : "", msg);
		return;
	}
	nf = realloc(r->f, (r->n + 1) * sizeof(*nf));
	if (!nf) {
		x->oom = true;
		return;
	}
	r->f = nf;
	nf[r->n] = (struct finding){level, strdup(path), strdup(msg), refused_by, judged};
	if (!nf[r->n].path || !nf[r->n].msg) {
		free(nf[r->n].path);
		free(nf[r->n].msg);
		x->oom = true;
		return;
	}
	r->n++;
}

static void report(void *ctx, const struct st_check_item *item)
{
	add(ctx, item->level, item->path, item->msg, item->refused_by, true);
}

/* A reader's error starts with the JSON path of the item when it names one
 * ("syscalls[2].args[0].op: missing"): split there. */
static void add_read_error(struct report_ctx *x, const char *msg)
{
	const char *colon = strstr(msg, ": ");
	size_t n = colon ? (size_t)(colon - msg) : 0;
	char path[256] = "";
	bool is_path = n > 0 && n < sizeof(path);

	for (size_t i = 0; is_path && i < n; i++) {
		char ch = msg[i];

		is_path = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '[' ||
			  ch == ']';
	}
	if (is_path) {
		memcpy(path, msg, n);
		path[n] = '\0';
		msg = colon + 2;
	}
	add(x, ST_CHECK_ERROR, path, msg, 0, false);
}

static int parse(const char *text, size_t len, const char *what, struct st_profile **p,
		 struct st_error *err)
{
	cleanup_yajl_tree yajl_val root = NULL;

	if (st_profile_refuse_yaml(text, len, what, err) < 0)
		return -1;
	if (st_json_parse(text, len, what, &root, err) < 0)
		return -1;
	return st_profile_from_json(root, p, err);
}

enum { OPT_STRICT = 0x100, OPT_FORMAT };

static const struct argp_option check_options[] = {
    {"quiet", 'q', NULL, 0,
     "Print errors only, and nothing for a profile that passes (text format; with --strict, "
     "warnings too)",
     0},
    {"strict", OPT_STRICT, NULL, 0,
     "Warnings fail too: exit 1 when a profile has any (for CI gates)", 0},
    {"format", OPT_FORMAT, "text|json", 0,
     "text (default: one line per problem) or json (one document: every profile with its "
     "status and findings, each with level, JSON path, message and the runtimes that refuse "
     "the profile for it)",
     0},
    {0},
};

static error_t parse_check_opt(int key, char *arg, struct argp_state *state)
{
	struct check_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->profiles;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case OPT_STRICT:
		o->strict = true;
		return 0;
	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			o->format = FORMAT_TEXT;
		else if (!strcmp(arg, "json"))
			o->format = FORMAT_JSON;
		else
			argp_error(state, "--format '%s': expected text or json", arg);
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
    "Judge each profile the way runc 1.1, crun 1.8, podman 4.3, Docker 20.10 and containerd 1.6 "
    "read it, then load it through libseccomp (every rule added, the filter compiled). Errors: "
    "a runtime refuses the profile (the message says which, and which accept it); warnings: "
    "they load it, but it probably does not do what was meant there, or it uses a feature some "
    "of them lack (flags, arches runc does not know, the old \"name\" format, SCMP_ACT_NOTIFY "
    "in Docker). Each with the JSON path of the item. Exit status: 0 when every profile would "
    "load (and, with --strict, has no warning), 1 when one would not, 2 when one cannot be "
    "read. See seccomp-trace(1).",
    check_children,
    NULL,
    NULL};

static void check_one(const struct check_opts *o, struct result *r)
{
	struct report_ctx x = {.o = o, .r = r};
	struct st_error err = {0};
	struct st_profile *p = NULL;
	cleanup_free char *text = NULL;
	size_t len;

	if (st_read_file(r->file, ST_MAX_INPUT_BYTES, &text, &len, &err) < 0) {
		r->status = ST_UNREADABLE;
		if (o->format == FORMAT_TEXT) {
			st_error_print(&err);
		} else {
			char buf[ST_ERROR_TEXT_MAX];

			add(&x, ST_CHECK_ERROR, "", st_error_text(&err, buf, sizeof(buf)), 0,
			    false);
		}
		return;
	}
	/* readable but not a profile: a runtime refuses it */
	if (parse(text, len, r->file, &p, &err) < 0)
		add_read_error(&x, err.msg);
	else
		st_profile_check(p, report, &x);
	st_profile_free(p);
	if (x.oom)
		add(&x, ST_CHECK_ERROR, "", "out of memory: findings were lost", 0, false);
	r->status = r->errors ? ST_REFUSED : r->warnings ? ST_WARNINGS : ST_OK;
	if (o->format != FORMAT_TEXT)
		return;
	if (r->errors)
		printf("%s: %u error%s, %u warning%s: a runtime would refuse it\n", r->file,
		       r->errors, r->errors == 1 ? "" : "s", r->warnings,
		       r->warnings == 1 ? "" : "s");
	else if (r->warnings && o->strict)
		printf("%s: %u warning%s: --strict fails on warnings\n", r->file, r->warnings,
		       r->warnings == 1 ? "" : "s");
	else if (!o->quiet)
		printf("%s: ok (%u warning%s)\n", r->file, r->warnings,
		       r->warnings == 1 ? "" : "s");
}

static int gen_finding(yajl_gen g, const struct finding *f)
{
	if (st_gen_map_open(g) < 0 || st_gen_str(g, "level") < 0 ||
	    st_gen_str(g, f->level == ST_CHECK_ERROR ? "error" : "warning") < 0 ||
	    st_gen_str(g, "path") < 0 || st_gen_str(g, f->path) < 0 ||
	    st_gen_str(g, "message") < 0 || st_gen_str(g, f->msg) < 0 ||
	    st_gen_str(g, "refused_by") < 0)
		return -1;
	if (!f->judged) {
		if (yajl_gen_null(g) != yajl_gen_status_ok)
			return -1;
	} else {
		if (st_gen_array_open(g) < 0)
			return -1;
		for (unsigned i = 0; i < ST_RT_COUNT; i++)
			if ((f->refused_by & (1u << i)) && st_gen_str(g, st_runtime_id(i)) < 0)
				return -1;
		if (st_gen_array_close(g) < 0)
			return -1;
	}
	return st_gen_map_close(g);
}

/* The JSON document (the shape seccomp-trace(1) documents). */
static int print_json(const struct result *res, size_t n)
{
	static const char *const status[] = {"ok", "warnings", "refused", "unreadable"};
	cleanup_yajl_gen yajl_gen g = st_gen_new();
	const unsigned char *buf;
	size_t len;

	if (!g || st_gen_map_open(g) < 0 || st_gen_str(g, "profiles") < 0 ||
	    st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct result *r = &res[i];

		if (st_gen_map_open(g) < 0 || st_gen_str(g, "file") < 0 ||
		    st_gen_str(g, r->file) < 0 || st_gen_str(g, "status") < 0 ||
		    st_gen_str(g, status[r->status]) < 0 || st_gen_str(g, "errors") < 0 ||
		    st_gen_u64(g, r->errors) < 0 || st_gen_str(g, "warnings") < 0 ||
		    st_gen_u64(g, r->warnings) < 0 || st_gen_str(g, "findings") < 0 ||
		    st_gen_array_open(g) < 0)
			return -1;
		for (size_t j = 0; j < r->n; j++)
			if (gen_finding(g, &r->f[j]) < 0)
				return -1;
		if (st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0)
			return -1;
	}
	if (st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0 ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return -1;
	if (fwrite(buf, 1, len, stdout) != len ||
	    (len && buf[len - 1] != '\n' && putchar('\n') < 0) || fflush(stdout) != 0)
		return -1;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = {0};
	struct result *res;
	int rc = 0;

	st_cli_parse(&check_argp, argc, argv, 0, &o);
	res = calloc((size_t)o.profiles.n + 1, sizeof(*res));
	if (!res) {
		fprintf(stderr, "seccomp-trace: out of memory\n");
		return 2;
	}
	for (int i = 0; i < o.profiles.n; i++) {
		struct result *r = &res[i];

		r->file = o.profiles.v[i];
		check_one(&o, r);
		/* an unreadable profile (2) outranks one a runtime refuses (1) */
		if (r->status == ST_UNREADABLE)
			rc = 2;
		else if ((r->status == ST_REFUSED || (o.strict && r->status == ST_WARNINGS)) && !rc)
			rc = 1;
	}
	if (o.format == FORMAT_JSON && print_json(res, (size_t)o.profiles.n) < 0) {
		fprintf(stderr, "seccomp-trace: cannot write the JSON report: %s\n",
			strerror(errno ? errno : EIO));
		rc = 2;
	}
	for (int i = 0; i < o.profiles.n; i++) {
		for (size_t j = 0; j < res[i].n; j++) {
			free(res[i].f[j].path);
			free(res[i].f[j].msg);
		}
		free(res[i].f);
	}
	free(res);
	return rc;
}
