// SPDX-License-Identifier: Apache-2.0
/* OCI state and annotation parsing: what the hook accepts and the exact
 * message for what it refuses. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotation.h"
#include "escape.h"
#include "log.h"
#include "check.h"
#include "oci_state.h"

static int parse_state(const char *json, struct st_oci_state *s, struct st_error *err)
{
	return st_oci_state_parse(json, strlen(json), s, err);
}

static void test_state(void)
{
	struct st_error err = {0};
	struct st_oci_state s;

	CHECK(parse_state("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"created\","
			  "\"pid\":42,\"bundle\":\"/b\",\"annotations\":{\"a\":\"1\","
			  "\"io.containers.trace-syscall\":\"of:/x.json\"}}",
			  &s, &err) == 0);
	CHECK(s.pid == 42);
	CHECK_STR(s.id, "c1");
	CHECK_STR(s.bundle, "/b");
	CHECK_STR(st_oci_annotation(&s, "a"), "1");
	CHECK(st_oci_annotation(&s, "b") == NULL);
	st_oci_state_free(&s);

	CHECK(parse_state("{\"id\":\"c1\"}", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "OCI state: pid: missing");
	CHECK(parse_state("{\"pid\":0}", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "OCI state: pid 0 is not a process id");
	CHECK(parse_state("{\"pid\":\"7\"}", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "OCI state: pid: expected an integer");
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"k\":1}}", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "OCI state: annotations.k: expected a string");
	CHECK(parse_state("{\"pid\":7", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "invalid JSON in the OCI state on stdin");
	/* what a Go reader would take for "pid" or "annotations" is refused */
	CHECK(parse_state("{\"pid\":7,\"PID\":8}", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "OCI state.PID: Go runtimes read this key as \"pid\"");
	CHECK(parse_state("{\"pid\":7,\"Annotations\":{}}", &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "OCI state.Annotations: Go runtimes read this key as");
	/* annotation keys are a map's: Go matches them exactly, so do we */
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"IO.containers.trace-syscall\":\"x\"}}", &s,
			  &err) == 0);
	CHECK(st_oci_annotation(&s, "io.containers.trace-syscall") == NULL);
	st_oci_state_free(&s);
	/* an annotation value cut at a NUL would not be the one the runtime holds */
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"io.containers.trace-syscall\":"
			  "\"of:/a.json\\u0000;if:/b.json\"}}",
			  &s, &err) < 0);
	CHECK_CONTAINS(err.msg, "annotations.io.containers.trace-syscall: \\u0000 (NUL)");
}

static void expect_ok(const char *value, const char *of, const char *in)
{
	struct st_error err = {0};
	struct st_trace_request r;

	CHECK(st_annotation_parse(ST_ANNOTATION, value, &r, &err) == 0);
	CHECK_STR(r.output, of);
	if (in)
		CHECK_STR(r.input, in);
	else
		CHECK(r.input == NULL);
	st_trace_request_free(&r);
}

static void expect_bad(const char *value, const char *msg)
{
	struct st_error err = {0};
	struct st_trace_request r;

	CHECK(st_annotation_parse(ST_ANNOTATION, value, &r, &err) < 0);
	CHECK(r.output == NULL && r.input == NULL);
	CHECK_STR(err.msg, msg);
}

static void test_annotation_grammar(void)
{
	expect_ok("of:/o.json", "/o.json", NULL);
	expect_ok("if:/i.json;of:/o.json", "/o.json", "/i.json");
	expect_ok(" of: /o.json ; if:/i.json ", "/o.json", "/i.json"); /* as the Go hook trims */

#define A "invalid annotation io.containers.trace-syscall: "
	expect_bad("", A "empty value (expected of:/abs/out.json[;if:/abs/base.json])");
	expect_bad("of:o.json", A "of:o.json: relative path (paths must be absolute)");
	expect_bad("if:/i.json", A "missing of:/abs/path.json");
	expect_bad("of:/a;of:/b", A "of:: given twice");
	expect_bad("of:/a;if:/b;if:/c", A "if:: given twice");
	expect_bad("of:", A "of:: empty path");
	expect_bad("of:/a;;if:/b", A "empty entry");
	expect_bad("/a.json", A "unknown entry '/a.json' (expected of:PATH or if:PATH)");
	expect_bad("of:/a\n.json", A "of:: control character in path");
	/* quoted nowhere, relative or not: a newline would forge a log line */
	expect_bad("of:x\n2026-11-30T12:00:00.000Z seccomp-trace[1] info: forged",
		   A "of:: control character in path");
	expect_bad("q\n2026-11-30T12:00:00.000Z seccomp-trace[1] info: forged",
		   A "control character in an entry (expected of:PATH or if:PATH)");

	char big[ST_MAX_ANNOTATION + 10];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_bad(big, A "longer than 4096 bytes");
#undef A
}

