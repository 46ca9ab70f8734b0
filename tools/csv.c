/*
 * csv.c - RFC 4180 CSV reader (see csv.h for the accepted format).
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "csv.h"

#define CSV_EOF	(-1)
#define CSV_ERR	(-2)

void
csv_init(struct csv *c, FILE *fp)
{
	memset(c, 0, sizeof(*c));
	c->fp = fp;
	c->line = 1;
}

static int
csv_fill(struct csv *c)
{
	if (c->eof)
		return 0;
	c->pos = 0;
	c->len = fread(c->in, 1, sizeof(c->in), c->fp);
	if (c->len < sizeof(c->in)) {
		c->eof = 1;
		if (ferror(c->fp)) {
			c->err = "read error";
			c->err_line = c->line;
			return -1;
		}
	}
	return c->len > 0;
}

/* the next byte, CSV_EOF, or CSV_ERR */
static int
csv_getc(struct csv *c)
{
	int r;

	if (!c->started) {
		c->started = 1;
		if ((r = csv_fill(c)) <= 0)
			return r < 0 ? CSV_ERR : CSV_EOF;
		if (c->len >= 3 && memcmp(c->in, "\xef\xbb\xbf", 3) == 0)
			c->pos = 3;
	}
	if (c->pos >= c->len && (r = csv_fill(c)) <= 0)
		return r < 0 ? CSV_ERR : CSV_EOF;
	return c->in[c->pos++];
}

static int
csv_error(struct csv *c, unsigned long line, const char *what)
{
	if (c->err == NULL) {	/* a read error keeps its own message */
		c->err = what;
		c->err_line = line;
	}
	return -1;
}

int
csv_utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned long cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += n + 1;
	}
	return 1;
}

static void
csv_rec_clear(struct csv_rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i]);
	r->n = 0;
}

void
csv_rec_free(struct csv_rec *r)
{
	csv_rec_clear(r);
	free(r->f);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

static int
csv_push(struct csv *c, struct csv_rec *r, struct buf *b)
{
	if (!csv_utf8_ok(b->p, b->len))
		return csv_error(c, c->line, "invalid UTF-8");
	if (r->n == CSV_FIELDS_MAX)
		return csv_error(c, c->line, "too many fields in a record");
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->f = xreallocarray(r->f, r->cap, sizeof(*r->f));
		r->len = xreallocarray(r->len, r->cap, sizeof(*r->len));
	}
	r->len[r->n] = b->len;
	r->f[r->n++] = xstrndup(b->len ? (const char *)b->p : "", b->len);
	b->len = 0;
	return 0;
}

/* one more byte of a field */
static int
csv_add(struct csv *c, struct buf *b, int ch)
{
	if (ch == '\0')
		return csv_error(c, c->line, "NUL byte");
	if (b->len >= CSV_FIELD_MAX)
		return csv_error(c, c->line, "field too long");
	buf_addc(b, ch);
	return 0;
}

/* a quoted field after its opening quote; returns the byte after the
 * closing quote (or CSV_EOF), or CSV_ERR */
static int
csv_quoted(struct csv *c, struct buf *b)
{
	unsigned long opened = c->line;
	int ch;

	for (;;) {
		if ((ch = csv_getc(c)) == CSV_ERR)
			return CSV_ERR;
		if (ch == CSV_EOF) {
			csv_error(c, opened, "quoted field not closed "
			    "(a quote is missing)");
			return CSV_ERR;
		}
		if (ch == '"') {
			if ((ch = csv_getc(c)) != '"')
				return ch;
		} else if (ch == '\n')
			c->line++;
		if (csv_add(c, b, ch) != 0)
			return CSV_ERR;
	}
}

int
csv_read(struct csv *c, struct csv_rec *r)
{
	struct buf b = { 0 };
	int ch, rc = -1;

	csv_rec_clear(r);
	if (c->err != NULL)
		return -1;
	/* empty lines between records */
	for (;;) {
		ch = csv_getc(c);
		if (ch == '\n') {
			c->line++;
			continue;
		}
		if (ch == '\r') {
			if ((ch = csv_getc(c)) != '\n')
				return csv_error(c, c->line, "carriage return "
				    "without a line feed");
			c->line++;
			continue;
		}
		break;
	}
	if (ch == CSV_EOF)
		return 0;
	if (ch == CSV_ERR)
		return -1;
	c->rec_line = c->line;
	for (;;) {
		if (ch == '"') {
			if ((ch = csv_quoted(c, &b)) == CSV_ERR)
				goto out;
			if (ch != ',' && ch != '\n' && ch != '\r' &&
			    ch != CSV_EOF) {
				csv_error(c, c->line, ch == CSV_ERR ?
				    "read error" : "text after the closing "
				    "quote of a field");
				goto out;
			}
		} else {
			while (ch != ',' && ch != '\n' && ch != '\r' &&
			    ch != CSV_EOF) {
				if (ch == CSV_ERR)
					goto out;
				if (ch == '"') {
					csv_error(c, c->line, "quote in an "
					    "unquoted field (quote the whole "
					    "field and double the quote)");
					goto out;
				}
				if (csv_add(c, &b, ch) != 0)
					goto out;
				ch = csv_getc(c);
			}
		}
		if (csv_push(c, r, &b) != 0)
			goto out;
		if (ch == ',') {
			ch = csv_getc(c);
			continue;
		}
		if (ch == '\r' && csv_getc(c) != '\n') {
			csv_error(c, c->line, "carriage return without a "
			    "line feed");
			goto out;
		}
		if (ch != CSV_EOF)
			c->line++;
		rc = 1;
		goto out;
	}
out:
	buf_free(&b);
	if (rc < 0)
		csv_rec_clear(r);
	return rc;
}
