/* SPDX-License-Identifier: Apache-2.0 */
/* --args: rules with argument conditions, from the values the kernel kept
 * (enum st_arg_kind), grouped by syscall. */
#ifndef ST_PROFILE_ARGS_H
#define ST_PROFILE_ARGS_H

#include <stddef.h>

#include "error.h"
#include "profile.h"
#include "syscalls.h"

/* Rules grouped by syscall. */
struct st_cond_rules {
	char **names;		/* one per group */
	struct st_rule **rules; /* rules[i]: n_rules[i] rules for names[i] */
	size_t *n_rules;
	size_t n;
};
/* Turn recorded argument values into rules; the syscalls they cover are
 * taken out of names (which stays sorted). */
int st_cond_rules_build(const struct st_sysset *seen, const struct st_arg_values *args,
			char **names, size_t *n_names, struct st_cond_rules *out,
			struct st_error *err);
/* Append each group to p where p has no rule for the syscall yet. */
int st_cond_rules_add(struct st_profile *p, struct st_cond_rules *c, st_merge_note_fn note,
		      void *ctx, struct st_error *err);
void st_cond_rules_free(struct st_cond_rules *c);

#endif
