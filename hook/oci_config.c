// SPDX-License-Identifier: Apache-2.0
#include "oci_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
#include "log.h"
#include "strv.h"

#define ENOSYS_ERRNO 38 /* the same on every Linux arch */

/* v is an object whose fields (known) read the same to runc and crun: no
 * key twice, none that Go's encoding/json would take for one of known while
 * crun (exact keys) would not. */
static int object(yajl_val v, const char *where, const char *const *known, struct st_error *err)
{
	if (!YAJL_IS_OBJECT(v))
		return st_error_set(err, 0, "%s: expected an object", where);
	if (st_json_check_keys(v, where, err) < 0 || st_json_check_fold(v, where, known, err) < 0)
		return -1;
	return 0;
}

/* Field `name` of a checked object; NULL when absent or null. */
static yajl_val field(yajl_val obj, const char *name)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], name))
			return YAJL_IS_NULL(obj->u.object.values[i]) ? NULL
								     : obj->u.object.values[i];
	return NULL;
}

static int errno_value(yajl_val v, const char *where, uint32_t *out, struct st_error *err)
{
	uint64_t n;

	if (st_json_u64(v, where, &n, err) < 0)
		return -1;
	/* runc and crun keep it as a uint; the kernel takes 16 bits of it */
	if (n > UINT32_MAX)
		return st_error_set(err, 0, "%s: %llu is out of range", where,
				    (unsigned long long)n);
	*out = (uint32_t)n;
	return 0;
}

/* runtime-spec LinuxSyscall: an unconditional SCMP_ACT_ERRNO rule answering
 * ENOSYS adds its names to f->enosys. */
static int read_rule(yajl_val r, size_t i, struct st_recording_filter *f, struct st_error *err)
{
	static const char *const known[] = {"names", "action", "errnoRet", "args", NULL};
	char where[96];
	yajl_val names, action, errno_ret, args;
	const char *act;
	uint32_t e = 0;

	snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu]", i);
	if (object(r, where, known, err) < 0)
		return -1;
	names = field(r, "names");
	action = field(r, "action");
	errno_ret = field(r, "errnoRet");
	args = field(r, "args");
	snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu].action", i);
	if (!action || st_json_string(action, where, &act, err) < 0)
		return action ? -1 : 0;
	if (strcmp(act, "SCMP_ACT_ERRNO") || !errno_ret)
		return 0;
	snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu].errnoRet", i);
	if (errno_value(errno_ret, where, &e, err) < 0)
		return -1;
	if (e != ENOSYS_ERRNO || !names)
		return 0;
	if (args && (!YAJL_IS_ARRAY(args) || args->u.array.len))
		return 0; /* conditional: which calls it refused is not known */
	snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu].names", i);
	if (!YAJL_IS_ARRAY(names))
		return st_error_set(err, 0, "%s: expected an array", where);
	for (size_t k = 0; k < names->u.array.len; k++) {
		const char *n;

		snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu].names[%zu]", i, k);
		if (st_json_string(names->u.array.values[k], where, &n, err) < 0 ||
		    strv_add_unique(&f->enosys, &f->n_enosys, n, err) < 0)
			return -1;
	}
	return 0;
}

static int read_seccomp(yajl_val sc, struct st_recording_filter *f, struct st_error *err)
{
	static const char *const known[] = {"defaultAction", "defaultErrnoRet", "syscalls", NULL};
	const char *where = "linux.seccomp";
	yajl_val action, errno_ret, syscalls;
	const char *act;

	if (object(sc, where, known, err) < 0)
		return -1;
	action = field(sc, "defaultAction");
	errno_ret = field(sc, "defaultErrnoRet");
	syscalls = field(sc, "syscalls");
	f->present = true;
	if (action) {
		if (st_json_string(action, "linux.seccomp.defaultAction", &act, err) < 0)
			return -1;
		if (!(f->default_action = strdup(act)))
			return st_error_set(err, ENOMEM, "linux.seccomp");
	}
	if (errno_ret) {
		if (errno_value(errno_ret, "linux.seccomp.defaultErrnoRet", &f->default_errno,
				err) < 0)
			return -1;
		f->has_default_errno = true;
	}
	if (!syscalls)
		return 0;
	if (!YAJL_IS_ARRAY(syscalls))
		return st_error_set(err, 0, "linux.seccomp.syscalls: expected an array");
	for (size_t i = 0; i < syscalls->u.array.len; i++)
		if (read_rule(syscalls->u.array.values[i], i, f, err) < 0)
			return -1;
	strv_sort(f->enosys, f->n_enosys);
	return 0;
}

