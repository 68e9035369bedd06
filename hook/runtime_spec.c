// SPDX-License-Identifier: Apache-2.0
/* The shim's edit of a bundle's config.json: find the request, turn an
 * environment request into the annotation the hook reads, add the hook.
 *
 * runc reads config.json with Go's encoding/json into specs.Spec: field names
 * match case-insensitively and the last of two equal keys wins; annotations
 * are a map (exact keys, last wins). What we read is looked up that way, and
 * a field we change that is given twice is refused rather than guessed. The
 * rest of the file is written back as it was (numbers as their text). */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "annotation.h"
#include "cleanup.h"
#include "json.h"

/* containerd's CRI annotations (pkg/cri/annotations), CRI-O's type. */
#define CRI_CONTAINER_NAME  "io.kubernetes.cri.container-name"
#define CRI_CONTAINER_TYPE  "io.kubernetes.cri.container-type"
#define CRIO_CONTAINER_TYPE "io.kubernetes.cri-o.ContainerType"
#define ENV_PREFIX	    ST_ANNOTATION "="
#define NONE		    ((size_t)-1)

struct spec {
	const char *path; /* for messages: BUNDLE/config.json */
	yajl_val root;
	yajl_val ann;			  /* the annotations object, NULL if none or null */
	size_t i_ann, i_process, i_hooks; /* index among root's keys, or NONE */
	size_t i_env;			  /* among process' keys */
	size_t i_stage;			  /* among hooks' keys */
	const char *value;		  /* the request */
	bool add_annotation;		  /* value from env or NAME form: set the plain key */
	bool strip_env;
	bool add_hook;
	const struct st_rt_config *cfg;
	char hook[4096]; /* the hook binary */
};

/* The one key of obj that Go would decode into field `name`, as an index
 * (NONE when absent); two such keys are refused. */
static int field(yajl_val obj, const char *name, const char *path, const char *where,
		 size_t *out, struct st_error *err)
{
	*out = NONE;
	for (size_t i = 0; i < obj->u.object.len; i++) {
		if (!st_json_key_folds_to(obj->u.object.keys[i], name))
			continue;
		if (*out != NONE)
			return st_error_set(err, 0, "%s: %s%s given twice (\"%s\", \"%s\")", path,
					    where, name, obj->u.object.keys[*out],
					    obj->u.object.keys[i]);
		*out = i;
	}
	return 0;
}

/* An annotation's value as runc reads it (exact key, the last one), NULL if
 * absent; not a string is an error, as for runc. */
static int annotation(const struct spec *s, const char *key, const char **out,
		      struct st_error *err)
{
	yajl_val ann = s->ann;

	*out = NULL;
	if (!ann)
		return 0;
	for (size_t i = 0; i < ann->u.object.len; i++) {
		if (strcmp(ann->u.object.keys[i], key))
			continue;
		if (!YAJL_IS_STRING(ann->u.object.values[i]))
			return st_error_set(err, 0, "%s: annotations.%s: not a string", s->path,
					    key);
		*out = ann->u.object.values[i]->u.string;
	}
	return 0;
}

/* The last value of the variable in process.env (runc sets them in order). */
static int env_request(struct spec *s, const char **out, struct st_error *err)
{
	yajl_val process, env;

	*out = NULL;
	if (!s->cfg->env_requests || s->i_process == NONE)
		return 0;
	process = s->root->u.object.values[s->i_process];
	if (YAJL_IS_NULL(process))
		return 0;
	if (!YAJL_IS_OBJECT(process))
		return st_error_set(err, 0, "%s: process: not an object", s->path);
	if (field(process, "env", s->path, "process.", &s->i_env, err) < 0)
		return -1;
	if (s->i_env == NONE)
		return 0;
	env = process->u.object.values[s->i_env];
	if (YAJL_IS_NULL(env))
		return 0;
	if (!YAJL_IS_ARRAY(env))
		return st_error_set(err, 0, "%s: process.env: not an array", s->path);
	for (size_t i = 0; i < env->u.array.len; i++) {
		yajl_val e = env->u.array.values[i];

		if (!YAJL_IS_STRING(e))
			return st_error_set(err, 0, "%s: process.env[%zu]: not a string", s->path,
					    i);
		if (!strncmp(e->u.string, ENV_PREFIX, sizeof(ENV_PREFIX) - 1)) {
			*out = e->u.string + sizeof(ENV_PREFIX) - 1;
			s->strip_env = true;
		}
	}
	return 0;
}

