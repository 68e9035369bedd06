// SPDX-License-Identifier: Apache-2.0
/* Reading a bundle's config.json, and the cheap test that lets a container
 * that asks nothing through untouched. No JSON parser here: this is all the
 * fast front end of the shim (built with musl) links. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* Bundles with large seccomp profiles hold a few hundred KiB. */
#define MAX_SPEC_BYTES (64u << 20)

int st_rt_read_fd(int fd, const char *what, size_t max, char **out, size_t *len,
		  struct st_error *err)
{
	struct stat st;
	size_t n = 0;
	char *buf;

	/* sized by fstat, read to EOF all the same */
	if (fstat(fd, &st) < 0)
		return st_error_set(err, errno, "cannot read %s", what);
	if ((size_t)st.st_size > max)
		return st_error_set(err, EFBIG, "cannot read %s: larger than %zu bytes", what, max);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return st_error_set(err, ENOMEM, "cannot read %s", what);
	for (;;) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return st_error_set(err, errno, "cannot read %s", what);
		}
		if (r == 0)
			break;
		n += r;
		if (n > (size_t)st.st_size) {
			free(buf);
			return st_error_set(err, 0, "cannot read %s: it grew while read", what);
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int st_rt_bundle_read(const char *bundle, struct st_rt_bundle *b, struct st_error *err)
{
	struct stat st;
	int dfd;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	if (bundle && !*bundle)
		bundle = NULL;
	snprintf(b->path, sizeof(b->path), "%s/config.json", bundle ? bundle : ".");
	dfd = open(bundle ? bundle : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return st_error_set(err, errno, "cannot open bundle %s", bundle ? bundle : ".");
	b->fd = openat(dfd, "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	if (b->fd < 0 || fstat(b->fd, &st) < 0)
		return st_error_set(err, errno, "cannot read %s", b->path);
	if (!S_ISREG(st.st_mode))
		return st_error_set(err, 0, "%s: not a regular file", b->path);
	return st_rt_read_fd(b->fd, b->path, MAX_SPEC_BYTES, &b->text, &b->len, err);
}

void st_rt_bundle_free(struct st_rt_bundle *b)
{
	if (b->fd >= 0)
		close(b->fd);
	free(b->text);
	b->fd = -1;
	b->text = NULL;
}

bool st_rt_bundle_may_ask(const struct st_rt_bundle *b)
{
	/* Engines write config.json with Go's encoding/json, which escapes
	 * only <, > and & this way: a \u in it is rare, and then we look. */
	return memmem(b->text, b->len, "trace-syscall", 13) || memmem(b->text, b->len, "\\u", 2);
}
