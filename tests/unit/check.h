/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal test harness: CHECK() records a failure and goes on, so one run
 * shows every broken expectation; main returns non-zero if any failed. */
#ifndef ST_TEST_CHECK_H
#define ST_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b)) {                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" vs \"%s\")\n",      \
				__FILE__, __LINE__, #a, #b, _a ? _a : "(null)",                    \
				_b ? _b : "(null)");                                               \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
	do {                                                                                       \
		const char *_h = (hay), *_n = (needle);                                            \
		if (!_h || !strstr(_h, _n)) {                                                      \
			fprintf(stderr, "%s:%d: CHECK failed: \"%s\" contains \"%s\"\n", __FILE__, \
				__LINE__, _h ? _h : "(null)", _n);                                 \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

#define RUN(test)                                                                                  \
	do {                                                                                       \
		int _before = check_failures;                                                      \
		test();                                                                            \
		printf("%s %s\n", check_failures == _before ? "ok  " : "FAIL", #test);             \
	} while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)

#endif
