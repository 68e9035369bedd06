#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hook's of: and if: against a container author who controls paths: the
# output directory is held from create to write (a swap to a symlink while
# the container runs leads nowhere), no symlink in any component, no file
# but a profile replaced, if: never on kernel filesystems nor an oracle for
# files its requester could not read, an unwritable output fails the create.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

chmod 755 "$T" # world-searchable: the hook reads if: only where anyone could
n=0
# start NAME ANNOTATION [ct_bundle options] -- CMD...: create and run a
# container; its output in $T/NAME.out, the hook's log in $T/NAME.log.
start() {
	local name=$1 ann=$2
	shift 2
	ct_bundle "$T/$name" --annotation "$ann" --log "$T/$name.log" "$@"
}
# with_volume NAME DIR: DIR bind-mounted at /run in the container.
with_volume() {
	jq --arg src "$2" '.mounts += [{destination: "/run", type: "bind", source: $src,
		options: ["rbind", "rw"]}]' "$T/$1/config.json" >"$T/$1/c.json"
	mv "$T/$1/c.json" "$T/$1/config.json"
}
run_ok() {
	n=$((n + 1))
	ct_run runc "$T/$1" "st-paths-$$-$n" >"$T/$1.out" 2>&1 || die "$1: the container failed: $(cat "$T/$1.out")"
}
# refused NAME WANT: the create fails with WANT in the runtime's output.
refused() {
	n=$((n + 1))
	if ct_run runc "$T/$1" "st-paths-$$-$n" >"$T/$1.out" 2>&1; then
		die "$1: the create was accepted"
	fi
	grep -qF -- "seccomp-trace: $2" "$T/$1.out" || die "$1: expected 'seccomp-trace: $2' in: $(cat "$T/$1.out")"
}
wait_log() { # wait_log NAME PATTERN
	local i
	for i in $(seq 200); do
		grep -qF -- "$2" "$T/$1.log" 2>/dev/null && return 0
		sleep 0.05
	done
	die "$1: no '$2' in the log: $(cat "$T/$1.log" 2>/dev/null)"
}
profile='{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}'

# in_volume NAME SCRIPT: a container with $T/NAME-vol at /run, traced into
# $T/NAME-vol/out/p.json, runs SCRIPT; wait_log NAME PATTERN afterwards.
in_volume() {
	mkdir -p "$T/$1-vol/out"
	start "$1" "of:$T/$1-vol/out/p.json" -- sh -c "$2"
	with_volume "$1" "$T/$1-vol"
	run_ok "$1"
}
victim_intact() {
	[ "$(sha256sum <"$T/victim/p.json")" = "$victim" ] && [ "$(ls -A "$T/victim")" = p.json ] ||
		die "$1: the tracer wrote through the swapped symlink: $(ls -la "$T/victim")"
}

# --- the output directory is swapped for a symlink while the container runs
mkdir -p "$T/victim"
echo "$profile" >"$T/victim/p.json"
chmod 600 "$T/victim/p.json"
victim=$(sha256sum <"$T/victim/p.json")
in_volume swap "mv /run/out /run/out.old && ln -s $T/victim /run/out"
[ -L "$T/swap-vol/out" ] || die "swap: the container did not swap the directory"
wait_log swap 'profile written to'
victim_intact swap
assert_valid_profile "$T/swap-vol/out.old/p.json"
# the log names where the profile really went
grep -qF "profile written to $T/swap-vol/out.old/p.json (of: $T/swap-vol/out/p.json: its directory was moved" "$T/swap.log" ||
	die "swap: the log does not name the real destination: $(cat "$T/swap.log")"

# ... or removed and replaced by a symlink: nothing is written anywhere
in_volume swap2 "rm -r /run/out && ln -s $T/victim /run/out"
wait_log swap2 "error: cannot write $T/swap2-vol/out/p.json: its directory was removed after it was checked"
victim_intact swap2

# ... or given a file that is not a profile, after the create: checked again
# right before the rename, the file stays
in_volume late 'echo "ssh-ed25519 AAAA key" >/run/out/p.json'
wait_log late "error: cannot write $T/late-vol/out/p.json: it exists and is not a seccomp profile"
[ "$(cat "$T/late-vol/out/p.json")" = "ssh-ed25519 AAAA key" ] || die "late: the file was replaced"
[ "$(ls -A "$T/late-vol/out")" = p.json ] || die "late: files left: $(ls -A "$T/late-vol/out")"

# --- no symlink in any component of of: or if:
mkdir -p "$T/real" && ln -s real "$T/link"
echo "$profile" >"$T/real/base.json"
start symdir "of:$T/link/p.json" -- true
refused symdir "cannot write $T/link/p.json: $T/link is a symbolic link (the hook follows none in of: and if: paths: give the real path)"
start symbase "of:$T/real/p.json;if:$T/link/base.json" -- true
refused symbase "cannot use if: base profile: cannot read $T/link/base.json: $T/link is a symbolic link"
[ ! -e "$T/real/p.json" ] || die "a profile through a symlinked directory"

