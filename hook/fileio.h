/* Reading untrusted files with bounds, writing results atomically. */
#ifndef ST_FILEIO_H
#define ST_FILEIO_H

#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* Upper bound for any JSON we read (profiles, OCI state). */
#define ST_MAX_INPUT_BYTES (4u << 20)

/* Directories the hook may read inputs from and write profiles to
 * (--allow-dir): canonical paths. With none, any path is allowed. */
struct st_allow {
	char **dirs;
	size_t n;
};

/* Add a directory (resolved with realpath; must exist). */
int st_allow_add(struct st_allow *a, const char *dir, struct st_error *err);
void st_allow_free(struct st_allow *a);

/* Read a whole regular file of at most max bytes into a NUL-terminated buffer.
 * FIFOs, devices and directories are refused without blocking. */
int st_read_file(const char *path, size_t max, char **out, size_t *len, struct st_error *err);
/* The same, confined: path must lie beneath a directory of allow (NULL: no
 * confinement), with no symlink leading out of it and none as the final
 * component. */
int st_read_file_in(const struct st_allow *allow, const char *path, size_t max, char **out,
		    size_t *len, struct st_error *err);
/* Read all of fd (a pipe: the OCI state on stdin) up to max bytes. */
int st_read_fd(int fd, const char *what, size_t max, char **out, size_t *len, struct st_error *err);

/* Replace path with data atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory. A symlink or a non-regular file at
 * path is refused; on failure path is left as it was. */
int st_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct st_error *err);
/* The same, confined like st_read_file_in. Never on proc, sys, cgroup or
 * other kernel filesystems either way. */
int st_write_file_atomic_in(const struct st_allow *allow, const char *path, const void *data,
			    size_t len, mode_t mode, struct st_error *err);

/* Check early (before a long trace) that path could be written by
 * st_write_file_atomic: its directory exists and it is not a symlink or a
 * non-regular file. */
int st_check_output_path_in(const struct st_allow *allow, const char *path, struct st_error *err);

#endif
