// SPDX-License-Identifier: Apache-2.0
/* Seccomp audit records: the line forms they come in, hostile comm/exe
 * values, gaps, and what learning adds to a profile. The sample lines were
 * produced on the development VM (kernel 6.18, auditd 3.0.9) unless marked
 * as built by hand from the kernel's format (x32, journald, old forms). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_record.h"
#include "check.h"
#include "helpers.h"
#include "learn.h"
#include "learn_time.h"

/* Real: dmesg, a LOG action on getcpu (309) from a native program. */
#define DMESG_NATIVE                                                                               \
	"[  419.390422] audit: type=1326 audit(1796027628.787:7): auid=4294967295 uid=0 gid=0 "    \
	"ses=4294967295 pid=23121 comm=\"many\" exe=\"/tmp/learnx/many\" sig=0 arch=c000003e "     \
	"syscall=309 compat=0 ip=0x7fb127781829 code=0x7ffc0000\n"
/* Real: the same from a 32-bit (ia32) program: 318 is getcpu there
 * (getrandom on x86-64). */
#define DMESG_IA32                                                                                 \
	"[  475.556250] audit: type=1326 audit(1796027684.955:40): auid=4294967295 uid=0 gid=0 "   \
	"ses=4294967295 pid=28080 comm=\"raw32\" exe=\"/tmp/learnx/raw32\" sig=0 arch=40000003 "   \
	"syscall=318 compat=1 ip=0xf7fbc5e9 code=0x7ffc0000"
/* Real: a comm set to `a" arch=c0 x`: the kernel writes it in hex. */
#define DMESG_HEX_COMM                                                                             \
	"[  475.556953] audit: type=1326 audit(1796027684.955:41): auid=4294967295 uid=0 gid=0 "   \
	"ses=4294967295 pid=28081 comm=612220617263683D63302078 exe=\"/tmp/learnx/raw64\" sig=0 "  \
	"arch=c000003e syscall=309 compat=0 ip=0x431429 code=0x7ffc0000"
/* Real: /dev/kmsg. */
#define KMSG_NATIVE                                                                                \
	"5,350,415731728,-;audit: type=1326 audit(1796027625.131:5): auid=4294967295 uid=0 gid=0 " \
	"ses=4294967295 pid=23020 comm=\"logt\" exe=\"/tmp/learnx/logt\" sig=0 arch=c000003e "     \
	"syscall=309 compat=0 ip=0x7f72f1012829 code=0x50000"
/* Real: auditd 3.0.9, log_format = ENRICHED (its interpretation is wrong:
 * one more reason to name syscalls ourselves). */
#define AUDITD_ENRICHED_IA32                                                                       \
	"type=SECCOMP msg=audit(1796027778.751:48): auid=4294967295 uid=0 gid=0 ses=4294967295 "   \
	"pid=4886 comm=\"raw32\" exe=\"/tmp/learnx/raw32\" sig=0 arch=40000003 syscall=318 "       \
	"compat=1 ip=0xf7f5a5e9 code=0x7ffc0000\x1d"                                               \
	"AUID=\"unset\" UID=\"root\" GID=\"root\" ARCH=i386 SYSCALL=unknown-syscall(-1)\n"
#define AUDITD_ENRICHED_NATIVE                                                                     \
	"type=SECCOMP msg=audit(1796027778.751:50): auid=4294967295 uid=0 gid=0 ses=4294967295 "   \
	"pid=4888 comm=\"logt\" exe=\"/tmp/learnx/logt\" sig=0 arch=c000003e syscall=312 "         \
	"compat=0 ip=0x7fc3cd45e829 code=0x7ffc0000\x1d"                                           \
	"AUID=\"unset\" UID=\"root\" GID=\"root\" ARCH=x86_64 SYSCALL=unknown-syscall(-1)"
/* Real: auditd log_format = RAW, name_format = HOSTNAME; comm "x\ty". */
#define AUDITD_RAW_IA32                                                                            \
	"node=vm type=SECCOMP msg=audit(1796027785.683:53): auid=4294967295 uid=0 gid=0 "          \
	"ses=4294967295 pid=5345 comm=780979 exe=\"/tmp/learnx/raw32\" sig=0 arch=40000003 "       \
	"syscall=318 compat=1 ip=0xf7fce5e9 code=0x7ffc0000\n"
#define AUDITD_DAEMON_START                                                                        \
	"type=DAEMON_START msg=audit(1796027777.736:9542): op=start ver=3.0.9 format=enriched "    \
	"kernel=6.18.44-fc-v669 auid=4294967295 pid=4837 uid=0 ses=4294967295 res=success\x1d"     \
	"AUID=\"unset\" UID=\"root\""
/* Real: the printk rate limit at work. */
#define DMESG_SUPPRESSED "[  427.123807] kauditd_printk_skb: 25 callbacks suppressed"
/* By hand, from the kernel's format: an x32 getpid (39 | 0x40000000). */
#define X32_GETPID                                                                                 \
	"[ 10.000000] audit: type=1326 audit(1796027000.000:3): auid=4294967295 uid=0 gid=0 "      \
	"ses=4294967295 pid=77 comm=\"p\" exe=\"/p\" sig=0 arch=c000003e syscall=1073741863 "      \
	"compat=1 ip=0x401000 code=0x7ffc0000"

static struct st_audit_line L; /* big (exe is PATH_MAX): not on the stack */

static const struct st_audit_line *parse_line(const char *s)
{
	st_audit_parse_line(s, strlen(s), &L);
	return &L;
}

