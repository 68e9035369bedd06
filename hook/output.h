/* How a generated profile is finished and written, shared by run, hook and
 * merge: default action (staged roll-outs: log, errno, kill-process), and
 * format (Docker/OCI JSON or a security-profiles-operator SeccompProfile). */
#ifndef ST_OUTPUT_H
#define ST_OUTPUT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "profile.h"

enum st_format {
	ST_FORMAT_OCI,
	ST_FORMAT_SPO,
};

struct st_output_opts {
	const char *default_action; /* SCMP_ACT_..., NULL: as built */
	bool has_errno;
	uint32_t errno_ret;
	enum st_format format;
	const char *name; /* SeccompProfile metadata.name; default from the file name */
};

/* getopt_long entries for the shared options; their values are >= 0x100. */
#define ST_OUTPUT_LONGOPTS                                                                         \
	{"default-action", required_argument, NULL, 0x100},                                        \
	    {"errno", required_argument, NULL, 0x101}, {"format", required_argument, NULL, 0x102}, \
	{                                                                                          \
		"name", required_argument, NULL, 0x103                                             \
	}

#define ST_OUTPUT_HELP                                                                             \
	"  --default-action A  errno (default), log, kill-process or trap: what the\n"             \
	"                      profile does with the syscalls it does not list\n"                  \
	"  --errno N           the errno for --default-action errno (default EPERM)\n"             \
	"  --format F          oci (Docker/OCI seccomp JSON, default) or spo (a Kubernetes\n"      \
	"                      security-profiles-operator SeccompProfile, YAML)\n"                 \
	"  --name NAME         metadata.name of the SeccompProfile (default: from the file)\n"

/* 1: c was one of ours and is stored; 0: not ours; -1: bad value (printed). */
int st_output_opt(struct st_output_opts *o, int c, const char *arg);
/* After all options: -1 (printed) if they do not fit together. */
int st_output_validate(const struct st_output_opts *o);
/* Set the default action and errno chosen. */
int st_output_apply(struct st_profile *p, const struct st_output_opts *o, struct st_error *err);
/* Render p; path (may be NULL) names the SeccompProfile when --name is absent. */
int st_output_render(const struct st_profile *p, const struct st_output_opts *o, const char *path,
		     char **out, size_t *len, struct st_error *err);
/* Render and write atomically to the target opened beforehand (fileio.h),
 * or to stdout when t is NULL. Never more than ST_MAX_INPUT_BYTES: what is
 * written can be read back. */
struct st_outfile;
int st_output_write(const struct st_profile *p, const struct st_output_opts *o,
		    struct st_outfile *t, struct st_error *err);

#endif
