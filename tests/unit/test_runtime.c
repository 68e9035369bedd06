// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace-runtime: the runc command line, the settings, and the edit
 * of config.json (what is changed, what is left exactly as it was). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "check.h"
#include "runtime.h"

static char tmp[] = "/tmp/st-test-runtime.XXXXXX";

/* ---- command line ---- */

static struct st_rt_args args(const char *line, char **argv, char *buf)
{
	struct st_rt_args a;
	int argc = 0;

	strcpy(buf, line);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	st_rt_args_parse(argc, argv, &a);
	a.verb = a.verb < 0 ? -1 : a.verb;
	return a;
}

#define VERB(a, argv) ((a).verb < 0 ? "(none)" : (argv)[(a).verb])

static void test_args(void)
{
	char *argv[32], buf[512];
	struct st_rt_args a;

	/* containerd's shim (go-runc) */
	a = args("runc --root /run/r --log /b/log.json --log-format json --systemd-cgroup create "
		 "--bundle /b --pid-file /b/init.pid --console-socket /s id",
		 argv, buf);
	CHECK_STR(VERB(a, argv), "create");
	CHECK_STR(a.bundle, "/b");
	CHECK_STR(a.log, "/b/log.json");
	CHECK(a.log_json);
	CHECK(st_rt_args_creates(14, argv, &a));

	/* Go's flag forms: one dash, =value; options after the container id */
	a = args("runc -root=/r -log /l create id -b=/b1", argv, buf);
	CHECK_STR(VERB(a, argv), "create");
	CHECK_STR(a.bundle, "/b1");
	CHECK_STR(a.log, "/l");
	CHECK(!a.log_json);
	a = args("runc run -d --bundle /a id --bundle /b", argv, buf);
	CHECK_STR(VERB(a, argv), "run");
	CHECK_STR(a.bundle, "/b"); /* the last one, as Go's flag */
	a = args("runc create --pid-file /p id", argv, buf);
	CHECK(a.bundle == NULL); /* the current directory */
	/* a value that looks like an option is a value */
	a = args("runc create --pid-file -b id", argv, buf);
	CHECK(a.bundle == NULL);
	a = args("runc create -- --bundle /x", argv, buf);
	CHECK(a.bundle == NULL);

	/* other commands pass through */
	a = args("runc --log-format text --root /r state id", argv, buf);
	CHECK_STR(VERB(a, argv), "state");
	CHECK(!st_rt_args_creates(6, argv, &a));
	a = args("runc --root /r exec --pid-file /p id create", argv, buf);
	CHECK_STR(VERB(a, argv), "exec");
	a = args("runc --version", argv, buf);
	CHECK(a.verb == -1);
	CHECK(!st_rt_args_creates(2, argv, &a));
	/* an unknown global option is taken for a boolean */
	a = args("crun --cgroup-manager cgroupfs --new-flag create --bundle /b id", argv, buf);
	CHECK_STR(VERB(a, argv), "create");
	CHECK_STR(a.bundle, "/b");
}

/* ---- settings ---- */

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fchmod(fd, mode) < 0)
		perror(path);
	close(fd);
}

