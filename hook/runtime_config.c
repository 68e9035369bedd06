// SPDX-License-Identifier: Apache-2.0
/* The shim's settings: the wrapped runtime and the hook's options, from a
 * small root-owned file and the environment (never from arguments). */
#include "runtime.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/* The settings file is a few lines. */
#define MAX_CONFIG_BYTES (64u << 10)
#define DEFAULT_PATH	 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int set_str(char **slot, const char *v, struct st_error *err)
{
	char *c = strdup(v);

	if (!c)
		return st_error_set(err, ENOMEM, "settings");
	free(*slot);
	*slot = c;
	return 0;
}

/* Replace the hook arguments with the blank-separated words of v. */
static int set_words(struct st_rt_config *c, const char *v, struct st_error *err)
{
	for (size_t i = 0; i < c->n_hook_args; i++)
		free(c->hook_args[i]);
	c->n_hook_args = 0;
	while (*v) {
		size_t n;
		char **nv;

		while (isspace((unsigned char)*v))
			v++;
		if (!*v)
			break;
		for (n = 0; v[n] && !isspace((unsigned char)v[n]); n++)
			;
		nv = realloc(c->hook_args, (c->n_hook_args + 1) * sizeof(*nv));
		if (!nv)
			return st_error_set(err, ENOMEM, "settings");
		c->hook_args = nv;
		if (!(c->hook_args[c->n_hook_args] = strndup(v, n)))
			return st_error_set(err, ENOMEM, "settings");
		c->n_hook_args++;
		v += n;
	}
	return 0;
}

static int set_stage(struct st_rt_config *c, const char *where, const char *v, struct st_error *err)
{
	if (!strcmp(v, "prestart"))
		c->create_runtime = false;
	else if (!strcmp(v, "createRuntime"))
		c->create_runtime = true;
	else
		return st_error_set(err, 0,
				    "%s: hook-stage must be prestart or createRuntime, not '%.64s'",
				    where, v);
	return 0;
}

/* requests = WORD...: annotation (always on: it is the runtimes' own
 * channel) and env, off unless named: process.env holds the image's own
 * `ENV` too, so with env on an image's author may ask root to write a
 * profile (Docker 20.10 passes no annotations: its operators turn it on). */
static int set_requests(struct st_rt_config *c, const char *where, const char *v,
			struct st_error *err)
{
	bool annotation = false;

	c->env_requests = false;
	while (*v) {
		size_t n;

		while (isspace((unsigned char)*v) || *v == ',')
			v++;
		for (n = 0; v[n] && !isspace((unsigned char)v[n]) && v[n] != ','; n++)
			;
		if (!n)
			break;
		if (n == 10 && !strncmp(v, "annotation", n))
			annotation = true;
		else if (n == 3 && !strncmp(v, "env", n))
			c->env_requests = true;
		else
			return st_error_set(
			    err, 0, "%s: requests: unknown channel '%.*s' (annotation, env)", where,
			    (int)(n > 64 ? 64 : n), v);
		v += n;
	}
	if (!annotation)
		return st_error_set(err, 0, "%s: requests must include annotation", where);
	return 0;
}

