/* SPDX-License-Identifier: Apache-2.0 */
/* The shape every verb shares: options parsed by argp (glibc), with the
 * common options (-v) and, for verbs that write a profile, the output
 * options (output.h) as argp children. */
#ifndef ST_CLI_H
#define ST_CLI_H

#include <argp.h>

/* Exit status of usage errors (argp_err_exit_status is set to it). */
#define ST_EXIT_USAGE 2

/* Every verb's: -v, --verbose (debug logging, libbpf's messages included);
 * -h as a spelling of --help. Add it as a child with st_cli_common_child. */
extern const struct argp st_cli_common_argp;
#define ST_CLI_COMMON_CHILD                                                                        \
	{                                                                                          \
		&st_cli_common_argp, 0, NULL, 0                                                    \
	}

/* One or more operands (the PROFILE... of check and merge): an argp child
 * whose input (state->child_inputs) is a struct st_cli_operands; none is a
 * usage error. */
struct st_cli_operands {
	char **v;
	int n;
};
extern const struct argp st_cli_operands_argp;
#define ST_CLI_OPERANDS_CHILD                                                                      \
	{                                                                                          \
		&st_cli_operands_argp, 0, NULL, 0                                                  \
	}

/* argp_parse for a verb: argv[0] is the verb, and messages and --help name
 * the program "seccomp-trace VERB". Usage errors exit ST_EXIT_USAGE, --help
 * exits 0 (argp's way). Returns argp_parse's result. */
int st_cli_parse(const struct argp *argp, int argc, char **argv, unsigned flags, void *input);

#endif
