// SPDX-License-Identifier: Apache-2.0
/* Test program: makes the syscalls its arguments name, so that tests can
 * check that exactly these reach (or do not reach) a profile. Built static,
 * native and -m32, so that it also runs in a busybox container.
 *
 *   stprobe ACTION...
 *   membarrier | getcpu | kcmp | sched_getattr | getitimer
 *                      make that syscall once (getcpu is a time call: every
 *                      traced profile allows it, so it marks nothing)
 *   thread:ACTION      make it in a new thread (joined)
 *   fork:ACTION        make it in a child process (waited for)
 *   x32:getpid         getpid through the x32 ABI (ENOSYS if the kernel lacks it)
 *   loop:ACTION:N      make it N times (N = 0: until killed)
 *   getppid:N          N getppid calls, prints ns per call on stdout
 *   many               some 100 distinct syscalls that change nothing (bad
 *                      descriptors, NULL pointers, queries): a burst of first
 *                      sightings
 *   write              write "stprobe\n" to stdout
 *   comm:NAME          name the process NAME (prctl PR_SET_NAME: any bytes, cut
 *                      at 15)
 *   mkdir:PATH         mkdir PATH, print strerror on failure and exit 1
 *   chmod:PATH         chmod PATH 0600 the way glibc 2.39+ does: fchmodat2
 *                      (syscall 452), and fchmodat only if that says ENOSYS;
 *                      print strerror on failure and exit 1, else "mode 600"
 *   sleep:MS           sleep
 *   eof                read stdin until its end (its writers closed it)
 *   socket:unix|inet   open a socket of that family, print strerror and exit 1
 *                      if refused
 *   socket:D:T         the same with domain D and type T as numbers (1:2 is
 *                      AF_UNIX, SOCK_DGRAM)
 *   clone:newuts       clone() a child in a new UTS namespace, same on refusal
 *   io_uring_setup     io_uring_setup with no ring asked for (EINVAL or EFAULT)
 *   uring              a one-entry ring the way liburing users probe for it:
 *                      "io_uring" when made, "no io_uring" when the kernel says
 *                      ENOSYS (the fallback), else strerror and exit 1
 *   must:ACTION        ACTION (membarrier, getcpu, kcmp, sched_getattr, getitimer) and exit 1,
 *                      printing strerror, if the syscall fails
 *   logged:N           load a seccomp filter that logs getppid (SECCOMP_RET_LOG)
 *                      and call getppid N times: N audit records
 *   selftraced:ACTION  ACTION in a child this process traces with
 *                      PTRACE_O_TRACESECCOMP, continuing every SCMP_ACT_TRACE
 *                      stop: what a workload that may ptrace can do
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int one(const char *a);

static void *thread_main(void *arg)
{
	return (void *)(long)one(arg);
}

/* must:ACTION sets this: a failing syscall ends the probe with status 1. */
static int must;

static long raw(long nr, long a0, long a1, long a2, long a3, long a4)
{
	long rc = syscall(nr, a0, a1, a2, a3, a4);

	if (rc < 0 && must) {
		printf("syscall %ld: %s\n", nr, strerror(errno));
		exit(1);
	}
	return rc;
}

