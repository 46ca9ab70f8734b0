/*
 * output.c - what the client prints: messages on stderr, aligned tables
 * (display width of UTF-8 text, CJK characters are two columns), and with
 * --json one JSON document on stdout (RFC 8259: strings escaped, UTF-8
 * passed through, invalid bytes replaced by U+FFFD so the document parses).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

/* ---- messages ---- */

static void out_vmsg(const char *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

static void
out_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("unifiedid: ", stderr);
	if (prefix != NULL)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
out_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vmsg(NULL, fmt, ap);
	va_end(ap);
}

void
out_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vmsg(_("warning: "), fmt, ap);
	va_end(ap);
}

/* a usage error: one line, then where to look (exit status 2) */
int
out_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vmsg(NULL, fmt, ap);
	va_end(ap);
	if (cli.cmdname != NULL)
		fprintf(stderr, _("Try 'unifiedid %s --help' for more "
		    "information.\n"), cli.cmdname);
	else
		fprintf(stderr, _("Try 'unifiedid --help' for more "
		    "information.\n"));
	return CLI_USAGE;
}

/* a confirmation for people; quiet with --json (the document says it) */
void
out_info(const char *fmt, ...)
{
	va_list ap;

	if (cli.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

const char *
out_pgettext(const char *ctx_msgid, const char *msgid)
{
	const char *t = gettext(ctx_msgid);

	return t == ctx_msgid ? msgid : t;
}

/* values with a fixed vocabulary (contract section 4), for people */
static const struct {
	const char	*attr;
	const char	*value;
	const char	*label;		/* context \004 msgid */
} out_values[] = {
	{ "accountStatus", "pending", NC_("accountStatus", "pending") },
	{ "accountStatus", "active", NC_("accountStatus", "active") },
	{ "accountStatus", "rejected", NC_("accountStatus", "rejected") },
	{ "accountStatus", "locked", NC_("accountStatus", "locked") },
	{ "accountStatus", "disabled", NC_("accountStatus", "disabled") },
	{ "postStatus", "active", NC_("postStatus", "active") },
	{ "postStatus", "pending", NC_("postStatus", "pending") },
	{ "postStatus", "transfer-pending",
	    NC_("postStatus", "transfer-pending") },
	{ "postStatus", "leave-pending", NC_("postStatus", "leave-pending") },
	{ "realNameStatus", "unverified", NC_("realNameStatus", "unverified") },
	{ "realNameStatus", "verifying", NC_("realNameStatus", "verifying") },
	{ "realNameStatus", "verified", NC_("realNameStatus", "verified") },
	{ "realNameStatus", "review-pending",
	    NC_("realNameStatus", "review-pending") },
	{ "realNameStatus", "review-passed",
	    NC_("realNameStatus", "review-passed") },
	{ "realNameStatus", "review-failed",
	    NC_("realNameStatus", "review-failed") },
	{ "realNameLevel", "none", NC_("realNameLevel", "none") },
	{ "realNameLevel", "basic", NC_("realNameLevel", "basic") },
	{ "realNameLevel", "intermediate",
	    NC_("realNameLevel", "intermediate") },
	{ "realNameLevel", "advanced", NC_("realNameLevel", "advanced") },
	{ "gender", "male", NC_("gender", "male") },
	{ "gender", "female", NC_("gender", "female") },
	{ "idType", "resident-id", NC_("idType", "resident-id") },
	{ "idType", "hk-macao-permit", NC_("idType", "hk-macao-permit") },
	{ "idType", "taiwan-permit", NC_("idType", "taiwan-permit") },
	{ "idType", "foreign-permanent-residence",
	    NC_("idType", "foreign-permanent-residence") },
	{ "idType", "passport", NC_("idType", "passport") },
	{ "idType", "other", NC_("idType", "other") },
	{ "appealStatus", "review-pending",
	    NC_("appealStatus", "review-pending") },
	{ "appealStatus", "approved", NC_("appealStatus", "approved") },
	{ "appealStatus", "rejected", NC_("appealStatus", "rejected") },
	/* TRANSLATORS: does a transfer keep the original post (yes/no) */
	{ "keepOrigin", "TRUE", NC_("keepOrigin", "TRUE") },
	{ "keepOrigin", "FALSE", NC_("keepOrigin", "FALSE") },
};

/* the label of a coded value, or the value itself when it has none */
const char *
out_value(const char *attr, const char *value)
{
	size_t i;

	if (value == NULL)
		return NULL;
	for (i = 0; i < NELEM(out_values); i++)
		if (strcasecmp(out_values[i].attr, attr) == 0 &&
		    strcmp(out_values[i].value, value) == 0)
			return out_pgettext(out_values[i].label, value);
	return value;
}

/* "20240131083000Z" -> "2024-01-31 08:30:00 UTC" (allocated) */
char *
out_time(const char *g)
{
	char *s;
	size_t i;

	for (i = 0; i < 14; i++)
		if (g[i] < '0' || g[i] > '9')
			return xstrdup(g);
	if (strchr(g, 'Z') == NULL)
		return xstrdup(g);
	s = xmalloc(32);
	snprintf(s, 32, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s UTC", g, g + 4, g + 6,
	    g + 8, g + 10, g + 12);
	return s;
}

/* ---- UTF-8 ---- */

/* decode one sequence; returns its length (1 for an invalid byte, *cp =
 * -1), 0 at the end */
static size_t
utf8_next(const unsigned char *s, size_t len, long *cp)
{
	size_t n, i;
	long c;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		*cp = -1;
		return 1;
	}
	if (n > len) {
		*cp = -1;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return n;
}

int
out_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;
	long cp;

	while ((k = utf8_next(p, len, &cp)) > 0) {
		if (cp <= 0)
			return 0;
		p += k;
		len -= k;
	}
	return 1;
}

/* terminal columns of one code point (East Asian Wide and Fullwidth
 * are two; combining marks none) - independent of the locale */
static int
cp_width(long c)
{
	if (c < 0)
		return 1;
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0xfe00 && c <= 0xfe0f))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t
out_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), w = 0, k;
	long cp;

	while ((k = utf8_next(p, len, &cp)) > 0) {
		w += (size_t)cp_width(cp);
		p += k;
		len -= k;
	}
	return w;
}

