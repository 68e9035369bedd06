// SPDX-License-Identifier: Apache-2.0
/* The tracer, top to bottom as it runs: open (load the program once per
 * build, or reuse its pins) -> attach -> claim a slot -> arm -> poll the
 * ring -> finish -> close (the one cleanup path). */
#include "tracer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cleanup.h"
#include "log.h"
#include "privilege.h"
#include "tracer_collect.h"
#include "tracer_loader.h"
#include "tracer_pins.h"
#include "tracer_slot.h"
#include "util.h"

struct st_tracer {
	struct st_pins pins;
	struct st_slot slot;
	int link_fd;	  /* ours of the shared link: the program runs while one is open */
	int fork_link_fd; /* the same for the program that records tasks' origins */
	struct ring_buffer *rb;
	struct st_collector collect;
	uint64_t unattributed_shared; /* config's when armed */
};

/* How long the final drain waits for program runs that were under way when
 * the target was frozen (they take microseconds). */
#define DRAIN_TIMEOUT_MS 200

/* libbpf's messages (the verifier's log among them) at debug level, a log
 * line per line of the message. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	cleanup_free char *msg = NULL;
	char *line, *save = NULL;

	(void)level;
	if (st_log_get_level() < ST_LOG_DEBUG || vasprintf(&msg, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		st_debug("%s%s", strncmp(line, "libbpf: ", 8) ? "libbpf: " : "", line);
	return 0;
}

/* Under the set-up lock: the program loaded and attached, the slot claimed
 * with its ring buffer mapped. */
static int open_locked(struct st_tracer *t, struct st_error *err)
{
	if (st_slot_claim(&t->slot, &t->pins, err) < 0)
		return -1;
	if (st_pins_open(&t->pins) < 0) {
		/* Only missing or half-made pins mean "start over": pins we may
		 * not open (no CAP_BPF) serve other tracers and stay. */
		if (errno != ENOENT)
			return st_bpf_error(err, errno, "cannot open the pinned BPF objects in %s",
					    t->pins.dir);
		st_pins_close(&t->pins);
		st_pins_remove(t->pins.dir);
		if (st_loader_load_and_pin(t->pins.dir, t->slot.index, err) < 0)
			return -1;
		if (st_pins_open(&t->pins) < 0)
			return st_error_set(err, errno, "cannot open the pinned BPF objects in %s",
					    t->pins.dir);
		st_info("BPF program loaded and pinned in %s", t->pins.dir);
	}
	st_slot_remove_stale(&t->slot, &t->pins);
	st_pins_remove_orphans(t->pins.dir);
	/* Origins first: every task the syscall program looks up was forked
	 * under it, once a trace is armed. */
	t->fork_link_fd = st_pins_attach(&t->pins, ST_PIN_FORK_PROG, err);
	if (t->fork_link_fd < 0)
		return -1;
	t->link_fd = st_pins_attach(&t->pins, ST_PIN_PROG, err);
	if (t->link_fd < 0 || st_slot_ring(&t->slot, &t->pins, err) < 0)
		return -1;
	t->rb = ring_buffer__new(t->slot.ring_fd, st_collect_event, &t->collect, NULL);
	if (!t->rb)
		return st_error_set(err, errno, "cannot map the BPF ring buffer");
	/* Whatever a previous tracer of this slot left is not ours. */
	ring_buffer__consume(t->rb);
	return 0;
}

/* Under the set-up lock: the target out, the slot released. */
static void close_locked(struct st_tracer *t)
{
	struct st_target kernel;
	struct st_error ignored;

	if (t->slot.armed && st_slot_read_target(&t->slot, &t->pins, &kernel, &ignored) == 0 &&
	    kernel.after_end)
		st_info("%llu calls new to the trace, made after the traced process exited (by "
			"processes it left behind), were not recorded",
			(unsigned long long)kernel.after_end);
	st_slot_release(&t->slot, &t->pins);
}

/* Closing the link descriptor detaches the program if it was the last. */
static void tracer_free(struct st_tracer *t)
{
	if (t->link_fd >= 0)
		close(t->link_fd);
	if (t->fork_link_fd >= 0)
		close(t->fork_link_fd);
	ring_buffer__free(t->rb);
	st_collect_free(&t->collect);
	if (t->slot.ring_fd >= 0)
		close(t->slot.ring_fd);
	st_pins_close(&t->pins);
	if (t->pins.lock_fd >= 0)
		close(t->pins.lock_fd);
	free(t);
}

