// SPDX-License-Identifier: Apache-2.0
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "escape.h"

/* msg is fixed-size by design (the loader child sends the whole object up a
 * pipe); a text too long for it ends in "..." rather than being cut unseen. */
static const char mark[] = "...";

static void set_msg(struct st_error *err, const char *text)
{
	size_t n = strlen(text);

	if (n < sizeof(err->msg)) {
		memcpy(err->msg, text, n + 1);
		return;
	}
	memcpy(err->msg, text, sizeof(err->msg) - sizeof(mark));
	memcpy(err->msg + sizeof(err->msg) - sizeof(mark), mark, sizeof(mark));
}

static void set_msgv(struct st_error *err, const char *fmt, va_list ap)
{
	char *text;
	va_list copy;

	va_copy(copy, ap);
	if (vasprintf(&text, fmt, copy) >= 0) {
		set_msg(err, text);
		free(text);
	} else if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) >= (int)sizeof(err->msg)) {
		/* out of memory: cut, and say so */
		memcpy(err->msg + sizeof(err->msg) - sizeof(mark), mark, sizeof(mark));
	}
	va_end(copy);
}

int st_error_setv(struct st_error *err, int errnum, const char *fmt, va_list ap)
{
	err->errnum = errnum;
	set_msgv(err, fmt, ap);
	return -1;
}

int st_error_set(struct st_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_error_setv(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

void st_error_append(struct st_error *err, const char *text)
{
	char *both;

	if (asprintf(&both, "%s%s", err->msg, text) < 0)
		return; /* out of memory: the message without the hint */
	set_msg(err, both);
	free(both);
}

int st_error_wrap(struct st_error *err, const char *fmt, ...)
{
	char *prefix = NULL, *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n >= 0 && asprintf(&text, "%s: %s", prefix, err->msg) >= 0)
		set_msg(err, text);
	free(prefix);
	free(text);
	return -1;
}

const char *st_error_text(const struct st_error *err, char *buf, size_t len)
{
	if (err->errnum)
		snprintf(buf, len, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}

void st_error_print(const struct st_error *err)
{
	char buf[ST_ERROR_TEXT_MAX];

	const char *text = st_error_text(err, buf, sizeof(buf));
	cleanup_free char *escaped = st_escape_line(text); /* hostile paths: one line */

	fprintf(stderr, "seccomp-trace: %s\n", escaped ? escaped : text);
}