static void test_kernel_forms(void)
{
	const struct st_audit_line *l = parse_line(DMESG_NATIVE);

	CHECK(l->kind == ST_AUDIT_SECCOMP && l->source == ST_AUDIT_SRC_KERNEL);
	CHECK(l->type == 1326 && l->has_stamp);
	CHECK(l->stamp.sec == 1796027628 && l->stamp.msec == 787 && l->stamp.serial == 7);
	CHECK(l->sc.arch == 0xc000003e && l->sc.syscall == 309 && l->sc.code == 0x7ffc0000);
	CHECK(l->sc.pid == 23121 && !l->sc.compat && l->sc.has_compat && l->sc.sig == 0);
	CHECK_STR(l->sc.comm, "many");
	CHECK(l->sc.has_exe);
	CHECK_STR(l->sc.exe, "/tmp/learnx/many");

	l = parse_line(DMESG_IA32);
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.arch == 0x40000003 && l->sc.syscall == 318);
	CHECK(l->sc.compat);

	l = parse_line(KMSG_NATIVE);
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->has_kmsg && l->kmsg_seq == 350);
	CHECK(l->kmsg_usec == 415731728 && l->sc.code == 0x50000);

	/* the same record behind every prefix the kernel log's readers print */
	static const char *const prefixes[] = {
	    "",						    /* dmesg -t, journalctl -o cat */
	    "[Mon Nov 30 10:00:00 2026] ",		    /* dmesg -T */
	    "<5>[  415.731728] ",			    /* dmesg -r */
	    "kern  :notice: [  415.731728] ",		    /* dmesg -x */
	    "2026-11-30T10:00:00,123456+00:00 ",	    /* dmesg --time-format=iso */
	    "Nov 30 10:00:00 vm kernel: ",		    /* journalctl -k */
	    "Nov 30 10:00:00.123456 vm kernel: ",	    /* -o short-precise */
	    "2026-11-30T10:00:00+0000 vm kernel: ",	    /* -o short-iso */
	    "Mon 2026-11-30 10:00:00 UTC vm kernel: ",	    /* -o short-full */
	    "[  415.731728] vm kernel: ",		    /* -o short-monotonic */
	    "Nov 30 10:00:00 vm kernel: [  415.731728] ",   /* syslog with the kernel's time */
	    "2026-11-30T10:00:00.123456+00:00 vm kernel: ", /* rsyslog RFC 3339 */
	};
	const char *msg = strstr(KMSG_NATIVE, "audit: type");
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		char line[1024];

		snprintf(line, sizeof(line), "%s%s\r\n", prefixes[i], msg);
		l = parse_line(line);
		if (l->kind != ST_AUDIT_SECCOMP || l->sc.syscall != 309 || l->stamp.serial != 5)
			fprintf(stderr, "prefix '%s' not read (kind %d)\n", prefixes[i], l->kind);
		CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.syscall == 309);
	}
	/* the audit line must start the kernel's message */
	char line[1024];
	snprintf(line, sizeof(line), "[  415.731728] foo %s", msg);
	CHECK(parse_line(line)->kind != ST_AUDIT_SECCOMP);
	snprintf(line, sizeof(line), "Nov 30 10:00:00 vm sshd[12]: %s", msg);
	CHECK(parse_line(line)->kind != ST_AUDIT_SECCOMP);
	snprintf(line, sizeof(line), "[  1.0] process '/x %s' started with executable stack", msg);
	CHECK(parse_line(line)->kind != ST_AUDIT_SECCOMP);
}

static void test_kmsg_facility(void)
{
	char line[1024];

	/* user space may write to /dev/kmsg, never as the kernel (facility 0):
	 * 14 = user.info, 13 = user.notice */
	snprintf(line, sizeof(line), "14,351,415731800,-;%s", strstr(KMSG_NATIVE, "audit: "));
	CHECK(parse_line(line)->kind == ST_AUDIT_NONE);
	snprintf(line, sizeof(line), "<13>%s", strstr(KMSG_NATIVE, "audit: "));
	CHECK(parse_line(line)->kind == ST_AUDIT_NONE);
	snprintf(line, sizeof(line), "6,351,415731800,-;%s", strstr(KMSG_NATIVE, "audit: "));
	CHECK(parse_line(line)->kind == ST_AUDIT_SECCOMP); /* kern.info */
	/* continuation lines of /dev/kmsg (its dictionary) are not records */
	CHECK(parse_line(" SUBSYSTEM=audit")->kind == ST_AUDIT_NONE);
}

static void test_auditd_forms(void)
{
	const struct st_audit_line *l = parse_line(AUDITD_ENRICHED_IA32);

	CHECK(l->kind == ST_AUDIT_SECCOMP && l->source == ST_AUDIT_SRC_AUDITD);
	CHECK(l->sc.arch == 0x40000003 && l->sc.syscall == 318 && l->stamp.serial == 48);
	CHECK_STR(l->sc.comm, "raw32");
	l = parse_line(AUDITD_ENRICHED_NATIVE);
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.syscall == 312 && l->sc.code == 0x7ffc0000);
	l = parse_line(AUDITD_RAW_IA32);
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.syscall == 318);
	CHECK(l->sc.comm_len == 3 && !memcmp(l->sc.comm, "x\ty", 3));
	l = parse_line(AUDITD_DAEMON_START);
	CHECK(l->kind == ST_AUDIT_RECORD && l->daemon && l->stamp.serial == 9542);
	/* auditd before it knew the type's name */
	l = parse_line("type=UNKNOWN[1326] msg=audit(1.000:9): auid=0 uid=0 gid=0 ses=1 pid=5 "
		       "comm=\"x\" exe=\"/x\" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 "
		       "code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->type == 1326 && l->sc.syscall == 0);
	l = parse_line("type=SYSCALL msg=audit(1796027778.751:60): arch=c000003e syscall=59 "
		       "success=yes exit=0 comm=\"sh\" exe=\"/bin/sh\"");
	CHECK(l->kind == ST_AUDIT_RECORD && !l->daemon && l->stamp.serial == 60);
	/* ausearch --interpret decodes comm: it could then hold any field */
	l = parse_line("type=SECCOMP msg=audit(11/30/2026 10:00:00.123:53) : auid=unset uid=root "
		       "gid=root ses=unset pid=5345 comm=x arch=x86_64 syscall=getcpu compat=1 "
		       "ip=0xf7fce5e9 code=log");
	CHECK(l->kind == ST_AUDIT_UNSUPPORTED);
	/* ausearch's own lines */
	CHECK(parse_line("----")->kind == ST_AUDIT_NONE);
	CHECK(parse_line("time->Mon Nov 30 10:00:00 2026")->kind == ST_AUDIT_NONE);
}

