// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace merge: see profile_merge.h for the rules. The merge works on
 * (syscall, rule) entries: every name of every rule of every input, with a
 * canonical key of the rule's action and conditions. A syscall's entries are
 * settled on their own, by rules that only ever drop an entry that a larger
 * set of inputs would drop too; so settling settled entries again, with more
 * inputs, gives what settling everything at once gives (associativity), and
 * nothing depends on the order entries come in (commutativity). */
#include "profile_merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "profile_check.h"
#include "profile_ops.h"
#include "strv.h"
#include "syscalls.h"
#include "util.h"

/* ---- canonical keys ---- */

/* Docker's archMap order: each 64-bit arch, then its 32-bit relatives. */
static const char *const arch_order[] = {
    "SCMP_ARCH_X86_64",	  "SCMP_ARCH_X86",	   "SCMP_ARCH_X32",	  "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_ARM",	  "SCMP_ARCH_MIPS64",	   "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_MIPSEL",	  "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_PPC64",	  "SCMP_ARCH_PPC",	   "SCMP_ARCH_S390X",	  "SCMP_ARCH_S390",
    "SCMP_ARCH_RISCV64",  "SCMP_ARCH_PARISC64",	   "SCMP_ARCH_PARISC",
};

int st_arch_cmp(const char *a, const char *b)
{
	size_t ia = ARRAY_SIZE(arch_order), ib = ARRAY_SIZE(arch_order);

	for (size_t i = 0; i < ARRAY_SIZE(arch_order); i++) {
		if (!strcmp(a, arch_order[i]))
			ia = i;
		if (!strcmp(b, arch_order[i]))
			ib = i;
	}
	if (ia != ib)
		return ia < ib ? -1 : 1;
	return strcmp(a, b);
}

static int arch_qcmp(const void *a, const void *b)
{
	return st_arch_cmp(*(char *const *)a, *(char *const *)b);
}

/* qsort, which must not be given NULL even for no elements. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Strings length-prefixed, so that no content can fake a delimiter. */
static void put_str(FILE *f, const char *s)
{
	fprintf(f, "%zu:%s", strlen(s), s);
}

static int key_qcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Any JSON value, object members sorted by key. */
static int put_json(FILE *f, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		size_t n = v->u.object.len;
		cleanup_free size_t *idx = calloc(n + 1, sizeof(*idx));

		if (!idx)
			return -1;
		for (size_t i = 0; i < n; i++)
			idx[i] = i;
		/* insertion sort by key: objects in profiles are small */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && strcmp(v->u.object.keys[idx[j - 1]],
							   v->u.object.keys[idx[j]]) > 0;
			     j--) {
				size_t t = idx[j];
				idx[j] = idx[j - 1];
				idx[j - 1] = t;
			}
		fputc('{', f);
		for (size_t i = 0; i < n; i++) {
			put_str(f, v->u.object.keys[idx[i]]);
			fputc('=', f);
			if (put_json(f, v->u.object.values[idx[i]]) < 0)
				return -1;
			fputc(',', f);
		}
		fputc('}', f);
	} else if (YAJL_IS_ARRAY(v)) {
		fputc('[', f);
		for (size_t i = 0; i < v->u.array.len; i++) {
			if (put_json(f, v->u.array.values[i]) < 0)
				return -1;
			fputc(',', f);
		}
		fputc(']', f);
	} else if (YAJL_IS_STRING(v)) {
		fputc('s', f);
		put_str(f, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		fprintf(f, "n%s", v->u.number.r);
	} else if (YAJL_IS_TRUE(v)) {
		fputc('t', f);
	} else if (YAJL_IS_FALSE(v)) {
		fputc('f', f);
	} else {
		fputc('z', f);
	}
	return 0;
}

/* Members kept verbatim, by key; null ones are absent to every runtime. */
static int put_extras(FILE *f, const struct st_extras *e)
{
	cleanup_free const char **keys = calloc(e->n + 1, sizeof(*keys));
	size_t n = 0;

	if (!keys)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		if (!YAJL_IS_NULL(e->v[i].val))
			keys[n++] = e->v[i].key;
	sort(keys, n, sizeof(*keys), key_qcmp);
	fputc('{', f);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < e->n; j++)
			if (e->v[j].key == keys[i]) {
				put_str(f, keys[i]);
				fputc('=', f);
				if (put_json(f, e->v[j].val) < 0)
					return -1;
				fputc(',', f);
			}
	fputc('}', f);
	return 0;
}

static bool extras_any(const struct st_extras *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (!YAJL_IS_NULL(e->v[i].val))
			return true;
	return false;
}

/* Does an includes/excludes say anything (empty lists and "" say nothing)? */
static bool filter_restricts(const struct st_filter *f)
{
	return f && (f->n_arches || f->n_caps || (f->min_kernel && *f->min_kernel) ||
		     extras_any(&f->extras));
}

