/*
 * entry.c - entries in memory and their storage encoding.
 *
 * Encoding (host byte order; the database is not portable across
 * architectures, as with LMDB itself):
 *   u32 magic | u32 dnlen dn | u32 ndnlen ndn | u32 nattrs |
 *   (every string is followed by a NUL byte not counted in its length)
 *   per attribute: u8 flags | u32 desclen desc | u32 count |
 *     unless external: per value: u32 len bytes | u32 nlen [bytes]
 *   nlen == NSAME means the normalised value equals the value.
 * External (multival) attributes keep only their value count here; the
 * values live in the attribute's own LMDB table.
 */
#include <string.h>
#include <stdlib.h>

#include "dirsrv.h"

#define ENTRY_MAGIC	0x32304555u	/* "UE02" */
#define NSAME		0xffffffffu
#define AF_EXTERNAL	0x01

struct attr *
entry_find(const struct entry *e, const struct attrtype *at)
{
	size_t i;

	for (i = 0; i < e->na; i++)
		if (e->attrs[i].at == at &&
		    memchr(e->attrs[i].desc.bv_val, ';', e->attrs[i].desc.bv_len)
		    == NULL)
			return &e->attrs[i];
	return NULL;
}

struct attr *
entry_find_desc(const struct entry *e, const struct attrtype *at,
    const struct berval *desc)
{
	const char *o1, *o2;
	size_t i, l1, l2;

	o1 = memchr(desc->bv_val, ';', desc->bv_len);
	l1 = o1 ? desc->bv_len - (size_t)(o1 - desc->bv_val) : 0;
	for (i = 0; i < e->na; i++) {
		const struct berval *d = &e->attrs[i].desc;

		if (e->attrs[i].at != at)
			continue;
		o2 = memchr(d->bv_val, ';', d->bv_len);
		l2 = o2 ? d->bv_len - (size_t)(o2 - d->bv_val) : 0;
		if (l1 == l2 && (l1 == 0 || strncasecmp(o1, o2, l1) == 0))
			return &e->attrs[i];
	}
	return NULL;
}

struct attr *
entry_add_attr(struct arena *a, struct entry *e, struct attrtype *at,
    const struct berval *desc)
{
	struct attr *na;

	if (e->na == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		na = arena_calloc(a, cap, sizeof(*na));
		if (e->na)
			memcpy(na, e->attrs, e->na * sizeof(*na));
		e->attrs = na;
		e->cap = cap;
	}
	na = &e->attrs[e->na++];
	memset(na, 0, sizeof(*na));
	na->at = at;
	if (desc != NULL && desc->bv_len > 0) {
		na->desc.bv_val = arena_memdup(a, desc->bv_val, desc->bv_len);
		na->desc.bv_len = desc->bv_len;
	} else {
		na->desc.bv_len = strlen(at->name);
		na->desc.bv_val = arena_memdup(a, at->name, na->desc.bv_len);
	}
	return na;
}

/* has e the object class whose lower-case name is lname (as stored)? */
int
entry_has_class(const struct schema *s, const struct entry *e,
    const char *lname)
{
	struct attr *oc = entry_find(e, s->a_objectclass);
	size_t i, n = strlen(lname);

	for (i = 0; oc != NULL && i < oc->nv; i++)
		if (oc->nvals[i].bv_len == n &&
		    memcmp(oc->nvals[i].bv_val, lname, n) == 0)
			return 1;
	return 0;
}

int
attr_find_value(const struct attr *at, const struct berval *nv)
{
	size_t i;

	for (i = 0; i < at->nv; i++)
		if (at->nvals[i].bv_len == nv->bv_len &&
		    memcmp(at->nvals[i].bv_val, nv->bv_val, nv->bv_len) == 0)
			return (int)i;
	return -1;
}

static void
attr_grow(struct arena *a, struct attr *at)
{
	size_t cap;
	struct berval *v, *n;

	if (at->nv < at->cap)
		return;
	cap = at->cap ? at->cap * 2 : 4;
	v = arena_alloc(a, cap * sizeof(*v));
	n = arena_alloc(a, cap * sizeof(*n));
	if (at->nv) {
		memcpy(v, at->vals, at->nv * sizeof(*v));
		memcpy(n, at->nvals, at->nv * sizeof(*n));
	}
	at->vals = v;
	at->nvals = n;
	at->cap = cap;
}

/* append without a duplicate check (callers check in bulk) */
void
attr_append_value(struct arena *a, struct attr *at, const struct berval *v,
    const struct berval *nv)
{
	attr_grow(a, at);
	at->vals[at->nv] = *v;
	at->nvals[at->nv] = *nv;
	at->nv++;
}

