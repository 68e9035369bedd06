/* SPDX-License-Identifier: Apache-2.0 */
/* Validating a profile the way runtimes load it: each field and action
 * judged by what runc, crun, podman, Docker and containerd do with it, then
 * every rule handed to libseccomp and the filter compiled. Problems are
 * reported with the JSON path of the item and the runtimes that refuse the
 * profile for it.
 *
 * What each runtime does with each kind of profile is not taken from their
 * documentation but measured: tests/check_runtimes.json lists the profiles,
 * what each runtime did with them on runc 1.1.5, crun 1.8.1, podman 4.3.1,
 * Docker 20.10.24 and containerd 1.6.20, and what check says; the test
 * tests/integration/check_runtimes.sh runs them all again. */
#ifndef ST_PROFILE_CHECK_H
#define ST_PROFILE_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <seccomp.h>

#include "profile.h"

enum st_check_level {
	ST_CHECK_WARNING, /* runtimes accept it, or it is a feature some of them lack */
	ST_CHECK_ERROR,	  /* a runtime refuses the profile for it (refused_by says which) */
};

/* The runtimes judged, as a set of bits. */
enum st_runtime {
	ST_RT_RUNC = 1u << 0,	     /* runc 1.1: the profile as linux.seccomp of a bundle */
	ST_RT_CRUN = 1u << 1,	     /* crun 1.8: the same */
	ST_RT_PODMAN = 1u << 2,	     /* podman 4.3 --security-opt seccomp=, crun */
	ST_RT_PODMAN_RUNC = 1u << 3, /* the same with --runtime runc */
	ST_RT_DOCKER = 1u << 4,	     /* Docker 20.10 --security-opt seccomp=, runc */
	ST_RT_CONTAINERD = 1u << 5,  /* containerd 1.6 (ctr --seccomp-profile; Kubernetes'
					CRI reads localhost profiles the same way), runc */
};
#define ST_RT_COUNT 6
#define ST_RT_ALL   ((1u << ST_RT_COUNT) - 1)

/* Bit i's id in machine output ("runc", "crun", "podman", "podman-runc",
 * "docker", "containerd"), and its name in messages ("podman --runtime runc",
 * "Docker", ...). */
const char *st_runtime_id(unsigned i);
const char *st_runtime_name(unsigned i);

struct st_check_item {
	enum st_check_level level;
	const char *path;    /* JSON path of the item: "syscalls[3].args[0].op" */
	const char *msg;     /* one line; says which runtimes refuse the profile, if any */
	unsigned refused_by; /* enum st_runtime bits */
};

typedef void (*st_check_fn)(void *ctx, const struct st_check_item *item);

/* Returns the number of errors; every problem goes to report. */
unsigned st_profile_check(const struct st_profile *p, st_check_fn report, void *ctx);

/* Whether p lets io_uring_setup, io_uring_enter or io_uring_register through
 * (a rule under which it can run, ALLOW, LOG, TRACE or NOTIFY, unconditional
 * or not, or no rule denies it and the default action lets calls run):
 * names gets them ("io_uring_setup,
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
