/* spawn.c - CPU per activation of a one-shot datagram responder, measured
 * the way inetd runs it ("dgram wait") but without inetd's own costs.
 *
 * usage: spawn N program [args...]
 *
 * Binds a UDP socket on 127.0.0.1 (ephemeral port), then N times: sends one
 * DNS query (www.example.com A) to it, starts program with that socket on
 * fds 0, 1 and 2 and an empty environment, waits for it with wait4(2) (which
 * returns the child's own resource usage, exec to exit) and reads the reply.
 * Prints: activations, replies, mean child CPU (user+sys) in microseconds.
 */
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static const unsigned char query[] =
	"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
	"\x03www\x07" "example\x03" "com\x00\x00\x01\x00\x01";

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct timeval tmo = { 2, 0 };
	posix_spawn_file_actions_t fa;
	char *envp[] = { NULL };
	unsigned char buf[1500];
	double us = 0;
	int n, i, replies = 0, srv, cli;

	if (argc < 3 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: spawn N program [args...]\n");
		return 1;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_DGRAM, 0);
	cli = socket(AF_INET, SOCK_DGRAM, 0);
	if (srv < 0 || cli < 0 || bind(srv, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(srv, (struct sockaddr *)&a, &alen) < 0 ||
	    setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo) < 0) {
		perror("spawn: socket");
		return 2;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, srv, 0);
	posix_spawn_file_actions_adddup2(&fa, srv, 1);
	posix_spawn_file_actions_adddup2(&fa, srv, 2);
	for (i = 0; i < n; i++) {
		struct rusage ru;
		pid_t pid;
		int st;

		if (sendto(cli, query, sizeof query - 1, 0, (struct sockaddr *)&a, sizeof a) < 0 ||
		    posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, envp) != 0 ||
		    wait4(pid, &st, 0, &ru) != pid) {
			perror("spawn");
			return 2;
		}
		us += ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
		if (recv(cli, buf, sizeof buf, 0) > 0)
			replies++;
	}
	printf("%d %d %.1f\n", n, replies, us / n);
	return 0;
}
