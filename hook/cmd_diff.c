// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace diff OLD NEW: what NEW allows that OLD does not, and back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "json.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_ops.h"
#include "report.h"
#include "util.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };
enum fail_on { FAIL_ADDED, FAIL_REMOVED, FAIL_ANY, FAIL_NEVER };

/* --report: provenance reports of NEW's traces, in the order given. */
struct reports {
	char **paths;
	size_t n;
	struct st_report *v;
};

/* Whether a line about it says who needed it (--report given, and the item
 * lets more through); if so, *e is the best entry for its syscall
 * (st_report_rank) in the reports, the first report's among equals, from
 * the report *from, or NULL when no report has it. */
static bool cite(const struct reports *r, const struct st_diff_item *it,
		 const struct st_report_entry **e, const char **from)
{
	*e = NULL;
	*from = NULL;
	if (!r->n || !it->widens || it->kind == ST_CHANGE_REMOVED)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		const struct st_report_entry *c = st_report_find(&r->v[i], it->new_e.name);

		if (c && (!*e || st_report_rank(c) < st_report_rank(*e))) {
			*e = c;
			*from = r->paths[i];
		}
	}
	return true;
}

/* A report's file name without its directory, for a line that cites it. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* "  (first: /usr/bin/gdb, pid 12)" after a text line; nothing without
 * --report. */
static void print_text_cite(const struct reports *r, const struct st_diff_item *it)
{
	const struct st_report_entry *e;
	const char *from;

	if (!cite(r, it, &e, &from))
		return;
	if (!e) {
		printf("  (not in the report%s)", r->n > 1 ? "s" : "");
		return;
	}
	printf("  (");
	if (e->origin != ST_ORIGIN_WORKLOAD)
		printf("%s; ", st_origin_name(e->origin));
	if (!e->has_first)
		printf("no process");
	else if (e->exe)
		printf("first: %s, pid %u", e->exe, e->pid);
	else
		printf("first: comm %s, pid %u", e->comm, e->pid);
	if (r->n > 1)
		printf("; %s", base_name(from));
	printf(")");
}

/* " (errno 38 ENOSYS)" for an entry's errno; with implied, also " (errno 1
 * EPERM by default)" for an SCMP_ACT_ERRNO without errnoRet, so that a
 * change line shows both sides. */
static const char *errno_note(const struct st_entry *e, bool implied, char *buf, size_t len)
{
	const char *name =
	    e->has_errno && e->errno_ret < 4096 ? strerrorname_np((int)e->errno_ret) : NULL;

	if (e->errno_name)
		snprintf(buf, len, " (errno %.32s)", e->errno_name);
	else if (e->has_errno)
		snprintf(buf, len, " (errno %u%s%s)", e->errno_ret, name ? " " : "",
			 name ? name : "");
	else if (implied && !strcmp(e->action, ST_ACT_ERRNO))
		snprintf(buf, len, " (errno 1 EPERM by default)");
	else
		buf[0] = '\0';
	return buf;
}

/* The errno a profile's default action returns: defaultErrnoRet, else EPERM
 * for SCMP_ACT_ERRNO (runc's and crun's default); false when it returns none. */
static bool default_errno_of(const struct st_profile *p, unsigned *e)
{
	*e = p->has_default_errno ? p->default_errno_ret : 1;
	return p->has_default_errno || !strcmp(p->default_action, ST_ACT_ERRNO);
}

/* " (errno 38 ENOSYS)" for the errno a default action returns, on each
 * side, since it may be all that changed; "(errno 1 EPERM by default)" when
 * the profile has no defaultErrnoRet. */
static const char *default_errno(const struct st_profile *p, char *buf, size_t len)
{
	const char *name;
	unsigned e;

	if (!default_errno_of(p, &e)) {
		buf[0] = '\0';
		return buf;
	}
	name = e < 4096 ? strerrorname_np((int)e) : NULL;
	snprintf(buf, len, " (errno %u%s%s%s)", e, name ? " " : "", name ? name : "",
		 p->has_default_errno ? "" : " by default");
	return buf;
}

/* " (may run: when ...": the note a may-run default action gets, "" else. */
static const char *may_run_open(const struct st_profile *p)
{
	return st_action_runs_when(p->default_action) ? " (may run: " : "";
}

static const char *may_run_when(const struct st_profile *p)
{
	const char *w = st_action_runs_when(p->default_action);

	return w ? w : "";
}

