// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace hook: the OCI prestart/createRuntime hook.
 *
 * The hook validates everything it can while the runtime still listens
 * (state, annotation, base profile, output path), then forks a detached
 * tracer. The hook exits 0 only once the tracer reports that the program is
 * attached and filtering for this container; otherwise it prints the
 * tracer's error and exits 1, so that the runtime fails the create. The
 * tracer waits for the container's init to exit (pidfd), then writes the
 * profile, logging to syslog and to the --log file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "allowance.h"
#include "annotation.h"
#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "enosys.h"
#include "fileio.h"
#include "log.h"
#include "oci_config.h"
#include "oci_state.h"
#include "output.h"
#include "privilege.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_trace.h"
#include "report.h"
#include "tracer.h"

/* How long the hook waits for the tracer to arm; the runtime waits for us. */
#define ARM_TIMEOUT_MS 10000

/* --scope: which of the trace's sets the profile is made of. */
enum hook_scope {
	SCOPE_AFTER_SECCOMP, /* the workload and the runtime allowance */
	SCOPE_ALL,	     /* everything since the hook, runtime set-up included */
};

struct hook_opts {
	const char *log_file;
	enum hook_scope scope;
	bool args;
	bool report; /* --report: beside of: */
	enum st_report_format report_format;
	struct st_output_opts out;	    /* out.path: the annotation's of: */
	struct st_allowance_opts allowance; /* --runtime-allowance */
	struct st_allow allow;		    /* --allow-dir */
	bool check_options;		    /* --check-options: parse, check, exit */
};

/* What the tracer needs, all prepared before the fork. */
struct hook_job {
	struct hook_opts opts;
	struct st_oci_state state;
	struct st_trace_request req;
	struct st_profile *base;
	bool base_private;		   /* others cannot read if:: nor the profile or report */
	struct st_recording_filter filter; /* the container's own (config.json) */
	struct st_outfile out;		   /* of:, its directory held from create to write */
	struct st_target_spec spec;
	int pidfd;
};

static void set_tag(const struct st_oci_state *state)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "seccomp-trace[%.12s]", state->id ? state->id : "?");
	st_log_set_tag(tag);
}

/* --report: the report's name beside of: (the same directory, held by
 * job->out), and what is there now checked as of: is, so that a hostile
 * name fails the create rather than the write. */
static int open_report(const struct hook_job *job, struct st_outfile *t, struct st_error *err)
{
	char name[NAME_MAX + 1];

	if (st_report_name_beside(job->out.base, job->opts.report_format, name, sizeof(name), err) <
	    0)
		return -1;
	if (st_outfile_open_beside(&job->out, name, &st_report_kind, t, err) < 0)
		return -1;
	t->private = job->out.private;
	return 0;
}

static int check_report(const struct hook_job *job, struct st_error *err)
{
	struct st_outfile t = {.dfd = -1};
	int rc;

	if (!job->opts.report)
		return 0;
	rc = open_report(job, &t, err);
	st_outfile_close(&t);
	return rc;
}

/* The levels of PID namespaces whose tasks' origins the program keeps
 * (ST_ORIGIN_LEVELS) bound how deep a container's namespace may be: below,
 * a process of the container outside its mount namespace could not be told
 * from a neighbour's. Our /proc shows the levels from our namespace down;
 * ours is at least 1 unless it is the host's. Sets spec->joined. */
static int check_pidns_depth(struct hook_job *job, uint32_t own_pidns, struct st_error *err)
{
	unsigned levels, depth;
	uint32_t nr;

	if (st_ns_pids(job->state.pid, &levels, &nr, err) < 0)
		return -1;
	job->spec.joined = nr != 1;
	depth = levels - 1 + (own_pidns != ST_PID_NS_INIT_INUM);
	if (depth > ST_ORIGIN_LEVELS)
		return st_error_set(err, 0,
				    "container process %d is in a PID namespace %u levels deep (at "
				    "most %d can be traced): its processes outside its mount "
				    "namespace could not be told from a neighbour's",
				    job->state.pid, depth, ST_ORIGIN_LEVELS);
	return 0;
}

