/*
 * Copyright (c) 2026 The failoverdns authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHORS DISCLAIM ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHORS BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * failoverdns: an authoritative DNS responder for one name, meant to run on
 * each server of a site that is delegated to all of its servers as
 * nameservers.  It answers A/AAAA with this server's own addresses, NS with
 * every server of the scheme and a synthesized SOA, so that a dead server's
 * addresses die with its nameserver.
 *
 * It never opens a listening socket: a supervisor (systemd socket
 * activation, inetd, xinetd, udpsvd, tcpserver) hands it one, or it speaks
 * DNS-over-TCP framing on stdin/stdout.  It trusts the operator (argv, the
 * supervisor) and nobody on the network.  It never allocates memory, never
 * opens a file after start (it only stat(2)s the drain file, connects to
 * the health-check ports, and lets syslog(3) connect to the log when it
 * logs), never recurses and never answers a response.
 */

#ifdef __linux__
#define _GNU_SOURCE		/* struct in6_pktinfo, IP_PKTINFO */
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* Every platform #ifdef lives here. */
#if defined(__OpenBSD__)
#define sandbox(promises)	pledge((promises), NULL)
#else
#define sandbox(promises)	0
#endif
#if defined(IP_PKTINFO)		/* Linux, NetBSD, macOS */
#define DSTADDR_V4_OPT		IP_PKTINFO
#elif defined(IP_RECVDSTADDR)	/* OpenBSD, FreeBSD */
#define DSTADDR_V4_OPT		IP_RECVDSTADDR
#endif

#define HEADER_LEN	12	/* RFC 1035 4.1.1 */
#define LABEL_LIMIT	63	/* RFC 1035 2.3.4 */
#define NAME_LIMIT	255	/* RFC 1035 2.3.4, wire form */
#define UDP_LIMIT	512	/* RFC 1035 4.2.1, without EDNS */
#define EDNS_LIMIT	1232	/* DNS flag day 2020: 1280 (RFC 8200) - 48 */
#define TCP_LIMIT	65535	/* RFC 1035 4.2.2: two-octet length */
#define OPT_LEN		11	/* RFC 6891 6.1.2: an OPT RR with no options */
#define NS_LIMIT	16	/* -n nameservers */
#define ADDR_LIMIT	16	/* addresses of each family */
#define CHECK_LIMIT	8	/* -c health checks */
#define FD_LIMIT	16	/* sockets from LISTEN_FDS */
#define IDLE_LIMIT	86400	/* -i, seconds */
#define TTL_LIMIT	2147483647	/* RFC 2181 8 */
#define CHECK_MS	250	/* -c: connect timeout */
#define CHECK_REUSE_MS	1000	/* -c: how long a result is reused */

/* SOA timers of a zone that is never transferred (failoverdns.8). */
#define SOA_SERIAL	1
#define SOA_REFRESH	86400
#define SOA_RETRY	7200
#define SOA_EXPIRE	1209600

enum rcode {
	RCODE_NOERROR = 0,
	RCODE_FORMERR = 1,
	RCODE_SERVFAIL = 2,
	RCODE_NXDOMAIN = 3,
	RCODE_NOTIMP = 4,
	RCODE_REFUSED = 5,
	RCODE_BADVERS = 16,	/* RFC 6891 9: extended, in the OPT RR */
	RCODE_NONE = 17		/* no reply at all */
};

enum qtype {
	QTYPE_A = 1,
	QTYPE_NS = 2,
	QTYPE_SOA = 6,
	QTYPE_AAAA = 28,
	QTYPE_OPT = 41,
	QTYPE_IXFR = 251,
	QTYPE_AXFR = 252,
	QTYPE_ANY = 255
};

#define CLASS_IN	1

static const char *const rcode_name[] = {
	[RCODE_NOERROR] = "NOERROR",
	[RCODE_FORMERR] = "FORMERR",
	[RCODE_SERVFAIL] = "SERVFAIL",
	[RCODE_NXDOMAIN] = "NXDOMAIN",
	[RCODE_NOTIMP] = "NOTIMP",
	[RCODE_REFUSED] = "REFUSED",
	[RCODE_BADVERS] = "BADVERS",
	[RCODE_NONE] = "DROPPED"
};

static const char *const qtype_name[256] = {
	[QTYPE_A] = "A",
	[QTYPE_NS] = "NS",
	[QTYPE_SOA] = "SOA",
	[QTYPE_AAAA] = "AAAA",
	[QTYPE_OPT] = "OPT",
	[QTYPE_IXFR] = "IXFR",
	[QTYPE_AXFR] = "AXFR",
	[QTYPE_ANY] = "ANY"
};

/* The query being parsed: a bounds-checked view of received bytes. */
struct reader {
	const unsigned char	*buf;
	size_t			 len;
	size_t			 off;
};

/* The reply being built. */
struct writer {
	unsigned char		*buf;
	size_t			 cap;
	size_t			 len;
};

/* What a query asked, copied out of the packet by parse_query(). */
struct query {
	unsigned char	 header[HEADER_LEN];
	unsigned char	 qname[NAME_LIMIT];	/* as received: 0x20 case kept */
	size_t		 qname_len;
	unsigned int	 qtype;
	unsigned int	 qclass;
	int		 has_question;
	int		 has_edns;
	unsigned int	 edns_size;
	unsigned int	 edns_version;
	int		 edns_do;
	enum rcode	 rcode;			/* set by answer() */
	int		 is_truncated;		/* set by answer() */
};

