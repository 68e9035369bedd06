// SPDX-License-Identifier: Apache-2.0
#include "allowance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "profile_json.h"
#include "profile_ops.h"
#include "profile_trace.h"
#include "strv.h"
#include "util.h"

/* ---- The built-in runtime allowances: the one place they are kept ----
 *
 * Measured on Debian 12, x86_64, kernel 6.18, with seccomp-trace itself (the
 * tracer's runtime allowance set: what set-up tasks do under their own
 * filter, their execve included) against runc 1.1.5+ds1-1+deb12u1 and crun
 * 1.8.1-1+deb12u1: `seccomp-trace allowance --runtime runc|crun` (both
 * noNewPrivileges settings; create, start, exec as root and as uid 65534),
 * and through podman 4.3.1 (crun and runc; -t, --user, --cap-drop all,
 * no-new-privileges) and Docker 20.10.24 (runc; the same options): none of
 * them made a call these lists lack. tests/integration/allowance_drift.sh
 * fails when an installed runtime needs one they lack.
 *
 * Entries marked "from source" are what other versions do by their source
 * code, not measured here (no such binary on this machine). */

/* runc 1.1.5, noNewPrivileges=true: the filter is loaded last, just before
 * the exec fifo (open, write, close) and the closing of every descriptor
 * before execve (CVE-2024-21626 fix: fstatfs, getdents64 of /proc/self/fd). */
static const char *const runc_nnp[] = {
    "close",	  "epoll_ctl", "execve", "fstatfs", "futex",
    "getdents64", "getpid",    "openat", "write",   NULL,
};

/* runc 1.1.5, noNewPrivileges=false: the filter is loaded before
 * finalizeNamespace (descriptors marked close-on-exec, capabilities, user
 * and groups, chdir, stdio fchown for a non-root user) and the lookup of the
 * program (newfstatat, faccessat2). The same for `runc exec`. */
static const char *const runc_no_nnp[] = {
    "capget",	 "capset",  "chdir",	  "close",   "epoll_ctl", "execve", "faccessat2",
    "fchown",	 "fcntl",   "fstat",	  "fstatfs", "futex",	  "getcwd", "getdents64",
    "getpid",	 "getppid", "newfstatat", "openat",  "prctl",	  "read",   "setgid",
    "setgroups", "setuid",  "write",	  NULL,
};

/* runc's init is a Go program: on its thread the Go runtime parks and wakes
 * (futex, nanosleep, sched_yield), takes preemption signals (rt_sigreturn,
 * tgkill, getpid, gettid) and manages memory (mmap, munmap, madvise)
 * whenever its scheduler has it, between any two calls of runc's own. Seen
 * in some runs only (futex, rt_sigreturn): listed from the Go runtime's
 * calls so that a profile does not depend on timing. */
static const char *const runc_go_runtime[] = {
    "futex",	      "getpid",	      "gettid",	     "madvise",	    "mmap",   "munmap", "nanosleep",
    "rt_sigprocmask", "rt_sigreturn", "sched_yield", "sigaltstack", "tgkill", NULL,
};

/* From source: runc 1.2.8, 1.3.3, 1.4.0 and later open /proc through
 * pathrs-lite (filepath-securejoin) after the filter load too, in both
 * settings (the descriptors closed before execve, /proc/self/setgroups):
 * openat2 lookups (RESOLVE_BENEATH|NO_XDEV|NO_MAGICLINKS; whether openat2
 * works was probed and cached before the load, so a refusal is fatal),
 * statx(STATX_MNT_ID) for the overmount check, fstatfs and fstat of the
 * handle. Their fsopen/fsmount/open_tree and close_range attempts fall back
 * when refused, so they are left out. */
static const char *const runc_procfs[] = {
    "fstat", "fstatfs", "openat2", "statx", NULL,
};

/* crun 1.8.1, noNewPrivileges=true: the init loads the filter right before
 * execve (close); `crun exec` loads it before switching user and
 * capabilities (setgroups, setresgid, setresuid, capset, prctl), the
 * terminal and stdio (ioctl, fchown), umask and the program's lookup. */
static const char *const crun_nnp[] = {
    "capset",	 "close",     "execve",	   "fchown", "ioctl", "openat", "prctl", "read",
    "setgroups", "setresgid", "setresuid", "statx",  "umask", "write",	NULL,
};

