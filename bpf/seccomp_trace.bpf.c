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

#if defined(__TARGET_ARCH_x86)
/* arch/x86/include/asm/thread_info.h and uapi/asm/unistd.h: not in BTF. */
#define TS_COMPAT	0x0002
#define X32_SYSCALL_BIT 0x40000000
#endif

/* Set by the loader from libseccomp; ~0 never matches a recorded number. */
const volatile struct st_nrs nrs = {
    .execve = {~0u, ~0u, ~0u},
    .execveat = {~0u, ~0u, ~0u},
    .exit = {~0u, ~0u, ~0u},
    .exit_group = {~0u, ~0u, ~0u},
};
/* Set by the loader: does this kernel run x32 calls (CONFIG_X86_X32_ABI)?
 * Without it they only fail with ENOSYS. */
const volatile __u32 kernel_has_x32 = 0;

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
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct st_config);
} st_config SEC(".maps");

/* Per process (on its group leader): the self_exec_id an exec'd set-up task
 * had when first seen. Only tasks created in a traced namespace by a parent
 * outside it get one; the kernel frees it with the task. */
struct setup_task {
	__u64 exec_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct setup_task);
} st_setup_tasks SEC(".maps");

/* Where a call goes for one target (see struct st_target). */
enum phase {
	PHASE_SETUP,	 /* `all` only */
	PHASE_ALLOWANCE, /* the runtime allowance */
	PHASE_WORKLOAD,
};

/* The functions below that are not static are global BPF functions: the
 * verifier checks each once, whatever calls it (static ones are checked
 * again at every call site, which a loop over namespace levels multiplies).
 * They take the current task from bpf_get_current_task_btf(); pointer
 * arguments may be NULL for the verifier. Paths that run rarely read the
 * kernel with helpers (BPF_CORE_READ) rather than typed loads: each typed
 * load of a pointer costs the verifier a search of the kernel's BTF by name,
 * and loading the program is on the first container's start. */

static __always_inline struct st_target *lookup(__u32 kind, __u32 inum)
{
	struct st_key key = {.kind = kind, .inum = inum};

	return bpf_map_lookup_elem(&st_targets, &key);
}

static __always_inline struct st_target *lookup_pidns(struct pid *pid, unsigned int i)
{
	return lookup(ST_KEY_PIDNS, pid->numbers[i].ns->ns.inum);
}

static __always_inline __u32 mntns_of(struct task_struct *task)
{
	return task->nsproxy->mnt_ns->ns.inum;
}

/* The current process's PID in the namespace at `level` (0 if it has none
 * there): the container's numbering. */
__noinline __u32 pid_at(__u32 level)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	__u32 nr = 0;

	if (!pid || level > BPF_CORE_READ(pid, level) || level >= ST_MAX_PIDNS_LEVEL)
		return 0;
	bpf_core_read(&nr, sizeof(nr), &pid->numbers[level].nr);
	return nr;
}

struct pid_in_ctx {
	struct pid *pid;
	__u32 ns_inum;
	__u32 nr;
};

static long pid_in_level(__u64 i, void *data)
{
	struct pid_in_ctx *c = data;
	struct pid *pid = c->pid; /* not in the CO-RE access below: ours, not the kernel's */
	struct pid_namespace *ns;
	__u32 nr;

	if (i >= ST_MAX_PIDNS_LEVEL || bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns) ||
	    BPF_CORE_READ(ns, ns.inum) != c->ns_inum)
		return 0;
	if (bpf_core_read(&nr, sizeof(nr), &pid->numbers[i].nr) == 0)
		c->nr = nr;
	return 1;
}

/* The same in the PID namespace whose inode is ns_inum (a tracer's that runs
 * in a namespace of its own, e.g. under `seccomp-trace run`); 0 if the
 * process is not in it. Rare: helper reads, in a bpf_loop (verified once). */
__noinline __u32 pid_in(__u32 ns_inum)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	struct pid_in_ctx c = {.pid = pid, .ns_inum = ns_inum};
	unsigned int level = BPF_CORE_READ(pid, level);

	if (level >= ST_MAX_PIDNS_LEVEL)
		return 0;
	bpf_loop(level + 1, pid_in_level, &c, 0);
	return c.nr;
}

