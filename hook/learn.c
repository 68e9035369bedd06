// SPDX-License-Identifier: Apache-2.0
/* What a set of seccomp audit records teaches (see learn.h).
 *
 * Gaps. Every audit record takes the next serial number when it is made
 * (kernel/audit.c: audit_serial; the records of one event share one), then
 * goes to auditd or, when none listens, to printk under its rate limit, so a
 * serial number missing between two that are present is a record that
 * never reached this log. The kernel also says so itself ("callbacks
 * suppressed", "audit_lost=", "backlog limit exceeded"); both count when they
 * fall in the time window. A drop after the last record leaves no trace
 * until the next one: a log that ends at the rate limit is suspect too. */
#include "learn.h"
#include "learn_time.h"

#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strv.h"
#include "util.h"

#define MAX_GAP_MESSAGES 8
/* Serial numbers kept per boot for the gap check; past this the check
 * starts over (a gap across the cut goes unseen, memory stays bounded). */
#define MAX_SERIALS (4u << 20)
/* Records of concurrent events reach the log slightly out of order. */
#define SERIAL_REORDER 1024

struct serial_pt {
	uint32_t serial;
	uint64_t ms;
	uint64_t hash; /* a seccomp record's content; 0: another record */
	uint64_t at;   /* its line number, or /dev/kmsg sequence number */
	uint64_t mono; /* its printk time (us since boot), NO_MONO if unknown */
};

#define NO_MONO UINT64_MAX

/* Records learn made itself (st_learn_own_record); a handful at most. */
#define MAX_OWN 4
/* Telling learn's own record: its stamp may be off a tick or so from the
 * times around it (clock adjustments); the pid, call and action decide. */
#define OWN_SLACK_MS 20

struct own_record {
	struct st_learn_own o;
	bool seen;    /* read back */
	bool excused; /* unseen: the serial number it took has been accounted for */
};

/* The input being read: whether its lines keep message boundaries is told
 * by its first line that starts one (see st_learn_end_input). */
enum input_form { INPUT_UNDECIDED, INPUT_BOUNDED, INPUT_UNBOUNDED };

/* (arch, nr) -> index in a vector of st_learned. */
struct call_table {
	struct st_learned *v;
	size_t n, cap;
	uint32_t *slots; /* index + 1; 0: empty */
	size_t n_slots;
};

struct st_learn {
	struct st_learn_opts o;
	struct st_learn_stats stats;
	struct call_table calls, unattributed;

	char *gaps[MAX_GAP_MESSAGES];
	size_t n_gaps;
	uint64_t total_gaps;

	/* serial numbers of the current boot */
	struct serial_pt *serials;
	size_t n_serials, cap_serials;
	uint32_t last_serial;
	uint64_t last_ms;
	uint64_t missing_records;

	/* time of the last kernel record, and loss messages since it */
	bool have_prev;
	uint64_t prev_ms;
	uint64_t pending;
	char pending_msg[256];
	bool pending_has_mono; /* the first loss message's printk time */
	uint64_t pending_mono_usec;
	/* wall clock ms minus printk clock ms, from the last kernel record
	 * with both: puts a time on the kernel's loss messages */
	bool have_offset;
	int64_t offset_ms;

	/* the input being read */
	enum input_form input;
	uint64_t in_first, in_skipped, in_audit, in_marks;

	bool forged;
	char forged_msg[512]; /* why the records cannot all be the kernel's */

	/* loss messages right before a record of learn's own (the kernel
	 * prints them when that record resets the printk rate limit): what
	 * learn's dropped records may account for, settled at the end */
	uint64_t own_suppressed; /* their "callbacks suppressed" counts */
	char own_loss_msg[256];	 /* the first of them */
	uint64_t pending_suppressed, pending_other;

	struct own_record own[MAX_OWN];
	size_t n_own;

	/* times of the last ratelimit_burst kernel records (a ring), and
	 * their printk times (NO_MONO if unknown) */
	uint64_t *recent, *recent_mono;
	size_t n_recent, recent_pos;
	uint64_t kernel_records;
};

static void set_gap(struct st_learn *l, const char *msg)
{
	l->total_gaps++;
	if (l->n_gaps < MAX_GAP_MESSAGES)
		l->gaps[l->n_gaps++] = strdup(msg);
}

void st_learn_gap(struct st_learn *l, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	set_gap(l, buf);
}

