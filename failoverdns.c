/* Copyright (c) 2026 The failoverdns authors.  SPDX-License-Identifier: ISC
 *
 * failoverdns: authoritative DNS for one name, run on each server of a site
 * delegated to all of its servers: A/AAAA are this server's addresses, NS
 * every server, the SOA synthesized, so a dead server's addresses die with
 * its nameserver.  REFUSED while a drain file exists (-d); other servers'
 * addresses while a redirect file lists them (-r).  It trusts argv and the
 * files named there, nobody on the network; allocates no memory itself,
 * opens no socket, no file but the redirect file when that changed, waits
 * on nothing but its sockets, never recurses, never answers a response. */

#define _GNU_SOURCE		/* Linux: struct in6_pktinfo, IP_PKTINFO */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Every platform #ifdef lives here.  Linux (glibc, musl) is what is built
 * and tested, and all that is claimed: st_mtim and st_ctim are POSIX.1-2008;
 * elsewhere a wildcard IPv4 socket replies from the kernel's choice and a
 * queued ICMP error is only cleared by SO_ERROR. */
#ifdef __linux__
#define HAVE_IP_PKTINFO
#define HAVE_MSG_ERRQUEUE
#endif
#ifndef __GNUC__		/* gcc and clang; other compilers do without */
#define __attribute__(x)
#endif

#define HEADER_LEN	12	/* RFC 1035 4.1.1 */
#define LABEL_LIMIT	63	/* RFC 1035 2.3.4 */
#define NAME_LIMIT	255	/* RFC 1035 2.3.4, wire form */
#define UDP_LIMIT	512	/* RFC 1035 4.2.1, without EDNS */
#define EDNS_LIMIT	1232	/* DNS flag day 2020: 1280 (RFC 8200) - 48 */
#define TCP_LIMIT	65535	/* RFC 1035 4.2.2: two-octet length */
#define OPT_LEN		11	/* RFC 6891 6.1.2: an OPT RR with no options */
#define RR_HEADER_LEN	12	/* owner (a pointer), type, class, TTL, length */
#define NS_LIMIT	16	/* -n nameservers */
#define ADDR_LIMIT	16	/* addresses of each family */
#define DRAIN_LIMIT	8	/* -d drain files */
#define FD_LIMIT	16	/* sockets from LISTEN_FDS */
#define IDLE_LIMIT	86400	/* -i, seconds */
#define AGE_LIMIT	86400	/* -e, seconds */
#define TTL_LIMIT	2147483647	/* RFC 2181 8 */
#define REDIRECT_LIMIT	4096	/* bytes of a redirect file */
/* A redirect file's addresses in text, or why it is unusable (checked). */
#define WHY_LIMIT	(2 * ADDR_LIMIT * INET6_ADDRSTRLEN + 1)
#define STREAM_QUERIES	10000	/* queries on one connection, at most */
#define STREAM_SECONDS	120	/* seconds of one connection, at most */
#define RRSET_LIMIT	(NS_LIMIT * (RR_HEADER_LEN + NAME_LIMIT))
/* SOA timers of a zone that is never transferred (failoverdns.8). */
#define SOA_SERIAL	1
#define SOA_REFRESH	86400
#define SOA_RETRY	7200
#define SOA_EXPIRE	1209600
#define CLASS_IN	1

enum rcode {
	RCODE_NOERROR = 0, RCODE_FORMERR = 1, RCODE_NXDOMAIN = 3,
	RCODE_NOTIMP = 4, RCODE_REFUSED = 5,
	RCODE_BADVERS = 16, RCODE_NONE = 17	/* RFC 6891 9 (OPT); no reply */
};

enum qtype {
	QTYPE_A = 1, QTYPE_NS = 2, QTYPE_SOA = 6, QTYPE_AAAA = 28,
	QTYPE_OPT = 41, QTYPE_IXFR = 251, QTYPE_AXFR = 252, QTYPE_ANY = 255
};

static const char *const rcode_name[] = { [RCODE_NOERROR] = "NOERROR",
	[RCODE_FORMERR] = "FORMERR", [RCODE_NXDOMAIN] = "NXDOMAIN",
	[RCODE_NOTIMP] = "NOTIMP", [RCODE_REFUSED] = "REFUSED",
	[RCODE_BADVERS] = "BADVERS", [RCODE_NONE] = "DROPPED" };
static const char *const qtype_name[256] = {
	[QTYPE_A] = "A", [QTYPE_NS] = "NS", [QTYPE_SOA] = "SOA",
	[QTYPE_AAAA] = "AAAA", [QTYPE_OPT] = "OPT", [QTYPE_IXFR] = "IXFR",
	[QTYPE_AXFR] = "AXFR", [QTYPE_ANY] = "ANY" };

/* The query being parsed: a bounds-checked view of received bytes. */
struct reader {
	const unsigned char	*buf;
	size_t			 len, off;
};

/* The reply being built, or a record being compiled. */
struct writer {
	unsigned char		*buf;
	size_t			 cap, len;
};

/* What a query asked, copied out of the packet by parse_query(). */
struct query {
	unsigned char	 header[HEADER_LEN];
	unsigned char	 qname[NAME_LIMIT];	/* as received: 0x20 case kept */
	size_t		 qname_len;
	unsigned int	 qtype, qclass, edns_size, edns_version;
	int		 has_question, has_edns, edns_do, is_truncated;
	enum rcode	 rcode;
};

/* An RRset in wire form, compiled once.  Its owner and names point at the
 * zone name, which every reply holds at HEADER_LEN plus the zone's offset
 * in the question; ptr lists where the SOA's pointers sit, to move them by
 * that offset when the SOA answers for a name below the zone. */
struct rrset {
	unsigned char	 wire[RRSET_LIMIT];
	size_t		 len, count, ptr[3], nptr;
};

/* What argv said, and the records compiled from it. */
struct config {
	unsigned char	 zone[NAME_LIMIT], ns[NS_LIMIT][NAME_LIMIT];
	size_t		 zone_len, ns_len[NS_LIMIT], ns_count, drain_count;
	const char	*ns_text[NS_LIMIT], *drain[DRAIN_LIMIT], *redirect;
	long		 ttl, idle, max_age;
	int		 verbose;
	struct rrset	 addr[2], ns_set, soa;	/* addr: [0] A, [1] AAAA */
};