static __always_inline bool frozen(const struct st_config *cfg, __u32 slot)
{
	return slot < ST_MAX_TARGETS && (cfg->frozen[slot / 64] >> (slot % 64)) & 1;
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

/* --args: the argument that matters of the syscalls enum st_arg_kind lists;
 * a0 and a1 are the call's first two. */
__noinline int record_args(struct st_target *t, __u32 abi, __u64 nr, __u64 a0, __u64 a1)
{
	__u64 flags;
	__u32 k;

	if (!t || abi >= ST_NR_ABI)
		return 0;
	if (nr == nrs.clone3[abi]) {
		/* struct clone_args starts with the flags */
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)a0) == 0)
			keep_value(t, ST_ARG_KIND_CLONE, flags & ST_CLONE_NS_MASK);
		return 0;
	}
	for (k = 0; k < ST_NR_ARG_KINDS; k++)
		if (nr == nrs.arg_kind[k][abi])
			break;
	if (k >= ST_NR_ARG_KINDS)
		return 0;
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
	return 0;
}

static __always_inline bool is_exec(__u32 abi, __u64 nr)
{
	return abi < ST_NR_ABI && (nr == nrs.execve[abi] || nr == nrs.execveat[abi]);
}

/* Does this call end the task's process: exit_group, or exit by its last
 * thread? (The process is gone then, whatever its leftovers still do.) */
static __always_inline bool is_exit(struct task_struct *task, __u32 abi, __u64 nr)
{
	if (abi >= ST_NR_ABI)
		return false;
	if (nr == nrs.exit_group[abi])
		return true;
	return nr == nrs.exit[abi] && BPF_CORE_READ(task, signal, live.counter) == 1;
}

/* A task runs under a seccomp filter of its own once it loaded one: its
 * filter is no longer the one it inherited from its parent (a runtime under
 * no filter, or under an outer container's). Per thread: runc's Go init
 * loads the filter in one thread only. */
static __always_inline bool own_filter(struct task_struct *task)
{
	return BPF_CORE_READ(task, seccomp.filter) !=
	       BPF_CORE_READ(task, real_parent, seccomp.filter);
}

/* Was the task created in the target by a parent outside it (a runtime's
 * init, an exec'd process, a process entering with setns)? For a PID
 * namespace at level L that is a parent at a lower level (a parent is never
 * in a deeper or sibling namespace); for a mount namespace target, a parent
 * in another mount namespace. */
static __always_inline bool parent_outside(struct task_struct *task, const struct st_target *t,
					   __u32 L)
{
	struct task_struct *parent = task->real_parent;

	if (parent->thread_pid->level < L)
		return true;
	return (t->flags & ST_TARGET_MNTNS) && mntns_of(parent) != t->mntns;
}

/* A set-up task other than the init: its phase, from the self_exec_id it had
 * when first seen (kept in task storage). Found without storage, only a task
 * whose parent made it (parent_exec_id is the parent's self_exec_id) starts
 * as a set-up task: an orphan adopted outside (a --pid=host process that
 * outlived its parent) is the workload's. */
__noinline int setup_phase(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader = task->group_leader;
	struct setup_task *s, first;

	s = bpf_task_storage_get(&st_setup_tasks, leader, 0, 0);
	if (!s) {
		if (task->parent_exec_id != BPF_CORE_READ(task, real_parent, self_exec_id))
			return PHASE_WORKLOAD;
		first.exec_id = task->self_exec_id;
		s = bpf_task_storage_get(&st_setup_tasks, leader, &first,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!s)
			return PHASE_WORKLOAD; /* no memory: keep the call rather than lose it */
	}
	if (task->self_exec_id != s->exec_id)
		return PHASE_WORKLOAD;
	return own_filter(task) ? PHASE_ALLOWANCE : PHASE_SETUP;
}

