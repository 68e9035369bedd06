// SPDX-License-Identifier: Apache-2.0
/* Provenance reports: which set each syscall is put in and whose first
 * sighting is cited, JSON and markdown with hostile process names, reading a
 * report back (and refusing malformed ones), names beside a profile. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "allowance.h"
#include "check.h"
#include "fileio.h"
#include "report.h"
#include "strv.h"

static char dir[] = "/tmp/st-report-XXXXXX";

static void first(struct st_trace_result *r, unsigned nr, uint32_t sets, uint32_t pid,
		  const char *comm, const char *exe)
{
	struct st_first *f;

	r->firsts = realloc(r->firsts, (r->nr_firsts + 1) * sizeof(*r->firsts));
	f = &r->firsts[r->nr_firsts++];
	*f = (struct st_first){.abi = ST_ABI_NATIVE, .nr = nr, .sets = sets, .ns_pid = pid};
	snprintf(f->comm, sizeof(f->comm), "%s", comm);
	f->exe = exe ? strdup(exe) : NULL;
	if (sets & ST_EV_ALL)
		st_sysset_add(&r->all, ST_ABI_NATIVE, nr);
	if (sets & ST_EV_WORKLOAD)
		st_sysset_add(&r->workload, ST_ABI_NATIVE, nr);
	if (sets & ST_EV_ALLOWANCE)
		st_sysset_add(&r->allowance, ST_ABI_NATIVE, nr);
}

/* A hook-like trace: mount only before the filter; capset under it (the
 * runtime allowance); read first by the runtime before its filter, then by
 * the workload; membarrier by the workload, named by a hostile process. */
static void trace(struct st_trace_result *r)
{
	memset(r, 0, sizeof(*r));
	first(r, SYS_mount, ST_EV_ALL, 1, "runc:[2:INIT]", NULL);
	first(r, SYS_read, ST_EV_ALL, 1, "runc:[2:INIT]", NULL);
	first(r, SYS_capset, ST_EV_ALL | ST_EV_ALLOWANCE, 1, "runc:[2:INIT]", NULL);
	first(r, SYS_read, ST_EV_WORKLOAD, 7, "cat", "/bin/busybox");
	first(r, SYS_membarrier, ST_EV_ALL | ST_EV_WORKLOAD, 12, "a`b\n<i>\\", "/usr/bin/gdb");
}

static const struct st_report_entry *find(const struct st_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].name && !strcmp(r->v[i].name, name))
			return &r->v[i];
	return NULL;
}

static void test_build(void)
{
	struct st_trace_result res;
	struct st_sysset in = {0};
	struct st_report r;
	struct st_error err = {0};
	const struct st_report_entry *e;

	trace(&res);
	in = res.workload;
	st_sysset_merge(&in, &res.allowance);
	st_sysset_add(&in, ST_ABI_NATIVE, SYS_rt_sigreturn); /* assumed */
	CHECK(st_report_build(&res, &in, NULL, &r, &err) == 0);
	CHECK(r.n == 5);
	/* sorted by name */
	CHECK_STR(r.v[0].name, "capset");
	CHECK_STR(r.v[4].name, "rt_sigreturn");
	e = find(&r, "mount");
	CHECK(e && e->origin == ST_ORIGIN_SETUP && !e->in_profile && e->has_first && e->pid == 1);
	e = find(&r, "capset");
	CHECK(e && e->origin == ST_ORIGIN_ALLOWANCE && e->in_profile);
	CHECK(e && e->sets == 1u << ST_ORIGIN_ALLOWANCE);
	/* the workload's first is cited, the runtime's earlier one is a set */
	e = find(&r, "read");
	CHECK(e && e->origin == ST_ORIGIN_WORKLOAD && e->pid == 7 && e->exe &&
	      !strcmp(e->exe, "/bin/busybox"));
	CHECK(e && e->sets == ((1u << ST_ORIGIN_WORKLOAD) | (1u << ST_ORIGIN_SETUP)));
	e = find(&r, "membarrier");
	CHECK(e && e->origin == ST_ORIGIN_WORKLOAD && e->sets == 1u << ST_ORIGIN_WORKLOAD);
	CHECK_STR(e ? e->comm : NULL, "a`b\\x0a<i>\\x5c");
	e = find(&r, "rt_sigreturn");
	CHECK(e && e->origin == ST_ORIGIN_ASSUMED && !e->has_first && e->in_profile);
	st_report_free(&r);
	st_trace_result_free(&res);
}

