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
static __always_inline bool is_exit(__u32 abi, __u64 nr)
{
	if (abi >= ST_NR_ABI)
		return false;
	if (nr == nrs.exit_group[abi])
		return true;
	return nr == nrs.exit[abi] &&
	       BPF_CORE_READ(bpf_get_current_task_btf(), signal, live.counter) == 1;
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
	struct task_struct *p = current_task(), *parent;
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

/* What record() needs to know of the calling task, computed where the task
 * is at hand (the main program) and packed in one number: its PID in the
 * tracer's numbering (or WHO_TGID_UNSET when the tracer runs in a PID
 * namespace of its own: record() finds it then), the level L the target was
 * found at, and whether the task's parent is outside the target. */
#define WHO_L(w)	   (((w) >> 32) & 0xff)
#define WHO_PARENT_OUTSIDE (1ULL << 40)
#define WHO_TGID_UNSET	   (1ULL << 41)

/* Record the current task's call in target t, its container's: see sys_enter.
 * who: above; call: the syscall number | ABI << 32; a0, a1: its first two
 * arguments (for --args targets; 0 otherwise). Repeated calls, which make
 * most of the traffic, leave after plain loads and compares. */
__noinline int record(struct st_target *t, __u64 who, __u64 call, __u64 a0, __u64 a1)
{
	__u32 abi = call >> 32, tgid = who, L = WHO_L(who), flags = 0, word, zero = 0;
	__u64 nr = call & 0xffffffff, bit;
	struct st_config *cfg;
	bool exec, exit = false;
	enum phase phase;

	if (!t)
		return 0;
	if (who & WHO_TGID_UNSET)
		tgid = pid_in(t->viewer_pidns);
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
	if (tgid == t->init_tgid) {
		phase = t->init_state & ST_INIT_STARTED ? PHASE_WORKLOAD : init_phase(t);
		exit = is_exit(abi, nr);
	} else if (who & WHO_PARENT_OUTSIDE) {
		phase = setup_phase();
	} else {
		phase = PHASE_WORKLOAD;
	}

	/* Anything new? (Plain loads: a call seen before costs nothing more.) */
	word = nr / 64;
	bit = 1ULL << (nr % 64);
	exec = is_exec(abi, nr);
	if ((t->all[abi][word] & bit) &&
	    (phase != PHASE_ALLOWANCE || (t->allowance[abi][word] & bit)) &&
	    ((phase != PHASE_WORKLOAD && !exec) || (t->workload[abi][word] & bit)) &&
	    (phase == PHASE_SETUP || !(t->flags & ST_TARGET_ARGS)) && !exit)
		return 0;

	/* The trace has ended: the init exited, or the tracer froze it. */
	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (!cfg || frozen(cfg, t->slot) || (t->init_state & ST_INIT_EXITED)) {
		__sync_fetch_and_add(&t->after_end, 1);
		return 0;
	}

	if (phase != PHASE_SETUP && (t->flags & ST_TARGET_ARGS))
		record_args(t, abi, nr, a0, a1);
	if (first_set(&t->all[abi][word], bit))
		flags |= ST_EV_ALL;
	if (phase == PHASE_ALLOWANCE && first_set(&t->allowance[abi][word], bit))
		flags |= ST_EV_ALLOWANCE;
	/* A set-up task's exec ends its phase: it is the workload's first call. */
	if ((phase == PHASE_WORKLOAD || exec) && first_set(&t->workload[abi][word], bit))
		flags |= ST_EV_WORKLOAD;
#ifdef ST_TEST_TINY_RING
	flags |= ST_EV_ALL; /* test-only build: no de-duplication */
#endif
	if (flags)
		send(t, L, abi, nr, tgid, flags);
	if (exit)
		__sync_fetch_and_or(&t->init_state, ST_INIT_EXITED);
	return 0;
}

/* What visit() needs of the calling task: read once per call, with plain
 * loads, where the task is at hand (the main program; a global function gets
 * no typed pointer argument, and each typed load costs the verifier a search
 * of the kernel's BTF, so they are in one place). */
struct task_info {
	__u32 tgid;
	__u32 mntns;	    /* the task's mount namespace */
	__u32 parent_level; /* the PID namespace level of its (real) parent */
	__u32 compat;	    /* an ia32 call (TS_COMPAT) */
};

static __always_inline void task_info(struct task_info *ti, struct task_struct *task)
{
	ti->tgid = task->tgid;
	ti->mntns = mntns_of(task);
	ti->parent_level = task->real_parent->thread_pid->level;
#if defined(__TARGET_ARCH_x86)
	ti->compat = task->thread_info.status & TS_COMPAT;
#else
	ti->compat = 0;
#endif
}

/* record() the current task's call for target t, found at PID namespace
 * level L; `level` is the task's own (L is smaller for an outer target the
 * task is nested in, whose trace counts what nested containers do). A task
 * at t's own level outside t's container's mount namespace may be another
 * container's (resolve_shared). */
static __always_inline void visit(struct st_target *t, __u32 L, __u32 level,
				  const struct task_info *ti, struct pt_regs *regs, long id)
{
	__u64 nr = id, abi = ST_ABI_NATIVE, a0 = 0, a1 = 0, who;
	struct st_key other;

	if (L == level && t->mntns && ti->mntns != t->mntns) {
		switch (resolve_shared(t, L, &other)) {
		case OWNER_T:
			break;
		case OWNER_OTHER:
			t = bpf_map_lookup_elem(&st_targets, &other);
			if (!t)
				return;
			break;
		default:
			return;
		}
	}
	who = (__u64)L << 32;
	if (t->viewer_pidns)
		who |= WHO_TGID_UNSET;
	else
		who |= ti->tgid;
	/* Was the task created in the target by a parent outside it (a
	 * runtime's init, an exec'd process, one entering with setns)? For a
	 * PID namespace at level L that is a parent at a lower level (a parent
	 * is never in a deeper or sibling namespace); for a mount namespace
	 * target, a parent in another mount namespace (helper reads: rare). */
	if (ti->parent_level < L ||
	    ((t->flags & ST_TARGET_MNTNS) && BPF_CORE_READ(bpf_get_current_task_btf(), real_parent,
							   nsproxy, mnt_ns, ns.inum) != t->mntns))
		who |= WHO_PARENT_OUTSIDE;
#if defined(__TARGET_ARCH_x86)
	if (ti->compat) {
		abi = ST_ABI_COMPAT;
		if (t->flags & ST_TARGET_ARGS) {
			a0 = (__u32)regs->bx;
			a1 = (__u32)regs->cx;
		}
	} else {
		if (nr & X32_SYSCALL_BIT) {
			abi = ST_ABI_X32;
			nr &= ~(__u64)X32_SYSCALL_BIT;
		}
		if (t->flags & ST_TARGET_ARGS) {
			a0 = regs->di;
			a1 = regs->si;
		}
	}
#else
	if (t->flags & ST_TARGET_ARGS) {
		a0 = PT_REGS_PARM1_CORE_SYSCALL(regs);
		a1 = PT_REGS_PARM2_CORE_SYSCALL(regs);
	}
#endif
	/* out of range (and negative ids) stay >= ST_MAX_SYSCALLS in 32 bits */
	if (nr > 0xffffffff)
		nr = 0xffffffff;
	record(t, who, abi << 32 | nr, a0, a1);
}

struct deep_ctx {
	struct pid *pid;
	struct pt_regs *regs;
	long id;
	__u32 level;
	int own_found;
	struct task_info ti;
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
		visit(t, i, d->level, &d->ti, d->regs, d->id);
		d->own_found = i == d->level;
	}
	return 0;
}

