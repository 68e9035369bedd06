#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

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

void st_log(enum st_log_level level, const char *fmt, ...)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	char msg[2048];
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (to_stderr)
		fprintf(stderr, "%s: %s%s%s\n", tag, level <= ST_LOG_WARN ? level_names[level] : "",
			level <= ST_LOG_WARN ? ": " : "", msg);
	if (to_syslog)
		syslog(prio[level], "%s", msg);
	if (log_fd >= 0) {
		char line[2300], stamp[32];
		struct timespec ts;
		struct tm tm;
		int n;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%d] %s: %s\n", stamp,
			     ts.tv_nsec / 1000000, tag, (int)getpid(), level_names[level], msg);
		if (n > (int)sizeof(line) - 1)
			n = sizeof(line) - 1;
		/* One write per line so concurrent tracers do not interleave. */
		if (write(log_fd, line, n) < 0) {
			/* nowhere left to report it */
		}
	}
}
