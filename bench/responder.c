/*
 * responder.c - canned-answer LDAP responder: the ceiling of the load client.
 *
 * Answers every bind with success and every search with one fixed-shape
 * entry (its uid copied from the "userNNNNNN" in the request, so that
 * ldload's checks pass) followed by success, without any lookup.  One
 * thread, epoll, one write per response.  What ldload reaches against it
 * is what this machine's network stack and the client alone allow (the
 * "canned-answer responder" column of design/benchmarking.md).
 *
 *   cc -O2 -o bench/build/responder bench/responder.c
 *   bench/build/responder PORT        (listens on 127.0.0.1:PORT only)
 *
 * A test tool: it trusts its loopback clients and handles only what
 * ldload sends (bind, search, unbind).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSZ 65536

struct cl {
	int	fd;
	size_t	len;
	unsigned char buf[BUFSZ];
};

static size_t
put_len(unsigned char *p, size_t n)
{
	if (n < 128) {
		p[0] = (unsigned char)n;
		return 1;
	}
	p[0] = 0x82;
	p[1] = (unsigned char)(n >> 8);
	p[2] = (unsigned char)n;
	return 3;
}

/* Append TLV tag/value to out at *o. */
static void
tlv(unsigned char *out, size_t *o, unsigned char tag, const void *v, size_t n)
{
	out[(*o)++] = tag;
	*o += put_len(out + *o, n);
	memcpy(out + *o, v, n);
	*o += n;
}

/* LDAPMessage { msgid, op } with op = tag + body. */
static size_t
message(unsigned char *out, const unsigned char *msgid, size_t idlen,
    unsigned char tag, const unsigned char *body, size_t blen)
{
	unsigned char inner[4096];
	size_t i = 0, o = 0;

	memcpy(inner, msgid, idlen);
	i = idlen;
	tlv(inner, &i, tag, body, blen);
	tlv(out, &o, 0x30, inner, i);
	return o;
}

static size_t
entry_body(unsigned char *out, const char *uid)
{
	char dn[128];
	unsigned char attrs[2048], a[512], vals[512];
	size_t o = 0, ao = 0, n, vo;
	static const char *names[] = { "uid", "cn", "sn", "mail", "uidNumber" };
	const char *v[5];
	char mail[64];

	snprintf(dn, sizeof(dn), "uid=%s,ou=people,dc=example,dc=gov,dc=cn", uid);
	snprintf(mail, sizeof(mail), "%s@example.gov.cn", uid);
	v[0] = uid, v[1] = "Zhang Weiming", v[2] = "Zhang", v[3] = mail, v[4] = "100001";
	for (int k = 0; k < 5; k++) {
		n = 0;
		tlv(a, &n, 0x04, names[k], strlen(names[k]));
		vo = 0;
		tlv(vals, &vo, 0x04, v[k], strlen(v[k]));
		tlv(a, &n, 0x31, vals, vo);
		tlv(attrs, &ao, 0x30, a, n);
	}
	tlv(out, &o, 0x04, dn, strlen(dn));
	tlv(out, &o, 0x30, attrs, ao);
	return o;
}

/* Handle one complete request; returns bytes to send in out, -1 to close. */
static long
handle(const unsigned char *m, size_t len, unsigned char *out)
{
	static const unsigned char ok[] = { 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
	unsigned char body[4096];
	const unsigned char *id, *p;
	size_t idlen, o = 0, bl;
	char uid[16] = "user000001";

	/* m points at the content of the SEQUENCE: INTEGER msgid, then op */
	if (len < 3 || m[0] != 0x02 || m[1] > 4 || (size_t)m[1] + 2 >= len)
		return -1;
	id = m;
	idlen = (size_t)m[1] + 2;
	switch (m[idlen]) {
	case 0x60:		/* BindRequest */
		return (long)message(out, id, idlen, 0x61, ok, sizeof(ok));
	case 0x63:		/* SearchRequest */
		p = memmem(m, len, "user", 4);
		if (p && (size_t)(m + len - p) >= 10)
			memcpy(uid, p, 10);
		bl = entry_body(body, uid);
		o = message(out, id, idlen, 0x64, body, bl);
		o += message(out + o, id, idlen, 0x65, ok, sizeof(ok));
		return (long)o;
	case 0x42:		/* UnbindRequest */
		return -1;
	default:
		return -1;
	}
}

/* Returns -1 to close the connection. */
static int
serve(struct cl *c)
{
	unsigned char out[BUFSZ];
	size_t off = 0, o = 0, hl, n;
	ssize_t r;
	long w;

	r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (r <= 0)
		return -1;
	c->len += (size_t)r;
	for (;;) {
		unsigned char *m = c->buf + off;
		size_t avail = c->len - off;

		if (avail < 2)
			break;
		if (m[0] != 0x30)
			return -1;
		if (m[1] < 128) {
			hl = 2, n = m[1];
		} else if (m[1] == 0x81 && avail >= 3) {
			hl = 3, n = m[2];
		} else if (m[1] == 0x82 && avail >= 4) {
			hl = 4, n = (size_t)m[2] << 8 | m[3];
		} else if (m[1] == 0x81 || m[1] == 0x82) {
			break;
		} else {
			return -1;
		}
		if (avail < hl + n)
			break;
		if (o + 8192 > sizeof(out))
			return -1;
		if ((w = handle(m + hl, n, out + o)) < 0)
			return -1;
		o += (size_t)w;
		off += hl + n;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	if (c->len == sizeof(c->buf))
		return -1;
	if (o && write(c->fd, out, o) != (ssize_t)o)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev, evs[64];
	int ls, ep, one = 1, n, i;

	if (argc != 2)
		return fprintf(stderr, "usage: responder PORT\n"), 2;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 512) < 0)
		return perror("responder: listen"), 1;
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			struct cl *c = evs[i].data.ptr;

			if (c == NULL) {
				int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);

				if (fd < 0)
					continue;
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				if ((c = calloc(1, sizeof(*c))) == NULL) {
					close(fd);
					continue;
				}
				c->fd = fd;
				ev.events = EPOLLIN;
				ev.data.ptr = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			} else if (serve(c) < 0) {
				close(c->fd);
				free(c);
			}
		}
	}
}
