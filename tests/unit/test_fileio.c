/* Bounded reads of untrusted files and atomic, symlink-proof writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fileio.h"

static char dir[] = "/tmp/st-fileio-XXXXXX";

static char *path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
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

static void test_write_creates_and_replaces(void)
{
	struct st_error err = {0};
	struct stat st;
	char *s;

	CHECK(st_write_file_atomic(path("a.json"), "one\n", 4, 0644, &err) == 0);
	CHECK(stat(path("a.json"), &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(st_write_file_atomic(path("a.json"), "two\n", 4, 0644, &err) == 0);
	s = slurp(path("a.json"));
	CHECK_STR(s, "two\n");
	free(s);
}

static void test_write_refuses_symlink(void)
{
	struct st_error err = {0};
	char *s;

	CHECK(st_write_file_atomic(path("victim"), "keep\n", 5, 0644, &err) == 0);
	CHECK(symlink(path("victim"), path("link.json")) == 0);
	CHECK(st_write_file_atomic(path("link.json"), "evil\n", 5, 0644, &err) < 0);
	CHECK_CONTAINS(err.msg, "symbolic link");
	CHECK_CONTAINS(err.msg, path("link.json"));
	s = slurp(path("victim"));
	CHECK_STR(s, "keep\n");
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

static void test_write_leaves_no_temp_on_failure(void)
{
	struct st_error err = {0};
	int entries = 0;
	char cmd[512];
	FILE *f;

	/* a read-only directory: the temp file cannot be created */
	CHECK(mkdir(path("ro"), 0555) == 0);
	if (geteuid() == 0) {
		/* root ignores modes: make it a full filesystem instead */
		snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=4k tmpfs %s", path("ro"));
		CHECK(system(cmd) == 0);
		char big[64 * 1024];
		memset(big, 'x', sizeof(big));
		CHECK(st_write_file_atomic(path("ro/p.json"), big, sizeof(big), 0644, &err) < 0);
		CHECK(err.errnum == ENOSPC);
		snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", path("ro"));
		f = popen(cmd, "r");
		CHECK(f && fscanf(f, "%d", &entries) == 1);
		if (f)
			pclose(f);
		CHECK(entries == 0);
		snprintf(cmd, sizeof(cmd), "umount %s", path("ro"));
		CHECK(system(cmd) == 0);
	}
}

static void test_read_limits(void)
{
	struct st_error err = {0};
	char *out = NULL;
	size_t len;

	CHECK(mkfifo(path("fifo"), 0600) == 0);
	/* must neither block on open nor read */
	CHECK(st_read_file(path("fifo"), 100, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "not a regular file");
	CHECK(st_read_file("/dev/zero", 100, &out, &len, &err) < 0);
	CHECK(st_write_file_atomic(path("big"), "0123456789", 10, 0644, &err) == 0);
	CHECK(st_read_file(path("big"), 9, &out, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "the limit is 9");
	CHECK(st_read_file(path("big"), 10, &out, &len, &err) == 0 && len == 10);
	free(out);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_write_creates_and_replaces);
	RUN(test_write_refuses_symlink);
	RUN(test_write_refuses_non_regular);
	RUN(test_write_leaves_no_temp_on_failure);
	RUN(test_read_limits);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
	}
	return CHECK_DONE();
}
