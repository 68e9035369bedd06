// SPDX-License-Identifier: Apache-2.0
/* Provenance reports: the model built from a trace, written as JSON and
 * markdown; the log's summary (report_read.c reads them back). */
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowance.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "profile_merge.h"
#include "strv.h"
#include "util.h"

/* The first line of a markdown report: what st_report_kind recognises. */
#define MD_MARKER "<!-- seccomp-trace report -->\n"

static const char *const origin_names[ST_NR_ORIGINS] = {
    "workload",
    "runtime-allowance",
    "runtime-setup",
    "assumed",
};

const char *st_origin_name(enum st_origin o)
{
	return o < ST_NR_ORIGINS ? origin_names[o] : "?";
}

static bool escaped(unsigned char c, bool backslash)
{
	return c < 0x20 || c > 0x7e || (backslash && c == '\\');
}

static char *printable(const char *s, bool backslash)
{
	size_t n = 0;
	char *out, *o;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += escaped(*p, backslash) ? 4 : 1;
	out = o = malloc(n + 1);
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (escaped(*p, backslash))
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

char *st_printable(const char *s)
{
	return printable(s, true);
}

char *st_printable_again(const char *s)
{
	return printable(s, false);
}

/* ---- the model ---- */

void st_report_free(struct st_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].arch);
		free(r->v[i].comm);
		free(r->v[i].exe);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* Does p let name through: a rule that names it (with conditions or not),
 * or a defaultAction, under which the call can run (ALLOW, LOG, and TRACE or
 * NOTIFY, whose tracer or agent may let it run: profile.h)? *by_allowance:
 * only rules whose comment names them the runtime allowance do
 * (allowance.h). */
static bool lets_through(const struct st_profile *p, const char *name, bool *by_allowance)
{
	bool found = false;

	*by_allowance = false;
	if (p->default_action && st_action_may_run(p->default_action))
		return true;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *rule = &p->rules[i];

		if (!st_action_may_run(rule->action) || !strv_has(rule->names, rule->n_names, name))
			continue;
		if (!rule->comment ||
		    strncmp(rule->comment, ST_ALLOWANCE_COMMENT, strlen(ST_ALLOWANCE_COMMENT)))
			return *by_allowance = false, true;
		found = *by_allowance = true;
	}
	return found;
}

static const uint32_t origin_event[ST_NR_ORIGINS] = {ST_EV_WORKLOAD, ST_EV_ALLOWANCE, ST_EV_ALL, 0};

/* The sets (bit per enum st_origin) (abi, nr) was seen in and the one its
 * provenance is taken from. Set-up: its first sighting of all was a set-up
 * task's before its filter. */
static enum st_origin classify(const struct st_trace_result *res, unsigned abi, unsigned nr,
			       uint32_t *sets)
{
	const struct st_first *f = st_trace_first(res, ST_EV_ALL, abi, nr);

	*sets = 0;
	if (st_sysset_has(&res->workload, abi, nr))
		*sets |= 1u << ST_ORIGIN_WORKLOAD;
	if (st_sysset_has(&res->allowance, abi, nr))
		*sets |= 1u << ST_ORIGIN_ALLOWANCE;
	if (st_sysset_has(&res->all, abi, nr) &&
	    (!*sets || (f && !(f->sets & (ST_EV_WORKLOAD | ST_EV_ALLOWANCE)))))
		*sets |= 1u << ST_ORIGIN_SETUP;
	if (!*sets)
		*sets = 1u << ST_ORIGIN_ASSUMED;
	for (enum st_origin o = 0; o < ST_NR_ORIGINS; o++)
		if (*sets & (1u << o))
			return o;
	return ST_ORIGIN_ASSUMED;
}

static int set_first(struct st_report_entry *e, const struct st_first *f)
{
	if (!f)
		return 0;
	e->has_first = true;
	e->pid = f->ns_pid;
	if (!(e->comm = st_printable(f->comm)))
		return -1;
	if (f->exe && !(e->exe = st_printable(f->exe)))
		return -1;
	return 0;
}

