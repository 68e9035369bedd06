// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace-runtime: the runc-compatible shim (see runtime.h).
 *
 * It runs before the real runtime on every runtime call of every container
 * of its engine (a `docker run` makes 4), so its start is what it costs. Two
 * builds of this file:
 *  - the front end (ST_RUNTIME_FRONT), static with musl: what engines run.
 *    It decides from the text of config.json alone (st_rt_bundle_may_ask)
 *    and, when a container may ask, execs the editor with the same arguments;
 *  - the editor, static with glibc and yajl: parses and edits config.json,
 *    then execs the runtime. Without musl it is the shim itself.
 * glibc's start-up alone took 0.35 ms here (CPU feature probing is costly in
 * a VM), musl's 0.01 ms (tests/bench/shim_latency.sh). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

#define PROG "seccomp-trace-runtime"

/* JSON string contents for msg (no JSON library in the front end). */
static void put_json_string(int fd, const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p == '"' || *p == '\\')
			dprintf(fd, "\\%c", *p);
		else if (*p < 0x20)
			dprintf(fd, "\\u%04x", *p);
		else
			dprintf(fd, "%c", *p);
	}
}

/* The error in the runtime's own log, where containerd's shim takes the
 * message of a failed create from (the last "error" line of --log, in
 * runc's logrus JSON or text format), so that `docker run` and `ctr run`
 * show it. */
static void log_error(const struct st_rt_args *a, const char *msg)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	if (!a->log)
		return;
	fd = open(a->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (a->log_json) {
		dprintf(fd, "{\"level\":\"error\",\"msg\":\"");
		put_json_string(fd, msg);
		dprintf(fd, "\",\"time\":\"%s\"}\n", when);
	} else {
		dprintf(fd, "time=\"%s\" level=error msg=\"", when);
		for (const char *p = msg; *p; p++)
			dprintf(fd, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		dprintf(fd, "\"\n");
	}
	close(fd);
}

static int fail(const struct st_rt_args *a, const struct st_error *err)
{
	char buf[sizeof(err->msg) + 128], msg[sizeof(buf) + 32];

	snprintf(msg, sizeof(msg), PROG ": %s", st_error_text(err, buf, sizeof(buf)));
	fprintf(stderr, "%s\n", msg);
	log_error(a, msg);
	return 1;
}

#ifdef ST_RUNTIME_FRONT
/* The editor: beside the front end (the build tree), else where the install
 * put it (ST_RUNTIME_EDITOR). */
static int find_editor(char *buf, size_t len, struct st_error *err)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n < 0)
		return st_error_set(err, errno, "cannot read /proc/self/exe");
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash && (size_t)(slash - buf) + sizeof("/seccomp-trace-runtime-edit") <= len) {
		strcpy(slash, "/seccomp-trace-runtime-edit");
		if (access(buf, X_OK) == 0)
			return 0;
	}
	if ((size_t)snprintf(buf, len, "%s", ST_RUNTIME_EDITOR) >= len)
		return st_error_set(err, ENAMETOOLONG, "editor %s", ST_RUNTIME_EDITOR);
	if (access(buf, X_OK) < 0)
		return st_error_set(err, errno, "editor %s", buf);
	return 0;
}
#endif

/* Run the hook as a container start would (`seccomp-trace hook` + hook-args)
 * with --check-options, which parses and checks them and reads no stdin:
 * -1 with the hook's first line of stderr when it refuses them. */
