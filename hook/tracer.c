#include "tracer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cleanup.h"
#include "log.h"
#include "seccomp_trace.h"
#include "seccomp_trace_bpf.skel.h"

struct st_tracer {
	int lock_fd; /* flock: set-up mutex; OFD byte lock at `slot`: slot owner */
	uint32_t slot;
	int prog_fd, targets_fd, rings_fd, config_fd;
	int ring_fd;
	struct ring_buffer *rb;
	bool armed;
	struct st_key key;
	struct st_trace_result res; /* sets built from ring buffer events */
	char pin_dir[PATH_MAX];
	char lock_path[PATH_MAX];
};

/* "link" exists while tracers run (the program is attached); the program
 * and maps stay pinned, detached, in between, so that the next container
 * neither loads nor verifies again. */
static const char *const pin_names[] = {"link", "prog", "targets", "rings", "config"};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	(void)level;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	st_debug("libbpf: %s", buf);
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Pins of different builds must not mix: the directory is named after a hash
 * of the BPF object compiled into this binary. */
static uint64_t object_hash(void)
{
	size_t sz;
	const unsigned char *p = seccomp_trace_bpf__elf_bytes(&sz);
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < sz; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* A BPF call failed: say what it needs when the cause is a missing privilege. */
static int bpf_error(struct st_error *err, int e, const char *what)
{
	if (e == EPERM || e == EACCES)
		return st_error_set(
		    err, e, "%s (BPF needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)", what);
	return st_error_set(err, e, "%s", what);
}

static int ensure_bpffs(struct st_error *err)
{
	struct statfs sfs;

	if (statfs(ST_BPFFS, &sfs) == 0 && sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", ST_BPFFS, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		return st_error_set(err, errno, "cannot mount bpffs on %s", ST_BPFFS);
	return 0;
}

static int mkdir_p(const char *path, mode_t mode, struct st_error *err)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return st_error_set(err, errno, "cannot create %s", path);
	return 0;
}

static int ofd_lock(int fd, short type, uint32_t byte, bool test)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1};

	if (test) {
		if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
			return -1;
		return fl.l_type != F_UNLCK; /* 1: someone else holds it */
	}
	return fcntl(fd, F_OFD_SETLK, &fl);
}

/* True if a live tracer other than us holds any slot. */
static bool others_alive(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};

	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return true; /* cannot tell: do not tear down */
	return fl.l_type != F_UNLCK;
}

static int claim_slot(struct st_tracer *t, struct st_error *err)
{
	for (uint32_t s = 0; s < ST_MAX_TARGETS; s++) {
		if (ofd_lock(t->lock_fd, F_WRLCK, s, false) == 0) {
			t->slot = s;
			return 0;
		}
		if (errno != EAGAIN && errno != EACCES)
			return st_error_set(err, errno, "cannot lock %s", t->lock_path);
	}
	return st_error_set(err, 0, "cannot trace: %d containers are traced already",
			    ST_MAX_TARGETS);
}

static void unpin_all(const char *dir)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(pin_names) / sizeof(pin_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pin_names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Pins of other builds whose tracers are all gone (killed, or an upgrade
 * while nothing ran) would keep a program on every syscall until reboot. */
static void remove_orphaned_builds(const struct st_tracer *t)
{
	DIR *d = opendir(ST_PIN_ROOT);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char dir[PATH_MAX], lock[PATH_MAX];
		int fd;

		if (e->d_name[0] == '.' || strlen(e->d_name) != 16 ||
		    strspn(e->d_name, "0123456789abcdef") != 16)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", ST_PIN_ROOT, e->d_name);
		if (!strcmp(dir, t->pin_dir))
			continue;
		snprintf(lock, sizeof(lock), "%s/%s.lock", ST_RUN_DIR, e->d_name);
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			continue;
		/* Busy setting up, or a live tracer holds a slot: not orphaned. */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (!others_alive(fd)) {
				unpin_all(dir);
				st_info("removed the BPF pins of another build, left without "
					"tracers: %s",
					dir);
			}
			flock(fd, LOCK_UN);
		}
		close(fd);
	}
	closedir(d);
}