static bool is_our_hook(yajl_val h, const char *hook)
{
	const char *p_path[] = {"path", NULL}, *p_args[] = {"args", NULL};
	yajl_val path, args;
	const char *base;

	if (!YAJL_IS_OBJECT(h))
		return false;
	path = yajl_tree_get(h, p_path, yajl_t_string);
	args = yajl_tree_get(h, p_args, yajl_t_array);
	if (!path || !args || args->u.array.len < 2 || !YAJL_IS_STRING(args->u.array.values[1]) ||
	    strcmp(args->u.array.values[1]->u.string, "hook"))
		return false;
	base = strrchr(path->u.string, '/');
	base = base ? base + 1 : path->u.string;
	return !strcmp(path->u.string, hook) || !strcmp(base, "seccomp-trace");
}

/* Is a seccomp-trace hook there already (hooks.d of podman or CRI-O, when
 * they run the shim too)? Also finds the stage's key. */
static int find_hooks(struct spec *s, bool *present, struct st_error *err)
{
	yajl_val hooks;

	*present = false;
	s->i_stage = NONE;
	if (field(s->root, "hooks", s->path, "", &s->i_hooks, err) < 0)
		return -1;
	if (s->i_hooks == NONE)
		return 0;
	hooks = s->root->u.object.values[s->i_hooks];
	if (YAJL_IS_NULL(hooks))
		return 0;
	if (!YAJL_IS_OBJECT(hooks))
		return st_error_set(err, 0, "%s: hooks: not an object", s->path);
	if (field(hooks, s->cfg->create_runtime ? "createRuntime" : "prestart", s->path, "hooks.",
		  &s->i_stage, err) < 0)
		return -1;
	for (size_t i = 0; i < hooks->u.object.len; i++) {
		yajl_val stage = hooks->u.object.values[i];

		if (!YAJL_IS_ARRAY(stage))
			continue;
		for (size_t j = 0; j < stage->u.array.len; j++)
			if (is_our_hook(stage->u.array.values[j], s->hook))
				*present = true;
	}
	return 0;
}

/* Does the container ask? Sets s->value and what to change; 0 either way. */
static int find_request(struct spec *s, struct st_error *err)
{
	const char *name = NULL, *type = NULL, *plain, *named = NULL, *env;
	char key[ST_MAX_ANNOTATION];
	bool sandbox, present;

	if (field(s->root, "annotations", s->path, "", &s->i_ann, err) < 0 ||
	    field(s->root, "process", s->path, "", &s->i_process, err) < 0)
		return -1;
	if (s->i_ann != NONE) {
		yajl_val ann = s->root->u.object.values[s->i_ann];

		if (YAJL_IS_OBJECT(ann))
			s->ann = ann;
		else if (!YAJL_IS_NULL(ann))
			return st_error_set(err, 0, "%s: annotations: not an object", s->path);
	}
	if (annotation(s, ST_ANNOTATION, &plain, err) < 0 || env_request(s, &env, err) < 0 ||
	    annotation(s, ST_K8S_CONTAINER_NAME, &name, err) < 0 ||
	    (!name && annotation(s, CRI_CONTAINER_NAME, &name, err) < 0) ||
	    annotation(s, CRI_CONTAINER_TYPE, &type, err) < 0 ||
	    (!type && annotation(s, CRIO_CONTAINER_TYPE, &type, err) < 0))
		return -1;
	if (name && (size_t)snprintf(key, sizeof(key), "%s/%s", ST_ANNOTATION, name) < sizeof(key) &&
	    annotation(s, key, &named, err) < 0)
		return -1;
	/* A pod's annotations reach its sandbox (pause) container too. */
	sandbox = type && !strcmp(type, "sandbox");
	s->value = sandbox ? NULL : named ? named : plain;
	if (named && plain && strcmp(named, plain) && !sandbox)
		return st_error_set(err, 0, "%s: annotations %s and %s disagree", s->path,
				    ST_ANNOTATION, key);
	if (env) {
		const char *other = named && !sandbox ? named : plain;

		if (other && strcmp(other, env))
			return st_error_set(err, 0,
					    "%s: the annotation %s and the environment variable "
					    "%s disagree",
					    s->path, other == named ? key : ST_ANNOTATION,
					    ST_ANNOTATION);
		s->value = env;
	}
	if (!s->value)
		return 0;
	s->add_annotation = !plain;
	if (st_rt_find_hook(s->cfg, s->hook, sizeof(s->hook), err) < 0 ||
	    find_hooks(s, &present, err) < 0)
		return -1;
	s->add_hook = !present;
	return 0;
}