/* The version of the redirect file last read (st), what it says (why: its
 * addresses, or why it is unusable; is_active: it lists one), its A and
 * AAAA records, and what was logged last (said). */
struct redirect {
	struct stat	 st;
	int		 is_read, is_active, is_error;
	char		 why[WHY_LIMIT], said[WHY_LIMIT];
	struct rrset	 addr[2];
};

static struct config	 config;
static struct redirect	 redirect;
static int		 drain_error[DRAIN_LIMIT], log_to_syslog;
static int		 log_upto = LOG_ERR;
static unsigned char	 query_buf[TCP_LIMIT];
static unsigned char	 reply_buf[2 + TCP_LIMIT];	/* TCP length first */

/* Decides once where diagnostics go.  Under inetd fd 2 is the client's
 * socket, so any socket there means syslog, but for journald's stream
 * (named by $JOURNAL_STREAM); a terminal, a file or a pipe is stderr. */
static void
log_init(void)
{
	const char	*journal = getenv("JOURNAL_STREAM");
	struct stat	 st;
	char		 id[64];

	if (fstat(STDERR_FILENO, &st) == -1)
		log_to_syslog = 1;
	else if (S_ISSOCK(st.st_mode)) {
		snprintf(id, sizeof(id), "%llu:%llu",
		    (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino);
		log_to_syslog = journal == NULL || strcmp(journal, id) != 0;
	}
	if (log_to_syslog)
		openlog("failoverdns", LOG_PID, LOG_DAEMON);
}

/* Writes one diagnostic line to syslog or stderr. */
static void
log_vmsg(int priority, const char *fmt, va_list ap)
{
	if (log_to_syslog)
		vsyslog(priority, fmt, ap);
	else {
		fputs("failoverdns: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
}

/* Logs a line: -v's at LOG_INFO; a change of what the drain or redirect
 * files say at LOG_NOTICE, an error there at LOG_WARNING.  What a process
 * finds at its first query it logs only with -v, or if it is an error and
 * the process may live on (datagrams, -i above 0): under inetd each TCP
 * connection is a process, and each would log it again (log_upto). */
static void
log_msg(int priority, const char *fmt, ...)
{
	va_list	 ap;

	if (!config.verbose && priority > log_upto)
		return;
	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
}

/* Logs and exits with status code.  inetd's "dgram wait" respawns a server
 * that leaves its datagram unread: a pending one on fd 0 is read first (fd
 * 0 is no socket, or a connection that is about to end, otherwise). */
static __attribute__((__noreturn__)) void
fatal(int code, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	(void)recv(STDIN_FILENO, query_buf, 1, MSG_DONTWAIT);
	exit(code);
}

/* Logs what is wrong with an argument, then the usage line; exits 1. */
static __attribute__((__noreturn__)) void
usage(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	fatal(1, "usage: failoverdns [-v] [-d drainfile ...] [-r redirectfile "
	    "[-e maxage]] [-i idle] [-t ttl] -n nameserver [-n nameserver ...] "
	    "name address [address ...]");
}

/* Copies n bytes at the reader's offset to dst (skips them if dst is NULL).
 * Returns 0, or -1 if fewer are left.  The only function that indexes a
 * buffer received from the network. */
static int
rd_bytes(struct reader *r, void *dst, size_t n)
{
	if (n > r->len - r->off)
		return -1;
	if (dst != NULL)
		memcpy(dst, r->buf + r->off, n);
	r->off += n;
	return 0;
}

/* Reads a 16-bit number in network order.  Returns 0 or -1. */
static int
rd_u16(struct reader *r, unsigned int *v)
{
	unsigned char	 b[2];

	if (rd_bytes(r, b, sizeof(b)) == -1)
		return -1;
	*v = (unsigned int)b[0] << 8 | b[1];
	return 0;
}

/* Reads a name into out (NAME_LIMIT bytes), its length into len.  Returns
 * -1 for a label over 63 bytes or of a type other than 0, or a name over
 * 255.  A compression pointer (RFC 1035 4.1.4) is refused unless may_point;
 * it then ends the name and is never followed (names in records are
 * skipped, not used). */
static int
rd_name(struct reader *r, unsigned char *out, size_t *len, int may_point)
{
	size_t		 n = 0;
	unsigned char	 label;

	do {
		if (rd_bytes(r, &label, 1) == -1)
			return -1;
		if ((label & 0xc0) == 0xc0 && may_point && n + 2 <= NAME_LIMIT) {
			out[n++] = label;
			*len = n + 1;
			return rd_bytes(r, out + n, 1);
		}
		if (label > LABEL_LIMIT || (size_t)label + 1 > NAME_LIMIT - n)
			return -1;
		out[n++] = label;
		if (rd_bytes(r, out + n, label) == -1)
			return -1;
		n += label;
	} while (label != 0);
	*len = n;
	return 0;
}

/* Appends n bytes.  Returns -1, appending nothing, if they do not fit. */
static int
wr_bytes(struct writer *w, const void *src, size_t n)
{
	if (n > w->cap - w->len)
		return -1;
	memcpy(w->buf + w->len, src, n);
	w->len += n;
	return 0;
}

/* Appends the n low bytes of v in network order.  Returns 0 or -1. */
static int
wr_int(struct writer *w, uint32_t v, size_t n)
{
	unsigned char	 b[4];
	size_t		 i;

	for (i = 0; i < n; i++)
		b[i] = (v >> (8 * (n - 1 - i))) & 0xff;
	return wr_bytes(w, b, n);
}

/* Compares two wire-form names of length len, ignoring ASCII case (length
 * octets are at most 63, below 'A': folding them changes nothing). */
static int
name_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]) !=
		    (b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]))
			return 0;
	return 1;
}

/* Returns the offset of the zone in a valid wire-form name (0: the zone),
 * or -1 if the name is neither the zone nor below it. */
static long
zone_offset(const unsigned char *name, size_t len)
{
	size_t	 i;

	for (i = 0; len - i >= config.zone_len; i += 1 + name[i])
		if (len - i == config.zone_len &&
		    name_equal(name + i, config.zone, config.zone_len))
			return (long)i;
	return -1;
}

