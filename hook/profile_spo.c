// SPDX-License-Identifier: Apache-2.0
/* A security-profiles-operator SeccompProfile (v1beta1) in YAML. Strings are
 * written plain when they are simple tokens and JSON-quoted otherwise (a JSON
 * string is a valid YAML scalar). The operator's schema has no archMap,
 * includes, excludes or comment: archMap is flattened into architectures,
 * rules with includes/excludes cannot be expressed and are left out (with a
 * warning: the result is narrower, never wider). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "profile_spo.h"
#include "strv.h"
#include "util.h"

struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if (b->s && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		size_t cap = (b->cap ? b->cap : 4096) * 2 + n;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->failed = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
}

static bool plain(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return false;
	/* YAML would read these as something other than a string */
	static const char *const special[] = {"true", "false", "yes", "no", "null",
					      "on",   "off",   "y",   "n",  "~"};
	for (size_t i = 0; i < ARRAY_SIZE(special); i++)
		if (!strcasecmp(s, special[i]))
			return false;
	return !(*s >= '0' && *s <= '9') && *s != '-' && *s != '.';
}

static void put_str(struct buf *b, const char *s)
{
	if (plain(s)) {
		put(b, "%s", s);
		return;
	}
	put(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(b, "\\%c", *p);
		else if (*p < 0x20)
			put(b, "\\u%04x", *p);
		else
			put(b, "%c", *p);
	}
	put(b, "\"");
}

static void put_list_item(struct buf *b, const char *indent, const char *s)
{
	put(b, "%s- ", indent);
	put_str(b, s);
	put(b, "\n");
}

static void put_arches(struct buf *b, char *const *arches, size_t n)
{
	if (!n)
		return;
	put(b, "  architectures:\n");
	for (size_t i = 0; i < n; i++)
		put_list_item(b, "  ", arches[i]);
}

/* The profile's other members: flags and listenerPath have a place. */
static void put_extras(struct buf *b, const struct st_extras *extras)
{
	for (size_t i = 0; i < extras->n; i++) {
		const struct st_extra *e = &extras->v[i];

		if (!strcmp(e->key, "flags") && YAJL_IS_ARRAY(e->val)) {
			put(b, "  flags:\n");
			for (size_t j = 0; j < e->val->u.array.len; j++)
				if (YAJL_IS_STRING(e->val->u.array.values[j]))
					put_list_item(b, "  ", e->val->u.array.values[j]->u.string);
		} else if (!strcmp(e->key, "listenerPath") && YAJL_IS_STRING(e->val)) {
			put(b, "  listenerPath: ");
			put_str(b, e->val->u.string);
			put(b, "\n");
		} else {
			st_warn("SeccompProfile: field %s has no place in the operator's schema; "
				"left out",
				e->key);
		}
	}
}

static void put_rule(struct buf *b, size_t i, const struct st_rule *r)
{
	if (st_filter_is_set(r->includes) || st_filter_is_set(r->excludes)) {
		st_warn("SeccompProfile: rule syscalls[%zu] (%s%s) depends on includes/"
			"excludes, which the operator cannot express; left out",
			i, r->n_names ? r->names[0] : "", r->n_names > 1 ? ", ..." : "");
		return;
	}
	if (!r->n_names)
		return;
	put(b, "  - action: ");
	put_str(b, r->action);
	put(b, "\n    names:\n");
	for (size_t j = 0; j < r->n_names; j++)
		put_list_item(b, "    ", r->names[j]);
	if (r->has_errno_ret)
		put(b, "    errnoRet: %u\n", r->errno_ret);
	if (r->n_args)
		put(b, "    args:\n");
	for (size_t k = 0; k < r->n_args; k++) {
		const struct st_arg *a = &r->args[k];

		put(b,
		    "    - index: %u\n      value: %" PRIu64 "\n      valueTwo: %" PRIu64
		    "\n      op: ",
		    a->index, a->value, a->value_two);
		put_str(b, a->op);
		put(b, "\n");
	}
}

int st_profile_to_spo(const struct st_profile *p, const char *name, char **out, size_t *len,
		      struct st_error *err)
{
	struct buf b = {0};
	char **arches = NULL;
	size_t n_arches = 0;

	/* The operator's schema has architectures only: archMap flattened. */
	if (st_profile_arch_set(p, &arches, &n_arches, err) < 0)
		return -1;
	put(&b, "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
		"kind: SeccompProfile\n"
		"metadata:\n"
		"  name: ");
	put_str(&b, name);
	put(&b, "\nspec:\n  defaultAction: ");
	put_str(&b, p->default_action);
	put(&b, "\n");
	put_arches(&b, arches, n_arches);
	strv_free(arches, n_arches);
	put_extras(&b, &p->extras);
	if (p->has_default_errno)
		st_warn("SeccompProfile: defaultErrnoRet %u has no place in the operator's "
			"schema; left out",
			p->default_errno_ret);
	put(&b, "  syscalls:\n");
	for (size_t i = 0; i < p->n_rules; i++)
		put_rule(&b, i, &p->rules[i]);
	if (b.failed) {
		free(b.s);
		return st_error_set(err, ENOMEM, "cannot render the SeccompProfile");
	}
	*out = b.s;
	*len = b.len;
	return 0;
}
