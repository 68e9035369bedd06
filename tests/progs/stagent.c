// SPDX-License-Identifier: Apache-2.0
/* Test program: a seccomp agent listening at the listenerPath of a profile,
 * so that runtimes which connect to it (runc, crun) start the container. It
 * takes the notify fd each runtime sends (SCM_RIGHTS) and lets every
 * SCMP_ACT_NOTIFY call proceed (SECCOMP_USER_NOTIF_FLAG_CONTINUE), until the
 * container is gone.
 *
 *   stagent SOCKET      listen until killed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* Answer the notifications of one filter until no task uses it. */
static void serve(int nfd)
{
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		_exit(1);
	req = calloc(1, sz.seccomp_notif);
	resp = calloc(1, sz.seccomp_notif_resp);
	if (!req || !resp)
		_exit(1);
	for (;;) {
		struct pollfd p = {.fd = nfd, .events = POLLIN};

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			_exit(1);
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			_exit(0);
		if (!(p.revents & POLLIN))
			continue;
		memset(req, 0, sz.seccomp_notif);
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
			continue;
		memset(resp, 0, sz.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, resp); /* ENOENT: the caller died */
	}
}

/* Read one runtime's connection to its end; serve every fd it passes. */
static void take(int c)
{
	for (;;) {
		char buf[4096], ctl[CMSG_SPACE(sizeof(int) * 8)];
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl,
				    .msg_controllen = sizeof(ctl)};
		ssize_t n = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);

		if (n <= 0)
			return;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *fds = (int *)CMSG_DATA(cm);

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t i = 0; i < k; i++) {
				if (fork() == 0) {
					prctl(PR_SET_PDEATHSIG, SIGKILL);
					serve(fds[i]);
				}
				close(fds[i]);
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: stagent SOCKET\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* no zombies */
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		fprintf(stderr, "stagent: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			continue;
		take(c);
		close(c);
	}
}
