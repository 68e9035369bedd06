// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace run [OPTION...] [--] CMD [ARG...]
 *
 * CMD runs as PID 2 of a new PID namespace, with a private mount namespace
 * and its own /proc (as `unshare --pid --fork --mount-proc` gives), under a
 * small init (PID 1) that forwards signals and reaps; the init itself is not
 * traced. CMD is forked before tracing starts and waits on a pipe, so that
 * its first traced syscall is the execve of CMD. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "allowance.h"
#include "cli.h"
#include "commands.h"
#include "enosys.h"
#include "fileio.h"
#include "log.h"
#include "output.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_trace.h"
#include "report.h"
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

/* When CMD exits, how long what it left behind in the namespace has after
 * SIGTERM before the init leaves, which kills it. */
#define LEFTOVER_GRACE_MS 3000

/* A private mount namespace with the new PID namespace's /proc on /proc, so
 * that /proc/self, /proc/$$ and the PIDs a runtime under CMD reads from
 * /proc are CMD's namespace's (util-linux unshare --mount-proc does the same:
 * private propagation, so that nothing mounted here shows outside). Called
 * by the namespace's PID 1: a proc mount shows its mounter's namespace. */
static int private_proc(void)
{
	if (unshare(CLONE_NEWNS) < 0) {
		fprintf(stderr, "seccomp-trace: cannot create a mount namespace: %s\n",
			strerror(errno));
		return -1;
	}
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		fprintf(stderr, "seccomp-trace: cannot mount /proc for the traced command: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* The descriptors of ours the init inherited (the BPF link, maps, ring):
 * CMD closes them at its exec (close-on-exec), the init now, so that they
 * live no longer than the tracer. The caller's descriptors stay: CMD
 * inherits them. */
static void close_ours(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name), flags;

		if (fd < 3 || fd == keep || fd == dirfd(d))
			continue;
		flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && (flags & FD_CLOEXEC))
			close(fd);
	}
	closedir(d);
}

/* CMD is gone: what it left behind gets SIGTERM and a moment to end on its
 * own (a tracer started inside writes its profile), then leaving the
 * namespace kills the rest. */
static void end_namespace(const sigset_t *chld)
{
	struct timespec step = {.tv_nsec = 50 * 1000000L};

	kill(-1, SIGTERM);
	for (int waited = 0; waited < LEFTOVER_GRACE_MS; waited += 50) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		sigtimedwait(chld, NULL, &step);
	}
}

/* PID 1 of the new namespace: start CMD, forward signals, reap, report CMD's
 * wait status on status_fd and exit. */
static __attribute__((noreturn)) void run_init(char **argv, int go_rd, int status_fd)
{
	sigset_t set, old, chld;
	pid_t cmd;
	int status = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (private_proc() < 0)
		_exit(EXIT_TRACE_FAILED);
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
	close_ours(status_fd);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);

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
				end_namespace(&chld);
				_exit(0);
			}
		}
	}
}

struct run_opts {
	const char *base;
	const char *report; /* --report */
	bool args;
	char **cmd; /* CMD [ARG...]: the rest of the command line */
	struct st_output_opts out;
	struct st_allowance_opts allowance; /* --runtime-allowance */
};

enum { OPT_ARGS = 0x100, OPT_REPORT };

static const struct argp_option run_options[] = {
    {"base", 'b', "FILE", 0, "Start from this profile and add what was seen", 0},
    {"args", OPT_ARGS, NULL, 0,
     "Record the arguments that matter of socket, clone, personality, prctl, fcntl, "
     "set/getsockopt and ioctl, and allow only the values seen (see seccomp-trace(1))",
     0},
    {"report", OPT_REPORT, "FILE", 0,
     "Also write which process made each syscall first, and whether the workload or the "
     "runtime allowance made it (markdown when FILE ends in .md, else JSON)",
     0},
    {0},
};

