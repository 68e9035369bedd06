// SPDX-License-Identifier: Apache-2.0
#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "enosys.h"
#include "fileio.h"
#include "log.h"
#include "profile_check.h"
#include "profile_json.h"
#include "profile_spo.h"
#include "util.h"

static const struct {
	const char *opt;
	const char *action;
} default_actions[] = {
    {"errno", "SCMP_ACT_ERRNO"},
    {"log", "SCMP_ACT_LOG"},
    {"kill-process", "SCMP_ACT_KILL_PROCESS"},
    {"trap", "SCMP_ACT_TRAP"},
};

enum {
	OPT_DEFAULT_ACTION = 0x100,
	OPT_ERRNO,
	OPT_FORMAT,
	OPT_NAME,
};

static const struct argp_option output_options[] = {
    /* first: st_output_argp_no_path starts after it */
    {"output", 'o', "FILE", 0,
     "Write the profile to FILE (atomically); - for standard output (run requires -o; the "
     "others write to standard output without it)",
     0},
    {"default-action", OPT_DEFAULT_ACTION, "errno|log|kill-process|trap", 0,
     "errno (default), log, kill-process or trap: what the profile does with the syscalls it "
     "does not list",
     0},
    {"errno", OPT_ERRNO, "N|NAME", 0,
     "The errno for --default-action errno, a number or a name (ENOSYS; default EPERM)", 0},
    {"format", OPT_FORMAT, "oci|spo", 0,
     "oci (Docker/OCI seccomp JSON, default) or spo (a Kubernetes security-profiles-operator "
     "SeccompProfile, YAML)",
     0},
    {"name", OPT_NAME, "NAME", 0, "metadata.name of the SeccompProfile (default: from the file)",
     0},
    {0},
};

static int parse_default_action(struct st_output_opts *o, const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_actions); i++)
		if (!strcmp(arg, default_actions[i].opt)) {
			o->default_action = default_actions[i].action;
			return 0;
		}
	return -1;
}

static int parse_errno(struct st_output_opts *o, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg && (v = st_errno_by_name(arg)) > 0)
		end = (char *)arg + strlen(arg);
	if (errno || *end || end == arg || v < 1 || v > ST_MAX_ERRNO_RET)
		return -1;
	o->has_errno = true;
	o->errno_ret = v;
	return 0;
}

static int parse_format(struct st_output_opts *o, const char *arg)
{
	if (!strcmp(arg, "oci") || !strcmp(arg, "json"))
		o->format = ST_FORMAT_OCI;
	else if (!strcmp(arg, "spo"))
		o->format = ST_FORMAT_SPO;
	else
		return -1;
	return 0;
}

