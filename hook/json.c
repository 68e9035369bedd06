// SPDX-License-Identifier: Apache-2.0
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "cleanup.h"

/* ---- strings that readers would see differently ----
 *
 * yajl cuts a string at an escaped NUL (C strings) and turns a lone UTF-16
 * surrogate escape into "?" or into bytes that are not UTF-8; it accepts
 * overlong and surrogate UTF-8 byte sequences as they are. Go's encoding/json
 * (podman, Docker, containerd, CRI-O, runc) keeps the NUL and reads the others
 * as U+FFFD. Either way the string we would check is not the one a runtime
 * enforces, so such strings are refused. */

enum bad_string {
	BAD_NONE,
	BAD_NUL,
	BAD_SURROGATE,
	BAD_UTF8,
};

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The \uXXXX escape at s (s[0] == '\\'), or -1. */
static long u_escape(const unsigned char *s, const unsigned char *end)
{
	long v = 0;

	if (end - s < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong form,
 * no surrogate, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned char c = s[0];
	size_t n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Scan the strings (keys and values) of valid JSON text in document order:
 * the index of the first bad one and what is wrong with it. */
static enum bad_string scan_strings(const char *text, size_t len, size_t *index, long *unit)
{
	const unsigned char *s = (const unsigned char *)text, *end = s + len;
	size_t n = 0;

	while (s < end) {
		if (*s++ != '"')
			continue;
		/* inside a string: the text is valid JSON, so it ends */
		while (s < end && *s != '"') {
			if (*s == '\\' && s + 1 < end && s[1] == 'u') {
				long u = u_escape(s, end);

				*unit = u;
				*index = n;
				if (u == 0)
					return BAD_NUL;
				if (u >= 0xDC00 && u <= 0xDFFF)
					return BAD_SURROGATE;
				if (u >= 0xD800 && u <= 0xDBFF) {
					long lo = u_escape(s + 6, end);

					if (lo < 0xDC00 || lo > 0xDFFF)
						return BAD_SURROGATE;
					s += 6;
				}
				s += 6;
			} else if (*s == '\\') {
				s += 2;
			} else {
				size_t l = utf8_len(s, end);

				if (!l) {
					*index = n;
					*unit = *s;
					return BAD_UTF8;
				}
				s += l;
			}
		}
		s++;
		n++;
	}
	return BAD_NONE;
}

void st_json_escape(const char *str, size_t len, char *buf, size_t buflen)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;
	size_t o = 0;

	if (!buflen)
		return;
	while (s < end && o + 12 < buflen) {
		size_t l = utf8_len(s, end);
		unsigned long cp = *s;

		if (l > 1) {
			cp = *s & (0xFF >> (l + 1));
			for (size_t i = 1; i < l; i++)
				cp = cp << 6 | (s[i] & 0x3F);
		}
		if (!l)
			o += snprintf(buf + o, buflen - o, "\\x%02x", *s), l = 1;
		else if (cp == '"' || cp == '\\')
			o += snprintf(buf + o, buflen - o, "\\%c", (char)cp);
		else if (cp >= 0x20 && cp < 0x7F)
			buf[o++] = (char)cp;
		else if (cp > 0xFFFF)
			o += snprintf(buf + o, buflen - o, "\\U%08lx", cp);
		else
			o += snprintf(buf + o, buflen - o, "\\u%04lx", cp);
		s += l;
	}
	if (s < end && o + 4 < buflen)
		o += snprintf(buf + o, buflen - o, "...");
	buf[o < buflen ? o : buflen - 1] = '\0';
}

/* The event pass: depth, and the JSON path of one string (by its index in
 * document order) once scan_strings found it bad. */
struct frame {
	bool array;
	size_t index;  /* arrays: the element being read */
	char key[128]; /* objects: the member being read, escaped */
};

struct event_state {
	int depth;
	bool too_deep;
	size_t strings; /* keys and string values seen so far */
	size_t want;	/* the string whose path is wanted; SIZE_MAX: none */
	bool found;	/* stopped at it: path is set */
	bool want_is_key;
	char path[512];
	struct frame stack[ST_MAX_JSON_DEPTH + 1];
};

/* The path to the current string into s->path. A path longer than that
 * (64 levels of long keys) keeps its start and its end, where the string is,
 * with "..." between: never cut where a reader would take it as whole. */
static void path_of(struct event_state *s)
{
	char full[ST_MAX_JSON_DEPTH * (sizeof(s->stack[0].key) + 24)];
	size_t o = 0, keep = sizeof(s->path) - 1, head = 128;

	s->found = true;
	full[0] = '\0';
	for (int i = 1; i <= s->depth && o < sizeof(full); i++) {
		const struct frame *f = &s->stack[i];

		if (f->array)
			o += snprintf(full + o, sizeof(full) - o, "[%zu]", f->index);
		else
			o += snprintf(full + o, sizeof(full) - o, "%s%s", o ? "." : "", f->key);
	}
	o = strlen(full);
	if (o <= keep) {
		memcpy(s->path, full, o + 1);
		return;
	}
	snprintf(s->path, sizeof(s->path), "%.*s...%s", (int)head, full,
		 full + o - (keep - head - 3));
}

/* A value (scalar, or a closed object or array) is complete. */
static int value_done(struct event_state *s)
{
	if (s->depth >= 1 && s->depth <= ST_MAX_JSON_DEPTH && s->stack[s->depth].array)
		s->stack[s->depth].index++;
	return 1;
}

static int push(struct event_state *s, bool array)
{
	if (++s->depth > ST_MAX_JSON_DEPTH) {
		s->too_deep = true;
		return 0;
	}
	s->stack[s->depth] = (struct frame){.array = array};
	return 1;
}

static int on_start_map(void *ctx)
{
	return push(ctx, false);
}

static int on_start_array(void *ctx)
{
	return push(ctx, true);
}

static int on_close(void *ctx)
{
	struct event_state *s = ctx;

	s->depth--;
	return value_done(s);
}

static int on_scalar(void *ctx)
{
	return value_done(ctx);
}

static int on_bool(void *ctx, int b)
{
	(void)b;
	return value_done(ctx);
}

static int on_number(void *ctx, const char *n, size_t len)
{
	(void)n, (void)len;
	return value_done(ctx);
}

static int on_string(void *ctx, const unsigned char *str, size_t len)
{
	struct event_state *s = ctx;

	(void)str, (void)len;
	if (s->strings++ == s->want) {
		path_of(s);
		return 0;
	}
	return value_done(s);
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
	struct event_state *s = ctx;
	struct frame *f = &s->stack[s->depth];

	st_json_escape((const char *)key, len, f->key, sizeof(f->key));
	if (s->strings++ == s->want) {
		s->want_is_key = true;
		path_of(s);
		return 0;
	}
	return 1;
}

static const yajl_callbacks event_cb = {
    .yajl_null = on_scalar,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_close,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_close,
};

/* Run the event pass; 0 when it went through (or stopped at s->want). */
static int event_pass(const char *text, size_t len, const char *what, struct event_state *s,
		      struct st_error *err)
{
	char ebuf[256];
	yajl_handle h = yajl_alloc(&event_cb, NULL, s);
	yajl_status st;

	if (!h)
		return st_error_set(err, ENOMEM, "cannot parse %s", what);
	bool at_end = false;

	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at_end = true;
	}
	if (st != yajl_status_ok && !s->found) {
		/* after yajl_complete_parse the count is of that call, not the text */
		size_t off = yajl_get_bytes_consumed(h);

		if (s->too_deep) {
			yajl_free(h);
			return st_error_set(err, 0, "invalid JSON in %s: nested deeper than %d",
					    what, ST_MAX_JSON_DEPTH);
		}
		unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
		snprintf(ebuf, sizeof(ebuf), "%s", msg ? (char *)msg : "parse error");
		if (msg)
			yajl_free_error(h, msg);
		yajl_free(h);
		/* yajl ends its messages with a newline */
		ebuf[strcspn(ebuf, "\n")] = '\0';
		if (at_end && !len)
			return st_error_set(err, 0, "invalid JSON in %s: empty (0 bytes)", what);
		if (at_end)
			return st_error_set(err, 0, "invalid JSON in %s at the end (%zu bytes): %s",
					    what, len, ebuf);
		return st_error_set(err, 0, "invalid JSON in %s near byte %zu: %s", what, off,
				    ebuf);
	}
	yajl_free(h);
	return 0;
}