static void test_config(void)
{
	struct st_error err = {0};
	struct st_rt_config c;
	char conf[PATH_MAX];

	snprintf(conf, sizeof(conf), "%s/runtime.conf", tmp);
	setenv(ST_RUNTIME_ENV_CONFIG, conf, 1);
	unsetenv(ST_RUNTIME_ENV_RUNTIME);
	unsetenv(ST_RUNTIME_ENV_HOOK_ARGS);
	write_file(conf,
		   "# comment\n\n  runtime = /usr/bin/crun  \nhook=/opt/st/seccomp-trace\n"
		   "hook-args = --allow-dir /var/lib/st\t--log /var/log/st.log\n"
		   "hook-stage = createRuntime\n",
		   0644);
	CHECK(st_rt_config_load(&c, &err) == 0);
	CHECK_STR(c.file, conf);
	CHECK_STR(c.runtime, "/usr/bin/crun");
	CHECK_STR(c.hook, "/opt/st/seccomp-trace");
	CHECK(c.n_hook_args == 4);
	if (c.n_hook_args == 4) {
		CHECK_STR(c.hook_args[0], "--allow-dir");
		CHECK_STR(c.hook_args[3], "/var/log/st.log");
	}
	CHECK(c.create_runtime);
	CHECK(!c.env_requests); /* the annotation only, unless `requests` says */
	st_rt_config_free(&c);

	/* the environment wins */
	setenv(ST_RUNTIME_ENV_RUNTIME, "crun", 1);
	setenv(ST_RUNTIME_ENV_HOOK_ARGS, " --args ", 1);
	CHECK(st_rt_config_load(&c, &err) == 0);
	CHECK_STR(c.runtime, "crun");
	CHECK(c.n_hook_args == 1 && !strcmp(c.hook_args[0], "--args"));
	st_rt_config_free(&c);
	unsetenv(ST_RUNTIME_ENV_RUNTIME);
	unsetenv(ST_RUNTIME_ENV_HOOK_ARGS);
	/* requests: which channels may ask */
	write_file(conf, "requests = annotation\n", 0644);
	CHECK(st_rt_config_load(&c, &err) == 0);
	CHECK(!c.env_requests);
	st_rt_config_free(&c);
	write_file(conf, "requests = env, annotation\n", 0644);
	CHECK(st_rt_config_load(&c, &err) == 0);
	CHECK(c.env_requests);
	st_rt_config_free(&c);
	write_file(conf, "requests = env\n", 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "runtime.conf:1: requests must include annotation");
	st_rt_config_free(&c);
	write_file(conf, "requests = annotation labels\n", 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "requests: unknown channel 'labels' (annotation, env)");
	st_rt_config_free(&c);

	char want[PATH_MAX + 100];
	write_file(conf, "runtime = runc\n\nruntimes = crun\n", 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	snprintf(want, sizeof(want), "%s:3: unknown key 'runtimes'", conf);
	CHECK_CONTAINS(err.msg, want);
	st_rt_config_free(&c);
	write_file(conf, "hook-stage = poststart\n", 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "hook-stage must be prestart or createRuntime, not 'poststart'");
	st_rt_config_free(&c);
	write_file(conf, "runtime\n", 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, ":1: expected key = value");
	st_rt_config_free(&c);
	write_file(conf, "hook = seccomp-trace\n", 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "hook must be an absolute path");
	st_rt_config_free(&c);

	/* a settings file is a few lines */
	static char big[70 << 10];
	memset(big, '#', sizeof(big) - 1);
	write_file(conf, big, 0644);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "larger than 65536 bytes");
	st_rt_config_free(&c);

	/* only root may steer what runs in every container start */
	write_file(conf, "runtime = runc\n", 0666);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "must be owned by root and writable by no one else");
	st_rt_config_free(&c);

	/* a file named by the environment must exist */
	unlink(conf);
	CHECK(st_rt_config_load(&c, &err) < 0);
	CHECK_CONTAINS(err.msg, "cannot read settings");
	CHECK(err.errnum == ENOENT);
	st_rt_config_free(&c);
	unsetenv(ST_RUNTIME_ENV_CONFIG);
}

static void test_find_runtime(void)
{
	struct st_rt_config c = {0};
	struct st_error err = {0};
	char self[PATH_MAX], a[PATH_MAX], b[PATH_MAX], link[PATH_MAX + 16], real[PATH_MAX + 16];
	char found[PATH_MAX], path[2 * PATH_MAX + 2];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *old_path = getenv("PATH");
	char *saved = old_path ? strdup(old_path) : NULL;

	self[n > 0 ? n : 0] = '\0';
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	mkdir(a, 0755);
	mkdir(b, 0755);
	/* a "runc" that is the shim itself comes first in PATH */
	snprintf(link, sizeof(link), "%s/fakert", a);
	CHECK(symlink(self, link) == 0);
	snprintf(real, sizeof(real), "%s/fakert", b);
	write_file(real, "#!/bin/sh\n", 0755);
	snprintf(path, sizeof(path), "%s:%s", a, b);
	setenv("PATH", path, 1);
	c.runtime = "fakert";
	CHECK(st_rt_find_runtime(&c, found, sizeof(found), &err) == 0);
	CHECK_STR(found, real);
	setenv("PATH", a, 1);
	CHECK(st_rt_find_runtime(&c, found, sizeof(found), &err) < 0);
	CHECK_STR(err.msg, "wrapped runtime 'fakert' not found in PATH (but for "
			   "seccomp-trace-runtime itself)");
	c.runtime = link;
	CHECK(st_rt_find_runtime(&c, found, sizeof(found), &err) < 0);
	CHECK_CONTAINS(err.msg, "is seccomp-trace-runtime itself");
	c.runtime = "bin/runc";
	CHECK(st_rt_find_runtime(&c, found, sizeof(found), &err) < 0);
	CHECK_STR(err.msg, "wrapped runtime bin/runc: a name (searched in PATH) or an absolute path");
	c.runtime = "/nonexistent/runc";
	CHECK(st_rt_find_runtime(&c, found, sizeof(found), &err) < 0);
	CHECK_STR(err.msg, "wrapped runtime /nonexistent/runc");
	CHECK(err.errnum == ENOENT);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
}

