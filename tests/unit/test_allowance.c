// SPDX-License-Identifier: Apache-2.0
/* The runtime allowance (its option and rule), the time calls every traced
 * profile allows, and what the hook reads of a bundle's seccomp filter. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allowance.h"
#include "check.h"
#include "helpers.h"
#include "log.h"
#include "oci_config.h"
#include "profile_trace.h"
#include "strv.h"

static void add_native(struct st_sysset *s, const char *name)
{
	int nr = st_syscall_nr(ST_ABI_NATIVE, name);

	CHECK(nr >= 0);
	st_sysset_add(s, ST_ABI_NATIVE, nr);
}

static const struct st_rule *allowance_rule(const struct st_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].comment && !strncmp(p->rules[i].comment, "runtime allowance", 17))
			return &p->rules[i];
	return NULL;
}

/* A profile for a workload that made `names`, with the allowance of o. */
static struct st_profile *build(const char *const *names, const struct st_allowance_opts *o,
				const struct st_sysset *observed, struct st_profile *base)
{
	struct st_sysset seen = {0};
	struct st_error err = {0};
	struct st_profile *p = NULL;
	size_t first_own = base ? base->n_rules : 0;

	for (; *names; names++)
		add_native(&seen, *names);
	if (st_profile_build(&seen, base, &p, &err) < 0 ||
	    st_allowance_add_rule(p, first_own, o, observed, &err) < 0) {
		fprintf(stderr, "build: %s\n", err.msg);
		return NULL;
	}
	return p;
}

static void test_option(void)
{
	struct st_allowance_opts o = {0};
	struct st_error err = {0};

	CHECK(st_allowance_parse(&o, "all", &err) == 0 && o.set && o.runtimes == 3 && !o.none);
	CHECK(st_allowance_parse(&o, "none", &err) == 0 && o.none && !o.runtimes);
	CHECK(st_allowance_parse(&o, "recording", &err) == 0 && !o.none && !o.runtimes &&
	      !o.n_files);
	CHECK(st_allowance_parse(&o, "crun,/x/y.json", &err) == 0 && o.runtimes == 2 &&
	      o.n_files == 1 && !strcmp(o.files[0], "/x/y.json"));
	CHECK(st_allowance_parse(&o, "runc,recording", &err) == 0 && o.runtimes == 1);
	CHECK(st_allowance_parse(&o, "youki", &err) < 0);
	CHECK_CONTAINS(err.msg, "unknown runtime 'youki'");
	CHECK(st_allowance_parse(&o, "runc,none", &err) < 0);
	CHECK(st_allowance_parse(&o, "", &err) < 0);
	st_allowance_free(&o);
	CHECK_STR(st_allowance_runtime(0), "runc");
	CHECK_STR(st_allowance_runtime(1), "crun");
	CHECK(st_allowance_runtime(2) == NULL);
}

/* The built-in lists: sorted, known to libseccomp, and never a call of the
 * set-up before the filter load. */
static void test_builtin(void)
{
	static const char *const setup[] = {"mount",  "pivot_root", "umount2",	"sethostname",
					    "setns",  "unshare",    "chroot",	"seccomp",
					    "clone3", "mknodat",    "symlinkat"};

	for (unsigned i = 0; st_allowance_runtime(i); i++) {
		struct st_error err = {0};
		char **v = NULL;
		size_t n = 0;

		CHECK(st_allowance_builtin(i, &v, &n, &err) == 0 && n > 5);
		for (size_t k = 0; k < n; k++) {
			CHECK(st_syscall_nr(ST_ABI_NATIVE, v[k]) >= 0);
			CHECK(!k || strcmp(v[k - 1], v[k]) < 0);
		}
		for (size_t k = 0; k < sizeof(setup) / sizeof(setup[0]); k++)
			CHECK(!strv_has(v, n, setup[k]));
		CHECK(strv_has(v, n, "execve") && strv_has(v, n, "capset"));
		strv_free(v, n);
	}
}

/* The rule is the same bytes whatever the workload did, holds every call a
 * runtime needs even if the workload made it too, and says what it is. */
