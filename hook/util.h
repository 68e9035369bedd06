/* SPDX-License-Identifier: Apache-2.0 */
/* Small language helpers. */
#ifndef ST_UTIL_H
#define ST_UTIL_H

#include <ctype.h>
#include <string.h>

/* Elements of an array; on a pointer gcc's -Wsizeof-pointer-div (in -Wall)
 * objects. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
