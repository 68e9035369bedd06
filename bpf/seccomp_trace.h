/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Types and sizes shared by the BPF program and user space.
 * Fixed-width kernel types only: both sides must agree on the layout. */
#ifndef SECCOMP_TRACE_SHARED_H
#define SECCOMP_TRACE_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Containers traced at once by the one shared program (one slot each). */
#define ST_MAX_TARGETS 1024
/* Syscall numbers recorded per arch; larger ids are counted as out of range. */
#define ST_MAX_SYSCALLS 1024
#define ST_BITMAP_WORDS (ST_MAX_SYSCALLS / 64)
/* Per-slot ring buffer: first sightings only (each syscall at most once
 * before and once after the scope started), 32 bytes each with the header:
 * a real workload's few hundred fit many times over, and the tracer drains
 * as they come. */
#ifdef ST_TEST_TINY_RING
#define ST_RING_BYTES 4096 /* test-only build: a ring that fills up */
#else
#define ST_RING_BYTES (128 * 1024)
#endif
/* Kernel's MAX_PID_NS_LEVEL. */
#define ST_MAX_PIDNS_LEVEL 32
/* PID namespace levels a task's origin is kept for, by absolute level (1 to
 * this; the host's is 0): a task nested however deep keeps its origin in
 * every namespace down to this level, so what a container's processes nest
 * inside it changes nothing. Only a target's own level bounds it: the hook
 * refuses a container whose PID namespace is deeper, and the program counts
 * (unattributed) what it cannot tell of one it was not told about. */
#define ST_ORIGIN_LEVELS 8

/* Syscall ABI of one event. On x86-64: native, ia32 compat (TS_COMPAT), x32. */
enum st_abi {
	ST_ABI_NATIVE = 0,
	ST_ABI_COMPAT = 1,
	ST_ABI_X32 = 2,
	ST_NR_ABI = 3,
};

/* What a target key names: a PID namespace (and every namespace nested in it),
 * or a mount namespace for containers that share the host's PID namespace. */
enum st_key_kind {
	ST_KEY_PIDNS = 1,
	ST_KEY_MNTNS = 2,
};

struct st_key {
	__u32 kind;
	__u32 inum;
};

/* Argument recording (--args): for these syscalls the distinct values of the
 * argument that matters are kept in the kernel, up to ST_MAX_ARG_VALUES each. */
enum st_arg_kind {
	ST_ARG_KIND_PERSONALITY = 0, /* persona (arg0) */
	ST_ARG_KIND_SOCKET,	/* domain (arg0) << 32 | type without NONBLOCK/CLOEXEC (arg1) */
	ST_ARG_KIND_CLONE,	/* namespace flags of clone (arg0) and clone3 (clone_args.flags) */
	ST_ARG_KIND_PRCTL,	/* option (arg0) */
	ST_ARG_KIND_FCNTL,	/* cmd (arg1) */
	ST_ARG_KIND_SETSOCKOPT, /* level (arg1) */
	ST_ARG_KIND_GETSOCKOPT, /* level (arg1) */
	ST_ARG_KIND_IOCTL,	/* request (arg1) */
	ST_NR_ARG_KINDS,
};
#define ST_MAX_ARG_VALUES 16

/* CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
 * CLONE_NEWPID | CLONE_NEWNET: the flags that make a new namespace. */
#define ST_CLONE_NS_MASK 0x7E020000ULL
/* SOCK_NONBLOCK | SOCK_CLOEXEC, or-ed into socket()'s type. */
#define ST_SOCK_FLAGS 0x80800ULL

/* Target flags, set by the tracer. */
#define ST_TARGET_ARGS	 0x1 /* record argument values (enum st_arg_kind) */
#define ST_TARGET_MNTNS	 0x2 /* keyed by mount namespace (ST_KEY_MNTNS) */
#define ST_TARGET_SHARED 0x4 /* a container in a PID namespace another target holds */

/* What the program learnt about the target's init (init_state bits). The
 * init is the container's process, or run's CMD: a set-up task (below)
 * whose exec starts the workload. */
#define ST_INIT_SEEN	 0x1 /* init_exec_id and init_task are set */
#define ST_INIT_FILTERED 0x2 /* it ran under a seccomp filter of its own before its exec */
#define ST_INIT_STARTED	 0x4 /* it exec'd: the workload started */
#define ST_INIT_EXITED	 0x8 /* it called exit_group (or exit, its last thread): the trace
			      * ends there, for what it left behind too (--pid=host) */

/* One traced target; lives in the `targets` hash map, updated in place by the
 * program (atomics only) and read by its tracer.
 *
 * The sets. A set-up task is a runtime's process on its way to becoming the
 * container's (the init before its exec, a `runc/crun exec` process before its
 * exec: created in the namespace by a parent outside it). Its calls before its
 * own seccomp filter is loaded are in `all` only; from the load to its exec
 * (included) in `allowance`, the runtime allowance; its exec and everything
 * after, and every call of every other task, in `workload`. */
