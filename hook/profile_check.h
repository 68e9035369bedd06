/* SPDX-License-Identifier: Apache-2.0 */
/* Validating a profile the way runtimes load it: names, actions, arches and
 * conditions checked, then every rule handed to libseccomp and the filter
 * compiled. Problems are reported with the JSON path of the item. */
#ifndef ST_PROFILE_CHECK_H
#define ST_PROFILE_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <seccomp.h>

#include "profile.h"

enum st_check_level {
	ST_CHECK_WARNING, /* runtimes accept it, but it is probably not what was meant */
	ST_CHECK_ERROR,	  /* runc, crun or podman refuse it */
};

typedef void (*st_check_fn)(void *ctx, enum st_check_level level, const char *path,
			    const char *msg);

/* Returns the number of errors; every problem goes to report. */
unsigned st_profile_check(const struct st_profile *p, st_check_fn report, void *ctx);

/* Whether p lets io_uring_setup, io_uring_enter or io_uring_register through
 * (a rule allows it, unconditionally or not, or no rule denies it and the
 * default action lets calls proceed): names gets them ("io_uring_setup,
 * io_uring_enter"), path the JSON path of what lets the first one through.
 * A workload with a ring opens files, connects and creates sockets of any
 * family and more without making those syscalls: past every rule (see
 * io_uring_setup(2); moby#46762 took io_uring out of Docker's default profile
 * for this). */
bool st_profile_allows_io_uring(const struct st_profile *p, char *names, size_t names_len,
				char *path, size_t path_len);

/* The sentence both check and the tracer log say after "allows NAMES". */
#define ST_IO_URING_WARNING                                                                        \
	"through a ring the workload opens files and creates sockets of any family without "       \
	"making those syscalls, past every rule of the profile (the default profiles of "          \
	"Docker 25 and containerd 2.0 refuse io_uring for this reason)"

/* libseccomp's value for a profile action name; errno_ret is used by
 * SCMP_ACT_ERRNO and SCMP_ACT_TRACE. -1 if the name is not an action. */
int st_action_value(const char *name, uint32_t errno_ret, uint32_t *out);
/* True for the actions that take an errno (errnoRet). */
bool st_action_takes_errno(const char *name);
/* libseccomp's comparison for a profile op name; -1 if unknown. */
int st_op_value(const char *name, enum scmp_compare *out);

#endif