static void test_rule_stable(void)
{
	static const char *const small[] = {"read", "write", "exit_group", NULL};
	static const char *const big[] = {"read",	"write",   "openat", "setgroups", "futex",
					  "exit_group", "mkdirat", "capset", NULL};
	struct st_allowance_opts all = {0};
	struct st_profile *a = build(small, &all, NULL, NULL), *b = build(big, &all, NULL, NULL);
	const struct st_rule *ra = a ? allowance_rule(a) : NULL, *rb = b ? allowance_rule(b) : NULL;

	CHECK(ra && rb);
	if (!ra || !rb)
		goto out;
	CHECK(ra->n_names == rb->n_names);
	for (size_t i = 0; i < ra->n_names && i < rb->n_names; i++)
		CHECK_STR(ra->names[i], rb->names[i]);
	CHECK_STR(ra->comment, rb->comment);
	CHECK_CONTAINS(ra->comment, "runc, crun");
	CHECK(strv_has(rb->names, rb->n_names, "setgroups"));
	/* each syscall is listed once: the workload's rule holds what the
	 * allowance does not */
	CHECK(rule_naming(b, "setgroups", "SCMP_ACT_ALLOW") == rb);
	CHECK(rule_naming(b, "mkdirat", "SCMP_ACT_ALLOW") == &b->rules[0]);
	CHECK(rule_naming(a, "exit_group", "SCMP_ACT_ALLOW") == &a->rules[0]);
	CHECK(!strv_has(a->rules[0].names, a->rules[0].n_names, "read"));
	CHECK(a->n_rules == 2 && b->n_rules == 2);
	/* runc's and crun's differ: each choice is its own list */
	{
		struct st_allowance_opts runc = {0}, crun = {0};
		struct st_error err = {0};
		struct st_profile *pr, *pc;

		st_allowance_parse(&runc, "runc", &err);
		st_allowance_parse(&crun, "crun", &err);
		pr = build(small, &runc, NULL, NULL);
		pc = build(small, &crun, NULL, NULL);
		CHECK(pr && pc && allowance_rule(pr) && allowance_rule(pc));
		if (pr && pc && allowance_rule(pr) && allowance_rule(pc)) {
			const struct st_rule *r = allowance_rule(pr), *c = allowance_rule(pc);

			CHECK(strv_has(r->names, r->n_names, "setgid") &&
			      !strv_has(c->names, c->n_names, "setgid"));
			CHECK(strv_has(c->names, c->n_names, "setresgid") &&
			      !strv_has(r->names, r->n_names, "setresgid"));
			CHECK_CONTAINS(r->comment, "what runc may do");
		}
		st_profile_free(pr);
		st_profile_free(pc);
	}
out:
	st_profile_free(a);
	st_profile_free(b);
}

/* recording: only what was observed; none: no rule; observed calls a
 * built-in list lacks are added (and the comment says so). */
static void test_rule_modes(void)
{
	static const char *const w[] = {"read", "exit_group", NULL};
	struct st_allowance_opts o = {0};
	struct st_error err = {0};
	struct st_sysset observed = {0};
	struct st_profile *p;
	const struct st_rule *r;

	add_native(&observed, "execve");
	add_native(&observed, "close");
	st_allowance_parse(&o, "recording", &err);
	p = build(w, &o, &observed, NULL);
	r = p ? allowance_rule(p) : NULL;
	CHECK(r && r->n_names == 2 && strv_has(r->names, r->n_names, "close"));
	if (r)
		CHECK_CONTAINS(r->comment, "the recording runtime");
	st_profile_free(p);
	/* recording with nothing observed (run): no rule */
	p = build(w, &o, NULL, NULL);
	CHECK(p && p->n_rules == 1 && !allowance_rule(p));
	st_profile_free(p);

	st_allowance_parse(&o, "none", &err);
	p = build(w, &o, &observed, NULL);
	CHECK(p && p->n_rules == 1 && !allowance_rule(p));
	st_profile_free(p);

	add_native(&observed, "keyctl"); /* no built-in list has it */
	st_allowance_parse(&o, "all", &err);
	p = build(w, &o, &observed, NULL);
	r = p ? allowance_rule(p) : NULL;
	CHECK(r && strv_has(r->names, r->n_names, "keyctl"));
	if (r)
		CHECK_CONTAINS(r->comment, "runc, crun, the recording runtime");
	st_profile_free(p);
	st_allowance_free(&o);
}

