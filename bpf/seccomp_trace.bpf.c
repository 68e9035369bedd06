// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
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

/* The licence the kernel checks at load: it must be GPL-compatible (the
 * kernel's license_is_gpl_compatible() list, kernel/bpf/core.c and
 * include/linux/license.h), or the verifier refuses the GPL-only helpers
 * this program calls: bpf_get_current_task_btf and bpf_probe_read_user.
 * This file and seccomp_trace.h are GPL-2.0-only OR BSD-2-Clause (texts in
 * bpf/LICENSE.*); the rest of seccomp-trace is Apache-2.0, which the kernel
 * does not accept here. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";

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

/* Per task (threads too, so that an exec by a thread that is not the leader
 * keeps it), for each PID namespace it is in down to level ST_ORIGIN_LEVELS:
 * the mount namespace of the process that brought the task's lineage into
 * that namespace, as it was then. at[l - 1]: the namespace at absolute level
 * l (the host's is 0), where a target at level l looks, however deep the
 * task itself is nested below it (a nested namespace's tasks are counted by
 * an outer trace only when their lineage came from its container). Written
 * once, when the task is forked (sched_process_fork), from its creator's:
 * the container a task in a shared PID namespace belongs to
 * (resolve_shared). The creator is the forking task itself, in the kernel,
 * before the child can run: an orphan's adoptive parent (the namespace's
 * init, a child subreaper) never enters into it. mntns_id: mntns_id_of()
 * (an inode number is reused once its namespace is gone); 0: not known. */
struct st_origin_at {
	__u32 mntns;
	__u32 pad;
	__u64 mntns_id;
};

struct st_origin {
	struct st_origin_at at[ST_ORIGIN_LEVELS];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct st_origin);
} st_origins SEC(".maps");

/* Per CPU: the last task resolve_shared found to be its target's by its
 * origin (OWNER_T), so that the next calls of that task on this CPU (a
 * nested namespace's process in a loop) skip the global function and the
 * task storage helpers, dear on every call. The verdict is a function of
 * what the entry holds, nothing else: the task (its address and start time:
 * an address freed and given to a new task comes with another start time),
 * the target's PID namespace level (where the origin is read) and its mount
 * namespace (inode number and id); the task's origin, the only other input,
 * is written once, when it is forked. So no entry goes stale: a trace that ends is not looked up, one
 * that starts for the same container has the same verdict, a task that
 * exits leaves an entry no task matches. seq is odd while the entry is
 * written: a program preempted on this CPU by another never reads or writes
 * half an entry. */
struct owner_memo {
	__u64 seq;
	__u64 task;
	__u64 start_time;
	__u64 mntns_id;
	__u32 mntns;
	__u32 level;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct owner_memo);
} st_owner_memo SEC(".maps");

#define compiler_barrier() asm volatile("" ::: "memory")

/* A kfunc the verifier turns into nothing: a pointer to the same task that
 * it no longer treats as trusted. Loads through it are checked as plain
 * kernel reads, without the search of the kernel's BTF by name that a load
 * of a pointer from a trusted task costs the verifier each time (loading the
 * program is on the start path of the first container). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

static __always_inline struct task_struct *current_task(void)
{
	return bpf_rdonly_cast(bpf_get_current_task_btf(),
			       bpf_core_type_id_kernel(struct task_struct));
}

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

/* A mount namespace's id, unique until reboot (6.18's ns_common.ns_id).
 * Older kernels: its address, which only a namespace made after this one
 * was freed can have again (with the same inode number too, for a match). */
static __always_inline __u64 mntns_id_of(struct mnt_namespace *ns)
{
	if (bpf_core_field_exists(ns->ns.ns_id))
		return BPF_CORE_READ(ns, ns.ns_id);
	return (__u64)ns;
}

/* The index of level l's origin (struct st_origin); -1 past what is kept. */
static __always_inline int origin_index(__u32 l)
{
	return l >= 1 && l <= ST_ORIGIN_LEVELS ? (int)((l - 1) & (ST_ORIGIN_LEVELS - 1)) : -1;
}

/* A task with no origin was forked while no trace ran (before the fork
 * program's link was made; the traced inits are told apart by their tgid),
 * or the kernel had no memory for it then. */
