// SPDX-License-Identifier: Apache-2.0
/* Reading seccomp audit records from log lines (see audit_record.h for the
 * formats and where they come from). Every scan is bounded by the span it
 * is given; no function here reads past the end of its line. */
#include "audit_record.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A piece of the line: p[0..n). */
struct span {
	const char *p;
	size_t n;
};

static bool has_prefix(struct span s, const char *lit)
{
	size_t k = strlen(lit);

	return s.n >= k && !memcmp(s.p, lit, k);
}

static struct span skip(struct span s, size_t k)
{
	return (struct span){s.p + k, s.n - k};
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The whole span as an unsigned number in base 10 or 16, at most max. */
static bool parse_unsigned(struct span s, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0 || s.n > 20)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		int d = base == 16 ? hex_value(s.p[i]) : (is_digit(s.p[i]) ? s.p[i] - '0' : -1);

		if (d < 0 || v > (max - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool parse_signed(struct span s, int64_t *out)
{
	bool neg = s.n && s.p[0] == '-';
	uint64_t v;

	if (!parse_unsigned(neg ? skip(s, 1) : s, 10, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX,
			    &v))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Leading decimal digits of s (at most 20) as a number; *used is how many. */
static bool leading_number(struct span s, uint64_t max, uint64_t *out, size_t *used)
{
	size_t k = 0;

	while (k < s.n && k < 21 && is_digit(s.p[k]))
		k++;
	*used = k;
	return parse_unsigned((struct span){s.p, k}, 10, max, out);
}

/* "SEC.MSEC:SERIAL)" at the start of s; the rest after ')' in *rest. */
static bool parse_stamp(struct span s, struct st_audit_stamp *st, struct span *rest)
{
	uint64_t sec, msec, serial;
	size_t k;

	if (!leading_number(s, UINT64_MAX, &sec, &k) || k >= s.n || s.p[k] != '.')
		return false;
	s = skip(s, k + 1);
	/* the kernel prints %03lu: three digits, always */
	if (s.n < 4 || !parse_unsigned((struct span){s.p, 3}, 10, 999, &msec) || s.p[3] != ':')
		return false;
	s = skip(s, 4);
	if (!leading_number(s, UINT32_MAX, &serial, &k) || k >= s.n || s.p[k] != ')')
		return false;
	st->sec = sec;
	st->msec = (uint32_t)msec;
	st->serial = (uint32_t)serial;
	*rest = skip(s, k + 1);
	return true;
}

/* A comm= or exe= value: "quoted" (the kernel quotes only 0x21-0x7e without
 * '"'), or hex. Decoded into buf (max bytes, NUL added). */
static bool decode_untrusted(struct span v, char *buf, size_t max, size_t *len)
{
	size_t n = 0;

	if (v.n >= 2 && v.p[0] == '"' && v.p[v.n - 1] == '"') {
		if (v.n - 2 > max)
			return false;
		for (size_t i = 1; i + 1 < v.n; i++) {
			unsigned char c = (unsigned char)v.p[i];

			if (c == '"' || c < 0x21 || c > 0x7e)
				return false;
			buf[n++] = (char)c;
		}
	} else {
		if (v.n == 0 || v.n % 2 || v.n / 2 > max)
			return false;
		for (size_t i = 0; i < v.n; i += 2) {
			int hi = hex_value(v.p[i]), lo = hex_value(v.p[i + 1]);

			if (hi < 0 || lo < 0)
				return false;
			buf[n++] = (char)(hi << 4 | lo);
		}
	}
	buf[n] = '\0';
	*len = n;
	return true;
}

enum field {
	F_SIG,
	F_ARCH,
	F_SYSCALL,
	F_COMPAT,
	F_IP,
	F_CODE,
	F_NR_TAIL,
};

static const char *const tail_keys[F_NR_TAIL] = {
    "sig=", "arch=", "syscall=", "compat=", "ip=", "code="};

/* The last space-separated token of *s, taken off its end. */
static bool last_token(struct span *s, struct span *tok)
{
	size_t i = s->n;

	if (!s->n)
		return false;
	while (i > 0 && s->p[i - 1] != ' ')
		i--;
	*tok = (struct span){s->p + i, s->n - i};
	s->n = i ? i - 1 : 0;
	return tok->n > 0;
}

static bool bad(struct st_audit_line *out, const char *why)
{
	out->kind = ST_AUDIT_BAD_SECCOMP;
	out->why = why;
	return false;
}

/* The fields after "audit(...): " of a seccomp record. Read from the end:
 * what follows exe is the kernel's own numbers, what precedes pid (auid,
 * uid, gid, ses, an LSM's subj, which may hold spaces) is not needed. */
static bool parse_seccomp_body(struct span body, struct st_audit_line *out)
{
	struct st_audit_seccomp *sc = &out->sc;
	struct span tok, val[F_NR_TAIL] = {{0}};
	bool seen[F_NR_TAIL] = {0};
	int last = F_NR_TAIL;
	uint64_t u;

	for (;;) {
		struct span rest = body;
		int f = -1;

		if (!last_token(&rest, &tok))
			return bad(out, "a record without pid, comm or exe");
		for (int i = 0; i < F_NR_TAIL; i++)
			if (has_prefix(tok, tail_keys[i]))
				f = i;
		if (f < 0)
			break;
		/* the kernel writes them once each, in this order, code last */
		if (seen[f])
			return bad(out, "a field given twice");
		if (f > last || (last == F_NR_TAIL && f != F_CODE))
			return bad(out, "fields out of the kernel's order");
		last = f;
		seen[f] = true;
		val[f] = skip(tok, strlen(tail_keys[f]));
		body = rest;
	}
	if (!seen[F_CODE] || !seen[F_ARCH] || !seen[F_SYSCALL])
		return bad(out, "no arch, syscall or code (cut short?)");
	if (!has_prefix(val[F_CODE], "0x") ||
	    !parse_unsigned(skip(val[F_CODE], 2), 16, UINT32_MAX, &u))
		return bad(out, "an unreadable code");
	sc->code = (uint32_t)u;
	if (!parse_unsigned(val[F_ARCH], 16, UINT32_MAX, &u))
		return bad(out, "an unreadable arch");
	sc->arch = (uint32_t)u;
	if (!parse_signed(val[F_SYSCALL], &sc->syscall))
		return bad(out, "an unreadable syscall number");
	if (seen[F_COMPAT]) {
		if (val[F_COMPAT].n != 1 ||
		    (val[F_COMPAT].p[0] != '0' && val[F_COMPAT].p[0] != '1'))
			return bad(out, "an unreadable compat");
		sc->has_compat = true;
		sc->compat = val[F_COMPAT].p[0] == '1';
	}
	if (seen[F_SIG] && !parse_signed(val[F_SIG], &sc->sig))
		return bad(out, "an unreadable sig");
	if (seen[F_IP] && (!has_prefix(val[F_IP], "0x") ||
			   !parse_unsigned(skip(val[F_IP], 2), 16, UINT64_MAX, &u)))
		return bad(out, "an unreadable ip");

	/* exe= (absent in old kernels), comm=, pid=, in that order backwards */
	if (!last_token(&body, &tok))
		return bad(out, "a record without pid or comm");
	if (has_prefix(tok, "exe=")) {
		struct span v = skip(tok, 4);

		if (v.n == 6 && !memcmp(v.p, "(null)", 6)) {
			sc->has_exe = false;
		} else if (decode_untrusted(v, sc->exe, ST_AUDIT_MAX_EXE, &sc->exe_len)) {
			sc->has_exe = true;
		} else {
			return bad(out, "an unreadable exe");
		}
		if (!last_token(&body, &tok))
			return bad(out, "a record without pid or comm");
	}
	if (!has_prefix(tok, "comm=") ||
	    !decode_untrusted(skip(tok, 5), sc->comm, ST_AUDIT_MAX_COMM, &sc->comm_len))
		return bad(out, "an unreadable comm");
	if (!last_token(&body, &tok) || !has_prefix(tok, "pid=") ||
	    !parse_unsigned(skip(tok, 4), 10, INT32_MAX, &u))
		return bad(out, "an unreadable pid");
	sc->pid = (int64_t)u;
	out->kind = ST_AUDIT_SECCOMP;
	return true;
}

/* After "type=NAME msg=" (auditd) or "type=N " (kernel): "audit(STAMP): BODY". */
static void parse_record(struct span s, struct st_audit_line *out)
{
	struct span rest;

	if (!has_prefix(s, "audit(") || !parse_stamp(skip(s, 6), &out->stamp, &rest) ||
	    !has_prefix(rest, ": ")) {
		if (out->type == ST_AUDIT_TYPE_SECCOMP) {
			out->kind = ST_AUDIT_BAD_SECCOMP;
			out->why = "an unreadable audit(time:serial) stamp";
		} else {
			out->kind = ST_AUDIT_NONE;
		}
		return;
	}
	out->has_stamp = true;
	if (out->type != ST_AUDIT_TYPE_SECCOMP) {
		out->kind = ST_AUDIT_RECORD;
		return;
	}
	rest = skip(rest, 2);
	if (out->source == ST_AUDIT_SRC_AUDITD) {
		/* auditd's ENRICHED format appends its interpretations after
		 * 0x1d; we name syscalls ourselves */
		const char *gs = memchr(rest.p, 0x1d, rest.n);

		if (gs)
			rest.n = (size_t)(gs - rest.p);
	}
	parse_seccomp_body(rest, out);
}

/* auditd: "[node=NAME ]type=NAME msg=audit(...): ...". */
static void parse_auditd(struct span s, struct st_audit_line *out)
{
	size_t k = 0;
	uint64_t t;

	out->source = ST_AUDIT_SRC_AUDITD;
	s = skip(s, 5); /* "type=" */
	while (k < s.n && k < 64 && s.p[k] != ' ')
		k++;
	if (k == 0 || k >= s.n)
		return;
	struct span name = {s.p, k};
	if (name.n == 7 && !memcmp(name.p, "SECCOMP", 7)) {
		out->type = ST_AUDIT_TYPE_SECCOMP;
	} else if (has_prefix(name, "UNKNOWN[") && name.p[name.n - 1] == ']' &&
		   parse_unsigned((struct span){name.p + 8, name.n - 9}, 10, UINT32_MAX, &t)) {
		out->type = (uint32_t)t;
	} else {
		for (size_t i = 0; i < name.n; i++)
			if (!(name.p[i] >= 'A' && name.p[i] <= 'Z') && !is_digit(name.p[i]) &&
			    name.p[i] != '_')
				return;
		out->daemon = has_prefix(name, "DAEMON_");
	}
	s = skip(s, k + 1);
	if (!has_prefix(s, "msg="))
		return;
	s = skip(s, 4);
	/* ausearch --interpret: "msg=audit(01/02/2026 10:00:00.123:53) : ",
	 * with comm and exe decoded (and so able to hold anything) */
	if (has_prefix(s, "audit(") && s.n > 6 && is_digit(s.p[6])) {
		size_t d = 6;

		while (d < s.n && d < 32 && is_digit(s.p[d]))
			d++;
		if (d < s.n && s.p[d] == '/') {
			out->kind = ST_AUDIT_UNSUPPORTED;
			out->why = "ausearch --interpret output (decoded values are ambiguous: use "
				   "the raw log or ausearch --raw)";
			return;
		}
	}
	parse_record(s, out);
}

static const char *const loss_reasons[] = {
    "rate limit exceeded",	   "backlog limit exceeded", "printk limit exceeded",
    "kauditd hold queue overflow", "out of memory in ",	     "auditd disappeared",
};

/* Functions whose printk rate limit drops audit records (kernel/audit.c);
 * the kernel names the function in "%s: %d callbacks suppressed". */
static const char *const ratelimited[] = {
    "kauditd_printk_skb: ", "audit_printk_skb: ", "audit_log_lost: ",
    "audit_panic: ",	    "kauditd_hold_skb: ", "audit_log_start: ",
};

/* The kernel's message itself, after whatever prefix the log put before it. */
static bool parse_kernel_message(struct span m, struct st_audit_line *out)
{
	uint64_t v;
	size_t k;

	for (size_t i = 0; i < ARRAY_SIZE(ratelimited); i++) {
		struct span r;

		if (!has_prefix(m, ratelimited[i]))
			continue;
		r = skip(m, strlen(ratelimited[i]));
		if (leading_number(r, UINT64_MAX, &v, &k) &&
		    has_prefix(skip(r, k), " callbacks suppressed")) {
			out->kind = ST_AUDIT_LOSS;
			out->loss = ST_LOSS_SUPPRESSED;
			out->loss_count = v;
			out->why = "printk rate limit";
			return true;
		}
		return false;
	}
	if (!has_prefix(m, "audit: "))
		return false;
	m = skip(m, 7);
	if (has_prefix(m, "type=")) {
		struct span r = skip(m, 5);

		if (!leading_number(r, UINT32_MAX, &v, &k) || !has_prefix(skip(r, k), " "))
			return false;
		out->type = (uint32_t)v;
		parse_record(skip(r, k + 1), out);
		return out->kind != ST_AUDIT_NONE;
	}
	if (has_prefix(m, "audit_lost=")) {
		out->kind = ST_AUDIT_LOSS;
		out->loss = ST_LOSS_LOST;
		out->why = "the kernel's audit lost counter went up";
		if (leading_number(skip(m, 11), UINT64_MAX, &v, &k))
			out->loss_count = v;
		return true;
	}
	if (has_prefix(m, "audit_backlog=")) {
		out->kind = ST_AUDIT_LOSS;
		out->loss = ST_LOSS_BACKLOG;
		out->why = "audit backlog limit exceeded";
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(loss_reasons); i++)
		if (has_prefix(m, loss_reasons[i])) {
			out->kind = ST_AUDIT_LOSS;
			out->loss = ST_LOSS_REASON;
			out->why = loss_reasons[i];
			return true;
		}
	return false;
}

/* "[...]" of a dmesg or journal time stamp, then spaces; "[SEC.USEC]" (the
 * printk clock) is kept in out. */
static bool skip_bracket(struct span *s, struct st_audit_line *out)
{
	size_t k = 1, i = 1, used;
	uint64_t sec, usec;

	if (!s->n || s->p[0] != '[')
		return false;
	while (k < s->n && k < 64 && s->p[k] != ']') {
		if (s->p[k] == '[' || (unsigned char)s->p[k] < 0x20 ||
		    (unsigned char)s->p[k] > 0x7e)
			return false;
		k++;
	}
	if (k >= s->n || s->p[k] != ']')
		return false;
	while (i < k && s->p[i] == ' ')
		i++;
	if (leading_number((struct span){s->p + i, k - i}, UINT32_MAX, &sec, &used) &&
	    i + used < k && s->p[i + used] == '.' &&
	    parse_unsigned((struct span){s->p + i + used + 1, k - i - used - 1}, 10, 999999,
			   &usec) &&
	    k - i - used - 1 == 6) {
		out->has_mono = true;
		out->mono_usec = sec * 1000000 + usec;
	}
	k++;
	while (k < s->n && s->p[k] == ' ')
		k++;
	*s = skip(*s, k);
	return true;
}

/* One word of a time stamp or host name ("Jan", "12:00:00", "2026-01-02T10:00:00,123+00:00",
 * "myhost"), then spaces: letters, digits and :.,+-_ only. */
static bool skip_word(struct span *s)
{
	size_t k = 0;

	while (k < s->n && k < 64) {
		char c = s->p[k];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == ':' ||
		      c == '.' || c == ',' || c == '+' || c == '-' || c == '_'))
			break;
		k++;
	}
	if (k == 0 || k >= s->n || s->p[k] != ' ')
		return false;
	while (k < s->n && s->p[k] == ' ')
		k++;
	*s = skip(*s, k);
	return true;
}

/* "YYYY-MM-DDTHH:MM:SS" at the start of s (dmesg --time-format=iso, RFC 3339
 * syslog). */
static bool iso_stamp(struct span s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	if (s.n < sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !is_digit(s.p[i]) : s.p[i] != shape[i])
			return false;
	return true;
}

/* /dev/kmsg: "PRI,SEQ,USEC,FLAGS[,...];MESSAGE" (Documentation/ABI/testing/dev-kmsg). */
static bool parse_kmsg_header(struct span *s, struct st_audit_line *out, uint64_t *pri)
{
	uint64_t seq, usec;
	size_t k;
	struct span r = *s;

	if (!leading_number(r, UINT32_MAX, pri, &k) || !has_prefix(skip(r, k), ","))
		return false;
	r = skip(r, k + 1);
	if (!leading_number(r, UINT64_MAX, &seq, &k) || !has_prefix(skip(r, k), ","))
		return false;
	r = skip(r, k + 1);
	if (!leading_number(r, UINT64_MAX, &usec, &k) || !has_prefix(skip(r, k), ","))
		return false;
	r = skip(r, k + 1);
	for (k = 0; k < r.n && k < 64 && r.p[k] != ';'; k++)
		;
	if (k >= r.n || r.p[k] != ';')
		return false;
	out->has_kmsg = out->has_mono = true;
	out->kmsg_seq = seq;
	out->kmsg_usec = out->mono_usec = usec;
	*s = skip(r, k + 1);
	return true;
}

/* dmesg -x: "FACILITY :LEVEL : " (dmesg pads both); *kern: the kernel's. */
static bool skip_facility(struct span *s, bool *kern)
{
	size_t k = 0;

	while (k < s->n && k < 16 && s->p[k] >= 'a' && s->p[k] <= 'z')
		k++;
	if (!k)
		return false;
	*kern = k == 4 && has_prefix(*s, "kern");
	while (k < s->n && s->p[k] == ' ')
		k++;
	if (k >= s->n || s->p[k] != ':')
		return false;
	for (k++; k < s->n && k < 40 && s->p[k] != ':'; k++)
		if (!(s->p[k] >= 'a' && s->p[k] <= 'z') && s->p[k] != ' ')
			return false;
	if (k + 1 >= s->n || s->p[k] != ':' || s->p[k + 1] != ' ')
		return false;
	*s = skip(*s, k + 2);
	return true;
}

/* A syslog tag at the start of s: "NAME: " or "NAME[PID]: "; its length
 * with the ": " in *len and the NAME's in *name. */
static bool syslog_tag(struct span s, size_t *name, size_t *len)
{
	size_t k = 0;

	while (k < s.n && k < 128 && s.p[k] != ' ' && s.p[k] != ':' && s.p[k] != '[')
		k++;
	if (!k)
		return false;
	*name = k;
	if (k < s.n && s.p[k] == '[') {
		for (k++; k < s.n && is_digit(s.p[k]); k++)
			;
		if (k >= s.n || s.p[k] != ']')
			return false;
		k++;
	}
	if (k + 1 >= s.n || s.p[k] != ':' || s.p[k + 1] != ' ')
		return false;
	*len = k + 2;
	return true;
}

/* The syslog tail "[WORD ...] TAG: MESSAGE" after a message's time stamp:
 * the host name and such words, then the tag. The kernel's ("kernel:",
 * with the printk time perhaps) is read; journald's own copy of an audit
 * record ("audit[PID]: SECCOMP ...") is refused; any other tag is another
 * program's message. False: no tag, not a syslog line. */
static bool syslog_tail(struct span s, struct st_audit_line *out)
{
	size_t name, len;

	for (int words = 0; words < 5; words++) {
		if (syslog_tag(s, &name, &len)) {
			struct span tag = {s.p, name};

			s = skip(s, len);
			if (name == 6 && has_prefix(tag, "kernel") && len == 8) {
				skip_bracket(&s, out);
				parse_kernel_message(s, out);
			} else if (name == 5 && has_prefix(tag, "audit") &&
				   has_prefix(s, "SECCOMP ")) {
				/* the copy has lost the serial number and the time */
				out->kind = ST_AUDIT_UNSUPPORTED;
				out->why = "journald's audit records (audit[PID]: SECCOMP ...) "
					   "carry no serial number: read journalctl -k (the "
					   "kernel log) or auditd's log";
			}
			return true;
		}
		if (!skip_word(&s))
			return false;
	}
	return false;
}

/* The kernel log in the forms its readers print it. Every form that keeps
 * message boundaries puts something before each message and indents the
 * rest of a message that holds a newline:
 *   /dev/kmsg       5,347,415730836,-;MSG        (newlines as \x0a)
 *   dmesg           [  415.730836] MSG      (-T: [Mon Jan  2 10:00:00 2026] MSG)
 *   dmesg -r, -x    <5>[  415.730836] MSG,  kern  :notice: [  415.730836] MSG
 *   dmesg --time-format=iso   2026-01-02T10:00:00,123456+00:00 MSG
 *   journalctl -k, syslog     Jan 02 10:00:00 host kernel: [ 415.73] MSG
 * dmesg -t and journalctl -o cat print MSG alone: ST_FORM_BARE. */
static void parse_kernel(struct span s, struct st_audit_line *out)
{
	uint64_t pri;
	size_t k;
	bool start = false, kern = true;

	out->source = ST_AUDIT_SRC_KERNEL;
	if (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
		out->form = ST_FORM_CONTINUATION;
		return;
	}
	if (parse_kmsg_header(&s, out, &pri)) {
		out->form = ST_FORM_KMSG;
		/* user space writing to /dev/kmsg never gets facility 0
		 * (kernel/printk/printk.c: devkmsg_write) */
		if (pri >> 3 == 0)
			parse_kernel_message(s, out);
		return;
	}
	if (has_prefix(s, "<")) { /* dmesg -r */
		if (!leading_number(skip(s, 1), 1023, &pri, &k) || !has_prefix(skip(s, 1 + k), ">"))
			return;
		kern = pri >> 3 == 0;
		s = skip(s, k + 2);
		start = true;
	} else if (skip_facility(&s, &kern)) { /* dmesg -x */
		start = true;
	}
	if (skip_bracket(&s, out) || start) {
		out->form = ST_FORM_STAMPED;
		/* journalctl -o short-monotonic: "[  415.731728] host kernel: MSG" */
		if (kern && !parse_kernel_message(s, out))
			syslog_tail(s, out);
		return;
	}
	if (iso_stamp(s)) {
		out->form = ST_FORM_STAMPED;
		if (skip_word(&s) && !parse_kernel_message(s, out))
			syslog_tail(s, out);
		return;
	}
	if (parse_kernel_message(s, out)) {
		out->form = ST_FORM_BARE;
		return;
	}
	/* journalctl's "-- Boot ID --", "-- No entries --"; grep's "--";
	 * ausearch's "----" and "time->DATE"; blank lines */
	if ((has_prefix(s, "-- ") && s.n >= 6 && !memcmp(s.p + s.n - 3, " --", 3)) ||
	    (s.n == 2 && has_prefix(s, "--")) || (s.n == 4 && has_prefix(s, "----")) ||
	    has_prefix(s, "time->") || s.n == 0) {
		out->form = ST_FORM_MARK;
		out->new_boot = has_prefix(s, "-- Boot ") || has_prefix(s, "-- Reboot --");
		return;
	}
	/* classic syslog and journalctl: "Jan 02 10:00:00 host TAG: MSG",
	 * short-full "Mon 2026-01-02 10:00:00 UTC host TAG: MSG": a time of
	 * day among the first words */
	for (int words = 0; words < 4; words++) {
		bool time = s.n > 8 && is_digit(s.p[0]) && is_digit(s.p[1]) && s.p[2] == ':';

		if (!skip_word(&s))
			return;
		if (time) {
			if (syslog_tail(s, out))
				out->form = ST_FORM_STAMPED;
			return;
		}
	}
}

static bool mentions_seccomp_record(const char *line, size_t len)
{
	return memmem(line, len, "type=1326 audit(", 16) ||
	       memmem(line, len, "type=SECCOMP msg=audit(", 23);
}

void st_audit_parse_line(const char *line, size_t len, struct st_audit_line *out)
{
	struct span s = {line, len};

	/* everything but the big arrays, which the parser NUL-terminates when used */
	memset(out, 0, offsetof(struct st_audit_line, sc));
	memset(&out->sc, 0, offsetof(struct st_audit_seccomp, comm));
	out->sc.comm[0] = out->sc.exe[0] = '\0';
	out->sc.pid = -1;

	while (s.n && (s.p[s.n - 1] == '\n' || s.p[s.n - 1] == '\r'))
		s.n--;
	if (s.n > ST_AUDIT_MAX_LINE) {
		if (mentions_seccomp_record(s.p, s.n)) {
			out->kind = ST_AUDIT_BAD_SECCOMP;
			out->why = "a line too long to be a seccomp record";
		}
		return;
	}
	if (has_prefix(s, "node=")) { /* auditd's name_format */
		size_t k = 5;

		while (k < s.n && k < 5 + 256 && s.p[k] != ' ')
			k++;
		if (k < s.n && s.p[k] == ' ' && has_prefix(skip(s, k + 1), "type="))
			s = skip(s, k + 1);
	}
	if (has_prefix(s, "type=")) {
		parse_auditd(s, out);
		out->form = ST_FORM_AUDITD;
	} else {
		parse_kernel(s, out);
	}
}

const char *st_seccomp_action_name(uint32_t code)
{
	switch (code & ST_SECCOMP_RET_ACTION_FULL) {
	case ST_SECCOMP_RET_KILL_THREAD:
		return "SCMP_ACT_KILL_THREAD";
	case ST_SECCOMP_RET_TRAP:
		return "SCMP_ACT_TRAP";
	case ST_SECCOMP_RET_ERRNO:
		return "SCMP_ACT_ERRNO";
	case ST_SECCOMP_RET_USER_NOTIF:
		return "SCMP_ACT_NOTIFY";
	case ST_SECCOMP_RET_TRACE:
		return "SCMP_ACT_TRACE";
	case ST_SECCOMP_RET_LOG:
		return "SCMP_ACT_LOG";
	case ST_SECCOMP_RET_ALLOW:
		return "SCMP_ACT_ALLOW";
	default:
		/* kernel/seccomp.c: any other action kills the process */
		return "SCMP_ACT_KILL_PROCESS";
	}
}

const char *st_audit_printable(const char *s, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	if (len < 4) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		size_t k = 1;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			tmp[0] = (char)c;
		else
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		if (o + k > len - 4) { /* room for "..." and the NUL stays */
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, tmp, k);
		o += k;
	}
	buf[o] = '\0';
	return buf;
}