/* comm and exe are the container's to choose; no field comes out of them. */
static void test_hostile_values(void)
{
	const struct st_audit_line *l = parse_line(DMESG_HEX_COMM);
	char line[2048];

	CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.syscall == 309 && l->sc.arch == 0xc000003e);
	CHECK(l->sc.comm_len == 12 && !memcmp(l->sc.comm, "a\" arch=c0 x", 12));

	/* a comm that says `" arch=40000003 syscall=11 code=0x7ffc0000 `, as the
	 * kernel writes it (hex), leaves the real fields alone */
	const char *evil = "\" arch=40000003 syscall=11 code=0x7ffc0000 ";
	char hex[256] = "";
	for (size_t i = 0; evil[i]; i++)
		sprintf(hex + 2 * i, "%02X", (unsigned char)evil[i]);
	snprintf(line, sizeof(line),
		 "[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=%s "
		 "exe=%s sig=0 arch=c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000",
		 hex, hex);
	l = parse_line(line);
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.arch == 0xc000003e && l->sc.syscall == 309);
	CHECK(l->sc.exe_len == strlen(evil) && !memcmp(l->sc.exe, evil, strlen(evil)));

	/* the kernel never quotes a value with a space or a quote: such a line
	 * is not a record (forged, or not the kernel's) */
	l = parse_line("[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		       "comm=\"a\" arch=40000003 syscall=11 \" exe=\"/x\" sig=0 arch=c000003e "
		       "syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	l = parse_line("[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		       "comm=\"a\"b\" exe=\"/x\" sig=0 arch=c000003e syscall=309 compat=0 ip=0x1 "
		       "code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	/* a field twice is not the kernel's either */
	l = parse_line("[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		       "comm=\"a\" exe=\"/x\" sig=0 arch=c000003e syscall=309 syscall=59 compat=0 "
		       "ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	/* the kernel's own fields come in its order, code last */
	l = parse_line("[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		       "comm=\"a\" exe=\"/x\" sig=0 arch=c000003e syscall=309 compat=0 "
		       "code=0x7ffc0000 ip=0x1");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	l = parse_line("[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		       "comm=\"a\" exe=\"/x\" sig=0 syscall=309 arch=c000003e compat=0 ip=0x1 "
		       "code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	/* odd-length or non-hex "hex" */
	l = parse_line("audit: type=1326 audit(1.000:2): pid=9 comm=ABC exe=\"/x\" sig=0 "
		       "arch=c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	l = parse_line("audit: type=1326 audit(1.000:2): pid=9 comm=GG exe=\"/x\" sig=0 "
		       "arch=c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	/* a comm longer than any kernel's is refused, not cut */
	char longcomm[300];
	memset(longcomm, 'A', 200);
	longcomm[200] = '\0';
	snprintf(line, sizeof(line),
		 "audit: type=1326 audit(1.000:2): pid=9 comm=%s exe=\"/x\" sig=0 arch=c000003e "
		 "syscall=309 compat=0 ip=0x1 code=0x7ffc0000",
		 longcomm);
	CHECK(parse_line(line)->kind == ST_AUDIT_BAD_SECCOMP);
	/* numbers past their type */
	l = parse_line("audit: type=1326 audit(1.000:2): pid=9 comm=\"a\" exe=\"/x\" sig=0 "
		       "arch=1c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	l = parse_line(
	    "audit: type=1326 audit(1.000:2): pid=9 comm=\"a\" exe=\"/x\" sig=0 "
	    "arch=c000003e syscall=99999999999999999999 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
	l = parse_line("audit: type=1326 audit(1.000:4294967296): pid=9 comm=\"a\" exe=\"/x\" "
		       "sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP);
}

static void test_odd_records(void)
{
	const struct st_audit_line *l;

	/* a kernel thread has no exe; an empty comm is quoted */
	l = parse_line("audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"\" "
		       "exe=(null) sig=31 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x80000000");
	CHECK(l->kind == ST_AUDIT_SECCOMP && !l->sc.has_exe && l->sc.comm_len == 0);
	CHECK(l->sc.sig == 31 && l->sc.code == 0x80000000);
	/* an LSM label with a space (AppArmor: "name (enforce)") before pid */
	l = parse_line("audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 "
		       "subj=docker-default (enforce) pid=9 comm=\"a\" exe=\"/a\" sig=0 "
		       "arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_SECCOMP && l->sc.pid == 9);
	/* printk cuts lines near 1 KiB: a long exe (in hex, twice as long)
	 * loses the fields after it */
	l = parse_line("[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		       "comm=\"a\" exe=2F746D702F6C6561726E");
	CHECK(l->kind == ST_AUDIT_BAD_SECCOMP && l->has_stamp);
	/* other records and the kernel's loss messages */
	l = parse_line("[    0.05] audit: type=2000 audit(0.052:1): state=initialized "
		       "audit_enabled=0 res=1");
	CHECK(l->kind == ST_AUDIT_RECORD && l->type == 2000 && l->stamp.serial == 1);
	l = parse_line(DMESG_SUPPRESSED);
	CHECK(l->kind == ST_AUDIT_LOSS && l->loss == ST_LOSS_SUPPRESSED && l->loss_count == 25);
	l = parse_line("[ 9.0] audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64");
	CHECK(l->kind == ST_AUDIT_LOSS && l->loss == ST_LOSS_LOST && l->loss_count == 3);
	l = parse_line("[ 9.0] audit: audit_backlog=65 > audit_backlog_limit=64");
	CHECK(l->kind == ST_AUDIT_LOSS && l->loss == ST_LOSS_BACKLOG);
	l = parse_line("[ 9.0] audit: backlog limit exceeded");
	CHECK(l->kind == ST_AUDIT_LOSS && l->loss == ST_LOSS_REASON);
	l = parse_line("[ 9.0] audit: rate limit exceeded");
	CHECK(l->kind == ST_AUDIT_LOSS);
	CHECK(parse_line("[ 9.0] audit: initializing netlink subsys (disabled)")->kind ==
	      ST_AUDIT_NONE);
	CHECK(parse_line("[ 9.0] net_ratelimit: 5 callbacks suppressed")->kind == ST_AUDIT_NONE);
	l = parse_line(
	    "Oct 25 14:42:34 h kernel: [68883272.061562] audit_log_start: 1227 callbacks "
	    "suppressed");
	CHECK(l->kind == ST_AUDIT_LOSS && l->loss_count == 1227);
	CHECK(parse_line("")->kind == ST_AUDIT_NONE);
	/* journald's copy from the audit socket (journalctl without -k) */
	l = parse_line("Nov 30 10:00:00 vm audit[5345]: SECCOMP auid=4294967295 uid=0 gid=0 "
		       "ses=4294967295 pid=5345 comm=\"x\" exe=\"/x\" sig=0 arch=c000003e "
		       "syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
	CHECK(l->kind == ST_AUDIT_UNSUPPORTED && strstr(l->why, "journalctl -k"));
	/* a line in no log form is no record (the input as a whole is judged) */
	l = parse_line("SECCOMP event: type=1326 audit(1.000:2): whatever");
	CHECK(l->kind == ST_AUDIT_NONE && l->form == ST_FORM_NONE);
	/* too long to be a record */
	size_t n = ST_AUDIT_MAX_LINE + 100;
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	memcpy(big, "audit: type=1326 audit(1.000:2): ", 33);
	big[n] = '\0';
	st_audit_parse_line(big, n, &L);
	CHECK(L.kind == ST_AUDIT_BAD_SECCOMP);
	free(big);
	/* a line without its end: nothing is read past len */
	st_audit_parse_line(DMESG_NATIVE, 40, &L);
	CHECK(L.kind == ST_AUDIT_NONE || L.kind == ST_AUDIT_UNSUPPORTED ||
	      L.kind == ST_AUDIT_BAD_SECCOMP);
}

static void test_actions(void)
{
	CHECK_STR(st_seccomp_action_name(0x7ffc0000), "SCMP_ACT_LOG");
	CHECK_STR(st_seccomp_action_name(0x50001), "SCMP_ACT_ERRNO");
	CHECK_STR(st_seccomp_action_name(0x80000000), "SCMP_ACT_KILL_PROCESS");
	CHECK_STR(st_seccomp_action_name(0), "SCMP_ACT_KILL_THREAD");
	CHECK_STR(st_seccomp_action_name(0x30000), "SCMP_ACT_TRAP");
	CHECK_STR(st_seccomp_action_name(0x7fc00000), "SCMP_ACT_NOTIFY");
	CHECK_STR(st_seccomp_action_name(0x7ff00000), "SCMP_ACT_TRACE");
	CHECK_STR(st_seccomp_action_name(0x7fff0000), "SCMP_ACT_ALLOW");
	CHECK_STR(st_seccomp_action_name(0x12340000), "SCMP_ACT_KILL_PROCESS");
}

static void test_printable(void)
{
	char buf[16], big[32];

	CHECK_STR(st_audit_printable("a\"b\\c\n", 6, big, sizeof(big)), "a\\x22b\\x5cc\\x0a");
	CHECK_STR(st_audit_printable("abcdefghijklmnopqrstuvwxyz", 26, buf, sizeof(buf)),
		  "abcdefghijkl...");
	CHECK(strlen(st_audit_printable("\x01\x02\x03\x04", 4, buf, 8)) < 8);
}

/* ---- learning ---- */

/* The profile as compact JSON (no white space outside strings). */
static char *compact_json(const struct st_profile *p)
{
	char *s = to_json(p), *o = s;
	bool in_str = false;

	for (const char *c = s; c && *c; c++) {
		if (*c == '"' && (c == s || c[-1] != '\\'))
			in_str = !in_str;
		if (in_str || (*c != ' ' && *c != '\n'))
			*o++ = *c;
	}
	if (o)
		*o = '\0';
	return s;
}

static struct st_learn *learner(const struct st_learn_opts *o)
{
	struct st_error err = {0};
	struct st_learn *l = NULL;

	if (st_learn_new(o, &l, &err) < 0)
		fprintf(stderr, "learn: %s\n", err.msg);
	return l;
}

/* End of input; the error's text in last_error. */
static char last_error[1024];
static int finish(struct st_learn *l)
{
	struct st_error err = {0};
	int rc = st_learn_finish(l, &err);

	snprintf(last_error, sizeof(last_error), "%s", rc < 0 ? err.msg : "");
	return rc;
}

static void feed(struct st_learn *l, const char *line)
{
	struct st_error err = {0};

	st_audit_parse_line(line, strlen(line), &L);
	if (st_learn_add(l, &L, "test", 1, &err) < 0)
		fprintf(stderr, "feed: %s\n", err.msg);
}

/* A native record of syscall nr, serial s, at second t, with code and pid. */
static void feed_rec(struct st_learn *l, int nr, unsigned s, unsigned t, unsigned code, int pid,
		     const char *comm)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "[ 1.0] audit: type=1326 audit(%u.000:%u): auid=0 uid=0 gid=0 ses=1 pid=%d "
		 "comm=\"%s\" exe=\"/bin/%s\" sig=0 arch=c000003e syscall=%d compat=0 ip=0x1 "
		 "code=0x%x",
		 t, s, pid, comm, comm, nr, code);
	feed(l, line);
}

static const struct st_learned *find(const struct st_learn *l, const char *name, uint32_t arch)
{
	size_t n;
	const struct st_learned *v = st_learn_calls(l, &n);

	for (size_t i = 0; i < n; i++)
		if (v[i].name && !strcmp(v[i].name, name) && v[i].arch == arch)
			return &v[i];
	return NULL;
}

static void test_naming_per_arch(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});
	size_t n;

	feed(l, DMESG_NATIVE);
	feed(l, DMESG_IA32);
	feed(l, X32_GETPID);
	feed(l, AUDITD_ENRICHED_IA32);
	feed(l, AUDITD_ENRICHED_NATIVE);
	/* a number no arch has: reported, never named "" */
	feed_rec(l, 999, 100, 1796027700, 0x7ffc0000, 1, "x");
	finish(l);
	const struct st_learned *v = st_learn_calls(l, &n);
	CHECK(n == 5);
	CHECK(find(l, "getcpu", 0xc000003e) && find(l, "getcpu", 0xc000003e)->records == 1);
	CHECK(find(l, "getcpu", 0x40000003) && find(l, "getcpu", 0x40000003)->records == 2);
	CHECK_STR(find(l, "getcpu", 0x40000003)->arch_name, "SCMP_ARCH_X86");
	CHECK(find(l, "getpid", 0xc000003e));
	CHECK_STR(find(l, "getpid", 0xc000003e)->arch_name, "SCMP_ARCH_X32");
	CHECK(find(l, "sched_getattr", 0xc000003e) == NULL); /* 312 is kcmp natively */
	CHECK(find(l, "kcmp", 0xc000003e));
	CHECK(!find(l, "getrandom", 0x40000003) && !find(l, "getrandom", 0xc000003e));
	CHECK(n == 5 && v[4].name == NULL && v[4].nr == 999); /* unnamed last */

	struct st_profile *p = st_profile_new();
	struct st_error err = {0};
	CHECK(st_learn_apply(l, p, &err) == 0);
	char *json = compact_json(p);
	CHECK_CONTAINS(json, "\"defaultAction\":\"SCMP_ACT_ERRNO\"");
	CHECK_CONTAINS(json, "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"");
	CHECK_CONTAINS(json, "\"names\":[\"getcpu\",\"getpid\",\"kcmp\"]");
	CHECK(!strstr(json, "\"\"")); /* never an empty name */
	free(json);
	st_profile_free(p);
	st_learn_free(l);
}

static void test_actions_counted(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});
	const struct st_learn_stats *s;

	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a"); /* LOG: getcpu */
	feed_rec(l, 312, 2, 10, 0x50001, 5, "a");    /* ERRNO(1): kcmp */
	feed_rec(l, 324, 3, 10, 0x80000000, 5, "a"); /* KILL_PROCESS: membarrier */
	feed_rec(l, 315, 4, 10, 0, 5, "a");	     /* KILL_THREAD: sched_getattr */
	feed_rec(l, 39, 5, 10, 0x30000, 5, "a");     /* TRAP: getpid */
	feed_rec(l, 0, 6, 10, 0x7fff0000, 5, "a");   /* ALLOW: read, never */
	feed_rec(l, 1, 7, 10, 0x7fc00000, 5, "a");   /* NOTIFY: write, the supervisor's */
	feed_rec(l, 2, 8, 10, 0x7ff00000, 5, "a");   /* TRACE: open, the tracer's */
	finish(l);
	s = st_learn_get_stats(l);
	CHECK(s->counted == 5 && s->allow == 1 && s->supervised == 2);
	CHECK(find(l, "getcpu", 0xc000003e) && find(l, "kcmp", 0xc000003e));
	CHECK(find(l, "membarrier", 0xc000003e) && find(l, "sched_getattr", 0xc000003e));
	CHECK(find(l, "getpid", 0xc000003e));
	CHECK(!find(l, "read", 0xc000003e) && !find(l, "write", 0xc000003e));
	CHECK(!find(l, "open", 0xc000003e));
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);
}

static void test_filters(void)
{
	int64_t pids[] = {7, 8};
	struct st_learn *l = learner(&(struct st_learn_opts){.pids = pids,
							     .n_pids = 2,
							     .has_since = true,
							     .since_ms = 20000,
							     .has_until = true,
							     .until_ms = 30000});

	feed_rec(l, 309, 1, 10, 0x7ffc0000, 7, "a"); /* before */
	feed_rec(l, 312, 2, 20, 0x7ffc0000, 7, "a"); /* in */
	feed_rec(l, 324, 3, 25, 0x7ffc0000, 9, "a"); /* other pid */
	feed_rec(l, 315, 4, 30, 0x7ffc0000, 8, "b"); /* in (until is inclusive) */
	feed_rec(l, 39, 5, 31, 0x7ffc0000, 8, "b");  /* after */
	finish(l);
	CHECK(!find(l, "getcpu", 0xc000003e) && find(l, "kcmp", 0xc000003e));
	CHECK(!find(l, "membarrier", 0xc000003e) && find(l, "sched_getattr", 0xc000003e));
	CHECK(!find(l, "getpid", 0xc000003e));
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);

	l = learner(&(struct st_learn_opts){.comm = "a\" arch=c0 x", .exe = "/tmp/learnx/raw64"});
	feed(l, DMESG_HEX_COMM);
	feed(l, DMESG_NATIVE);
	finish(l);
	CHECK(st_learn_get_stats(l)->counted == 1);
	st_learn_free(l);
}

static void test_serial_gaps(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});
	size_t n;
	uint64_t total;

	/* 1 2 4 5: record 3 never reached the log (shown out of order too) */
	feed_rec(l, 309, 2, 10, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 4, 11, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 5, 11, 0x7ffc0000, 5, "a");
	finish(l);
	CHECK(st_learn_incomplete(l));
	const char *const *g = st_learn_gaps(l, &n, &total);
	CHECK(n == 1 && total == 1);
	CHECK(n && strstr(g[0], "1 audit record(s) never reached this log"));
	st_learn_free(l);

	/* the gap is outside the window: no matter */
	l = learner(&(struct st_learn_opts){.has_since = true, .since_ms = 20000});
	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 3, 11, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 4, 20, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 5, 21, 0x7ffc0000, 5, "a");
	finish(l);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);

	/* a reboot: the numbers start over, the clock goes on; a record of
	 * another type fills its number; auditd's own are numbered apart */
	l = learner(&(struct st_learn_opts){0});
	for (unsigned s = 5000; s < 5003; s++)
		feed_rec(l, 309, s, 10, 0x7ffc0000, 5, "a");
	feed(l,
	     "[ 0.1] audit: type=2000 audit(100.000:1): state=initialized audit_enabled=0 res=1");
	feed_rec(l, 309, 2, 100, 0x7ffc0000, 5, "a");
	feed(l, "type=DAEMON_START msg=audit(101.000:9542): op=start ver=3.0.9 res=success");
	feed_rec(l, 309, 3, 101, 0x7ffc0000, 5, "a");
	finish(l);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);
}

