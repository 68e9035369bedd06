// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The floor for the syscall benchmark: a program on the same BTF tracepoint
 * as seccomp-trace's that does nothing. What it costs is what any program
 * there costs (the tracepoint's slow syscall entry, the trampoline into
 * BPF); seccomp-trace's own work is what it adds on top. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* GPL-compatible, as bpf/seccomp_trace.bpf.c explains */
char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sys_enter")
int empty_sys_enter(unsigned long long *ctx)
{
	(void)ctx;
	return 0;
}
