#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `check` agrees with the runtimes: for a set of good and broken profiles,
# check refuses exactly those that podman, crun or runc refuse to load.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_image
# Enough for busybox `true` under every runtime, so that only the change matters.
jq -n '{defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"],
  syscalls: [{names: $ARGS.positional, action: "SCMP_ACT_ALLOW"}]}' --args \
	read write execve exit_group brk mmap munmap arch_prctl set_tid_address set_robust_list \
	rseq prlimit64 mprotect getrandom close openat newfstatat fstat getdents64 ioctl fstatfs \
	futex capget capset prctl setresuid setresgid setuid setgid setgroups getuid getpid getppid \
	readlink pselect6 rt_sigaction rt_sigprocmask rt_sigreturn fcntl epoll_ctl epoll_pwait \
	nanosleep lseek access getcwd uname statx tgkill clone wait4 exit dup2 sched_yield mount \
	umask chdir fchdir pivot_root umount2 sethostname statfs faccessat2 pipe2 keyctl openat2 \
	mkdirat close_range sigaltstack gettid madvise >"$T/base.json"

cases=(
	'.'
	'.defaultAction = "SCMP_ACT_NOPE"'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_FOO"}]'
	'.architectures += ["SCMP_ARCH_VAX"]'
	'.architectures = ["x86_64"]'
	'.archMap = [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []}]'
	'.architectures += ["SCMP_ARCH_S390X"]'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ALLOW", "errnoRet": 5}]'
	'.defaultAction = "SCMP_ACT_ALLOW" | .defaultErrnoRet = 5'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_NOTIFY"}]'
	'.syscalls += [{"names": ["no_such_call"], "action": "SCMP_ACT_ALLOW"}]'
	'.syscalls += [{"names": [], "action": "SCMP_ACT_ALLOW"}]'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_TRACE", "errnoRet": 5}]'
	'.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 255, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}]}]'
)
n=0
for filter in "${cases[@]}"; do
	n=$((n + 1))
	f=$T/case$n.json
	jq "$filter" "$T/base.json" >"$f"
	refused=()
	ct_podman run --rm --network none --security-opt seccomp="$f" "$CT_IMAGE" true \
		>"$T/p$n.out" 2>&1 || refused+=(podman)
	for rt in crun runc; do
		ct_bundle "$T/b$n-$rt" --seccomp "$(jq -c . "$f")" -- true
		ct_run "$rt" "$T/b$n-$rt" "chk-$$-$n-$rt" >"$T/$rt$n.out" 2>&1 || refused+=("$rt")
	done
	set +e
	"$ST_BIN" check "$f" >"$T/c$n.out"
	rc=$?
	set -e
	if [ ${#refused[@]} -gt 0 ]; then
		[ $rc -eq 1 ] || die "case '$filter': ${refused[*]} refused it, check said: $(cat "$T/c$n.out")"
	else
		[ $rc -eq 0 ] || die "case '$filter': every runtime loaded it, check said: $(cat "$T/c$n.out")"
	fi
	note "case $n: refused by [${refused[*]}], check exit $rc"
done
note ok
