// SPDX-License-Identifier: Apache-2.0
#include "tracer_collect.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "report.h"
#include "util.h"

/* The executable of process tgid (the tracer's numbering), as the process
 * sees it: /proc/<tgid>/exe with the process's root taken off when under it
 * (a container's rootfs). NULL if the process is gone, or is no longer the
 * one the event saw: its name is not comm (it exec'd or renamed itself
 * since, as runtimes' set-up tasks do). */
static char *exe_of(uint32_t tgid, const char *comm)
{
	char path[64], exe[PATH_MAX], root[PATH_MAX], now[32];
	cleanup_close int fd = -1;
	ssize_t n, r;

	if (!tgid)
		return NULL;
	snprintf(path, sizeof(path), "/proc/%u/comm", tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, now, sizeof(now) - 1);
	if (n <= 0)
		return NULL;
	/* the kernel's newline ends it; a name may hold newlines of its own */
	now[n - (now[n - 1] == '\n')] = '\0';
	if (strcmp(now, comm))
		return NULL;
	snprintf(path, sizeof(path), "/proc/%u/exe", tgid);
	n = readlink(path, exe, sizeof(exe) - 1);
	/* "/": a file of a mount that is not ours to name (a runtime's cloned
	 * binary while it sets a container up) */
	if (n <= 1)
		return NULL;
	exe[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/root", tgid);
	r = readlink(path, root, sizeof(root) - 1);
	if (r > 1 && r < n) {
		root[r] = '\0';
		if (!strncmp(exe, root, r) && exe[r] == '/')
			return strdup(exe + r);
	}
	return strdup(exe);
}

static const char *sets_text(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", flags & ST_EV_ALL ? "all" : "",
		 flags & ST_EV_WORKLOAD ? (flags & ST_EV_ALL ? ",workload" : "workload") : "",
		 flags & ST_EV_ALLOWANCE
		     ? (flags & (ST_EV_ALL | ST_EV_WORKLOAD) ? ",allowance" : "allowance")
		     : "");
	return buf;
}

static void add_first(struct st_collector *c, const struct st_event *e)
{
	struct st_trace_result *r = &c->res;
	struct st_first *f;

	if (r->nr_firsts == c->cap_firsts) {
		size_t cap = c->cap_firsts ? 2 * c->cap_firsts : 64;
		struct st_first *n = realloc(r->firsts, cap * sizeof(*n));

		if (!n)
			return; /* provenance is best effort; the sets are not */
		r->firsts = n;
		c->cap_firsts = cap;
	}
	f = &r->firsts[r->nr_firsts++];
	*f = (struct st_first){
	    .abi = e->abi, .nr = e->nr, .sets = e->flags, .ns_pid = e->ns_pid, .tgid = e->tgid};
	memcpy(f->comm, e->comm, sizeof(f->comm) - 1);
	f->comm[sizeof(f->comm) - 1] = '\0';
	f->exe = exe_of(e->tgid, f->comm);
	if (st_log_get_level() >= ST_LOG_DEBUG) {
		cleanup_free char *name = st_syscall_name(e->abi, e->nr);
		/* the process chose both: no control characters into the log */
		cleanup_free char *comm = st_printable(f->comm);
		cleanup_free char *exe = f->exe ? st_printable(f->exe) : NULL;
		char sets[32];

		st_debug("first %s (%s #%u) [%s] by %s, pid %u in the container (%s)",
			 name ? name : "?", st_abi_arch_name(e->abi) ?: "?", e->nr,
			 sets_text(e->flags, sets, sizeof(sets)), comm ? comm : "?", f->ns_pid,
			 exe ? exe : "executable unknown");
	}
}

int st_collect_event(void *ctx, void *data, size_t size)
{
	struct st_collector *c = ctx;
	const struct st_event *e = data;

	/* The slot's ring may still hold events of its previous tracer. */
	if (size < sizeof(*e) || !c->armed || e->inum != c->inum)
		return 0;
	if (e->flags & ST_EV_ALL)
		st_sysset_add(&c->res.all, e->abi, e->nr);
	if (e->flags & ST_EV_WORKLOAD)
		st_sysset_add(&c->res.workload, e->abi, e->nr);
	if (e->flags & ST_EV_ALLOWANCE)
		st_sysset_add(&c->res.allowance, e->abi, e->nr);
	add_first(c, e);
	return 0;
}

