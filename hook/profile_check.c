// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace check: each rule of profile_check.h's judgement. Every
 * claim about a runtime below was measured on this project's test machine
 * (runc 1.1.5, crun 1.8.1, podman 4.3.1, Docker 20.10.24, containerd 1.6.20
 * with libseccomp 2.5.4) and is asserted again by
 * tests/integration/check_runtimes.sh from tests/check_runtimes.json. */
#include "profile_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "enosys.h"
#include "strv.h"
#include "syscalls.h"
#include "util.h"

/* The action and operator names of the Docker/OCI format, as runtimes map
 * them onto libseccomp. SCMP_ACT_KILL is libseccomp's KILL_THREAD in every
 * runtime (runc maps it so; crun and libseccomp define it so). */
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

/* The arches runc 1.1 knows (libcontainer/seccomp/config.go); others,
 * though libseccomp knows them, it refuses. */
static const char *const runc_arches[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
};

/* The flags of the runtime spec, which crun 1.8 applies. */
static const char *const known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* What Docker (Go's GOARCH mapped to libseccomp's names) and podman
 * (libseccomp's own) compare includes/excludes "arches" with. */
static const char *const native_arch_names[] = {
    "x86",	 "amd64",  "x32",      "arm",	      "arm64",	     "mips",	"mips64",
    "mips64n32", "mipsel", "mipsel64", "mipsel64n32", "mips3l64n32", "ppc",	"ppc64",
    "ppc64le",	 "s390",   "s390x",    "parisc",      "parisc64",    "riscv64",
};

#define RUNC_BASED (ST_RT_RUNC | ST_RT_PODMAN_RUNC | ST_RT_DOCKER | ST_RT_CONTAINERD)
#define CRUN_BASED (ST_RT_CRUN | ST_RT_PODMAN)
/* They read the Docker format (archMap, includes/excludes, "name"). */
#define DOCKER_FORMAT (ST_RT_PODMAN | ST_RT_PODMAN_RUNC | ST_RT_DOCKER)
/* Go decoders of the profile that know flags and listenerPath: podman and
 * the runtime spec's (runc, containerd); Docker 20.10 drops both. */
#define GO_SPEC_READERS (ST_RT_RUNC | ST_RT_PODMAN | ST_RT_PODMAN_RUNC | ST_RT_CONTAINERD)

/* Errno runtimes use for SCMP_ACT_ERRNO without errnoRet. */
#define DEFAULT_ERRNO EPERM
#define MAX_ERRNO_RET ST_MAX_ERRNO_RET

static const char *const rt_ids[ST_RT_COUNT] = {"runc",	       "crun",	 "podman",
						"podman-runc", "docker", "containerd"};
static const char *const rt_names[ST_RT_COUNT] = {
    "runc", "crun", "podman", "podman --runtime runc", "Docker", "containerd"};

const char *st_runtime_id(unsigned i)
{
	return i < ST_RT_COUNT ? rt_ids[i] : NULL;
}

const char *st_runtime_name(unsigned i)
{
	return i < ST_RT_COUNT ? rt_names[i] : NULL;
}

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

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

struct checker {
	const struct st_profile *p;
	st_check_fn report;
	void *ctx;
	unsigned errors;
	uint32_t load[64]; /* the arches a runtime here adds to the filter */
	const char *load_name[64];
	const char *load_path[64];
	size_t n_load;
	uint32_t arches[64]; /* tokens of every arch the profile names */
	size_t n_arches;
	uint32_t def; /* the default action's libseccomp value */
	bool def_ok;
};

/* "runc and Docker", "runc, crun and Docker": the runtimes of mask. */
static void put_names(FILE *f, unsigned mask)
{
	unsigned n = 0, total = (unsigned)__builtin_popcount(mask);

	for (unsigned i = 0; i < ST_RT_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		n++;
		fprintf(f, "%s%s", n == 1 ? "" : n == total ? " and " : ", ", rt_names[i]);
	}
}

static void say(struct checker *c, enum st_check_level level, const char *path, unsigned refused_by,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Report one problem. With refused_by, the message ends by saying which
 * runtimes refuse the profile and which accept it. */
static void say(struct checker *c, enum st_check_level level, const char *path, unsigned refused_by,
		const char *fmt, ...)
{
	struct st_memstream m;
	struct st_check_item item = {level, path, NULL, refused_by};
	cleanup_free char *msg = NULL;
	FILE *f = st_memstream_open(&m);
	va_list ap;

	if (f) {
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
		if (refused_by == ST_RT_ALL) {
			fputs(": every runtime refuses it", f);
		} else if (refused_by) {
			unsigned others = ST_RT_ALL & ~refused_by;

			fputs(": ", f);
			put_names(f, refused_by);
			fputs(__builtin_popcount(refused_by) > 1 ? " refuse it; " : " refuses it; ",
			      f);
			put_names(f, others);
			fputs(__builtin_popcount(others) > 1 ? " accept it" : " accepts it", f);
		}
		msg = st_memstream_done(&m, 0);
	}
	if (level == ST_CHECK_ERROR)
		c->errors++;
	item.msg = msg ? msg : "(out of memory: the message was lost)";
	c->report(c->ctx, &item);
}

#define PATH(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__), buf)

static const struct st_extra *extra(const struct st_extras *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].key, key) && !YAJL_IS_NULL(e->v[i].val))
			return &e->v[i];
	return NULL;
}

