// SPDX-License-Identifier: Apache-2.0
/* The ENOSYS rule for probed calls (enosys.h): when it is added, what it
 * names (and leaves out), where it goes, that it is redone rather than
 * stacked, and what check makes of it. */
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "enosys.h"
#include "helpers.h"
#include "log.h"
#include "profile.h"
#include "profile_check.h"
#include "strv.h"

#define X86_64	    "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
#define ENOSYS_HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38," X86_64

/* The profile's ENOSYS rule (NULL: none), after st_enosys_rule_add. */
static const struct st_rule *added(struct st_profile *p)
{
	struct st_error err = {0};

	if (!p || st_enosys_rule_add(p, &err) < 0)
		return NULL;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].comment &&
		    !strncmp(p->rules[i].comment, ST_ENOSYS_COMMENT, strlen(ST_ENOSYS_COMMENT)))
			return &p->rules[i];
	return NULL;
}

static bool names(const struct st_rule *r, const char *name)
{
	return r && strv_has(r->names, r->n_names, name);
}

static void test_added_for_enosys_default(void)
{
	struct st_profile *p =
	    parse(ENOSYS_HEAD "\"syscalls\":["
			      "{\"names\":[\"read\",\"clone3\",\"faccessat2\"],"
			      "\"action\":\"SCMP_ACT_ALLOW\"},"
			      "{\"names\":[\"statx\"],\"action\":\"SCMP_ACT_ERRNO\","
			      "\"errnoRet\":1},"
			      "{\"names\":[\"close_range\"],\"action\":\"SCMP_ACT_"
			      "ALLOW\",\"args\":[{\"index\":0,\"value\":3,\"op\":"
			      "\"SCMP_CMP_EQ\"}]}]}");
	const struct st_rule *r = added(p);

	CHECK(r != NULL);
	if (!r)
		goto out;
	/* last, unconditional, ERRNO 38, with its reason */
	CHECK(r == &p->rules[p->n_rules - 1]);
	CHECK_STR(r->action, "SCMP_ACT_ERRNO");
	CHECK(r->has_errno_ret && r->errno_ret == 38);
	CHECK(!st_rule_is_conditional(r));
	CHECK_CONTAINS(r->comment, "Docker 20.10");
	/* probed calls no rule names */
	CHECK(names(r, "io_uring_setup"));
	CHECK(names(r, "pidfd_open"));
	CHECK(names(r, "copy_file_range"));
	/* what the profile allows, denies or allows under conditions stays so */
	CHECK(!names(r, "clone3"));
	CHECK(!names(r, "faccessat2"));
	CHECK(!names(r, "statx"));
	CHECK(!names(r, "close_range"));
	CHECK(!names(r, "read"));
	/* time64 calls: x86_64 has none */
	CHECK(!names(r, "clock_gettime64"));
	/* sorted */
	for (size_t i = 1; i < r->n_names; i++)
		CHECK(strcmp(r->names[i - 1], r->names[i]) < 0);
out:
	st_profile_free(p);
}

/* runc answers ENOSYS above the highest call a profile names: a call
 * between faccessat2 (439, the profile's highest) and the rule's highest
 * keeps ENOSYS by the rule, one below it is left to the default. */
static void test_runc_stub_gap(void)
{
	struct st_profile *p =
	    parse(ENOSYS_HEAD "\"syscalls\":[{\"names\":[\"read\","
			      "\"faccessat2\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	const struct st_rule *r = added(p);
	int top = -1;

	CHECK(r != NULL);
	if (!r)
		goto out;
	for (size_t i = 0; i < r->n_names; i++) {
		int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, r->names[i]);

		top = nr > top ? nr : top;
	}
	/* quotactl_fd (443) is no probe: named for the stub's sake only when
	 * the rule names a call above it */
	if (top > 443)
		CHECK(names(r, "quotactl_fd"));
	/* kcmp (312), below faccessat2: the default's, not the stub's */
	CHECK(!names(r, "kcmp"));
	/* every call between 439 and top is named by some rule */
	for (int nr = 440; nr < top; nr++) {
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		const struct st_rule *which;

		if (n)
			CHECK(st_profile_classify(p, n, &which) != ST_MERGE_ADDED);
		free(n);
	}
out:
	st_profile_free(p);
}

