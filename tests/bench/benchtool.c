// SPDX-License-Identifier: Apache-2.0
/* Small helpers for the benchmarks (built static by tests/bench/lib.sh).
 *
 *   benchtool nullhook
 *       the trivial OCI hook: reads the state on stdin to EOF, exits 0
 *   benchtool hooktime OUT HOOK [ARG...]
 *       an OCI hook wrapper: runs HOOK (argv[0] = ARG, like the runtime does)
 *       with our stdin, stdout and stderr, waits for it and appends
 *       "START_NS END_NS DUR_NS STATUS" (CLOCK_MONOTONIC) to OUT; exits with
 *       HOOK's status
 *   benchtool objhash FILE
 *       the 64-bit FNV-1a hash of FILE, as %016llx: the name of the pin
 *       directory a seccomp-trace binary embedding that BPF object uses
 *   benchtool now
 *       CLOCK_MONOTONIC in ns (the clock hooktime writes)
 *   benchtool spawntime N [--restore SRC DST] PROG [ARG...]
 *       runs PROG (argv[0] = PROG) N times in a row, stdio on /dev/null,
 *       copying SRC to a new DST before each run (not timed) when asked; prints
 *       "MEDIAN P10 P90" of the spawn-to-exit times in ns; exits 1 if a run
 *       failed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int nullhook(void)
{
	char buf[4096];
	ssize_t r;

	while ((r = read(0, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
		;
	return r < 0;
}

static int hooktime(int argc, char **argv)
{
	uint64_t t0, t1;
	pid_t pid;
	int st, rc, fd;
	char line[128];

	if (argc < 4) {
		fprintf(stderr, "usage: benchtool hooktime OUT HOOK [ARG...]\n");
		return 2;
	}
	t0 = now_ns();
	/* argv[3] is the path, argv[4..] the hook's own argv (argv[0] first),
	 * as in the OCI hook's path/args; without args argv[0] is the path. */
	rc = posix_spawn(&pid, argv[3], NULL, NULL, argc > 4 ? argv + 4 : argv + 3, environ);
	if (rc) {
		fprintf(stderr, "benchtool: cannot run %s: %s\n", argv[3], strerror(rc));
		return 1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	t1 = now_ns();
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		int n = snprintf(line, sizeof(line), "%llu %llu %llu %d\n", (unsigned long long)t0,
				 (unsigned long long)t1, (unsigned long long)(t1 - t0), rc);
		if (write(fd, line, n) != n)
			rc = rc ? rc : 1;
		close(fd);
	}
	return rc;
}

static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t r = 0;
	int in = open(src, O_RDONLY | O_CLOEXEC), out;

	/* a new file, as an engine writes a bundle's config.json: truncating
	 * the old one would make ext4 flush it (auto_da_alloc) under the next
	 * writer, which is what is timed */
	if (unlink(dst) < 0 && errno != ENOENT)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	while (in >= 0 && out >= 0 && (r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, r) != r)
			r = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in < 0 || out < 0 || r < 0 ? -1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int spawntime(int argc, char **argv)
{
	const char *src = NULL, *dst = NULL;
	posix_spawn_file_actions_t fa;
	long n = argc > 2 ? atol(argv[2]) : 0;
	int i = 3, st;
	uint64_t *t;

	if (argc > 5 && !strcmp(argv[3], "--restore")) {
		src = argv[4];
		dst = argv[5];
		i = 6;
	}
	if (n <= 0 || i >= argc || !(t = calloc(n, sizeof(*t)))) {
		fprintf(stderr, "usage: benchtool spawntime N [--restore SRC DST] PROG [ARG...]\n");
		return 2;
	}
	posix_spawn_file_actions_init(&fa);
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
	for (long k = 0; k < n; k++) {
		uint64_t t0;
		pid_t pid;

		if (src && copy_file(src, dst) < 0) {
			perror(dst);
			return 1;
		}
		t0 = now_ns();
		if (posix_spawn(&pid, argv[i], &fa, NULL, argv + i, environ)) {
			perror(argv[i]);
			return 1;
		}
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				return 1;
		t[k] = now_ns() - t0;
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "benchtool: %s failed (status %d)\n", argv[i], st);
			return 1;
		}
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("%llu %llu %llu\n", (unsigned long long)t[n / 2], (unsigned long long)t[n / 10],
	       (unsigned long long)t[n * 9 / 10]);
	free(t);
	return 0;
}

static int objhash(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char buf[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror(path);
		return 1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
	close(fd);
	if (r < 0) {
		perror(path);
		return 1;
	}
	printf("%016llx\n", (unsigned long long)h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "nullhook"))
		return nullhook();
	if (argc >= 2 && !strcmp(argv[1], "hooktime"))
		return hooktime(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "objhash"))
		return objhash(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%llu\n", (unsigned long long)now_ns());
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "spawntime"))
		return spawntime(argc, argv);
	fprintf(stderr, "usage: benchtool nullhook | hooktime OUT HOOK [ARG...] | objhash FILE | now"
			" | spawntime N [--restore SRC DST] PROG [ARG...]\n");
	return 2;
}
