/* seccomp-trace run [-o FILE] [--base FILE] -- CMD [ARG...]
 *
 * CMD runs as PID 2 of a new PID namespace under a small init (PID 1) that
 * forwards signals and reaps; the init itself is not traced. CMD is forked
 * before tracing starts and waits on a pipe, so that its first traced syscall
 * is the execve of CMD. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "fileio.h"
#include "log.h"
#include "output.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_trace.h"
#include "tracer.h"
#include "util.h"

/* Exit status when seccomp-trace itself fails (as env(1) and timeout(1) do). */
#define EXIT_TRACE_FAILED 125

/* Signals a user sends to stop or poke CMD; forwarded when they come from
 * kill(2). The same signals from the terminal reach CMD directly, since CMD
 * stays in the caller's process group. */
static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

/* PID 1 of the new namespace: start CMD, forward signals, reap, report CMD's
 * wait status on status_fd and exit. */
static __attribute__((noreturn)) void run_init(char **argv, int go_rd, int status_fd)
{
	sigset_t set, old;
	pid_t cmd;
	int status = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	forwarded_set(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);

	cmd = fork();
	if (cmd < 0) {
		fprintf(stderr, "seccomp-trace: cannot fork: %s\n", strerror(errno));
		_exit(EXIT_TRACE_FAILED);
	}
	if (cmd == 0) {
		char go;

		sigprocmask(SIG_SETMASK, &old, NULL);
		close(status_fd);
		/* Tracing is armed when the byte arrives; EOF means the tracer failed. */
		if (read(go_rd, &go, 1) != 1)
			_exit(EXIT_TRACE_FAILED);
		close(go_rd);
		execvp(argv[0], argv);
		fprintf(stderr, "seccomp-trace: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go_rd);

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (si.si_code != SI_KERNEL)
				kill(cmd, sig);
			continue;
		}
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);

			if (p <= 0)
				break;
			if (p == cmd) {
				status = st;
				if (write(status_fd, &status, sizeof(status)) != sizeof(status))
					_exit(EXIT_TRACE_FAILED);
				/* Leaving kills what CMD left behind in the namespace. */
				_exit(0);
			}
		}
	}
}

struct run_opts {
	const char *output;
	const char *base;
	bool verbose;
	bool args;
	struct st_output_opts out;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: seccomp-trace run [-o FILE] [--base FILE] [--args] [output options] [-v]\n"
		"                         -- CMD [ARG...]\n"
		"\n"
		"Run CMD in a new PID namespace, record every syscall it and its descendants\n"
		"make, and write a seccomp allow-list profile when it exits (to stdout\n"
		"without -o). Exits with CMD's status, or 125 if tracing failed.\n"
		"\n"
		"  -o, --output FILE  write the profile to FILE (atomically)\n"
		"  -b, --base FILE    start from this profile and add what was seen\n"
		"  --args             record the arguments that matter of socket, clone,\n"
		"                     personality, prctl, fcntl, set/getsockopt and ioctl,\n"
		"                     and allow only the values seen (see seccomp-trace(1))\n"
		"  -v, --verbose      log each first-seen syscall and libbpf messages\n"
		"  -h, --help         show this help\n" ST_OUTPUT_HELP);
}

/* Signals sent to seccomp-trace with kill(2) go to CMD through the init;
 * those from the terminal reached CMD already. */
static int forward_signal(void *ctx, const struct signalfd_siginfo *si)
{
	if (si->ssi_code != SI_KERNEL)
		kill(*(pid_t *)ctx, si->ssi_signo);
	return 0;
}

static int emit_profile(const struct run_opts *o, struct st_outfile *out, struct st_profile *base,
			const struct st_sysset *seen, const struct st_arg_values *args,
			struct st_error *err)
{
	struct st_profile *p = NULL;
	int rc;

	if (st_profile_build_args(seen, o->args ? args : NULL, base, &p, err) < 0)
		return -1;
	rc = st_output_apply(p, &o->out, err);
	if (rc == 0)
		rc = st_output_write(p, &o->out, o->output ? out : NULL, err);
	if (rc == 0 && o->output)
		st_info("profile written to %s (%u syscalls seen)", o->output,
			st_sysset_count(seen));
	if (p != base)
		st_profile_free(p);
	return rc;
}