static int parse_file(struct st_rt_config *c, char *text, struct st_error *err)
{
	char *line = text, *next, where[PATH_MAX + 32];
	int lineno = 0;

	for (; line; line = next) {
		char *key, *value, *eq;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		key = st_trim(line);
		if (!*key || *key == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%d", c->file, lineno);
		eq = strchr(key, '=');
		if (!eq)
			return st_error_set(err, 0, "%s: expected key = value", where);
		*eq = '\0';
		key = st_trim(key);
		value = st_trim(eq + 1);
		if (!strcmp(key, "runtime")) {
			if (!*value)
				return st_error_set(err, 0, "%s: runtime is empty", where);
			if (set_str(&c->runtime, value, err) < 0)
				return -1;
		} else if (!strcmp(key, "hook")) {
			if (value[0] != '/')
				return st_error_set(err, 0, "%s: hook must be an absolute path",
						    where);
			if (set_str(&c->hook, value, err) < 0)
				return -1;
		} else if (!strcmp(key, "hook-args")) {
			if (set_words(c, value, err) < 0)
				return -1;
		} else if (!strcmp(key, "hook-stage")) {
			if (set_stage(c, where, value, err) < 0)
				return -1;
		} else if (!strcmp(key, "requests")) {
			if (set_requests(c, where, value, err) < 0)
				return -1;
		} else {
			return st_error_set(err, 0,
					    "%s: unknown key '%.64s' (runtime, hook, hook-args, "
					    "hook-stage, requests)",
					    where, key);
		}
	}
	return 0;
}

/* The file steers what runs as root in every container start: only root may
 * have written it. */
static int read_settings(struct st_rt_config *c, bool must_exist, struct st_error *err)
{
	cleanup_close int fd = open(c->file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	cleanup_free char *text = NULL;
	struct stat st;
	size_t len;

	if (fd < 0) {
		if (errno == ENOENT && !must_exist) {
			free(c->file);
			c->file = NULL;
			return 0;
		}
		return st_error_set(err, errno, "cannot read settings %s", c->file);
	}
	if (fstat(fd, &st) < 0)
		return st_error_set(err, errno, "cannot read settings %s", c->file);
	if (!S_ISREG(st.st_mode))
		return st_error_set(err, 0, "settings %s: not a regular file", c->file);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return st_error_set(err, 0,
				    "settings %s: must be owned by root and writable by no one "
				    "else",
				    c->file);
	if (st_rt_read_fd(fd, c->file, MAX_CONFIG_BYTES, &text, &len, err) < 0)
		return -1;
	if (memchr(text, '\0', len))
		return st_error_set(err, 0, "settings %s: contains a NUL byte", c->file);
	return parse_file(c, text, err);
}

int st_rt_config_load(struct st_rt_config *c, struct st_error *err)
{
	const char *file = getenv(ST_RUNTIME_ENV_CONFIG), *v;

	memset(c, 0, sizeof(*c));
	/* hook-args default to the hooks.d entry's: a log file of its own */
	if (set_str(&c->runtime, "runc", err) < 0 ||
	    set_words(c, "--log " ST_HOOK_LOG_FILE, err) < 0 ||
	    set_str(&c->file, file && *file ? file : ST_RUNTIME_CONFIG, err) < 0 ||
	    read_settings(c, file && *file, err) < 0)
		return -1;
	v = getenv(ST_RUNTIME_ENV_RUNTIME);
	if (v && *v && set_str(&c->runtime, v, err) < 0)
		return -1;
	v = getenv(ST_RUNTIME_ENV_HOOK_ARGS);
	if (v && set_words(c, v, err) < 0)
		return -1;
	return 0;
}

void st_rt_config_free(struct st_rt_config *c)
{
	for (size_t i = 0; i < c->n_hook_args; i++)
		free(c->hook_args[i]);
	free(c->hook_args);
	free(c->runtime);
	free(c->hook);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 0 for an executable regular file, else an errno value. */
static int executable(const char *path, struct stat *st)
{
	if (stat(path, st) < 0)
		return errno;
	if (!S_ISREG(st->st_mode))
		return EACCES;
	return access(path, X_OK) < 0 ? errno : 0;
}

int st_rt_find_runtime(const struct st_rt_config *c, char *buf, size_t len, struct st_error *err)
{
	const char *path, *p;
	struct stat self, st;
	bool skipped = false;
	int e;

	if (stat("/proc/self/exe", &self) < 0)
		return st_error_set(err, errno, "cannot stat /proc/self/exe");
	if (strchr(c->runtime, '/')) {
		/* relative to what? runtimes run in the bundle */
		if (c->runtime[0] != '/')
			return st_error_set(err, 0,
					    "wrapped runtime %s: a name (searched in PATH) or an "
					    "absolute path",
					    c->runtime);
		if ((e = executable(c->runtime, &st)))
			return st_error_set(err, e, "wrapped runtime %s", c->runtime);
		if (same_file(&st, &self))
			return st_error_set(err, 0,
					    "runtime %s is seccomp-trace-runtime itself: set the "
					    "real runtime (runc, crun) in %s or %s",
					    c->runtime, ST_RUNTIME_CONFIG, ST_RUNTIME_ENV_RUNTIME);
		if ((size_t)snprintf(buf, len, "%s", c->runtime) >= len)
			return st_error_set(err, ENAMETOOLONG, "runtime %s", c->runtime);
		return 0;
	}
	path = getenv("PATH");
	if (!path || !*path)
		path = DEFAULT_PATH;
	for (p = path; p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n && (size_t)snprintf(buf, len, "%.*s/%s", (int)n, p, c->runtime) < len &&
		    !executable(buf, &st)) {
			if (!same_file(&st, &self))
				return 0;
			skipped = true;
		}
		p = end ? end + 1 : NULL;
	}
	return st_error_set(err, 0, "wrapped runtime '%s' not found in PATH%s", c->runtime,
			    skipped ? " (but for seccomp-trace-runtime itself)" : "");
}

int st_rt_find_hook(const struct st_rt_config *c, char *buf, size_t len, struct st_error *err)
{
	struct stat st;
	int e;

	if (c->hook) {
		if ((size_t)snprintf(buf, len, "%s", c->hook) >= len)
			return st_error_set(err, ENAMETOOLONG, "hook %s", c->hook);
	} else {
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *slash;

		if (n < 0)
			return st_error_set(err, errno, "cannot read /proc/self/exe");
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (!slash)
			return st_error_set(err, 0, "cannot tell the shim's directory from %s",
					    self);
		*slash = '\0';
		if ((size_t)snprintf(buf, len, "%s/seccomp-trace", self) >= len)
			return st_error_set(err, ENAMETOOLONG, "hook %s/seccomp-trace", self);
#ifdef ST_HOOK_BIN
		/* the editor lives in libexec, the hook in bindir */
		if (executable(buf, &st) && (size_t)snprintf(buf, len, "%s", ST_HOOK_BIN) >= len)
			return st_error_set(err, ENAMETOOLONG, "hook %s", ST_HOOK_BIN);
#endif
	}
	if ((e = executable(buf, &st)))
		return st_error_set(err, e, "hook %s", buf);
	return 0;
}
