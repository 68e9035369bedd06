/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp audit records, read from the lines they come in: the kernel log
 * (dmesg, /dev/kmsg, journalctl -k, syslog files) and auditd's audit.log.
 *
 * The kernel writes a record (kernel/auditsc.c: audit_seccomp and
 * audit_log_task) as
 *   auid=%u uid=%u gid=%u ses=%u[ subj=...] pid=%d comm=C exe=E sig=%ld
 *   arch=%x syscall=%ld compat=%d ip=0x%lx code=0x%x
 * after "audit(SEC.MSEC:SERIAL): ". The kernel log has it behind
 * "audit: type=1326 " (kernel/audit.c: kauditd_printk_skb), auditd's log
 * behind "type=SECCOMP msg=", with auditd's ENRICHED fields after a 0x1d.
 *
 * comm and exe are chosen by whoever runs in the container: the kernel
 * quotes them only when they hold no space, quote or byte outside 0x21-0x7e
 * and writes them in hex otherwise (kernel/audit.c:
 * audit_log_n_untrustedstring), so no field can be forged through them;
 * this parser never looks inside them for fields. Lines are hostile input:
 * everything is bounded, nothing past len is read, no NUL is needed. */
#ifndef ST_AUDIT_RECORD_H
#define ST_AUDIT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest line read; longer ones are reported, never cut and parsed. */
#define ST_AUDIT_MAX_LINE 16384
/* Decoded comm (the kernel's is at most 15 bytes) and exe (PATH_MAX). */
#define ST_AUDIT_MAX_COMM 64
#define ST_AUDIT_MAX_EXE  4096

/* include/uapi/linux/audit.h */
#define ST_AUDIT_TYPE_SECCOMP 1326

enum st_audit_kind {
	ST_AUDIT_NONE,	      /* no audit content (other messages, blank lines) */
	ST_AUDIT_SECCOMP,     /* a seccomp record, every field read */
	ST_AUDIT_RECORD,      /* another audit record: its type and stamp only */
	ST_AUDIT_BAD_SECCOMP, /* a seccomp record that cannot be read (why says why) */
	ST_AUDIT_LOSS,	      /* the kernel says records were dropped */
	ST_AUDIT_UNSUPPORTED, /* audit lines in a form that cannot be read safely */
};

enum st_audit_source {
	ST_AUDIT_SRC_KERNEL, /* the kernel log, in any of its dumps */
	ST_AUDIT_SRC_AUDITD, /* auditd's log (raw or enriched), ausearch --raw */
};

/* How a line stands in its log. Only lines that start a message in a form
 * that keeps message boundaries (/dev/kmsg, which escapes newlines; a time
 * stamp or level before every message, dmesg's and journalctl's, which
 * indent the rest of a message that holds a newline; auditd) can be
 * records: any user can make the kernel print a newline (a mount option
 * echoed in an error), and without boundaries what follows it reads as a
 * message of its own. */
enum st_audit_form {
	ST_FORM_NONE,	      /* no log form learn knows (or another facility's syslog line) */
	ST_FORM_KMSG,	      /* /dev/kmsg "PRI,SEQ,USEC,FLAGS;MESSAGE" */
	ST_FORM_STAMPED,      /* a message behind its own stamp: dmesg, journalctl -k, syslog */
	ST_FORM_AUDITD,	      /* auditd's log, ausearch --raw */
	ST_FORM_MARK,	      /* lines that say nothing: journalctl's "-- ... --", grep's
			       * "--", ausearch's "----" and "time->", blank lines */
	ST_FORM_BARE,	      /* a kernel message with nothing before it (dmesg -t,
			       * journalctl -o cat): boundaries lost, never a record */
	ST_FORM_CONTINUATION, /* indented: the rest of a message that held a newline */
};

enum st_audit_loss_kind {
	ST_LOSS_SUPPRESSED, /* "kauditd_printk_skb: N callbacks suppressed" (printk rate limit) */
	ST_LOSS_LOST,	    /* "audit: audit_lost=N ..." (the lost counter went up) */
	ST_LOSS_BACKLOG,    /* "audit: audit_backlog=N > audit_backlog_limit=M" */
	ST_LOSS_REASON,	    /* audit_panic's reason: "rate limit exceeded", ... */
};

