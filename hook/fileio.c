#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

static int read_all(int fd, const char *what, size_t max, char **out, size_t *len,
		    struct st_error *err)
{
	size_t cap = 4096, n = 0;
	cleanup_free char *buf = malloc(cap + 1);

	if (!buf)
		return st_error_set(err, ENOMEM, "cannot read %s", what);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max)
				return st_error_set(
				    err, EFBIG, "cannot read %s: larger than %zu bytes", what, max);
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return st_error_set(err, ENOMEM, "cannot read %s", what);
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return st_error_set(err, errno, "cannot read %s", what);
		if (r == 0)
			break;
		n += r;
		if (n > max)
			return st_error_set(err, EFBIG, "cannot read %s: larger than %zu bytes",
					    what, max);
	}
	buf[n] = '\0';
	*len = n;
	*out = st_steal(buf);
	return 0;
}

int st_read_fd(int fd, const char *what, size_t max, char **out, size_t *len, struct st_error *err)
{
	return read_all(fd, what, max, out, len, err);
}

int st_read_file(const char *path, size_t max, char **out, size_t *len, struct st_error *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return st_error_set(err, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return st_error_set(err, errno, "cannot stat %s", path);
	if (!S_ISREG(st.st_mode))
		return st_error_set(err, 0, "cannot read %s: not a regular file", path);
	if ((size_t)st.st_size > max)
		return st_error_set(err, 0, "cannot read %s: %lld bytes, the limit is %zu", path,
				    (long long)st.st_size, max);
	return read_all(fd, path, max, out, len, err);
}

static int split_path(const char *path, char *dir, size_t dirlen, const char **base,
		      struct st_error *err)
{
	const char *slash = strrchr(path, '/');

	if (!*path)
		return st_error_set(err, EINVAL, "cannot write an empty path");
	if (!slash) {
		snprintf(dir, dirlen, ".");
		*base = path;
	} else {
		size_t n = slash - path;

		if (n == 0)
			n = 1; /* "/file" lives in "/" */
		if (n >= dirlen)
			return st_error_set(err, ENAMETOOLONG, "cannot write %s", path);
		memcpy(dir, path, n);
		dir[n] = '\0';
		*base = slash + 1;
	}
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
		return st_error_set(err, EISDIR, "cannot write %s", path);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= w;
	}
	return 0;
}

/* Open the directory of path and check what is at path now. */
static int open_target_dir(const char *path, char *dir, size_t dirlen, const char **base,
			   struct st_error *err)
{
	struct stat st;
	int dfd;

	if (split_path(path, dir, dirlen, base, err) < 0)
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return st_error_set(err, errno, "cannot write %s: cannot open directory %s", path,
				    dir);
	if (fstatat(dfd, *base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			st_error_set(err, 0, "cannot write %s: it is a symbolic link", path);
		else if (!S_ISREG(st.st_mode))
			st_error_set(err, 0, "cannot write %s: not a regular file", path);
		else
			return dfd;
	} else if (errno == ENOENT) {
		return dfd;
	} else {
		st_error_set(err, errno, "cannot write %s", path);
	}
	close(dfd);
	return -1;
}

int st_check_output_path(const char *path, struct st_error *err)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd = open_target_dir(path, dir, sizeof(dir), &base, err);

	if (dfd < 0)
		return -1;
	close(dfd);
	return 0;
}

int st_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct st_error *err)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	const char *base = NULL;
	int saved;

	dfd = open_target_dir(path, dir, sizeof(dir), &base, err);
	if (dfd < 0)
		return -1;

	for (int tries = 0; fd < 0; tries++) {
		unsigned int rnd = 0;

		if (getrandom(&rnd, sizeof(rnd), 0) < 0)
			rnd = (unsigned int)getpid() * 2654435761u + tries;
		if (snprintf(tmp, sizeof(tmp), ".%s.%08x", base, rnd) >= (int)sizeof(tmp))
			return st_error_set(err, ENAMETOOLONG, "cannot write %s", path);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd < 0 && (errno != EEXIST || tries > 16))
			return st_error_set(err, errno, "cannot write %s: cannot create %s/%s",
					    path, dir, tmp);
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, base) < 0)
		goto fail;
	/* Make the rename durable; the data already is. */
	fsync(dfd);
	return 0;
fail:
	saved = errno;
	unlinkat(dfd, tmp, 0);
	return st_error_set(err, saved, "cannot write %s", path);
}
