// SPDX-License-Identifier: Apache-2.0
#include "profile_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "strv.h"
#include "syscalls.h"
#include "util.h"

/* The action and operator names of the Docker/OCI format, as runtimes map
 * them onto libseccomp. */
static const struct {
	const char *name;
	uint32_t value; /* errno actions: without the errno */
	bool takes_errno;
} actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* Errno runtimes use for SCMP_ACT_ERRNO without errnoRet. */
#define DEFAULT_ERRNO EPERM

int st_action_value(const char *name, uint32_t errno_ret, uint32_t *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(actions[i].name, name)) {
			*out =
			    actions[i].value | (actions[i].takes_errno ? (errno_ret & 0xffff) : 0);
			return 0;
		}
	return -1;
}

bool st_action_takes_errno(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(actions[i].name, name))
			return actions[i].takes_errno;
	return false;
}

int st_op_value(const char *name, enum scmp_compare *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(ops[i].name, name)) {
			*out = ops[i].op;
			return 0;
		}
	return -1;
}

struct checker {
	const struct st_profile *p;
	st_check_fn report;
	void *ctx;
	unsigned errors;
	unsigned old_names;
	uint32_t arches[64]; /* tokens of the profile's arches */
	size_t n_arches;
	uint32_t load[64]; /* the arches a runtime here adds to the filter */
	const char *load_path[64];
	size_t n_load;
};

static void say(struct checker *c, enum st_check_level level, const char *path, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void say(struct checker *c, enum st_check_level level, const char *path, const char *fmt,
		...)
{
	cleanup_free char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (level == ST_CHECK_ERROR)
		c->errors++;
	c->report(c->ctx, level, path, n < 0 ? "(out of memory: the message was lost)" : msg);
}

static void check_arch(struct checker *c, const char *path, const char *name, bool load)
{
	uint32_t token = st_arch_token(name);

	if (token) {
		if (c->n_arches < ARRAY_SIZE(c->arches))
			c->arches[c->n_arches++] = token;
		if (load && c->n_load < ARRAY_SIZE(c->load)) {
			c->load_path[c->n_load] = name;
			c->load[c->n_load++] = token;
		}
		return;
	}
	if (seccomp_arch_resolve_name(name))
		say(c, ST_CHECK_ERROR, path,
		    "\"%s\" is libseccomp's name, not a profile arch: runc refuses it (profiles "
		    "spell arches SCMP_ARCH_...)",
		    name);
	else
		say(c, ST_CHECK_ERROR, path, "unknown architecture \"%s\"", name);
}

static void check_action(struct checker *c, const char *path, const char *action, bool has_errno,
			 const char *errno_path)
{
	uint32_t v;

	if (st_action_value(action, 0, &v) < 0) {
		say(c, ST_CHECK_ERROR, path, "unknown action \"%s\"", action);
		return;
	}
	if (has_errno && !st_action_takes_errno(action))
		say(c, ST_CHECK_ERROR, errno_path,
		    "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s (crun refuses "
		    "it)",
		    action);
	if (!strcmp(action, "SCMP_ACT_NOTIFY")) {
		bool listener = false;

		for (size_t i = 0; i < c->p->extras.n; i++)
			listener |= !strcmp(c->p->extras.v[i].key, "listenerPath");
		if (!listener)
			say(c, ST_CHECK_ERROR, path,
			    "SCMP_ACT_NOTIFY without a listenerPath (runc refuses it)");
	}
}

static bool known_on_profile_arches(struct checker *c, const char *name)
{
	if (seccomp_syscall_resolve_name_arch(seccomp_arch_native(), name) != __NR_SCMP_ERROR)
		return true;
	for (size_t i = 0; i < c->n_arches; i++)
		if (seccomp_syscall_resolve_name_arch(c->arches[i], name) != __NR_SCMP_ERROR)
			return true;
	return false;
}

static void check_filter(struct checker *c, const char *path, const struct st_filter *f)
{
	char p[256];

	if (!f)
		return;
	for (size_t i = 0; i < f->n_caps; i++)
		if (strncmp(f->caps[i], "CAP_", 4)) {
			snprintf(p, sizeof(p), "%s.caps[%zu]", path, i);
			say(c, ST_CHECK_WARNING, p, "\"%s\" is not a capability name (CAP_...)",
			    f->caps[i]);
		}
}

static void check_rule(struct checker *c, size_t i, const struct st_rule *r)
{
	char path[256], p[300];

	snprintf(path, sizeof(path), "syscalls[%zu]", i);
	if (r->old_name) {
		c->old_names++;
	} else if (!r->n_names) {
		snprintf(p, sizeof(p), "%s.names", path);
		say(c, ST_CHECK_WARNING, p, "empty: the rule applies to nothing");
	}
	for (size_t j = 0; j < r->n_names; j++)
		if (!known_on_profile_arches(c, r->names[j])) {
			snprintf(p, sizeof(p), "%s.names[%zu]", path, j);
			say(c, ST_CHECK_WARNING, p,
			    "unknown syscall \"%s\" (libseccomp %s has no such name on the "
			    "profile's "
			    "arches; runtimes skip it)",
			    r->names[j], st_libseccomp_version());
		}
	snprintf(p, sizeof(p), "%s.action", path);
	{
		char ep[300];

		snprintf(ep, sizeof(ep), "%s.errnoRet", path);
		check_action(c, p, r->action, r->has_errno_ret, ep);
	}
	if (r->n_args > 6) {
		snprintf(p, sizeof(p), "%s.args", path);
		say(c, ST_CHECK_ERROR, p, "%zu conditions: a syscall has at most 6 arguments",
		    r->n_args);
	}
	for (size_t k = 0; k < r->n_args; k++) {
		const struct st_arg *a = &r->args[k];
		enum scmp_compare op;

		if (a->index > 5) {
			snprintf(p, sizeof(p), "%s.args[%zu].index", path, k);
			say(c, ST_CHECK_ERROR, p, "%u is out of range (0-5)", a->index);
		}
		if (st_op_value(a->op, &op) < 0) {
			snprintf(p, sizeof(p), "%s.args[%zu].op", path, k);
			say(c, ST_CHECK_ERROR, p, "unknown operator \"%s\"", a->op);
		}
	}
	snprintf(p, sizeof(p), "%s.includes", path);
	check_filter(c, p, r->includes);
	snprintf(p, sizeof(p), "%s.excludes", path);
	check_filter(c, p, r->excludes);
}

/* Two unconditional rules giving one syscall different actions: runtimes
 * load both and the outcome depends on libseccomp's rule order. */
static void check_conflicts(struct checker *c)
{
	const struct st_profile *p = c->p;
	char path[64];

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *a = &p->rules[i];

		if (st_rule_is_conditional(a))
			continue;
		for (size_t j = i + 1; j < p->n_rules; j++) {
			const struct st_rule *b = &p->rules[j];

			if (st_rule_is_conditional(b) || !strcmp(a->action, b->action))
				continue;
			for (size_t k = 0; k < b->n_names; k++)
				if (strv_has(a->names, a->n_names, b->names[k])) {
					snprintf(path, sizeof(path), "syscalls[%zu]", j);
					say(c, ST_CHECK_WARNING, path,
					    "\"%s\" is %s here but %s in syscalls[%zu]: which one "
					    "applies depends on the runtime",
					    b->names[k], b->action, a->action, i);
				}
		}
	}
}