/* Converts a name from argv to lower-case wire form in out (NAME_LIMIT
 * bytes); the trailing dot is optional.  Returns -1 for the root, an empty
 * label, a label over 63 or a name over 255 bytes, or a byte that is not
 * printable ASCII or is a backslash. */
static int
name_from_text(const char *s, unsigned char *out, size_t *len)
{
	size_t	 n = 1, label = 0;

	for (out[0] = 0; *s != '\0'; s++) {
		if (*s == '.') {
			if (out[label] == 0 || n >= NAME_LIMIT)
				return -1;
			if (s[1] == '\0')
				break;
			label = n;
			out[n++] = 0;
		} else if (*s <= ' ' || *s > '~' || *s == '\\' ||
		    out[label] == LABEL_LIMIT || n >= NAME_LIMIT)
			return -1;
		else {
			out[label]++;
			out[n++] = (*s >= 'A' && *s <= 'Z') ? *s + 32 : *s;
		}
	}
	if (out[label] == 0 || n >= NAME_LIMIT)
		return -1;
	out[n++] = 0;
	*len = n;
	return 0;
}

/* Writes a valid wire-form name as text, unusual bytes as \DDD (RFC 1035
 * 5.1); out holds 4 * NAME_LIMIT + 2 bytes. */
static void
name_to_text(const unsigned char *name, size_t len, char *out, size_t size)
{
	size_t	 i, n = 0, label = 0;

	for (i = 0; i < len && n + 5 < size; i++) {
		if (label == 0) {
			if ((label = name[i]) == 0 || n > 0)
				out[n++] = '.';
			continue;
		}
		label--;
		if (name[i] > ' ' && name[i] <= '~' && name[i] != '.' &&
		    name[i] != '\\')
			out[n++] = name[i];
		else
			n += snprintf(out + n, size - n, "\\%03u", name[i]);
	}
	out[n] = '\0';
}

/* Appends a name from argv to a record being compiled, its longest suffix
 * shared with the zone made a pointer to the zone in the reply (RFC 1035
 * 4.1.4); no name is at or below the zone, so no longer suffix of the
 * question can match.  Returns 1 if it ends in a pointer, 0 if not, -1 if
 * it does not fit. */
static int
wr_name(struct writer *w, const unsigned char *name, size_t len)
{
	size_t	 i, j;

	for (i = 0; name[i] != 0; i += 1 + name[i])
		for (j = 0; config.zone[j] != 0; j += 1 + config.zone[j])
			if (config.zone_len - j == len - i &&
			    name_equal(config.zone + j, name + i, len - i))
				return (wr_bytes(w, name, i) || wr_int(w,
				    0xc000 | (HEADER_LEN + j), 2)) ? -1 : 1;
	return wr_bytes(w, name, len);
}

/* Appends one RR owned by the zone, class IN, TTL -t, to set.  Returns 0,
 * or -1 if it does not fit (RRSET_LIMIT makes that impossible). */
static int
rr_append(struct rrset *set, unsigned int type, const unsigned char *rdata,
    size_t len)
{
	struct writer	 w = { set->wire, sizeof(set->wire), set->len };

	if (wr_int(&w, 0xc000 | HEADER_LEN, 2) || wr_int(&w, type, 2) ||
	    wr_int(&w, CLASS_IN, 2) || wr_int(&w, config.ttl, 4) ||
	    wr_int(&w, len, 2) || wr_bytes(&w, rdata, len))
		return -1;
	set->len = w.len;
	set->count++;
	return 0;
}

/* Adds the address in s (argv, the redirect file) to the A (set[0]) or
 * AAAA (set[1]) RRset.  Returns NULL, or why it was not added. */
static const char *
addr_add(struct rrset *set, const char *s)
{
	static const unsigned char v4_mapped[12] = { [10] = 0xff, [11] = 0xff },
	    zero[16];
	unsigned char	 b[16];
	size_t		 i, f = 0, len = 4;

	if (inet_pton(AF_INET, s, b) != 1) {
		f = 1;
		len = 16;
		if (inet_pton(AF_INET6, s, b) != 1)
			return "not an IPv4 or IPv6 address";
		if (memcmp(b, v4_mapped, sizeof(v4_mapped)) == 0)
			return "IPv4-mapped: give it as an IPv4 address";
	}
	/* 0.0.0.0, ::, 224.0.0.0/3 (multicast, class E, broadcast), ff00::/8 */
	if (memcmp(b, zero, len) == 0 || b[0] >= (f ? 0xff : 224))
		return "not a unicast address";
	for (i = 0; i < set[f].count; i++)	/* RDATA: 12 bytes into each RR */
		if (memcmp(set[f].wire + i * (RR_HEADER_LEN + len) +
		    RR_HEADER_LEN, b, len) == 0)
			return "given twice (RFC 2181 5: no duplicate records)";
	if (set[f].count == ADDR_LIMIT ||
	    rr_append(&set[f], f ? QTYPE_AAAA : QTYPE_A, b, len) == -1)
		return "more than 16 addresses of one family";
	return NULL;
}

/* Compiles the NS and SOA RRsets (MNAME the first -n, RNAME
 * hostmaster.<zone>, fixed timers, minimum -t). */
static int
compile_config(void)
{
	unsigned char	 buf[2 * NAME_LIMIT + 20];
	struct writer	 w = { buf, sizeof(buf), 0 };
	size_t		 i;
	int		 error = 0, n;

	for (i = 0; i < config.ns_count; i++) {
		w.len = 0;
		error |= wr_name(&w, config.ns[i], config.ns_len[i]) < 0 ||
		    rr_append(&config.ns_set, QTYPE_NS, buf, w.len);
	}
	w.len = 0;
	config.soa.ptr[config.soa.nptr++] = 0;		/* the owner */
	if ((n = wr_name(&w, config.ns[0], config.ns_len[0])) == 1)
		config.soa.ptr[config.soa.nptr++] = RR_HEADER_LEN + w.len - 2;
	config.soa.ptr[config.soa.nptr++] = RR_HEADER_LEN + w.len + 11;
	return error || n < 0 || wr_bytes(&w, "\012hostmaster", 11) ||
	    wr_int(&w, 0xc000 | HEADER_LEN, 2) || wr_int(&w, SOA_SERIAL, 4) ||
	    wr_int(&w, SOA_REFRESH, 4) || wr_int(&w, SOA_RETRY, 4) ||
	    wr_int(&w, SOA_EXPIRE, 4) || wr_int(&w, config.ttl, 4) ||
	    rr_append(&config.soa, QTYPE_SOA, buf, w.len);
}

