/* SPDX-License-Identifier: Apache-2.0 */
/* Profile <-> Docker/OCI seccomp JSON. `what` names the source in errors. */
#ifndef ST_PROFILE_JSON_H
#define ST_PROFILE_JSON_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "error.h"
#include "profile.h"

int st_profile_from_json(yajl_val root, struct st_profile **out, struct st_error *err);
int st_profile_parse(const char *text, size_t len, const char *what, struct st_profile **out,
		     struct st_error *err);
/* -1 with a plain error when text looks like YAML (a SeccompProfile from
 * --format spo): only Docker/OCI JSON profiles are read. */
int st_profile_refuse_yaml(const char *text, size_t len, const char *what, struct st_error *err);
int st_profile_read_file(const char *path, struct st_profile **out, struct st_error *err);
struct st_allow;
/* Confined to the directories of allow (see st_read_file_in); *private
 * (may be NULL): others could not read the file. */
int st_profile_read_file_in(const struct st_allow *allow, const char *path, struct st_profile **out,
			    bool *private, struct st_error *err);
int st_profile_to_json(const struct st_profile *p, char **out, size_t *len, struct st_error *err);

#endif
