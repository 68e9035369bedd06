// SPDX-License-Identifier: Apache-2.0
#include "enosys.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "strv.h"
#include "syscalls.h"
#include "util.h"

#define ENOSYS_ERRNO 38 /* the same on every Linux arch */
#define MAX_ARCHES   16

/* The calls programs are known to try first and to leave for an older way
 * only when the kernel answers ENOSYS (EPERM, what Docker 20.10 answers in
 * its place, is taken as a real failure). Read from glibc, Go's runtime and
 * os packages, Rust std, systemd, util-linux's libmount, runc and crun.
 * Names a libseccomp or an arch lacks are skipped where the rule is built. */
static const struct {
	const char *name, *why;
} probes[] = {
    {"clone3", "glibc 2.34+ pthread_create, posix_spawn, fork: clone on ENOSYS; Rust std "
	       "(pidfd spawn), crun (CLONE_INTO_CGROUP)"},
    {"close_range", "glibc 2.34+ closefrom: /proc/self/fd on ENOSYS; systemd, CPython, runc"},
    {"faccessat2", "glibc 2.33+ faccessat with flags: fstatat emulation on ENOSYS; Go "
		   "syscall.Faccessat"},
    {"fchmodat2", "glibc 2.39+ fchmodat with AT_SYMLINK_NOFOLLOW: O_PATH emulation on ENOSYS"},
    {"statx", "Rust std metadata: stat on ENOSYS; glibc 2.33+ stat family on 32-bit ABIs"},
    {"preadv2", "glibc preadv2 without flags: preadv on ENOSYS"},
    {"pwritev2", "glibc pwritev2 without flags: pwritev on ENOSYS"},
    {"copy_file_range", "Go io.Copy between files, Rust std::io::copy, coreutils cp: "
			"read/write on ENOSYS"},
    {"mlock2", "glibc mlock2 without flags: mlock on ENOSYS"},
    {"getrandom", "glibc arc4random, Go crypto/rand, Rust getrandom: /dev/urandom on ENOSYS"},
    {"renameat2", "gnulib renameatu (coreutils mv): renameat on ENOSYS"},
    {"execveat", "glibc fexecve: exec of /proc/self/fd/N on ENOSYS"},
    {"memfd_create", "systemd, glib: a temporary file on ENOSYS"},
    {"membarrier", "liburcu, .NET: mprotect-based barriers on ENOSYS"},
    {"seccomp", "libseccomp, systemd: prctl(PR_SET_SECCOMP) on ENOSYS"},
    {"pidfd_open", "Go 1.23+ os (process handles), systemd, Rust std: PIDs on ENOSYS"},
    {"pidfd_send_signal", "Go 1.23+ os.Process.Signal, systemd: kill on ENOSYS"},
    {"openat2", "systemd chase, crun: openat path walks on ENOSYS"},
    {"open_tree", "util-linux 2.39+ libmount, systemd, crun, runc: mount(2) on ENOSYS"},
    {"move_mount", "the same: the new mount API, mount(2) on ENOSYS"},
    {"fsopen", "the same"},
    {"fsconfig", "the same"},
    {"fsmount", "the same"},
    {"fspick", "the same"},
    {"mount_setattr", "the same (idmapped, recursive read-only mounts)"},
    {"statmount", "util-linux 2.41+ libmount: /proc/self/mountinfo on ENOSYS"},
    {"listmount", "the same"},
    {"landlock_create_ruleset", "Landlock users: run without the sandbox on ENOSYS"},
    {"io_uring_setup", "liburing users (QEMU, libuv): epoll or threads on ENOSYS"},
    {"futex_waitv", "Wine/Proton fsync: esync on ENOSYS"},
    /* glibc 2.34+ on 32-bit ABIs: the 64-bit-time call first, the old one on ENOSYS */
    {"clock_gettime64", "glibc on 32-bit ABIs (time64)"},
    {"clock_settime64", "the same"},
    {"clock_adjtime64", "the same"},
    {"clock_getres_time64", "the same"},
    {"clock_nanosleep_time64", "the same"},
    {"timer_gettime64", "the same"},
    {"timer_settime64", "the same"},
    {"timerfd_gettime64", "the same"},
    {"timerfd_settime64", "the same"},
    {"utimensat_time64", "the same"},
    {"pselect6_time64", "the same"},
    {"ppoll_time64", "the same"},
    {"io_pgetevents_time64", "the same"},
    {"recvmmsg_time64", "the same"},
    {"mq_timedsend_time64", "the same"},
    {"mq_timedreceive_time64", "the same"},
    {"semtimedop_time64", "the same"},
    {"rt_sigtimedwait_time64", "the same"},
    {"futex_time64", "the same"},
    {"sched_rr_get_interval_time64", "the same"},
};

const char *st_enosys_probe(size_t i)
{
	return i < ARRAY_SIZE(probes) ? probes[i].name : NULL;
}

bool st_enosys_default(const struct st_profile *p)
{
	return p->default_action && !strcmp(p->default_action, ST_ACT_ERRNO) &&
	       p->has_default_errno && p->default_errno_ret == ENOSYS_ERRNO;
}

static bool is_enosys_rule(const struct st_rule *r)
{
	return r->comment && !strncmp(r->comment, ST_ENOSYS_COMMENT, strlen(ST_ENOSYS_COMMENT)) &&
	       r->action && !strcmp(r->action, ST_ACT_ERRNO) && r->has_errno_ret &&
	       r->errno_ret == ENOSYS_ERRNO && !st_rule_is_conditional(r);
}