/* The namespaces to trace, from the container's process. */
static int target_spec(struct hook_job *job, struct st_error *err)
{
	uint32_t own_pidns, pidns, own_mntns, mntns;

	if (st_ns_inum(job->state.pid, "pid", &pidns, err) < 0 ||
	    st_ns_inum(getpid(), "pid", &own_pidns, err) < 0 ||
	    st_ns_inum(job->state.pid, "mnt", &mntns, err) < 0 ||
	    st_ns_inum(getpid(), "mnt", &own_mntns, err) < 0)
		return -1;
	/* In a PID namespace shared with other containers (--pid=container:X,
	 * pods), the container's processes are those of its mount namespace. */
	job->spec.kind = ST_KEY_PIDNS;
	job->spec.inum = pidns;
	job->spec.mntns = mntns;
	if (pidns == own_pidns) {
		/* --pid=host: the container's processes are those of its mount namespace. */
		if (mntns == own_mntns)
			return st_error_set(
			    err, 0,
			    "container process %d shares the host's PID and mount "
			    "namespaces: its syscalls cannot be told from the host's",
			    job->state.pid);
		job->spec.kind = ST_KEY_MNTNS;
		job->spec.inum = mntns;
	} else if (check_pidns_depth(job, own_pidns, err) < 0) {
		return -1;
	}
	/* The runtime's init: until its exec it is the runtime's. */
	job->spec.init_tgid = job->state.pid;
	if (job->opts.args)
		job->spec.flags |= ST_TARGET_ARGS;
	return 0;
}

/* Everything that can be checked while the runtime still reads our stderr. */
static int prepare(struct hook_job *job, struct st_error *err)
{
	cleanup_free char *text = NULL;
	const char *key, *value;
	size_t len;
	int rc;

	if (st_read_fd(STDIN_FILENO, "the OCI state on stdin", ST_MAX_INPUT_BYTES, &text, &len,
		       err) < 0)
		return -1;
	if (st_oci_state_parse(text, len, &job->state, err) < 0)
		return -1;
	set_tag(&job->state);
	rc = st_annotation_find(&job->state, &key, &value, err);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	if (st_annotation_parse(key, value, &job->req, err) < 0)
		return -1;
	/* Say what is missing before anything else (a rootless runtime's hook). */
	if (st_check_trace_privilege(err) < 0)
		return -1;
	if (st_allowance_load(&job->opts.allowance, err) < 0)
		return -1;
	/* What the container's filter answers the calls it refuses, unless
	 * --errno says what the profile answers. */
	if (!job->opts.out.has_errno &&
	    st_recording_filter_read(job->state.bundle, &job->filter, err) < 0)
		return st_error_wrap(err, "cannot read the container's seccomp filter");
	if (job->req.input && st_profile_read_file_in(&job->opts.allow, job->req.input, &job->base,
						      &job->base_private, err) < 0)
		return st_error_wrap(err, "cannot use if: base profile");
	if (job->base)
		st_enosys_rule_drop(job->base); /* the output's, redone there */
	job->opts.out.path = job->req.output;
	if (st_output_open(&job->opts.out, &job->opts.allow, &job->out, err) < 0)
		return -1;
	job->out.private = job->base_private;
	if (job->base_private)
		st_info("the base %s is not readable by others: %s is written 0600", job->req.input,
			job->req.output);
	if (check_report(job, err) < 0)
		return -1;

	job->pidfd = pidfd_open(job->state.pid, 0);
	if (job->pidfd < 0)
		return st_error_set(err, errno, "container process %d is not running",
				    job->state.pid);
	return target_spec(job, err);
}

/* The sets the profile is made of, per --scope: *workload (the workload's
 * rule) and *observed, the runtime allowance this trace saw (the allowance
 * rule's, with --runtime-allowance's choice). */
