// SPDX-License-Identifier: GPL-2.0
/* Records which syscalls the tasks of traced namespaces make.
 *
 * One copy of this program serves every tracer on the host: it is pinned in
 * bpffs and each tracer adds its container to `targets` and its own ring buffer
 * to `rings`. Every syscall of the machine runs it, so tasks that belong to no
 * target must leave after a couple of loads. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "seccomp_trace.h"

char LICENSE[] SEC("license") = "GPL";

/* UAPI values: linux/prctl.h, linux/seccomp.h. */
#define PR_SET_SECCOMP		22
#define SECCOMP_MODE_FILTER	2
#define SECCOMP_SET_MODE_FILTER 1

#if defined(__TARGET_ARCH_x86)
/* arch/x86/include/asm/thread_info.h and uapi/asm/unistd.h: not in BTF. */
#define TS_COMPAT	0x0002
#define X32_SYSCALL_BIT 0x40000000
#endif

/* Set by the loader from libseccomp; ~0 never matches a recorded number. */
const volatile struct st_nrs nrs = {
    .execve = {~0u, ~0u, ~0u},
    .execveat = {~0u, ~0u, ~0u},
    .seccomp = {~0u, ~0u, ~0u},
    .prctl = {~0u, ~0u, ~0u},
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ST_MAX_TARGETS);
	__type(key, struct st_key);
	__type(value, struct st_target);
} st_targets SEC(".maps");

struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, ST_RING_BYTES);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, ST_MAX_TARGETS);
	__type(key, __u32);
	__array(values, struct ring);
} st_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct st_config);
} st_config SEC(".maps");

static __always_inline struct st_target *lookup(__u32 kind, __u32 inum)
{
	struct st_key key = {.kind = kind, .inum = inum};

	return bpf_map_lookup_elem(&st_targets, &key);
}

static __always_inline struct st_target *lookup_pidns(struct pid *pid, unsigned int i)
{
	return lookup(ST_KEY_PIDNS, pid->numbers[i].ns->ns.inum);
}

/* The target whose PID namespace holds the task at some level >= 1, or whose
 * mount namespace the task is in. Level 0 is the host's namespace, never a
 * target, so host tasks cost two loads here. The first levels are read with
 * plain loads (a constant index); deeper nesting is rare and read with
 * helpers. */
static __always_inline struct st_target *find_target(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct st_target *t;
	struct st_config *cfg;
	__u32 zero = 0;

	if (level >= 1 && (t = lookup_pidns(pid, 1)))
		return t;
	if (level >= 2 && (t = lookup_pidns(pid, 2)))
		return t;
	for (unsigned int i = 3; i <= level && i < ST_MAX_PIDNS_LEVEL; i++) {
		struct pid_namespace *ns;

		if (bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns))
			break;
		t = lookup(ST_KEY_PIDNS, BPF_CORE_READ(ns, ns.inum));
		if (t)
			return t;
	}
	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (!cfg || !cfg->nr_mntns_targets)
		return NULL;
	return lookup(ST_KEY_MNTNS, task->nsproxy->mnt_ns->ns.inum);
}

static __always_inline void syscall_args(struct pt_regs *regs, __u32 abi, __u64 *a0, __u64 *a1)
{
#if defined(__TARGET_ARCH_x86)
	if (abi == ST_ABI_COMPAT) {
		*a0 = (__u32)regs->bx;
		*a1 = (__u32)regs->cx;
		return;
	}
	*a0 = regs->di;
	*a1 = regs->si;
#else
	*a0 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	*a1 = PT_REGS_PARM2_CORE_SYSCALL(regs);
#endif
}

/* Keep v among the distinct values of kind k (racing CPUs may store one
 * value twice; user space de-duplicates). */
static __always_inline void keep_value(struct st_target *t, __u32 k, __u64 v)
{
	__u64 present;
	__u32 n, i;

	if (k >= ST_NR_ARG_KINDS)
		return;
	present = t->arg_present[k];
	for (i = 0; i < ST_MAX_ARG_VALUES; i++)
		if ((present >> i) & 1 && t->arg_vals[k][i] == v)
			return;
	if (t->arg_overflow & (1u << k))
		return;
	n = __sync_fetch_and_add(&t->arg_n[k], 1);
	if (n >= ST_MAX_ARG_VALUES) {
		__sync_fetch_and_or(&t->arg_overflow, 1u << k);
		return;
	}
	t->arg_vals[k][n] = v;
	__sync_fetch_and_or(&t->arg_present[k], 1ULL << n);
}

