/*
 * conn.c - one client connection: non-blocking reads into a buffer,
 * framing of LDAPMessages, dispatch, and buffered non-blocking writes.
 *
 * A connection is handled by one worker at a time (EPOLLONESHOT).  Read
 * operations run on that worker; write operations go to the writer
 * thread, and the connection is not re-armed until the write has been
 * answered, so a client sees its operations answered in order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "dirsrv.h"
#include "conn.h"

#define OUT_HIGH	(4u << 20)	/* stop reading while this much is queued */
#define READ_CHUNK	(64u << 10)

uint64_t
conn_id(const struct conn *c)
{
	return c->id;
}

int
conn_is_ldapi(const struct conn *c)
{
	return c->ldapi;
}

uid_t
conn_peer_uid(const struct conn *c)
{
	return c->peer_uid;
}

int
conn_is_tls(const struct conn *c)
{
	return c->ssl != NULL;
}

/*
 * StartTLS (RFC 4511 4.14): the success response goes out in clear text,
 * then the connection switches; nothing else is read meanwhile.
 */
int
conn_request_starttls(struct conn *c)
{
	if (!tls_configured())
		return LDAP_UNAVAILABLE;
	if (c->ssl != NULL || c->ldapi)
		return LDAP_OPERATIONS_ERROR;
	c->starttls = 1;
	return LDAP_SUCCESS;
}

gid_t
conn_peer_gid(const struct conn *c)
{
	return c->peer_gid;
}

const char *
conn_addr(const struct conn *c)
{
	return c->addr;
}

const char *
conn_peer(const struct conn *c)
{
	return c->peer;
}

void
conn_send(struct conn *c, const void *p, size_t n)
{
	pthread_mutex_lock(&c->mu);
	buf_add(&c->out, p, n);
	pthread_mutex_unlock(&c->mu);
}

void
conn_set_bind(struct conn *c, const struct berval *dn,
    const struct berval *ndn, int isroot)
{
	pthread_mutex_lock(&c->mu);
	free(c->binddn.bv_val);
	free(c->bindndn.bv_val);
	c->binddn.bv_val = xstrndup(dn->bv_val ? dn->bv_val : "", dn->bv_len);
	c->binddn.bv_len = dn->bv_len;
	c->bindndn.bv_val = xstrndup(ndn->bv_val ? ndn->bv_val : "",
	    ndn->bv_len);
	c->bindndn.bv_len = ndn->bv_len;
	c->isroot = isroot;
	c->restricted = 0;
	pthread_mutex_unlock(&c->mu);
}

void
conn_set_restricted(struct conn *c, int on)
{
	pthread_mutex_lock(&c->mu);
	c->restricted = on;
	pthread_mutex_unlock(&c->mu);
}

