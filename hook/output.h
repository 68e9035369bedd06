/* SPDX-License-Identifier: Apache-2.0 */
/* The one output path of every verb that writes a profile (run, hook,
 * merge): the output options as one argp child, and st_output_emit, which
 * finishes a profile (default action, errno: staged roll-outs go log, errno,
 * kill-process), renders it (Docker/OCI JSON or a security-profiles-operator
 * SeccompProfile) and writes it atomically. */
#ifndef ST_OUTPUT_H
#define ST_OUTPUT_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"

enum st_format {
	ST_FORMAT_OCI,
	ST_FORMAT_SPO,
};

struct st_output_opts {
	const char *path;	    /* -o; NULL: stdout (the hook: the annotation's of:) */
	bool path_given;	    /* -o given (-o - is stdout: path NULL) */
	const char *default_action; /* SCMP_ACT_..., NULL: as built */
	bool has_errno;
	uint32_t errno_ret;
	enum st_format format;
	const char *name; /* SeccompProfile metadata.name; default from the file name */
};

/* The output options, parsed into the struct st_output_opts the parent
 * gives as this child's input (state->child_inputs): -o/--output,
 * --default-action, --errno, --format, --name. */
extern const struct argp st_output_argp;
/* The same without -o/--output, for the hook (the annotation names the file). */
extern const struct argp st_output_argp_no_path;
#define ST_OUTPUT_CHILD(argp)                                                                      \
	{                                                                                          \
		&(argp), 0, "Output options:", 1                                                   \
	}
/* The children of a verb that writes a profile and takes no other child
 * options: the output options (with -o) and the common ones (cli.h). */
extern const struct argp_child st_output_children[];

struct st_allow;
struct st_outfile;
/* Where the profile goes, opened before the long part (a trace): o->path,
 * confined to allow's directories when given (NULL: anywhere), is checked
 * and its directory held in *t (fileio.h: st_outfile_close). Nothing to do
 * for stdout (o->path NULL): t stays closed. */
int st_output_open(const struct st_output_opts *o, const struct st_allow *allow,
		   struct st_outfile *t, struct st_error *err);
/* Finish p (the default action and errno chosen), render it and write it
 * atomically to t (from st_output_open) when o->path is set, or to stdout.
 * Never more than ST_MAX_INPUT_BYTES: what is written can be read back. p
 * is changed, not freed. */
int st_output_emit(struct st_profile *p, const struct st_output_opts *o, struct st_outfile *t,
		   struct st_error *err);

#endif
