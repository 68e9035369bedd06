#include "tracer_slot.h"

#include <errno.h>
#include <fcntl.h>

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

/* Targets keyed by mount namespace make the program look tasks up by mount
 * namespace too: config counts them. */
static int update_mntns_count(const struct st_pins *p, int delta)
{
	uint32_t zero = 0;
	struct st_config cfg;

	if (bpf_map_lookup_elem(p->fd[ST_PIN_CONFIG], &zero, &cfg) < 0)
		return -1;
	if (delta < 0 && !cfg.nr_mntns_targets)
		return 0;
	cfg.nr_mntns_targets += delta;
	return bpf_map_update_elem(p->fd[ST_PIN_CONFIG], &zero, &cfg, BPF_ANY);
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
		if (bpf_map_lookup_elem(targets, &stale[i], &val) == 0 &&
		    stale[i].kind == ST_KEY_MNTNS)
			update_mntns_count(p, -1);
		bpf_map_delete_elem(targets, &stale[i]);
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

int st_slot_arm(struct st_slot *s, const struct st_pins *p, const struct st_target_spec *spec,
		struct st_error *err)
{
	struct st_key key = {.kind = spec->kind, .inum = spec->inum};
	struct st_target val = {
	    .slot = s->index,
	    .exclude_tgid = spec->exclude_tgid,
	    .scope = spec->scope,
	    .scope_tgid = spec->scope_tgid,
	    .scope_state = spec->scope == ST_SCOPE_ALL ? ST_SCOPE_STARTED : ST_SCOPE_WAITING,
	    .flags = spec->flags,
	    .inum = spec->inum,
	};
	const char *what = key_kind_name(spec->kind);

	if (spec->kind == ST_KEY_MNTNS && update_mntns_count(p, +1) < 0)
		return st_error_set(err, errno, "cannot update the BPF config map");
	if (bpf_map_update_elem(p->fd[ST_PIN_TARGETS], &key, &val, BPF_NOEXIST) < 0) {
		if (errno == EEXIST)
			st_error_set(err, 0,
				     "%s %u is already being traced by another seccomp-trace", what,
				     spec->inum);
		else
			st_error_set(err, errno, "cannot add %s %u to the BPF target map", what,
				     spec->inum);
		if (spec->kind == ST_KEY_MNTNS)
			update_mntns_count(p, -1);
		return -1;
	}
	s->key = key;
	s->armed = true;
	st_debug("tracing %s %u in slot %u", what, spec->inum, s->index);
	return 0;
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
		bpf_map_delete_elem(p->fd[ST_PIN_TARGETS], &s->key);
		if (s->key.kind == ST_KEY_MNTNS)
			update_mntns_count(p, -1);
		s->armed = false;
	}
	if (s->claimed)
		slot_lock(p->lock_fd, F_UNLCK, s->index);
	s->claimed = false;
}