int
attr_add_value(struct arena *a, struct attr *at, const struct berval *v,
    const struct berval *nv)
{
	if (attr_find_value(at, nv) >= 0)
		return 1;
	attr_append_value(a, at, v, nv);
	return 0;
}

static int
bvp_cmp(const void *x, const void *y)
{
	const struct berval *a = *(const struct berval *const *)x;
	const struct berval *b = *(const struct berval *const *)y;
	size_t n = a->bv_len < b->bv_len ? a->bv_len : b->bv_len;
	int c = n ? memcmp(a->bv_val, b->bv_val, n) : 0;

	return c ? c : (a->bv_len > b->bv_len) - (a->bv_len < b->bv_len);
}

/* index of a value that duplicates an earlier one, or -1 */
int
attr_find_duplicate(const struct attr *at)
{
	const struct berval **p;
	size_t i, j;
	int dup = -1;

	if (at->nv < 2)
		return -1;
	if (at->nv <= 16) {
		for (i = 1; i < at->nv; i++)
			for (j = 0; j < i; j++)
				if (bvp_cmp(&(const struct berval *){
				    &at->nvals[i] }, &(const struct berval *){
				    &at->nvals[j] }) == 0)
					return (int)i;
		return -1;
	}
	p = xcalloc(at->nv, sizeof(*p));
	for (i = 0; i < at->nv; i++)
		p[i] = &at->nvals[i];
	qsort(p, at->nv, sizeof(*p), bvp_cmp);
	for (i = 1; i < at->nv; i++)
		if (bvp_cmp(&p[i - 1], &p[i]) == 0) {
			dup = (int)(p[i] - at->nvals);
			break;
		}
	free(p);
	return dup;
}

void
attr_del_index(struct attr *at, size_t i)
{
	if (i >= at->nv)
		return;
	memmove(&at->vals[i], &at->vals[i + 1], (at->nv - i - 1) *
	    sizeof(*at->vals));
	memmove(&at->nvals[i], &at->nvals[i + 1], (at->nv - i - 1) *
	    sizeof(*at->nvals));
	at->nv--;
}

void
entry_del_attr(struct entry *e, struct attr *at)
{
	size_t i = (size_t)(at - e->attrs);

	if (i >= e->na)
		return;
	memmove(&e->attrs[i], &e->attrs[i + 1], (e->na - i - 1) *
	    sizeof(*e->attrs));
	e->na--;
}

int
value_normalize(struct arena *a, const struct attrtype *at,
    const struct berval *v, struct berval *nv)
{
	const struct mrule *mr = at_eq(at);
	const struct syntax *syn = at_syntax(at);

	if (syn != NULL && syn->validate != NULL && !syn->validate(v))
		return -1;
	if (mr == NULL || mr->norm == NULL) {
		*nv = *v;
		return 0;
	}
	if (mr->norm(a, v, nv) != 0)
		return -1;
	/* share storage when the normalised form is the same bytes */
	if (nv->bv_len == v->bv_len && memcmp(nv->bv_val, v->bv_val,
	    v->bv_len) == 0)
		*nv = *v;
	return 0;
}

static void
put32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

/* every string is stored NUL-terminated (not counted in its length) so
 * that decoded values can go to C-string APIs such as ldap_bv2dn */
static void
putbv(struct buf *b, const struct berval *v)
{
	put32(b, (uint32_t)v->bv_len);
	buf_add(b, v->bv_val, v->bv_len);
	buf_addc(b, '\0');
}

void
entry_encode(const struct entry *e, struct buf *b)
{
	size_t i, j;

	b->len = 0;
	put32(b, ENTRY_MAGIC);
	putbv(b, &e->dn);
	putbv(b, &e->ndn);
	put32(b, (uint32_t)e->na);
	for (i = 0; i < e->na; i++) {
		const struct attr *at = &e->attrs[i];

		buf_addc(b, at->external ? AF_EXTERNAL : 0);
		putbv(b, &at->desc);
		if (at->external) {
			put32(b, (uint32_t)at->ext_count);
			continue;
		}
		put32(b, (uint32_t)at->nv);
		for (j = 0; j < at->nv; j++) {
			putbv(b, &at->vals[j]);
			if (at->nvals[j].bv_val == at->vals[j].bv_val &&
			    at->nvals[j].bv_len == at->vals[j].bv_len)
				put32(b, NSAME);
			else
				putbv(b, &at->nvals[j]);
		}
	}
}

struct rd {
	const unsigned char	*p;
	size_t			 left;
};

static int
get32(struct rd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	memcpy(v, r->p, 4);
	r->p += 4;
	r->left -= 4;
	return 0;
}

