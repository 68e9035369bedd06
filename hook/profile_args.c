// SPDX-License-Identifier: Apache-2.0
/* --args: rules with argument conditions, from the values the kernel kept.
 * One rule per value, exactly as runtimes read them: EQ on the argument, or
 * MASKED_EQ with the mask in "value" and the expected bits in "valueTwo". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "profile_args.h"
#include "strv.h"

static const char *const what_arg[ST_NR_ARG_KINDS] = {
    [ST_ARG_KIND_PERSONALITY] = "persona",   [ST_ARG_KIND_SOCKET] = "domain and type",
    [ST_ARG_KIND_CLONE] = "namespace flags", [ST_ARG_KIND_PRCTL] = "option",
    [ST_ARG_KIND_FCNTL] = "command",	     [ST_ARG_KIND_SETSOCKOPT] = "level",
    [ST_ARG_KIND_GETSOCKOPT] = "level",	     [ST_ARG_KIND_IOCTL] = "request",
};

static int set_arg(struct st_arg *a, uint32_t index, uint64_t value, uint64_t value_two,
		   const char *op, struct st_error *err)
{
	a->index = index;
	a->value = value;
	a->value_two = value_two;
	a->has_value_two = true;
	if (!(a->op = strdup(op)))
		return st_error_set(err, ENOMEM, "argument rule");
	return 0;
}

/* The rule for one recorded value of kind k. */
static int value_rule(unsigned k, uint64_t v, struct st_rule *r, struct st_error *err)
{
	size_t nargs = k == ST_ARG_KIND_SOCKET ? 2 : 1;
	int rc;

	memset(r, 0, sizeof(*r));
	r->names = calloc(2, sizeof(char *));
	r->args = calloc(nargs, sizeof(*r->args));
	if (!r->names || !r->args || !(r->names[0] = strdup(st_arg_kind_syscall(k))) ||
	    !(r->action = strdup(ST_ACT_ALLOW)))
		return st_error_set(err, ENOMEM, "argument rule");
	r->n_names = 1;
	r->has_args = true;
	r->n_args = nargs;
	switch (k) {
	case ST_ARG_KIND_SOCKET:
		rc = set_arg(&r->args[0], 0, v >> 32, 0, "SCMP_CMP_EQ", err);
		if (rc == 0)
			rc = set_arg(&r->args[1], 1, ~ST_SOCK_FLAGS & 0xffffffffULL, v & 0xffffffff,
				     "SCMP_CMP_MASKED_EQ", err);
		return rc;
	case ST_ARG_KIND_CLONE:
		return set_arg(&r->args[0], 0, ST_CLONE_NS_MASK, v, "SCMP_CMP_MASKED_EQ", err);
	case ST_ARG_KIND_PERSONALITY:
	case ST_ARG_KIND_PRCTL:
		return set_arg(&r->args[0], 0, v, 0, "SCMP_CMP_EQ", err);
	default:
		return set_arg(&r->args[0], 1, v, 0, "SCMP_CMP_EQ", err);
	}
}

static int add_group(struct st_cond_rules *c, const char *name, struct st_rule *rules, size_t n,
		     struct st_error *err)
{
	char **nn = realloc(c->names, (c->n + 1) * sizeof(*nn));
	struct st_rule **nr;
	size_t *nc;

	if (nn)
		c->names = nn;
	nr = nn ? realloc(c->rules, (c->n + 1) * sizeof(*nr)) : NULL;
	if (nr)
		c->rules = nr;
	nc = nr ? realloc(c->n_rules, (c->n + 1) * sizeof(*nc)) : NULL;
	if (nc)
		c->n_rules = nc;
	if (!nc || !(c->names[c->n] = strdup(name)))
		return st_error_set(err, ENOMEM, "argument rules");
	c->rules[c->n] = rules;
	c->n_rules[c->n] = n;
	c->n++;
	return 0;
}

/* Called natively only? Arguments of other ABIs are not recorded. */
static bool native_only(const struct st_sysset *seen, const char *name)
{
	for (unsigned abi = 1; abi < ST_NR_ABI; abi++) {
		int nr = st_syscall_nr(abi, name);

		if (nr >= 0 && st_sysset_has(seen, abi, nr))
			return false;
	}
	return true;
}