static error_t parse_run_opt(int key, char *arg, struct argp_state *state)
{
	struct run_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->out;
		state->child_inputs[1] = &o->allowance;
		return 0;
	case 'b':
		o->base = arg;
		return 0;
	case OPT_ARGS:
		o->args = true;
		return 0;
	case OPT_REPORT:
		o->report = arg;
		return 0;
	case ARGP_KEY_ARG:
		/* CMD: it and everything after it are CMD's (run cmd -v). */
		o->cmd = &state->argv[state->next - 1];
		state->next = state->argc;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing the command to trace");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child run_children[] = {
    ST_OUTPUT_CHILD(st_output_argp),
    ST_ALLOWANCE_CHILD,
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp run_argp = {
    run_options,
    parse_run_opt,
    "-o FILE [--] CMD [ARG...]",
    "Run CMD in a new PID namespace with its own /proc (a private mount namespace), record "
    "every syscall it and its descendants make from its execve until it exits, and write a "
    "seccomp allow-list profile then to FILE (-o is required, so that the profile never "
    "mixes with CMD's own output; -o - writes it to stdout all the same): those calls, the "
    "time calls (clock_gettime, ...) and the runtime allowance (--runtime-allowance), so "
    "that the profile also starts a container running CMD (docker run --security-opt "
    "seccomp=FILE, podman likewise). Exits with CMD's status, or 125 if tracing failed; a "
    "CMD that cannot be executed writes no profile. Options end at CMD.",
    run_children,
    NULL,
    NULL};

/* What run holds while CMD runs; run_cleanup releases all of it. */
struct run_job {
	struct run_opts opts;
	struct st_profile *base;
	bool base_private;	  /* others cannot read --base: nor the output */
	struct st_outfile out;	  /* -o: its directory held from the start */
	struct st_outfile report; /* --report: the same */
	struct st_tracer *tracer;
	int go[2];	/* CMD waits for a byte on go[0]: tracing is armed */
	int status[2];	/* the init reports CMD's wait status on status[1] */
	int sigfd;	/* signals to forward to CMD */
	pid_t init_pid; /* the init, until reaped; 0: none */
};

/* Signals sent to seccomp-trace with kill(2) go to CMD through the init;
 * those from the terminal reached CMD already. */
static int forward_signal(void *ctx, const struct signalfd_siginfo *si)
{
	if (si->ssi_code != SI_KERNEL)
		kill(*(pid_t *)ctx, si->ssi_signo);
	return 0;
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

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Everything that can fail before CMD runs: the base profile, the tracer,
 * the pipes, the signals to forward. */
static int run_prepare(struct run_job *job, struct st_error *err)
{
	sigset_t fwd;

	if (job->opts.base &&
	    st_profile_read_file_in(NULL, job->opts.base, &job->base, &job->base_private, err) < 0)
		return st_error_wrap(err, "cannot use base profile");
	if (job->base)
		st_enosys_rule_drop(job->base); /* the output's, redone there */
	if (st_allowance_load(&job->opts.allowance, err) < 0)
		return -1;
	/* The output's directory is checked (and held) before CMD runs. */
	if (st_output_open(&job->opts.out, NULL, &job->out, err) < 0 ||
	    (job->opts.report && st_outfile_open_kind(NULL, job->opts.report, &st_report_kind,
						      &job->report, err) < 0) ||
	    st_tracer_open(&job->tracer, err) < 0)
		return -1;
	job->out.private = job->report.private = job->base_private;
	if (pipe2(job->go, O_CLOEXEC) < 0 || pipe2(job->status, O_CLOEXEC) < 0)
		return st_error_set(err, errno, "pipe");
	forwarded_set(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	job->sigfd = signalfd(-1, &fwd, SFD_CLOEXEC);
	if (job->sigfd < 0)
		return st_error_set(err, errno, "signalfd");
	return 0;
}

/* The init as PID 1 of a new PID namespace; it forks CMD, which waits. */
static int run_start(struct run_job *job, struct st_error *err)
{
	pid_t pid;

	/* Our next child is PID 1 of the new namespace; we are the only one
	 * who forks here, once. */
	if (unshare(CLONE_NEWPID) < 0)
		return st_error_set(err, errno, "cannot create a PID namespace");
	pid = fork();
	if (pid < 0)
		return st_error_set(err, errno, "cannot start the traced command");
	if (pid == 0) {
		sigset_t fwd;

		close(job->go[1]);
		close(job->status[0]);
		forwarded_set(&fwd);
		sigprocmask(SIG_UNBLOCK, &fwd, NULL);
		run_init(job->opts.cmd, job->go[0], job->status[1]);
	}
	job->init_pid = pid;
	close_fd(&job->go[0]);
	close_fd(&job->status[1]);
	/* An init that failed before CMD ran must not kill us by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Trace the namespace, then let CMD exec: the init is not traced; CMD, the
 * only other process, is the first one seen, and its exec starts the
 * workload. The namespace is ours alone: every process in it is CMD's (no
 * mount namespace check). */
static int run_arm(struct run_job *job, struct st_error *err)
{
	struct st_target_spec spec = {
	    .kind = ST_KEY_PIDNS,
	    .exclude_tgid = job->init_pid,
	    .flags = job->opts.args ? ST_TARGET_ARGS : 0,
	};

	if (st_ns_inum(job->init_pid, "pid", &spec.inum, err) < 0 ||
	    st_tracer_arm(job->tracer, &spec, err) < 0)
		return -1;
	if (write(job->go[1], "g", 1) != 1)
		return st_error_set(err, errno, "cannot start %s", job->opts.cmd[0]);
	close_fd(&job->go[1]);
	return 0;
}

/* Record until CMD exits; *status is CMD's wait status. The init reports it,
 * or dies: either way its pipe wakes us. */
static int run_wait(struct run_job *job, int *status, struct st_error *err)
{
	int init_status;
	pid_t init = job->init_pid;

	if (st_tracer_wait(job->tracer, job->status[0], job->sigfd, forward_signal, &job->init_pid,
			   err) < 0)
		return -1;
	job->init_pid = 0; /* reaped below, or not to be killed */
	if (waitpid(init, &init_status, 0) < 0 || !WIFEXITED(init_status) ||
	    WEXITSTATUS(init_status) ||
	    read(job->status[0], status, sizeof(*status)) != sizeof(*status))
		return st_error_set(err, 0, "the init process of the traced command failed");
	return 0;
}

/* --report: who made each syscall first. */
static int run_write_report(struct run_job *job, const struct st_trace_result *res,
			    const struct st_sysset *set, const struct st_profile *p,
			    struct st_error *err)
{
	struct st_report_info info = {.profile = job->opts.out.path, .command = job->opts.cmd};

	return st_report_emit(&job->report, res, set, p, &info,
			      st_report_format_of(job->opts.report), err);
}

/* CMD's status stands only if its profile is complete and written. 1: CMD
 * never started (its exec failed, as it said): no profile, CMD's status. */
static int run_write_profile(struct run_job *job, struct st_error *err)
{
	struct st_trace_result res;
	struct st_profile *p = NULL;
	struct st_sysset workload, *set = &workload; /* res's sets stay as seen: --report */
	struct st_sysset allowance = {0};	     /* the allowance rule's, for --report */
	/* the rules from here on are the trace's (a base's come first) */
	size_t first_own = job->base ? job->base->n_rules : 0;
	int rc;

	if (st_tracer_finish(job->tracer, &res, err) < 0)
		return -1;
	workload = res.workload;
	if (!res.started) {
		st_trace_result_free(&res);
		fprintf(stderr, "seccomp-trace: %s never started: no profile written\n",
			job->opts.cmd[0]);
		return 1;
	}
	st_sysset_merge(set, &res.allowance);
	/* A handler CMD installed may run in production even if no signal came here. */
	st_sysset_add_signal_return(set, set, false);
	st_trace_add_time_calls(set);
	rc = st_profile_build_args(set, job->opts.args ? &res.args : NULL, job->base, &p, err);
	/* A profile of CMD is often given to `docker run --security-opt
	 * seccomp=`: the runtime's own calls under the filter come with it. */
	if (rc == 0)
		rc = st_allowance_add_rule_set(p, first_own, &job->opts.allowance, NULL, &allowance,
					       err);
	if (rc == 0)
		rc = st_output_emit(p, &job->opts.out, &job->out, err);
	if (rc == 0 && job->opts.out.path)
		st_info("profile written to %s (%u syscalls seen)", job->opts.out.path,
			st_sysset_count(set));
	if (rc == 0 && job->opts.report) {
		/* what the profile holds: the workload's and the allowance rule */
		st_sysset_merge(&allowance, set);
		/* run has no runtime and no filter: what the trace saw beyond the
		 * workload is seccomp-trace's own child before it exec'd CMD, which
		 * the report must not call a runtime's set-up (nor CMD's) */
		res.all = res.workload;
		st_sysset_merge(&res.all, &res.allowance);
		rc = run_write_report(job, &res, &allowance, p, err);
	}
	if (p != job->base)
		st_profile_free(p);
	st_trace_result_free(&res);
	return rc;
}

static void run_cleanup(struct run_job *job)
{
	if (job->init_pid > 0) {
		kill(job->init_pid, SIGKILL);
		waitpid(job->init_pid, NULL, 0);
	}
	st_tracer_close(job->tracer);
	st_outfile_close(&job->out);
	st_outfile_close(&job->report);
	st_profile_free(job->base);
	st_allowance_free(&job->opts.allowance);
	for (int i = 0; i < 2; i++) {
		close_fd(&job->go[i]);
		close_fd(&job->status[i]);
	}
	close_fd(&job->sigfd);
}

int cmd_run(int argc, char **argv)
{
	struct run_job job = {.out = {.dfd = -1},
			      .report = {.dfd = -1},
			      .go = {-1, -1},
			      .status = {-1, -1},
			      .sigfd = -1};
	struct st_error err = {0};
	int status = 0, rc;

	st_cli_parse(&run_argp, argc, argv, ARGP_IN_ORDER, &job.opts);
	/* CMD writes to the same standard output: never mix the two by default */
	if (!job.opts.out.path_given) {
		fprintf(stderr,
			"seccomp-trace run: -o FILE is required: CMD's output goes to standard "
			"output, the profile must not mix with it (-o - writes it there too)\n");
		return ST_EXIT_USAGE;
	}
	rc = run_prepare(&job, &err);
	if (rc == 0)
		rc = run_start(&job, &err);
	if (rc == 0)
		rc = run_arm(&job, &err);
	if (rc == 0)
		rc = run_wait(&job, &status, &err);
	if (rc == 0)
		rc = run_write_profile(&job, &err);
	if (rc < 0)
		st_error_print(&err);
	run_cleanup(&job);
	return rc < 0 ? EXIT_TRACE_FAILED : exit_like(status);
}