/* Bits set in the kernel's bitmap but not in what arrived. */
static unsigned missing_bits(const __u64 (*kernel)[ST_BITMAP_WORDS], const struct st_sysset *got)
{
	unsigned n = 0;

	for (unsigned a = 0; a < ST_NR_ABI; a++)
		for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
			n += __builtin_popcountll(kernel[a][w] & ~got->bits[a][w]);
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The kernel's value slots, sorted and without the duplicates racing CPUs
 * left. */
static void collect_args(const struct st_target *val, struct st_arg_values *out)
{
	memset(out, 0, sizeof(*out));
	out->overflow = val->arg_overflow;
	for (unsigned k = 0; k < ST_NR_ARG_KINDS; k++) {
		uint32_t n = 0;

		for (unsigned i = 0; i < ST_MAX_ARG_VALUES; i++)
			if ((val->arg_present[k] >> i) & 1)
				out->v[k][n++] = val->arg_vals[k][i];
		qsort(out->v[k], n, sizeof(uint64_t), cmp_u64);
		out->n[k] = 0;
		for (uint32_t i = 0; i < n; i++)
			if (!i || out->v[k][i] != out->v[k][out->n[k] - 1])
				out->v[k][out->n[k]++] = out->v[k][i];
	}
}

/* "name name ..." of a set, for the log (malloc'ed; NULL without memory). */
static char *set_names(const struct st_sysset *s)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);

	if (!f)
		return NULL;
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++)
		for (unsigned nr = 0; nr < ST_MAX_SYSCALLS; nr++) {
			cleanup_free char *name = NULL;

			if (!st_sysset_has(s, abi, nr))
				continue;
			name = st_syscall_name(abi, nr);
			fprintf(f, "%s%s", ftell(f) > 0 ? " " : "", name ? name : "?");
			if (abi != ST_ABI_NATIVE)
				fprintf(f, "(%s)", st_abi_arch_name(abi) ?: "?");
		}
	return st_memstream_done(&m, 0);
}

unsigned st_collect_missing(const struct st_collector *c, const struct st_target *kernel)
{
	return missing_bits(kernel->all, &c->res.all) +
	       missing_bits(kernel->workload, &c->res.workload) +
	       missing_bits(kernel->allowance, &c->res.allowance);
}

int st_collect_finish(struct st_collector *c, const struct st_target *kernel,
		      struct st_trace_result *out, struct st_error *err)
{
	unsigned missing;

	if (kernel->lost)
		return st_error_set(err, 0,
				    "%llu syscall events were lost (ring buffer full); "
				    "refusing to write an incomplete profile",
				    (unsigned long long)kernel->lost);
	if (kernel->unattributed)
		return st_error_set(
		    err, 0,
		    "%llu calls of processes in the container's PID namespace, outside "
		    "its mount namespace, could not be attributed (their origin was not "
		    "recorded: no kernel memory when they were forked, or a PID namespace "
		    "deeper than %d levels); refusing to write an incomplete profile",
		    (unsigned long long)kernel->unattributed, ST_ORIGIN_LEVELS);
	missing = st_collect_missing(c, kernel);
	if (missing)
		return st_error_set(err, 0,
				    "%u syscalls recorded in the kernel never reached the tracer; "
				    "refusing to write an incomplete profile",
				    missing);
	if (kernel->out_of_range)
		st_warn("%llu calls with syscall numbers >= %d were not recorded (invalid numbers)",
			(unsigned long long)kernel->out_of_range, ST_MAX_SYSCALLS);
	if (kernel->x32_refused)
		st_warn("%llu x32 calls were not recorded: this kernel has no x32 ABI "
			"(CONFIG_X86_X32_ABI), so they failed with ENOSYS",
			(unsigned long long)kernel->x32_refused);
	if (kernel->foreign)
		st_info(
		    "%llu calls of processes in the container's PID namespace (or one nested "
		    "in it) whose lineage came from outside the container (another container "
		    "sharing the namespace, a process that entered it with setns) were left out",
		    (unsigned long long)kernel->foreign);
	if (st_sysset_count(&c->res.allowance)) {
		cleanup_free char *names = set_names(&c->res.allowance);

		st_info("runtime allowance seen: %u syscalls made by set-up tasks (the container's "
			"process before its exec, exec'd processes before theirs) under their own "
			"seccomp filter",
			st_sysset_count(&c->res.allowance));
		st_debug("runtime allowance: %s", names ? names : "?");
	}
	st_report_log_summary(&c->res);
	c->res.started = kernel->init_state & ST_INIT_STARTED;
	c->res.filtered = kernel->init_state & ST_INIT_FILTERED;
	c->res.foreign = kernel->foreign;
	c->res.x32_refused = kernel->x32_refused;
	collect_args(kernel, &c->res.args);
	*out = c->res;
	memset(&c->res, 0, sizeof(c->res));
	c->cap_firsts = 0;
	return 0;
}

void st_collect_free(struct st_collector *c)
{
	st_trace_result_free(&c->res);
	c->cap_firsts = 0;
}

const struct st_first *st_trace_first(const struct st_trace_result *res, uint32_t set, unsigned abi,
				      unsigned nr)
{
	for (size_t i = 0; i < res->nr_firsts; i++)
		if (res->firsts[i].abi == abi && res->firsts[i].nr == nr &&
		    (res->firsts[i].sets & set))
			return &res->firsts[i];
	return NULL;
}

void st_trace_result_free(struct st_trace_result *res)
{
	for (size_t i = 0; i < res->nr_firsts; i++)
		free(res->firsts[i].exe);
	free(res->firsts);
	res->firsts = NULL;
	res->nr_firsts = 0;
}
