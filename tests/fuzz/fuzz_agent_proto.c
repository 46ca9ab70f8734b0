/*
 * fuzz_agent_proto.c - libFuzzer target for the agent protocol decoder
 * (common/agent_proto.c): the input is what a peer sends on the socket,
 * written into a socketpair whose other end is then closed, and read as
 * both sides read it: a request (ua_read_header, one record within the
 * request limits) and a response (header, records within small limits
 * until the empty record), with ua_read_rec and with the buffered
 * ua_reader_rec.  Invariants: every decoded field is
 * NUL-terminated at its length with no NUL inside, the field count is
 * within the limit, and the decoder never blocks past its deadline.
 * Seeds (corpus/agent_proto): requests and responses of each kind as
 * agent_proto.h describes them, written by hand.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)

static void
check_rec(const struct ua_rec *r, const struct ua_limits *lim)
{
	size_t total = 0;
	uint32_t i, v;

	if (r->n > lim->max_fields)
		FAIL("%u fields over the limit %u\n", r->n, lim->max_fields);
	for (i = 0; i < r->n; i++) {
		if (r->f[i].p[r->f[i].len] != '\0' ||
		    memchr(r->f[i].p, '\0', r->f[i].len) != NULL)
			FAIL("field %u not terminated at its length\n", i);
		total += r->f[i].len;
		if (ua_field_u32(&r->f[i], &v) == 0 && r->f[i].len > 10)
			FAIL("a number of %u digits accepted\n", r->f[i].len);
	}
	if (total > lim->max_bytes)
		FAIL("%zu bytes over the limit\n", total);
}

/* feed the input through a socketpair; fd to read, or -1 */
static int
feed(const uint8_t *data, size_t size)
{
	int sv[2], sz = 1 << 20;
	ssize_t w;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	w = size ? send(sv[0], data, size, MSG_NOSIGNAL | MSG_DONTWAIT) : 0;
	close(sv[0]);
	if (w != (ssize_t)size) {
		close(sv[1]);
		return -1;
	}
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	return sv[1];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ua_limits small = { 64, 4096 };
	struct ua_rec r = { 0 };
	uint16_t code;
	int fd, i;

	/* as the agent reads a request */
	if ((fd = feed(data, size)) == -1)
		return 0;
	if (ua_read_header(fd, &code, ua_deadline(1000)) == 0 &&
	    ua_read_rec(fd, &r, &ua_req_limits, ua_deadline(1000)) == 0) {
		check_rec(&r, &ua_req_limits);
		(void)ua_action_name(code);
	}
	close(fd);

	/* as a module reads a response: records until the empty one */
	if ((fd = feed(data, size)) == -1) {
		ua_rec_free(&r);
		return 0;
	}
	if (ua_read_header(fd, &code, ua_deadline(1000)) == 0) {
		(void)ua_status_name(code);
		for (i = 0; i < 10000; i++) {
			if (ua_read_rec(fd, &r, &small, ua_deadline(1000)) == -1) {
				if (errno == ETIMEDOUT)
					FAIL("timed out on a closed socket\n");
				break;
			}
			if (r.n == 0)
				break;
			check_rec(&r, &small);
		}
	}
	close(fd);

	/* the same through the buffered reader (enumerations) */
	if ((fd = feed(data, size)) == -1) {
		ua_rec_free(&r);
		return 0;
	}
	{
		/* a small first buffer: growth is exercised too */
		struct ua_reader rd = { .fd = fd, .initial = 16 };

		if (ua_reader_header(&rd, &code, ua_deadline(1000)) == -1)
			i = 10000;
		else
			i = 0;
		for (; i < 10000; i++) {
			if (ua_reader_rec(&rd, &r, &small, ua_deadline(1000)) == -1) {
				if (errno == ETIMEDOUT)
					FAIL("reader timed out on a closed socket\n");
				break;
			}
			if (r.n == 0)
				break;
			check_rec(&r, &small);
		}
		ua_reader_free(&rd);
	}
	close(fd);
	ua_rec_free(&r);
	return 0;
}
