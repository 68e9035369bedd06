#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <linux/openat2.h>
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

int st_allow_add(struct st_allow *a, const char *dir, struct st_error *err)
{
	char *real = realpath(dir, NULL), **nv;
	struct stat st;

	if (!real)
		return st_error_set(err, errno, "--allow-dir %s", dir);
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return st_error_set(err, ENOTDIR, "--allow-dir %s", dir);
	}
	nv = realloc(a->dirs, (a->n + 1) * sizeof(*nv));
	if (!nv) {
		free(real);
		return st_error_set(err, ENOMEM, "--allow-dir %s", dir);
	}
	a->dirs = nv;
	a->dirs[a->n++] = real;
	return 0;
}

void st_allow_free(struct st_allow *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->dirs[i]);
	free(a->dirs);
	a->dirs = NULL;
	a->n = 0;
}

/* Kernel filesystems are no place for a profile, whatever the path says. */
static int refuse_pseudo_fs(int dfd, const char *verb, const char *path, const char *dir,
			    struct st_error *err)
{
	static const struct {
		long magic;
		const char *name;
	} fs[] = {
	    {PROC_SUPER_MAGIC, "proc"},	    {SYSFS_MAGIC, "sysfs"},
	    {CGROUP_SUPER_MAGIC, "cgroup"}, {CGROUP2_SUPER_MAGIC, "cgroup2"},
	    {BPF_FS_MAGIC, "bpf"},	    {DEBUGFS_MAGIC, "debugfs"},
	    {TRACEFS_MAGIC, "tracefs"},	    {SECURITYFS_MAGIC, "securityfs"},
	    {DEVPTS_SUPER_MAGIC, "devpts"},
	};
	struct statfs sfs;

	if (fstatfs(dfd, &sfs) < 0)
		return st_error_set(err, errno, "cannot %s %s: cannot stat directory %s", verb,
				    path, dir);
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (sfs.f_type == fs[i].magic)
			return st_error_set(err, 0, "cannot %s %s: %s is on a %s filesystem", verb,
					    path, dir, fs[i].name);
	return 0;
}

/* The directory holding path's final component. With an allow-list it is
 * resolved beneath the allowed directory the path names, by the kernel
 * (openat2 RESOLVE_BENEATH): no "..", symlink or race leads out of it. */
static int open_parent(const struct st_allow *allow, const char *verb, const char *path, char *dir,
		       size_t dirlen, const char **base, struct st_error *err)
{
	int dfd = -1;

	if (split_path(path, dir, dirlen, base, err) < 0)
		return -1;
	if (!allow || !allow->n) {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return st_error_set(err, errno, "cannot %s %s: cannot open directory %s",
					    verb, path, dir);
	} else {
		for (size_t i = 0; i < allow->n && dfd < 0; i++) {
			const char *d = allow->dirs[i];
			size_t n = strlen(d);
			struct open_how how = {
			    .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
			};
			const char *rel;
			int root;

			if (n == 1) /* "/" */
				n = 0;
			if (strncmp(dir, d, n) || (dir[n] && dir[n] != '/'))
				continue;
			rel = dir[n] ? dir + n + 1 : ".";
			root = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (root < 0)
				return st_error_set(err, errno, "cannot open allowed directory %s",
						    d);
			dfd = syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
			int e = errno;
			close(root);
			if (dfd < 0 && e == EXDEV)
				return st_error_set(err, 0,
						    "cannot %s %s: it leads out of the allowed "
						    "directory %s",
						    verb, path, d);
			if (dfd < 0)
				return st_error_set(err, e,
						    "cannot %s %s: cannot open directory %s", verb,
						    path, dir);
		}
		if (dfd < 0) {
			char list[512] = "";

			for (size_t i = 0; i < allow->n; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 i ? ", " : "", allow->dirs[i]);
			return st_error_set(err, 0,
					    "cannot %s %s: outside the allowed directories (%s)",
					    verb, path, list);
		}
	}
	if (refuse_pseudo_fs(dfd, verb, path, dir, err) < 0) {
		close(dfd);
		return -1;
	}
	return dfd;
}

int st_read_file_in(const struct st_allow *allow, const char *path, size_t max, char **out,
		    size_t *len, struct st_error *err)
{
	char dir[PATH_MAX];
	const char *base;
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if (allow && allow->n) {
		dfd = open_parent(allow, "read", path, dir, sizeof(dir), &base, err);
		if (dfd < 0)
			return -1;
		fd = openat(dfd, base, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
	} else {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	}
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

int st_read_file(const char *path, size_t max, char **out, size_t *len, struct st_error *err)
{
	return st_read_file_in(NULL, path, max, out, len, err);
}

/* Open the directory of path and check what is at path now. */
static int open_target_dir(const struct st_allow *allow, const char *path, char *dir, size_t dirlen,
			   const char **base, struct st_error *err)
{
	struct stat st;
	int dfd = open_parent(allow, "write", path, dir, dirlen, base, err);

	if (dfd < 0)
		return -1;
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

int st_check_output_path_in(const struct st_allow *allow, const char *path, struct st_error *err)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd = open_target_dir(allow, path, dir, sizeof(dir), &base, err);

	if (dfd < 0)
		return -1;
	close(dfd);
	return 0;
}

int st_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct st_error *err)
{
	return st_write_file_atomic_in(NULL, path, data, len, mode, err);
}

int st_write_file_atomic_in(const struct st_allow *allow, const char *path, const void *data,
			    size_t len, mode_t mode, struct st_error *err)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	const char *base = NULL;
	int saved;

	dfd = open_target_dir(allow, path, dir, sizeof(dir), &base, err);
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
