/* Small language helpers. */
#ifndef ST_UTIL_H
#define ST_UTIL_H

/* Elements of an array; on a pointer gcc's -Wsizeof-pointer-div (in -Wall)
 * objects. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
