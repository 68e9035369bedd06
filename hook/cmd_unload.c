// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace unload: remove the BPF program kept loaded between traces. */
#include "cli.h"
#include "commands.h"
#include "error.h"
#include "tracer.h"

static error_t parse_unload_opt(int key, char *arg, struct argp_state *state)
{
	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	argp_error(state, "unexpected argument '%s'", arg);
	return 0;
}

static const struct argp_child unload_children[] = {
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp unload_argp = {
    NULL,
    parse_unload_opt,
    "",
    "Remove the BPF program and maps that stay loaded (detached, costing no time) between "
    "traces; refused while a trace runs.",
    unload_children,
    NULL,
    NULL};

int cmd_unload(int argc, char **argv)
{
	struct st_error err = {0};

	st_cli_parse(&unload_argp, argc, argv, 0, NULL);
	if (st_tracer_unload(&err) < 0) {
		st_error_print(&err);
		return 1;
	}
	return 0;
}