struct st_target {
	__u32 slot;	    /* index into `rings`, and into st_config.frozen */
	__u32 flags;	    /* ST_TARGET_* */
	__u32 inum;	    /* the key's, stamped on each event */
	__u32 mntns;	    /* the container's mount namespace; 0: any (see find_target) */
	__u32 viewer_pidns; /* the tracer's PID namespace (0: the host's): tgids are its */
	__u32 exclude_tgid; /* a process whose calls are not recorded (run's init); 0: none */
	__u32 init_tgid;    /* the init; 0: the first process seen (set by the program) */
	__u32 init_state;   /* ST_INIT_*, written by the program */
	__u32 pidns;	    /* its PID namespace (ST_TARGET_SHARED: the one it shares);
			     * 0: the host's */
	__u32 pad0;
	__u64 init_exec_id; /* the init's self_exec_id when first seen */
	__u64 init_task;    /* its task_struct: an identity, never dereferenced */
	__u64 mntns_id;	    /* mntns's id (never reused), set when the init is first seen */
	__u64 lost;	    /* ring buffer reservations that failed */
	__u64 out_of_range; /* syscall ids >= ST_MAX_SYSCALLS */
	__u64 x32_refused;  /* x32 calls on a kernel without x32 (they got ENOSYS) */
	__u64 foreign;	    /* calls of processes that came into the target's PID namespace
			     * (or one nested in it) from outside the container, by their
			     * origin: not recorded */
	__u64 unattributed; /* calls of processes of the target's PID namespace, outside its
			     * mount namespace, whose origin is not known (no memory at
			     * their fork, a namespace deeper than ST_ORIGIN_LEVELS): not
			     * recorded, the trace is incomplete */
	__u64 after_end;    /* calls new to the trace after the init exited or the tracer
			     * froze the target: not recorded */
	__u64 all[ST_NR_ABI][ST_BITMAP_WORDS];	     /* since the target was registered */
	__u64 workload[ST_NR_ABI][ST_BITMAP_WORDS];  /* the workload's */
	__u64 allowance[ST_NR_ABI][ST_BITMAP_WORDS]; /* set-up tasks' under their filter */
	/* argument values seen in workload or allowance, per enum st_arg_kind */
	__u32 arg_n[ST_NR_ARG_KINDS]; /* slots claimed */
	__u32 arg_overflow;	      /* bit per kind: more values than slots */
	__u32 pad;
	__u64 arg_present[ST_NR_ARG_KINDS]; /* bit per slot written */
	__u64 arg_vals[ST_NR_ARG_KINDS][ST_MAX_ARG_VALUES];
};

/* Which sets an event is a first sighting in. */
#define ST_EV_ALL	0x1
#define ST_EV_WORKLOAD	0x2
#define ST_EV_ALLOWANCE 0x4

/* A first sighting. Only these carry the caller's name and PIDs: the
 * repeated calls that make most of the traffic cost nothing more. */
struct st_event {
	__u32 abi;
	__u32 nr;
	__u32 tgid;   /* the caller's process, numbered in the tracer's PID namespace */
	__u32 ns_pid; /* the same in the traced PID namespace */
	__u32 flags;  /* ST_EV_* */
	__u32 inum;   /* the target's: a slot's ring outlives its tracers */
	char comm[16]; /* the process's (its group leader's) */
};

/* Syscall numbers the program needs per ABI, resolved by libseccomp in user
 * space and set in rodata before load. */
struct st_nrs {
	__u32 execve[ST_NR_ABI];
	__u32 execveat[ST_NR_ABI];
	__u32 exit[ST_NR_ABI];
	__u32 exit_group[ST_NR_ABI];
	__u32 clone3[ST_NR_ABI];
	__u32 arg_kind[ST_NR_ARG_KINDS][ST_NR_ABI]; /* the syscall of each enum st_arg_kind */
};

/* Shared by every tracer of a build: the one entry of `config`, an array
 * mapped into the tracers' memory (BPF_F_MMAPABLE) and changed there with
 * atomics; the program only reads it. */
struct st_config {
	__u32 nr_host_mntns;   /* ST_TARGET_MNTNS targets in the host's PID namespace */
	__u32 nr_shared_mntns; /* ST_TARGET_SHARED targets */
	__u32 link_id;	       /* the link attaching the program: a hint, checked */
	/* the same, sched_process_fork's */
	__u32 fork_link_id;
	/* CLOCK_MONOTONIC ns (task_struct.start_time's clock) taken before that
	 * link was made: a task started before it was forked while no trace
	 * ran (it has no origin and is no traced container's but an init) */
	__u64 fork_attached_ns;
	/* Calls the program could attribute to no target: a task with no
	 * origin in a PID namespace no target holds, while ST_TARGET_SHARED
	 * targets exist (it may be one of theirs); tracers of those warn. */
	__u64 unattributed_shared;
	__u64 frozen[ST_MAX_TARGETS / 64]; /* bit per slot: its target is no longer recorded */
};

#endif
