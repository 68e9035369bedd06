/* SPDX-License-Identifier: Apache-2.0 */
/* Loading the BPF program compiled into this binary (its libbpf skeleton):
 * open -> rodata -> load -> pin, in a short-lived child process. */
#ifndef ST_TRACER_LOADER_H
#define ST_TRACER_LOADER_H

#include <stdint.h>

#include "error.h"

/* FNV-1a hash of the BPF object's ELF bytes: names the build's pins
 * (tests/bench/benchtool.c computes the same from the .bpf.o file). */
uint64_t st_loader_object_hash(void);

/* Load the program with the syscall numbers it needs set in its rodata, and
 * pin it with its maps in pin_dir (tracer_pins.h). Loading parses the
 * kernel's BTF (megabytes): it runs in a child, so that the tracer, which
 * lives as long as the container, stays small. Meanwhile the caller's
 * slot (tracer_slot.h) gets its ring buffer. The child's error comes back
 * in err. Under the set-up lock. */
int st_loader_load_and_pin(const char *pin_dir, uint32_t slot, struct st_error *err);

#endif
