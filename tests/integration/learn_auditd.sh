#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# learn from auditd's log: a real auditd (Debian's) runs in the foreground
# for a second or two with a private configuration and log file, receives
# the records of native and 32-bit calls and of a process whose name holds a
# quote and spaces, and is stopped by its pid; the kernel's audit state is
# left as it was. While it runs the records are not in the kernel log: learn
# from the kernel log must say that records are missing.
. "$(dirname "$0")/../lib.sh"
: "${ST_PROBE:?}" "${ST_PROBE32:?}"

audit_lock
command -v auditd >/dev/null || die "auditd is not installed (scripts/setup installs it)"
status() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }
enabled0=$(status enabled)
[ "$(status pid)" = 0 ] || die "an audit daemon (pid $(status pid)) already runs: not ours to stop"
had_pidfile=0
[ ! -e /var/run/auditd.pid ] || had_pidfile=1

mkdir -m 700 "$T/conf" "$T/conf/plugins.d"
cat >"$T/conf/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $T/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 1
max_log_file = 8
num_logs = 0
name_format = NONE
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = IGNORE
max_restarts = 0
plugin_dir = $T/conf/plugins.d
end_of_event_timeout = 2
EOF
chmod 600 "$T/conf/auditd.conf"
ln -s "$ST_PROBE" "$T/a b\"c" # comm 'a b"c': the kernel writes it in hex

stop_auditd() {
	[ -n "${apid:-}" ] || return 0
	kill -TERM "$apid" 2>/dev/null || true
	wait "$apid" 2>/dev/null || true
	apid=
}
trap 'rc=$?; stop_auditd; (exit $rc); st_on_exit' EXIT

audit_mark
# -n: no fork, so that $! is auditd; -s nochange: the enabled flag stays
auditd -n -s nochange -c "$T/conf" 2>"$T/auditd.err" &
apid=$!
for i in $(seq 100); do
	[ "$(status pid)" = "$apid" ] && break
	kill -0 "$apid" 2>/dev/null || die "auditd did not start: $(cat "$T/auditd.err")"
	sleep 0.05
done
[ "$(status pid)" = "$apid" ] || die "auditd did not register with the kernel"
# auditd 3.0.9 drops what comes in its first moments: mark until it writes
for i in $(seq 40); do
	"$ST_PROBE" logged:1
	sleep 0.05
	grep -q 'type=SECCOMP' "$T/audit.log" 2>/dev/null && break
done
grep -q 'type=SECCOMP' "$T/audit.log" || die "auditd writes no records: $(cat "$T/auditd.err")"
sleep 0.01
T0=$(audit_since)
"$ST_PROBE" logged:1
"$ST_PROBE32" logged:1
"$T/a b\"c" logged:1
for i in $(seq 100); do # freq = 1: each record is flushed as it comes
	[ "$(grep -c 'comm=6120622263 ' "$T/audit.log" 2>/dev/null)" -ge 1 ] && break
	sleep 0.05
done
stop_auditd
[ "$(status pid)" = 0 ] || die "auditd left itself registered"
[ "$(status enabled)" = "$enabled0" ] || die "audit enabled was $enabled0, now $(status enabled)"
[ $had_pidfile = 1 ] || [ ! -e /var/run/auditd.pid ] || die "auditd left /var/run/auditd.pid"

grep -q $'type=SECCOMP .*code=0x7ffc0000\x1dAUID=' "$T/audit.log" ||
	die "not auditd's enriched format: $(cat "$T/audit.log")"
grep -q ' comm=6120622263 ' "$T/audit.log" || die "comm 'a b\"c' not in hex: $(cat "$T/audit.log")"
set +e
"$ST_BIN" learn --since "@$T0" --default-action errno -o "$T/learned.json" "$T/audit.log" \
	2>"$T/learn.err"
rc=$?
set -e
[ $rc -eq 0 ] || die "learn from audit.log failed ($rc): $(cat "$T/learn.err")"
grep -Eq '^  added +getppid +x86_64 +2 records, pid [0-9]+ "stprobe"' "$T/learn.err" ||
	die "native getppid: $(cat "$T/learn.err")"
grep -Eq '^  added +getppid +x86 +1 record, pid [0-9]+ "stprobe32"' "$T/learn.err" ||
	die "ia32 getppid (64 there, not 110): $(cat "$T/learn.err")"
assert_allows "$T/learned.json" getppid
jq -e '.architectures == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]' "$T/learned.json" >/dev/null ||
	die "arches: $(jq -c .architectures "$T/learned.json")"
# a base's ENOSYS rule for probed calls stands for its default (hook/enosys.c):
# learn drops it from the base, so a call it names is learned, not kept denied
jq -n '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 38, syscalls: [{names: ["getppid"],
	action: "SCMP_ACT_ERRNO", errnoRet: 38, comment: "ENOSYS for probed calls (seccomp-trace): test"}]}' \
	>"$T/enosys-base.json"
"$ST_BIN" learn --since "@$T0" --base "$T/enosys-base.json" -o "$T/learned-enosys.json" "$T/audit.log" \
	2>"$T/learn-enosys.err" || die "learn --base with the ENOSYS rule: $(cat "$T/learn-enosys.err")"
assert_allows "$T/learned-enosys.json" getppid
# the comm filter reads the decoded name
"$ST_BIN" learn --since "@$T0" --comm 'a b"c' "$T/audit.log" >/dev/null 2>"$T/comm.err" ||
	die "--comm: $(cat "$T/comm.err")"
grep -q '1 counted' "$T/comm.err" || die "--comm matched: $(cat "$T/comm.err")"

# The kernel log lacks what auditd got: the serial numbers say so.
audit_mark
set +e
"$ST_BIN" learn --since "@$T0" --exe "$ST_PROBE" >/dev/null 2>"$T/kernel.err"
rc=$?
set -e
[ $rc -eq 3 ] || die "the kernel log without auditd's records was taken as complete: $(cat "$T/kernel.err")"
grep -q 'never reached this log' "$T/kernel.err" || die "no reason given: $(cat "$T/kernel.err")"
note ok