int st_tracer_open(struct st_tracer **out, struct st_error *err)
{
	struct st_tracer *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return st_error_set(err, ENOMEM, "cannot start tracer");
	if (st_check_trace_privilege(err) < 0) {
		free(t);
		return -1;
	}
	t->slot.ring_fd = -1;
	t->link_fd = -1;
	t->fork_link_fd = -1;
	libbpf_set_print(libbpf_print);
	st_pins_init(&t->pins, st_loader_object_hash());
	if (st_pins_prepare(&t->pins, err) < 0 || st_pins_lock(&t->pins, err) < 0) {
		tracer_free(t);
		return -1;
	}
	rc = open_locked(t, err);
	if (rc < 0)
		close_locked(t);
	st_pins_unlock(&t->pins);
	if (rc < 0) {
		tracer_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int st_tracer_arm(struct st_tracer *t, const struct st_target_spec *spec, struct st_error *err)
{
	uint32_t own;
	int rc;

	/* PIDs in spec and in events are numbered in our PID namespace. */
	if (st_ns_inum(getpid(), "pid", &own, err) < 0)
		return -1;
	if (st_pins_lock(&t->pins, err) < 0)
		return -1;
	rc = st_slot_arm(&t->slot, &t->pins, spec, own == ST_PID_NS_INIT_INUM ? 0 : own, err);
	st_pins_unlock(&t->pins);
	if (rc == 0) {
		t->collect.inum = t->slot.key.inum;
		t->collect.armed = true;
		t->unattributed_shared =
		    __atomic_load_n(&t->pins.config->unattributed_shared, __ATOMIC_SEQ_CST);
	}
	return rc;
}

static int consume(struct st_tracer *t, struct st_error *err)
{
	int n = ring_buffer__consume(t->rb);

	if (n < 0)
		return st_error_set(err, -n, "cannot read the BPF ring buffer");
	return 0;
}

int st_tracer_wait(struct st_tracer *t, int done_fd, int sigfd,
		   int (*on_signal)(void *ctx, const struct signalfd_siginfo *si), void *ctx,
		   struct st_error *err)
{
	cleanup_close int ep = epoll_create1(EPOLL_CLOEXEC);
	int fds[] = {ring_buffer__epoll_fd(t->rb), done_fd, sigfd};

	if (ep < 0)
		return st_error_set(err, errno, "epoll_create1");
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};

		if (fds[i] >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
			return st_error_set(err, errno, "epoll_ctl");
	}
	for (;;) {
		struct epoll_event evs[ARRAY_SIZE(fds)];
		int n = epoll_wait(ep, evs, ARRAY_SIZE(evs), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return st_error_set(err, errno, "epoll_wait");
		/* Done wins over a signal that came at the same time (a
		 * `seccomp-trace run` ending sends SIGTERM to what is left). */
		for (int i = 0; i < n; i++)
			if (evs[i].data.fd == done_fd)
				return 0;
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, rc;
			struct signalfd_siginfo si;

			if (fd != sigfd) {
				if (consume(t, err) < 0)
					return -1;
			} else if (read(sigfd, &si, sizeof(si)) == sizeof(si) &&
				   (rc = on_signal(ctx, &si))) {
				return rc;
			}
		}
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* A container told apart by its mount namespace in a shared PID namespace:
 * calls the program could give to no target while it ran may be its own
 * (struct st_config). */
static void warn_unattributed(const struct st_tracer *t)
{
	uint64_t n = __atomic_load_n(&t->pins.config->unattributed_shared, __ATOMIC_SEQ_CST) -
		     t->unattributed_shared;

	if (n && (t->slot.flags & ST_TARGET_SHARED))
		st_warn("%llu calls on this host, in PID namespaces no trace held, could not be "
			"attributed while this container ran (their origin was not recorded: no "
			"kernel memory when they were forked): if some were this container's, the "
			"profile lacks them",
			(unsigned long long)n);
}

int st_tracer_finish(struct st_tracer *t, struct st_trace_result *out, struct st_error *err)
{
	long deadline = now_ms() + DRAIN_TIMEOUT_MS;
	struct st_target kernel;

	/* Processes the container left behind (--pid=host) may still be
	 * calling: stop recording first, so that the kernel's bitmaps stop
	 * growing, then drain until what arrived matches them. */
	st_slot_freeze(&t->slot, &t->pins);
	st_debug("trace ended: calls from now on are not recorded");
	for (;;) {
		if (consume(t, err) < 0 ||
		    st_slot_read_target(&t->slot, &t->pins, &kernel, err) < 0)
			return -1;
		if (kernel.lost || !st_collect_missing(&t->collect, &kernel) || now_ms() > deadline)
			break;
		usleep(1000);
	}
	warn_unattributed(t);
	return st_collect_finish(&t->collect, &kernel, out, err);
}

void st_tracer_close(struct st_tracer *t)
{
	struct st_error ignored;

	if (!t)
		return;
	/* Without the lock the entry stays: the next tracer removes it. */
	if (st_pins_lock(&t->pins, &ignored) == 0) {
		close_locked(t);
		st_pins_unlock(&t->pins);
	}
	tracer_free(t);
}

int st_tracer_unload(struct st_error *err)
{
	struct st_pins p;
	int rc = 0;

	if (st_check_trace_privilege(err) < 0)
		return -1;
	st_pins_init(&p, st_loader_object_hash());
	if (st_pins_open_lock(&p, false) >= 0 && st_pins_lock(&p, err) < 0)
		rc = -1;
	else if (p.lock_fd >= 0 && st_pins_in_use(p.lock_fd))
		rc = st_error_set(err, EBUSY, "cannot unload: traces are running");
	else
		st_pins_remove(p.dir);
	st_pins_remove_orphans(p.dir);
	if (p.lock_fd >= 0)
		close(p.lock_fd);
	return rc;
}

int st_ns_pids(int pid, unsigned *levels, uint32_t *nr, struct st_error *err)
{
	char path[64], line[512], *tok, *save = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return st_error_set(err, errno, "cannot read %s", path);
	*levels = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		for (tok = strtok_r(line + 6, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save)) {
			*nr = strtoul(tok, NULL, 10);
			++*levels;
		}
		break;
	}
	fclose(f);
	if (!*levels)
		return st_error_set(err, 0, "%s has no NSpid line", path);
	return 0;
}

int st_ns_inum(int pid, const char *ns, uint32_t *inum, struct st_error *err)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	if (stat(path, &st) < 0)
		return st_error_set(err, errno, "cannot read %s", path);
	*inum = st.st_ino;
	return 0;
}
