// SPDX-License-Identifier: Apache-2.0
#include "tracer_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* open -> rodata -> load -> pin; the skeleton is dropped afterwards and every
 * tracer, the first one included, works from the pins. */
static int load_and_pin(const char *pin_dir, struct st_error *err)
{
	__attribute__((cleanup(skel_destroyp))) struct seccomp_trace_bpf *skel = NULL;

	skel = seccomp_trace_bpf__open();
	if (!skel)
		return st_error_set(err, errno, "cannot open the BPF object");
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

int st_loader_load_and_pin(const char *pin_dir, struct st_error *err)
{
	struct st_error child_err = {0};
	cleanup_close int rd = -1;
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
		if (load_and_pin(pin_dir, &child_err) == 0)
			_exit(0);
		/* one struct, below PIPE_BUF: arrives whole */
		_exit(write(p[1], &child_err, sizeof(child_err)) < 0 ? 2 : 1);
	}
	close(p[1]);
	rd = p[0];
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
