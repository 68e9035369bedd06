/* seccomp-trace merge A B... [-o OUT]: the union of several profiles. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "log.h"
#include "output.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_ops.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: seccomp-trace merge [-o OUT] [--allow-wins] [options] PROFILE...\n"
		"\n"
		"The union of several profiles (several traces of one image, say), written to\n"
		"OUT or stdout. Nothing is widened: a syscall one profile allows only under\n"
		"conditions stays conditional, and one a profile denies stays denied unless\n"
		"--allow-wins. The first profile decides defaultAction and keeps its rules in\n"
		"order; the same inputs always give the same bytes, and merging a profile with\n"
		"itself gives it back. Old-format profiles (\"name\") are read.\n"
		"\n"
		"  -o, --output OUT    write OUT (atomically) instead of stdout\n"
		"  --allow-wins        an allow in one profile beats a denial in another\n"
		"  -v, --verbose       say what was kept blocked or conditional\n" ST_OUTPUT_HELP);
}

static void note(void *ctx, const char *name, enum st_merge_outcome what,
		 const struct st_rule *rule)
{
	(void)ctx;
	if (what == ST_MERGE_BLOCKED)
		st_info("%s: denied by a %s rule: stays denied (--allow-wins to allow)", name,
			rule->action);
	else if (what == ST_MERGE_CONDITIONAL)
		st_info("%s: allowed only under conditions in an earlier profile: stays so", name);
	else if (what == ST_MERGE_OVERRIDDEN)
		st_info("%s: allowed (--allow-wins) despite a %s rule", name, rule->action);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"allow-wins", no_argument, NULL, 'a'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    ST_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct st_output_opts oo = {0};
	struct st_error err = {0};
	struct st_profile *out = NULL;
	struct st_outfile target = {.dfd = -1};
	const char *output = NULL;
	bool allow_wins = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:vh", longopts, NULL)) != -1) {
		if ((rc = st_output_opt(&oo, c, optarg)) != 0) {
			if (rc < 0)
				return 2;
			continue;
		}
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'a':
			allow_wins = true;
			break;
		case 'v':
			st_log_set_level(ST_LOG_INFO);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || st_output_validate(&oo) < 0) {
		usage(stderr);
		return 2;
	}
	if (output && st_outfile_open(NULL, output, &target, &err) < 0)
		goto fail;
	for (int i = optind; i < argc; i++) {
		struct st_profile *p = NULL;

		if (st_profile_read_file(argv[i], &p, &err) < 0)
			goto fail;
		if (!out) {
			out = p;
			continue;
		}
		rc = st_profile_merge(out, p, allow_wins, note, NULL, &err);
		st_profile_free(p);
		if (rc < 0) {
			st_error_wrap(&err, "cannot merge %s", argv[i]);
			goto fail;
		}
	}
	if (st_output_apply(out, &oo, &err) < 0 ||
	    st_output_write(out, &oo, output ? &target : NULL, &err) < 0)
		goto fail;
	st_outfile_close(&target);
	st_profile_free(out);
	return 0;
fail:
	st_error_print(&err);
	st_outfile_close(&target);
	st_profile_free(out);
	return 1;
}
