/* Tracer life cycle around the one shared BPF program.
 *
 * The first tracer on the host loads the program, attaches it and pins it with
 * its maps in bpffs; later tracers reuse the pins. Each tracer owns a slot
 * (an OFD lock on one byte of the lock file, released by the kernel even if the
 * tracer is killed), the slot's ring buffer in `rings[slot]` (kept for the
 * slot's next tracer), and the target entries it adds. The last tracer out
 * removes the link's pin, which detaches the program; the program and maps
 * stay loaded for the next trace (`seccomp-trace unload` removes them). */
#ifndef ST_TRACER_H
#define ST_TRACER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "syscalls.h"

#define ST_BPFFS    "/sys/fs/bpf"
#define ST_PIN_ROOT ST_BPFFS "/seccomp-trace"
#define ST_RUN_DIR  "/run/seccomp-trace"

struct st_tracer;

struct st_tracer_opts {
	bool libbpf_debug; /* libbpf's own messages (-v) */
};

/* Load or reuse the shared program and claim a slot with its ring buffer. */
int st_tracer_open(const struct st_tracer_opts *opts, struct st_tracer **out, struct st_error *err);
/* What to trace. Host tgids; 0 = none. */
struct st_target_spec {
	uint32_t kind;	       /* ST_KEY_PIDNS or ST_KEY_MNTNS */
	uint32_t inum;	       /* of that namespace */
	uint32_t exclude_tgid; /* a process of the namespace whose syscalls are not wanted */
	uint32_t gate;	       /* enum st_gate: when the gated set starts */
	uint32_t gate_tgid;    /* the process whose syscall opens the gate; 0: any */
	uint32_t flags;	       /* ST_TARGET_ARGS: record argument values */
};

struct st_trace_result {
	struct st_sysset all;	/* everything since st_tracer_arm */
	struct st_sysset gated; /* since the gate opened */
	uint32_t gate_state;	/* enum st_gate_state */
	struct st_arg_values args;
};

/* Start recording; returns once the kernel filters for the target. */
int st_tracer_arm(struct st_tracer *t, const struct st_target_spec *spec, struct st_error *err);
/* A descriptor that becomes readable when events wait; then call st_tracer_consume. */
int st_tracer_fd(const struct st_tracer *t);
int st_tracer_consume(struct st_tracer *t, struct st_error *err);
struct signalfd_siginfo;
/* Consume events until pidfd (or any fd that becomes readable when the traced
 * process is done) becomes readable:
 * returns 0. With sigfd >= 0, on_signal sees each signal; a non-zero return
 * ends the wait and is returned. -1 on error. */
int st_tracer_wait(struct st_tracer *t, int pidfd, int sigfd,
		   int (*on_signal)(void *ctx, const struct signalfd_siginfo *si), void *ctx,
		   struct st_error *err);
/* After the traced processes are gone: drain, check that nothing was lost
 * and return what was seen. Fails rather than return an incomplete set. */
int st_tracer_finish(struct st_tracer *t, struct st_trace_result *out, struct st_error *err);
/* Unregister, release the slot; the last tracer out removes the pins. */
void st_tracer_close(struct st_tracer *t);

/* Remove the pinned program and maps (kept, detached, between traces) when
 * no trace runs; pins of other builds left without tracers go too. */
int st_tracer_unload(struct st_error *err);

/* Inode of /proc/<pid>/ns/<ns>. */
int st_ns_inum(int pid, const char *ns, uint32_t *inum, struct st_error *err);

#endif