int st_learn_new(const struct st_learn_opts *o, struct st_learn **out, struct st_error *err)
{
	struct st_learn *l = calloc(1, sizeof(*l));

	if (!l)
		return st_error_set(err, ENOMEM, "learn");
	l->o = *o;
	if (l->o.ratelimit_burst) {
		l->recent = calloc(l->o.ratelimit_burst, sizeof(*l->recent));
		l->recent_mono = calloc(l->o.ratelimit_burst, sizeof(*l->recent_mono));
		if (!l->recent || !l->recent_mono) {
			free(l->recent);
			free(l->recent_mono);
			free(l);
			return st_error_set(err, ENOMEM, "learn");
		}
	}
	*out = l;
	return 0;
}

static void table_free(struct call_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->slots);
}

void st_learn_free(struct st_learn *l)
{
	if (!l)
		return;
	table_free(&l->calls);
	table_free(&l->unattributed);
	for (size_t i = 0; i < l->n_gaps; i++)
		free(l->gaps[i]);
	free(l->serials);
	free(l->recent);
	free(l->recent_mono);
	free(l);
}

/* ---- arches and names, from libseccomp ---- */

/* libseccomp's arch names (seccomp_arch_resolve_name knows them; those
 * this libseccomp lacks resolve to 0 and are skipped). */
static const char *const scmp_arches[] = {
    "x86",    "x86_64",	   "x32",    "arm",	 "aarch64",	"loongarch64", "m68k",	"mips",
    "mips64", "mips64n32", "mipsel", "mipsel64", "mipsel64n32", "ppc",	       "ppc64", "ppc64le",
    "s390",   "s390x",	   "parisc", "parisc64", "riscv64",	"sheb",	       "sh",
};
#define N_SCMP_ARCHES (ARRAY_SIZE(scmp_arches))

static const char *arch_token_name(uint32_t token)
{
	static char names[N_SCMP_ARCHES][32];
	static uint32_t tokens[N_SCMP_ARCHES];
	static bool resolved;

	if (!resolved) {
		for (size_t i = 0; i < N_SCMP_ARCHES; i++) {
			size_t k = (size_t)snprintf(names[i], sizeof(names[i]), "SCMP_ARCH_");

			tokens[i] = seccomp_arch_resolve_name(scmp_arches[i]);
			for (const char *p = scmp_arches[i]; *p && k + 1 < sizeof(names[i]); p++)
				names[i][k++] = (*p >= 'a' && *p <= 'z') ? *p - 'a' + 'A' : *p;
			names[i][k] = '\0';
		}
		resolved = true;
	}
	for (size_t i = 0; i < N_SCMP_ARCHES; i++)
		if (tokens[i] && tokens[i] == token)
			return names[i];
	return NULL;
}

/* x32 calls reach seccomp with AUDIT_ARCH_X86_64 and the x32 bit in the
 * number (arch/x86: __X32_SYSCALL_BIT); libseccomp names them on SCMP_ARCH_X32. */
#define X32_SYSCALL_BIT 0x40000000

static uint32_t record_token(uint32_t arch, int64_t nr)
{
	if (arch == SCMP_ARCH_X86_64 && nr >= 0 && (nr & X32_SYSCALL_BIT))
		return SCMP_ARCH_X32;
	return arch;
}

const char *st_audit_arch_name(uint32_t arch, int64_t nr)
{
	return arch_token_name(record_token(arch, nr));
}

/* libseccomp's name of nr on the record's arch, NULL if none. The name must
 * lead back to nr: libseccomp gives negative pseudo numbers to calls an arch
 * lacks, which no kernel records. */
static char *name_of(uint32_t arch, int64_t nr)
{
	uint32_t token = record_token(arch, nr);
	char *name;

	if (nr < 0 || nr > INT_MAX || !arch_token_name(token))
		return NULL;
	name = seccomp_syscall_resolve_num_arch(token, (int)nr);
	if (name && seccomp_syscall_resolve_name_arch(token, name) != (int)nr) {
		free(name);
		return NULL;
	}
	return name;
}

/* ---- the (arch, nr) table ---- */

static size_t slot_of(uint32_t arch, int64_t nr, size_t n_slots)
{
	uint64_t h = ((uint64_t)arch << 32) ^ (uint64_t)nr;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)(h & (n_slots - 1));
}

static int table_grow(struct call_table *t)
{
	size_t n = t->n_slots ? t->n_slots * 2 : 64;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = slot_of(t->v[i].arch, t->v[i].nr, n);

		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->n_slots = n;
	return 0;
}