static void test_kernel_says_lost(void)
{
	/* "callbacks suppressed" between two records in the window */
	struct st_learn *l = learner(&(struct st_learn_opts){0});
	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a");
	feed(l, DMESG_SUPPRESSED);
	feed_rec(l, 309, 2, 16, 0x7ffc0000, 5, "a");
	finish(l);
	CHECK(st_learn_incomplete(l));
	st_learn_free(l);

	/* ... between two records before the window: not ours */
	l = learner(&(struct st_learn_opts){.has_since = true, .since_ms = 50000});
	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a");
	feed(l, DMESG_SUPPRESSED);
	feed_rec(l, 309, 2, 16, 0x7ffc0000, 5, "a");
	feed_rec(l, 309, 3, 60, 0x7ffc0000, 5, "a");
	finish(l);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);

	/* ... as the last line: drops after the last record, in the window */
	l = learner(&(struct st_learn_opts){.has_since = true, .since_ms = 50000});
	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a");
	feed(l, "[ 9.0] audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64");
	finish(l);
	CHECK(st_learn_incomplete(l));
	st_learn_free(l);

	/* unreadable and unsupported lines are gaps */
	l = learner(&(struct st_learn_opts){0});
	feed(l, "[ 1.0] audit: type=1326 audit(1.000:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
		"comm=\"a\" exe=2F746D702F6C6561726E");
	finish(l);
	CHECK(st_learn_incomplete(l) && st_learn_get_stats(l)->bad == 1);
	st_learn_free(l);
}

