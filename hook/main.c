// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace: dispatch to a verb. */
#include <stdbool.h>
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
	fprintf(f, "\nseccomp-trace COMMAND --help shows the options of a command.\n"
		   "seccomp-trace --version prints the version and those of the libraries it\n"
		   "runs with.\n"
		   "-v (--verbose, debug logging) goes before or after COMMAND; other options\n"
		   "go after it.\n");
}

static bool is_verbose(const char *arg)
{
	return !strcmp(arg, "-v") || !strcmp(arg, "--verbose");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* "seccomp-trace -v run ...": the verb's parser takes -v, so it moves
	 * behind the verb (run's options end at CMD, so it must come first). */
	int nv = 0;

	while (nv + 1 < argc && is_verbose(argv[nv + 1]))
		nv++;
	if (nv + 1 < argc && !strcmp(argv[nv + 1], "--version")) {
		st_version_print(stdout);
		return 0;
	}
	if (nv + 1 < argc && (!strcmp(argv[nv + 1], "--help") || !strcmp(argv[nv + 1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (nv && nv + 1 == argc) {
		fprintf(stderr, "seccomp-trace: %s needs a COMMAND after it\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (nv) {
		/* argv[1..nv] are all -v: swapping the first with the verb will do */
		char *verb = argv[nv + 1];

		argv[nv + 1] = argv[1];
		argv[1] = verb;
	}
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "seccomp-trace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