/* Appends a compiled RRset, its pointers moved by shift (the zone's offset
 * in the question).  Returns -1, appending nothing, if it does not fit:
 * RRsets are never split (RFC 2181 5, 9). */
static int
wr_rrset(struct writer *w, const struct rrset *set, size_t shift)
{
	unsigned char	*p;
	size_t		 i, v;

	if (wr_bytes(w, set->wire, set->len) == -1)
		return -1;
	for (i = 0; i < set->nptr; i++) {
		p = w->buf + w->len - set->len + set->ptr[i];
		v = ((size_t)p[0] << 8 | p[1]) + shift;
		p[0] = v >> 8;
		p[1] = v & 0xff;
	}
	return 0;
}

/* Returns 1 if a drain file exists, or if stat(2) cannot tell (an error
 * other than ENOENT or ENOTDIR: fail closed, logged once per change). */
static int
is_drained(void)
{
	struct stat	 st;
	size_t		 i;
	int		 is_drained = 0, exists, error;

	for (i = 0; i < config.drain_count; i++) {
		exists = stat(config.drain[i], &st) == 0;
		error = exists || errno == ENOENT || errno == ENOTDIR ? 0 :
		    errno;
		is_drained |= exists || error != 0;
		if (error != drain_error[i])
			log_msg(error ? LOG_WARNING : LOG_NOTICE,
			    "drain file %s: %s", config.drain[i],
			    error ? strerror(error) : "can be checked again");
		drain_error[i] = error;
	}
	return is_drained;
}

/* Reads the version of the redirect file open on fd as carefully as
 * network input (at most REDIRECT_LIMIT bytes, nothing but addresses) into
 * redirect.addr and is_active, and what it says into redirect.why: its
 * addresses, or why it is unusable, bytes outside printable ASCII as \DDD.
 * Returns 0, or -1 if it is unusable. */
static int
redirect_read(int fd)
{
	static char	 text[REDIRECT_LIMIT + 1];
	const char	*e = NULL;
	char		*why = redirect.why, *word, *end;
	size_t		 len = 0, i, n = 0, size = sizeof(redirect.why);
	ssize_t		 r = 1;

	memset(redirect.addr, 0, sizeof(redirect.addr));
	if (!S_ISREG(redirect.st.st_mode))
		e = "not a regular file";
	while (e == NULL && r != 0 && len < sizeof(text))
		if ((r = read(fd, text + len, sizeof(text) - len)) > 0)
			len += (size_t)r;
		else if (r < 0 && errno != EINTR)
			e = strerror(errno);
	if (e == NULL && (len > REDIRECT_LIMIT || memchr(text, '\0', len)))
		e = "larger than 4096 bytes, or binary";
	text[e == NULL ? len : 0] = '\0';
	snprintf(why, size, "%s", e != NULL ? e : "no address");
	for (word = strtok_r(text, " \t\r\n", &end); word != NULL &&
	    (e = addr_add(redirect.addr, word)) == NULL;
	    word = strtok_r(NULL, " \t\r\n", &end))
		n += n < size ? snprintf(why + n, size - n, " %s", word) : 0;
	redirect.is_active = e == NULL && n > 0;
	for (i = 0, n = 0; word != NULL && word[i] != '\0' && i < 50; i++)
		n += snprintf(why + n, size - n, word[i] > ' ' &&
		    word[i] < 127 ? "%c" : "\\%03u", (unsigned char)word[i]);
	if (word != NULL)
		snprintf(why + n, size - n, ": %s", e);
	return e == NULL ? 0 : -1;
}

/* Returns the A and AAAA records to answer with: the redirect file's while
 * it lists an address and is not older than -e, else argv's.  The file is
 * stat(2)ed on each query, and each version of it (identity and change
 * time: its writer renames a new file over it) is opened and read once,
 * also when that fails.  A change of what it says is logged. */
static const struct rrset *
addr_source(void)
{
	struct stat	 st;
	const char	*why = redirect.why;
	int		 fd, is_error, is_active = 0;

	if (config.redirect == NULL)
		return config.addr;
	if (stat(config.redirect, &st) == -1) {
		redirect.is_read = 0;
		is_error = errno != ENOENT && errno != ENOTDIR;
		why = is_error ? strerror(errno) : "no file";
	} else if (config.max_age > 0 &&
	    time(NULL) - st.st_mtime > config.max_age) {
		is_error = 1;
		why = "not renewed within -e seconds";
	} else {
		if (!redirect.is_read || st.st_dev != redirect.st.st_dev ||
		    st.st_ino != redirect.st.st_ino ||
		    st.st_ctim.tv_sec != redirect.st.st_ctim.tv_sec ||
		    st.st_ctim.tv_nsec != redirect.st.st_ctim.tv_nsec) {
			redirect.st = st;
			redirect.is_active = 0;
			fd = open(config.redirect, O_RDONLY | O_NONBLOCK |
			    O_NOCTTY);
			/* Gone since the stat(2): no file; look again. */
			redirect.is_read = fd != -1 || errno != ENOENT;
			snprintf(redirect.why, sizeof(redirect.why), "%s",
			    redirect.is_read ? strerror(errno) : "no file");
			redirect.is_error = fd == -1 ? redirect.is_read :
			    redirect_read(fd) == -1;
			if (fd != -1)
				(void)close(fd);
		}
		is_error = redirect.is_error;
		is_active = redirect.is_active;
	}
	if (strcmp(why, redirect.said) != 0) {
		log_msg(is_error ? LOG_WARNING : LOG_NOTICE,
		    "redirect file %s:%s%s: %sanswering with %s",
		    config.redirect, is_active ? "" : " ", why,
		    is_error ? "ignored, " : "", is_active ? "them" :
		    "our own addresses");
		snprintf(redirect.said, sizeof(redirect.said), "%s", why);
	}
	return is_active ? redirect.addr : config.addr;
}

