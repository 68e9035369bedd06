/* SPDX-License-Identifier: Apache-2.0 */
/* Reading untrusted files with bounds, writing results atomically into a
 * directory validated (and held open) beforehand. */
#ifndef ST_FILEIO_H
#define ST_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* The most any JSON we read (profiles, OCI state) may hold, and so the most
 * a profile we write may hold: what we write, check/diff/merge/if: read back. */
#define ST_MAX_INPUT_BYTES (4u << 20)

/* How paths of a less-trusted party (the hook's of: and if:) are resolved.
 * Functions taking one treat NULL as the caller's own path (run, merge,
 * check, ...): resolved as the kernel does, symlinks in directories
 * followed. Otherwise, with directories (--allow-dir), beneath one of them
 * (openat2 RESOLVE_BENEATH); with none, from / with no symlink in any
 * component (RESOLVE_NO_SYMLINKS), and if: only from a file every user may
 * read, so that errors tell nothing about paths its requester could not
 * have looked at. */
struct st_allow {
	char **dirs; /* canonical paths */
	size_t n;
};

/* Add a directory (resolved with realpath; must exist). */
int st_allow_add(struct st_allow *a, const char *dir, struct st_error *err);
void st_allow_free(struct st_allow *a);

/* Read a whole regular file of at most max bytes into a NUL-terminated buffer.
 * FIFOs, devices, directories and files of kernel filesystems (proc, sysfs,
 * tracefs, ...) are refused before they are opened for reading. */
int st_read_file(const char *path, size_t max, char **out, size_t *len, struct st_error *err);
/* The same for a path resolved under allow (see struct st_allow); a final
 * symlink is refused. *private (may be NULL) tells whether others could not
 * read the file: it lacks o+r, or a directory from / down to it lacks o+x
 * (walked up from the opened file, not the path given); its group bits do
 * not count (an output cannot take its group). What is made from a private
 * file must not tell others: it is written 0600. */
int st_read_file_in(const struct st_allow *allow, const char *path, size_t max, char **out,
		    size_t *len, bool *private, struct st_error *err);
/* Read all of fd (a pipe: the OCI state on stdin) up to max bytes. */
int st_read_fd(int fd, const char *what, size_t max, char **out, size_t *len, struct st_error *err);

/* What kind of file a target holds: what is there already is replaced only
 * if it is of this kind (ours() true) or empty, never another file. */
struct st_outfile_kind {
	const char *what; /* "a seccomp profile", for messages */
	const char *some; /* "a profile" */
	bool (*ours)(const char *text, size_t len);
};
/* Docker/OCI JSON with a defaultAction, or a SeccompProfile. */
extern const struct st_outfile_kind st_outfile_profile;

/* Where a profile (or a file of another kind) will be written: its
 * directory, resolved (under an st_allow), checked and proven writable when
 * the target is opened, stays open until the write, which goes into that
 * directory whatever happens to its path meanwhile. */
struct st_outfile {
	char *path; /* as given */
	char *dir;  /* its directory, as given */
	char *base; /* final component */
	char *real; /* the directory's path when it was opened (kernel's view) */
	int dfd;    /* the directory; -1 once closed */
	const struct st_outfile_kind *kind; /* NULL: st_outfile_profile */
	bool private;			    /* written 0600 whatever the mode asked: it holds what a
					     * file others could not read held (a private base) */
};

/* Open path's directory and check it: not on a kernel filesystem, a file can
 * be created in it (a read-only mount or an immutable directory fails here),
 * and what is at path now is nothing, an empty file or a seccomp profile
 * (Docker/OCI JSON or a SeccompProfile): never a symlink, a non-regular file
 * or another file. */
int st_outfile_open(const struct st_allow *allow, const char *path, struct st_outfile *t,
		    struct st_error *err);
/* The same for a file of another kind. */
int st_outfile_open_kind(const struct st_allow *allow, const char *path,
			 const struct st_outfile_kind *kind, struct st_outfile *t,
			 struct st_error *err);
/* A file named name (one component) in the directory `of` holds (a
 * descriptor of its own on that very directory: the same one, whatever
 * happened to its path), checked as st_outfile_open checks a target. */
int st_outfile_open_beside(const struct st_outfile *of, const char *name,
			   const struct st_outfile_kind *kind, struct st_outfile *t,
			   struct st_error *err);
/* Replace the target with data (at most ST_MAX_INPUT_BYTES): a temporary
 * file in the held directory, fsync, the target checked again, rename, fsync
 * of the directory. On failure the target is left as it was. */
int st_outfile_write(struct st_outfile *t, const void *data, size_t len, mode_t mode,
		     struct st_error *err);
/* The target's path now (the held directory's current path and the final
 * component), for the log; *moved when the directory's path is not the one
 * it had when the target was opened. */
const char *st_outfile_where(const struct st_outfile *t, bool *moved, char *buf, size_t len);
void st_outfile_close(struct st_outfile *t);

/* st_outfile_open, st_outfile_write and st_outfile_close for a path of the
 * caller's own. */
int st_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct st_error *err);

#endif
