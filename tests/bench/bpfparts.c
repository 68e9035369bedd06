// SPDX-License-Identifier: Apache-2.0
/* What the steps of a tracer's set-up cost on this kernel, each timed alone
 * (median of ROUNDS), to explain the hook latency and the tracer's memory:
 *
 *   btf_vmlinux      libbpf parsing /sys/kernel/btf/vmlinux (what CO-RE
 *                    relocation and tp_btf attach need at load time), and
 *                    how much the process's peak RSS grows with it
 *   ringbuf_create   a 256 KiB BPF ring buffer (one per tracer)
 *   aom_update       putting it in an ARRAY_OF_MAPS slot (the kernel waits
 *                    for an RCU grace period on map-in-map updates)
 *   aom_delete       taking it out again (same wait)
 *   hash_update      adding / removing a target-sized value in a hash map
 *   hash_delete
 *
 *   bpfparts [ROUNDS]   (as root) prints "NAME median_us min_us max_us"
 *   bpfparts prog ID    the verifier's and the JIT's figures for program ID:
 *                       "xlated_insns N jited_bytes N verified_insns N" */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define RING_BYTES (256 * 1024)
#define VALUE_BYTES 448 /* about sizeof(struct st_target) */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	printf("%s %.1f %.1f %.1f\n", name, n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0],
	       v[n - 1]);
}

static long status_kib(const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			v = atol(line + strlen(field));
	fclose(f);
	return v;
}

static void die(const char *what)
{
	fprintf(stderr, "bpfparts: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int prog_figures(unsigned id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		die("program info");
	printf("xlated_insns %u jited_bytes %u verified_insns %u\n", info.xlated_prog_len / 8,
	       info.jited_prog_len, info.verified_insns);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "prog"))
		return prog_figures(strtoul(argv[2], NULL, 0));
	int rounds = argc > 1 ? atoi(argv[1]) : 9;
	double *btf = calloc(rounds, sizeof(double)), *rc = calloc(rounds, sizeof(double));
	double *au = calloc(rounds, sizeof(double)), *ad = calloc(rounds, sizeof(double));
	double *hu = calloc(rounds, sizeof(double)), *hd = calloc(rounds, sizeof(double));
	long hwm0, hwm1;
	int inner, outer, hash;
	char value[VALUE_BYTES] = {0};

	if (rounds < 1 || !btf || !rc || !au || !ad || !hu || !hd)
		return 2;
	libbpf_set_print(NULL);

	hwm0 = status_kib("VmHWM:");
	for (int i = 0; i < rounds; i++) {
		double t0 = now_us();
		struct btf *b = btf__load_vmlinux_btf();

		if (!b)
			die("btf__load_vmlinux_btf");
		btf[i] = now_us() - t0;
		btf__free(b);
	}
	hwm1 = status_kib("VmHWM:");
	report("btf_vmlinux", btf, rounds);
	printf("btf_vmlinux_peak_rss_growth_kib %ld\n", hwm1 - hwm0);

	inner = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bp_inner", 0, 0, RING_BYTES, NULL);
	if (inner < 0)
		die("ringbuf");
	LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = inner);
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "bp_outer", 4, 4, 64, &o);
	if (outer < 0)
		die("array of maps");
	close(inner);
	hash = bpf_map_create(BPF_MAP_TYPE_HASH, "bp_hash", 8, VALUE_BYTES, 1024, NULL);
	if (hash < 0)
		die("hash");

	for (int i = 0; i < rounds; i++) {
		unsigned slot = i % 64;
		unsigned long long key = i;
		double t0 = now_us();

		inner = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bp_ring", 0, 0, RING_BYTES, NULL);
		if (inner < 0)
			die("ringbuf");
		rc[i] = now_us() - t0;
		t0 = now_us();
		if (bpf_map_update_elem(outer, &slot, &inner, BPF_ANY))
			die("array of maps update");
		au[i] = now_us() - t0;
		t0 = now_us();
		if (bpf_map_delete_elem(outer, &slot))
			die("array of maps delete");
		ad[i] = now_us() - t0;
		close(inner);
		t0 = now_us();
		if (bpf_map_update_elem(hash, &key, value, BPF_NOEXIST))
			die("hash update");
		hu[i] = now_us() - t0;
		t0 = now_us();
		if (bpf_map_delete_elem(hash, &key))
			die("hash delete");
		hd[i] = now_us() - t0;
	}
	report("ringbuf_create", rc, rounds);
	report("aom_update", au, rounds);
	report("aom_delete", ad, rounds);
	report("hash_update", hu, rounds);
	report("hash_delete", hd, rounds);
	return 0;
}