/* --args: the argument that matters of the syscalls enum st_arg_kind lists. */
static __always_inline void record_args(struct st_target *t, struct pt_regs *regs, __u32 abi,
					__u64 nr)
{
	__u64 a0, a1, flags;
	__u32 k;

	if (nr == nrs.clone3[abi]) {
		/* struct clone_args starts with the flags */
		syscall_args(regs, abi, &a0, &a1);
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)a0) == 0)
			keep_value(t, ST_ARG_KIND_CLONE, flags & ST_CLONE_NS_MASK);
		return;
	}
	for (k = 0; k < ST_NR_ARG_KINDS; k++)
		if (nr == nrs.arg_kind[k][abi])
			break;
	if (k >= ST_NR_ARG_KINDS)
		return;
	syscall_args(regs, abi, &a0, &a1);
	switch (k) {
	case ST_ARG_KIND_SOCKET:
		keep_value(t, k, (a0 & 0xffffffff) << 32 | (a1 & ~ST_SOCK_FLAGS & 0xffffffff));
		break;
	case ST_ARG_KIND_CLONE:
		keep_value(t, k, a0 & ST_CLONE_NS_MASK);
		break;
	case ST_ARG_KIND_PERSONALITY:
	case ST_ARG_KIND_PRCTL:
		keep_value(t, k, a0);
		break;
	default:
		keep_value(t, k, a1);
		break;
	}
}

static __always_inline bool is_exec(__u32 abi, __u64 nr)
{
	return nr == nrs.execve[abi] || nr == nrs.execveat[abi];
}

/* The task whose call starts the scope (scope_tgid) made a syscall while the
 * scope waits: does it start the scope, and does this call itself belong to
 * the scoped set? */
static __always_inline bool check_scope_start(struct st_target *t, struct pt_regs *regs, __u32 abi,
					      __u64 nr)
{
	__u64 a0, a1;

	if (t->scope == ST_SCOPE_EXEC) {
		if (!is_exec(abi, nr))
			return false;
		t->scope_state = ST_SCOPE_STARTED;
		return true;
	}
	if (is_exec(abi, nr)) {
		/* The runtime's init became the workload without a filter. */
		t->scope_state = ST_SCOPE_NEVER;
		return false;
	}
	syscall_args(regs, abi, &a0, &a1);
	if ((nr == nrs.seccomp[abi] && (__u32)a0 == SECCOMP_SET_MODE_FILTER) ||
	    (nr == nrs.prctl[abi] && (__u32)a0 == PR_SET_SECCOMP &&
	     (__u32)a1 == SECCOMP_MODE_FILTER))
		t->scope_state = ST_SCOPE_STARTED;
	return false; /* the load itself is the runtime's, not the workload's */
}

/* Set bit nr in a bitmap word; true if this call set it first. */
static __always_inline bool first_set(__u64 *word, __u64 bit)
{
	/* Plain load first: a syscall already seen costs no atomic. */
	if (*word & bit)
		return false;
	return !(__sync_fetch_and_or(word, bit) & bit);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct st_target *t = find_target(task);
	__u32 abi = ST_ABI_NATIVE, tgid, flags = 0;
	__u64 nr = id, bit;
	struct st_event *e;
	bool in_scope;
	void *rb;

	if (!t)
		return 0;
	tgid = task->tgid;
	if (tgid == t->exclude_tgid)
		return 0;
#if defined(__TARGET_ARCH_x86)
	if (task->thread_info.status & TS_COMPAT) {
		abi = ST_ABI_COMPAT;
	} else if (nr & X32_SYSCALL_BIT) {
		abi = ST_ABI_X32;
		nr &= ~(__u64)X32_SYSCALL_BIT;
	}
#endif
	if (nr >= ST_MAX_SYSCALLS) {
		__sync_fetch_and_add(&t->out_of_range, 1);
		return 0;
	}
	in_scope = t->scope_state == ST_SCOPE_STARTED;
	if (t->scope_state == ST_SCOPE_WAITING && (!t->scope_tgid || tgid == t->scope_tgid))
		in_scope = check_scope_start(t, regs, abi, nr);

	if (in_scope && (t->flags & ST_TARGET_ARGS))
		record_args(t, regs, abi, nr);

	bit = 1ULL << (nr % 64);
	if (first_set(&t->all[abi][nr / 64], bit))
		flags |= ST_EV_ALL;
	if (in_scope && first_set(&t->scoped[abi][nr / 64], bit))
		flags |= ST_EV_SCOPED;
#ifdef ST_TEST_TINY_RING
	flags |= ST_EV_ALL; /* test-only build: no de-duplication */
#endif
	if (!flags)
		return 0;

	rb = bpf_map_lookup_elem(&st_rings, &t->slot);
	e = rb ? bpf_ringbuf_reserve(rb, sizeof(*e), 0) : NULL;
	if (!e) {
		__sync_fetch_and_add(&t->lost, 1);
		return 0;
	}
	e->abi = abi;
	e->nr = nr;
	e->tgid = tgid;
	e->flags = flags;
	e->inum = t->inum;
	e->pad = 0;
#ifdef ST_TEST_TINY_RING
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP); /* drained only at the end */
#else
	bpf_ringbuf_submit(e, 0);
#endif
	return 0;
}
