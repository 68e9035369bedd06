// SPDX-License-Identifier: Apache-2.0
#include "privilege.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

/* The initial user namespace maps every uid onto itself ("0 0 4294967295");
 * user_namespaces(7). */
static bool in_initial_userns(void)
{
	unsigned long inside, outside, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool initial = true;

	if (!f)
		return true;
	if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		initial = inside == 0 && outside == 0 && count == UINT32_MAX;
	fclose(f);
	return initial;
}

static bool effective(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int st_check_trace_privilege(struct st_error *err)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};
	bool bpf, files;

	if (!in_initial_userns())
		return st_error_set(err, 0,
				    "tracing needs root in the host's user namespace (CAP_BPF and "
				    "CAP_PERFMON, or CAP_SYS_ADMIN), and this process runs in "
				    "another one: rootless containers cannot be traced");
	if (syscall(SYS_capget, &h, d) < 0)
		return 0;
	bpf = effective(d, CAP_SYS_ADMIN) || (effective(d, CAP_BPF) && effective(d, CAP_PERFMON));
	files = geteuid() == 0 || effective(d, CAP_DAC_OVERRIDE);
	if (!bpf || !files)
		return st_error_set(err, 0,
				    "tracing needs root (CAP_BPF and CAP_PERFMON, or "
				    "CAP_SYS_ADMIN): run it as root; rootless containers cannot be "
				    "traced");
	return 0;
}