# --- an existing file that is not a profile is never the target
echo 'root:$6$secret:19000:0:99999:7:::' >"$T/real/shadow"
start notprof "of:$T/real/shadow" -- true
refused notprof "cannot write $T/real/shadow: it exists and is not a seccomp profile (only a profile or an empty file is ever replaced)"
grep -q secret "$T/real/shadow" || die "shadow replaced"
# a profile, or an empty file, is
echo "$profile" >"$T/real/old.json"
: >"$T/real/empty.json"
start replace "of:$T/real/old.json" -- true
run_ok replace
start empty "of:$T/real/empty.json" -- true
run_ok empty
wait_log replace 'profile written to'
wait_log empty 'profile written to'
assert_allows "$T/real/old.json" execve
assert_allows "$T/real/empty.json" execve

# --- if: on kernel filesystems is refused, whatever the path says
start kmsg "of:$T/real/k.json;if:/proc/kmsg" -- true
refused kmsg "cannot use if: base profile: cannot read /proc/kmsg: it is on a proc filesystem"
# ... or bind-mounted into an ordinary directory: the file's filesystem counts
tracing=$(findmnt -n -o TARGET -t tracefs | head -1)
touch "$T/real/kmsg.json" "$T/real/tpipe.json"
undo_mounts() {
	local m
	for m in "$T/real/kmsg.json" "$T/real/tpipe.json" "$T/rodir"; do
		! mountpoint -q "$m" || umount "$m"
	done
	[ ! -d "$T/immdir" ] || chattr -i "$T/immdir"
}
st_at_exit undo_mounts
mount --bind /proc/kmsg "$T/real/kmsg.json"
mount --bind "$tracing/trace_pipe" "$T/real/tpipe.json"
start kmsgbind "of:$T/real/k.json;if:$T/real/kmsg.json" -- true
refused kmsgbind "cannot use if: base profile: cannot read $T/real/kmsg.json: it is on a proc filesystem"
start tpipe "of:$T/real/k.json;if:$T/real/tpipe.json" -- true
refused tpipe "cannot use if: base profile: cannot read $T/real/tpipe.json: it is on a tracefs filesystem"
umount "$T/real/kmsg.json" "$T/real/tpipe.json"

# --- if: errors tell nothing about files the requester could not read:
# missing, present, huge or a valid profile, the message is the same
mkdir -m 700 "$T/private"
echo "$profile" >"$T/private/base.json" && chmod 644 "$T/private/base.json"
truncate -s 1G "$T/private/huge.json"
echo "$profile" >"$T/real/secret.json" && chmod 600 "$T/real/secret.json"
generic="not a file every user may read (the hook reads if: only from world-readable files in world-searchable directories)"
for f in private/base.json private/missing.json private/huge.json private/no/such/dir.json real/secret.json; do
	name=priv$((++n))
	start "$name" "of:$T/real/k.json;if:$T/$f" -- true
	refused "$name" "cannot use if: base profile: cannot read $T/$f: $generic"
	! grep -qE 'bytes|No such|limit' "$T/$name.out" || die "if:$T/$f: the error says more: $(cat "$T/$name.out")"
done
# where anyone could look, the cause is given
start pubmissing "of:$T/real/k.json;if:$T/real/missing.json" -- true
refused pubmissing "cannot use if: base profile: cannot read $T/real/missing.json: does not exist"

# --- an output where no file can be created fails the create, in one line
mkdir -p "$T/rodir" && mount -t tmpfs -o ro tmpfs "$T/rodir"
start ro "of:$T/rodir/p.json" -- touch /tmp/ran
refused ro "cannot write $T/rodir/p.json: cannot create a file in $T/rodir: Read-only file system"
umount "$T/rodir"
mkdir -p "$T/immdir" && chattr +i "$T/immdir"
start imm "of:$T/immdir/p.json" -- touch /tmp/ran
refused imm "cannot write $T/immdir/p.json: cannot create a file in $T/immdir: Operation not permitted"
chattr -i "$T/immdir"
[ -z "$(ls -A "$T/immdir")" ] || die "files left in the immutable directory"

# --- under --allow-dir, "//" and "/./" are not escapes
mkdir -p "$T/allowed/sub"
start dslash "of:$T/allowed//sub/p.json" --hook-args "--allow-dir $T/allowed" -- true
run_ok dslash
start dotslash "of:$T/allowed/./sub//q.json" --hook-args "--allow-dir $T/allowed" -- true
run_ok dotslash
wait_log dslash 'profile written to'
wait_log dotslash 'profile written to'
assert_allows "$T/allowed/sub/p.json" execve
assert_allows "$T/allowed/sub/q.json" execve
note ok
