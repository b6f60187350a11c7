/*
 * libFuzzer target (and AFL++, through libAFLDriver) for -r: the input is
 * the content of a redirect file.  The file is operator input, written by
 * failoverdns-health, but it is read as carefully as network input, so it
 * is fuzzed as such.
 *
 * It includes fuzz_answer.c (and so failoverdns.c, built with
 * -Dmain=failoverdns_main) for its reply checker.  For every input it
 * writes the file as its writer must (a new file, then rename(2) over the
 * old one), forgets what was read before, and calls addr_source() under
 * two configurations with -r; then answer() with the records it returned,
 * for A, AAAA, ANY, NS, SOA and a name below the zone, with and without
 * EDNS, over UDP and TCP, and for A drained.  Any broken invariant calls
 * abort(), which the fuzzer reports as a crash.
 *
 * What the file should mean is decided here without failoverdns.c's code
 * (failoverdns.8, -r): addresses separated by spaces, tabs or newlines
 * (and CR), each one inet_pton(3) accepts, at most 16 of each family, no
 * duplicates, no IPv4-mapped IPv6 address, none unspecified (0.0.0.0, ::),
 * IPv4 224.0.0.0/3 or IPv6 ff00::/8, at most 4096 bytes, no NUL byte.
 * Invariants:
 *  - such a file with at least one address: addr_source() returns records
 *    other than argv's, and an A (AAAA) answer holds exactly the file's
 *    IPv4 (IPv6) addresses, each once, or none (NODATA: NOERROR, AA, the
 *    SOA) when the file lists no address of that family;
 *  - any other file (empty, only blanks, one word that is not an address,
 *    a duplicate, 17 of a family, too large, binary): argv's records;
 *  - never more than 16 A or 16 AAAA records in a reply; every A and AAAA
 *    in a reply is one of the addresses expected (file or argv);
 *  - every reply passes fuzz_answer.c's check_reply() (it parses, fits
 *    its limit, TTLs equal -t, header and question as the query's);
 *  - NS, SOA, NXDOMAIN, and any drained (REFUSED) reply are byte for byte
 *    the replies given with argv's records: -r changes A and AAAA only;
 *  - a UDP reply without TC equals the TCP reply;
 *  - a second addr_source() on the unchanged file returns the same records
 *    (the file is read again only when it changed);
 *  - under -e 30 (the third configuration): the same file made 31 s old
 *    gives argv's records, made fresh again the file's (the age is looked
 *    at on each call).
 *
 * failoverdns.c logs every read of the file to stderr; stdio's stderr is
 * pointed at /dev/null so that a long run does not fill the disk.  The
 * fuzzer's and the sanitizers' reports, and CHECK's, go to fd 2 directly.
 * The file lives in a directory made under $TMPDIR (run.sh: its work
 * directory), removed at a normal exit (libFuzzer may skip that).
 */

#define LLVMFuzzerInitialize	fuzz_answer_initialize
#define LLVMFuzzerTestOneInput	fuzz_answer_test_one_input
#include "fuzz_answer.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define R_CONFIGS	3
#define R_QUERIES	9

static char		 r_dir[4096], r_path[4200], r_new[4200];
static struct config	 r_configs[R_CONFIGS];
static unsigned char	 r_query[R_CONFIGS][R_QUERIES][NAME_LIMIT + 32];
static size_t		 r_query_len[R_CONFIGS][R_QUERIES];
static unsigned char	 r_out[TCP_LIMIT], r_own_udp[TCP_LIMIT],
			 r_own_tcp[TCP_LIMIT];

/* The zone's own addresses, and a 244-byte zone with IPv4 only (so that
 * 16 A or 16 AAAA records for its name do not fit 512 bytes: TC). */
static char *r_argv0[] = {
	"failoverdns", "-r", r_path, "-n", "server1.com.", "-n",
	"server2.com.", "www.example.com", "198.51.100.1", "2001:db8::1",
	NULL
};
static char *r_argv1[] = {
	"failoverdns", "-r", r_path, "-t", "2147483647",
	"-n", L63 "." L63 "." L63 ".mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm.",
	"a.B." L63 "." L63 "." L63 ".zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
	"203.0.113.7", NULL
};
static char *r_argv2[] = {
	"failoverdns", "-r", r_path, "-e", "30", "-n", "server1.com.",
	"www.example.com", "198.51.100.1", "2001:db8::1", NULL
};
static char **r_argvs[R_CONFIGS] = { r_argv0, r_argv1, r_argv2 };

/* What a file means, decided by this harness alone. */
struct expect {
	int		 is_file;		/* 1: the file's addresses */
	unsigned char	 addr[2][64][16];	/* room for over 16 */
	size_t		 count[2];
};

static void
r_cleanup(void)
{
	(void)unlink(r_path);
	(void)unlink(r_new);
	(void)rmdir(r_dir);
}

