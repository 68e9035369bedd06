// SPDX-License-Identifier: Apache-2.0
/* Bounded reads of untrusted files and atomic, symlink-proof writes into a
 * directory held from check to write. Runs as root (mounts, chattr). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "check.h"
#include "fileio.h"

static char dir[] = "/tmp/st-fileio-XXXXXX";

#define PROFILE	 "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}\n"
#define PROFILE2 "{\"defaultAction\":\"SCMP_ACT_LOG\"}\n"

static char *path(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static char *slurp(const char *p)
{
	struct st_error err = {0};
	char *out = NULL;
	size_t len;

	if (st_read_file(p, 1 << 20, &out, &len, &err) < 0)
		return NULL;
	return out;
}

static void put(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(p, mode);
}

static int run(const char *fmt, const char *arg)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), fmt, arg);
	return system(cmd);
}

static int entries(const char *d)
{
	char cmd[400];
	int n = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", d);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static void test_write_creates_and_replaces(void)
{
	struct st_error err = {0};
	struct stat st;
	char *s;

	CHECK(st_write_file_atomic(path("a.json"), PROFILE, strlen(PROFILE), 0644, &err) == 0);
	CHECK(stat(path("a.json"), &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(st_write_file_atomic(path("a.json"), PROFILE2, strlen(PROFILE2), 0644, &err) == 0);
	s = slurp(path("a.json"));
	CHECK_STR(s, PROFILE2);
	free(s);
}

static void test_write_refuses_symlink(void)
{
	struct st_error err = {0};
	char *s;

	put(path("victim"), PROFILE, 0600);
	CHECK(symlink(path("victim"), path("link.json")) == 0);
	CHECK(st_write_file_atomic(path("link.json"), PROFILE2, 5, 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "symbolic link");
	CHECK_CONTAINS(err.msg, path("link.json"));
	s = slurp(path("victim"));
	CHECK_STR(s, PROFILE);
	free(s);
}

static void test_write_refuses_non_regular(void)
{
	struct st_error err = {0};

	CHECK(mkdir(path("d.json"), 0755) == 0);
	CHECK(st_write_file_atomic(path("d.json"), "x", 1, 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a regular file");
	CHECK(st_write_file_atomic(path("nodir/x.json"), "x", 1, 0644, &err) < 0);
	CHECK(err.errnum == ENOENT);
	CHECK_CONTAINS(err.msg, "cannot write");
}

/* Only a profile (JSON or SeccompProfile YAML) or an empty file is replaced;
 * anything else (a shadow file, authorized_keys) never, with one line. */
