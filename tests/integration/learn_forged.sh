#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# learn and kernel messages that hold a newline. Any user can have the kernel
# print one: overlayfs echoes a mount option in its error, and unprivileged
# user namespaces let anyone mount. What follows the newline must never read
# as a record (dmesg and journalctl indent it, /dev/kmsg escapes it), nor fail
# the run; dumps that print it bare (dmesg -t, journalctl -o cat) are refused
# whole. Also: duplicate serial numbers, loss messages before --since, and
# files that are no log at all.
. "$(dirname "$0")/../lib.sh"

audit_lock
EXE=/usr/bin/st-forged-$$
read -r interval < /proc/sys/kernel/printk_ratelimit

rec() { # SERIAL SECONDS NR PID: a record as the kernel prints it
	echo "audit: type=1326 audit($2.123:$1): auid=0 uid=0 gid=0 ses=1 pid=$4 comm=\"myapp\" exe=\"$EXE\" sig=0 arch=c000003e syscall=$3 compat=0 ip=0x7f code=0x7ffc0000"
}

# As user nobody: a mount whose error message carries a newline and a
# record for $EXE naming mount (165).
forge() {
	local d
	d=$(mktemp -d /tmp/st-forge.XXXXXX) # nobody cannot reach $T
	chown nobody "$d"
	su -s /bin/sh nobody -c 'unshare -Urm sh -c '\''mkdir -p "$2/l" "$2/w"; mount -t overlay -o "lowerdir=$2/l,upperdir=/nonexist
$1
x,workdir=$2/w" none "$2/l"; mount -t tmpfs -o "zzqq
 $1" none "$2/l"'\'' sh "$1" "$2" >/dev/null 2>&1' sh "$(rec "$1" "$(date +%s)" 165 4242)" "$d" || true
	rm -rf "$d"
}

# 1. Real: the forged lines reach the kernel log, as any user.
for attempt in 1 2 3; do
	audit_mark
	T0=$(audit_since)
	forge 77777
	T1=$(date +%s.%N)
	dmesg >"$T/dmesg.txt"
	dmesg -t >"$T/dmesg-t.txt"
	grep -q "exe=\"$EXE\"" "$T/dmesg.txt" || die "no newline-carrying message reached the kernel log"
	grep -q "^  *audit: type=1326 .*exe=\"$EXE\"" "$T/dmesg.txt" ||
		die "dmesg does not indent the rest of the message: $(grep -B1 "$EXE" "$T/dmesg.txt")"
	grep -q "^audit: type=1326 .*exe=\"$EXE\"" "$T/dmesg-t.txt" || die "dmesg -t prints it indented"

	# dmesg (time-stamped): the rest of a message is no record and no error
	run_learn "$T/d.json" "$T/d.err" --since "@$T0" --until "@$T1" --exe "$EXE" "$T/dmesg.txt"
	# other tests' records may be dropped in the window: then again
	if [ $learn_rc -eq 3 ] && ! grep -q 'does not read' "$T/d.err"; then
		note "records may be missing (not ours), again: $(grep -hm1 error: "$T/d.err")"
		sleep $((interval + 1))
		continue
	fi
	break
done
[ $learn_rc -eq 0 ] || die "dmesg with a forged continuation: $learn_rc: $(cat "$T/d.err")"
grep -q ' 0 matching the filters' "$T/d.err" || die "dmesg: a forged record matched: $(cat "$T/d.err")"
assert_lacks "$T/d.json" mount
# live: the same, from /dev/kmsg (there the newline is \x0a)
run_learn "$T/live.json" "$T/live.err" --since "@$T0" --until "@$T1" --exe "$EXE"
! grep -q '/dev/kmsg:0' "$T/live.err" || die "live: a record named /dev/kmsg:0: $(cat "$T/live.err")"
! grep -q 'does not read' "$T/live.err" || die "live: a message with \\x0a failed the run: $(cat "$T/live.err")"
if [ $learn_rc -eq 0 ]; then
	grep -q ' 0 matching the filters' "$T/live.err" || die "live: a forged record matched: $(cat "$T/live.err")"
	assert_lacks "$T/live.json" mount
else
	[ $learn_rc -eq 3 ] || die "live learn failed ($learn_rc): $(cat "$T/live.err")"
	note "live: records may be missing (not ours): $(grep -hm1 error: "$T/live.err")"
fi

# dmesg -t: refused whole, with what to use instead
run_learn "$T/t.json" "$T/t.err" --since "@$T0" --exe "$EXE" "$T/dmesg-t.txt"
[ $learn_rc -eq 1 ] || die "a dmesg -t dump was read ($learn_rc): $(cat "$T/t.err")"
grep -q "^seccomp-trace: $T/dmesg-t.txt: a kernel log without message boundaries.*use dmesg (with its time stamps), journalctl -k, or the live log" "$T/t.err" ||
	die "dmesg -t: $(cat "$T/t.err")"