#if defined(__x86_64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* A filter of our own: getppid is logged, everything else allowed. */
static int log_getppid(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_AUDIT_ARCH, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		printf("seccomp: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

/* many: distinct syscalls that change nothing (bad descriptors, NULL
 * pointers, out-of-range arguments, queries), one burst of first sightings. */
static const struct {
	long nr, a0, a1, a2;
} harmless[] = {
#ifdef SYS_read
    {SYS_read, -1, 0, 0},
#endif
#ifdef SYS_write
    {SYS_write, -1, 0, 0},
#endif
#ifdef SYS_close
    {SYS_close, -1, 0, 0},
#endif
#ifdef SYS_fstat
    {SYS_fstat, -1, 0, 0},
#endif
#ifdef SYS_fstat64
    {SYS_fstat64, -1, 0, 0},
#endif
#ifdef SYS_lseek
    {SYS_lseek, -1, 0, 0},
#endif
#ifdef SYS__llseek
    {SYS__llseek, -1, 0, 0},
#endif
#ifdef SYS_pread64
    {SYS_pread64, -1, 0, 0},
#endif
#ifdef SYS_pwrite64
    {SYS_pwrite64, -1, 0, 0},
#endif
#ifdef SYS_readv
    {SYS_readv, -1, 0, 0},
#endif
#ifdef SYS_writev
    {SYS_writev, -1, 0, 0},
#endif
#ifdef SYS_dup
    {SYS_dup, -1, 0, 0},
#endif
#ifdef SYS_fcntl
    {SYS_fcntl, -1, 0, 0},
#endif
#ifdef SYS_fcntl64
    {SYS_fcntl64, -1, 0, 0},
#endif
#ifdef SYS_flock
    {SYS_flock, -1, 0, 0},
#endif
#ifdef SYS_fsync
    {SYS_fsync, -1, 0, 0},
#endif
#ifdef SYS_fdatasync
    {SYS_fdatasync, -1, 0, 0},
#endif
#ifdef SYS_ftruncate
    {SYS_ftruncate, -1, 0, 0},
#endif
#ifdef SYS_fchmod
    {SYS_fchmod, -1, 0, 0},
#endif
#ifdef SYS_fchown
    {SYS_fchown, -1, -1, -1},
#endif
#ifdef SYS_fchdir
    {SYS_fchdir, -1, 0, 0},
#endif
#ifdef SYS_getdents64
    {SYS_getdents64, -1, 0, 0},
#endif
#ifdef SYS_fstatfs
    {SYS_fstatfs, -1, 0, 0},
#endif
#ifdef SYS_fstatfs64
    {SYS_fstatfs64, -1, 0, 0},
#endif
#ifdef SYS_ioctl
    {SYS_ioctl, -1, 0, 0},
#endif
#ifdef SYS_fgetxattr
    {SYS_fgetxattr, -1, 0, 0},
#endif
#ifdef SYS_flistxattr
    {SYS_flistxattr, -1, 0, 0},
#endif
#ifdef SYS_epoll_ctl
    {SYS_epoll_ctl, -1, 0, -1},
#endif
#ifdef SYS_timerfd_gettime
    {SYS_timerfd_gettime, -1, 0, 0},
#endif
#ifdef SYS_shutdown
    {SYS_shutdown, -1, 0, 0},
#endif
#ifdef SYS_getsockname
    {SYS_getsockname, -1, 0, 0},
#endif
#ifdef SYS_getpeername
    {SYS_getpeername, -1, 0, 0},
#endif
#ifdef SYS_listen
    {SYS_listen, -1, 0, 0},
#endif
#ifdef SYS_sendto
    {SYS_sendto, -1, 0, 0},
#endif
#ifdef SYS_recvfrom
    {SYS_recvfrom, -1, 0, 0},
#endif
#ifdef SYS_sendmsg
    {SYS_sendmsg, -1, 0, 0},
#endif
#ifdef SYS_recvmsg
    {SYS_recvmsg, -1, 0, 0},
#endif
#ifdef SYS_getpid
    {SYS_getpid, 0, 0, 0},
#endif
#ifdef SYS_getppid
    {SYS_getppid, 0, 0, 0},
#endif
#ifdef SYS_getuid
    {SYS_getuid, 0, 0, 0},
#endif
#ifdef SYS_geteuid
    {SYS_geteuid, 0, 0, 0},
#endif
#ifdef SYS_getgid
    {SYS_getgid, 0, 0, 0},
#endif
#ifdef SYS_getegid
    {SYS_getegid, 0, 0, 0},
#endif
#ifdef SYS_gettid
    {SYS_gettid, 0, 0, 0},
#endif
#ifdef SYS_getpgrp
    {SYS_getpgrp, 0, 0, 0},
#endif
#ifdef SYS_getsid
    {SYS_getsid, 0, 0, 0},
#endif
#ifdef SYS_getpgid
    {SYS_getpgid, 0, 0, 0},
#endif
#ifdef SYS_getpriority
    {SYS_getpriority, -1, 0, 0},
#endif
#ifdef SYS_sched_getscheduler
    {SYS_sched_getscheduler, -1, 0, 0},
#endif
#ifdef SYS_sched_getparam
    {SYS_sched_getparam, -1, 0, 0},
#endif
#ifdef SYS_sched_get_priority_max
    {SYS_sched_get_priority_max, -1, 0, 0},
#endif
#ifdef SYS_sched_get_priority_min
    {SYS_sched_get_priority_min, -1, 0, 0},
#endif
#ifdef SYS_sched_rr_get_interval
    {SYS_sched_rr_get_interval, -1, 0, 0},
#endif
#ifdef SYS_sched_getaffinity
    {SYS_sched_getaffinity, -1, 0, 0},
#endif
#ifdef SYS_sched_yield
    {SYS_sched_yield, 0, 0, 0},
#endif
#ifdef SYS_uname
    {SYS_uname, 0, 0, 0},
#endif
#ifdef SYS_sysinfo
    {SYS_sysinfo, 0, 0, 0},
#endif
#ifdef SYS_times
    {SYS_times, 0, 0, 0},
#endif
#ifdef SYS_getrusage
    {SYS_getrusage, 99, 0, 0},
#endif
#ifdef SYS_getcwd
    {SYS_getcwd, 0, 0, 0},
#endif
#ifdef SYS_getgroups
    {SYS_getgroups, -1, 0, 0},
#endif
#ifdef SYS_getresuid
    {SYS_getresuid, 0, 0, 0},
#endif
#ifdef SYS_getresgid
    {SYS_getresgid, 0, 0, 0},
#endif
#ifdef SYS_capget
    {SYS_capget, 0, 0, 0},
#endif
#ifdef SYS_getitimer
    {SYS_getitimer, 99, 0, 0},
#endif
#ifdef SYS_getcpu
    {SYS_getcpu, 0, 0, 0},
#endif
#ifdef SYS_clock_getres
    {SYS_clock_getres, -1, 0, 0},
#endif
#ifdef SYS_clock_gettime
    {SYS_clock_gettime, -1, 0, 0},
#endif
#ifdef SYS_gettimeofday
    {SYS_gettimeofday, 0, 0, 0},
#endif
#ifdef SYS_access
    {SYS_access, 0, 0, 0},
#endif
#ifdef SYS_faccessat
    {SYS_faccessat, -1, 0, 0},
#endif
#ifdef SYS_readlink
    {SYS_readlink, 0, 0, 0},
#endif
#ifdef SYS_readlinkat
    {SYS_readlinkat, -1, 0, 0},
#endif
#ifdef SYS_newfstatat
    {SYS_newfstatat, -1, 0, 0},
#endif
#ifdef SYS_stat
    {SYS_stat, 0, 0, 0},
#endif
#ifdef SYS_lstat
    {SYS_lstat, 0, 0, 0},
#endif
#ifdef SYS_statfs
    {SYS_statfs, 0, 0, 0},
#endif
#ifdef SYS_getxattr
    {SYS_getxattr, 0, 0, 0},
#endif
#ifdef SYS_listxattr
    {SYS_listxattr, 0, 0, 0},
#endif
#ifdef SYS_chdir
    {SYS_chdir, 0, 0, 0},
#endif
#ifdef SYS_rt_sigpending
    {SYS_rt_sigpending, 0, 99, 0},
#endif
#ifdef SYS_sigaltstack
    {SYS_sigaltstack, 0, 0, 0},
#endif
#ifdef SYS_getrandom
    {SYS_getrandom, 0, 0, 0},
#endif
#ifdef SYS_membarrier
    {SYS_membarrier, 0, 0, 0},
#endif
#ifdef SYS_mincore
    {SYS_mincore, 0, 0, 0},
#endif
#ifdef SYS_madvise
    {SYS_madvise, 0, 0, 0},
#endif
#ifdef SYS_mprotect
    {SYS_mprotect, 0, 0, 0},
#endif
#ifdef SYS_msync
    {SYS_msync, 0, 0, 0},
#endif
#ifdef SYS_ioprio_get
    {SYS_ioprio_get, 99, 0, 0},
#endif
#ifdef SYS_personality
    {SYS_personality, 0xffffffff, 0, 0},
#endif
#ifdef SYS_getrlimit
    {SYS_getrlimit, 99, 0, 0},
#endif
#ifdef SYS_ugetrlimit
    {SYS_ugetrlimit, 99, 0, 0},
#endif
#ifdef SYS_prlimit64
    {SYS_prlimit64, 0, 99, 0},
#endif
#ifdef SYS_sched_getattr
    {SYS_sched_getattr, -1, 0, 0},
#endif
#ifdef SYS_kcmp
    {SYS_kcmp, -1, -1, 99},
#endif
#ifdef SYS_get_robust_list
    {SYS_get_robust_list, -1, 0, 0},
#endif
#ifdef SYS_waitid
    {SYS_waitid, 99, 0, 0},
#endif
#ifdef SYS_wait4
    {SYS_wait4, -1, 0, 99},
#endif
#ifdef SYS_rt_sigtimedwait
    {SYS_rt_sigtimedwait, 0, 0, 0},
#endif
};

/* Run ACTION in a child that this process traces; the kernel stops the child
 * at each SCMP_ACT_TRACE call (PTRACE_EVENT_SECCOMP) and runs the call when
 * the tracer continues (Documentation/userspace-api/seccomp_filter.rst). */
static int selftraced(const char *a)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) {
			printf("PTRACE_TRACEME: %s\n", strerror(errno));
			_exit(3);
		}
		raise(SIGSTOP);
		_exit(one(a));
	}
	if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFSTOPPED(st))
		return 1;
	if (ptrace(PTRACE_SETOPTIONS, p, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0) {
		printf("PTRACE_SETOPTIONS: %s\n", strerror(errno));
		return 1;
	}
	for (int sig = 0;;) {
		if (ptrace(PTRACE_CONT, p, 0, sig) < 0 || waitpid(p, &st, 0) < 0)
			return 1;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		if (WIFSIGNALED(st))
			return 1;
		/* a TRACE stop: continuing it runs the call; other stops pass on */
		sig = st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) ? 0 : WSTOPSIG(st);
	}
}

