// SPDX-License-Identifier: Apache-2.0
#include "tracer_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cleanup.h"
#include "log.h"
#include "seccomp_trace.h"
#include "seccomp_trace_bpf.skel.h"
#include "syscalls.h"
#include "tracer_pins.h"

uint64_t st_loader_object_hash(void)
{
	size_t sz;
	const unsigned char *p = seccomp_trace_bpf__elf_bytes(&sz);
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < sz; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void set_nr(uint32_t *per_abi, unsigned abi, const char *name)
{
	int nr = st_syscall_nr(abi, name);

	if (nr >= 0)
		per_abi[abi] = nr;
}

/* The numbers the program compares syscalls with, from libseccomp; ~0 (no
 * syscall) where an ABI lacks one. */
static void set_syscall_numbers(volatile struct st_nrs *rodata)
{
	struct st_nrs n;

	memset(&n, 0xff, sizeof(n));
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++) {
		set_nr(n.execve, abi, "execve");
		set_nr(n.execveat, abi, "execveat");
		set_nr(n.exit, abi, "exit");
		set_nr(n.exit_group, abi, "exit_group");
	}
	/* Arguments are recorded for native calls only: other ABIs pass them
	 * differently (socketcall, fcntl64) and keep name-only rules. */
	set_nr(n.clone3, ST_ABI_NATIVE, "clone3");
	for (unsigned k = 0; k < ST_NR_ARG_KINDS; k++)
		set_nr(n.arg_kind[k], ST_ABI_NATIVE, st_arg_kind_syscall(k));
	memcpy((void *)rodata, &n, sizeof(n));
}

/* Does this kernel run x32 syscalls (CONFIG_X86_X32_ABI)? An x32 getpid
 * answers; without x32 it fails with ENOSYS (arch/x86/entry/syscall_64.c).
 * Anything else (a seccomp filter around us) cannot tell: say no, so that
 * x32 calls are counted and logged rather than added to a profile. */
static bool kernel_has_x32(void)
{
#if defined(__x86_64__)
	long r = syscall(0x40000000L | SYS_getpid);

	st_debug("x32 getpid: %ld (%s)", r, r < 0 ? strerror(errno) : "x32 is on");
	return r == getpid();
#else
	return false;
#endif
}

static void skel_destroyp(struct seccomp_trace_bpf **skel)
{
	seccomp_trace_bpf__destroy(*skel);
}

/* The outer map of the slots' ring buffers (`st_rings`), made here rather
 * than by libbpf, with the inner map `struct ring` declares: the first
 * tracer's ring goes in while the child loads the program. -1 with errno. */
static int create_rings_map(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	cleanup_close int inner = -1;

	inner = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, ST_RING_BYTES, NULL);
	if (inner < 0)
		return -1;
	opts.inner_map_fd = inner;
	return bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "st_rings", sizeof(__u32),
			      sizeof(__u32), ST_MAX_TARGETS, &opts);
}

/* Slot `slot`'s ring buffer into rings_fd, as st_slot_ring does (which then
 * finds it there). The update waits for an RCU grace period
 * (kernel/bpf/syscall.c maybe_wait_bpf_programs: 5-15 ms here); done while
 * the child verifies the program, it costs the first container nothing.
 * Failing is no error here: st_slot_ring tries again and says why. */
static void preinstall_ring(int rings_fd, uint32_t slot)
{
	cleanup_close int ring = -1;

	ring = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, ST_RING_BYTES, NULL);
	if (ring >= 0 && bpf_map_update_elem(rings_fd, &slot, &ring, BPF_ANY) < 0)
		st_debug("cannot put slot %u's ring buffer in place during the load: %s", slot,
			 strerror(errno));
}

/* open -> rodata -> load -> pin; the skeleton is dropped afterwards and every
 * tracer, the first one included, works from the pins. rings_fd: the outer
 * map of the rings to use (create_rings_map), -1 for libbpf's own. */
static int load_and_pin(const char *pin_dir, int rings_fd, struct st_error *err)
{
	__attribute__((cleanup(skel_destroyp))) struct seccomp_trace_bpf *skel = NULL;

	skel = seccomp_trace_bpf__open();
	if (!skel)
		return st_error_set(err, errno, "cannot open the BPF object");
	if (rings_fd >= 0 && bpf_map__reuse_fd(skel->maps.st_rings, rings_fd))
		return st_error_set(err, errno, "cannot use the ring buffers' map");
	set_syscall_numbers(&skel->rodata->nrs);
	skel->rodata->kernel_has_x32 = kernel_has_x32();
	if (seccomp_trace_bpf__load(skel)) {
		if (errno == EPERM || errno == EACCES)
			return st_bpf_error(err, errno, "cannot load the BPF program");
		return st_error_set(err, errno,
				    "cannot load the BPF program (-v shows the verifier's log)");
	}
	const int fd[ST_NR_PINS] = {
	    [ST_PIN_TARGETS] = bpf_map__fd(skel->maps.st_targets),
	    [ST_PIN_RINGS] = bpf_map__fd(skel->maps.st_rings),
	    [ST_PIN_CONFIG] = bpf_map__fd(skel->maps.st_config),
	    [ST_PIN_FORK_PROG] = bpf_program__fd(skel->progs.sched_process_fork),
	    [ST_PIN_PROG] = bpf_program__fd(skel->progs.sys_enter),
	};
	return st_pins_save(pin_dir, fd, err);
}

int st_loader_load_and_pin(const char *pin_dir, uint32_t slot, struct st_error *err)
{
	struct st_error child_err = {0};
	cleanup_close int rd = -1, rings = create_rings_map();
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return st_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return st_error_set(err, errno, "cannot fork the BPF loader");
	}
	if (pid == 0) {
		close(p[0]);
		if (load_and_pin(pin_dir, rings, &child_err) == 0)
			_exit(0);
		/* one struct, below PIPE_BUF: arrives whole */
		_exit(write(p[1], &child_err, sizeof(child_err)) < 0 ? 2 : 1);
	}
	close(p[1]);
	rd = p[0];
	if (rings >= 0)
		preinstall_ring(rings, slot);
	do
		n = read(rd, &child_err, sizeof(child_err));
	while (n < 0 && errno == EINTR);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == sizeof(child_err))
		return st_error_set(err, child_err.errnum, "%s", child_err.msg);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return st_error_set(err, 0, "the BPF loader failed");
	return 0;
}