/* Syntax and depth are checked by an event pass first: it bounds the tree
 * walks later on, and its errors can be made without quoting the input. */
int st_json_parse(const char *text, size_t len, const char *what, yajl_val *out,
		  struct st_error *err)
{
	struct event_state s = {.want = SIZE_MAX};
	enum bad_string bad;
	char ebuf[256];
	size_t index = 0;
	long unit = 0;
	yajl_val v;

	if (memchr(text, '\0', len))
		return st_error_set(err, 0, "invalid JSON in %s: contains a NUL byte", what);
	if (event_pass(text, len, what, &s, err) < 0)
		return -1;
	bad = scan_strings(text, len, &index, &unit);
	if (bad != BAD_NONE) {
		struct event_state p = {.want = index};
		const char *where;

		if (event_pass(text, len, what, &p, err) < 0)
			return -1;
		where = p.path[0] ? p.path : "(top level)";
		if (bad == BAD_NUL)
			return st_error_set(
			    err, 0,
			    "invalid JSON in %s: %s: \\u0000 (NUL) in a %s: refused "
			    "(Go runtimes keep it, C readers end the string there)",
			    what, where, p.want_is_key ? "key" : "string");
		if (bad == BAD_SURROGATE)
			return st_error_set(
			    err, 0,
			    "invalid JSON in %s: %s: lone UTF-16 surrogate \\u%04lx "
			    "in a %s: refused (Go runtimes read it as U+FFFD)",
			    what, where, unit, p.want_is_key ? "key" : "string");
		return st_error_set(err, 0,
				    "invalid JSON in %s: %s: invalid UTF-8 (byte 0x%02lx) in a %s: "
				    "refused (Go runtimes read it as U+FFFD)",
				    what, where, unit, p.want_is_key ? "key" : "string");
	}

