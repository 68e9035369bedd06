/* SPDX-License-Identifier: Apache-2.0 */
/* Syscall ABIs and names. Names and numbers come from libseccomp only. */
#ifndef ST_SYSCALLS_H
#define ST_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "seccomp_trace.h"

/* The set of (abi, nr) pairs a trace saw. */
struct st_sysset {
	uint64_t bits[ST_NR_ABI][ST_BITMAP_WORDS];
};

static inline void st_sysset_add(struct st_sysset *s, unsigned abi, unsigned nr)
{
	if (abi < ST_NR_ABI && nr < ST_MAX_SYSCALLS)
		s->bits[abi][nr / 64] |= 1ULL << (nr % 64);
}

static inline bool st_sysset_has(const struct st_sysset *s, unsigned abi, unsigned nr)
{
	return abi < ST_NR_ABI && nr < ST_MAX_SYSCALLS && (s->bits[abi][nr / 64] >> (nr % 64)) & 1;
}

/* dst |= src */
static inline void st_sysset_merge(struct st_sysset *dst, const struct st_sysset *src)
{
	for (unsigned a = 0; a < ST_NR_ABI; a++)
		for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
			dst->bits[a][w] |= src->bits[a][w];
}

/* Distinct argument values per enum st_arg_kind (native ABI, scoped calls). */
struct st_arg_values {
	uint64_t v[ST_NR_ARG_KINDS][ST_MAX_ARG_VALUES]; /* sorted, unique */
	uint32_t n[ST_NR_ARG_KINDS];
	uint32_t overflow; /* bit per kind: more values than could be kept */
};

bool st_sysset_abi_used(const struct st_sysset *s, unsigned abi);
unsigned st_sysset_count(const struct st_sysset *s);

/* "SCMP_ARCH_X86_64" for an ABI the BPF program reports; NULL if this
 * platform has no such ABI. */
const char *st_abi_arch_name(unsigned abi);
/* libseccomp arch token of an ABI, 0 if none. */
uint32_t st_abi_token(unsigned abi);
/* Token for a profile arch name ("SCMP_ARCH_X86"), 0 if libseccomp does not know it. */
uint32_t st_arch_token(const char *scmp_arch);
/* Name of syscall nr in an ABI (malloc'ed), NULL if libseccomp has none. */
char *st_syscall_name(unsigned abi, unsigned nr);
/* Number of a syscall in an ABI as the BPF program records it (x32 without
 * the x32 bit), negative if unknown there. */
int st_syscall_nr(unsigned abi, const char *name);
/* Signals arrive when they arrive: a process with a signal handler needs
 * rt_sigreturn and restart_syscall whether or not the trace happened to
 * deliver a signal. Adds them for each ABI in which `from` saw rt_sigaction,
 * and for the native ABI anyway with assume_native (a runtime's init had its
 * handlers before tracing began). Returns how many were added. */
unsigned st_sysset_add_signal_return(struct st_sysset *s, const struct st_sysset *from,
				     bool assume_native);

/* Time calls: clock_gettime, gettimeofday, time, clock_getres, getcpu (and
 * the time64 variants of 32-bit ABIs) are answered by the vDSO without
 * entering the kernel where the clocksource allows it (tsc, kvm-clock), so a
 * trace rarely sees them; where it does not (some Xen and Hyper-V guests,
 * clocksource=hpet or acpi_pm) they are syscalls. Adds them for the native
 * ABI and each ABI s uses, where that ABI has them. Returns how many were
 * added. */
unsigned st_sysset_add_time_calls(struct st_sysset *s);

/* Ambient syscalls: what a process's own runtime does at unpredictable
 * moments (thread wake-ups, signals, memory, sleeping) rather than because of
 * what the program is doing. A syscall of this kind seen anywhere in `all`
 * is kept in `scoped` even if it was seen only before the scope started
 * (the hook's --scope after-seccomp). Returns how many were added. */
unsigned st_sysset_keep_ambient(struct st_sysset *scoped, const struct st_sysset *all);

/* The syscall whose argument enum st_arg_kind kind k records ("socket"). */
const char *st_arg_kind_syscall(unsigned k);

/* "2.5.4": the libseccomp in use, for messages. */
const char *st_libseccomp_version(void);
/* True if libseccomp knows name on any arch it supports. */
bool st_syscall_known(const char *name);

#endif
