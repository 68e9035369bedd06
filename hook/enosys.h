/* SPDX-License-Identifier: Apache-2.0 */
/* ENOSYS for the calls programs probe, as a rule of its own.
 *
 * A profile whose defaultAction is SCMP_ACT_ERRNO with defaultErrnoRet 38
 * (ENOSYS: podman's default filter, kept by the hook, or --errno ENOSYS)
 * answers ENOSYS to every call it does not list, and programs take their
 * fallback (glibc: clone3 -> clone, fchmodat2 -> fchmodat). Docker 20.10
 * drops defaultErrnoRet (measured: tests/check_runtimes.json), so there those
 * calls get EPERM and the same programs fail. runc's -ENOSYS stub answers
 * ENOSYS only to calls numbered above every call the profile names
 * (libcontainer/seccomp/patchbpf: findLastSyscalls), crun has none.
 *
 * The output path (output.c) therefore adds one SCMP_ACT_ERRNO rule with
 * errnoRet 38 (comment ST_ENOSYS_COMMENT) naming the calls of a table of
 * known probes (enosys.c, each with its reason) that the profile has no rule
 * for, plus every call runc's stub answered ENOSYS before the rule raised
 * its cut-off. Inputs that build a new profile (merge, bases) drop that rule
 * first: it stands for the default, not for a decision to deny. */
#ifndef ST_ENOSYS_H
#define ST_ENOSYS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"

/* How the comment of the rule starts: how a reader tells it. */
#define ST_ENOSYS_COMMENT "ENOSYS for probed calls (seccomp-trace)"

/* True when p's default answers ENOSYS by defaultErrnoRet: SCMP_ACT_ERRNO
 * with defaultErrnoRet 38. */
bool st_enosys_default(const struct st_profile *p);

/* Take out of p the rules seccomp-trace wrote for the default (unconditional
 * SCMP_ACT_ERRNO, errnoRet 38, comment starting with ST_ENOSYS_COMMENT). */
void st_enosys_rule_drop(struct st_profile *p);

/* When st_enosys_default(p), add the rule (last in p: a base's rules stay
 * first) for the probed calls that some arch of p
 * has (libseccomp's tables; none: the native arch) and no rule of p names,
 * and for the calls runc's stub answered ENOSYS to before (numbered between
 * p's highest named call and the rule's, per arch). A rule p had from an
 * earlier output is replaced. Nothing to add: no rule. Fails on ENOMEM. */
int st_enosys_rule_add(struct st_profile *p, struct st_error *err);

/* The probed calls that some arch of p has and no unconditional rule of p
 * decides (p's default answers them): their number; names gets them,
 * comma-separated, cut to len. For check: on an engine that ignores
 * defaultErrnoRet they get EPERM instead of ENOSYS. */
size_t st_enosys_uncovered(const struct st_profile *p, char *names, size_t len);

/* The probed calls' names, in the table's order (NULL past the last). */
const char *st_enosys_probe(size_t i);

#endif
