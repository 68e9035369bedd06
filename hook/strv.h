/* SPDX-License-Identifier: Apache-2.0 */
/* String vectors: NULL-terminated arrays of malloc'ed strings with their
 * count beside them (char **v; size_t n), as the profile model keeps its
 * name, arch and capability lists. An empty vector may be NULL. */
#ifndef ST_STRV_H
#define ST_STRV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Free the strings and the array. */
void strv_free(char **v, size_t n);
/* For cleanup_strv: the vector is NULL-terminated, as every strv is. */
void strv_freep(char ***v);
#define cleanup_strv __attribute__((cleanup(strv_freep)))
/* Index of s in v, -1 if absent. */
ssize_t strv_index(char *const *v, size_t n, const char *s);
bool strv_has(char *const *v, size_t n, const char *s);
/* Append a copy of s. */
int strv_append(char ***v, size_t *n, const char *s, struct st_error *err);
/* Append a copy of s unless v has it already. */
int strv_add_unique(char ***v, size_t *n, const char *s, struct st_error *err);
/* Take s out of v (the first one; the order of the rest stays). */
void strv_remove(char **v, size_t *n, const char *s);
/* A deep copy; *dst is an empty vector (not NULL) when n is 0. */
int strv_copy(char ***dst, size_t *dn, char *const *src, size_t n, struct st_error *err);
/* Sort in strcmp order. */
void strv_sort(char **v, size_t n);
/* The strings joined by sep, malloc'ed; NULL when out of memory. */
char *strv_join(char *const *v, size_t n, const char *sep);
/* qsort comparator for an array of char *. */
int strv_cmp(const void *a, const void *b);

#endif
