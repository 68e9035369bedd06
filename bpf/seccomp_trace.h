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

/* Target flags. */
#define ST_TARGET_ARGS 0x1 /* record argument values (enum st_arg_kind) */

/* Where recording starts for a target's `scoped` set (the hook's --scope;
 * run's CMD): until then only `all` grows. */
enum st_scope {
	ST_SCOPE_ALL = 0,	    /* from the start of the trace */
	ST_SCOPE_EXEC = 1,	    /* at scope_tgid's execve (recorded): run's CMD */
	ST_SCOPE_AFTER_SECCOMP = 2, /* after scope_tgid loads a seccomp filter before it execs */
};

enum st_scope_state {
	ST_SCOPE_WAITING = 0,
	ST_SCOPE_STARTED = 1,
	ST_SCOPE_NEVER = 2, /* scope_tgid exec'd without loading a filter first */
};

/* One traced target; lives in the `targets` hash map, updated in place by the
 * program (atomics only) and read by its tracer. */
struct st_target {
	__u32 slot;	    /* index into `rings` */
	__u32 exclude_tgid; /* host tgid whose syscalls are not recorded (run's init) */
	__u32 scope;	    /* enum st_scope */
	__u32 scope_tgid;   /* host tgid whose syscall starts the scope; 0: any */
	__u32 scope_state;  /* enum st_scope_state, written by the program */
	__u32 flags;	    /* ST_TARGET_* */
	__u64 lost;	    /* ring buffer reservations that failed */
	__u64 out_of_range; /* syscall ids >= ST_MAX_SYSCALLS */
	__u64 all[ST_NR_ABI][ST_BITMAP_WORDS];	  /* since the target was registered */
	__u64 scoped[ST_NR_ABI][ST_BITMAP_WORDS]; /* since the scope started */
	/* argument values seen in scope, per enum st_arg_kind */
	__u32 arg_n[ST_NR_ARG_KINDS];	    /* slots claimed */
	__u32 arg_overflow;		    /* bit per kind: more values than slots */
	__u32 inum;			    /* the key's, stamped on each event */
	__u64 arg_present[ST_NR_ARG_KINDS]; /* bit per slot written */
	__u64 arg_vals[ST_NR_ARG_KINDS][ST_MAX_ARG_VALUES];
};

/* Which sets an event is a first sighting in. */
#define ST_EV_ALL    0x1
#define ST_EV_SCOPED 0x2

struct st_event {
	__u32 abi;
	__u32 nr;
	__u32 tgid;  /* host tgid of the caller, for the log */
	__u32 flags; /* ST_EV_* */
	__u32 inum;  /* the target's: a slot's ring outlives its tracers */
	__u32 pad;
};

/* Syscall numbers the program needs per ABI, resolved by libseccomp in user
 * space and set in rodata before load. */
struct st_nrs {
	__u32 execve[ST_NR_ABI];
	__u32 execveat[ST_NR_ABI];
	__u32 seccomp[ST_NR_ABI];
	__u32 prctl[ST_NR_ABI];
	__u32 clone3[ST_NR_ABI];
	__u32 arg_kind[ST_NR_ARG_KINDS][ST_NR_ABI]; /* the syscall of each enum st_arg_kind */
};

struct st_config {
	__u32 nr_mntns_targets; /* > 0: also look tasks up by mount namespace */
	__u32 pad;
};

#endif