/* A -c health check: a TCP port that must accept a connection. */
struct check {
	struct sockaddr_storage	 addr;
	socklen_t		 addr_len;
	const char		*text;
};

/* What argv said. */
struct config {
	unsigned char	 zone[NAME_LIMIT];	/* wire form, lower case */
	size_t		 zone_len;
	unsigned char	 ns[NS_LIMIT][NAME_LIMIT];
	size_t		 ns_len[NS_LIMIT];
	size_t		 ns_count;
	unsigned char	 a[ADDR_LIMIT][4];
	size_t		 a_count;
	unsigned char	 aaaa[ADDR_LIMIT][16];
	size_t		 aaaa_count;
	struct check	 check[CHECK_LIMIT];
	size_t		 check_count;
	uint32_t	 ttl;
	long		 idle;
	const char	*downfile;
	int		 verbose;
};

static void	 log_init(void);
static void	 log_vmsg(int, const char *, va_list);
static void	 log_msg(int, const char *, ...);
static void	 fatal(int, const char *, ...);
static void	 log_query(const char *, const struct query *);
static int	 rd_bytes(struct reader *, void *, size_t);
static int	 rd_u16(struct reader *, unsigned int *);
static int	 rd_name(struct reader *, unsigned char *, size_t *, int);
static int	 wr_bytes(struct writer *, const void *, size_t);
static int	 wr_u16(struct writer *, unsigned int);
static int	 wr_u32(struct writer *, uint32_t);
static int	 wr_rr(struct writer *, unsigned int, unsigned int,
		    const void *, size_t);
static int	 wr_name(struct writer *, const struct query *,
		    const unsigned char *, size_t);
static int	 wr_rrset(struct writer *, const struct query *, unsigned int,
		    unsigned int);
static int	 wr_opt(struct writer *, const struct query *);
static int	 name_from_text(const char *, unsigned char *, size_t *);
static void	 name_to_text(const unsigned char *, size_t, char *, size_t);
static int	 name_equal(const unsigned char *, const unsigned char *,
		    size_t);
static enum rcode parse_query(const unsigned char *, size_t, struct query *);
static int	 zone_offset(const struct query *, size_t *);
static size_t	 answer(const unsigned char *, size_t, int, size_t,
		    unsigned char *, struct query *);
static long long now_ms(void);
static int	 check_one(const struct check *);
static int	 is_drained(void);
static int	 wait_fd(int, short, long long);
static int	 read_full(int, unsigned char *, size_t, long long);
static int	 write_full(int, const unsigned char *, size_t, long long);
static void	 addr_to_text(const struct sockaddr *, char *, size_t);
static size_t	 reply_source(struct msghdr *, struct cmsghdr *);
static int	 serve_datagram(int, int);
static void	 serve_datagrams(const int *, size_t);
static void	 serve_stream(int, int);
static long	 parse_number(const char *, long, long, const char *);
static int	 parse_check(const char *, struct check *);
static void	 parse_args(int, char *[]);
static size_t	 listen_fds(int *);
static int	 socket_type(int, int *);
static void	 usage(void);

static struct config	 config;
static int		 log_to_syslog;

/* Received queries and built replies; the reply keeps room for the TCP length. */
static unsigned char	 query_buf[TCP_LIMIT];
static unsigned char	 reply_buf[2 + TCP_LIMIT];

/*
 * Decides once where diagnostics go.  Under inetd, fd 2 may be the client's
 * socket, so an Internet socket on fd 2 means syslog; anything else (a
 * terminal, a file, journald's stream socket) is a safe stderr.
 */
static void
log_init(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(STDERR_FILENO, (struct sockaddr *)&ss, &len) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		log_to_syslog = 1;
		openlog("failoverdns", LOG_PID, LOG_DAEMON);
	}
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

static void
log_msg(int priority, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
}

/*
 * Logs and exits with status code.  inetd's "dgram wait" respawns a server
 * that leaves its datagram unread, so a pending datagram on fd 0 is read
 * and thrown away first.
 */
static void
fatal(int code, const char *fmt, ...)
{
	va_list	 ap;
	int	 type;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	if (socket_type(STDIN_FILENO, &type) == 0 && type == SOCK_DGRAM)
		(void)recv(STDIN_FILENO, query_buf, sizeof(query_buf),
		    MSG_DONTWAIT);
	exit(code);
}

/* With -v, logs one line per query: client, qname, qtype, rcode. */
static void
log_query(const char *client, const struct query *q)
{
	char	 name[NAME_LIMIT * 4 + 2];
	char	 type[16];

	if (!config.verbose)
		return;
	if (q->has_question) {
		name_to_text(q->qname, q->qname_len, name, sizeof(name));
		if (q->qtype < 256 && qtype_name[q->qtype] != NULL)
			snprintf(type, sizeof(type), "%s",
			    qtype_name[q->qtype]);
		else
			snprintf(type, sizeof(type), "TYPE%u", q->qtype);
	} else {
		snprintf(name, sizeof(name), "-");
		snprintf(type, sizeof(type), "-");
	}
	log_msg(LOG_INFO, "%s %s %s %s%s", client, name, type,
	    rcode_name[q->rcode], q->is_truncated ? " TC" : "");
}