/* The counts a summary gives; the default action's change counts as a
 * change. An added rule that lets nothing more through (an ERRNO rule) is
 * counted apart: it does not fail --fail-on added. */
struct counts {
	unsigned added, added_allowing, removed, changed;
};

static struct counts count_items(const struct st_diff *d)
{
	struct counts c = {.changed = d->default_changed};

	for (size_t i = 0; i < d->n_items; i++) {
		const struct st_diff_item *it = &d->items[i];

		c.added += it->kind == ST_CHANGE_ADDED;
		c.added_allowing += it->kind == ST_CHANGE_ADDED && it->widens;
		c.removed += it->kind == ST_CHANGE_REMOVED;
		c.changed += it->kind >= ST_CHANGE_ACTION;
	}
	return c;
}

/* "2 added (1 allowing more, 1 denying), 0 removed, 1 changed" */
static void print_counts(FILE *f, const struct counts *c)
{
	fprintf(f, "%u added", c->added);
	if (c->added)
		fprintf(f, " (%u allowing more, %u denying)", c->added_allowing,
			c->added - c->added_allowing);
	fprintf(f, ", %u removed, %u changed", c->removed, c->changed);
}

static const char *field_value(const char *v)
{
	return *v ? v : "(absent)";
}

static void print_text_item(const struct st_diff_item *it, const struct reports *r)
{
	char eo[48], en[48];

	switch (it->kind) {
	case ST_CHANGE_ADDED:
		printf("  + %s%s%s%s%s", it->new_e.name, *it->new_e.cond ? "  [" : "",
		       it->new_e.cond, *it->new_e.cond ? "]" : "",
		       errno_note(&it->new_e, false, en, sizeof(en)));
		break;
	case ST_CHANGE_REMOVED:
		printf("  - %s%s%s%s%s", it->old_e.name, *it->old_e.cond ? "  [" : "",
		       it->old_e.cond, *it->old_e.cond ? "]" : "",
		       errno_note(&it->old_e, false, eo, sizeof(eo)));
		break;
	case ST_CHANGE_ACTION:
		printf("  ~ %s%s%s%s: %s%s -> %s%s", it->new_e.name, *it->new_e.cond ? "  [" : "",
		       it->new_e.cond, *it->new_e.cond ? "]" : "", it->old_e.action,
		       errno_note(&it->old_e, true, eo, sizeof(eo)), it->new_e.action,
		       errno_note(&it->new_e, true, en, sizeof(en)));
		break;
	case ST_CHANGE_CONDITIONS:
		printf("  ~ %s: conditions [%s] -> [%s]", it->new_e.name, it->old_e.cond,
		       it->new_e.cond);
		break;
	}
	print_text_cite(r, it);
	putchar('\n');
}

static const struct st_entry *group_of(const struct st_diff_item *it)
{
	return it->kind == ST_CHANGE_REMOVED ? &it->old_e : &it->new_e;
}

static void print_text(const struct st_diff *d, const char *a, const char *b,
		       const struct reports *r)
{
	const char *group = NULL;
	struct counts c = count_items(d);
	char eo[48], en[48];

	printf("--- %s\n+++ %s\n", a, b);
	if (d->default_changed)
		printf("defaultAction: %s%s -> %s%s%s%s%s\n", d->old_p->default_action,
		       default_errno(d->old_p, eo, sizeof(eo)), d->new_p->default_action,
		       default_errno(d->new_p, en, sizeof(en)), may_run_open(d->new_p),
		       may_run_when(d->new_p), *may_run_open(d->new_p) ? ")" : "");
	for (size_t i = 0; i < d->n_arches_added; i++)
		printf("arch + %s\n", d->arches_added[i]);
	for (size_t i = 0; i < d->n_arches_removed; i++)
		printf("arch - %s\n", d->arches_removed[i]);
	for (size_t i = 0; i < d->n_fields; i++)
		printf("%s: %s -> %s\n", d->fields[i].key, field_value(d->fields[i].old_v),
		       field_value(d->fields[i].new_v));
	for (size_t i = 0; i < d->n_items; i++) {
		const struct st_diff_item *it = &d->items[i];

		if (!group || strcmp(group, group_of(it)->action)) {
			group = group_of(it)->action;
			printf("%s%s%s%s:\n", group,
			       st_action_runs_when(group) ? " (may run: " : "",
			       st_action_runs_when(group) ? st_action_runs_when(group) : "",
			       st_action_runs_when(group) ? ")" : "");
		}
		print_text_item(it, r);
	}
	if (!d->any) {
		printf("no differences\n");
		return;
	}
	print_counts(stdout, &c);
	printf("%s%s%s\n", d->widens ? "; NEW allows more" : "",
	       d->narrows ? "; NEW allows less" : "",
	       d->n_fields ? "; NEW changes what runtimes enforce beyond the rules" : "");
}