/* Writes data as the redirect file: a new file renamed over the old. */
static void
r_write(const uint8_t *data, size_t size)
{
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd;

	fd = open(r_new, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd != -1);
	while (off < size) {
		n = write(fd, data + off, size - off);
		CHECK(n > 0);
		off += (size_t)n;
	}
	CHECK(close(fd) == 0);
	CHECK(rename(r_new, r_path) == 0);
}

/* Decides what the file in data means (see the top of this file). */
static void
r_expect(const uint8_t *data, size_t size, struct expect *e)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	char		 word[4097];
	unsigned char	 b[16];
	size_t		 i = 0, n, f, k, len;

	memset(e, 0, sizeof(*e));
	if (size > 4096 || memchr(data, '\0', size) != NULL)
		return;
	while (i < size) {
		if (strchr(" \t\n\r", data[i]) != NULL) {
			i++;
			continue;
		}
		for (n = 0; i + n < size &&
		    strchr(" \t\n\r", data[i + n]) == NULL; n++)
			word[n] = (char)data[i + n];
		word[n] = '\0';
		i += n;
		if (inet_pton(AF_INET, word, b) == 1) {
			f = 0;
			len = 4;
		} else if (inet_pton(AF_INET6, word, b) == 1 &&
		    memcmp(b, mapped, sizeof(mapped)) != 0) {
			f = 1;
			len = 16;
		} else
			return;
		if (b[0] >= (f ? 0xff : 224) || memcmp(b, "\0\0\0\0\0\0\0\0"
		    "\0\0\0\0\0\0\0", len) == 0)
			return;		/* no unicast address */
		for (k = 0; k < e->count[f]; k++)
			if (memcmp(e->addr[f][k], b, len) == 0)
				return;		/* a duplicate */
		if (e->count[f] == 16)
			return;			/* a 17th */
		memcpy(e->addr[f][e->count[f]++], b, len);
	}
	e->is_file = e->count[0] + e->count[1] > 0;
}

/* Builds a query for the zone (below it: the label "x" first). */
static size_t
r_make_query(unsigned char *m, unsigned int qtype, int below, int edns)
{
	size_t	 len = 12;

	memset(m, 0, 12);
	m[0] = 0xab;
	m[1] = (unsigned char)qtype;
	m[5] = 1;
	if (below) {
		memcpy(m + len, "\001x", 2);
		len += 2;
	}
	memcpy(m + len, config.zone, config.zone_len);
	len += config.zone_len;
	m[len++] = qtype >> 8;
	m[len++] = qtype & 0xff;
	m[len++] = 0;
	m[len++] = 1;
	if (edns) {
		m[11] = 1;
		memcpy(m + len, "\0\0\051\004\320\0\0\0\0\0\0", 11);
		len += 11;
	}
	return len;
}

/*
 * Checks the A and AAAA records in the answer section of a reply (n bytes,
 * already through check_reply()) against e, or against argv's addresses.
 */