static int add_entry(struct st_report *r, size_t *cap, const struct st_trace_result *res,
		     unsigned abi, unsigned nr, const struct st_profile *p, struct st_error *err)
{
	struct st_report_entry *e;

	if (r->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct st_report_entry *nv = realloc(r->v, ncap * sizeof(*nv));

		if (!nv)
			return st_error_set(err, ENOMEM, "cannot build the report");
		r->v = nv;
		*cap = ncap;
	}
	e = &r->v[r->n++];
	*e = (struct st_report_entry){.nr = nr};
	e->origin = classify(res, abi, nr, &e->sets);
	e->name = st_syscall_name(abi, nr);
	e->arch = strdup(st_abi_arch_name(abi) ?: "?");
	if (e->name && p)
		e->in_profile = lets_through(p, e->name, &e->allowance_rule);
	else
		e->in_profile = e->name && !p && e->origin != ST_ORIGIN_SETUP;
	e->allowance_rule = e->allowance_rule && e->origin == ST_ORIGIN_ASSUMED;
	if (!e->arch || (origin_event[e->origin] &&
			 set_first(e, st_trace_first(res, origin_event[e->origin], abi, nr)) < 0))
		return st_error_set(err, ENOMEM, "cannot build the report");
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct st_report_entry *x = a, *y = b;

	if (!x->name != !y->name)
		return x->name ? -1 : 1;
	if (x->name && strcmp(x->name, y->name))
		return strcmp(x->name, y->name);
	if (strcmp(x->arch, y->arch))
		return st_arch_cmp(x->arch, y->arch);
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

int st_report_build(const struct st_trace_result *res, const struct st_sysset *in_profile,
		    const struct st_profile *p, struct st_report *out, struct st_error *err)
{
	struct st_report r = {0};
	size_t cap = 0;

	for (unsigned abi = 0; abi < ST_NR_ABI; abi++)
		for (unsigned nr = 0; nr < ST_MAX_SYSCALLS; nr++) {
			if (!st_sysset_has(&res->all, abi, nr) &&
			    !(in_profile && st_sysset_has(in_profile, abi, nr)))
				continue;
			if (add_entry(&r, &cap, res, abi, nr, p, err) < 0) {
				st_report_free(&r);
				return -1;
			}
		}
	if (r.n)
		qsort(r.v, r.n, sizeof(*r.v), cmp_entry);
	*out = r;
	return 0;
}

/* ---- formats and names ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

enum st_report_format st_report_format_of(const char *path)
{
	return ends_with(path, ".md") || ends_with(path, ".markdown") ? ST_REPORT_MARKDOWN
								      : ST_REPORT_JSON;
}

int st_report_format_parse(const char *s, enum st_report_format *f)
{
	if (!strcmp(s, "json"))
		*f = ST_REPORT_JSON;
	else if (!strcmp(s, "markdown") || !strcmp(s, "md"))
		*f = ST_REPORT_MARKDOWN;
	else
		return -1;
	return 0;
}

int st_report_name_beside(const char *profile_base, enum st_report_format f, char *buf, size_t len,
			  struct st_error *err)
{
	static const char *const exts[] = {".json", ".yaml", ".yml"};
	size_t stem = strlen(profile_base);
	int n;

	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (ends_with(profile_base, exts[i])) {
			stem -= strlen(exts[i]);
			break;
		}
	n = snprintf(buf, len, "%.*s.report.%s", (int)stem, profile_base,
		     f == ST_REPORT_MARKDOWN ? "md" : "json");
	if (n < 0 || (size_t)n >= len || n > NAME_MAX)
		return st_error_set(err, ENAMETOOLONG, "cannot name the report of %s",
				    profile_base);
	return 0;
}

static bool is_report(const char *text, size_t len)
{
	cleanup_yajl_tree yajl_val root = NULL;
	struct st_error err = {0};

	if (len >= strlen(MD_MARKER) && !strncmp(text, MD_MARKER, strlen(MD_MARKER)))
		return true;
	if (st_json_parse(text, len, "", &root, &err) < 0 || !YAJL_IS_OBJECT(root))
		return false;
	for (size_t i = 0; i < root->u.object.len; i++)
		if (!strcmp(root->u.object.keys[i], "seccompTraceReport"))
			return true;
	return false;
}

const struct st_outfile_kind st_report_kind = {"a seccomp-trace report", "a report", is_report};

/* ---- JSON ---- */

static int gen_first(yajl_gen g, const struct st_report_entry *e)
{
	if (!e->has_first)
		return 0;
	if (st_gen_str(g, "first") < 0 || st_gen_map_open(g) < 0 || st_gen_str(g, "comm") < 0 ||
	    st_gen_str(g, e->comm) < 0)
		return -1;
	if (e->exe && (st_gen_str(g, "exe") < 0 || st_gen_str(g, e->exe) < 0))
		return -1;
	if (st_gen_str(g, "pid") < 0 || st_gen_u64(g, e->pid) < 0)
		return -1;
	return st_gen_map_close(g);
}

static int gen_entry(yajl_gen g, const struct st_report_entry *e)
{
	if (st_gen_map_open(g) < 0)
		return -1;
	if (e->name && (st_gen_str(g, "name") < 0 || st_gen_str(g, e->name) < 0))
		return -1;
	if (st_gen_str(g, "arch") < 0 || st_gen_str(g, e->arch) < 0 || st_gen_str(g, "nr") < 0 ||
	    st_gen_u64(g, e->nr) < 0 || st_gen_str(g, "origin") < 0 ||
	    st_gen_str(g, st_origin_name(e->origin)) < 0 || st_gen_str(g, "sets") < 0 ||
	    st_gen_array_open(g) < 0)
		return -1;
	for (enum st_origin o = 0; o < ST_NR_ORIGINS; o++)
		if ((e->sets & (1u << o)) && st_gen_str(g, st_origin_name(o)) < 0)
			return -1;
	if (st_gen_array_close(g) < 0 || st_gen_str(g, "inProfile") < 0 ||
	    st_gen_bool(g, e->in_profile) < 0 || gen_first(g, e) < 0)
		return -1;
	return st_gen_map_close(g);
}

/* A string of the caller's (a path, an id, an argument) made printable. */
static int gen_printable(yajl_gen g, const char *key, const char *s)
{
	cleanup_free char *p = st_printable(s);

	return !p || st_gen_str(g, key) < 0 || st_gen_str(g, p) < 0 ? -1 : 0;
}

static int gen_info(yajl_gen g, const struct st_report_info *info)
{
	if (st_gen_str(g, "seccompTraceReport") < 0 || st_gen_u64(g, 1) < 0 ||
	    st_gen_str(g, "generator") < 0 || st_gen_str(g, "seccomp-trace " ST_VERSION) < 0)
		return -1;
	if (info->profile && gen_printable(g, "profile", info->profile) < 0)
		return -1;
	if (info->container_id &&
	    (st_gen_str(g, "container") < 0 || st_gen_map_open(g) < 0 ||
	     gen_printable(g, "id", info->container_id) < 0 || st_gen_str(g, "pid") < 0 ||
	     st_gen_u64(g, (uint64_t)info->container_pid) < 0 || st_gen_map_close(g) < 0))
		return -1;
	if (info->command) {
		if (st_gen_str(g, "command") < 0 || st_gen_array_open(g) < 0)
			return -1;
		for (char *const *a = info->command; *a; a++) {
			cleanup_free char *p = st_printable(*a);

			if (!p || st_gen_str(g, p) < 0)
				return -1;
		}
		if (st_gen_array_close(g) < 0)
			return -1;
	}
	if (info->scope && (st_gen_str(g, "scope") < 0 || st_gen_str(g, info->scope) < 0))
		return -1;
	return 0;
}

static int render_json(const struct st_report *r, const struct st_report_info *info, char **out,
		       size_t *len)
{
	cleanup_yajl_gen yajl_gen g = st_gen_new();

	if (!g || st_gen_map_open(g) < 0 || gen_info(g, info) < 0 ||
	    st_gen_str(g, "syscalls") < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		if (gen_entry(g, &r->v[i]) < 0)
			return -1;
	if (st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0)
		return -1;
	return st_gen_text(g, out, len);
}

/* ---- markdown ---- */

/* s (printable already) as a code span: a run of backticks one longer than
 * any inside, spaces around when s starts or ends with one. Nothing inside
 * is markdown, HTML or a mention. */
void st_md_code(FILE *f, const char *s)
{
	size_t longest = 0, run = 0;
	bool pad;

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = *s == '`' || (*s && s[strlen(s) - 1] == '`') || !*s;
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
	fprintf(f, "%s%s%s", pad ? " " : "", s, pad ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
}

/* A string of the caller's, made printable, as a code span. */
static int md_code_printable(FILE *f, const char *s)
{
	cleanup_free char *p = st_printable(s);

	if (!p)
		return -1;
	st_md_code(f, p);
	return 0;
}

void st_md_first(FILE *f, const struct st_report_entry *e)
{
	if (!e->has_first) {
		fprintf(f, "no process (%s)",
			e->origin == ST_ORIGIN_ASSUMED ? "never seen" : "not recorded");
		return;
	}
	/* a name alone is marked as one: a process may call itself "/usr/bin/x" */
	fprintf(f, "first: %s", e->exe ? "" : "comm ");
	st_md_code(f, e->exe ? e->exe : e->comm);
	if (e->exe) {
		fprintf(f, " (");
		st_md_code(f, e->comm);
		fprintf(f, ")");
	}
	fprintf(f, ", pid %u", e->pid);
}

static const char *const md_titles[ST_NR_ORIGINS] = {
    "Workload",
    "Runtime allowance (set-up tasks under their own seccomp filter, up to their exec)",
    "Runtime set-up (before its seccomp filter)",
    "Assumed (never seen, allowed anyway: a signal handler's return, the time calls)",
};

/* Assumed entries the runtime allowance rule alone lets through: listed
 * apart, so that a reviewer sees why (run has no runtime to see them from). */
static const char md_allowance_rule_title[] =
    "Runtime allowance rule (never seen here: what runc and crun may do between "
    "loading the filter and their exec)";

static void md_section(FILE *f, const struct st_report *r, enum st_origin o, bool in_profile,
		       bool allowance_rule)
{
	bool header = false;

	for (size_t i = 0; i < r->n; i++) {
		const struct st_report_entry *e = &r->v[i];

		if (e->origin != o || e->in_profile != in_profile ||
		    e->allowance_rule != allowance_rule)
			continue;
		if (!header)
			fprintf(f, "\n**%s%s**\n\n",
				allowance_rule ? md_allowance_rule_title : md_titles[o],
				in_profile ? "" : ": not in the profile");
		header = true;
		fprintf(f, "- ");
		if (e->name)
			st_md_code(f, e->name);
		else
			fprintf(f, "#%u", e->nr);
		if (strcmp(e->arch, st_abi_arch_name(ST_ABI_NATIVE) ?: ""))
			fprintf(f, " (%s)", e->arch);
		fprintf(f, " — ");
		st_md_first(f, e);
		fputc('\n', f);
	}
}

static int md_header(FILE *f, const struct st_report *r, const struct st_report_info *info)
{
	unsigned count[ST_NR_ORIGINS] = {0}, in = 0, by_rule = 0;

	fprintf(f, "%s### seccomp-trace: who made each syscall first\n\n", MD_MARKER);
	if (info->profile) {
		fprintf(f, "Profile ");
		if (md_code_printable(f, info->profile) < 0)
			return -1;
		fprintf(f, ". ");
	}
	if (info->container_id) {
		fprintf(f, "Container ");
		if (md_code_printable(f, info->container_id) < 0)
			return -1;
		fprintf(f, " (pid %d%s%s). ", info->container_pid, info->scope ? ", scope " : "",
			info->scope ? info->scope : "");
	}
	if (info->command) {
		fprintf(f, "Command:");
		for (char *const *a = info->command; *a; a++) {
			fputc(' ', f);
			if (md_code_printable(f, *a) < 0)
				return -1;
		}
		fprintf(f, ". ");
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].in_profile) {
			count[r->v[i].origin]++;
			by_rule += r->v[i].allowance_rule;
			in++;
		}
	fprintf(f, "%u syscalls let through by the profile: %u workload, %u runtime allowance, ",
		in, count[ST_ORIGIN_WORKLOAD], count[ST_ORIGIN_ALLOWANCE]);
	/* run's report has no runtime set-up (no runtime, no filter): not named */
	if (!info->command || count[ST_ORIGIN_SETUP])
		fprintf(f, "%u runtime set-up, ", count[ST_ORIGIN_SETUP]);
	fprintf(f, "%u assumed", count[ST_ORIGIN_ASSUMED]);
	if (by_rule)
		fprintf(f, " (%u of them in the runtime allowance rule)", by_rule);
	fprintf(f, ".\n");
	return 0;
}

static int render_markdown(const struct st_report *r, const struct st_report_info *info, char **out,
			   size_t *len)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);
	int rc;

	if (!f)
		return -1;
	rc = md_header(f, r, info);
	for (int in = 1; rc == 0 && in >= 0; in--)
		for (enum st_origin o = 0; o < ST_NR_ORIGINS; o++) {
			if (o == ST_ORIGIN_ASSUMED)
				md_section(f, r, o, in, true);
			md_section(f, r, o, in, false);
		}
	if (!(*out = st_memstream_done(&m, rc)))
		return -1;
	*len = m.len;
	return 0;
}

