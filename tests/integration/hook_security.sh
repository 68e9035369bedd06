#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile annotations: the hook runs as root with paths a pod author chooses.
# It must not write through symlinks, into kernel filesystems or outside the
# allowed directories, must not hang on FIFOs or swallow huge or deeply
# nested inputs, and never shows an input's content in an error.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

chmod 755 "$T" # the hook reads if: only where any user could
n=0
# refused ANNOTATION EXPECTED-MESSAGE [HOOK-ARGS]: the create fails with it.
refused() {
	local ann=$1 want=$2 hargs=${3:-}
	n=$((n + 1))
	ct_bundle "$T/b$n" --annotation "$ann" --log "$T/hook.log" --hook-args "$hargs" -- true
	local start=$SECONDS
	if ct_run runc "$T/b$n" "st-sec-$$-$n" >"$T/o$n" 2>&1; then
		die "annotation '$ann' was accepted"
	fi
	[ $((SECONDS - start)) -lt 8 ] || die "annotation '$ann' took $((SECONDS - start)) s"
	grep -qF -- "seccomp-trace: $want" "$T/o$n" ||
		die "annotation '$ann': expected 'seccomp-trace: $want' in: $(cat "$T/o$n")"
}

mkdir -p "$T/out"
sum=$(sha256sum /etc/passwd)
ln -s /etc/passwd "$T/out/passwd.json"
refused "of:$T/out/passwd.json" "cannot write $T/out/passwd.json: it is a symbolic link"
[ "$(sha256sum /etc/passwd)" = "$sum" ] || die "/etc/passwd changed"
refused "of:/proc/sys/kernel/st.json" "cannot write /proc/sys/kernel/st.json: /proc/sys/kernel is on a proc filesystem"
refused "of:/sys/fs/cgroup/memory/st.json" "cannot write /sys/fs/cgroup/memory/st.json: /sys/fs/cgroup/memory is on a cgroup filesystem"
mkdir "$T/out/dir.json"
refused "of:$T/out/dir.json" "cannot write $T/out/dir.json: not a regular file"
mkfifo "$T/fifo.json"
refused "of:$T/out/a.json;if:$T/fifo.json" "cannot use if: base profile: cannot read $T/fifo.json: not a regular file"
truncate -s 1G "$T/huge.json"
refused "of:$T/out/a.json;if:$T/huge.json" "cannot use if: base profile: cannot read $T/huge.json: 1073741824 bytes, the limit is 4194304"
head -c 100000 /dev/zero | tr '\0' '[' >"$T/deep.json"
refused "of:$T/out/a.json;if:$T/deep.json" "cannot use if: base profile: invalid JSON in $T/deep.json: nested deeper than 64"
echo '{"defaultAction": "TOP-SECRET-VALUE" ]' >"$T/secret.json"
refused "of:$T/out/a.json;if:$T/secret.json" "cannot use if: base profile: invalid JSON in $T/secret.json near byte"
! grep -q TOP-SECRET "$T/o$n" "$T/hook.log" || die "an error showed the input's content"
echo '["a", "b"]' >"$T/notprof.json"
refused "of:$T/out/a.json;if:$T/notprof.json" "cannot use if: base profile: invalid profile $T/notprof.json: profile: expected an object"
# A request quoting U+0085 (NEL) and U+2028 (bytes that are no UTF-8 reach
# the hook as U+FFFD: runtimes write the state with Go): the hook's log and
# its error line write them as \xHH (journalctl, terminals and web UIs may
# break lines there), never the raw bytes.
odd=$(printf 'a\xc2\x85b\xe2\x80\xa8c')
refused "of:$T/no-such/$odd.json" "cannot write $T/no-such/a"
# (runc shows the hook's stderr with backslashes doubled)
grep -qF 'a\\xc2\\x85b\\xe2\\x80\\xa8c.json' "$T/o$n" || die "the error does not escape: $(cat -v "$T/o$n")"
grep -qF 'a\xc2\x85b\xe2\x80\xa8c.json' "$T/hook.log" || die "the log does not escape: $(cat "$T/hook.log")"
! LC_ALL=C grep -q "$odd" "$T/hook.log" "$T/o$n" || die "raw NEL/U+2028 bytes in the hook's log or error"

# --allow-dir: only beneath the allowed directory, resolved by the kernel
mkdir -p "$T/allowed/sub" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/allowed/escape"
ln -s sub "$T/allowed/inside"
A="--allow-dir $T/allowed"
refused "of:$T/elsewhere/a.json" "cannot write $T/elsewhere/a.json: outside the allowed directories ($T/allowed)" "$A"
refused "of:$T/allowed/../elsewhere/a.json" "cannot write $T/allowed/../elsewhere/a.json: it leads out of the allowed directory $T/allowed" "$A"
refused "of:$T/allowed/escape/a.json" "cannot write $T/allowed/escape/a.json: it leads out of the allowed directory $T/allowed" "$A"
refused "of:$T/allowedx/a.json" "cannot write $T/allowedx/a.json: outside the allowed directories ($T/allowed)" "$A"
echo '{"defaultAction": "SCMP_ACT_ERRNO"}' >"$T/elsewhere/base.json"
ln -s "$T/elsewhere/base.json" "$T/allowed/base.json"
refused "of:$T/allowed/a.json;if:$T/allowed/base.json" "cannot use if: base profile: cannot read $T/allowed/base.json: it is a symbolic link" "$A"
[ -z "$(ls -A "$T/elsewhere" | grep -v base.json)" ] || die "something was written outside"
# and inside it works, symlinks that stay inside included
cp "$T/elsewhere/base.json" "$T/allowed/sub/base.json"
n=$((n + 1))
ct_bundle "$T/b$n" --annotation "of:$T/allowed/inside/ok.json;if:$T/allowed/sub/base.json" \
	--log "$T/hook.log" --hook-args "$A" -- true