static error_t parse_output_opt(int key, char *arg, struct argp_state *state)
{
	struct st_output_opts *o = state->input;

	switch (key) {
	case 'o':
		/* "-": standard output, said explicitly (run requires -o) */
		o->path = strcmp(arg, "-") ? arg : NULL;
		o->path_given = true;
		return 0;
	case OPT_DEFAULT_ACTION:
		if (parse_default_action(o, arg) < 0)
			argp_error(
			    state,
			    "--default-action '%s': expected errno, log, kill-process or trap",
			    arg);
		return 0;
	case OPT_ERRNO:
		if (parse_errno(o, arg) < 0)
			argp_error(state,
				   "--errno '%s': expected an errno number 1-%d or name (ENOSYS)",
				   arg, ST_MAX_ERRNO_RET);
		return 0;
	case OPT_FORMAT:
		if (parse_format(o, arg) < 0)
			argp_error(state, "--format '%s': expected oci or spo", arg);
		return 0;
	case OPT_NAME:
		o->name = arg;
		return 0;
	case ARGP_KEY_END:
		if (o->has_errno && o->default_action && strcmp(o->default_action, ST_ACT_ERRNO))
			argp_error(state, "--errno goes with --default-action errno only");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp st_output_argp = {output_options, parse_output_opt, NULL, NULL, NULL, NULL, NULL};
const struct argp st_output_argp_no_path = {
    output_options + 1, parse_output_opt, NULL, NULL, NULL, NULL, NULL};

const struct argp_child st_output_children[] = {
    ST_OUTPUT_CHILD(st_output_argp),
    ST_CLI_COMMON_CHILD,
    {0},
};

static void drop_extra(struct st_extras *e, const char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < e->n; i++) {
		if (!strcmp(e->v[i].key, key)) {
			free(e->v[i].key);
			yajl_tree_free(e->v[i].val);
			continue;
		}
		e->v[k++] = e->v[i];
	}
	e->n = k;
}

/* The default action and errno chosen. */
static int apply(struct st_profile *p, const struct st_output_opts *o, struct st_error *err)
{
	if (o->default_action) {
		char *a = strdup(o->default_action);

		if (!a)
			return st_error_set(err, ENOMEM, "profile");
		free(p->default_action);
		p->default_action = a;
		/* an errno with another action is refused by crun */
		if (strcmp(a, "SCMP_ACT_ERRNO"))
			p->has_default_errno = false;
	}
	if (o->has_errno) {
		p->has_default_errno = true;
		p->default_errno_ret = o->errno_ret;
	}
	/* podman reads "defaultErrno" (an errno name) over defaultErrnoRet
	 * (tests/check_runtimes.json): an errno chosen here replaces it too */
	if (o->has_errno || (o->default_action && !st_action_takes_errno(o->default_action)))
		drop_extra(&p->extras, "defaultErrno");
	/* a default of ENOSYS reaches engines that drop defaultErrnoRet
	 * (Docker 20.10) for the calls programs probe: enosys.h */
	return st_enosys_rule_add(p, err);
}

/* A DNS-1123 name from the file name: "out/My_App.json" -> "my-app"; at
 * most 253 characters (the DNS-1123 limit: cut on purpose). */
static void spo_name(const char *path, char *buf, size_t len)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	size_t n = 0;

	base = base ? base + 1 : path;
	if (base) {
		for (const char *s = base; *s && *s != '.' && n < len - 1 && n < 253; s++) {
			char ch = tolower((unsigned char)*s);

			if (!isalnum((unsigned char)ch))
				ch = '-';
			if (ch == '-' && (n == 0 || buf[n - 1] == '-'))
				continue;
			buf[n++] = ch;
		}
	}
	while (n && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
	if (!n)
		snprintf(buf, len, "seccomp-trace");
}

/* p in the chosen format; o->path (may be NULL) names the SeccompProfile
 * when --name is absent. */
static int render(const struct st_profile *p, const struct st_output_opts *o, char **out,
		  size_t *len, struct st_error *err)
{
	char name[254];

	if (o->format == ST_FORMAT_OCI)
		return st_profile_to_json(p, out, len, err);
	if (o->name)
		return st_profile_to_spo(p, o->name, out, len, err);
	spo_name(o->path, name, sizeof(name));
	return st_profile_to_spo(p, name, out, len, err);
}

/* io_uring lets a workload past every rule: say so when the profile allows it. */
static void warn_io_uring(const struct st_profile *p)
{
	char names[128], where[64];

	if (st_profile_allows_io_uring(p, names, sizeof(names), where, sizeof(where)))
		st_warn("the profile allows %s (%s): %s", names, where, ST_IO_URING_WARNING);
}

int st_output_open(const struct st_output_opts *o, const struct st_allow *allow,
		   struct st_outfile *t, struct st_error *err)
{
	return o->path ? st_outfile_open(allow, o->path, t, err) : 0;
}

int st_output_emit(struct st_profile *p, const struct st_output_opts *o, struct st_outfile *t,
		   struct st_error *err)
{
	const char *where = o->path ? o->path : "the profile to stdout";
	cleanup_free char *text = NULL;
	size_t len;

	if (apply(p, o, err) < 0 || render(p, o, &text, &len, err) < 0)
		return -1;
	warn_io_uring(p);
	if (len > ST_MAX_INPUT_BYTES)
		return st_error_set(
		    err, 0,
		    "cannot write %s: the profile has %zu bytes, more than the %u "
		    "bytes (4 MiB) seccomp-trace reads back (check, diff, merge, if:)",
		    where, len, ST_MAX_INPUT_BYTES);
	if (o->path)
		return st_outfile_write(t, text, len, 0644, err);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return st_error_set(err, errno, "cannot write the profile to stdout");
	return 0;
}