/* A base profile's word stays: a denied or conditional name is left out of
 * the allowance rule; a base that has the same rule does not get it twice. */
static void test_rule_base(void)
{
	static const char *const w[] = {"read", NULL};
	struct st_allowance_opts all = {0};
	struct st_profile *base =
	    parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		  "{\"names\":[\"setgroups\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		  "{\"names\":[\"prctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		  "\"value\":15,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	struct st_profile *p = base ? build(w, &all, NULL, base) : NULL;
	const struct st_rule *r = p ? allowance_rule(p) : NULL;
	char *once, *twice;

	CHECK(r && !strv_has(r->names, r->n_names, "setgroups") &&
	      !strv_has(r->names, r->n_names, "prctl") && strv_has(r->names, r->n_names, "capset"));
	CHECK(p && rule_naming(p, "setgroups", "SCMP_ACT_ERRNO"));
	/* recording again on top of its own output adds nothing */
	once = p ? to_json(p) : NULL;
	if (p)
		build(w, &all, NULL, p);
	twice = p ? to_json(p) : NULL;
	CHECK(once && twice && !strcmp(once, twice));
	free(once);
	free(twice);
	st_profile_free(base);
}

/* Profiles measured by `seccomp-trace allowance`: their unconditional allows. */
static void test_files(void)
{
	char path[] = "/tmp/st-allowance-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
			   "{\"names\":[\"keyctl\",\"execve\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			   "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
	struct st_allowance_opts o = {0};
	struct st_error err = {0};
	char arg[64];

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	snprintf(arg, sizeof(arg), "%s", path);
	CHECK(st_allowance_parse(&o, arg, &err) == 0 && st_allowance_load(&o, &err) == 0);
	CHECK(o.n_file_names == 2 && strv_has(o.file_names, o.n_file_names, "keyctl") &&
	      !strv_has(o.file_names, o.n_file_names, "ptrace"));
	{
		static const char *const w[] = {"read", NULL};
		struct st_profile *p = build(w, &o, NULL, NULL);
		const struct st_rule *r = p ? allowance_rule(p) : NULL;

		CHECK(r && r->n_names == 2);
		if (r)
			CHECK_CONTAINS(r->comment, path);
		st_profile_free(p);
	}
	st_allowance_free(&o);
	/* a file that allows nothing is refused */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", 34) == 34);
	close(fd);
	CHECK(st_allowance_parse(&o, path, &err) == 0 && st_allowance_load(&o, &err) < 0);
	CHECK_CONTAINS(err.msg, "allows no syscall");
	st_allowance_free(&o);
	unlink(path);
}

/* The vDSO's calls, for the ABIs in use only. */
static void test_time_calls(void)
{
	struct st_sysset s = {0};
	int x86 = st_syscall_nr(ST_ABI_COMPAT, "clock_gettime64");

	add_native(&s, "read");
	CHECK(st_sysset_add_time_calls(&s) == 5);
	CHECK(st_sysset_has(&s, ST_ABI_NATIVE, st_syscall_nr(ST_ABI_NATIVE, "clock_gettime")));
	CHECK(st_sysset_has(&s, ST_ABI_NATIVE, st_syscall_nr(ST_ABI_NATIVE, "getcpu")));
	CHECK(!st_sysset_abi_used(&s, ST_ABI_COMPAT));
	CHECK(st_sysset_add_time_calls(&s) == 0);
	/* a 32-bit ABI in use gets its time64 forms */
	CHECK(x86 >= 0);
	st_sysset_add(&s, ST_ABI_COMPAT, st_syscall_nr(ST_ABI_COMPAT, "read"));
	CHECK(st_sysset_add_time_calls(&s) == 7);
	CHECK(st_sysset_has(&s, ST_ABI_COMPAT, x86));
}

static int filter(const char *json, struct st_recording_filter *f, struct st_error *err)
{
	return st_recording_filter_parse(json, strlen(json), "config.json", f, err);
}

static void test_recording_filter(void)
{
	struct st_recording_filter f;
	struct st_error err = {0};

	CHECK(filter("{\"ociVersion\":\"1.0\",\"process\":{}}", &f, &err) == 0 && !f.present);
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
		     "\"defaultErrnoRet\":38,\"syscalls\":["
		     "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
		     "{\"names\":[\"bpf\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
		     "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,"
		     "\"args\":[{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_EQ\"}]},"
		     "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}}}",
		     &f, &err) == 0);
	CHECK(f.present && f.has_default_errno && f.default_errno == 38);
	CHECK(f.n_enosys == 1 && !strcmp(f.enosys[0], "clone3"));
	st_recording_filter_free(&f);
	/* What runc and crun would read differently is refused. */
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
		     "\"DefaultErrnoRet\":38}}}",
		     &f, &err) < 0);
	CHECK_CONTAINS(err.msg, "DefaultErrnoRet");
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultErrnoRet\":1,\"defaultErrnoRet\":38}}}", &f,
		     &err) < 0);
	CHECK_CONTAINS(err.msg, "duplicate key");
	CHECK(filter("{\"Linux\":{}}", &f, &err) < 0);
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultErrnoRet\":-1}}}", &f, &err) < 0);
	CHECK(filter("{\"linux\":{\"seccomp\":{\"syscalls\":{}}}}", &f, &err) < 0);
	CHECK(filter("[1]", &f, &err) < 0);
	/* An unreadable bundle names the file. */
	CHECK(st_recording_filter_read("/nonexistent-bundle", &f, &err) < 0);
	CHECK_CONTAINS(err.msg, "/nonexistent-bundle/config.json");
	CHECK(st_recording_filter_read("relative", &f, &err) < 0);
}

