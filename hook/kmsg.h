/* SPDX-License-Identifier: Apache-2.0 */
/* The live kernel log (/dev/kmsg) and what tells whether the seccomp audit
 * records in it are complete: the kernel's audit status (who receives the
 * records, how many were lost) and a probe record that shows whether the
 * printk rate limit dropped records after the last one seen. */
#ifndef ST_KMSG_H
#define ST_KMSG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* AUDIT_GET over netlink (include/uapi/linux/audit.h: struct audit_status). */
struct st_audit_status {
	uint32_t enabled;
	uint32_t pid; /* the audit daemon receiving records; 0: none, they go to printk */
	uint32_t lost;
	uint32_t rate_limit;
	uint32_t backlog_limit;
};

/* Needs CAP_AUDIT_CONTROL; fails (err set) without it or inside a container. */
int st_audit_status_get(struct st_audit_status *s, struct st_error *err);

struct st_kmsg;

/* Open /dev/kmsg at its oldest record; nonblocking. */
int st_kmsg_open(struct st_kmsg **out, struct st_error *err);
void st_kmsg_close(struct st_kmsg *k);
int st_kmsg_fd(const struct st_kmsg *k);

/* Read the next record into its line (the message with its
 * "PRI,SEQ,USEC,FLAGS;" header, without the dictionary lines). Returns 1
 * with a line, 0 when none is waiting, -1 on error. Records overwritten
 * before they were read (the ring buffer wrapped) are counted. */
int st_kmsg_next(struct st_kmsg *k, const char **line, size_t *len, struct st_error *err);
/* Records that were gone before they could be read (after the first one). */
uint64_t st_kmsg_overwritten(const struct st_kmsg *k);
/* Sequence number and time (us since boot) of the first record read; false
 * if none was. A first sequence number above 0 means older ones are gone. */
bool st_kmsg_first(const struct st_kmsg *k, uint64_t *seq, uint64_t *usec);

/* Wall clock ms of a /dev/kmsg time stamp (us since boot, the printk clock,
 * which stands still in suspend like CLOCK_MONOTONIC). */
uint64_t st_kmsg_wall_ms(uint64_t usec);

/* One seccomp audit record made on purpose (st_audit_probe). */
struct st_audit_probe_rec {
	pid_t pid;	  /* the child that made it */
	uint32_t arch;	  /* AUDIT_ARCH_* of the call: the native one */
	int nr;		  /* getppid's number there */
	uint64_t from_ms; /* wall clock before the child started (the coarse clock
			   * the kernel stamps records with) */
	uint64_t to_ms;	  /* wall clock after it was reaped */
};

/* Make one seccomp audit record now: a child loads a filter that logs
 * getppid (SCMP_ACT_LOG), calls it once and exits. Its record marks where
 * the log stood; *rec says how to know it. */
int st_audit_probe(struct st_audit_probe_rec *rec, struct st_error *err);

/* kernel.printk_ratelimit (ms) and kernel.printk_ratelimit_burst; the
 * kernel's defaults (5 s, 10) where they cannot be read; a burst of 0 when
 * the interval is 0 (no limit). */
void st_printk_ratelimit(unsigned *interval_ms, unsigned *burst);

/* Whether kernel.seccomp.actions_logged lists action ("log"); true when
 * it cannot be read (nothing to say then). */
bool st_seccomp_action_logged(const char *action);

#endif