/* in_profile follows the profile written when there is one. */
static void test_in_profile(void)
{
	struct st_trace_result res;
	struct st_profile *p = st_profile_new();
	struct st_error err = {0};
	struct st_report r;
	char *names[] = {"mount", NULL};
	struct st_rule rule = {.action = strdup("SCMP_ACT_ALLOW")};

	trace(&res);
	CHECK(strv_copy(&rule.names, &rule.n_names, names, 1, &err) == 0);
	p->default_action = strdup("SCMP_ACT_ERRNO");
	CHECK(st_profile_add_rule(p, &rule, &err) == 0);
	CHECK(st_report_build(&res, NULL, p, &r, &err) == 0);
	CHECK(find(&r, "mount") && find(&r, "mount")->in_profile);
	CHECK(find(&r, "membarrier") && !find(&r, "membarrier")->in_profile);
	st_report_free(&r);
	/* a TRACE rule lets the call run when a tracer continues it: in it */
	rule = (struct st_rule){.action = strdup("SCMP_ACT_TRACE")};
	names[0] = "membarrier";
	CHECK(strv_copy(&rule.names, &rule.n_names, names, 1, &err) == 0);
	CHECK(st_profile_add_rule(p, &rule, &err) == 0);
	CHECK(st_report_build(&res, NULL, p, &r, &err) == 0);
	CHECK(find(&r, "membarrier") && find(&r, "membarrier")->in_profile);
	st_report_free(&r);
	st_trace_result_free(&res);
	st_profile_free(p);
}

static void add_rule(struct st_profile *p, char **names, size_t n, const char *comment)
{
	struct st_rule rule = {.action = strdup("SCMP_ACT_ALLOW")};
	struct st_error err = {0};

	CHECK(strv_copy(&rule.names, &rule.n_names, names, n, &err) == 0);
	rule.comment = comment ? strdup(comment) : NULL;
	CHECK(st_profile_add_rule(p, &rule, &err) == 0);
}

/* Calls never seen that only the runtime allowance rule lets through are
 * told apart from the other assumed ones (a signal return), in the model and
 * in markdown; one also in another rule is not the allowance's alone. */
static void test_allowance_rule(void)
{
	struct st_trace_result res;
	struct st_profile *p = st_profile_new();
	struct st_error err = {0};
	struct st_report_info info = {.profile = "/tmp/p.json"};
	struct st_sysset in = {0};
	struct st_report r;
	char *plain[] = {"rt_sigreturn", "gettid"}, *allowance[] = {"getppid", "gettid", "capset"};
	char *text = NULL;
	size_t len;

	trace(&res);
	p->default_action = strdup("SCMP_ACT_ERRNO");
	add_rule(p, plain, 2, NULL);
	add_rule(p, allowance, 3, ST_ALLOWANCE_COMMENT ": what runc may do");
	st_sysset_add(&in, ST_ABI_NATIVE, SYS_rt_sigreturn);
	st_sysset_add(&in, ST_ABI_NATIVE, SYS_getppid);
	st_sysset_add(&in, ST_ABI_NATIVE, SYS_gettid);
	CHECK(st_report_build(&res, &in, p, &r, &err) == 0);
	CHECK(find(&r, "getppid") && find(&r, "getppid")->allowance_rule);
	CHECK(find(&r, "gettid") && !find(&r, "gettid")->allowance_rule);
	CHECK(find(&r, "rt_sigreturn") && !find(&r, "rt_sigreturn")->allowance_rule);
	/* seen (under the filter): not assumed, whatever rule has it */
	CHECK(find(&r, "capset") && !find(&r, "capset")->allowance_rule);
	CHECK(st_report_render(&r, &info, ST_REPORT_MARKDOWN, &text, &len, &err) == 0);
	CHECK_CONTAINS(text, "3 assumed (1 of them in the runtime allowance rule).");
	CHECK_CONTAINS(text, "loading the filter and their exec)**\n\n"
			     "- `getppid` — no process (never seen)\n\n**Assumed");
	CHECK_CONTAINS(text, "- `gettid` — no process (never seen)\n"
			     "- `rt_sigreturn` — no process (never seen)\n");
	free(text);
	st_report_free(&r);
	st_trace_result_free(&res);
	st_profile_free(p);
}