/* ---- writing it back ---- */

#define CHECK(x) ((x) == yajl_gen_status_ok ? 0 : -1)

static int gen_hook(yajl_gen g, const struct spec *s)
{
	const struct st_rt_config *c = s->cfg;

	if (st_gen_map_open(g) < 0 || st_gen_str(g, "path") < 0 || st_gen_str(g, s->hook) < 0 ||
	    st_gen_str(g, "args") < 0 || st_gen_array_open(g) < 0 ||
	    st_gen_str(g, "seccomp-trace") < 0 || st_gen_str(g, "hook") < 0)
		return -1;
	for (size_t i = 0; i < c->n_hook_args; i++)
		if (st_gen_str(g, c->hook_args[i]) < 0)
			return -1;
	return st_gen_array_close(g) < 0 ? -1 : st_gen_map_close(g);
}

static int gen_annotations(yajl_gen g, yajl_val ann, const struct spec *s)
{
	if (!s->add_annotation)
		return ann ? st_json_gen_value(g, ann) : CHECK(yajl_gen_null(g));
	if (st_gen_map_open(g) < 0)
		return -1;
	for (size_t i = 0; ann && i < ann->u.object.len; i++)
		if (st_gen_str(g, ann->u.object.keys[i]) < 0 ||
		    st_json_gen_value(g, ann->u.object.values[i]) < 0)
			return -1;
	if (st_gen_str(g, ST_ANNOTATION) < 0 || st_gen_str(g, s->value) < 0)
		return -1;
	return st_gen_map_close(g);
}

static int gen_process(yajl_gen g, yajl_val process, const struct spec *s)
{
	if (!s->strip_env)
		return st_json_gen_value(g, process);
	if (st_gen_map_open(g) < 0)
		return -1;
	for (size_t i = 0; i < process->u.object.len; i++) {
		yajl_val v = process->u.object.values[i];

		if (st_gen_str(g, process->u.object.keys[i]) < 0)
			return -1;
		if (i != s->i_env) {
			if (st_json_gen_value(g, v) < 0)
				return -1;
			continue;
		}
		if (st_gen_array_open(g) < 0)
			return -1;
		for (size_t j = 0; j < v->u.array.len; j++)
			if (strncmp(v->u.array.values[j]->u.string, ENV_PREFIX,
				    sizeof(ENV_PREFIX) - 1) &&
			    st_gen_str(g, v->u.array.values[j]->u.string) < 0)
				return -1;
		if (st_gen_array_close(g) < 0)
			return -1;
	}
	return st_gen_map_close(g);
}

static int gen_hooks(yajl_gen g, yajl_val hooks, const struct spec *s)
{
	const char *stage = s->cfg->create_runtime ? "createRuntime" : "prestart";

	if (!s->add_hook)
		return hooks ? st_json_gen_value(g, hooks) : CHECK(yajl_gen_null(g));
	if (st_gen_map_open(g) < 0)
		return -1;
	for (size_t i = 0; hooks && i < hooks->u.object.len; i++) {
		yajl_val v = hooks->u.object.values[i];

		if (st_gen_str(g, hooks->u.object.keys[i]) < 0)
			return -1;
		if (i != s->i_stage) {
			if (st_json_gen_value(g, v) < 0)
				return -1;
			continue;
		}
		/* after the engine's own hooks: ours arms a tracer only once they passed */
		if (st_gen_array_open(g) < 0)
			return -1;
		for (size_t j = 0; YAJL_IS_ARRAY(v) && j < v->u.array.len; j++)
			if (st_json_gen_value(g, v->u.array.values[j]) < 0)
				return -1;
		if (gen_hook(g, s) < 0 || st_gen_array_close(g) < 0)
			return -1;
	}
	if (s->i_stage == NONE &&
	    (st_gen_str(g, stage) < 0 || st_gen_array_open(g) < 0 || gen_hook(g, s) < 0 ||
	     st_gen_array_close(g) < 0))
		return -1;
	return st_gen_map_close(g);
}