void
out_pad(const char *s, size_t width)
{
	size_t w = out_width(s);

	fputs(s, stdout);
	while (w++ < width)
		putchar(' ');
}

/* "label      value", the labels in one column */
void
out_field(const char *label, const char *value)
{
	size_t w = out_width(label);

	out_pad(label, w + 2 > 18 ? w + 2 : 18);
	printf("%s\n", value != NULL ? value : "-");
}

/* ---- tables ---- */

struct table {
	size_t			 ncols;
	const char *const	*keys;		/* JSON member names */
	const char *const	*heads;		/* translated by the caller */
	unsigned char		*islist;	/* JSON arrays */
	struct strlist		*cells;		/* nrows * ncols */
	size_t			 nrows;
	size_t			 col;
};

struct table *
table_new(size_t ncols, const char *const *keys, const char *const *heads)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->keys = keys;
	t->heads = heads;
	t->islist = xcalloc(ncols, 1);
	return t;
}

void
table_set_list(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->islist[col] = 1;
}

void
table_row(struct table *t)
{
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof(*t->cells));
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols *
	    sizeof(*t->cells));
	t->nrows++;
	t->col = 0;
}

void
table_cell(struct table *t, const char *v)
{
	if (t->nrows == 0 || t->col >= t->ncols)
		return;
	if (v != NULL && *v != '\0')
		strlist_add(&t->cells[(t->nrows - 1) * t->ncols + t->col], v);
	t->col++;
}

void
table_cell_list(struct table *t, const struct strlist *l)
{
	size_t i;

	if (t->nrows == 0 || t->col >= t->ncols)
		return;
	for (i = 0; l != NULL && i < l->n; i++)
		strlist_add(&t->cells[(t->nrows - 1) * t->ncols + t->col],
		    l->v[i]);
	t->col++;
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

/*
 * The end of a listing command: the table as JSON, or printed, or the
 * line empty when it has no rows; then the table is freed.
 */
void
table_done(struct table *t, const char *empty)
{
	if (cli.json) {
		table_json(t);
		json_done();
	} else if (table_rows(t) == 0)
		printf("%s\n", empty);
	else
		table_print(t);
	table_free(t);
}

void
table_print(const struct table *t)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	char **text = xcalloc(t->nrows * t->ncols + 1, sizeof(*text));
	const char *sep = _(", ");
	size_t r, c, x;

	for (c = 0; c < t->ncols; c++)
		w[c] = out_width(t->heads[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			x = r * t->ncols + c;
			text[x] = t->cells[x].n ? strlist_join(&t->cells[x],
			    sep) : xstrdup("-");
			if (out_width(text[x]) > w[c])
				w[c] = out_width(text[x]);
		}
	for (c = 0; c < t->ncols; c++) {
		if (c + 1 < t->ncols)
			out_pad(t->heads[c], w[c] + 2);
		else
			fputs(t->heads[c], stdout);
	}
	putchar('\n');
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			x = r * t->ncols + c;
			if (c + 1 < t->ncols)
				out_pad(text[x], w[c] + 2);
			else
				fputs(text[x], stdout);
			free(text[x]);
		}
		putchar('\n');
	}
	free(text);
	free(w);
}