static int put_set(FILE *f, char *const *v, size_t n)
{
	cleanup_free char **c = calloc(n + 1, sizeof(*c));

	if (!c)
		return -1;
	if (n)
		memcpy(c, v, n * sizeof(*c));
	strv_sort(c, n);
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(c[i], c[i - 1]))
			continue;
		put_str(f, c[i]);
		fputc(',', f);
	}
	fputc(']', f);
	return 0;
}

static int put_filter(FILE *f, const struct st_filter *flt)
{
	if (!filter_restricts(flt)) {
		fputc('-', f);
		return 0;
	}
	fputs("{a", f);
	if (put_set(f, flt->arches, flt->n_arches) < 0)
		return -1;
	fputc('c', f);
	if (put_set(f, flt->caps, flt->n_caps) < 0)
		return -1;
	fputc('k', f);
	put_str(f, flt->min_kernel ? flt->min_kernel : "");
	fputc('x', f);
	if (put_extras(f, &flt->extras) < 0)
		return -1;
	fputc('}', f);
	return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* The order of a rule's args in canonical output; extras compared by key. */
static int arg_cmp(const struct st_arg *a, const struct st_arg *b)
{
	int c = cmp_u64(a->index, b->index);

	if (!c)
		c = strcmp(a->op, b->op);
	if (!c)
		c = cmp_u64(a->value, b->value);
	if (!c)
		c = (int)a->has_value_two - (int)b->has_value_two;
	if (!c)
		c = cmp_u64(a->value_two, b->value_two);
	return c;
}

static int arg_qcmp(const void *a, const void *b)
{
	return arg_cmp(a, b);
}

static int arg_pqcmp(const void *a, const void *b)
{
	return arg_cmp(*(const struct st_arg *const *)a, *(const struct st_arg *const *)b);
}

/* What merge knows of one rule of an input. */
struct rkey {
	char *cond;		  /* args, includes, excludes and unknown members, canonical */
	char *full;		  /* action and errno, then cond */
	bool plain;		  /* no condition at all: applies to every call */
	bool args;		  /* argument conditions */
	bool allows;		  /* kind == ST_KIND_RUNS */
	enum st_action_kind kind; /* profile.h: what the action lets run */
	int rank;		  /* strength of the action: lower is more restrictive */
	uint32_t eff_errno;	  /* what an errno action returns (EPERM when not given) */
	bool has_errno;
};

/* Most restrictive first; an allow ranks after every denial. */
static int action_rank(const char *a)
{
	static const char *const order[] = {
	    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL",	"SCMP_ACT_TRAP",
	    "SCMP_ACT_ERRNO",	     "SCMP_ACT_TRACE",	     "SCMP_ACT_NOTIFY",
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (!strcmp(a, order[i]))
			return (int)i;
	if (!strcmp(a, "SCMP_ACT_LOG"))
		return 20;
	if (!strcmp(a, ST_ACT_ALLOW))
		return 21;
	return 10; /* an action runtimes refuse: a denial of some kind */
}

static int rkey_make(const struct st_rule *r, struct rkey *k)
{
	cleanup_free const struct st_arg **args = calloc(r->n_args + 1, sizeof(*args));
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	memset(k, 0, sizeof(*k));
	if (!args || !(f = open_memstream(&buf, &len)))
		return -1;
	for (size_t i = 0; i < r->n_args; i++)
		args[i] = &r->args[i];
	sort(args, r->n_args, sizeof(*args), arg_pqcmp);
	fputs("args[", f);
	for (size_t i = 0; i < r->n_args && rc == 0; i++) {
		const struct st_arg *a = args[i];

		fprintf(f, "(%u,", a->index);
		put_str(f, a->op);
		fprintf(f, ",%llu,", (unsigned long long)a->value);
		if (a->has_value_two)
			fprintf(f, "%llu", (unsigned long long)a->value_two);
		else
			fputc('-', f);
		rc = put_extras(f, &a->extras);
		fputc(')', f);
	}
	fputs("]inc", f);
	if (rc == 0)
		rc = put_filter(f, r->includes);
	fputs("exc", f);
	if (rc == 0)
		rc = put_filter(f, r->excludes);
	fputs("x", f);
	if (rc == 0)
		rc = put_extras(f, &r->extras);
	if (fclose(f) != 0 || rc < 0) {
		free(buf);
		return -1;
	}
	k->cond = buf;
	k->has_errno = r->has_errno_ret;
	k->eff_errno = r->has_errno_ret ? r->errno_ret : EPERM;
	if (asprintf(&k->full, "%s|%s%u|%s", r->action, r->has_errno_ret ? "" : "-",
		     r->has_errno_ret ? r->errno_ret : 0, k->cond) < 0) {
		k->full = NULL;
		return -1;
	}
	k->args = r->n_args > 0;
	k->plain = !k->args && !filter_restricts(r->includes) && !filter_restricts(r->excludes);
	k->kind = st_action_kind(r->action);
	k->allows = k->kind == ST_KIND_RUNS;
	k->rank = action_rank(r->action);
	return 0;
}

/* < 0: a is stronger (more restrictive; LOG over ALLOW). A total order. */
static int strength_cmp(const struct rkey *a, const struct rkey *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	/* ENOSYS (38) over EPERM (1): libc falls back to an older call */
	if (a->eff_errno != b->eff_errno)
		return a->eff_errno > b->eff_errno ? -1 : 1;
	if (a->has_errno != b->has_errno)
		return a->has_errno ? -1 : 1;
	return strcmp(a->full, b->full);
}

/* ---- entries ---- */

struct entry {
	const char *name;
	const struct st_rule *rule;
	const struct rkey *key;
	size_t in; /* input */
	size_t ri; /* rule index in its input */
	bool dropped;
};

struct merger {
	const struct st_profile *const *in;
	const char *const *names;
	size_t n_in;
	const struct st_merge_opts *o;
	struct rkey **keys; /* keys[input][rule] */
	struct entry *e;
	size_t n_e;
};

static int entry_qcmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (!c)
		c = x->in < y->in ? -1 : x->in > y->in;
	if (!c)
		c = x->ri < y->ri ? -1 : x->ri > y->ri;
	return c;
}

static int collect(struct merger *m, struct st_error *err)
{
	size_t n = 0;

	m->keys = calloc(m->n_in + 1, sizeof(*m->keys));
	if (!m->keys)
		return st_error_set(err, ENOMEM, "merge");
	for (size_t i = 0; i < m->n_in; i++) {
		const struct st_profile *p = m->in[i];

		m->keys[i] = calloc(p->n_rules + 1, sizeof(**m->keys));
		if (!m->keys[i])
			return st_error_set(err, ENOMEM, "merge");
		for (size_t j = 0; j < p->n_rules; j++) {
			if (rkey_make(&p->rules[j], &m->keys[i][j]) < 0)
				return st_error_set(err, ENOMEM, "merge");
			n += p->rules[j].n_names;
		}
	}
	m->e = calloc(n + 1, sizeof(*m->e));
	if (!m->e)
		return st_error_set(err, ENOMEM, "merge");
	for (size_t i = 0; i < m->n_in; i++)
		for (size_t j = 0; j < m->in[i]->n_rules; j++) {
			const struct st_rule *r = &m->in[i]->rules[j];

			for (size_t k = 0; k < r->n_names; k++)
				m->e[m->n_e++] =
				    (struct entry){r->names[k], r, &m->keys[i][j], i, j, false};
		}
	sort(m->e, m->n_e, sizeof(*m->e), entry_qcmp);
	return 0;
}

/* "a.json, b.json": the inputs of the live entries of [b, e) that match. */
static void sources(const struct merger *m, const struct entry *b, const struct entry *e,
		    bool (*match)(const struct entry *), char *buf, size_t len)
{
	size_t o = 0, last = (size_t)-1;

	buf[0] = '\0';
	for (const struct entry *x = b; x < e; x++) {
		if (!match(x) || x->in == last)
			continue;
		/* entries are sorted by input: one mention each */
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? ", " : "",
			      m->names[x->in]);
		last = x->in;
		if (o >= len)
			break;
	}
}