static void test_markdown(void)
{
	struct st_trace_result res;
	struct st_report r;
	struct st_error err = {0};
	char *cmd[] = {"sh", "-c", "x``y", NULL};
	struct st_report_info info = {.profile = "/tmp/a`b.json", .command = cmd};
	char *text = NULL;
	size_t len;

	trace(&res);
	CHECK(st_report_build(&res, &res.workload, NULL, &r, &err) == 0);
	CHECK(st_report_render(&r, &info, ST_REPORT_MARKDOWN, &text, &len, &err) == 0);
	CHECK(text && !strncmp(text, "<!-- seccomp-trace report -->\n", 30));
	CHECK_CONTAINS(text, "Profile ``/tmp/a`b.json``.");
	CHECK_CONTAINS(text, "Command: `sh` `-c` ```x``y```.");
	CHECK_CONTAINS(text,
		       "- `membarrier` — first: `/usr/bin/gdb` (``a`b\\x0a<i>\\x5c``), pid 12\n");
	CHECK_CONTAINS(text, "- `read` — first: `/bin/busybox` (`cat`), pid 7\n");
	CHECK_CONTAINS(text, "- `capset` — first: comm `runc:[2:INIT]`, pid 1\n");
	/* no raw control character, whatever the process was called */
	for (size_t i = 0; text && i < len; i++)
		CHECK(text[i] == '\n' || (unsigned char)text[i] >= 0x20);
	free(text);
	st_report_free(&r);
	st_trace_result_free(&res);
}