static void pick_sets(const struct hook_job *job, const struct st_trace_result *res,
		      struct st_sysset *workload, struct st_sysset *observed)
{
	*observed = res->allowance;
	if (job->opts.scope == SCOPE_ALL) {
		*workload = res->all;
	} else if (res->filtered) {
		struct st_sysset outside = res->all;

		*workload = res->workload;
		/* The ambient calls of the runtime's init (a Go program's thread
		 * makes them as timing has it, before or after the load) that
		 * the workload did not make are the runtime's. */
		for (unsigned a = 0; a < ST_NR_ABI; a++)
			for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
				outside.bits[a][w] &= ~res->workload.bits[a][w];
		st_sysset_keep_ambient(observed, &outside);
		st_info("recorded from the runtime's seccomp filter load on: %u of the %u syscalls "
			"seen are the workload's, %u the runtime allowance seen (the runtime's own "
			"set-up left out)",
			st_sysset_count(workload), st_sysset_count(&res->all),
			st_sysset_count(observed));
	} else {
		st_warn(
		    "no seccomp filter load was seen before the container's process started "
		    "(seccomp=unconfined, or no linux.seccomp in the bundle): the profile holds "
		    "every syscall since the hook ran, runtime set-up included");
		*workload = res->all;
	}
	/* The runtime's init installed its handlers before the hook ran. */
	st_sysset_add_signal_return(workload, &res->all, true);
}

/* The directory may have moved since the create: say where it went. */
static void log_written(const struct hook_job *job)
{
	char buf[PATH_MAX + 64];
	bool moved;

	st_outfile_where(&job->out, &moved, buf, sizeof(buf));
	if (moved)
		st_warn("profile written to %s (of: %s: its directory was moved while the "
			"container ran)",
			buf, job->req.output);
	else
		st_info("profile written to %s", buf);
}

/* --report, once the profile is written: into of:'s directory (the one the
 * tracer holds), under the name checked at create. */
static int write_report(const struct hook_job *job, const struct st_trace_result *res,
			const struct st_sysset *set, const struct st_profile *p,
			struct st_error *err)
{
	struct st_report_info info = {.profile = job->req.output,
				      .container_id = job->state.id,
				      .container_pid = job->state.pid,
				      .scope =
					  job->opts.scope == SCOPE_ALL ? "all" : "after-seccomp"};
	struct st_outfile t = {.dfd = -1};
	int rc = open_report(job, &t, err);

	if (rc == 0)
		rc = st_report_emit(&t, res, set, p, &info, job->opts.report_format, err);
	if (rc == 0)
		st_info("report written to %s", t.path);
	st_outfile_close(&t);
	return rc < 0 ? st_error_wrap(err, "profile written, report not") : 0;
}

static int on_signal(void *ctx, const struct signalfd_siginfo *si)
{
	(void)ctx;
	return (int)si->ssi_signo;
}