/* The init's phase, kept in the target: it runs until the init exec'd. */
__noinline int init_phase(struct st_target *t)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 state;
	__u64 exec_id;

	if (!t)
		return PHASE_WORKLOAD;
	state = t->init_state;
	if (state & ST_INIT_STARTED)
		return PHASE_WORKLOAD;
	exec_id = task->self_exec_id;
	if (!(state & ST_INIT_SEEN)) {
		/* Threads racing here write the same values. */
		t->init_exec_id = exec_id;
		t->init_task = (__u64)BPF_CORE_READ(task, group_leader);
		__sync_fetch_and_or(&t->init_state, ST_INIT_SEEN);
	} else if (exec_id != t->init_exec_id) {
		__sync_fetch_and_or(&t->init_state, ST_INIT_STARTED);
		return PHASE_WORKLOAD;
	}
	if (!own_filter(task))
		return PHASE_SETUP;
	if (!(state & ST_INIT_FILTERED))
		__sync_fetch_and_or(&t->init_state, ST_INIT_FILTERED);
	return PHASE_ALLOWANCE;
}

enum owner {
	OWNER_NONE,  /* a neighbour: counted in t->foreign */
	OWNER_T,     /* t's after all */
	OWNER_OTHER, /* the target *other names */
};

/* The current task is in the PID namespace of target t, at t's level L, but
 * not in t's container's mount namespace (rare): another traced container
 * sharing the namespace, a process of t's container that entered a mount
 * namespace of its own (its nearest ancestor outside that one is in t's),
 * or a neighbour, whose calls are counted and left out. Ancestors count
 * only while each was its child's creator (an orphan's adoptive parent says
 * nothing). */
__noinline int resolve_shared(struct st_target *t, __u32 L, struct st_key *other)
{
	struct task_struct *p = bpf_get_current_task_btf(), *parent;
	__u32 m = mntns_of(p), pm;

	if (!t || !other)
		return OWNER_NONE;
	*other = (struct st_key){.kind = ST_KEY_MNTNS, .inum = m};
	if (bpf_map_lookup_elem(&st_targets, other))
		return OWNER_OTHER;
	/* Helper reads (a rare path): cheaper to verify than typed loads. */
	for (int i = 0; i < ST_MAX_ANCESTRY; i++) {
		if ((__u64)BPF_CORE_READ(p, group_leader) == t->init_task)
			return OWNER_T;
		parent = BPF_CORE_READ(p, real_parent);
		if (BPF_CORE_READ(parent, thread_pid, level) < L ||
		    BPF_CORE_READ(p, parent_exec_id) != BPF_CORE_READ(parent, self_exec_id))
			break;
		pm = BPF_CORE_READ(parent, nsproxy, mnt_ns, ns.inum);
		if (pm == t->mntns)
			return OWNER_T;
		if (pm != m) {
			other->inum = pm;
			if (bpf_map_lookup_elem(&st_targets, other))
				return OWNER_OTHER;
			m = pm;
		}
		p = parent;
	}
	__sync_fetch_and_add(&t->foreign, 1);
	return OWNER_NONE;
}

/* Set bit nr in a bitmap word; true if this call set it first. */
static __always_inline bool first_set(__u64 *word, __u64 bit)
{
	/* Plain load first: a syscall already seen costs no atomic. */
	if (*word & bit)
		return false;
	return !(__sync_fetch_and_or(word, bit) & bit);
}

static __always_inline void send(struct st_target *t, __u32 L, __u32 abi, __u64 nr, __u32 tgid,
				 __u32 flags)
{
	struct task_struct *leader;
	struct st_event *e;
	void *rb;

	rb = bpf_map_lookup_elem(&st_rings, &t->slot);
	e = rb ? bpf_ringbuf_reserve(rb, sizeof(*e), 0) : NULL;
	if (!e) {
		__sync_fetch_and_add(&t->lost, 1);
		return;
	}
	e->abi = abi;
	e->nr = nr;
	e->tgid = tgid;
	e->ns_pid = pid_at(L);
	e->flags = flags;
	e->inum = t->inum;
	/* the process's name (its leader's), as /proc/<tgid>/comm has it */
	leader = BPF_CORE_READ(bpf_get_current_task_btf(), group_leader);
	if (bpf_core_read_str(e->comm, sizeof(e->comm), &leader->comm) < 0)
		e->comm[0] = '\0';
#ifdef ST_TEST_TINY_RING
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP); /* drained only at the end */
#else
	bpf_ringbuf_submit(e, 0);