static char *path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* JSON written, read back: what diff --report cites. */
static void test_round_trip(void)
{
	struct st_trace_result res;
	struct st_report r, back;
	struct st_error err = {0};
	struct st_report_info info = {.profile = "/x/out.json",
				      .container_id = "abc",
				      .container_pid = 42,
				      .scope = "after-seccomp"};
	struct st_outfile t;
	const struct st_report_entry *e;

	trace(&res);
	CHECK(st_report_build(&res, &res.workload, NULL, &r, &err) == 0);
	CHECK(st_outfile_open_kind(NULL, path("r.json"), &st_report_kind, &t, &err) == 0);
	CHECK(st_report_write(&t, &r, &info, ST_REPORT_JSON, &err) == 0);
	st_outfile_close(&t);
	CHECK(st_report_read(path("r.json"), &back, &err) == 0);
	CHECK(back.n == r.n);
	e = st_report_find(&back, "membarrier");
	CHECK(e && e->origin == ST_ORIGIN_WORKLOAD && e->pid == 12 && e->exe &&
	      !strcmp(e->exe, "/usr/bin/gdb"));
	CHECK_STR(e ? e->comm : NULL, "a`b\\x0a<i>\\x5c");
	e = st_report_find(&back, "mount");
	CHECK(e && e->origin == ST_ORIGIN_SETUP && !e->in_profile);
	CHECK(st_report_find(&back, "ptrace") == NULL);
	/* a report is replaced by a report, never a profile by one */
	CHECK(st_outfile_open_kind(NULL, path("r.json"), &st_report_kind, &t, &err) == 0);
	st_outfile_close(&t);
	put(path("p.json"), "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
	CHECK(st_outfile_open_kind(NULL, path("p.json"), &st_report_kind, &t, &err) < 0);
	CHECK_CONTAINS(err.msg, "it exists and is not a seccomp-trace report");
	CHECK(st_outfile_open(NULL, path("r.json"), &t, &err) < 0);
	CHECK_CONTAINS(err.msg, "it exists and is not a seccomp profile");
	st_report_free(&back);
	st_report_free(&r);
	st_trace_result_free(&res);
}

/* Of two entries for a name, the workload's is cited, then the native
 * arch's. */
static void test_find(void)
{
	struct st_error err = {0};
	struct st_report r;
	const struct st_report_entry *e;

	put(path("two.json"),
	    "{\"seccompTraceReport\":1,\"syscalls\":["
	    "{\"name\":\"read\",\"arch\":\"SCMP_ARCH_X86_64\",\"origin\":\"runtime-allowance\","
	    "\"first\":{\"comm\":\"runc\",\"pid\":1}},"
	    "{\"name\":\"read\",\"arch\":\"SCMP_ARCH_X86\",\"origin\":\"workload\","
	    "\"first\":{\"comm\":\"old\",\"pid\":3}},"
	    "{\"name\":\"read\",\"arch\":\"SCMP_ARCH_X86_64\",\"origin\":\"workload\","
	    "\"first\":{\"comm\":\"new\\u0001\",\"pid\":4}}]}");
	CHECK(st_report_read(path("two.json"), &r, &err) == 0);
	e = st_report_find(&r, "read");
	CHECK(e && e->pid == 4);
	/* what a report file says is made printable again */
	CHECK_STR(e ? e->comm : NULL, "new\\x01");
	st_report_free(&r);
}

static void refused(const char *text, const char *msg)
{
	struct st_error err = {0};
	struct st_report r;

	put(path("bad.json"), text);
	CHECK(st_report_read(path("bad.json"), &r, &err) < 0);
	CHECK_CONTAINS(err.msg, msg);
	CHECK(r.v == NULL && r.n == 0);
}

static void test_refused(void)
{
	refused("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", "not a seccomp-trace report");
	refused("[1]", "not a seccomp-trace report");
	refused("{\"seccompTraceReport\":2,\"syscalls\":[]}", "report version 2");
	refused("{\"seccompTraceReport\":1}", "syscalls: expected an array");
	refused("{\"seccompTraceReport\":1,\"seccompTraceReport\":1,\"syscalls\":[]}",
		"duplicate key");
	refused("{\"seccompTraceReport\":1,\"syscalls\":[{\"name\":\"x\",\"name\":\"y\","
		"\"arch\":\"a\",\"origin\":\"workload\"}]}",
		"syscalls[0]: duplicate key");
	refused("{\"seccompTraceReport\":1,\"syscalls\":[{\"arch\":\"a\",\"origin\":\"x\"}]}",
		"syscalls[0].origin: unknown origin");
	refused("{\"seccompTraceReport\":1,\"syscalls\":[{\"origin\":\"workload\"}]}",
		"syscalls[0].arch: missing");
	refused("{\"seccompTraceReport\":1,\"syscalls\":[{\"arch\":\"a\",\"origin\":\"workload\","
		"\"first\":{\"comm\":\"x\",\"pid\":-1}}]}",
		"syscalls[0].first.pid");
	refused("{\"seccompTraceReport\":1,\"syscalls\":[{\"arch\":\"a\",\"origin\":\"workload\","
		"\"first\":{\"comm\":\"x\",\"pid\":4294967296}}]}",
		"syscalls[0].first.pid: out of range");
	refused("{\"seccompTraceReport\":1,\"syscalls\":[{\"name\":\"x\\u0000y\",\"arch\":\"a\","
		"\"origin\":\"workload\"}]}",
		"syscalls[0].name");
}

static void test_names(void)
{
	char buf[300];
	struct st_error err = {0};
	char long_name[260];

	CHECK(st_report_name_beside("out.json", ST_REPORT_JSON, buf, sizeof(buf), &err) == 0);
	CHECK_STR(buf, "out.report.json");
	CHECK(st_report_name_beside("out.yaml", ST_REPORT_MARKDOWN, buf, sizeof(buf), &err) == 0);
	CHECK_STR(buf, "out.report.md");
	CHECK(st_report_name_beside("out", ST_REPORT_JSON, buf, sizeof(buf), &err) == 0);
	CHECK_STR(buf, "out.report.json");
	/* never the profile's own name */
	CHECK(st_report_name_beside("a.report.json", ST_REPORT_JSON, buf, sizeof(buf), &err) == 0);
	CHECK_STR(buf, "a.report.report.json");
	CHECK(st_report_name_beside(".json", ST_REPORT_JSON, buf, sizeof(buf), &err) == 0);
	CHECK_STR(buf, ".json.report.json");
	memset(long_name, 'p', 250);
	strcpy(long_name + 250, ".json");
	CHECK(st_report_name_beside(long_name, ST_REPORT_JSON, buf, sizeof(buf), &err) < 0);
	CHECK(st_report_format_of("x.md") == ST_REPORT_MARKDOWN);
	CHECK(st_report_format_of("x.markdown") == ST_REPORT_MARKDOWN);
	CHECK(st_report_format_of("x.json") == ST_REPORT_JSON);
	CHECK(st_report_format_of("md") == ST_REPORT_JSON);
}

static void test_printable(void)
{
	char *s = st_printable("ok \x01\x7f\xc3\xa9\\`");

	CHECK_STR(s, "ok \\x01\\x7f\\xc3\\xa9\\x5c`");
	free(s);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_build);
	RUN(test_in_profile);
	RUN(test_markdown);
	RUN(test_allowance_rule);
	RUN(test_round_trip);
	RUN(test_find);
	RUN(test_refused);
	RUN(test_names);
	RUN(test_printable);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return CHECK_DONE();
}