/* Parses an untrusted query into q.  Returns RCODE_NOERROR to answer,
 * RCODE_NONE for silence, or the rcode of the error reply.  The checks run
 * in this order and the first that fails decides:
 *  1. shorter than a header; 2. QR set (a response: no reflection)   silence
 *  3. opcode other than QUERY, before the counts (NOTIFY and UPDATE
 *     carry records there)                              NOTIMP (RFC 1035)
 *  4. QDCOUNT above 1, ANCOUNT not 0                                FORMERR
 *  5. the question: labels <= 63, name <= 255, no pointer, type, class
 *  6. NSCOUNT not 0, but for IXFR's SOA (RFC 1995 3)
 *  7. records complete (owners may end in a pointer); at most one OPT
 *     (a second: no OPT in the reply, as NSD and Knot), in the additional
 *     section, owned by the root, options well framed (RFC 6891 6.1.1)
 *  8. bytes after the last record
 *  9. no question (QDCOUNT 0: a cookie probe, RFC 7873 5.4, gets its OPT)
 * 10. EDNS version above 0                         BADVERS (RFC 6891 6.1.3) */
static enum rcode
parse_query(const unsigned char *msg, size_t len, struct query *q)
{
	struct reader	 r = { msg, len, 0 };
	unsigned char	 owner[NAME_LIMIT], ttl[4];
	size_t		 owner_len, end;
	unsigned int	 nscount, count, type, class, rdlen, code, optlen, i;

	memset(q, 0, sizeof(*q));
	if (rd_bytes(&r, q->header, HEADER_LEN) == -1 || q->header[2] & 0x80)
		return RCODE_NONE;
	if (q->header[2] & 0x78)
		return RCODE_NOTIMP;
	if (q->header[4] != 0 || q->header[5] > 1 || q->header[6] != 0 ||
	    q->header[7] != 0)
		return RCODE_FORMERR;
	if (q->header[5] == 1 && (rd_name(&r, q->qname, &q->qname_len, 0) ||
	    rd_u16(&r, &q->qtype) || rd_u16(&r, &q->qclass)))
		return RCODE_FORMERR;
	q->has_question = q->header[5];
	nscount = (unsigned int)q->header[8] << 8 | q->header[9];
	if (nscount > (q->qtype == QTYPE_IXFR ? 1U : 0U))
		return RCODE_FORMERR;
	count = nscount + ((unsigned int)q->header[10] << 8 | q->header[11]);
	for (i = 0; i < count; i++) {
		if (rd_name(&r, owner, &owner_len, 1) == -1 ||
		    rd_u16(&r, &type) == -1 || rd_u16(&r, &class) == -1 ||
		    rd_bytes(&r, ttl, sizeof(ttl)) == -1 ||
		    rd_u16(&r, &rdlen) == -1 || rdlen > r.len - r.off)
			return RCODE_FORMERR;
		end = r.off + rdlen;
		if (type != QTYPE_OPT && rd_bytes(&r, NULL, rdlen) == 0)
			continue;	/* other records: skipped */
		if (q->has_edns || i < nscount || owner_len != 1) {
			q->has_edns = 0;
			return RCODE_FORMERR;
		}
		while (r.off < end)
			if (end - r.off < 4 || rd_u16(&r, &code) == -1 ||
			    rd_u16(&r, &optlen) == -1 ||
			    rd_bytes(&r, NULL, optlen) == -1 || r.off > end)
				return RCODE_FORMERR;
		q->has_edns = 1;
		q->edns_size = class;
		q->edns_version = ttl[1];
		q->edns_do = (ttl[2] & 0x80) != 0;
	}
	if (r.off != r.len || !q->has_question)
		return RCODE_FORMERR;
	return q->has_edns && q->edns_version > 0 ? RCODE_BADVERS :
	    RCODE_NOERROR;
}

/* Builds the reply to the untrusted message msg in out (TCP_LIMIT bytes):
 * REFUSED if is_drained, A and AAAA from addr[0] and addr[1], limit
 * UDP_LIMIT (raised by EDNS) or TCP_LIMIT.  Returns its length, 0 for
 * silence.  A pure function of its arguments and the compiled records. */