/*
 * Copies n bytes at the reader's offset to dst (or skips them if dst is
 * NULL).  Returns 0, or -1 if fewer than n bytes are left.  This is the only
 * function that indexes a buffer received from the network.
 */
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

/*
 * Reads a domain name into out (NAME_LIMIT bytes) and its length into len.
 * Returns -1 for a label over 63 bytes, a label type other than 0 or a name
 * over 255 bytes.  A compression pointer (RFC 1035 4.1.4) is refused unless
 * may_point is set; it then ends the name, is copied as is and is never
 * followed: names in records are skipped, not used.
 */
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
			if (rd_bytes(r, out + n, 1) == -1)
				return -1;
			*len = n + 1;
			return 0;
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

/* Appends n bytes to the reply.  Returns -1, appending nothing, if they do
 * not fit. */
static int
wr_bytes(struct writer *w, const void *src, size_t n)
{
	if (n > w->cap - w->len)
		return -1;
	memcpy(w->buf + w->len, src, n);
	w->len += n;
	return 0;
}

static int
wr_u16(struct writer *w, unsigned int v)
{
	unsigned char	 b[2] = { (v >> 8) & 0xff, v & 0xff };

	return wr_bytes(w, b, sizeof(b));
}

static int
wr_u32(struct writer *w, uint32_t v)
{
	return (wr_u16(w, v >> 16) || wr_u16(w, v & 0xffff)) ? -1 : 0;
}

/* Appends one class IN RR whose owner is the name at offset owner. */
static int
wr_rr(struct writer *w, unsigned int owner, unsigned int type,
    const void *rdata, size_t len)
{
	return (wr_u16(w, 0xc000 | owner) || wr_u16(w, type) ||
	    wr_u16(w, CLASS_IN) || wr_u32(w, config.ttl) ||
	    wr_u16(w, len) || wr_bytes(w, rdata, len)) ? -1 : 0;
}

/*
 * Appends a wire-form name from argv, compressed (RFC 1035 4.1.4): its
 * longest suffix that is also a suffix of the question's name, which sits at
 * HEADER_LEN in every reply, becomes a pointer there.
 */
static int
wr_name(struct writer *w, const struct query *q, const unsigned char *name,
    size_t len)
{
	size_t	 i, j;

	for (i = 0; name[i] != 0; i += 1 + name[i])
		for (j = 0; q->qname[j] != 0; j += 1 + q->qname[j])
			if (q->qname_len - j == len - i &&
			    name_equal(q->qname + j, name + i, len - i))
				return (wr_bytes(w, name, i) ||
				    wr_u16(w, 0xc000 | (HEADER_LEN + j))) ?
				    -1 : 0;
	return wr_bytes(w, name, len);
}

/*
 * Appends the whole RRset of type type owned by the zone name at offset
 * owner.  Returns the number of RRs, or -1, with the reply as it was, if the
 * RRset does not fit: RRsets are never split (RFC 2181 5, 9).
 */
static int
wr_rrset(struct writer *w, const struct query *q, unsigned int owner,
    unsigned int type)
{
	unsigned char	 buf[NAME_LIMIT + 13 + 20];
	struct writer	 rdata = { buf, sizeof(buf), 0 };
	size_t		 i, mark = w->len;
	int		 n = 0, error = 0;

	switch (type) {
	case QTYPE_A:
		for (i = 0; i < config.a_count; i++, n++)
			error |= wr_rr(w, owner, type, config.a[i], 4);
		break;
	case QTYPE_AAAA:
		for (i = 0; i < config.aaaa_count; i++, n++)
			error |= wr_rr(w, owner, type, config.aaaa[i], 16);
		break;
	case QTYPE_NS:
		for (i = 0; i < config.ns_count; i++, n++) {
			rdata.len = 0;
			error |= wr_name(&rdata, q, config.ns[i],
			    config.ns_len[i]) ||
			    wr_rr(w, owner, type, buf, rdata.len);
		}
		break;
	case QTYPE_SOA:
		/* MNAME, RNAME hostmaster.<zone>, then the five timers. */
		error = wr_name(&rdata, q, config.ns[0], config.ns_len[0]) ||
		    wr_bytes(&rdata, "\012hostmaster", 11) ||
		    wr_u16(&rdata, 0xc000 | owner) ||
		    wr_u32(&rdata, SOA_SERIAL) || wr_u32(&rdata, SOA_REFRESH) ||
		    wr_u32(&rdata, SOA_RETRY) || wr_u32(&rdata, SOA_EXPIRE) ||
		    wr_u32(&rdata, config.ttl) ||
		    wr_rr(w, owner, type, buf, rdata.len);
		n = 1;
		break;
	}
	if (error) {
		w->len = mark;
		return -1;
	}
	return n;
}

/*
 * Appends the OPT RR (RFC 6891 6.1): our UDP size, the upper bits of the
 * rcode, version 0, the DO bit copied (RFC 3225 3), no options.
 */
static int
wr_opt(struct writer *w, const struct query *q)
{
	return (wr_bytes(w, "", 1) || wr_u16(w, QTYPE_OPT) ||
	    wr_u16(w, EDNS_LIMIT) || wr_u16(w, (q->rcode >> 4) << 8) ||
	    wr_u16(w, q->edns_do ? 0x8000 : 0) || wr_u16(w, 0)) ? -1 : 0;
}