/* The entry for (arch, nr), made on first sight; NULL when memory or the
 * bound runs out. */
static struct st_learned *table_get(struct call_table *t, const struct st_audit_seccomp *sc,
				    struct st_error *err)
{
	struct st_learned *e;
	size_t j;

	if (t->n_slots) {
		for (j = slot_of(sc->arch, sc->syscall, t->n_slots); t->slots[j];
		     j = (j + 1) & (t->n_slots - 1)) {
			e = &t->v[t->slots[j] - 1];
			if (e->arch == sc->arch && e->nr == sc->syscall)
				return e;
		}
	}
	if (t->n >= ST_LEARN_MAX_CALLS) {
		st_error_set(err, 0,
			     "more than %u distinct syscalls in the records: not a seccomp log",
			     ST_LEARN_MAX_CALLS);
		return NULL;
	}
	if ((t->n + 1) * 2 > t->n_slots && table_grow(t) < 0)
		goto nomem;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct st_learned *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			goto nomem;
		t->v = v;
		t->cap = cap;
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->arch = sc->arch;
	e->nr = sc->syscall;
	e->name = name_of(sc->arch, sc->syscall);
	e->arch_name = st_audit_arch_name(sc->arch, sc->syscall);
	e->pid = sc->pid;
	e->action = st_seccomp_action_name(sc->code);
	st_audit_printable(sc->comm, sc->comm_len, e->comm, sizeof(e->comm));
	for (j = slot_of(sc->arch, sc->syscall, t->n_slots); t->slots[j];
	     j = (j + 1) & (t->n_slots - 1))
		;
	t->slots[j] = (uint32_t)++t->n;
	return e;
nomem:
	st_error_set(err, ENOMEM, "cannot keep the syscalls learned");
	return NULL;
}

/* ---- gaps ---- */

static bool overlaps_window(const struct st_learn *l, uint64_t from, uint64_t to)
{
	return !(l->o.has_since && to < l->o.since_ms) && !(l->o.has_until && from > l->o.until_ms);
}

static const char *pt_time(const struct serial_pt *p, char *buf, size_t len)
{
	return st_learn_format_time(p->ms, p->mono != NO_MONO, p->mono, buf, len);
}