	v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!v)
		return st_error_set(err, ENOMEM, "cannot parse %s", what);
	*out = v;
	return 0;
}

/* Go's encoding/json matches a key to a field name exactly, else under
 * Unicode simple case folding (bytes.EqualFold; encoding/json's fold.go).
 * For the ASCII-letter names of the profile structs, folding to one means:
 * ASCII letters in either case, U+212A KELVIN SIGN for k, U+017F LATIN SMALL
 * LETTER LONG S for s; no other character folds to an ASCII letter there. */
bool st_json_key_folds_to(const char *key, const char *name)
{
	const unsigned char *k = (const unsigned char *)key;

	for (const unsigned char *n = (const unsigned char *)name; *n; n++) {
		unsigned char lc = *n | 0x20;
		bool letter = lc >= 'a' && lc <= 'z';

		if (*k < 0x80) {
			if (*k != *n && !(letter && (*k | 0x20) == lc))
				return false;
			k++;
		} else if (lc == 'k' && k[0] == 0xE2 && k[1] == 0x84 && k[2] == 0xAA) {
			k += 3;
		} else if (lc == 's' && k[0] == 0xC5 && k[1] == 0xBF) {
			k += 2;
		} else {
			return false;
		}
	}
	return *k == '\0';
}

int st_json_check_fold(yajl_val obj, const char *where, const char *const *known,
		       struct st_error *err)
{
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		bool exact = false;
		const char *folds = NULL;