/* an array of objects, one per row, members named by the keys */
void
table_json(const struct table *t)
{
	const struct strlist *l;
	size_t r, c;

	json_arr();
	for (r = 0; r < t->nrows; r++) {
		json_obj();
		for (c = 0; c < t->ncols; c++) {
			l = &t->cells[r * t->ncols + c];
			if (t->islist[c])
				json_kv_list(t->keys[c], l);
			else
				json_kv(t->keys[c], l->n ? l->v[0] : NULL);
		}
		json_end_obj();
	}
	json_end_arr();
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		strlist_free(&t->cells[i]);
	free(t->cells);
	free(t->islist);
	free(t);
}

/* ---- JSON ---- */

#define JSON_DEPTH 32
static struct {
	struct buf	b;
	int		first[JSON_DEPTH];
	int		depth;
	int		after_key;
} js;

static void
json_sep(void)
{
	if (js.after_key) {
		js.after_key = 0;
		return;
	}
	if (js.depth > 0) {
		if (!js.first[js.depth - 1])
			buf_addc(&js.b, ',');
		js.first[js.depth - 1] = 0;
	}
}

static void
json_open(int c)
{
	json_sep();
	buf_addc(&js.b, c);
	if (js.depth < JSON_DEPTH)
		js.first[js.depth] = 1;
	js.depth++;
}

static void
json_close(int c)
{
	buf_addc(&js.b, c);
	if (js.depth > 0)
		js.depth--;
}

void json_obj(void) { json_open('{'); }
void json_end_obj(void) { json_close('}'); }
void json_arr(void) { json_open('['); }
void json_end_arr(void) { json_close(']'); }

static void
json_escape(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;
	long cp;

	buf_addc(&js.b, '"');
	while ((k = utf8_next(p, len, &cp)) > 0) {
		if (cp < 0)
			buf_addstr(&js.b, "\\ufffd");
		else if (cp == '"' || cp == '\\') {
			buf_addc(&js.b, '\\');
			buf_addc(&js.b, (int)cp);
		} else if (cp == '\n')
			buf_addstr(&js.b, "\\n");
		else if (cp == '\t')
			buf_addstr(&js.b, "\\t");
		else if (cp == '\r')
			buf_addstr(&js.b, "\\r");
		else if (cp < 0x20 || cp == 0x7f)
			buf_printf(&js.b, "\\u%04lx", cp);
		else
			buf_add(&js.b, p, k);
		p += k;
		len -= k;
	}
	buf_addc(&js.b, '"');
}

void
json_key(const char *k)
{
	json_sep();
	json_escape(k, strlen(k));
	buf_addc(&js.b, ':');
	js.after_key = 1;
}

void
json_strn(const char *s, size_t n)
{
	json_sep();
	json_escape(s, n);
}

void
json_str(const char *s)
{
	if (s == NULL)
		json_null();
	else
		json_strn(s, strlen(s));
}

void
json_int(long long v)
{
	json_sep();
	buf_printf(&js.b, "%lld", v);
}

void
json_bool(int v)
{
	json_sep();
	buf_addstr(&js.b, v ? "true" : "false");
}

void
json_null(void)
{
	json_sep();
	buf_addstr(&js.b, "null");
}

void
json_kv(const char *key, const char *value)
{
	json_key(key);
	json_str(value);
}

void
json_kv_list(const char *key, const struct strlist *l)
{
	size_t i;

	json_key(key);
	json_arr();
	for (i = 0; l != NULL && i < l->n; i++)
		json_str(l->v[i]);
	json_end_arr();
}

/* write the document and start a new one */
void
json_done(void)
{
	buf_addc(&js.b, '\n');
	fwrite(js.b.p, 1, js.b.len, stdout);
	buf_free(&js.b);
	memset(&js, 0, sizeof(js));
}