/* Members no runtime reads (null ones are absent to all of them). */
static void check_unknown(struct checker *c, const char *where, const struct st_extras *e,
			  const char *const *known, size_t n_known)
{
	char path[320];

	for (size_t i = 0; i < e->n; i++) {
		if (YAJL_IS_NULL(e->v[i].val) || in_list(known, n_known, e->v[i].key))
			continue;
		if (*e->v[i].key)
			PATH(path, "%s%s%s", where, *where ? "." : "", e->v[i].key);
		else
			PATH(path, "%s[\"\"]", where);
		say(c, ST_CHECK_WARNING, path, 0, "unknown field: every runtime ignores it");
	}
}

/* podman's errno names: "errno" of a rule, "defaultErrno". */
static void check_errno_name(struct checker *c, const char *path, const struct st_extra *x,
			     bool has_ret, uint32_t ret, const char *ret_field)
{
	int e;

	if (!YAJL_IS_STRING(x->val)) {
		say(c, ST_CHECK_ERROR, path, ST_RT_PODMAN | ST_RT_PODMAN_RUNC,
		    "expected an errno name (\"ENOSYS\")");
		return;
	}
	e = st_errno_by_name(x->val->u.string);
	if (e < 0) {
		say(c, ST_CHECK_ERROR, path, ST_RT_PODMAN | ST_RT_PODMAN_RUNC,
		    "\"%s\" is not an errno name", x->val->u.string);
		return;
	}
	if (has_ret && (uint32_t)e != ret)
		say(c, ST_CHECK_WARNING, path, 0,
		    "podman returns %s (%d) by this name, every other runtime %s's %u: make them "
		    "agree",
		    x->val->u.string, e, ret_field, ret);
	else if (!has_ret)
		say(c, ST_CHECK_WARNING, path, 0,
		    "podman reads this errno name (%s); runc, crun, Docker and containerd ignore "
		    "it and return EPERM: give %s %d as well",
		    x->val->u.string, ret_field, e);
}

/* ---- the top level ---- */

/* Whether the workload may call ptrace under p (a rule or the default
 * under which it can run): then it can trace itself and run its
 * SCMP_ACT_TRACE calls (Documentation/userspace-api/seccomp_filter.rst). */
static bool lets_ptrace(const struct st_profile *p)
{
	bool denied = false;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];

		if (!strv_has(r->names, r->n_names, "ptrace"))
			continue;
		if (st_action_may_run(r->action))
			return true;
		denied |= !st_rule_is_conditional(r);
	}
	return !denied && st_action_may_run(p->default_action);
}

/* Docker 20.10 drops defaultErrnoRet: its EPERM matters unless the errno is
 * EPERM, or ENOSYS with every probed call answered by a rule (enosys.h). */
static void check_default_errno(struct checker *c, uint32_t e)
{
	char names[256];
	bool uncovered = e == 38 && st_enosys_uncovered(c->p, names, sizeof(names));

	if (uncovered)
		say(c, ST_CHECK_WARNING, "defaultErrnoRet", 0,
		    "Docker 20.10 ignores defaultErrnoRet: there the calls the rules do not list "
		    "fail with EPERM, those programs probe and fall back from only on ENOSYS "
		    "too (%s): answer them by an SCMP_ACT_ERRNO rule with errnoRet 38 "
		    "(seccomp-trace's output has one)",
		    names);
	else if (e != 38 && e != 1)
		say(c, ST_CHECK_WARNING, "defaultErrnoRet", 0,
		    "%sDocker 20.10 ignores defaultErrnoRet: there the calls the rules do not "
		    "list fail with EPERM",
		    e == 0 ? "0 makes the calls the rules do not list return success without "
			     "being made; "
			   : "");
}