/*
 * Converts a name from argv (trusted) to lower-case wire form in out
 * (NAME_LIMIT bytes).  The trailing dot is optional; the root, empty
 * labels, labels over 63 bytes, names over 255 bytes and characters outside
 * printable ASCII or a backslash are refused.  Returns 0 or -1.
 */
static int
name_from_text(const char *s, unsigned char *out, size_t *len)
{
	size_t	 n = 1, label = 0;

	out[0] = 0;
	for (; *s != '\0'; s++) {
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

/* Writes a validated wire-form name as text, escaping unusual bytes as \DDD
 * (RFC 1035 5.1).  out must hold 4 * NAME_LIMIT + 2 bytes. */
static void
name_to_text(const unsigned char *name, size_t len, char *out, size_t size)
{
	size_t	 i, n = 0, label = 0;

	for (i = 0; i < len && n + 5 < size; i++) {
		if (label == 0) {
			label = name[i];
			if (label == 0 || n > 0)
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

/* Compares two wire-form names of length len, ignoring ASCII case.  Length
 * octets are at most 63, below 'A', so folding them changes nothing. */
static int
name_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	size_t		 i;
	unsigned char	 x, y;

	for (i = 0; i < len; i++) {
		x = (a[i] >= 'A' && a[i] <= 'Z') ? a[i] + 32 : a[i];
		y = (b[i] >= 'A' && b[i] <= 'Z') ? b[i] + 32 : b[i];
		if (x != y)
			return 0;
	}
	return 1;
}

/*
 * Parses an untrusted query into q.  Returns RCODE_NOERROR for a query to
 * answer, RCODE_NONE for silence, or the rcode of the error reply.
 *
 * The checks run in this order and the first that fails decides:
 *  1. size: shorter than the header              silence
 *  2. QR set: a response, never answered         silence (no reflection)
 *  3. opcode other than QUERY                    NOTIMP (RFC 1035 4.1.1);
 *     before the counts, as NOTIFY and UPDATE carry records in them
 *  4. QDCOUNT above 1, ANCOUNT not 0             FORMERR
 *  5. the question, if QDCOUNT is 1: labels <= 63,
 *     name <= 255, no compression pointer, type
 *     and class present                          FORMERR
 *     (names in records may end in a pointer)
 *  6. NSCOUNT not 0, but for IXFR's SOA
 *     (RFC 1995 3)                               FORMERR
 *  7. authority and additional records complete;
 *     at most one OPT (a second: no OPT in the
 *     reply, as NSD and Knot), in the additional
 *     section, owned by the root, with
 *     well-formed options (RFC 6891 6.1.1)       FORMERR
 *  8. no bytes after the last record             FORMERR
 *  9. no question (QDCOUNT 0: a cookie probe of
 *     RFC 7873 5.4 still gets its OPT back)      FORMERR
 * 10. EDNS version above 0                       BADVERS (RFC 6891 6.1.3)
 */
static enum rcode
parse_query(const unsigned char *msg, size_t len, struct query *q)
{
	struct reader	 r = { msg, len, 0 };
	unsigned char	 owner[NAME_LIMIT], ttl[4];
	size_t		 owner_len, end;
	unsigned int	 nscount, count, type, class, rdlen, code, optlen, i;

	memset(q, 0, sizeof(*q));
	if (rd_bytes(&r, q->header, HEADER_LEN) == -1)
		return RCODE_NONE;
	if (q->header[2] & 0x80)
		return RCODE_NONE;
	if (q->header[2] & 0x78)
		return RCODE_NOTIMP;
	if (q->header[4] != 0 || q->header[5] > 1 || q->header[6] != 0 ||
	    q->header[7] != 0)
		return RCODE_FORMERR;
	if (q->header[5] == 1) {
		if (rd_name(&r, q->qname, &q->qname_len, 0) == -1 ||
		    rd_u16(&r, &q->qtype) == -1 || rd_u16(&r, &q->qclass) == -1)
			return RCODE_FORMERR;
		q->has_question = 1;
	}
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
		if (type != QTYPE_OPT) {
			(void)rd_bytes(&r, NULL, rdlen);
			continue;
		}
		if (q->has_edns) {
			q->has_edns = 0;
			return RCODE_FORMERR;
		}
		if (i < nscount || owner_len != 1)
			return RCODE_FORMERR;
		while (r.off < end) {
			if (end - r.off < 4 || rd_u16(&r, &code) == -1 ||
			    rd_u16(&r, &optlen) == -1 ||
			    optlen > end - r.off)
				return RCODE_FORMERR;
			(void)rd_bytes(&r, NULL, optlen);	/* ignored */
		}
		q->has_edns = 1;
		q->edns_size = class;
		q->edns_version = ttl[1];
		q->edns_do = (ttl[2] & 0x80) != 0;
	}
	if (r.off != r.len || !q->has_question)
		return RCODE_FORMERR;
	if (q->has_edns && q->edns_version > 0)
		return RCODE_BADVERS;
	return RCODE_NOERROR;
}

/*
 * Finds the zone in the query's name.  Returns 0 with *off = 0 if the name is
 * the zone, 0 with *off > 0 if it is below, -1 if it is outside.
 */
static int
zone_offset(const struct query *q, size_t *off)
{
	size_t	 i = 0;

	while (q->qname_len - i >= config.zone_len) {
		if (q->qname_len - i == config.zone_len &&
		    name_equal(q->qname + i, config.zone, config.zone_len)) {
			*off = i;
			return 0;
		}
		i += 1 + q->qname[i];
	}
	return -1;
}

/*
 * Builds the reply to the untrusted message msg in out (TCP_LIMIT bytes).
 * limit is the transport's size limit: UDP_LIMIT for datagrams (raised by
 * EDNS), TCP_LIMIT for streams.  Returns the reply's length, or 0 for
 * silence.  A pure function of its arguments and the configuration.
 */
static size_t
answer(const unsigned char *msg, size_t len, int drained, size_t limit,
    unsigned char *out, struct query *q)
{
	static const unsigned int any[] = { QTYPE_A, QTYPE_AAAA };
	struct writer	 w = { out, 0, 0 };
	const unsigned int *types = NULL;
	size_t		 i, ntypes = 0, zone = 0, answers = 0;
	int		 is_authoritative = 0, want_soa = 0, n;

	q->rcode = parse_query(msg, len, q);
	if (q->rcode == RCODE_NONE)
		return 0;
	if (q->rcode != RCODE_NOERROR)
		;
	else if (q->qclass != CLASS_IN || drained)
		q->rcode = RCODE_REFUSED;
	else if (zone_offset(q, &zone) == -1)
		q->rcode = RCODE_REFUSED;	/* not ours: RFC 1034 4.3.2 */
	else if (q->qtype == QTYPE_AXFR && limit == UDP_LIMIT)
		q->rcode = RCODE_NOTIMP;	/* undefined: RFC 5936 4.2 */
	else if (q->qtype == QTYPE_AXFR || q->qtype == QTYPE_IXFR)
		q->rcode = RCODE_REFUSED;	/* no zone transfers */
	else if (zone > 0) {
		q->rcode = RCODE_NXDOMAIN;	/* RFC 2308 2.1 */
		is_authoritative = want_soa = 1;
	} else {
		is_authoritative = 1;
		types = &q->qtype;
		ntypes = 1;
		if (q->qtype == QTYPE_ANY) {	/* RFC 8482 4.1: a subset */
			types = any;
			ntypes = 2;
		}
	}

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
		    wr_u16(&w, q->qtype) || wr_u16(&w, q->qclass));
	}

	/* Whatever does not fit is cut at an RRset boundary, with TC. */
	for (i = 0; i < ntypes && !q->is_truncated; i++) {
		if ((n = wr_rrset(&w, q, HEADER_LEN, types[i])) < 0)
			q->is_truncated = 1;
		else
			answers += n;
	}
	out[7] = answers;
	if (answers == 0 && ntypes > 0)
		want_soa = 1;			/* NODATA: RFC 2308 2.2 */
	if (want_soa && !q->is_truncated) {
		if (wr_rrset(&w, q, HEADER_LEN + zone, QTYPE_SOA) < 0)
			q->is_truncated = 1;
		else
			out[9] = 1;
	}
	if (q->is_truncated)
		out[2] |= 0x02;
	if (q->has_edns) {
		w.cap = limit;
		(void)wr_opt(&w, q);
		out[11] = 1;
	}
	return w.len;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns 1 if a TCP connection to the check's address succeeds within
 * CHECK_MS, else 0. */
static int
check_one(const struct check *c)
{
	int		 fd, error = 0, ok = 0;
	socklen_t	 len = sizeof(error);

	fd = socket(c->addr.ss_family, SOCK_STREAM, 0);
	if (fd == -1)
		return 0;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == 0) {
		if (connect(fd, (const struct sockaddr *)&c->addr,
		    c->addr_len) == 0)
			ok = 1;
		else if (errno == EINPROGRESS &&
		    wait_fd(fd, POLLOUT, now_ms() + CHECK_MS) == 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 &&
		    error == 0)
			ok = 1;
	}
	(void)close(fd);
	return ok;
}

/*
 * Returns 1 if the server must refuse everything: the drain file exists, or
 * a health check failed.  Check results are reused for CHECK_REUSE_MS, so a
 * query storm costs at most one round of checks a second; -v logs each
 * change of state once.
 */
static int
is_drained(void)
{
	static long long checked_at;
	static int	 is_down = -1;
	struct stat	 st;
	long long	 now;
	size_t		 i;
	int		 was_down = is_down;

	if (config.downfile != NULL && stat(config.downfile, &st) == 0)
		return 1;
	if (config.check_count == 0)
		return 0;
	now = now_ms();
	if (is_down != -1 && now - checked_at < CHECK_REUSE_MS)
		return is_down;
	is_down = 0;
	for (i = 0; i < config.check_count && !is_down; i++)
		if (!check_one(&config.check[i])) {
			is_down = 1;
			if (config.verbose && was_down != 1)
				log_msg(LOG_NOTICE, "health check %s failed: "
				    "refusing queries", config.check[i].text);
		}
	if (config.verbose && was_down == 1 && !is_down)
		log_msg(LOG_NOTICE, "health checks pass: answering again");
	checked_at = now_ms();
	return is_down;
}

/* Waits until fd is ready for events or the deadline (ms) passes.
 * Returns 0 when ready, -1 on timeout or error. */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd	 p;
	long long	 left;
	int		 n;

	p.fd = fd;
	p.events = events;
	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -1;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n == 0 || errno != EINTR)
			return -1;
	}
}

