// SPDX-License-Identifier: Apache-2.0
#include "escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of the UTF-8 sequence at p (1-4) and its code point, or 0 when
 * the bytes there are no valid UTF-8 (a stray continuation byte, an
 * overlong form, a surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_seq(const unsigned char *p, uint32_t *cp)
{
	size_t n = p[0] < 0x80			  ? 1
		   : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
		   : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		   : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
						  : 0;

	if (!n)
		return 0;
	*cp = n == 1 ? p[0] : p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* the NUL too: cut short */
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))) ||
	    (n == 4 && (*cp < 0x10000 || *cp > 0x10ffff)))
		return 0;
	return n;
}

/* Code points a log reader may take for a line break or a control: C0, DEL
 * and C1 controls (U+0085 NEL among them), the line and paragraph
 * separators U+2028/U+2029, and the bidirectional formatting characters,
 * which make a terminal or a web UI show text in another order. */
static bool unsafe_cp(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

char *st_escape_line(const char *msg)
{
	const unsigned char *p = (const unsigned char *)msg;
	size_t len = strlen(msg);
	char *out = malloc(4 * len + 1), *o = out;
	bool any = false;

	if (!out)
		return NULL;
	while (*p) {
		uint32_t cp = 0;
		size_t n = utf8_seq(p, &cp);
		bool bad = !n || unsafe_cp(cp);

		for (size_t i = 0; i < (n ? n : 1); i++, p++) {
			if (bad)
				o += sprintf(o, "\\x%02x", *p);
			else
				*o++ = (char)*p;
		}
		any |= bad;
	}
	*o = '\0';
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}
