// SPDX-License-Identifier: Apache-2.0
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

int st_audit_status_get(struct st_audit_status *s, struct st_error *err)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct nlmsghdr req = {
	    .nlmsg_len = NLMSG_LENGTH(0),
	    .nlmsg_type = AUDIT_GET,
	    .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	    .nlmsg_seq = 1,
	};
	struct timeval tv = {.tv_sec = 2};
	cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	bool got = false;

	if (fd < 0)
		return st_error_set(err, errno, "cannot ask the kernel for its audit status");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &req, req.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return st_error_set(err, errno, "cannot ask the kernel for its audit status");
	/* the status, then the ack (or an error instead) */
	for (int round = 0; round < 4 && !got; round++) {
		char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			return st_error_set(err, errno, "no audit status from the kernel");
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error)
					return st_error_set(err, -e->error,
							    "the kernel refused its audit status");
			} else if (h->nlmsg_type == AUDIT_GET &&
				   h->nlmsg_len >=
				       NLMSG_LENGTH(offsetof(struct audit_status, backlog) + 4)) {
				struct audit_status a = {0};
				size_t k = h->nlmsg_len - NLMSG_LENGTH(0);

				memcpy(&a, NLMSG_DATA(h), k < sizeof(a) ? k : sizeof(a));
				*s = (struct st_audit_status){a.enabled, a.pid, a.lost,
							      a.rate_limit, a.backlog_limit};
				got = true;
			}
		}
	}
	return got ? 0 : st_error_set(err, 0, "no audit status from the kernel");
}

struct st_kmsg {
	int fd;
	bool have_first;
	uint64_t first_seq, first_usec, next_seq, overwritten;
	char buf[16384]; /* a record is at most about 1 KiB of text plus its dictionary */
};

int st_kmsg_open(struct st_kmsg **out, struct st_error *err)
{
	struct st_kmsg *k = calloc(1, sizeof(*k));

	if (!k)
		return st_error_set(err, ENOMEM, "/dev/kmsg");
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		int e = errno;

		free(k);
		return st_error_set(err, e, "cannot read the kernel log /dev/kmsg%s",
				    e == EPERM || e == EACCES ? " (needs root or CAP_SYSLOG)" : "");
	}
	*out = k;
	return 0;
}

void st_kmsg_close(struct st_kmsg *k)
{
	if (!k)
		return;
	close(k->fd);
	free(k);
}

int st_kmsg_fd(const struct st_kmsg *k)
{
	return k->fd;
}

int st_kmsg_next(struct st_kmsg *k, const char **line, size_t *len, struct st_error *err)
{
	for (;;) {
		ssize_t n = read(k->fd, k->buf, sizeof(k->buf) - 1);
		unsigned long long seq, usec;
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0 && errno == EPIPE) {
			/* overwritten while we read; the next read goes on
			 * with the oldest left, and the sequence numbers
			 * say how many went */
			continue;
		}
		if (n < 0)
			return st_error_set(err, errno, "cannot read /dev/kmsg");
		if (n == 0)
			return 0;
		k->buf[n] = '\0';
		nl = memchr(k->buf, '\n', (size_t)n);
		*len = nl ? (size_t)(nl - k->buf) : (size_t)n;
		*line = k->buf;
		if (sscanf(k->buf, "%*u,%llu,%llu,", &seq, &usec) == 2) {
			if (!k->have_first) {
				k->have_first = true;
				k->first_seq = seq;
				k->first_usec = usec;
			} else if (seq > k->next_seq) {
				k->overwritten += seq - k->next_seq;
			}
			k->next_seq = seq + 1;
		}
		return 1;
	}
}

uint64_t st_kmsg_overwritten(const struct st_kmsg *k)
{
	return k->overwritten;
}

bool st_kmsg_first(const struct st_kmsg *k, uint64_t *seq, uint64_t *usec)
{
	*seq = k->first_seq;
	*usec = k->first_usec;
	return k->have_first;
}

uint64_t st_kmsg_wall_ms(uint64_t usec)
{
	struct timespec rt, mono;
	int64_t now_ms, mono_ms;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	now_ms = (int64_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000;
	mono_ms = (int64_t)mono.tv_sec * 1000 + mono.tv_nsec / 1000000;
	return (uint64_t)(now_ms - mono_ms + (int64_t)(usec / 1000));
}

static uint64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int st_audit_probe(struct st_audit_probe_rec *rec, struct st_error *err)
{
	int status;
	pid_t p;

	rec->arch = seccomp_arch_native();
	rec->nr = SYS_getppid;
	rec->from_ms = clock_ms(CLOCK_REALTIME_COARSE);
	p = fork();
	if (p < 0)
		return st_error_set(err, errno, "cannot start the audit probe");
	if (p == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getppid), 0) < 0 ||
		    seccomp_load(ctx) < 0)
			_exit(1);
		syscall(SYS_getppid);
		_exit(0);
	}
	if (waitpid(p, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return st_error_set(err, 0, "the audit probe could not load its seccomp filter");
	rec->to_ms = clock_ms(CLOCK_REALTIME);
	rec->pid = p;
	return 0;
}

static bool read_sysctl(const char *path, char *buf, size_t len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, len - 1)) <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

void st_printk_ratelimit(unsigned *interval_ms, unsigned *burst)
{
	char buf[32];

	*interval_ms = 5000; /* kernel/printk/printk.c: DEFAULT_RATELIMIT_* */
	*burst = 10;
	if (read_sysctl("/proc/sys/kernel/printk_ratelimit", buf, sizeof(buf)))
		*interval_ms = (unsigned)strtoul(buf, NULL, 10) * 1000;
	if (read_sysctl("/proc/sys/kernel/printk_ratelimit_burst", buf, sizeof(buf)))
		*burst = (unsigned)strtoul(buf, NULL, 10);
	if (!*interval_ms) /* kernel/ratelimit.c: no interval, no limit */
		*burst = 0;
}

bool st_seccomp_action_logged(const char *action)
{
	char buf[256];
	size_t k = strlen(action);

	if (!read_sysctl("/proc/sys/kernel/seccomp/actions_logged", buf, sizeof(buf)))
		return true;
	for (char *p = buf; (p = strstr(p, action)); p += k)
		if ((p == buf || p[-1] == ' ') && (p[k] == ' ' || p[k] == '\n' || !p[k]))
			return true;
	return false;
}