static void
r_check_answers(const unsigned char *m, size_t n, const struct query *q,
    const struct expect *e)
{
	size_t	 off = 12, i, k, f, count[2] = { 0, 0 }, want, rdlen;
	unsigned char seen[2][16][16];
	unsigned int type;
	int	 found;

	CHECK(walk_name(m, n, &off, n, 0, NULL, NULL) == 0);
	off += 4;
	for (i = 0; i < get16(m + 6); i++) {
		CHECK(walk_name(m, n, &off, n, 1, NULL, NULL) == 0);
		type = get16(m + off);
		rdlen = get16(m + off + 8);
		off += 10;
		if (type != QTYPE_A && type != QTYPE_AAAA) {
			CHECK(type == q->qtype &&
			    (type == QTYPE_NS || type == QTYPE_SOA));
			off += rdlen;
			continue;
		}
		f = type == QTYPE_AAAA;
		CHECK(count[f] < 16);
		found = 0;
		for (k = 0; k < (e->is_file ? e->count[f] : config.addr[f].count); k++)
			found |= memcmp(m + off, e->is_file ? e->addr[f][k] :
			    config.addr[f].wire + k * (RR_HEADER_LEN + rdlen) +
			    RR_HEADER_LEN, rdlen) == 0;
		CHECK(found);
		for (k = 0; k < count[f]; k++)
			CHECK(memcmp(seen[f][k], m + off, rdlen) != 0);
		memcpy(seen[f][count[f]++], m + off, rdlen);
		off += rdlen;
	}
	if (q->rcode != RCODE_NOERROR || (m[2] & 0x02))
		return;
	/* Not truncated: every address of the family asked for. */
	for (f = 0; f < 2; f++) {
		want = e->is_file ? e->count[f] : config.addr[f].count;
		if ((f == 0 && (q->qtype == QTYPE_A || q->qtype == QTYPE_ANY)) ||
		    (f == 1 && (q->qtype == QTYPE_AAAA ||
		    q->qtype == QTYPE_ANY)))
			CHECK(count[f] == want);
		else
			CHECK(count[f] == 0);
	}
	/* NODATA: the SOA, AA set (RFC 2308 2.2). */
	if (get16(m + 6) == 0)
		CHECK(get16(m + 8) == 1 && (m[2] & 0x04));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const unsigned int types[] = { QTYPE_A, QTYPE_AAAA, QTYPE_ANY,
	    QTYPE_NS, QTYPE_SOA };
	const char	*tmp = getenv("TMPDIR");
	size_t		 i, k;
	int		 n;

	(void)argc;
	(void)argv;
	snprintf(r_dir, sizeof(r_dir), "%s/fuzz_redirect.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	CHECK(mkdtemp(r_dir) != NULL);
	snprintf(r_path, sizeof(r_path), "%s/redirect", r_dir);
	snprintf(r_new, sizeof(r_new), "%s/redirect.new", r_dir);
	atexit(r_cleanup);
	for (i = 0; i < R_CONFIGS; i++) {
		memset(&config, 0, sizeof(config));
		for (n = 0; r_argvs[i][n] != NULL; n++)
			;
		optind = 1;
		parse_args(n, r_argvs[i]);
		r_configs[i] = config;
		for (k = 0; k < 5; k++)
			r_query_len[i][k] = r_make_query(r_query[i][k],
			    types[k], 0, 0);
		for (k = 5; k < 8; k++)
			r_query_len[i][k] = r_make_query(r_query[i][k],
			    types[k - 5], 0, 1);
		r_query_len[i][8] = r_make_query(r_query[i][8], QTYPE_A, 1, 0);
	}
	stderr = fopen("/dev/null", "w");
	CHECK(stderr != NULL);
	/* Controls: a file in use, an ignored one, none. */
	config = r_configs[0];
	r_write((const uint8_t *)"203.0.113.9\n", 12);
	memset(&redirect, 0, sizeof(redirect));
	CHECK(addr_source() == redirect.addr && redirect.addr[0].count == 1 &&
	    redirect.addr[1].count == 0);
	r_write((const uint8_t *)"203.0.113.9 x\n", 14);
	memset(&redirect, 0, sizeof(redirect));
	CHECK(addr_source() == config.addr);
	CHECK(unlink(r_path) == 0);
	memset(&redirect, 0, sizeof(redirect));
	CHECK(addr_source() == config.addr);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rrset *addr;
	struct timespec	 ts[2];
	struct expect	 e;
	struct query	 qu, qt, qo;
	struct parsed	 pu, pt;
	size_t		 i, k, nu, nt, no;
	int		 drained, is_addr_query;

	r_expect(data, size, &e);
	r_write(data, size);
	for (i = 0; i < R_CONFIGS; i++) {
		config = r_configs[i];
		memset(&redirect, 0, sizeof(redirect));
		addr = addr_source();
		CHECK(addr == (e.is_file ? redirect.addr : config.addr));
		CHECK(addr_source() == addr);
		CHECK(addr[0].count <= 16 && addr[1].count <= 16);
		for (k = 0; k < R_QUERIES; k++)
		for (drained = 0; drained < (k == 0 ? 2 : 1); drained++) {
			const unsigned char *m = r_query[i][k];
			size_t len = r_query_len[i][k];

			nu = answer(m, len, UDP_LIMIT, drained, addr, r_out,
			    &qu);
			check_reply(m, len, r_out, nu, &qu, 0, drained, &pu);
			r_check_answers(r_out, nu, &qu, &e);
			memcpy(out_udp, r_out, nu);
			nt = answer(m, len, TCP_LIMIT, drained, addr, r_out,
			    &qt);
			check_reply(m, len, r_out, nt, &qt, 1, drained, &pt);
			r_check_answers(r_out, nt, &qt, &e);
			CHECK(qu.rcode == qt.rcode);
			if (!(out_udp[2] & 0x02))
				CHECK(nu == nt &&
				    memcmp(out_udp, r_out, nu) == 0);
			/* Not A, AAAA or ANY at the apex, or drained: as
			 * without -r, byte for byte. */
			is_addr_query = qt.rcode == RCODE_NOERROR &&
			    (qt.qtype == QTYPE_A || qt.qtype == QTYPE_AAAA ||
			    qt.qtype == QTYPE_ANY);
			if (is_addr_query && e.is_file)
				continue;
			no = answer(m, len, UDP_LIMIT, drained, config.addr,
			    r_own_udp, &qo);
			CHECK(no == nu && memcmp(r_own_udp, out_udp, nu) == 0);
			no = answer(m, len, TCP_LIMIT, drained, config.addr,
			    r_own_tcp, &qo);
			CHECK(no == nt && memcmp(r_own_tcp, r_out, nt) == 0);
		}
		if (config.max_age == 0)
			continue;
		/* -e: too old, then fresh again, the same process. */
		ts[0].tv_sec = ts[1].tv_sec = time(NULL) - config.max_age - 1;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		CHECK(utimensat(AT_FDCWD, r_path, ts, 0) == 0);
		CHECK(addr_source() == config.addr);
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
		CHECK(utimensat(AT_FDCWD, r_path, ts, 0) == 0);
		CHECK(addr_source() == addr);
	}
	return 0;
}
