// SPDX-License-Identifier: Apache-2.0
/* Profile reader, merger and writer. Whatever the reader accepts must merge
 * a trace as a base profile, and the writer's output must always parse again,
 * to a model that writes the very same bytes: a profile seccomp-trace wrote
 * is one it (and --base) must accept. */
#include "fuzz.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_trace.h"
#include "profile_check.h"
#include "profile_merge.h"
#include "profile_ops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The syscalls a trace may have seen: native and foreign ABIs (arch lists
 * and archMap grow), names real profiles allow, block or allow only under
 * conditions, and a number libseccomp cannot name. */
static const struct {
	unsigned abi;
	const char *name; /* NULL: use nr */
	unsigned nr;
} pool[] = {
    {ST_ABI_NATIVE, "read", 0},	       {ST_ABI_NATIVE, "write", 0},
    {ST_ABI_NATIVE, "openat", 0},      {ST_ABI_NATIVE, "execve", 0},
    {ST_ABI_NATIVE, "futex", 0},       {ST_ABI_NATIVE, "clone", 0},
    {ST_ABI_NATIVE, "personality", 0}, {ST_ABI_NATIVE, "ptrace", 0},
    {ST_ABI_NATIVE, "socket", 0},      {ST_ABI_NATIVE, "mount", 0},
    {ST_ABI_NATIVE, "open", 0},	       {ST_ABI_NATIVE, "chmod", 0},
    {ST_ABI_COMPAT, "read", 0},	       {ST_ABI_COMPAT, "socketcall", 0},
    {ST_ABI_X32, "write", 0},	       {ST_ABI_NATIVE, NULL, ST_MAX_SYSCALLS - 1},
};
#define POOL_SIZE (sizeof(pool) / sizeof(pool[0]))
static int pool_nr[POOL_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	for (size_t i = 0; i < POOL_SIZE; i++)
		pool_nr[i] =
		    pool[i].name ? st_syscall_nr(pool[i].abi, pool[i].name) : (int)pool[i].nr;
	return 0;
}

/* Which syscalls this input's trace saw: a hash of the input picks them, so
 * that each input meets one fixed, reproducible trace and different inputs
 * meet different ones. */
static void pick_trace(const uint8_t *data, size_t size, struct st_sysset *seen)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	memset(seen, 0, sizeof(*seen));
	for (size_t i = 0; i < POOL_SIZE; i++)
		if ((h >> i) & 1 && pool_nr[i] >= 0)
			st_sysset_add(seen, pool[i].abi, pool_nr[i]);
}

/* Write p; the output must parse and write back byte for byte. Returns the
 * JSON (the caller frees it). */
static char *round_trip(const struct st_profile *p)
{
	struct st_error err = {0};
	struct st_profile *again = NULL;
	char *json = NULL, *json2 = NULL;
	size_t len = 0, len2 = 0;

	if (st_profile_to_json(p, &json, &len, &err) < 0)
		FUZZ_FAIL("the writer refuses a model the reader or merger made: %s", err.msg);
	FUZZ_CHECK(json && strlen(json) == len && len && json[len - 1] == '\n');
	if (st_profile_parse(json, len, "written profile", &again, &err) < 0)
		FUZZ_FAIL("the writer's output does not parse: %s\n--- output ---\n%.4000s",
			  err.msg, json);
	FUZZ_CHECK(st_profile_to_json(again, &json2, &len2, &err) == 0);
	if (len != len2 || memcmp(json, json2, len))
		FUZZ_FAIL("a re-read profile writes other bytes\n--- first ---\n%.4000s--- second "
			  "---\n%.4000s",
			  json, json2);
	free(json2);
	st_profile_free(again);
	return json;
}

static void ignore_report(void *ctx, const struct st_check_item *item)
{
	(void)ctx;
	FUZZ_CHECK(item->path && *item->path && item->msg && *item->msg);
	FUZZ_CHECK(!(item->refused_by & ~ST_RT_ALL));
}

