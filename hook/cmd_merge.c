// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace merge A B... [-o OUT]: the union of several profiles. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "enosys.h"
#include "fileio.h"
#include "log.h"
#include "output.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_gain.h"
#include "profile_merge.h"

struct merge_opts {
	bool allow_wins;
	const char *stats; /* --stats FILE, "-": stdout */
	struct st_cli_operands profiles;
	struct st_output_opts out;
};

enum { OPT_STATS = 0x100 };

static const struct argp_option merge_options[] = {
    {"allow-wins", 'a', NULL, 0, "An allow in one profile beats a denial in another", 0},
    {"stats", OPT_STATS, "FILE", 0,
     "Write what each input added beyond the ones before it (syscalls, argument values) as "
     "JSON to FILE (- for stdout when -o names a file); the same goes to stderr as text",
     0},
    {0},
};

static error_t parse_merge_opt(int key, char *arg, struct argp_state *state)
{
	struct merge_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->out;
		state->child_inputs[1] = &o->profiles;
		return 0;
	case 'a':
		o->allow_wins = true;
		return 0;
	case OPT_STATS:
		o->stats = arg;
		return 0;
	case ARGP_KEY_END:
		if (o->stats && !strcmp(o->stats, "-") &&
		    (!o->out.path || !strcmp(o->out.path, "-")))
			argp_error(state, "--stats -: the profile goes to stdout; give -o FILE");
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
    "The union of several profiles (several traces of one image, say), written to stdout or "
    "-o FILE. The same bytes whatever the order and grouping of the inputs. Per syscall: an "
    "unconditional denial in any input wins (the most restrictive one) unless --allow-wins; "
    "else an unconditional allow in any input is kept and subsumes the conditional allows; "
    "else the conditional rules are united. The inputs must agree on defaultAction and its "
    "errno (or choose with --default-action, --errno), on flags, listenerPath, "
    "listenerMetadata and unknown fields; arches are united. The output is canonical: rules "
    "grouped, denials first, lists sorted. What merge decided for a syscall is logged on "
    "stderr. Old-format profiles (\"name\") are read. See seccomp-trace(1).",
    merge_children,
    NULL,
    NULL};

/* Every input read, then merged at once (the result does not depend on
 * their order); *gains, what each added to those before it, does. */
static int merge_all(const struct merge_opts *o, struct st_profile **out, struct st_gains *gains,
		     struct st_error *err)
{
	struct st_merge_opts mo = {
	    .allow_wins = o->allow_wins,
	    .default_action = o->out.default_action,
	    .errno_chosen = o->out.has_errno,
	};
	size_t n = (size_t)o->profiles.n;
	const char *const *names = (const char *const *)o->profiles.v;
	cleanup_free struct st_profile **in = calloc(n + 1, sizeof(*in));
	int rc = -1;

	if (!in)
		return st_error_set(err, ENOMEM, "merge");
	for (size_t i = 0; i < n; i++) {
		if (st_profile_read_file(o->profiles.v[i], &in[i], err) < 0)
			goto out;
		/* it stands for the default, not for a denial: the output adds
		 * it again when the merged default answers ENOSYS */
		st_enosys_rule_drop(in[i]);
	}
	rc = st_gains_compute((const struct st_profile *const *)in, names, n, gains, err);
	if (rc == 0)
		rc = st_profiles_merge((const struct st_profile *const *)in, names, n, &mo, out,
				       err);
out:
	for (size_t i = 0; i < n; i++)
		st_profile_free(in[i]);
	return rc;
}

/* --stats: the gains as JSON, to the file opened before the merge or to
 * stdout. */
static int write_stats(const struct merge_opts *o, const struct st_gains *gains,
		       struct st_outfile *t, struct st_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (st_gains_json(gains, &text, &len, err) < 0)
		return -1;
	if (strcmp(o->stats, "-"))
		return st_outfile_write(t, text, len, 0644, err);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return st_error_set(err, errno, "cannot write the merge statistics to stdout");
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_opts o = {0};
	struct st_outfile target = {.dfd = -1}, stats = {.dfd = -1};
	struct st_error err = {0};
	struct st_profile *out = NULL;
	struct st_gains gains = {0};
	int rc;

	/* what merge decided for each syscall goes to stderr; -v adds debug */
	st_log_set_level(ST_LOG_INFO);
	st_cli_parse(&merge_argp, argc, argv, 0, &o);
	rc = st_output_open(&o.out, NULL, &target, &err);
	if (rc == 0 && o.stats && strcmp(o.stats, "-"))
		rc = st_outfile_open_kind(NULL, o.stats, &st_gains_kind, &stats, &err);
	if (rc == 0)
		rc = merge_all(&o, &out, &gains, &err);
	if (rc == 0)
		rc = st_output_emit(out, &o.out, &target, &err);
	if (rc == 0)
		st_gains_log(&gains);
	if (rc == 0 && o.stats)
		rc = write_stats(&o, &gains, &stats, &err);
	if (rc < 0)
		st_error_print(&err);
	st_outfile_close(&target);
	st_outfile_close(&stats);
	st_profile_free(out);
	st_gains_free(&gains);
	return rc < 0 ? 1 : 0;
}
