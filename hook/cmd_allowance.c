// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace allowance [--runtime PATH|NAME] [--nnp both|true|false]
 *                         [--builtin NAME] [output options]
 *
 * Measures the runtime allowance (allowance.h) of a container runtime on
 * this host, with the tracer itself: a bundle of its own (an empty root
 * holding the host's /usr read-only, a passwd and group file), a seccomp
 * filter that allows all but kexec_load (so that the runtime loads a filter
 * at its usual point), and this binary as its prestart hook with
 * --runtime-allowance recording. Each noNewPrivileges setting is one
 * container: `create`, `start`, `exec` as root and as uid 65534 into it,
 * then its process (cat on a pipe) ends. The profile written holds, as one
 * rule, what the runtime did under the filter in all of them: the runtime
 * allowance, which --runtime-allowance takes as a file and `merge` as a
 * profile. --builtin writes a built-in allowance in the same form. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "allowance.h"
#include "annotation.h"
#include "cleanup.h"
#include "cli.h"
#include "commands.h"
#include "fileio.h"
#include "json.h"
#include "log.h"
#include "output.h"
#include "privilege.h"
#include "profile.h"
#include "profile_json.h"
#include "strv.h"
#include "syscalls.h"
#include "util.h"

/* How long one runtime command may take, and the tracer to write once the
 * container's process is gone. */
#define STEP_TIMEOUT_MS	   30000
#define PROFILE_TIMEOUT_MS 10000

enum nnp_choice { NNP_BOTH, NNP_TRUE, NNP_FALSE };

struct allowance_opts {
	const char *runtime; /* --runtime: a path, or a name looked up in PATH */
	const char *builtin; /* --builtin NAME */
	enum nnp_choice nnp;
	struct st_output_opts out;
};

/* One measurement: the runtime, the work directory and what was seen. */
struct measure {
	char runtime[PATH_MAX];
	char version[128]; /* the first line of `RUNTIME --version` */
	char self[PATH_MAX];
	char work[PATH_MAX]; /* mkdtemp; removed at the end */
	char id[64];	     /* the container now measured, "" when none */
	char **names;	     /* the union of what was seen */
	size_t n_names;
};

/* ---- processes ---- */

/* Run argv with stdin in_fd (-1: /dev/null), stdout to /dev/null or out_fd,
 * stderr appended to WORK/runtime.err; its exit status in *status. Killed
 * after timeout_ms. */
static int run_step(const struct measure *m, const char *what, char *const argv[], int in_fd,
		    int out_fd, int *status, struct st_error *err)
{
	char errpath[PATH_MAX + 16];
	cleanup_close int pidfd = -1;
	struct pollfd p;
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "%s/runtime.err", m->work);
	pid = fork();
	if (pid < 0)
		return st_error_set(err, errno, "cannot run %s", argv[0]);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int e = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (null < 0 || e < 0 || dup2(in_fd >= 0 ? in_fd : null, 0) < 0 ||
		    dup2(out_fd >= 0 ? out_fd : null, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	pidfd = pidfd_open(pid, 0);
	p = (struct pollfd){.fd = pidfd, .events = POLLIN};
	if (pidfd < 0 || poll(&p, 1, STEP_TIMEOUT_MS) <= 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return st_error_set(err, 0, "%s %s did not finish within %d s", m->runtime, what,
				    STEP_TIMEOUT_MS / 1000);
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return st_error_set(err, errno, "waitpid");
	return 0;
}

/* The runtime's last error line, for messages. */
static void last_error(const struct measure *m, char *buf, size_t len)
{
	char path[PATH_MAX + 16], line[512];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/runtime.err", m->work);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(buf, len, "%s", line);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* RUNTIME --root WORK/state VERB ARG... must succeed. */
static int runtime_do(const struct measure *m, int in_fd, struct st_error *err, const char *verb,
		      ...)
{
	char root[PATH_MAX + 8];
	const char *argv[16] = {m->runtime, "--root", root, verb};
	size_t n = 4;
	va_list ap;
	int status;

	snprintf(root, sizeof(root), "%s/state", m->work);
	va_start(ap, verb);
	for (const char *a; n < ARRAY_SIZE(argv) - 1 && (a = va_arg(ap, const char *));)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	if (run_step(m, verb, (char *const *)argv, in_fd, -1, &status, err) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char line[512];

		last_error(m, line, sizeof(line));
		return st_error_set(err, 0, "%s %s failed (%s %d)%s%s", m->runtime, verb,
				    WIFEXITED(status) ? "exit" : "signal",
				    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				    line[0] ? ": " : "", line);
	}
	return 0;
}

/* ---- set-up ---- */

static int resolve_runtime(struct measure *m, const char *arg, struct st_error *err)
{
	const char *path = getenv("PATH");

	if (strchr(arg, '/')) {
		if (!realpath(arg, m->runtime))
			return st_error_set(err, errno, "runtime %s", arg);
	} else {
		cleanup_free char *copy = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
		char *save = NULL;
		bool found = false;

		if (!copy)
			return st_error_set(err, ENOMEM, "runtime");
		for (char *d = strtok_r(copy, ":", &save); d && !found;
		     d = strtok_r(NULL, ":", &save)) {
			char cand[PATH_MAX];

			snprintf(cand, sizeof(cand), "%s/%s", *d ? d : ".", arg);
			found = access(cand, X_OK) == 0 && realpath(cand, m->runtime);
		}
		if (!found)
			return st_error_set(err, ENOENT, "runtime %s: not found in PATH", arg);
	}
	if (access(m->runtime, X_OK) < 0)
		return st_error_set(err, errno, "runtime %s", m->runtime);
	return 0;
}

/* The first line `RUNTIME --version` prints ("runc version 1.1.5+ds1"). */
static void runtime_version(struct measure *m)
{
	char *const argv[] = {m->runtime, "--version", NULL};
	char path[PATH_MAX + 16];
	cleanup_close int fd = -1;
	struct st_error ignored;
	ssize_t n;
	int status;

	snprintf(m->version, sizeof(m->version), "%s", m->runtime);
	snprintf(path, sizeof(path), "%s/version", m->work);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || run_step(m, "--version", argv, -1, fd, &status, &ignored) < 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return;
	n = pread(fd, m->version, sizeof(m->version) - 1, 0);
	m->version[n > 0 ? n : 0] = '\0';
	m->version[strcspn(m->version, "\n")] = '\0';
	if (!m->version[0])
		snprintf(m->version, sizeof(m->version), "%s", m->runtime);
}

static int write_text(const char *dir, const char *name, const char *text, struct st_error *err)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wxe");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		return st_error_set(err, errno, "cannot write %s", path);
	return 0;
}

/* WORK/bundle/rootfs: the host's top-level symlinks into /usr (a merged-/usr
 * host) as symlinks, its other program directories as mount points; the
 * mounts themselves are config.json's, made in the container's mount
 * namespace only. */
static int make_rootfs(const struct measure *m, char ***binds, size_t *n_binds,
		       struct st_error *err)
{
	static const char *const dirs[] = {"proc", "dev", "sys", "tmp", "etc", "usr"};
	static const char *const progs[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};
	char root[PATH_MAX + 32], path[PATH_MAX + 64];

	snprintf(root, sizeof(root), "%s/bundle/rootfs", m->work);
	snprintf(path, sizeof(path), "%s/bundle", m->work);
	if (mkdir(path, 0700) < 0 || mkdir(root, 0755) < 0)
		return st_error_set(err, errno, "cannot create %s", root);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0)
			return st_error_set(err, errno, "cannot create %s", path);
	}
	if (strv_append(binds, n_binds, "/usr", err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		char host[64], target[PATH_MAX];
		struct stat st;
		ssize_t n;

		snprintf(host, sizeof(host), "/%s", progs[i]);
		snprintf(path, sizeof(path), "%s/%s", root, progs[i]);
		if (lstat(host, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(host, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (symlink(target, path) < 0)
				return st_error_set(err, errno, "cannot create %s", path);
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdir(path, 0755) < 0 || strv_append(binds, n_binds, host, err) < 0)
				return st_error_set(err, errno, "cannot create %s", path);
		}
	}
	snprintf(path, sizeof(path), "%s/etc", root);
	if (write_text(path, "passwd",
		       "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n",
		       err) < 0 ||
	    write_text(path, "group", "root:x:0:\nnogroup:x:65534:\n", err) < 0)
		return -1;
	return 0;
}

static int gen_kv(yajl_gen g, const char *k, const char *v)
{
	return st_gen_str(g, k) < 0 || st_gen_str(g, v) < 0 ? -1 : 0;
}

static int gen_mount(yajl_gen g, const char *dst, const char *type, const char *src,
		     const char *const *opts)
{
	if (st_gen_map_open(g) < 0 || gen_kv(g, "destination", dst) < 0 ||
	    gen_kv(g, "type", type) < 0 || gen_kv(g, "source", src) < 0 ||
	    st_gen_str(g, "options") < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (; *opts; opts++)
		if (st_gen_str(g, *opts) < 0)
			return -1;
	return st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0 ? -1 : 0;
}

static int gen_strs(yajl_gen g, const char *key, const char *const *v)
{
	if (st_gen_str(g, key) < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (; *v; v++)
		if (st_gen_str(g, *v) < 0)
			return -1;
	return st_gen_array_close(g);
}

/* config.json's process: the default capabilities of engines, a non-root
 * user with a supplementary group, an rlimit. */
static int gen_process(yajl_gen g, bool nnp)
{
	static const char *const caps[] = {"CAP_CHOWN",
					   "CAP_DAC_OVERRIDE",
					   "CAP_FSETID",
					   "CAP_FOWNER",
					   "CAP_MKNOD",
					   "CAP_NET_RAW",
					   "CAP_SETGID",
					   "CAP_SETUID",
					   "CAP_SETFCAP",
					   "CAP_SETPCAP",
					   "CAP_NET_BIND_SERVICE",
					   "CAP_SYS_CHROOT",
					   "CAP_KILL",
					   "CAP_AUDIT_WRITE",
					   NULL};

	if (st_gen_str(g, "process") < 0 || st_gen_map_open(g) < 0 ||
	    st_gen_str(g, "terminal") < 0 || st_gen_bool(g, false) < 0 ||
	    st_gen_str(g, "user") < 0 || st_gen_map_open(g) < 0 || st_gen_str(g, "uid") < 0 ||
	    st_gen_u64(g, 65534) < 0 || st_gen_str(g, "gid") < 0 || st_gen_u64(g, 65534) < 0 ||
	    st_gen_str(g, "additionalGids") < 0 || st_gen_array_open(g) < 0 ||
	    st_gen_u64(g, 65534) < 0 || st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0 ||
	    gen_strs(g, "args", (const char *const[]){"cat", NULL}) < 0 ||
	    gen_strs(g, "env",
		     (const char *const[]){"PATH=/usr/local/sbin:/usr/local/bin:/usr/"
					   "sbin:/usr/bin:/sbin:/bin",
					   NULL}) < 0 ||
	    gen_kv(g, "cwd", "/") < 0 || st_gen_str(g, "capabilities") < 0 ||
	    st_gen_map_open(g) < 0 || gen_strs(g, "bounding", caps) < 0 ||
	    gen_strs(g, "effective", caps) < 0 || gen_strs(g, "permitted", caps) < 0 ||
	    st_gen_map_close(g) < 0 || st_gen_str(g, "rlimits") < 0 || st_gen_array_open(g) < 0 ||
	    st_gen_map_open(g) < 0 || gen_kv(g, "type", "RLIMIT_NOFILE") < 0 ||
	    st_gen_str(g, "hard") < 0 || st_gen_u64(g, 1024) < 0 || st_gen_str(g, "soft") < 0 ||
	    st_gen_u64(g, 1024) < 0 || st_gen_map_close(g) < 0 || st_gen_array_close(g) < 0 ||
	    st_gen_str(g, "noNewPrivileges") < 0 || st_gen_bool(g, nnp) < 0 ||
	    st_gen_map_close(g) < 0)
		return -1;
	return 0;
}

/* config.json's mounts: the usual ones, and the runtime's binds. */
static int gen_mounts(yajl_gen g, char *const *binds, size_t n_binds)
{
	static const char *const nosuid[] = {"nosuid", "noexec", "nodev", NULL};
	static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
	static const char *const pts[] = {"nosuid",	   "noexec",	"newinstance",
					  "ptmxmode=0666", "mode=0620", NULL};
	static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
	static const char *const tmp[] = {"nosuid", "nodev", "mode=1777", NULL};
	static const char *const bind[] = {"rbind", "ro", "nosuid", "nodev", NULL};

	if (st_gen_str(g, "mounts") < 0 || st_gen_array_open(g) < 0 ||
	    gen_mount(g, "/proc", "proc", "proc", nosuid) < 0 ||
	    gen_mount(g, "/dev", "tmpfs", "tmpfs", dev) < 0 ||
	    gen_mount(g, "/dev/pts", "devpts", "devpts", pts) < 0 ||
	    gen_mount(g, "/sys", "sysfs", "sysfs", sys) < 0 ||
	    gen_mount(g, "/tmp", "tmpfs", "tmpfs", tmp) < 0)
		return -1;
	for (size_t i = 0; i < n_binds; i++)
		if (gen_mount(g, binds[i], "bind", binds[i], bind) < 0)
			return -1;
	return st_gen_array_close(g);
}

/* config.json's linux: the usual namespaces and paths, and a permissive
 * filter that allows all but one call nothing makes (runtimes load a filter
 * only when it has rules). */
static int gen_linux(yajl_gen g)
{
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount"};

	if (st_gen_str(g, "linux") < 0 || st_gen_map_open(g) < 0 ||
	    st_gen_str(g, "namespaces") < 0 || st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++)
		if (st_gen_map_open(g) < 0 || gen_kv(g, "type", ns[i]) < 0 ||
		    st_gen_map_close(g) < 0)
			return -1;
	if (st_gen_array_close(g) < 0 ||
	    gen_strs(g, "maskedPaths",
		     (const char *const[]){"/proc/kcore", "/proc/keys", "/proc/timer_list",
					   "/sys/firmware", NULL}) < 0 ||
	    gen_strs(g, "readonlyPaths",
		     (const char *const[]){"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					   "/proc/sysrq-trigger", NULL}) < 0 ||
	    st_gen_str(g, "seccomp") < 0 || st_gen_map_open(g) < 0 ||
	    gen_kv(g, "defaultAction", "SCMP_ACT_ALLOW") < 0 || st_gen_str(g, "syscalls") < 0 ||
	    st_gen_array_open(g) < 0 || st_gen_map_open(g) < 0 ||
	    gen_strs(g, "names", (const char *const[]){"kexec_load", NULL}) < 0 ||
	    gen_kv(g, "action", "SCMP_ACT_ERRNO") < 0 || st_gen_map_close(g) < 0 ||
	    st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0 || st_gen_map_close(g) < 0)
		return -1;
	return 0;
}

/* config.json: what engines give a container (gen_process, gen_mounts,
 * gen_linux), the trace's annotation, and this binary as the prestart hook. */
static int gen_config(yajl_gen g, const struct measure *m, bool nnp, char *const *binds,
		      size_t n_binds, const char *trace, const char *hook_log)
{
	char ann[PATH_MAX + 8];

	snprintf(ann, sizeof(ann), "of:%s", trace);
	if (st_gen_map_open(g) < 0 || gen_kv(g, "ociVersion", "1.0.2") < 0 ||
	    gen_process(g, nnp) < 0 || st_gen_str(g, "root") < 0 || st_gen_map_open(g) < 0 ||
	    gen_kv(g, "path", "rootfs") < 0 || st_gen_str(g, "readonly") < 0 ||
	    st_gen_bool(g, true) < 0 || st_gen_map_close(g) < 0 ||
	    gen_kv(g, "hostname", "seccomp-trace-allowance") < 0 ||
	    gen_mounts(g, binds, n_binds) < 0 ||
	    /* the trace */
	    st_gen_str(g, "annotations") < 0 || st_gen_map_open(g) < 0 ||
	    gen_kv(g, ST_ANNOTATION, ann) < 0 || st_gen_map_close(g) < 0 ||
	    st_gen_str(g, "hooks") < 0 || st_gen_map_open(g) < 0 || st_gen_str(g, "prestart") < 0 ||
	    st_gen_array_open(g) < 0 || st_gen_map_open(g) < 0 || gen_kv(g, "path", m->self) < 0 ||
	    gen_strs(g, "args",
		     (const char *const[]){
			 "seccomp-trace", "hook", "--runtime-allowance", "recording", "--log",
			 hook_log, st_log_get_level() >= ST_LOG_DEBUG ? "-v" : NULL, NULL}) < 0 ||
	    st_gen_map_close(g) < 0 || st_gen_array_close(g) < 0 || st_gen_map_close(g) < 0 ||
	    gen_linux(g) < 0 || st_gen_map_close(g) < 0)
		return -1;
	return 0;
}

static int write_config(const struct measure *m, bool nnp, char *const *binds, size_t n_binds,
			const char *trace, const char *hook_log, struct st_error *err)
{
	cleanup_yajl_gen yajl_gen g = st_gen_new();
	char path[PATH_MAX + 32];
	const unsigned char *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/bundle/config.json", m->work);
	if (!g || gen_config(g, m, nnp, binds, n_binds, trace, hook_log) < 0 ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return st_error_set(err, ENOMEM, "cannot write %s", path);
	unlink(path);
	return write_text(m->work, "bundle/config.json", (const char *)buf, err);
}

/* ---- one container ---- */

/* The names of the profile's runtime allowance rule, added to m->names. */
static int take_allowance(struct measure *m, const char *trace, struct st_error *err)
{
	struct st_profile *p = NULL;
	size_t seen = 0;
	int rc = 0;

	if (st_profile_read_file(trace, &p, err) < 0)
		return -1;
	for (size_t i = 0; i < p->n_rules && rc == 0; i++) {
		const struct st_rule *r = &p->rules[i];

		if (!r->comment ||
		    strncmp(r->comment, ST_ALLOWANCE_COMMENT, sizeof(ST_ALLOWANCE_COMMENT) - 1))
			continue;
		seen += r->n_names;
		for (size_t j = 0; j < r->n_names && rc == 0; j++)
			rc = strv_add_unique(&m->names, &m->n_names, r->names[j], err);
	}
	st_profile_free(p);
	if (rc == 0 && !seen)
		return st_error_set(err, 0,
				    "the trace saw no runtime allowance: %s did not load the "
				    "container's seccomp filter before exec'ing its process",
				    m->runtime);
	return rc;
}

static int wait_file(const char *path, int timeout_ms)
{
	struct timespec step = {.tv_nsec = 20 * 1000000L};

	for (int waited = 0; waited < timeout_ms; waited += 20) {
		if (access(path, F_OK) == 0)
			return 0;
		nanosleep(&step, NULL);
	}
	return -1;
}

/* The hook's last error line, for messages. */
static void hook_error(const char *log, char *buf, size_t len)
{
	char line[1024];
	FILE *f = fopen(log, "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " error: ") || strstr(line, " warning: "))
			snprintf(buf, len, "%s",
				 strstr(line, ": ") ? strstr(line, ": ") + 2 : line);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static int measure_one(struct measure *m, bool nnp, char *const *binds, size_t n_binds,
		       struct st_error *err)
{
	char trace[PATH_MAX + 32], log[PATH_MAX + 32], bundle[PATH_MAX + 16], line[1024];
	char pidfile[PATH_MAX + 16];
	int pipefd[2] = {-1, -1}, rc;

	snprintf(bundle, sizeof(bundle), "%s/bundle", m->work);
	snprintf(pidfile, sizeof(pidfile), "%s/container.pid", m->work);
	snprintf(trace, sizeof(trace), "%s/trace-%s.json", m->work, nnp ? "nnp" : "no-nnp");
	snprintf(log, sizeof(log), "%s/hook.log", m->work);
	snprintf(m->id, sizeof(m->id), "seccomp-trace-allowance-%d-%d", (int)getpid(), nnp);
	if (write_config(m, nnp, binds, n_binds, trace, log, err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return st_error_set(err, errno, "pipe");
	st_info("measuring %s with noNewPrivileges=%s: create, start, exec as root and as uid "
		"65534",
		m->version, nnp ? "true" : "false");
	/* The container's process (cat) reads the pipe: it ends when we close
	 * our end. */
	rc = runtime_do(m, pipefd[0], err, "create", "--bundle", bundle, "--pid-file", pidfile,
			m->id, NULL);
	close(pipefd[0]);
	/* an OCI runtime writes --pid-file on create (runc, crun): a program that
	 * exits 0 without it made no container, and no trace would ever come */
	if (rc == 0 && access(pidfile, F_OK) < 0)
		rc = st_error_set(err, 0,
				  "%s create exited 0 but created no container (it wrote no "
				  "--pid-file): is it an OCI runtime?",
				  m->runtime);
	if (rc == 0)
		rc = runtime_do(m, -1, err, "start", m->id, NULL);
	if (rc == 0)
		rc = runtime_do(m, -1, err, "exec", m->id, "true", NULL);
	if (rc == 0)
		rc = runtime_do(m, -1, err, "exec", "--user", "65534:65534", m->id, "true", NULL);
	close(pipefd[1]);
	if (rc < 0) {
		hook_error(log, line, sizeof(line));
		if (line[0])
			st_error_wrap(err, "(the hook: %s)", line);
		return -1;
	}
	if (wait_file(trace, PROFILE_TIMEOUT_MS) < 0) {
		hook_error(log, line, sizeof(line));
		return st_error_set(err, 0, "the tracer wrote no profile within %d s%s%s",
				    PROFILE_TIMEOUT_MS / 1000, line[0] ? ": " : "", line);
	}
	if (runtime_do(m, -1, err, "delete", m->id, NULL) < 0)
		return -1;
	m->id[0] = '\0';
	return take_allowance(m, trace, err);
}

/* ---- clean-up ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void measure_cleanup(struct measure *m)
{
	struct st_error ignored;

	if (m->id[0])
		runtime_do(m, -1, &ignored, "delete", "--force", m->id, NULL);
	/* the mounts were the container's: FTW_MOUNT stays on this filesystem
	 * all the same */
	if (m->work[0])
		nftw(m->work, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	strv_free(m->names, m->n_names);
}

/* ---- the profile ---- */

static int allowance_profile(char **names, size_t n, const char *comment, struct st_profile **out,
			     struct st_error *err)
{
	struct st_profile *p = st_profile_new();
	struct st_rule r = {0};

	if (!p)
		return st_error_set(err, ENOMEM, "profile");
	p->has_architectures = p->has_syscalls = true;
	if (!(p->default_action = strdup(ST_ACT_ERRNO)) ||
	    st_profile_add_arch(p, st_abi_arch_name(ST_ABI_NATIVE), err) < 0 ||
	    strv_copy(&r.names, &r.n_names, names, n, err) < 0 ||
	    !(r.action = strdup(ST_ACT_ALLOW)) || !(r.comment = strdup(comment))) {
		st_rule_clear(&r);
		st_profile_free(p);
		return err->msg[0] ? -1 : st_error_set(err, ENOMEM, "profile");
	}
	strv_sort(r.names, r.n_names);
	if (st_profile_add_rule(p, &r, err) < 0) {
		st_rule_clear(&r);
		st_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* The index of a built-in runtime's allowance by name; -1 when none. */
static int builtin_index(const char *name)
{
	for (unsigned i = 0; st_allowance_runtime(i); i++)
		if (!strcmp(st_allowance_runtime(i), name))
			return (int)i;
	return -1;
}

static int write_builtin(struct allowance_opts *o, struct st_error *err)
{
	struct st_outfile out = {.dfd = -1};
	struct st_profile *p = NULL;
	char **names = NULL, comment[256];
	size_t n = 0;
	unsigned i;
	int rc;

	/* the name was checked when parsed (builtin_index) */
	i = (unsigned)builtin_index(o->builtin);
	snprintf(comment, sizeof(comment),
		 "runtime allowance: %s, built into seccomp-trace (noNewPrivileges true and false, "
		 "exec included)",
		 o->builtin);
	rc = st_allowance_builtin(i, &names, &n, err);
	if (rc == 0)
		rc = allowance_profile(names, n, comment, &p, err);
	if (rc == 0)
		rc = st_output_open(&o->out, NULL, &out, err);
	if (rc == 0)
		rc = st_output_emit(p, &o->out, &out, err);
	st_outfile_close(&out);
	st_profile_free(p);
	strv_free(names, n);
	return rc;
}

static int measure(struct allowance_opts *o, struct st_error *err)
{
	struct measure m = {0};
	struct st_outfile out = {.dfd = -1};
	struct st_profile *p = NULL;
	char **binds = NULL, comment[512];
	size_t n_binds = 0;
	ssize_t n;
	int rc = -1;

	if (st_check_trace_privilege(err) < 0 || resolve_runtime(&m, o->runtime, err) < 0 ||
	    st_output_open(&o->out, NULL, &out, err) < 0)
		goto out;
	n = readlink("/proc/self/exe", m.self, sizeof(m.self) - 1);
	if (n <= 0) {
		st_error_set(err, errno, "cannot find this program (/proc/self/exe)");
		goto out;
	}
	m.self[n] = '\0';
	snprintf(m.work, sizeof(m.work), "%s/seccomp-trace-allowance.XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") == '/' ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(m.work)) {
		st_error_set(err, errno, "cannot create a work directory in %s", m.work);
		m.work[0] = '\0';
		goto out;
	}
	runtime_version(&m);
	if (make_rootfs(&m, &binds, &n_binds, err) < 0)
		goto out;
	/* The runtime runs the bundle from the work directory. */
	if (chdir(m.work) < 0) {
		st_error_set(err, errno, "cannot enter %s", m.work);
		goto out;
	}
	if ((o->nnp != NNP_TRUE && measure_one(&m, false, binds, n_binds, err) < 0) ||
	    (o->nnp != NNP_FALSE && measure_one(&m, true, binds, n_binds, err) < 0))
		goto out;
	snprintf(comment, sizeof(comment),
		 "runtime allowance: %s (%s), measured by seccomp-trace allowance: "
		 "noNewPrivileges %s, create, start, exec as root and as uid 65534",
		 m.version, m.runtime,
		 o->nnp == NNP_BOTH   ? "true and false"
		 : o->nnp == NNP_TRUE ? "true"
				      : "false");
	if (allowance_profile(m.names, m.n_names, comment, &p, err) < 0)
		goto out;
	rc = st_output_emit(p, &o->out, &out, err);
	if (rc == 0)
		st_info("%zu syscalls in the runtime allowance of %s", m.n_names, m.version);
out:
	if (chdir("/") < 0) {
		/* the work directory goes all the same */
	}
	measure_cleanup(&m);
	strv_free(binds, n_binds);
	st_profile_free(p);
	st_outfile_close(&out);
	return rc;
}

/* ---- the verb ---- */

enum { OPT_RUNTIME = 0x100, OPT_NNP, OPT_BUILTIN };

static const struct argp_option allowance_options[] = {
    {"runtime", OPT_RUNTIME, "PATH|NAME", 0,
     "The runtime to measure: a path, or a name looked up in PATH (default runc); it must take "
     "runc's commands (create, start, exec, delete, --root): runc, crun, youki",
     0},
    {"nnp", OPT_NNP, "both|true|false", 0,
     "The noNewPrivileges settings to measure (default both: one container each)", 0},
    {"builtin", OPT_BUILTIN, "NAME", 0,
     "Measure nothing: write the allowance built into seccomp-trace for NAME (runc, crun)", 0},
    {0},
};

static error_t parse_allowance_opt(int key, char *arg, struct argp_state *state)
{
	struct allowance_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->out;
		return 0;
	case OPT_RUNTIME:
		o->runtime = arg;
		return 0;
	case OPT_NNP:
		if (!strcmp(arg, "both"))
			o->nnp = NNP_BOTH;
		else if (!strcmp(arg, "true"))
			o->nnp = NNP_TRUE;
		else if (!strcmp(arg, "false"))
			o->nnp = NNP_FALSE;
		else
			argp_error(state, "--nnp '%s': expected both, true or false", arg);
		return 0;
	case OPT_BUILTIN:
		o->builtin = arg;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	case ARGP_KEY_END:
		if (o->builtin && builtin_index(o->builtin) < 0)
			argp_error(state, "--builtin '%s': expected runc or crun", o->builtin);
		if (o->builtin && (o->runtime || o->nnp != NNP_BOTH))
			argp_error(state,
				   "--builtin measures nothing: no --runtime or --nnp with it");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child allowance_children[] = {
    ST_OUTPUT_CHILD(st_output_argp),
    ST_CLI_COMMON_CHILD,
    {0},
};

static const struct argp allowance_argp = {
    allowance_options,
    parse_allowance_opt,
    "",
    "Measure the runtime allowance of a container runtime on this host (what it does between "
    "loading a container's seccomp filter and exec'ing its process) and write it as a profile "
    "(to stdout without -o), for --runtime-allowance FILE or merge. The runtime runs a "
    "container of its own (the host's /usr read-only) under a permissive filter, traced; needs "
    "root, as tracing does.",
    allowance_children,
    NULL,
    NULL};

int cmd_allowance(int argc, char **argv)
{
	struct allowance_opts o = {0};
	struct st_error err = {0};
	int rc;

	st_log_set_level(ST_LOG_INFO);
	st_cli_parse(&allowance_argp, argc, argv, 0, &o);
	if (!o.runtime)
		o.runtime = "runc";
	rc = o.builtin ? write_builtin(&o, &err) : measure(&o, &err);
	if (rc < 0) {
		st_error_print(&err);
		return 1;
	}
	return 0;
}
