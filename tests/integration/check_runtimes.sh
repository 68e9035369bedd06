#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `check` says what the runtimes do. tests/check_runtimes.json lists profiles,
# what each runtime does with each (refuses it, or what a command in the
# container then prints) and what `check` says. Every profile runs here
# under runc and crun (the profile as the bundle's linux.seccomp), podman
# with crun and with runc, Docker (a private dockerd) and containerd (its
# containerd, through ctr --seccomp-profile), in parallel; the test asserts
# that each runtime still does what the table says, and that check says
# exactly what the table says, its findings naming exactly the runtimes that
# refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

: "${ST_AGENT:?ST_AGENT must point at the stagent test program}"
table=$ST_SOURCE/tests/check_runtimes.json
runtimes=(runc crun podman podman-runc docker containerd)

ct_podman_image
ct_dockerd_start
ct_docker_image
ct_ctr_image

# The seccomp agent of the listenerPath cases (a short path: sun_path).
listener=$CT_DOCKERD_EXEC/agent.sock
"$ST_AGENT" "$listener" &
agent=$!
stop_agent() { kill "$agent" 2>/dev/null; wait "$agent" 2>/dev/null || true; }
st_at_exit stop_agent
for _ in $(seq 50); do [ -S "$listener" ] && break; sleep 0.1; done
[ -S "$listener" ] || die "the agent does not listen at $listener"

# Enough for busybox sh and stprobe (threads, 32-bit) under every runtime,
# so that only each case's change matters.
ct_busybox_profile >"$T/base.json"
"$ST_BIN" check "$T/base.json" >"$T/base.check" || die "check refused the base: $(cat "$T/base.check")"

# judge RUNTIME N PROFILE CMD: run CMD (after a marker line) in a container
# under PROFILE; its stdout to $T/N-RUNTIME.out, stderr to .err, the
# runtime's exit status to .rc (the shell always exits 0: a refusal is the
# runtime's own non-zero status).
judge() {
	local rt=$1 n=$2 f=$3 cmd=$4 out=$T/$2-$1 rc=0
	local sh=(sh -c "echo @ran; $cmd; exit 0")
	case $rt in
	runc | crun)
		ct_bundle "$T/b$n-$rt" --seccomp "$(jq -c . "$f")" -- "${sh[@]}"
		ct_run "$rt" "$T/b$n-$rt" "chk-$$-$n-$rt" ;;
	podman) ct_podman run --rm --network none --security-opt seccomp="$f" "$CT_IMAGE" "${sh[@]}" ;;
	podman-runc)
		ct_podman --runtime runc run --rm --network none --security-opt seccomp="$f" \
			"$CT_IMAGE" "${sh[@]}" ;;
	docker)
		ct_docker run --rm --network none --security-opt seccomp="$f" "$CT_DOCKER_IMAGE" \
			"${sh[@]}" ;;
	containerd)
		ct_ctr_run --rm --seccomp --seccomp-profile "$f" "$CT_CTR_IMAGE" "chk-$$-$n" \
			"${sh[@]}" </dev/null ;;
	esac >"$out.out" 2>"$out.err" || rc=$?
	echo "$rc" >"$out.rc"
}

# judge, again when a container ran but its output was lost on the way
# (podman and ctr now and then return before all of it is copied).
judge_until_seen() {
	local try
	for try in 1 2 3; do
		judge "$@"
		[ "$(cat "$T/$2-$1.rc")" -ne 0 ] || grep -qx '@ran' "$T/$2-$1.out" || {
			echo "[$ST_TEST_NAME] case $2: $1 ran, its output was lost; again" >&2
			continue
		}
		return 0
	done
}

# What a runtime did (N-RUNTIME): "refuses" (it failed, the marker never
# came), or what CMD printed, lines joined by "; ", errno texts as their
# names, "ok" for none.
outcome() {
	if [ "$(cat "$T/$1.rc")" -ne 0 ]; then
		grep -qx '@ran' "$T/$1.out" && echo "failed after running" || echo refuses
		return
	fi
	grep -qx '@ran' "$T/$1.out" || { echo "output lost"; return; }
	sed -e '0,/^@ran$/d' -e 's/Operation not permitted/EPERM/' \
		-e 's/Function not implemented/ENOSYS/' -e 's/Permission denied/EACCES/' "$T/$1.out" |
		paste -sd';' | sed 's/;/; /g; s/^$/ok/'
}

