/* SPDX-License-Identifier: Apache-2.0 */
/* The io.containers.trace-syscall annotation, compatible with the Go hook:
 * "of:/abs/out.json" (required) and "if:/abs/base.json" (optional), joined
 * by ';'. CRI-O's per-container form io.containers.trace-syscall/<name> is
 * honoured for the container named <name>. */
#ifndef ST_ANNOTATION_H
#define ST_ANNOTATION_H

#include "error.h"
#include "oci_state.h"

#define ST_ANNOTATION "io.containers.trace-syscall"
/* Kubernetes' container name, set by CRI-O on every container. */
#define ST_K8S_CONTAINER_NAME "io.kubernetes.container.name"
#define ST_MAX_ANNOTATION     4096

struct st_trace_request {
	char *output; /* of: */
	char *input;  /* if:, NULL when absent */
};

/* The annotation meant for this container: 1 with key and value set when
 * there is one, 0 when the state asks nothing of this container (it is meant
 * for another container of the pod), -1 on error. */
int st_annotation_find(const struct st_oci_state *s, const char **key, const char **value,
		       struct st_error *err);
int st_annotation_parse(const char *key, const char *value, struct st_trace_request *req,
			struct st_error *err);
void st_trace_request_free(struct st_trace_request *req);

#endif
