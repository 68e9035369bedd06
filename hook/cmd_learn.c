// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace learn [--base FILE] [-o FILE] [output options] [filters] [LOG...]
 *
 * The log stage of a staged roll-out: a profile deployed with defaultAction
 * SCMP_ACT_LOG lets everything run and the kernel logs each call it does
 * not list; learn reads those records back (from files, or the live kernel
 * log) and adds what they name to the profile. It writes nothing when
 * records may be missing, unless told to. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit_record.h"
#include "cli.h"
#include "cleanup.h"
#include "commands.h"
#include "enosys.h"
#include "fileio.h"
#include "kmsg.h"
#include "learn.h"
#include "learn_time.h"
#include "log.h"
#include "output.h"
#include "pidtrack.h"
#include "profile.h"
#include "profile_json.h"
#include "syscalls.h"

/* Exit status when records may be missing and no profile was written, and
 * when --allow-incomplete wrote one anyway: never 0, so that no script
 * takes it for a complete profile. */
#define EXIT_INCOMPLETE		3
#define EXIT_INCOMPLETE_WRITTEN 4

struct learn_opts {
	const char *base;
	bool follow;
	bool allow_incomplete;
	int64_t *pids;
	size_t n_pids;
	const char *comm, *exe;
	bool has_since, has_until;
	uint64_t since_ms, until_ms;
	const char *pidns, *cgroup;
	char **logs;
	size_t n_logs;
	struct st_output_opts out;
};

/* One parsed line at a time: it holds a PATH_MAX exe. */
static struct st_audit_line parsed;

/* ---- options ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --since, --until: learn_time.h says which forms. */
static int parse_time(const char *opt, const char *s, uint64_t *ms, struct st_error *err)
{
	if (st_learn_parse_time(s, now_ms(), ms) == 0)
		return 0;
	return st_error_set(err, 0,
			    "%s '%s': expected a time: YYYY-MM-DD [HH:MM[:SS[.mmm]]] (local), "
			    "@SECONDS (since the epoch), now, or -N followed by s, m, h or d",
			    opt, s);
}