/* Reads exactly n bytes before the deadline.  Returns 1, 0 on EOF before
 * the first byte, -1 on an error, a timeout or EOF inside the bytes. */
static int
read_full(int fd, unsigned char *buf, size_t n, long long deadline)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		if (wait_fd(fd, POLLIN, deadline) == -1)
			return -1;
		r = read(fd, buf + got, n - got);
		if (r == 0)
			return got == 0 ? 0 : -1;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (r > 0)
			got += (size_t)r;
	}
	return 1;
}

/* Writes exactly n bytes before the deadline.  Returns 0 or -1. */
static int
write_full(int fd, const unsigned char *buf, size_t n, long long deadline)
{
	size_t	 done = 0;
	ssize_t	 r;

	while (done < n) {
		if (wait_fd(fd, POLLOUT, deadline) == -1)
			return -1;
		r = write(fd, buf + done, n - done);
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (r > 0)
			done += (size_t)r;
	}
	return 0;
}

/* Formats a socket address as text for the log. */
static void
addr_to_text(const struct sockaddr *sa, char *out, size_t size)
{
	const void	*a = NULL;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, out, size) == NULL)
		snprintf(out, size, "-");
}

/*
 * Copies the destination address of a received datagram, as the control
 * message in (IP_PKTINFO, IPV6_PKTINFO, IP_RECVDSTADDR), to out as the
 * source address of the reply.  Returns the length of out, 0 if in had none.
 */