static size_t
answer(const unsigned char *msg, size_t len, size_t limit, int is_drained,
    const struct rrset *addr, unsigned char *out, struct query *q)
{
	struct writer		 w = { out, 0, 0 };
	const struct rrset	*set[2] = { NULL, NULL };
	unsigned char		 opt[OPT_LEN] = { 0, 0, QTYPE_OPT,
				    EDNS_LIMIT >> 8, EDNS_LIMIT & 0xff };
	size_t			 i, answers = 0;
	long			 zone = 0;
	int			 is_authoritative;

	if ((q->rcode = parse_query(msg, len, q)) == RCODE_NONE)
		return 0;
	if (q->rcode != RCODE_NOERROR)
		;
	else if (q->qclass != CLASS_IN || is_drained)
		q->rcode = RCODE_REFUSED;
	else if ((zone = zone_offset(q->qname, q->qname_len)) == -1)
		q->rcode = RCODE_REFUSED;	/* not ours: RFC 1034 4.3.2 */
	else if (q->qtype == QTYPE_AXFR && limit == UDP_LIMIT)
		q->rcode = RCODE_NOTIMP;	/* undefined: RFC 5936 4.2 */
	else if (q->qtype == QTYPE_AXFR || q->qtype == QTYPE_IXFR)
		q->rcode = RCODE_REFUSED;	/* no zone transfers */
	else if (zone > 0)
		q->rcode = RCODE_NXDOMAIN;	/* RFC 2308 2.1 */
	else if (q->qtype == QTYPE_A || q->qtype == QTYPE_ANY) {
		set[0] = &addr[0];		/* ANY: RFC 8482 4.1 */
		set[1] = q->qtype == QTYPE_ANY ? &addr[1] : NULL;
	} else if (q->qtype == QTYPE_AAAA)
		set[0] = &addr[1];
	else if (q->qtype == QTYPE_NS)
		set[0] = &config.ns_set;
	else if (q->qtype == QTYPE_SOA)
		set[0] = &config.soa;
	is_authoritative = q->rcode == RCODE_NOERROR ||
	    q->rcode == RCODE_NXDOMAIN;

	/* UDP: 512 bytes, or the client's EDNS size within 512..1232. */
	if (limit == UDP_LIMIT && q->has_edns && q->edns_size > UDP_LIMIT)
		limit = q->edns_size < EDNS_LIMIT ? q->edns_size : EDNS_LIMIT;
	w.cap = limit - (q->has_edns ? OPT_LEN : 0);
	/* Header: ID, opcode, RD and CD copied; RA, Z, AD clear. */
	(void)wr_bytes(&w, q->header, 4);
	out[2] = 0x80 | (q->header[2] & 0x79) | (is_authoritative << 2);
	out[3] = (q->header[3] & 0x10) | (q->rcode & 0x0f);
	(void)wr_bytes(&w, "\0\0\0\0\0\0\0\0", 8);
	if (q->has_question) {
		out[5] = 1;
		(void)(wr_bytes(&w, q->qname, q->qname_len) ||
		    wr_int(&w, q->qtype, 2) || wr_int(&w, q->qclass, 2));
	}
	/* What does not fit is cut at an RRset boundary, with TC. */
	for (i = 0; i < 2 && set[i] != NULL && !q->is_truncated; i++)
		if (wr_rrset(&w, set[i], 0) == -1)
			q->is_truncated = 1;
		else
			answers += set[i]->count;
	out[7] = answers;
	/* NXDOMAIN and NODATA: the SOA (RFC 2308 2.1, 2.2). */
	if (is_authoritative && answers == 0 && !q->is_truncated) {
		if (wr_rrset(&w, &config.soa, (size_t)zone) == -1)
			q->is_truncated = 1;
		else
			out[9] = 1;
	}
	out[2] |= q->is_truncated ? 0x02 : 0;
	if (q->has_edns) {	/* RFC 6891 6.1: rcode high bits, DO copied */
		opt[5] = q->rcode >> 4;
		opt[7] = q->edns_do ? 0x80 : 0;
		w.cap = limit;
		(void)wr_bytes(&w, opt, sizeof(opt));
		out[11] = 1;
	}
	return w.len;
}

/* Answers msg from the files' current state into reply_buf + 2, and with
 * -v logs one line: client (peer; "-" if it has no address), qname, qtype,
 * rcode.  Returns the length. */
static size_t
answer_now(const unsigned char *msg, size_t len, size_t limit,
    const struct sockaddr_storage *peer)
{
	struct query	 q;
	char		 name[NAME_LIMIT * 4 + 2], type[16], client[64] = "-";
	int		 drained = is_drained();

	len = answer(msg, len, limit, drained, addr_source(), reply_buf + 2,
	    &q);
	log_upto = LOG_INFO;
	if (!config.verbose)
		return len;
	(void)getnameinfo((const struct sockaddr *)peer, sizeof(*peer), client,
	    sizeof(client), NULL, 0, NI_NUMERICHOST);
	name_to_text(q.qname, q.qname_len, name, sizeof(name));
	snprintf(type, sizeof(type), "TYPE%u", q.qtype);
	log_msg(LOG_INFO, "%s %s %s %s%s", client, q.has_question ? name : "-",
	    !q.has_question ? "-" : q.qtype < 256 && qtype_name[q.qtype] ?
	    qtype_name[q.qtype] : type, rcode_name[q.rcode],
	    q.is_truncated ? " TC" : "");
	return len;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads (is_write 0) or writes exactly n bytes on fd before the deadline
 * (ms).  Returns 1, 0 on EOF before the first byte read, -1 on an error,
 * a timeout or EOF inside the bytes. */
static int
io_full(int fd, unsigned char *buf, size_t n, long long deadline,
    int is_write)
{
	struct pollfd	 p = { .fd = fd, .events = is_write ? POLLOUT : POLLIN };
	long long	 left;
	size_t		 done = 0;
	ssize_t		 r;

	while (done < n) {
		if ((left = deadline - now_ms()) <= 0 || ((r = poll(&p, 1,
		    left > INT_MAX ? INT_MAX : left)) < 0 && errno != EINTR))
			return -1;
		if (r <= 0)
			continue;
		r = is_write ? write(fd, buf + done, n - done) :
		    read(fd, buf + done, n - done);
		if (r == 0 && !is_write)
			return done == 0 ? 0 : -1;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		done += r > 0 ? (size_t)r : 0;
	}
	return 1;
}

/* Copies the destination address of a received datagram (IP_PKTINFO;
 * IPV6_PKTINFO, RFC 3542) from control message in to out, as the source of
 * the reply.  Returns the length of out, 0 if in had none. */
static size_t
reply_source(struct msghdr *in, struct cmsghdr *out)
{
	struct cmsghdr	*c;
	size_t		 len = 0;

	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
#ifdef HAVE_IP_PKTINFO
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			memcpy(CMSG_DATA(out), &pi, len = sizeof(pi));
		}
#endif
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO)
			memcpy(CMSG_DATA(out), CMSG_DATA(c),
			    len = sizeof(struct in6_pktinfo));
		if (len > 0) {
			out->cmsg_level = c->cmsg_level;
			out->cmsg_type = c->cmsg_type;
			out->cmsg_len = CMSG_LEN(len);
			return CMSG_SPACE(len);
		}
	}
	return 0;
}

/* Receives one datagram on fd and sends the reply from the address it was
 * sent to, so a wildcard socket works on a host with several addresses; a
 * socket connected to the client (udpsvd) takes no address.  An error for
 * one datagram is logged (-v) and forgotten, as tinydns does, and one
 * queued with IP_RECVERR (which keeps poll(2) saying POLLERR) taken off
 * the queue; only a descriptor that is no socket ends the process.  Returns
 * 1 if a datagram was read. */
