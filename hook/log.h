/* SPDX-License-Identifier: Apache-2.0 */
/* Levelled logging: to stderr while someone is listening (CLI, hook before it
 * returns), to syslog and an optional file once the tracer has detached. */
#ifndef ST_LOG_H
#define ST_LOG_H

enum st_log_level {
	ST_LOG_ERROR = 0,
	ST_LOG_WARN = 1,
	ST_LOG_INFO = 2,
	ST_LOG_DEBUG = 3,
};

void st_log_set_level(enum st_log_level level);
enum st_log_level st_log_get_level(void);
/* Tag put in front of each line (syslog ident, "seccomp-trace[ID]" in files). */
void st_log_set_tag(const char *tag);
/* Open (append) a log file in addition to the other sinks; -1 with errno set on failure. */
int st_log_open_file(const char *path);
/* The log file's descriptor (-1: none), and moving it elsewhere (the
 * detached tracer renumbers its descriptors). */
int st_log_file_fd(void);
void st_log_set_file_fd(int fd);
/* Switch from stderr to syslog (after detaching from the runtime). */
void st_log_use_syslog(void);
void st_log_use_stderr(int on);

void st_log(enum st_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define st_err(...)   st_log(ST_LOG_ERROR, __VA_ARGS__)
#define st_warn(...)  st_log(ST_LOG_WARN, __VA_ARGS__)
#define st_info(...)  st_log(ST_LOG_INFO, __VA_ARGS__)
#define st_debug(...) st_log(ST_LOG_DEBUG, __VA_ARGS__)

#endif
