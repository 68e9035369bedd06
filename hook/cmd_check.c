/* seccomp-trace check PROFILE...: would a runtime load it? */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
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

static void usage(FILE *f)
{
	fprintf(f, "Usage: seccomp-trace check [-q] PROFILE...\n"
		   "\n"
		   "Load each profile the way a runtime would (through libseccomp: every rule\n"
		   "added, the filter compiled) and report what runc, crun or podman would refuse\n"
		   "(errors) and what they accept but is probably wrong (warnings), each with the\n"
		   "JSON path of the item. Exit status: 0 when every profile would load, 1 when\n"
		   "one would not, 2 when one cannot be read.\n"
		   "\n"
		   "  -q, --quiet  print errors only\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool quiet = false;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct report_ctx r = {.file = argv[i], .quiet = quiet};
		struct st_error err = {0};
		struct st_profile *p = NULL;
		unsigned errors;

		cleanup_free char *text = NULL;
		size_t len;

		/* unreadable: 2; readable but not a profile: refused, 1 */
		if (st_read_file(argv[i], ST_MAX_INPUT_BYTES, &text, &len, &err) < 0) {
			st_error_print(&err);
			rc = 2;
			continue;
		}
		if (parse(text, len, argv[i], &p, &err) < 0) {
			printf("%s: error: %s\n", argv[i], err.msg);
			rc = rc ? rc : 1;
			continue;
		}
		errors = st_profile_check(p, report, &r);
		if (errors) {
			printf("%s: %u error%s, %u warning%s: a runtime would refuse it\n", argv[i],
			       errors, errors == 1 ? "" : "s", r.warnings,
			       r.warnings == 1 ? "" : "s");
			rc = rc ? rc : 1;
		} else {
			printf("%s: ok (%u warning%s)\n", argv[i], r.warnings,
			       r.warnings == 1 ? "" : "s");
		}
		st_profile_free(p);
	}
	return rc;
}