/* crun 1.8.1, noNewPrivileges=false: the init loads the filter before
 * capabilities and user (capset, prctl, setresgid, setresuid), unblocks
 * signals (rt_sigprocmask, rt_sigaction), syncs with its parent (write) and
 * waits on the exec fifo after `crun start` (select: pselect6 with glibc,
 * read); `crun exec` as above. */
static const char *const crun_no_nnp[] = {
    "capset",	 "close",     "execve", "fchown",	"ioctl",	  "openat",
    "prctl",	 "pselect6",  "read",	"rt_sigaction", "rt_sigprocmask", "setgroups",
    "setresgid", "setresuid", "statx",	"umask",	"write",	  NULL,
};

/* From source: crun's exec fifo wait is select(2), which musl (Alpine's
 * crun) and older glibc make as the select syscall on x86_64. */
static const char *const crun_select[] = {
    "select",
    NULL,
};

static const struct {
	const char *name;
	const char *const *lists[4];
} runtimes[] = {
    {"runc", {runc_nnp, runc_no_nnp, runc_go_runtime, runc_procfs}},
    {"crun", {crun_nnp, crun_no_nnp, crun_select, NULL}},
};

#define ALL_RUNTIMES ((1u << ARRAY_SIZE(runtimes)) - 1)

/* ---- the option ---- */

const char *st_allowance_runtime(unsigned i)
{
	return i < ARRAY_SIZE(runtimes) ? runtimes[i].name : NULL;
}

int st_allowance_builtin(unsigned i, char ***names, size_t *n, struct st_error *err)
{
	*names = NULL;
	*n = 0;
	if (i >= ARRAY_SIZE(runtimes))
		return st_error_set(err, EINVAL, "no built-in runtime #%u", i);
	for (size_t l = 0; l < ARRAY_SIZE(runtimes[i].lists) && runtimes[i].lists[l]; l++)
		for (const char *const *s = runtimes[i].lists[l]; *s; s++)
			if (strv_add_unique(names, n, *s, err) < 0) {
				strv_free(*names, *n);
				*names = NULL;
				*n = 0;
				return -1;
			}
	strv_sort(*names, *n);
	return 0;
}

void st_allowance_free(struct st_allowance_opts *o)
{
	strv_free(o->files, o->n_files);
	strv_free(o->file_names, o->n_file_names);
	o->files = o->file_names = NULL;
	o->n_files = o->n_file_names = 0;
}

static int parse_item(struct st_allowance_opts *o, const char *item, struct st_error *err)
{
	if (!strcmp(item, "all")) {
		o->runtimes = ALL_RUNTIMES;
		return 0;
	}
	if (!strcmp(item, "recording"))
		return 0; /* the observed allowance is always part of the rule */
	if (!strcmp(item, "none"))
		return st_error_set(err, 0, "'none' cannot be combined with anything else");
	if (strchr(item, '/'))
		return strv_add_unique(&o->files, &o->n_files, item, err);
	for (unsigned i = 0; i < ARRAY_SIZE(runtimes); i++)
		if (!strcmp(item, runtimes[i].name)) {
			o->runtimes |= 1u << i;
			return 0;
		}
	return st_error_set(
	    err, 0,
	    "unknown runtime '%s': expected all, recording, none, runc, crun or the "
	    "path of a profile (seccomp-trace allowance -o FILE)",
	    item);
}

int st_allowance_parse(struct st_allowance_opts *o, const char *arg, struct st_error *err)
{
	cleanup_free char *copy = strdup(arg);
	char *save = NULL;

	st_allowance_free(o);
	*o = (struct st_allowance_opts){.set = true};
	if (!copy)
		return st_error_set(err, ENOMEM, "--runtime-allowance");
	if (!strcmp(arg, "none")) {
		o->none = true;
		return 0;
	}
	if (!*arg)
		return st_error_set(err, 0, "empty value");
	for (char *it = strtok_r(copy, ",", &save); it; it = strtok_r(NULL, ",", &save))
		if (parse_item(o, it, err) < 0)
			return -1;
	return 0;
}

