// SPDX-License-Identifier: Apache-2.0
#include "pidtrack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

enum verdict {
	V_UNKNOWN = 0,
	V_MEMBER,
	V_OTHER, /* final: a process's PID namespace never changes */
};

struct st_pidtrack {
	enum st_track_kind kind;
	dev_t ns_dev; /* pidns */
	ino_t ns_ino;
	uint64_t start_ms;
	bool has_start;
	char *cgroup; /* cgroup */
	size_t cgroup_len;
	uint8_t *verdict; /* by pid, 0..pid_max */
	size_t n_pids;
	int fd;
	uint64_t dropped;
};

/* Is /proc/PID/ns/pid the target namespace or nested in it? Walks up with
 * NS_GET_PARENT (fs/nsfs.c), which fails at the caller's own namespace. */
static int in_pidns(const struct st_pidtrack *t, pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (int depth = 0; depth < 40; depth++) {
		struct stat st;
		int parent;

		if (fstat(fd, &st) < 0)
			break;
		if (st.st_dev == t->ns_dev && st.st_ino == t->ns_ino) {
			close(fd);
			return 1;
		}
		parent = ioctl(fd, NS_GET_PARENT);
		close(fd);
		if (parent < 0)
			return 0;
		fd = parent;
	}
	close(fd);
	return 0;
}

/* Is one of the process's cgroups (any hierarchy) the target or beneath it? */
static int in_cgroup(const struct st_pidtrack *t, pid_t pid)
{
	char path[64], line[4096];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (p)
			p = strchr(p + 1, ':');
		if (!p)
			continue;
		p++;
		p[strcspn(p, "\n")] = '\0';
		if (!strncmp(p, t->cgroup, t->cgroup_len) &&
		    (p[t->cgroup_len] == '\0' || p[t->cgroup_len] == '/' ||
		     (t->cgroup_len == 1 && t->cgroup[0] == '/')))
			found = 1;
	}
	fclose(f);
	return found;
}

static int look(const struct st_pidtrack *t, pid_t pid)
{
	return t->kind == ST_TRACK_PIDNS ? in_pidns(t, pid) : in_cgroup(t, pid);
}

static void set_verdict(struct st_pidtrack *t, pid_t pid, int r)
{
	if (pid <= 0 || (size_t)pid >= t->n_pids)
		return;
	/* a process can move to another cgroup: only membership is kept */
	if (r == 1)
		t->verdict[pid] = V_MEMBER;
	else if (r == 0 && t->kind == ST_TRACK_PIDNS)
		t->verdict[pid] = V_OTHER;
	else
		t->verdict[pid] = V_UNKNOWN;
}

static size_t pid_max(void)
{
	char buf[32];
	cleanup_close int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	unsigned long v;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 4194304; /* PID_MAX_LIMIT on 64-bit */
	buf[n] = '\0';
	v = strtoul(buf, NULL, 10);
	return v && v <= 4194304 ? (size_t)v : 4194304;
}

/* Start time of pid from /proc/PID/stat field 22 (clock ticks since boot). */
static bool start_ms(pid_t pid, uint64_t *ms)
{
	char path[64], buf[1024];
	cleanup_close int fd;
	ssize_t n;
	unsigned long long ticks;
	struct timespec rt, boot;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold anything but ends at the last ')' */
	if (!p)
		return false;
	/* after ")": field 3 (state) ... field 22 (starttime) */
	if (sscanf(p + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &ticks) != 1)
		return false;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	*ms = (uint64_t)(rt.tv_sec - boot.tv_sec) * 1000 + (rt.tv_nsec - boot.tv_nsec) / 1000000 +
	      ticks * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK);
	return true;
}

static int subscribe(struct st_pidtrack *t, struct st_error *err)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0};
	/* nlmsghdr, cn_msg, then the operation */
	char req[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))]
	    __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct cn_msg *cn = NLMSG_DATA(h);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int rcvbuf = 8 << 20;

	t->fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (t->fd < 0)
		return st_error_set(err, errno, "cannot follow process creation (proc connector)");
	/* a burst of forks must not overflow it: events dropped are counted */
	if (setsockopt(t->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(t->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(t->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return st_error_set(err, errno, "cannot follow process creation (proc connector)");
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	h->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(t->fd, req, h->nlmsg_len, 0) < 0)
		return st_error_set(err, errno, "cannot follow process creation (proc connector)");
	return 0;
}

/* What t tracks: the PID namespace of process arg, or cgroup arg. */
static int set_target(struct st_pidtrack *t, const char *arg, struct st_error *err)
{
	if (t->kind == ST_TRACK_PIDNS) {
		char path[64], *end;
		struct stat st;
		long pid;

		errno = 0;
		pid = strtol(arg, &end, 10);
		if (errno || *end || end == arg || pid <= 0 || pid > 4194304)
			return st_error_set(err, 0, "--pidns '%s': expected a process id", arg);
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) < 0)
			return st_error_set(err, errno,
					    "--pidns %ld: cannot find its PID namespace", pid);
		t->ns_dev = st.st_dev;
		t->ns_ino = st.st_ino;
		t->has_start = start_ms((pid_t)pid, &t->start_ms);
		return 0;
	}
	t->cgroup_len = strlen(arg);
	if (arg[0] != '/')
		return st_error_set(err, 0, "--cgroup '%s': expected a path as in /proc/PID/cgroup",
				    arg);
	while (t->cgroup_len > 1 && arg[t->cgroup_len - 1] == '/')
		t->cgroup_len--;
	if (!(t->cgroup = strndup(arg, t->cgroup_len)))
		return st_error_set(err, ENOMEM, "pid tracking");
	return 0;
}

