/* SPDX-License-Identifier: Apache-2.0 */
/* Error object, crun style: a failing function returns a negative value and
 * fills the error (errno + a message naming the operand); callers may add
 * context with st_error_wrap(); only the top level prints it. */
#ifndef ST_ERROR_H
#define ST_ERROR_H

#include <stdarg.h>
#include <stddef.h>

struct st_error {
	int errnum;	/* 0 when the cause is not a system error */
	char msg[1024]; /* empty when no error is set; a longer text ends in "..." */
};

/* Room for st_error_text: the message, ": " and strerror's text. */
#define ST_ERROR_TEXT_MAX (sizeof(((struct st_error *)0)->msg) + 128)

/* Set the error; returns -1 so callers can `return st_error_set(...)`. */
int st_error_set(struct st_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* st_error_set with a va_list. */
int st_error_setv(struct st_error *err, int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Add text after the message of an error already set (a hint). */
void st_error_append(struct st_error *err, const char *text);
/* Prefix context ("reading base profile: ...") to an error already set. */
int st_error_wrap(struct st_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "message: strerror(errnum)" into buf (ST_ERROR_TEXT_MAX bytes hold it). */
const char *st_error_text(const struct st_error *err, char *buf, size_t len);
/* Print "seccomp-trace: <text>" on stderr. */
void st_error_print(const struct st_error *err);

#endif
