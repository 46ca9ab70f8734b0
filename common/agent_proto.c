/*
 * agent_proto.c - codec and I/O with deadlines for the agent protocol
 * (agent_proto.h is the specification).  libc only: linked into the NSS
 * and PAM modules, which must not pull in anything else.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_proto.h"

const struct ua_limits ua_req_limits = { UA_REQ_MAX_FIELDS, UA_REQ_MAX_BYTES };
const struct ua_limits ua_resp_limits = { UA_RESP_MAX_FIELDS,
    UA_RESP_MAX_BYTES };

int64_t
ua_deadline(int timeout_ms)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
}

/* Wait until fd is ready for events or the deadline passes. */
static int
ua_wait(int fd, short events, int64_t deadline)
{
	struct pollfd	pfd;
	int64_t		left;
	int		rc;

	for (;;) {
		left = deadline - ua_deadline(0);
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

static int
ua_write_all(int fd, const void *p, size_t len, int64_t deadline)
{
	const char	*s = p;
	ssize_t		 w;

	while (len > 0) {
		w = send(fd, s, len, MSG_NOSIGNAL);
		if (w > 0) {
			s += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (ua_wait(fd, POLLOUT, deadline) == -1)
				return -1;
			continue;
		}
		if (w == 0)
			errno = EPIPE;
		return -1;
	}
	return 0;
}

static int
ua_read_all(int fd, void *p, size_t len, int64_t deadline)
{
	char	*s = p;
	ssize_t	 r;

	while (len > 0) {
		r = recv(fd, s, len, 0);
		if (r > 0) {
			s += r;
			len -= (size_t)r;
			continue;
		}
		if (r == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (ua_wait(fd, POLLIN, deadline) == -1)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

const char *
ua_socket_path(void)
{
	const char	*p = secure_getenv(UA_SOCKET_ENV);

	return p != NULL && *p != '\0' ? p : UA_DEFAULT_SOCKET;
}

int
ua_connect(const char *path)
{
	struct sockaddr_un	sun;
	size_t			len;
	int			fd, saved;

	if (path == NULL)
		path = ua_socket_path();
	len = strlen(path);
	if (len >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	/* A unix socket connect either succeeds, fails at once, or (backlog
	 * full) says EAGAIN: that is "busy", treated as unavailable. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
ua_write_header(int fd, uint16_t code, int64_t deadline)
{
	unsigned char	h[8];
	uint32_t	m = htonl(UA_MAGIC);
	uint16_t	v = htons(UA_VERSION), c = htons(code);

	memcpy(h, &m, 4);
	memcpy(h + 4, &v, 2);
	memcpy(h + 6, &c, 2);
	return ua_write_all(fd, h, sizeof(h), deadline);
}

/* the encoded size of a record: 0, or -1 (EMSGSIZE) over the limits */
static int
ua_rec_size(const struct ua_field *f, uint32_t n, size_t *need)
{
	uint32_t	i;

	*need = 4;
	for (i = 0; i < n; i++) {
		if (f[i].len > UA_RESP_MAX_BYTES) {
			errno = EMSGSIZE;
			return -1;
		}
		*need += 4 + (size_t)f[i].len;
	}
	return 0;
}

/* encode a record into b (ua_rec_size bytes); returns the size */
static size_t
ua_rec_encode(unsigned char *b, const struct ua_field *f, uint32_t n)
{
	size_t		off;
	uint32_t	i, x;

	x = htonl(n);
	memcpy(b, &x, 4);
	off = 4;
	for (i = 0; i < n; i++) {
		x = htonl(f[i].len);
		memcpy(b + off, &x, 4);
		off += 4;
		if (f[i].len > 0)
			memcpy(b + off, f[i].p, f[i].len);
		off += f[i].len;
	}
	return off;
}

int
ua_write_rec(int fd, const struct ua_field *f, uint32_t n, int64_t deadline)
{
	unsigned char	 stackbuf[4096], *b = stackbuf;
	size_t		 need, off;
	int		 rc;

	if (ua_rec_size(f, n, &need) == -1)
		return -1;
	if (need > sizeof(stackbuf) && (b = malloc(need)) == NULL)
		return -1;
	off = ua_rec_encode(b, f, n);
	rc = ua_write_all(fd, b, off, deadline);
	/* the record may carry a password */
	explicit_bzero(b, off);
	if (b != stackbuf)
		free(b);
	return rc;
}

void
ua_wbuf_init(struct ua_wbuf *w, int fd, void *buf, size_t cap)
{
	w->fd = fd;
	w->b = buf;
	w->len = 0;
	w->cap = cap;
}

int
ua_wbuf_flush(struct ua_wbuf *w, int64_t deadline)
{
	int	rc;

	if (w->len == 0)
		return 0;
	rc = ua_write_all(w->fd, w->b, w->len, deadline);
	/* records may carry a password */
	explicit_bzero(w->b, w->len);
	w->len = 0;
	return rc;
}

int
ua_wbuf_header(struct ua_wbuf *w, uint16_t code, int64_t deadline)
{
	uint32_t	m = htonl(UA_MAGIC);
	uint16_t	v = htons(UA_VERSION), c = htons(code);

	if (w->cap - w->len < 8 && ua_wbuf_flush(w, deadline) == -1)
		return -1;
	if (w->cap < 8)
		return ua_write_header(w->fd, code, deadline);
	memcpy(w->b + w->len, &m, 4);
	memcpy(w->b + w->len + 4, &v, 2);
	memcpy(w->b + w->len + 6, &c, 2);
	w->len += 8;
	return 0;
}

int
ua_wbuf_rec(struct ua_wbuf *w, const struct ua_field *f, uint32_t n,
    int64_t deadline)
{
	size_t	need;

	if (ua_rec_size(f, n, &need) == -1)
		return -1;
	if (w->cap - w->len < need && ua_wbuf_flush(w, deadline) == -1)
		return -1;
	if (need > w->cap)	/* larger than the buffer: on its own */
		return ua_write_rec(w->fd, f, n, deadline);
	w->len += ua_rec_encode(w->b + w->len, f, n);
	return 0;
}

int
ua_wbuf_end(struct ua_wbuf *w, int64_t deadline)
{
	if (ua_wbuf_rec(w, NULL, 0, deadline) == -1)
		return -1;
	return ua_wbuf_flush(w, deadline);
}

int
ua_write_end(int fd, int64_t deadline)
{
	return ua_write_rec(fd, NULL, 0, deadline);
}

int
ua_write_msg(int fd, uint16_t code, const struct ua_field *f, uint32_t n,
    int64_t deadline)
{
	unsigned char	buf[1024];
	struct ua_wbuf	w;
	int		rc;

	/* one send for a request that fits (nearly all): the agent finds
	 * it whole when it wakes up */
	ua_wbuf_init(&w, fd, buf, sizeof(buf));
	rc = ua_wbuf_header(&w, code, deadline) == -1 ||
	    ua_wbuf_rec(&w, f, n, deadline) == -1 ||
	    ua_wbuf_flush(&w, deadline) == -1 ? -1 : 0;
	explicit_bzero(buf, sizeof(buf));	/* a password, perhaps */
	return rc;
}

int
ua_read_header(int fd, uint16_t *code, int64_t deadline)
{
	unsigned char	h[8];
	uint32_t	m;
	uint16_t	v, c;

	if (ua_read_all(fd, h, sizeof(h), deadline) == -1)
		return -1;
	memcpy(&m, h, 4);
	memcpy(&v, h + 4, 2);
	memcpy(&c, h + 6, 2);
	if (ntohl(m) != UA_MAGIC || ntohs(v) != UA_VERSION) {
		errno = EPROTO;
		return -1;
	}
	*code = ntohs(c);
	return 0;
}

/* Make room for n fields and len bytes of text (plus the NULs). */
static int
ua_rec_reserve(struct ua_rec *r, uint32_t n, size_t len)
{
	struct ua_field	*nf;
	char		*nb;

	if (n > r->fcap) {
		if ((nf = realloc(r->f, (size_t)n * sizeof(*nf))) == NULL)
			return -1;
		r->f = nf;
		r->fcap = n;
	}
	if (len > r->cap) {
		/* not realloc: the old bytes may hold a password */
		if ((nb = malloc(len)) == NULL)
			return -1;
		if (r->buf != NULL) {
			explicit_bzero(r->buf, r->cap);
			free(r->buf);
		}
		r->buf = nb;
		r->cap = len;
	}
	return 0;
}

/*
 * Decode one record from the n bytes at b, under lim: 1 with *used set
 * (the fields point into r->buf), 0 when the bytes end before the record
 * does (a field's length is checked as soon as it is there, so "need
 * more" never asks for more than the limits allow), -1 with errno when
 * malformed or over the limits.
 */
static int
ua_decode_rec(const unsigned char *b, size_t got, struct ua_rec *r,
    const struct ua_limits *lim, size_t *used)
{
	uint32_t	 n, i, len, x;
	size_t		 off = 4, total = 0, text = 0;

	if (got < 4)
		return 0;
	memcpy(&x, b, 4);
	if ((n = ntohl(x)) > lim->max_fields) {
		errno = EMSGSIZE;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (got - off < 4)
			return 0;
		memcpy(&x, b + off, 4);
		len = ntohl(x);
		if ((size_t)len > lim->max_bytes - total ||
		    (size_t)n > lim->max_bytes - total - len) {
			errno = EMSGSIZE;
			return -1;
		}
		total += len;
		if (got - off - 4 < len)
			return 0;
		if (memchr(b + off + 4, '\0', len) != NULL) {
			errno = EPROTO;
			return -1;
		}
		off += 4 + (size_t)len;
	}
	if (n > 0 && ua_rec_reserve(r, n, total + n) == -1)
		return -1;
	for (i = 0, off = 4; i < n; i++) {
		memcpy(&x, b + off, 4);
		len = ntohl(x);
		memcpy(r->buf + text, b + off + 4, len);
		r->buf[text + len] = '\0';
		r->f[i].p = r->buf + text;
		r->f[i].len = len;
		text += (size_t)len + 1;
		off += 4 + (size_t)len;
	}
	r->n = n;
	*used = off;
	return 1;
}

/*
 * The fast path of ua_read_rec: when a whole record (of at most
 * UA_PEEK_MAX bytes) is already waiting in a socket, look at it with
 * MSG_PEEK, decode it, then consume exactly its bytes: two system calls
 * instead of two per field.  1: decoded; 0: not all there, too large,
 * or not a socket (the caller reads field by field; nothing was
 * consumed); -1: error.
 */
#define UA_PEEK_MAX	2048

static int
ua_read_rec_peek(int fd, struct ua_rec *r, const struct ua_limits *lim,
    int64_t deadline)
{
	unsigned char	 b[UA_PEEK_MAX];
	ssize_t		 got;
	size_t		 used;
	int		 rc;

	got = recv(fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
	if (got < 4)
		return 0;
	if ((rc = ua_decode_rec(b, (size_t)got, r, lim, &used)) != 1)
		return rc;
	/* consume what was decoded (it is in the socket already) */
	if (ua_read_all(fd, b, used, deadline) == -1) {
		r->n = 0;
		return -1;
	}
	return 1;
}

/*
 * Read more into rd, growing its buffer when one unfinished message
 * fills it (up to about max bytes): 0, or -1 with errno.  Waits for the
 * socket until the deadline.
 */
static int
ua_reader_fill(struct ua_reader *rd, size_t max, int64_t deadline)
{
	size_t	 ncap;
	ssize_t	 got;
	char	*nb;

	/* keep the unread bytes at the front */
	if (rd->off > 0) {
		memmove(rd->buf, rd->buf + rd->off, rd->len - rd->off);
		rd->len -= rd->off;
		rd->off = 0;
	}
	if (rd->len == rd->cap) {
		/* full of one unfinished message: never beyond max */
		if (rd->cap >= max) {
			errno = EMSGSIZE;
			return -1;
		}
		ncap = rd->cap > 0 ? rd->cap * 2 : rd->initial > 0 ?
		    rd->initial : 65536;
		if (ncap < 8)
			ncap = 8;
		if ((nb = malloc(ncap)) == NULL)
			return -1;
		if (rd->len > 0)
			memcpy(nb, rd->buf, rd->len);
		if (rd->buf != NULL) {
			explicit_bzero(rd->buf, rd->cap);
			free(rd->buf);
		}
		rd->buf = nb;
		rd->cap = ncap;
	}
	for (;;) {
		got = recv(rd->fd, rd->buf + rd->len, rd->cap - rd->len, 0);
		if (got > 0) {
			rd->len += (size_t)got;
			if (rd->len > rd->used)
				rd->used = rd->len;
			return 0;
		}
		if (got == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
		    ua_wait(rd->fd, POLLIN, deadline) == -1)
			return -1;
	}
}

int
ua_reader_header(struct ua_reader *rd, uint16_t *code, int64_t deadline)
{
	uint32_t	m;
	uint16_t	v, c;

	while (rd->len - rd->off < 8)
		if (ua_reader_fill(rd, 8, deadline) == -1)
			return -1;
	memcpy(&m, rd->buf + rd->off, 4);
	memcpy(&v, rd->buf + rd->off + 4, 2);
	memcpy(&c, rd->buf + rd->off + 6, 2);
	if (ntohl(m) != UA_MAGIC || ntohs(v) != UA_VERSION) {
		errno = EPROTO;
		return -1;
	}
	rd->off += 8;
	*code = ntohs(c);
	return 0;
}

int
ua_reader_rec(struct ua_reader *rd, struct ua_rec *r,
    const struct ua_limits *lim, int64_t deadline)
{
	size_t	 used;
	int	 rc;

	r->n = 0;
	for (;;) {
		rc = rd->len - rd->off < 4 ? 0 : ua_decode_rec(
		    (unsigned char *)rd->buf + rd->off, rd->len - rd->off, r,
		    lim, &used);
		if (rc == 1) {
			rd->off += used;
			return 0;
		}
		if (rc == -1)
			return -1;
		/* need more: a record is at most 4 bytes a field more than
		 * its text (ua_decode_rec checked the lengths it saw) */
		if (ua_reader_fill(rd, lim->max_bytes + 4 * (size_t)
		    lim->max_fields + 4, deadline) == -1)
			return -1;
	}
}

void
ua_reader_free(struct ua_reader *rd)
{
	if (rd->buf != NULL) {
		explicit_bzero(rd->buf, rd->used);	/* a password, perhaps */
		free(rd->buf);
	}
	rd->buf = NULL;
	rd->cap = rd->len = rd->off = rd->used = 0;
}

int
ua_read_rec(int fd, struct ua_rec *r, const struct ua_limits *lim,
    int64_t deadline)
{
	uint32_t	 n, x, i;
	uint32_t	*lens = NULL;
	size_t		 total = 0, off = 0;
	int		 saved, rc;

	r->n = 0;
	if ((rc = ua_read_rec_peek(fd, r, lim, deadline)) != 0)
		return rc == 1 ? 0 : -1;
	if (ua_read_all(fd, &x, 4, deadline) == -1)
		return -1;
	n = ntohl(x);
	if (n == 0)
		return 0;
	if (n > lim->max_fields) {
		errno = EMSGSIZE;
		return -1;
	}
	/*
	 * Field lengths come one by one in front of each field, so they are
	 * checked as they arrive: the running total never exceeds the
	 * limit, and the buffer grows only by what was promised and fits.
	 */
	if ((lens = malloc((size_t)n * sizeof(*lens))) == NULL ||
	    ua_rec_reserve(r, n, 256) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (ua_read_all(fd, &x, 4, deadline) == -1)
			goto fail;
		lens[i] = ntohl(x);
		if ((size_t)lens[i] > lim->max_bytes - total ||
		    (size_t)n > lim->max_bytes - total - lens[i]) {
			errno = EMSGSIZE;
			goto fail;
		}
		total += lens[i];
		if (off + lens[i] + 1 > r->cap) {
			/* grow, keeping what was read so far */
			size_t	 ncap = r->cap * 2;
			char	*nb;

			while (ncap < off + lens[i] + 1)
				ncap *= 2;
			if (ncap > lim->max_bytes + n)
				ncap = lim->max_bytes + n;
			if ((nb = malloc(ncap)) == NULL)
				goto fail;
			memcpy(nb, r->buf, off);
			explicit_bzero(r->buf, r->cap);
			free(r->buf);
			r->buf = nb;
			r->cap = ncap;
		}
		if (ua_read_all(fd, r->buf + off, lens[i], deadline) == -1)
			goto fail;
		if (memchr(r->buf + off, '\0', lens[i]) != NULL) {
			errno = EPROTO;
			goto fail;
		}
		r->buf[off + lens[i]] = '\0';
		off += (size_t)lens[i] + 1;
	}
	off = 0;
	for (i = 0; i < n; i++) {
		r->f[i].p = r->buf + off;
		r->f[i].len = lens[i];
		off += (size_t)lens[i] + 1;
	}
	r->n = n;
	free(lens);
	return 0;
fail:
	saved = errno;
	free(lens);
	r->n = 0;
	errno = saved;
	return -1;
}

void
ua_rec_free(struct ua_rec *r)
{
	if (r->buf != NULL) {
		explicit_bzero(r->buf, r->cap);
		free(r->buf);
	}
	free(r->f);
	memset(r, 0, sizeof(*r));
}

int
ua_call(const char *path, uint16_t action, const struct ua_field *f,
    uint32_t n, uint16_t *status, int64_t deadline)
{
	int	fd, saved;

	if ((fd = ua_connect(path)) == -1)
		return -1;
	if (ua_write_msg(fd, action, f, n, deadline) == -1 ||
	    ua_read_header(fd, status, deadline) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
ua_call_rd(const char *path, uint16_t action, const struct ua_field *f,
    uint32_t n, uint16_t *status, int64_t deadline, struct ua_reader *rd)
{
	int	saved;

	if ((rd->fd = ua_connect(path)) == -1)
		return -1;
	/* the answer cannot be there yet: wait for it before reading */
	if (ua_write_msg(rd->fd, action, f, n, deadline) == -1 ||
	    ua_wait(rd->fd, POLLIN, deadline) == -1 ||
	    ua_reader_header(rd, status, deadline) == -1) {
		saved = errno;
		close(rd->fd);
		rd->fd = -1;
		ua_reader_free(rd);
		errno = saved;
		return -1;
	}
	return 0;
}

int
ua_field_u32(const struct ua_field *f, uint32_t *out)
{
	uint64_t	v = 0;
	uint32_t	i;

	if (f->len == 0 || f->len > 10 || (f->len > 1 && f->p[0] == '0'))
		return -1;
	for (i = 0; i < f->len; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(f->p[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

struct ua_field
ua_str(const char *s)
{
	struct ua_field	f;

	f.p = s;
	f.len = (uint32_t)strlen(s);
	return f;
}

const char *
ua_action_name(uint16_t action)
{
	switch (action) {
	case UA_PW_BYNAME:	return "getpwnam";
	case UA_PW_BYUID:	return "getpwuid";
	case UA_PW_ENUM:	return "getpwent";
	case UA_GR_BYNAME:	return "getgrnam";
	case UA_GR_BYGID:	return "getgrgid";
	case UA_GR_ENUM:	return "getgrent";
	case UA_INITGROUPS:	return "initgroups";
	case UA_SP_BYNAME:	return "getspnam";
	case UA_SP_ENUM:	return "getspent";
	case UA_AUTH:		return "auth";
	case UA_ACCOUNT:	return "account";
	case UA_PASSWD:		return "passwd";
	case UA_FLUSH:		return "flush";
	case UA_STATUS:		return "status";
	}
	return "unknown";
}

const char *
ua_status_name(uint16_t status)
{
	switch (status) {
	case UA_OK:		return "ok";
	case UA_NOTFOUND:	return "notfound";
	case UA_UNAVAIL:	return "unavailable";
	case UA_DENIED:		return "denied";
	case UA_AUTH_FAILED:	return "auth-failed";
	case UA_POLICY:		return "policy";
	case UA_BUSY:		return "busy";
	case UA_BAD_REQUEST:	return "bad-request";
	case UA_ERROR:		return "error";
	}
	return "unknown";
}
