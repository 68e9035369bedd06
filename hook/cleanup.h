/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup so that error paths are a plain `return`. */
#ifndef ST_CLEANUP_H
#define ST_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>
#include <yajl/yajl_gen.h>

static inline void st_freep(void *p)
{
	free(*(void **)p);
}

static inline void st_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void st_yajl_treep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

static inline void st_yajl_genp(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

#define cleanup_free	  __attribute__((cleanup(st_freep)))
#define cleanup_close	  __attribute__((cleanup(st_closep)))
#define cleanup_yajl_tree __attribute__((cleanup(st_yajl_treep)))
#define cleanup_yajl_gen  __attribute__((cleanup(st_yajl_genp)))

/* Hand ownership out of a cleanup variable. */
#define st_steal(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tmp = (p);                                                          \
		(p) = NULL;                                                                        \
		_tmp;                                                                              \
	})

#endif
