/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI state a runtime passes to a hook on stdin. */
#ifndef ST_OCI_STATE_H
#define ST_OCI_STATE_H

#include <stddef.h>
#include "error.h"

struct st_oci_state {
	char *oci_version;
	char *id;
	char *status;
	char *bundle;
	int pid;
	char **ann_keys; /* annotations, in input order */
	char **ann_values;
	size_t n_ann;
};

int st_oci_state_parse(const char *text, size_t len, struct st_oci_state *out,
		       struct st_error *err);
/* Value of an annotation, NULL if absent. */
const char *st_oci_annotation(const struct st_oci_state *s, const char *key);
void st_oci_state_free(struct st_oci_state *s);

#endif
