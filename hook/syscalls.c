// SPDX-License-Identifier: Apache-2.0
#include "syscalls.h"
#include "util.h"

#include <asm/unistd.h>
#include <ctype.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

/* libseccomp's own names for the ABIs the BPF program tells apart. */
#if defined(__x86_64__)
static const char *const abi_names[ST_NR_ABI] = {"x86_64", "x86", "x32"};
#elif defined(__aarch64__)
static const char *const abi_names[ST_NR_ABI] = {"aarch64", "arm", NULL};
#else
static const char *const abi_names[ST_NR_ABI] = {NULL, NULL, NULL};
#endif

bool st_sysset_abi_used(const struct st_sysset *s, unsigned abi)
{
	for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
		if (s->bits[abi][w])
			return true;
	return false;
}

unsigned st_sysset_count(const struct st_sysset *s)
{
	unsigned n = 0;

	for (unsigned a = 0; a < ST_NR_ABI; a++)
		for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
			n += __builtin_popcountll(s->bits[a][w]);
	return n;
}

const char *st_abi_arch_name(unsigned abi)
{
	static char names[ST_NR_ABI][32];
	const char *base;

	if (abi >= ST_NR_ABI)
		return NULL;
	base = abi_names[abi];
	if (!base)
		return NULL;
	if (!names[abi][0]) {
		size_t i = snprintf(names[abi], sizeof(names[abi]), "SCMP_ARCH_");
		for (const char *p = base; *p && i < sizeof(names[abi]) - 1; p++)
			names[abi][i++] = toupper((unsigned char)*p);
		names[abi][i] = '\0';
	}
	return names[abi];
}

uint32_t st_abi_token(unsigned abi)
{
	if (abi >= ST_NR_ABI)
		return 0;
	if (!abi_names[abi])
		return abi == ST_ABI_NATIVE ? seccomp_arch_native() : 0;
	return seccomp_arch_resolve_name(abi_names[abi]);
}

/* Profiles spell arches "SCMP_ARCH_" + libseccomp's name in capitals. */
uint32_t st_arch_token(const char *scmp_arch)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t i = 0;

	if (strncmp(scmp_arch, prefix, sizeof(prefix) - 1))
		return 0;
	for (const char *p = scmp_arch + sizeof(prefix) - 1; *p; p++) {
		if (i >= sizeof(lower) - 1 || islower((unsigned char)*p))
			return 0;
		lower[i++] = tolower((unsigned char)*p);
	}
	lower[i] = '\0';
	return i ? seccomp_arch_resolve_name(lower) : 0;
}

char *st_syscall_name(unsigned abi, unsigned nr)
{
	uint32_t token = st_abi_token(abi);

	if (!token)
		return NULL;
	return seccomp_syscall_resolve_num_arch(token, (int)nr);
}

int st_syscall_nr(unsigned abi, const char *name)
{
	uint32_t token = st_abi_token(abi);
	int nr;

	if (!token)
		return -1;
	nr = seccomp_syscall_resolve_name_arch(token, name);
	if (nr < 0)
		return -1;
#ifdef __X32_SYSCALL_BIT
	/* libseccomp's x32 numbers carry the x32 bit; ours (as the BPF
	 * program records them) do not. */
	nr &= ~__X32_SYSCALL_BIT;
#endif
	return nr;
}

bool st_syscall_known(const char *name)
{
	/* resolve_name answers for the native arch and returns a negative
	 * pseudo number for syscalls that exist only on other arches. */
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

const char *st_libseccomp_version(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	if (!buf[0] && v)
		snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

static unsigned add_names(struct st_sysset *s, unsigned abi, const char *const *names, size_t n,
			  const struct st_sysset *only_if_in)
{
	unsigned added = 0;

	for (size_t i = 0; i < n; i++) {
		int nr = st_syscall_nr(abi, names[i]);

		if (nr < 0 || st_sysset_has(s, abi, nr) ||
		    (only_if_in && !st_sysset_has(only_if_in, abi, nr)))
			continue;
		st_sysset_add(s, abi, nr);
		added++;
	}
	return added;
}

unsigned st_sysset_add_signal_return(struct st_sysset *s, const struct st_sysset *from,
				     bool assume_native)
{
	static const char *const implied[] = {"rt_sigreturn", "restart_syscall"};
	unsigned added = 0;

	for (unsigned abi = 0; abi < ST_NR_ABI; abi++) {
		int handler = st_syscall_nr(abi, "rt_sigaction");

		if ((abi == ST_ABI_NATIVE && assume_native) ||
		    (handler >= 0 && st_sysset_has(from, abi, handler)))
			added += add_names(s, abi, implied, 2, NULL);
	}
	return added;
}

unsigned st_sysset_add_time_calls(struct st_sysset *s)
{
	/* The vDSO's calls (arch/x86/entry/vdso/vclock_gettime.c, vgetcpu.c;
	 * arch/arm64/kernel/vdso): names missing from an ABI are skipped. */
	static const char *const vdso[] = {
	    "clock_gettime", "clock_gettime64",	    "gettimeofday", "time",
	    "clock_getres",  "clock_getres_time64", "getcpu",
	};
	unsigned added = 0;

	for (unsigned abi = 0; abi < ST_NR_ABI; abi++)
		if (abi == ST_ABI_NATIVE || st_sysset_abi_used(s, abi))
			added += add_names(s, abi, vdso, ARRAY_SIZE(vdso), NULL);
	return added;
}

unsigned st_sysset_keep_ambient(struct st_sysset *scoped, const struct st_sysset *all)
{
	/* Threads waking each other, signal delivery, the allocator and the
	 * scheduler: a Go runtime's thread does any of these between the
	 * filter load and exec, as timing has it. */
	static const char *const ambient[] = {
	    "futex",	   "rt_sigreturn", "restart_syscall", "sigreturn", "rt_sigprocmask",
	    "sigaltstack", "tgkill",	   "tkill",	      "getpid",	   "gettid",
	    "sched_yield", "nanosleep",	   "clock_nanosleep", "mmap",	   "mmap2",
	    "munmap",	   "madvise",	   "mprotect",	      "brk",	   "exit",
	    "exit_group",
	};
	unsigned added = 0;

	for (unsigned abi = 0; abi < ST_NR_ABI; abi++)
		added += add_names(scoped, abi, ambient, ARRAY_SIZE(ambient), all);
	return added;
}

const char *st_arg_kind_syscall(unsigned k)
{
	static const char *const names[ST_NR_ARG_KINDS] = {
	    [ST_ARG_KIND_PERSONALITY] = "personality",
	    [ST_ARG_KIND_SOCKET] = "socket",
	    [ST_ARG_KIND_CLONE] = "clone",
	    [ST_ARG_KIND_PRCTL] = "prctl",
	    [ST_ARG_KIND_FCNTL] = "fcntl",
	    [ST_ARG_KIND_SETSOCKOPT] = "setsockopt",
	    [ST_ARG_KIND_GETSOCKOPT] = "getsockopt",
	    [ST_ARG_KIND_IOCTL] = "ioctl",
	};

	return k < ST_NR_ARG_KINDS ? names[k] : NULL;
}
