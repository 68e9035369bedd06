// SPDX-License-Identifier: Apache-2.0
/* seccomp-trace --version: which seccomp-trace, and which libraries it runs
 * with: what a bug report needs (libseccomp decides syscall names and
 * filters, libbpf how the program loads). */
#include <string.h>

#include <bpf/libbpf.h>
#include <seccomp.h>
#include <yajl/yajl_version.h>

#include "syscalls.h"
#include "version.h"

/* "NAME RUNTIME", and " (built with BUILT)" when the two differ. */
static void print_lib(FILE *out, const char *name, const char *runtime, const char *built)
{
	fprintf(out, "%s %s", name, runtime);
	if (strcmp(runtime, built))
		fprintf(out, " (built with %s)", built);
	fputc('\n', out);
}

void st_version_print(FILE *out)
{
	char run[32], built[32];
	int y = yajl_version();

	fprintf(out, "seccomp-trace %s\n", ST_VERSION);
	/* libbpf numbers its API major.minor only (libbpf_version.h). */
	snprintf(run, sizeof(run), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	snprintf(built, sizeof(built), "%d.%d", LIBBPF_MAJOR_VERSION, LIBBPF_MINOR_VERSION);
	print_lib(out, "libbpf", run, built);
	snprintf(built, sizeof(built), "%d.%d.%d", SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
	print_lib(out, "libseccomp", st_libseccomp_version(), built);
	/* yajl_version(): major * 10000 + minor * 100 + micro (yajl_version.h) */
	snprintf(run, sizeof(run), "%d.%d.%d", y / 10000, y / 100 % 100, y % 100);
	snprintf(built, sizeof(built), "%d.%d.%d", YAJL_MAJOR, YAJL_MINOR, YAJL_MICRO);
	print_lib(out, "yajl", run, built);
}
