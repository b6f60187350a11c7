/*
 * libFuzzer target for failoverdns's query -> reply path.
 *
 * It includes failoverdns.c (built with -Dmain=failoverdns_main) and, for
 * every input, calls answer() under several configurations, for UDP and
 * for TCP, drained and not, then checks the reply with a small parser of
 * its own that shares no code with failoverdns.c.  Any broken invariant
 * calls abort(), which libFuzzer reports as a crash.
 *
 * Invariants (issue 6):
 *  - a message shorter than a header, or with QR=1, gets no reply;
 *    anything else gets one;
 *  - the reply parses back: header, question, every RR's owner name
 *    (compression pointers only backwards, never into the header), type,
 *    class, TTL, RDLENGTH and RDATA inside the message, the counts match
 *    and nothing follows the last RR;
 *  - ID, opcode and RD equal the query's; QR set; Z and RA clear;
 *  - the reply never exceeds the limit that applies: 512 bytes over UDP,
 *    or min(max(EDNS size, 512), 1232) with EDNS (computed both from the
 *    query struct and from the query bytes by this harness), 65535 over TCP;
 *  - with QDCOUNT 1, the reply's question equals the query's byte for byte;
 *  - an OPT RR in the reply iff the query had one, owned by the root;
 *  - NOTIMP: header only; AA only with NOERROR/NXDOMAIN;
 *  - a QUERY whose sections do not parse or leave bytes over: FORMERR;
 *  - drained: no answers, no AA, never NOERROR/NXDOMAIN;
 *  - a UDP reply without TC equals the TCP reply byte for byte;
 *    a TCP reply never has TC.
 */

#include "../../failoverdns.c"

#define CONFIG_COUNT	5

static struct config	 configs[CONFIG_COUNT];
static unsigned char	 out_udp[TCP_LIMIT], out_tcp[TCP_LIMIT];

/* 63-byte labels make long names, so that replies must be truncated. */
#define L63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"

static char *argv0[] = {
	"failoverdns", "-n", "server1.com.", "-n", "server2.com.",
	"www.example.com", "198.51.100.1", "2001:db8::1", NULL
};
static char *argv1[] = {
	"failoverdns", "-t", "0",
	"-n", L63 "." L63 "." L63 ".n0.example.",
	"-n", L63 "." L63 "." L63 ".n1.example.",
	"-n", L63 "." L63 "." L63 ".n2.example.",
	"-n", L63 "." L63 "." L63 ".n3.example.",
	"-n", L63 "." L63 "." L63 ".n4.example.",
	"-n", L63 "." L63 "." L63 ".n5.example.",
	"-n", L63 "." L63 "." L63 ".n6.example.",
	"-n", L63 "." L63 "." L63 ".n7.example.",
	"-n", L63 "." L63 "." L63 ".n8.example.",
	"-n", L63 "." L63 "." L63 ".n9.example.",
	"-n", L63 "." L63 "." L63 ".na.example.",
	"-n", L63 "." L63 "." L63 ".nb.example.",
	"-n", L63 "." L63 "." L63 ".nc.example.",
	"-n", L63 "." L63 "." L63 ".nd.example.",
	"-n", L63 "." L63 "." L63 ".ne.example.",
	"-n", L63 "." L63 "." L63 ".nf.example.",
	"www.example.com",
	"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4",
	"198.51.100.5", "198.51.100.6", "198.51.100.7", "198.51.100.8",
	"198.51.100.9", "198.51.100.10", "198.51.100.11", "198.51.100.12",
	"198.51.100.13", "198.51.100.14", "198.51.100.15", "198.51.100.16",
	"2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4",
	"2001:db8::5", "2001:db8::6", "2001:db8::7", "2001:db8::8",
	"2001:db8::9", "2001:db8::a", "2001:db8::b", "2001:db8::c",
	"2001:db8::d", "2001:db8::e", "2001:db8::f", "2001:db8::10",
	NULL
};
/* A zone name of 244 bytes on the wire (the longest: hostmaster.<zone>
 * must fit 255), IPv4 only, TTL at its maximum. */
