// SPDX-License-Identifier: Apache-2.0
/* Profile model: JSON round trips, determinism, merging a trace into a base. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "json.h"
#include "log.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_trace.h"

#define DOCKER_DIR  "/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp"
#define DOCKER_JSON DOCKER_DIR "/default.json"
#define PODMAN_JSON "/usr/share/containers/seccomp.json"

static void add_native(struct st_sysset *s, const char *name)
{
	int nr = st_syscall_nr(ST_ABI_NATIVE, name);

	CHECK(nr >= 0);
	st_sysset_add(s, ST_ABI_NATIVE, nr);
}

/* Build from a set of syscall names, the way the tracer does. */
static struct st_profile *merge_names(struct st_profile *base, struct st_sysset *seen)
{
	struct st_error err = {0};
	struct st_profile *out = NULL;

	if (st_profile_build(seen, base, &out, &err) < 0) {
		fprintf(stderr, "build: %s\n", err.msg);
		return NULL;
	}
	return out;
}

/* Real profiles survive read -> write -> read -> write unchanged the second
 * time, and every rule and arch of the original is still there. */
static void test_round_trip_real_profiles(void)
{
	const char *files[] = {DOCKER_JSON, PODMAN_JSON, DOCKER_DIR "/fixtures/example.json",
			       DOCKER_DIR "/fixtures/conditional_include.json"};

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct st_error err = {0};
		struct st_profile *a = NULL, *b = NULL;
		char *ja, *jb;

		if (st_profile_read_file(files[f], &a, &err) < 0) {
			fprintf(stderr, "%s: %s\n", files[f], err.msg);
			CHECK(!"real profile readable");
			continue;
		}
		ja = to_json(a);
		b = parse(ja);
		CHECK(b != NULL);
		if (!b) {
			free(ja);
			st_profile_free(a);
			continue;
		}
		jb = to_json(b);
		CHECK_STR(ja, jb);
		CHECK(a->n_rules == b->n_rules);
		CHECK(a->n_archmap == b->n_archmap);
		CHECK(a->has_archmap == b->has_archmap);
		CHECK(ja[strlen(ja) - 1] == '\n');
		free(ja);
		free(jb);
		st_profile_free(a);
		st_profile_free(b);
	}
}

/* Docker's default profile: known content, read field by field. */
static void test_docker_default_fields(void)
{
	struct st_error err = {0};
	struct st_profile *p = NULL;
	const struct st_rule *r;

	CHECK(st_profile_read_file(DOCKER_JSON, &p, &err) == 0);
	if (!p)
		return;
	CHECK_STR(p->default_action, "SCMP_ACT_ERRNO");
	CHECK(!p->has_default_errno);
	CHECK(p->has_archmap && p->n_archmap >= 3);
	CHECK_STR(p->archmap[0].arch, "SCMP_ARCH_X86_64");
	/* clone is allowed under an args mask and, with CAP_SYS_ADMIN, without. */
	r = rule_naming(p, "clone", ST_ACT_ALLOW);
	CHECK(r && st_rule_is_conditional(r));
	r = rule_naming(p, "read", ST_ACT_ALLOW);
	CHECK(r && !st_rule_is_conditional(r));
	st_profile_free(p);
}

/* podman's profile: defaultErrnoRet plus a field of its own, kept. */
static void test_podman_default_fields(void)
{
	struct st_error err = {0};
	struct st_profile *p = NULL;
	char *json;

	CHECK(st_profile_read_file(PODMAN_JSON, &p, &err) == 0);
	if (!p)
		return;
	CHECK(p->has_default_errno && p->default_errno_ret == 38);
	CHECK(p->extras.n == 1 && !strcmp(p->extras.v[0].key, "defaultErrno"));
	json = to_json(p);
	CHECK_CONTAINS(json, "\"defaultErrno\": \"ENOSYS\"");
	free(json);
	st_profile_free(p);
}

static void test_old_name_format(void)
{
	struct st_error err = {0};
	struct st_profile *p = NULL;

	CHECK(st_profile_read_file(DOCKER_DIR "/fixtures/default-old-format.json", &p, &err) == 0);
	if (!p)
		return;
	CHECK(p->n_rules > 100);
	CHECK(p->rules[0].old_name && p->rules[0].n_names == 1);
	CHECK(rule_naming(p, "accept", NULL) != NULL);
	st_profile_free(p);
}