/* The gap messages' first (or only) text. */
static const char *gap0(const struct st_learn *l)
{
	size_t n;
	uint64_t total;
	const char *const *g = st_learn_gaps(l, &n, &total);

	return n ? g[0] : "";
}

/* n records at second 10 (spread: one more second each), then the end. */
static struct st_learn *burst_of(const struct st_learn_opts *o, unsigned n, unsigned spread)
{
	struct st_learn *l = learner(o);

	for (unsigned s = 1; s <= n; s++)
		feed_rec(l, 309, s, 10 + s * spread, 0x7ffc0000, 5, "a");
	finish(l);
	return l;
}

static void test_trailing_burst(void)
{
	struct st_learn_opts o = {.ratelimit_ms = 5000, .ratelimit_burst = 10};
	/* ten records in one second at the end of a kernel log: the printk
	 * rate limit may have dropped the next ones without a trace yet */
	struct st_learn *l = burst_of(&o, 10, 0);

	CHECK(st_learn_incomplete(l));
	/* what helps is said, and only that: a later read of a quiet host's
	 * log holds nothing new; the window can end before the last one */
	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK_CONTAINS(gap0(l), "within 0 ms (1970-01-01 00:00:10.000 to");
	CHECK_CONTAINS(gap0(l), "the same command without LOG");
	CHECK_CONTAINS(gap0(l), "--until '1970-01-01 00:00:09.999'");
	CHECK(!strstr(gap0(l), "again later"));
	st_learn_free(l);
	/* ... which reads back and ends the window before them */
	o.has_until = true;
	CHECK(st_learn_parse_time("1970-01-01 00:00:09.999", 0, &o.until_ms) == 0);
	l = burst_of(&o, 10, 0);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);
	o.has_until = false;

	/* nine are fine; so are ten spread over more than the interval */
	l = burst_of(&o, 9, 0);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);
	l = burst_of(&o, 10, 1);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);
	/* auditd gets every record: no such limit */
	l = learner(&o);
	for (unsigned s = 1; s <= 10; s++) {
		char line[512];

		snprintf(line, sizeof(line),
			 "type=SECCOMP msg=audit(10.000:%u): auid=0 uid=0 gid=0 ses=1 pid=5 "
			 "comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=309 compat=0 ip=0x1 "
			 "code=0x7ffc0000",
			 s);
		feed(l, line);
	}
	finish(l);
	CHECK(!st_learn_incomplete(l));
	st_learn_free(l);
}