static char *argv2[] = {
	"failoverdns", "-t", "2147483647",
	"-n", L63 "." L63 "." L63 ".mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm.",
	"a.B." L63 "." L63 "." L63 ".zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
	"203.0.113.7", NULL
};
/* An NS RRset of 1602 bytes: over any UDP limit, within TCP's. */
static char *argv3[] = {
	"failoverdns",
	"-n", L63 "." L63 "." L63 ".n0.example.",
	"-n", L63 "." L63 "." L63 ".n1.example.",
	"-n", L63 "." L63 "." L63 ".n2.example.",
	"-n", L63 "." L63 "." L63 ".n3.example.",
	"-n", L63 "." L63 "." L63 ".n4.example.",
	"-n", L63 "." L63 "." L63 ".n5.example.",
	"example.net", "2001:db8::53", NULL
};
/* An NS reply of 507 bytes: fits 512 only without the 11 of an OPT RR. */
static char *argv4[] = {
	"failoverdns",
	"-n", L63 "." L63 "." L63 ".mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm.",
	"-n", L63 "." L63 "." L63 ".x",
	"www.example.com", "198.51.100.1", NULL
};
static char **argvs[CONFIG_COUNT] = { argv0, argv1, argv2, argv3, argv4 };

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		dprintf(STDERR_FILENO, "%s: invariant broken, line %d: " \
		    "%s\n", __FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static unsigned int
get16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

/*
 * Skips the name of a record in a query at *off in m (len bytes), as NSD
 * does: labels up to 255 bytes in all, ending at the root or at a
 * compression pointer, which is never followed.  Returns 0 or -1.
 */
static int
skip_name(const unsigned char *m, size_t len, size_t *off)
{
	size_t	 pos = *off, total = 0;
	unsigned int c;

	for (;;) {
		if (pos >= len)
			return -1;
		c = m[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len || total + 2 > 255)
				return -1;
			*off = pos + 2;
			return 0;
		}
		if (c & 0xc0 || c + 1 > 255 - total || c > len - pos - 1)
			return -1;
		total += c + 1;
		pos += c + 1;
		if (c == 0) {
			*off = pos;
			return 0;
		}
	}
}

/*
 * Walks the name at *off in m (len bytes).  Compression pointers are
 * allowed if allow_ptr, and must point backwards, past the header.  The
 * uncompressed part must end at or before end.  Returns 0 and moves *off
 * past the name, or -1.  *wire gets the length of the expanded name, and
 * name (if not NULL, 255 bytes) the name itself in lower case.
 */
static int
walk_name(const unsigned char *m, size_t len, size_t *off, size_t end,
    int allow_ptr, size_t *wire, unsigned char *name)
{
	size_t	 pos = *off, total = 0, hops = 0, next = 0, i;
	int	 jumped = 0;
	unsigned int c;

	for (;;) {
		if (pos >= len || (!jumped && pos >= end))
			return -1;
		c = m[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (!allow_ptr || pos + 1 >= len ||
			    (!jumped && pos + 1 >= end))
				return -1;
			target = (c & 0x3f) << 8 | m[pos + 1];
			if (target >= pos || target < 12 || ++hops > 128)
				return -1;
			if (!jumped)
				next = pos + 2;
			jumped = 1;
			pos = target;
			continue;
		}
		if (c & 0xc0)
			return -1;
		if (c + 1 > 255 - total)
			return -1;
		if (c > len - pos - 1 || (!jumped && c > end - pos - 1))
			return -1;
		/* The expanded name, lower case, into name (255 bytes). */
		for (i = 0; name != NULL && i <= c; i++)
			name[total + i] = (i > 0 && m[pos + i] >= 'A' &&
			    m[pos + i] <= 'Z') ? m[pos + i] + 32 : m[pos + i];
		total += c + 1;
		if (c == 0) {
			if (!jumped)
				next = pos + 1;
			break;
		}
		pos += c + 1;
	}
	*off = next;
	if (wire != NULL)
		*wire = total;
	return 0;
}

/*
 * Looks at the query bytes alone.  Returns the largest UDP limit the reply
 * may have: the largest class of an OPT RR in the additional section,
 * clamped to 512..1232, else 512.  *is_whole is set if the message is one
 * question without pointers, no answer or authority RRs, and additional RRs
 * that end exactly at the end of the message: anything else must get
 * FORMERR (RFC 1035 4.1, RFC 6891 7).
 */