/* The processes there now, from /proc. */
static int scan_proc(struct st_pidtrack *t, struct st_error *err)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return st_error_set(err, errno, "cannot read /proc");
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		int r = look(t, (pid_t)pid);
		uint64_t ms;

		set_verdict(t, (pid_t)pid, r);
		/* a cgroup's records start with its oldest process */
		if (r == 1 && t->kind == ST_TRACK_CGROUP && start_ms((pid_t)pid, &ms) &&
		    (!t->has_start || ms < t->start_ms)) {
			t->start_ms = ms;
			t->has_start = true;
		}
	}
	closedir(d);
	return 0;
}

static void pidtrack_closep(struct st_pidtrack **t)
{
	st_pidtrack_close(*t);
}

int st_pidtrack_open(enum st_track_kind kind, const char *arg, struct st_pidtrack **out,
		     struct st_error *err)
{
	__attribute__((cleanup(pidtrack_closep))) struct st_pidtrack *t = calloc(1, sizeof(*t));

	if (!t)
		return st_error_set(err, ENOMEM, "pid tracking");
	t->fd = -1;
	t->kind = kind;
	if (set_target(t, arg, err) < 0)
		return -1;
	t->n_pids = pid_max() + 1;
	if (!(t->verdict = calloc(t->n_pids, 1)))
		return st_error_set(err, ENOMEM, "pid tracking");
	/* subscribe first, then scan: a process born in between is in one or both */
	if (subscribe(t, err) < 0 || scan_proc(t, err) < 0)
		return -1;
	*out = st_steal(t);
	return 0;
}

void st_pidtrack_close(struct st_pidtrack *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	free(t->cgroup);
	free(t->verdict);
	free(t);
}

int st_pidtrack_fd(const struct st_pidtrack *t)
{
	return t->fd;
}

static void on_fork(struct st_pidtrack *t, pid_t parent, pid_t child, pid_t child_tid)
{
	if (child != child_tid || child <= 0 || (size_t)child >= t->n_pids)
		return; /* a thread: same process */
	if (parent > 0 && (size_t)parent < t->n_pids && t->verdict[parent] == V_MEMBER)
		t->verdict[child] = V_MEMBER; /* children stay in or below the namespace/cgroup */
	else
		set_verdict(t, child, look(t, child));
}

void st_pidtrack_drain(struct st_pidtrack *t)
{
	for (;;) {
		char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
		ssize_t n = recv(t->fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			t->dropped++;
			continue;
		}
		if (n <= 0)
			return;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			const struct cn_msg *cn = NLMSG_DATA(h);
			const size_t fork_end = offsetof(struct proc_event, event_data) +
						sizeof(struct fork_proc_event);
			struct proc_event ev = {0};
			size_t len;

			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_NOOP ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(*cn)))
				continue;
			len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*cn));
			if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
			    len < fork_end || cn->len < fork_end)
				continue;
			/* the event follows the 20-byte cn_msg: not aligned for its u64 */
			memcpy(&ev, cn->data, len < sizeof(ev) ? len : sizeof(ev));
			if (ev.what == PROC_EVENT_FORK)
				on_fork(t, ev.event_data.fork.parent_tgid,
					ev.event_data.fork.child_tgid,
					ev.event_data.fork.child_pid);
		}
	}
}

int st_pidtrack_match(void *ctx, int64_t pid)
{
	struct st_pidtrack *t = ctx;
	int r;

	if (pid <= 0 || (size_t)pid >= t->n_pids)
		return pid > 0 ? -1 : 0;
	if (t->verdict[pid] == V_MEMBER)
		return 1;
	if (t->verdict[pid] == V_OTHER)
		return 0;
	r = look(t, (pid_t)pid);
	set_verdict(t, (pid_t)pid, r);
	return r;
}

uint64_t st_pidtrack_dropped(const struct st_pidtrack *t)
{
	return t->dropped;
}

bool st_pidtrack_start_ms(const struct st_pidtrack *t, uint64_t *ms)
{
	*ms = t->start_ms;
	return t->has_start;
}
