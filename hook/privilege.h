/* SPDX-License-Identifier: Apache-2.0 */
/* Whether this process may trace at all, checked before anything else so
 * that the error says what is missing rather than which file was denied. */
#ifndef ST_PRIVILEGE_H
#define ST_PRIVILEGE_H

#include "error.h"

/* 0 when the process has what tracing needs: the BPF program and its
 * attachment need CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, in the initial
 * user namespace (kernel/bpf/syscall.c: bpf_capable(), perfmon_capable()),
 * and the pins in bpffs and the locks in /run/seccomp-trace are root's.
 * Otherwise -1 and one line naming the need; a process in another user
 * namespace (a rootless runtime's hook) is told that rootless containers
 * cannot be traced. When the process cannot tell, it lets the kernel
 * decide (0). */
int st_check_trace_privilege(struct st_error *err);

#endif
