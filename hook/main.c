// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace: dispatch to a verb. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "util.h"
#include "version.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} verbs[] = {
    {"run", cmd_run, "trace a command and write its seccomp profile"},
    {"hook", cmd_hook, "OCI hook: trace a container, write its profile when it exits"},
    {"diff", cmd_diff, "what one profile allows that another does not"},
    {"merge", cmd_merge, "the union of several profiles, without widening"},
    {"check", cmd_check, "would a runtime load this profile?"},
    {"learn", cmd_learn, "add what seccomp audit records logged or refused to a profile"},
    {"allowance", cmd_allowance, "measure what a container runtime needs under its filter"},
    {"unload", cmd_unload, "remove the BPF program kept loaded between traces"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: seccomp-trace COMMAND [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nseccomp-trace COMMAND --help shows the options of a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version")) {
		st_version_print(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "seccomp-trace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
