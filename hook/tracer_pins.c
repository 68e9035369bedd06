// SPDX-License-Identifier: Apache-2.0
#include "tracer_pins.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include <bpf/bpf.h>

#include "cleanup.h"
#include "log.h"
#include "seccomp_trace.h"
#include "util.h"

static const char *const pin_names[ST_NR_PINS] = {
    [ST_PIN_TARGETS] = "targets",     [ST_PIN_RINGS] = "rings", [ST_PIN_CONFIG] = "config",
    [ST_PIN_FORK_PROG] = "fork_prog", [ST_PIN_PROG] = "prog",
};
/* Pins that builds before the held link left behind (its pin kept the
 * program attached): removed with the rest. */
static const char *const old_pin_names[] = {"link"};

int st_bpf_error(struct st_error *err, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_error_setv(err, e, fmt, ap);
	va_end(ap);
	if (e == EPERM || e == EACCES)
		st_error_append(err, " (BPF needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
	return -1;
}

void st_pins_init(struct st_pins *p, uint64_t object_hash)
{
	/* Fixed lengths: ST_PIN_ROOT or ST_RUN_DIR and 16 hex digits. */
	snprintf(p->dir, sizeof(p->dir), "%s/%016llx", ST_PIN_ROOT,
		 (unsigned long long)object_hash);
	snprintf(p->lock_path, sizeof(p->lock_path), "%s/%016llx.lock", ST_RUN_DIR,
		 (unsigned long long)object_hash);
	p->lock_fd = -1;
	for (size_t i = 0; i < ST_NR_PINS; i++)
		p->fd[i] = -1;
	p->config = NULL;
	p->prog_id = 0;
	p->fork_prog_id = 0;
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

/* One directory, made if missing (its parent must exist). */
static int mkdir_if_missing(const char *path, mode_t mode, struct st_error *err)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return st_error_set(err, errno, "cannot create %s", path);
	return 0;
}

int st_pins_open_lock(struct st_pins *p, bool create)
{
	p->lock_fd =
	    open(p->lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	return p->lock_fd;
}

int st_pins_prepare(struct st_pins *p, struct st_error *err)
{
	if (ensure_bpffs(err) < 0 || mkdir_if_missing(ST_PIN_ROOT, 0700, err) < 0 ||
	    mkdir_if_missing(ST_RUN_DIR, 0700, err) < 0)
		return -1;
	if (st_pins_open_lock(p, true) < 0)
		return st_error_set(err, errno, "cannot open %s", p->lock_path);
	return 0;
}

int st_pins_lock(const struct st_pins *p, struct st_error *err)
{
	if (flock(p->lock_fd, LOCK_EX) < 0)
		return st_error_set(err, errno, "cannot lock %s", p->lock_path);
	return 0;
}

void st_pins_unlock(const struct st_pins *p)
{
	flock(p->lock_fd, LOCK_UN);
}

bool st_pins_in_use(int lock_fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};

	if (fcntl(lock_fd, F_OFD_GETLK, &fl) < 0)
		return true; /* cannot tell: do not tear down */
	return fl.l_type != F_UNLCK;
}

static void pin_path(char *path, size_t len, const char *dir, enum st_pin pin)
{
	snprintf(path, len, "%s/%s", dir, pin_names[pin]);
}

int st_pins_open(struct st_pins *p)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	void *m;

	for (int i = 0; i < ST_NR_PINS; i++) {
		pin_path(path, sizeof(path), p->dir, i);
		p->fd[i] = bpf_obj_get(path);
		if (p->fd[i] < 0)
			return -1;
	}
	if (bpf_obj_get_info_by_fd(p->fd[ST_PIN_PROG], &info, &len) < 0)
		return -1;
	p->prog_id = info.id;
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(p->fd[ST_PIN_FORK_PROG], &info, &len) < 0)
		return -1;
	p->fork_prog_id = info.id;
	m = mmap(NULL, sizeof(struct st_config), PROT_READ | PROT_WRITE, MAP_SHARED,
		 p->fd[ST_PIN_CONFIG], 0);
	if (m == MAP_FAILED)
		return -1;
	p->config = m;
	return 0;
}

