/* SPDX-License-Identifier: Apache-2.0 */
/* Times in learn's options and messages. Audit records carry the wall clock
 * (ms since the epoch, from the kernel's coarse real-time clock: kernel/
 * audit.c, audit_get_stamp); the kernel log adds the printk time (us since
 * boot), which dmesg prints as "[SEC.USEC]". Messages give a time the way
 * the log's readers see it, in a form --since and --until read back. */
#ifndef ST_LEARN_TIME_H
#define ST_LEARN_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ms (since the epoch) as local time "YYYY-MM-DD HH:MM:SS.mmm", followed by
 * " [SEC.USEC]" (dmesg's form) when has_mono. Returns buf; 48 bytes hold
 * any. */
const char *st_learn_format_time(uint64_t ms, bool has_mono, uint64_t mono_usec, char *buf,
				 size_t len);

/* A point in time as ms since the epoch: "YYYY-MM-DD[( |T)HH:MM[:SS[.FFF]]]"
 * (local time), "@SECONDS" or "SECONDS" (with a fraction), "now", or "-N"
 * followed by s, m, h or d (that long before now_ms). -1 when s is none of
 * these. */
int st_learn_parse_time(const char *s, uint64_t now_ms, uint64_t *ms);

#endif