static void test_fresh_profile_deterministic(void)
{
	struct st_sysset s = {0};
	struct st_profile *a, *b;
	char *ja, *jb;

	add_native(&s, "write");
	add_native(&s, "execve");
	add_native(&s, "read");
	a = merge_names(NULL, &s);
	b = merge_names(NULL, &s);
	CHECK(a && b);
	if (!a || !b)
		return;
	ja = to_json(a);
	jb = to_json(b);
	CHECK_STR(ja, jb);
	CHECK_STR(ja, "{\n"
		      "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
		      "  \"architectures\": [\n"
		      "    \"SCMP_ARCH_X86_64\"\n"
		      "  ],\n"
		      "  \"syscalls\": [\n"
		      "    {\n"
		      "      \"names\": [\n"
		      "        \"execve\",\n"
		      "        \"read\",\n"
		      "        \"write\"\n"
		      "      ],\n"
		      "      \"action\": \"SCMP_ACT_ALLOW\"\n"
		      "    }\n"
		      "  ]\n"
		      "}\n");
	free(ja);
	free(jb);
	st_profile_free(a);
	st_profile_free(b);
}

/* The same syscall seen natively and from 32-bit code is one name; the
 * compat arch is listed after the native one. */
static void test_compat_names(void)
{
	struct st_sysset s = {0};
	struct st_profile *p;
	int w32 = st_syscall_nr(ST_ABI_COMPAT, "write");

	CHECK(w32 == 4);
	st_sysset_add(&s, ST_ABI_COMPAT, w32);
	add_native(&s, "write");
	p = merge_names(NULL, &s);
	if (!p)
		return;
	CHECK(p->n_architectures == 2);
	CHECK_STR(p->architectures[0], "SCMP_ARCH_X86_64");
	CHECK_STR(p->architectures[1], "SCMP_ARCH_X86");
	CHECK(p->n_rules == 1 && p->rules[0].n_names == 1);
	CHECK_STR(p->rules[0].names[0], "write");
	CHECK(rule_naming(p, "stat", NULL) == NULL); /* x86-64's number 4 */
	st_profile_free(p);
}

static const char base_json[] =
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
    "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
    "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"x-vendor\":{\"k\":[1,2.5,null,true]},"
    "\"syscalls\":["
    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"c\",\"x-rule\":7},"
    "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":1,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
    "[\"CAP_SYS_ADMIN\"]},\"excludes\":{\"arches\":[\"s390x\"],\"minKernel\":\"4.8\"}}]}";

/* Everything the base had is still in the output; blocked stays blocked,
 * conditional stays conditional, only the rest is added. */
static void test_base_merge_keeps_everything(void)
{
	struct st_profile *base = parse(base_json), *out;
	struct st_sysset s = {0};
	const struct st_rule *added;
	char *json;

	if (!base)
		return;
	for (const char *const *n = (const char *const[]){"read", "mkdir", "socket", "unshare",
							  "write", "getpid", NULL};
	     *n; n++)
		add_native(&s, *n);
	out = merge_names(base, &s);
	CHECK(out == base);
	if (!out)
		return;
	json = to_json(out);
	CHECK_CONTAINS(json, "\"defaultErrnoRet\": 38");
	CHECK_CONTAINS(json, "\"SECCOMP_FILTER_FLAG_LOG\"");
	CHECK_CONTAINS(json, "\"x-vendor\"");
	CHECK_CONTAINS(json, "2.5");
	CHECK_CONTAINS(json, "null");
	CHECK_CONTAINS(json, "\"x-rule\": 7");
	CHECK_CONTAINS(json, "\"errnoRet\": 13");
	CHECK_CONTAINS(json, "\"minKernel\": \"4.8\"");
	CHECK_CONTAINS(json, "\"CAP_SYS_ADMIN\"");
	CHECK(out->n_rules == 5);
	added = &out->rules[4];
	CHECK_STR(added->action, ST_ACT_ALLOW);
	CHECK(added->n_names == 2);
	CHECK(added->n_names == 2 && !strcmp(added->names[0], "getpid") &&
	      !strcmp(added->names[1], "write"));
	CHECK(rule_naming(out, "mkdir", ST_ACT_ALLOW) == NULL);
	CHECK(!st_rule_is_conditional(rule_naming(out, "read", NULL)));
	CHECK(st_rule_is_conditional(rule_naming(out, "socket", ST_ACT_ALLOW)));
	CHECK(st_rule_is_conditional(rule_naming(out, "unshare", ST_ACT_ALLOW)));
	free(json);
	st_profile_free(out);
}