static void test_time_forms(void)
{
	char buf[64];
	uint64_t ms = 0;

	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK_STR(st_learn_format_time(1796049064999ULL, true, 21855593886ULL, buf, sizeof(buf)),
		  "2026-11-30 14:31:04.999 [21855.593886]");
	CHECK_STR(st_learn_format_time(1796049064005ULL, false, 0, buf, sizeof(buf)),
		  "2026-11-30 14:31:04.005");
	/* what is printed reads back, to the ms */
	CHECK(st_learn_parse_time("2026-11-30 14:31:04.999", 0, &ms) == 0 &&
	      ms == 1796049064999ULL);
	CHECK(st_learn_parse_time("2026-11-30T14:31:04.5", 0, &ms) == 0 && ms == 1796049064500ULL);
	CHECK(st_learn_parse_time("2026-11-30 14:31:04.123456789", 0, &ms) == 0 &&
	      ms == 1796049064123ULL);
	CHECK(st_learn_parse_time("2026-11-30 14:31", 0, &ms) == 0 && ms == 1796049060000ULL);
	CHECK(st_learn_parse_time("2026-11-30", 0, &ms) == 0 && ms == 1795996800000ULL);
	CHECK(st_learn_parse_time("@1796049064.25", 0, &ms) == 0 && ms == 1796049064250ULL);
	CHECK(st_learn_parse_time("-10m", 1000000, &ms) == 0 && ms == 400000);
	CHECK(st_learn_parse_time("now", 42, &ms) == 0 && ms == 42);
	CHECK(st_learn_parse_time("2026-11-30 14:31:04.", 0, &ms) < 0);
	CHECK(st_learn_parse_time("2026-11-30 14:31:04.9x", 0, &ms) < 0);
	CHECK(st_learn_parse_time("-10m", 1000, &ms) < 0); /* before the epoch */
	CHECK(st_learn_parse_time("yesterday", 0, &ms) < 0);
	/* local time, as the log's readers see it (dmesg -T, journalctl) */
	setenv("TZ", "CET-1", 1);
	tzset();
	CHECK_STR(st_learn_format_time(1796049064999ULL, false, 0, buf, sizeof(buf)),
		  "2026-11-30 15:31:04.999");
	CHECK(st_learn_parse_time("2026-11-30 15:31:04.999", 0, &ms) == 0 &&
	      ms == 1796049064999ULL);
	setenv("TZ", "UTC0", 1);
	tzset();
}

static void test_gap_times(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});

	setenv("TZ", "UTC0", 1);
	tzset();
	/* dmesg: the date and the printk time; records 3 to 5 missing */
	feed(l, "[21855.593886] audit: type=1326 audit(1796049064.999:2): auid=0 uid=0 gid=0 "
		"ses=1 pid=5 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 "
		"code=0x7ffc0000");
	feed(l, "[21856.000001] audit: type=1326 audit(1796049065.405:6): auid=0 uid=0 gid=0 "
		"ses=1 pid=5 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 "
		"code=0x7ffc0000");
	finish(l);
	CHECK_CONTAINS(gap0(l), "3 audit record(s) never reached this log");
	CHECK_CONTAINS(gap0(l), "from 2 to 6, between 2026-11-30 14:31:04.999 [21855.593886] and "
				"2026-11-30 14:31:05.405 [21856.000001]");
	CHECK(st_learn_missing_records(l) == 3);
	st_learn_free(l);
	/* auditd's log has no printk time */
	l = learner(&(struct st_learn_opts){0});
	feed(l,
	     "type=SECCOMP msg=audit(1796049064.999:2): auid=0 uid=0 gid=0 ses=1 pid=5 "
	     "comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000");
	feed(l,
	     "type=SECCOMP msg=audit(1796049065.405:4): auid=0 uid=0 gid=0 ses=1 pid=5 "
	     "comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000");
	finish(l);
	CHECK_CONTAINS(gap0(l), "between 2026-11-30 14:31:04.999 and 2026-11-30 14:31:05.405)");
	st_learn_free(l);
}

/* The records learn makes to close the live log (getppid, 110 on x86-64). */
#define OWN(pid_, from_) (&(struct st_learn_own){(pid_), 0xc000003e, 110, (from_), (from_) + 5})

/* A burst of ten at second 10, learn's first record dropped, then the
 * kernel's count and learn's second record (serial last, at second 16). */
static struct st_learn *own_scene(unsigned suppressed, unsigned last)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});
	struct st_error err = {0};
	char line[128];

	for (unsigned s = 1; s <= 10; s++)
		feed_rec(l, 309, s, 10, 0x7ffc0000, 5, "a");
	CHECK(st_learn_own_record(l, OWN(77, 10500), &err) == 0);
	CHECK(st_learn_own_record(l, OWN(78, 16000), &err) == 0);
	snprintf(line, sizeof(line), "[ 15.5] kauditd_printk_skb: %u callbacks suppressed",
		 suppressed);
	feed(l, line);
	feed_rec(l, 110, last, 16, 0x7ffc0000, 78, "seccomp-trace");
	CHECK(!st_learn_own_seen(l, 0) && st_learn_own_seen(l, 1));
	return l;
}

static void test_own_records(void)
{
	/* nothing but learn's own first record was dropped: complete, and
	 * learn's records are not learned from */
	struct st_learn *l = own_scene(1, 12);

	CHECK(finish(l) == 0);
	CHECK(!st_learn_incomplete(l));
	CHECK(st_learn_get_stats(l)->counted == 10 && st_learn_get_stats(l)->in_window == 10);
	CHECK(!find(l, "getppid", 0xc000003e));
	st_learn_free(l);

	/* one more number missing: a record of someone else's */
	l = own_scene(2, 13);
	finish(l);
	CHECK(st_learn_incomplete(l));
	CHECK_CONTAINS(gap0(l), "1 audit record(s) never reached this log");
	st_learn_free(l);

	/* the kernel counts more drops than learn's own: another message was */
	l = own_scene(2, 12);
	finish(l);
	CHECK(st_learn_incomplete(l));
	CHECK_CONTAINS(gap0(l), "dropped 2 kernel messages");
	st_learn_free(l);

	/* without knowing its own records, learn would blame the workload */
	l = learner(&(struct st_learn_opts){0});
	for (unsigned s = 1; s <= 10; s++)
		feed_rec(l, 309, s, 10, 0x7ffc0000, 5, "a");
	feed(l, "[ 15.5] kauditd_printk_skb: 1 callbacks suppressed");
	feed_rec(l, 110, 12, 16, 0x7ffc0000, 78, "seccomp-trace");
	finish(l);
	CHECK(st_learn_incomplete(l));
	st_learn_free(l);

	/* told exactly: the same pid making the same call before learn's
	 * record was made, or another call, is the workload's */
	l = learner(&(struct st_learn_opts){0});
	struct st_error err = {0};
	CHECK(st_learn_own_record(l, OWN(78, 16000), &err) == 0);
	feed_rec(l, 110, 1, 10, 0x7ffc0000, 78, "a");
	feed_rec(l, 39, 2, 16, 0x7ffc0000, 78, "a");
	feed_rec(l, 110, 3, 16, 0x00050001, 78, "a"); /* ERRNO, not LOG */
	feed_rec(l, 110, 4, 16, 0x7ffc0000, 78, "seccomp-trace");
	finish(l);
	CHECK(!st_learn_incomplete(l));
	CHECK(find(l, "getppid", 0xc000003e) && find(l, "getppid", 0xc000003e)->records == 2);
	CHECK(find(l, "getpid", 0xc000003e));
	CHECK(st_learn_own_seen(l, 0));
	st_learn_free(l);
}

static int only_pid_5(void *ctx, int64_t pid)
{
	(void)ctx;
	return pid == 5 ? 1 : pid == 6 ? -1 : 0;
}

