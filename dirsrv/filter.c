/*
 * filter.c - search filters (RFC 4511 section 4.5.1): decoding from BER
 * with liblber, and evaluation against an entry with the three-valued
 * logic of RFC 4511 4.5.1.7 (an unknown attribute type or an assertion
 * its matching rule cannot read gives Undefined, not an error, because
 * SSSD and nslcd send filters on attributes this directory does not know).
 */
#include <string.h>
#include <strings.h>

#include "dirsrv.h"

/* libldap exports this (ldap_pvt.h is not installed) */
int ldap_pvt_put_filter(BerElement *, const char *);

#define FILTER_DEPTH_MAX	64
#define FILTER_NODES_MAX	4096

#define LDAP_FILTER_TRUE_TAG	0xa0	/* (&) */

struct fdec {
	const struct schema	*s;
	struct arena		*a;
	BerElement		*ber;
	int			 nodes;
};

static int decode(struct fdec *, int depth, struct filter **);

static struct attrtype *
desc_type(const struct schema *s, const struct berval *desc)
{
	const char *semi = memchr(desc->bv_val, ';', desc->bv_len);

	return schema_at(s, desc->bv_val, semi ? (size_t)(semi -
	    desc->bv_val) : desc->bv_len);
}

static int
norm_assertion(struct arena *a, const struct mrule *mr,
    const struct berval *in, struct berval *out)
{
	if (mr == NULL)
		return -1;
	if (mr->norm == NULL) {
		out->bv_val = arena_memdup(a, in->bv_val, in->bv_len);
		out->bv_len = in->bv_len;
		return 0;
	}
	return mr->norm(a, in, out);
}