#endif
}

/* Record the current task's call in target t (its container's: see
 * record()). L: t's PID namespace level, or the task's for a mount
 * namespace target. */
__noinline int record_in(struct st_target *t, __u32 L, __u64 call, __u64 a0, __u64 a1)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 abi = call >> 32, tgid, flags = 0, word, zero = 0;
	__u64 nr = call & 0xffffffff, bit;
	struct st_config *cfg;
	enum phase phase;

	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (!t || !cfg)
		return 0;
	if (frozen(cfg, t->slot) || (t->init_state & ST_INIT_EXITED)) {
		__sync_fetch_and_add(&t->after_end, 1);
		return 0;
	}
	tgid = t->viewer_pidns ? pid_in(t->viewer_pidns) : task->tgid;
	if (t->exclude_tgid && tgid == t->exclude_tgid)
		return 0;
	if (nr >= ST_MAX_SYSCALLS || abi >= ST_NR_ABI) {
		__sync_fetch_and_add(&t->out_of_range, 1);
		return 0;
	}
	if (abi == ST_ABI_X32 && !kernel_has_x32) {
		__sync_fetch_and_add(&t->x32_refused, 1);
		return 0;
	}

	if (!t->init_tgid)
		__sync_val_compare_and_swap(&t->init_tgid, 0, tgid);
	if (tgid == t->init_tgid)
		phase = t->init_state & ST_INIT_STARTED ? PHASE_WORKLOAD : init_phase(t);
	else if (parent_outside(task, t, L))
		phase = setup_phase();
	else
		phase = PHASE_WORKLOAD;

	if (phase != PHASE_SETUP && (t->flags & ST_TARGET_ARGS))
		record_args(t, abi, nr, a0, a1);

	word = nr / 64;
	bit = 1ULL << (nr % 64);
	if (first_set(&t->all[abi][word], bit))
		flags |= ST_EV_ALL;
	if (phase == PHASE_ALLOWANCE && first_set(&t->allowance[abi][word], bit))
		flags |= ST_EV_ALLOWANCE;
	/* A set-up task's exec ends its phase: it is the workload's first call. */
	if ((phase == PHASE_WORKLOAD || is_exec(abi, nr)) &&
	    first_set(&t->workload[abi][word], bit))
		flags |= ST_EV_WORKLOAD;
#ifdef ST_TEST_TINY_RING
	flags |= ST_EV_ALL; /* test-only build: no de-duplication */
#endif
	if (flags)
		send(t, L, abi, nr, tgid, flags);
	if (tgid == t->init_tgid && is_exit(task, abi, nr))
		__sync_fetch_and_or(&t->init_state, ST_INIT_EXITED);
	return 0;
}

/* Record the current task's call for target t, found at PID namespace level
 * L; `level` is the task's own (L is smaller for an outer target the task is
 * nested in, whose trace counts what nested containers do). A task at t's
 * own level outside t's container's mount namespace may be another
 * container's (resolve_shared). levels: L | level << 8; call: the syscall
 * number | ABI << 32; a0, a1: its first two arguments. */
__noinline int record(struct st_target *t, __u32 levels, __u64 call, __u64 a0, __u64 a1)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 L = levels & 0xff, level = levels >> 8;
	struct st_key other;

	if (!t)
		return 0;
	if (L == level && t->mntns && mntns_of(task) != t->mntns) {
		switch (resolve_shared(t, L, &other)) {
		case OWNER_T:
			break;
		case OWNER_OTHER:
			return record_in(bpf_map_lookup_elem(&st_targets, &other), L, call, a0, a1);
		default:
			return 0;
		}
	}
	return record_in(t, L, call, a0, a1);
}

/* A call as record() takes it: the syscall number | ABI << 32, and its first
 * two arguments. */
struct call {
	__u64 call, a0, a1;
};

