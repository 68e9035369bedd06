/* Tracer life cycle around the one shared BPF program.
 *
 * The first tracer on the host loads the program (tracer_loader.h), attaches
 * it and pins it with its maps in bpffs (tracer_pins.h); later tracers reuse
 * the pins. Each tracer owns a slot with its ring buffer and adds its target
 * (tracer_slot.h), and builds the syscall sets from the ring's events
 * (tracer_collect.h). The last tracer out removes the link's pin, which
 * detaches the program; the program and maps stay loaded for the next trace
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

/* What to trace. Host tgids; 0 = none. */
struct st_target_spec {
	uint32_t kind;	       /* ST_KEY_PIDNS or ST_KEY_MNTNS */
	uint32_t inum;	       /* of that namespace */
	uint32_t exclude_tgid; /* a process of the namespace whose syscalls are not wanted */
	uint32_t scope;	       /* enum st_scope: where the scoped set starts */
	uint32_t scope_tgid;   /* the process whose syscall starts the scope; 0: any */
	uint32_t flags;	       /* ST_TARGET_ARGS: record argument values */
};

struct st_trace_result {
	struct st_sysset all;	 /* everything since st_tracer_arm */
	struct st_sysset scoped; /* since the scope started */
	uint32_t scope_state;	 /* enum st_scope_state */
	struct st_arg_values args;
};

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
/* After the traced processes are gone: drain, check that nothing was lost
 * and return what was seen. Fails rather than return an incomplete set. */
int st_tracer_finish(struct st_tracer *t, struct st_trace_result *out, struct st_error *err);
/* Unregister, release the slot; the last tracer out detaches the program.
 * NULL is allowed. */
void st_tracer_close(struct st_tracer *t);

/* Remove the pinned program and maps (kept, detached, between traces) when
 * no trace runs; pins of other builds left without tracers go too. EBUSY
 * while a trace runs. */
int st_tracer_unload(struct st_error *err);

/* Inode of /proc/<pid>/ns/<ns> ("pid", "mnt"). */
int st_ns_inum(int pid, const char *ns, uint32_t *inum, struct st_error *err);

#endif