static int
serve_datagram(int fd, int is_connected)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[256];
	}			 in_cmsg, out_cmsg;
	struct sockaddr_storage	 peer = { 0 };	/* AF_UNIX ones have none */
	struct iovec		 iov = { .iov_base = query_buf,
				    .iov_len = sizeof(query_buf) };
	struct msghdr		 m = { .msg_name = &peer, .msg_iov = &iov,
				    .msg_iovlen = 1, .msg_control = in_cmsg.buf,
				    .msg_controllen = sizeof(in_cmsg.buf) };
	ssize_t			 n;

	m.msg_namelen = sizeof(peer);
	if ((n = recvmsg(fd, &m, MSG_DONTWAIT)) < 0) {
		if (errno == EBADF || errno == ENOTSOCK)
			fatal(2, "fd %d: recvmsg: %s", fd, strerror(errno));
		if (config.verbose && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR)
			log_msg(LOG_INFO, "recvmsg: %s", strerror(errno));
#ifdef HAVE_MSG_ERRQUEUE	/* IP_RECVERR's queue of ICMP errors */
		(void)recv(fd, query_buf, 1, MSG_ERRQUEUE | MSG_DONTWAIT);
#endif
		return 0;
	}
	if ((iov.iov_len = answer_now(query_buf, n, UDP_LIMIT, &peer)) == 0)
		return 1;
	iov.iov_base = reply_buf + 2;
	memset(&out_cmsg, 0, sizeof(out_cmsg));
	m.msg_controllen = reply_source(&m, &out_cmsg.hdr);
	m.msg_control = m.msg_controllen > 0 ? out_cmsg.buf : NULL;
	m.msg_name = is_connected ? NULL : &peer;
	m.msg_namelen = is_connected ? 0 : m.msg_namelen;
	if (sendmsg(fd, &m, MSG_DONTWAIT) == -1 && config.verbose)
		log_msg(LOG_INFO, "sendmsg: %s", strerror(errno));
	return 1;
}

/* Serves datagrams on the given sockets until none has arrived for -i
 * seconds, whatever else poll(2) reports; with -i 0, until the first one
 * has been read. */
static void
serve_datagrams(const int *fds, size_t nfds)
{
	struct sockaddr_storage	 peer;
	socklen_t		 len;
	struct pollfd		 p[FD_LIMIT];
	int			 is_connected[FD_LIMIT], n, on = 1, got;
	long long		 idle = config.idle * 1000LL, left = -1,
				 end = now_ms() + idle;
	size_t			 i;

	log_upto = idle > 0 ? LOG_WARNING : LOG_ERR;
	for (i = 0; i < nfds; i++) {
		p[i].fd = fds[i];
		p[i].events = POLLIN;
#ifdef HAVE_IP_PKTINFO	/* the option that does not fit the family fails */
		(void)setsockopt(fds[i], IPPROTO_IP, IP_PKTINFO, &on,
		    sizeof(on));
#endif
		(void)setsockopt(fds[i], IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on));
		len = sizeof(peer);
		is_connected[i] = getpeername(fds[i],
		    (struct sockaddr *)&peer, &len) == 0;
	}
	for (;;) {
		if (idle > 0 && (left = end - now_ms()) <= 0)
			return;
		n = poll(p, nfds, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno != EINTR)
			fatal(2, "poll: %s", strerror(errno));
		for (i = 0, got = 0; n > 0 && i < nfds; i++) {
			if (p[i].revents & POLLNVAL)
				fatal(2, "fd %d: not open", p[i].fd);
			if (p[i].revents != 0)
				got |= serve_datagram(p[i].fd,
				    is_connected[i]);
		}
		if (got && idle == 0)
			return;
		end = got ? now_ms() + idle : end;
	}
}

/* Serves DNS-over-TCP framing (RFC 1035 4.2.2, RFC 7766) on in and out,
 * queries in order.  Ends on EOF, a length shorter than a header, a query
 * not in or a reply not out within the idle time (1 s with -i 0), and after
 * STREAM_QUERIES queries or STREAM_SECONDS seconds, so that a few clients
 * cannot hold every connection a supervisor allows; then reads what the
 * client still sends until it closes, for at most the idle time. */
static void
serve_stream(int in, int out)
{
	struct sockaddr_storage	 peer = { 0 };	/* a pipe has none */
	socklen_t		 peer_len = sizeof(peer);
	long long		 wait, deadline, end;
	size_t			 len, n;

	(void)getpeername(in, (struct sockaddr *)&peer, &peer_len);
	wait = config.idle > 0 ? config.idle * 1000LL : 1000;
	end = now_ms() + STREAM_SECONDS * 1000LL;
	for (n = 0; n < STREAM_QUERIES; n++) {
		if ((deadline = now_ms() + wait) > end)	/* query and reply */
			deadline = end;
		if (io_full(in, reply_buf, 2, deadline, 0) != 1 ||
		    (len = (size_t)reply_buf[0] << 8 | reply_buf[1]) <
		    HEADER_LEN || io_full(in, query_buf, len, deadline, 0) != 1)
			break;
		if ((len = answer_now(query_buf, len, TCP_LIMIT, &peer)) == 0)
			continue;
		reply_buf[0] = len >> 8;
		reply_buf[1] = len & 0xff;
		if (io_full(out, reply_buf, len + 2, now_ms() + wait, 1) != 1)
			break;
	}
	/* No reset for queries left unread: it would discard replies sent. */
	(void)shutdown(out, SHUT_WR);
	for (deadline = now_ms() + wait; io_full(in, query_buf,
	    sizeof(query_buf), deadline, 0) == 1;)
		continue;
}

/* Parses a decimal number within [min, max] into *v.  Returns 0 or -1. */
static int
parse_number(const char *s, long min, long max, long *v)
{
	char	*end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return (*s == '\0' || *end != '\0' || errno != 0 || *v < min ||
	    *v > max) ? -1 : 0;
}

/* Fills the configuration from argv and compiles its records, or exits
 * with a line naming the bad argument and the usage line. */
