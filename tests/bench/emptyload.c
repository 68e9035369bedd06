// SPDX-License-Identifier: Apache-2.0
/* Loads and attaches tests/bench/empty.bpf.o, prints "ready PROG_ID" and
 * keeps it attached until SIGTERM/SIGINT or until its parent exits (nothing
 * is pinned: when this process goes, so does the program).
 *   emptyload OBJ */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	if (argc != 2) {
		fprintf(stderr, "usage: emptyload OBJ\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "emptyload: cannot load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "empty_sys_enter");
	link = prog ? bpf_program__attach(prog) : NULL;
	if (!link) {
		fprintf(stderr, "emptyload: cannot attach: %s\n", strerror(errno));
		return 1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
		fprintf(stderr, "emptyload: cannot read the program's id: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	/* A benchmark that dies must not leave the program attached. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
		return 1;
	printf("ready %u\n", info.id);
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