		for (const char *const *n = known; *n && !exact; n++) {
			exact = !strcmp(k, *n);
			if (!folds && st_json_key_folds_to(k, *n))
				folds = *n;
		}
		if (!exact && folds) {
			char esc[160];

			st_json_escape(k, strlen(k), esc, sizeof(esc));
			return st_error_set(
			    err, 0,
			    "%s%s%s: Go runtimes read this key as \"%s\" (keys match "
			    "case-insensitively there, and the last one wins): refused",
			    where, *where ? "." : "", esc, folds);
		}
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int st_json_check_keys(yajl_val obj, const char *where, struct st_error *err)
{
	size_t n = obj->u.object.len;
	cleanup_free const char **keys = NULL;

	if (n < 2)
		return 0;
	if (!(keys = malloc(n * sizeof(*keys))))
		return st_error_set(err, ENOMEM, "%s", where);
	memcpy(keys, obj->u.object.keys, n * sizeof(*keys));
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(keys[i - 1], keys[i]))
			return st_error_set(err, 0, "%s: duplicate key \"%.100s\"", where, keys[i]);
	return 0;
}

int st_json_string(yajl_val v, const char *where, const char **out, struct st_error *err)
{
	if (!YAJL_IS_STRING(v))
		return st_error_set(err, 0, "%s: expected a string", where);
	*out = v->u.string;
	return 0;
}

int st_json_u64(yajl_val v, const char *where, uint64_t *out, struct st_error *err)
{
	const char *r;
	char *end;

	if (!YAJL_IS_NUMBER(v) || !v->u.number.r)
		return st_error_set(err, 0, "%s: expected a number", where);
	r = v->u.number.r;
	if (*r == '-' || strpbrk(r, ".eE"))
		return st_error_set(err, 0, "%s: expected an unsigned integer", where);
	errno = 0;
	*out = strtoull(r, &end, 10);
	if (errno || *end)
		return st_error_set(err, 0, "%s: integer out of range", where);
	return 0;
}

int st_json_i64(yajl_val v, const char *where, int64_t *out, struct st_error *err)
{
	char *end;

	if (!YAJL_IS_NUMBER(v) || !v->u.number.r || strpbrk(v->u.number.r, ".eE"))
		return st_error_set(err, 0, "%s: expected an integer", where);
	errno = 0;
	*out = strtoll(v->u.number.r, &end, 10);
	if (errno || *end)
		return st_error_set(err, 0, "%s: integer out of range", where);
	return 0;
}

int st_json_strv(yajl_val v, const char *where, char ***out, size_t *n, struct st_error *err)
{
	char **vec;
	size_t len;

	if (!YAJL_IS_ARRAY(v))
		return st_error_set(err, 0, "%s: expected an array of strings", where);
	len = v->u.array.len;
	vec = calloc(len + 1, sizeof(*vec));
	if (!vec)
		return st_error_set(err, ENOMEM, "%s", where);
	for (size_t i = 0; i < len; i++) {
		yajl_val s = v->u.array.values[i];

		if (!YAJL_IS_STRING(s) || !(vec[i] = strdup(s->u.string))) {
			for (size_t j = 0; j < i; j++)
				free(vec[j]);
			free(vec);
			if (!YAJL_IS_STRING(s))
				return st_error_set(err, 0, "%s[%zu]: expected a string", where, i);
			return st_error_set(err, ENOMEM, "%s", where);
		}
	}
	*out = vec;
	*n = len;
	return 0;
}

