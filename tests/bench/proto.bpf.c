// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Prototypes of the per-syscall path of seccomp-trace's program, to measure
 * (with kernel.bpf_stats_enabled) what each way of finding the target costs
 * on this kernel. Not the project's program: only the part that every
 * syscall runs (find the task's target, test one bitmap bit), written three
 * ways, each on its own copy of the maps:
 *
 *   proto_cur     like bpf/seccomp_trace.bpf.c today: pid->numbers[i].ns and
 *                 ns.inum with bpf_probe_read_kernel (bpf_core_read), a hash
 *                 map keyed by {kind, inum}, the config map for mount
 *                 namespace targets, bpf_get_current_pid_tgid()
 *   proto_direct  the same hash map, but the task's pid namespaces read with
 *                 plain BTF loads (constant array index, levels 1..3; deeper
 *                 tasks fall back to the probe-read loop) and tgid from
 *                 task->tgid: no helper call before the lookup
 *   proto_array   plain loads as proto_direct, and the hash map replaced by a
 *                 direct-mapped array indexed by the low bits of the
 *                 namespace's inode number (inums are allocated densely),
 *                 which holds {inum, slot}, and an array of targets by slot:
 *                 the verifier inlines array lookups (no call, no hashing)
 *   proto_floor   a lower bound for any design that tells containers apart
 *                 in the program: plain loads of the level-1 namespace's
 *                 inum, compared with the one target in a one-entry array
 *
 * The loader (proto_load.c) registers one PID namespace in all three. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* GPL-compatible, as bpf/seccomp_trace.bpf.c explains */
char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define MAX_LEVEL 32
#define DIRECT_LEVELS 3
#define DM_SLOTS 4096 /* power of two */
#define MAX_TARGETS 1024
#define WORDS 16 /* 1024 syscalls */

struct pkey {
	__u32 kind; /* 1: PID namespace, 2: mount namespace */
	__u32 inum;
};

struct ptarget {
	__u32 slot;
	__u32 exclude_tgid;
	__u64 all[WORDS];
};

struct dm_entry {
	__u32 inum; /* 0: empty */
	__u32 slot;
};

struct pconfig {
	__u32 nr_mntns_targets;
	__u32 pad;
};

#define HASH_MAP(name)                                                                             \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                                   \
		__uint(max_entries, MAX_TARGETS);                                                  \
		__type(key, struct pkey);                                                          \
		__type(value, struct ptarget);                                                     \
	} name SEC(".maps")

HASH_MAP(p_hash_cur);
HASH_MAP(p_hash_direct);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DM_SLOTS);
	__type(key, __u32);
	__type(value, struct dm_entry);
} p_dm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_TARGETS);
	__type(key, __u32);
	__type(value, struct ptarget);
} p_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pconfig);
} p_config SEC(".maps");

struct pfloor {
	__u32 inum;
	__u32 exclude_tgid;
	__u64 all[WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pfloor);
} p_floor SEC(".maps");

/* The common tail: skip the excluded process, test-and-set one bit. */
static __always_inline int record(struct ptarget *t, __u32 tgid, long id)
{
	__u64 bit, *w;

	if (tgid == t->exclude_tgid || id < 0 || id >= WORDS * 64)
		return 0;
	bit = 1ULL << (id % 64);
	w = &t->all[id / 64];
	if (!(*w & bit))
		__sync_fetch_and_or(w, bit);
	return 0;
}

static __always_inline struct ptarget *hash_lookup(void *map, __u32 kind, __u32 inum)
{
	struct pkey key = {.kind = kind, .inum = inum};

	return bpf_map_lookup_elem(map, &key);
}

static __always_inline struct ptarget *mntns_fallback(void *map, struct task_struct *task)
{
	struct pconfig *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&p_config, &zero);
	if (!cfg || !cfg->nr_mntns_targets)
		return NULL;
	return hash_lookup(map, 2, task->nsproxy->mnt_ns->ns.inum);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(proto_cur, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct ptarget *t = NULL;

	for (unsigned int i = 1; i <= level && i < MAX_LEVEL; i++) {
		struct pid_namespace *ns;

		if (bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns))
			break;
		t = hash_lookup(&p_hash_cur, 1, BPF_CORE_READ(ns, ns.inum));
		if (t)
			break;
	}
	if (!t)
		t = mntns_fallback(&p_hash_cur, task);
	if (!t)
		return 0;
	return record(t, bpf_get_current_pid_tgid() >> 32, id);
}

/* The task's PID namespace inode number at level i (1..DIRECT_LEVELS) by
 * plain loads: a constant index into the flexible array numbers[]. */
#define NS_INUM(pid, i) ((pid)->numbers[i].ns->ns.inum)

static __always_inline struct ptarget *deep_levels(void *map, struct pid *pid, unsigned int level)
{
	for (unsigned int i = DIRECT_LEVELS + 1; i <= level && i < MAX_LEVEL; i++) {
		struct pid_namespace *ns;
		struct ptarget *t;

		if (bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns))
			break;
		t = hash_lookup(map, 1, BPF_CORE_READ(ns, ns.inum));
		if (t)
			return t;
	}
	return NULL;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(proto_direct, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct ptarget *t = NULL;

	if (level >= 1)
		t = hash_lookup(&p_hash_direct, 1, NS_INUM(pid, 1));
	if (!t && level >= 2)
		t = hash_lookup(&p_hash_direct, 1, NS_INUM(pid, 2));
	if (!t && level >= 3)
		t = hash_lookup(&p_hash_direct, 1, NS_INUM(pid, 3));
	if (!t && level > DIRECT_LEVELS)
		t = deep_levels(&p_hash_direct, pid, level);
	if (!t)
		t = mntns_fallback(&p_hash_direct, task);
	if (!t)
		return 0;
	return record(t, task->tgid, id);
}

static __always_inline struct ptarget *dm_lookup(__u32 inum)
{
	__u32 idx = inum & (DM_SLOTS - 1);
	struct dm_entry *e = bpf_map_lookup_elem(&p_dm, &idx);

	if (!e || e->inum != inum)
		return NULL; /* a real version would fall back to a hash map on collisions */
	idx = e->slot;
	return bpf_map_lookup_elem(&p_slots, &idx);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(proto_array, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct ptarget *t = NULL;

	if (level >= 1)
		t = dm_lookup(NS_INUM(pid, 1));
	if (!t && level >= 2)
		t = dm_lookup(NS_INUM(pid, 2));
	if (!t && level >= 3)
		t = dm_lookup(NS_INUM(pid, 3));
	if (!t)
		return 0;
	return record(t, task->tgid, id);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(proto_floor, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = task->thread_pid;
	struct pfloor *f;
	__u32 zero = 0;
	__u64 bit, *w;

	if (pid->level < 1)
		return 0;
	f = bpf_map_lookup_elem(&p_floor, &zero);
	if (!f || NS_INUM(pid, 1) != f->inum)
		return 0;
	if (task->tgid == f->exclude_tgid || id < 0 || id >= WORDS * 64)
		return 0;
	bit = 1ULL << (id % 64);
	w = &f->all[id / 64];
	if (!(*w & bit))
		__sync_fetch_and_or(w, bit);
	return 0;
}