static void check_default(struct checker *c)
{
	const struct st_profile *p = c->p;
	const char *a = p->default_action;
	uint32_t v;

	if (st_action_value(a, 0, &v) < 0) {
		say(c, ST_CHECK_ERROR, "defaultAction", ST_RT_ALL, "unknown action \"%s\"", a);
	} else if (!strcmp(a, "SCMP_ACT_NOTIFY")) {
		say(c, ST_CHECK_ERROR, "defaultAction", RUNC_BASED,
		    "SCMP_ACT_NOTIFY as the default action (runc: \"cannot be used as default "
		    "action\")");
	} else if (!strcmp(a, "SCMP_ACT_KILL") || !strcmp(a, "SCMP_ACT_KILL_THREAD")) {
		say(c, ST_CHECK_WARNING, "defaultAction", 0,
		    "%s kills only the calling thread, in every runtime: the process's other "
		    "threads go on; SCMP_ACT_KILL_PROCESS ends the process",
		    a);
	} else if (!strcmp(a, "SCMP_ACT_TRACE")) {
		say(c, ST_CHECK_WARNING, "defaultAction", 0,
		    "SCMP_ACT_TRACE lets every call the rules do not list run whenever a tracer "
		    "with PTRACE_O_TRACESECCOMP continues it: %s; they fail with ENOSYS only "
		    "without a tracer. This is no allow-list: use SCMP_ACT_ERRNO to deny",
		    lets_ptrace(p) ? "this profile lets the workload ptrace, so it can trace "
				     "itself and run any call"
				   : "a tracer outside the container can");
	}
	if (p->has_default_errno) {
		uint32_t e = p->default_errno_ret;

		if (!st_action_takes_errno(a))
			say(c, ST_CHECK_ERROR, "defaultErrnoRet", CRUN_BASED,
			    "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s (runc, "
			    "Docker and containerd ignore it)",
			    a);
		else if (!strcmp(a, "SCMP_ACT_ERRNO") && e > MAX_ERRNO_RET)
			say(c, ST_CHECK_ERROR, "defaultErrnoRet", ST_RT_ALL & ~ST_RT_DOCKER,
			    "%u is out of range: libseccomp %s takes 0-%d (Docker 20.10 drops "
			    "defaultErrnoRet)",
			    e, st_libseccomp_version(), MAX_ERRNO_RET);
		else if (!strcmp(a, "SCMP_ACT_ERRNO"))
			check_default_errno(c, e);
	}
	const struct st_extra *de = extra(&p->extras, "defaultErrno");
	if (de)
		check_errno_name(c, "defaultErrno", de, p->has_default_errno, p->default_errno_ret,
				 "defaultErrnoRet");
}

static void check_flags(struct checker *c)
{
	const struct st_extra *x = extra(&c->p->extras, "flags");
	yajl_val v;
	char path[64];
	bool any_known = false;

	if (!x)
		return;
	v = x->val;
	if (!YAJL_IS_ARRAY(v)) {
		say(c, ST_CHECK_ERROR, "flags", GO_SPEC_READERS, "expected an array of flag names");
		return;
	}
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val f = v->u.array.values[i];

		if (!YAJL_IS_STRING(f)) {
			say(c, ST_CHECK_ERROR, PATH(path, "flags[%zu]", i), GO_SPEC_READERS,
			    "expected a flag name");
		} else if (!in_list(known_flags, ARRAY_SIZE(known_flags), f->u.string)) {
			say(c, ST_CHECK_ERROR, PATH(path, "flags[%zu]", i),
			    ST_RT_ALL & ~ST_RT_DOCKER,
			    "unknown flag \"%s\" (the flags are SECCOMP_FILTER_FLAG_TSYNC, _LOG, "
			    "_SPEC_ALLOW and _WAIT_KILLABLE_RECV; Docker 20.10 drops flags)",
			    f->u.string);
		} else {
			any_known = true;
		}
	}
	/* runc 1.1: "seccomp flags are not yet supported by runc" */
	if (any_known)
		say(c, ST_CHECK_WARNING, "flags", ST_RT_RUNC | ST_RT_PODMAN_RUNC | ST_RT_CONTAINERD,
		    "runc 1.1 takes no flags at all; crun applies them, Docker 20.10 drops them");
}

static bool uses_notify(const struct st_profile *p)
{
	if (!strcmp(p->default_action, "SCMP_ACT_NOTIFY"))
		return true;
	for (size_t i = 0; i < p->n_rules; i++)
		if (!strcmp(p->rules[i].action, "SCMP_ACT_NOTIFY"))
			return true;
	return false;
}

static void check_listener(struct checker *c)
{
	const struct st_profile *p = c->p;
	const struct st_extra *lp = extra(&p->extras, "listenerPath");
	const struct st_extra *lm = extra(&p->extras, "listenerMetadata");
	bool notify = uses_notify(p);

	if (lp && !YAJL_IS_STRING(lp->val)) {
		say(c, ST_CHECK_ERROR, "listenerPath", GO_SPEC_READERS, "expected a string");
		return;
	}
	if (lm && !YAJL_IS_STRING(lm->val))
		say(c, ST_CHECK_ERROR, "listenerMetadata", GO_SPEC_READERS, "expected a string");
	if (lm && !lp)
		say(c, ST_CHECK_WARNING, "listenerMetadata", 0,
		    "without a listenerPath nothing reads it");
	if (!lp)
		return;
	if (notify)
		say(c, ST_CHECK_WARNING, "listenerPath", ST_RT_DOCKER,
		    "runc, crun and containerd hand the SCMP_ACT_NOTIFY calls to the agent "
		    "listening at %s, which may let them run (CONTINUE): count them as allowed; "
		    "they fail the start when no agent listens; Docker 20.10 drops "
		    "listenerPath, then refuses SCMP_ACT_NOTIFY",
		    lp->val->u.string);
	else
		say(c, ST_CHECK_WARNING, "listenerPath", 0,
		    "no rule is SCMP_ACT_NOTIFY, yet crun still connects to %s and fails the start "
		    "when no agent listens there; runc ignores it",
		    lp->val->u.string);
}

/* ---- arches ---- */

