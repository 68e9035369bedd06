// SPDX-License-Identifier: Apache-2.0
#include "learn_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *st_learn_format_time(uint64_t ms, bool has_mono, uint64_t mono_usec, char *buf,
				 size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char day[32];
	int n;

	if (!localtime_r(&t, &tm) || !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(day, sizeof(day), "@%llu", (unsigned long long)(ms / 1000));
	n = snprintf(buf, len, "%s.%03u", day, (unsigned)(ms % 1000));
	if (has_mono && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " [%llu.%06llu]",
			 (unsigned long long)(mono_usec / 1000000),
			 (unsigned long long)(mono_usec % 1000000));
	return buf;
}

/* "-N" and a unit: that long before now. */
static int parse_ago(const char *s, uint64_t now_ms, uint64_t *ms)
{
	static const struct {
		char unit;
		uint64_t ms;
	} units[] = {{'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}};
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s + 1, &end, 10);
	if (errno || end == s + 1 || n >= 100000 * 365ULL)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && !end[1] && n * units[i].ms <= now_ms) {
			*ms = now_ms - n * units[i].ms;
			return 0;
		}
	return -1;
}

/* ".FFF..." after the seconds: the ms it names (digits past the third
 * are cut); *s moves past it. */
static bool parse_fraction(const char **s, unsigned *msec)
{
	const char *p = *s + 1;
	unsigned v = 0, k = 0;

	while (*p >= '0' && *p <= '9' && k < 9) {
		if (k < 3)
			v = v * 10 + (unsigned)(*p - '0');
		p++, k++;
	}
	if (!k)
		return false;
	for (; k < 3; k++)
		v *= 10;
	*msec = v;
	*s = p;
	return true;
}

static int parse_date(const char *s, uint64_t *ms)
{
	struct tm tm = {0};
	const char *rest;
	unsigned msec = 0;
	time_t t;

	tm.tm_isdst = -1;
	rest = strptime(s, "%Y-%m-%d", &tm);
	if (rest && (*rest == ' ' || *rest == 'T')) {
		const char *r = strptime(rest + 1, "%H:%M:%S", &tm);

		if (r && *r == '.' && !parse_fraction(&r, &msec))
			return -1;
		rest = r ? r : strptime(rest + 1, "%H:%M", &tm);
	}
	if (!rest || *rest != '\0' || (t = mktime(&tm)) == (time_t)-1 || t < 0)
		return -1;
	*ms = (uint64_t)t * 1000 + msec;
	return 0;
}

int st_learn_parse_time(const char *s, uint64_t now_ms, uint64_t *ms)
{
	if (!strcmp(s, "now")) {
		*ms = now_ms;
		return 0;
	}
	if (s[0] == '-')
		return parse_ago(s, now_ms, ms);
	if (s[0] == '@' || (s[0] && strspn(s, "0123456789.") == strlen(s))) {
		const char *v = s + (s[0] == '@');
		char *end;
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (errno || *end != '\0' || end == v || !(d >= 0 && d < 1e13))
			return -1;
		*ms = (uint64_t)(d * 1000 + 0.5);
		return 0;
	}
	return parse_date(s, ms);
}