/* Nothing new seen: no empty rule is added. */
static void test_no_empty_rule(void)
{
	struct st_profile *base = parse(base_json), *out;
	struct st_sysset s = {0};

	if (!base)
		return;
	add_native(&s, "read");
	out = merge_names(base, &s);
	CHECK(out && out->n_rules == 4);
	st_profile_free(out);
}

static void test_allow_all_base_becomes_allow_list(void)
{
	struct st_profile *base = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
					"{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct st_sysset s = {0};
	struct st_profile *out;

	if (!base)
		return;
	add_native(&s, "ptrace");
	add_native(&s, "read");
	out = merge_names(base, &s);
	if (!out)
		return;
	CHECK_STR(out->default_action, ST_ACT_ERRNO);
	CHECK(rule_naming(out, "ptrace", ST_ACT_ERRNO) != NULL);
	CHECK(rule_naming(out, "ptrace", ST_ACT_ALLOW) == NULL);
	CHECK(rule_naming(out, "read", ST_ACT_ALLOW) != NULL);
	/* native only seen, base had no arch list: none is invented */
	CHECK(!out->has_architectures && !out->has_archmap);
	st_profile_free(out);
}

/* An archMap base keeps archMap (never both lists) and gains what it lacks. */
static void test_archmap_base(void)
{
	struct st_profile *base = parse(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":"
	    "\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X32\"]},{\"architecture\":"
	    "\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],\"syscalls\":[]}");
	struct st_sysset s = {0};
	struct st_profile *out;
	char *json;

	if (!base)
		return;
	add_native(&s, "read");
	st_sysset_add(&s, ST_ABI_COMPAT, 4);
	out = merge_names(base, &s);
	if (!out)
		return;
	json = to_json(out);
	CHECK(!strstr(json, "\"architectures\""));
	CHECK(out->n_archmap == 2 && out->archmap[0].n_subs == 2);
	CHECK_STR(out->archmap[0].subs[1], "SCMP_ARCH_X86");
	CHECK(out->archmap[1].n_subs == 1);
	free(json);
	st_profile_free(out);
}

static void expect_error(const char *json, const char *msg)
{
	struct st_error err = {0};
	struct st_profile *p = NULL;

	CHECK(st_profile_parse(json, strlen(json), "/x/base.json", &p, &err) < 0);
	CHECK(p == NULL);
	CHECK_CONTAINS(err.msg, msg);
	st_profile_free(p);
}

static void test_bad_json_errors(void)
{
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\",", "invalid JSON in /x/base.json");
	expect_error("{\"defaultAction\": \"SECRET-CONTENT\" x", "near byte");
	/* at the end of the input, the offset is its length, not yajl's last call */
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\",", "at the end (35 bytes)");
	expect_error("", "empty (0 bytes)");
	/* what --format spo writes is refused by name, not as a JSON lexical error */
	expect_error("---\napiVersion: security-profiles-operator.x-k8s.io/v1beta1\n",
		     "/x/base.json looks like a SeccompProfile (YAML)");
	expect_error("apiVersion: v1\nkind: SeccompProfile\n",
		     "write the profile with --format oci (JSON)");
	expect_error("  kind: SeccompProfile\n", "SeccompProfile (YAML)");
	expect_error("[1]", "profile: expected an object");
	expect_error("{}", "defaultAction: missing");
	expect_error("{\"defaultAction\": 3}", "defaultAction: expected a string");
	expect_error(
	    "{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":\"read\",\"action\":\"x\"}]}",
	    "syscalls[0].names: expected an array of strings");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"]}]}",
		     "syscalls[0].action: missing");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"x\"],\"action\":\"a\","
		     "\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		     "syscalls[0].args[0].value: expected an unsigned integer");
	expect_error("{\"defaultAction\":\"a\",\"defaultAction\":\"b\"}", "duplicate key");

	/* the error never quotes the input */
	struct st_error err = {0};
	struct st_profile *p = NULL;
	const char *bad = "{\"defaultAction\": \"SECRET-CONTENT\" x";
	CHECK(st_profile_parse(bad, strlen(bad), "f", &p, &err) < 0);
	CHECK(!strstr(err.msg, "SECRET"));

	/* nesting is bounded */
	char deep[400];
	memset(deep, '[', 200);
	memset(deep + 200, ']', 200);
	CHECK(st_profile_parse(deep, sizeof(deep), "deep", &p, &err) < 0);
	CHECK_CONTAINS(err.msg, "nested deeper than");
}

