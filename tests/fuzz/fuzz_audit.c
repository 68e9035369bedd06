// SPDX-License-Identifier: Apache-2.0
/* Seccomp audit records (audit_record.c, learn.c). The input is a log: each
 * line is parsed and checked, then the whole log is learned from (with and
 * without filters) and the result written as a profile and read back. */
#include "audit_record.h"
#include "fuzz.h"
#include "learn.h"
#include "profile.h"
#include "profile_json.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct st_audit_line line, again;

static bool is_hex_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static void put_hex(char *out, size_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*o += (size_t)sprintf(out + *o, "%02X", (unsigned char)s[i]);
}

/* A record read from a line is what the kernel would have written: writing
 * it back in the kernel's form (comm and exe in hex) reads the same. */
static void check_round_trip(const struct st_audit_line *l)
{
	static char out[2 * ST_AUDIT_MAX_EXE + 2 * ST_AUDIT_MAX_COMM + 512];
	const struct st_audit_seccomp *sc = &l->sc;
	size_t o = 0;

	o += (size_t)sprintf(out + o, "audit: type=1326 audit(%llu.%03u:%u): pid=%lld comm=",
			     (unsigned long long)l->stamp.sec, l->stamp.msec, l->stamp.serial,
			     (long long)sc->pid);
	if (sc->comm_len)
		put_hex(out, &o, sc->comm, sc->comm_len);
	else
		o += (size_t)sprintf(out + o, "\"\"");
	o += (size_t)sprintf(out + o, " exe=");
	if (!sc->has_exe)
		o += (size_t)sprintf(out + o, "(null)");
	else if (sc->exe_len)
		put_hex(out, &o, sc->exe, sc->exe_len);
	else
		o += (size_t)sprintf(out + o, "\"\"");
	o += (size_t)sprintf(out + o, " sig=%lld arch=%x syscall=%lld", (long long)sc->sig,
			     sc->arch, (long long)sc->syscall);
	if (sc->has_compat)
		o += (size_t)sprintf(out + o, " compat=%d", sc->compat);
	o += (size_t)sprintf(out + o, " ip=0x1 code=0x%x", sc->code);

	st_audit_parse_line(out, o, &again);
	if (again.kind != ST_AUDIT_SECCOMP)
		FUZZ_FAIL("a record written back does not read: %s (%s)", out,
			  again.why ? again.why : "?");
	FUZZ_CHECK(again.stamp.sec == l->stamp.sec && again.stamp.msec == l->stamp.msec &&
		   again.stamp.serial == l->stamp.serial);
	FUZZ_CHECK(again.sc.arch == sc->arch && again.sc.syscall == sc->syscall &&
		   again.sc.code == sc->code && again.sc.pid == sc->pid && again.sc.sig == sc->sig);
	FUZZ_CHECK(again.sc.comm_len == sc->comm_len &&
		   !memcmp(again.sc.comm, sc->comm, sc->comm_len));
	FUZZ_CHECK(again.sc.has_exe == sc->has_exe && again.sc.exe_len == sc->exe_len &&
		   !memcmp(again.sc.exe, sc->exe, sc->exe_len));
}

static void check_line(const char *s, size_t n)
{
	st_audit_parse_line(s, n, &line);
	switch (line.kind) {
	case ST_AUDIT_NONE:
	case ST_AUDIT_RECORD:
		break;
	case ST_AUDIT_BAD_SECCOMP:
	case ST_AUDIT_UNSUPPORTED:
	case ST_AUDIT_LOSS:
		FUZZ_CHECK(line.why && line.why[0]);
		break;
	case ST_AUDIT_SECCOMP: {
		const struct st_audit_seccomp *sc = &line.sc;

		FUZZ_CHECK(line.has_stamp && line.type == ST_AUDIT_TYPE_SECCOMP);
		FUZZ_CHECK(line.stamp.msec < 1000);
		FUZZ_CHECK(sc->comm_len <= ST_AUDIT_MAX_COMM && sc->comm[sc->comm_len] == '\0');
		FUZZ_CHECK(sc->exe_len <= ST_AUDIT_MAX_EXE && sc->exe[sc->exe_len] == '\0');
		FUZZ_CHECK(sc->has_exe || sc->exe_len == 0);
		FUZZ_CHECK(sc->pid >= 0);
		/* the last field of the kernel's record: code, in hex */
		size_t end = n;
		const char *gs = line.source == ST_AUDIT_SRC_AUDITD ? memchr(s, 0x1d, n) : NULL;
		if (gs)
			end = (size_t)(gs - s);
		while (end && (s[end - 1] == '\n' || s[end - 1] == '\r'))
			end--;
		size_t k = end;
		while (k &&
		       is_hex_char(s[k - 1] >= 'a' && s[k - 1] <= 'f' ? s[k - 1] - 32 : s[k - 1]))
			k--;
		FUZZ_CHECK(k >= 7 && !memcmp(s + k - 7, "code=0x", 7));
		check_round_trip(&line);
		break;
	}
	default:
		FUZZ_FAIL("unknown kind %d", line.kind);
	}
}

