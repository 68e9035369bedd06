// SPDX-License-Identifier: Apache-2.0
/* Syscall naming per ABI comes from libseccomp: the same number means
 * different syscalls on different ABIs. */
#include <stdlib.h>
#include <sys/syscall.h>

#include "check.h"
#include "syscalls.h"

static void check_name(unsigned abi, unsigned nr, const char *want)
{
	char *n = st_syscall_name(abi, nr);

	CHECK_STR(n, want);
	free(n);
}

static void test_names_per_abi(void)
{
	check_name(ST_ABI_NATIVE, SYS_write, "write");
	check_name(ST_ABI_NATIVE, 4, "stat");
	check_name(ST_ABI_COMPAT, 4, "write");
	check_name(ST_ABI_COMPAT, 20, "getpid");
	check_name(ST_ABI_NATIVE, 20, "writev");
	check_name(ST_ABI_X32, SYS_getpid, "getpid");
	check_name(ST_ABI_X32, 520, "execve"); /* x32's own execve */
}

static void test_numbers_per_abi(void)
{
	CHECK(st_syscall_nr(ST_ABI_NATIVE, "execve") == SYS_execve);
	CHECK(st_syscall_nr(ST_ABI_COMPAT, "execve") == 11);
	CHECK(st_syscall_nr(ST_ABI_X32, "execve") == 520); /* without the x32 bit */
	CHECK(st_syscall_nr(ST_ABI_NATIVE, "no_such_syscall") < 0);
	CHECK(st_syscall_known("socketcall")); /* 32-bit only, still a name */
	CHECK(!st_syscall_known("no_such_syscall"));
}

static void test_arch_names(void)
{
	CHECK_STR(st_abi_arch_name(ST_ABI_NATIVE), "SCMP_ARCH_X86_64");
	CHECK_STR(st_abi_arch_name(ST_ABI_COMPAT), "SCMP_ARCH_X86");
	CHECK_STR(st_abi_arch_name(ST_ABI_X32), "SCMP_ARCH_X32");
	CHECK(st_arch_token("SCMP_ARCH_X86_64") == st_abi_token(ST_ABI_NATIVE));
	CHECK(st_arch_token("SCMP_ARCH_AARCH64") != 0);
	CHECK(st_arch_token("SCMP_ARCH_S390X") != 0);
	CHECK(st_arch_token("SCMP_ARCH_x86_64") == 0);
	CHECK(st_arch_token("x86_64") == 0);
	CHECK(st_arch_token("SCMP_ARCH_VAX") == 0);
}

static void test_sysset(void)
{
	struct st_sysset s = {0};

	st_sysset_add(&s, ST_ABI_COMPAT, 4);
	st_sysset_add(&s, ST_ABI_COMPAT, 4);
	st_sysset_add(&s, ST_ABI_NATIVE, ST_MAX_SYSCALLS); /* out of range: ignored */
	CHECK(st_sysset_count(&s) == 1);
	CHECK(st_sysset_has(&s, ST_ABI_COMPAT, 4));
	CHECK(!st_sysset_has(&s, ST_ABI_NATIVE, 4));
	CHECK(st_sysset_abi_used(&s, ST_ABI_COMPAT) && !st_sysset_abi_used(&s, ST_ABI_NATIVE));
}

static void test_signal_return(void)
{
	struct st_sysset from = {0}, s = {0};
	int sigaction32 = st_syscall_nr(ST_ABI_COMPAT, "rt_sigaction");

	/* no handler installed: nothing implied */
	CHECK(st_sysset_add_signal_return(&s, &from, false) == 0);
	/* a 32-bit handler: the 32-bit rt_sigreturn (173) and restart_syscall (0) */
	st_sysset_add(&from, ST_ABI_COMPAT, sigaction32);
	CHECK(st_sysset_add_signal_return(&s, &from, false) == 2);
	CHECK(st_sysset_has(&s, ST_ABI_COMPAT, 173));
	CHECK(st_sysset_has(&s, ST_ABI_COMPAT, 0));
	CHECK(!st_sysset_abi_used(&s, ST_ABI_NATIVE));
	CHECK(st_sysset_add_signal_return(&s, &from, false) == 0);
	/* a runtime's init: native handlers assumed */
	CHECK(st_sysset_add_signal_return(&s, &from, true) == 2);
	CHECK(st_sysset_has(&s, ST_ABI_NATIVE, SYS_rt_sigreturn));
}

static void test_keep_ambient(void)
{
	struct st_sysset all = {0}, scoped = {0};

	st_sysset_add(&all, ST_ABI_NATIVE, SYS_futex);
	st_sysset_add(&all, ST_ABI_NATIVE, SYS_mount);
	st_sysset_add(&all, ST_ABI_NATIVE, SYS_pivot_root);
	st_sysset_add(&scoped, ST_ABI_NATIVE, SYS_write);
	/* futex stays even if seen only before the scope started; set-up
	 * calls do not, and nothing unseen is invented */
	CHECK(st_sysset_keep_ambient(&scoped, &all) == 1);
	CHECK(st_sysset_has(&scoped, ST_ABI_NATIVE, SYS_futex));
	CHECK(!st_sysset_has(&scoped, ST_ABI_NATIVE, SYS_mount));
	CHECK(!st_sysset_has(&scoped, ST_ABI_NATIVE, SYS_pivot_root));
	CHECK(!st_sysset_has(&scoped, ST_ABI_NATIVE, SYS_mmap));
}

int main(void)
{
	RUN(test_names_per_abi);
	RUN(test_numbers_per_abi);
	RUN(test_arch_names);
	RUN(test_sysset);
	RUN(test_signal_return);
	RUN(test_keep_ambient);
	return CHECK_DONE();
}