int st_recording_filter_parse(const char *text, size_t len, const char *what,
			      struct st_recording_filter *out, struct st_error *err)
{
	static const char *const root_known[] = {"linux", NULL};
	static const char *const linux_known[] = {"seccomp", NULL};
	cleanup_yajl_tree yajl_val root = NULL;
	yajl_val linux_v, seccomp;
	int rc;

	memset(out, 0, sizeof(*out));
	if (st_json_parse(text, len, what, &root, err) < 0)
		return -1;
	rc = object(root, "config.json", root_known, err);
	linux_v = rc == 0 ? field(root, "linux") : NULL;
	if (linux_v) {
		rc = object(linux_v, "linux", linux_known, err);
		seccomp = rc == 0 ? field(linux_v, "seccomp") : NULL;
		if (seccomp)
			rc = read_seccomp(seccomp, out, err);
	}
	if (rc < 0) {
		st_recording_filter_free(out);
		return st_error_wrap(err, "%s", what);
	}
	return 0;
}

int st_recording_filter_read(const char *bundle, struct st_recording_filter *out,
			     struct st_error *err)
{
	cleanup_free char *path = NULL, *text = NULL;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!bundle || bundle[0] != '/')
		return st_error_set(err, 0, "OCI state: bundle: not an absolute path");
	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return st_error_set(err, ENOMEM, "config.json");
	if (st_read_file(path, ST_MAX_CONFIG_BYTES, &text, &len, err) < 0)
		return -1;
	return st_recording_filter_parse(text, len, path, out, err);
}

void st_recording_filter_free(struct st_recording_filter *f)
{
	free(f->default_action);
	strv_free(f->enosys, f->n_enosys);
	memset(f, 0, sizeof(*f));
}

/* The names of f->enosys that p has no rule for, in one SCMP_ACT_ERRNO rule. */
static int add_enosys_rule(const struct st_recording_filter *f, struct st_profile *p,
			   size_t first_own, struct st_error *err)
{
	struct st_rule rule = {0};
	const struct st_rule *which;

	for (size_t i = 0; i < f->n_enosys; i++)
		if (st_profile_classify(p, f->enosys[i], &which) == ST_MERGE_ADDED &&
		    strv_append(&rule.names, &rule.n_names, f->enosys[i], err) < 0)
			goto fail;
	if (!rule.n_names)
		return 0;
	rule.has_errno_ret = true;
	rule.errno_ret = ENOSYS_ERRNO;
	if (!(rule.action = strdup(ST_ACT_ERRNO)) ||
	    !(rule.comment = strdup("refused with ENOSYS while recording (the container's seccomp "
				    "filter): programs fall back on ENOSYS only"))) {
		st_error_set(err, ENOMEM, "cannot build profile");
		goto fail;
	}
	{
		cleanup_free char *list = strv_join(rule.names, rule.n_names, " ");

		st_info(
		    "refused with ENOSYS while recording, so refused with ENOSYS by the profile "
		    "too (the workload may have fallen back): %s",
		    list ? list : "");
	}
	if (st_profile_add_rule(p, &rule, err) < 0)
		goto fail;
	/* a denial before the trace's allows: the order merge gives */
	rule = p->rules[p->n_rules - 1];
	memmove(&p->rules[first_own + 1], &p->rules[first_own],
		(p->n_rules - 1 - first_own) * sizeof(*p->rules));
	p->rules[first_own] = rule;
	return 0;
fail:
	st_rule_clear(&rule);
	return -1;
}

int st_recording_filter_apply(const struct st_recording_filter *f, struct st_profile *p,
			      size_t first_own, const char *final_action, struct st_error *err)
{
	const char *action = final_action ? final_action : p->default_action;
	bool errno_default = action && !strcmp(action, ST_ACT_ERRNO);
	bool recording_errno = f->default_action && !strcmp(f->default_action, ST_ACT_ERRNO);

	if (!f->present)
		return 0;
	if (recording_errno && f->has_default_errno && errno_default) {
		if (!p->has_default_errno) {
			p->has_default_errno = true;
			p->default_errno_ret = f->default_errno;
			st_info("defaultErrnoRet %u kept from the container's seccomp filter: the "
				"calls it refused got that errno while recording, and the workload "
				"went on with it (--errno sets another)",
				f->default_errno);
		} else if (p->default_errno_ret != f->default_errno) {
			st_warn("the base profile's defaultErrnoRet %u stays, although the "
				"container's seccomp filter answered %u to the calls it refused",
				p->default_errno_ret, f->default_errno);
		}
	}
	if (errno_default && p->has_default_errno && p->default_errno_ret == ENOSYS_ERRNO)
		return 0; /* every call left out answers ENOSYS already */
	return add_enosys_rule(f, p, first_own, err);
}
