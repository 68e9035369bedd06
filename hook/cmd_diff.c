/* seccomp-trace diff OLD NEW: what NEW allows that OLD does not, and back. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "commands.h"
#include "json.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_ops.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };
enum fail_on { FAIL_ADDED, FAIL_REMOVED, FAIL_ANY, FAIL_NEVER };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: seccomp-trace diff [--format text|json|markdown] [--fail-on WHAT] OLD NEW\n"
		"\n"
		"What NEW allows that OLD does not (+), what it no longer allows (-) and rules\n"
		"whose action or conditions changed (~), grouped by action, plus changes of\n"
		"defaultAction and arches. A rule with conditions (args, includes, excludes) is\n"
		"compared as a whole, never reduced to its name.\n"
		"\n"
		"  --format F    text (default), json (for machines), markdown (a CI comment)\n"
		"  --fail-on W   exit 1 when NEW allows more (added, default), allows less\n"
		"                (removed), differs at all (any), or never\n"
		"Exit status: 0 no difference that matters, 1 differences, 2 error.\n");
}

static const char *errno_note(const struct st_entry *e, char *buf, size_t len)
{
	if (e->has_errno)
		snprintf(buf, len, " (errno %u)", e->errno_ret);
	else
		buf[0] = '\0';
	return buf;
}

static void print_text_item(const struct st_diff_item *it)
{
	char eo[32], en[32];

	switch (it->kind) {
	case ST_CHANGE_ADDED:
		printf("  + %s%s%s%s%s\n", it->new_e.name, *it->new_e.cond ? "  [" : "",
		       it->new_e.cond, *it->new_e.cond ? "]" : "", errno_note(&it->new_e, en, 32));
		break;
	case ST_CHANGE_REMOVED:
		printf("  - %s%s%s%s%s\n", it->old_e.name, *it->old_e.cond ? "  [" : "",
		       it->old_e.cond, *it->old_e.cond ? "]" : "", errno_note(&it->old_e, eo, 32));
		break;
	case ST_CHANGE_ACTION:
		printf("  ~ %s%s%s%s: %s%s -> %s%s\n", it->new_e.name, *it->new_e.cond ? "  [" : "",
		       it->new_e.cond, *it->new_e.cond ? "]" : "", it->old_e.action,
		       errno_note(&it->old_e, eo, 32), it->new_e.action,
		       errno_note(&it->new_e, en, 32));
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
		printf("%u added, %u removed, %u changed%s%s\n", added, removed, changed,
		       d->widens ? "; NEW allows more" : "", d->narrows ? "; NEW allows less" : "");
	else
		printf("no differences\n");
}

static void print_markdown(const struct st_diff *d, const char *a, const char *b)
{
	const char *group = NULL;
	char eo[32], en[32];

	printf("### seccomp profile: `%s` → `%s`\n\n", a, b);
	if (!d->any) {
		printf("No differences.\n");
		return;
	}
	if (d->widens)
		printf("**The new profile allows more than the old one: review it.**\n\n");
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
			       errno_note(e, en, 32));
			break;
		case ST_CHANGE_ACTION:
			printf("- 🔁 `%s`: `%s`%s → `%s`%s\n", e->name, it->old_e.action,
			       errno_note(&it->old_e, eo, 32), it->new_e.action,
			       errno_note(&it->new_e, en, 32));
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
	if (st_gen_str(g, "archesAdded") < 0 ||
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

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"fail-on", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const fail_names[] = {"added", "removed", "any", "never"};
	enum fmt fmt = FMT_TEXT;
	enum fail_on fail_on = FAIL_ADDED;
	struct st_profile *a = NULL, *b = NULL;
	struct st_error err = {0};
	struct st_diff d;
	int c, rc = 2;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text")) {
				fmt = FMT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				fmt = FMT_JSON;
			} else if (!strcmp(optarg, "markdown")) {
				fmt = FMT_MARKDOWN;
			} else {
				fprintf(stderr, "seccomp-trace: diff: unknown --format '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'F':
			for (c = 0; c < 4 && strcmp(optarg, fail_names[c]); c++)
				;
			if (c == 4) {
				fprintf(stderr, "seccomp-trace: diff: unknown --fail-on '%s'\n",
					optarg);
				return 2;
			}
			fail_on = c;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (st_profile_read_file(argv[optind], &a, &err) < 0 ||
	    st_profile_read_file(argv[optind + 1], &b, &err) < 0 ||
	    st_profile_diff(a, b, &d, &err) < 0) {
		st_error_print(&err);
		goto out;
	}
	if (fmt == FMT_JSON) {
		if (print_json(&d, argv[optind], argv[optind + 1]) < 0) {
			fprintf(stderr, "seccomp-trace: diff: cannot generate JSON\n");
			st_diff_free(&d);
			goto out;
		}
	} else if (fmt == FMT_MARKDOWN) {
		print_markdown(&d, argv[optind], argv[optind + 1]);
	} else {
		print_text(&d, argv[optind], argv[optind + 1]);
	}
	switch (fail_on) {
	case FAIL_ADDED:
		rc = d.widens;
		break;
	case FAIL_REMOVED:
		rc = d.narrows;
		break;
	case FAIL_ANY:
		rc = d.any;
		break;
	case FAIL_NEVER:
		rc = 0;
		break;
	}
	st_diff_free(&d);
out:
	st_profile_free(a);
	st_profile_free(b);
	return rc;
}