/* One arch of the list (load: a runtime here adds it to the filter), or of
 * the archMap: here_mask is who reads it on this machine (everyone for the
 * list, Docker and podman for this machine's archMap entry, nobody for
 * other entries). */
static void check_arch(struct checker *c, const char *path, const char *name, unsigned here_mask,
		       const char *entry)
{
	uint32_t token = st_arch_token(name);
	const char *other = entry ? " (the entry of another platform: runtimes there would refuse "
				    "the profile; here it is not read)"
				  : "";

	if (token && c->n_arches < ARRAY_SIZE(c->arches))
		c->arches[c->n_arches++] = token;
	if (!token) {
		if (seccomp_arch_resolve_name(name))
			say(c, here_mask ? ST_CHECK_ERROR : ST_CHECK_WARNING, path,
			    here_mask & RUNC_BASED,
			    "\"%s\" is libseccomp's name, not a profile arch (SCMP_ARCH_...)%s",
			    name, other);
		else
			say(c, here_mask ? ST_CHECK_ERROR : ST_CHECK_WARNING, path, here_mask,
			    "unknown architecture \"%s\"%s", name, other);
		return;
	}
	if (!in_list(runc_arches, ARRAY_SIZE(runc_arches), name))
		say(c, ST_CHECK_WARNING, path, here_mask & RUNC_BASED,
		    "runc 1.1 does not know %s (crun does)%s", name, other);
	if (here_mask && c->n_load < ARRAY_SIZE(c->load)) {
		c->load_path[c->n_load] = path;
		c->load_name[c->n_load] = name;
		c->load[c->n_load++] = token;
	}
}

static void check_arches(struct checker *c, char (*paths)[64])
{
	const struct st_profile *p = c->p;
	const char *native = NULL;
	char path[80];
	size_t np = 0;
	bool native_entry = false;

	for (size_t i = 0; i < p->n_archmap; i++)
		if (st_arch_token(p->archmap[i].arch) == seccomp_arch_native())
			native = p->archmap[i].arch;
	if (p->n_architectures && p->n_archmap)
		say(c, ST_CHECK_ERROR, "archMap", DOCKER_FORMAT,
		    "both architectures and archMap are given: use one (runc, crun and containerd "
		    "read architectures and ignore archMap)");
	for (size_t i = 0; i < p->n_architectures; i++) {
		snprintf(paths[np], 64, "architectures[%zu]", i);
		check_arch(c, paths[np++], p->architectures[i], ST_RT_ALL, NULL);
	}
	/* From an archMap Docker and podman take the entry of this machine;
	 * runc, crun and containerd read no archMap at all. */
	for (size_t i = 0; i < p->n_archmap; i++) {
		const struct st_archmap *m = &p->archmap[i];
		bool here = st_arch_token(m->arch) == seccomp_arch_native();
		unsigned mask = here && !p->n_architectures ? DOCKER_FORMAT : 0;

		native_entry |= here;
		snprintf(paths[np], 64, "archMap[%zu].architecture", i);
		check_arch(c, paths[np++], m->arch, mask, here ? NULL : m->arch);
		for (size_t j = 0; j < m->n_subs; j++) {
			snprintf(paths[np], 64, "archMap[%zu].subArchitectures[%zu]", i, j);
			check_arch(c, paths[np++], m->subs[j], mask, here ? NULL : m->arch);
		}
		check_unknown(c, PATH(path, "archMap[%zu]", i), &m->extras, NULL, 0);
	}
	if (p->n_archmap && !p->n_architectures) {
		const char *me = st_abi_arch_name(ST_ABI_NATIVE);

		if (!native_entry) {
			say(c, ST_CHECK_WARNING, "archMap", 0,
			    "no entry for %s, this machine: Docker and podman allow its own arch "
			    "only",
			    me ? me : "this arch");
		} else {
			for (size_t i = 0; i < p->n_archmap; i++) {
				const struct st_archmap *m = &p->archmap[i];
				cleanup_free char *subs = NULL;

				if (m->arch != native || !m->n_subs ||
				    !(subs = strv_join(m->subs, m->n_subs, ", ")))
					continue;
				say(c, ST_CHECK_WARNING, PATH(path, "archMap[%zu]", i), 0,
				    "containerd (ctr, Kubernetes) and runc or crun given the "
				    "profile "
				    "in config.json ignore archMap: there only %s calls pass the "
				    "filter, and %s calls are killed (SIGSYS); Docker and podman "
				    "read it",
				    m->arch, subs);
			}
		}
	}
}

/* ---- rules ---- */

static bool known_on_profile_arches(struct checker *c, const char *name)
{
	if (seccomp_syscall_resolve_name_arch(seccomp_arch_native(), name) != __NR_SCMP_ERROR)
		return true;
	for (size_t i = 0; i < c->n_arches; i++)
		if (seccomp_syscall_resolve_name_arch(c->arches[i], name) != __NR_SCMP_ERROR)
			return true;
	return false;
}

