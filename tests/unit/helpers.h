/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the profile unit tests. */
#ifndef ST_TEST_HELPERS_H
#define ST_TEST_HELPERS_H

#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "profile_json.h"

static inline struct st_profile *parse(const char *json)
{
	struct st_error err = {0};
	struct st_profile *p = NULL;

	if (st_profile_parse(json, strlen(json), "test", &p, &err) < 0)
		fprintf(stderr, "parse: %s\n", err.msg);
	return p;
}

static inline char *to_json(const struct st_profile *p)
{
	struct st_error err = {0};
	char *out = NULL;
	size_t len;

	if (st_profile_to_json(p, &out, &len, &err) < 0)
		fprintf(stderr, "to_json: %s\n", err.msg);
	return out;
}

/* The first rule naming name (with that action unless NULL). */
static inline const struct st_rule *rule_naming(const struct st_profile *p, const char *name,
						const char *action)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (!strcmp(p->rules[i].names[j], name) &&
			    (!action || !strcmp(p->rules[i].action, action)))
				return &p->rules[i];
	return NULL;
}

#endif
