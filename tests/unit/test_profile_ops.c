// SPDX-License-Identifier: Apache-2.0
/* Comparing and diffing profiles: rules compared as a whole, diffs that
 * tell widening from narrowing (merging: test_profile_merge.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "log.h"
#include "profile.h"
#include "profile_ops.h"

#define HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"

static void test_conditions_canonical(void)
{
	struct st_profile *p = parse(
	    HEAD
	    "\"syscalls\":["
	    "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":2,"
	    "\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":5,\"valueTwo\":0,\"op\":\"SCMP_CMP_"
	    "NE\"}]},"
	    "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":5,"
	    "\"op\":\"SCMP_CMP_NE\"},{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_B\","
	    "\"CAP_A\"],\"arches\":[\"amd64\"]}},"
	    "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{}}]}");
	char *c;

	if (!p)
		return;
	/* argument order and an explicit valueTwo of 0 make no difference */
	c = st_rule_conditions(&p->rules[0]);
	CHECK_STR(c, "arg0 NE 5 0; arg1 EQ 2 0");
	free(c);
	CHECK(st_rule_same(&p->rules[0], &p->rules[1]));
	c = st_rule_conditions(&p->rules[2]);
	CHECK_STR(c, "includes{arches=[amd64] caps=[CAP_A,CAP_B]}");
	free(c);
	/* an empty includes is no condition */
	c = st_rule_conditions(&p->rules[3]);
	CHECK_STR(c, "");
	free(c);
	CHECK(!st_rule_same(&p->rules[0], &p->rules[3]));
	st_profile_free(p);
}

static const char prof_a[] =
    HEAD "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	 "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
	 "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	 "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}";

static struct st_diff diffed(struct st_profile **a, struct st_profile **b, const char *ja,
			     const char *jb)
{
	struct st_error err = {0};
	struct st_diff d = {0};

	*a = parse(ja);
	*b = parse(jb);
	if (*a && *b && st_profile_diff(*a, *b, &d, &err) < 0)
		fprintf(stderr, "diff: %s\n", err.msg);
	return d;
}

/* Fields runtimes enforce that the model keeps verbatim, and a rule's errno
 * name (containers/common), make profiles differ. */
static void test_diff_enforced_fields(void)
{
	struct st_profile *a, *b;
	struct st_diff d;

	d = diffed(&a, &b,
		   "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"x-note\":1,\"flags\":[],\"syscalls\":"
		   "[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
		   "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"x-note\":2,\"flags\":[\"SECCOMP_"
		   "FILTER_FLAG_LOG\"],\"listenerMetadata\":\"m\",\"syscalls\":[{\"names\":"
		   "[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"EACCES\"}]}");
	CHECK(d.any && d.n_fields == 2); /* x-note: no runtime reads it */
	if (d.n_fields == 2) {
		CHECK_STR(d.fields[0].key, "flags");
		CHECK_STR(d.fields[0].old_v, "[]");
		CHECK_STR(d.fields[0].new_v, "[\"SECCOMP_FILTER_FLAG_LOG\"]");
		CHECK_STR(d.fields[1].key, "listenerMetadata");
		CHECK_STR(d.fields[1].old_v, "");
	}
	CHECK(d.n_items == 1 && d.items[0].kind == ST_CHANGE_ACTION);
	if (d.n_items == 1)
		CHECK_STR(d.items[0].new_e.errno_name, "EACCES");
	st_diff_free(&d);
	st_profile_free(a);
	st_profile_free(b);
}