/* The detached tracer, after arming: wait, then write the profile. */
static int trace_until_exit(struct hook_job *job, struct st_tracer *t, int sigfd)
{
	struct st_error err = {0};
	struct st_trace_result res = {0};
	struct st_profile *p = NULL;
	struct st_sysset set, observed, allowance = {0};
	/* the rules from here on are the trace's (a base's come first) */
	size_t first_own = job->base ? job->base->n_rules : 0;
	char buf[ST_ERROR_TEXT_MAX];
	int rc;

	rc = st_tracer_wait(t, job->pidfd, sigfd, on_signal, NULL, &err);
	if (rc > 0) {
		st_err("stopped by signal %d before the container exited: no profile written "
		       "to %s",
		       rc, job->req.output);
		return -1;
	}
	if (rc == 0)
		rc = st_tracer_finish(t, &res, &err);
	if (rc == 0 && !res.started) {
		/* A create that failed or was deleted, a hook that failed or
		 * timed out, an exec that failed: what was seen is the
		 * runtime's, and an old profile must not give way to it. */
		st_warn("the container never started (its process exited before it ran the "
			"workload): no profile written, %s left as it was",
			job->req.output);
		st_trace_result_free(&res);
		return 0;
	}
	if (rc == 0) {
		pick_sets(job, &res, &set, &observed);
		st_trace_add_time_calls(&set);
		rc = st_profile_build_args(&set, job->opts.args ? &res.args : NULL, job->base, &p,
					   &err);
	}
	if (rc == 0)
		rc = st_allowance_add_rule_set(p, first_own, &job->opts.allowance, &observed,
					       &allowance, &err);
	if (rc == 0 && !job->opts.out.has_errno)
		rc = st_recording_filter_apply(&job->filter, p, first_own,
					       job->opts.out.default_action, &err);
	if (rc == 0)
		rc = st_output_emit(p, &job->opts.out, &job->out, &err);
	if (rc == 0)
		log_written(job);
	if (rc == 0 && job->opts.report) {
		/* what the profile was built from: the workload's rule and
		 * the allowance rule */
		struct st_sysset built = set;

		st_sysset_merge(&built, &allowance);
		rc = write_report(job, &res, &built, p, &err);
	}
	if (p != job->base)
		st_profile_free(p);
	st_trace_result_free(&res);
	if (rc < 0) {
		st_err("%s", st_error_text(&err, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static void report(int fd, const char *msg)
{
	size_t len = strlen(msg);

	if (write(fd, msg, len) != (ssize_t)len) {
		/* the hook is gone: it will fail the create by itself */
	}
	close(fd);
}

/* The detached tracer keeps 3 (status), 4 (pidfd), 5 (output directory)
 * and 6 (log file), closes every other descriptor of the runtime's and has
 * /dev/null as stdin, stdout and stderr. */
static void detach_fds(struct hook_job *job, int *status_fd)
{
	int keep[4] = {*status_fd, job->pidfd, job->out.dfd, st_log_file_fd()}, moved[4];
	int devnull;

	for (int i = 0; i < 4; i++)
		moved[i] = keep[i] < 0 ? -1 : fcntl(keep[i], F_DUPFD_CLOEXEC, 10);
	for (int i = 0; i < 4; i++)
		if ((keep[i] >= 0 && moved[i] < 0) ||
		    (moved[i] >= 0 && dup3(moved[i], 3 + i, O_CLOEXEC) < 0))
			_exit(1);
	*status_fd = 3;
	job->pidfd = 4;
	job->out.dfd = 5;
	if (keep[3] >= 0)
		st_log_set_file_fd(6);
	close_range(keep[3] >= 0 ? 7 : 6, ~0U, 0);
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0) {
		report(*status_fd, "cannot detach the tracer: cannot open /dev/null");
		_exit(1);
	}
	if (devnull > 2)
		close(devnull);
}

/* The tracer could not arm: log, tell the hook, leave. */
static __attribute__((noreturn)) void tracer_fail(int status_fd, const struct st_error *err,
						  struct st_tracer *t)
{
	char buf[ST_ERROR_TEXT_MAX];

	st_error_text(err, buf, sizeof(buf));
	st_err("%s", buf);
	report(status_fd, buf);
	st_tracer_close(t);
	_exit(1);
}

/* Runs in the grandchild: a new session, none of the runtime's descriptors. */
static __attribute__((noreturn)) void tracer_main(struct hook_job *job, int status_fd)
{
	struct st_error err = {0};
	struct st_tracer *t = NULL;
	int sigfd, rc;
	sigset_t set;

	detach_fds(job, &status_fd);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0) {
		st_error_set(&err, errno, "signalfd");
		tracer_fail(status_fd, &err, t);
	}
	if (st_tracer_open(&t, &err) < 0 || st_tracer_arm(t, &job->spec, &err) < 0)
		tracer_fail(status_fd, &err, t);
	st_info("tracing container %s (pid %d, %s %u) into %s", job->state.id ?: "?",
		job->state.pid,
		job->spec.kind == ST_KEY_PIDNS ? "PID namespace" : "mount namespace",
		job->spec.inum, job->req.output);
	report(status_fd, "OK");

	rc = trace_until_exit(job, t, sigfd);
	st_tracer_close(t);
	_exit(rc < 0 ? 1 : 0);
}

/* Read the tracer's verdict: "OK", or its error message. */
static int await_tracer(int fd, pid_t tracer, struct st_error *err)
{
	char buf[ST_ERROR_TEXT_MAX];
	size_t n = 0;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long left;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ARM_TIMEOUT_MS - ((now.tv_sec - start.tv_sec) * 1000 +
					 (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, left) == 0) {
			kill(tracer, SIGKILL);
			return st_error_set(err, 0, "the tracer did not arm within %d ms",
					    ARM_TIMEOUT_MS);
		}
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || n + r >= sizeof(buf) - 1) {
			if (r > 0)
				n += r;
			break;
		}
		n += r;
	}
	buf[n] = '\0';
	if (!strcmp(buf, "OK"))
		return 0;
	if (!n)
		return st_error_set(err, 0, "the tracer exited before it was armed");
	return st_error_set(err, 0, "%s", buf);
}

