/* SPDX-License-Identifier: Apache-2.0 */
/* yajl helpers: bounded parsing, typed lookups whose errors name the key,
 * a generic writer and deep copies for fields we keep without knowing them. */
#ifndef ST_JSON_H
#define ST_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* Deeper nesting is refused: real profiles and OCI state need 5 levels. */
#define ST_MAX_JSON_DEPTH 64

/* Parse text (what names it in errors); text[len] must be a NUL (yajl's tree
 * parser reads to it). Syntax errors give the byte offset, never the content.
 * A string (key or value) holding \u0000, a lone UTF-16 surrogate or invalid
 * UTF-8 is refused with its JSON path: yajl would alter it, Go keeps it or
 * reads U+FFFD, so what we check would not be what a runtime enforces. */
int st_json_parse(const char *text, size_t len, const char *what, yajl_val *out,
		  struct st_error *err);

/* Go's encoding/json (podman, Docker, containerd, CRI-O, runc) matches an
 * object key to a struct field exactly or, failing that, under Unicode simple
 * case folding, and the last matching key wins. True if key folds to the
 * ASCII field name (it may also be equal to it). */
bool st_json_key_folds_to(const char *key, const char *name);
/* Refuse a key of obj that is not one of known (NULL-terminated field names)
 * but folds to one: "<where>.<key>: Go runtimes read this key as ...". */
int st_json_check_fold(yajl_val obj, const char *where, const char *const *known,
		       struct st_error *err);
/* str (len bytes, any content) as printable ASCII for messages: quotes and
 * backslashes escaped, other characters as \uXXXX, bad bytes as \xNN; cut
 * with "..." to fit buf. */
void st_json_escape(const char *str, size_t len, char *buf, size_t buflen);

/* Refuse an object with a key twice (which one would a reader use?):
 * "<where>: duplicate key "k"". Sorts a copy of the keys: O(n log n). */
int st_json_check_keys(yajl_val obj, const char *where, struct st_error *err);

/* Typed views; `where` names the item in errors ("syscalls[3].action"). */
int st_json_string(yajl_val v, const char *where, const char **out, struct st_error *err);
int st_json_u64(yajl_val v, const char *where, uint64_t *out, struct st_error *err);
int st_json_i64(yajl_val v, const char *where, int64_t *out, struct st_error *err);
/* A JSON array of strings into a NULL-terminated, malloc'ed vector of copies. */
int st_json_strv(yajl_val v, const char *where, char ***out, size_t *n, struct st_error *err);

/* Deep copy that yajl_tree_free() can release. */
yajl_val st_json_copy(yajl_val v);
/* Write any value. */
int st_json_gen_value(yajl_gen g, yajl_val v);

/* yajl_gen wrappers returning 0 or -1, so that every call is checked. */
int st_gen_str(yajl_gen g, const char *s);
int st_gen_u64(yajl_gen g, uint64_t v);
int st_gen_bool(yajl_gen g, bool v);
int st_gen_map_open(yajl_gen g);
int st_gen_map_close(yajl_gen g);
int st_gen_array_open(yajl_gen g);
int st_gen_array_close(yajl_gen g);
int st_gen_strv(yajl_gen g, char *const *v, size_t n);
/* A generator with 2-space indentation; NULL on allocation failure. */
yajl_gen st_gen_new(void);
/* What g generated, malloc'ed into *out (*len bytes, NUL-terminated) with
 * exactly one trailing newline; -1 when yajl has none to give or out of
 * memory. */
int st_gen_text(yajl_gen g, char **out, size_t *len);

#endif
