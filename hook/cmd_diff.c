// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace diff OLD NEW: what NEW allows that OLD does not, and back. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "json.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_ops.h"
#include "util.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };
enum fail_on { FAIL_ADDED, FAIL_REMOVED, FAIL_ANY, FAIL_NEVER };

static const char *errno_note(const struct st_entry *e, char *buf, size_t len)
{
	if (e->errno_name)
		snprintf(buf, len, " (errno %.32s)", e->errno_name);
	else if (e->has_errno)
		snprintf(buf, len, " (errno %u)", e->errno_ret);
	else
		buf[0] = '\0';
	return buf;
}

static const char *field_value(const char *v)
{
	return *v ? v : "(absent)";
}

static void print_text_item(const struct st_diff_item *it)
{
	char eo[48], en[48];

	switch (it->kind) {
	case ST_CHANGE_ADDED:
		printf("  + %s%s%s%s%s\n", it->new_e.name, *it->new_e.cond ? "  [" : "",
		       it->new_e.cond, *it->new_e.cond ? "]" : "",
		       errno_note(&it->new_e, en, sizeof(en)));
		break;
	case ST_CHANGE_REMOVED:
		printf("  - %s%s%s%s%s\n", it->old_e.name, *it->old_e.cond ? "  [" : "",
		       it->old_e.cond, *it->old_e.cond ? "]" : "",
		       errno_note(&it->old_e, eo, sizeof(eo)));
		break;
	case ST_CHANGE_ACTION:
		printf("  ~ %s%s%s%s: %s%s -> %s%s\n", it->new_e.name, *it->new_e.cond ? "  [" : "",
		       it->new_e.cond, *it->new_e.cond ? "]" : "", it->old_e.action,
		       errno_note(&it->old_e, eo, sizeof(eo)), it->new_e.action,
		       errno_note(&it->new_e, en, sizeof(en)));
		break;
	case ST_CHANGE_CONDITIONS:
		printf("  ~ %s: conditions [%s] -> [%s]\n", it->new_e.name, it->old_e.cond,
		       it->new_e.cond);
		break;
	}
}

static const struct st_entry *group_of(const struct st_diff_item *it)
{
	return it->kind == ST_CHANGE_REMOVED ? &it->old_e : &it->new_e;
}

static void print_text(const struct st_diff *d, const char *a, const char *b)
{
	const char *group = NULL;
	unsigned added = 0, removed = 0, changed = 0;

	printf("--- %s\n+++ %s\n", a, b);
	if (d->default_changed)
		printf("defaultAction: %s%s -> %s%s\n", d->old_p->default_action,
		       d->old_p->has_default_errno ? " (errno set)" : "", d->new_p->default_action,
		       d->new_p->has_default_errno ? " (errno set)" : "");
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
			printf("%s:\n", group);
		}
		print_text_item(it);
		added += it->kind == ST_CHANGE_ADDED;
		removed += it->kind == ST_CHANGE_REMOVED;
		changed += it->kind >= ST_CHANGE_ACTION;
	}
	if (d->any)
		printf("%u added, %u removed, %u changed%s%s%s\n", added, removed, changed,
		       d->widens ? "; NEW allows more" : "", d->narrows ? "; NEW allows less" : "",
		       d->n_fields ? "; NEW changes what runtimes enforce beyond the rules" : "");
	else
		printf("no differences\n");
}

static void print_markdown(const struct st_diff *d, const char *a, const char *b)
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
		printf("- defaultAction: `%s` → `%s`\n", d->old_p->default_action,
		       d->new_p->default_action);
	for (size_t i = 0; i < d->n_arches_added; i++)
		printf("- arch added: `%s`\n", d->arches_added[i]);
	for (size_t i = 0; i < d->n_arches_removed; i++)
		printf("- arch removed: `%s`\n", d->arches_removed[i]);
	for (size_t i = 0; i < d->n_items; i++) {
		const struct st_diff_item *it = &d->items[i];
		const struct st_entry *e = group_of(it);

		if (!group || strcmp(group, e->action)) {
			group = e->action;
			printf("\n**%s**\n\n", group);
		}
		switch (it->kind) {
		case ST_CHANGE_ADDED:
		case ST_CHANGE_REMOVED:
			printf("- %s `%s`%s%s%s%s\n", it->kind == ST_CHANGE_ADDED ? "➕" : "➖",
			       e->name, *e->cond ? " when `" : "", e->cond, *e->cond ? "`" : "",
			       errno_note(e, en, sizeof(en)));
			break;
		case ST_CHANGE_ACTION:
			printf("- 🔁 `%s`: `%s`%s → `%s`%s\n", e->name, it->old_e.action,
			       errno_note(&it->old_e, eo, sizeof(eo)), it->new_e.action,
			       errno_note(&it->new_e, en, sizeof(en)));
			break;
		case ST_CHANGE_CONDITIONS:
			printf("- 🔁 `%s`: when `%s` → when `%s`\n", e->name, it->old_e.cond,
			       it->new_e.cond);
			break;
		}
	}
}

