// SPDX-License-Identifier: Apache-2.0
/* Convergence (merge --stats): what each input adds beyond the ones before
 * it, syscalls and argument values, in the order given. */
#include <stdlib.h>

#include "check.h"
#include "profile_gain.h"
#include "profile_json.h"

#define HEAD	     "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
#define ALLOW(names) "{\"names\":[" names "],\"action\":\"SCMP_ACT_ALLOW\"}"
#define SOCKET(v)                                                                                  \
	"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"            \
	"\"value\":" v ",\"op\":\"SCMP_CMP_EQ\"}]}"

static struct st_profile *profile(const char *text)
{
	struct st_profile *p = NULL;
	struct st_error err = {0};

	if (st_profile_parse(text, strlen(text), "test", &p, &err) < 0)
		fprintf(stderr, "%s\n", err.msg);
	CHECK(p != NULL);
	return p;
}

static void gains(const char *const *texts, size_t n, struct st_gains *g)
{
	struct st_profile *in[8];
	const char *names[8] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	struct st_error err = {0};

	for (size_t i = 0; i < n; i++)
		in[i] = profile(texts[i]);
	CHECK(st_gains_compute((const struct st_profile *const *)in, names, n, g, &err) == 0);
	for (size_t i = 0; i < n; i++)
		st_profile_free(in[i]);
}

static void test_syscalls(void)
{
	const char *t[] = {
	    HEAD ALLOW("\"read\",\"write\"") "]}",
	    HEAD ALLOW("\"write\",\"ptrace\"") "," ALLOW("\"kill\"") "]}",
	    HEAD ALLOW("\"read\"") "]}",
	    /* a denial adds nothing */
	    HEAD "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}," ALLOW("\"read\"") "]}",
	};
	struct st_gains g;

	gains(t, 4, &g);
	CHECK(g.n == 4);
	CHECK(g.v[0].n_syscalls == 2 && g.v[0].total_syscalls == 2);
	CHECK(g.v[1].n_syscalls == 2 && g.v[1].total_syscalls == 4);
	CHECK_STR(g.v[1].syscalls[0], "kill"); /* sorted */
	CHECK_STR(g.v[1].syscalls[1], "ptrace");
	CHECK(g.v[2].n_syscalls == 0 && g.v[2].n_values == 0);
	CHECK(g.v[3].n_syscalls == 0 && g.v[3].n_values == 0 && g.v[3].total_syscalls == 4);
	CHECK(g.unchanged_tail == 2);
	st_gains_free(&g);

	/* a TRACE rule may let the call run (a tracer continues it): a gain */
	const char *tr[] = {
	    HEAD ALLOW("\"read\"") "]}",
	    HEAD "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_TRACE\"}," ALLOW("\"read\"") "]}",
	};
	gains(tr, 2, &g);
	CHECK(g.n == 2 && g.v[1].n_syscalls == 1 && g.v[1].total_syscalls == 2);
	st_gains_free(&g);
}

static void test_values(void)
{
	const char *t[] = {
	    HEAD SOCKET("1") "]}",
	    HEAD SOCKET("1") "," SOCKET("2") "]}", /* one value more */
	    HEAD SOCKET("2") "]}",		   /* nothing */
	    HEAD ALLOW("\"socket\"") "]}",	   /* every value */
	    HEAD SOCKET("16") "]}",		   /* subsumed already */
	};
	struct st_gains g;

	gains(t, 5, &g);
	CHECK(g.v[0].n_syscalls == 1 && g.v[0].n_values == 0 && g.v[0].total_values == 1);
	CHECK(g.v[1].n_syscalls == 0 && g.v[1].n_values == 1 && g.v[1].total_values == 2);
	CHECK(g.v[1].n_values == 1 && !strcmp(g.v[1].values[0].name, "socket") &&
	      strstr(g.v[1].values[0].cond, "2"));
	CHECK(g.v[2].n_syscalls == 0 && g.v[2].n_values == 0);
	CHECK(g.v[3].n_values == 1 && !strcmp(g.v[3].values[0].cond, ""));
	CHECK(g.v[3].total_values == 0); /* the allow subsumes them */
	CHECK(g.v[4].n_syscalls == 0 && g.v[4].n_values == 0);
	CHECK(g.unchanged_tail == 1);
	st_gains_free(&g);
}

/* The order given counts: the same inputs the other way round. */
static void test_order(void)
{
	const char *t[] = {HEAD ALLOW("\"read\",\"write\"") "]}", HEAD ALLOW("\"read\"") "]}"};
	const char *r[] = {t[1], t[0]};
	struct st_gains g;

	gains(t, 2, &g);
	CHECK(g.unchanged_tail == 1);
	st_gains_free(&g);
	gains(r, 2, &g);
	CHECK(g.unchanged_tail == 0 && g.v[1].n_syscalls == 1);
	CHECK_STR(g.v[1].n_syscalls ? g.v[1].syscalls[0] : NULL, "write");
	st_gains_free(&g);
}

static void test_json(void)
{
	const char *t[] = {HEAD SOCKET("1") "]}", HEAD SOCKET("2") "," ALLOW("\"kill\"") "]}"};
	struct st_gains g;
	struct st_error err = {0};
	char *text = NULL;
	size_t len;

	gains(t, 2, &g);
	CHECK(st_gains_json(&g, &text, &len, &err) == 0);
	CHECK_CONTAINS(text, "\"seccompTraceConvergence\": 1");
	CHECK_CONTAINS(text, "\"profile\": \"b\"");
	CHECK_CONTAINS(text, "\"addedSyscalls\": [\n        \"kill\"\n      ]");
	CHECK_CONTAINS(text, "\"name\": \"socket\"");
	CHECK_CONTAINS(text, "\"unchangedTail\": 0");
	CHECK(st_gains_kind.ours(text, len));
	CHECK(!st_gains_kind.ours(t[0], strlen(t[0])));
	free(text);
	st_gains_free(&g);
}

int main(void)
{
	RUN(test_syscalls);
	RUN(test_values);
	RUN(test_order);
	RUN(test_json);
	return CHECK_DONE();
}
