// SPDX-License-Identifier: Apache-2.0
/* Test program: makes the syscalls its arguments name, so that tests can
 * check that exactly these reach (or do not reach) a profile. Built static,
 * native and -m32, so that it also runs in a busybox container.
 *
 *   stprobe ACTION...
 *   membarrier | getcpu | kcmp | sched_getattr   make that syscall once
 *   thread:ACTION      make it in a new thread (joined)
 *   fork:ACTION        make it in a child process (waited for)
 *   x32:getpid         getpid through the x32 ABI (ENOSYS if the kernel lacks it)
 *   loop:ACTION:N      make it N times (N = 0: until killed)
 *   getppid:N          N getppid calls, prints ns per call on stdout
 *   write              write "stprobe\n" to stdout
 *   comm:NAME          name the process NAME (prctl PR_SET_NAME: any bytes, cut
 *                      at 15)
 *   mkdir:PATH         mkdir PATH, print strerror on failure and exit 1
 *   sleep:MS           sleep
 *   eof                read stdin until its end (its writers closed it)
 *   socket:unix|inet   open a socket of that family, print strerror and exit 1
 *                      if refused
 *   socket:D:T         the same with domain D and type T as numbers (1:2 is
 *                      AF_UNIX, SOCK_DGRAM)
 *   clone:newuts       clone() a child in a new UTS namespace, same on refusal
 *   io_uring_setup     io_uring_setup with no ring asked for (EINVAL or EFAULT)
 *   must:ACTION        ACTION (membarrier, getcpu, kcmp, sched_getattr) and exit 1,
 *                      printing strerror, if the syscall fails
 *   logged:N           load a seccomp filter that logs getppid (SECCOMP_RET_LOG)
 *                      and call getppid N times: N audit records
 */
#define _GNU_SOURCE
#include <errno.h>
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

static int one(const char *a)
{
	if (!strcmp(a, "membarrier")) {
		raw(SYS_membarrier, 0 /* MEMBARRIER_CMD_QUERY */, 0, 0, 0, 0);
	} else if (!strcmp(a, "getcpu")) {
		unsigned cpu, node;
		raw(SYS_getcpu, (long)&cpu, (long)&node, 0, 0, 0);
	} else if (!strcmp(a, "kcmp")) {
		raw(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0);
	} else if (!strcmp(a, "io_uring_setup")) {
		raw(SYS_io_uring_setup, 0, 0, 0, 0, 0);
	} else if (!strcmp(a, "sched_getattr")) {
		char buf[128];
		raw(SYS_sched_getattr, 0, (long)buf, sizeof(buf), 0, 0);
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