/* Classes of a live entry (the predicates `sources` takes). */
static bool is_pa(const struct entry *x)
{
	return !x->dropped && x->key->plain && x->key->allows;
}
static bool is_pd(const struct entry *x)
{
	return !x->dropped && x->key->plain && !x->key->allows;
}
static bool is_ca(const struct entry *x)
{
	return !x->dropped && !x->key->plain && x->key->allows;
}
static bool is_cd(const struct entry *x)
{
	return !x->dropped && !x->key->plain && !x->key->allows;
}
static bool is_args_cd(const struct entry *x)
{
	return is_cd(x) && x->key->args;
}

/* Libseccomp applies a syscall's unconditional rule whatever else the
 * profile says of it: an input's argument rules beside its own unconditional
 * rule never apply (runc and crun load them, to no effect). */
static void drop_shadowed(const struct merger *m, struct entry *b, struct entry *e)
{
	for (struct entry *x = b; x < e;) {
		struct entry *end = x;
		const struct entry *plain = NULL;
		bool any = false;

		while (end < e && end->in == x->in)
			end++;
		for (struct entry *y = x; y < end; y++)
			if (y->key->plain && !plain)
				plain = y;
		for (struct entry *y = x; plain && y < end; y++)
			if (y->key->args) {
				y->dropped = true;
				any = true;
			}
		if (any)
			st_warn(
			    "%s: %s's rules with argument conditions never apply beside its "
			    "unconditional syscalls[%zu] (libseccomp lets the unconditional rule "
			    "win in every runtime): left out",
			    m->names[x->in], x->name, plain->ri);
		x = end;
	}
}