static size_t
look_at_query(const unsigned char *m, size_t len, int *is_whole)
{
	size_t	 off = 12, i, n, ns, limit = 512;
	unsigned int type, class, rdlen, qtype = 0;

	/* QDCOUNT 0 or 1, ANCOUNT 0; NSCOUNT 0, or 1 for IXFR (RFC 1995). */
	*is_whole = 0;
	if (len < 12 || get16(m + 4) > 1 || get16(m + 6) != 0)
		return 512;
	if (get16(m + 4) == 1) {
		if (walk_name(m, len, &off, len, 0, NULL, NULL) == -1 ||
		    len - off < 4)
			return 512;
		qtype = get16(m + off);
		off += 4;
	}
	ns = get16(m + 8);
	if (ns > (qtype == 251 ? 1U : 0U))
		return 512;
	n = ns + get16(m + 10);
	for (i = 0; i < n; i++) {
		if (skip_name(m, len, &off) == -1 || len - off < 10)
			return limit;
		type = get16(m + off);
		class = get16(m + off + 2);
		rdlen = get16(m + off + 8);
		off += 10;
		if (rdlen > len - off)
			return limit;
		off += rdlen;
		if (type == 41 && i >= ns && class > limit)
			limit = class < 1232 ? class : 1232;
	}
	*is_whole = off == len && get16(m + 4) == 1;
	return limit;
}

struct parsed {
	unsigned int	 counts[4];
	size_t		 question_len;	/* bytes of the question section */
	int		 has_opt;
	int		 opt_ext_rcode;
};

/* Parses a reply; aborts on any malformation. */
static void
parse_reply(const unsigned char *m, size_t len, uint32_t ttl,
    struct parsed *p)
{
	size_t		 off = 12, start, end, wire, sec, i, rr, qlen = 0;
	unsigned char	 qname[255], owner[255];
	unsigned int	 type, class, rdlen;
	uint32_t	 rttl;

	memset(p, 0, sizeof(*p));
	CHECK(len >= 12);
	for (i = 0; i < 4; i++)
		p->counts[i] = get16(m + 4 + 2 * i);
	CHECK(p->counts[0] <= 1);
	if (p->counts[0] == 1) {
		CHECK(walk_name(m, len, &off, len, 0, &qlen, qname) == 0);
		CHECK(len - off >= 4);
		off += 4;
		p->question_len = off - 12;
	}
	for (sec = 1; sec < 4; sec++) {
		for (rr = 0; rr < p->counts[sec]; rr++) {
			start = off;
			CHECK(walk_name(m, len, &off, len, 1, &wire, owner) ==
			    0);
			/* Answers are owned by the question's name, the
			 * authority's SOA by the zone (RFC 2308 3). */
			if (sec == 1)
				CHECK(p->counts[0] == 1 && wire == qlen &&
				    memcmp(owner, qname, qlen) == 0);
			if (sec == 2)
				CHECK(wire == config.zone_len &&
				    memcmp(owner, config.zone, wire) == 0);
			CHECK(len - off >= 10);
			type = get16(m + off);
			class = get16(m + off + 2);
			rttl = (uint32_t)get16(m + off + 4) << 16 |
			    get16(m + off + 6);
			rdlen = get16(m + off + 8);
			off += 10;
			CHECK(rdlen <= len - off);
			CHECK(sec != 2 || type == 6);
			end = off + rdlen;
			if (type == 41) {
				/* OPT: additional only, once, root owner. */
				CHECK(sec == 3 && !p->has_opt);
				CHECK(m[start] == 0 && wire == 1);
				CHECK(class == 1232);
				CHECK(rdlen == 0);
				CHECK((rttl & 0x00ff7fffu) == 0);
				p->has_opt = 1;
				p->opt_ext_rcode = rttl >> 24;
				off = end;
				continue;
			}
			CHECK(class == 1);
			CHECK(rttl == ttl);
			CHECK(rttl <= 2147483647u);
			switch (type) {
			case 1:
				CHECK(rdlen == 4);
				break;
			case 28:
				CHECK(rdlen == 16);
				break;
			case 2:
				CHECK(walk_name(m, len, &off, end, 1, NULL, NULL)
				    == 0 && off == end);
				break;
			case 6:
				CHECK(walk_name(m, len, &off, end, 1, NULL, NULL)
				    == 0);
				CHECK(walk_name(m, len, &off, end, 1, NULL, NULL)
				    == 0);
				CHECK(end - off == 20);
				CHECK(((uint32_t)get16(m + off + 16) << 16 |
				    get16(m + off + 18)) == ttl);
				break;
			default:
				CHECK(!"unexpected RR type in a reply");
			}
			off = end;
		}
	}
	CHECK(off == len);
}