/* The merge of n copies of p, as JSON (the caller frees it). */
static char *merge_copies(const struct st_profile *p, size_t n)
{
	static const char *const names[] = {"a", "b"};
	const struct st_profile *in[2] = {p, p};
	struct st_merge_opts o = {0};
	struct st_error err = {0};
	struct st_profile *out = NULL;
	char *json;
	size_t len;

	if (st_profiles_merge(in, names, n, &o, &out, &err) < 0)
		FUZZ_FAIL("merge refuses a profile the reader accepts: %s", err.msg);
	FUZZ_CHECK(st_profile_to_json(out, &json, &len, &err) == 0);
	st_profile_free(out);
	return json;
}

/* diff, merge and check on any profile the reader accepts: a profile
 * differs in nothing from itself; merge takes it, gives what it gives for
 * two copies of it, and gives its own output back byte for byte; check
 * reports without crashing. */
static void check_tools(const struct st_profile *p)
{
	struct st_error err = {0};
	struct st_profile *again = NULL;
	struct st_diff d;
	char *merged, *twice, *remerged;

	st_profile_check(p, ignore_report, NULL);
	if (st_profile_diff(p, p, &d, &err) < 0)
		FUZZ_FAIL("diff refuses a profile the reader accepts: %s", err.msg);
	if (d.any || d.widens || d.narrows || d.n_items)
		FUZZ_FAIL("a profile differs from itself (%zu items)", d.n_items);
	st_diff_free(&d);
	merged = merge_copies(p, 1);
	twice = merge_copies(p, 2);
	if (strcmp(merged, twice))
		FUZZ_FAIL("merge(A, A) != merge(A)\n--- merge(A) ---\n%.4000s--- merge(A, A) "
			  "---\n%.4000s",
			  merged, twice);
	if (st_profile_parse(merged, strlen(merged), "merged", &again, &err) < 0)
		FUZZ_FAIL("merge's output does not parse: %s", err.msg);
	remerged = merge_copies(again, 1);
	if (strcmp(merged, remerged))
		FUZZ_FAIL("merge(merge(A)) != merge(A)\n--- merge(A) ---\n%.4000s--- again "
			  "---\n%.4000s",
			  merged, remerged);
	free(remerged);
	st_profile_free(again);
	free(twice);
	free(merged);
}

/* Every syscall the trace named is now in some rule: allowed, or kept
 * blocked or conditional as the base had it. */
static void check_merged(const struct st_profile *p, const struct st_sysset *seen,
			 size_t rules_before)
{
	struct st_error err = {0};
	char **names = NULL;
	size_t n = 0;

	FUZZ_CHECK(p->default_action && !st_action_allows(p->default_action));
	FUZZ_CHECK(p->n_rules >= rules_before);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];

		FUZZ_CHECK(r->names && r->action);
		/* a base may have "names": [], a rule the merge adds never */
		if (i >= rules_before)
			FUZZ_CHECK(r->n_names && st_action_allows(r->action) &&
				   !st_rule_is_conditional(r));
	}
	FUZZ_CHECK(st_sysset_names(seen, &names, &n, NULL, NULL, &err) == 0);
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t r = 0; r < p->n_rules && !found; r++)
			for (size_t j = 0; j < p->rules[r].n_names && !found; j++)
				found = !strcmp(p->rules[r].names[j], names[i]);
		if (!found)
			FUZZ_FAIL("%s was seen but is in no rule", names[i]);
		free(names[i]);
	}
	free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *json;
	struct st_error err = {0};
	struct st_profile *p = NULL, *out = NULL;
	struct st_sysset seen;
	size_t rules_before;

	if (st_profile_parse(text, size, "fuzz input", &p, &err) < 0) {
		fuzz_check_error(&err);
		FUZZ_CHECK(!p);
		free(text);
		return 0;
	}
	json = round_trip(p);
	check_tools(p);
	free(json);

	/* The input as --base: st_profile_build merges into it in place. */
	pick_trace(data, size, &seen);
	rules_before = p->n_rules;
	if (st_profile_build(&seen, p, &out, &err) < 0)
		FUZZ_FAIL("a base the reader accepts does not merge: %s", err.msg);
	FUZZ_CHECK(out == p);
	check_merged(p, &seen, rules_before);
	json = round_trip(p);
	free(json);
	st_profile_free(p);
	free(text);
	return 0;
}
