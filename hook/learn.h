/* SPDX-License-Identifier: Apache-2.0 */
/* Learning a profile from seccomp audit records: which records count, what
 * they name, whether any may be missing, and adding what they name to a
 * profile. Input is parsed lines (audit_record.h), from files or the live
 * kernel log; this module does no I/O. */
#ifndef ST_LEARN_H
#define ST_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_record.h"
#include "error.h"
#include "profile.h"

/* pid filter callback: 1 the process is one of ours, 0 it is not, -1 it can
 * no longer be told (it has exited). */
typedef int (*st_learn_match_fn)(void *ctx, int64_t pid);

struct st_learn_opts {
	const int64_t *pids; /* only these (initial PID namespace); NULL: any */
	size_t n_pids;
	const char *comm; /* only records whose decoded comm is exactly this */
	const char *exe;  /* only records whose decoded exe is exactly this */
	bool has_since, has_until;
	uint64_t since_ms, until_ms; /* audit time stamps, ms since the epoch, inclusive */
	st_learn_match_fn match;     /* container filter (live mode), may be NULL */
	void *match_ctx;
	/* The kernel's printk rate limit (kernel.printk_ratelimit in ms,
	 * kernel.printk_ratelimit_burst): with a burst of records at the end
	 * of a kernel log, more may have been dropped without a trace yet.
	 * 0 turns that check off (live mode checks with a probe instead). */
	unsigned ratelimit_ms, ratelimit_burst;
};

/* One (arch, syscall number) that counted. */
struct st_learned {
	uint32_t arch;	       /* AUDIT_ARCH_* */
	int64_t nr;	       /* as recorded (x32 with its bit) */
	char *name;	       /* libseccomp's name on that arch; NULL if it has none */
	const char *arch_name; /* "SCMP_ARCH_X86"; NULL if libseccomp does not know the arch */
	uint64_t records;
	int64_t pid;			      /* first record's */
	char comm[ST_AUDIT_MAX_COMM * 4 + 4]; /* first record's, printable */
	const char *action;		      /* first record's action (SCMP_ACT_...) */
	enum st_merge_outcome outcome;	      /* after st_learn_apply */
	const char *rule_action;	      /* the base's deciding rule, if any */
};

struct st_learn_stats {
	uint64_t lines, seccomp, in_window, matched, counted;
	uint64_t allow;	     /* SCMP_ACT_ALLOW records (never counted) */
	uint64_t supervised; /* TRACE, NOTIFY: the profile hands them to a supervisor */
	uint64_t unattributed, bad, unsupported, overlong;
	uint64_t last_ms; /* latest time stamp of a seccomp record in the window (0: none) */
};

struct st_learn;

int st_learn_new(const struct st_learn_opts *o, struct st_learn **out, struct st_error *err);
void st_learn_free(struct st_learn *l);

/* Take one parsed line; where + lineno name it in messages ("dmesg.txt", 12).
 * Fails only when memory runs out or the input holds more distinct
 * syscalls than any kernel has (ST_LEARN_MAX_CALLS). */
#define ST_LEARN_MAX_CALLS 65536
int st_learn_add(struct st_learn *l, const struct st_audit_line *line, const char *where,
		 uint64_t lineno, struct st_error *err);
/* A line longer than ST_AUDIT_MAX_LINE, skipped by the reader; head is
 * its beginning (to tell whether it was an audit line). */
void st_learn_overlong(struct st_learn *l, const char *head, size_t n, const char *where,
		       uint64_t lineno);
/* Records may be missing for a reason found outside the log lines. */
void st_learn_gap(struct st_learn *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One input (a file) starts: the form of its first line that starts a
 * message decides whether its lines may be records. */
void st_learn_begin_input(struct st_learn *l);
/* The input ends: fails (err names where) when it is a kernel log without
 * message boundaries that holds audit lines (dmesg -t, journalctl -o cat:
 * any user can forge a line there), or when no line of it is a kernel or
 * audit log line at all. Lines that start no message are counted (debug). */
int st_learn_end_input(struct st_learn *l, const char *where, struct st_error *err);
/* End of input: settles what can only be told at the end. Fails when two
 * different seccomp records share an audit serial number and time (one is
 * forged: the kernel numbers each event once). */
int st_learn_finish(struct st_learn *l, struct st_error *err);

/* A record learn made itself to close the live log (kmsg.h: st_audit_probe):
 * one SCMP_ACT_LOG record of syscall nr on arch by process pid, stamped
 * between from_ms and to_ms (wall clock). Give it before its record may be
 * read. A record that matches it in all of these is never learned from. One
 * that never shows was dropped by the printk rate limit after the kernel
 * numbered it: the one serial number it took, and a "callbacks suppressed"
 * count printed right before a later one of learn's own that it alone makes
 * up, are not taken for the workload's. (It assumes the record was made:
 * the kernel logs SCMP_ACT_LOG unless kernel.seccomp.actions_logged lacks
 * "log", which live learn reports as a gap of its own.) At most 4. */
struct st_learn_own {
	int64_t pid;
	uint32_t arch; /* AUDIT_ARCH_* */
	int64_t nr;
	uint64_t from_ms, to_ms;
};
int st_learn_own_record(struct st_learn *l, const struct st_learn_own *own, struct st_error *err);
/* Whether the i-th own record (in the order given) has been read. */
bool st_learn_own_seen(const struct st_learn *l, size_t i);

/* Sorted by name (unnamed last), then arch. Valid until st_learn_free. */
const struct st_learned *st_learn_calls(const struct st_learn *l, size_t *n);
const struct st_learn_stats *st_learn_get_stats(const struct st_learn *l);
/* Why records may be missing (the first few messages), and how many reasons. */
const char *const *st_learn_gaps(const struct st_learn *l, size_t *n, uint64_t *total);
bool st_learn_incomplete(const struct st_learn *l);
/* Audit records whose serial numbers are missing in the window: a floor on
 * how many were lost (drops the kernel only counted add to it). */
uint64_t st_learn_missing_records(const struct st_learn *l);
/* Syscalls named by records that could not be attributed (their process had
 * exited): they may be missing from the result. */
const struct st_learned *st_learn_unattributed(const struct st_learn *l, size_t *n);

/* Add the named calls to p (a base, or empty for a fresh profile): names go
 * in as unconditional allows where p has no rule for them (st_profile_allow_names:
 * a denial or a conditional allow of the base is never widened), each arch
 * seen joins p's arch set. Fills each call's outcome. An empty p becomes an
 * allow-list (defaultAction SCMP_ACT_ERRNO, its arches named). */
int st_learn_apply(struct st_learn *l, struct st_profile *p, struct st_error *err);

/* "SCMP_ARCH_X86" for an AUDIT_ARCH value, from libseccomp's own names;
 * NULL if libseccomp does not know it. x32 records carry AUDIT_ARCH_X86_64:
 * pass the syscall number too. */
const char *st_audit_arch_name(uint32_t arch, int64_t nr);

#endif
