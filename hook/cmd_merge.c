/* seccomp-trace merge A B... [-o OUT]: the union of several profiles. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "fileio.h"
#include "log.h"
#include "output.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_ops.h"

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

struct merge_opts {
	bool allow_wins;
	struct st_cli_operands profiles;
	struct st_output_opts out;
};

static const struct argp_option merge_options[] = {
    {"allow-wins", 'a', NULL, 0, "An allow in one profile beats a denial in another", 0},
    {0},
};

static error_t parse_merge_opt(int key, char *arg, struct argp_state *state)
{
	struct merge_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->out;
		state->child_inputs[1] = &o->profiles;
		return 0;
	case 'a':
		o->allow_wins = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child merge_children[] = {
    ST_OUTPUT_CHILD(st_output_argp),
    ST_CLI_OPERANDS_CHILD,
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp merge_argp = {
    merge_options,
    parse_merge_opt,
    "PROFILE...",
    "The union of several profiles (several traces of one image, say), written to OUT or "
    "stdout. Nothing is widened: a syscall one profile allows only under conditions stays "
    "conditional, and one a profile denies stays denied unless --allow-wins. The first "
    "profile decides defaultAction and keeps its rules in order; the same inputs always give "
    "the same bytes, and merging a profile with itself gives it back. Old-format profiles "
    "(\"name\") are read. With -v, the log says what was kept blocked or conditional.",
    merge_children,
    NULL,
    NULL};

/* The profiles merged into *out, the first one's as the base. */
static int merge_all(const struct merge_opts *o, struct st_profile **out, struct st_error *err)
{
	for (int i = 0; i < o->profiles.n; i++) {
		struct st_profile *p = NULL;
		int rc;

		if (st_profile_read_file(o->profiles.v[i], &p, err) < 0)
			return -1;
		if (!*out) {
			*out = p;
			continue;
		}
		rc = st_profile_merge(*out, p, o->allow_wins, note, NULL, err);
		st_profile_free(p);
		if (rc < 0)
			return st_error_wrap(err, "cannot merge %s", o->profiles.v[i]);
	}
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_opts o = {0};
	struct st_outfile target = {.dfd = -1};
	struct st_error err = {0};
	struct st_profile *out = NULL;
	int rc = 0;

	st_cli_parse(&merge_argp, argc, argv, 0, &o);
	if (st_output_open(&o.out, NULL, &target, &err) < 0 || merge_all(&o, &out, &err) < 0 ||
	    st_output_emit(out, &o.out, &target, &err) < 0) {
		st_error_print(&err);
		rc = 1;
	}
	st_outfile_close(&target);
	st_profile_free(out);
	return rc;
}
