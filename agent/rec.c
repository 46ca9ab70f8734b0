/*
 * rec.c - string vectors, and the encoding of a record in the cache
 * (agent.h): u64 fetch time, u32 count, count times (u32 length, bytes,
 * NUL).  Every field ends with its NUL inside the value, so a reader can
 * use the strings in place for as long as its transaction lasts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

void
sv_add(struct sv *s, const char *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(p);
}

void
sv_addf(struct sv *s, const char *fmt, ...)
{
	char	buf[64];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sv_add(s, buf);
}

void
sv_free(struct sv *s)
{
	uint32_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

void *
rec_encode(const struct sv *s, int64_t fetched, size_t *len)
{
	unsigned char	*b, *p;
	size_t		 need = 12, l;
	uint32_t	 i;

	for (i = 0; i < s->n; i++)
		need += 5 + strlen(s->v[i]);
	p = b = xmalloc(need);
	put_u32(p, (uint32_t)((uint64_t)fetched & 0xffffffffu));
	put_u32(p + 4, (uint32_t)((uint64_t)fetched >> 32));
	put_u32(p + 8, s->n);
	p += 12;
	for (i = 0; i < s->n; i++) {
		l = strlen(s->v[i]);
		put_u32(p, (uint32_t)l);
		memcpy(p + 4, s->v[i], l + 1);
		p += 5 + l;
	}
	*len = need;
	return b;
}

/*
 * Walk the fields, checking each length against what is left; fills
 * off[] and lens[] (max entries) when off is not NULL.  Returns the
 * count or -1.
 */
static int
rec_scan(const unsigned char *p, size_t len, uint32_t *off, uint32_t *lens,
    uint32_t max, int64_t *fetched)
{
	uint32_t	n, i, l;
	size_t		pos = 12;

	if (len < 12 || len > UINT32_MAX)
		goto bad;
	n = get_u32(p + 8);
	if (n > (len - 12) / 5 || (max != 0 && n > max))
		goto bad;
	for (i = 0; i < n; i++) {
		if (len - pos < 5)
			goto bad;
		l = get_u32(p + pos);
		if (l > len - pos - 5 || p[pos + 4 + l] != '\0' ||
		    memchr(p + pos + 4, '\0', l) != NULL)
			goto bad;
		if (off != NULL) {
			off[i] = (uint32_t)pos + 4;
			lens[i] = l;
		}
		pos += 5 + (size_t)l;
	}
	if (pos != len)
		goto bad;
	if (fetched != NULL)
		*fetched = (int64_t)((uint64_t)get_u32(p) |
		    (uint64_t)get_u32(p + 4) << 32);
	return (int)n;
bad:
	errno = EINVAL;
	return -1;
}

/* the field offsets and lengths (malloc'd); the count, or -1 */
static int
rec_offsets(const void *p, size_t len, uint32_t **off, uint32_t **lens,
    int64_t *fetched)
{
	int	n;

	if ((n = rec_scan(p, len, NULL, NULL, 0, NULL)) < 0)
		return -1;
	*off = xcalloc((size_t)n + 1, sizeof(**off));
	*lens = xcalloc((size_t)n + 1, sizeof(**lens));
	rec_scan(p, len, *off, *lens, (uint32_t)n, fetched);
	return n;
}

int
rec_decode(const void *p, size_t len, struct ua_rec *r, int64_t *fetched)
{
	uint32_t	*off, *lens, i;
	int		 n;

	if ((n = rec_offsets(p, len, &off, &lens, fetched)) < 0)
		return -1;
	if (r->cap < len) {
		if (r->buf != NULL) {
			explicit_bzero(r->buf, r->cap);
			free(r->buf);
		}
		r->buf = xmalloc(len);
		r->cap = len;
	}
	if ((uint32_t)n > r->fcap) {
		r->f = xreallocarray(r->f, (size_t)n, sizeof(*r->f));
		r->fcap = (uint32_t)n;
	}
	memcpy(r->buf, p, len);
	for (i = 0; i < (uint32_t)n; i++) {
		r->f[i].p = r->buf + off[i];
		r->f[i].len = lens[i];
	}
	r->n = (uint32_t)n;
	free(off);
	free(lens);
	return 0;
}

int
rec_view(const void *p, size_t len, const char ***f, int64_t *fetched)
{
	const char	**v;
	uint32_t	 *off, *lens, i;
	int		  n;

	if ((n = rec_offsets(p, len, &off, &lens, fetched)) < 0)
		return -1;
	v = xcalloc((size_t)n + 1, sizeof(*v));
	for (i = 0; i < (uint32_t)n; i++)
		v[i] = (const char *)p + off[i];
	free(off);
	free(lens);
	*f = v;
	return n;
}