/* Go runtimes match keys case-insensitively (Unicode simple folding) and the
 * last match wins: a key that is not a field name but folds to one, at any
 * level, is refused with its path. Field names kept verbatim count too. */
static void test_go_folded_keys(void)
{
	CHECK(st_json_key_folds_to("DefaultAction", "defaultAction"));
	CHECK(st_json_key_folds_to("DEFAULTACTION", "defaultAction"));
	CHECK(st_json_key_folds_to("defaultAction", "defaultAction"));
	CHECK(st_json_key_folds_to("min\xe2\x84\xaa"
				   "ernel",
				   "minKernel")); /* U+212A KELVIN SIGN */
	CHECK(st_json_key_folds_to("\xc5\xbf"
				   "yscalls",
				   "syscalls")); /* U+017F LONG S */
	CHECK(!st_json_key_folds_to("\xc5\xbf"
				    "yscalls",
				    "kyscalls"));
	CHECK(!st_json_key_folds_to("defaultActio", "defaultAction"));
	CHECK(!st_json_key_folds_to("defaultActions", "defaultAction"));
	CHECK(!st_json_key_folds_to("\xc4\xb0ndex", "index")); /* U+0130 folds to no ASCII i */
	CHECK(!st_json_key_folds_to("default_action", "defaultAction"));

	/* the example: an allow-all that we would have read as errno */
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"DefaultAction\":\"SCMP_ACT_ALLOW\","
		     "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     "DefaultAction: Go runtimes read this key as \"defaultAction\"");
	/* an earlier folded key loses to the exact one in Go, but it is still refused */
	expect_error("{\"DEFAULTACTION\":\"SCMP_ACT_ALLOW\",\"defaultAction\":\"SCMP_ACT_ERRNO\"}",
		     "DEFAULTACTION: Go runtimes read this key as \"defaultAction\"");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[],"
		     "\"\xc5\xbfyscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     "\\u017fyscalls: Go runtimes read this key as \"syscalls\"");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"Action\":\"SCMP_ACT_ALLOW\"}]}",
		     "syscalls[0].Action: Go runtimes read this key as \"action\"");
	expect_error(
	    "{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"x\","
	    "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\",\"VALUE\":2}]}]}",
	    "syscalls[0].args[0].VALUE: Go runtimes read this key as \"value\"");
	expect_error(
	    "{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"x\","
	    "\"includes\":{\"min\xe2\x84\xaa"
	    "ernel\":\"9.0\"}}]}",
	    "syscalls[0].includes.min\\u212aernel: Go runtimes read this key as "
	    "\"minKernel\"");
	expect_error(
	    "{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"x\","
	    "\"excludes\":{\"Caps\":[\"CAP_SYS_ADMIN\"]}}]}",
	    "syscalls[0].excludes.Caps: Go runtimes read this key as \"caps\"");
	expect_error("{\"defaultAction\":\"a\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\","
		     "\"SubArchitectures\":[\"SCMP_ARCH_X86\"]}]}",
		     "archMap[0].SubArchitectures: Go runtimes read this key as "
		     "\"subArchitectures\"");
	/* fields the model keeps verbatim are fields runtimes read */
	expect_error(
	    "{\"defaultAction\":\"a\",\"flags\":[],\"Flags\":[\"SECCOMP_FILTER_FLAG_LOG\"]}",
	    "Flags: Go runtimes read this key as \"flags\"");
	expect_error("{\"defaultAction\":\"a\",\"ListenerPath\":\"/run/x.sock\"}",
		     "ListenerPath: Go runtimes read this key as \"listenerPath\"");
	expect_error("{\"defaultAction\":\"a\",\"DefaultErrnoRet\":1}",
		     "DefaultErrnoRet: Go runtimes read this key as \"defaultErrnoRet\"");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"Name\":\"read\",\"names\":[\"x\"],"
		     "\"action\":\"x\"}]}",
		     "syscalls[0].Name: Go runtimes read this key as \"name\"");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"x\"],\"action\":\"x\","
		     "\"ERRNO\":\"EPERM\"}]}",
		     "syscalls[0].ERRNO: Go runtimes read this key as \"errno\"");

	/* unknown keys that fold to nothing are kept, as before */
	struct st_profile *p = parse("{\"defaultAction\":\"a\",\"x-note\":1,\"Syscall\":[]}");
	CHECK(p && p->extras.n == 2);
	st_profile_free(p);
}