fails=0
fail() {
	echo "FAIL [$ST_TEST_NAME]: $*" >&2
	fails=$((fails + 1))
}

n=0
while IFS= read -r c; do
	n=$((n + 1))
	name=$(jq -r .name <<<"$c")
	f=$T/case$n.json
	jq --arg listener "$listener" "$(jq -r .profile <<<"$c")" "$T/base.json" >"$f" ||
		die "case '$name': the profile filter fails"
	cmd=$(jq -r '.run // "true"' <<<"$c")
	pids=()
	for rt in "${runtimes[@]}"; do
		judge_until_seen "$rt" "$n" "$f" "$cmd" &
		pids+=($!)
	done
	wait "${pids[@]}" || true

	# the runtimes do what the table says
	refused=()
	for rt in "${runtimes[@]}"; do
		got=$(outcome "$n-$rt")
		want=$(jq -r --arg rt "$rt" '.runtimes[$rt] // .runtimes["*"]' <<<"$c")
		[ "$got" = "$want" ] ||
			fail "case $n '$name': $rt: '$got', the table says '$want' ($(tail -n 2 "$T/$n-$rt.err" | tr '\n' ' '))"
		[ "$got" != refuses ] || refused+=("$rt")
	done

	# check says what the table says
	set +e
	"$ST_BIN" check --format json "$f" >"$T/c$n.json"
	rc=$?
	set -e
	jq -e . "$T/c$n.json" >/dev/null || { fail "case $n '$name': check --format json: $(cat "$T/c$n.json")"; continue; }
	got=$(jq -c '[.profiles[0].findings[] | {level, path}] | sort' "$T/c$n.json")
	want=$(jq -c '[.check[] | {level, path}] | sort' <<<"$c")
	[ "$got" = "$want" ] || fail "case $n '$name': check found $got, the table says $want: $(jq -c '.profiles[0].findings' "$T/c$n.json")"
	while IFS= read -r w; do
		jq -e --argjson w "$w" 'any(.profiles[0].findings[]; .level == $w.level and
			.path == $w.path and (.message | contains($w.message)))' "$T/c$n.json" >/dev/null ||
			fail "case $n '$name': no $w in $(jq -c '.profiles[0].findings' "$T/c$n.json")"
	done < <(jq -c '.check[]' <<<"$c")
	errors=$(jq '.profiles[0].errors' "$T/c$n.json")
	[ "$rc" -eq "$([ "$errors" -gt 0 ] && echo 1 || echo 0)" ] || fail "case $n '$name': check exit $rc with $errors errors"
	# the runtimes the findings say refuse are the ones that refused
	if [ "$(jq -r '.env // false' <<<"$c")" != true ]; then
		said=$(jq -r '[.profiles[0].findings[] | .refused_by // [] | .[]] | unique | join(" ")' "$T/c$n.json")
		saw=$(printf '%s\n' "${refused[@]}" | sed '/^$/d' | sort -u | paste -sd' ')
		unjudged=$(jq '[.profiles[0].findings[] | select(.refused_by == null)] | length' "$T/c$n.json")
		if [ "$unjudged" -gt 0 ]; then
			# a profile check cannot read: refused by some runtime
			[ -n "$saw" ] || fail "case $n '$name': check cannot read it, yet every runtime ran it"
		else
			[ "$said" = "$(tr ' ' '\n' <<<"$saw" | sort | paste -sd' ')" ] ||
				fail "case $n '$name': check says refused by [$said], refused by [$saw]"
		fi
	fi
	note "case $n '$name': refused by [${refused[*]}], check exit $rc"
done < <(jq -c '.cases[]' "$table")
[ "$n" -ge 60 ] || die "only $n cases read from $table"
[ "$fails" -eq 0 ] || die "$fails mismatches"
note ok