static int one(const char *a)
{
	if (!strncmp(a, "selftraced:", 11))
		return selftraced(a + 11);
	if (!strcmp(a, "membarrier")) {
		raw(SYS_membarrier, 0 /* MEMBARRIER_CMD_QUERY */, 0, 0, 0, 0);
	} else if (!strcmp(a, "getcpu")) {
		unsigned cpu, node;
		raw(SYS_getcpu, (long)&cpu, (long)&node, 0, 0, 0);
	} else if (!strcmp(a, "getitimer")) {
		char buf[64]; /* struct itimerval, 32 or 64 bits */
		raw(SYS_getitimer, 0 /* ITIMER_REAL */, (long)buf, 0, 0, 0);
	} else if (!strcmp(a, "kcmp")) {
		raw(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0);
	} else if (!strcmp(a, "io_uring_setup")) {
		raw(SYS_io_uring_setup, 0, 0, 0, 0, 0);
	} else if (!strcmp(a, "uring")) {
		char params[120] = {0}; /* struct io_uring_params */
		long fd = syscall(SYS_io_uring_setup, 1, (long)params);

		if (fd < 0 && errno != ENOSYS) {
			printf("io_uring_setup: %s\n", strerror(errno));
			return 1;
		}
		printf(fd < 0 ? "no io_uring\n" : "io_uring\n");
		if (fd >= 0)
			close((int)fd);
	} else if (!strcmp(a, "sched_getattr")) {
		char buf[128];
		raw(SYS_sched_getattr, 0, (long)buf, sizeof(buf), 0, 0);
	} else if (!strcmp(a, "many")) {
		for (size_t i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++)
			syscall(harmless[i].nr, harmless[i].a0, harmless[i].a1, harmless[i].a2, 0, 0);
	} else if (!strcmp(a, "write")) {
		if (write(1, "stprobe\n", 8) != 8)
			return 1;
	} else if (!strncmp(a, "comm:", 5)) {
		if (prctl(PR_SET_NAME, a + 5) < 0)
			return 1;
	} else if (!strncmp(a, "thread:", 7)) {
		pthread_t th;
		void *rc;
		if (pthread_create(&th, NULL, thread_main, (void *)(a + 7)))
			return 1;
		pthread_join(th, &rc);
		return (int)(long)rc;
	} else if (!strncmp(a, "fork:", 5)) {
		int st;
		pid_t p = fork();
		if (p == 0)
			_exit(one(a + 5));
		if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st))
			return 1;
		return WEXITSTATUS(st);
	} else if (!strcmp(a, "x32:getpid")) {
#if defined(__x86_64__)
		raw(0x40000000 | SYS_getpid, 0, 0, 0, 0, 0);
#else
		return 1;
#endif
	} else if (!strncmp(a, "loop:", 5)) {
		char act[64];
		const char *colon = strrchr(a + 5, ':');
		long n;
		if (!colon || colon - (a + 5) >= (long)sizeof(act))
			return 2;
		memcpy(act, a + 5, colon - (a + 5));
		act[colon - (a + 5)] = '\0';
		n = atol(colon + 1);
		for (long i = 0; n == 0 || i < n; i++)
			if (one(act))
				return 1;
	} else if (!strncmp(a, "getppid:", 8)) {
		long n = atol(a + 8);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long i = 0; i < n; i++)
			raw(SYS_getppid, 0, 0, 0, 0, 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n);
	} else if (!strncmp(a, "mkdir:", 6)) {
		if (mkdir(a + 6, 0755) < 0) {
			printf("mkdir: %s\n", strerror(errno));
			return 1;
		}
	} else if (!strncmp(a, "chmod:", 6)) {
		struct stat st;
		/* 452 on every arch (the unified syscall table since 5.x) */
		long rc = syscall(452, AT_FDCWD, a + 6, 0600, 0);

		if (rc < 0 && errno == ENOSYS)
			rc = syscall(SYS_fchmodat, AT_FDCWD, a + 6, 0600);
		if (rc < 0 || stat(a + 6, &st) < 0) {
			printf("chmod %s: %s\n", a + 6, strerror(errno));
			return 1;
		}
		printf("mode %o\n", st.st_mode & 07777);
	} else if (!strncmp(a, "socket:", 7)) {
		int domain = !strcmp(a + 7, "unix") ? AF_UNIX : AF_INET;
		int type = SOCK_STREAM | SOCK_CLOEXEC;
		char *end;

		/* socket:DOMAIN:TYPE, both numbers: exactly these arguments */
		if (a[7] >= '0' && a[7] <= '9') {
			domain = strtol(a + 7, &end, 10);
			type = *end == ':' ? strtol(end + 1, NULL, 10) : SOCK_STREAM;
		}
		int fd = socket(domain, type, 0);
		if (fd < 0) {
			printf("socket %s: %s\n", a + 7, strerror(errno));
			return 1;
		}
		close(fd);
	} else if (!strcmp(a, "clone:newuts")) {
		int st;
		long p = raw(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
		if (p == 0)
			_exit(0);
		if (p < 0) {
			printf("clone newuts: %s\n", strerror(errno));
			return 1;
		}
		waitpid(p, &st, 0);
	} else if (!strncmp(a, "must:", 5)) {
		int rc;

		must = 1;
		rc = one(a + 5);
		must = 0;
		return rc;
	} else if (!strncmp(a, "logged:", 7)) {
		long n = atol(a + 7);

		if (log_getppid())
			return 1;
		for (long i = 0; i < n; i++)
			raw(SYS_getppid, 0, 0, 0, 0, 0);
	} else if (!strcmp(a, "eof")) {
		char buf[64];
		while (read(0, buf, sizeof(buf)) > 0)
			;
	} else if (!strncmp(a, "sleep:", 6)) {
		struct timespec ts = {atol(a + 6) / 1000, (atol(a + 6) % 1000) * 1000000};
		nanosleep(&ts, NULL);
	} else {
		fprintf(stderr, "stprobe: unknown action %s\n", a);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int rc = one(argv[i]);
		if (rc)
			return rc;
	}
	return 0;
}
