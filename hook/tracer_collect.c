#include "tracer_collect.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"

int st_collect_event(void *ctx, void *data, size_t size)
{
	struct st_collector *c = ctx;
	const struct st_event *e = data;

	/* The slot's ring may still hold events of its previous tracer. */
	if (size < sizeof(*e) || !c->armed || e->inum != c->inum)
		return 0;
	if (e->flags & ST_EV_ALL)
		st_sysset_add(&c->res.all, e->abi, e->nr);
	if (e->flags & ST_EV_SCOPED)
		st_sysset_add(&c->res.scoped, e->abi, e->nr);
	if (st_log_get_level() >= ST_LOG_DEBUG) {
		cleanup_free char *name = st_syscall_name(e->abi, e->nr);

		st_debug("first %s (%s #%u) by pid %u%s", name ? name : "?",
			 st_abi_arch_name(e->abi) ?: "?", e->nr, e->tgid,
			 e->flags & ST_EV_SCOPED ? "" : " (before the scope started)");
	}
	return 0;
}

/* Bits set in the kernel's bitmap but not in what arrived. */
static unsigned missing_bits(const __u64 (*kernel)[ST_BITMAP_WORDS], const struct st_sysset *got)
{
	unsigned n = 0;

	for (unsigned a = 0; a < ST_NR_ABI; a++)
		for (unsigned w = 0; w < ST_BITMAP_WORDS; w++)
			n += __builtin_popcountll(kernel[a][w] & ~got->bits[a][w]);
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The kernel's value slots, sorted and without the duplicates racing CPUs
 * left. */
static void collect_args(const struct st_target *val, struct st_arg_values *out)
{
	memset(out, 0, sizeof(*out));
	out->overflow = val->arg_overflow;
	for (unsigned k = 0; k < ST_NR_ARG_KINDS; k++) {
		uint32_t n = 0;

		for (unsigned i = 0; i < ST_MAX_ARG_VALUES; i++)
			if ((val->arg_present[k] >> i) & 1)
				out->v[k][n++] = val->arg_vals[k][i];
		qsort(out->v[k], n, sizeof(uint64_t), cmp_u64);
		out->n[k] = 0;
		for (uint32_t i = 0; i < n; i++)
			if (!i || out->v[k][i] != out->v[k][out->n[k] - 1])
				out->v[k][out->n[k]++] = out->v[k][i];
	}
}

int st_collect_finish(struct st_collector *c, const struct st_target *kernel,
		      struct st_trace_result *out, struct st_error *err)
{
	unsigned missing;

	if (kernel->lost)
		return st_error_set(err, 0,
				    "%llu syscall events were lost (ring buffer full); "
				    "refusing to write an incomplete profile",
				    (unsigned long long)kernel->lost);
	missing =
	    missing_bits(kernel->all, &c->res.all) + missing_bits(kernel->scoped, &c->res.scoped);
	if (missing)
		return st_error_set(err, 0,
				    "%u syscalls recorded in the kernel never reached the tracer; "
				    "refusing to write an incomplete profile",
				    missing);
	if (kernel->out_of_range)
		st_warn("%llu calls with syscall numbers >= %d were not recorded (invalid numbers)",
			(unsigned long long)kernel->out_of_range, ST_MAX_SYSCALLS);
	c->res.scope_state = kernel->scope_state;
	collect_args(kernel, &c->res.args);
	*out = c->res;
	return 0;
}