/* The strongest of the live entries that match; NULL if none. */
static const struct entry *strongest(struct entry *b, struct entry *e,
				     bool (*match)(const struct entry *))
{
	const struct entry *best = NULL;

	for (struct entry *x = b; x < e; x++)
		if (match(x) && (!best || strength_cmp(x->key, best->key) < 0))
			best = x;
	return best;
}

/* Keep, of the live entries that match, those whose full key is best's. */
static void keep_only(struct entry *b, struct entry *e, bool (*match)(const struct entry *),
		      const struct entry *best)
{
	for (struct entry *x = b; x < e; x++)
		if (match(x) && strcmp(x->key->full, best->key->full))
			x->dropped = true;
}

static void drop_all(struct entry *b, struct entry *e, bool (*match)(const struct entry *))
{
	for (struct entry *x = b; x < e; x++)
		if (match(x))
			x->dropped = true;
}

/* Conditional entries with the same conditions and other actions: one stays
 * (libseccomp refuses two such rules): the denial, or with allows_first the
 * allow, then the stronger action. */
static void settle_same_conditions(struct entry *b, struct entry *e, bool allows_first)
{
	for (struct entry *x = b; x < e; x++) {
		const struct entry *best = NULL;

		if (x->dropped || x->key->plain)
			continue;
		for (struct entry *y = b; y < e; y++) {
			if (y->dropped || y->key->plain || strcmp(y->key->cond, x->key->cond))
				continue;
			if (!best) {
				best = y;
			} else if (y->key->allows != best->key->allows) {
				if (y->key->allows == allows_first)
					best = y;
			} else if (strength_cmp(y->key, best->key) < 0) {
				best = y;
			}
		}
		for (struct entry *y = b; y < e; y++)
			if (!y->dropped && !y->key->plain && !strcmp(y->key->cond, x->key->cond) &&
			    strcmp(y->key->full, best->key->full))
				y->dropped = true;
	}
}

static bool is_allow(const struct entry *x)
{
	return !x->dropped && x->key->allows;
}
static bool is_deny(const struct entry *x)
{
	return !x->dropped && !x->key->allows;
}

/* Kinds of a live entry: a TRACE or NOTIFY (may let the call run), a
 * denial that never does (KILL*, TRAP, ERRNO). */
static bool is_may(const struct entry *x)
{
	return !x->dropped && x->key->kind == ST_KIND_MAY_RUN;
}
static bool is_hard_deny(const struct entry *x)
{
	return !x->dropped && x->key->kind == ST_KIND_DENY;
}
static bool is_hard_cd(const struct entry *x)
{
	return is_hard_deny(x) && !x->key->plain;
}
static bool is_hard_args_cd(const struct entry *x)
{
	return is_hard_cd(x) && x->key->args;
}

/* --allow-wins: the most permissive kind present decides (an allow, else a
 * TRACE or NOTIFY, which may let the call run), the others' denials go. */
static void settle_allow_wins(const struct merger *m, struct entry *b, struct entry *e)
{
	bool (*loser)(const struct entry *) = strongest(b, e, is_allow) ? is_deny : is_hard_deny;
	bool (*winner)(const struct entry *) = loser == is_deny ? is_allow : is_may;
	const struct entry *pa = strongest(b, e, is_pa), *pd;
	char src[512], src2[512];

	if (strongest(b, e, winner) && strongest(b, e, loser)) {
		sources(m, b, e, winner, src, sizeof(src));
		sources(m, b, e, loser, src2, sizeof(src2));
		st_info("%s: %s by %s; the denials of %s are left out (--allow-wins)", b->name,
			winner == is_allow ? "allowed" : "may run (SCMP_ACT_TRACE or _NOTIFY)", src,
			src2);
		drop_all(b, e, loser);
	}
	if (winner == is_allow && pa) {
		keep_only(b, e, is_pa, pa);
		drop_all(b, e, is_ca);
	} else if (winner == is_allow) {
		settle_same_conditions(b, e, true);
	} else if ((pd = strongest(b, e, is_pd))) {
		keep_only(b, e, is_pd, pd);
		drop_all(b, e, is_cd);
	} else {
		settle_same_conditions(b, e, false);
	}
}

/* An unconditional rule that lets the call run, or may (TRACE, NOTIFY), kept
 * beside the conditional denials stronger than it (a denial beside a TRACE):
 * with argument conditions libseccomp would drop them and leaving the rule
 * out would break what its inputs run, so the merge fails; those that only
 * depend on includes/excludes stay, written before it. */