static size_t
reply_source(struct msghdr *in, struct cmsghdr *out)
{
	struct cmsghdr	*c;

	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
#ifdef IP_PKTINFO
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			out->cmsg_level = IPPROTO_IP;
			out->cmsg_type = IP_PKTINFO;
			out->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(out), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
#endif
#if defined(IP_RECVDSTADDR) && defined(IP_SENDSRCADDR)
		if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_RECVDSTADDR) {
			out->cmsg_level = IPPROTO_IP;
			out->cmsg_type = IP_SENDSRCADDR;
			out->cmsg_len = CMSG_LEN(sizeof(struct in_addr));
			memcpy(CMSG_DATA(out), CMSG_DATA(c),
			    sizeof(struct in_addr));
			return CMSG_SPACE(sizeof(struct in_addr));
		}
#endif
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			out->cmsg_level = IPPROTO_IPV6;
			out->cmsg_type = IPV6_PKTINFO;
			out->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
			memcpy(CMSG_DATA(out), CMSG_DATA(c),
			    sizeof(struct in6_pktinfo));
			return CMSG_SPACE(sizeof(struct in6_pktinfo));
		}
	}
	return 0;
}

/*
 * Receives one datagram on fd, answers it and sends the reply from the
 * address the query was sent to, so that a socket bound to the wildcard
 * address works on a host with several addresses.  A socket that udpsvd
 * connected to the client (is_connected) takes no address on send.
 * Returns 1 if a datagram was read, 0 if none was there.
 */
static int
serve_datagram(int fd, int is_connected)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[256];
	}			 in_cmsg, out_cmsg;
	struct sockaddr_storage	 peer;
	struct query		 q;
	struct iovec		 iov;
	struct msghdr		 m;
	char			 client[INET6_ADDRSTRLEN];
	ssize_t			 n;
	size_t			 len;

	memset(&m, 0, sizeof(m));
	memset(&peer, 0, sizeof(peer));	/* AF_UNIX peers have no address */
	iov.iov_base = query_buf;
	iov.iov_len = sizeof(query_buf);
	m.msg_name = &peer;
	m.msg_namelen = sizeof(peer);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = in_cmsg.buf;
	m.msg_controllen = sizeof(in_cmsg.buf);
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR || errno == ECONNREFUSED)
			return 0;
		fatal(2, "recvmsg: %s", strerror(errno));
	}
	len = answer(query_buf, (size_t)n, is_drained(), UDP_LIMIT,
	    reply_buf + 2, &q);
	if (config.verbose) {
		addr_to_text((struct sockaddr *)&peer, client, sizeof(client));
		log_query(client, &q);
	}
	if (len == 0)
		return 1;
	memset(&out_cmsg, 0, sizeof(out_cmsg));
	iov.iov_base = reply_buf + 2;
	iov.iov_len = len;
	m.msg_controllen = reply_source(&m, &out_cmsg.hdr);
	m.msg_control = m.msg_controllen > 0 ? out_cmsg.buf : NULL;
	if (is_connected) {
		m.msg_name = NULL;
		m.msg_namelen = 0;
	}
	if (sendmsg(fd, &m, 0) == -1 && config.verbose)
		log_msg(LOG_INFO, "sendmsg: %s", strerror(errno));
	return 1;
}

/*
 * Serves datagrams on the given sockets until none has arrived for
 * config.idle seconds; with -i 0, until the first one has been read.
 */
