#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int st_error_set(struct st_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int st_error_wrap(struct st_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
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
	char buf[sizeof(err->msg) + 128];

	fprintf(stderr, "seccomp-trace: %s\n", st_error_text(err, buf, sizeof(buf)));
}
