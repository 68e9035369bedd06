# Busybox rootfs, OCI bundles and a podman image for the container tests and
# the demo (sourced). Needs ST_BIN; ST_PROBE/ST_PROBE32 are copied into the
# rootfs when set. Everything lives under $ST_WORK.
: "${ST_WORK:=/tmp/seccomp-trace-tests}"
ST_SOURCE=${ST_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CT_ROOTFS=$ST_WORK/rootfs
CT_STATE=$ST_WORK/runtime-state
CT_PODMAN_ROOT=$ST_WORK/podman
CT_IMAGE=localhost/seccomp-trace-busybox:test
export CONTAINERS_CONF=$ST_SOURCE/tests/containers.conf

# The seccomp profile in force while tracing in the tight-profile tests: it
# allows all but one call, so that the runtime loads a filter at its usual point.
CT_TRACE_SECCOMP='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
  "syscalls":[{"names":["kcmp"],"action":"SCMP_ACT_ERRNO"}]}'
# A busybox workload doing a bit of everything: files, pipes, fork/exec,
# signals and sleep; its output is the same every time.
CT_WORKLOAD_SCRIPT='echo hello >/tmp/f; cat /tmp/f | tr a-z A-Z >/tmp/g; ls -l /tmp >/dev/null
(sleep 0.1; echo sub) & wait
trap "echo got USR1" USR1; kill -USR1 $$
sleep 0.1; wc -c </tmp/g; rm /tmp/f; echo done'

# Shared, read-only busybox rootfs; built once per work directory.
ct_rootfs() {
	mkdir -p "$ST_WORK"
	(
		flock 9
		# up to date: busybox there, and the probes those of this build
		if [ -x "$CT_ROOTFS/bin/busybox" ] &&
			{ [ -z "${ST_PROBE:-}" ] || cmp -s "$ST_PROBE" "$CT_ROOTFS/bin/stprobe"; } &&
			{ [ -z "${ST_PROBE32:-}" ] || cmp -s "$ST_PROBE32" "$CT_ROOTFS/bin/stprobe32"; }; then
			exit 0
		fi
		rm -rf "$CT_ROOTFS.tmp"
		mkdir -p "$CT_ROOTFS.tmp"/{bin,dev,etc,proc,sys,tmp,run}
		cp /bin/busybox "$CT_ROOTFS.tmp/bin/busybox"
		for a in $(/bin/busybox --list); do
			[ -e "$CT_ROOTFS.tmp/bin/$a" ] || ln -s busybox "$CT_ROOTFS.tmp/bin/$a"
		done
		[ -n "${ST_PROBE:-}" ] && cp "$ST_PROBE" "$CT_ROOTFS.tmp/bin/stprobe"
		[ -n "${ST_PROBE32:-}" ] && cp "$ST_PROBE32" "$CT_ROOTFS.tmp/bin/stprobe32"
		echo 'root:x:0:0:root:/:/bin/sh' >"$CT_ROOTFS.tmp/etc/passwd"
		echo 'root:x:0:' >"$CT_ROOTFS.tmp/etc/group"
		rm -rf "$CT_ROOTFS"
		mv "$CT_ROOTFS.tmp" "$CT_ROOTFS"
		rm -f "$ST_WORK/rootfs.tar" # the podman image is re-imported from it
	) 9>"$ST_WORK/.rootfs.lock"
}