/* Docker parses minKernel as "<kernel>.<major>", each 0-255, not 0.0. */
static bool docker_kernel_version(const char *s)
{
	unsigned long v[2];
	char *end;

	for (int i = 0; i < 2; i++) {
		if (*s < '0' || *s > '9')
			return false;
		v[i] = strtoul(s, &end, 10);
		if (v[i] > 255 || (i == 0 ? *end != '.' : *end != '\0'))
			return false;
		s = end + 1;
	}
	return v[0] || v[1];
}

static void check_filter(struct checker *c, const char *where, const struct st_filter *f,
			 bool includes)
{
	char path[320];

	if (!f)
		return;
	for (size_t i = 0; i < f->n_caps; i++)
		if (strncmp(f->caps[i], "CAP_", 4))
			say(c, ST_CHECK_WARNING, PATH(path, "%s.caps[%zu]", where, i), 0,
			    "\"%s\" is not a capability name (CAP_...): Docker and podman never "
			    "find it in the bounding set, so the rule is %s",
			    f->caps[i], includes ? "never included" : "never excluded");
	for (size_t i = 0; i < f->n_arches; i++)
		if (!in_list(native_arch_names, ARRAY_SIZE(native_arch_names), f->arches[i]))
			say(c, ST_CHECK_WARNING, PATH(path, "%s.arches[%zu]", where, i), 0,
			    "Docker and podman compare these with libseccomp's names of the "
			    "machine's arch (amd64, arm64, x86, ...): \"%s\" never matches, so the "
			    "rule is %s",
			    f->arches[i], includes ? "never included" : "never excluded");
	if (f->min_kernel && *f->min_kernel && !docker_kernel_version(f->min_kernel))
		say(c, ST_CHECK_ERROR, PATH(path, "%s.minKernel", where), ST_RT_DOCKER,
		    "\"%s\" is not a kernel version \"<kernel>.<major>\" (each 0-255, not 0.0)",
		    f->min_kernel);
	check_unknown(c, where, &f->extras, NULL, 0);
}

static void check_args(struct checker *c, const char *where, const struct st_rule *r)
{
	char path[320];
	int first_of[6] = {-1, -1, -1, -1, -1, -1};
	int repeated = -1;

	for (size_t k = 0; k < r->n_args; k++) {
		const struct st_arg *a = &r->args[k];
		enum scmp_compare op;
		bool op_ok = st_op_value(a->op, &op) == 0;

		if (a->missing_index)
			say(c, ST_CHECK_WARNING, PATH(path, "%s.args[%zu].index", where, k), 0,
			    "missing: every runtime reads 0");
		if (a->missing_value)
			say(c, ST_CHECK_WARNING, PATH(path, "%s.args[%zu].value", where, k), 0,
			    "missing: every runtime reads 0");
		if (a->index > 5)
			say(c, ST_CHECK_ERROR, PATH(path, "%s.args[%zu].index", where, k),
			    ST_RT_ALL, "%u is out of range (0-5)", a->index);
		else if (first_of[a->index] < 0)
			first_of[a->index] = (int)k;
		else if (repeated < 0)
			repeated = (int)a->index;
		if (!op_ok) {
			say(c, ST_CHECK_ERROR, PATH(path, "%s.args[%zu].op", where, k), ST_RT_ALL,
			    "unknown operator \"%s\"", a->op);
		} else if (op == SCMP_CMP_MASKED_EQ && (a->value_two & ~a->value)) {
			say(c, ST_CHECK_WARNING, PATH(path, "%s.args[%zu].valueTwo", where, k), 0,
			    "%llu has bits outside the mask (value %llu), which libseccomp drops: "
			    "the rule matches when (arg%u & %llu) == %llu (the mask goes in value, "
			    "the bits expected in valueTwo)",
			    (unsigned long long)a->value_two, (unsigned long long)a->value,
			    a->index, (unsigned long long)a->value,
			    (unsigned long long)(a->value_two & a->value));
		} else if (op != SCMP_CMP_MASKED_EQ && a->value_two) {
			say(c, ST_CHECK_WARNING, PATH(path, "%s.args[%zu].valueTwo", where, k), 0,
			    "only SCMP_CMP_MASKED_EQ reads valueTwo: ignored with %s", a->op);
		}
		check_unknown(c, PATH(path, "%s.args[%zu]", where, k), &a->extras, NULL, 0);
	}
	/* runc and crun: "if two or more arguments have the same condition,
	 * revert to old behavior, adding each condition as a separate rule" */
	if (repeated >= 0) {
		char too[40] = "";

		for (size_t k = 0; k < r->n_args && !*too; k++)
			if (r->args[k].index != (uint32_t)repeated)
				snprintf(too, sizeof(too), " (the one on arg%u too)",
					 r->args[k].index);
		say(c, ST_CHECK_WARNING, PATH(path, "%s.args", where), 0,
		    "conditions on the same argument (arg%d) cannot all hold at once, so every "
		    "runtime makes each condition a rule of its own, ORed%s: %s %s when any one "
		    "condition holds; write one rule per value",
		    repeated, too, r->n_names ? r->names[0] : "the syscall",
		    st_action_allows(r->action)	   ? "is allowed"
		    : st_action_may_run(r->action) ? "may run"
						   : "is denied");
	}
}

static const char *const rule_known[] = {"errno"};

