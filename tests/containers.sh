# SPDX-License-Identifier: Apache-2.0
# Busybox rootfs, OCI bundles and a podman image for the container tests and
# the demo (sourced). Needs ST_BIN; ST_PROBE/ST_PROBE32 are copied into the
# rootfs when set. Everything lives under $ST_WORK.
: "${ST_WORK:=/tmp/seccomp-trace-tests}"
ST_SOURCE=${ST_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CT_ROOTFS=$ST_WORK/rootfs
CT_STATE=$ST_WORK/runtime-state
CT_PODMAN_ROOT=$ST_WORK/podman
# podman refuses a runroot longer than 50 characters, which $ST_WORK under a
# worktree's build directory can exceed: a short one, its own per $ST_WORK.
CT_PODMAN_RUNROOT=/run/seccomp-trace-tests/$(printf %s "$ST_WORK" | sha256sum | cut -c1-12)
CT_IMAGE=localhost/seccomp-trace-busybox:test
export CONTAINERS_CONF=$ST_SOURCE/tests/containers.conf

# The seccomp profile in force while tracing in the after-seccomp tests: it
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

# ct_busybox_profile [NAME...]: an allow-list (ERRNO default, x86-64) of what
# busybox sh and stprobe need under every runtime (threads, 32-bit), plus the
# NAMEs, on stdout: so that only a test's own change to it matters.
ct_busybox_profile() {
	jq -n '{defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"],
	  syscalls: [{names: $ARGS.positional, action: "SCMP_ACT_ALLOW"}]}' --args \
		read write writev execve exit_group brk mmap munmap arch_prctl set_tid_address \
		set_robust_list rseq prlimit64 mprotect getrandom close openat newfstatat fstat \
		getdents64 ioctl fstatfs futex capget capset prctl setresuid setresgid setuid setgid \
		setgroups getuid getpid getppid readlink pselect6 rt_sigaction rt_sigprocmask \
		rt_sigreturn fcntl epoll_ctl epoll_pwait nanosleep lseek access getcwd uname statx \
		tgkill clone clone3 wait4 exit dup2 sched_yield mount umask chdir fchdir pivot_root \
		umount2 sethostname statfs faccessat2 pipe2 keyctl openat2 mkdirat close_range \
		sigaltstack gettid madvise fchown chown lchown fchownat set_thread_area "$@"
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
	podman --root "$CT_PODMAN_ROOT/root" --runroot "$CT_PODMAN_RUNROOT" \
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

# podman with the busybox image and a hooks.d of the build's hook logging to
# LOG ($T/hooks); then ct_prun runs a container through it (the annotation
# asks for a trace).
# ct_podman_traced LOG
ct_podman_traced() {
	ct_podman_image
	ct_hooks_dir "$T/hooks" --log "$1"
}
ct_prun() { ct_podman --hooks-dir "$T/hooks" run --network none "$@"; }

# ---- Docker and the containerd it runs: private daemons ----
# A test starts its own dockerd (ct_dockerd_start), shares it between its
# cases and has it stopped by pid when it ends (needs tests/lib.sh). Nothing
# of it is at a default path, so that several run at once: data under $T,
# state and sockets under a short /run/st-d.XXXXXX (a unix socket path holds
# at most 107 bytes; containerd's are deepest), its own daemon.json, trust
# key, cgroup parent and containerd namespace for ctr. Left on the host:
# only the empty directories every containerd/dockerd makes
# (/run/containerd/{fifo,runc,s}, /run/docker/plugins).
CT_DOCKER_BIN=/usr/bin/docker # /usr/local/bin/docker, first on PATH, is another client
CT_DOCKER_IMAGE='seccomp-trace-busybox:test'
CT_CTR_IMAGE=docker.io/library/$CT_DOCKER_IMAGE
CT_DOCKERD_PID=

# ct_dockerd_start [--runtime NAME=PATH]... [--env VAR=VALUE]...
# Starts dockerd (the runtimes registered in its daemon.json, the variables
# in its environment and so its runtimes'), returns once it answers. Sets
# CT_DOCKERD_DIR (daemon.json, dockerd.log, data), CT_DOCKERD_EXEC (exec
# root), CT_DOCKER_HOST, CT_CONTAINERD_SOCK, CT_CTR_NS, CT_DOCKERD_PID.
# Not in a subshell: dockerd gets SIGTERM when the shell that started it dies.
ct_dockerd_start() {
	local runtimes='{}' envs=() i
	while [ $# -gt 0 ]; do
		case $1 in
		--runtime)
			runtimes=$(jq -c --arg n "${2%%=*}" --arg p "${2#*=}" '.[$n] = {path: $p}' <<<"$runtimes")
			shift 2 ;;
		--env) envs+=("$2"); shift 2 ;;
		*) echo "ct_dockerd_start: unknown option $1" >&2; return 2 ;;
		esac
	done
	[ -z "$CT_DOCKERD_PID" ] || { echo "ct_dockerd_start: dockerd already started" >&2; return 2; }
	CT_DOCKERD_DIR=${T:?ct_dockerd_start needs tests/lib.sh}/dockerd
	CT_DOCKERD_EXEC=$(mktemp -d /run/st-d.XXXXXX)
	CT_DOCKER_HOST=unix://$CT_DOCKERD_EXEC/docker.sock
	CT_CONTAINERD_SOCK=$CT_DOCKERD_EXEC/containerd/containerd.sock
	CT_CTR_NS=st-${CT_DOCKERD_EXEC##*.}
	CT_DOCKERD_CGROUP=st-d-${CT_DOCKERD_EXEC##*.}
	CT_DOCKER_IMPORTED=
	mkdir -p "$CT_DOCKERD_DIR/data" "$CT_DOCKERD_DIR/client"
	# the trust key's default place is /etc/docker/key.json
	jq -n --argjson rt "$runtimes" --arg key "$CT_DOCKERD_DIR/key.json" \
		'{runtimes: $rt, "deprecated-key-path": $key}' >"$CT_DOCKERD_DIR/daemon.json"
	st_at_exit ct_dockerd_stop
	# No network set-up on the host: no bridge, iptables, forwarding or proxy.
	env "${envs[@]}" setpriv --pdeathsig TERM dockerd \
		--data-root "$CT_DOCKERD_DIR/data" --exec-root "$CT_DOCKERD_EXEC" \
		-H "$CT_DOCKER_HOST" --pidfile "$CT_DOCKERD_EXEC/docker.pid" \
		--config-file "$CT_DOCKERD_DIR/daemon.json" --cgroup-parent "/$CT_DOCKERD_CGROUP" \
		--storage-driver overlay2 --bridge none --iptables=false --ip6tables=false \
		--ip-forward=false --ip-masq=false --userland-proxy=false --shutdown-timeout 2 \
		</dev/null >"$CT_DOCKERD_DIR/dockerd.log" 2>&1 &
	CT_DOCKERD_PID=$!
	for i in $(seq 300); do
		ct_docker version >/dev/null 2>&1 && return 0
		if ! kill -0 "$CT_DOCKERD_PID" 2>/dev/null; then
			echo "ct_dockerd_start: dockerd exited: $(tail -n 5 "$CT_DOCKERD_DIR/dockerd.log")" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "ct_dockerd_start: dockerd did not answer in 30 s: $(tail -n 5 "$CT_DOCKERD_DIR/dockerd.log")" >&2
	return 1
}

# ct_docker ARG...: the Docker client on the private daemon.
ct_docker() {
	DOCKER_CONFIG=$CT_DOCKERD_DIR/client "$CT_DOCKER_BIN" -H "$CT_DOCKER_HOST" "$@"
}

# The busybox rootfs as $CT_DOCKER_IMAGE, imported once per daemon.
ct_docker_image() {
	[ -z "$CT_DOCKER_IMPORTED" ] || return 0
	ct_rootfs
	tar -C "$CT_ROOTFS" -cf - . | ct_docker import --change 'ENV PATH=/bin' - "$CT_DOCKER_IMAGE" >/dev/null
	CT_DOCKER_IMPORTED=1
}

# ct_ctr ARG...: ctr on dockerd's containerd, in this test's namespace.
ct_ctr() {
	ctr --address "$CT_CONTAINERD_SOCK" --namespace "$CT_CTR_NS" "$@"
}

# ct_ctr_run [OPTION...] IMAGE ID [CMD...]: `ctr run` with its I/O FIFOs
# under the exec root rather than the shared /run/containerd/fifo.
ct_ctr_run() {
	ct_ctr run --fifo-dir "$CT_DOCKERD_EXEC/fifo" "$@"
}

# The Docker image in containerd as $CT_CTR_IMAGE (docker save | ctr import).
ct_ctr_image() {
	ct_docker_image
	ct_docker save "$CT_DOCKER_IMAGE" | ct_ctr images import - >/dev/null
}

# ct_pids_with TEXT: the processes whose command line holds TEXT.
ct_pids_with() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $c in *"$1"*) echo "${p#/proc/}" ;; esac
	done
}