# With an annotation, the hook's stderr also goes to DIR/hook.stderr (crun
# shows it only there).
# ct_bundle DIR [--annotation VALUE] [--log FILE] [--seccomp PROFILE.json]
#           [--nnp true|false] [--stage prestart|createRuntime]
#           [--hook-args "ARG..."] [--cap-add CAP_X] -- CMD [ARG...]
# An OCI bundle over the shared rootfs, with a writable /tmp, no network.
ct_bundle() {
	local dir=$1 ann="" log="" seccomp="" nnp=true stage=prestart hargs="" cap=""
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--annotation) ann=$2; shift 2 ;;
		--log) log=$2; shift 2 ;;
		--seccomp) seccomp=$2; shift 2 ;;
		--nnp) nnp=$2; shift 2 ;;
		--stage) stage=$2; shift 2 ;;
		--hook-args) hargs=$2; shift 2 ;;
		--cap-add) cap=$2; shift 2 ;;
		--) shift; break ;;
		*) echo "ct_bundle: unknown option $1" >&2; return 2 ;;
		esac
	done
	ct_rootfs
	mkdir -p "$dir"
	(cd "$dir" && rm -f config.json && runc spec)
	local args hookargs
	args=$(jq -cn '$ARGS.positional' --args -- "$@")
	# shellcheck disable=SC2086 # --hook-args is a word list
	hookargs=$(jq -cn '$ARGS.positional' --args -- seccomp-trace hook ${log:+--log "$log"} $hargs)
	jq --arg root "$CT_ROOTFS" --arg dir "$dir" --argjson args "$args" --arg ann "$ann" --arg bin "$ST_BIN" \
		--argjson hookargs "$hookargs" --arg stage "$stage" --argjson nnp "$nnp" \
		--arg seccomp "$seccomp" --arg cap "$cap" '
		.root = {path: $root, readonly: true}
		| if $cap != "" then .process.capabilities |= with_entries(.value += [$cap]) else . end
		| .process.terminal = false
		| .process.args = $args
		| .process.noNewPrivileges = $nnp
		| .hostname = "st"
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs",
		               options: ["nosuid", "nodev", "mode=1777"]}]
		| if $ann != "" then
		    .annotations = {"io.containers.trace-syscall": $ann,
		                    "run.oci.hooks.stderr": ($dir + "/hook.stderr")}
		    | .hooks = {($stage): [{path: $bin, args: $hookargs}]}
		  else . end
		| if $seccomp != "" then .linux.seccomp = ($seccomp | fromjson) else . end
		' "$dir/config.json" >"$dir/config.json.tmp"
	mv "$dir/config.json.tmp" "$dir/config.json"
}

# ct_profile_for_bundle FILE: a profile in the OCI config's linux.seccomp form.
ct_oci_seccomp() {
	jq -c 'del(.archMap) | .syscalls |= map(del(.comment, .includes, .excludes))' "$1"
}

# ct_run RUNTIME BUNDLE NAME: run a container to completion (stdout/stderr
# pass through); returns the runtime's exit status.
ct_run() {
	local rt=$1 bundle=$2 name=$3
	mkdir -p "$CT_STATE/$rt"
	"$rt" --root "$CT_STATE/$rt" run -b "$bundle" "$name" </dev/null
}

# ct_wait_file FILE [SECONDS]: the tracer writes after the container exits.
ct_wait_file() {
	local i
	for i in $(seq $((${2:-10} * 20))); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# podman with the settings this machine needs and its own storage.
ct_podman() {
	podman --root "$CT_PODMAN_ROOT/root" --runroot "$CT_PODMAN_ROOT/runroot" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
}

# A podman image of the rootfs, imported once.
ct_podman_image() {
	ct_rootfs
	(
		flock 9
		[ -e "$ST_WORK/rootfs.tar" ] && ct_podman image exists "$CT_IMAGE" && exit 0
		tar -C "$CT_ROOTFS" -cf "$ST_WORK/rootfs.tar" .
		ct_podman import "$ST_WORK/rootfs.tar" "$CT_IMAGE" >/dev/null 2>"$ST_WORK/import.err" ||
			{ cat "$ST_WORK/import.err" >&2; exit 1; }
	) 9>"$ST_WORK/.podman.lock"
}

# A hooks.d directory with the build's entry (CMake configured it to run the
# build's binary) plus extra hook arguments.
# ct_hooks_dir DIR [ARG...]
ct_hooks_dir() {
	local dir=$1
	shift
	mkdir -p "$dir"
	jq --arg bin "$ST_BIN" --argjson extra "$(jq -cn '$ARGS.positional' --args -- "$@")" \
		'.hook.path = $bin | .hook.args += $extra' \
		"$(dirname "$ST_BIN")/hooks.d/seccomp-trace.json" >"$dir/seccomp-trace.json"
}