/* Checks one reply to msg; returns the parsed reply. */
static void
check_reply(const unsigned char *msg, size_t len, const unsigned char *out,
    size_t n, const struct query *q, int is_tcp, int drained,
    struct parsed *p)
{
	size_t	 limit, qlimit;
	unsigned int rcode;
	int	 is_whole;

	if (len < 12 || (msg[2] & 0x80)) {
		CHECK(n == 0);
		return;
	}
	CHECK(n > 0);
	CHECK(n <= TCP_LIMIT);
	limit = look_at_query(msg, len, &is_whole);
	if (!is_tcp) {
		qlimit = 512;
		if (q->has_edns && q->edns_size > 512)
			qlimit = q->edns_size < 1232 ? q->edns_size : 1232;
		CHECK(n <= qlimit);
		CHECK(n <= limit);
		CHECK(qlimit <= limit);
	}
	parse_reply(out, n, config.ttl, p);
	/* Header. */
	CHECK(out[0] == msg[0] && out[1] == msg[1]);
	CHECK(out[2] & 0x80);
	CHECK((out[2] & 0x79) == (msg[2] & 0x79));
	CHECK((out[3] & 0xc0) == 0);		/* RA, Z */
	CHECK((out[3] & 0x10) == (msg[3] & 0x10));	/* CD */
	rcode = (out[3] & 0x0f) | (p->has_opt ? p->opt_ext_rcode << 4 : 0);
	CHECK(rcode == q->rcode);
	CHECK(p->has_opt == q->has_edns);
	if ((msg[2] & 0x78) == 0 && !is_whole)
		CHECK(rcode == 1);
	if (is_tcp)
		CHECK(!(out[2] & 0x02));
	if (out[2] & 0x04)
		CHECK(rcode == 0 || rcode == 3);
	if (rcode == 4 && (msg[2] & 0x78))	/* other opcodes: header only */
		CHECK(p->counts[0] == 0 && p->counts[1] == 0 &&
		    p->counts[2] == 0 && p->counts[3] == 0);
	if (rcode != 0)
		CHECK(p->counts[1] == 0);
	if (drained) {
		CHECK(rcode != 0 && rcode != 3);
		CHECK(!(out[2] & 0x04));
	}
	/* The question, byte for byte. */
	if (p->counts[0] == 1) {
		CHECK(p->question_len <= len - 12);
		CHECK(memcmp(out + 12, msg + 12, p->question_len) == 0);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	 i;
	int	 n;

	(void)argc;
	(void)argv;
	for (i = 0; i < CONFIG_COUNT; i++) {
		memset(&config, 0, sizeof(config));
		for (n = 0; argvs[i][n] != NULL; n++)
			;
		optind = 1;
		parse_args(n, argvs[i]);
		configs[i] = config;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct query	 qu, qt;
	struct parsed	 pu, pt;
	size_t		 i, nu, nt;
	int		 drained;

	for (i = 0; i < CONFIG_COUNT; i++) {
		config = configs[i];
		for (drained = 0; drained < 2; drained++) {
			nu = answer(data, size, UDP_LIMIT, drained,
			    config.addr, out_udp, &qu);
			check_reply(data, size, out_udp, nu, &qu, 0, drained,
			    &pu);
			nt = answer(data, size, TCP_LIMIT, drained,
			    config.addr, out_tcp, &qt);
			check_reply(data, size, out_tcp, nt, &qt, 1, drained,
			    &pt);
			/* AXFR: NOTIMP over UDP (RFC 5936 4.2), else alike. */
			CHECK(qu.rcode == qt.rcode ||
			    (qu.qtype == QTYPE_AXFR &&
			    qu.rcode == RCODE_NOTIMP &&
			    qt.rcode == RCODE_REFUSED));
			if (nu > 0 && !(out_udp[2] & 0x02) &&
			    qu.rcode == qt.rcode)
				CHECK(nu == nt &&
				    memcmp(out_udp, out_tcp, nu) == 0);
			if (nu > 0 && (out_udp[2] & 0x02))
				CHECK(nu < nt || pu.counts[1] < pt.counts[1] ||
				    pu.counts[2] < pt.counts[2]);
		}
	}
	return 0;
}
