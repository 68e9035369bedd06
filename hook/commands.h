/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs, one per cmd_*.c, each with its options (argp, cli.h); each
 * returns the process exit status. argv[0] is the verb's name. */
#ifndef ST_COMMANDS_H
#define ST_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_allowance(int argc, char **argv);

#endif