static void
serve_datagrams(const int *fds, size_t nfds)
{
	struct sockaddr_storage	 peer;
	socklen_t		 len;
	struct pollfd		 p[FD_LIMIT];
	int			 is_connected[FD_LIMIT];
	size_t			 i;
	int			 n, on = 1, got, timeout;

	for (i = 0; i < nfds; i++) {
		p[i].fd = fds[i];
		p[i].events = POLLIN;
		/* Ask for the destination address of each datagram; the
		 * option that does not apply to the family just fails. */
#ifdef DSTADDR_V4_OPT
		(void)setsockopt(fds[i], IPPROTO_IP, DSTADDR_V4_OPT, &on,
		    sizeof(on));
#endif
		(void)setsockopt(fds[i], IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on));
		len = sizeof(peer);
		is_connected[i] = getpeername(fds[i],
		    (struct sockaddr *)&peer, &len) == 0;
	}
	timeout = config.idle == 0 ? -1 : (int)config.idle * 1000;
	for (;;) {
		n = poll(p, nfds, timeout);
		if (n == 0)
			return;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal(2, "poll: %s", strerror(errno));
		}
		got = 0;
		for (i = 0; i < nfds; i++)
			if (p[i].revents != 0)
				got |= serve_datagram(p[i].fd,
				    is_connected[i]);
		if (got && config.idle == 0)
			return;
	}
}

/*
 * Serves DNS-over-TCP framing (RFC 1035 4.2.2, RFC 7766) on in and out:
 * queries in order, each reply written before the next query is read.
 * Closes on EOF, on a length shorter than a header, or when a query has not
 * fully arrived within the idle time (1 s with -i 0).
 */
static void
serve_stream(int in, int out)
{
	struct sockaddr_storage	 peer;
	socklen_t		 peer_len = sizeof(peer);
	struct query		 q;
	char			 client[INET6_ADDRSTRLEN] = "-";
	unsigned char		 head[2];
	long long		 wait, deadline;
	size_t			 len;

	memset(&peer, 0, sizeof(peer));
	if (config.verbose && getpeername(in, (struct sockaddr *)&peer,
	    &peer_len) == 0)
		addr_to_text((struct sockaddr *)&peer, client, sizeof(client));
	wait = config.idle > 0 ? config.idle * 1000LL : 1000;
	for (;;) {
		deadline = now_ms() + wait;
		if (read_full(in, head, 2, deadline) != 1)
			return;
		len = (size_t)head[0] << 8 | head[1];
		if (len < HEADER_LEN ||
		    read_full(in, query_buf, len, deadline) != 1)
			return;
		len = answer(query_buf, len, is_drained(), TCP_LIMIT,
		    reply_buf + 2, &q);
		log_query(client, &q);
		if (len == 0)
			continue;
		reply_buf[0] = len >> 8;
		reply_buf[1] = len & 0xff;
		if (write_full(out, reply_buf, len + 2, now_ms() + wait) == -1)
			return;
	}
}

/* Parses a decimal number from argv within [min, max], or exits with a
 * message that names the option. */
static long
parse_number(const char *s, long min, long max, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		log_msg(LOG_ERR, "%s %s: not a number from %ld to %ld",
		    what, s, min, max);
		usage();
	}
	return v;
}

/* Parses "address:port" or "[address]:port", numeric only, into c. */
static int
parse_check(const char *s, struct check *c)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&c->addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&c->addr;
	char			 host[INET6_ADDRSTRLEN + 2];
	const char		*colon = strrchr(s, ':');
	size_t			 len;
	long			 port;
	char			*end;

	if (colon == NULL || (len = (size_t)(colon - s)) >= sizeof(host))
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535)
		return -1;
	memset(&c->addr, 0, sizeof(c->addr));
	c->text = s;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		c->addr_len = sizeof(*sin);
		return 0;
	}
	if (len > 2 && host[0] == '[' && host[len - 1] == ']') {
		host[len - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)port);
			c->addr_len = sizeof(*sin6);
			return 0;
		}
	}
	return -1;
}

/* Fills the configuration from argv, or exits with a message naming the
 * bad argument and the usage line. */