ct_run runc "$T/b$n" "st-sec-$$-$n" || die "an allowed path was refused: $(cat "$T/hook.log")"
ct_wait_file "$T/allowed/sub/ok.json" || die "no profile in the allowed directory"
[ "$(stat -c %a:%U "$T/allowed/sub/ok.json")" = 644:root ] || die "mode/owner: $(stat -c %a:%U "$T/allowed/sub/ok.json")"
# A base others cannot read (0600 under --allow-dir) makes a profile and a
# report only its owner reads: they may carry the base's rules and comments.
echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getitimer"], "action": "SCMP_ACT_ALLOW", "comment": "PRIVATE-NOTE"}]}' \
	>"$T/allowed/sub/private.json"
chmod 600 "$T/allowed/sub/private.json"
n=$((n + 1))
ct_bundle "$T/b$n" --annotation "of:$T/allowed/sub/priv-out.json;if:$T/allowed/sub/private.json" \
	--log "$T/hook.log" --hook-args "$A --report" -- true
ct_run runc "$T/b$n" "st-sec-$$-$n" || die "a private base was refused: $(cat "$T/hook.log")"
ct_wait_file "$T/allowed/sub/priv-out.report.json" || die "no profile from the private base"
grep -q PRIVATE-NOTE "$T/allowed/sub/priv-out.json" || die "the base's comment is not in the profile"
for f in priv-out.json priv-out.report.json; do
	[ "$(stat -c %a "$T/allowed/sub/$f")" = 600 ] ||
		die "$f from a 0600 base is $(stat -c %a "$T/allowed/sub/$f")"
done
grep -q "the base $T/allowed/sub/private.json is not readable by others: $T/allowed/sub/priv-out.json is written 0600" \
	"$T/hook.log" || die "the log does not say why the profile is 0600"
# run --base: the same
"$ST_BIN" run --base "$T/allowed/sub/private.json" -o "$T/run-priv.json" -- true 2>"$T/run-priv.err" ||
	die "run --base with a private base: $(cat "$T/run-priv.err")"
[ "$(stat -c %a "$T/run-priv.json")" = 600 ] || die "run --base 0600: output $(stat -c %a "$T/run-priv.json")"
# Others cannot read a 0644 base in a 0700 directory, nor one only its group
# may read: the profile made from it, in a directory everyone may read, is
# 0600 too, and user nobody cannot read the base's comment from it. A base
# others can read by its path keeps 0644.
mkdir -p "$T/allowed/teamA" "$T/allowed/grp" "$T/allowed/pub"
chmod 700 "$T/allowed/teamA"
chmod 755 "$T/allowed/pub" "$T/allowed/grp"
sed s/PRIVATE-NOTE/TEAM-NOTE/ "$T/allowed/sub/private.json" >"$T/allowed/teamA/base.json"
chmod 644 "$T/allowed/teamA/base.json"
cp "$T/allowed/teamA/base.json" "$T/allowed/grp/base.json"
chmod 640 "$T/allowed/grp/base.json"
cp "$T/allowed/teamA/base.json" "$T/allowed/pub/base.json"
chmod 644 "$T/allowed/pub/base.json"
for b in teamA grp pub; do
	n=$((n + 1))
	ct_bundle "$T/b$n" --annotation "of:$T/allowed/pub/$b-out.json;if:$T/allowed/$b/base.json" \
		--log "$T/hook-$b.log" --hook-args "$A" -- true
	ct_run runc "$T/b$n" "st-sec-$$-$n" || die "the $b base was refused: $(cat "$T/hook-$b.log")"
	ct_wait_file "$T/allowed/pub/$b-out.json" || die "no profile from the $b base"
	grep -q TEAM-NOTE "$T/allowed/pub/$b-out.json" || die "the $b base's comment is not in the profile"
	"$ST_BIN" run --base "$T/allowed/$b/base.json" -o "$T/allowed/pub/$b-run.json" -- true \
		2>"$T/run-$b.err" || die "run --base $b: $(cat "$T/run-$b.err")"
done
for f in teamA-out teamA-run grp-out grp-run; do
	[ "$(stat -c %a "$T/allowed/pub/$f.json")" = 600 ] ||
		die "$f.json from a base others cannot read is $(stat -c %a "$T/allowed/pub/$f.json")"
	! su nobody -s /bin/sh -c "cat $T/allowed/pub/$f.json" >/dev/null 2>&1 ||
		die "user nobody reads $f.json"
done
grep -q "the base $T/allowed/teamA/base.json is not readable by others: $T/allowed/pub/teamA-out.json is written 0600" \
	"$T/hook-teamA.log" || die "the log does not say why the profile is 0600: $(cat "$T/hook-teamA.log")"
for f in pub-out pub-run; do
	[ "$(stat -c %a "$T/allowed/pub/$f.json")" = 644 ] ||
		die "$f.json from a public base is $(stat -c %a "$T/allowed/pub/$f.json")"
	su nobody -s /bin/sh -c "cat $T/allowed/pub/$f.json" >/dev/null ||
		die "user nobody cannot read $f.json (the test's premise)"
done
note ok
