#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "cleanup.h"

struct depth_state {
	int depth;
	bool too_deep;
};

static int on_open(void *ctx)
{
	struct depth_state *s = ctx;

	if (++s->depth > ST_MAX_JSON_DEPTH) {
		s->too_deep = true;
		return 0;
	}
	return 1;
}

static int on_close(void *ctx)
{
	((struct depth_state *)ctx)->depth--;
	return 1;
}

/* Syntax and depth are checked by an event pass first: it bounds the tree
 * walks later on, and its errors can be made without quoting the input. */
int st_json_parse(const char *text, size_t len, const char *what, yajl_val *out,
		  struct st_error *err)
{
	static const yajl_callbacks cb = {
	    .yajl_start_map = on_open,
	    .yajl_end_map = on_close,
	    .yajl_start_array = on_open,
	    .yajl_end_array = on_close,
	};
	struct depth_state s = {0};
	char ebuf[256];
	yajl_handle h;
	yajl_status st;
	yajl_val v;

	if (memchr(text, '\0', len))
		return st_error_set(err, 0, "invalid JSON in %s: contains a NUL byte", what);
	h = yajl_alloc(&cb, NULL, &s);
	if (!h)
		return st_error_set(err, ENOMEM, "cannot parse %s", what);
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok) {
		size_t off = yajl_get_bytes_consumed(h);

		if (s.too_deep) {
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
		return st_error_set(err, 0, "invalid JSON in %s near byte %zu: %s", what, off,
				    ebuf);
	}
	yajl_free(h);

	v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!v)
		return st_error_set(err, ENOMEM, "cannot parse %s", what);
	*out = v;
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
