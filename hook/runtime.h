/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp-trace-runtime: a runc-compatible shim. For `create` and `run` of a
 * container that asks for a trace, it inserts the seccomp-trace hook into the
 * bundle's config.json; then, for every command, it execs the real runtime
 * with the same arguments (no process of its own stays). Engines that read no
 * hooks.d (Docker, containerd and so Kubernetes) register it as a runtime. */
#ifndef ST_RUNTIME_H
#define ST_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Settings file, read at every call; SECCOMP_TRACE_RUNTIME_CONFIG names
 * another one. Runtimes get no arguments of ours (containerd's BinaryName
 * takes none), so everything is set here or in the environment. */
#ifndef ST_RUNTIME_CONFIG
#define ST_RUNTIME_CONFIG "/etc/seccomp-trace/runtime.conf"
#endif
#define ST_RUNTIME_ENV_CONFIG	 "SECCOMP_TRACE_RUNTIME_CONFIG"
#define ST_RUNTIME_ENV_RUNTIME	 "SECCOMP_TRACE_RUNTIME"
#define ST_RUNTIME_ENV_HOOK_ARGS "SECCOMP_TRACE_HOOK_ARGS"

struct st_rt_config {
	char *file;	     /* the settings file read, NULL if none */
	char *runtime;	     /* name (searched in PATH) or path; default "runc" */
	char *hook;	     /* the seccomp-trace binary; NULL: next to the shim */
	char **hook_args;    /* options appended to `seccomp-trace hook` */
	size_t n_hook_args;
	bool create_runtime; /* stage createRuntime instead of prestart */
	bool env_requests;   /* process.env may ask (`requests`); default false */
};

/* Load the settings: the file (a missing default file means defaults; a
 * missing file named by the environment is an error; it must be root's and
 * not writable by others), then the environment, which wins. Lines are
 * `key = value`, `#` comments; keys: runtime, hook, hook-args (split on
 * blanks, no quoting), hook-stage (prestart | createRuntime), requests
 * (`annotation`, optionally `env`: which channels may ask for a trace;
 * annotation only by default, since an image's ENV lands in process.env). */
int st_rt_config_load(struct st_rt_config *c, struct st_error *err);
void st_rt_config_free(struct st_rt_config *c);

/* The wrapped runtime's path into buf: a name is searched in PATH, skipping
 * the shim itself (a `runc` that is the shim); naming the shim is an error. */
int st_rt_find_runtime(const struct st_rt_config *c, char *buf, size_t len,
		       struct st_error *err);
/* The hook binary: c->hook, else seccomp-trace in the shim's own directory
 * (the build tree, an install's bindir), else ST_HOOK_BIN (the install's). */
int st_rt_find_hook(const struct st_rt_config *c, char *buf, size_t len, struct st_error *err);

/* What the shim needs from a runc command line: global options (runc 1.1,
 * crun 1.8: `--opt value`, `--opt=value`, one or two dashes), the command,
 * and its --bundle/-b (anywhere after the command, as runc reorders them). */
struct st_rt_args {
	int verb;	    /* argv index of the command, -1 if none */
	const char *bundle; /* NULL: the current directory, as runc does */
	const char *log;    /* global --log FILE, NULL if none */
	bool log_json;	    /* --log-format json */
};
void st_rt_args_parse(int argc, char **argv, struct st_rt_args *a);
/* Does the command create a container (create, run)? */
bool st_rt_args_creates(int argc, char **argv, const struct st_rt_args *a);

/* Read all of fd (a regular file) into a NUL-terminated buffer, at most max
 * bytes. The front end's own (it does not link fileio.c, whose Linux-only
 * calls musl's headers lack). */
int st_rt_read_fd(int fd, const char *what, size_t max, char **out, size_t *len,
		  struct st_error *err);

/* A bundle's config.json, read whole. */
struct st_rt_bundle {
	char path[4096]; /* BUNDLE/config.json, for messages */
	int fd;		 /* open for reading; -1 once freed */
	char *text;	 /* NUL-terminated */
	size_t len;
};

/* Read BUNDLE/config.json (bundle NULL or "": the current directory, as runc
 * does): a regular file, not through a symlink. */
int st_rt_bundle_read(const char *bundle, struct st_rt_bundle *b, struct st_error *err);
void st_rt_bundle_free(struct st_rt_bundle *b);
/* False when the container certainly asks nothing: the request's name is not
 * in the text and no \u escape could spell it. The only work done for a
 * container that asks nothing, and all that the fast front end does. */
bool st_rt_bundle_may_ask(const struct st_rt_bundle *b);

/* Edit the bundle's config.json for a container that asks for a trace. The
 * request, as the hook reads it: the annotation io.containers.trace-syscall,
 * its per-container form io.containers.trace-syscall/NAME (NAME from CRI-O's
 * io.kubernetes.container.name or containerd's io.kubernetes.cri.container-name),
 * or, when c->env_requests, the environment variable of that name in
 * process.env (otherwise the variable stays the workload's); pod-level
 * annotations are no request for a pod's sandbox (pause) container. The
 * variable is removed from process.env and its value becomes the annotation;
 * the hook (c->hook, or seccomp-trace beside the shim or in the install's
 * bindir, run as `seccomp-trace hook` + c->hook_args) is appended to the
 * stage's hooks unless a seccomp-trace hook is there already. The file is
 * rewritten in place; *edited tells whether it was. A container that asks
 * nothing keeps its file untouched. Errors: invalid config.json, requests
 * that disagree, a field to change given twice, no hook binary. */
int st_rt_edit_bundle(struct st_rt_bundle *b, const struct st_rt_config *c, bool *edited,
		      struct st_error *err);

#endif