enum { OPT_LOG = 0x100, OPT_SCOPE, OPT_ARGS, OPT_ALLOW_DIR, OPT_REPORT, OPT_CHECK_OPTIONS };

static const struct argp_option hook_options[] = {
    {"log", OPT_LOG, "FILE", 0, "Also log to FILE (syslog always)", 0},
    {"scope", OPT_SCOPE, "after-seccomp|all", 0,
     "after-seccomp (default): only what the container does once its runtime loaded the "
     "seccomp filter; all: everything from the hook on, runtime set-up included",
     0},
    {"args", OPT_ARGS, NULL, 0,
     "Record the arguments that matter (socket, clone, ...) and allow only the values seen", 0},
    {"allow-dir", OPT_ALLOW_DIR, "DIR", 0,
     "Read if: and write of: only beneath DIR (repeatable); the kernel resolves the path inside "
     "DIR: no .., symlink or race leads out",
     0},
    {"check-options", OPT_CHECK_OPTIONS, NULL, 0,
     "Check the other options as a container start would (--allow-dir, --log included), then "
     "exit (0: they are good) without reading stdin; seccomp-trace-runtime --check-config "
     "runs it",
     0},
    {"report", OPT_REPORT, "json|markdown", OPTION_ARG_OPTIONAL,
     "Also write which process made each syscall first, beside of: as NAME.report.json (or "
     "NAME.report.md) for of:NAME.json; an existing file there is replaced only if it is a "
     "report",
     0},
    {0},
};