/* " — first: `/usr/bin/gdb` (`gdb`), pid 12" after a markdown line. */
static void print_md_cite(const struct reports *r, const struct st_diff_item *it)
{
	const struct st_report_entry *e;
	const char *from;

	if (!cite(r, it, &e, &from))
		return;
	if (!e) {
		printf(" — not in the report%s", r->n > 1 ? "s" : "");
		return;
	}
	printf(" — ");
	if (e->origin != ST_ORIGIN_WORKLOAD)
		printf("%s, ", st_origin_name(e->origin));
	st_md_first(stdout, e);
	if (r->n > 1) {
		cleanup_free char *p = st_printable(base_name(from));

		printf(" (");
		st_md_code(stdout, p ? p : "?");
		printf(")");
	}
}

static void print_markdown(const struct st_diff *d, const char *a, const char *b,
			   const struct reports *r)
{
	const char *group = NULL;
	char eo[48], en[48];

	printf("### seccomp profile: `%s` → `%s`\n\n", a, b);
	if (!d->any) {
		printf("No differences.\n");
		return;
	}
	if (d->widens)
		printf("**The new profile allows more than the old one: review it.**\n\n");
	if (d->n_fields)
		printf("**The new profile changes what runtimes enforce beyond the rules: review "
		       "it.**\n\n");
	for (size_t i = 0; i < d->n_fields; i++)
		printf("- %s: `%s` → `%s`\n", d->fields[i].key, field_value(d->fields[i].old_v),
		       field_value(d->fields[i].new_v));
	if (d->default_changed)
		printf("- defaultAction: `%s`%s → `%s`%s\n", d->old_p->default_action,
		       default_errno(d->old_p, eo, sizeof(eo)), d->new_p->default_action,
		       default_errno(d->new_p, en, sizeof(en)));
	for (size_t i = 0; i < d->n_arches_added; i++)
		printf("- arch added: `%s`\n", d->arches_added[i]);
	for (size_t i = 0; i < d->n_arches_removed; i++)
		printf("- arch removed: `%s`\n", d->arches_removed[i]);
	for (size_t i = 0; i < d->n_items; i++) {
		const struct st_diff_item *it = &d->items[i];
		const struct st_entry *e = group_of(it);

		if (!group || strcmp(group, e->action)) {
			group = e->action;
			printf("\n**%s**%s%s\n\n", group,
			       st_action_runs_when(group) ? " — may run: " : "",
			       st_action_runs_when(group) ? st_action_runs_when(group) : "");
		}
		switch (it->kind) {
		case ST_CHANGE_ADDED:
		case ST_CHANGE_REMOVED:
			printf("- %s `%s`%s%s%s%s", it->kind == ST_CHANGE_ADDED ? "➕" : "➖",
			       e->name, *e->cond ? " when `" : "", e->cond, *e->cond ? "`" : "",
			       errno_note(e, false, en, sizeof(en)));
			break;
		case ST_CHANGE_ACTION:
			printf("- 🔁 `%s`: `%s`%s → `%s`%s", e->name, it->old_e.action,
			       errno_note(&it->old_e, true, eo, sizeof(eo)), it->new_e.action,
			       errno_note(&it->new_e, true, en, sizeof(en)));
			break;
		case ST_CHANGE_CONDITIONS:
			printf("- 🔁 `%s`: when `%s` → when `%s`", e->name, it->old_e.cond,
			       it->new_e.cond);
			break;
		}
		print_md_cite(r, it);
		putchar('\n');
	}
	struct counts c = count_items(d);

	putchar('\n');
	print_counts(stdout, &c);
	printf(".\n");
}

