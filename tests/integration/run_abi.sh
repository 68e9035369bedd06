#!/usr/bin/env bash
# Syscalls are named per ABI: a 32-bit program's syscalls under their i386
# names with SCMP_ARCH_X86 listed; x32 calls under SCMP_ARCH_X32.
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

# x32 is off in this kernel: the call fails with ENOSYS but was made.
"$ST_BIN" run -o "$T/x32.json" -- "$ST_PROBE" x32:getpid
jq -e '.architectures | index("SCMP_ARCH_X32")' "$T/x32.json" >/dev/null ||
	die "x32 call did not list SCMP_ARCH_X32: $(jq -c .architectures "$T/x32.json")"
assert_allows "$T/x32.json" getpid
note ok