static int open_pins(struct st_tracer *t)
{
	char path[PATH_MAX];
	int *fds[] = {NULL, &t->prog_fd, &t->targets_fd, &t->rings_fd, &t->config_fd};

	for (size_t i = 1; i < sizeof(pin_names) / sizeof(pin_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->pin_dir, pin_names[i]);
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0)
			return -1;
	}
	return 0;
}

/* Attach the pinned program unless a tracer did already; the link's pin is
 * what keeps it attached. */
static int ensure_attached(struct st_tracer *t, struct st_error *err)
{
	char path[PATH_MAX];
	cleanup_close int link = -1;
	struct stat st;

	snprintf(path, sizeof(path), "%s/link", t->pin_dir);
	if (stat(path, &st) == 0)
		return 0;
	link = bpf_raw_tracepoint_open(NULL, t->prog_fd);
	if (link < 0)
		return bpf_error(err, errno,
				 "cannot attach the BPF program to raw_syscalls:sys_enter");
	if (bpf_obj_pin(link, path) < 0)
		return st_error_set(err, errno, "cannot pin %s", path);
	st_debug("BPF program attached");
	return 0;
}

static void set_one(uint32_t *slot, unsigned abi, const char *name)
{
	int nr = st_syscall_nr(abi, name);

	if (nr >= 0)
		slot[abi] = nr;
}

static void set_syscall_numbers(volatile struct st_nrs *rodata)
{
	struct st_nrs n;

	memset(&n, 0xff, sizeof(n));
	for (unsigned abi = 0; abi < ST_NR_ABI; abi++) {
		set_one(n.execve, abi, "execve");
		set_one(n.execveat, abi, "execveat");
		set_one(n.seccomp, abi, "seccomp");
		set_one(n.prctl, abi, "prctl");
	}
	/* Arguments are recorded for native calls only: other ABIs pass them
	 * differently (socketcall, fcntl64) and keep name-only rules. */
	set_one(n.clone3, ST_ABI_NATIVE, "clone3");
	for (unsigned k = 0; k < ST_NR_ARGK; k++)
		set_one(n.argk[k], ST_ABI_NATIVE, st_argk_syscall(k));
	memcpy((void *)rodata, &n, sizeof(n));
}

/* open -> load -> attach -> pin; the skeleton is dropped afterwards and every
 * tracer, the first one included, works from the pins. */
static int load_and_pin(struct st_tracer *t, struct st_error *err)
{
	struct seccomp_trace_bpf *skel;
	char path[PATH_MAX];
	int rc = -1;

	skel = seccomp_trace_bpf__open();
	if (!skel)
		return st_error_set(err, errno, "cannot open the BPF object");
	set_syscall_numbers(&skel->rodata->nrs);
	if (seccomp_trace_bpf__load(skel)) {
		if (errno == EPERM || errno == EACCES)
			bpf_error(err, errno, "cannot load the BPF program");
		else
			st_error_set(err, errno,
				     "cannot load the BPF program (-v shows the verifier's log)");
		goto out;
	}
	if (mkdir_p(t->pin_dir, 0700, err) < 0)
		goto out;
	struct {
		const char *name;
		int fd;
	} pins[] = {
	    {"targets", bpf_map__fd(skel->maps.st_targets)},
	    {"rings", bpf_map__fd(skel->maps.st_rings)},
	    {"config", bpf_map__fd(skel->maps.st_config)},
	    {"prog", bpf_program__fd(skel->progs.sys_enter)},
	};
	/* The program goes last: its presence means the set is complete. */
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->pin_dir, pins[i].name);
		if (bpf_obj_pin(pins[i].fd, path) < 0) {
			st_error_set(err, errno, "cannot pin %s", path);
			unpin_all(t->pin_dir);
			goto out;
		}
	}
	rc = 0;
out:
	seccomp_trace_bpf__destroy(skel);
	return rc;
}