static int check_stronger_conditional(const struct merger *m, struct entry *b, struct entry *e,
				      bool (*plain)(const struct entry *),
				      bool (*args_cd)(const struct entry *), struct st_error *err)
{
	char src[512], src2[512];

	if (!strongest(b, e, args_cd))
		return 0;
	sources(m, b, e, plain, src, sizeof(src));
	sources(m, b, e, args_cd, src2, sizeof(src2));
	return st_error_set(err, 0,
			    "cannot merge: %s %s %s unconditionally and %s denies it under "
			    "argument conditions; beside an unconditional rule no runtime applies "
			    "that denial (libseccomp), and leaving the rule out would break what "
			    "%s runs: change one of them, or --allow-wins to allow it",
			    src, plain == is_pa ? "allows" : "gives SCMP_ACT_TRACE or _NOTIFY to",
			    b->name, src2, src);
}

/* An unconditional denial decides; a TRACE or NOTIFY one only over what
 * never runs less than it. */
static int settle_plain_deny(const struct merger *m, struct entry *b, struct entry *e,
			     const struct entry *pd, struct st_error *err)
{
	bool may = pd->key->kind == ST_KIND_MAY_RUN;
	char src[512], src2[512];

	if (may && check_stronger_conditional(m, b, e, is_pd, is_hard_args_cd, err) < 0)
		return -1;
	keep_only(b, e, is_pd, pd);
	if (strongest(b, e, is_allow)) {
		sources(m, b, e, is_pd, src, sizeof(src));
		sources(m, b, e, is_allow, src2, sizeof(src2));
		st_info("%s: %s (%s) by %s: the allows of %s are left out "
			"(--allow-wins to allow it)",
			b->name, may ? "may run only through a tracer or agent" : "denied",
			pd->rule->action, src, src2);
		drop_all(b, e, is_allow);
	}
	for (struct entry *x = b; x < e; x++)
		if (is_cd(x) && !(may && is_hard_cd(x)))
			x->dropped = true;
	settle_same_conditions(b, e, false);
	return 0;
}

/* One syscall's entries [b, e), sorted by input. */
static int settle(const struct merger *m, struct entry *b, struct entry *e, struct st_error *err)
{
	const struct entry *pa, *pd;
	char src[512], src2[512];

	drop_shadowed(m, b, e);
	pa = strongest(b, e, is_pa);
	pd = strongest(b, e, is_pd);
	if (m->o->allow_wins) {
		settle_allow_wins(m, b, e);
		return 0;
	}
	if (pd)
		return settle_plain_deny(m, b, e, pd, err);
	if (pa) {
		if (check_stronger_conditional(m, b, e, is_pa, is_args_cd, err) < 0)
			return -1;
		keep_only(b, e, is_pa, pa);
		if (strongest(b, e, is_ca)) {
			sources(m, b, e, is_pa, src, sizeof(src));
			sources(m, b, e, is_ca, src2, sizeof(src2));
			st_info("%s: the unconditional allow of %s subsumes the conditional allows "
				"of %s",
				b->name, src, src2);
			drop_all(b, e, is_ca);
		}
	}
	settle_same_conditions(b, e, false);
	return 0;
}

/* ---- output rules ---- */

/* A kept (syscall, rule) pair, deduplicated. */
struct kept {
	const char *name;
	const struct st_rule *rule; /* the rule this output rule is built from */
	const struct rkey *key;
	const char *comment; /* the largest comment of the pair's rules ("" none) */
	int section;
};

/* Denials before TRACE and NOTIFY before allows (Docker and podman apply
 * the first of two unconditional rules of a syscall, which includes/excludes
 * can make of conditional ones), unconditional before conditional. */
static int section_of(const struct rkey *k)
{
	return (int)k->kind * 2 + (k->plain ? 0 : 1);
}

static int kept_qcmp(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;
	int c = x->section - y->section;

	if (!c)
		c = strcmp(x->key->full, y->key->full);
	if (!c)
		c = strcmp(x->comment, y->comment);
	if (!c)
		c = strcmp(x->name, y->name);
	return c;
}

static void extras_sort_clean(struct st_extras *e)
{
	size_t k = 0;

	for (size_t i = 0; i < e->n; i++) {
		if (YAJL_IS_NULL(e->v[i].val)) {
			free(e->v[i].key);
			yajl_tree_free(e->v[i].val);
			continue;
		}
		e->v[k++] = e->v[i];
	}
	e->n = k;
	for (size_t i = 1; i < e->n; i++)
		for (size_t j = i; j > 0 && strcmp(e->v[j - 1].key, e->v[j].key) > 0; j--) {
			struct st_extra t = e->v[j];
			e->v[j] = e->v[j - 1];
			e->v[j - 1] = t;
		}
	if (!e->n) {
		free(e->v);
		e->v = NULL;
	}
}

