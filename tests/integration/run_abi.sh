#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Syscalls are named per ABI: a 32-bit program's syscalls under their i386
# names with SCMP_ARCH_X86 listed; x32 calls under SCMP_ARCH_X32 where the
# kernel runs them, and counted but left out where it does not.
. "$(dirname "$0")/../lib.sh"

: "${ST_PROBE32:?}"
file "$ST_PROBE32" 2>/dev/null | grep -q '32-bit' || [ "$(od -An -tx1 -j4 -N1 "$ST_PROBE32" | tr -d ' ')" = 01 ] ||
	die "$ST_PROBE32 is not a 32-bit ELF"

"$ST_BIN" run -o "$T/p32.json" -- "$ST_PROBE32" write membarrier
[ "$(jq -c .architectures "$T/p32.json")" = '["SCMP_ARCH_X86_64","SCMP_ARCH_X86"]' ] ||
	die "architectures: $(jq -c .architectures "$T/p32.json")"
# i386 write is 4 (x86-64 stat), i386 membarrier is 375 (no x86-64 syscall):
# named by their own ABI, not by x86-64's table.
assert_allows "$T/p32.json" write membarrier execve
assert_lacks "$T/p32.json" stat

# x32: recorded under SCMP_ARCH_X32 only where the kernel has the x32 ABI;
# elsewhere the call only got ENOSYS, and a profile listing x32 (and
# allowing the x32 numbers of read/write/open...) would be wrong.
# (no runtime allowance: runc's lists getpid)
"$ST_BIN" run --runtime-allowance none -o "$T/x32.json" -- "$ST_PROBE" x32:getpid membarrier \
	2>"$T/x32.err"
assert_allows "$T/x32.json" membarrier
if [ -r /proc/config.gz ]; then
	kconfig=$(zcat /proc/config.gz)
elif [ -r "/boot/config-$(uname -r)" ]; then
	kconfig=$(cat "/boot/config-$(uname -r)")
else
	die "cannot tell whether this kernel has x32: no /proc/config.gz or /boot/config-$(uname -r)"
fi
if grep -q '^CONFIG_X86_X32_ABI=y' <<<"$kconfig"; then
	jq -e '.architectures | index("SCMP_ARCH_X32")' "$T/x32.json" >/dev/null ||
		die "x32 kernel: the x32 call did not list SCMP_ARCH_X32: $(jq -c .architectures "$T/x32.json")"
	assert_allows "$T/x32.json" getpid
else
	! jq -e '.architectures | index("SCMP_ARCH_X32")' "$T/x32.json" >/dev/null ||
		die "no x32 in this kernel, yet the profile lists SCMP_ARCH_X32"
	assert_lacks "$T/x32.json" getpid
	grep -qx 'seccomp-trace: warning: 1 x32 calls were not recorded: this kernel has no x32 ABI (CONFIG_X86_X32_ABI), so they failed with ENOSYS' "$T/x32.err" ||
		die "the refused x32 call is not reported: $(cat "$T/x32.err")"
fi
note ok