int st_cond_rules_build(const struct st_sysset *seen, const struct st_arg_values *args,
			char **names, size_t *n_names, struct st_cond_rules *out,
			struct st_error *err)
{
	for (unsigned k = 0; k < ST_NR_ARG_KINDS; k++) {
		const char *name = st_arg_kind_syscall(k);
		bool called = strv_has(names, *n_names, name);
		bool clone3 = k == ST_ARG_KIND_CLONE && strv_has(names, *n_names, "clone3");
		struct st_rule *rules;

		if (!called && !clone3)
			continue;
		if (!native_only(seen, name) || (clone3 && !native_only(seen, "clone3"))) {
			st_info("%s is also called through another ABI, whose arguments are not "
				"recorded: allowed by name",
				name);
			continue;
		}
		if (args->overflow & (1u << k)) {
			st_warn(
			    "%s was called with more than %d distinct %s values: allowed by name, "
			    "without conditions",
			    name, ST_MAX_ARG_VALUES, what_arg[k]);
			continue;
		}
		if (!args->n[k]) {
			st_info("no %s values of %s were recorded: allowed by name", what_arg[k],
				name);
			continue;
		}
		rules = calloc(args->n[k], sizeof(*rules));
		if (!rules)
			return st_error_set(err, ENOMEM, "argument rules");
		for (uint32_t i = 0; i < args->n[k]; i++)
			if (value_rule(k, args->v[k][i], &rules[i], err) < 0) {
				for (uint32_t j = 0; j <= i; j++)
					st_rule_clear(&rules[j]);
				free(rules);
				return -1;
			}
		if (add_group(out, name, rules, args->n[k], err) < 0) {
			for (uint32_t j = 0; j < args->n[k]; j++)
				st_rule_clear(&rules[j]);
			free(rules);
			return -1;
		}
		strv_remove(names, n_names, name);
		st_info("%s allowed for the %u %s value%s seen only", name, args->n[k], what_arg[k],
			args->n[k] == 1 ? "" : "s");
		if (clone3) {
			/* clone3 passes its flags in memory, where no filter can
			 * look: answer ENOSYS so that libc falls back to clone,
			 * whose flags the rules above check (as Docker does). */
			struct st_rule *r = calloc(1, sizeof(*r));

			if (!r || !(r->names = calloc(2, sizeof(char *))) ||
			    !(r->names[0] = strdup("clone3")) ||
			    !(r->action = strdup(ST_ACT_ERRNO))) {
				if (r)
					st_rule_clear(r);
				free(r);
				return st_error_set(err, ENOMEM, "argument rules");
			}
			r->n_names = 1;
			r->has_errno_ret = true;
			r->errno_ret = ENOSYS;
			if (add_group(out, "clone3", r, 1, err) < 0) {
				st_rule_clear(r);
				free(r);
				return -1;
			}
			strv_remove(names, n_names, "clone3");
			st_info(
			    "clone3 answers ENOSYS: its flags cannot be checked, libc falls back "
			    "to clone");
		}
	}
	return 0;
}

int st_cond_rules_add(struct st_profile *p, struct st_cond_rules *c, st_merge_note_fn note,
		      void *ctx, struct st_error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct st_rule *which = NULL;
		enum st_merge_outcome what = st_profile_classify(p, c->names[i], &which);

		if (what != ST_MERGE_ADDED) {
			if (note)
				note(ctx, c->names[i], what, which);
			continue;
		}
		for (size_t j = 0; j < c->n_rules[i]; j++)
			if (st_profile_add_rule(p, &c->rules[i][j], err) < 0)
				return -1;
	}
	return 0;
}

void st_cond_rules_free(struct st_cond_rules *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->n_rules[i]; j++)
			st_rule_clear(&c->rules[i][j]);
		free(c->rules[i]);
		free(c->names[i]);
	}
	free(c->names);
	free(c->rules);
	free(c->n_rules);
	memset(c, 0, sizeof(*c));
}