static void strv_dedup_sorted(char **v, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		if (k && !strcmp(v[k - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
	if (v)
		v[k] = NULL;
}

static void filter_canon(struct st_filter **pf)
{
	struct st_filter *f = *pf;

	if (!f)
		return;
	extras_sort_clean(&f->extras);
	if (!filter_restricts(f)) {
		strv_free(f->arches, f->n_arches);
		strv_free(f->caps, f->n_caps);
		free(f->min_kernel);
		st_extras_clear(&f->extras);
		free(f);
		*pf = NULL;
		return;
	}
	strv_sort(f->arches, f->n_arches);
	strv_dedup_sorted(f->arches, &f->n_arches);
	strv_sort(f->caps, f->n_caps);
	strv_dedup_sorted(f->caps, &f->n_caps);
	f->has_arches = f->n_arches > 0;
	f->has_caps = f->n_caps > 0;
	if (f->min_kernel && !*f->min_kernel) {
		free(f->min_kernel);
		f->min_kernel = NULL;
	}
}

/* names[0..n) with from's action and conditions, in canonical form. */
static int make_rule(const struct kept *from, char **names, size_t n, struct st_rule *r,
		     struct st_error *err)
{
	if (st_rule_copy(r, from->rule, err) < 0) {
		strv_free(names, n);
		return -1;
	}
	strv_free(r->names, r->n_names);
	r->names = names;
	r->n_names = n;
	free(r->comment);
	r->comment = NULL;
	if (*from->comment && !(r->comment = strdup(from->comment)))
		return st_error_set(err, ENOMEM, "merge");
	sort(r->args, r->n_args, sizeof(*r->args), arg_qcmp);
	for (size_t i = 0; i < r->n_args; i++)
		extras_sort_clean(&r->args[i].extras);
	r->has_args = r->n_args > 0;
	filter_canon(&r->includes);
	filter_canon(&r->excludes);
	extras_sort_clean(&r->extras);
	return 0;
}

static int build_rules(const struct merger *m, struct st_profile *out, struct st_error *err)
{
	cleanup_free struct kept *k = calloc(m->n_e + 1, sizeof(*k));
	size_t n = 0;

	if (!k)
		return st_error_set(err, ENOMEM, "merge");
	/* entries are sorted by name: a (name, rule) pair's entries are near */
	for (size_t i = 0; i < m->n_e; i++) {
		const struct entry *x = &m->e[i];
		const char *c = x->rule->comment ? x->rule->comment : "";
		size_t j;

		if (x->dropped)
			continue;
		for (j = n; j > 0 && !strcmp(k[j - 1].name, x->name); j--)
			if (!strcmp(k[j - 1].key->full, x->key->full))
				break;
		if (j > 0 && !strcmp(k[j - 1].name, x->name)) {
			if (strcmp(c, k[j - 1].comment) > 0)
				k[j - 1].comment = c;
			continue;
		}
		k[n++] = (struct kept){x->name, x->rule, x->key, c, section_of(x->key)};
	}
	sort(k, n, sizeof(*k), kept_qcmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		char **names;
		struct st_rule r;

		while (j < n && !strcmp(k[j].key->full, k[i].key->full) &&
		       !strcmp(k[j].comment, k[i].comment))
			j++;
		names = calloc(j - i + 1, sizeof(*names));
		if (!names)
			return st_error_set(err, ENOMEM, "merge");
		for (size_t l = i; l < j; l++)
			if (!(names[l - i] = strdup(k[l].name))) {
				strv_free(names, l - i);
				return st_error_set(err, ENOMEM, "merge");
			}
		if (make_rule(&k[i], names, j - i, &r, err) < 0 ||
		    st_profile_add_rule(out, &r, err) < 0) {
			st_rule_clear(&r);
			return -1;
		}
		i = j;
	}
	return 0;
}

/* ---- the top level ---- */

static char *canon_value(yajl_val v)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);

	return f ? st_memstream_done(&m, put_json(f, v)) : NULL;
}

static int str_qcmp(const void *a, const void *b)
{
	yajl_val x = *(yajl_val const *)a, y = *(yajl_val const *)b;

	return strcmp(x->u.string, y->u.string);
}

/* flags are a set: sorted, each once. */
static void canon_flags(yajl_val v)
{
	size_t k = 0;

	if (!YAJL_IS_ARRAY(v))
		return;
	for (size_t i = 0; i < v->u.array.len; i++)
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			return;
	sort(v->u.array.values, v->u.array.len, sizeof(yajl_val), str_qcmp);
	for (size_t i = 0; i < v->u.array.len; i++) {
		if (k &&
		    !strcmp(v->u.array.values[k - 1]->u.string, v->u.array.values[i]->u.string)) {
			yajl_tree_free(v->u.array.values[i]);
			continue;
		}
		v->u.array.values[k++] = v->u.array.values[i];
	}
	v->u.array.len = k;
}

/* Unite members kept verbatim: absent and null agree with any value, two
 * values must be the same (a runtime would take one of them). `where` and
 * the names of the inputs that gave each go into the error. */
static int join_extras(struct st_extras *dst, const char **dst_from, const struct st_extras *src,
		       const char *src_from, const char *where, struct st_error *err)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct st_extra *s = &src->v[i];
		cleanup_free char *cs = NULL;
		yajl_val copy;
		struct st_extra *nv;
		size_t j;

		if (YAJL_IS_NULL(s->val))
			continue;
		if (!(copy = st_json_copy(s->val)))
			return st_error_set(err, ENOMEM, "merge");
		if (!strcmp(s->key, "flags"))
			canon_flags(copy);
		if (!(cs = canon_value(copy))) {
			yajl_tree_free(copy);
			return st_error_set(err, ENOMEM, "merge");
		}
		for (j = 0; j < dst->n && strcmp(dst->v[j].key, s->key); j++)
			;
		if (j < dst->n) {
			cleanup_free char *cd = canon_value(dst->v[j].val);

			yajl_tree_free(copy);
			if (!cd)
				return st_error_set(err, ENOMEM, "merge");
			if (strcmp(cd, cs))
				return st_error_set(
				    err, 0,
				    "cannot merge: %s%s\"%s\" differs between %s and %s (a runtime "
				    "takes one value, and merge cannot tell which is meant): make "
				    "them agree",
				    where, *where ? "." : "", s->key,
				    dst_from ? dst_from[j] : "another input", src_from);
			continue;
		}
		nv = realloc(dst->v, (dst->n + 1) * sizeof(*nv));
		if (!nv) {
			yajl_tree_free(copy);
			return st_error_set(err, ENOMEM, "merge");
		}
		dst->v = nv;
		if (!(nv[dst->n].key = strdup(s->key))) {
			yajl_tree_free(copy);
			return st_error_set(err, ENOMEM, "merge");
		}
		nv[dst->n].val = copy;
		if (dst_from)
			dst_from[dst->n] = src_from;
		dst->n++;
	}
	return 0;
}