static error_t parse_hook_opt(int key, char *arg, struct argp_state *state)
{
	struct hook_opts *o = state->input;
	struct st_error err = {0};
	char text[ST_ERROR_TEXT_MAX];

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->out;
		state->child_inputs[1] = &o->allowance;
		return 0;
	case OPT_LOG:
		o->log_file = arg;
		return 0;
	case OPT_SCOPE:
		if (!strcmp(arg, "after-seccomp"))
			o->scope = SCOPE_AFTER_SECCOMP;
		else if (!strcmp(arg, "all"))
			o->scope = SCOPE_ALL;
		else
			argp_error(state, "--scope '%s': expected after-seccomp or all", arg);
		return 0;
	case OPT_ARGS:
		o->args = true;
		return 0;
	case OPT_CHECK_OPTIONS:
		o->check_options = true;
		return 0;
	case OPT_REPORT:
		o->report = true;
		if (arg && st_report_format_parse(arg, &o->report_format) < 0)
			argp_error(state, "--report '%s': expected json or markdown", arg);
		return 0;
	case OPT_ALLOW_DIR:
		if (st_allow_add(&o->allow, arg, &err) < 0)
			argp_error(state, "%s", st_error_text(&err, text, sizeof(text)));
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child hook_children[] = {
    ST_OUTPUT_CHILD(st_output_argp_no_path),
    ST_ALLOWANCE_CHILD,
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp hook_argp = {
    hook_options,
    parse_hook_opt,
    "",
    "OCI hook (prestart or createRuntime): reads the container state on stdin. The "
    "annotation " ST_ANNOTATION
    "=of:/abs/out.json[;if:/abs/base.json] asks for a trace; the profile is "
    "written when the container's init exits. Options go in the hooks.d entry's \"args\".",
    hook_children,
    NULL,
    NULL};

/* Fork the detached tracer and wait until it is armed. It outlives us:
 * when we exit it is reparented, and setsid takes it out of the runtime's
 * session. */
static int start_tracer(struct hook_job *job, struct st_error *err)
{
	int pipefd[2], rc;
	pid_t tracer;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return st_error_set(err, errno, "pipe");
	tracer = fork();
	if (tracer == 0) {
		close(pipefd[0]);
		setsid();
		tracer_main(job, pipefd[1]);
	}
	close(pipefd[1]);
	if (tracer < 0)
		rc = st_error_set(err, errno, "cannot fork the tracer");
	else
		rc = await_tracer(pipefd[0], tracer, err);
	close(pipefd[0]);
	return rc;
}

static void hook_job_free(struct hook_job *job)
{
	if (job->pidfd >= 0)
		close(job->pidfd);
	st_oci_state_free(&job->state);
	st_trace_request_free(&job->req);
	st_outfile_close(&job->out);
	st_profile_free(job->base);
	st_recording_filter_free(&job->filter);
	st_allowance_free(&job->opts.allowance);
	st_allow_free(&job->opts.allow);
}

/* A missing directory is said as such (ENOENT: see cmd_hook). */
static int log_file_error(const char *path, struct st_error *err)
{
	if (errno == ENOENT)
		return st_error_set(err, 0, "cannot open log file %s: its directory does not exist",
				    path);
	return st_error_set(err, errno, "cannot open log file %s", path);
}

/* --check-options: would --log FILE open? Checked without creating it (a
 * check leaves no trace): an existing file opens for appending, else its
 * directory must exist and be writable. */
static int check_log_file(const char *path, struct st_error *err)
{
	cleanup_free char *dir = strdup(path);
	char *slash;
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != ENOENT)
		return log_file_error(path, err);
	if (!dir)
		return st_error_set(err, ENOMEM, "cannot check log file %s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (access(dir, W_OK) < 0)
		return log_file_error(path, err);
	return 0;
}

int cmd_hook(int argc, char **argv)
{
	__attribute__((cleanup(hook_job_free))) struct hook_job job = {
	    .opts.scope = SCOPE_AFTER_SECCOMP, .pidfd = -1, .out = {.dfd = -1}};
	struct st_error err = {0};
	char buf[ST_ERROR_TEXT_MAX];
	int rc;

	/* The hook logs at info level; -v raises it to debug. */
	st_log_set_level(ST_LOG_INFO);
	st_cli_parse(&hook_argp, argc, argv, 0, &job.opts);
	if (job.opts.check_options) {
		/* every option parsed and checked: no container, no tracer */
		if (job.opts.log_file && check_log_file(job.opts.log_file, &err) < 0) {
			st_error_print(&err);
			return 1;
		}
		return 0;
	}
	/* Our stderr is the runtime's to show (runc does; crun only with its
	 * run.oci.hooks.stderr annotation): the log keeps every failure too. */
	st_log_use_syslog();
	if (job.opts.log_file && st_log_open_file(job.opts.log_file) < 0)
		rc = log_file_error(job.opts.log_file, &err);
	else
		rc = prepare(&job, &err);
	/* rc > 0: nothing asked of this container (a pod where another
	 * container carries the annotation) */
	if (rc == 0)
		rc = start_tracer(&job, &err);
	if (rc < 0) {
		/* podman (with runc) reads a hook's output that ends in
		 * strerror(ENOENT) as "the hook was not found" (exit 127): a
		 * missing file or directory is said so that the cause stays ours */
		if (err.errnum == ENOENT) {
			err.errnum = 0;
			st_error_append(&err, ": does not exist");
		}
		st_error_print(&err);
		st_err("%s", st_error_text(&err, buf, sizeof(buf)));
		return 1;
	}
	return 0;
}
