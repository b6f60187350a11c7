/* floor.c - the benchmark's "floor" responder: no DNS work at all.
 *
 * Under inetd (dgram wait): receive one datagram on fd 0, flip the QR bit,
 * send it back to the sender, exit.  It stands for the cost of the
 * process-per-datagram model alone.
 * When fd 0 is not a socket (pipe mode, for callgrind): read one message
 * framed with a 2-byte big-endian length from stdin, flip QR, write it back
 * framed the same way on stdout, exit.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	unsigned char buf[2 + 65535];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	ssize_t n = recvfrom(0, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);

	if (n >= 0) {
		if (n >= 3)
			buf[2] |= 0x80;
		return sendto(0, buf, n, 0, (struct sockaddr *)&from, fromlen) == n ? 0 : 2;
	}
	if (errno != ENOTSOCK)
		return 2;
	n = read(0, buf, sizeof buf);	/* pipe mode: one framed message */
	if (n < 2 + 3)
		return 0;
	buf[2 + 2] |= 0x80;
	return write(1, buf, n) == n ? 0 : 2;
}