static int gen_entry(yajl_gen g, const struct st_entry *e)
{
	if (st_gen_map_open(g) < 0 || st_gen_str(g, "name") < 0 || st_gen_str(g, e->name) < 0 ||
	    st_gen_str(g, "action") < 0 || st_gen_str(g, e->action) < 0)
		return -1;
	if (e->has_errno && (st_gen_str(g, "errnoRet") < 0 || st_gen_u64(g, e->errno_ret) < 0))
		return -1;
	if (e->errno_name && (st_gen_str(g, "errno") < 0 || st_gen_str(g, e->errno_name) < 0))
		return -1;
	if (st_gen_str(g, "conditions") < 0 || st_gen_str(g, e->cond) < 0)
		return -1;
	return st_gen_map_close(g);
}

static int gen_items(yajl_gen g, const struct st_diff *d, const char *key, enum st_change a,
		     enum st_change b)
{
	if (st_gen_str(g, key) < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < d->n_items; i++) {
		const struct st_diff_item *it = &d->items[i];

		if (it->kind != a && it->kind != b)
			continue;
		if (a == ST_CHANGE_ADDED || a == ST_CHANGE_REMOVED) {
			if (gen_entry(g, group_of(it)) < 0)
				return -1;
			continue;
		}
		if (st_gen_map_open(g) < 0 || st_gen_str(g, "name") < 0 ||
		    st_gen_str(g, it->new_e.name) < 0 || st_gen_str(g, "what") < 0 ||
		    st_gen_str(g, it->kind == ST_CHANGE_ACTION ? "action" : "conditions") < 0 ||
		    st_gen_str(g, "old") < 0 || gen_entry(g, &it->old_e) < 0 ||
		    st_gen_str(g, "new") < 0 || gen_entry(g, &it->new_e) < 0 ||
		    st_gen_map_close(g) < 0)
			return -1;
	}
	return st_gen_array_close(g);
}

static int print_json(const struct st_diff *d, const char *a, const char *b)
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
	if (d->default_changed &&
	    (st_gen_str(g, "defaultAction") < 0 || st_gen_map_open(g) < 0 ||
	     st_gen_str(g, "old") < 0 || st_gen_str(g, d->old_p->default_action) < 0 ||
	     st_gen_str(g, "new") < 0 || st_gen_str(g, d->new_p->default_action) < 0 ||
	     st_gen_map_close(g) < 0))
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
	    gen_items(g, d, "added", ST_CHANGE_ADDED, ST_CHANGE_ADDED) < 0 ||
	    gen_items(g, d, "removed", ST_CHANGE_REMOVED, ST_CHANGE_REMOVED) < 0 ||
	    gen_items(g, d, "changed", ST_CHANGE_ACTION, ST_CHANGE_CONDITIONS) < 0 ||
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
};

enum { OPT_FORMAT = 0x100, OPT_FAIL_ON };

static const struct argp_option diff_options[] = {
    {"format", OPT_FORMAT, "text|json|markdown", 0,
     "text (default), json (for machines), markdown (a CI comment)", 0},
    {"fail-on", OPT_FAIL_ON, "added|removed|any|never", 0,
     "Exit 1 when NEW allows more (added, default), allows less (removed), differs at all "
     "(any), or never",
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
	int i;

	switch (key) {
	case OPT_FORMAT:
		if ((i = pick(fmt_names, ARRAY_SIZE(fmt_names), arg)) < 0)
			argp_error(state, "unknown --format '%s'", arg);
		o->fmt = i;
		return 0;
	case OPT_FAIL_ON:
		if ((i = pick(fail_names, ARRAY_SIZE(fail_names), arg)) < 0)
			argp_error(state, "unknown --fail-on '%s'", arg);
		o->fail_on = i;
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
		if (print_json(d, o->old_path, o->new_path) < 0) {
			fprintf(stderr, "seccomp-trace: diff: cannot generate JSON\n");
			return -1;
		}
		return 0;
	case FMT_MARKDOWN:
		print_markdown(d, o->old_path, o->new_path);
		return 0;
	default:
		print_text(d, o->old_path, o->new_path);
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
	    st_profile_read_file(o.new_path, &b, &err) < 0 || st_profile_diff(a, b, &d, &err) < 0) {
		st_error_print(&err);
		return 2;
	}
	if (print_diff(&o, &d) == 0)
		rc = verdict(o.fail_on, &d);
	st_diff_free(&d);
	return rc;
}
