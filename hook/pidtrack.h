/* SPDX-License-Identifier: Apache-2.0 */
/* Telling whether a process (by its pid in the initial PID namespace, as
 * audit records give it) belongs to a container: to its PID namespace (or
 * one nested in it) or to its cgroup (or one beneath it).
 *
 * A record reaches the log after its syscall, often after its process has
 * exited. So the tracker learns processes as they are born: it reads every
 * process in /proc when it opens, then follows fork events from the proc
 * connector (NETLINK_CONNECTOR, CN_IDX_PROC; needs CAP_NET_ADMIN): a child
 * of a member is a member, another child is looked at in /proc at once. A
 * pid it has never seen is looked at in /proc when asked about. */
#ifndef ST_PIDTRACK_H
#define ST_PIDTRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum st_track_kind {
	ST_TRACK_PIDNS,	 /* the PID namespace of a process (a container's init) */
	ST_TRACK_CGROUP, /* a cgroup path as /proc/PID/cgroup shows it */
};

struct st_pidtrack;

/* pidns: arg is the pid of a process in the namespace; cgroup: the path. */
int st_pidtrack_open(enum st_track_kind kind, const char *arg, struct st_pidtrack **out,
		     struct st_error *err);
void st_pidtrack_close(struct st_pidtrack *t);
/* The connector socket, to poll; st_pidtrack_drain reads what it has. */
int st_pidtrack_fd(const struct st_pidtrack *t);
void st_pidtrack_drain(struct st_pidtrack *t);
/* 1 a member, 0 not, -1 unknown (exited before it could be looked at).
 * Matches st_learn_match_fn. */
int st_pidtrack_match(void *t, int64_t pid);
/* Fork events the kernel dropped (the socket's buffer was full). */
uint64_t st_pidtrack_dropped(const struct st_pidtrack *t);
/* When the container's records can start, ms since the epoch (for a
 * default --since): the start of the pidns process, or of the cgroup's
 * oldest process; false if there is none. */
bool st_pidtrack_start_ms(const struct st_pidtrack *t, uint64_t *ms);

#endif