void st_enosys_rule_drop(struct st_profile *p)
{
	size_t out = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		if (is_enosys_rule(&p->rules[i])) {
			st_rule_clear(&p->rules[i]);
			continue;
		}
		p->rules[out++] = p->rules[i];
	}
	p->n_rules = out;
}

/* libseccomp tokens of p's arches (the native one when p names none or
 * none libseccomp knows); at most max. */
static size_t arch_tokens(const struct st_profile *p, uint32_t *tok, size_t max)
{
	cleanup_strv char **v = NULL;
	size_t n = 0, k = 0;
	struct st_error ignored = {0};

	if (st_profile_arch_set(p, &v, &n, &ignored) == 0)
		for (size_t i = 0; i < n && k < max; i++)
			if ((tok[k] = st_arch_token(v[i])))
				k++;
	if (!k)
		tok[k++] = seccomp_arch_native();
	return k;
}

/* A syscall of its own (not a multiplexed pseudo-number) on some arch. */
static bool known_on(const uint32_t *tok, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_syscall_resolve_name_arch(tok[i], name) >= 0)
			return true;
	return false;
}

/* The highest number on arch tok that the n_rules rules name (-1: none). */
static int highest(const struct st_rule *rules, size_t n_rules, uint32_t tok)
{
	int top = -1;

	for (size_t i = 0; i < n_rules; i++)
		for (size_t k = 0; k < rules[i].n_names; k++) {
			int nr = seccomp_syscall_resolve_name_arch(tok, rules[i].names[k]);

			top = nr > top ? nr : top;
		}
	return top;
}

static bool unnamed(const struct st_profile *p, const char *name)
{
	const struct st_rule *which;

	return st_profile_classify(p, name, &which) == ST_MERGE_ADDED;
}

/* runc answers ENOSYS to the calls above the highest one a profile names,
 * per arch: the calls between p's highest and the rule's would lose it. */
static int add_stub_gap(const struct st_profile *p, const uint32_t *tok, size_t n_tok,
			struct st_rule *rule, struct st_error *err)
{
	for (size_t a = 0; a < n_tok; a++) {
		int top = highest(p->rules, p->n_rules, tok[a]);
		int hi = highest(rule, 1, tok[a]);

		/* no named call on that arch: runc adds no stub for it */
		for (int nr = top + 1; top >= 0 && nr < hi; nr++) {
			cleanup_free char *name = seccomp_syscall_resolve_num_arch(tok[a], nr);

			if (name && unnamed(p, name) &&
			    !strv_has(rule->names, rule->n_names, name) &&
			    strv_append(&rule->names, &rule->n_names, name, err) < 0)
				return -1;
		}
	}
	return 0;
}

static void log_rule(const struct st_rule *rule)
{
	cleanup_free char *list = strv_join(rule->names, rule->n_names, " ");

	st_info("defaultErrnoRet 38 (ENOSYS): %zu calls programs probe and fall back from "
		"answer ENOSYS by a rule too, for engines that ignore defaultErrnoRet (Docker "
		"20.10): %s",
		rule->n_names, list ? list : "");
}

int st_enosys_rule_add(struct st_profile *p, struct st_error *err)
{
	struct st_rule rule = {0};
	uint32_t tok[MAX_ARCHES];
	size_t n_tok;

	st_enosys_rule_drop(p);
	if (!st_enosys_default(p))
		return 0;
	n_tok = arch_tokens(p, tok, MAX_ARCHES);
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		if (known_on(tok, n_tok, probes[i].name) && unnamed(p, probes[i].name) &&
		    strv_append(&rule.names, &rule.n_names, probes[i].name, err) < 0)
			goto fail;
	if (!rule.n_names)
		return 0;
	if (add_stub_gap(p, tok, n_tok, &rule, err) < 0)
		goto fail;
	strv_sort(rule.names, rule.n_names);
	rule.has_errno_ret = true;
	rule.errno_ret = ENOSYS_ERRNO;
	if (!(rule.action = strdup(ST_ACT_ERRNO)) ||
	    !(rule.comment = strdup(ST_ENOSYS_COMMENT ": the default answers ENOSYS "
						      "(defaultErrnoRet 38), which Docker 20.10 "
						      "ignores; the calls programs probe and fall "
						      "back from only on ENOSYS answer it there "
						      "too"))) {
		st_error_set(err, ENOMEM, "cannot build profile");
		goto fail;
	}
	log_rule(&rule);
	/* last: a base's rules stay first and as they were; no other rule
	 * names these calls, so the order changes nothing */
	if (st_profile_add_rule(p, &rule, err) < 0)
		goto fail;
	return 0;
fail:
	st_rule_clear(&rule);
	return -1;
}

size_t st_enosys_uncovered(const struct st_profile *p, char *names, size_t len)
{
	uint32_t tok[MAX_ARCHES];
	size_t n_tok = arch_tokens(p, tok, MAX_ARCHES), n = 0, o = 0;

	if (len)
		names[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		const struct st_rule *which;
		enum st_merge_outcome what;

		if (!known_on(tok, n_tok, probes[i].name))
			continue;
		what = st_profile_classify(p, probes[i].name, &which);
		if (what == ST_MERGE_COVERED || what == ST_MERGE_BLOCKED)
			continue;
		n++;
		if (o < len)
			o += snprintf(names + o, len - o, "%s%s", o ? ", " : "", probes[i].name);
	}
	return n;
}