# ct_wait_gone PID SECONDS: PID has exited (a zombie child counts as exited).
ct_wait_gone() {
	local s
	for _ in $(seq $(($2 * 10))); do
		s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
		[ -n "$s" ] && [ "$s" != Z ] || return 0
		sleep 0.1
	done
	return 1
}

# Stops the daemon started by ct_dockerd_start (registered at exit): the
# containers first (SIGKILL), then dockerd by its pid, which stops its
# containerd. Whatever had to be forced (a process, a mount) fails the test.
ct_dockerd_stop() {
	[ -n "$CT_DOCKERD_PID" ] || return 0
	local rc=0 ids c p m
	if kill -0 "$CT_DOCKERD_PID" 2>/dev/null; then
		ids=$(ct_docker ps -aq 2>/dev/null) || ids=
		# shellcheck disable=SC2086 # a list of ids
		[ -z "$ids" ] || ct_docker rm -f $ids >/dev/null 2>&1 || true
		for c in $(ct_ctr containers ls -q 2>/dev/null); do
			ct_ctr tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
			ct_ctr tasks delete -f "$c" >/dev/null 2>&1 || true
			ct_ctr containers delete "$c" >/dev/null 2>&1 || true
		done
		kill -TERM "$CT_DOCKERD_PID" 2>/dev/null || true
	fi
	if ! ct_wait_gone "$CT_DOCKERD_PID" 30; then
		echo "ct_dockerd_stop: dockerd $CT_DOCKERD_PID did not stop; killed" >&2
		kill -KILL "$CT_DOCKERD_PID" 2>/dev/null || true
		rc=1
	fi
	wait "$CT_DOCKERD_PID" 2>/dev/null || true
	# containerd and its shims name the exec root on their command lines
	for p in $(ct_pids_with "$CT_DOCKERD_EXEC/"); do
		ct_wait_gone "$p" 5 && continue
		echo "ct_dockerd_stop: left running: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null); killed" >&2
		kill -KILL "$p" 2>/dev/null || true
		rc=1
	done
	for m in $(awk -v a="$CT_DOCKERD_DIR/" -v b="$CT_DOCKERD_EXEC/" \
		'index($5 "/", a) == 1 || index($5 "/", b) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		echo "ct_dockerd_stop: left mounted: $m; unmounted" >&2
		umount -l "$m" || true
		rc=1
	done
	rm -rf "$CT_DOCKERD_EXEC" "/run/containerd/runc/$CT_CTR_NS"
	for c in /sys/fs/cgroup/*/"$CT_DOCKERD_CGROUP" /sys/fs/cgroup/*/"$CT_CTR_NS"; do
		[ ! -d "$c" ] || find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	CT_DOCKERD_PID=
	return $rc
}