static void check_rule(struct checker *c, size_t i, const struct st_rule *r)
{
	char path[64], p[320];
	uint32_t v;

	snprintf(path, sizeof(path), "syscalls[%zu]", i);
	if (!r->old_name && !r->n_names)
		say(c, ST_CHECK_WARNING, PATH(p, "%s.names", path), 0,
		    "empty: the rule applies to nothing");
	for (size_t j = 0; j < r->n_names; j++) {
		PATH(p, "%s.%s[%zu]", path, r->old_name ? "name" : "names", j);
		if (r->old_name)
			PATH(p, "%s.name", path);
		if (!*r->names[j])
			say(c, ST_CHECK_ERROR, p,
			    ST_RT_RUNC | ST_RT_PODMAN_RUNC | ST_RT_DOCKER | ST_RT_CONTAINERD,
			    "an empty syscall name (runc: \"empty string is not a valid syscall\"; "
			    "crun skips it)");
		else if (!known_on_profile_arches(c, r->names[j]))
			say(c, ST_CHECK_WARNING, p, 0,
			    "unknown syscall \"%s\" (libseccomp %s has no such name on the "
			    "profile's arches; runtimes skip it)",
			    r->names[j], st_libseccomp_version());
		else if (!strcmp(r->action, "SCMP_ACT_NOTIFY") && !strcmp(r->names[j], "write"))
			say(c, ST_CHECK_ERROR, p, RUNC_BASED,
			    "SCMP_ACT_NOTIFY for write (runc: \"cannot be used for the write "
			    "syscall\")");
	}
	PATH(p, "%s.action", path);
	if (st_action_value(r->action, 0, &v) < 0) {
		say(c, ST_CHECK_ERROR, p, ST_RT_ALL, "unknown action \"%s\"", r->action);
	} else if (!strcmp(r->action, "SCMP_ACT_NOTIFY") && !extra(&c->p->extras, "listenerPath")) {
		say(c, ST_CHECK_ERROR, p, RUNC_BASED,
		    "SCMP_ACT_NOTIFY without a listenerPath (runc: \"listenerPath is not set\"; "
		    "crun lets the call fail with ENOSYS)");
	}
	if (r->has_errno_ret) {
		PATH(p, "%s.errnoRet", path);
		if (!st_action_takes_errno(r->action))
			say(c, ST_CHECK_ERROR, p, CRUN_BASED,
			    "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s (runc, "
			    "Docker and containerd ignore it)",
			    r->action);
		else if (!strcmp(r->action, "SCMP_ACT_ERRNO") && r->errno_ret > MAX_ERRNO_RET)
			say(c, ST_CHECK_ERROR, p, ST_RT_ALL,
			    "%u is out of range: libseccomp %s takes 0-%d", r->errno_ret,
			    st_libseccomp_version(), MAX_ERRNO_RET);
		else if (!strcmp(r->action, "SCMP_ACT_ERRNO") && r->errno_ret == 0)
			say(c, ST_CHECK_WARNING, p, 0,
			    "0: the calls return success without being made");
	}
	const struct st_extra *en = extra(&r->extras, "errno");
	if (en)
		check_errno_name(c, PATH(p, "%s.errno", path), en, r->has_errno_ret, r->errno_ret,
				 "errnoRet");
	check_args(c, path, r);
	check_filter(c, PATH(p, "%s.includes", path), r->includes, true);
	check_filter(c, PATH(p, "%s.excludes", path), r->excludes, false);
	check_unknown(c, path, &r->extras, rule_known, ARRAY_SIZE(rule_known));
}

/* A rule's libseccomp action, -1 for an unknown action. */
static int64_t rule_value(const struct st_rule *r)
{
	uint32_t v;

	if (st_action_value(r->action, r->has_errno_ret ? r->errno_ret : DEFAULT_ERRNO, &v) < 0)
		return -1;
	return v;
}

static bool has_filter(const struct st_rule *r)
{
	return st_filter_is_set(r->includes) || st_filter_is_set(r->excludes);
}

static void describe(char *buf, size_t len, const struct st_rule *r)
{
	if (r->has_errno_ret)
		snprintf(buf, len, "%s (errno %u)", r->action, r->errno_ret);
	else
		snprintf(buf, len, "%s", r->action);
}

/* Rules that do not apply: of two unconditional rules of one syscall with
 * other actions, libseccomp keeps the first in every runtime; a rule with
 * argument conditions never applies beside an unconditional rule of another
 * action (libseccomp lets the unconditional one win, whatever the order).
 * Rules with includes/excludes are left alone: whether Docker and podman
 * keep them depends on the container. Rules that repeat the default action
 * are skipped by runtimes, so they decide nothing. */