/* Only once everything is well-formed: what libseccomp itself says. */
static void load_into_libseccomp(struct checker *c)
{
	const struct st_profile *p = c->p;
	uint32_t def, act;
	scmp_filter_ctx ctx;
	cleanup_close int null = -1;
	int rc;

	/* Unknown actions were reported by check_action, and nothing gets here
	 * with errors; still, never load an action value that was not set. */
	if (st_action_value(p->default_action,
			    p->has_default_errno ? p->default_errno_ret : DEFAULT_ERRNO, &def) < 0)
		return;
	ctx = seccomp_init(def);
	if (!ctx) {
		say(c, ST_CHECK_ERROR, "defaultAction", "libseccomp refuses %s", p->default_action);
		return;
	}
	for (size_t i = 0; i < c->n_load; i++) {
		rc = seccomp_arch_add(ctx, c->load[i]);
		if (rc == -EDOM)
			say(c, ST_CHECK_ERROR, "architectures",
			    "%s cannot be in one filter with the arches before it (another byte "
			    "order or word size): runtimes fail to load it",
			    c->load_path[i]);
		else if (rc < 0 && rc != -EEXIST)
			say(c, ST_CHECK_ERROR, "architectures", "libseccomp cannot add %s: %s",
			    c->load_path[i], strerror(-rc));
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];
		struct scmp_arg_cmp cmp[6];
		char path[64];

		snprintf(path, sizeof(path), "syscalls[%zu]", i);
		if (st_action_value(r->action, r->has_errno_ret ? r->errno_ret : DEFAULT_ERRNO,
				    &act) < 0)
			continue; /* reported by check_action */
		if (act == def)
			continue; /* runtimes skip rules that repeat the default */
		for (size_t k = 0; k < r->n_args && k < 6; k++) {
			enum scmp_compare op = SCMP_CMP_EQ; /* checked above */

			st_op_value(r->args[k].op, &op);
			cmp[k] = (struct scmp_arg_cmp){r->args[k].index, op, r->args[k].value,
						       r->args[k].value_two};
		}
		/* Conditions on the same argument cannot be ANDed by libseccomp;
		 * runtimes then add one rule per condition (OR). */
		bool split = false;
		for (size_t k = 0; k < r->n_args; k++)
			for (size_t l = 0; l < k; l++)
				split |= r->args[k].index == r->args[l].index;
		for (size_t j = 0; j < r->n_names; j++) {
			int nr = seccomp_syscall_resolve_name(r->names[j]);

			if (nr == __NR_SCMP_ERROR)
				continue; /* reported above; skipped like runtimes do */
			if (split) {
				rc = 0;
				for (size_t k = 0; k < r->n_args && rc >= 0; k++)
					rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
			} else {
				rc = seccomp_rule_add_array(ctx, act, nr, r->n_args, cmp);
			}
			if (rc < 0 && rc != -EEXIST) {
				say(c, ST_CHECK_ERROR, path,
				    "libseccomp refuses the rule for \"%s\": %s", r->names[j],
				    strerror(-rc));
			}
		}
	}
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0 && (rc = seccomp_export_bpf(ctx, null)) < 0)
		say(c, ST_CHECK_ERROR, "profile", "libseccomp cannot compile the filter: %s",
		    strerror(-rc));
	seccomp_release(ctx);
}

