/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp-trace --version. */
#ifndef ST_VERSION_H
#define ST_VERSION_H

#include <stdio.h>

/* Print seccomp-trace's version and those of the shared libraries it runs
 * with (libbpf, libseccomp, yajl), one per line, to out. A library loaded at
 * another version than the one built against shows both. */
void st_version_print(FILE *out);

#endif