static int exit_like(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		/* Die the same way, so that the caller's shell sees CMD's signal. */
		signal(sig, SIG_DFL);
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, sig);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		kill(getpid(), sig);
		return 128 + sig;
	}
	return EXIT_TRACE_FAILED;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"base", required_argument, NULL, 'b'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"args", no_argument, NULL, 'A'},
	    {"help", no_argument, NULL, 'h'},
	    ST_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct run_opts o = {0};
	struct st_error err = {0};
	struct st_tracer *t = NULL;
	struct st_profile *base = NULL;
	struct st_outfile out = {.dfd = -1};
	struct st_trace_result res;
	struct st_target_spec spec;
	int go[2] = {-1, -1}, st_pipe[2] = {-1, -1}, status = 0, c;
	cleanup_close int sfd = -1;
	uint32_t inum;
	sigset_t fwd;
	pid_t init_pid;

	while ((c = getopt_long(argc, argv, "+o:b:vh", longopts, NULL)) != -1) {
		int handled = st_output_opt(&o.out, c, optarg);

		if (handled < 0)
			return 2;
		if (handled)
			continue;
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'b':
			o.base = optarg;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'A':
			o.args = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (st_output_validate(&o.out) < 0)
		return 2;
	if (optind >= argc) {
		fprintf(stderr, "seccomp-trace: run: missing the command to trace\n");
		usage(stderr);
		return 2;
	}
	if (o.verbose)
		st_log_set_level(ST_LOG_DEBUG);

	/* Everything that can fail before CMD runs is done first. */
	if (o.base && st_profile_read_file(o.base, &base, &err) < 0) {
		st_error_wrap(&err, "cannot use base profile");
		goto fail;
	}
	/* The output's directory is checked (and held) before CMD runs. */
	if (o.output && st_outfile_open(NULL, o.output, &out, &err) < 0)
		goto fail;
	if (st_tracer_open(&t, &err) < 0)
		goto fail;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(st_pipe, O_CLOEXEC) < 0) {
		st_error_set(&err, errno, "pipe");
		goto fail;
	}
	forwarded_set(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
	if (sfd < 0) {
		st_error_set(&err, errno, "signalfd");
		goto fail;
	}

	/* Our next child is PID 1 of a new namespace; we are the only one
	 * who forks here, once. */
	if (unshare(CLONE_NEWPID) < 0) {
		st_error_set(&err, errno, "cannot create a PID namespace");
		goto fail;
	}
	init_pid = fork();
	if (init_pid < 0) {
		st_error_set(&err, errno, "cannot start the traced command");
		goto fail;
	}
	if (init_pid == 0) {
		close(go[1]);
		close(st_pipe[0]);
		sigprocmask(SIG_UNBLOCK, &fwd, NULL);
		run_init(argv + optind, go[0], st_pipe[1]);
	}
	close(go[0]);
	close(st_pipe[1]);
	go[0] = st_pipe[1] = -1;

	if (st_ns_inum(init_pid, "pid", &inum, &err) < 0)
		goto kill_init;
	/* The init is not traced; CMD, the only other process, starts the
	 * scoped set with its execve. */
	spec = (struct st_target_spec){.kind = ST_KEY_PIDNS,
				       .inum = inum,
				       .exclude_tgid = init_pid,
				       .scope = ST_SCOPE_EXEC,
				       .flags = o.args ? ST_TARGET_ARGS : 0};
	if (st_tracer_arm(t, &spec, &err) < 0)
		goto kill_init;
	/* Armed: let CMD exec. */
	if (write(go[1], "g", 1) != 1) {
		st_error_set(&err, errno, "cannot start %s", argv[optind]);
		goto kill_init;
	}
	close(go[1]);
	go[1] = -1;

	/* The init reports CMD's status, or dies: either way the pipe wakes us. */
	if (st_tracer_wait(t, st_pipe[0], sfd, forward_signal, &init_pid, &err) < 0)
		goto kill_init;
	if (waitpid(init_pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    read(st_pipe[0], &status, sizeof(status)) != sizeof(status)) {
		st_error_set(&err, 0, "the init process of the traced command failed");
		goto fail;
	}
	/* CMD's status stands only if its profile is complete and written. */
	if (st_tracer_finish(t, &res, &err) < 0)
		goto fail;
	if (res.scope_state != ST_SCOPE_STARTED) {
		st_error_set(&err, 0, "%s never started; no profile written", argv[optind]);
		goto fail;
	}
	/* A handler CMD installed may run in production even if no signal came here. */
	st_sysset_add_signal_return(&res.scoped, &res.scoped, false);
	if (emit_profile(&o, &out, base, &res.scoped, &res.args, &err) < 0)
		goto fail;
	st_tracer_close(t);
	st_outfile_close(&out);
	st_profile_free(base);
	close(st_pipe[0]);
	return exit_like(status);

kill_init:
	kill(init_pid, SIGKILL);
	waitpid(init_pid, NULL, 0);
fail:
	st_error_print(&err);
	st_tracer_close(t);
	st_outfile_close(&out);
	st_profile_free(base);
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (st_pipe[i] >= 0)
			close(st_pipe[i]);
	}
	return EXIT_TRACE_FAILED;
}