static void
parse_args(int argc, char *argv[])
{
	unsigned char	 addr[16];
	int		 ch, i;

	config.ttl = 60;
	config.idle = 10;
	opterr = 0;	/* getopt must not write to fd 2: it may be a socket */
	while ((ch = getopt(argc, argv, ":c:d:i:n:t:v")) != -1) {
		switch (ch) {
		case 'c':
			if (config.check_count == CHECK_LIMIT ||
			    parse_check(optarg,
			    &config.check[config.check_count]) == -1) {
				log_msg(LOG_ERR, "-c %s: not a numeric "
				    "address:port or [address]:port (at most "
				    "%d checks)", optarg, CHECK_LIMIT);
				usage();
			}
			config.check_count++;
			break;
		case 'd':
			config.downfile = optarg;
			break;
		case 'i':
			config.idle = parse_number(optarg, 0, IDLE_LIMIT, "-i");
			break;
		case 'n':
			if (config.ns_count == NS_LIMIT ||
			    name_from_text(optarg, config.ns[config.ns_count],
			    &config.ns_len[config.ns_count]) == -1) {
				log_msg(LOG_ERR, "-n %s: not a valid domain "
				    "name (at most %d nameservers)", optarg,
				    NS_LIMIT);
				usage();
			}
			config.ns_count++;
			break;
		case 't':
			config.ttl = (uint32_t)parse_number(optarg, 0,
			    TTL_LIMIT, "-t");
			break;
		case 'v':
			config.verbose = 1;
			break;
		case ':':
			log_msg(LOG_ERR, "-%c: missing argument", optopt);
			usage();
			break;
		default:
			log_msg(LOG_ERR, "-%c: unknown option", optopt);
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (config.ns_count == 0) {
		log_msg(LOG_ERR, "missing -n nameserver");
		usage();
	}
	if (argc < 2) {
		log_msg(LOG_ERR, "missing %s", argc < 1 ? "name" : "address");
		usage();
	}
	if (name_from_text(argv[0], config.zone, &config.zone_len) == -1) {
		log_msg(LOG_ERR, "name %s: not a valid domain name", argv[0]);
		usage();
	}
	for (i = 1; i < argc; i++) {
		if (inet_pton(AF_INET, argv[i], addr) == 1 &&
		    config.a_count < ADDR_LIMIT)
			memcpy(config.a[config.a_count++], addr, 4);
		else if (inet_pton(AF_INET6, argv[i], addr) == 1 &&
		    config.aaaa_count < ADDR_LIMIT)
			memcpy(config.aaaa[config.aaaa_count++], addr, 16);
		else {
			log_msg(LOG_ERR, "address %s: not an IPv4 or IPv6 "
			    "address (at most %d of each)", argv[i],
			    ADDR_LIMIT);
			usage();
		}
	}
}

/*
 * Returns the number of sockets systemd passed (LISTEN_FDS, for our
 * LISTEN_PID), stored as fds 3, 4, ... in fds; 0 if none were passed.
 */
static size_t
listen_fds(int *fds)
{
	const char	*pid = getenv("LISTEN_PID");
	const char	*n = getenv("LISTEN_FDS");
	char		*end;
	long		 v;
	size_t		 i;

	if (pid == NULL || n == NULL)
		return 0;
	errno = 0;
	v = strtol(pid, &end, 10);
	if (*pid == '\0' || *end != '\0' || errno != 0 || v != (long)getpid())
		return 0;
	v = strtol(n, &end, 10);
	if (*n == '\0' || *end != '\0' || errno != 0 || v < 1 ||
	    v > FD_LIMIT)
		fatal(1, "LISTEN_FDS=%s: expected 1 to %d sockets", n,
		    FD_LIMIT);
	for (i = 0; i < (size_t)v; i++)
		fds[i] = 3 + (int)i;
	return (size_t)v;
}

/* Stores the socket type of fd (SOCK_DGRAM, SOCK_STREAM) in *type.
 * Returns 0, -1 if fd is not a socket, 1 if it is a listening socket. */
static int
socket_type(int fd, int *type)
{
	socklen_t	 len = sizeof(*type);
	int		 listening = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len) == -1)
		return -1;
#ifdef SO_ACCEPTCONN
	len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1)
		listening = 0;
#endif
	return listening ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	int		 fds[FD_LIMIT], type = SOCK_DGRAM;
	size_t		 i, nfds;

	log_init();
	parse_args(argc, argv);
	/* A client that closes early is an EPIPE from write(), not a signal. */
	(void)signal(SIGPIPE, SIG_IGN);
	if (sandbox(config.check_count > 0 ? "stdio rpath inet" :
	    "stdio rpath") == -1)
		fatal(2, "pledge: %s", strerror(errno));

	/* 1. systemd socket activation: datagram sockets, or one stream. */
	if ((nfds = listen_fds(fds)) > 0) {
		for (i = 0; i < nfds; i++) {
			switch (socket_type(fds[i], &type)) {
			case -1:
				fatal(1, "fd %d from LISTEN_FDS is not a "
				    "socket", fds[i]);
				break;
			case 1:
				fatal(1, "fd %d is a listening stream socket: "
				    "set Accept=yes in the .socket unit",
				    fds[i]);
				break;
			}
			if (type == SOCK_STREAM && nfds != 1)
				fatal(1, "LISTEN_FDS: a stream socket must "
				    "come alone (Accept=yes)");
		}
		if (type == SOCK_DGRAM)
			serve_datagrams(fds, nfds);
		else
			serve_stream(fds[0], fds[0]);
		return 0;
	}

	/* 2. inetd and friends: a socket on fd 0.  3. A pipe or a file. */
	if (fstat(STDIN_FILENO, &st) == -1)
		fatal(2, "fd 0: %s", strerror(errno));
	if (!S_ISSOCK(st.st_mode)) {
		serve_stream(STDIN_FILENO, STDOUT_FILENO);
		return 0;
	}
	switch (socket_type(STDIN_FILENO, &type)) {
	case -1:
		fatal(2, "fd 0: %s", strerror(errno));
		break;
	case 1:
		fatal(1, "fd 0 is a listening socket: use \"stream tcp "
		    "nowait\" in inetd.conf");
		break;
	}
	fds[0] = STDIN_FILENO;
	if (type == SOCK_DGRAM)
		serve_datagrams(fds, 1);
	else
		serve_stream(STDIN_FILENO, STDOUT_FILENO);
	return 0;
}

static void
usage(void)
{
	fatal(1, "usage: failoverdns [-v] [-c host:port] [-d downfile] "
	    "[-i idle] [-t ttl] -n nameserver [-n nameserver ...] name "
	    "address [address ...]");
}
