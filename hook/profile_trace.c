// SPDX-License-Identifier: Apache-2.0
#include "profile_trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "profile_args.h"
#include "strv.h"

int st_sysset_names(const struct st_sysset *seen, char ***names, size_t *n,
		    void (*unknown)(void *ctx, unsigned abi, unsigned nr), void *ctx,
		    struct st_error *err)
{
	size_t cap = st_sysset_count(seen), len = 0;
	char **v = calloc(cap + 1, sizeof(*v));

	if (!v)
		return st_error_set(err, ENOMEM, "cannot name syscalls");
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++) {
		for (unsigned nr = 0; nr < ST_MAX_SYSCALLS; nr++) {
			char *name;

			if (!st_sysset_has(seen, abi, nr))
				continue;
			name = st_syscall_name(abi, nr);
			if (!name) {
				if (unknown)
					unknown(ctx, abi, nr);
				continue;
			}
			v[len++] = name;
		}
	}
	strv_sort(v, len);
	/* The same name from several ABIs is one entry. */
	size_t out = 0;
	for (size_t i = 0; i < len; i++) {
		if (out && !strcmp(v[out - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[out++] = v[i];
	}
	v[out] = NULL;
	*names = v;
	*n = out;
	return 0;
}

static bool abi_needed(const struct st_sysset *seen, unsigned abi)
{
	return st_abi_arch_name(abi) && (abi == ST_ABI_NATIVE || st_sysset_abi_used(seen, abi));
}

/* Every ABI the trace used becomes part of the arch set. */
static int add_trace_arches(struct st_profile *p, const struct st_sysset *seen,
			    struct st_error *err)
{
	if (!p->has_archmap && !p->has_architectures) {
		bool foreign = false;

		/* No arch list means "native only" to a runtime: keep it so
		 * unless the trace saw another ABI. */
		for (unsigned abi = 1; abi < ST_NR_ABI; abi++)
			foreign |= abi_needed(seen, abi);
		if (!foreign)
			return 0;
	}
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++)
		if (abi_needed(seen, abi) && st_profile_add_arch(p, st_abi_arch_name(abi), err) < 0)
			return -1;
	return 0;
}

int st_profile_add_trace(struct st_profile *p, char *const *names, size_t n_names,
			 const struct st_sysset *seen, st_merge_note_fn note, void *ctx,
			 struct st_error *err)
{
	/* TRACE and NOTIFY may let every call run (profile.h): no allow-list */
	if (!p->default_action || st_action_may_run(p->default_action)) {
		if (p->default_action)
			st_warn("the base profile's defaultAction %s %s every syscall; "
				"the result uses %s so that it is an allow-list",
				p->default_action,
				st_action_allows(p->default_action) ? "allows" : "may let run",
				ST_ACT_ERRNO);
		free(p->default_action);
		if (!(p->default_action = strdup(ST_ACT_ERRNO)))
			return st_error_set(err, ENOMEM, "cannot build profile");
	}
	if (add_trace_arches(p, seen, err) < 0)
		return -1;
	return st_profile_allow_names(p, names, n_names, false, note, ctx, err);
}

int st_profile_from_trace(const struct st_sysset *seen, char *const *names, size_t n_names,
			  struct st_profile **out, struct st_error *err)
{
	struct st_profile *p = st_profile_new();

	if (!p)
		return st_error_set(err, ENOMEM, "cannot build profile");
	/* A fresh profile always says which arches it is for, native first. */
	p->has_architectures = true;
	p->has_syscalls = true;
	if (st_profile_add_trace(p, names, n_names, seen, NULL, NULL, err) < 0) {
		st_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

static void note_unknown(void *ctx, unsigned abi, unsigned nr)
{
	(void)ctx;
	st_warn("syscall #%u (%s) has no name in libseccomp %s; it cannot be listed in the "
		"profile and stays denied",
		nr, st_abi_arch_name(abi) ?: "?", st_libseccomp_version());
}

static void note_merge(void *ctx, const char *name, enum st_merge_outcome what,
		       const struct st_rule *rule)
{
	(void)ctx;
	if (what == ST_MERGE_BLOCKED)
		st_warn("%s was called but the base profile's rule says %s: kept blocked", name,
			rule->action);
	else if (what == ST_MERGE_CONDITIONAL)
		st_info("%s was called but the base profile allows it only under conditions: "
			"kept conditional, not widened",
			name);
}

int st_profile_build_args(const struct st_sysset *seen, const struct st_arg_values *args,
			  struct st_profile *base, struct st_profile **out, struct st_error *err)
{
	struct st_cond_rules conds = {0};
	char **names = NULL;
	size_t n = 0;
	int rc;

	if (st_sysset_names(seen, &names, &n, note_unknown, NULL, err) < 0)
		return -1;
	/* Syscalls that get argument conditions leave the plain name list. */
	rc = args ? st_cond_rules_build(seen, args, names, &n, &conds, err) : 0;
	if (rc == 0 && base) {
		rc = st_profile_add_trace(base, names, n, seen, note_merge, NULL, err);
		*out = base;
	} else if (rc == 0) {
		rc = st_profile_from_trace(seen, names, n, out, err);
	}
	if (rc == 0 && conds.n)
		rc = st_cond_rules_add(*out, &conds, note_merge, NULL, err);
	st_cond_rules_free(&conds);
	strv_free(names, n);
	return rc;
}

int st_profile_build(const struct st_sysset *seen, struct st_profile *base, struct st_profile **out,
		     struct st_error *err)
{
	return st_profile_build_args(seen, NULL, base, out, err);
}

void st_trace_add_time_calls(struct st_sysset *set)
{
	unsigned n = st_sysset_add_time_calls(set);

	st_info("time calls allowed whether or not seen (%u added): clock_gettime, gettimeofday, "
		"time, clock_getres, getcpu, and their time64 forms for 32-bit ABIs; the vDSO "
		"answers them without a syscall where the clocksource allows it (as here, most "
		"likely), they are syscalls where it does not (some Xen and Hyper-V guests, "
		"clocksource=hpet or acpi_pm)",
		n);
}