/* An entry's members, in a map the caller opened. */
static int gen_entry_fields(yajl_gen g, const struct st_entry *e)
{
	if (st_gen_str(g, "name") < 0 || st_gen_str(g, e->name) < 0 ||
	    st_gen_str(g, "action") < 0 || st_gen_str(g, e->action) < 0)
		return -1;
	if (e->has_errno && (st_gen_str(g, "errnoRet") < 0 || st_gen_u64(g, e->errno_ret) < 0))
		return -1;
	if (e->errno_name && (st_gen_str(g, "errno") < 0 || st_gen_str(g, e->errno_name) < 0))
		return -1;
	return st_gen_str(g, "conditions") < 0 || st_gen_str(g, e->cond) < 0 ? -1 : 0;
}

static int gen_entry(yajl_gen g, const struct st_entry *e)
{
	if (st_gen_map_open(g) < 0 || gen_entry_fields(g, e) < 0)
		return -1;
	return st_gen_map_close(g);
}

/* "provenance": who needed what the item adds (null: no report has it);
 * nothing without --report or for items that add nothing. */
static int gen_cite(yajl_gen g, const struct reports *r, const struct st_diff_item *it)
{
	const struct st_report_entry *e;
	const char *from;

	if (!cite(r, it, &e, &from))
		return 0;
	if (st_gen_str(g, "provenance") < 0)
		return -1;
	if (!e)
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	if (st_gen_map_open(g) < 0 || st_gen_str(g, "report") < 0 || st_gen_str(g, from) < 0 ||
	    st_gen_str(g, "origin") < 0 || st_gen_str(g, st_origin_name(e->origin)) < 0 ||
	    st_gen_str(g, "arch") < 0 || st_gen_str(g, e->arch) < 0)
		return -1;
	if (e->has_first &&
	    (st_gen_str(g, "first") < 0 || st_gen_map_open(g) < 0 || st_gen_str(g, "comm") < 0 ||
	     st_gen_str(g, e->comm) < 0 ||
	     (e->exe && (st_gen_str(g, "exe") < 0 || st_gen_str(g, e->exe) < 0)) ||
	     st_gen_str(g, "pid") < 0 || st_gen_u64(g, e->pid) < 0 || st_gen_map_close(g) < 0))
		return -1;
	return st_gen_map_close(g);
}

static int gen_items(yajl_gen g, const struct st_diff *d, const struct reports *r, const char *key,
		     enum st_change a, enum st_change b)
{
	if (st_gen_str(g, key) < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < d->n_items; i++) {
		const struct st_diff_item *it = &d->items[i];

		if (it->kind != a && it->kind != b)
			continue;
		if (a == ST_CHANGE_ADDED || a == ST_CHANGE_REMOVED) {
			if (st_gen_map_open(g) < 0 || gen_entry_fields(g, group_of(it)) < 0 ||
			    gen_cite(g, r, it) < 0 || st_gen_map_close(g) < 0)
				return -1;
			continue;
		}
		if (st_gen_map_open(g) < 0 || st_gen_str(g, "name") < 0 ||
		    st_gen_str(g, it->new_e.name) < 0 || st_gen_str(g, "what") < 0 ||
		    st_gen_str(g, it->kind == ST_CHANGE_ACTION ? "action" : "conditions") < 0 ||
		    st_gen_str(g, "old") < 0 || gen_entry(g, &it->old_e) < 0 ||
		    st_gen_str(g, "new") < 0 || gen_entry(g, &it->new_e) < 0 ||
		    gen_cite(g, r, it) < 0 || st_gen_map_close(g) < 0)
			return -1;
	}
	return st_gen_array_close(g);
}

/* "defaultAction": {"old", "new", "oldErrnoRet", "newErrnoRet"}: the errnos
 * the default actions return (absent for an action that returns none). */
static int gen_default(yajl_gen g, const struct st_diff *d)
{
	unsigned eo, en;
	bool has_o = default_errno_of(d->old_p, &eo), has_n = default_errno_of(d->new_p, &en);

	if (st_gen_str(g, "defaultAction") < 0 || st_gen_map_open(g) < 0 ||
	    st_gen_str(g, "old") < 0 || st_gen_str(g, d->old_p->default_action) < 0 ||
	    st_gen_str(g, "new") < 0 || st_gen_str(g, d->new_p->default_action) < 0)
		return -1;
	if (has_o && (st_gen_str(g, "oldErrnoRet") < 0 || st_gen_u64(g, eo) < 0))
		return -1;
	if (has_n && (st_gen_str(g, "newErrnoRet") < 0 || st_gen_u64(g, en) < 0))
		return -1;
	return st_gen_map_close(g);
}