int st_report_render(const struct st_report *r, const struct st_report_info *info,
		     enum st_report_format f, char **out, size_t *len, struct st_error *err)
{
	int rc = f == ST_REPORT_MARKDOWN ? render_markdown(r, info, out, len)
					 : render_json(r, info, out, len);

	return rc < 0 ? st_error_set(err, ENOMEM, "cannot render the report") : 0;
}

int st_report_write(struct st_outfile *t, const struct st_report *r,
		    const struct st_report_info *info, enum st_report_format f,
		    struct st_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (st_report_render(r, info, f, &text, &len, err) < 0)
		return -1;
	return st_outfile_write(t, text, len, 0644, err);
}

int st_report_emit(struct st_outfile *t, const struct st_trace_result *res,
		   const struct st_sysset *in_profile, const struct st_profile *p,
		   const struct st_report_info *info, enum st_report_format f, struct st_error *err)
{
	struct st_report r;
	int rc;

	if (st_report_build(res, in_profile, p, &r, err) < 0)
		return -1;
	rc = st_report_write(t, &r, info, f, err);
	st_report_free(&r);
	return rc;
}

/* ---- the log ---- */

struct proc_count {
	const struct st_first *f; /* the process's first event */
	unsigned n;
};

static int cmp_count(const void *a, const void *b)
{
	const struct proc_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->f < y->f ? -1 : x->f > y->f; /* the earliest first */
}

