// SPDX-License-Identifier: Apache-2.0
/* Loads tests/bench/proto.bpf.o, registers one PID namespace as target in
 * each prototype's maps, attaches the programs named (default: all four:
 * proto_cur proto_direct proto_array proto_floor) and prints "ready ID..."
 * in that order. On SIGTERM/SIGINT (or when its parent exits) it prints,
 * per prototype, whether the target's bitmap has syscall NR (to check that
 * each one found the target), and detaches.
 *   proto_load OBJ PIDNS_INUM NR [PROG...] */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define DM_SLOTS 4096
#define WORDS 16

struct pkey {
	__u32 kind;
	__u32 inum;
};

struct ptarget {
	__u32 slot;
	__u32 exclude_tgid;
	__u64 all[WORDS];
};

struct dm_entry {
	__u32 inum;
	__u32 slot;
};

struct pfloor {
	__u32 inum;
	__u32 exclude_tgid;
	__u64 all[WORDS];
};

static const char *const progs[] = {"proto_cur", "proto_direct", "proto_array", "proto_floor"};
#define NPROGS 4
static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -1;
}

static int has(const struct ptarget *t, unsigned nr)
{
	return nr < WORDS * 64 && (t->all[nr / 64] >> (nr % 64)) & 1;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[NPROGS];
	struct pfloor fl = {0};
	struct bpf_object *obj;
	struct pkey key = {.kind = 1};
	struct ptarget val = {0}, got;
	struct dm_entry e;
	__u32 zero = 0, idx;
	unsigned nr;

	const char *const *want = argc > 4 ? (const char *const *)argv + 4 : progs;
	int nwant = argc > 4 ? argc - 4 : NPROGS;

	if (argc < 4 || nwant > NPROGS) {
		fprintf(stderr, "usage: proto_load OBJ PIDNS_INUM NR [PROG...]\n");
		return 2;
	}
	key.inum = strtoul(argv[2], NULL, 0);
	nr = strtoul(argv[3], NULL, 0);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "proto_load: cannot load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	e.inum = key.inum;
	e.slot = 0;
	idx = key.inum & (DM_SLOTS - 1);
	if (bpf_map_update_elem(map_fd(obj, "p_hash_cur"), &key, &val, BPF_ANY) ||
	    bpf_map_update_elem(map_fd(obj, "p_hash_direct"), &key, &val, BPF_ANY) ||
	    bpf_map_update_elem(map_fd(obj, "p_slots"), &zero, &val, BPF_ANY) ||
	    bpf_map_update_elem(map_fd(obj, "p_dm"), &idx, &e, BPF_ANY) ||
	    (fl.inum = key.inum, bpf_map_update_elem(map_fd(obj, "p_floor"), &zero, &fl, BPF_ANY))) {
		fprintf(stderr, "proto_load: cannot register the target: %s\n", strerror(errno));
		return 1;
	}
	printf("ready");
	for (int i = 0; i < nwant; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, want[i]);
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		links[i] = p ? bpf_program__attach(p) : NULL;
		memset(&info, 0, sizeof(info));
		if (!links[i] || bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len)) {
			fprintf(stderr, "proto_load: cannot attach %s: %s\n", want[i], strerror(errno));
			return 1;
		}
		printf(" %u", info.id);
	}
	printf("\n");
	fflush(stdout);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
		stop = 1;
	while (!stop)
		pause();
	for (int i = 0; i < nwant; i++)
		bpf_link__destroy(links[i]);
	printf("seen %u:", nr);
	if (bpf_map_lookup_elem(map_fd(obj, "p_hash_cur"), &key, &got) == 0)
		printf(" cur=%d", has(&got, nr));
	if (bpf_map_lookup_elem(map_fd(obj, "p_hash_direct"), &key, &got) == 0)
		printf(" direct=%d", has(&got, nr));
	if (bpf_map_lookup_elem(map_fd(obj, "p_slots"), &zero, &got) == 0)
		printf(" array=%d", has(&got, nr));
	if (bpf_map_lookup_elem(map_fd(obj, "p_floor"), &zero, &fl) == 0)
		printf(" floor=%d", (int)((fl.all[nr / 64] >> (nr % 64)) & 1));
	printf("\n");
	bpf_object__close(obj);
	return 0;
}
