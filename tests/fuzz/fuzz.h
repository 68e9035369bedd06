/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the libFuzzer harnesses. A harness frees everything it gets, so
 * that LeakSanitizer only ever reports the code under test. */
#ifndef ST_FUZZ_H
#define ST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"

/* A broken invariant is a crash, so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__,      \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Same, with the cause on the line that run.sh shows. */
#define FUZZ_FAIL(...)                                                                             \
	do {                                                                                       \
		fprintf(stderr, "%s:%d: fuzz check failed: ", __FILE__, __LINE__);                 \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		abort();                                                                           \
	} while (0)

/* The input as the hook gets it from st_read_file/st_read_fd: NUL-terminated.
 * Exactly size + 1 bytes, so that ASan sees a read past the terminator. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A refusal must say why, within the message buffer. */
static inline void fuzz_check_error(const struct st_error *err)
{
	char buf[sizeof(err->msg) + 128];

	FUZZ_CHECK(err->msg[0]);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)));
	FUZZ_CHECK(st_error_text(err, buf, sizeof(buf)) == buf);
}

/* Every message is formatted (ASan checks its arguments) but goes nowhere. */
static inline void fuzz_quiet_log(void)
{
	st_log_use_stderr(0);
	st_log_set_level(ST_LOG_DEBUG);
}

#endif
