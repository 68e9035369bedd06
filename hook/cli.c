// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static const struct argp_option common_options[] = {
    {"verbose", 'v', NULL, 0, "Debug logging, libbpf's messages included", -1},
    {NULL, 'h', NULL, OPTION_HIDDEN, "Give this help list", -1}, /* -h as well as -? */
    {0},
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	switch (key) {
	case 'v':
		st_log_set_level(ST_LOG_DEBUG);
		return 0;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp st_cli_common_argp = {common_options, parse_common, NULL, NULL, NULL, NULL, NULL};

static error_t parse_operands(int key, char *arg, struct argp_state *state)
{
	struct st_cli_operands *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_ARGS:
		o->v = state->argv + state->next;
		o->n = state->argc - state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "expected at least one profile");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp st_cli_operands_argp = {NULL, parse_operands, NULL, NULL, NULL, NULL, NULL};

int st_cli_parse(const struct argp *argp, int argc, char **argv, unsigned flags, void *input)
{
	char *name = NULL, *saved = argv[0];
	int rc;

	argp_err_exit_status = ST_EXIT_USAGE;
	if (asprintf(&name, "seccomp-trace %s", argv[0]) < 0) {
		fprintf(stderr, "seccomp-trace: out of memory\n");
		exit(ST_EXIT_USAGE);
	}
	argv[0] = name;
	rc = argp_parse(argp, argc, argv, flags, NULL, input);
	argv[0] = saved;
	free(name);
	return rc;
}
