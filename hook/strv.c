// SPDX-License-Identifier: Apache-2.0
#include "strv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void strv_freep(char ***v)
{
	if (!*v)
		return;
	for (char **s = *v; *s; s++)
		free(*s);
	free(*v);
}

ssize_t strv_index(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return i;
	return -1;
}

bool strv_has(char *const *v, size_t n, const char *s)
{
	return strv_index(v, n, s) >= 0;
}

int strv_append(char ***v, size_t *n, const char *s, struct st_error *err)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return st_error_set(err, ENOMEM, "cannot add %s", s);
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return st_error_set(err, ENOMEM, "cannot add %s", s);
	nv[++*n] = NULL;
	return 0;
}

int strv_add_unique(char ***v, size_t *n, const char *s, struct st_error *err)
{
	return strv_has(*v, *n, s) ? 0 : strv_append(v, n, s, err);
}

void strv_remove(char **v, size_t *n, const char *s)
{
	ssize_t i = strv_index(v, *n, s);

	if (i < 0)
		return;
	free(v[i]);
	memmove(&v[i], &v[i + 1], (*n - i) * sizeof(*v)); /* with the NULL */
	(*n)--;
}

int strv_copy(char ***dst, size_t *dn, char *const *src, size_t n, struct st_error *err)
{
	*dst = NULL;
	*dn = 0;
	for (size_t i = 0; i < n; i++)
		if (strv_append(dst, dn, src[i], err) < 0)
			return -1;
	if (!*dst && !(*dst = calloc(1, sizeof(char *))))
		return st_error_set(err, ENOMEM, "copy");
	return 0;
}

int strv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), strv_cmp);
}

char *strv_join(char *const *v, size_t n, const char *sep)
{
	struct st_memstream m;
	FILE *f = st_memstream_open(&m);

	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? sep : "", v[i]);
	return st_memstream_done(&m, 0);
}