static void test_container_match(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){.match = only_pid_5});
	size_t n;

	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a"); /* ours */
	feed_rec(l, 312, 2, 10, 0x7ffc0000, 7, "a"); /* not ours */
	feed_rec(l, 324, 3, 10, 0x7ffc0000, 6, "a"); /* gone: cannot tell */
	feed_rec(l, 0, 4, 10, 0x7fff0000, 6, "a");   /* an allow: no matter whose */
	finish(l);
	CHECK(find(l, "getcpu", 0xc000003e) && !find(l, "kcmp", 0xc000003e));
	CHECK(!find(l, "membarrier", 0xc000003e));
	const struct st_learned *u = st_learn_unattributed(l, &n);
	CHECK(n == 1 && u[0].name && !strcmp(u[0].name, "membarrier"));
	CHECK(st_learn_incomplete(l));
	st_learn_free(l);
}

/* The base's rules are never widened: a denial stays, a conditional allow
 * stays conditional, an allow is not repeated; the base's LOG default stays
 * (the output options change it). */
static void test_apply_to_base(void)
{
	struct st_profile *p = parse(
	    "{\"defaultAction\":\"SCMP_ACT_LOG\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
	    "\"syscalls\":[{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ERRNO\"},"
	    "{\"names\":[\"membarrier\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
	    "\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	struct st_learn *l = learner(&(struct st_learn_opts){0});
	struct st_error err = {0};

	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a"); /* getcpu: added */
	feed_rec(l, 312, 2, 10, 0x50001, 5, "a");    /* kcmp: the base denies it */
	feed_rec(l, 324, 3, 10, 0x7ffc0000, 5, "a"); /* membarrier: conditional */
	feed_rec(l, 39, 4, 10, 0x7ffc0000, 5, "a");  /* getpid: already allowed */
	feed(l, DMESG_IA32);			     /* ia32 getcpu: a new arch */
	finish(l);
	CHECK(p && st_learn_apply(l, p, &err) == 0);
	CHECK(find(l, "getcpu", 0xc000003e)->outcome == ST_MERGE_ADDED);
	CHECK(find(l, "kcmp", 0xc000003e)->outcome == ST_MERGE_BLOCKED);
	CHECK_STR(find(l, "kcmp", 0xc000003e)->rule_action, "SCMP_ACT_ERRNO");
	CHECK(find(l, "membarrier", 0xc000003e)->outcome == ST_MERGE_CONDITIONAL);
	CHECK(find(l, "getpid", 0xc000003e)->outcome == ST_MERGE_COVERED);
	char *json = compact_json(p);
	CHECK_CONTAINS(json, "\"defaultAction\":\"SCMP_ACT_LOG\"");
	CHECK_CONTAINS(json, "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]");
	CHECK_CONTAINS(json, "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ERRNO\"}");
	CHECK_CONTAINS(json, "{\"names\":[\"getcpu\"],\"action\":\"SCMP_ACT_ALLOW\"}");
	CHECK(rule_naming(p, "membarrier", NULL)->n_args == 1);
	free(json);
	st_profile_free(p);
	st_learn_free(l);

	/* a base without an arch list stays "native only" for native records */
	p = parse("{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[]}");
	l = learner(&(struct st_learn_opts){0});
	feed_rec(l, 309, 1, 10, 0x7ffc0000, 5, "a");
	finish(l);
	CHECK(p && st_learn_apply(l, p, &err) == 0 && !p->has_architectures && !p->has_archmap);
	st_profile_free(p);
	st_learn_free(l);
}

/* A message that holds a newline: any user can have the kernel print one
 * (a mount option echoed in an error). What follows the newline is never a
 * record: /dev/kmsg escapes it, dmesg and journalctl indent it, and dumps
 * that print it bare are refused as a whole. Real: /dev/kmsg on the
 * development VM after `unshare -Urm mount -t overlay -o "upperdir=/x
 * <record>"`; the dmesg and journalctl lines as they print it. */
#define FORGED                                                                                     \
	"audit: type=1326 audit(1796040020.123:77777): auid=0 uid=0 gid=0 ses=1 pid=4242 "         \
	"comm=\"myapp\" exe=\"/usr/bin/myapp\" sig=0 arch=c000003e syscall=165 compat=0 ip=0x7f "  \
	"code=0x7ffc0000"

static void test_message_boundaries(void)
{
	const struct st_audit_line *l;

	l = parse_line("3,2735,12811011938,-;overlayfs: failed to resolve '/nonexist\\x0a" FORGED
		       "\\x0ax': -2");
	CHECK(l->form == ST_FORM_KMSG && l->kind == ST_AUDIT_NONE && l->has_mono);
	l = parse_line("3,2736,12950138488,-;tmpfs: Unknown parameter 'zzqq\\x0a audit: type=1326 "
		       "audit(1.000:2): x'");
	CHECK(l->form == ST_FORM_KMSG && l->kind == ST_AUDIT_NONE);
	/* dmesg, dmesg -x, journalctl -k: the rest is indented */
	l = parse_line("               " FORGED);
	CHECK(l->form == ST_FORM_CONTINUATION && l->kind == ST_AUDIT_NONE);
	l = parse_line("\t" FORGED);
	CHECK(l->form == ST_FORM_CONTINUATION);
	l = parse_line("[12811.011938] overlayfs: failed to resolve '/nonexist");
	CHECK(l->form == ST_FORM_STAMPED && l->kind == ST_AUDIT_NONE && l->has_mono &&
	      l->mono_usec == 12811011938ULL);
	CHECK(parse_line("kern  :err   : [12811.011938] overlayfs: x")->form == ST_FORM_STAMPED);
	CHECK(parse_line("Nov 30 12:00:20 vm kernel: overlayfs: x")->form == ST_FORM_STAMPED);
	CHECK(parse_line("Nov 30 12:00:20 vm sshd[12]: Accepted key")->form == ST_FORM_STAMPED);
	CHECK(parse_line("2026-11-30T12:00:20,011938+00:00 overlayfs: x")->form == ST_FORM_STAMPED);
	/* the message after a stamp must start with the record */
	l = parse_line(
	    "[12950.138488] tmpfs: Unknown parameter 'SECCOMP auid=0 type=1326 audit(1.0:2)'");
	CHECK(l->form == ST_FORM_STAMPED && l->kind == ST_AUDIT_NONE);
	l = parse_line("Nov 30 12:00:20 vm kernel: tmpfs: 'audit[1]: SECCOMP auid=0'");
	CHECK(l->form == ST_FORM_STAMPED && l->kind == ST_AUDIT_NONE);
	/* dmesg -t, journalctl -o cat: read, but never trusted */
	l = parse_line(FORGED);
	CHECK(l->form == ST_FORM_BARE && l->kind == ST_AUDIT_SECCOMP);
	CHECK(parse_line("-- No entries --")->form == ST_FORM_MARK);
	CHECK(parse_line("-- Boot 0123abcd --")->new_boot);
	CHECK(parse_line("root:x:0:0:root:/root:/bin/bash")->form == ST_FORM_NONE);
}

/* Feed a text of lines as one input; end_input's status. */
static int feed_input(struct st_learn *l, const char *text)
{
	struct st_error err = {0};
	uint64_t lineno = 0;
	int rc;

	st_learn_begin_input(l);
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		st_audit_parse_line(s, len, &L);
		CHECK(st_learn_add(l, &L, "dump", ++lineno, &err) == 0);
		s += len + (nl ? 1 : 0);
	}
	rc = st_learn_end_input(l, "dump", &err);
	snprintf(last_error, sizeof(last_error), "%s", rc < 0 ? err.msg : "");
	return rc;
}

