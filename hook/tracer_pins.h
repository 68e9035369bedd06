/* SPDX-License-Identifier: Apache-2.0 */
/* The BPF objects every tracer of one build shares, pinned in bpffs.
 *
 * A build's objects live in ST_PIN_ROOT/<hash of its BPF object>, so that
 * builds never mix; beside them, ST_RUN_DIR/<hash>.lock is the build's lock
 * file: flock on it serialises set-up and teardown, and each tracer holds an
 * OFD lock on one byte of it, its slot (tracer_slot.h). The program and maps
 * stay pinned, detached, between traces. The link that attaches the program
 * is not pinned: every tracer holds a descriptor of it (found again by the id
 * kept in `config`), so the kernel detaches the program when the last tracer
 * is gone, however it ended. */
#ifndef ST_TRACER_PINS_H
#define ST_TRACER_PINS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define ST_BPFFS    "/sys/fs/bpf"
#define ST_PIN_ROOT ST_BPFFS "/seccomp-trace"
#define ST_RUN_DIR  "/run/seccomp-trace"

/* The one table of pins (tracer_pins.c names them). Objects in pin order:
 * the program last, so that its pin means the set is complete. */
enum st_pin {
	ST_PIN_TARGETS,
	ST_PIN_RINGS,
	ST_PIN_CONFIG,
	ST_PIN_FORK_PROG, /* sched_process_fork: records each task's origin */
	ST_PIN_PROG,
	ST_NR_PINS,
};

struct st_pins {
	char dir[PATH_MAX];
	char lock_path[PATH_MAX];
	int lock_fd;
	int fd[ST_NR_PINS]; /* -1 when not open */
	/* `config`'s one entry, mapped (MAP_SHARED) once the pins are open:
	 * changed with atomics, as every tracer of the build shares it. */
	struct st_config *config;
	uint32_t prog_id;
	uint32_t fork_prog_id;
};

/* Paths of the build whose BPF object hashes to object_hash; nothing open. */
void st_pins_init(struct st_pins *p, uint64_t object_hash);
/* Mount bpffs on ST_BPFFS if it is not, create ST_PIN_ROOT and ST_RUN_DIR
 * and open (create) the lock file. */
int st_pins_prepare(struct st_pins *p, struct st_error *err);
/* Open the lock file, creating it or not: its descriptor, or -1 with errno. */
int st_pins_open_lock(struct st_pins *p, bool create);
/* The set-up lock (flock on the lock file, blocking). */
int st_pins_lock(const struct st_pins *p, struct st_error *err);
void st_pins_unlock(const struct st_pins *p);
/* True if a live tracer of this build holds a slot (or if that cannot be
 * told: nothing is torn down then). lock_fd: the build's lock file. */
bool st_pins_in_use(int lock_fd);

/* Open every pinned object and map `config`; -1 with errno (ENOENT: missing
 * or half made). */
int st_pins_open(struct st_pins *p);
void st_pins_close(struct st_pins *p);
/* Pin fd[i] as pin i in dir, which is created (the loader's last step). */
int st_pins_save(const char *dir, const int fd[ST_NR_PINS], struct st_error *err);
/* Remove every pin in dir, and dir. */
void st_pins_remove(const char *dir);
/* Pins of other builds whose tracers are all gone (killed, or an upgrade
 * while nothing ran) would keep a program on every syscall until reboot:
 * remove them. keep_dir: this build's. */
void st_pins_remove_orphans(const char *keep_dir);

/* A descriptor of the link attaching pinned program `prog` (ST_PIN_PROG to
 * raw_syscalls:sys_enter, ST_PIN_FORK_PROG to sched_process_fork): the one
 * live tracers hold (its id is in `config`, checked against the program's),
 * or a new one. Closing it is the detaching: the program stops running when
 * the last tracer's descriptor closes, and stays loaded for the next trace.
 * Under the set-up lock; the descriptor is the caller's. */
int st_pins_attach(struct st_pins *p, enum st_pin prog, struct st_error *err);

/* A BPF call failed with errno e: the message, and what BPF needs when the
 * cause is a missing privilege. Returns -1. */
int st_bpf_error(struct st_error *err, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