static void test_diff(void)
{
	struct st_profile *a, *b;
	struct st_diff d;

	d = diffed(&a, &b, prof_a, prof_a);
	CHECK(!d.any && !d.widens && !d.narrows && d.n_items == 0);
	st_diff_free(&d);
	st_profile_free(a);
	st_profile_free(b);

	/* one syscall added, an args value changed, mkdir's errno changed, an arch */
	d = diffed(
	    &a, &b, prof_a,
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
	    "\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[\"write\",\"read\",\"getcpu\"],"
	    "\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\","
	    "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},{\"names\":"
	    "[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
	CHECK(d.any && d.widens && d.narrows);
	CHECK(d.n_arches_added == 1 && !strcmp(d.arches_added[0], "SCMP_ARCH_X86"));
	CHECK(d.n_items == 3);
	if (d.n_items == 3) {
		/* sorted by action, then name */
		CHECK(d.items[0].kind == ST_CHANGE_CONDITIONS);
		CHECK_STR(d.items[0].new_e.name, "clone");
		CHECK_STR(d.items[0].old_e.cond, "arg0 MASKED_EQ 2114060288 0");
		CHECK_STR(d.items[0].new_e.cond, "arg0 MASKED_EQ 1 0");
		CHECK(d.items[1].kind == ST_CHANGE_ADDED);
		CHECK_STR(d.items[1].new_e.name, "getcpu");
		CHECK(d.items[1].widens && !d.items[1].narrows);
		CHECK(d.items[2].kind == ST_CHANGE_ACTION);
		CHECK_STR(d.items[2].new_e.name, "mkdir");
		CHECK(!d.items[2].widens && !d.items[2].narrows);
	}
	st_diff_free(&d);
	st_profile_free(a);
	st_profile_free(b);

	/* only a removal: narrows, does not widen */
	d = diffed(&a, &b, prof_a,
		   HEAD
		   "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		   "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		   "\"value\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		   "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}");
	CHECK(d.any && !d.widens && d.narrows && d.n_items == 1);
	CHECK(d.n_items == 1 && d.items[0].kind == ST_CHANGE_REMOVED);
	st_diff_free(&d);
	st_profile_free(a);
	st_profile_free(b);

	/* a default that starts allowing widens */
	d = diffed(&a, &b, HEAD "\"syscalls\":[]}",
		   "{\"defaultAction\":\"SCMP_ACT_LOG\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		   "\"syscalls\":[]}");
	CHECK(d.default_changed && d.widens && !d.narrows);
	st_diff_free(&d);
	st_profile_free(a);
	st_profile_free(b);
}

/* One diff of a profile with rules `ra` and default `da` against `rb`/`db`:
 * whether it widens and narrows. */
static void diff_judged(const char *da, const char *ra, const char *db, const char *rb, bool widens,
			bool narrows, const char *what)
{
	char ja[512], jb[512];
	struct st_profile *a, *b;
	struct st_diff d;

	snprintf(ja, sizeof(ja), "{\"defaultAction\":\"%s\",\"syscalls\":[%s]}", da, ra);
	snprintf(jb, sizeof(jb), "{\"defaultAction\":\"%s\",\"syscalls\":[%s]}", db, rb);
	d = diffed(&a, &b, ja, jb);
	if (d.widens != widens || d.narrows != narrows)
		fprintf(stderr, "     %s: widens %d narrows %d\n", what, d.widens, d.narrows);
	CHECK(d.any && d.widens == widens && d.narrows == narrows);
	st_diff_free(&d);
	st_profile_free(a);
	st_profile_free(b);
}

#define RULE(n, act)	  "{\"names\":[\"" n "\"],\"action\":\"" act "\"}"
#define RULE_E(n, act, e) "{\"names\":[\"" n "\"],\"action\":\"" act "\",\"errnoRet\":" e "}"

/* TRACE and NOTIFY may let the call run (a tracer, the workload itself when
 * it may ptrace, or an agent continues it): over a denial they allow more. */
static void test_diff_may_run(void)
{
	const char *E = "SCMP_ACT_ERRNO", *T = "SCMP_ACT_TRACE", *N = "SCMP_ACT_NOTIFY";

	CHECK(st_action_kind("SCMP_ACT_TRACE") == ST_KIND_MAY_RUN);
	CHECK(st_action_kind("SCMP_ACT_NOTIFY") == ST_KIND_MAY_RUN);
	CHECK(st_action_kind("SCMP_ACT_LOG") == ST_KIND_RUNS);
	CHECK(st_action_kind("SCMP_ACT_KILL_THREAD") == ST_KIND_DENY);
	CHECK(st_action_kind("SCMP_ACT_TRAP") == ST_KIND_DENY);
	CHECK(st_action_kind("SCMP_ACT_BOGUS") == ST_KIND_MAY_RUN); /* cannot be told */
	diff_judged(E, RULE("read", "SCMP_ACT_ALLOW"), E,
		    RULE("read", "SCMP_ACT_ALLOW") "," RULE("kcmp", "SCMP_ACT_TRACE"), true, false,
		    "TRACE rule added");
	diff_judged(E, "", E, RULE("kcmp", "SCMP_ACT_NOTIFY"), true, false, "NOTIFY rule added");
	diff_judged(E, RULE("kcmp", "SCMP_ACT_TRACE"), E, "", false, true, "TRACE rule removed");
	diff_judged(E, "", T, "", true, false, "default ERRNO -> TRACE");
	diff_judged(E, "", N, "", true, false, "default ERRNO -> NOTIFY");
	diff_judged(T, "", E, "", false, true, "default TRACE -> ERRNO");
	diff_judged(T, "", N, "", true, true, "default TRACE -> NOTIFY");
	diff_judged("SCMP_ACT_ALLOW", "", T, "", false, true, "default ALLOW -> TRACE");
	diff_judged(E, RULE("kcmp", "SCMP_ACT_KILL_PROCESS"), E, RULE("kcmp", "SCMP_ACT_TRACE"),
		    true, false, "KILL -> TRACE");
	diff_judged(E, RULE("kcmp", "SCMP_ACT_TRACE"), E, RULE("kcmp", "SCMP_ACT_LOG"), true, false,
		    "TRACE -> LOG");
	diff_judged(E, RULE_E("kcmp", "SCMP_ACT_TRACE", "1"), E,
		    RULE_E("kcmp", "SCMP_ACT_TRACE", "2"), true, true, "TRACE message changed");
	diff_judged(E, RULE_E("kcmp", "SCMP_ACT_ERRNO", "1"), E,
		    RULE_E("kcmp", "SCMP_ACT_ERRNO", "38"), false, false, "errno changed");
	/* a TRACE rule on a TRACE default adds nothing */
	diff_judged(T, "", T, RULE("kcmp", "SCMP_ACT_TRACE") "," RULE("read", "SCMP_ACT_ERRNO"),
		    false, true, "TRACE rule over TRACE default");
}

int main(void)
{
	st_log_set_level(ST_LOG_ERROR);
	RUN(test_conditions_canonical);
	RUN(test_diff);
	RUN(test_diff_enforced_fields);
	RUN(test_diff_may_run);
	return CHECK_DONE();
}
