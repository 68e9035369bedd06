/* SPDX-License-Identifier: Apache-2.0 */
/* Merging profiles (seccomp-trace merge): one profile that lets through what
 * any input lets through, never widening an explicit denial unless asked,
 * and the very same bytes whatever the inputs' order and grouping:
 * merge(A, B) == merge(B, A) and merge(merge(A, B), C) == merge(A, B, C).
 *
 * Per syscall, across the inputs (an input's conditional rules that libseccomp
 * would never apply beside its own unconditional rule of that syscall are
 * left out first: every runtime adds an unconditional rule over conditional
 * ones, whatever the order):
 *  - an unconditional denial decides: the most restrictive one is kept, the
 *    syscall's allows are left out (SCMP_ACT_KILL_PROCESS > KILL_THREAD >
 *    KILL > TRAP > ERRNO (the larger errno) > TRACE > NOTIFY). TRACE and
 *    NOTIFY may let the call run (a tracer or an agent decides: profile.h),
 *    so beside them the conditional denials stay as beside an allow (below);
 *  - else an unconditional allow (SCMP_ACT_LOG over SCMP_ACT_ALLOW) subsumes
 *    the conditional allows; conditional denials that only depend on
 *    includes/excludes stay, written before it (Docker and podman apply the
 *    first of two unconditional rules); one with argument conditions cannot
 *    be kept beside it (libseccomp would drop it) nor the allow be left out:
 *    the merge fails, naming both;
 *  - else the conditional rules are united; of two with the same conditions
 *    and other actions (libseccomp refuses that) the denial stays.
 * With allow_wins, a syscall that any input allows in any way loses its
 * denials instead; one that no input allows but one gives TRACE or NOTIFY
 * (it may run) loses its KILL, TRAP and ERRNO rules.
 *
 * The top level: defaultAction and its errno must agree (unless the caller
 * chooses them); arch lists and archMaps are united (an archMap if any input
 * has one, every listed arch then in this machine's entry); flags,
 * listenerPath, listenerMetadata and fields this model does not know must
 * agree where given (null and absent agree with anything), since a runtime
 * takes one value and merge cannot tell which is meant.
 *
 * The result is canonical: rules grouped by action and conditions, denials
 * before TRACE and NOTIFY before allows, names, args and lists sorted, empty lists and nulls left
 * out. */
#ifndef ST_PROFILE_MERGE_H
#define ST_PROFILE_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"

struct st_merge_opts {
	bool allow_wins;	    /* an allow beats every denial of its syscall */
	const char *default_action; /* chosen by the caller (inputs may disagree); NULL: none */
	bool errno_chosen;	    /* the caller sets defaultErrnoRet: inputs may disagree */
};

/* Merge in[0..n) (names[i] names in[i] in messages) into a new *out. What
 * merge decided for a syscall (subsumed, left out, overridden) is logged at
 * info level, rules it leaves out of an input as warnings. Fails on
 * conflicts it cannot settle without widening or narrowing (see above), with
 * a message naming the syscall or field and the inputs. */
int st_profiles_merge(const struct st_profile *const *in, const char *const *names, size_t n,
		      const struct st_merge_opts *o, struct st_profile **out, struct st_error *err);

/* Profile arch names in a fixed order (Docker's archMap order: each 64-bit
 * arch before its 32-bit ones); names this list lacks sort after, by name. */
int st_arch_cmp(const char *a, const char *b);

#endif