[ "$(wc -l <"$T/t.err")" -eq 1 ] || die "dmesg -t: more than one line: $(cat "$T/t.err")"
[ ! -s "$T/t.json" ] || die "dmesg -t: a profile was written"

# 2. journalctl -k (its short form indents the rest of a message; no
# journald runs here: the dump is written as it prints it) and -o cat.
now=$(date +%s)
{
	echo "-- Journal begins at Mon 2026-11-30 10:00:00 UTC. --"
	echo "Nov 30 12:00:20 vm kernel: $(rec 500 "$now" 0 10)"
	echo "Nov 30 12:00:21 vm kernel: overlayfs: failed to resolve '/nonexist"
	echo "                           $(rec 501 "$now" 165 4242)"
	echo "                           x': -2"
	echo "Nov 30 12:00:22 vm kernel: $(rec 501 "$now" 1 10)"
} >"$T/journal.txt"
run_learn "$T/j.json" "$T/j.err" --exe "$EXE" "$T/journal.txt"
[ $learn_rc -eq 0 ] || die "journalctl -k with a forged continuation: $learn_rc: $(cat "$T/j.err")"
assert_allows "$T/j.json" read write
assert_lacks "$T/j.json" mount
sed 's/^Nov 30 [0-9:]* vm kernel: //; s/^ *//' "$T/journal.txt" | grep -v '^--' >"$T/cat.txt"
run_learn "$T/c.json" "$T/c.err" --exe "$EXE" "$T/cat.txt"
[ $learn_rc -eq 1 ] && grep -q 'without message boundaries' "$T/c.err" ||
	die "journalctl -o cat was read ($learn_rc): $(cat "$T/c.err")"

# 3. Two different records under one serial and time are not the kernel's
# (a syslog file, where any user can log as "kernel"): refused.
{
	echo "Nov 30 12:00:20 vm kernel: $(rec 600 "$now" 0 10)"
	echo "Nov 30 12:00:20 vm kernel: $(rec 601 "$now" 1 10)"
	echo "Nov 30 12:00:20 vm kernel: $(rec 601 "$now" 165 4242)"
	echo "Nov 30 12:00:21 vm kernel: $(rec 602 "$now" 2 10)"
} >"$T/syslog.txt"
run_learn "$T/s.json" "$T/s.err" --exe "$EXE" "$T/syslog.txt"
[ $learn_rc -eq 1 ] && grep -q 'forged.*serial 601' "$T/s.err" ||
	die "duplicate serials were taken ($learn_rc): $(cat "$T/s.err")"
[ ! -s "$T/s.json" ] || die "duplicate serials: a profile was written"

# 4. A loss message printed before --since speaks of drops before it, even
# when the next record is in the window (dmesg: printk time 100 s is $now).
{
	echo "[  100.000000] $(rec 700 "$now" 0 10)"
	echo "[  100.000100] kauditd_printk_skb: 5 callbacks suppressed"
	echo "[  117.000000] $(rec 701 $((now + 17)) 1 10)"
	echo "[  117.000100] $(rec 702 $((now + 17)) 2 10)"
} >"$T/since.txt"
run_learn "$T/w.json" "$T/w.err" --since "@$((now + 17))" --exe "$EXE" "$T/since.txt"
[ $learn_rc -eq 0 ] || die "a loss before --since failed the run ($learn_rc): $(cat "$T/w.err")"
run_learn "$T/w.json" "$T/w2.err" --since "@$now" --exe "$EXE" "$T/since.txt"
[ $learn_rc -eq 3 ] && grep -q 'callbacks suppressed' "$T/w2.err" ||
	die "a loss in the window went unnoticed ($learn_rc): $(cat "$T/w2.err")"

# 5. A file that is no log at all is an error; a log without records is not.
run_learn "$T/pw.json" "$T/pw.err" /etc/passwd
[ $learn_rc -eq 1 ] && grep -qx 'seccomp-trace: /etc/passwd: no kernel or audit log lines: not a dmesg, journalctl -k, syslog or auditd log' "$T/pw.err" ||
	die "/etc/passwd was read as a log ($learn_rc): $(cat "$T/pw.err")"
[ ! -s "$T/pw.json" ] || die "/etc/passwd: a profile was written"
echo "-- No entries --" >"$T/empty.txt"
run_learn "$T/e.json" "$T/e.err" "$T/empty.txt"
[ $learn_rc -eq 0 ] && grep -q ' 0 seccomp records read' "$T/e.err" || die "an empty journal: $(cat "$T/e.err")"
grep -v audit "$T/dmesg.txt" | sed -n 1,20p >"$T/noaudit.txt"
run_learn "$T/n.json" "$T/n.err" "$T/noaudit.txt"
[ $learn_rc -eq 0 ] && grep -q ' 0 seccomp records read' "$T/n.err" || die "a dmesg without records: $(cat "$T/n.err")"
note ok