/* Loading parses the kernel's BTF (megabytes): done in a short-lived child,
 * so that the tracer, which lives as long as the container, stays small. */
static int load_in_child(struct st_tracer *t, struct st_error *err)
{
	struct st_error child_err = {0};
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return st_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return st_error_set(err, errno, "cannot fork the BPF loader");
	}
	if (pid == 0) {
		close(p[0]);
		if (load_and_pin(t, &child_err) < 0) {
			/* one struct, below PIPE_BUF: arrives whole */
			if (write(p[1], &child_err, sizeof(child_err)) < 0)
				_exit(2);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	do
		n = read(p[0], &child_err, sizeof(child_err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == sizeof(child_err))
		return st_error_set(err, child_err.errnum, "%s", child_err.msg);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return st_error_set(err, 0, "the BPF loader failed");
	return 0;
}

/* Entries left by tracers that died (their slot lock is gone) would send a
 * namespace's syscalls to whoever claims the slot next: remove them. */
static void collect_stale(struct st_tracer *t)
{
	struct st_key key, next, *prev = NULL;
	struct st_target val;
	struct st_key stale[64];
	size_t n = 0;

	while (n < 64 && bpf_map_get_next_key(t->targets_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(t->targets_fd, &key, &val) < 0)
			continue;
		if (val.slot == t->slot || ofd_lock(t->lock_fd, F_WRLCK, val.slot, true) == 0)
			stale[n++] = key;
	}
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(t->targets_fd, &stale[i], &val) == 0) {
			if (stale[i].kind == ST_KEY_MNTNS) {
				uint32_t zero = 0;
				struct st_config cfg;

				if (bpf_map_lookup_elem(t->config_fd, &zero, &cfg) == 0 &&
				    cfg.nr_mntns_targets) {
					cfg.nr_mntns_targets--;
					bpf_map_update_elem(t->config_fd, &zero, &cfg, BPF_ANY);
				}
			}
		}
		bpf_map_delete_elem(t->targets_fd, &stale[i]);
		st_info("removed the target of a tracer that died (slot %u)", val.slot);
	}
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct st_tracer *t = ctx;
	const struct st_event *e = data;

	/* The slot's ring may still hold events of its previous tracer. */
	if (size < sizeof(*e) || !t->armed || e->inum != t->key.inum)
		return 0;
	if (e->flags & ST_EV_ALL)
		st_sysset_add(&t->res.all, e->abi, e->nr);
	if (e->flags & ST_EV_GATED)
		st_sysset_add(&t->res.gated, e->abi, e->nr);
	if (st_log_get_level() >= ST_LOG_DEBUG) {
		cleanup_free char *name = st_syscall_name(e->abi, e->nr);

		st_debug("first %s (%s #%u) by pid %u%s", name ? name : "?",
			 st_abi_arch_name(e->abi) ?: "?", e->nr, e->tgid,
			 e->flags & ST_EV_GATED ? "" : " (before the gate)");
	}
	return 0;
}

static void teardown_locked(struct st_tracer *t);

