// SPDX-License-Identifier: Apache-2.0
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "escape.h"

static enum st_log_level cur_level = ST_LOG_WARN;
static int to_stderr = 1;
static int to_syslog;
static int log_fd = -1;
static char tag[128] = "seccomp-trace";

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void st_log_set_level(enum st_log_level level)
{
	cur_level = level;
}

enum st_log_level st_log_get_level(void)
{
	return cur_level;
}

void st_log_set_tag(const char *t)
{
	snprintf(tag, sizeof(tag), "%s", t);
}

int st_log_open_file(const char *path)
{
	int fd =
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0640);

	if (fd < 0)
		return -1;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	return 0;
}

int st_log_file_fd(void)
{
	return log_fd;
}

void st_log_set_file_fd(int fd)
{
	log_fd = fd;
}

void st_log_use_syslog(void)
{
	openlog("seccomp-trace", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	to_syslog = 1;
	to_stderr = 0;
}

void st_log_use_stderr(int on)
{
	to_stderr = on;
}

/* One line in the log file: one write, so that concurrent tracers do not
 * interleave. */
static void write_file_line(enum st_log_level level, const char *msg)
{
	cleanup_free char *line = NULL;
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = asprintf(&line, "%s.%03ldZ %s[%d] %s: %s\n", stamp, ts.tv_nsec / 1000000, tag,
		     (int)getpid(), level_names[level], msg);
	if (n < 0 || write(log_fd, line, n) < 0) {
		/* nowhere left to report it */
	}
}

void st_log(enum st_log_level level, const char *fmt, ...)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	cleanup_free char *msg = NULL;
	va_list ap;
	int n;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg = NULL;
	cleanup_free char *escaped = msg ? st_escape_line(msg) : NULL;
	const char *text = escaped ? escaped
			   : msg   ? msg
				   : "(out of memory: a log message was lost)";

	if (to_stderr)
		fprintf(stderr, "%s: %s%s%s\n", tag, level <= ST_LOG_WARN ? level_names[level] : "",
			level <= ST_LOG_WARN ? ": " : "", text);
	if (to_syslog)
		syslog(prio[level], "%s", text);
	if (log_fd >= 0)
		write_file_line(level, text);
}