/* "counts": {"added", "addedAllowing", "removed", "changed"} (see count_items). */
static int gen_counts(yajl_gen g, const struct st_diff *d)
{
	struct counts c = count_items(d);

	return st_gen_str(g, "counts") < 0 || st_gen_map_open(g) < 0 ||
		       st_gen_str(g, "added") < 0 || st_gen_u64(g, c.added) < 0 ||
		       st_gen_str(g, "addedAllowing") < 0 || st_gen_u64(g, c.added_allowing) < 0 ||
		       st_gen_str(g, "removed") < 0 || st_gen_u64(g, c.removed) < 0 ||
		       st_gen_str(g, "changed") < 0 || st_gen_u64(g, c.changed) < 0 ||
		       st_gen_map_close(g) < 0
		   ? -1
		   : 0;
}

static int print_json(const struct st_diff *d, const char *a, const char *b,
		      const struct reports *r)
{
	cleanup_yajl_gen yajl_gen g = st_gen_new();
	const unsigned char *buf;
	size_t len;

	if (!g || st_gen_map_open(g) < 0 || st_gen_str(g, "old") < 0 || st_gen_str(g, a) < 0 ||
	    st_gen_str(g, "new") < 0 || st_gen_str(g, b) < 0 || st_gen_str(g, "widens") < 0 ||
	    st_gen_bool(g, d->widens) < 0 || st_gen_str(g, "narrows") < 0 ||
	    st_gen_bool(g, d->narrows) < 0 || st_gen_str(g, "differs") < 0 ||
	    st_gen_bool(g, d->any) < 0)
		return -1;
	if (d->default_changed && gen_default(g, d) < 0)
		return -1;
	if (gen_counts(g, d) < 0)
		return -1;
	if (st_gen_str(g, "fieldsChanged") < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < d->n_fields; i++)
		if (st_gen_map_open(g) < 0 || st_gen_str(g, "field") < 0 ||
		    st_gen_str(g, d->fields[i].key) < 0 || st_gen_str(g, "old") < 0 ||
		    st_gen_str(g, d->fields[i].old_v) < 0 || st_gen_str(g, "new") < 0 ||
		    st_gen_str(g, d->fields[i].new_v) < 0 || st_gen_map_close(g) < 0)
			return -1;
	if (st_gen_array_close(g) < 0 || st_gen_str(g, "archesAdded") < 0 ||
	    st_gen_strv(g, d->arches_added, d->n_arches_added) < 0 ||
	    st_gen_str(g, "archesRemoved") < 0 ||
	    st_gen_strv(g, d->arches_removed, d->n_arches_removed) < 0 ||
	    gen_items(g, d, r, "added", ST_CHANGE_ADDED, ST_CHANGE_ADDED) < 0 ||
	    gen_items(g, d, r, "removed", ST_CHANGE_REMOVED, ST_CHANGE_REMOVED) < 0 ||
	    gen_items(g, d, r, "changed", ST_CHANGE_ACTION, ST_CHANGE_CONDITIONS) < 0 ||
	    st_gen_map_close(g) < 0 || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return -1;
	fwrite(buf, 1, len, stdout);
	if (!len || buf[len - 1] != '\n')
		putchar('\n');
	return 0;
}

struct diff_opts {
	enum fmt fmt;
	enum fail_on fail_on;
	const char *old_path, *new_path;
	struct reports reports; /* --report, paths only until read */
};

enum { OPT_FORMAT = 0x100, OPT_FAIL_ON, OPT_REPORT };

static const struct argp_option diff_options[] = {
    {"format", OPT_FORMAT, "text|json|markdown", 0,
     "text (default), json (for machines), markdown (a CI comment)", 0},
    {"fail-on", OPT_FAIL_ON, "added|removed|any|never", 0,
     "Exit 1 when NEW allows more (added, default), allows less (removed), differs at all "
     "(any), or never",
     0},
    {"report", OPT_REPORT, "FILE", 0,
     "A provenance report of NEW's traces (run --report, the hook's --report; repeatable, the "
     "first that has a syscall is cited): say for each syscall NEW adds who needed it first",
     0},
    {0},
};

/* The index of arg in names, -1 if absent. */
static int pick(const char *const *names, size_t n, const char *arg)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

static error_t parse_diff_opt(int key, char *arg, struct argp_state *state)
{
	static const char *const fmt_names[] = {"text", "json", "markdown"};
	static const char *const fail_names[] = {"added", "removed", "any", "never"};
	struct diff_opts *o = state->input;
	char **v;
	int i;

	switch (key) {
	case OPT_FORMAT:
		if ((i = pick(fmt_names, ARRAY_SIZE(fmt_names), arg)) < 0)
			argp_error(state, "--format '%s': expected text, json or markdown", arg);
		o->fmt = i;
		return 0;
	case OPT_FAIL_ON:
		if ((i = pick(fail_names, ARRAY_SIZE(fail_names), arg)) < 0)
			argp_error(state, "--fail-on '%s': expected added, removed, any or never",
				   arg);
		o->fail_on = i;
		return 0;
	case OPT_REPORT:
		/* argv outlives the parse: the paths are kept, not copied */
		if (!(v = realloc(o->reports.paths, (o->reports.n + 1) * sizeof(*v))))
			argp_failure(state, ST_EXIT_USAGE, ENOMEM, "--report");
		o->reports.paths = v;
		v[o->reports.n++] = arg;
		return 0;
	case ARGP_KEY_ARG:
		if (state->arg_num >= 2)
			argp_error(state, "expected two profiles, OLD and NEW");
		*(state->arg_num ? &o->new_path : &o->old_path) = arg;
		return 0;
	case ARGP_KEY_END:
		if (state->arg_num < 2)
			argp_error(state, "expected two profiles, OLD and NEW");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child diff_children[] = {
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp diff_argp = {
    diff_options,
    parse_diff_opt,
    "OLD NEW",
    "What NEW allows that OLD does not (+), what it no longer allows (-) and rules whose "
    "action or conditions changed (~), grouped by action, plus changes of defaultAction and "
    "arches. A rule with conditions (args, includes, excludes) is compared as a whole, never "
    "reduced to its name. A change of flags, listenerPath, listenerMetadata or defaultErrno, "
    "which runtimes enforce too, is shown and counts as allowing both more and less. Exit "
    "status: 0 no difference that matters, 1 differences, 2 error.",
    diff_children,
    NULL,
    NULL};

static int print_diff(const struct diff_opts *o, const struct st_diff *d)
{
	switch (o->fmt) {
	case FMT_JSON:
		if (print_json(d, o->old_path, o->new_path, &o->reports) < 0) {
			fprintf(stderr, "seccomp-trace: diff: cannot generate JSON\n");
			return -1;
		}
		return 0;
	case FMT_MARKDOWN:
		print_markdown(d, o->old_path, o->new_path, &o->reports);
		return 0;
	default:
		print_text(d, o->old_path, o->new_path, &o->reports);
		return 0;
	}
}

/* The exit status --fail-on asks for. */
static int verdict(enum fail_on fail_on, const struct st_diff *d)
{
	switch (fail_on) {
	/* A changed enforced field may allow more or less: both gates stop. */
	case FAIL_ADDED:
		return d->widens || d->n_fields;
	case FAIL_REMOVED:
		return d->narrows || d->n_fields;
	case FAIL_ANY:
		return d->any;
	default:
		return 0;
	}
}

static int read_reports(struct reports *r, struct st_error *err)
{
	if (!r->n)
		return 0;
	if (!(r->v = calloc(r->n, sizeof(*r->v))))
		return st_error_set(err, ENOMEM, "--report");
	for (size_t i = 0; i < r->n; i++)
		if (st_report_read(r->paths[i], &r->v[i], err) < 0)
			return -1;
	return 0;
}

static void free_reports(struct reports *r)
{
	for (size_t i = 0; r->v && i < r->n; i++)
		st_report_free(&r->v[i]);
	free(r->v);
	free(r->paths);
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = {.fmt = FMT_TEXT, .fail_on = FAIL_ADDED};
	cleanup_profile struct st_profile *a = NULL;
	cleanup_profile struct st_profile *b = NULL;
	struct st_error err = {0};
	struct st_diff d;
	int rc = 2;

	st_cli_parse(&diff_argp, argc, argv, 0, &o);
	if (st_profile_read_file(o.old_path, &a, &err) < 0 ||
	    st_profile_read_file(o.new_path, &b, &err) < 0 || read_reports(&o.reports, &err) < 0 ||
	    st_profile_diff(a, b, &d, &err) < 0) {
		st_error_print(&err);
		free_reports(&o.reports);
		return 2;
	}
	if (print_diff(&o, &d) == 0)
		rc = verdict(o.fail_on, &d);
	st_diff_free(&d);
	free_reports(&o.reports);
	return rc;
}