static __always_inline bool forked_untraced(struct task_struct *task)
{
	struct st_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&st_config, &zero);
	return cfg && BPF_CORE_READ(task, start_time) < cfg->fork_attached_ns;
}

/* Is ns the mount namespace whose inode number is inum and, when known
 * (id != 0: set once the target's init was seen in it), whose id is id?
 * An inode number alone is not enough: the kernel gives a freed
 * namespace's number to the next one made (fs/proc/generic.c
 * proc_alloc_inum), so an init that leaves its container's first mount
 * namespace (an entrypoint `unshare -m ...` that exec's) hands that number
 * to the next container. ns: an untrusted pointer (plain loads). */
static __always_inline bool is_mntns(struct mnt_namespace *ns, __u32 inum, __u64 id)
{
	if (ns->ns.inum != inum)
		return false;
	if (!id)
		return true;
	if (bpf_core_field_exists(ns->ns.ns_id))
		return ns->ns.ns_id == id;
	return (__u64)ns == id;
}

/* The target keyed by task's mount namespace (--pid=host, or sharing a PID
 * namespace), if that is still the namespace it was made for (is_mntns: a
 * freed namespace's number goes to the next one made while the trace goes
 * on). */
static __always_inline struct st_target *lookup_mntns(struct task_struct *task)
{
	struct mnt_namespace *ns = task->nsproxy->mnt_ns;
	struct st_target *t = lookup(ST_KEY_MNTNS, ns->ns.inum);

	return t && is_mntns(ns, t->mntns, t->mntns_id) ? t : NULL;
}