static int pid_is_odd(void *ctx, int64_t pid)
{
	(void)ctx;
	return pid % 3 == 2 ? -1 : (int)(pid & 1);
}

static void learn(const char *text, size_t size, const struct st_learn_opts *o)
{
	struct st_error err = {0};
	struct st_learn *l = NULL;
	struct st_profile *p;
	size_t n, n_gaps;
	uint64_t total;
	const char *s = text;
	uint64_t lineno = 0;

	FUZZ_CHECK(st_learn_new(o, &l, &err) == 0);
	while (s < text + size) {
		const char *nl = memchr(s, '\n', (size_t)(text + size - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(text + size - s);

		st_audit_parse_line(s, len, &line);
		if (st_learn_add(l, &line, "fuzz", ++lineno, &err) < 0) {
			fuzz_check_error(&err);
			st_learn_free(l);
			return;
		}
		s += len + 1;
	}
	if (st_learn_finish(l, &err) < 0)
		fuzz_check_error(&err); /* forged records: said in one line */

	const struct st_learn_stats *st = st_learn_get_stats(l);
	FUZZ_CHECK(st->counted <= st->matched && st->matched <= st->in_window);
	FUZZ_CHECK(st->in_window <= st->seccomp);
	const char *const *gaps = st_learn_gaps(l, &n_gaps, &total);
	FUZZ_CHECK(n_gaps <= total && (total > 0) == st_learn_incomplete(l));
	for (size_t i = 0; i < n_gaps; i++)
		FUZZ_CHECK(!gaps[i] || gaps[i][0]);
	if (st->unsupported || st->unattributed)
		FUZZ_CHECK(st_learn_incomplete(l));

	const struct st_learned *v = st_learn_calls(l, &n);
	uint64_t records = 0;
	for (size_t i = 0; i < n; i++) {
		records += v[i].records;
		FUZZ_CHECK(v[i].records > 0);
		if (v[i].name) {
			FUZZ_CHECK(v[i].name[0] && v[i].arch_name);
			if (i && v[i - 1].name)
				FUZZ_CHECK(strcmp(v[i - 1].name, v[i].name) <= 0);
		} else if (i + 1 < n) {
			FUZZ_CHECK(!v[i + 1].name); /* unnamed last */
		}
	}
	FUZZ_CHECK(records == st->counted);

	p = st_profile_new();
	FUZZ_CHECK(p);
	if (st_learn_apply(l, p, &err) == 0) {
		char *json = NULL;
		size_t len;
		struct st_profile *back = NULL;

		FUZZ_CHECK(st_profile_to_json(p, &json, &len, &err) == 0);
		FUZZ_CHECK(!strstr(json, "\"\""));
		if (st_profile_parse(json, len, "learned", &back, &err) < 0)
			FUZZ_FAIL("a learned profile does not read back: %s", err.msg);
		for (size_t i = 0; i < n; i++)
			if (v[i].name)
				FUZZ_CHECK(st_profile_classify(back, v[i].name,
							       &(const struct st_rule *){NULL}) ==
					   ST_MERGE_COVERED);
		st_profile_free(back);
		free(json);
	} else {
		fuzz_check_error(&err);
	}
	st_profile_free(p);
	st_learn_free(l);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	const char *s = text;
	int64_t pids[] = {1, 5345, 23121};

	while (s < text + size) {
		const char *nl = memchr(s, '\n', (size_t)(text + size - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(text + size - s);

		check_line(s, len);
		s += len + 1;
	}
	learn(text, size, &(struct st_learn_opts){.ratelimit_ms = 5000, .ratelimit_burst = 10});
	learn(text, size,
	      &(struct st_learn_opts){.pids = pids,
				      .n_pids = 3,
				      .comm = "raw32",
				      .has_since = true,
				      .since_ms = 1796027000000ULL,
				      .has_until = true,
				      .until_ms = 1796028000000ULL,
				      .match = pid_is_odd});
	free(text);
	return 0;
}