int st_allowance_load(struct st_allowance_opts *o, struct st_error *err)
{
	for (size_t f = 0; f < o->n_files; f++) {
		struct st_profile *p = NULL;
		size_t before = o->n_file_names;

		if (st_profile_read_file(o->files[f], &p, err) < 0)
			return st_error_wrap(err, "--runtime-allowance");
		for (size_t i = 0; i < p->n_rules; i++) {
			const struct st_rule *r = &p->rules[i];

			if (!st_action_allows(r->action) || st_rule_is_conditional(r))
				continue;
			for (size_t j = 0; j < r->n_names; j++)
				if (strv_add_unique(&o->file_names, &o->n_file_names, r->names[j],
						    err) < 0) {
					st_profile_free(p);
					return -1;
				}
		}
		st_profile_free(p);
		if (o->n_file_names == before)
			return st_error_set(err, 0,
					    "--runtime-allowance %s: the profile allows no syscall "
					    "unconditionally",
					    o->files[f]);
	}
	strv_sort(o->file_names, o->n_file_names);
	return 0;
}

enum { OPT_RUNTIME_ALLOWANCE = 0x200 };

static const struct argp_option allowance_options[] = {
    {"runtime-allowance", OPT_RUNTIME_ALLOWANCE, "all|recording|none|LIST", 0,
     "What the profile allows the container runtime to do between loading the filter and "
     "starting the container's process, as a rule of its own: all (default: every runtime "
     "seccomp-trace knows, runc and crun, so that the profile starts under either), recording "
     "(only what the recording runtime did: the tightest; nothing for run), none (the "
     "workload's calls only), or a comma-separated LIST of runtimes (runc, crun) and paths of "
     "profiles made by `seccomp-trace allowance`",
     0},
    {0},
};

static error_t parse_allowance_opt(int key, char *arg, struct argp_state *state)
{
	struct st_allowance_opts *o = state->input;
	struct st_error err = {0};
	char text[ST_ERROR_TEXT_MAX];

	switch (key) {
	case OPT_RUNTIME_ALLOWANCE:
		if (st_allowance_parse(o, arg, &err) < 0)
			argp_error(state, "--runtime-allowance '%s': %s", arg,
				   st_error_text(&err, text, sizeof(text)));
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp st_allowance_argp = {
    allowance_options, parse_allowance_opt, NULL, NULL, NULL, NULL, NULL};

/* ---- the rule ---- */

struct rule_names {
	char **v;
	size_t n;
};

static int add_all(struct rule_names *r, char *const *names, size_t n, struct st_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (strv_add_unique(&r->v, &r->n, names[i], err) < 0)
			return -1;
	return 0;
}

/* The comment: which runtimes, in a fixed order, and what the rule is. */
static char *rule_comment(const struct st_allowance_opts *o, unsigned chosen, bool observed_extra)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);
	bool first = true;

	if (!f)
		return NULL;
	fputs(ST_ALLOWANCE_COMMENT ": what ", f);
	for (unsigned i = 0; i < ARRAY_SIZE(runtimes); i++)
		if (chosen & (1u << i)) {
			fprintf(f, "%s%s", first ? "" : ", ", runtimes[i].name);
			first = false;
		}
	for (size_t i = 0; i < o->n_files; i++) {
		fprintf(f, "%s%s", first ? "" : ", ", o->files[i]);
		first = false;
	}
	if (observed_extra || first)
		fprintf(f, "%sthe recording runtime (as seen in the trace)", first ? "" : ", ");
	fputs(" may do between loading this filter and exec'ing the container's process; not the "
	      "workload's calls",
	      f);
	return st_memstream_done(&m, 0);
}

/* Drop what p denies (a base profile's word) or allows only under
 * conditions (a base's, or --args values): those stay as p has them. */
static void keep_conditions(const struct st_profile *p, struct rule_names *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct st_rule *which = NULL;
		enum st_merge_outcome what = st_profile_classify(p, r->v[i], &which);

		if (what == ST_MERGE_BLOCKED) {
			st_warn(
			    "the runtime allowance lists %s, but the base profile denies it: kept "
			    "denied (a runtime that needs it cannot start the container)",
			    r->v[i]);
		} else if (what == ST_MERGE_CONDITIONAL) {
			st_warn("the runtime allowance lists %s, but the profile allows it only "
				"under conditions (the base profile's, or --args values): kept "
				"conditional (a runtime that passes other values cannot start the "
				"container)",
				r->v[i]);
		} else {
			r->v[k++] = r->v[i];
			continue;
		}
		free(r->v[i]);
	}
	r->n = k;
	if (r->v)
		r->v[k] = NULL;
}

/* The rule just appended goes right after the trace's unconditional allows,
 * before its conditional rules: the order merge gives (profile_merge.h), so
 * that merging a profile with itself gives it back. */