static int gen_spec(yajl_gen g, const struct spec *s)
{
	yajl_val root = s->root;

	if (st_gen_map_open(g) < 0)
		return -1;
	for (size_t i = 0; i < root->u.object.len; i++) {
		yajl_val v = root->u.object.values[i];
		int rc;

		if (st_gen_str(g, root->u.object.keys[i]) < 0)
			return -1;
		if (i == s->i_ann)
			rc = gen_annotations(g, s->ann, s);
		else if (i == s->i_process)
			rc = gen_process(g, v, s);
		else if (i == s->i_hooks)
			rc = gen_hooks(g, YAJL_IS_NULL(v) ? NULL : v, s);
		else
			rc = st_json_gen_value(g, v);
		if (rc < 0)
			return -1;
	}
	if (s->add_annotation && s->i_ann == NONE &&
	    (st_gen_str(g, "annotations") < 0 || gen_annotations(g, NULL, s) < 0))
		return -1;
	if (s->add_hook && s->i_hooks == NONE &&
	    (st_gen_str(g, "hooks") < 0 || gen_hooks(g, NULL, s) < 0))
		return -1;
	return st_gen_map_close(g);
}

/* Rewrite config.json in place, through the descriptor it was read from
 * (reopened for writing: no other file can be written). Nobody reads it
 * between the engine writing it and the runtime we exec. Not by a rename
 * over it, nor by truncating it to 0 first: on ext4 either makes the kernel
 * allocate and flush the fresh file's blocks (auto_da_alloc), 2 ms here. */
static int rewrite(int fd, const unsigned char *buf, size_t len, const char *path,
		   struct st_error *err)
{
	char self[64];
	size_t done = 0;
	int wfd, e;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	wfd = open(self, O_WRONLY | O_CLOEXEC);
	if (wfd < 0)
		return st_error_set(err, errno, "cannot write %s", path);
	while (done < len) {
		ssize_t w = pwrite(wfd, buf + done, len - done, done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		done += w;
	}
	if (ftruncate(wfd, len) < 0)
		goto fail;
	if (close(wfd) < 0)
		return st_error_set(err, errno, "cannot write %s", path);
	return 0;
fail:
	e = errno;
	close(wfd);
	return st_error_set(err, e, "cannot write %s", path);
}

int st_rt_edit_bundle(struct st_rt_bundle *b, const struct st_rt_config *c, bool *edited,
		      struct st_error *err)
{
	cleanup_yajl_tree yajl_val root = NULL;
	cleanup_yajl_gen yajl_gen g = NULL;
	struct spec s = {.path = b->path, .cfg = c, .i_ann = NONE, .i_process = NONE,
			 .i_hooks = NONE, .i_env = NONE, .i_stage = NONE};
	const unsigned char *out;
	size_t len;

	*edited = false;
	if (!st_rt_bundle_may_ask(b))
		return 0;
	if (st_json_parse(b->text, b->len, b->path, &root, err) < 0) {
		/* Refused strings (a NUL, invalid UTF-8: what yajl would alter)
		 * or broken JSON: the runtime judges a container that cannot be
		 * asking (engines write the request's name plainly). */
		if (!memmem(b->text, b->len, "trace-syscall", 13))
			return 0;
		return -1;
	}
	if (!YAJL_IS_OBJECT(root))
		return st_error_set(err, 0, "%s: not a JSON object", b->path);
	s.root = root;
	if (find_request(&s, err) < 0)
		return -1;
	if (!s.value || (!s.add_annotation && !s.strip_env && !s.add_hook))
		return 0;
	g = yajl_gen_alloc(NULL);
	if (!g || !yajl_gen_config(g, yajl_gen_validate_utf8, 1))
		return st_error_set(err, ENOMEM, "cannot write %s", b->path);
	if (gen_spec(g, &s) < 0 || yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok)
		return st_error_set(err, 0, "cannot write %s: JSON generation failed", b->path);
	if (rewrite(b->fd, out, len, b->path, err) < 0)
		return -1;
	*edited = true;
	return 0;
}