/* Every target the task belongs to: the PID namespaces it is in at levels
 * >= 1 (level 0 is the host's, never a target), the outermost first, so that
 * an outer trace counts what nested containers do; then, when no namespace
 * at its own level is traced, its mount namespace (a container in the host's
 * PID namespace, or one sharing a PID namespace whose traced owner is gone).
 * Host tasks and tasks of untraced containers leave after a load or two. The
 * first levels are read with plain loads (a constant index); deeper nesting
 * is rare, read with helpers in a bpf_loop (its callback verified once). */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = current_task();
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct st_config *cfg;
	struct st_target *t;
	struct task_info ti;
	__u32 zero = 0;

	if (level == 0) {
		cfg = bpf_map_lookup_elem(&st_config, &zero);
		if (!cfg || !cfg->nr_host_mntns)
			return 0;
		task_info(&ti, task);
		t = lookup(ST_KEY_MNTNS, ti.mntns);
		if (t)
			visit(t, 0, 0, &ti, regs, id);
		return 0;
	}
	t = lookup_pidns(pid, 1);
	if (!t && level == 1) {
		cfg = bpf_map_lookup_elem(&st_config, &zero);
		if (!cfg || !cfg->nr_shared_mntns)
			return 0;
	}
	task_info(&ti, task);
	if (t) {
		visit(t, 1, level, &ti, regs, id);
		if (level == 1)
			return 0;
	}
	if (level >= 2) {
		t = lookup_pidns(pid, 2);
		if (t) {
			visit(t, 2, level, &ti, regs, id);
			if (level == 2)
				return 0;
		}
		if (level >= 3 && level < ST_MAX_PIDNS_LEVEL) {
			struct deep_ctx d = {
			    .pid = pid, .regs = regs, .id = id, .level = level, .ti = ti};

			bpf_loop(level - 2, deep_level_from3, &d, 0);
			if (d.own_found)
				return 0;
		}
	}
	/* No PID namespace at its own level is traced: a shared one's other
	 * container, its owner's trace gone? */
	cfg = bpf_map_lookup_elem(&st_config, &zero);
	if (cfg && cfg->nr_shared_mntns) {
		t = lookup(ST_KEY_MNTNS, ti.mntns);
		if (t)
			visit(t, level, level, &ti, regs, id);
	}
	return 0;
}
