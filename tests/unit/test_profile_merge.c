// SPDX-License-Identifier: Apache-2.0
/* Merging profiles (profile_merge.h): the same bytes in any order and
 * grouping, an allow in any input kept (an unconditional one subsuming the
 * conditional ones), explicit denials never widened unless --allow-wins, the
 * top level agreed on or refused. Fixed cases first, then the properties over
 * every permutation and grouping of a pool of profiles, and over generated
 * ones. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "log.h"
#include "profile.h"
#include "profile_merge.h"

#define HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool strv_has_name(const struct st_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

static const char *const in_names[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"};

/* The merge of the JSON profiles js[0..n) as JSON, or NULL with the error
 * in why (when given). */
static char *merge_opts(const char *const *js, size_t n, const struct st_merge_opts *o, char *why)
{
	struct st_profile *in[8] = {0}, *out = NULL;
	struct st_error err = {0};
	char *json = NULL;

	if (why)
		why[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!(in[i] = parse(js[i])))
			goto done;
	if (st_profiles_merge((const struct st_profile *const *)in, in_names, n, o, &out, &err) <
	    0) {
		if (why)
			snprintf(why, sizeof(err.msg), "%s", err.msg);
		goto done;
	}
	json = to_json(out);
done:
	for (size_t i = 0; i < n; i++)
		st_profile_free(in[i]);
	st_profile_free(out);
	return json;
}

static char *merge_n(bool allow_wins, char *why, size_t n, ...)
{
	const char *js[8];
	struct st_merge_opts o = {.allow_wins = allow_wins};
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		js[i] = va_arg(ap, const char *);
	va_end(ap);
	return merge_opts(js, n, &o, why);
}

/* Merge a and b both ways; the two must be the same bytes. */
static struct st_profile *merge2(const char *a, const char *b, bool allow_wins)
{
	char *ab = merge_n(allow_wins, NULL, 2, a, b), *ba = merge_n(allow_wins, NULL, 2, b, a);
	struct st_profile *p = NULL;

	CHECK(ab && ba);
	if (ab && ba) {
		CHECK_STR(ab, ba);
		p = parse(ab);
	}
	free(ab);
	free(ba);
	return p;
}

/* The number of rules naming name. */
static size_t rules_naming(const struct st_profile *p, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			n += !strcmp(p->rules[i].names[j], name);
	return n;
}

static size_t rule_index(const struct st_profile *p, const struct st_rule *r)
{
	return (size_t)(r - p->rules);
}

/* The field report: A allows socket, B only when arg0 == 1. Either order
 * keeps A's allow, which subsumes B's. */