static void move_last_after_plain(struct st_profile *p, size_t first_own)
{
	size_t pos = first_own;
	struct st_rule last = p->rules[p->n_rules - 1];

	while (pos < p->n_rules - 1 && st_action_allows(p->rules[pos].action) &&
	       !st_rule_is_conditional(&p->rules[pos]))
		pos++;
	memmove(&p->rules[pos + 1], &p->rules[pos], (p->n_rules - 1 - pos) * sizeof(*p->rules));
	p->rules[pos] = last;
}

/* What the trace saw set-up tasks do under their filter that r lacks: added
 * to r, with a warning when r came from chosen allowances (warn). Returns how
 * many were added, (size_t)-1 on error. */
static size_t add_observed(struct rule_names *r, const struct st_sysset *observed, bool warn,
			   struct st_error *err)
{
	char **seen = NULL, **extra = NULL;
	size_t n_seen = 0, n_extra = 0, rc = (size_t)-1;

	if (observed && st_sysset_names(observed, &seen, &n_seen, NULL, NULL, err) < 0)
		goto out;
	for (size_t i = 0; i < n_seen; i++)
		if (!strv_has(r->v, r->n, seen[i]) &&
		    strv_append(&extra, &n_extra, seen[i], err) < 0)
			goto out;
	if (n_extra && warn) {
		cleanup_free char *list = strv_join(extra, n_extra, " ");

		st_warn("the recording runtime made %zu call%s under its seccomp filter before "
			"starting the container's process that the runtime allowance chosen lacks "
			"(a runtime version seccomp-trace does not know? `seccomp-trace allowance` "
			"measures it): %s; kept in the allowance rule",
			n_extra, n_extra == 1 ? "" : "s", list ? list : "");
	}
	if (add_all(r, extra, n_extra, err) == 0)
		rc = n_extra;
out:
	strv_free(seen, n_seen);
	strv_free(extra, n_extra);
	return rc;
}

int st_allowance_add_rule(struct st_profile *p, size_t first_own, const struct st_allowance_opts *o,
			  const struct st_sysset *observed, struct st_error *err)
{
	return st_allowance_add_rule_set(p, first_own, o, observed, NULL, err);
}

int st_allowance_add_rule_set(struct st_profile *p, size_t first_own,
			      const struct st_allowance_opts *o, const struct st_sysset *observed,
			      struct st_sysset *allowed, struct st_error *err)
{
	unsigned chosen = o->set ? o->runtimes : ALL_RUNTIMES;
	struct rule_names r = {0};
	struct st_rule rule = {0};
	size_t n_extra = 0;
	int rc = -1;

	if (o->none)
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(runtimes); i++) {
		char **v;
		size_t n;

		if (!(chosen & (1u << i)))
			continue;
		if (st_allowance_builtin(i, &v, &n, err) < 0)
			goto out;
		rc = add_all(&r, v, n, err);
		strv_free(v, n);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (add_all(&r, o->file_names, o->n_file_names, err) < 0)
		goto out;
	n_extra = add_observed(&r, observed, chosen || o->n_files, err);
	if (n_extra == (size_t)-1)
		goto out;
	keep_conditions(p, &r);
	if (!r.n) {
		rc = 0;
		goto out;
	}
	strv_sort(r.v, r.n);
	for (size_t i = 0; allowed && i < r.n; i++) {
		int nr = st_syscall_nr(ST_ABI_NATIVE, r.v[i]);

		if (nr >= 0)
			st_sysset_add(allowed, ST_ABI_NATIVE, nr);
	}
	rule.names = r.v;
	rule.n_names = r.n;
	r.v = NULL;
	r.n = 0;
	if (!(rule.action = strdup(ST_ACT_ALLOW)) ||
	    !(rule.comment = rule_comment(o, chosen, n_extra > 0))) {
		st_error_set(err, ENOMEM, "cannot build the runtime allowance rule");
		goto out;
	}
	/* each syscall listed once: the allowance's names leave the trace's
	 * own allow rules (a base's stay as they are) */
	st_profile_drop_names(p, first_own, rule.names, rule.n_names, true);
	for (size_t i = 0; i < p->n_rules; i++)
		if (st_rule_same(&p->rules[i], &rule)) {
			rc = 0; /* the base has it already */
			goto out;
		}
	if (st_profile_add_rule(p, &rule, err) < 0)
		goto out;
	memset(&rule, 0, sizeof(rule));
	move_last_after_plain(p, first_own);
	rc = 0;
out:
	st_rule_clear(&rule);
	strv_free(r.v, r.n);
	return rc;
}