static int check_hook_args(const char *hook, const struct st_rt_config *c, struct st_error *err)
{
	char out[1024];
	const char **argv = calloc(c->n_hook_args + 4, sizeof(*argv));
	size_t n = 0, k = 0;
	int pfd[2], status;
	pid_t pid;

	if (!argv)
		return st_error_set(err, ENOMEM, "cannot check hook-args");
	argv[k++] = "seccomp-trace";
	argv[k++] = "hook";
	for (size_t i = 0; i < c->n_hook_args; i++)
		argv[k++] = c->hook_args[i];
	argv[k++] = "--check-options";
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		free(argv);
		return st_error_set(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(pfd[1], 2) < 0)
			_exit(126);
		execv(hook, (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", hook, strerror(errno));
		_exit(127);
	}
	free(argv);
	close(pfd[1]);
	for (ssize_t r; pid > 0 && n < sizeof(out) - 1 &&
			(r = read(pfd[0], out + n, sizeof(out) - 1 - n)) != 0;)
		if (r > 0)
			n += (size_t)r;
		else if (errno != EINTR)
			break;
	close(pfd[0]);
	if (pid < 0)
		return st_error_set(err, errno, "cannot fork to check hook-args");
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return st_error_set(err, errno, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return st_error_set(err, 0, "hook-args would fail every traced container: %s",
			    n ? out : "the hook failed without a message");
}

/* --check-config: what a container start would use, or why it would fail. */
static int check_config(void)
{
	struct st_rt_config c;
	struct st_error err = {0};
	char runtime[PATH_MAX], hook[PATH_MAX];
	int rc = 1;

	if (st_rt_config_load(&c, &err) == 0 &&
	    st_rt_find_runtime(&c, runtime, sizeof(runtime), &err) == 0 &&
	    st_rt_find_hook(&c, hook, sizeof(hook), &err) == 0 &&
	    check_hook_args(hook, &c, &err) == 0) {
#ifdef ST_RUNTIME_FRONT
		char editor[PATH_MAX];

		if (find_editor(editor, sizeof(editor), &err) < 0)
			goto out;
		printf("%s %s (front end)\neditor: %s\n", PROG, ST_VERSION, editor);
#else
		printf("%s %s\n", PROG, ST_VERSION);
#endif
		printf("settings: %s\nruntime: %s\nhook (%s): %s hook",
		       c.file ? c.file : "none (defaults)", runtime,
		       c.create_runtime ? "createRuntime" : "prestart", hook);
		for (size_t i = 0; i < c.n_hook_args; i++)
			printf(" %s", c.hook_args[i]);
		printf("\nrequests: annotation%s\n", c.env_requests ? " env" : "");
		rc = 0;
	}
#ifdef ST_RUNTIME_FRONT
out:
#endif
	if (rc) {
		char buf[sizeof(err.msg) + 128];

		fprintf(stderr, PROG ": %s\n", st_error_text(&err, buf, sizeof(buf)));
	}
	st_rt_config_free(&c);
	return rc;
}

int main(int argc, char **argv)
{
	struct st_rt_config c;
	struct st_rt_bundle b = {.fd = -1};
	struct st_rt_args a;
	struct st_error err = {0};
	char runtime[PATH_MAX];

	if (argc == 2 && !strcmp(argv[1], "--check-config"))
		return check_config();
	st_rt_args_parse(argc, argv, &a);
	if (st_rt_config_load(&c, &err) < 0 ||
	    st_rt_find_runtime(&c, runtime, sizeof(runtime), &err) < 0)
		return fail(&a, &err);
	if (st_rt_args_creates(argc, argv, &a)) {
		if (st_rt_bundle_read(a.bundle, &b, &err) < 0)
			return fail(&a, &err);
		if (st_rt_bundle_may_ask(&b)) {
#ifdef ST_RUNTIME_FRONT
			char editor[PATH_MAX];

			if (find_editor(editor, sizeof(editor), &err) < 0)
				return fail(&a, &err);
			argv[0] = editor;
			execv(editor, argv);
			st_error_set(&err, errno, "cannot run %s", editor);
			return fail(&a, &err);
#else
			bool edited;

			if (st_rt_edit_bundle(&b, &c, &edited, &err) < 0)
				return fail(&a, &err);
#endif
		}
		st_rt_bundle_free(&b);
	}
	st_rt_config_free(&c);
	/* Same arguments, same process: pid, stdio, signals and exit status
	 * are the runtime's. */
	argv[0] = runtime;
	execv(runtime, argv);
	st_error_set(&err, errno, "cannot run %s", runtime);
	return fail(&a, &err);
}