static void
parse_args(int argc, char *argv[])
{
	static const char	 nums[] = "eit";	/* -e, -i, -t */
	static const long	 min[] = { 1, 0, 0 },
				 max[] = { AGE_LIMIT, IDLE_LIMIT, TTL_LIMIT };
	const char		*why, *o;
	size_t			 i, j, k;
	long			 num[] = { -1, -1, -1 };
	int			 ch;

	/* getopt must not write to fd 2, which may be a socket (":"), and
	 * must stop at the first operand on glibc as on musl ("+"). */
	opterr = 0;
	while ((ch = getopt(argc, argv, "+:d:e:i:n:r:t:v")) != -1) {
		i = config.ns_count;
		k = (o = strchr(nums, ch)) == NULL ? 3 : (size_t)(o - nums);
		if (k < 3 && num[k] != -1)
			usage("-%c %s: given twice", ch, optarg);
		else if (k < 3 && parse_number(optarg, min[k], max[k],
		    &num[k]) == -1)
			usage("-%c %s: not a number from %ld to %ld", ch,
			    optarg, min[k], max[k]);
		else if (ch == 'd' && config.drain_count == DRAIN_LIMIT)
			usage("-d %s: more than %d drain files", optarg,
			    DRAIN_LIMIT);
		else if (ch == 'd')
			config.drain[config.drain_count++] = optarg;
		else if (ch == 'r' && config.redirect != NULL)
			usage("-r %s: given twice", optarg);
		else if (ch == 'r')
			config.redirect = optarg;
		else if (ch == 'v')
			config.verbose = 1;
		else if (ch == 'n' && i == NS_LIMIT)
			usage("-n %s: more than %d nameservers", optarg,
			    NS_LIMIT);
		else if (ch == 'n') {
			if (name_from_text(optarg, config.ns[i],
			    &config.ns_len[i]) == -1)
				usage("-n %s: not a valid domain name", optarg);
			for (j = 0; j < i; j++)
				if (config.ns_len[j] == config.ns_len[i] &&
				    memcmp(config.ns[j], config.ns[i],
				    config.ns_len[i]) == 0)
					usage("-n %s: given twice", optarg);
			config.ns_text[config.ns_count++] = optarg;
		} else if (ch == ':')
			usage("-%c: missing argument", optopt);
		else if (k >= 3)
			usage("-%c: unknown option", optopt);
	}
	argc -= optind;
	argv += optind;
	config.max_age = num[0] == -1 ? 0 : num[0];
	config.idle = num[1] == -1 ? 10 : num[1];
	config.ttl = num[2] == -1 ? 60 : num[2];
	if (config.max_age > 0 && config.redirect == NULL)
		usage("-e %ld: without -r redirectfile", config.max_age);
	if (config.ns_count == 0)
		usage("missing -n nameserver");
	if (argc < 2)
		usage("missing %s", argc < 1 ? "name" : "address");
	if (name_from_text(argv[0], config.zone, &config.zone_len) == -1)
		usage("name %s: not a valid domain name", argv[0]);
	if (config.zone_len > NAME_LIMIT - 11)	/* the SOA's RNAME */
		usage("name %s: over %d octets: the SOA RNAME hostmaster.%s "
		    "would not fit in 255", argv[0], NAME_LIMIT - 11, argv[0]);
	for (i = 0; i < config.ns_count; i++)
		if (zone_offset(config.ns[i], config.ns_len[i]) != -1)
			usage("-n %s: at or below %s: it would need glue, "
			    "which this server cannot give", config.ns_text[i],
			    argv[0]);
	for (i = 1; i < (size_t)argc; i++)
		if ((why = addr_add(config.addr, argv[i])) != NULL)
			usage("address %s: %s", argv[i], why);
	if (compile_config() != 0)
		fatal(1, "cannot compile the records");
}

/* Takes the sockets to serve: systemd's (LISTEN_FDS for our LISTEN_PID:
 * datagram sockets, or one connected stream) as fds 3, 4, ..., else
 * inetd's on fd 0.  Returns their number and type, 0 if fd 0 is a pipe or
 * a file; exits if one is no socket or a listening one. */
static size_t
take_sockets(int *fds, int *type)
{
	const char	*pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	socklen_t	 len = sizeof(int);
	size_t		 i, nfds = 0;
	long		 v;
	int		 is_listening, t;

	if (pid != NULL && n != NULL && parse_number(pid, 1, LONG_MAX,
	    &v) == 0 && v == (long)getpid()) {
		if (parse_number(n, 1, FD_LIMIT, &v) == -1)
			fatal(1, "LISTEN_FDS=%s: expected 1 to %d sockets", n,
			    FD_LIMIT);
		for (nfds = 0; nfds < (size_t)v; nfds++)
			fds[nfds] = 3 + (int)nfds;
	} else if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_TYPE, &t, &len) == 0)
		fds[nfds++] = STDIN_FILENO;
	else if (errno != ENOTSOCK)
		fatal(2, "fd 0: %s", strerror(errno));
	for (i = 0; i < nfds; i++) {
		if (getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &t, &len) == -1)
			fatal(errno == ENOTSOCK ? 1 : 2, "fd %d: %s", fds[i],
			    strerror(errno));
		if (getsockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN,
		    &is_listening, &len) == 0 && is_listening)
			fatal(1, "fd %d is a listening socket: set Accept=yes "
			    "in the .socket unit, or \"nowait\" in inetd.conf",
			    fds[i]);
		if ((t != SOCK_DGRAM && t != SOCK_STREAM) || (i > 0 &&
		    t != *type) || (t == SOCK_STREAM && nfds != 1))
			fatal(1, "fd %d: expected datagram sockets, or one "
			    "stream socket (Accept=yes)", fds[i]);
		*type = t;
	}
	return nfds;
}

int
main(int argc, char *argv[])
{
	int	 fds[FD_LIMIT], type = SOCK_DGRAM;
	size_t	 nfds;

	log_init();
	parse_args(argc, argv);
	/* A client that closes early is an EPIPE from write(), not a signal. */
	(void)signal(SIGPIPE, SIG_IGN);
	if ((nfds = take_sockets(fds, &type)) == 0)
		serve_stream(STDIN_FILENO, STDOUT_FILENO);	/* a pipe */
	else if (type == SOCK_DGRAM)
		serve_datagrams(fds, nfds);
	else
		serve_stream(fds[0], fds[0] == STDIN_FILENO ? STDOUT_FILENO :
		    fds[0]);
	return 0;
}