static void check_conflicts(struct checker *c)
{
	const struct st_profile *p = c->p;
	char path[64], da[64], db[64];

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *a = &p->rules[i];
		int64_t va = rule_value(a);

		if (a->n_args || has_filter(a) || va < 0 || (c->def_ok && va == c->def))
			continue;
		for (size_t j = 0; j < p->n_rules; j++) {
			const struct st_rule *b = &p->rules[j];
			int64_t vb = rule_value(b);

			if (j == i || has_filter(b) || vb < 0 || vb == va ||
			    (c->def_ok && vb == c->def) || (!b->n_args && j < i))
				continue;
			for (size_t k = 0; k < b->n_names; k++) {
				if (!strv_has(a->names, a->n_names, b->names[k]))
					continue;
				describe(da, sizeof(da), a);
				describe(db, sizeof(db), b);
				if (b->n_args)
					say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu]", j), 0,
					    "never applies to \"%s\": syscalls[%zu] makes it %s "
					    "unconditionally, and every runtime lets that rule win "
					    "(libseccomp), whatever the order",
					    b->names[k], i, da);
				else
					say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu]", j), 0,
					    "\"%s\" is %s here but %s in syscalls[%zu]: every "
					    "runtime "
					    "applies the first (libseccomp keeps a syscall's first "
					    "unconditional rule), so this one has no effect",
					    b->names[k], db, da, i);
				break;
			}
		}
	}
}

/* Findings about the whole profile, said once at the first place. */
static void check_whole(struct checker *c)
{
	const struct st_profile *p = c->p;
	char path[64];
	size_t n_filter = 0, n_kernel = 0, n_old = 0, n_kill = 0, n_trace = 0;
	size_t first_filter = 0, first_kernel = 0, first_old = 0, first_kill = 0, first_trace = 0;
	const char *filter_key = NULL;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];

		if (has_filter(r) && !n_filter++) {
			first_filter = i;
			filter_key = st_filter_is_set(r->includes) ? "includes" : "excludes";
		}
		if (((r->includes && r->includes->min_kernel && *r->includes->min_kernel) ||
		     (r->excludes && r->excludes->min_kernel && *r->excludes->min_kernel)) &&
		    !n_kernel++)
			first_kernel = i;
		if (r->old_name && !n_old++)
			first_old = i;
		if ((!strcmp(r->action, "SCMP_ACT_KILL") ||
		     !strcmp(r->action, "SCMP_ACT_KILL_THREAD")) &&
		    !n_kill++)
			first_kill = i;
		if (!strcmp(r->action, "SCMP_ACT_TRACE") && !n_trace++)
			first_trace = i;
	}
	if (n_filter == 1)
		say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu].%s", first_filter, filter_key),
		    0,
		    "includes/excludes are read by Docker and podman only: containerd (ctr, "
		    "Kubernetes) and runc or crun given the profile in config.json ignore them, so "
		    "there the rule applies whatever the capabilities, arch and kernel");
	else if (n_filter)
		say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu].%s", first_filter, filter_key),
		    0,
		    "includes/excludes are read by Docker and podman only: containerd (ctr, "
		    "Kubernetes) and runc or crun given the profile in config.json ignore them, so "
		    "there this rule and the %zu others with includes/excludes apply whatever the "
		    "capabilities, arch and kernel",
		    n_filter - 1);
	if (n_kernel)
		say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu]", first_kernel), 0,
		    "minKernel: Docker keeps %s only from that kernel on; podman 4.3 ignores "
		    "minKernel (%s on any kernel)",
		    n_kernel > 1 ? "these rules" : "the rule",
		    n_kernel > 1 ? "they apply" : "the rule applies");
	if (n_old)
		say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu].name", first_old), ST_RT_CRUN,
		    "old Docker format (\"name\": one syscall per rule, in %zu rule%s): Docker and "
		    "podman read it; containerd and runc ignore such rules, crun given it in "
		    "config.json refuses the profile; use \"names\"",
		    n_old, n_old == 1 ? "" : "s");
	if (n_kill)
		say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu].action", first_kill), 0,
		    "%s kills only the calling thread, in every runtime: the process's other "
		    "threads go on; SCMP_ACT_KILL_PROCESS ends the process",
		    p->rules[first_kill].action);
	if (n_trace)
		say(c, ST_CHECK_WARNING, PATH(path, "syscalls[%zu].action", first_trace), 0,
		    "SCMP_ACT_TRACE lets the call run whenever a tracer with "
		    "PTRACE_O_TRACESECCOMP continues it: %s; it fails with ENOSYS only without a "
		    "tracer. Count it as allowed, or use SCMP_ACT_ERRNO to deny (errnoRet is the "
		    "tracer's message, not an errno)",
		    lets_ptrace(p) ? "this profile lets the workload ptrace, so it can trace "
				     "itself and run it"
				   : "a tracer outside the container can");
}

/* Only once everything is well-formed: what libseccomp itself says, loading
 * the rules the way runc and crun do. */