static void tracer_free(struct st_tracer *t)
{
	ring_buffer__free(t->rb);
	int fds[] = {t->ring_fd, t->prog_fd, t->targets_fd, t->rings_fd, t->config_fd, t->lock_fd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(t);
}

static void close_pin_fds(struct st_tracer *t)
{
	int *fds[] = {&t->prog_fd, &t->targets_fd, &t->rings_fd, &t->config_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* Under the set-up lock: program and maps present, slot ours, ring in place. */
/* The slot's ring buffer: the one a previous tracer of the slot installed,
 * or a new one. Installing costs an RCU grace period (8-16 ms here) in the
 * kernel's map-in-map update, so a slot's ring is installed once and kept. */
static int slot_ring(struct st_tracer *t, struct st_error *err)
{
	uint32_t id;

	if (bpf_map_lookup_elem(t->rings_fd, &t->slot, &id) == 0) {
		t->ring_fd = bpf_map_get_fd_by_id(id);
		if (t->ring_fd >= 0)
			return 0;
	}
	t->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, ST_RING_BYTES, NULL);
	if (t->ring_fd < 0)
		return bpf_error(err, errno, "cannot create a BPF ring buffer");
	if (bpf_map_update_elem(t->rings_fd, &t->slot, &t->ring_fd, BPF_ANY) < 0)
		return st_error_set(err, errno, "cannot install the ring buffer in slot %u",
				    t->slot);
	return 0;
}

static int setup_locked(struct st_tracer *t, struct st_error *err)
{
	if (claim_slot(t, err) < 0)
		return -1;
	if (open_pins(t) < 0) {
		/* Only missing or half-made pins mean "start over": pins we may
		 * not open (no CAP_BPF) serve other tracers and stay. */
		if (errno != ENOENT) {
			char what[PATH_MAX + 64];

			snprintf(what, sizeof(what), "cannot open the pinned BPF objects in %s",
				 t->pin_dir);
			return bpf_error(err, errno, what);
		}
		close_pin_fds(t);
		unpin_all(t->pin_dir);
		if (load_in_child(t, err) < 0)
			return -1;
		if (open_pins(t) < 0)
			return st_error_set(err, errno, "cannot open the pinned BPF objects in %s",
					    t->pin_dir);
		st_info("BPF program loaded and pinned in %s", t->pin_dir);
	}
	collect_stale(t);
	remove_orphaned_builds(t);
	if (ensure_attached(t, err) < 0)
		return -1;
	if (slot_ring(t, err) < 0)
		return -1;
	t->rb = ring_buffer__new(t->ring_fd, on_event, t, NULL);
	if (!t->rb)
		return st_error_set(err, errno, "cannot map the BPF ring buffer");
	/* Whatever a previous tracer of this slot left is not ours. */
	ring_buffer__consume(t->rb);
	return 0;
}

int st_tracer_open(const struct st_tracer_opts *opts, struct st_tracer **out, struct st_error *err)
{
	struct st_tracer *t = calloc(1, sizeof(*t));
	uint64_t hash = object_hash();
	int rc;

	if (!t)
		return st_error_set(err, ENOMEM, "cannot start tracer");
	t->lock_fd = t->prog_fd = t->targets_fd = t->rings_fd = t->config_fd = t->ring_fd = -1;
	libbpf_set_print(opts && opts->libbpf_debug ? libbpf_print : libbpf_quiet);
	snprintf(t->pin_dir, sizeof(t->pin_dir), "%s/%016llx", ST_PIN_ROOT,
		 (unsigned long long)hash);
	snprintf(t->lock_path, sizeof(t->lock_path), "%s/%016llx.lock", ST_RUN_DIR,
		 (unsigned long long)hash);

	if (ensure_bpffs(err) < 0 || mkdir_p(ST_PIN_ROOT, 0700, err) < 0 ||
	    mkdir_p(ST_RUN_DIR, 0700, err) < 0)
		goto fail;
	t->lock_fd = open(t->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (t->lock_fd < 0) {
		st_error_set(err, errno, "cannot open %s", t->lock_path);
		goto fail;
	}
	if (flock(t->lock_fd, LOCK_EX) < 0) {
		st_error_set(err, errno, "cannot lock %s", t->lock_path);
		goto fail;
	}
	rc = setup_locked(t, err);
	if (rc < 0) {
		teardown_locked(t);
		flock(t->lock_fd, LOCK_UN);
		goto fail;
	}
	flock(t->lock_fd, LOCK_UN);
	*out = t;
	return 0;
fail:
	tracer_free(t);
	return -1;
}

static int update_mntns_count(struct st_tracer *t, int delta)
{
	uint32_t zero = 0;
	struct st_config cfg;

	if (bpf_map_lookup_elem(t->config_fd, &zero, &cfg) < 0)
		return -1;
	if (delta < 0 && !cfg.nr_mntns_targets)
		return 0;
	cfg.nr_mntns_targets += delta;
	return bpf_map_update_elem(t->config_fd, &zero, &cfg, BPF_ANY);
}

int st_tracer_arm(struct st_tracer *t, const struct st_target_spec *spec, struct st_error *err)
{
	struct st_key key = {.kind = spec->kind, .inum = spec->inum};
	struct st_target val = {
	    .slot = t->slot,
	    .exclude_tgid = spec->exclude_tgid,
	    .gate = spec->gate,
	    .gate_tgid = spec->gate_tgid,
	    .gate_state = spec->gate == ST_GATE_NONE ? ST_GATE_OPEN : ST_GATE_WAITING,
	    .flags = spec->flags,
	    .inum = spec->inum,
	};
	const char *what = spec->kind == ST_KEY_PIDNS ? "PID namespace" : "mount namespace";
	int rc = -1;

	if (flock(t->lock_fd, LOCK_EX) < 0)
		return st_error_set(err, errno, "cannot lock %s", t->lock_path);
	if (spec->kind == ST_KEY_MNTNS && update_mntns_count(t, +1) < 0) {
		st_error_set(err, errno, "cannot update the BPF config map");
		goto out;
	}
	if (bpf_map_update_elem(t->targets_fd, &key, &val, BPF_NOEXIST) < 0) {
		if (errno == EEXIST)
			st_error_set(err, 0,
				     "%s %u is already being traced by another seccomp-trace", what,
				     spec->inum);
		else
			st_error_set(err, errno, "cannot add %s %u to the BPF target map", what,
				     spec->inum);
		if (spec->kind == ST_KEY_MNTNS)
			update_mntns_count(t, -1);
		goto out;
	}
	t->key = key;
	t->armed = true;
	rc = 0;
	st_debug("tracing %s %u in slot %u", what, spec->inum, t->slot);
out:
	flock(t->lock_fd, LOCK_UN);
	return rc;
}

int st_tracer_fd(const struct st_tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int st_tracer_consume(struct st_tracer *t, struct st_error *err)
{
	int n = ring_buffer__consume(t->rb);

	if (n < 0)
		return st_error_set(err, -n, "cannot read the BPF ring buffer");
	return 0;
}

int st_tracer_wait(struct st_tracer *t, int pidfd, int sigfd,
		   int (*on_signal)(void *ctx, const struct signalfd_siginfo *si), void *ctx,
		   struct st_error *err)
{
	cleanup_close int ep = epoll_create1(EPOLL_CLOEXEC);
	int fds[] = {st_tracer_fd(t), pidfd, sigfd};

	if (ep < 0)
		return st_error_set(err, errno, "epoll_create1");
	for (size_t i = 0; i < 3; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};

		if (fds[i] >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
			return st_error_set(err, errno, "epoll_ctl");
	}
	for (;;) {
		struct epoll_event evs[3];
		int n = epoll_wait(ep, evs, 3, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return st_error_set(err, errno, "epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == pidfd)
				return 0;
			if (fd == sigfd) {
				struct signalfd_siginfo si;
				int rc;

				if (read(sigfd, &si, sizeof(si)) != sizeof(si))
					continue;
				rc = on_signal(ctx, &si);
				if (rc)
					return rc;
			} else if (st_tracer_consume(t, err) < 0) {
				return -1;
			}
		}
	}
}

static unsigned missing_bits(const uint64_t (*kernel)[ST_BITMAP_WORDS], const struct st_sysset *got)
{
	unsigned n = 0;

	for (unsigned a = 0; a < ST_NR_ABI; a++)
		for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
			n += __builtin_popcountll(kernel[a][w] & ~got->bits[a][w]);
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The kernel's slots, sorted and without the duplicates racing CPUs left. */
static void collect_args(const struct st_target *val, struct st_arg_values *out)
{
	memset(out, 0, sizeof(*out));
	out->overflow = val->arg_overflow;
	for (unsigned k = 0; k < ST_NR_ARGK; k++) {
		uint32_t n = 0;

		for (unsigned i = 0; i < ST_MAX_ARG_VALUES; i++)
			if ((val->arg_present[k] >> i) & 1)
				out->v[k][n++] = val->arg_vals[k][i];
		qsort(out->v[k], n, sizeof(uint64_t), cmp_u64);
		out->n[k] = 0;
		for (uint32_t i = 0; i < n; i++)
			if (!i || out->v[k][i] != out->v[k][out->n[k] - 1])
				out->v[k][out->n[k]++] = out->v[k][i];
	}
}

int st_tracer_finish(struct st_tracer *t, struct st_trace_result *out, struct st_error *err)
{
	struct st_target val;
	unsigned missing;

	if (st_tracer_consume(t, err) < 0)
		return -1;
	if (bpf_map_lookup_elem(t->targets_fd, &t->key, &val) < 0)
		return st_error_set(err, errno, "cannot read the trace's kernel state");
	if (val.lost)
		return st_error_set(err, 0,
				    "%llu syscall events were lost (ring buffer full); "
				    "refusing to write an incomplete profile",
				    (unsigned long long)val.lost);
	/* The kernel bitmaps are the ground truth; every bit must have come through. */
	missing = missing_bits((const uint64_t(*)[ST_BITMAP_WORDS])val.all, &t->res.all) +
		  missing_bits((const uint64_t(*)[ST_BITMAP_WORDS])val.gated, &t->res.gated);
	if (missing)
		return st_error_set(err, 0,
				    "%u syscalls recorded in the kernel never reached the tracer; "
				    "refusing to write an incomplete profile",
				    missing);
	if (val.out_of_range)
		st_warn("%llu calls with syscall numbers >= %d were not recorded (invalid numbers)",
			(unsigned long long)val.out_of_range, ST_MAX_SYSCALLS);
	t->res.gate_state = val.gate_state;
	collect_args(&val, &t->res.args);
	*out = t->res;
	return 0;
}

/* Under the set-up lock. */
static void teardown_locked(struct st_tracer *t)
{
	if (t->armed) {
		bpf_map_delete_elem(t->targets_fd, &t->key);
		if (t->key.kind == ST_KEY_MNTNS)
			update_mntns_count(t, -1);
		t->armed = false;
	}
	ofd_lock(t->lock_fd, F_UNLCK, t->slot, false);
	if (!others_alive(t->lock_fd)) {
		char path[PATH_MAX];

		/* Last one out: without its pin the link goes, and the program
		 * stops running on every syscall; it stays loaded for the next. */
		snprintf(path, sizeof(path), "%s/link", t->pin_dir);
		unlink(path);
		st_debug("last tracer out: BPF program detached");
	}
}

void st_tracer_close(struct st_tracer *t)
{
	if (!t)
		return;
	if (flock(t->lock_fd, LOCK_EX) == 0) {
		teardown_locked(t);
		flock(t->lock_fd, LOCK_UN);
	}
	tracer_free(t);
}

int st_ns_inum(int pid, const char *ns, uint32_t *inum, struct st_error *err)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	if (stat(path, &st) < 0)
		return st_error_set(err, errno, "cannot read %s", path);
	*inum = st.st_ino;
	return 0;
}

int st_tracer_unload(struct st_error *err)
{
	struct st_tracer t = {.lock_fd = -1};
	uint64_t hash = object_hash();
	int rc = 0;

	snprintf(t.pin_dir, sizeof(t.pin_dir), "%s/%016llx", ST_PIN_ROOT, (unsigned long long)hash);
	snprintf(t.lock_path, sizeof(t.lock_path), "%s/%016llx.lock", ST_RUN_DIR,
		 (unsigned long long)hash);
	t.lock_fd = open(t.lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (t.lock_fd >= 0 && flock(t.lock_fd, LOCK_EX) < 0)
		rc = st_error_set(err, errno, "cannot lock %s", t.lock_path);
	else if (t.lock_fd >= 0 && others_alive(t.lock_fd))
		rc = st_error_set(err, EBUSY, "cannot unload: traces are running");
	else
		unpin_all(t.pin_dir);
	remove_orphaned_builds(&t);
	if (t.lock_fd >= 0)
		close(t.lock_fd);
	return rc;
}