/* Mount namespace ns as an origin (struct st_origin). */
static __always_inline struct st_origin_at origin_at(struct mnt_namespace *ns)
{
	return (struct st_origin_at){.mntns = BPF_CORE_READ(ns, ns.inum),
				     .mntns_id = mntns_id_of(ns)};
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

/* Each ABI with a constant index: the verifier turns a read of read-only
 * data at a known offset into a constant. */
#define PER_ABI(abi, expr)                                                                         \
	((abi) == ST_ABI_NATIVE	  ? expr(ST_ABI_NATIVE)                                            \
	 : (abi) == ST_ABI_COMPAT ? expr(ST_ABI_COMPAT)                                            \
				  : expr(ST_ABI_X32))

static __always_inline bool is_exec(__u32 abi, __u64 nr)
{
#define EXEC(a) (nr == nrs.execve[a] || nr == nrs.execveat[a])
	return PER_ABI(abi, EXEC);
#undef EXEC
}

/* Does this call end the task's process: exit_group, or exit by its last
 * thread? (The process is gone then, whatever its leftovers still do.) */
static __always_inline bool is_exit(__u32 abi, __u64 nr)
{
#define EXIT_GROUP(a) (nr == nrs.exit_group[a])
#define EXIT(a)	      (nr == nrs.exit[a])
	if (PER_ABI(abi, EXIT_GROUP))
		return true;
	return PER_ABI(abi, EXIT) &&
	       BPF_CORE_READ(bpf_get_current_task_btf(), signal, live.counter) == 1;
#undef EXIT
#undef EXIT_GROUP
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

/* A set-up task other than the init: its phase, from the self_exec_id it had
 * when first seen (kept in task storage). Found without storage, a task
 * starts as a set-up task only if its parent made it (parent_exec_id is its
 * parent's self_exec_id: runc's exec'd init, made with CLONE_PARENT, has
 * exec'd since its fork, yet its parent is the runc exec that made it) or if
 * it has not exec'd since its fork (crun exec's process, which its parent's
 * exit left to podman's conmon before it ran): an orphan that exec'd and
 * was adopted outside (a --pid=host process that outlived its parent) is the
 * workload's. */
__noinline int setup_phase(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader = task->group_leader;
	struct setup_task *s, first;

	s = bpf_task_storage_get(&st_setup_tasks, leader, 0, 0);
	if (!s) {
		if (task->parent_exec_id != BPF_CORE_READ(task, real_parent, self_exec_id) &&
		    task->self_exec_id != task->parent_exec_id)
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

/* An init forked while the program was detached (before the hook attached
 * it: the usual case) has no origin, and its children would take, as
 * theirs, the mount namespace it is in when they are forked: not t's once
 * the init entered one of its own (an entrypoint of `unshare -m ...`), and
 * they would be left out as a neighbour's. It is t's by definition: its
 * origin in t's namespace is t's mount namespace. An origin from its fork
 * (a trace was running then) is kept. */
static __always_inline void init_origin(struct task_struct *task, struct st_target *t)
{
	int i = origin_index(BPF_CORE_READ(task, thread_pid, level));
	struct st_origin o = {};

	if (!t->mntns_id || i < 0)
		return;
	o.at[i] = (struct st_origin_at){.mntns = t->mntns, .mntns_id = t->mntns_id};
	bpf_task_storage_get(&st_origins, task, &o, BPF_LOCAL_STORAGE_GET_F_CREATE);
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
		if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == t->mntns)
			t->mntns_id = mntns_id_of(BPF_CORE_READ(task, nsproxy, mnt_ns));
		__sync_fetch_and_or(&t->init_state, ST_INIT_SEEN);
	} else if (exec_id != t->init_exec_id) {
		__sync_fetch_and_or(&t->init_state, ST_INIT_STARTED);
		return PHASE_WORKLOAD;
	}
	/* before its exec: the thread that execs makes the execve call here */
	init_origin(task, t);
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

/* Is the current task (task: untrusted) t's by its origin at level L, as
 * the memo of this CPU says? */
static __always_inline bool owner_memo_hit(struct st_target *t, struct task_struct *task,
					   __u32 L)
{
	struct owner_memo *m;
	__u32 zero = 0;
	__u64 seq;
	bool hit;

	m = bpf_map_lookup_elem(&st_owner_memo, &zero);
	if (!m)
		return false;
	seq = m->seq;
	compiler_barrier();
	hit = !(seq & 1) && m->task == (__u64)task && m->start_time == task->start_time &&
	      m->level == L && m->mntns == t->mntns && m->mntns_id == t->mntns_id;
	compiler_barrier();
	return hit && m->seq == seq;
}

/* Remember that the current task is t's by its origin at level L. */
static __always_inline void owner_memo_put(struct st_target *t, __u32 L)
{
	struct task_struct *task = current_task();
	struct owner_memo *m;
	__u32 zero = 0;

	m = bpf_map_lookup_elem(&st_owner_memo, &zero);
	if (!m || (m->seq & 1))
		return; /* a preempted program of this CPU is writing it */
	m->seq++;
	compiler_barrier();
	m->task = (__u64)task;
	m->start_time = task->start_time;
	m->level = L;
	m->mntns = t->mntns;
	m->mntns_id = t->mntns_id;
	compiler_barrier();
	m->seq++;
}

/* The current task, at PID namespace level `level`, is in the PID namespace
 * of target t, at level L (L == level: in t's own, more: in a namespace
 * nested in it), but not in t's container's mount namespace (rare): another
 * traced container sharing the namespace, a process of t's container that
 * entered a mount namespace (or a nested PID namespace) of its own, or a
 * neighbour, whose calls are counted and left out. Decided by the task's
 * origin in t's namespace, recorded when it was forked (sched_process_fork
 * below): reparenting, exec counts and the order in which parent and child
 * run say nothing. A task whose origin there is not known is counted as
 * unattributed (the trace is incomplete), unless it was forked while no
 * trace ran. */
__noinline int resolve_shared(struct st_target *t, __u32 L, __u32 level, struct st_key *other)
{
	struct st_origin_at *o = NULL;
	struct mnt_namespace *ns;
	struct st_origin *origin;
	struct st_target *ot;
	int i = origin_index(L);

	if (!t || !other)
		return OWNER_NONE;
	/* Another traced container's own processes: one lookup. A nested
	 * namespace's tasks are told by their origin alone: their verdict is
	 * the origin written at their fork, which never changes, compared
	 * with t's; nothing else is read for them (every syscall of theirs
	 * comes here: on this path each helper call shows). */
	*other = (struct st_key){.kind = ST_KEY_MNTNS};
	if (level == L) {
		ns = current_task()->nsproxy->mnt_ns;
		other->inum = ns->ns.inum;
		ot = bpf_map_lookup_elem(&st_targets, other);
		if (ot && is_mntns(ns, ot->mntns, ot->mntns_id))
			return OWNER_OTHER;
	}
	origin = bpf_task_storage_get(&st_origins, bpf_get_current_task_btf(), 0, 0);
	if (origin && i >= 0)
		o = &origin->at[i];
	if (o && o->mntns_id) {
		if (o->mntns == t->mntns && o->mntns_id == t->mntns_id) {
			owner_memo_put(t, L);
			return OWNER_T;
		}
		other->inum = o->mntns;
		ot = bpf_map_lookup_elem(&st_targets, other);
		if (ot && ot->mntns_id == o->mntns_id)
			return OWNER_OTHER;
	} else if (L && (i < 0 || !forked_untraced(current_task()))) {
		/* (L == 0, a --pid=host container's: no origin is kept there;
		 * the task came by its mount namespace's number, but the
		 * namespace is another one, that reuses it: a neighbour.) */
		__sync_fetch_and_add(&t->unattributed, 1);
		return OWNER_NONE;
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

/* A first sighting to the target's ring. call: the syscall number | ABI <<
 * 32; what: L (the target's level) | ST_EV_* flags << 8. Global: one copy,
 * whatever calls it. */
__noinline int send(struct st_target *t, __u64 call, __u32 tgid, __u32 what)
{
	struct task_struct *leader;
	struct st_event *e;
	void *rb;

	if (!t)
		return 0;
	rb = bpf_map_lookup_elem(&st_rings, &t->slot);
	e = rb ? bpf_ringbuf_reserve(rb, sizeof(*e), 0) : NULL;
	if (!e) {
		__sync_fetch_and_add(&t->lost, 1);
		return 0;
	}
	e->abi = call >> 32;
	e->nr = call;
	e->tgid = tgid;
	e->ns_pid = pid_at(what & 0xff);
	e->flags = what >> 8;
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
	return 0;
}

#define NEW_EXEC (1u << 16)
#define NEW_EXIT (1u << 17)

/* Record a call that adds to target t (visit() checked that it does and
 * that the trace goes on). call: the syscall number | ABI << 32; what: L |
 * enum phase << 8 | NEW_EXEC | NEW_EXIT. Global: one copy. */
__noinline int record_new(struct st_target *t, __u64 call, __u32 tgid, __u32 what)
{
	__u64 abi = call >> 32, nr = call & 0xffffffff, word, bit;
	__u32 phase = (what >> 8) & 0xff, flags = 0;

	if (!t || abi >= ST_NR_ABI || nr >= ST_MAX_SYSCALLS)
		return 0;
	word = nr / 64;
	bit = 1ULL << (nr % 64);
	if (first_set(&t->all[abi][word], bit))
		flags |= ST_EV_ALL;
	if (phase == PHASE_ALLOWANCE && first_set(&t->allowance[abi][word], bit))
		flags |= ST_EV_ALLOWANCE;
	/* A set-up task's exec ends its phase: it is the workload's first call. */
	if ((phase == PHASE_WORKLOAD || (what & NEW_EXEC)) &&
	    first_set(&t->workload[abi][word], bit))
		flags |= ST_EV_WORKLOAD;
#ifdef ST_TEST_TINY_RING
	flags |= ST_EV_ALL; /* test-only build: no de-duplication */
#endif
	if (flags)
		send(t, call, tgid, (what & 0xff) | flags << 8);
	if (what & NEW_EXIT)
		__sync_fetch_and_or(&t->init_state, ST_INIT_EXITED);
	return 0;
}

/* The call's ABI and number (x32's without its bit); false when it is not
 * recorded (a number out of range, x32 where the kernel has none): counted. */
static __always_inline bool call_abi(struct st_target *t, struct task_struct *task, __u64 *nr,
				     __u64 *abi)
{
#if defined(__TARGET_ARCH_x86)
	if (task->thread_info.status & TS_COMPAT) {
		*abi = ST_ABI_COMPAT;
	} else if (*nr & X32_SYSCALL_BIT) {
		*abi = ST_ABI_X32;
		*nr &= ~(__u64)X32_SYSCALL_BIT;
	}
#endif
	if (*nr >= ST_MAX_SYSCALLS) {
		__sync_fetch_and_add(&t->out_of_range, 1);
		return false;
	}
	if (*abi == ST_ABI_X32 && !kernel_has_x32) {
		__sync_fetch_and_add(&t->x32_refused, 1);
		return false;
	}
	return true;
}

/* Whose call it is: the init's phase, or for another task the set-up's when
 * a parent outside the target created it; *exit: the init's exit. */
static __always_inline enum phase call_phase(struct st_target *t, struct task_struct *task, __u32 L,
					     bool init, __u64 abi, __u64 nr, bool *exit)
{
	struct task_struct *parent;

	if (init) {
		*exit = is_exit(abi, nr);
		return t->init_state & ST_INIT_STARTED ? PHASE_WORKLOAD : init_phase(t);
	}
	/* Was the task created in the target by a parent outside it (a
	 * runtime's init, an exec'd process, one entering with setns)? For a
	 * PID namespace at level L that is a parent at a lower level (a parent
	 * is never in a deeper or sibling namespace); for a mount namespace
	 * target, a parent in another mount namespace. */
	parent = task->real_parent;
	if (parent->thread_pid->level < L ||
	    ((t->flags & ST_TARGET_MNTNS) &&
	     !is_mntns(parent->nsproxy->mnt_ns, t->mntns, t->mntns_id)))
		return setup_phase();
	return PHASE_WORKLOAD;
}

/* --args: the two arguments that matter, from the call's registers (NULL:
 * the current task's); false when there are none to read (the call is not
 * recorded then). */
static __always_inline bool call_args(struct st_target *t, struct pt_regs *regs, __u64 abi,
				      __u64 nr)
{
	__u64 a0, a1;

	if (!regs)
		regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (!regs)
		return false;
#if defined(__TARGET_ARCH_x86)
	if (abi == ST_ABI_COMPAT) {
		a0 = (__u32)regs->bx;
		a1 = (__u32)regs->cx;
	} else {
		a0 = regs->di;
		a1 = regs->si;
	}
#else
	a0 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	a1 = PT_REGS_PARM2_CORE_SYSCALL(regs);
#endif
	record_args(t, abi, nr, a0, a1);
	return true;
}

/* Record the current task's call for target t, found at PID namespace level
 * L; `level` is the task's own (L is smaller for an outer target the task is
 * nested in, whose trace counts what nested containers do). task: the
 * current one (untrusted: loads through it are plain kernel reads); regs:
 * the call's registers, NULL to have them looked up if needed. A call
 * seen before leaves after plain loads: no atomic, no map lookup, no
 * counter. */
static __always_inline void visit(struct st_target *t, __u32 L, __u32 level,
				  struct task_struct *task, struct pt_regs *regs, long id)
{
	__u64 nr = id, abi = ST_ABI_NATIVE, bit;
	__u32 tgid = task->tgid, word, zero = 0;
	bool init, exec, exit = false;
	struct st_config *cfg;
	struct st_key other;
	enum phase phase;

	if (t->viewer_pidns)
		tgid = pid_in(t->viewer_pidns);
	if (t->exclude_tgid && tgid == t->exclude_tgid)
		return;
	if (!t->init_tgid)
		__sync_val_compare_and_swap(&t->init_tgid, 0, tgid);
	init = tgid == t->init_tgid;
	/* A task of t's PID namespace, or of one nested in it, outside t's
	 * container's mount namespace may be another container's (rare:
	 * resolve_shared). The init is t's by definition. */
	if (t->mntns && !init && !is_mntns(task->nsproxy->mnt_ns, t->mntns, t->mntns_id) &&
	    !owner_memo_hit(t, task, L)) {
		switch (resolve_shared(t, L, level, &other)) {
		case OWNER_T:
			break;
		case OWNER_OTHER:
			t = bpf_map_lookup_elem(&st_targets, &other);
			if (!t)
				return;
			init = tgid == t->init_tgid;
			break;
		default:
			return;
		}
	}
	if (!call_abi(t, task, &nr, &abi))
		return;
	phase = call_phase(t, task, L, init, abi, nr, &exit);

	/* Anything new? */
	word = nr / 64;
	bit = 1ULL << (nr % 64);
	exec = is_exec(abi, nr);
	if (abi >= ST_NR_ABI || word >= ST_BITMAP_WORDS)
		return;
	if ((t->all[abi][word] & bit) &&
	    (phase != PHASE_ALLOWANCE || (t->allowance[abi][word] & bit)) &&
	    ((phase != PHASE_WORKLOAD && !exec) || (t->workload[abi][word] & bit)) &&
	    (phase == PHASE_SETUP || !(t->flags & ST_TARGET_ARGS)) && !exit)
		return;

	/* The trace has ended: the init exited, or the tracer froze it. */
	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (!cfg || frozen(cfg, t->slot) || (t->init_state & ST_INIT_EXITED)) {
		__sync_fetch_and_add(&t->after_end, 1);
		return;
	}

	if (phase != PHASE_SETUP && (t->flags & ST_TARGET_ARGS) && !call_args(t, regs, abi, nr))
		return;
	record_new(t, abi << 32 | nr, tgid,
		   L | phase << 8 | (exec ? NEW_EXEC : 0) | (exit ? NEW_EXIT : 0));
}

/* visit() for the rarer places a target is found (a container in the
 * host's PID namespace or sharing one, nested namespaces): a global function,
 * so that the verifier checks visit() twice in all, not once per place.
 * levels: L | the task's level << 8. */
__noinline int visit_other(struct st_target *t, __u32 levels, long id)
{
	if (t)
		visit(t, levels & 0xff, levels >> 8, current_task(), NULL, id);
	return 0;
}

/* The current task, at level `level` in a PID namespace whose level no
 * target holds, outside the mount namespaces of targets: a process of an
 * ST_TARGET_SHARED target that entered a mount namespace of its own, once
 * the trace holding the shared namespace's key ended (or before the next
 * one came)? Its origin says: in the namespace such a target shares, the
 * target's mount namespace. Without one (and forked under a trace) it may
 * be: counted in config, for those targets' tracers to say. */
__noinline int visit_orphan(__u32 level, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	struct st_key key = {.kind = ST_KEY_MNTNS};
	struct st_origin *origin;
	struct pid_namespace *ns;
	struct st_config *cfg;
	struct st_target *t;
	__u32 zero = 0;

	origin = bpf_task_storage_get(&st_origins, task, 0, 0);
	if (!origin) {
		cfg = bpf_map_lookup_elem(&st_config, &zero);
		if (cfg && BPF_CORE_READ(task, start_time) >= cfg->fork_attached_ns)
			__sync_fetch_and_add(&cfg->unattributed_shared, 1);
		return 0;
	}
	for (__u32 l = 1; l <= ST_ORIGIN_LEVELS && l <= level; l++) {
		struct st_origin_at *o = &origin->at[(l - 1) & (ST_ORIGIN_LEVELS - 1)];

		if (!o->mntns_id)
			continue;
		key.inum = o->mntns;
		t = bpf_map_lookup_elem(&st_targets, &key);
		if (!t || !(t->flags & ST_TARGET_SHARED) || t->mntns_id != o->mntns_id ||
		    bpf_core_read(&ns, sizeof(ns), &pid->numbers[l].ns) ||
		    BPF_CORE_READ(ns, ns.inum) != t->pidns)
			continue;
		visit_other(t, l | level << 8, id);
		return 0;
	}
	return 0;
}

struct deep_ctx {
	struct pid *pid;
	long id;
	__u32 level;
	int own_found;
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
		visit_other(t, i | d->level << 8, d->id);
		d->own_found = i == d->level;
	}
	return 0;
}

/* Every target the task belongs to: the PID namespaces it is in at levels
 * >= 1 (level 0 is the host's, never a target), the outermost first, so that
 * an outer trace counts what nested containers do; then, when no namespace
 * at its own level is traced, its mount namespace (a container in the host's
 * PID namespace whose process entered a PID namespace of its own, or one
 * sharing a PID namespace whose traced owner is gone), or else its origin
 * (visit_orphan).
 * Host tasks and tasks of untraced containers leave after a load or two; a
 * container's own tasks (level 1) are visited inline. The first levels are
 * read with plain loads (a constant index); deeper nesting is rare, read
 * with helpers in a bpf_loop (its callback verified once). */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = current_task();
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct st_config *cfg;
	struct st_target *t;
	__u32 zero = 0;

	if (level == 0) {
		cfg = bpf_map_lookup_elem(&st_config, &zero);
		if (!cfg || !cfg->nr_host_mntns)
			return 0;
		t = lookup_mntns(task);
		if (t)
			visit_other(t, 0, id);
		return 0;
	}
	t = lookup_pidns(pid, 1);
	if (t && level == 1) {
		visit(t, 1, 1, task, regs, id);
		return 0;
	}
	if (t)
		visit_other(t, 1 | level << 8, id);
	if (level >= 2) {
		t = lookup_pidns(pid, 2);
		if (t) {
			visit_other(t, 2 | level << 8, id);
			if (level == 2)
				return 0;
		}
		if (level >= 3 && level < ST_MAX_PIDNS_LEVEL) {
			struct deep_ctx d = {.pid = pid, .id = id, .level = level};

			bpf_loop(level - 2, deep_level_from3, &d, 0);
			if (d.own_found)
				return 0;
		}
	}
	/* No PID namespace at its own level is traced: a shared one's other
	 * container, its owner's trace gone, or a --pid=host container's? */
	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (!cfg || !(cfg->nr_shared_mntns || cfg->nr_host_mntns))
		return 0;
	t = lookup_mntns(task);
	if (t)
		visit_other(t, (t->flags & ST_TARGET_SHARED ? level : 0) | level << 8, id);
	else if (cfg->nr_shared_mntns)
		visit_orphan(level, id);
	return 0;
}

/* Every fork and clone of the host (far rarer than syscalls): the child's
 * origin (struct st_origin) in each PID namespace it is in but the host's,
 * down to level ST_ORIGIN_LEVELS. In a namespace the child enters here
 * (deeper than its creator's: a runtime's init, a process `exec` brings in,
 * the first process of a nested namespace) it is its own origin: its mount
 * namespace. In its creator's namespace and those around it, it has the
 * creator's origin there (the same level: origins are kept by absolute
 * level); a creator without one (forked before the program was attached: a
 * traced container's init) passes its mount namespace. parent: the forking
 * task (`current`, the creator even under CLONE_PARENT). A child is never in
 * a namespace above its creator's. */
_Static_assert((ST_ORIGIN_LEVELS & (ST_ORIGIN_LEVELS - 1)) == 0,
	       "ST_ORIGIN_LEVELS is a power of 2: indexes are masked with it");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct st_origin o = {}, *po = NULL;
	struct st_origin_at own, creator;
	unsigned int level, plevel;

	if (!parent || !child)
		return 0;
	level = BPF_CORE_READ(child, thread_pid, level);
	if (level == 0)
		return 0;
	plevel = BPF_CORE_READ(parent, thread_pid, level);
	own = origin_at(BPF_CORE_READ(child, nsproxy, mnt_ns));
	creator = origin_at(BPF_CORE_READ(parent, nsproxy, mnt_ns));
	if (plevel)
		po = bpf_task_storage_get(&st_origins, parent, 0, 0);
	/* at[i] is level i + 1: the creator's from level 1 to plevel, the
	 * child's own below. One loop per source, each with one store: a
	 * three-way branch per level made the verifier compare states for 51 ms
	 * at every first load. */
	unsigned int top = level < ST_ORIGIN_LEVELS ? level : ST_ORIGIN_LEVELS;
	unsigned int inherited = plevel < top ? plevel : top;

	if (!po) {
		for (unsigned int i = 0; i < inherited; i++)
			o.at[i & (ST_ORIGIN_LEVELS - 1)] = creator;
	} else {
		for (unsigned int i = 0; i < inherited; i++)
			o.at[i & (ST_ORIGIN_LEVELS - 1)] = po->at[i & (ST_ORIGIN_LEVELS - 1)];
	}
	for (unsigned int i = inherited; i < top; i++)
		o.at[i & (ST_ORIGIN_LEVELS - 1)] = own;
	/* No memory: the child has no origin, and its calls outside its
	 * container's mount namespace are counted as unattributed. */
	bpf_task_storage_get(&st_origins, child, &o, BPF_LOCAL_STORAGE_GET_F_CREATE);
	return 0;
}