struct st_audit_stamp {
	uint64_t sec;	 /* wall clock, seconds since the epoch */
	uint32_t msec;	 /* 0-999 */
	uint32_t serial; /* per boot, one per event (kernel/audit.c: audit_serial) */
};

struct st_audit_seccomp {
	uint32_t arch;	 /* AUDIT_ARCH_* value, as libseccomp's arch tokens */
	int64_t syscall; /* as the filter saw it (x32: with the x32 bit) */
	uint32_t code;	 /* the filter's return value: action | data */
	int64_t pid;	 /* thread group id in the initial PID namespace */
	int64_t sig;	 /* signal sent (kill actions), 0 otherwise */
	bool compat;	 /* compat=1: a 32-bit call on a 64-bit kernel (ia32, x32) */
	bool has_compat; /* older kernels have no compat field */
	bool has_exe;	 /* false for exe=(null) (a kernel thread) or none */
	size_t comm_len; /* decoded, NUL-terminated, may hold any byte */
	size_t exe_len;
	char comm[ST_AUDIT_MAX_COMM + 1]; /* the arrays stay last: see the parser */
	char exe[ST_AUDIT_MAX_EXE + 1];
};

struct st_audit_line {
	enum st_audit_kind kind;
	enum st_audit_source source;
	enum st_audit_form form; /* kind says what the text reads as; form whether to trust it */
	bool new_boot;		 /* journalctl's "-- Boot ID --": serial numbers start over */
	bool has_mono;		 /* the printk time is known (/dev/kmsg, "[SEC.USEC]") */
	uint64_t mono_usec;	 /* printk time, microseconds since boot */
	bool has_stamp;
	struct st_audit_stamp stamp;
	uint32_t type;	    /* audit record type; 0 when auditd named one we do not know */
	bool daemon;	    /* auditd's own DAEMON_* records: auditd numbers them itself */
	bool has_kmsg;	    /* a /dev/kmsg record "PRI,SEQ,USEC,FLAGS;" */
	uint64_t kmsg_seq;  /* its sequence number */
	uint64_t kmsg_usec; /* its time, microseconds since boot */
	enum st_audit_loss_kind loss;
	uint64_t loss_count; /* SUPPRESSED: callbacks suppressed; LOST: audit_lost */
	const char *why;     /* BAD_SECCOMP, UNSUPPORTED, LOSS: static text */
	struct st_audit_seccomp sc;
};

/* Read one line (len bytes; a trailing "\n" or "\r\n" is ignored) into out.
 * Never fails: what the line is, or why it cannot be read, is in out->kind;
 * whether it starts a message in a form with boundaries is in out->form. */
void st_audit_parse_line(const char *line, size_t len, struct st_audit_line *out);

/* Seccomp actions (include/uapi/linux/seccomp.h), the upper 16 bits of code. */
#define ST_SECCOMP_RET_ACTION_FULL  0xffff0000U
#define ST_SECCOMP_RET_KILL_PROCESS 0x80000000U
#define ST_SECCOMP_RET_KILL_THREAD  0x00000000U
#define ST_SECCOMP_RET_TRAP	    0x00030000U
#define ST_SECCOMP_RET_ERRNO	    0x00050000U
#define ST_SECCOMP_RET_USER_NOTIF   0x7fc00000U
#define ST_SECCOMP_RET_TRACE	    0x7ff00000U
#define ST_SECCOMP_RET_LOG	    0x7ffc0000U
#define ST_SECCOMP_RET_ALLOW	    0x7fff0000U

/* The profile action a code stands for ("SCMP_ACT_LOG"); for codes no
 * action has, what the kernel does with them (kill the process). */
const char *st_seccomp_action_name(uint32_t code);

/* Write s (n bytes, any content) into buf as printable ASCII, escaping
 * quotes, backslashes and other bytes as \xHH; cut with "..." to fit len.
 * Returns buf. For messages that show comm and exe. */
const char *st_audit_printable(const char *s, size_t n, char *buf, size_t len);

#endif