static int cmp_serial(const void *a, const void *b)
{
	const struct serial_pt *x = a, *y = b;

	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Records of one event share its serial number and time (kernel/audit.c:
 * audit_get_stamp), and an event makes one seccomp record: two that differ
 * under the same serial and time are not both the kernel's. (The same
 * serial at another time may be another boot's.) */
static void check_forged(struct st_learn *l, const struct serial_pt *a, const struct serial_pt *b)
{
	char t[48];

	if (l->forged || a->serial != b->serial || a->ms != b->ms || !a->hash || !b->hash ||
	    a->hash == b->hash)
		return;
	pt_time(a, t, sizeof(t));
	l->forged = true;
	snprintf(l->forged_msg, sizeof(l->forged_msg),
		 "two different seccomp records carry audit serial %u at %s (at %llu and %llu): "
		 "the kernel gives each event its own serial, so one is forged",
		 a->serial, t, (unsigned long long)a->at, (unsigned long long)b->at);
}

/* Of k serial numbers missing between two records stamped lo and hi (ms),
 * how many learn's own unseen records took: each took one, in a jump around
 * the time it was made, and counts once. A record made before from_ms is
 * stamped before it (the same coarse clock), so a jump that ends before it
 * cannot hold it: no slack here. */
static uint64_t own_excuse(struct st_learn *l, uint64_t lo, uint64_t hi, uint64_t k)
{
	uint64_t e = 0;

	for (size_t i = 0; i < l->n_own && e < k; i++) {
		struct own_record *r = &l->own[i];

		if (r->seen || r->excused || r->o.from_ms > hi || r->o.to_ms < lo)
			continue;
		r->excused = true;
		e++;
	}
	return e;
}

/* The serial numbers of one boot are all in: find the ones missing. */
static void serials_settle(struct st_learn *l)
{
	uint64_t missing = 0, jumps = 0;
	char first[512] = "";

	qsort(l->serials, l->n_serials, sizeof(*l->serials), cmp_serial);
	for (size_t i = 1; i < l->n_serials; i++) {
		const struct serial_pt *a = &l->serials[i - 1], *b = &l->serials[i];
		uint64_t lo = a->ms < b->ms ? a->ms : b->ms, hi = a->ms < b->ms ? b->ms : a->ms, k;
		char t0[48], t1[48];

		check_forged(l, a, b);
		if (b->serial <= a->serial + 1 || !overlaps_window(l, lo, hi))
			continue;
		k = b->serial - a->serial - 1;
		k -= own_excuse(l, lo, hi, k);
		if (!k)
			continue;
		missing += k;
		if (!jumps++)
			snprintf(first, sizeof(first), "from %u to %u, between %s and %s",
				 a->serial, b->serial, pt_time(a, t0, sizeof(t0)),
				 pt_time(b, t1, sizeof(t1)));
	}
	if (missing) {
		l->missing_records += missing;
		st_learn_gap(
		    l,
		    "%llu audit record(s) never reached this log: their serial numbers are "
		    "missing (%llu jump(s), the first %s); the kernel dropped them (printk or "
		    "audit rate limit, backlog) or sent them to auditd",
		    (unsigned long long)missing, (unsigned long long)jumps, first);
	}
	l->n_serials = 0;
}

static void serial_add(struct st_learn *l, uint32_t serial, uint64_t ms, uint64_t hash, uint64_t at,
		       uint64_t mono)
{
	if (!serial)
		return;
	/* a new boot: numbering starts over while the clock goes on */
	if (l->n_serials && ((serial + SERIAL_REORDER < l->last_serial && ms >= l->last_ms) ||
			     l->n_serials >= MAX_SERIALS))
		serials_settle(l);
	if (l->n_serials == l->cap_serials) {
		size_t cap = l->cap_serials ? l->cap_serials * 2 : 1024;
		struct serial_pt *v = realloc(l->serials, cap * sizeof(*v));

		if (!v) { /* no memory for the check: say so rather than miss a gap */
			serials_settle(l);
			set_gap(l, "out of memory while checking audit serial numbers");
			return;
		}
		l->serials = v;
		l->cap_serials = cap;
	}
	l->serials[l->n_serials++] = (struct serial_pt){serial, ms, hash, at, mono};
	l->last_serial = serial;
	l->last_ms = ms;
}

/* The kernel's loss messages speak of drops since the record before them;
 * the drops came before the message itself, whose printk time (when the
 * log has it) puts them before or in the window. Without it they reach
 * up to the record after them. A second of slack keeps the estimate on the
 * side of counting: the offset comes from a record's time stamp, taken
 * when it was made, and its printk time, when it was printed. */
#define LOSS_SLACK_MS 1000

static void pending_settle(struct st_learn *l, bool have_next, uint64_t next_ms, bool own_next)
{
	uint64_t from = l->have_prev ? l->prev_ms : 0, to = have_next ? next_ms : UINT64_MAX;

	if (l->pending && l->pending_has_mono && l->have_offset) {
		int64_t at = (int64_t)(l->pending_mono_usec / 1000) + l->offset_ms + LOSS_SLACK_MS;

		if (at >= 0 && (uint64_t)at < to)
			to = (uint64_t)at;
	}
	if (l->pending && overlaps_window(l, from, to)) {
		/* printed as a record of learn's own reset the rate limit: the
		 * drops it counts may be learn's own earlier records (settled
		 * in st_learn_finish, once it is known which never showed) */
		if (own_next && !l->pending_other) {
			if (!l->own_suppressed)
				snprintf(l->own_loss_msg, sizeof(l->own_loss_msg), "%s%s",
					 l->pending_msg,
					 l->pending > 1 ? " (and more such messages)" : "");
			l->own_suppressed += l->pending_suppressed;
		} else {
			st_learn_gap(l, "%s%s", l->pending_msg,
				     l->pending > 1 ? " (and more such messages)" : "");
		}
	}
	l->pending = l->pending_suppressed = l->pending_other = 0;
	l->pending_has_mono = false;
}

static void kernel_record(struct st_learn *l, const struct st_audit_line *line, uint64_t ms,
			  bool own)
{
	if (line->has_mono) {
		l->have_offset = true;
		l->offset_ms = (int64_t)ms - (int64_t)(line->mono_usec / 1000);
	}
	pending_settle(l, true, ms, own);
	l->have_prev = true;
	l->prev_ms = ms;
	if (l->recent) {
		l->recent[l->recent_pos] = ms;
		l->recent_mono[l->recent_pos] = line->has_mono ? line->mono_usec : NO_MONO;
		l->recent_pos = (l->recent_pos + 1) % l->o.ratelimit_burst;
		if (l->n_recent < l->o.ratelimit_burst)
			l->n_recent++;
	}
	l->kernel_records++;
}

void st_learn_overlong(struct st_learn *l, const char *head, size_t n, const char *where,
		       uint64_t lineno)
{
	l->stats.lines++;
	l->stats.overlong++;
	if (memmem(head, n, "audit", 5) || memmem(head, n, "type=", 5))
		st_learn_gap(l, "%s:%llu: a line longer than %u bytes, not read", where,
			     (unsigned long long)lineno, ST_AUDIT_MAX_LINE);
}

/* ---- learn's own records ---- */

int st_learn_own_record(struct st_learn *l, const struct st_learn_own *own, struct st_error *err)
{
	if (l->n_own == MAX_OWN)
		return st_error_set(err, 0, "more than %u records of learn's own", MAX_OWN);
	l->own[l->n_own++] = (struct own_record){.o = *own};
	return 0;
}

bool st_learn_own_seen(const struct st_learn *l, size_t i)
{
	return i < l->n_own && l->own[i].seen;
}

/* Whether a record is one of learn's own: all it says must be (its pid was
 * the probe's alone between from_ms and to_ms). */
static bool own_match(struct st_learn *l, const struct st_audit_seccomp *sc, uint64_t ms)
{
	for (size_t i = 0; i < l->n_own; i++) {
		struct own_record *r = &l->own[i];

		if (sc->pid == r->o.pid && sc->arch == r->o.arch && sc->syscall == r->o.nr &&
		    (sc->code & ST_SECCOMP_RET_ACTION_FULL) == ST_SECCOMP_RET_LOG &&
		    ms + OWN_SLACK_MS >= r->o.from_ms && ms <= r->o.to_ms + OWN_SLACK_MS) {
			r->seen = true;
			return true;
		}
	}
	return false;
}

/* The kernel's "callbacks suppressed" right before a record of learn's own
 * counts what the rate limit dropped: if no more than learn's own records
 * that never showed, nothing else was. */
static void own_settle(struct st_learn *l)
{
	uint64_t unseen = 0;

	for (size_t i = 0; i < l->n_own; i++)
		unseen += !l->own[i].seen;
	if (l->own_suppressed > unseen)
		st_learn_gap(l, "%s", l->own_loss_msg);
	l->own_suppressed = 0;
}

/* ---- records ---- */

/* How messages name a line: "FILE:LINE", or for a live record (line 0)
 * its /dev/kmsg sequence number and printk time. */
static const char *line_name(const struct st_audit_line *line, const char *where, uint64_t lineno,
			     char *buf, size_t len)
{
	if (!lineno && line->has_kmsg)
		snprintf(buf, len, "%s record %llu [%llu.%06llu]", where,
			 (unsigned long long)line->kmsg_seq,
			 (unsigned long long)(line->kmsg_usec / 1000000),
			 (unsigned long long)(line->kmsg_usec % 1000000));
	else
		snprintf(buf, len, "%s:%llu", where, (unsigned long long)lineno);
	return buf;
}

static void loss_message(const struct st_audit_line *line, const char *at, char *buf, size_t len)
{
	unsigned long long n = line->loss_count;

	switch (line->loss) {
	case ST_LOSS_SUPPRESSED:
		snprintf(buf, len,
			 "%s: the printk rate limit dropped %llu kernel messages (\"callbacks "
			 "suppressed\")",
			 at, n);
		break;
	case ST_LOSS_LOST:
		snprintf(buf, len, "%s: the kernel lost audit records (audit_lost=%llu)", at, n);
		break;
	case ST_LOSS_BACKLOG:
		snprintf(buf, len, "%s: the audit backlog overflowed (audit_backlog_limit)", at);
		break;
	case ST_LOSS_REASON:
		snprintf(buf, len, "%s: the kernel dropped audit records: %s", at, line->why);
		break;
	}
}

static bool wanted_pid(const struct st_learn *l, int64_t pid)
{
	if (!l->o.pids)
		return true;
	for (size_t i = 0; i < l->o.n_pids; i++)
		if (l->o.pids[i] == pid)
			return true;
	return false;
}

static bool same(const char *want, const char *got, size_t n)
{
	return !want || (strlen(want) == n && !memcmp(want, got, n));
}

/* A line that is not a seccomp record: what it says about gaps. */
static void note_other_line(struct st_learn *l, const struct st_audit_line *line, const char *at,
			    bool in_window)
{
	switch (line->kind) {
	case ST_AUDIT_LOSS:
		if (line->has_mono && l->have_offset &&
		    !overlaps_window(l, l->have_prev ? l->prev_ms : 0,
				     (uint64_t)((int64_t)(line->mono_usec / 1000) + l->offset_ms +
						LOSS_SLACK_MS)))
			return; /* printed before the window: its drops were too */
		if (line->loss == ST_LOSS_SUPPRESSED)
			l->pending_suppressed += line->loss_count;
		else
			l->pending_other++;
		if (!l->pending++) {
			loss_message(line, at, l->pending_msg, sizeof(l->pending_msg));
			l->pending_has_mono = line->has_mono;
			l->pending_mono_usec = line->mono_usec;
		}
		return;
	case ST_AUDIT_UNSUPPORTED:
		l->stats.unsupported++;
		st_learn_gap(l, "%s: %s", at, line->why);
		return;
	case ST_AUDIT_BAD_SECCOMP:
		l->stats.bad++;
		if (!line->has_stamp || in_window)
			st_learn_gap(l, "%s: a seccomp record that cannot be read: %s", at,
				     line->why);
		return;
	default:
		return;
	}
}

/* A seccomp record of the window that passed the filters: count it. */
static int count_record(struct st_learn *l, const struct st_audit_seccomp *sc, struct st_error *err)
{
	uint32_t action = sc->code & ST_SECCOMP_RET_ACTION_FULL;
	/* ALLOW is never learned; the profile hands TRACE and NOTIFY calls to
	 * a tracer or a supervisor (seccomp notify), which decides: allowing
	 * them outright would bypass it */
	bool counts = action != ST_SECCOMP_RET_ALLOW && action != ST_SECCOMP_RET_TRACE &&
		      action != ST_SECCOMP_RET_USER_NOTIF;
	int m = l->o.match ? l->o.match(l->o.match_ctx, sc->pid) : 1;
	struct st_learned *e;

	if (m == 0)
		return 0;
	if (m < 0) {
		if (!counts)
			return 0;
		l->stats.unattributed++;
		if (!(e = table_get(&l->unattributed, sc, err)))
			return -1;
		e->records++;
		return 0;
	}
	l->stats.matched++;
	if (action == ST_SECCOMP_RET_ALLOW) {
		l->stats.allow++;
		return 0;
	}
	if (!counts) {
		l->stats.supervised++;
		return 0;
	}
	if (!(e = table_get(&l->calls, sc, err)))
		return -1;
	e->records++;
	l->stats.counted++;
	return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

/* A seccomp record's content, never 0 (0 is another record's). */
static uint64_t record_hash(const struct st_audit_seccomp *sc)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const int64_t nums[] = {sc->arch, sc->syscall, sc->code,       sc->pid,
				sc->sig,  sc->compat,  sc->has_compat, sc->has_exe};

	h = fnv(h, nums, sizeof(nums));
	h = fnv(h, &sc->comm_len, sizeof(sc->comm_len));
	h = fnv(h, sc->comm, sc->comm_len);
	h = fnv(h, sc->exe, sc->exe_len);
	return h ? h : 1;
}

/* Whether a line of the input being read may be a record: only the start
 * of a message in a form that keeps message boundaries, in an input whose
 * first message line is one. Anything else is the rest of a message that
 * held a newline (indented, or not in the log's form), or a log without
 * boundaries, where any user can forge a line (st_learn_end_input). */
static bool input_admits(struct st_learn *l, const struct st_audit_line *line, uint64_t lineno)
{
	bool start = line->form == ST_FORM_KMSG || line->form == ST_FORM_STAMPED ||
		     line->form == ST_FORM_AUDITD;

	if (line->form == ST_FORM_MARK) {
		l->in_marks++;
		if (line->new_boot && l->input == INPUT_BOUNDED && l->n_serials)
			serials_settle(l); /* journalctl: the serial numbers start over */
		return false;
	}
	if (line->form == ST_FORM_CONTINUATION) {
		l->in_skipped++;
		return false;
	}
	if (l->input == INPUT_UNDECIDED) {
		l->input = start ? INPUT_BOUNDED : INPUT_UNBOUNDED;
		l->in_first = lineno;
	}
	if (l->input == INPUT_BOUNDED && start)
		return true;
	l->in_skipped++;
	if (line->kind != ST_AUDIT_NONE)
		l->in_audit++;
	return false;
}

void st_learn_begin_input(struct st_learn *l)
{
	l->input = INPUT_UNDECIDED;
	l->in_first = l->in_skipped = l->in_audit = l->in_marks = 0;
}

int st_learn_end_input(struct st_learn *l, const char *where, struct st_error *err)
{
	if (l->input == INPUT_UNBOUNDED && l->in_audit)
		return st_error_set(
		    err, 0,
		    "%s: a kernel log without message boundaries (line %llu starts with no time "
		    "stamp, as in dmesg -t or journalctl -o cat): any user can make the kernel "
		    "print a line that reads as a record there; use dmesg (with its time stamps), "
		    "journalctl -k, or the live log (no LOG)",
		    where, (unsigned long long)l->in_first);
	if (l->input == INPUT_UNBOUNDED || (l->input == INPUT_UNDECIDED && !l->in_marks))
		return st_error_set(err, 0,
				    "%s: no kernel or audit log lines: not a dmesg, journalctl -k, "
				    "syslog or auditd log",
				    where);
	if (l->in_skipped)
		st_debug("%s: %llu line(s) that start no message skipped (the rest of messages "
			 "that held a newline, or not in the log's form)",
			 where, (unsigned long long)l->in_skipped);
	return 0;
}

int st_learn_add(struct st_learn *l, const struct st_audit_line *line, const char *where,
		 uint64_t lineno, struct st_error *err)
{
	const struct st_audit_seccomp *sc = &line->sc;
	uint64_t ms = line->stamp.sec * 1000 + line->stamp.msec;
	bool in_window = overlaps_window(l, ms, ms), own;
	char at[128];

	l->stats.lines++;
	if (!input_admits(l, line, lineno))
		return 0;
	own = line->kind == ST_AUDIT_SECCOMP && own_match(l, sc, ms);
	if (line->has_stamp && !line->daemon)
		serial_add(
		    l, line->stamp.serial, ms, line->kind == ST_AUDIT_SECCOMP ? record_hash(sc) : 0,
		    lineno ? lineno : line->kmsg_seq, line->has_mono ? line->mono_usec : NO_MONO);
	if (line->has_stamp && line->source == ST_AUDIT_SRC_KERNEL)
		kernel_record(l, line, ms, own);
	if (line->kind != ST_AUDIT_SECCOMP) {
		note_other_line(l, line, line_name(line, where, lineno, at, sizeof(at)), in_window);
		return 0;
	}
	l->stats.seccomp++;
	if (own || !in_window)
		return 0;
	l->stats.in_window++;
	if (ms > l->stats.last_ms)
		l->stats.last_ms = ms;
	if (!wanted_pid(l, sc->pid) || !same(l->o.comm, sc->comm, sc->comm_len) ||
	    !same(l->o.exe, sc->has_exe ? sc->exe : "", sc->has_exe ? sc->exe_len : 0))
		return 0;
	return count_record(l, sc, err);
}

static int cmp_learned(const void *a, const void *b)
{
	const struct st_learned *x = a, *y = b;

	if (!x->name != !y->name)
		return x->name ? -1 : 1;
	if (x->name && strcmp(x->name, y->name))
		return strcmp(x->name, y->name);
	if (x->arch != y->arch)
		return x->arch < y->arch ? -1 : 1;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static void table_sort(struct call_table *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_learned);
	/* the slots no longer match: lookups end here */
	free(t->slots);
	t->slots = NULL;
	t->n_slots = 0;
}

/* printk lets ratelimit_burst messages through per interval, and says how
 * many it dropped ("callbacks suppressed") only when it is next asked after
 * the interval (lib/ratelimit.c: ___ratelimit; the state is the one all
 * printk_ratelimit() callers share: kernel/printk/printk.c). A kernel log
 * that ends with a full burst may have lost what came next without a word,
 * however long one waits: only a later record tells. */
static void trailing_burst(struct st_learn *l)
{
	size_t n = l->o.ratelimit_burst, last = (l->recent_pos + n - 1) % n;
	uint64_t t_last = l->recent[last], t_first = l->recent[l->recent_pos];
	char t0[48], t1[48], until[48];

	if (l->n_recent < n || t_last - t_first > l->o.ratelimit_ms ||
	    (l->o.has_until && l->o.until_ms < t_last))
		return;
	st_learn_format_time(t_first, l->recent_mono[l->recent_pos] != NO_MONO,
			     l->recent_mono[l->recent_pos], t0, sizeof(t0));
	st_learn_format_time(t_last, l->recent_mono[last] != NO_MONO, l->recent_mono[last], t1,
			     sizeof(t1));
	st_learn_format_time(t_last - 1, false, 0, until, sizeof(until));
	st_learn_gap(
	    l,
	    "the kernel log ends with %zu audit records within %llu ms (%s to %s), the "
	    "printk rate limit (kernel.printk_ratelimit_burst=%u per "
	    "kernel.printk_ratelimit=%u s): records made after them may have been dropped, "
	    "and the kernel says so only before a later record, which on a quiet host may "
	    "never come. If this is the running kernel's log, learn from the live log "
	    "instead (the same command without LOG, while the kernel's ring buffer holds "
	    "them: learn then makes that record itself); or end the window before the "
	    "last of them (--until '%s'); or learn from auditd's log",
	    n, (unsigned long long)(t_last - t_first), t0, t1, l->o.ratelimit_burst,
	    l->o.ratelimit_ms / 1000, until);
}

int st_learn_finish(struct st_learn *l, struct st_error *err)
{
	pending_settle(l, false, 0, false);
	if (l->n_serials)
		serials_settle(l);
	own_settle(l);
	if (l->recent)
		trailing_burst(l);
	if (l->stats.unattributed)
		st_learn_gap(l,
			     "%llu record(s) could not be told to be the container's or not: their "
			     "processes had exited",
			     (unsigned long long)l->stats.unattributed);
	table_sort(&l->calls);
	table_sort(&l->unattributed);
	if (l->forged)
		return st_error_set(err, 0, "the log holds forged records: %s", l->forged_msg);
	return 0;
}

uint64_t st_learn_missing_records(const struct st_learn *l)
{
	return l->missing_records;
}

const struct st_learned *st_learn_calls(const struct st_learn *l, size_t *n)
{
	*n = l->calls.n;
	return l->calls.v;
}

const struct st_learned *st_learn_unattributed(const struct st_learn *l, size_t *n)
{
	*n = l->unattributed.n;
	return l->unattributed.v;
}

const struct st_learn_stats *st_learn_get_stats(const struct st_learn *l)
{
	return &l->stats;
}

const char *const *st_learn_gaps(const struct st_learn *l, size_t *n, uint64_t *total)
{
	*n = l->n_gaps;
	*total = l->total_gaps;
	return (const char *const *)l->gaps;
}

bool st_learn_incomplete(const struct st_learn *l)
{
	return l->total_gaps > 0;
}

/* ---- into a profile ---- */

static void note_outcome(void *ctx, const char *name, enum st_merge_outcome what,
			 const struct st_rule *rule)
{
	struct st_learn *l = ctx;

	for (size_t i = 0; i < l->calls.n; i++) {
		struct st_learned *e = &l->calls.v[i];

		if (e->name && !strcmp(e->name, name)) {
			e->outcome = what;
			e->rule_action = rule ? rule->action : NULL;
		}
	}
}

int st_learn_apply(struct st_learn *l, struct st_profile *p, struct st_error *err)
{
	const char *native = arch_token_name(seccomp_arch_native());
	cleanup_strv char **names = NULL;
	size_t n_names = 0;
	bool fresh = !p->default_action, foreign = false;

	for (size_t i = 0; i < l->calls.n; i++) {
		const struct st_learned *e = &l->calls.v[i];

		if (!e->name)
			continue;
		if (e->arch_name && (!native || strcmp(e->arch_name, native)))
			foreign = true;
		/* sorted by name: the same name on several arches is adjacent */
		if ((!n_names || strcmp(names[n_names - 1], e->name)) &&
		    strv_append(&names, &n_names, e->name, err) < 0)
			return -1;
	}
	if (fresh) {
		if (!(p->default_action = strdup(ST_ACT_ERRNO)))
			return st_error_set(err, ENOMEM, "cannot build profile");
		p->has_syscalls = true;
	}
	/* No arch list means "native only" to a runtime: it stays so unless a
	 * record came from another arch. A fresh profile names its arches. */
	if (fresh || foreign || p->has_architectures || p->has_archmap) {
		if ((fresh || foreign) && native && !p->has_architectures && !p->has_archmap &&
		    st_profile_add_arch(p, native, err) < 0)
			return -1;
		for (size_t i = 0; i < l->calls.n; i++) {
			const struct st_learned *e = &l->calls.v[i];

			if (e->name && e->arch_name &&
			    st_profile_add_arch(p, e->arch_name, err) < 0)
				return -1;
		}
	}
	return st_profile_allow_names(p, names, n_names, false, note_outcome, l, err);
}
