/* SPDX-License-Identifier: Apache-2.0 */
/* Provenance reports: for each syscall a trace saw, the set it came from
 * (the workload, the runtime allowance, the runtime's set-up before its
 * seccomp filter) and the first process that made it there (tracer.h: struct
 * st_first), written beside the profile as JSON for machines (`diff
 * --report` reads it) or markdown for people, and summed up in the log.
 *
 * What a traced process chose (its comm, its executable's path) is hostile
 * text: it is kept to printable ASCII everywhere we write it (st_printable),
 * and markdown puts it in code spans only. */
#ifndef ST_REPORT_H
#define ST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "fileio.h"
#include "profile.h"
#include "syscalls.h"
#include "tracer.h"

/* Where a syscall of the report comes from, the first that applies. */
enum st_origin {
	ST_ORIGIN_WORKLOAD,  /* the workload made it (tracer.h: workload) */
	ST_ORIGIN_ALLOWANCE, /* only set-up tasks under their seccomp filter (allowance) */
	ST_ORIGIN_SETUP,     /* only the runtime's set-up before its filter (in all only) */
	ST_ORIGIN_ASSUMED,   /* never seen, in the profile anyway (signal return, ...) */
	ST_NR_ORIGINS,
};

/* "workload", "runtime-allowance", "runtime-setup", "assumed". */
const char *st_origin_name(enum st_origin o);

struct st_report_entry {
	char *name;	       /* NULL: libseccomp has no name for it */
	char *arch;	       /* SCMP_ARCH_... */
	uint32_t nr;	       /* in that arch (x32 without the x32 bit) */
	enum st_origin origin; /* the set the provenance below is from */
	uint32_t sets;	       /* bit per enum st_origin: every set it was seen in */
	bool in_profile;       /* the profile written lets it through (by name; a
				* TRACE or NOTIFY rule counts: it may run) */
	bool has_first;	       /* the first process is known (never for ASSUMED) */
	bool allowance_rule;   /* ASSUMED and let through only by the profile's
				* runtime allowance rule (allowance.h's comment) */
	char *comm;	       /* printable (st_printable); the process's name */
	char *exe;	       /* printable; NULL when it could not be resolved */
	uint32_t pid;	       /* in the container's PID namespace */
};

struct st_report {
	struct st_report_entry *v; /* by name (unnamed last), then arch */
	size_t n;
};

/* What the report says about the trace besides its syscalls. */
struct st_report_info {
	const char *profile;	  /* the profile's path as given; NULL: stdout */
	const char *container_id; /* the hook's container, or NULL */
	int container_pid;	  /* its process, in the host's numbering */
	char *const *command;	  /* run's CMD [ARG...], NULL-terminated, or NULL */
	const char *scope;	  /* the hook's --scope, or NULL */
};

/* The report of a trace: every syscall res saw, and those of in_profile (the
 * set the profile was built from; may be NULL) that it never saw (ASSUMED);
 * p (may be NULL) is the profile written, for in_profile. */
int st_report_build(const struct st_trace_result *res, const struct st_sysset *in_profile,
		    const struct st_profile *p, struct st_report *out, struct st_error *err);
void st_report_free(struct st_report *r);

enum st_report_format {
	ST_REPORT_JSON,
	ST_REPORT_MARKDOWN,
};

/* The format a file name asks for: markdown for ".md" and ".markdown", else
 * JSON. */
enum st_report_format st_report_format_of(const char *path);
/* Parse "json" or "markdown" ("md"); -1 if neither. */
int st_report_format_parse(const char *s, enum st_report_format *f);

/* The report rendered (malloc'ed text, *len bytes). */
int st_report_render(const struct st_report *r, const struct st_report_info *info,
		     enum st_report_format f, char **out, size_t *len, struct st_error *err);

/* Files that are reports (what st_outfile_write may replace): JSON with a
 * "seccompTraceReport" member, or markdown that starts with our marker. */
extern const struct st_outfile_kind st_report_kind;

/* The name of the report the hook writes beside a profile: the profile's
 * final component without ".json", ".yaml" or ".yml", then ".report.json"
 * or ".report.md" ("out.json" -> "out.report.json"). */
int st_report_name_beside(const char *profile_base, enum st_report_format f, char *buf, size_t len,
			  struct st_error *err);

/* Render and write atomically to t (opened with st_report_kind). */
int st_report_write(struct st_outfile *t, const struct st_report *r,
		    const struct st_report_info *info, enum st_report_format f,
		    struct st_error *err);

/* st_report_build, then st_report_write: the report of a trace written to
 * t. */
int st_report_emit(struct st_outfile *t, const struct st_trace_result *res,
		   const struct st_sysset *in_profile, const struct st_profile *p,
		   const struct st_report_info *info, enum st_report_format f,
		   struct st_error *err);

/* One info line for the log: how many first sightings each process made,
 * the busiest first (a few of them; the report and -v list them all). */
void st_report_log_summary(const struct st_trace_result *res);

/* Read a JSON report (hostile input: bounded, checked as profiles are); the
 * entries come back as written. */
int st_report_read(const char *path, struct st_report *out, struct st_error *err);
/* The entry for name to cite (the lowest st_report_rank); NULL if the
 * report lacks it. */
const struct st_report_entry *st_report_find(const struct st_report *r, const char *name);
/* How good an entry is to cite, lower first: one the profile lets through,
 * then the workload's before the runtime allowance's (enum st_origin), then
 * the native arch's. */
unsigned st_report_rank(const struct st_report_entry *e);

/* Markdown of report text (printable already): s as a code span, however
 * many backticks it holds; "first: `/usr/bin/gdb` (`gdb`), pid 12" for an
 * entry ("first: comm `gdb`, pid 12" when its executable is unknown). */
void st_md_code(FILE *f, const char *s);
void st_md_first(FILE *f, const struct st_report_entry *e);

/* s (any bytes) as printable ASCII, malloc'ed: bytes outside 0x20-0x7e and
 * the backslash as \xNN; NULL when out of memory. */
char *st_printable(const char *s);
/* The same for text that should be printable already (a report read back):
 * its backslashes are its own escapes and stay. */
char *st_printable_again(const char *s);

#endif
