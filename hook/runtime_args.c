// SPDX-License-Identifier: Apache-2.0
/* The runc command line, as far as the shim needs it. runc parses with
 * urfave/cli (Go's flag package): `-opt` and `--opt` alike, values after
 * `=` or as the next argument, booleans may be `--opt=false`; options of a
 * command may follow its positional arguments. */
#include "runtime.h"

#include <string.h>

/* Global options that take a value, in runc 1.1 and crun 1.8. Others are
 * booleans (debug, systemd-cgroup, help, version): an option we do not know
 * is taken for one, so at worst its value is taken for the command, which is
 * then not create or run and the call is passed through untouched. */
static const char *const global_with_value[] = {
    "log", "log-format", "log-level", "root", "criu", "rootless", "cgroup-manager", NULL,
};
/* Options of create and run that take a value, besides the bundle. */
static const char *const create_with_value[] = {
    "console-socket", "pid-file", "preserve-fds", "pidfd-socket", NULL,
};

/* "-x", "--x", "-x=v", "--x=v": the name x into name (its length in *n),
 * the value after '=' or NULL. False for non-options and "-", "--". */
static bool option(const char *arg, const char **name, size_t *n, const char **value)
{
	if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--"))
		return false;
	arg += arg[1] == '-' ? 2 : 1;
	*name = arg;
	*value = strchr(arg, '=');
	*n = *value ? (size_t)(*value - arg) : strlen(arg);
	if (*value)
		(*value)++;
	return true;
}

static bool is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && !strncmp(name, want, n);
}

static bool in(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (is(name, n, *list))
			return true;
	return false;
}

void st_rt_args_parse(int argc, char **argv, struct st_rt_args *a)
{
	const char *name, *value;
	size_t n;
	int i;

	memset(a, 0, sizeof(*a));
	a->verb = -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!option(argv[i], &name, &n, &value))
			break;
		if (!value && in(name, n, global_with_value) && i + 1 < argc)
			value = argv[++i];
		if (is(name, n, "log"))
			a->log = value;
		else if (is(name, n, "log-format"))
			a->log_json = value && !strcmp(value, "json");
	}
	if (i >= argc)
		return;
	a->verb = i;
	for (i = a->verb + 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!option(argv[i], &name, &n, &value))
			continue;
		if (is(name, n, "bundle") || is(name, n, "b")) {
			if (!value && i + 1 < argc)
				value = argv[++i];
			a->bundle = value; /* the last one counts, as in Go's flag */
		} else if (!value && in(name, n, create_with_value)) {
			i++;
		}
	}
}

bool st_rt_args_creates(int argc, char **argv, const struct st_rt_args *a)
{
	return a->verb > 0 && a->verb < argc &&
	       (!strcmp(argv[a->verb], "create") || !strcmp(argv[a->verb], "run"));
}