bool st_profile_allows_io_uring(const struct st_profile *p, char *names, size_t names_len,
				char *path, size_t path_len)
{
	static const char *const calls[] = {"io_uring_setup", "io_uring_enter",
					    "io_uring_register"};
	size_t o = 0;

	names[0] = path[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		const struct st_rule *which = NULL;
		enum st_merge_outcome what = st_profile_classify(p, calls[i], &which);
		bool by_default = st_action_allows(p->default_action);
		bool allowed = what == ST_MERGE_COVERED ||
			       (what == ST_MERGE_CONDITIONAL &&
				(by_default || st_action_allows(which->action))) ||
			       (what == ST_MERGE_ADDED && by_default);

		if (!allowed)
			continue;
		if (o < names_len)
			o += snprintf(names + o, names_len - o, "%s%s", o ? ", " : "", calls[i]);
		if (path[0])
			continue;
		if (!which || (what == ST_MERGE_CONDITIONAL && !st_action_allows(which->action))) {
			snprintf(path, path_len, "defaultAction");
		} else {
			size_t r = which - p->rules, k = 0;

			while (k < which->n_names && strcmp(which->names[k], calls[i]))
				k++;
			snprintf(path, path_len, "syscalls[%zu].names[%zu]", r, k);
		}
	}
	return names[0] != '\0';
}

unsigned st_profile_check(const struct st_profile *p, st_check_fn report, void *ctx)
{
	struct checker c = {.p = p, .report = report, .ctx = ctx};
	char path[128];

	check_action(&c, "defaultAction", p->default_action, p->has_default_errno,
		     "defaultErrnoRet");
	if (p->has_architectures && p->has_archmap)
		say(&c, ST_CHECK_ERROR, "archMap",
		    "both architectures and archMap are given (podman refuses this; use one)");
	for (size_t i = 0; i < p->n_architectures; i++) {
		snprintf(path, sizeof(path), "architectures[%zu]", i);
		check_arch(&c, path, p->architectures[i], true);
	}
	/* From an archMap a runtime takes the entry of the machine it runs on. */
	for (size_t i = 0; i < p->n_archmap; i++) {
		bool here = st_arch_token(p->archmap[i].arch) == seccomp_arch_native();

		snprintf(path, sizeof(path), "archMap[%zu].architecture", i);
		check_arch(&c, path, p->archmap[i].arch, here);
		for (size_t j = 0; j < p->archmap[i].n_subs; j++) {
			snprintf(path, sizeof(path), "archMap[%zu].subArchitectures[%zu]", i, j);
			check_arch(&c, path, p->archmap[i].subs[j], here);
		}
	}
	for (size_t i = 0; i < p->n_rules; i++)
		check_rule(&c, i, &p->rules[i]);
	{
		char names[128], where[64];

		if (st_profile_allows_io_uring(p, names, sizeof(names), where, sizeof(where)))
			say(&c, ST_CHECK_WARNING, where, "allows %s: %s", names,
			    ST_IO_URING_WARNING);
	}
	if (c.old_names) {
		for (size_t i = 0; i < p->n_rules; i++)
			if (p->rules[i].old_name) {
				snprintf(path, sizeof(path), "syscalls[%zu].name", i);
				break;
			}
		say(&c, ST_CHECK_WARNING, path,
		    "old Docker format (\"name\": one syscall per rule, in %u rules): podman reads "
		    "it, crun refuses it; use \"names\"",
		    c.old_names);
	}
	check_conflicts(&c);
	if (!c.errors)
		load_into_libseccomp(&c);
	return c.errors;
}