static void load_into_libseccomp(struct checker *c)
{
	const struct st_profile *p = c->p;
	uint32_t act;
	scmp_filter_ctx ctx;
	cleanup_close int null = -1;
	int rc;

	if (!c->def_ok)
		return;
	ctx = seccomp_init(c->def);
	if (!ctx) {
		say(c, ST_CHECK_ERROR, "defaultAction", ST_RT_ALL, "libseccomp refuses %s",
		    p->default_action);
		return;
	}
	for (size_t i = 0; i < c->n_load; i++) {
		rc = seccomp_arch_add(ctx, c->load[i]);
		if (rc == -EDOM)
			say(c, ST_CHECK_ERROR, c->load_path[i], ST_RT_ALL,
			    "%s cannot be in one filter with the arches before it (another byte "
			    "order or word size)",
			    c->load_name[i]);
		else if (rc < 0 && rc != -EEXIST)
			say(c, ST_CHECK_ERROR, c->load_path[i], ST_RT_ALL,
			    "libseccomp cannot add %s: %s", c->load_name[i], strerror(-rc));
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct st_rule *r = &p->rules[i];
		struct scmp_arg_cmp cmp[6];
		char path[64];
		bool split = false;
		size_t n = 0;

		snprintf(path, sizeof(path), "syscalls[%zu]", i);
		if (st_action_value(r->action, r->has_errno_ret ? r->errno_ret : DEFAULT_ERRNO,
				    &act) < 0)
			continue; /* reported by check_rule */
		if (act == c->def)
			continue; /* runtimes skip rules that repeat the default */
		for (size_t k = 0; k < r->n_args && n < 6; k++) {
			enum scmp_compare op = SCMP_CMP_EQ; /* checked above */

			st_op_value(r->args[k].op, &op);
			cmp[n++] = (struct scmp_arg_cmp){r->args[k].index, op, r->args[k].value,
							 r->args[k].value_two};
			for (size_t l = 0; l < k; l++)
				split |= r->args[k].index == r->args[l].index;
		}
		for (size_t j = 0; j < r->n_names; j++) {
			int nr = *r->names[j] ? seccomp_syscall_resolve_name(r->names[j])
					      : __NR_SCMP_ERROR;

			if (nr == __NR_SCMP_ERROR)
				continue; /* reported above; skipped like runtimes do */
			/* Conditions on one argument cannot be ANDed by libseccomp:
			 * runc and crun add one rule per condition (OR). */
			rc = 0;
			if (split)
				for (size_t k = 0; k < n && rc >= 0; k++)
					rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
			else
				rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, cmp);
			if (rc == -EEXIST)
				say(c, ST_CHECK_ERROR, path, ST_RT_ALL,
				    "another rule gives \"%s\" the same conditions with another "
				    "action "
				    "(libseccomp: File exists)",
				    r->names[j]);
			else if (rc < 0)
				say(c, ST_CHECK_ERROR, path, ST_RT_ALL,
				    "libseccomp refuses the rule for \"%s\": %s", r->names[j],
				    strerror(-rc));
		}
	}
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0 && (rc = seccomp_export_bpf(ctx, null)) < 0)
		say(c, ST_CHECK_ERROR, "profile", ST_RT_ALL,
		    "libseccomp cannot compile the filter: %s", strerror(-rc));
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
		/* TRACE and NOTIFY count: a tracer or an agent may let it run */
		bool by_default = st_action_may_run(p->default_action);
		bool allowed = what == ST_MERGE_COVERED ||
			       (what == ST_MERGE_BLOCKED && st_action_may_run(which->action)) ||
			       (what == ST_MERGE_CONDITIONAL &&
				(by_default || st_action_may_run(which->action))) ||
			       (what == ST_MERGE_ADDED && by_default);

		if (!allowed)
			continue;
		if (o < names_len)
			o += snprintf(names + o, names_len - o, "%s%s", o ? ", " : "", calls[i]);
		if (path[0])
			continue;
		if (!which || (what == ST_MERGE_CONDITIONAL && !st_action_may_run(which->action))) {
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

static const char *const top_known[] = {"flags", "listenerPath", "listenerMetadata",
					"defaultErrno"};

unsigned st_profile_check(const struct st_profile *p, st_check_fn report, void *ctx)
{
	struct checker c = {.p = p, .report = report, .ctx = ctx};
	size_t n_paths = p->n_architectures + 1;
	cleanup_free char(*arch_paths)[64] = NULL;

	for (size_t i = 0; i < p->n_archmap; i++)
		n_paths += 1 + p->archmap[i].n_subs;
	c.def_ok = st_action_value(p->default_action,
				   p->has_default_errno ? p->default_errno_ret : DEFAULT_ERRNO,
				   &c.def) == 0;
	check_default(&c);
	check_flags(&c);
	check_listener(&c);
	/* the arches' paths live until the filter is loaded */
	arch_paths = calloc(n_paths, sizeof(*arch_paths));
	if (arch_paths)
		check_arches(&c, arch_paths);
	else
		say(&c, ST_CHECK_ERROR, "profile", 0, "out of memory: the arches were not checked");
	for (size_t i = 0; i < p->n_rules; i++)
		check_rule(&c, i, &p->rules[i]);
	check_unknown(&c, "", &p->extras, top_known, ARRAY_SIZE(top_known));
	check_whole(&c);
	{
		char names[128], where[64];

		if (st_profile_allows_io_uring(p, names, sizeof(names), where, sizeof(where)))
			say(&c, ST_CHECK_WARNING, where, 0, "allows %s: %s", names,
			    ST_IO_URING_WARNING);
	}
	check_conflicts(&c);
	if (!c.errors)
		load_into_libseccomp(&c);
	return c.errors;
}
