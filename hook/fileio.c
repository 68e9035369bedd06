// SPDX-License-Identifier: Apache-2.0
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
#include "json.h"
#include "strv.h"
#include "util.h"

/* Magic numbers linux/magic.h lacks (include/linux/magic.h users in the
 * kernel: fs/configfs, fs/fuse/control.c, ipc/mqueue.c). */
#define ST_CONFIGFS_MAGIC 0x62656570
#define ST_FUSECTL_MAGIC  0x65735543
#define ST_MQUEUE_MAGIC	  0x19800202

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

/* Split path into its directory and final component; the directory comes
 * out lexically clean ("//" and "/./" collapse; ".." stays for the kernel):
 * "/a//b/./c.json" -> "/a/b" and "c.json". */
static int split_path(const char *verb, const char *path, char *dir, size_t dirlen,
		      const char **base, struct st_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t o = 0;

	if (!*path)
		return st_error_set(err, EINVAL, "cannot %s an empty path", verb);
	*base = slash ? slash + 1 : path;
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
		return st_error_set(err, EISDIR, "cannot %s %s", verb, path);
	if (!slash) {
		snprintf(dir, dirlen, ".");
		return 0;
	}
	if (path[0] == '/')
		dir[o++] = '/';
	for (const char *s = path; s < slash;) {
		size_t n;

		while (s < slash && *s == '/')
			s++;
		n = strcspn(s, "/");
		if (s + n > slash)
			n = slash - s;
		if (n && !(n == 1 && s[0] == '.')) {
			if (o + n + 2 > dirlen)
				return st_error_set(err, ENAMETOOLONG, "cannot %s %s", verb, path);
			if (o && dir[o - 1] != '/')
				dir[o++] = '/';
			memcpy(dir + o, s, n);
			o += n;
		}
		s += n;
	}
	if (!o)
		dir[o++] = '.';
	dir[o] = '\0';
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
	char *real, **nv;
	struct stat st;

	/* the hook's working directory is the runtime's choice: no meaning */
	if (dir[0] != '/')
		return st_error_set(err, 0, "--allow-dir %s: not an absolute path", dir);
	real = realpath(dir, NULL);
	/* "does not exist", not strerror(ENOENT): podman (runc) reads a hook's
	 * output ending in it as a hook that was not found */
	if (!real && errno == ENOENT)
		return st_error_set(err, 0, "--allow-dir %s: does not exist", dir);
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

/* The kernel filesystem fd is on, or NULL. Their files are no profiles and
 * reading or writing them has effects (/proc/kmsg consumes the kernel log,
 * trace_pipe the trace, efivarfs writes firmware variables). */
static const char *kernel_fs(int fd)
{
	static const struct {
		long magic;
		const char *name;
	} fs[] = {
	    {PROC_SUPER_MAGIC, "proc"},	     {SYSFS_MAGIC, "sysfs"},
	    {CGROUP_SUPER_MAGIC, "cgroup"},  {CGROUP2_SUPER_MAGIC, "cgroup2"},
	    {BPF_FS_MAGIC, "bpf"},	     {DEBUGFS_MAGIC, "debugfs"},
	    {TRACEFS_MAGIC, "tracefs"},	     {SECURITYFS_MAGIC, "securityfs"},
	    {DEVPTS_SUPER_MAGIC, "devpts"},  {ST_CONFIGFS_MAGIC, "configfs"},
	    {EFIVARFS_MAGIC, "efivarfs"},    {PSTOREFS_MAGIC, "pstore"},
	    {BINFMTFS_MAGIC, "binfmt_misc"}, {SELINUX_MAGIC, "selinuxfs"},
	    {SMACK_MAGIC, "smackfs"},	     {NSFS_MAGIC, "nsfs"},
	    {ST_FUSECTL_MAGIC, "fusectl"},   {RDTGROUP_SUPER_MAGIC, "resctrl"},
	    {ST_MQUEUE_MAGIC, "mqueue"},
	};
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fs); i++)
		if (sfs.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

static int refuse_kernel_fs(int fd, const char *verb, const char *path, const char *what,
			    struct st_error *err)
{
	const char *fs = kernel_fs(fd);

	if (fs)
		return st_error_set(err, 0, "cannot %s %s: %s is on a %s filesystem", verb, path,
				    what, fs);
	return 0;
}

static long openat2_(int dfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};

	return syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

/* dir opened from / one component at a time, none of them a symlink. On
 * failure *bad is the prefix that failed and *e its errno. *public tells
 * whether every directory passed (the failing one's parent included) can be
 * searched by any user, i.e. whether what happens beyond is theirs to see. */
static int walk_no_symlinks(const char *dir, bool *public, char *bad, size_t badlen, int *e)
{
	cleanup_close int cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	size_t o = 0;

	*public = true;
	if (cur < 0 || fstat(cur, &st) < 0) {
		*e = errno;
		snprintf(bad, badlen, "/");
		return -1;
	}
	*public = st.st_mode & S_IXOTH;
	for (const char *s = dir; *s;) {
		size_t n = strcspn(s, "/");
		char comp[NAME_MAX + 1];
		int next;

		if (n && !(n == 1 && s[0] == '.')) {
			if (n > NAME_MAX) {
				*e = ENAMETOOLONG;
				return -1;
			}
			memcpy(comp, s, n);
			comp[n] = '\0';
			o += snprintf(bad + o, o < badlen ? badlen - o : 0, "/%s", comp);
			next = openat2_(cur, comp, O_PATH | O_DIRECTORY | O_CLOEXEC,
					RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
			if (next < 0 || fstat(next, &st) < 0) {
				*e = errno;
				return -1;
			}
			close(cur);
			cur = next;
			if (!(st.st_mode & S_IXOTH))
				*public = false;
		}
		s += n;
		while (*s == '/')
			s++;
	}
	if (o >= badlen)
		bad[badlen - 1] = '\0';
	/* a real descriptor: fsync and the checks need one */
	return openat(cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int outside_error(const struct st_allow *allow, const char *verb, const char *path,
			 struct st_error *err)
{
	cleanup_free char *list = strv_join(allow->dirs, allow->n, ", ");

	return st_error_set(err, 0, "cannot %s %s: outside the allowed directories (%s)", verb,
			    path, list ? list : "?");
}

/* dir beneath the allowed directory it names, resolved by the kernel
 * (openat2 RESOLVE_BENEATH): no "..", symlink or race leads out of it. */
static int open_beneath(const struct st_allow *allow, const char *verb, const char *path,
			const char *dir, struct st_error *err)
{
	for (size_t i = 0; i < allow->n; i++) {
		const char *d = allow->dirs[i];
		size_t n = strlen(d);
		const char *rel;
		int root, dfd, e;

		if (n == 1) /* "/" */
			n = 0;
		if (strncmp(dir, d, n) || (dir[n] && dir[n] != '/'))
			continue;
		rel = dir[n] ? dir + n + 1 : ".";
		root = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return st_error_set(err, errno, "cannot open allowed directory %s", d);
		dfd = openat2_(root, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
		e = errno;
		close(root);
		if (dfd < 0 && e == EXDEV)
			return st_error_set(
			    err, 0, "cannot %s %s: it leads out of the allowed directory %s", verb,
			    path, d);
		if (dfd < 0)
			return st_error_set(err, e, "cannot %s %s: cannot open directory %s", verb,
					    path, dir);
		return dfd;
	}
	return outside_error(allow, verb, path, err);
}

/* What the hook says about an if: its requester could not have read: the
 * same whatever the reason (missing, unreadable, too big, not JSON), so that
 * it is no oracle for root-only paths. */
static int not_public(const char *path, struct st_error *err)
{
	return st_error_set(err, 0,
			    "cannot read %s: not a file every user may read (the hook reads if: "
			    "only from world-readable files in world-searchable directories)",
			    path);
}

/* Open path's directory under allow (see struct st_allow); *public as in
 * walk_no_symlinks (always true unless allow has no directories). */
static int open_dir(const struct st_allow *allow, const char *verb, const char *path,
		    const char *dir, bool *public, struct st_error *err)
{
	char bad[PATH_MAX];
	int dfd, e = 0;

	*public = true;
	if (!allow) {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return st_error_set(err, errno, "cannot %s %s: cannot open directory %s",
					    verb, path, dir);
		return dfd;
	}
	if (allow->n)
		return open_beneath(allow, verb, path, dir, err);
	if (dir[0] != '/')
		return st_error_set(err, 0, "cannot %s %s: not an absolute path", verb, path);
	dfd = walk_no_symlinks(dir, public, bad, sizeof(bad), &e);
	if (dfd >= 0)
		return dfd;
	if (!*public && !strcmp(verb, "read"))
		return not_public(path, err);
	if (e == ELOOP)
		return st_error_set(err, 0,
				    "cannot %s %s: %s is a symbolic link (the hook follows none in "
				    "of: and if: paths: give the real path)",
				    verb, path, bad);
	return st_error_set(err, e, "cannot %s %s: cannot open directory %s", verb, path, bad);
}

/* Open name (in dfd, or a whole path with dfd AT_FDCWD and follow) for
 * reading, after checking on an O_PATH descriptor, which opens nothing, that
 * it is a regular file off kernel filesystems: opening a device or a proc
 * file can have effects of its own. */
static int open_regular(int dfd, const char *name, bool follow, const char *verb, const char *path,
			struct stat *st, struct st_error *err)
{
	cleanup_close int pfd = openat(dfd, name, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	char proc[64];
	int fd;

	if (pfd < 0)
		return st_error_set(err, errno, "cannot %s %s", verb, path);
	if (fstat(pfd, st) < 0)
		return st_error_set(err, errno, "cannot %s %s", verb, path);
	if (S_ISLNK(st->st_mode))
		return st_error_set(err, 0, "cannot %s %s: it is a symbolic link", verb, path);
	if (!S_ISREG(st->st_mode))
		return st_error_set(err, 0, "cannot %s %s: not a regular file", verb, path);
	if (refuse_kernel_fs(pfd, verb, path, "it", err) < 0)
		return -1;
	/* O_NONBLOCK: should it be a FIFO by now, opening must not wait */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return st_error_set(err, errno, "cannot %s %s", verb, path);
	return fd;
}

/* Whether every directory from dfd up to / lets any user search it, walked
 * up through ".." by descriptor: the chain the opened directory really
 * hangs from at this moment (mounts crossed as the kernel resolves "..").
 * Any failure says no. */
static bool searchable_to_root(int dfd)
{
	cleanup_close int cur = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	struct stat st, up;

	for (int depth = 0; cur >= 0 && depth < PATH_MAX / 2; depth++) {
		int parent;

		if (fstat(cur, &st) < 0 || !(st.st_mode & S_IXOTH))
			return false;
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0)
			return false;
		close(cur);
		cur = parent;
		if (fstat(cur, &up) < 0)
			return false;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino)
			return true; /* / is its own parent */
	}
	return false;
}

/* Whether others (neither the owner nor the group) can read the opened file
 * fd (st: its stat) by some path: it is o+r and every directory from / down
 * to it is o+x. Its directory is the one /proc/self/fd/N names, kept only
 * if it still holds this very inode (dev, ino), then walked up by
 * descriptor: the answer is about the file opened, and a race can only make
 * it "no" (a narrower output), never a wider one. Group bits are not looked
 * at: an output is root's, it cannot take the base's group, so a base only
 * its group may read counts as one others cannot. */
static bool others_can_read(int fd, const struct stat *st)
{
	char proc[64], path[PATH_MAX];
	cleanup_close int dfd = -1;
	struct stat here;
	char *slash;
	ssize_t n;

	if (!(st->st_mode & S_IROTH))
		return false;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/')
		return false;
	path[n] = '\0';
	slash = strrchr(path, '/');
	*slash = '\0';
	dfd = open(slash == path ? "/" : path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstatat(dfd, slash + 1, &here, AT_SYMLINK_NOFOLLOW) < 0)
		return false; /* gone, renamed, or "name (deleted)" */
	return here.st_dev == st->st_dev && here.st_ino == st->st_ino && searchable_to_root(dfd);
}

static int read_opened(int fd, const struct stat *st, const char *path, size_t max, char **out,
		       size_t *len, struct st_error *err)
{
	if ((size_t)st->st_size > max)
		return st_error_set(err, 0, "cannot read %s: %lld bytes, the limit is %zu", path,
				    (long long)st->st_size, max);
	return read_all(fd, path, max, out, len, err);
}

int st_read_file_in(const struct st_allow *allow, const char *path, size_t max, char **out,
		    size_t *len, bool *private, struct st_error *err)
{
	char dir[PATH_MAX];
	const char *base;
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	struct stat st;
	bool public;

	if (!allow) {
		fd = open_regular(AT_FDCWD, path, true, "read", path, &st, err);
		if (fd < 0)
			return -1;
		if (private)
			*private = !others_can_read(fd, &st);
		return read_opened(fd, &st, path, max, out, len, err);
	}
	if (split_path("read", path, dir, sizeof(dir), &base, err) < 0)
		return -1;
	dfd = open_dir(allow, "read", path, dir, &public, err);
	if (dfd < 0)
		return -1;
	if (!public)
		return not_public(path, err);
	fd = open_regular(dfd, base, false, "read", path, &st, err);
	if (fd < 0)
		return -1;
	if (!allow->n && !(st.st_mode & S_IROTH))
		return not_public(path, err);
	if (private)
		*private = !others_can_read(fd, &st);
	return read_opened(fd, &st, path, max, out, len, err);
}

int st_read_file(const char *path, size_t max, char **out, size_t *len, struct st_error *err)
{
	return st_read_file_in(NULL, path, max, out, len, NULL, err);
}

/* ---- writing ---- */

/* What an existing output may be replaced from: a profile (Docker/OCI JSON
 * with a defaultAction, or a security-profiles-operator SeccompProfile); an
 * empty file (nothing to lose) is checked by the caller. */
static bool is_profile(const char *text, size_t len)
{
	cleanup_yajl_tree yajl_val root = NULL;
	struct st_error err = {0};
	const char *s = text;

	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s == '{') {
		if (st_json_parse(text, len, "", &root, &err) < 0 || !YAJL_IS_OBJECT(root))
			return false;
		for (size_t i = 0; i < root->u.object.len; i++)
			if (!strcmp(root->u.object.keys[i], "defaultAction") &&
			    YAJL_IS_STRING(root->u.object.values[i]))
				return true;
		return false;
	}
	return !strncmp(s, "apiVersion: security-profiles-operator.x-k8s.io/", 48) &&
	       strstr(s, "\nkind: SeccompProfile\n");
}

const struct st_outfile_kind st_outfile_profile = {"a seccomp profile", "a profile", is_profile};

/* What is at the target now: *exists, and 0 if it may be replaced. */
static int check_existing(const struct st_outfile *t, bool *exists, struct st_error *err)
{
	const struct st_outfile_kind *kind = t->kind ? t->kind : &st_outfile_profile;
	cleanup_free char *text = NULL;
	cleanup_close int fd = -1;
	struct stat st;
	size_t len;

	*exists = false;
	if (fstatat(t->dfd, t->base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return st_error_set(err, errno, "cannot write %s", t->path);
	}
	*exists = true;
	if (S_ISLNK(st.st_mode))
		return st_error_set(err, 0, "cannot write %s: it is a symbolic link", t->path);
	if (!S_ISREG(st.st_mode))
		return st_error_set(err, 0, "cannot write %s: not a regular file", t->path);
	if (st.st_size == 0)
		return 0;
	if ((size_t)st.st_size <= ST_MAX_INPUT_BYTES) {
		fd = open_regular(t->dfd, t->base, false, "write", t->path, &st, err);
		if (fd < 0)
			return -1;
		if (read_all(fd, t->path, ST_MAX_INPUT_BYTES, &text, &len, err) < 0)
			return -1;
		if (!len || kind->ours(text, len))
			return 0;
	}
	return st_error_set(err, 0,
			    "cannot write %s: it exists and is not %s (only %s or an empty file "
			    "is ever replaced)",
			    t->path, kind->what, kind->some);
}

/* A fresh temporary file next to the target: ".<base>.<random>". */
static int create_temp(const struct st_outfile *t, mode_t mode, char *tmp, size_t tmplen,
		       struct st_error *err)
{
	for (int tries = 0;; tries++) {
		unsigned int rnd = 0;
		int fd;

		if (getrandom(&rnd, sizeof(rnd), 0) < 0)
			rnd = (unsigned int)getpid() * 2654435761u + tries;
		if (snprintf(tmp, tmplen, ".%s.%08x", t->base, rnd) >= (int)tmplen)
			return st_error_set(err, ENAMETOOLONG, "cannot write %s", t->path);
		fd =
		    openat(t->dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST || tries > 16)
			return st_error_set(err, errno,
					    "cannot write %s: cannot create a file in %s", t->path,
					    t->dir);
	}
}

/* The held directory's path as the kernel has it now, malloc'ed; NULL when
 * it cannot tell. */
static char *dir_now(int dfd)
{
	char proc[64], dir[PATH_MAX];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dfd);
	n = dfd >= 0 ? readlink(proc, dir, sizeof(dir) - 1) : -1;
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	return strdup(dir);
}

void st_outfile_close(struct st_outfile *t)
{
	if (t->dfd >= 0)
		close(t->dfd);
	free(t->path);
	free(t->dir);
	free(t->real);
	t->path = t->dir = t->base = t->real = NULL;
	t->dfd = -1;
}

int st_outfile_open(const struct st_allow *allow, const char *path, struct st_outfile *t,
		    struct st_error *err)
{
	return st_outfile_open_kind(allow, path, NULL, t, err);
}

int st_outfile_open_kind(const struct st_allow *allow, const char *path,
			 const struct st_outfile_kind *kind, struct st_outfile *t,
			 struct st_error *err)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *base;
	bool exists, public;
	int fd;

	*t = (struct st_outfile){.dfd = -1, .kind = kind};
	if (split_path("write", path, dir, sizeof(dir), &base, err) < 0)
		return -1;
	if (!(t->path = strdup(path)) || !(t->dir = strdup(dir))) {
		st_outfile_close(t);
		return st_error_set(err, ENOMEM, "cannot write %s", path);
	}
	t->base = t->path + (base - path);
	t->dfd = open_dir(allow, "write", path, dir, &public, err);
	if (t->dfd < 0 || refuse_kernel_fs(t->dfd, "write", path, dir, err) < 0 ||
	    check_existing(t, &exists, err) < 0)
		goto fail;
	/* Prove now that a file can be created there (read-only mount,
	 * immutable directory, ...), not after the trace. */
	fd = create_temp(t, 0600, tmp, sizeof(tmp), err);
	if (fd < 0)
		goto fail;
	close(fd);
	unlinkat(t->dfd, tmp, 0);
	t->real = dir_now(t->dfd);
	return 0;
fail:
	st_outfile_close(t);
	return -1;
}

int st_outfile_open_beside(const struct st_outfile *of, const char *name,
			   const struct st_outfile_kind *kind, struct st_outfile *t,
			   struct st_error *err)
{
	bool exists;

	*t = (struct st_outfile){.dfd = -1, .kind = kind};
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return st_error_set(err, EINVAL, "cannot write %s beside %s: not a file name", name,
				    of->path);
	if (asprintf(&t->path, "%s%s%s", of->dir, strcmp(of->dir, "/") ? "/" : "", name) < 0) {
		t->path = NULL;
		return st_error_set(err, ENOMEM, "cannot write %s", name);
	}
	/* room for the temporary file's ".NAME.xxxxxxxx" too */
	if (strlen(name) > NAME_MAX - 10) {
		st_error_set(err, ENAMETOOLONG, "cannot write %s", t->path);
		st_outfile_close(t);
		return -1;
	}
	t->base = t->path + strlen(t->path) - strlen(name);
	if (!(t->dir = strdup(of->dir)) || (of->real && !(t->real = strdup(of->real)))) {
		st_outfile_close(t);
		return st_error_set(err, ENOMEM, "cannot write %s", name);
	}
	t->dfd = fcntl(of->dfd, F_DUPFD_CLOEXEC, 0);
	if (t->dfd < 0) {
		st_error_set(err, errno, "cannot write %s", t->path);
		st_outfile_close(t);
		return -1;
	}
	/* The directory was proven writable when `of` was opened. */
	if (check_existing(t, &exists, err) < 0) {
		st_outfile_close(t);
		return -1;
	}
	return 0;
}

int st_outfile_write(struct st_outfile *t, const void *data, size_t len, mode_t mode,
		     struct st_error *err)
{
	char tmp[NAME_MAX + 1];
	cleanup_close int fd = -1;
	struct stat st;
	bool exists;
	int saved;

	if (len > ST_MAX_INPUT_BYTES)
		return st_error_set(
		    err, 0,
		    "cannot write %s: the profile has %zu bytes, more than the %u "
		    "bytes (4 MiB) seccomp-trace reads back (check, diff, merge, if:)",
		    t->path, len, ST_MAX_INPUT_BYTES);
	if (fstat(t->dfd, &st) == 0 && st.st_nlink == 0)
		return st_error_set(
		    err, 0, "cannot write %s: its directory was removed after it was checked",
		    t->path);
	if (t->private)
		mode &= 0600;
	fd = create_temp(t, mode, tmp, sizeof(tmp), err);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	saved = close(fd);
	fd = -1;
	if (saved < 0)
		goto fail;
	/* Checked again right before the rename; a file that appears after
	 * the check is not replaced either (RENAME_NOREPLACE). */
	for (int tries = 0;; tries++) {
		if (check_existing(t, &exists, err) < 0) {
			unlinkat(t->dfd, tmp, 0);
			return -1;
		}
		if (!exists &&
		    syscall(SYS_renameat2, t->dfd, tmp, t->dfd, t->base, RENAME_NOREPLACE) == 0)
			break;
		if (!exists && errno == EEXIST && tries < 3)
			continue;
		if ((exists || errno == EINVAL) && renameat(t->dfd, tmp, t->dfd, t->base) == 0)
			break;
		goto fail;
	}
	/* Make the rename durable; the data already is. */
	fsync(t->dfd);
	return 0;
fail:
	saved = errno;
	unlinkat(t->dfd, tmp, 0);
	return st_error_set(err, saved, "cannot write %s", t->path);
}

const char *st_outfile_where(const struct st_outfile *t, bool *moved, char *buf, size_t len)
{
	cleanup_free char *dir = dir_now(t->dfd);

	*moved = dir && t->real && strcmp(dir, t->real);
	if (!dir)
		snprintf(buf, len, "%s", t->path);
	else
		snprintf(buf, len, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", t->base);
	return buf;
}

int st_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct st_error *err)
{
	struct st_outfile t;
	int rc;

	if (st_outfile_open(NULL, path, &t, err) < 0)
		return -1;
	rc = st_outfile_write(&t, data, len, mode, err);
	st_outfile_close(&t);
	return rc;
}