static void test_issue_socket(void)
{
	struct st_profile *p =
	    merge2(HEAD "\"syscalls\":[{\"names\":[\"socket\",\"read\"],\"action\":"
			"\"SCMP_ACT_ALLOW\"}]}",
		   HEAD "\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
			"\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
			"{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		   false);

	if (!p)
		return;
	CHECK(rules_naming(p, "socket") == 1);
	CHECK(rule_naming(p, "socket", ST_ACT_ALLOW) &&
	      !st_rule_is_conditional(rule_naming(p, "socket", ST_ACT_ALLOW)));
	/* the unconditional allows are one rule, names sorted */
	CHECK(p->n_rules == 1 && p->rules[0].n_names == 3);
	if (p->n_rules == 1 && p->rules[0].n_names == 3) {
		CHECK_STR(p->rules[0].names[0], "read");
		CHECK_STR(p->rules[0].names[2], "write");
	}
	st_profile_free(p);
}

static void test_denials(void)
{
	const char *allow = HEAD "\"syscalls\":[{\"names\":[\"write\",\"mkdir\"],\"action\":"
				 "\"SCMP_ACT_ALLOW\"},{\"names\":[\"kcmp\"],\"action\":"
				 "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":2,\"value\":0,\"op\":"
				 "\"SCMP_CMP_EQ\"}]}]}";
	const char *deny = HEAD "\"syscalls\":[{\"names\":[\"write\"],\"action\":\"SCMP_ACT_"
				"ERRNO\"},{\"names\":[\"write\",\"kcmp\"],\"action\":\"SCMP_ACT_"
				"KILL_PROCESS\"}]}";
	struct st_profile *p = merge2(allow, deny, false);

	if (!p)
		return;
	/* the most restrictive unconditional denial, alone */
	CHECK(rules_naming(p, "write") == 1 && rule_naming(p, "write", "SCMP_ACT_KILL_PROCESS"));
	CHECK(rules_naming(p, "kcmp") == 1 && rule_naming(p, "kcmp", "SCMP_ACT_KILL_PROCESS"));
	CHECK(rule_naming(p, "mkdir", ST_ACT_ALLOW) != NULL);
	/* denials come first */
	CHECK(p->n_rules == 2 && !st_action_allows(p->rules[0].action));
	st_profile_free(p);

	p = merge2(allow, deny, true);
	if (!p)
		return;
	CHECK(rules_naming(p, "write") == 1 && rule_naming(p, "write", ST_ACT_ALLOW));
	/* a conditional allow beats an unconditional denial too */
	CHECK(rules_naming(p, "kcmp") == 1 && rule_naming(p, "kcmp", ST_ACT_ALLOW) &&
	      st_rule_is_conditional(rule_naming(p, "kcmp", ST_ACT_ALLOW)));
	st_profile_free(p);
}

/* A denial under argument conditions cannot live beside an unconditional
 * allow (libseccomp drops it), nor can the allow go: refused, unless
 * --allow-wins. In one profile, such a denial never applied: left out. */
static void test_args_denial(void)
{
	const char *a =
	    HEAD "\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
	const char *b = HEAD "\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\","
			     "\"args\":[{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_EQ\"}]}]}";
	char why[1024], why2[1024];
	char *j = merge_n(false, why, 2, a, b), *j2 = merge_n(false, why2, 2, b, a);
	struct st_profile *p;

	CHECK(!j && !j2);
	CHECK_CONTAINS(why, "cannot merge: p0 allows socket unconditionally and p1 denies it under "
			    "argument conditions");
	CHECK_CONTAINS(why, "--allow-wins");
	free(j);
	free(j2);
	p = merge2(a, b, true);
	if (p) {
		CHECK(rules_naming(p, "socket") == 1 && rule_naming(p, "socket", ST_ACT_ALLOW));
		st_profile_free(p);
	}
	j = merge_n(false, why, 1,
		    HEAD "\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			 "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{"
			 "\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	CHECK(j != NULL);
	if (j && (p = parse(j))) {
		CHECK(rules_naming(p, "socket") == 1 && rule_naming(p, "socket", ST_ACT_ALLOW));
		st_profile_free(p);
	}
	free(j);
}

/* A denial that depends only on includes/excludes stays beside the allow,
 * before it: Docker and podman apply the first of two unconditional rules. */
static void test_filter_denial(void)
{
	struct st_profile *p = merge2(
	    HEAD "\"syscalls\":[{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    HEAD
	    "\"syscalls\":[{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ALLOW\","
	    "\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},{\"names\":[\"clone3\"],\"action\":"
	    "\"SCMP_ACT_ERRNO\",\"errnoRet\":38,\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}]}",
	    false);
	const struct st_rule *d, *a;

	if (!p)
		return;
	CHECK(rules_naming(p, "clone3") == 2);
	d = rule_naming(p, "clone3", ST_ACT_ERRNO);
	a = rule_naming(p, "clone3", ST_ACT_ALLOW);
	CHECK(d && a && d->excludes && !st_rule_is_conditional(a));
	CHECK(d && a && rule_index(p, d) < rule_index(p, a));
	st_profile_free(p);
}

/* TRACE and NOTIFY may let the call run: over an allow they decide (the
 * stronger), but a denial under conditions stays beside them as beside an
 * allow, or the merge fails; with --allow-wins they beat KILL, TRAP, ERRNO. */
static void test_may_run(void)
{
	const char *trace = HEAD "\"syscalls\":[{\"names\":[\"kcmp\"],\"action\":"
				 "\"SCMP_ACT_TRACE\"}]}";
	const char *allow = HEAD "\"syscalls\":[{\"names\":[\"kcmp\"],\"action\":"
				 "\"SCMP_ACT_ALLOW\"}]}";
	const char *kill = HEAD "\"syscalls\":[{\"names\":[\"kcmp\"],\"action\":"
				"\"SCMP_ACT_KILL_PROCESS\"}]}";
	const char *excl = HEAD "\"syscalls\":[{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_"
				"ERRNO\",\"excludes\":{\"caps\":[\"CAP_SYS_PTRACE\"]}}]}";
	const char *args = HEAD "\"syscalls\":[{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_"
				"ERRNO\",\"args\":[{\"index\":2,\"value\":0,\"op\":"
				"\"SCMP_CMP_EQ\"}]}]}";
	struct st_profile *p = merge2(trace, allow, false);
	char why[1024], *j;

	if (p) {
		CHECK(rules_naming(p, "kcmp") == 1 && rule_naming(p, "kcmp", "SCMP_ACT_TRACE"));
		st_profile_free(p);
	}
	p = merge2(trace, excl, false);
	if (p) {
		const struct st_rule *d = rule_naming(p, "kcmp", ST_ACT_ERRNO),
				     *t = rule_naming(p, "kcmp", "SCMP_ACT_TRACE");

		CHECK(rules_naming(p, "kcmp") == 2 && d && t && d->excludes &&
		      rule_index(p, d) < rule_index(p, t));
		st_profile_free(p);
	}
	j = merge_n(false, why, 2, trace, args);
	CHECK(!j);
	CHECK_CONTAINS(why, "cannot merge: p0 gives SCMP_ACT_TRACE or _NOTIFY to kcmp "
			    "unconditionally and p1 denies it under argument conditions");
	free(j);
	p = merge2(trace, kill, true);
	if (p) {
		CHECK(rules_naming(p, "kcmp") == 1 && rule_naming(p, "kcmp", "SCMP_ACT_TRACE"));
		st_profile_free(p);
	}
	p = merge2(trace, kill, false);
	if (p) {
		CHECK(rules_naming(p, "kcmp") == 1 &&
		      rule_naming(p, "kcmp", "SCMP_ACT_KILL_PROCESS"));
		st_profile_free(p);
	}
}

static void test_defaults(void)
{
	const char *e = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}";
	const char *e1 = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
			 "\"syscalls\":[]}";
	const char *e38 = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
			  "\"syscalls\":[]}";
	const char *log = "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[]}";
	struct st_merge_opts chosen = {.default_action = "SCMP_ACT_KILL_PROCESS"};
	const char *js[] = {e, log};
	char why[1024], *j;
	struct st_profile *p;

	j = merge_n(false, why, 2, e, log);
	CHECK(!j);
	CHECK_CONTAINS(why, "defaultAction is SCMP_ACT_ERRNO in p0 but SCMP_ACT_LOG in p1: choose "
			    "one with --default-action");
	free(j);
	j = merge_opts(js, 2, &chosen, why);
	CHECK(j && strstr(j, "SCMP_ACT_KILL_PROCESS"));
	free(j);
	j = merge_n(false, why, 2, e, e38);
	CHECK(!j);
	CHECK_CONTAINS(why, "choose one with --errno");
	free(j);
	/* absent means EPERM: they agree, and the explicit form is kept */
	p = merge2(e, e1, false);
	CHECK(p && p->has_default_errno && p->default_errno_ret == 1);
	st_profile_free(p);
}

static void test_top_fields(void)
{
	char why[1024], *j;
	struct st_profile *p;

	p = merge2(HEAD "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\"],"
			"\"listenerPath\":\"/run/agent.sock\",\"x-owner\":null,\"syscalls\":[]}",
		   HEAD "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_TSYNC\"],"
			"\"x-owner\":\"web\",\"syscalls\":[]}",
		   false);
	if (p) {
		char *out = to_json(p);

		/* flags are a set (sorted); null and absent agree with a value */
		CHECK_CONTAINS(out, "\"flags\": [\n    \"SECCOMP_FILTER_FLAG_LOG\",\n    "
				    "\"SECCOMP_FILTER_FLAG_TSYNC\"\n  ]");
		CHECK_CONTAINS(out, "\"listenerPath\": \"/run/agent.sock\"");
		CHECK_CONTAINS(out, "\"x-owner\": \"web\"");
		free(out);
		st_profile_free(p);
	}
	j = merge_n(false, why, 2, HEAD "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":[]}",
		    HEAD "\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\"syscalls\":[]}");
	CHECK(!j);
	CHECK_CONTAINS(why, "\"flags\" differs between p0 and p1");
	free(j);
	j = merge_n(false, why, 2, HEAD "\"listenerPath\":\"/a\",\"syscalls\":[]}",
		    HEAD "\"listenerPath\":\"/b\",\"syscalls\":[]}");
	CHECK(!j);
	CHECK_CONTAINS(why, "\"listenerPath\" differs between p0 and p1");
	free(j);
	j = merge_n(false, why, 2, HEAD "\"x\":{\"a\":1,\"b\":2},\"syscalls\":[]}",
		    HEAD "\"x\":{\"b\":2,\"a\":1},\"syscalls\":[]}");
	CHECK(j != NULL); /* the same object, members in another order */
	free(j);
}

static void test_arches(void)
{
	struct st_profile *p;

	p = merge2("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X32\"]}",
		   "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86\","
		   "\"SCMP_ARCH_X86_64\"]}",
		   false);
	CHECK(p && p->n_architectures == 3 && !p->has_archmap);
	if (p && p->n_architectures == 3) {
		CHECK_STR(p->architectures[0], "SCMP_ARCH_X86_64");
		CHECK_STR(p->architectures[1], "SCMP_ARCH_X86");
		CHECK_STR(p->architectures[2], "SCMP_ARCH_X32");
	}
	st_profile_free(p);
	/* with an archMap, the listed arches join this machine's entry */
	p = merge2("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86\"]}",
		   "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":"
		   "\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]},{"
		   "\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X32\"]}"
		   "]}",
		   false);
	CHECK(p && p->has_archmap && !p->has_architectures && p->n_archmap == 2);
	if (p && p->n_archmap == 2) {
		CHECK_STR(p->archmap[0].arch, "SCMP_ARCH_X86_64");
		CHECK(p->archmap[0].n_subs == 2);
		if (p->archmap[0].n_subs == 2) {
			CHECK_STR(p->archmap[0].subs[0], "SCMP_ARCH_X86");
			CHECK_STR(p->archmap[0].subs[1], "SCMP_ARCH_X32");
		}
		CHECK_STR(p->archmap[1].arch, "SCMP_ARCH_AARCH64");
	}
	st_profile_free(p);
}

/* One rule written two ways (args, caps and members in another order,
 * empty lists and nulls) is one rule; of two comments the larger stays. */
static void test_canonical(void)
{
	struct st_profile *p = merge2(
	    HEAD "\"syscalls\":[{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
		 "{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":5,"
		 "\"op\":\"SCMP_CMP_NE\"}],\"includes\":{\"caps\":[\"CAP_B\",\"CAP_A\"]},"
		 "\"excludes\":{},\"comment\":\"one\",\"x-a\":1,\"x-b\":null}]}",
	    HEAD "\"syscalls\":[{\"x-a\":1,\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\","
		 "\"comment\":\"two\",\"args\":[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_NE\"},"
		 "{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}],\"includes\":{\"caps\":["
		 "\"CAP_A\",\"CAP_B\"]}},{\"names\":[],\"action\":\"SCMP_ACT_KILL\"}]}",
	    false);

	if (!p)
		return;
	CHECK(p->n_rules == 1);
	if (p->n_rules == 1) {
		const struct st_rule *r = &p->rules[0];

		CHECK_STR(r->comment, "two");
		CHECK(r->n_args == 2 && r->args[0].index == 0 && r->args[1].index == 1);
		CHECK(r->includes && r->includes->n_caps == 2 && !r->excludes);
		if (r->includes && r->includes->n_caps == 2)
			CHECK_STR(r->includes->caps[0], "CAP_A");
		CHECK(r->extras.n == 1);
	}
	st_profile_free(p);
}

/* ---- properties ---- */

/* Profiles that disagree on nothing merge can refuse (one default, the same
 * flags and fields where given), with every kind of rule: unconditional and
 * conditional allows (args, includes), LOG, unconditional denials of
 * several strengths, a denial depending on excludes, rules the same but for
 * their form, comments, unknown members; arch lists and archMaps. */
static const char *const pool[] = {
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
    "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":["
    "{\"names\":[\"read\",\"write\",\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
    "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":["
    "\"CAP_SYS_PTRACE\"]}}]}",

    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"archMap\":[{"
    "\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},{"
    "\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],"
    "\"x-owner\":\"web\",\"syscalls\":["
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
    "\"op\":\"SCMP_CMP_EQ\"}],\"comment\":\"unix\"},"
    "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,\"excludes\":{"
    "\"caps\":[\"CAP_SYS_ADMIN\"]}},"
    "{\"names\":[\"write\",\"mkdir\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}",

    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X32\","
    "\"SCMP_ARCH_X86_64\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"x-owner\":null,"
    "\"syscalls\":["
    "{\"names\":[\"clone3\",\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":0,\"op\":\"SCMP_CMP_EQ\"}],\"comment\":\"\"},"
    "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_LOG\"},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_LOG\",\"x-tag\":\"a\"}]}",

    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
    "{\"names\":[\"personality\",\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
    "\"index\":0,\"value\":8,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":["
    "\"CAP_SYS_PTRACE\"]},\"comment\":\"ptrace\"},"
    "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"},"
    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[],\"includes\":{}}]}",
};
#define POOL_N (sizeof(pool) / sizeof(pool[0]))

/* merge of the merges of the groups: groups[i] is the group of input i */
static char *merge_grouped(const char *const *js, size_t n, const int *group, int n_groups,
			   bool allow_wins, char *why)
{
	struct st_merge_opts o = {.allow_wins = allow_wins};
	char *parts[8] = {0}, *res = NULL;
	const char *sub[8];
	size_t k;

	for (int g = 0; g < n_groups; g++) {
		k = 0;
		for (size_t i = 0; i < n; i++)
			if (group[i] == g)
				sub[k++] = js[i];
		if (!(parts[g] = merge_opts(sub, k, &o, why)))
			goto out;
	}
	res = merge_opts((const char *const *)parts, (size_t)n_groups, &o, why);
out:
	for (int g = 0; g < n_groups; g++)
		free(parts[g]);
	return res;
}

/* Every permutation of idx[0..n) (Heap's algorithm), merged; each must give
 * want. Returns the number of merges. */
static int permutations(const char *const *js, size_t *idx, size_t n, size_t k, bool allow_wins,
			const char *want)
{
	int count = 0;

	if (k == 1) {
		const char *order[8];
		char *got;

		for (size_t i = 0; i < n; i++)
			order[i] = js[idx[i]];
		struct st_merge_opts o = {.allow_wins = allow_wins};
		got = merge_opts(order, n, &o, NULL);
		CHECK_STR(got, want);
		free(got);
		return 1;
	}
	for (size_t i = 0; i < k; i++) {
		count += permutations(js, idx, n, k - 1, allow_wins, want);
		size_t j = k % 2 ? 0 : i, t = idx[j];
		idx[j] = idx[k - 1];
		idx[k - 1] = t;
	}
	return count;
}

/* All 24 orders of the 4 pool profiles and all 6 of each 3 of them, and the
 * groupings ((a,b),c), (a,(b,c)), ((a,b),(c,d)), (((a,b),c),d), (a,b,(c,d)):
 * the same bytes. Merging a result again, or with itself, changes nothing. */
static void test_order_and_grouping(void)
{
	for (int aw = 0; aw <= 1; aw++) {
		struct st_merge_opts o = {.allow_wins = aw};
		char *all = merge_opts(pool, POOL_N, &o, NULL), *again, *twice;
		const char *self[2];
		size_t idx[4] = {0, 1, 2, 3};
		int merges;

		CHECK(all != NULL);
		if (!all)
			continue;
		merges = permutations(pool, idx, POOL_N, POOL_N, aw, all);
		CHECK(merges == 24);
		for (size_t skip = 0; skip < POOL_N; skip++) {
			const char *three[3];
			size_t k = 0;
			char *want;

			for (size_t i = 0; i < POOL_N; i++)
				if (i != skip)
					three[k++] = pool[i];
			want = merge_opts(three, 3, &o, NULL);
			CHECK(want != NULL);
			size_t idx3[3] = {0, 1, 2};
			if (want)
				CHECK(permutations(three, idx3, 3, 3, aw, want) == 6);
			/* ((a,b),c) and (a,(b,c)) */
			static const int g1[] = {0, 0, 1}, g2[] = {0, 1, 1};
			char *x = merge_grouped(three, 3, g1, 2, aw, NULL);
			char *y = merge_grouped(three, 3, g2, 2, aw, NULL);
			CHECK_STR(x, want);
			CHECK_STR(y, want);
			free(x);
			free(y);
			free(want);
		}
		static const int groupings[][4] = {
		    {0, 0, 1, 1}, {0, 0, 0, 1}, {0, 1, 2, 2}, {0, 1, 1, 1}, {0, 1, 0, 1}};
		static const int n_groups[] = {2, 2, 3, 2, 2};
		for (size_t g = 0; g < ARRAY_LEN(groupings); g++) {
			char *x = merge_grouped(pool, POOL_N, groupings[g], n_groups[g], aw, NULL);
			CHECK_STR(x, all);
			free(x);
		}
		/* (((a,b),c),d) */
		{
			const char *ab[2] = {pool[0], pool[1]};
			char *m1 = merge_opts(ab, 2, &o, NULL);
			const char *m1c[2] = {m1, pool[2]};
			char *m2 = m1 ? merge_opts(m1c, 2, &o, NULL) : NULL;
			const char *m2d[2] = {m2, pool[3]};
			char *m3 = m2 ? merge_opts(m2d, 2, &o, NULL) : NULL;
			CHECK_STR(m3, all);
			free(m1);
			free(m2);
			free(m3);
		}
		self[0] = self[1] = all;
		again = merge_opts(self, 1, &o, NULL);
		twice = merge_opts(self, 2, &o, NULL);
		CHECK_STR(again, all);
		CHECK_STR(twice, all);
		free(again);
		free(twice);
		free(all);
	}
}

/* ---- generated profiles ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *const universe[] = {"read", "socket", "mkdir", "clone3", "kcmp"};
#define UNIVERSE_N 5

/* The rule bodies (after "names"): kind 'A' unconditional allow, 'D'
 * unconditional denial, 'T' unconditional TRACE or NOTIFY (may run), 't'
 * TRACE under argument conditions, 'c' allow under argument conditions, 'f'
 * allow under includes, 'd' conditional denial. */
static const struct {
	char kind;
	const char *body;
} templates[] = {
    {'A', "\"action\":\"SCMP_ACT_ALLOW\""},
    {'A', "\"action\":\"SCMP_ACT_LOG\""},
    {'D', "\"action\":\"SCMP_ACT_ERRNO\""},
    {'D', "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38"},
    {'D', "\"action\":\"SCMP_ACT_KILL_PROCESS\""},
    {'c', "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
	  "\"SCMP_CMP_EQ\"}]"},
    {'c', "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":2,\"op\":"
	  "\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]"},
    {'c', "\"action\":\"SCMP_ACT_LOG\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
	  "\"SCMP_CMP_EQ\"}]"},
    {'f', "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}"},
    {'d', "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,\"excludes\":{\"caps\":["
	  "\"CAP_SYS_ADMIN\",\"CAP_BPF\"]}"},
    {'d', "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,\"excludes\":{\"caps\":["
	  "\"CAP_BPF\",\"CAP_SYS_ADMIN\"]}"},
    {'T', "\"action\":\"SCMP_ACT_TRACE\""},
    {'T', "\"action\":\"SCMP_ACT_NOTIFY\""},
    {'t', "\"action\":\"SCMP_ACT_TRACE\",\"args\":[{\"index\":1,\"value\":3,\"op\":"
	  "\"SCMP_CMP_EQ\"}]"},
    {'d', "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
	  "\"SCMP_CMP_EQ\"}]"},
};
#define TEMPLATES_N (sizeof(templates) / sizeof(templates[0]))

struct gen {
	char json[4096];
	/* per universe name: kinds of rules naming it ("AD..." as a set) */
	bool has[UNIVERSE_N][128];
};

static void gen_profile(struct gen *g)
{
	static const char *const arches[] = {
	    "",
	    "\"architectures\":[\"SCMP_ARCH_X86_64\"],",
	    "\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86_64\"],",
	    ("\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":["
	     "\"SCMP_ARCH_X32\"]}],"),
	};
	static const char *const extras[] = {"", "\"x-owner\":\"web\",", "\"x-owner\":null,",
					     "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"};
	static const char *const comments[] = {"", ",\"comment\":\"\"", ",\"comment\":\"c1\"",
					       ",\"comment\":\"c2\""};
	size_t o;
	unsigned n_rules = rnd(5);

	memset(g->has, 0, sizeof(g->has));
	o = (size_t)snprintf(g->json, sizeof(g->json),
			     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",%s%s%s"
			     "\"syscalls\":[",
			     rnd(2) ? "\"defaultErrnoRet\":1," : "", arches[rnd(4)],
			     extras[rnd(4)]);
	for (unsigned r = 0; r < n_rules; r++) {
		unsigned t = rnd(TEMPLATES_N);
		unsigned a = rnd(UNIVERSE_N), b = rnd(UNIVERSE_N);

		/* denials under argument conditions less often: they refuse merges */
		if (t == TEMPLATES_N - 1 && rnd(2))
			t = 0;
		o += (size_t)snprintf(g->json + o, sizeof(g->json) - o,
				      "%s{\"names\":[\"%s\"%s%s%s],%s%s%s}", r ? "," : "",
				      universe[a], a != b ? ",\"" : "", a != b ? universe[b] : "",
				      a != b ? "\"" : "", templates[t].body, comments[rnd(4)],
				      rnd(6) ? "" : ",\"x-tag\":\"t\"");
		g->has[a][(unsigned char)templates[t].kind] = true;
		g->has[b][(unsigned char)templates[t].kind] = true;
	}
	snprintf(g->json + o, sizeof(g->json) - o, "]}");
}

/* What a merge must do, by syscall: an unconditional denial in any input is
 * the only rule of the syscall (without allow_wins); else an unconditional
 * TRACE or NOTIFY is its only unconditional rule and nothing allows it; else
 * an unconditional allow in any input is its only allow, unconditional; with
 * allow_wins an allow of any kind leaves no denial, and without an allow a
 * TRACE or NOTIFY leaves no KILL, TRAP or ERRNO. */
static void check_semantics(const struct gen *g, size_t n, const char *json, bool allow_wins)
{
	struct st_profile *p = parse(json);

	if (!p)
		return;
	for (size_t u = 0; u < UNIVERSE_N; u++) {
		bool pa = false, pd = false, ca = false, pt = false;
		const char *name = universe[u];

		for (size_t i = 0; i < n; i++) {
			bool plain = g[i].has[u]['A'] || g[i].has[u]['D'] || g[i].has[u]['T'];

			pa |= g[i].has[u]['A'];
			pd |= g[i].has[u]['D'];
			pt |= g[i].has[u]['T'];
			/* an input's argument rules beside its own unconditional rule
			 * never applied: they are left out */
			ca |= g[i].has[u]['f'] || (g[i].has[u]['c'] && !plain);
		}
		bool denied = false, allowed = false, allowed_plain = false, hard = false;
		size_t may_plain = 0, plain = 0;
		for (size_t i = 0; i < p->n_rules; i++) {
			const struct st_rule *r = &p->rules[i];

			if (!strv_has_name(r, name))
				continue;
			plain += !st_rule_is_conditional(r);
			if (st_action_allows(r->action)) {
				allowed = true;
				allowed_plain |= !st_rule_is_conditional(r);
			} else {
				denied = true;
				hard |= !st_action_may_run(r->action);
				may_plain +=
				    st_action_may_run(r->action) && !st_rule_is_conditional(r);
			}
		}
		if (!allow_wins && pd) {
			CHECK(denied && !allowed && rules_naming(p, name) == 1);
		} else if (!allow_wins && pt) {
			CHECK(!allowed && may_plain == 1 && plain == 1);
		} else if (allow_wins && !pa && !ca && pt) {
			CHECK(!allowed && !hard && may_plain == 1);
		} else if (pa) {
			CHECK(allowed_plain);
			if (allow_wins)
				CHECK(!denied && rules_naming(p, name) == 1);
		} else if (allow_wins && ca) {
			CHECK(allowed && !denied);
		}
	}
	st_profile_free(p);
}

/* Generated triples: every order gives the same outcome (the same bytes, or
 * a refusal), a grouping that merges gives the flat merge's outcome, a
 * merge with itself changes nothing, and the semantics above hold. */
static void test_generated(void)
{
	int merged = 0, refused = 0;

	for (int iter = 0; iter < 400; iter++) {
		struct gen g[3];
		const char *js[3];
		bool aw = iter % 2;
		struct st_merge_opts o = {.allow_wins = aw};
		char why[1024], *flat;

		for (int i = 0; i < 3; i++) {
			gen_profile(&g[i]);
			js[i] = g[i].json;
		}
		flat = merge_opts(js, 3, &o, why);
		static const size_t orders[][3] = {
		    {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
		for (size_t k = 0; k < ARRAY_LEN(orders); k++) {
			const char *oj[3] = {js[orders[k][0]], js[orders[k][1]], js[orders[k][2]]};
			char *x = merge_opts(oj, 3, &o, NULL);

			CHECK((x == NULL) == (flat == NULL));
			if (x && flat)
				CHECK_STR(x, flat);
			free(x);
		}
		static const int g1[] = {0, 0, 1}, g2[] = {0, 1, 1}, g3[] = {0, 1, 0};
		const int *groups[] = {g1, g2, g3};
		for (size_t k = 0; k < 3; k++) {
			int gr[3] = {groups[k][0], groups[k][1], groups[k][2]};
			bool inner_ok = true;
			char *x;

			/* only when each group merges on its own: a group whose
			 * inputs contradict each other is refused, even where a
			 * third input's denial settles it in the flat merge */
			for (int grp = 0; grp < 2; grp++) {
				const char *sub[3];
				size_t m = 0;
				char *part;

				for (size_t i = 0; i < 3; i++)
					if (gr[i] == grp)
						sub[m++] = js[i];
				part = merge_opts(sub, m, &o, NULL);
				inner_ok &= part != NULL;
				free(part);
			}
			if (!inner_ok)
				continue;
			x = merge_grouped(js, 3, gr, 2, aw, NULL);
			CHECK((x == NULL) == (flat == NULL));
			if (x && flat)
				CHECK_STR(x, flat);
			free(x);
		}
		if (flat) {
			const char *self[2] = {flat, flat};
			char *again = merge_opts(self, 2, &o, NULL);

			CHECK_STR(again, flat);
			free(again);
			check_semantics(g, 3, flat, aw);
			merged++;
		} else {
			CHECK_CONTAINS(why, "cannot merge");
			refused++;
		}
		free(flat);
	}
	/* the generator must exercise both outcomes */
	CHECK(merged > 200 && refused > 10);
	printf("     generated: %d merged, %d refused\n", merged, refused);
}

int main(void)
{
	st_log_set_level(ST_LOG_ERROR);
	RUN(test_issue_socket);
	RUN(test_denials);
	RUN(test_args_denial);
	RUN(test_filter_denial);
	RUN(test_may_run);
	RUN(test_defaults);
	RUN(test_top_fields);
	RUN(test_arches);
	RUN(test_canonical);
	RUN(test_order_and_grouping);
	RUN(test_generated);
	return CHECK_DONE();
}