static bool same_process(const struct st_first *a, const struct st_first *b)
{
	return a->tgid == b->tgid && !strcmp(a->comm, b->comm) && !a->exe == !b->exe &&
	       (!a->exe || !strcmp(a->exe, b->exe));
}

/* Most processes named on the summary line. */
#define SUMMARY_PROCESSES 6

void st_report_log_summary(const struct st_trace_result *res)
{
	cleanup_free struct proc_count *c = calloc(res->nr_firsts ?: 1, sizeof(*c));
	struct st_memstream m;
	size_t n = 0;
	FILE *f;

	if (!c || !res->nr_firsts || st_log_get_level() < ST_LOG_INFO)
		return;
	for (size_t i = 0; i < res->nr_firsts; i++) {
		size_t j = 0;

		while (j < n && !same_process(c[j].f, &res->firsts[i]))
			j++;
		if (j == n)
			c[n++].f = &res->firsts[i];
		c[j].n++;
	}
	qsort(c, n, sizeof(*c), cmp_count);
	if (!(f = st_memstream_open(&m)))
		return;
	for (size_t j = 0; j < n && j < SUMMARY_PROCESSES; j++) {
		cleanup_free char *comm = st_printable(c[j].f->comm);
		cleanup_free char *exe = c[j].f->exe ? st_printable(c[j].f->exe) : NULL;

		/* "/bin/busybox (sh, pid 1) 12", "crun (pid 1) 30" */
		fprintf(f, "%s%s (%s%spid %u) %u", j ? ", " : "",
			exe    ? exe
			: comm ? comm
			       : "?",
			exe && comm ? comm : "", exe && comm ? ", " : "", c[j].f->ns_pid, c[j].n);
	}
	if (n > SUMMARY_PROCESSES)
		fprintf(f, ", and %zu more processes", n - SUMMARY_PROCESSES);
	cleanup_free char *text = st_memstream_done(&m, 0);
	st_info("first sightings by process (%zu in all, for %u syscalls; -v or --report name "
		"each): %s",
		res->nr_firsts, st_sysset_count(&res->all), text ? text : "?");
}