static __always_inline void call_of(struct call *c, struct task_struct *task, struct pt_regs *regs,
				    long id)
{
	__u64 nr = id, abi = ST_ABI_NATIVE;

#if defined(__TARGET_ARCH_x86)
	if (task->thread_info.status & TS_COMPAT) {
		abi = ST_ABI_COMPAT;
		c->a0 = (__u32)regs->bx;
		c->a1 = (__u32)regs->cx;
	} else {
		if (nr & X32_SYSCALL_BIT) {
			abi = ST_ABI_X32;
			nr &= ~(__u64)X32_SYSCALL_BIT;
		}
		c->a0 = regs->di;
		c->a1 = regs->si;
	}
#else
	c->a0 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	c->a1 = PT_REGS_PARM2_CORE_SYSCALL(regs);
#endif
	/* out of range (and negative ids) stay >= ST_MAX_SYSCALLS in 32 bits */
	if (nr > 0xffffffff)
		nr = 0xffffffff;
	c->call = abi << 32 | nr;
}

struct deep_ctx {
	struct pid *pid;
	__u32 level;
	int own_found;
	struct call c;
};

static long deep_level_from3(__u64 j, void *data)
{
	__u64 i = j + 3;
	struct deep_ctx *d = data;
	struct pid *pid = d->pid; /* not in the CO-RE access below: ours, not the kernel's */
	struct pid_namespace *ns;
	struct st_target *t;

	if (i >= ST_MAX_PIDNS_LEVEL || bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns))
		return 1;
	t = lookup(ST_KEY_PIDNS, BPF_CORE_READ(ns, ns.inum));
	if (t) {
		record(t, i | d->level << 8, d->c.call, d->c.a0, d->c.a1);
		d->own_found = i == d->level;
	}
	return 0;
}

/* Levels 3 and deeper of a task at `level` (rare: helper reads in a
 * bpf_loop, verified once). True if its own level is traced. */
static __always_inline bool deep_levels(struct pid *pid, __u32 level, const struct call *c)
{
	struct deep_ctx d = {.pid = pid, .level = level, .c = *c};

	if (level >= ST_MAX_PIDNS_LEVEL)
		return false;
	/* i runs from 0: levels 0..2 are skipped by the callback's caller */
	bpf_loop(level - 2, deep_level_from3, &d, 0);
	return d.own_found;
}

/* Every target the task belongs to: the PID namespaces it is in at levels
 * >= 1 (level 0 is the host's, never a target), the outermost first, so that
 * an outer trace counts what nested containers do; then, when no namespace
 * at its own level is traced, its mount namespace (a container in the host's
 * PID namespace, or one sharing a PID namespace whose traced owner is gone).
 * Host tasks and tasks of untraced containers leave after a load or two. The
 * first levels are read with plain loads (a constant index); deeper nesting
 * is rare and read with helpers. */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct st_target *t;
	struct st_config *cfg;
	bool own_found = false;
	struct call c;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (!cfg)
		return 0;
	if (level == 0) {
		if (!cfg->nr_host_mntns)
			return 0;
		t = lookup(ST_KEY_MNTNS, mntns_of(task));
		if (!t)
			return 0;
		call_of(&c, task, regs, id);
		record(t, 0, c.call, c.a0, c.a1);
		return 0;
	}
	t = lookup_pidns(pid, 1);
	if (!t && level == 1 && !cfg->nr_shared_mntns)
		return 0;
	call_of(&c, task, regs, id);
	if (t) {
		record(t, 1 | level << 8, c.call, c.a0, c.a1);
		own_found = level == 1;
	}
	if (level >= 2) {
		t = lookup_pidns(pid, 2);
		if (t) {
			record(t, 2 | level << 8, c.call, c.a0, c.a1);
			own_found = level == 2;
		}
		if (level >= 3)
			own_found = deep_levels(pid, level, &c);
	}
	if (!own_found && cfg->nr_shared_mntns) {
		t = lookup(ST_KEY_MNTNS, mntns_of(task));
		if (t)
			record(t, level | level << 8, c.call, c.a0, c.a1);
	}
	return 0;
}
