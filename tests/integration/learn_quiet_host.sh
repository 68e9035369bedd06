#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# learn on a quiet host, where a kernel log ends with a full printk burst
# (kernel.printk_ratelimit_burst records within kernel.printk_ratelimit).
# The kernel says how many it dropped after them ("callbacks suppressed")
# only before a later record, so a dump stays suspect however long one
# waits: learn must say what helps, and what it says must work. Live, learn
# makes that later record itself: right after the burst the rate limit drops
# its first one, and neither that record's serial number nor the kernel's
# count of it may be taken for the workload's.
. "$(dirname "$0")/../lib.sh"
: "${ST_PROBE:?}"

audit_lock
read -r interval < /proc/sys/kernel/printk_ratelimit
read -r burst < /proc/sys/kernel/printk_ratelimit_burst
[ "$interval" -gt 0 ] && [ "$burst" -gt 0 ] ||
	die "this test needs the printk rate limit on (kernel.printk_ratelimit=$interval, _burst=$burst)"

# Other engineers' tests may write records too and spoil a round: a few
# rounds at most, each after a fresh interval.
for attempt in 1 2 3; do
	sleep $((interval + 1))
	T0=$(audit_since)
	"$ST_PROBE" logged:"$burst" # exactly one burst: nothing dropped
	sleep 0.1
	dmesg >"$T/dmesg.txt"
	# 1. The dump ends with the burst: refused, and the hint names what works
	run_learn "$T/f.json" "$T/f.err" --since "@$T0" --exe "$ST_PROBE" "$T/dmesg.txt"
	# 2. Live, at once: the rate limit is used up, learn's first record is dropped
	run_learn "$T/live.json" "$T/live.err" -v --since "@$T0" --exe "$ST_PROBE"
	# a round counts when the burst was ours alone, learn's first record was
	# dropped, and no one else's record was (or only learn's own is blamed)
	if grep -q "the printk rate limit dropped the record learn made" "$T/live.err" &&
		grep -q " $burst in the time window" "$T/f.err" &&
		{ [ $learn_rc -eq 0 ] || grep -q -e 'dropped 1 kernel messages' \
			-e 'error: 1 audit record(s) never' "$T/live.err"; }; then
		break
	fi
	note "round $attempt: other records got in the way: $(grep -hm1 -e error: -e 'time window' "$T/f.err" "$T/live.err" || true)"
done
grep -q "the printk rate limit dropped the record learn made" "$T/live.err" ||
	die "learn's first record was never dropped: $(cat "$T/live.err")"

[ $learn_rc -eq 0 ] || die "live learn blamed its own dropped record ($learn_rc): $(cat "$T/live.err")"
grep -q " $burst in the time window, $burst matching the filters, $burst counted" "$T/live.err" ||
	die "live learn counted its own records: $(cat "$T/live.err")"
assert_allows "$T/live.json" getppid
grep -q 'kauditd_printk_skb: 1 callbacks suppressed' <(dmesg | tail -n 20) ||
	die "the kernel did not count learn's dropped record: $(dmesg | tail -n 5)"

grep -q 'error: the kernel log ends with' "$T/f.err" || die "the dump was taken as complete: $(cat "$T/f.err")"
grep -q 'the same command without LOG' "$T/f.err" || die "no live hint: $(cat "$T/f.err")"
! grep -q 'again later' "$T/f.err" || die "a hint that does not work on a quiet host: $(cat "$T/f.err")"
[ ! -s "$T/f.json" ] || die "a profile was written from a suspect dump"
# the same dump, long after: still suspect (nothing new in a file)
sleep $((interval + 1))
run_learn "$T/f2.json" "$T/f2.err" --since "@$T0" --exe "$ST_PROBE" "$T/dmesg.txt"
[ $learn_rc -eq 3 ] || die "the dump became complete by waiting ($learn_rc)"
# the hint's --until, as printed, reads back and ends the window in time
until=$(grep -o -- "--until '[^']*'" "$T/f.err" | head -n1 | cut -d"'" -f2)
[ -n "$until" ] || die "no --until in the hint: $(cat "$T/f.err")"
run_learn "$T/u.json" "$T/u.err" --since "@$T0" --until "$until" --exe "$ST_PROBE" "$T/dmesg.txt"
[ $learn_rc -eq 0 ] || die "--until '$until' from the hint failed ($learn_rc): $(cat "$T/u.err")"

# 3. Times in messages are local date-times with dmesg's printk time, in
# the form --since/--until read: a gap in the serial numbers of the dump.
tac "$T/dmesg.txt" | awk '/audit: type=1326/ && /syscall=110 / { if (++i == 3) next } { print }' |
	tac >"$T/hole.txt"
run_learn "$T/h.json" "$T/h.err" --since "@$T0" --exe "$ST_PROBE" "$T/hole.txt"
[ $learn_rc -eq 3 ] || die "a dump with a hole was taken as complete ($learn_rc): $(cat "$T/h.err")"
grep -Eq "never reached this log: .* between 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8}\.[0-9]{3} \[ *[0-9]+\.[0-9]{6}\] and " "$T/h.err" ||
	die "gap times not as dmesg's readers read them: $(cat "$T/h.err")"
note ok
