/* SPDX-License-Identifier: Apache-2.0 */
/* Text for a line of a log or of standard error (the log sinks, top-level
 * errors): nothing in it may end the line or steer the reader. */
#ifndef ST_ESCAPE_H
#define ST_ESCAPE_H

/* msg with what a log reader (journalctl, a terminal, a web UI) may take for
 * a line break or a control written as \xHH per byte: C0, DEL and C1
 * controls (U+0085 NEL), U+2028/U+2029, bidirectional formatting characters
 * and bytes that are no valid UTF-8; other UTF-8 stays. Malloc'ed; NULL when
 * nothing needs escaping (or out of memory: then the caller keeps msg).
 * Messages quote hostile text (annotations, paths, bases): it must not
 * start a line that reads as another entry of the log. */
char *st_escape_line(const char *msg);

#endif
