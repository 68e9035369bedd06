#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
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

int st_output_opt(struct st_output_opts *o, int c, const char *arg)
{
	char *end;
	long v;

	switch (c) {
	case 0x100:
		for (size_t i = 0; i < ARRAY_SIZE(default_actions); i++)
			if (!strcmp(arg, default_actions[i].opt)) {
				o->default_action = default_actions[i].action;
				return 1;
			}
		fprintf(
		    stderr,
		    "seccomp-trace: --default-action '%s': expected errno, log, kill-process or "
		    "trap\n",
		    arg);
		return -1;
	case 0x101:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < 1 || v > 4095) {
			fprintf(stderr,
				"seccomp-trace: --errno '%s': expected an errno number 1-4095\n",
				arg);
			return -1;
		}
		o->has_errno = true;
		o->errno_ret = v;
		return 1;
	case 0x102:
		if (!strcmp(arg, "oci") || !strcmp(arg, "json")) {
			o->format = ST_FORMAT_OCI;
		} else if (!strcmp(arg, "spo")) {
			o->format = ST_FORMAT_SPO;
		} else {
			fprintf(stderr, "seccomp-trace: --format '%s': expected oci or spo\n", arg);
			return -1;
		}
		return 1;
	case 0x103:
		o->name = arg;
		return 1;
	default:
		return 0;
	}
}

int st_output_validate(const struct st_output_opts *o)
{
	if (o->has_errno && o->default_action && strcmp(o->default_action, "SCMP_ACT_ERRNO")) {
		fprintf(stderr, "seccomp-trace: --errno goes with --default-action errno only\n");
		return -1;
	}
	return 0;
}

int st_output_apply(struct st_profile *p, const struct st_output_opts *o, struct st_error *err)
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
	return 0;
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

int st_output_render(const struct st_profile *p, const struct st_output_opts *o, const char *path,
		     char **out, size_t *len, struct st_error *err)
{
	char name[254];

	if (o->format == ST_FORMAT_OCI)
		return st_profile_to_json(p, out, len, err);
	if (o->name)
		return st_profile_to_spo(p, o->name, out, len, err);
	spo_name(path, name, sizeof(name));
	return st_profile_to_spo(p, name, out, len, err);
}

int st_output_write(const struct st_profile *p, const struct st_output_opts *o,
		    struct st_outfile *t, struct st_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (st_output_render(p, o, t ? t->path : NULL, &text, &len, err) < 0)
		return -1;
	{
		char names[128], where[64];

		if (st_profile_allows_io_uring(p, names, sizeof(names), where, sizeof(where)))
			st_warn("the profile allows %s (%s): %s", names, where,
				ST_IO_URING_WARNING);
	}
	if (len > ST_MAX_INPUT_BYTES)
		return st_error_set(
		    err, 0,
		    "cannot write %s: the profile has %zu bytes, more than the %u "
		    "bytes (4 MiB) seccomp-trace reads back (check, diff, merge, if:)",
		    t ? t->path : "the profile to stdout", len, ST_MAX_INPUT_BYTES);
	if (t)
		return st_outfile_write(t, text, len, 0644, err);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return st_error_set(err, errno, "cannot write the profile to stdout");
	return 0;
}
