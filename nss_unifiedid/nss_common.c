/*
 * nss_common.c - what every database of the NSS module shares: packing
 * into the caller's buffer, one-record queries to the agent, streamed
 * enumerations, and the status conventions (nss_unifiedid.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nss_unifiedid.h"

int
nu_name_ok(const char *name)
{
	size_t	len;

	if (name == NULL)
		return 0;
	len = strnlen(name, NU_NAME_MAX + 1);
	return len > 0 && len <= NU_NAME_MAX;
}

/* Copy len bytes and a NUL into the buffer; NULL when they do not fit. */
char *
nu_put(struct nu_buf *b, const char *s, size_t len)
{
	char	*p;

	if (len >= b->left)
		return NULL;
	p = b->p;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	b->p += len + 1;
	b->left -= len + 1;
	return p;
}

/* n bytes aligned to align (a power of two); NULL when they do not fit */
void *
nu_alloc(struct nu_buf *b, size_t n, size_t align)
{
	size_t	pad = (align - ((uintptr_t)b->p & (align - 1))) & (align - 1);
	char	*p;

	if (pad > b->left || n > b->left - pad)
		return NULL;
	p = b->p + pad;
	b->p = p + n;
	b->left -= pad + n;
	return p;
}

enum nss_status
nu_erange(int *errnop)
{
	*errnop = ERANGE;
	return NSS_STATUS_TRYAGAIN;
}

enum nss_status
nu_unavail(int *errnop)
{
	*errnop = ENOENT;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status
nu_notfound(int *errnop)
{
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

/* What a non-OK status from the agent means to NSS. */
static enum nss_status
nu_status(uint16_t st, int *errnop)
{
	switch (st) {
	case UA_NOTFOUND:
		return nu_notfound(errnop);
	case UA_DENIED:
		*errnop = EACCES;
		return NSS_STATUS_UNAVAIL;
	default:
		return nu_unavail(errnop);
	}
}

/*
 * Ask the agent for one record: SUCCESS with the record in *rec (which
 * may be empty: an initgroups answer without groups), or the status the
 * caller returns.  The whole exchange, including the end of the
 * response, has one deadline.
 */
static enum nss_status
nu_ask(uint16_t action, const struct ua_field *arg, struct ua_rec *rec,
    int *errnop)
{
	int64_t			dl = ua_deadline(UA_TIMEOUT_LOOKUP_MS);
	struct ua_reader	rd = { .fd = -1, .initial = 4096 };
	struct ua_rec		end = { 0 };
	uint16_t		st;
	int			bad;

	if (ua_call_rd(NULL, action, arg, 1, &st, dl, &rd) == -1)
		return nu_unavail(errnop);
	if (st != UA_OK) {
		close(rd.fd);
		ua_reader_free(&rd);
		return nu_status(st, errnop);
	}
	bad = ua_reader_rec(&rd, rec, &ua_resp_limits, dl) == -1 ||
	    (rec->n > 0 && (ua_reader_rec(&rd, &end, &ua_resp_limits,
	    dl) == -1 || end.n != 0));
	ua_rec_free(&end);
	close(rd.fd);
	ua_reader_free(&rd);
	return bad ? nu_unavail(errnop) : NSS_STATUS_SUCCESS;
}

enum nss_status
nu_query(uint16_t action, const char *name, struct ua_rec *rec, int *errnop)
{
	struct ua_field	f = ua_str(name);

	return nu_ask(action, &f, rec, errnop);
}

enum nss_status
nu_query_id(uint16_t action, uint32_t id, struct ua_rec *rec, int *errnop)
{
	char		num[16];
	struct ua_field	f;

	f.p = num;
	f.len = (uint32_t)snprintf(num, sizeof(num), "%u", id);
	return nu_ask(action, &f, rec, errnop);
}

/* ---- enumerations ----------------------------------------------------- */

static void
nu_enum_close(struct nu_enum *e)
{
	if (e->rd.fd != -1)
		close(e->rd.fd);
	e->rd.fd = -1;
	e->rd.len = e->rd.off = 0;
	e->pending = 0;
}

void
nu_enum_set(struct nu_enum *e)
{
	pthread_mutex_lock(&e->lock);
	nu_enum_close(e);
	e->done = 0;
	pthread_mutex_unlock(&e->lock);
}

void
nu_enum_end(struct nu_enum *e)
{
	pthread_mutex_lock(&e->lock);
	nu_enum_close(e);
	e->done = 0;
	ua_rec_free(&e->rec);
	ua_reader_free(&e->rd);
	pthread_mutex_unlock(&e->lock);
}

/*
 * With e->lock held: make e->rec the next record of the stream (the one
 * kept back when it did not fit, or a new one).  The connection is made
 * by the first call after setXXent; the stream is read ahead in large
 * chunks (ua_reader); every record has its own deadline, so a long
 * enumeration is never cut short while it moves.
 */
enum nss_status
nu_enum_next(struct nu_enum *e, int *errnop)
{
	uint16_t	st;

	if (e->pending)
		return NSS_STATUS_SUCCESS;
	if (e->done)
		return nu_notfound(errnop);
	if (e->rd.fd == -1) {
		e->rd.len = e->rd.off = 0;
		if (ua_call_rd(NULL, e->action, NULL, 0, &st,
		    ua_deadline(UA_TIMEOUT_LOOKUP_MS), &e->rd) == -1) {
			e->done = 1;
			return nu_unavail(errnop);
		}
		if (st != UA_OK) {
			nu_enum_close(e);
			e->done = 1;
			return nu_status(st, errnop);
		}
	}
	if (ua_reader_rec(&e->rd, &e->rec, &ua_resp_limits,
	    ua_deadline(UA_TIMEOUT_LOOKUP_MS)) == -1) {
		nu_enum_close(e);
		e->done = 1;
		return nu_unavail(errnop);
	}
	if (e->rec.n == 0) {
		nu_enum_close(e);
		e->done = 1;
		return nu_notfound(errnop);
	}
	e->pending = 1;
	return NSS_STATUS_SUCCESS;
}

/* What became of the pending record: returned, kept for a bigger
 * buffer (TRYAGAIN), or malformed (the stream ends). */
void
nu_enum_taken(struct nu_enum *e, enum nss_status st)
{
	if (st == NSS_STATUS_SUCCESS)
		e->pending = 0;
	else if (st != NSS_STATUS_TRYAGAIN) {
		nu_enum_close(e);
		e->done = 1;
	}
}