static int merge_top_extras(const struct merger *m, struct st_profile *out, struct st_error *err)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_in; i++)
		n += m->in[i]->extras.n;
	cleanup_free const char **from = calloc(n + 1, sizeof(*from));

	if (!from)
		return st_error_set(err, ENOMEM, "merge");
	for (size_t i = 0; i < m->n_in; i++)
		if (join_extras(&out->extras, from, &m->in[i]->extras, m->names[i], "", err) < 0)
			return -1;
	extras_sort_clean(&out->extras);
	return 0;
}

static uint32_t default_errno(const struct st_profile *p)
{
	return p->has_default_errno ? p->default_errno_ret : EPERM;
}

/* defaultAction and its errno: the same in every input, or chosen by the
 * caller. A runtime applies one default to every call no rule lists; the
 * most restrictive one would break what an allow-all input runs, the least
 * would widen an allow-list: only the user can choose. */
static int merge_default(const struct merger *m, struct st_profile *out, struct st_error *err)
{
	const struct st_profile *first = m->in[0];
	const char *action = m->o->default_action ? m->o->default_action : first->default_action;
	bool errno_matters = !m->o->errno_chosen && st_action_takes_errno(action);

	for (size_t i = 1; i < m->n_in; i++) {
		const struct st_profile *p = m->in[i];

		if (strcmp(p->default_action, first->default_action) && !m->o->default_action)
			return st_error_set(
			    err, 0,
			    "cannot merge: defaultAction is %s in %s but %s in %s: choose one with "
			    "--default-action",
			    first->default_action, m->names[0], p->default_action, m->names[i]);
		if (errno_matters && default_errno(p) != default_errno(first))
			return st_error_set(
			    err, 0,
			    "cannot merge: the default errno (defaultErrnoRet) is %u "
			    "in %s but %u in %s: choose one with --errno",
			    default_errno(first), m->names[0], default_errno(p), m->names[i]);
	}
	if (!(out->default_action = strdup(action)))
		return st_error_set(err, ENOMEM, "merge");
	/* given in any input: kept (the same value, or the caller's --errno
	 * replaces it) */
	for (size_t i = 0; i < m->n_in; i++) {
		const struct st_profile *p = m->in[i];

		if (!p->has_default_errno)
			continue;
		if (!out->has_default_errno || p->default_errno_ret > out->default_errno_ret)
			out->default_errno_ret = p->default_errno_ret;
		out->has_default_errno = true;
	}
	return 0;
}

static struct st_archmap *archmap_entry(struct st_profile *p, const char *arch,
					struct st_error *err)
{
	struct st_archmap *nm;

	for (size_t i = 0; i < p->n_archmap; i++)
		if (!strcmp(p->archmap[i].arch, arch))
			return &p->archmap[i];
	nm = realloc(p->archmap, (p->n_archmap + 1) * sizeof(*nm));
	if (!nm) {
		st_error_set(err, ENOMEM, "merge");
		return NULL;
	}
	p->archmap = nm;
	nm = &nm[p->n_archmap];
	memset(nm, 0, sizeof(*nm));
	if (!(nm->arch = strdup(arch))) {
		st_error_set(err, ENOMEM, "merge");
		return NULL;
	}
	p->n_archmap++;
	return nm;
}

