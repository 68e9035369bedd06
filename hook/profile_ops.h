/* SPDX-License-Identifier: Apache-2.0 */
/* Operations across profiles: comparing and copying rules as a whole
 * (conditions included), and the difference between two profiles (merging
 * is profile_merge.h). */
#ifndef ST_PROFILE_OPS_H
#define ST_PROFILE_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* A rule's conditions (args, includes, excludes) in one canonical line,
 * malloc'ed: "" for none; args and lists sorted, so that order does not make
 * a difference. NULL when out of memory. */
char *st_rule_conditions(const struct st_rule *r);
/* Same names (as a set), action, errno and conditions (false when out of
 * memory: a merge then keeps both rules, never drops one). */
bool st_rule_same(const struct st_rule *a, const struct st_rule *b);
int st_rule_copy(struct st_rule *dst, const struct st_rule *src, struct st_error *err);

/* One (syscall, action, conditions) permission of a profile. */
struct st_entry {
	const char *name;
	const char *action;
	bool has_errno;
	unsigned errno_ret;
	const char *errno_name; /* containers/common's "errno" ("EACCES"), or NULL */
	char *cond;		/* st_rule_conditions(); owned by the diff */
};

struct st_entries {
	struct st_entry *v;
	size_t n;
};

enum st_change {
	ST_CHANGE_ADDED,      /* only in NEW */
	ST_CHANGE_REMOVED,    /* only in OLD */
	ST_CHANGE_ACTION,     /* same syscall and conditions, other action or errno */
	ST_CHANGE_CONDITIONS, /* same syscall and action, other conditions */
};

struct st_diff_item {
	enum st_change kind;
	struct st_entry old_e; /* REMOVED, ACTION, CONDITIONS */
	struct st_entry new_e; /* ADDED, ACTION, CONDITIONS */
	bool widens;	       /* NEW allows something OLD did not */
	bool narrows;	       /* OLD allowed something NEW does not */
};

struct st_diff {
	const struct st_profile *old_p, *new_p;
	bool default_changed;
	bool default_widens, default_narrows;
	char **arches_added, **arches_removed; /* effective arch sets */
	size_t n_arches_added, n_arches_removed;
	struct st_diff_item *items; /* sorted by action, then name */
	size_t n_items;
	/* Top-level fields runtimes enforce that the model keeps as they came
	 * (flags, listenerPath, listenerMetadata, defaultErrno): a change can
	 * allow more or less, which cannot be told, so callers treat it as both. */
	struct st_field_change *fields;
	size_t n_fields;
	bool widens, narrows, any;
	struct st_entries old_entries, new_entries; /* what the items' entries point into */
};

struct st_field_change {
	const char *key;
	char *old_v, *new_v; /* compact JSON; "" when absent */
};

int st_profile_diff(const struct st_profile *old_p, const struct st_profile *new_p,
		    struct st_diff *out, struct st_error *err);
void st_diff_free(struct st_diff *d);

#endif
