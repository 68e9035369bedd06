/* SPDX-License-Identifier: Apache-2.0 */
/* A profile as a Kubernetes security-profiles-operator SeccompProfile
 * (v1beta1, YAML). */
#ifndef ST_PROFILE_SPO_H
#define ST_PROFILE_SPO_H

#include <stddef.h>

#include "error.h"
#include "profile.h"

/* Render p with metadata.name `name` into *out (malloc'ed, *len bytes).
 * What the operator's schema cannot hold is left out with a warning: the
 * result is narrower, never wider. */
int st_profile_to_spo(const struct st_profile *p, const char *name, char **out, size_t *len,
		      struct st_error *err);

#endif