#define REAL_REC(serial, nr)                                                                       \
	"audit: type=1326 audit(1796040020.100:" #serial "): auid=0 uid=0 gid=0 ses=1 pid=10 "     \
	"comm=\"myapp\" exe=\"/usr/bin/myapp\" sig=0 arch=c000003e syscall=" #nr " compat=0 "      \
	"ip=0x7f code=0x7ffc0000"

static void test_dump_forms(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});

	/* dmesg: the forged record is the rest of another message; the serial
	 * numbers of the real ones leave no gap */
	CHECK(feed_input(
		  l,
		  "[100.000001] " REAL_REC(
		      100, 0) "\n"
			      "[100.000002] " REAL_REC(
				  101, 1) "\n"
					  "[100.500000] overlayfs: failed to resolve '/nonexist\n"
					  "              " FORGED "\n"
					  "              x': -2\n"
					  "[100.600000] " REAL_REC(102, 2) "\n") == 0);
	CHECK(finish(l) == 0);
	CHECK(st_learn_get_stats(l)->counted == 3 && !st_learn_incomplete(l));
	CHECK(!find(l, "mount", 0xc000003e));
	st_learn_free(l);

	/* dmesg -t: refused whole, whatever its lines say */
	l = learner(&(struct st_learn_opts){0});
	CHECK(feed_input(l, REAL_REC(100, 0) "\n"
					     "overlayfs: failed to resolve '/nonexist\n"
					     "[100.000002] " FORGED "\n"
					     "x': -2\n") < 0);
	CHECK_CONTAINS(last_error, "without message boundaries");
	CHECK_CONTAINS(last_error, "journalctl -k");
	CHECK(st_learn_get_stats(l)->seccomp == 0);
	st_learn_free(l);

	/* no log line at all: an error; a log without records: none */
	l = learner(&(struct st_learn_opts){0});
	CHECK(feed_input(
		  l, "root:x:0:0:root:/root:/bin/bash\nbin:x:2:2::/bin:/usr/sbin/nologin\n") < 0);
	CHECK_CONTAINS(last_error, "dump: no kernel or audit log lines");
	CHECK(feed_input(l, "") < 0);
	CHECK(feed_input(l, "-- No entries --\n") == 0);
	CHECK(feed_input(l, "[    0.000000] Linux version 6.18\n") == 0);
	st_learn_free(l);
}

/* The kernel numbers each event once: two different seccomp records under
 * one serial and time cannot both be its (caseB of the attack). */
static void test_forged_serials(void)
{
	struct st_learn *l = learner(&(struct st_learn_opts){0});

	feed_rec(l, 0, 100, 10, 0x7ffc0000, 10, "myapp");
	feed_rec(l, 1, 101, 10, 0x7ffc0000, 10, "myapp");
	feed_rec(l, 165, 101, 10, 0x7ffc0000, 4242, "myapp");
	feed_rec(l, 2, 102, 10, 0x7ffc0000, 10, "myapp");
	CHECK(finish(l) < 0);
	CHECK_CONTAINS(last_error, "forged");
	CHECK_CONTAINS(last_error, "serial 101");
	st_learn_free(l);

	/* the same record twice (two dumps of one log) is no forgery; nor is
	 * the same serial at another time (another boot) */
	l = learner(&(struct st_learn_opts){0});
	feed_rec(l, 0, 100, 10, 0x7ffc0000, 10, "myapp");
	feed_rec(l, 0, 100, 10, 0x7ffc0000, 10, "myapp");
	feed_rec(l, 1, 101, 10, 0x7ffc0000, 10, "myapp");
	feed_rec(l, 2, 101, 5000, 0x7ffc0000, 10, "myapp");
	CHECK(finish(l) == 0);
	st_learn_free(l);
}

/* Loss messages printed before --since dropped records from before it,
 * whatever record follows them; live records are named by their
 * sequence number, never "/dev/kmsg:0". */
static void test_loss_in_time(void)
{
	struct st_learn *l;
	char line[1024];

	/* records at printk time 100 s = wall 1000 s; the suppression message 17 s
	 * before the window (1117 s), the next record in it */
	for (int window = 0; window < 2; window++) {
		l = learner(&(struct st_learn_opts){.has_since = true,
						    .since_ms = window ? 1100000 : 1117000});
		feed(l, "[  100.000000] audit: type=1326 audit(1000.000:1): pid=5 comm=\"a\" "
			"exe=\"/a\" "
			"sig=0 arch=c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
		feed(l, "[  100.000000] kauditd_printk_skb: 3 callbacks suppressed");
		feed(l, "[  200.000000] audit: type=1326 audit(1100.000:5): pid=5 comm=\"a\" "
			"exe=\"/a\" "
			"sig=0 arch=c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
		feed(l, "[  217.000000] audit: type=1326 audit(1117.000:6): pid=5 comm=\"a\" "
			"exe=\"/a\" "
			"sig=0 arch=c000003e syscall=309 compat=0 ip=0x1 code=0x7ffc0000");
		finish(l);
		/* before the window: no matter; in it (since 1100 s): a gap */
		CHECK(st_learn_incomplete(l) == (window == 1));
		st_learn_free(l);
	}

	l = learner(&(struct st_learn_opts){0});
	snprintf(line, sizeof(line),
		 "5,351,415731800,-;audit: type=1326 audit(1.000:2): pid=9 "
		 "comm=\"a\" exe=2F746D70");
	st_audit_parse_line(line, strlen(line), &L);
	struct st_error err = {0};
	CHECK(st_learn_add(l, &L, "/dev/kmsg", 0, &err) == 0);
	finish(l);
	size_t n;
	uint64_t total;
	const char *const *g = st_learn_gaps(l, &n, &total);
	CHECK(n == 1 && strstr(g[0], "/dev/kmsg record 351 [415.731800]"));
	CHECK(n == 1 && !strstr(g[0], "/dev/kmsg:0"));
	st_learn_free(l);
}

int main(void)
{
	RUN(test_kernel_forms);
	RUN(test_kmsg_facility);
	RUN(test_auditd_forms);
	RUN(test_hostile_values);
	RUN(test_odd_records);
	RUN(test_actions);
	RUN(test_printable);
	RUN(test_naming_per_arch);
	RUN(test_actions_counted);
	RUN(test_filters);
	RUN(test_serial_gaps);
	RUN(test_kernel_says_lost);
	RUN(test_trailing_burst);
	RUN(test_time_forms);
	RUN(test_gap_times);
	RUN(test_own_records);
	RUN(test_container_match);
	RUN(test_apply_to_base);
	RUN(test_message_boundaries);
	RUN(test_dump_forms);
	RUN(test_forged_serials);
	RUN(test_loss_in_time);
	return CHECK_DONE();
}
