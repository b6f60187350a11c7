/* nfqdelay: hold every packet of one NFQUEUE for a fixed delay, then accept it.
 *
 * The lab's stand-in for "tc qdisc ... netem delay" on kernels built without
 * sch_netem.  Use it with e.g.
 *     iptables-legacy -A OUTPUT -p udp --sport 53 -j NFQUEUE --queue-num 7
 *     nfqdelay 7 150 600
 * Arguments: queue number, delay in milliseconds, lifetime in seconds (the
 * program exits, accepting what it still holds, after that long or on
 * SIGTERM/SIGINT).  The delay is constant, so packets leave in arrival order
 * and a ring buffer is all the bookkeeping needed.
 *
 * Build: cc -O2 -Wall -o nfqdelay nfqdelay.c -lnetfilter_queue
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define RING 4096

struct held {
	uint32_t id;
	int64_t due;            /* CLOCK_MONOTONIC, ns */
};

static struct held ring[RING];
static unsigned head, tail;     /* ring[head..tail) are held */
static int64_t delay_ns;
static volatile sig_atomic_t stop;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		     struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id;

	(void)msg;
	(void)data;
	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	if (tail - head == RING)        /* full: let it through undelayed */
		return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
	ring[tail % RING].id = id;
	ring[tail % RING].due = now_ns() + delay_ns;
	tail++;
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void release(struct nfq_q_handle *qh, int64_t upto)
{
	while (head != tail && ring[head % RING].due <= upto) {
		nfq_set_verdict(qh, ring[head % RING].id, NF_ACCEPT, 0, NULL);
		head++;
	}
}

int main(int argc, char **argv)
{
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	char buf[65536];
	int64_t end;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: nfqdelay queue-num delay-ms lifetime-s\n");
		return 1;
	}
	delay_ns = atoll(argv[2]) * 1000000;
	end = now_ns() + atoll(argv[3]) * 1000000000LL;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	h = nfq_open();
	if (h == NULL) {
		perror("nfqdelay: nfq_open");
		return 2;
	}
	qh = nfq_create_queue(h, (uint16_t)atoi(argv[1]), on_packet, NULL);
	if (qh == NULL) {
		perror("nfqdelay: nfq_create_queue");
		return 2;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
		perror("nfqdelay: nfq_set_mode");
		return 2;
	}
	fd = nfq_fd(h);

	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t t = now_ns(), wait_ns;
		int ms, n;

		if (t >= end)
			break;
		wait_ns = end - t;
		if (head != tail && ring[head % RING].due - t < wait_ns)
			wait_ns = ring[head % RING].due - t;
		ms = wait_ns <= 0 ? 0 : (int)((wait_ns + 999999) / 1000000);
		n = poll(&p, 1, ms);
		if (n < 0 && errno != EINTR) {
			perror("nfqdelay: poll");
			break;
		}
		if (n > 0) {
			ssize_t len = recv(fd, buf, sizeof buf, MSG_DONTWAIT);

			if (len > 0)
				nfq_handle_packet(h, buf, (int)len);
		}
		release(qh, now_ns());
	}
	release(qh, INT64_MAX);
	nfq_destroy_queue(qh);
	nfq_close(h);
	return 0;
}
