/* SPDX-License-Identifier: Apache-2.0 */
/* Tracer life cycle around the one shared BPF program.
 *
 * The first tracer on the host loads the program (tracer_loader.h), attaches
 * it and pins it with its maps in bpffs (tracer_pins.h); later tracers reuse
 * the pins. Each tracer owns a slot with its ring buffer and adds its target
 * (tracer_slot.h), and builds the syscall sets from the ring's events
 * (tracer_collect.h). Every tracer holds a descriptor of the one link that
 * attaches the program: when the last one closes, even by SIGKILL, the
 * kernel detaches it; the program and maps stay loaded for the next trace
 * (`seccomp-trace unload` removes them).
 *
 * libbpf's own messages go to the log at debug level (-v). */
#ifndef ST_TRACER_H
#define ST_TRACER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "syscalls.h"

struct st_tracer;
struct signalfd_siginfo;

/* The init PID namespace's inode (PROC_PID_INIT_INO, include/linux/proc_ns.h). */
#define ST_PID_NS_INIT_INUM 0xEFFFFFFCU

/* What to trace. PIDs are numbered in the tracer's PID namespace. */
struct st_target_spec {
	uint32_t kind;	       /* ST_KEY_PIDNS or ST_KEY_MNTNS (a container in the host's PID
				* namespace) */
	uint32_t inum;	       /* of that namespace */
	uint32_t mntns;	       /* the container's mount namespace: in a PID namespace that
				* other containers share, only its processes are recorded,
				* and a second container there is traced by it; 0: every
				* process of the PID namespace is the target's (run) */
	uint32_t init_tgid;    /* the set-up task whose exec starts the workload (the
				* container's process); 0: the first process seen */
	uint32_t exclude_tgid; /* a process of the namespace whose syscalls are not wanted */
	uint32_t flags;	       /* ST_TARGET_ARGS: record argument values */
	bool joined;	       /* its process is not the PID namespace's init: it joined one
				* that may be traced for another container already */
};

/* The first process that made a syscall, per set it was first in (struct
 * st_event, and the executable the tracer found for it). */
struct st_first {
	uint32_t abi, nr;
	uint32_t sets;	 /* ST_EV_*: the sets this sighting was the first in */
	uint32_t ns_pid; /* in the traced PID namespace */
	uint32_t tgid;	 /* in the tracer's */
	char comm[16];	 /* NUL-terminated */
	char *exe;	 /* /proc/<tgid>/exe, inside the container's root when under it;
			  * NULL if it could not be read (the process was gone) */
};

struct st_trace_result {
	struct st_sysset all;	   /* everything since st_tracer_arm */
	struct st_sysset workload; /* the workload's: see struct st_target */
	/* The runtime allowance: what set-up tasks (the init before its exec,
	 * exec'd processes before theirs) did under their own seccomp filter,
	 * their exec included. */
	struct st_sysset allowance;
	bool started;  /* the init exec'd: the container's process ran */
	bool filtered; /* the init loaded a seccomp filter of its own before that */
	struct st_arg_values args;
	/* Calls not recorded: of neighbours in a shared PID namespace, x32
	 * calls on a kernel without x32. */
	uint64_t foreign, x32_refused;
	struct st_first *firsts; /* in the order they happened; the caller frees */
	size_t nr_firsts;	 /* with st_trace_result_free */
};

/* The first process that made (abi, nr) in the set `set` (ST_EV_*); NULL if
 * none. */
const struct st_first *st_trace_first(const struct st_trace_result *res, uint32_t set, unsigned abi,
				      unsigned nr);
void st_trace_result_free(struct st_trace_result *res);

/* Load or reuse the shared program, attach it and claim a slot with its ring
 * buffer. Needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); mounts bpffs on
 * /sys/fs/bpf if it is not. *out is the caller's (st_tracer_close). */
int st_tracer_open(struct st_tracer **out, struct st_error *err);
/* Start recording; returns once the kernel filters for the target. Fails if
 * another tracer traces the same namespace. */
int st_tracer_arm(struct st_tracer *t, const struct st_target_spec *spec, struct st_error *err);
/* Consume events until done_fd (a pidfd, or any descriptor that becomes
 * readable when the traced processes are done) becomes readable: returns 0.
 * With sigfd >= 0 (a signalfd), on_signal sees each signal; a non-zero return
 * ends the wait and is returned. -1 on error. */
int st_tracer_wait(struct st_tracer *t, int done_fd, int sigfd,
		   int (*on_signal)(void *ctx, const struct signalfd_siginfo *si), void *ctx,
		   struct st_error *err);
/* After the traced processes are gone: stop recording the target (calls of
 * processes left behind are no longer recorded, but counted), drain, check
 * that nothing was lost and return what was seen (*out is the caller's:
 * st_trace_result_free). Fails rather than return an incomplete set. */
int st_tracer_finish(struct st_tracer *t, struct st_trace_result *out, struct st_error *err);
/* Unregister, release the slot. The program stays attached while a tracer
 * holds the link (tracer_pins.h). NULL is allowed. */
void st_tracer_close(struct st_tracer *t);

/* Remove the pinned program and maps (kept, detached, between traces) when
 * no trace runs; pins of other builds left without tracers go too. EBUSY
 * while a trace runs. */
int st_tracer_unload(struct st_error *err);

/* Inode of /proc/<pid>/ns/<ns> ("pid", "mnt"). */
int st_ns_inum(int pid, const char *ns, uint32_t *inum, struct st_error *err);
/* Process pid's PIDs from the PID namespace of our /proc down to its own
 * (/proc/PID/status NSpid, kernel/pid.c): *levels of them (1 for a process
 * of that namespace) and *nr, the last, its PID in its own namespace. */
int st_ns_pids(int pid, unsigned *levels, uint32_t *nr, struct st_error *err);

#endif