/* 0 = sent everything (or would block), -1 = the peer is gone */
static int
conn_flush(struct conn *c)
{
	ssize_t n;
	int rc = 0;

	pthread_mutex_lock(&c->mu);
	while (c->out.len > 0) {
		if (c->ssl != NULL)
			n = tls_write(c, c->out.p, c->out.len);
		else
			n = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL);
		if (n > 0) {
			buf_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		rc = -1;
		break;
	}
	if (c->out.cap > (1u << 20) && c->out.len == 0)
		buf_free(&c->out);	/* do not keep a big buffer per idle client */
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/*
 * Length of the first complete LDAPMessage in p[0..n), 0 when more bytes
 * are needed, -1 when the bytes cannot be an LDAPMessage (wrong tag,
 * indefinite or oversized length).
 */
ssize_t
conn_frame(const unsigned char *p, size_t n, size_t max)
{
	size_t len = 0, hdr, i, nb;

	if (n < 2)
		return n > 0 && p[0] != 0x30 ? -1 : 0;
	if (p[0] != 0x30)
		return -1;
	if (p[1] < 0x80) {
		len = p[1];
		hdr = 2;
	} else {
		nb = p[1] & 0x7f;
		if (nb == 0 || nb > 4)
			return -1;	/* indefinite or absurd length */
		if (n < 2 + nb)
			return 0;
		for (i = 0; i < nb; i++)
			len = (len << 8) | p[2 + i];
		hdr = 2 + nb;
	}
	if (len > max || hdr + len > max)
		return -1;
	if (n < hdr + len)
		return 0;
	return (ssize_t)(hdr + len);
}

static struct op *
op_new(struct conn *c)
{
	struct op *op = xcalloc(1, sizeof(*op));

	op->conn = c;
	op->start_ms = now_ms_monotonic();
	op->acl_host = -1;
	op->acl_orgadmin_id = UINT64_MAX;
	pthread_mutex_lock(&c->mu);
	op->binddn.bv_len = c->binddn.bv_len;
	op->binddn.bv_val = arena_memdup(&op->arena, c->binddn.bv_val ?
	    c->binddn.bv_val : "", c->binddn.bv_len);
	op->bindndn.bv_len = c->bindndn.bv_len;
	op->bindndn.bv_val = arena_memdup(&op->arena, c->bindndn.bv_val ?
	    c->bindndn.bv_val : "", c->bindndn.bv_len);
	op->isroot = c->isroot;
	op->restricted = c->restricted;
	pthread_mutex_unlock(&c->mu);
	return op;
}

/*
 * Decode the envelope of the message in pdu (which stays valid and
 * writable for the op's lifetime) into op.  Returns an LDAP result code;
 * on a protocol error the connection must be dropped (RFC 4511 4.1.1).
 */
int
op_decode(struct op *op, struct berval *pdu)
{
	BerElement *env;
	struct berval body;
	ber_len_t len;
	ber_tag_t tag;
	int rc = LDAP_SUCCESS;

	if ((env = ber_alloc_t(0)) == NULL)
		return LDAP_OTHER;
	ber_init2(env, pdu, LBER_USE_DER);
	/* liblber's "i" reads any primitive: check the types first */
	if (ber_scanf(env, "{" /*}*/) == LBER_ERROR ||
	    ber_peek_tag(env, &len) != LBER_INTEGER ||
	    ber_scanf(env, "i", &op->msgid) == LBER_ERROR || op->msgid < 0) {
		rc = LDAP_PROTOCOL_ERROR;
		goto done;
	}
	tag = ber_peek_tag(env, &len);
	/* the handler reads the operation from a copy positioned here */
	if (tag == LBER_DEFAULT || (op->ber = ber_dup(env)) == NULL) {
		rc = LDAP_PROTOCOL_ERROR;
		goto done;
	}
	if (ber_skip_element(env, &body) == LBER_DEFAULT) {
		rc = LDAP_PROTOCOL_ERROR;
		goto done;
	}
	op->tag = tag;
	rc = op_decode_controls(op, env);
done:
	ber_free(env, 0);
	return rc;
}

/*
 * The operation's tag, read without touching the buffer (liblber's "m"
 * conversions write NUL terminators in place, so a PDU that must be
 * copied is copied before it is decoded).
 */
static ber_tag_t
op_peek(struct berval *pdu)
{
	BerElement *env;
	ber_int_t msgid;
	ber_len_t len;
	ber_tag_t tag = LBER_DEFAULT;

	if ((env = ber_alloc_t(0)) == NULL)
		return LBER_DEFAULT;
	ber_init2(env, pdu, LBER_USE_DER);
	if (ber_scanf(env, "{i" /*}*/, &msgid) != LBER_ERROR)
		tag = ber_peek_tag(env, &len);
	ber_free(env, 0);
	return tag;
}

/*
 * Run one op.  A write is not run here: it is returned in *wop, and the
 * caller hands it to the writer only when it is done with the connection
 * (the writer gives the connection to another worker when it answers).
 * Returns 1 when *wop was set.
 */
static int
conn_dispatch(struct conn *c, struct berval *pdu, int *drop, struct op **wop)
{
	struct op *op = op_new(c);
	ber_tag_t tag = op_peek(pdu);
	int rc;

	if (op_is_write(tag) || tag == LDAP_REQ_EXTENDED) {
		/* the op outlives the input buffer: give it its own copy */
		/* one byte more: liblber's in-place "m" writes a NUL after
		 * a string that ends the PDU (a DelRequest's DN) */
		op->pdu.bv_val = xmalloc(pdu->bv_len + 1);
		memcpy(op->pdu.bv_val, pdu->bv_val, pdu->bv_len);
		op->pdu.bv_val[pdu->bv_len] = '\0';
		op->pdu.bv_len = pdu->bv_len;
		pdu = &op->pdu;
	}
	rc = op_decode(op, pdu);
	if (rc == LDAP_PROTOCOL_ERROR || op->tag == 0) {
		log_info("conn=%llu: malformed message, closing",
		    (unsigned long long)c->id);
		*drop = 1;
		op_free(op);
		return 0;
	}
	if (rc != LDAP_SUCCESS) {
		/* e.g. an unknown critical control */
		if (op->tag != LDAP_REQ_UNBIND && op->tag != LDAP_REQ_ABANDON)
			op_respond(op, rc, rc == LDAP_UNAVAILABLE_CRITICAL_EXTENSION
			    ? "critical control not supported" : NULL);
		op_free(op);
		return 0;
	}
	/* after a reset or expiry only the password change is allowed
	 * (draft-behera 8.1.2.2) */
	if (op->restricted && op->tag != LDAP_REQ_BIND &&
	    op->tag != LDAP_REQ_UNBIND && op->tag != LDAP_REQ_ABANDON &&
	    op->tag != LDAP_REQ_EXTENDED) {
		struct result_extra x = { 0 };

		ppolicy_control(op, &x, PP_CHANGE_AFTER_RESET, -1);
		op_send_result(op, &x, LDAP_UNWILLING_TO_PERFORM, NULL,
		    "the password must be changed first (Password Modify)");
		op_free(op);
		return 0;
	}
	if (op_is_write(op->tag) || (op->tag == LDAP_REQ_EXTENDED &&
	    extended_is_write(op))) {
		*wop = op;
		return 1;
	}
	switch (op->tag) {
	case LDAP_REQ_BIND:
		ldap_bind(op);
		break;
	case LDAP_REQ_SEARCH:
		ldap_search(op);
		break;
	case LDAP_REQ_COMPARE:
		ldap_compare(op);
		break;
	case LDAP_REQ_EXTENDED:
		ldap_extended(op);
		break;
	case LDAP_REQ_ABANDON:
		/* operations run to completion before the next is read, so
		 * there is never anything left to abandon (RFC 4511 4.11) */
		break;
	case LDAP_REQ_UNBIND:
		*drop = 1;
		break;
	default:
		op_respond(op, LDAP_PROTOCOL_ERROR, "unknown operation");
		break;
	}
	op_free(op);
	return 0;
}

/*
 * Process buffered input.  Returns -1 when the connection must be
 * closed.  Stops at a write operation, returned in *wop.
 */
static int
conn_input(struct conn *c, struct op **wop, int *more)
{
	size_t off = 0;
	ssize_t fl;
	int drop = 0, n = 0;

	*wop = NULL;
	*more = 0;
	while (!drop && *wop == NULL && !c->starttls && off < c->in.len) {
		/* a pipelining client yields the worker after max_pending_ops
		 * requests, so others get their turn */
		if (n++ >= srv->cfg->max_pending_ops) {
			*more = 1;
			break;
		}
		fl = conn_frame(c->in.p + off, c->in.len - off,
		    srv->cfg->max_pdu);
		if (fl < 0) {
			log_info("conn=%llu from %s: bad or oversized PDU, "
			    "closing", (unsigned long long)c->id, c->peer);
			drop = 1;
			break;
		}
		if (fl == 0)
			break;
		{
			struct berval pdu = { (ber_len_t)fl,
			    (char *)c->in.p + off };
			/* liblber's in-place "m" may write a NUL just past a
			 * string that ends the PDU, i.e. on the next PDU's
			 * first byte: keep that byte (buf keeps one spare) */
			unsigned char next = c->in.p[off + (size_t)fl];

			conn_dispatch(c, &pdu, &drop, wop);
			c->in.p[off + (size_t)fl] = next;
		}
		off += (size_t)fl;
		pthread_mutex_lock(&c->mu);
		if (c->out.len > OUT_HIGH) {
			pthread_mutex_unlock(&c->mu);
			break;
		}
		pthread_mutex_unlock(&c->mu);
	}
	buf_consume(&c->in, off);
	if (c->in.len == 0 && c->in.cap > (1u << 20))
		buf_free(&c->in);
	return drop ? -1 : 0;
}

static int
conn_read(struct conn *c)
{
	ssize_t n;
	size_t limit = srv->cfg->max_pdu + READ_CHUNK;

	for (;;) {
		if (c->in.len >= limit)
			return 0;	/* framing will decide */
		buf_reserve(&c->in, READ_CHUNK);
		if (c->ssl != NULL) {
			/* drain OpenSSL's buffer too: epoll cannot see it */
			n = tls_read(c, c->in.p + c->in.len,
			    c->in.cap - c->in.len - 1);
			if (n > 0) {
				c->in.len += (size_t)n;
				continue;
			}
		} else {
			n = recv(c->fd, c->in.p + c->in.len,
			    c->in.cap - c->in.len - 1, 0);
			if (n > 0) {
				c->in.len += (size_t)n;
				if ((size_t)n < c->in.cap - c->in.len)
					return 0;	/* drained for now */
				continue;
			}
		}
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
}

/* re-arm the connection in epoll; 0, or -1 if it should be closed */
static int
conn_arm(struct conn *c)
{
	struct epoll_event ev;
	size_t out;

	pthread_mutex_lock(&c->mu);
	out = c->out.len;
	pthread_mutex_unlock(&c->mu);
	ev.events = EPOLLONESHOT | EPOLLRDHUP;
	if (out < OUT_HIGH)
		ev.events |= EPOLLIN;
	if (out > 0 || c->tls_want_write)
		ev.events |= EPOLLOUT;
	ev.data.ptr = c;
	return epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/*
 * The worker's entry point for a connection: on readiness (events) or
 * when the writer hands it back (events == 0).
 */
void
conn_handle(struct conn *c, uint32_t events)
{
	struct op *wop = NULL;
	int gone = 0, more = 0, finished = 0, rd = 0;

	c->last_ms = now_ms_monotonic();
	if (events & (EPOLLERR))
		gone = 1;
	if (!gone && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))) {
		rd = conn_read(c);	/* -1: end of input or an error */
		gone = rd != 0 && c->in.len == 0;
	}
	if (!gone && (events & EPOLLOUT || events == 0 || c->out.len))
		gone = conn_flush(c) != 0;
	if (!gone) {
		size_t out;

		pthread_mutex_lock(&c->mu);
		out = c->out.len;
		pthread_mutex_unlock(&c->mu);
		if (out < OUT_HIGH) {
			int eof = rd != 0 ||
			    (events & (EPOLLRDHUP | EPOLLHUP)) != 0;
			if (conn_input(c, &wop, &more) != 0)
				gone = 1;
			else if (eof && wop == NULL && !more &&
			    (rd != 0 || c->in.len == 0))
				finished = 1;	/* answer what is whole, close:
						 * a partial PDU cannot complete */
		}
	}
	if (!gone && conn_flush(c) != 0)
		gone = 1;
	if (finished)
		gone = 1;
	if (!gone && c->starttls && wop == NULL) {
		size_t out;

		pthread_mutex_lock(&c->mu);
		out = c->out.len;
		pthread_mutex_unlock(&c->mu);
		/* bytes after the request, before our answer: a protocol error */
		if (c->in.len > 0)
			gone = 1;
		else if (out == 0) {
			c->starttls = 0;
			if (tls_start(c) != 0)
				gone = 1;
		}
	}
	if (wop != NULL) {
		/* the last touch of c: from here the writer owns it and hands
		 * it back (or closes it) once the write is answered */
		if (gone)
			c->closing = 1;
		server_queue_write(wop);
		return;
	}
	if (gone) {
		conn_close(c);
		return;
	}
	if (more) {
		server_requeue(c);	/* buffered requests, no event to come */
		return;
	}
	if (conn_arm(c) != 0)
		conn_close(c);
}

struct conn *
conn_new(int fd, int ldapi, uid_t peer_uid, const char *peer)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	c->ldapi = ldapi;
	c->peer_uid = peer_uid;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	pthread_mutex_init(&c->mu, NULL);
	c->last_ms = now_ms_monotonic();
	c->refs = 1;
	return c;
}

void
conn_unref(struct conn *c)
{
	int last;

	pthread_mutex_lock(&c->mu);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (!last)
		return;
	tls_free(c);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->binddn.bv_val);
	free(c->bindndn.bv_val);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