static void test_recording_filter_apply(void)
{
	struct st_recording_filter f;
	struct st_error err = {0};
	struct st_profile *p = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
				     "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");

	/* podman's: ENOSYS by default, kept */
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
		     "\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":[\"clone3\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}}}",
		     &f, &err) == 0);
	CHECK(p && st_recording_filter_apply(&f, p, 0, NULL, &err) == 0);
	CHECK(p && p->has_default_errno && p->default_errno_ret == 38 && p->n_rules == 1);
	/* a profile written with another default action gets no errno */
	st_profile_free(p);
	p = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
	CHECK(p && st_recording_filter_apply(&f, p, 0, "SCMP_ACT_LOG", &err) == 0);
	CHECK(p && !p->has_default_errno && rule_naming(p, "clone3", "SCMP_ACT_ERRNO"));
	st_recording_filter_free(&f);
	st_profile_free(p);
	/* Docker's: EPERM by default, ENOSYS for clone3: that rule comes along
	 * unless the profile has a rule for clone3 */
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		     "{\"names\":[\"clone3\",\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		     "\"errnoRet\":38}]}}}",
		     &f, &err) == 0);
	p = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		  "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	CHECK(p && st_recording_filter_apply(&f, p, 0, NULL, &err) == 0);
	CHECK(p && !p->has_default_errno && p->n_rules == 2);
	if (p && p->n_rules == 2) {
		const struct st_rule *r = &p->rules[0]; /* denials first, as merge has them */

		CHECK(r->n_names == 1 && !strcmp(r->names[0], "clone3") && r->has_errno_ret &&
		      r->errno_ret == 38);
	}
	st_profile_free(p);
	/* a base's own errno stays */
	p = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":[]}");
	st_recording_filter_free(&f);
	CHECK(filter("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
		     "\"defaultErrnoRet\":38}}}",
		     &f, &err) == 0);
	CHECK(p && st_recording_filter_apply(&f, p, 0, NULL, &err) == 0 &&
	      p->default_errno_ret == 1);
	st_recording_filter_free(&f);
	st_profile_free(p);
}

int main(void)
{
	st_log_set_level(ST_LOG_ERROR);
	RUN(test_option);
	RUN(test_builtin);
	RUN(test_rule_stable);
	RUN(test_rule_modes);
	RUN(test_rule_base);
	RUN(test_files);
	RUN(test_time_calls);
	RUN(test_recording_filter);
	RUN(test_recording_filter_apply);
	return CHECK_DONE();
}