/* 32-bit ABIs: glibc's time64 calls are probed there. */
static void test_time64_on_x86(void)
{
	struct st_profile *p =
	    parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		  "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":[]}");
	const struct st_rule *r = added(p);

	CHECK(names(r, "clock_gettime64"));
	CHECK(names(r, "futex_time64"));
	st_profile_free(p);
}

static void test_not_added(void)
{
	static const char *const heads[] = {
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\"," X86_64,
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1," X86_64,
	    "{\"defaultAction\":\"SCMP_ACT_LOG\"," X86_64,
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(*heads); i++) {
		char json[512];
		struct st_profile *p;

		snprintf(json, sizeof(json),
			 "%s\"syscalls\":[{\"names\":[\"read\"],"
			 "\"action\":\"SCMP_ACT_ALLOW\"}]}",
			 heads[i]);
		p = parse(json);
		CHECK(p && !added(p) && p->n_rules == 1);
		st_profile_free(p);
	}
}

/* Redone, not stacked; dropped when the default no longer answers ENOSYS;
 * a hand-written ENOSYS rule is the author's and stays. */
static void test_redone(void)
{
	struct st_profile *p = parse(
	    ENOSYS_HEAD "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			"{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}");
	struct st_error err = {0};
	char *once, *twice;

	if (!p)
		return;
	CHECK(added(p) != NULL);
	once = to_json(p);
	CHECK(added(p) != NULL);
	twice = to_json(p);
	CHECK_STR(once, twice);
	p->default_errno_ret = 1;
	CHECK(st_enosys_rule_add(p, &err) == 0);
	CHECK(p->n_rules == 2);
	CHECK(rule_naming(p, "kcmp", "SCMP_ACT_ERRNO") != NULL);
	free(once);
	free(twice);
	st_profile_free(p);
}

static void count(void *ctx, const struct st_check_item *item)
{
	if (!strcmp(item->path, "defaultErrnoRet"))
		++*(unsigned *)ctx;
}

/* check warns of an ignored defaultErrnoRet 38 unless the rule answers every
 * probed call; of 1 (Docker's EPERM anyway) never; of 5 always. */
static void test_check_verdict(void)
{
	struct st_profile *p = parse(
	    ENOSYS_HEAD "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	unsigned n = 0;
	char buf[256];

	if (!p)
		return;
	st_profile_check(p, count, &n);
	CHECK(n == 1);
	CHECK(st_enosys_uncovered(p, buf, sizeof(buf)) > 0);
	CHECK_CONTAINS(buf, "clone3");
	CHECK(added(p) != NULL);
	n = 0;
	st_profile_check(p, count, &n);
	CHECK(n == 0);
	CHECK(st_enosys_uncovered(p, buf, sizeof(buf)) == 0);
	/* one probed call taken out of the rule: a warning naming it */
	st_profile_drop_name(p, "io_uring_setup", false);
	n = 0;
	st_profile_check(p, count, &n);
	CHECK(n == 1);
	CHECK(st_enosys_uncovered(p, buf, sizeof(buf)) == 1);
	CHECK_STR(buf, "io_uring_setup");
	p->default_errno_ret = 1;
	n = 0;
	st_profile_check(p, count, &n);
	CHECK(n == 0);
	p->default_errno_ret = 5;
	n = 0;
	st_profile_check(p, count, &n);
	CHECK(n == 1);
	st_profile_free(p);
}

int main(void)
{
	st_log_set_level(ST_LOG_ERROR);
	RUN(test_added_for_enosys_default);
	RUN(test_runc_stub_gap);
	RUN(test_time64_on_x86);
	RUN(test_not_added);
	RUN(test_redone);
	RUN(test_check_verdict);
	return CHECK_DONE();
}
