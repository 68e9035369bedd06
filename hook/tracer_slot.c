// SPDX-License-Identifier: Apache-2.0
#include "tracer_slot.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>

#include <bpf/bpf.h>

#include "log.h"
#include "tracer.h"

/* OFD lock on one byte of the lock file: take (F_WRLCK) or drop (F_UNLCK). */
static int slot_lock(int lock_fd, short type, uint32_t index)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = index, .l_len = 1};

	return fcntl(lock_fd, F_OFD_SETLK, &fl);
}

/* True if a live tracer holds slot index. */
static bool slot_taken(int lock_fd, uint32_t index)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = index, .l_len = 1};

	return fcntl(lock_fd, F_OFD_GETLK, &fl) < 0 || fl.l_type != F_UNLCK;
}

int st_slot_claim(struct st_slot *s, const struct st_pins *p, struct st_error *err)
{
	for (uint32_t i = 0; i < ST_MAX_TARGETS; i++) {
		if (slot_lock(p->lock_fd, F_WRLCK, i) == 0) {
			s->index = i;
			s->claimed = true;
			return 0;
		}
		if (errno != EAGAIN && errno != EACCES)
			return st_error_set(err, errno, "cannot lock %s", p->lock_path);
	}
	return st_error_set(err, 0, "cannot trace: %d containers are traced already",
			    ST_MAX_TARGETS);
}

/* The program looks tasks up by mount namespace only while config counts
 * such targets: in the host's PID namespace (--pid=host), or sharing a PID
 * namespace another target holds. */
static uint32_t *mntns_count(const struct st_pins *p, uint32_t flags)
{
	if (!(flags & ST_TARGET_MNTNS))
		return NULL;
	return flags & ST_TARGET_SHARED ? &p->config->nr_shared_mntns : &p->config->nr_host_mntns;
}

static void count_mntns(const struct st_pins *p, uint32_t flags, int delta)
{
	uint32_t *n = mntns_count(p, flags);

	if (n)
		__atomic_add_fetch(n, delta, __ATOMIC_SEQ_CST);
}

/* Frozen: the program no longer records the slot's target. */
static void set_frozen(const struct st_pins *p, uint32_t index, bool on)
{
	__u64 *w = &p->config->frozen[index / 64], bit = 1ULL << (index % 64);

	if (on)
		__atomic_or_fetch(w, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(w, ~bit, __ATOMIC_SEQ_CST);
}

void st_slot_remove_stale(const struct st_slot *s, const struct st_pins *p)
{
	int targets = p->fd[ST_PIN_TARGETS];
	struct st_key key, next, *prev = NULL, stale[64];
	struct st_target val;
	size_t n = 0;

	while (n < 64 && bpf_map_get_next_key(targets, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(targets, &key, &val) < 0)
			continue;
		if (val.slot == s->index || !slot_taken(p->lock_fd, val.slot))
			stale[n++] = key;
	}
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(targets, &stale[i], &val) < 0)
			continue;
		if (bpf_map_delete_elem(targets, &stale[i]) == 0)
			count_mntns(p, val.flags, -1);
		st_info("removed the target of a tracer that died (slot %u)", val.slot);
	}
}

/* Installing a ring costs an RCU grace period (8-16 ms here) in the kernel's
 * map-in-map update: a slot's ring is installed once and kept. */
int st_slot_ring(struct st_slot *s, const struct st_pins *p, struct st_error *err)
{
	uint32_t id;

	if (bpf_map_lookup_elem(p->fd[ST_PIN_RINGS], &s->index, &id) == 0) {
		s->ring_fd = bpf_map_get_fd_by_id(id);
		if (s->ring_fd >= 0)
			return 0;
	}
	s->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, ST_RING_BYTES, NULL);
	if (s->ring_fd < 0)
		return st_bpf_error(err, errno, "cannot create a BPF ring buffer");
	if (bpf_map_update_elem(p->fd[ST_PIN_RINGS], &s->index, &s->ring_fd, BPF_ANY) < 0)
		return st_error_set(err, errno, "cannot install the ring buffer in slot %u",
				    s->index);
	return 0;
}

static const char *key_kind_name(uint32_t kind)
{
	return kind == ST_KEY_PIDNS ? "PID namespace" : "mount namespace";
}

/* Add the target under key; false with errno. */
static bool add_target(const struct st_pins *p, const struct st_key *key,
		       const struct st_target *val)
{
	count_mntns(p, val->flags, +1);
	if (bpf_map_update_elem(p->fd[ST_PIN_TARGETS], key, val, BPF_NOEXIST) == 0)
		return true;
	count_mntns(p, val->flags, -1);
	return false;
}