static int
getbv(struct rd *r, struct berval *v)
{
	uint32_t l;

	if (get32(r, &l) != 0 || l >= r->left || r->p[l] != '\0')
		return -1;
	v->bv_val = (char *)(uintptr_t)r->p;
	v->bv_len = l;
	r->p += l + 1;
	r->left -= l + 1;
	return 0;
}

int
entry_decode(struct arena *a, const struct schema *s, const void *data,
    size_t len, struct entry *e)
{
	struct rd r = { data, len };
	uint32_t magic, na, cnt, j, nl;
	struct berval desc;
	struct attr *at;
	struct attrtype *t;
	const char *semi;
	size_t i;

	memset(&e->dn, 0, sizeof(*e) - offsetof(struct entry, dn));
	if (get32(&r, &magic) != 0 || magic != ENTRY_MAGIC ||
	    getbv(&r, &e->dn) != 0 || getbv(&r, &e->ndn) != 0 ||
	    get32(&r, &na) != 0 || na > r.left)
		return -1;
	e->attrs = arena_calloc(a, na ? na : 1, sizeof(*e->attrs));
	e->cap = na ? na : 1;
	for (i = 0; i < na; i++) {
		if (r.left < 1)
			return -1;
		at = &e->attrs[e->na];
		memset(at, 0, sizeof(*at));
		at->external = (*r.p & AF_EXTERNAL) != 0;
		r.p++, r.left--;
		if (getbv(&r, &desc) != 0 || get32(&r, &cnt) != 0)
			return -1;
		semi = memchr(desc.bv_val, ';', desc.bv_len);
		t = schema_at(s, desc.bv_val, semi ? (size_t)(semi -
		    desc.bv_val) : desc.bv_len);
		at->desc = desc;
		if (at->external) {
			at->ext_count = cnt;
		} else {
			if (cnt > r.left / 8)
				return -1;
			at->vals = arena_alloc(a, (cnt ? cnt : 1) *
			    sizeof(*at->vals));
			at->nvals = arena_alloc(a, (cnt ? cnt : 1) *
			    sizeof(*at->nvals));
			at->cap = cnt;
			for (j = 0; j < cnt; j++) {
				if (getbv(&r, &at->vals[j]) != 0 ||
				    get32(&r, &nl) != 0)
					return -1;
				if (nl == NSAME) {
					at->nvals[j] = at->vals[j];
				} else {
					if (nl >= r.left || r.p[nl] != '\0')
						return -1;
					at->nvals[j].bv_val =
					    (char *)(uintptr_t)r.p;
					at->nvals[j].bv_len = nl;
					r.p += nl + 1;
					r.left -= nl + 1;
				}
			}
			at->nv = cnt;
		}
		/* a type that left the schema: keep nothing of it visible */
		if (t == NULL)
			continue;
		at->at = t;
		e->na++;
	}
	return r.left == 0 ? 0 : -1;
}

struct entry *
entry_dup(struct arena *a, const struct entry *src)
{
	struct entry *e = arena_calloc(a, 1, sizeof(*e));
	size_t i, j;

	e->id = src->id;
	e->dn.bv_val = arena_memdup(a, src->dn.bv_val, src->dn.bv_len);
	e->dn.bv_len = src->dn.bv_len;
	e->ndn.bv_val = arena_memdup(a, src->ndn.bv_val, src->ndn.bv_len);
	e->ndn.bv_len = src->ndn.bv_len;
	e->cap = src->na + 8;
	e->attrs = arena_calloc(a, e->cap, sizeof(*e->attrs));
	e->na = src->na;
	for (i = 0; i < src->na; i++) {
		const struct attr *sa = &src->attrs[i];
		struct attr *da = &e->attrs[i];

		*da = *sa;
		da->desc.bv_val = arena_memdup(a, sa->desc.bv_val,
		    sa->desc.bv_len);
		da->cap = sa->nv;
		da->vals = arena_alloc(a, (sa->nv ? sa->nv : 1) *
		    sizeof(*da->vals));
		da->nvals = arena_alloc(a, (sa->nv ? sa->nv : 1) *
		    sizeof(*da->nvals));
		for (j = 0; j < sa->nv; j++) {
			da->vals[j].bv_len = sa->vals[j].bv_len;
			da->vals[j].bv_val = arena_memdup(a, sa->vals[j].bv_val,
			    sa->vals[j].bv_len);
			if (sa->nvals[j].bv_val == sa->vals[j].bv_val)
				da->nvals[j] = da->vals[j];
			else {
				da->nvals[j].bv_len = sa->nvals[j].bv_len;
				da->nvals[j].bv_val = arena_memdup(a,
				    sa->nvals[j].bv_val, sa->nvals[j].bv_len);
			}
		}
	}
	return e;
}