void st_pins_close(struct st_pins *p)
{
	if (p->config)
		munmap(p->config, sizeof(struct st_config));
	p->config = NULL;
	for (int i = 0; i < ST_NR_PINS; i++) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
}

void st_pins_remove(const char *dir)
{
	char path[PATH_MAX];

	for (int i = 0; i < ST_NR_PINS; i++) {
		pin_path(path, sizeof(path), dir, i);
		unlink(path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(old_pin_names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, old_pin_names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int st_pins_save(const char *dir, const int fd[ST_NR_PINS], struct st_error *err)
{
	char path[PATH_MAX];

	if (mkdir_if_missing(dir, 0700, err) < 0)
		return -1;
	for (int i = 0; i < ST_NR_PINS; i++) {
		pin_path(path, sizeof(path), dir, i);
		if (bpf_obj_pin(fd[i], path) < 0) {
			st_error_set(err, errno, "cannot pin %s", path);
			st_pins_remove(dir);
			return -1;
		}
	}
	return 0;
}

/* The pin directory of another build, by its name: 16 hex digits. */
static bool is_build_dir(const char *name)
{
	return strlen(name) == 16 && strspn(name, "0123456789abcdef") == 16;
}

/* Remove the pins of build `name` unless it is busy setting up or a live
 * tracer holds a slot. */
static void remove_if_orphaned(const char *name)
{
	char dir[PATH_MAX], lock[PATH_MAX];
	cleanup_close int fd = -1;

	snprintf(dir, sizeof(dir), "%s/%s", ST_PIN_ROOT, name);
	snprintf(lock, sizeof(lock), "%s/%s.lock", ST_RUN_DIR, name);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	if (!st_pins_in_use(fd)) {
		st_pins_remove(dir);
		st_info("removed the BPF pins of another build, left without tracers: %s", dir);
	}
	flock(fd, LOCK_UN);
}

void st_pins_remove_orphans(const char *keep_dir)
{
	DIR *d = opendir(ST_PIN_ROOT);
	const char *keep = strrchr(keep_dir, '/');
	struct dirent *e;

	if (!d)
		return;
	keep = keep ? keep + 1 : keep_dir;
	while ((e = readdir(d)))
		if (is_build_dir(e->d_name) && strcmp(e->d_name, keep))
			remove_if_orphaned(e->d_name);
	closedir(d);
}

/* The live link of program prog_id by the id kept in config: -1 if it is
 * gone (its last holder closed it) or the id now names something else. */
static int open_link(uint32_t prog_id, uint32_t id)
{
	struct bpf_link_info info = {0};
	__u32 len = sizeof(info);
	int fd;

	if (!id)
		return -1;
	fd = bpf_link_get_fd_by_id(id);
	if (fd < 0)
		return -1;
	/* bpf_raw_tracepoint_open makes a raw_tracepoint link, tp_btf or not */
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0 || info.prog_id != prog_id ||
	    info.type != BPF_LINK_TYPE_RAW_TRACEPOINT) {
		close(fd);
		return -1;
	}
	return fd;
}

int st_pins_attach(struct st_pins *p, enum st_pin prog, struct st_error *err)
{
	bool fork = prog == ST_PIN_FORK_PROG;
	uint32_t *link_id = fork ? &p->config->fork_link_id : &p->config->link_id;
	int fd = open_link(fork ? p->fork_prog_id : p->prog_id,
			   __atomic_load_n(link_id, __ATOMIC_SEQ_CST));
	struct bpf_link_info info = {0};
	__u32 len = sizeof(info);

	if (fd >= 0)
		return fd;
	if (fork) {
		/* Before the link: a task started earlier has no origin (struct
		 * st_config). */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		__atomic_store_n(&p->config->fork_attached_ns,
				 (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, __ATOMIC_SEQ_CST);
	}
	fd = bpf_raw_tracepoint_open(NULL, p->fd[prog]);
	if (fd < 0)
		return st_bpf_error(err, errno, "cannot attach the BPF program to %s",
				    fork ? "sched_process_fork" : "raw_syscalls:sys_enter");
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
		close(fd);
		return st_error_set(err, errno, "cannot read the BPF link's id");
	}
	__atomic_store_n(link_id, info.id, __ATOMIC_SEQ_CST);
	st_debug("BPF program %s attached (link %u)", pin_names[prog], info.id);
	return fd;
}