static int
decode_list(struct fdec *d, int depth, struct filter *f)
{
	struct filter **tail = &f->child, *c;
	ber_len_t len;
	ber_tag_t tag;
	char *last;
	int rc;

	for (tag = ber_first_element(d->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(d->ber, &len, last)) {
		if ((rc = decode(d, depth + 1, &c)) != LDAP_SUCCESS)
			return rc;
		*tail = c;
		tail = &c->next;
	}
	return LDAP_SUCCESS;
}

static int
decode_substrings(struct fdec *d, struct filter *f)
{
	const struct mrule *mr = NULL;
	struct berval piece, np;
	ber_len_t len;
	ber_tag_t tag;
	char *last;
	size_t cap = 0;
	int undefined = f->at == NULL || (mr = at_sub(f->at)) == NULL;
	int seen = 0;

	if (ber_scanf(d->ber, "{m" /*}*/, &f->desc) == LBER_ERROR)
		return LDAP_PROTOCOL_ERROR;
	f->at = desc_type(d->s, &f->desc);
	undefined = f->at == NULL || (mr = at_sub(f->at)) == NULL;
	if (ber_peek_tag(d->ber, &len) != LBER_SEQUENCE)
		return LDAP_PROTOCOL_ERROR;
	for (tag = ber_first_element(d->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(d->ber, &len, last)) {
		if (ber_scanf(d->ber, "m", &piece) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		seen++;
		if (undefined)
			continue;
		if (norm_assertion(d->a, mr, &piece, &np) != 0) {
			undefined = 1;
			continue;
		}
		switch (tag) {
		case LDAP_SUBSTRING_INITIAL:
			if (f->initial.bv_val != NULL || f->nany || f->final.bv_val)
				return LDAP_PROTOCOL_ERROR;
			f->initial = np;
			break;
		case LDAP_SUBSTRING_ANY:
			if (f->final.bv_val != NULL)
				return LDAP_PROTOCOL_ERROR;
			if (f->nany == cap) {
				struct berval *n;
				cap = cap ? cap * 2 : 4;
				n = arena_alloc(d->a, cap * sizeof(*n));
				if (f->nany)
					memcpy(n, f->any, f->nany * sizeof(*n));
				f->any = n;
			}
			f->any[f->nany++] = np;
			break;
		case LDAP_SUBSTRING_FINAL:
			if (f->final.bv_val != NULL)
				return LDAP_PROTOCOL_ERROR;
			f->final = np;
			break;
		default:
			return LDAP_PROTOCOL_ERROR;
		}
	}
	if (seen == 0)
		return LDAP_PROTOCOL_ERROR;
	if (ber_scanf(d->ber, /*{*/ "}") == LBER_ERROR)
		return LDAP_PROTOCOL_ERROR;
	if (undefined)
		f->type = F_UNDEFINED;
	return LDAP_SUCCESS;
}

static int
decode_ext(struct fdec *d, struct filter *f)
{
	struct berval rule = { 0, NULL }, type = { 0, NULL }, val;
	ber_int_t dnattrs = 0;
	ber_len_t len;
	ber_tag_t tag;

	if (ber_scanf(d->ber, "{" /*}*/) == LBER_ERROR)
		return LDAP_PROTOCOL_ERROR;
	tag = ber_peek_tag(d->ber, &len);
	if (tag == LDAP_FILTER_EXT_OID) {
		if (ber_scanf(d->ber, "m", &rule) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		tag = ber_peek_tag(d->ber, &len);
	}
	if (tag == LDAP_FILTER_EXT_TYPE) {
		if (ber_scanf(d->ber, "m", &type) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		tag = ber_peek_tag(d->ber, &len);
	}
	if (tag != LDAP_FILTER_EXT_VALUE ||
	    ber_scanf(d->ber, "m", &val) == LBER_ERROR)
		return LDAP_PROTOCOL_ERROR;
	tag = ber_peek_tag(d->ber, &len);
	if (tag == LDAP_FILTER_EXT_DNATTRS) {
		if (ber_scanf(d->ber, "b", &dnattrs) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
	}
	if (ber_scanf(d->ber, /*{*/ "}") == LBER_ERROR)
		return LDAP_PROTOCOL_ERROR;
	if (rule.bv_val == NULL && type.bv_val == NULL)
		return LDAP_PROTOCOL_ERROR;	/* RFC 4511 4.5.1.7.7 */
	f->desc = type;
	f->raw = val;
	f->dnattrs = dnattrs != 0;
	if (type.bv_val != NULL)
		f->at = desc_type(d->s, &type);
	if (rule.bv_val != NULL) {
		f->rule = mrule_find(arena_strndup(d->a, rule.bv_val,
		    rule.bv_len));
		if (f->rule == NULL) {
			f->type = F_UNDEFINED;
			return LDAP_SUCCESS;
		}
	} else if (f->at == NULL || (f->rule = at_eq(f->at)) == NULL) {
		f->type = F_UNDEFINED;
		return LDAP_SUCCESS;
	}
	if (type.bv_val != NULL && f->at == NULL) {
		f->type = F_UNDEFINED;
		return LDAP_SUCCESS;
	}
	if (norm_assertion(d->a, f->rule, &val, &f->value) != 0)
		f->type = F_UNDEFINED;
	return LDAP_SUCCESS;
}

static int
decode(struct fdec *d, int depth, struct filter **out)
{
	struct filter *f;
	ber_len_t len;
	ber_tag_t tag;
	const struct mrule *mr = NULL;

	if (depth > FILTER_DEPTH_MAX || ++d->nodes > FILTER_NODES_MAX)
		return LDAP_ADMINLIMIT_EXCEEDED;
	f = arena_calloc(d->a, 1, sizeof(*f));
	*out = f;
	tag = ber_peek_tag(d->ber, &len);
	switch (tag) {
	case LDAP_FILTER_AND:
	case LDAP_FILTER_OR:
		f->type = tag == LDAP_FILTER_AND ? F_AND : F_OR;
		if (len == 0) {
			/* (&) is absolute true, (|) absolute false (RFC 4526) */
			if (ber_skip_tag(d->ber, &len) == LBER_DEFAULT)
				return LDAP_PROTOCOL_ERROR;
			f->type = tag == LDAP_FILTER_AND ? F_TRUE : F_FALSE;
			return LDAP_SUCCESS;
		}
		return decode_list(d, depth, f);
	case LDAP_FILTER_NOT:
		f->type = F_NOT;
		if (ber_skip_tag(d->ber, &len) == LBER_DEFAULT)
			return LDAP_PROTOCOL_ERROR;
		return decode(d, depth + 1, &f->child);
	case LDAP_FILTER_EQUALITY:
	case LDAP_FILTER_GE:
	case LDAP_FILTER_LE:
	case LDAP_FILTER_APPROX:
		if (ber_scanf(d->ber, "{mm}", &f->desc, &f->raw) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		f->type = tag == LDAP_FILTER_EQUALITY ? F_EQ :
		    tag == LDAP_FILTER_GE ? F_GE : tag == LDAP_FILTER_LE ? F_LE :
		    F_APPROX;
		f->at = desc_type(d->s, &f->desc);
		if (f->at != NULL)
			mr = f->type == F_GE || f->type == F_LE ? at_ord(f->at) :
			    at_eq(f->at);
		if (f->at == NULL || norm_assertion(d->a, mr, &f->raw,
		    &f->value) != 0)
			f->type = F_UNDEFINED;
		f->rule = mr;
		return LDAP_SUCCESS;
	case LDAP_FILTER_SUBSTRINGS:
		f->type = F_SUB;
		return decode_substrings(d, f);
	case LDAP_FILTER_PRESENT:
		if (ber_scanf(d->ber, "m", &f->desc) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		f->type = F_PRESENT;
		f->at = desc_type(d->s, &f->desc);
		if (f->at == NULL)
			f->type = F_UNDEFINED;
		return LDAP_SUCCESS;
	case LDAP_FILTER_EXT:
		f->type = F_EXT;
		return decode_ext(d, f);
	default:
		return LDAP_PROTOCOL_ERROR;
	}
}

int
filter_decode(const struct schema *s, struct arena *a, BerElement *ber,
    struct filter **out)
{
	struct fdec d = { s, a, ber, 0 };

	return decode(&d, 0, out);
}

int
filter_from_string(const struct schema *s, struct arena *a, const char *str,
    struct filter **out)
{
	BerElement *ber;
	struct berval bv;
	BerElement *rd;
	int rc;

	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return LDAP_OTHER;
	if (ldap_pvt_put_filter(ber, str) == -1 ||
	    ber_flatten2(ber, &bv, 0) == -1) {
		ber_free(ber, 1);
		return LDAP_FILTER_ERROR;
	}
	/* decode from an arena copy, in place: the filter's strings point
	 * into it and must live as long as the arena (ber_init would copy
	 * into a buffer freed with the BerElement) */
	bv.bv_val = arena_memdup(a, bv.bv_val, bv.bv_len);
	ber_free(ber, 1);
	if ((rd = ber_alloc_t(0)) == NULL)
		return LDAP_OTHER;
	ber_init2(rd, &bv, LBER_USE_DER);
	rc = filter_decode(s, a, rd, out);
	ber_free(rd, 0);
	return rc;
}

/* ---- evaluation ---- */

/* do the options of desc (after ';') match the filter's? */
static int
options_match(const struct berval *fdesc, const struct berval *adesc)
{
	const char *fo = memchr(fdesc->bv_val, ';', fdesc->bv_len);
	const char *ao;
	size_t fl, al;

	if (fo == NULL)
		return 1;	/* no options in the filter: any variant */
	ao = memchr(adesc->bv_val, ';', adesc->bv_len);
	if (ao == NULL)
		return 0;
	fl = fdesc->bv_len - (size_t)(fo - fdesc->bv_val);
	al = adesc->bv_len - (size_t)(ao - adesc->bv_val);
	return fl == al && strncasecmp(fo, ao, fl) == 0;
}

static int
substr_match(const struct filter *f, const struct berval *v)
{
	const char *p = v->bv_val, *end = v->bv_val + v->bv_len, *hit;
	size_t i;

	if (f->initial.bv_val != NULL) {
		if (f->initial.bv_len > v->bv_len ||
		    memcmp(p, f->initial.bv_val, f->initial.bv_len) != 0)
			return 0;
		p += f->initial.bv_len;
	}
	if (f->final.bv_val != NULL) {
		if (f->final.bv_len > (size_t)(end - p) ||
		    memcmp(end - f->final.bv_len, f->final.bv_val,
		    f->final.bv_len) != 0)
			return 0;
		end -= f->final.bv_len;
	}
	for (i = 0; i < f->nany; i++) {
		if (f->any[i].bv_len == 0)
			continue;
		hit = memmem(p, (size_t)(end - p), f->any[i].bv_val,
		    f->any[i].bv_len);
		if (hit == NULL)
			return 0;
		p = hit + f->any[i].bv_len;
	}
	return 1;
}

/* value v of type at normalised by mr (reusing nv when the same rule) */
static int
renorm(struct arena *a, const struct attrtype *at, const struct mrule *mr,
    const struct berval *v, const struct berval *nv, struct berval *out)
{
	const struct mrule *eq = at_eq(at);

	if (mr == NULL)
		return -1;
	if (eq != NULL && eq->norm == mr->norm) {
		*out = *nv;
		return 0;
	}
	if (mr->norm == NULL) {
		*out = *v;
		return 0;
	}
	return mr->norm(a, v, out);
}

struct fctx {
	struct store		*st;
	MDB_txn			*txn;
	struct arena		*a;
	const struct entry	*e;
	struct op		*op;	/* access checks for this requester */
};

static int
match_values(struct fctx *c, const struct filter *f, struct attr *at)
{
	struct berval nv;
	size_t i;
	int r = FR_FALSE, cmp;

	if (at->external && f->type == F_EQ && at->at == f->at)
		return store_mv_has(c->st, c->txn, c->e->id, at->at, &f->value) ?
		    FR_TRUE : FR_FALSE;
	if (at->external && store_load_external(c->st, c->txn, c->a, c->e,
	    at) != 0)
		return FR_UNDEF;
	for (i = 0; i < at->nv; i++) {
		switch (f->type) {
		case F_EQ:
		case F_APPROX:
			if (renorm(c->a, at->at, f->rule, &at->vals[i],
			    &at->nvals[i], &nv) != 0) {
				r = FR_UNDEF;
				continue;
			}
			if (nv.bv_len == f->value.bv_len &&
			    memcmp(nv.bv_val, f->value.bv_val, nv.bv_len) == 0)
				return FR_TRUE;
			break;
		case F_GE:
		case F_LE:
			if (renorm(c->a, at->at, f->rule, &at->vals[i],
			    &at->nvals[i], &nv) != 0) {
				r = FR_UNDEF;
				continue;
			}
			cmp = mrule_compare(f->rule, &nv, &f->value);
			if ((f->type == F_GE && cmp >= 0) ||
			    (f->type == F_LE && cmp <= 0))
				return FR_TRUE;
			break;
		case F_SUB:
			if (renorm(c->a, at->at, at_sub(f->at), &at->vals[i],
			    &at->nvals[i], &nv) != 0) {
				r = FR_UNDEF;
				continue;
			}
			if (substr_match(f, &nv))
				return FR_TRUE;
			break;
		case F_EXT:
			if (renorm(c->a, at->at, f->rule, &at->vals[i],
			    &at->nvals[i], &nv) != 0)
				continue;
			if (nv.bv_len == f->value.bv_len &&
			    memcmp(nv.bv_val, f->value.bv_val, nv.bv_len) == 0)
				return FR_TRUE;
			break;
		default:
			return FR_UNDEF;
		}
	}
	return r;
}

static int
match_ext_dn(struct fctx *c, const struct filter *f)
{
	LDAPDN dn = NULL;
	struct berval tmp = c->e->dn, nv;
	size_t r, k;
	int res = FR_FALSE;

	if (ldap_bv2dn(&tmp, &dn, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
		return FR_UNDEF;
	for (r = 0; dn != NULL && dn[r] != NULL && res != FR_TRUE; r++)
		for (k = 0; dn[r][k] != NULL; k++) {
			LDAPAVA *ava = dn[r][k];
			struct attrtype *at = schema_at(c->st->schema,
			    ava->la_attr.bv_val, ava->la_attr.bv_len);

			if (at == NULL || (f->at != NULL && !at_is_a(at, f->at)))
				continue;
			if (f->rule->norm == NULL)
				nv = ava->la_value;
			else if (f->rule->norm(c->a, &ava->la_value, &nv) != 0)
				continue;
			if (nv.bv_len == f->value.bv_len &&
			    memcmp(nv.bv_val, f->value.bv_val, nv.bv_len) == 0) {
				res = FR_TRUE;
				break;
			}
		}
	if (dn)
		ldap_dnfree(dn);
	return res;
}

static int
eval(struct fctx *c, const struct filter *f)
{
	const struct filter *ch;
	size_t i;
	int r, res;

	/* an attribute the requester may not read is as good as unknown,
	 * so a filter cannot probe hidden values */
	if (c->op != NULL && f->at != NULL && f->type != F_AND &&
	    f->type != F_OR && f->type != F_NOT &&
	    !acl_can(c->op, c->txn, c->e, f->at, ACL_READ))
		return FR_UNDEF;
	/* hasSubordinates is computed, not stored (RFC 3045) */
	if (f->at != NULL && c->st->schema != NULL &&
	    f->at == c->st->schema->a_hassubordinates &&
	    (f->type == F_EQ || f->type == F_PRESENT)) {
		int has = c->e->id != 0 && c->txn != NULL &&
		    store_has_children(c->st, c->txn, c->e->id);

		if (f->type == F_PRESENT)
			return FR_TRUE;
		return (f->value.bv_len == 4 && memcmp(f->value.bv_val, "TRUE",
		    4) == 0) == has ? FR_TRUE : FR_FALSE;
	}
	switch (f->type) {
	case F_TRUE:
		return FR_TRUE;
	case F_FALSE:
		return FR_FALSE;
	case F_UNDEFINED:
		return FR_UNDEF;
	case F_AND:
		res = FR_TRUE;
		for (ch = f->child; ch != NULL; ch = ch->next) {
			r = eval(c, ch);
			if (r == FR_FALSE)
				return FR_FALSE;
			if (r == FR_UNDEF)
				res = FR_UNDEF;
		}
		return res;
	case F_OR:
		res = FR_FALSE;
		for (ch = f->child; ch != NULL; ch = ch->next) {
			r = eval(c, ch);
			if (r == FR_TRUE)
				return FR_TRUE;
			if (r == FR_UNDEF)
				res = FR_UNDEF;
		}
		return res;
	case F_NOT:
		r = eval(c, f->child);
		return r == FR_UNDEF ? FR_UNDEF : !r;
	case F_PRESENT:
		if (f->at == c->st->schema->a_objectclass)
			return FR_TRUE;
		for (i = 0; i < c->e->na; i++)
			if (at_is_a(c->e->attrs[i].at, f->at) &&
			    options_match(&f->desc, &c->e->attrs[i].desc))
				return FR_TRUE;
		return FR_FALSE;
	case F_EXT:
		res = FR_FALSE;
		if (f->dnattrs && (r = match_ext_dn(c, f)) == FR_TRUE)
			return FR_TRUE;
		/* fall through */
	default:
		res = FR_FALSE;
		for (i = 0; i < c->e->na; i++) {
			struct attr *at = &c->e->attrs[i];

			if (f->at != NULL && (!at_is_a(at->at, f->at) ||
			    !options_match(&f->desc, &at->desc)))
				continue;
			r = match_values(c, f, at);
			if (r == FR_TRUE)
				return FR_TRUE;
			if (r == FR_UNDEF)
				res = FR_UNDEF;
		}
		return res;
	}
}

int
filter_match(struct store *st, MDB_txn *txn, struct arena *a,
    const struct filter *f, const struct entry *e)
{
	struct fctx c = { st, txn, a, e, NULL };

	return eval(&c, f);
}

int
filter_match_acl(struct op *op, MDB_txn *txn, struct arena *a,
    const struct filter *f, const struct entry *e)
{
	struct fctx c = { &srv->store, txn, a, e, op->isroot ? NULL : op };

	return eval(&c, f);
}

static void
put_escaped(struct buf *b, const struct berval *v)
{
	size_t i;

	for (i = 0; i < v->bv_len; i++) {
		unsigned char ch = (unsigned char)v->bv_val[i];

		if (ch == '*' || ch == '(' || ch == ')' || ch == '\\' || ch < 0x20)
			buf_printf(b, "\\%02x", ch);
		else
			buf_addc(b, ch);
	}
}

void
filter_to_string(const struct filter *f, struct buf *b)
{
	const struct filter *c;
	size_t i;
	static const char *ops[] = { [F_EQ] = "=", [F_GE] = ">=",
	    [F_LE] = "<=", [F_APPROX] = "~=" };

	switch (f->type) {
	case F_AND:
	case F_OR:
		buf_addstr(b, f->type == F_AND ? "(&" : "(|");
		for (c = f->child; c != NULL; c = c->next)
			filter_to_string(c, b);
		buf_addc(b, ')');
		break;
	case F_NOT:
		buf_addstr(b, "(!");
		filter_to_string(f->child, b);
		buf_addc(b, ')');
		break;
	case F_TRUE:
		buf_addstr(b, "(&)");
		break;
	case F_FALSE:
		buf_addstr(b, "(|)");
		break;
	case F_UNDEFINED:
		buf_addstr(b, "(?=undefined)");
		break;
	case F_PRESENT:
		buf_printf(b, "(%.*s=*)", (int)f->desc.bv_len, f->desc.bv_val);
		break;
	case F_SUB:
		buf_printf(b, "(%.*s=", (int)f->desc.bv_len, f->desc.bv_val);
		if (f->initial.bv_val)
			put_escaped(b, &f->initial);
		buf_addc(b, '*');
		for (i = 0; i < f->nany; i++) {
			put_escaped(b, &f->any[i]);
			buf_addc(b, '*');
		}
		if (f->final.bv_val)
			put_escaped(b, &f->final);
		buf_addc(b, ')');
		break;
	case F_EXT:
		buf_printf(b, "(%.*s%s:%s:=", (int)f->desc.bv_len,
		    f->desc.bv_val ? f->desc.bv_val : "",
		    f->dnattrs ? ":dn" : "", f->rule ? f->rule->name : "");
		put_escaped(b, &f->value);
		buf_addc(b, ')');
		break;
	default:
		buf_printf(b, "(%.*s%s", (int)f->desc.bv_len, f->desc.bv_val,
		    ops[f->type]);
		put_escaped(b, &f->value);
		buf_addc(b, ')');
		break;
	}
}