/* \u0000, lone surrogates and invalid UTF-8 in any string or key of a base
 * are refused with the JSON path: yajl would cut or alter them, Go keeps the
 * NUL and reads the others as U+FFFD. Valid pairs and UTF-8 pass. */
static void test_strings_runtimes_read_differently(void)
{
	expect_error(
	    "{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"x\","
	    "\"comment\":\"ok\\u0000hidden\"}]}",
	    "syscalls[0].comment: \\u0000 (NUL) in a string: refused");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\\u0000x\"}",
		     "defaultAction: \\u0000 (NUL) in a string");
	/* a key cut at its NUL would have become "defaultAction" here, an unknown
	 * key for Go */
	expect_error("{\"defaultAction\\u0000x\":\"SCMP_ACT_ALLOW\"}",
		     "invalid JSON in /x/base.json: defaultAction\\u0000x: \\u0000 (NUL) in a key");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\",\"x\\ud800\"],"
		     "\"action\":\"x\"}]}",
		     "syscalls[0].names[1]: lone UTF-16 surrogate \\ud800 in a string");
	expect_error("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\",\"x\\udc00\"],"
		     "\"action\":\"x\"}]}",
		     "syscalls[0].names[1]: lone UTF-16 surrogate \\udc00");
	expect_error("{\"defaultAction\":\"a\",\"x\":[\"\\ud800\\u0041\"]}",
		     "x[0]: lone UTF-16 surrogate \\ud800");
	expect_error("{\"defaultAction\":\"a\",\"x\":{\"y\":[1,{\"z\":\"\xc0\xaf\"}]}}",
		     "x.y[1].z: invalid UTF-8 (byte 0xc0) in a string");
	expect_error("{\"defaultAction\":\"a\",\"x\":\"\xed\xa0\x80\"}", "x: invalid UTF-8");
	expect_error("{\"defaultAction\":\"a\",\"x\":\"\xf4\x90\x80\x80\"}", "x: invalid UTF-8");
	/* A path too long for the message keeps its start and the key that
	 * holds the string, with "..." between (never silently cut). */
	{
		char doc[4096], want[256];
		size_t o = 0;

		o += snprintf(doc + o, sizeof(doc) - o, "{\"defaultAction\":\"a\"");
		for (int i = 0; i < 20; i++)
			o += snprintf(doc + o, sizeof(doc) - o, "%s\"level%02d_%s\":{",
				      i ? "" : ",", i, "abcdefghijklmnopqrstuvwxyz0123456789");
		o += snprintf(doc + o, sizeof(doc) - o, "\"last\":\"\\u0000\"");
		for (int i = 0; i < 20; i++)
			o += snprintf(doc + o, sizeof(doc) - o, "}");
		snprintf(doc + o, sizeof(doc) - o, "}");
		snprintf(want, sizeof(want),
			 "level00_abcdefghijklmnopqrstuvwxyz0123456789.level01_");
		expect_error(doc, want);
		expect_error(doc, "...");
		expect_error(doc, "z0123456789.level19_abcdefghijklmnopqrstuvwxyz0123456789.last: "
				  "\\u0000 (NUL) in a string");
	}

	struct st_profile *p =
	    parse("{\"defaultAction\":\"a\",\"syscalls\":[{\"names\":[\"read\"],"
		  "\"action\":\"x\",\"comment\":\"\\ud83d\\ude00 \xf0\x9f\x98\x80 "
		  "\xc3\xa9 \\\\u0000 \\\"\"}]}");
	CHECK(p && p->n_rules == 1);
	if (p)
		CHECK_STR(p->rules[0].comment,
			  "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80 \xc3\xa9 \\u0000 \"");
	st_profile_free(p);
}