/* ---- config.json ---- */

static char bundle[PATH_MAX], spec[PATH_MAX + 16];

static char *read_spec(void)
{
	static char buf[1 << 16];
	int fd = open(spec, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Read the bundle and edit it, as the shim does. */
static int edit_with(const struct st_rt_config *c, bool *edited, struct st_error *err)
{
	struct st_rt_bundle b;
	int rc = st_rt_bundle_read(bundle, &b, err);

	*edited = false;
	if (rc == 0)
		rc = st_rt_edit_bundle(&b, c, edited, err);
	st_rt_bundle_free(&b);
	return rc;
}

/* The settings' `requests`: may process.env ask? (edit() uses it.) */
static bool env_requests = true;

/* Run the edit on text; returns 1 if edited, 0 if not, -1 on error (in err). */
static int edit(const char *text, bool create_runtime, struct st_error *err)
{
	char *hook_args[] = {"--log", "/var/log/st.log"};
	struct st_rt_config c = {.runtime = "runc", .hook = "/bin/true", .hook_args = hook_args,
				 .n_hook_args = 2, .create_runtime = create_runtime,
				 .env_requests = env_requests};
	bool edited = false;
	struct stat before, after;
	int rc;

	write_file(spec, text, 0640);
	stat(spec, &before);
	rc = edit_with(&c, &edited, err);
	stat(spec, &after);
	/* changed exactly when edited, in place (same file, owner and mode) */
	CHECK((strcmp(read_spec(), text) != 0) == (rc == 0 && edited));
	CHECK(before.st_ino == after.st_ino && after.st_mode == before.st_mode &&
	      after.st_uid == before.st_uid);
	return rc < 0 ? -1 : edited;
}

static yajl_val get(yajl_val root, const char *p1, const char *p2, const char *p3)
{
	const char *path[] = {p1, p2, p3, NULL};

	return yajl_tree_get(root, path, yajl_t_any);
}

static const char *str(yajl_val v)
{
	return v && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

#define ANN   "io.containers.trace-syscall"
#define OURS  "{\"path\":\"/bin/true\",\"args\":[\"seccomp-trace\",\"hook\",\"--log\",\"/var/log/st.log\"]}"
#define OTHER "{\"path\":\"/usr/bin/netns-hook\",\"args\":[\"x\"]}"

static void test_may_ask(void)
{
	struct st_rt_bundle b = {.text = "{\"process\":{\"env\":[\"A=1\"]}}"};

	b.len = strlen(b.text);
	CHECK(!st_rt_bundle_may_ask(&b));
	b.text = "{\"annotations\":{\"io.containers.trace-syscall\":\"of:/x\"}}";
	b.len = strlen(b.text);
	CHECK(st_rt_bundle_may_ask(&b));
	/* Go escapes <, > and &: then the parser decides */
	b.text = "{\"process\":{\"args\":[\"a\\u0026b\"]}}";
	b.len = strlen(b.text);
	CHECK(st_rt_bundle_may_ask(&b));
}

static void test_untouched(void)
{
	struct st_error err = {0};
	const char *plain = "{\"process\":{\"env\":[\"A=1\"],\"args\":[\"sh\"]},\"hooks\":{}}";
	const char *mention = "{\"process\":{\"env\":[\"A=1\"],\"args\":[\"echo\","
			      "\"io.containers.trace-syscall=of:/x\"]},"
			      "\"annotations\":{\"io.containers.trace-syscall/db\":\"of:/db\"}}";

	CHECK(edit(plain, false, &err) == 0);
	CHECK_STR(read_spec(), plain);
	/* mentioned, but not asked: parsed and left alone */
	CHECK(edit(mention, false, &err) == 0);
	CHECK_STR(read_spec(), mention);
	/* a sandbox (pause) container gets the pod's annotations: no request */
	const char *sandbox = "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
			      "\"io.containers.trace-syscall\":\"of:/pod.json\"}}";
	CHECK(edit(sandbox, false, &err) == 0);
	CHECK_STR(read_spec(), sandbox);
	/* a seccomp-trace hook is there already (hooks.d): nothing to add */
	const char *hooked = "{\"annotations\":{\"" ANN "\":\"of:/o.json\"},\"hooks\":{\"prestart\":"
			     "[{\"path\":\"/usr/local/bin/seccomp-trace\",\"args\":[\"seccomp-trace\","
			     "\"hook\"]}]}}";
	CHECK(edit(hooked, false, &err) == 0);
	CHECK_STR(read_spec(), hooked);
}

static void test_env_request(void)
{
	struct st_error err = {0};
	yajl_val root, v;
	struct stat st;

	CHECK(edit("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"env\":[\"A=1\","
		   "\"" ANN "=of:/old.json\",\"" ANN "=of:/o.json\",\"B=2\"]},"
		   "\"linux\":{\"resources\":{\"memory\":{\"limit\":18446744073709551615,"
		   "\"swappiness\":-1.5e3}}},\"hooks\":{\"prestart\":[" OTHER "]}}",
		   false, &err) == 1);
	CHECK(stat(spec, &st) == 0 && (st.st_mode & 07777) == 0640);
	root = yajl_tree_parse(read_spec(), NULL, 0);
	CHECK(root != NULL);
	/* the variable is gone, the others stay in order; the last value counts */
	v = get(root, "process", "env", NULL);
	CHECK(v && YAJL_IS_ARRAY(v) && v->u.array.len == 2);
	if (v && YAJL_IS_ARRAY(v) && v->u.array.len == 2) {
		CHECK_STR(str(v->u.array.values[0]), "A=1");
		CHECK_STR(str(v->u.array.values[1]), "B=2");
	}
	CHECK_STR(str(get(root, "annotations", ANN, NULL)), "of:/o.json");
	/* ours after the engine's own */
	v = get(root, "hooks", "prestart", NULL);
	CHECK(v && YAJL_IS_ARRAY(v) && v->u.array.len == 2);
	if (v && YAJL_IS_ARRAY(v) && v->u.array.len == 2) {
		CHECK_STR(str(get(v->u.array.values[0], "path", NULL, NULL)), "/usr/bin/netns-hook");
		CHECK_STR(str(get(v->u.array.values[1], "path", NULL, NULL)), "/bin/true");
		yajl_val a = get(v->u.array.values[1], "args", NULL, NULL);
		CHECK(a && YAJL_IS_ARRAY(a) && a->u.array.len == 4);
	}
	yajl_tree_free(root);
	/* numbers keep their text */
	CHECK_CONTAINS(read_spec(), "\"limit\":18446744073709551615");
	CHECK_CONTAINS(read_spec(), "\"swappiness\":-1.5e3");
}

/* requests = annotation: the variable asks nothing and stays the workload's;
 * the annotation still asks, and no longer disagrees with it. */
static void test_env_requests_off(void)
{
	struct st_error err = {0};
	const char *env_only = "{\"process\":{\"env\":[\"" ANN "=of:/o.json\"]}}";

	env_requests = false;
	CHECK(edit(env_only, false, &err) == 0);
	CHECK_STR(read_spec(), env_only);
	CHECK(edit("{\"annotations\":{\"" ANN "\":\"of:/a\"},\"process\":{\"env\":[\"" ANN
		   "=of:/b\"]}}",
		   false, &err) == 1);
	CHECK_CONTAINS(read_spec(), "\"env\":[\"" ANN "=of:/b\"]");
	CHECK_CONTAINS(read_spec(), "\"hooks\":{\"prestart\":[");
	env_requests = true;
}

static void test_annotation_request(void)
{
	struct st_error err = {0};

	/* no hooks at all; createRuntime */
	CHECK(edit("{\"annotations\":{\"" ANN "\":\"of:/o.json\"},\"process\":{\"env\":[]}}", true,
		   &err) == 1);
	CHECK_STR(read_spec(), "{\"annotations\":{\"" ANN "\":\"of:/o.json\"},\"process\":{\"env\":[]},"
			       "\"hooks\":{\"createRuntime\":[" OURS "]}}");
	/* null fields are replaced */
	CHECK(edit("{\"annotations\":null,\"hooks\":null,\"process\":{\"env\":[\"" ANN "=of:/o\"]}}",
		   false, &err) == 1);
	CHECK_STR(read_spec(), "{\"annotations\":{\"" ANN "\":\"of:/o\"},\"hooks\":{\"prestart\":["
			       OURS "]},\"process\":{\"env\":[]}}");
	/* containerd's container name with the per-container form */
	CHECK(edit("{\"annotations\":{\"io.kubernetes.cri.container-name\":\"app\","
		   "\"" ANN "/app\":\"of:/app.json\",\"" ANN "/db\":\"of:/db.json\"}}",
		   false, &err) == 1);
	CHECK_CONTAINS(read_spec(), "\"" ANN "\":\"of:/app.json\"");
	CHECK(edit("{\"annotations\":{\"io.kubernetes.cri.container-name\":\"web\","
		   "\"" ANN "/app\":\"of:/app.json\"}}",
		   false, &err) == 0);
	/* a key spelt with a \u escape is the same key for runc */
	CHECK(edit("{\"annotations\":{\"io.containers.trace\\u002dsyscall\":\"of:/u.json\"}}", false,
		   &err) == 1);
	CHECK_CONTAINS(read_spec(), "\"prestart\":[" OURS "]");
	/* the env request in a sandbox with the pod's annotation equal */
	CHECK(edit("{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
		   "\"" ANN "\":\"of:/p\"},\"process\":{\"env\":[\"" ANN "=of:/p\"]}}",
		   false, &err) == 1);
}

static void test_refused(void)
{
	struct st_error err = {0};
	char want[PATH_MAX + 100];
	const char *bad;

	snprintf(want, sizeof(want), "%s/config.json: the annotation " ANN
				     " and the environment variable " ANN " disagree", bundle);
	bad = "{\"annotations\":{\"" ANN "\":\"of:/a\"},\"process\":{\"env\":[\"" ANN "=of:/b\"]}}";
	CHECK(edit(bad, false, &err) < 0);
	CHECK_STR(err.msg, want);
	CHECK_STR(read_spec(), bad); /* a refused request changes nothing */
	CHECK(edit("{\"annotations\":{\"io.kubernetes.container.name\":\"w\",\"" ANN "\":\"of:/a\","
		   "\"" ANN "/w\":\"of:/b\"}}",
		   false, &err) < 0);
	CHECK_CONTAINS(err.msg, "annotations " ANN " and " ANN "/w disagree");
	/* Go decodes "Process" into the same field: which one would runc use? */
	CHECK(edit("{\"process\":{\"env\":[\"" ANN "=of:/a\"]},\"Process\":{}}", false, &err) < 0);
	CHECK_CONTAINS(err.msg, "config.json: process given twice (\"process\", \"Process\")");
	/* ... and "proce\u017fs" (long s folds to s in Go's matching) */
	CHECK(edit("{\"process\":{\"env\":[\"" ANN "=of:/a\"]},\"proce\xc5\xbfs\":{}}", false, &err) < 0);
	CHECK_CONTAINS(err.msg, "process given twice");
	/* a NUL that yajl would cut: not rewritten; without a request, runc judges */
	CHECK(edit("{\"process\":{\"env\":[\"" ANN "=of:/a\",\"X=a\\u0000b\"]}}", false, &err) < 0);
	CHECK_CONTAINS(err.msg, "(NUL) in a string: refused");
	CHECK(edit("{\"annotations\":{\"x\":\"a\\u0000b\"}}", false, &err) == 0);
	CHECK(edit("{\"annotations\":{\"" ANN "\":1}}", false, &err) < 0);
	CHECK_CONTAINS(err.msg, "annotations." ANN ": not a string");
	CHECK(edit("{\"annotations\":{\"" ANN "\":\"of:/a\"", false, &err) < 0);
	CHECK_CONTAINS(err.msg, "invalid JSON in");
	CHECK(edit("{\"process\":{\"env\":\"" ANN "=of:/a\"}}", false, &err) < 0);
	CHECK_CONTAINS(err.msg, "process.env: not an array");

	/* config.json must be a file of the bundle, not a symlink to one */
	char target[PATH_MAX + 16];
	snprintf(target, sizeof(target), "%s/elsewhere.json", tmp);
	write_file(target, "{\"annotations\":{\"" ANN "\":\"of:/a\"}}", 0644);
	unlink(spec);
	CHECK(symlink(target, spec) == 0);
	bool edited;
	struct st_rt_config c = {.runtime = "runc", .hook = "/bin/true", .env_requests = true};
	CHECK(edit_with(&c, &edited, &err) < 0);
	CHECK(err.errnum == ELOOP);
	unlink(spec);
	/* no hook binary */
	c.hook = "/nonexistent/seccomp-trace";
	write_file(spec, "{\"annotations\":{\"" ANN "\":\"of:/a\"}}", 0644);
	CHECK(edit_with(&c, &edited, &err) < 0);
	CHECK_STR(err.msg, "hook /nonexistent/seccomp-trace");
}

int main(void)
{
	char cmd[PATH_MAX + 16];
	int rc;

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	snprintf(spec, sizeof(spec), "%s/config.json", bundle);
	mkdir(bundle, 0700);
	RUN(test_args);
	RUN(test_config);
	RUN(test_find_runtime);
	RUN(test_may_ask);
	RUN(test_untouched);
	RUN(test_env_request);
	RUN(test_env_requests_off);
	RUN(test_annotation_request);
	RUN(test_refused);
	rc = CHECK_DONE();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