static void test_write_replaces_only_profiles(void)
{
	struct st_error err = {0};
	struct st_outfile t;
	char *s;

	put(path("shadow"), "root:$6$x:19000:0:99999:7:::\n", 0600);
	CHECK(st_write_file_atomic(path("shadow"), PROFILE, strlen(PROFILE), 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "it exists and is not a seccomp profile");
	s = slurp(path("shadow"));
	CHECK_STR(s, "root:$6$x:19000:0:99999:7:::\n");
	free(s);
	put(path("keys"), "{\"ssh-ed25519\": 1}\n", 0600); /* JSON, no profile */
	CHECK(st_write_file_atomic(path("keys"), PROFILE, strlen(PROFILE), 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a seccomp profile");

	put(path("empty.json"), "", 0644);
	CHECK(st_write_file_atomic(path("empty.json"), PROFILE, strlen(PROFILE), 0644, &err) == 0);
	put(path("spo.yaml"),
	    "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n",
	    0644);
	CHECK(st_write_file_atomic(path("spo.yaml"), PROFILE, strlen(PROFILE), 0644, &err) == 0);

	/* checked again right before the rename: a file put there after the
	 * open stays, and no temporary file is left */
	CHECK(mkdir(path("late"), 0755) == 0);
	CHECK(st_outfile_open(NULL, path("late/p.json"), &t, &err) == 0);
	put(path("late/p.json"), "ssh-ed25519 AAAA\n", 0600);
	CHECK(st_outfile_write(&t, PROFILE, strlen(PROFILE), 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a seccomp profile");
	st_outfile_close(&t);
	s = slurp(path("late/p.json"));
	CHECK_STR(s, "ssh-ed25519 AAAA\n");
	free(s);
	CHECK(entries(path("late")) == 1);
}

/* The directory checked at open is the one written into: swapped for a
 * symlink meanwhile, the write goes to where the directory went; removed,
 * nothing is written anywhere. */
static void test_write_into_held_directory(void)
{
	struct st_error err = {0};
	struct st_outfile t;
	char where[4096], *s;
	bool moved;

	CHECK(mkdir(path("vol"), 0755) == 0 && mkdir(path("vol/out"), 0755) == 0);
	CHECK(mkdir(path("elsewhere"), 0755) == 0);
	put(path("elsewhere/p.json"), PROFILE, 0600);
	CHECK(st_outfile_open(NULL, path("vol/out/p.json"), &t, &err) == 0);
	CHECK(rename(path("vol/out"), path("vol/moved")) == 0);
	CHECK(symlink(path("elsewhere"), path("vol/out")) == 0);
	CHECK(st_outfile_write(&t, PROFILE2, strlen(PROFILE2), 0644, &err) == 0);
	st_outfile_where(&t, &moved, where, sizeof(where));
	CHECK(moved);
	CHECK_STR(where, path("vol/moved/p.json"));
	st_outfile_close(&t);
	s = slurp(path("vol/moved/p.json"));
	CHECK_STR(s, PROFILE2);
	free(s);
	s = slurp(path("elsewhere/p.json"));
	CHECK_STR(s, PROFILE);
	free(s);
	CHECK(entries(path("elsewhere")) == 1);

	CHECK(mkdir(path("vol/gone"), 0755) == 0);
	CHECK(st_outfile_open(NULL, path("vol/gone/p.json"), &t, &err) == 0);
	CHECK(rmdir(path("vol/gone")) == 0 && symlink(path("elsewhere"), path("vol/gone")) == 0);
	CHECK(st_outfile_write(&t, PROFILE2, strlen(PROFILE2), 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "its directory was removed after it was checked");
	st_outfile_close(&t);
	CHECK(entries(path("elsewhere")) == 1);

	/* not moved: where is the path */
	CHECK(st_outfile_open(NULL, path("vol/moved/q.json"), &t, &err) == 0);
	CHECK(st_outfile_write(&t, PROFILE, strlen(PROFILE), 0644, &err) == 0);
	st_outfile_where(&t, &moved, where, sizeof(where));
	CHECK(!moved);
	CHECK_STR(where, path("vol/moved/q.json"));
	st_outfile_close(&t);
}

/* Paths of a less-trusted party (struct st_allow): no symlink in any
 * component without allowed directories; "//" and "/./" are no escape
 * beneath them. */
static void test_hostile_paths(void)
{
	struct st_allow none = {0}, allow = {0};
	struct st_error err = {0};
	struct st_outfile t;
	char p[512];

	CHECK(mkdir(path("real"), 0755) == 0 && symlink("real", path("sym")) == 0);
	CHECK(st_outfile_open(&none, path("sym/p.json"), &t, &err) < 0);
	snprintf(p, sizeof(p), "%s is a symbolic link", path("sym"));
	CHECK_CONTAINS(err.msg, p);
	/* the caller's own paths follow it */
	CHECK(st_outfile_open(NULL, path("sym/p.json"), &t, &err) == 0);
	st_outfile_close(&t);
	CHECK(st_outfile_open(&none, path("real//./p.json"), &t, &err) == 0);
	st_outfile_close(&t);

	CHECK(st_allow_add(&allow, path("real"), &err) == 0);
	CHECK(mkdir(path("real/sub"), 0755) == 0);
	snprintf(p, sizeof(p), "%s//sub/p.json", path("real"));
	CHECK(st_outfile_open(&allow, p, &t, &err) == 0);
	st_outfile_close(&t);
	snprintf(p, sizeof(p), "%s/./sub//./p.json", path("real"));
	CHECK(st_outfile_open(&allow, p, &t, &err) == 0);
	st_outfile_close(&t);
	snprintf(p, sizeof(p), "%s/../sym/p.json", path("real"));
	CHECK(st_outfile_open(&allow, p, &t, &err) < 0);
	CHECK_CONTAINS(err.msg, "leads out of the allowed directory");
	st_allow_free(&allow);

	/* if: through a symlinked directory, or a symlink itself */
	put(path("real/base.json"), PROFILE, 0644);
	char *out = NULL;
	size_t len;
	CHECK(st_read_file_in(&none, path("sym/base.json"), 4096, &out, &len, NULL, &err) < 0);
	CHECK_CONTAINS(err.msg, "is a symbolic link");
	CHECK(symlink("base.json", path("real/link.json")) == 0);
	CHECK(st_read_file_in(&none, path("real/link.json"), 4096, &out, &len, NULL, &err) < 0);
	CHECK_CONTAINS(err.msg, "it is a symbolic link");
	CHECK(st_read_file_in(&none, path("real/base.json"), 4096, &out, &len, NULL, &err) == 0);
	free(out);
}

/* A hostile if: is read only from a file every user may read, and what the
 * error says about others is the same whatever the cause. */
static void test_hostile_read_no_oracle(void)
{
	struct st_allow none = {0};
	struct st_error err = {0};
	char *out = NULL, first[1024];
	size_t len;
	const char *cases[] = {"priv/base.json", "priv/missing.json", "priv/huge.json",
			       "priv/no/dir.json"};

	CHECK(mkdir(path("priv"), 0700) == 0);
	put(path("priv/base.json"), PROFILE, 0644);
	put(path("priv/huge.json"), "", 0644);
	CHECK(truncate(path("priv/huge.json"), 1 << 30) == 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[1024];

		CHECK(st_read_file_in(&none, path(cases[i]), 4096, &out, &len, NULL, &err) < 0);
		CHECK_CONTAINS(err.msg, "not a file every user may read");
		CHECK(err.errnum == 0);
		/* past the path, the same words */
		const char *rest = strstr(err.msg, path(cases[i]));
		CHECK(rest != NULL);
		snprintf(msg, sizeof(msg), "%s", rest ? rest + strlen(path(cases[i])) : "");
		if (i == 0)
			snprintf(first, sizeof(first), "%s", msg);
		else
			CHECK_STR(msg, first);
	}
	put(path("secret.json"), PROFILE, 0600);
	CHECK(st_read_file_in(&none, path("secret.json"), 4096, &out, &len, NULL, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a file every user may read");
	/* where anyone could look, the cause */
	CHECK(st_read_file_in(&none, path("missing.json"), 4096, &out, &len, NULL, &err) < 0);
	CHECK(err.errnum == ENOENT);
	/* the caller's own reads are not limited so */
	CHECK(st_read_file(path("priv/base.json"), 4096, &out, &len, &err) == 0);
	free(out);
}

/* Files of kernel filesystems are never read, whatever the path says, and
 * devices or FIFOs are never opened for reading. */
static void test_read_refuses_kernel_files(void)
{
	struct st_allow none = {0};
	struct st_error err = {0};
	char *out = NULL;
	size_t len;

	CHECK(st_read_file("/proc/self/status", 1 << 20, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "it is on a proc filesystem");
	CHECK(st_read_file_in(&none, "/proc/kmsg", 1 << 20, &out, &len, NULL, &err) < 0);
	CHECK_CONTAINS(err.msg, "cannot read /proc/kmsg: it is on a proc filesystem");
	CHECK(st_read_file("/sys/kernel/notes", 1 << 20, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "on a sysfs filesystem");
	/* bind-mounted over an ordinary file: the file's filesystem counts */
	put(path("k.json"), "", 0644);
	CHECK(run("mount --bind /proc/self/status %s", path("k.json")) == 0);
	CHECK(st_read_file(path("k.json"), 1 << 20, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "it is on a proc filesystem");
	CHECK(run("umount %s", path("k.json")) == 0);
	CHECK(st_read_file("/dev/null", 100, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a regular file");
}

/* A directory where no file can be created fails the open, not the write
 * after the trace; a full one fails the write and leaves nothing. */
static void test_write_proves_writability(void)
{
	struct st_error err = {0};
	struct st_outfile t;
	int fd, flags = FS_IMMUTABLE_FL;

	CHECK(mkdir(path("ro"), 0755) == 0);
	CHECK(run("mount -t tmpfs -o ro tmpfs %s", path("ro")) == 0);
	CHECK(st_outfile_open(NULL, path("ro/p.json"), &t, &err) < 0);
	CHECK(err.errnum == EROFS);
	CHECK_CONTAINS(err.msg, "cannot create a file in");
	CHECK(run("umount %s", path("ro")) == 0);

	CHECK(mkdir(path("imm"), 0755) == 0);
	fd = open(path("imm"), O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0);
	CHECK(st_outfile_open(NULL, path("imm/p.json"), &t, &err) < 0);
	CHECK(err.errnum == EPERM);
	flags = 0;
	CHECK(ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0);
	close(fd);
	CHECK(entries(path("imm")) == 0);

	CHECK(mkdir(path("full"), 0755) == 0);
	CHECK(run("mount -t tmpfs -o size=4k tmpfs %s", path("full")) == 0);
	char big[64 * 1024];
	memset(big, 'x', sizeof(big));
	CHECK(st_write_file_atomic(path("full/p.json"), big, sizeof(big), 0644, &err) < 0);
	CHECK(err.errnum == ENOSPC);
	CHECK(entries(path("full")) == 0);
	CHECK(run("umount %s", path("full")) == 0);
}

/* Writer and readers agree on one limit. */
static void test_limits(void)
{
	struct st_error err = {0};
	struct st_outfile t;
	char *out = NULL, *big;
	size_t len;

	CHECK(mkfifo(path("fifo"), 0600) == 0);
	/* must neither block on open nor read */
	CHECK(st_read_file(path("fifo"), 100, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a regular file");
	CHECK(st_write_file_atomic(path("big"), "0123456789", 10, 0644, &err) == 0);
	CHECK(st_read_file(path("big"), 9, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "the limit is 9");
	CHECK(st_read_file(path("big"), 10, &out, &len, &err) == 0 && len == 10);
	free(out);

	big = malloc(ST_MAX_INPUT_BYTES + 1);
	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, ' ', ST_MAX_INPUT_BYTES + 1);
	CHECK(st_outfile_open(NULL, path("limit.json"), &t, &err) == 0);
	CHECK(st_outfile_write(&t, big, ST_MAX_INPUT_BYTES + 1, 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "more than the 4194304 bytes (4 MiB) seccomp-trace reads back");
	CHECK(st_outfile_write(&t, big, ST_MAX_INPUT_BYTES, 0644, &err) == 0);
	st_outfile_close(&t);
	CHECK(st_read_file(path("limit.json"), ST_MAX_INPUT_BYTES, &out, &len, &err) == 0);
	free(out);
	free(big);
}

/* Whether a base is private: others can read it only if it is o+r and every
 * directory from / down to it is o+x, whichever path named it (the file
 * opened decides); group bits do not make it public. */
static bool private_of(const struct st_allow *allow, const char *p)
{
	struct st_error err = {0};
	char *out = NULL;
	size_t len;
	bool priv = false;

	if (st_read_file_in(allow, p, 4096, &out, &len, &priv, &err) < 0)
		fprintf(stderr, "     %s: %s\n", p, err.msg);
	CHECK(out != NULL);
	free(out);
	return priv;
}

static void test_private_by_path(void)
{
	struct st_allow allow = {0};
	struct st_error err = {0};

	CHECK(st_allow_add(&allow, dir, &err) == 0);
	CHECK(mkdir(path("pub"), 0755) == 0 && mkdir(path("team"), 0700) == 0 &&
	      mkdir(path("grp"), 0750) == 0 && mkdir(path("pub/deep"), 0755) == 0);
	put(path("pub/deep/open.json"), PROFILE, 0644);
	put(path("pub/own.json"), PROFILE, 0600);
	put(path("pub/group.json"), PROFILE, 0640);
	put(path("team/base.json"), PROFILE, 0644);
	put(path("grp/base.json"), PROFILE, 0644);
	CHECK(symlink(path("team/base.json"), path("pub/link.json")) == 0);
	for (int a = 0; a < 2; a++) {
		const struct st_allow *al = a ? &allow : NULL;

		CHECK(!private_of(al, path("pub/deep/open.json")));
		CHECK(private_of(al, path("pub/own.json")));
		CHECK(private_of(al, path("pub/group.json")));
		/* 0644, but in a directory others cannot search */
		CHECK(private_of(al, path("team/base.json")));
		CHECK(private_of(al, path("grp/base.json")));
	}
	/* through a symlink (run --base follows it): the file's own directory */
	CHECK(private_of(NULL, path("pub/link.json")));
	/* a directory above the allowed one counts too */
	CHECK(chmod(dir, 0711) == 0);
	CHECK(!private_of(&allow, path("pub/deep/open.json")));
	CHECK(chmod(dir, 0750) == 0);
	CHECK(private_of(&allow, path("pub/deep/open.json")));
	CHECK(private_of(NULL, path("pub/deep/open.json")));
	CHECK(chmod(dir, 0755) == 0);
	st_allow_free(&allow);
}

int main(void)
{
	if (!mkdtemp(dir) || chmod(dir, 0755) < 0)
		return 1;
	RUN(test_write_creates_and_replaces);
	RUN(test_write_refuses_symlink);
	RUN(test_write_refuses_non_regular);
	RUN(test_write_replaces_only_profiles);
	RUN(test_write_into_held_directory);
	RUN(test_hostile_paths);
	RUN(test_hostile_read_no_oracle);
	RUN(test_read_refuses_kernel_files);
	RUN(test_write_proves_writability);
	RUN(test_limits);
	RUN(test_private_by_path);
	run("rm -rf %s", dir);
	return CHECK_DONE();
}