/* Whatever a message quotes, the log file gets one line per message:
 * control characters are written as \xHH. */
static void test_log_one_line(void)
{
	char path[] = "/tmp/st-test-log.XXXXXX", buf[512];
	int fd = mkstemp(path);
	ssize_t n;

	CHECK(fd >= 0);
	CHECK(st_log_open_file(path) == 0);
	st_err("unknown entry 'q\n2026-11-30T12:00:00.000Z seccomp-trace[1] info: forged\r'");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strchr(buf, '\n') == buf + n - 1);
	CHECK_CONTAINS(buf, "'q\\x0a2026-11-30T12:00:00.000Z seccomp-trace[1] info: forged\\x0d'");
	close(fd);
	unlink(path);
}

/* What a log reader may take for a line break or a control beyond C0 and
 * DEL: C1 controls (NEL), U+2028/U+2029, bidi overrides and bytes that are
 * no UTF-8 are written as \xHH; other UTF-8 stays. The same for the errors
 * printed on stderr. */
static void test_log_unicode_breaks(void)
{
	char path[] = "/tmp/st-test-log.XXXXXX", buf[1024];
	int fd = mkstemp(path);
	char *e;
	ssize_t n;

	CHECK(fd >= 0);
	CHECK(st_log_open_file(path) == 0);
	st_err("p '\xc2\x85nel \xe2\x80\xa8ls \xe2\x80\xa9ps \x85raw \x9f \xff \xc0\xaf "
	       "\xed\xa0\x80 \xe2\x80\xae \xe2\x80 caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7'");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strchr(buf, '\n') == buf + n - 1);
	CHECK_CONTAINS(buf, "p '\\xc2\\x85nel \\xe2\\x80\\xa8ls \\xe2\\x80\\xa9ps \\x85raw "
			    "\\x9f \\xff \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x80\\xae "
			    "\\xe2\\x80 caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7'");
	buf[n > 0 ? n - 1 : 0] = '\0'; /* what was written needs no escape left */
	e = st_escape_line(buf);
	CHECK(e == NULL);
	free(e);
	close(fd);
	unlink(path);
	e = st_escape_line("plain \xc3\xa9");
	CHECK(e == NULL); /* nothing to escape */
	free(e);
	e = st_escape_line("a\x1b[31mb\x7f");
	CHECK_STR(e, "a\\x1b[31mb\\x7f");
	free(e);
}

static void test_annotation_crio(void)
{
	struct st_error err = {0};
	struct st_oci_state s;
	const char *k, *v;

	/* CRI-O: the key suffixed with this container's name */
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"io.kubernetes.container.name\":\"web\","
			  "\"io.containers.trace-syscall/db\":\"of:/db.json\","
			  "\"io.containers.trace-syscall/web\":\"of:/web.json\"}}",
			  &s, &err) == 0);
	CHECK(st_annotation_find(&s, &k, &v, &err) == 1);
	CHECK_STR(k, "io.containers.trace-syscall/web");
	CHECK_STR(v, "of:/web.json");
	st_oci_state_free(&s);

	/* another container's annotation only: nothing to do here */
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"io.kubernetes.container.name\":\"app\","
			  "\"io.containers.trace-syscall/db\":\"of:/db.json\"}}",
			  &s, &err) == 0);
	CHECK(st_annotation_find(&s, &k, &v, &err) == 0);
	st_oci_state_free(&s);

	/* CRI-O rewrote the key to the plain one and kept the suffixed one */
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"io.kubernetes.container.name\":\"web\","
			  "\"io.containers.trace-syscall\":\"of:/web.json\","
			  "\"io.containers.trace-syscall/web\":\"of:/web.json\"}}",
			  &s, &err) == 0);
	CHECK(st_annotation_find(&s, &k, &v, &err) == 1);
	CHECK_STR(v, "of:/web.json");
	st_oci_state_free(&s);

	/* the two disagree: refuse rather than guess */
	CHECK(parse_state("{\"pid\":7,\"annotations\":{\"io.kubernetes.container.name\":\"web\","
			  "\"io.containers.trace-syscall\":\"of:/a.json\","
			  "\"io.containers.trace-syscall/web\":\"of:/b.json\"}}",
			  &s, &err) == 0);
	CHECK(st_annotation_find(&s, &k, &v, &err) < 0);
	CHECK_CONTAINS(err.msg, "disagree");
	st_oci_state_free(&s);
}

int main(void)
{
	RUN(test_state);
	RUN(test_annotation_grammar);
	RUN(test_annotation_crio);
	RUN(test_log_one_line);
	RUN(test_log_unicode_breaks);
	return CHECK_DONE();
}
