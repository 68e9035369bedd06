/* SPDX-License-Identifier: Apache-2.0 */
/* Small language helpers. */
#ifndef ST_UTIL_H
#define ST_UTIL_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Elements of an array; on a pointer gcc's -Wsizeof-pointer-div (in -Wall)
 * objects. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Building a string by writing to a stream (open_memstream). */
struct st_memstream {
	FILE *f;
	char *buf;
	size_t len;
};

/* The stream to write to; NULL when out of memory. */
static inline FILE *st_memstream_open(struct st_memstream *m)
{
	m->buf = NULL;
	m->len = 0;
	return m->f = open_memstream(&m->buf, &m->len);
}

/* Close the stream: the text written, malloc'ed, or NULL (nothing left
 * allocated) when writing failed (rc < 0) or ran out of memory. */
static inline char *st_memstream_done(struct st_memstream *m, int rc)
{
	if (fclose(m->f) != 0 || rc < 0) {
		free(m->buf);
		return NULL;
	}
	return m->buf;
}

/* s without leading and trailing white space: trailing cut in place. */
static inline char *st_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

#endif