/* add_target, waiting while the key is another tracer's: mostly one whose
 * container has just ended and whose namespace's inode number the kernel
 * has given to this container already (proc inode numbers are reused at
 * once: fs/proc/generic.c proc_alloc_inum), while it writes its profile.
 * A real conflict (two traces of one namespace) fails after
 * ST_ARM_WAIT_MS. */
#define ST_ARM_WAIT_MS 3000
static bool add_target_waiting(const struct st_pins *p, const struct st_key *key,
			       const struct st_target *val)
{
	const struct timespec step = {.tv_nsec = 10 * 1000 * 1000};

	for (int waited = 0;; waited += 10) {
		if (add_target(p, key, val))
			return true;
		if (errno != EEXIST || waited >= ST_ARM_WAIT_MS)
			return false;
		if (waited == 0)
			st_debug("%s %u is another trace's: waiting for it to end",
				 key_kind_name(key->kind), key->inum);
		nanosleep(&step, NULL);
		errno = EEXIST;
	}
}

/* Add a container of a PID namespace that others may share. One that
 * joined the namespace (--pid=container:X, a pod) finds its key taken by the
 * container it shares it with, or by that container's trace ending: no wait.
 * One whose process is the namespace's init made the namespace: a key taken
 * is an ended trace's whose namespace had the same inode number, still
 * writing its profile: wait for it. Either way, a key still taken leaves
 * this one told apart by its mount namespace (the program looks there, and
 * at the origin of a task in none, when a task is not in the key holder's). */
static int arm_pidns(const struct st_pins *p, const struct st_target_spec *spec, struct st_key *key,
		     struct st_target *val)
{
	if (spec->joined ? add_target(p, key, val) : add_target_waiting(p, key, val))
		return 0;
	if (errno != EEXIST)
		return -1;
	*key = (struct st_key){.kind = ST_KEY_MNTNS, .inum = spec->mntns};
	val->flags |= ST_TARGET_MNTNS | ST_TARGET_SHARED;
	val->inum = spec->mntns;
	if (!add_target_waiting(p, key, val))
		return -1;
	st_info("PID namespace %u is traced for another container too: this one is told "
		"apart by its mount namespace %u",
		spec->inum, spec->mntns);
	return 0;
}

int st_slot_arm(struct st_slot *s, const struct st_pins *p, const struct st_target_spec *spec,
		uint32_t viewer_pidns, struct st_error *err)
{
	struct st_key key = {.kind = spec->kind, .inum = spec->inum};
	struct st_target val = {
	    .slot = s->index,
	    .flags = spec->flags | (spec->kind == ST_KEY_MNTNS ? ST_TARGET_MNTNS : 0),
	    .inum = spec->inum,
	    .mntns = spec->kind == ST_KEY_MNTNS ? spec->inum : spec->mntns,
	    .pidns = spec->kind == ST_KEY_PIDNS ? spec->inum : 0,
	    .viewer_pidns = viewer_pidns,
	    .exclude_tgid = spec->exclude_tgid,
	    .init_tgid = spec->init_tgid,
	};
	bool armed;

	/* A previous tracer of the slot left it frozen. */
	set_frozen(p, s->index, false);
	if (spec->kind == ST_KEY_PIDNS && spec->mntns)
		armed = arm_pidns(p, spec, &key, &val) == 0;
	else
		armed = add_target_waiting(p, &key, &val);
	if (!armed) {
		if (errno == EEXIST)
			return st_error_set(
			    err, 0, "%s %u is already being traced by another seccomp-trace",
			    key_kind_name(key.kind), key.inum);
		return st_error_set(err, errno, "cannot add %s %u to the BPF target map",
				    key_kind_name(key.kind), key.inum);
	}
	s->key = key;
	s->flags = val.flags;
	s->armed = true;
	st_debug("tracing %s %u in slot %u", key_kind_name(key.kind), key.inum, s->index);
	return 0;
}

void st_slot_freeze(const struct st_slot *s, const struct st_pins *p)
{
	set_frozen(p, s->index, true);
}

int st_slot_read_target(const struct st_slot *s, const struct st_pins *p, struct st_target *out,
			struct st_error *err)
{
	if (bpf_map_lookup_elem(p->fd[ST_PIN_TARGETS], &s->key, out) < 0)
		return st_error_set(err, errno, "cannot read the trace's kernel state");
	return 0;
}

void st_slot_release(struct st_slot *s, const struct st_pins *p)
{
	if (s->armed) {
		if (bpf_map_delete_elem(p->fd[ST_PIN_TARGETS], &s->key) == 0)
			count_mntns(p, s->flags, -1);
		s->armed = false;
	}
	if (s->claimed)
		slot_lock(p->lock_fd, F_UNLCK, s->index);
	s->claimed = false;
}