static bool archmap_names(const struct st_profile *p, const char *arch)
{
	for (size_t i = 0; i < p->n_archmap; i++)
		if (!strcmp(p->archmap[i].arch, arch) ||
		    strv_has(p->archmap[i].subs, p->archmap[i].n_subs, arch))
			return true;
	return false;
}

static int archmap_qcmp(const void *a, const void *b)
{
	return st_arch_cmp(((const struct st_archmap *)a)->arch,
			   ((const struct st_archmap *)b)->arch);
}

/* The arch sets united: an archMap if any input has entries (the listed
 * arches then join this machine's entry, where runtimes here would have used
 * them), else a list if any input has one. */
static int merge_arches(const struct merger *m, struct st_profile *out, struct st_error *err)
{
	bool map = false, list = false, empty_map = false;

	for (size_t i = 0; i < m->n_in; i++) {
		map |= m->in[i]->n_archmap > 0;
		list |= m->in[i]->has_architectures;
		empty_map |= m->in[i]->has_archmap;
	}
	for (size_t i = 0; i < m->n_in; i++)
		for (size_t j = 0; j < m->in[i]->n_architectures; j++)
			if (strv_add_unique(&out->architectures, &out->n_architectures,
					    m->in[i]->architectures[j], err) < 0)
				return -1;
	if (!map) {
		out->has_architectures = list;
		out->has_archmap = !list && empty_map;
		sort(out->architectures, out->n_architectures, sizeof(char *), arch_qcmp);
		return 0;
	}
	out->has_archmap = true;
	for (size_t i = 0; i < m->n_in; i++)
		for (size_t j = 0; j < m->in[i]->n_archmap; j++) {
			const struct st_archmap *s = &m->in[i]->archmap[j];
			struct st_archmap *d = archmap_entry(out, s->arch, err);

			if (!d)
				return -1;
			d->has_subs |= s->has_subs;
			for (size_t k = 0; k < s->n_subs; k++)
				if (strv_add_unique(&d->subs, &d->n_subs, s->subs[k], err) < 0)
					return -1;
			if (join_extras(&d->extras, NULL, &s->extras, m->names[i], "archMap", err) <
			    0)
				return -1;
		}
	for (size_t i = 0; i < out->n_architectures; i++) {
		const char *a = out->architectures[i], *native = st_abi_arch_name(ST_ABI_NATIVE);
		struct st_archmap *home;

		if (archmap_names(out, a) || !native)
			continue;
		if (!(home = archmap_entry(out, native, err)))
			return -1;
		if (strcmp(a, native)) {
			home->has_subs = true;
			if (strv_append(&home->subs, &home->n_subs, a, err) < 0)
				return -1;
		}
	}
	strv_free(out->architectures, out->n_architectures);
	out->architectures = NULL;
	out->n_architectures = 0;
	for (size_t i = 0; i < out->n_archmap; i++) {
		sort(out->archmap[i].subs, out->archmap[i].n_subs, sizeof(char *), arch_qcmp);
		extras_sort_clean(&out->archmap[i].extras);
	}
	sort(out->archmap, out->n_archmap, sizeof(*out->archmap), archmap_qcmp);
	return 0;
}

static void merger_free(struct merger *m)
{
	if (m->keys)
		for (size_t i = 0; i < m->n_in; i++) {
			for (size_t j = 0; m->keys[i] && j < m->in[i]->n_rules; j++) {
				free(m->keys[i][j].cond);
				free(m->keys[i][j].full);
			}
			free(m->keys[i]);
		}
	free(m->keys);
	free(m->e);
}

int st_profiles_merge(const struct st_profile *const *in, const char *const *names, size_t n,
		      const struct st_merge_opts *o, struct st_profile **out, struct st_error *err)
{
	struct merger m = {.in = in, .names = names, .n_in = n, .o = o};
	struct st_profile *p = NULL;
	int rc = -1;

	*out = NULL;
	if (!n)
		return st_error_set(err, 0, "merge: no profile");
	if (!(p = st_profile_new())) {
		st_error_set(err, ENOMEM, "merge");
		goto out;
	}
	if (merge_default(&m, p, err) < 0 || merge_arches(&m, p, err) < 0 ||
	    merge_top_extras(&m, p, err) < 0 || collect(&m, err) < 0)
		goto out;
	for (size_t i = 0; i < m.n_e;) {
		size_t j = i;

		while (j < m.n_e && !strcmp(m.e[j].name, m.e[i].name))
			j++;
		if (settle(&m, &m.e[i], &m.e[j], err) < 0)
			goto out;
		i = j;
	}
	if (build_rules(&m, p, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		p->has_syscalls |= in[i]->has_syscalls;
	*out = st_steal(p);
	rc = 0;
out:
	merger_free(&m);
	st_profile_free(p);
	return rc;
}