/* args values use the full unsigned 64-bit range. */
static void test_u64_args(void)
{
	struct st_profile *p = parse(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"clone\"],"
	    "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":"
	    "18446744073709551615,\"valueTwo\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}");
	char *json;

	if (!p)
		return;
	CHECK(p->rules[0].args[0].value == UINT64_MAX);
	json = to_json(p);
	CHECK_CONTAINS(json, "18446744073709551615");
	free(json);
	st_profile_free(p);
}

/* --args: one rule per recorded value; overflow and other ABIs fall back to
 * the plain name; clone3 answers ENOSYS so that clone's flags are checked. */
static void test_args_rules(void)
{
	struct st_sysset s = {0};
	struct st_arg_values a = {0};
	struct st_error err = {0};
	struct st_profile *p = NULL;
	char *json;

	add_native(&s, "socket");
	add_native(&s, "personality");
	add_native(&s, "clone3");
	add_native(&s, "ioctl");
	add_native(&s, "prctl");
	add_native(&s, "write");
	a.n[ST_ARG_KIND_SOCKET] = 2;
	a.v[ST_ARG_KIND_SOCKET][0] = 1ULL << 32 | 1; /* AF_UNIX, SOCK_STREAM */
	a.v[ST_ARG_KIND_SOCKET][1] = 2ULL << 32 | 2; /* AF_INET, SOCK_DGRAM */
	a.n[ST_ARG_KIND_PERSONALITY] = 1;
	a.v[ST_ARG_KIND_PERSONALITY][0] = 0xffffffff;
	a.n[ST_ARG_KIND_CLONE] = 1; /* from clone3's flags */
	a.overflow = 1u << ST_ARG_KIND_IOCTL;
	/* prctl: called through the compat ABI too, not recordable there */
	st_sysset_add(&s, ST_ABI_COMPAT, st_syscall_nr(ST_ABI_COMPAT, "prctl"));

	CHECK(st_profile_build_args(&s, &a, NULL, &p, &err) == 0);
	if (!p)
		return;
	json = to_json(p);
	/* plain names: what has no conditions */
	CHECK(p->rules[0].n_names == 3);
	CHECK(rule_naming(p, "ioctl", ST_ACT_ALLOW) &&
	      !st_rule_is_conditional(rule_naming(p, "ioctl", NULL)));
	CHECK(rule_naming(p, "prctl", ST_ACT_ALLOW) &&
	      !st_rule_is_conditional(rule_naming(p, "prctl", NULL)));
	CHECK(rule_naming(p, "write", ST_ACT_ALLOW) != NULL);
	CHECK_CONTAINS(
	    json, "{\n      \"names\": [\n        \"socket\"\n      ],\n      \"action\": "
		  "\"SCMP_ACT_ALLOW\",\n      \"args\": [\n        {\n          \"index\": 0,\n"
		  "          \"value\": 2,");
	CHECK_CONTAINS(json,
		       "\"value\": 4294967295,\n          \"valueTwo\": 0,\n          \"op\": "
		       "\"SCMP_CMP_EQ\"");
	CHECK_CONTAINS(json,
		       "\"value\": 2114060288,\n          \"valueTwo\": 0,\n          \"op\": "
		       "\"SCMP_CMP_MASKED_EQ\"");
	CHECK(rule_naming(p, "clone3", ST_ACT_ERRNO) &&
	      rule_naming(p, "clone3", NULL)->errno_ret == 38);
	CHECK(rule_naming(p, "clone3", ST_ACT_ALLOW) == NULL);
	size_t sockets = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		sockets += p->rules[i].n_names == 1 && !strcmp(p->rules[i].names[0], "socket");
	CHECK(sockets == 2);
	free(json);
	st_profile_free(p);
}

int main(void)
{
	st_log_set_level(ST_LOG_ERROR);
	RUN(test_round_trip_real_profiles);
	RUN(test_docker_default_fields);
	RUN(test_podman_default_fields);
	RUN(test_old_name_format);
	RUN(test_fresh_profile_deterministic);
	RUN(test_compat_names);
	RUN(test_base_merge_keeps_everything);
	RUN(test_no_empty_rule);
	RUN(test_allow_all_base_becomes_allow_list);
	RUN(test_archmap_base);
	RUN(test_bad_json_errors);
	RUN(test_go_folded_keys);
	RUN(test_strings_runtimes_read_differently);
	RUN(test_u64_args);
	RUN(test_args_rules);
	return CHECK_DONE();
}