static int add_pids(struct learn_opts *o, const char *arg, struct st_error *err)
{
	const char *p = arg;

	for (;;) {
		char *end;
		long v;
		int64_t *np;

		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || end == p || v <= 0 || v > 4194304 || (*end && *end != ','))
			return st_error_set(err, 0, "--pid '%s': expected process ids (1,2,...)",
					    arg);
		np = realloc(o->pids, (o->n_pids + 1) * sizeof(*np));
		if (!np)
			return st_error_set(err, ENOMEM, "--pid");
		o->pids = np;
		o->pids[o->n_pids++] = v;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

enum {
	OPT_PID = 0x200,
	OPT_COMM,
	OPT_EXE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_PIDNS,
	OPT_CGROUP,
	OPT_ALLOW_INCOMPLETE,
};

static const struct argp_option learn_options[] = {
    {"base", 'b', "FILE", 0, "The profile to add to (its rules are never widened)", 0},
    {"follow", 'f', NULL, 0, "Live: read the kernel log until Ctrl-C or SIGTERM, then write", 0},
    {"allow-incomplete", OPT_ALLOW_INCOMPLETE, NULL, 0,
     "Write the profile even when records may be missing: with warnings, a comment on the "
     "learned rule, and exit status 4",
     0},
    {NULL, 0, NULL, 0, "Filters:", 2},
    {"pid", OPT_PID, "PID[,PID...]", 0, "Only records of these processes (host pids)", 2},
    {"comm", OPT_COMM, "NAME", 0, "Only records whose comm is NAME", 2},
    {"exe", OPT_EXE, "PATH", 0, "Only records whose executable is PATH", 2},
    {"since", OPT_SINCE, "TIME", 0,
     "Only records from TIME on: YYYY-MM-DD [HH:MM[:SS[.mmm]]] (local), @SECONDS, now, "
     "-10m, -2h, -1d",
     2},
    {"until", OPT_UNTIL, "TIME", 0, "Only records up to TIME", 2},
    {"pidns", OPT_PIDNS, "PID", 0,
     "Live: only the PID namespace of PID (a container's init) and those nested in it; "
     "--since defaults to PID's start",
     2},
    {"cgroup", OPT_CGROUP, "PATH", 0,
     "Live: only processes in cgroup PATH (as in /proc/PID/cgroup) or beneath it; --since "
     "defaults to the start of its oldest process",
     2},
    {0},
};

static error_t parse_learn_opt(int key, char *arg, struct argp_state *state)
{
	struct learn_opts *o = state->input;
	struct st_error err = {0};

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->out;
		return 0;
	case 'b':
		o->base = arg;
		return 0;
	case 'f':
		o->follow = true;
		return 0;
	case OPT_ALLOW_INCOMPLETE:
		o->allow_incomplete = true;
		return 0;
	case OPT_PID:
		if (add_pids(o, arg, &err) < 0)
			argp_error(state, "%s", err.msg);
		return 0;
	case OPT_COMM:
		o->comm = arg;
		return 0;
	case OPT_EXE:
		o->exe = arg;
		return 0;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (parse_time(key == OPT_SINCE ? "--since" : "--until", arg,
			       key == OPT_SINCE ? &o->since_ms : &o->until_ms, &err) < 0)
			argp_error(state, "%s", err.msg);
		*(key == OPT_SINCE ? &o->has_since : &o->has_until) = true;
		return 0;
	case OPT_PIDNS:
		o->pidns = arg;
		return 0;
	case OPT_CGROUP:
		o->cgroup = arg;
		return 0;
	case ARGP_KEY_ARGS:
		o->logs = state->argv + state->next;
		o->n_logs = (size_t)(state->argc - state->next);
		return 0;
	case ARGP_KEY_END:
		if (o->n_logs && (o->follow || o->pidns || o->cgroup))
			argp_error(state,
				   "--follow, --pidns and --cgroup read the live kernel log: "
				   "give no LOG file with them");
		if (o->pidns && o->cgroup)
			argp_error(state, "--pidns and --cgroup do not go together");
		if (o->has_since && o->has_until && o->until_ms < o->since_ms)
			argp_error(state, "--until is before --since");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp learn_argp = {
    learn_options,
    parse_learn_opt,
    "[LOG...]",
    "Read the seccomp audit records the kernel writes for a profile's logged or refused calls "
    "(a profile with --default-action log, in a staged roll-out) and add the syscalls they name "
    "to --base, or to a new allow-list. LOG files are kernel logs (dmesg, journalctl -k, "
    "/dev/kmsg dumps) or auditd's audit.log; '-' is stdin. Without LOG, the live kernel log "
    "(/dev/kmsg) is read. The base's defaultAction stays unless --default-action changes it. "
    "Lists what it added on stderr. Exits 3 without writing when records may be missing (rate "
    "limits, auditd, records it cannot read); 4 when --allow-incomplete wrote it anyway.",
    st_output_children,
    NULL,
    NULL};

/* ---- log files ---- */

/* Feed each line of fd to l; lines longer than any record are skipped and
 * reported, never cut. */
static int read_lines_of(struct st_learn *l, int fd, const char *what, struct st_error *err)
{
	static char buf[2 * ST_AUDIT_MAX_LINE + 2];
	size_t have = 0;
	uint64_t lineno = 0;
	bool skipping = false;
	char head[128];
	size_t head_n = 0;

	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		size_t p = 0;
		char *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return st_error_set(err, errno, "cannot read %s", what);
		if (r == 0) {
			if (skipping)
				st_learn_overlong(l, head, head_n, what, ++lineno);
			else if (have) {
				st_audit_parse_line(buf, have, &parsed);
				if (st_learn_add(l, &parsed, what, ++lineno, err) < 0)
					return -1;
			}
			return 0;
		}
		have += (size_t)r;
		while ((nl = memchr(buf + p, '\n', have - p))) {
			size_t len = (size_t)(nl - (buf + p));

			lineno++;
			if (skipping) {
				st_learn_overlong(l, head, head_n, what, lineno);
				skipping = false;
			} else if (len > ST_AUDIT_MAX_LINE) {
				st_learn_overlong(l, buf + p,
						  len < sizeof(head) ? len : sizeof(head), what,
						  lineno);
			} else {
				st_audit_parse_line(buf + p, len, &parsed);
				if (st_learn_add(l, &parsed, what, lineno, err) < 0)
					return -1;
			}
			p = (size_t)(nl + 1 - buf);
		}
		memmove(buf, buf + p, have - p);
		have -= p;
		if (have > ST_AUDIT_MAX_LINE) { /* no end in sight: skip to the next line */
			if (!skipping) {
				head_n = sizeof(head);
				memcpy(head, buf, head_n);
				skipping = true;
			}
			have = 0;
		}
	}
}

static int read_lines(struct st_learn *l, int fd, const char *what, struct st_error *err)
{
	st_learn_begin_input(l);
	if (read_lines_of(l, fd, what, err) < 0)
		return -1;
	return st_learn_end_input(l, what, err);
}

static int read_log(struct st_learn *l, const char *path, struct st_error *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (!strcmp(path, "-"))
		return read_lines(l, STDIN_FILENO, "stdin", err);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return st_error_set(err, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return st_error_set(err, errno, "cannot read %s", path);
	if (S_ISDIR(st.st_mode))
		return st_error_set(err, EISDIR, "cannot read %s", path);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return st_error_set(
		    err, 0, "cannot read %s: a device (for the live kernel log, give no LOG)",
		    path);
	return read_lines(l, fd, path, err);
}

/* Records dropped before they were numbered (the audit backlog) leave no
 * gap in the serial numbers, only the kernel's lost counter: if records in
 * the window come from this boot, a counter above 0 may be about them. */
static void check_lost_since_boot(struct st_learn *l)
{
	const struct st_learn_stats *s = st_learn_get_stats(l);
	struct st_audit_status st;
	struct st_error err = {0};
	struct timespec boot;
	uint64_t boot_ms;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	boot_ms = now_ms() - ((uint64_t)boot.tv_sec * 1000 + boot.tv_nsec / 1000000);
	if (!s->last_ms || s->last_ms < boot_ms)
		return;
	if (st_audit_status_get(&st, &err) < 0) {
		st_warn("cannot read the kernel's audit lost counter (%s): records dropped at the "
			"audit backlog would go unnoticed",
			err.msg);
		return;
	}
	if (st.lost)
		st_learn_gap(
		    l,
		    "the kernel has lost %u audit records since boot or its last reset "
		    "(auditctl -s), maybe in this window; auditctl --reset-lost before the "
		    "log stage makes this check exact",
		    st.lost);
}

/* ---- the live kernel log ---- */

struct live {
	struct st_pidtrack *track;
};

/* learn's own records never reach here (st_learn_own_record) */
static int live_match(void *ctx, int64_t pid)
{
	struct live *lv = ctx;

	return lv->track ? st_pidtrack_match(lv->track, pid) : 1;
}

/* Read what /dev/kmsg holds now. Lines are copied out first, then the fork
 * events that came before them are taken in, then the lines are learned
 * from: a record's process was born before its record was printed. */
static int live_drain(struct st_learn *l, struct st_kmsg *k, struct live *lv, bool *any,
		      struct st_error *err)
{
	enum { BATCH = 64 };
	static char lines[BATCH][ST_AUDIT_MAX_LINE + 1];
	static size_t lens[BATCH];
	size_t n = 0;
	int rc;

	*any = false;
	for (;;) {
		const char *line;
		size_t len;

		while (n < BATCH && (rc = st_kmsg_next(k, &line, &len, err)) > 0) {
			if (len > ST_AUDIT_MAX_LINE)
				len = ST_AUDIT_MAX_LINE; /* a kmsg record is < 1 KiB */
			memcpy(lines[n], line, len);
			lens[n++] = len;
		}
		if (rc < 0)
			return -1;
		if (!n)
			return 0;
		*any = true;
		if (lv->track)
			st_pidtrack_drain(lv->track);
		for (size_t i = 0; i < n; i++) {
			st_audit_parse_line(lines[i], lens[i], &parsed);
			if (st_learn_add(l, &parsed, "/dev/kmsg", 0, err) < 0)
				return -1;
		}
		n = 0;
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Make one record and read until it shows: its serial number closes the
 * log, so drops after the last record seen are missing numbers. When the
 * printk rate limit's burst is used up, it drops this record too, and says
 * so only before a record that comes after its interval (lib/ratelimit.c):
 * then make another. The number the first took, and the "callbacks
 * suppressed" it makes the kernel print, are learn's own (learn.h). */
static int live_probe(struct st_learn *l, struct st_kmsg *k, struct live *lv, unsigned interval_ms,
		      struct st_error *err)
{
	bool seen = false, any;

	for (size_t round = 0; round < 2 && !seen; round++) {
		struct st_audit_probe_rec r;

		if (round) {
			st_info("the printk rate limit dropped the record learn made to close the "
				"kernel log; another in %u.%u s, after the limit's interval",
				(interval_ms + 500) / 1000, (interval_ms + 500) % 1000 / 100);
			sleep_ms(interval_ms + 500);
		}
		if (st_audit_probe(&r, err) < 0 ||
		    st_learn_own_record(
			l, &(struct st_learn_own){r.pid, r.arch, r.nr, r.from_ms, r.to_ms}, err) <
			0)
			return -1;
		for (int t = 0; t < 40 && !(seen = st_learn_own_seen(l, round)); t++) {
			if (live_drain(l, k, lv, &any, err) < 0)
				return -1;
			if (!(seen = st_learn_own_seen(l, round)))
				sleep_ms(50);
		}
	}
	if (!seen)
		st_learn_gap(l,
			     "the end of the kernel log could not be checked: the records learn "
			     "made to close it never showed (other messages keep the printk rate "
			     "limit used up, or auditd took them): learn again when the host is "
			     "quieter, lift the limit for the log stage (kernel.printk_ratelimit), "
			     "or use auditd");
	return 0;
}

/* What the kernel's audit state says before reading, as gaps; true if it
 * could be read into *s0. */
static bool audit_state_before(const struct learn_opts *o, struct st_learn *l,
			       struct st_audit_status *s0)
{
	struct st_error serr = {0};
	uint64_t start = now_ms();
	bool have_status = st_audit_status_get(s0, &serr) == 0;

	if (!have_status)
		st_warn("cannot check the kernel's audit state, records may go unnoticed: %s",
			serr.msg);
	if (have_status && s0->pid)
		st_learn_gap(
		    l,
		    "auditd (pid %u) receives the audit records, not the kernel log: learn "
		    "from its log (seccomp-trace learn /var/log/audit/audit.log)",
		    s0->pid);
	if (have_status && s0->lost && (!o->has_since || o->since_ms < start))
		st_learn_gap(
		    l,
		    "the kernel has lost %u audit records since boot or its last reset "
		    "(auditctl -s), maybe in this window; auditctl --reset-lost before the "
		    "log stage makes this check exact",
		    s0->lost);
	if (!st_seccomp_action_logged("log"))
		st_learn_gap(l, "kernel.seccomp.actions_logged lacks \"log\": the kernel writes no "
				"record for SCMP_ACT_LOG");
	return have_status;
}

/* Read what the kernel log holds, and with --follow what comes until
 * SIGINT or SIGTERM. */
static int live_read(const struct learn_opts *o, struct st_learn *l, struct st_kmsg *k,
		     struct live *lv, struct st_error *err)
{
	cleanup_close int sfd = -1;
	bool any;

	if (o->follow) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
		if (sfd < 0)
			return st_error_set(err, errno, "signalfd");
		st_info("reading the kernel log until Ctrl-C or SIGTERM");
	}
	for (;;) {
		struct pollfd fds[3] = {{st_kmsg_fd(k), POLLIN, 0},
					{sfd, POLLIN, 0},
					{lv->track ? st_pidtrack_fd(lv->track) : -1, POLLIN, 0}};

		if (live_drain(l, k, lv, &any, err) < 0)
			return -1;
		if (!o->follow)
			return 0;
		if (poll(fds, 3, -1) < 0 && errno != EINTR)
			return st_error_set(err, errno, "poll");
		if (fds[2].revents && lv->track)
			st_pidtrack_drain(lv->track);
		if (fds[1].revents & POLLIN)
			return 0;
	}
}

/* What the kernel says after reading, as gaps: the log's ring wrapped or
 * overwritten, process events dropped, audit records lost; s0: the audit
 * state before (NULL: unknown). */
static void live_state_after(const struct learn_opts *o, struct st_learn *l, struct st_kmsg *k,
			     const struct live *lv, const struct st_audit_status *s0)
{
	struct st_audit_status s1 = {0};
	struct st_error serr = {0};
	uint64_t seq, usec;

	if (st_kmsg_first(k, &seq, &usec) && seq > 0) {
		uint64_t oldest = st_kmsg_wall_ms(usec);
		char t[48];

		if (!o->has_since || oldest > o->since_ms)
			st_learn_gap(l,
				     "the kernel log no longer holds what came before %s (its ring "
				     "buffer wrapped): give a later --since, or use auditd",
				     st_learn_format_time(oldest, true, usec, t, sizeof(t)));
	}
	if (st_kmsg_overwritten(k))
		st_learn_gap(l,
			     "%llu kernel log records were overwritten before they could be read",
			     (unsigned long long)st_kmsg_overwritten(k));
	if (lv->track && st_pidtrack_dropped(lv->track))
		st_warn("the kernel dropped %llu process events; records of processes that exited "
			"early may not be told apart",
			(unsigned long long)st_pidtrack_dropped(lv->track));
	if (s0 && st_audit_status_get(&s1, &serr) == 0) {
		if (s1.lost > s0->lost)
			st_learn_gap(
			    l, "the kernel lost %u audit records while learn ran (auditctl -s)",
			    s1.lost - s0->lost);
		if (s1.pid && !s0->pid)
			st_learn_gap(l,
				     "auditd (pid %u) started while learn ran: records went to it",
				     s1.pid);
	}
}

static int live_run(const struct learn_opts *o, struct st_learn *l, struct live *lv,
		    struct st_error *err)
{
	struct st_audit_status s0 = {0};
	struct st_kmsg *k = NULL;
	unsigned interval_ms, burst;
	bool have_status;
	int rc;

	st_printk_ratelimit(&interval_ms, &burst);
	have_status = audit_state_before(o, l, &s0);
	if (st_kmsg_open(&k, err) < 0)
		return -1;
	rc = live_read(o, l, k, lv, err);
	/* with auditd the probe's record goes there: the gap is known already */
	if (rc == 0 && !(have_status && s0.pid))
		rc = live_probe(l, k, lv, interval_ms, err);
	if (rc == 0)
		live_state_after(o, l, k, lv, have_status ? &s0 : NULL);
	st_kmsg_close(k);
	return rc;
}

/* ---- what was learned ---- */

static const char *short_arch(const struct st_learned *e, char *buf, size_t len)
{
	if (!e->arch_name) {
		snprintf(buf, len, "arch %08x", e->arch);
		return buf;
	}
	size_t i = 0;
	for (const char *p = e->arch_name + strlen("SCMP_ARCH_"); *p && i + 1 < len; p++)
		buf[i++] = (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p;
	buf[i] = '\0';
	return buf;
}

static void list_call(const struct st_learned *e, const char *what, const char *why)
{
	char arch[32], name[32];

	if (e->name)
		snprintf(name, sizeof(name), "%s", e->name);
	else
		snprintf(name, sizeof(name), "#%lld", (long long)e->nr);
	fprintf(stderr, "  %-17s %-20s %-8s %llu record%s, pid %lld \"%s\", %s%s%s\n", what, name,
		short_arch(e, arch, sizeof(arch)), (unsigned long long)e->records,
		e->records == 1 ? "" : "s", (long long)e->pid, e->comm, e->action, why ? ": " : "",
		why ? why : "");
}

static void list_learned(const struct st_learn *l, bool applied)
{
	const struct st_learn_stats *s = st_learn_get_stats(l);
	const struct st_learned *v;
	size_t n;
	char why[256];

	fprintf(stderr,
		"seccomp-trace: %llu seccomp record%s read, %llu in the time window, %llu "
		"matching the filters, %llu counted\n",
		(unsigned long long)s->seccomp, s->seccomp == 1 ? "" : "s",
		(unsigned long long)s->in_window, (unsigned long long)s->matched,
		(unsigned long long)s->counted);
	v = st_learn_calls(l, &n);
	for (size_t i = 0; i < n; i++) {
		const struct st_learned *e = &v[i];

		if (!e->name) {
			snprintf(why, sizeof(why),
				 "libseccomp %s has no name for it on this arch: not added",
				 st_libseccomp_version());
			list_call(e, "not named", why);
		} else if (!applied) {
			list_call(e, "seen", NULL);
		} else if (e->outcome == ST_MERGE_ADDED) {
			list_call(e, "added", NULL);
		} else if (e->outcome == ST_MERGE_COVERED) {
			list_call(e, "already allowed", NULL);
		} else if (e->outcome == ST_MERGE_BLOCKED) {
			snprintf(why, sizeof(why), "the base's %s rule stays",
				 e->rule_action ? e->rule_action : "denying");
			list_call(e, "kept denied", why);
		} else {
			list_call(e, "kept conditional",
				  "the base allows it only under conditions");
		}
	}
	v = st_learn_unattributed(l, &n);
	for (size_t i = 0; i < n; i++)
		list_call(&v[i], "unattributed", "its process had exited; not added");
	if (s->allow)
		fprintf(stderr, "  not counted: %llu SCMP_ACT_ALLOW record%s\n",
			(unsigned long long)s->allow, s->allow == 1 ? "" : "s");
	if (s->supervised)
		fprintf(stderr,
			"  not counted: %llu record%s of calls the profile hands to a tracer or "
			"supervisor (SCMP_ACT_TRACE, SCMP_ACT_NOTIFY)\n",
			(unsigned long long)s->supervised, s->supervised == 1 ? "" : "s");
}

static void list_gaps(const struct st_learn *l, bool fatal)
{
	size_t n;
	uint64_t total;
	const char *const *g = st_learn_gaps(l, &n, &total);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "seccomp-trace: %s: %s\n", fatal ? "error" : "warning",
			g[i] ? g[i] : "(out of memory)");
	if (total > n)
		fprintf(stderr, "seccomp-trace: ... and %llu more\n",
			(unsigned long long)(total - n));
}

/* What learn holds while it reads; learn_job_free releases it. */
struct learn_job {
	struct learn_opts o;
	struct st_learn *l;
	struct st_profile *p;
	struct live lv;
	struct st_outfile target;
};

static void learn_job_free(struct learn_job *j)
{
	st_learn_free(j->l);
	st_profile_free(j->p);
	st_pidtrack_close(j->lv.track);
	st_outfile_close(&j->target);
	free(j->o.pids);
}

/* The base (or a fresh profile), the output's directory and the processes
 * to follow: everything that can fail before reading, which may be long. */
static int learn_prepare(struct learn_job *j, struct st_error *err)
{
	struct learn_opts *o = &j->o;

	if (o->base && st_profile_read_file(o->base, &j->p, err) < 0)
		return st_error_wrap(err, "cannot use base profile");
	if (j->p)
		st_enosys_rule_drop(j->p); /* the default's stand-in: the output's, redone there */
	if (!j->p && !(j->p = st_profile_new()))
		return st_error_set(err, ENOMEM, "profile");
	if (st_output_open(&o->out, NULL, &j->target, err) < 0)
		return -1;
	if (!o->pidns && !o->cgroup)
		return 0;
	if (st_pidtrack_open(o->pidns ? ST_TRACK_PIDNS : ST_TRACK_CGROUP,
			     o->pidns ? o->pidns : o->cgroup, &j->lv.track, err) < 0)
		return -1;
	/* nothing before the container's oldest process started can be its */
	if (!o->has_since) {
		if (!st_pidtrack_start_ms(j->lv.track, &o->since_ms))
			o->since_ms = now_ms(); /* none yet: from now on */
		o->has_since = true;
	}
	return 0;
}

/* The records: from the LOG files, or from the live kernel log. */
static int learn_read(struct learn_job *j, struct st_error *err)
{
	const struct learn_opts *o = &j->o;
	struct st_learn_opts lo = {
	    .pids = o->pids,
	    .n_pids = o->n_pids,
	    .comm = o->comm,
	    .exe = o->exe,
	    .has_since = o->has_since,
	    .has_until = o->has_until,
	    .since_ms = o->since_ms,
	    .until_ms = o->until_ms,
	};

	if (o->n_logs) {
		st_printk_ratelimit(&lo.ratelimit_ms, &lo.ratelimit_burst);
	} else {
		lo.match = live_match;
		lo.match_ctx = &j->lv;
	}
	if (st_learn_new(&lo, &j->l, err) < 0)
		return -1;
	if (!o->n_logs) {
		st_learn_begin_input(j->l);
		if (live_run(o, j->l, &j->lv, err) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < o->n_logs; i++)
			if (read_log(j->l, o->logs[i], err) < 0)
				return -1;
		if (!st_seccomp_action_logged("log"))
			st_warn("kernel.seccomp.actions_logged lacks \"log\" here: this kernel "
				"writes no record for SCMP_ACT_LOG");
		check_lost_since_boot(j->l);
	}
	return st_learn_finish(j->l, err);
}

static int learn_failed(const struct st_error *err)
{
	st_error_print(err);
	return 1;
}

/* How many records were lost, in words: the serial numbers missing are a
 * floor; other gaps have no count. */
static void lost_words(const struct st_learn *l, char *buf, size_t len)
{
	uint64_t missing = st_learn_missing_records(l);

	if (missing)
		snprintf(buf, len, "at least %llu audit record(s) lost",
			 (unsigned long long)missing);
	else
		snprintf(buf, len, "an unknown number of audit records may be lost");
}

/* --allow-incomplete: the rule learn added says it came from an incomplete
 * log, for whoever reads the profile later (n_rules: the base's count). */
static int mark_incomplete(struct learn_job *j, size_t n_rules, struct st_error *err)
{
	char lost[96], *c;

	if (j->p->n_rules <= n_rules)
		return 0; /* nothing added */
	lost_words(j->l, lost, sizeof(lost));
	if (asprintf(&c,
		     "INCOMPLETE: learned by seccomp-trace from a log where %s; calls they "
		     "named are missing here",
		     lost) < 0)
		return st_error_set(err, ENOMEM, "profile");
	free(j->p->rules[j->p->n_rules - 1].comment);
	j->p->rules[j->p->n_rules - 1].comment = c;
	return 0;
}

static int learn_refuse(const struct learn_job *j)
{
	list_learned(j->l, false);
	list_gaps(j->l, true);
	fprintf(stderr, "seccomp-trace: records may be missing: no profile written "
			"(--allow-incomplete writes it anyway, with exit status 4)\n");
	fprintf(stderr, "seccomp-trace: to keep the kernel from dropping records in the log "
			"stage, see \"Gaps\" under learn in seccomp-trace(1): "
			"kernel.printk_ratelimit, or auditd and its log\n");
	return EXIT_INCOMPLETE;
}

int cmd_learn(int argc, char **argv)
{
	__attribute__((cleanup(learn_job_free))) struct learn_job j = {.target = {.dfd = -1}};
	struct st_error err = {0};
	bool incomplete;
	size_t n_rules;
	char lost[96];

	st_cli_parse(&learn_argp, argc, argv, 0, &j.o);
	if (learn_prepare(&j, &err) < 0 || learn_read(&j, &err) < 0)
		return learn_failed(&err);
	incomplete = st_learn_incomplete(j.l);
	if (incomplete && !j.o.allow_incomplete)
		return learn_refuse(&j);
	n_rules = j.p->n_rules;
	if (st_learn_apply(j.l, j.p, &err) < 0 ||
	    (incomplete && mark_incomplete(&j, n_rules, &err) < 0))
		return learn_failed(&err);
	list_learned(j.l, true);
	list_gaps(j.l, false);
	if (st_output_emit(j.p, &j.o.out, &j.target, &err) < 0)
		return learn_failed(&err);
	if (!incomplete) {
		if (j.o.out.path)
			st_info("profile written to %s", j.o.out.path);
		return 0;
	}
	lost_words(j.l, lost, sizeof(lost));
	fprintf(stderr,
		"seccomp-trace: warning: INCOMPLETE profile written to %s (--allow-incomplete): "
		"%s, and the calls they named are not in it; the errno stage will refuse them\n",
		j.o.out.path ? j.o.out.path : "stdout", lost);
	return EXIT_INCOMPLETE_WRITTEN;
}