yajl_val st_json_copy(yajl_val v)
{
	yajl_val c;

	if (!v)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->type = v->type;
	switch (v->type) {
	case yajl_t_string:
		if (!(c->u.string = strdup(v->u.string)))
			goto fail;
		break;
	case yajl_t_number:
		c->u.number = v->u.number;
		if (!(c->u.number.r = strdup(v->u.number.r)))
			goto fail;
		break;
	case yajl_t_object:
		c->u.object.keys = calloc(v->u.object.len + 1, sizeof(char *));
		c->u.object.values = calloc(v->u.object.len + 1, sizeof(yajl_val));
		if (!c->u.object.keys || !c->u.object.values)
			goto fail;
		for (size_t i = 0; i < v->u.object.len; i++) {
			c->u.object.keys[i] = strdup(v->u.object.keys[i]);
			c->u.object.values[i] = st_json_copy(v->u.object.values[i]);
			c->u.object.len = i + 1;
			if (!c->u.object.keys[i] || !c->u.object.values[i])
				goto fail;
		}
		break;
	case yajl_t_array:
		c->u.array.values = calloc(v->u.array.len + 1, sizeof(yajl_val));
		if (!c->u.array.values)
			goto fail;
		for (size_t i = 0; i < v->u.array.len; i++) {
			c->u.array.values[i] = st_json_copy(v->u.array.values[i]);
			c->u.array.len = i + 1;
			if (!c->u.array.values[i])
				goto fail;
		}
		break;
	default:
		break;
	}
	return c;
fail:
	yajl_tree_free(c);
	return NULL;
}

#define CHECK(call) ((call) == yajl_gen_status_ok ? 0 : -1)

int st_gen_str(yajl_gen g, const char *s)
{
	return CHECK(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
}

int st_gen_u64(yajl_gen g, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	return CHECK(yajl_gen_number(g, buf, n));
}

int st_gen_bool(yajl_gen g, bool v)
{
	return CHECK(yajl_gen_bool(g, v));
}

int st_gen_map_open(yajl_gen g)
{
	return CHECK(yajl_gen_map_open(g));
}

int st_gen_map_close(yajl_gen g)
{
	return CHECK(yajl_gen_map_close(g));
}

int st_gen_array_open(yajl_gen g)
{
	return CHECK(yajl_gen_array_open(g));
}

int st_gen_array_close(yajl_gen g)
{
	return CHECK(yajl_gen_array_close(g));
}

int st_gen_strv(yajl_gen g, char *const *v, size_t n)
{
	if (st_gen_array_open(g) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (st_gen_str(g, v[i]) < 0)
			return -1;
	return st_gen_array_close(g);
}

int st_json_gen_value(yajl_gen g, yajl_val v)
{
	switch (v->type) {
	case yajl_t_string:
		return st_gen_str(g, v->u.string);
	case yajl_t_number:
		return CHECK(yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r)));
	case yajl_t_true:
		return st_gen_bool(g, true);
	case yajl_t_false:
		return st_gen_bool(g, false);
	case yajl_t_null:
		return CHECK(yajl_gen_null(g));
	case yajl_t_object:
		if (st_gen_map_open(g) < 0)
			return -1;
		for (size_t i = 0; i < v->u.object.len; i++)
			if (st_gen_str(g, v->u.object.keys[i]) < 0 ||
			    st_json_gen_value(g, v->u.object.values[i]) < 0)
				return -1;
		return st_gen_map_close(g);
	case yajl_t_array:
		if (st_gen_array_open(g) < 0)
			return -1;
		for (size_t i = 0; i < v->u.array.len; i++)
			if (st_json_gen_value(g, v->u.array.values[i]) < 0)
				return -1;
		return st_gen_array_close(g);
	default:
		return -1;
	}
}

yajl_gen st_gen_new(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return NULL;
	if (!yajl_gen_config(g, yajl_gen_beautify, 1) ||
	    !yajl_gen_config(g, yajl_gen_indent_string, "  ") ||
	    !yajl_gen_config(g, yajl_gen_validate_utf8, 1)) {
		yajl_gen_free(g);
		return NULL;
	}
	return g;
}

int st_gen_text(yajl_gen g, char **out, size_t *len)
{
	const unsigned char *buf;
	size_t n;
	char *s;

	if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return -1;
	/* one trailing newline, whatever yajl's beautifier does */
	while (n && buf[n - 1] == '\n')
		n--;
	if (!(s = malloc(n + 2)))
		return -1;
	memcpy(s, buf, n);
	s[n] = '\n';
	s[n + 1] = '\0';
	*out = s;
	*len = n + 1;
	return 0;
}
