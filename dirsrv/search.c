/*
 * search.c - the Search operation (RFC 4511 4.5) with the paged results
 * control (RFC 2696).
 *
 * Candidates come from the indexes when the filter allows it, otherwise
 * from the scope (a dn2id key range for a subtree, the children table for
 * one level); every candidate is checked against the full filter.  Ids
 * are visited in ascending order, which makes a paged-results cookie just
 * "the last id sent".
 */
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "dirsrv.h"

struct sreq {
	struct berval	 base, nbase;
	ber_int_t	 scope, deref, slimit, tlimit, typesonly;
	struct filter	*filter;
	struct berval	*attrs;
	size_t		 nattrs;
	int		 all_user, all_oper, none;
};

/* candidates left after which an AND reads no further indexes */
#define AND_ENOUGH	32

/* an AND conjunct worth reading first: equality on a value that few
 * entries share (objectClass values are shared by thousands) */
static int
and_selective(const struct filter *f)
{
	return (f->type == F_EQ || f->type == F_APPROX) && f->at != NULL &&
	    f->at != srv->schema->a_objectclass;
}

/* candidate ids for f, or all = 1 when the indexes cannot narrow it */
static int
candidates(struct op *op, MDB_txn *txn, const struct filter *f,
    struct idl *out)
{
	struct store *st = &srv->store;
	const struct filter *c;
	struct idl tmp = { 0 };
	int rc, pass;

	out->all = 1;
	out->n = 0;
	switch (f->type) {
	case F_EQ:
	case F_APPROX:
		if (f->at == NULL || !f->at->idx_eq || f->rule != at_eq(f->at))
			return 0;
		/* a subtype may carry the value: only exact types qualify */
		rc = index_eq(st, txn, f->at, &f->value, out);
		return rc < 0 ? (out->all = 1, 0) : rc;
	case F_PRESENT:
		if (f->at == NULL || !f->at->idx_eq)
			return 0;
		if (f->at == srv->schema->a_objectclass)
			return 0;
		rc = index_present(st, txn, f->at, out);
		return rc < 0 ? (out->all = 1, 0) : rc;
	case F_SUB:
		rc = index_substr(st, txn, &op->arena, f, out);
		return rc < 0 ? (out->all = 1, 0) : rc;
	case F_FALSE:
	case F_UNDEFINED:
		out->all = 0;
		return 0;
	case F_AND:
		/*
		 * Every candidate is tested against the whole filter later,
		 * so the conjuncts only need to narrow the set: the likely
		 * selective ones (equality on anything but objectClass) go
		 * first, and once few candidates are left the rest are not
		 * read at all.  (&(objectClass=posixAccount)(uid=X)), what
		 * nslcd and SSSD send, must not read the 100 000 ids of
		 * objectClass=posixAccount to keep one.)
		 */
		for (pass = 0; pass < 2; pass++)
			for (c = f->child; c != NULL; c = c->next) {
				if (and_selective(c) != (pass == 0))
					continue;
				if (!out->all && out->n <= AND_ENOUGH)
					goto and_done;
				if ((rc = candidates(op, txn, c, &tmp)) != 0)
					goto fail;
				if (tmp.all)
					continue;
				idl_intersect(out, &tmp);
				if (out->n == 0)
					goto and_done;
			}
and_done:
		idl_free(&tmp);
		return 0;
	case F_OR:
		out->all = 0;
		for (c = f->child; c != NULL; c = c->next) {
			if ((rc = candidates(op, txn, c, &tmp)) != 0)
				goto fail;
			idl_union(out, &tmp);
			if (out->all)
				break;
		}
		idl_free(&tmp);
		return 0;
	default:
		return 0;
	}
fail:
	idl_free(&tmp);
	return rc;
}

static int
attr_selected(const struct sreq *r, const struct attrtype *at)
{
	size_t i;
	int oper = at->usage != AT_USER;

	if (at == srv->schema->a_userpassword)
		return 0;	/* never returned (architecture principle 6) */
	if (r->none)
		return 0;
	if (!oper && r->all_user)
		return 1;
	if (oper && r->all_oper)
		return 1;
	for (i = 0; i < r->nattrs; i++) {
		struct attrtype *want = schema_at(srv->schema, r->attrs[i].bv_val,
		    r->attrs[i].bv_len);
		if (want != NULL && at_is_a(at, want))
			return 1;
	}
	return 0;
}

static int
put_attr(BerElement *ber, const struct berval *desc, const struct berval *v,
    size_t n, int typesonly)
{
	size_t i;

	if (ber_printf(ber, "{O[" /*]}*/, desc) == -1)
		return -1;
	if (!typesonly)
		for (i = 0; i < n; i++)
			if (ber_printf(ber, "O", &v[i]) == -1)
				return -1;
	return ber_printf(ber, /*{[*/ "]N}");
}

static int
put_computed(struct op *op, MDB_txn *txn, const struct entry *e,
    BerElement *ber, const struct sreq *r, struct attrtype *at,
    const char *val)
{
	struct berval desc, v;

	if (!attr_selected(r, at) || !acl_can(op, txn, e, at, ACL_READ))
		return 0;
	desc.bv_val = (char *)(uintptr_t)at->name;
	desc.bv_len = strlen(at->name);
	v.bv_val = (char *)(uintptr_t)val;
	v.bv_len = strlen(val);
	return put_attr(ber, &desc, &v, 1, r->typesonly);
}

/* encode and send one SearchResultEntry */
static int
send_entry(struct op *op, MDB_txn *txn, struct arena *a,
    const struct sreq *r, const struct entry *e, int special)
{
	const struct schema *s = srv->schema;
	BerElement *ber;
	struct berval bv;
	size_t i;
	int rc;

	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return -1;
	rc = ber_printf(ber, "{it{O{" /*}}}*/, op->msgid,
	    (ber_tag_t)LDAP_RES_SEARCH_ENTRY, &e->dn);
	for (i = 0; rc != -1 && i < e->na; i++) {
		struct attr *at = &e->attrs[i];

		if (!attr_selected(r, at->at) || (!special &&
		    !acl_can(op, txn, e, at->at, ACL_READ)))
			continue;
		if (at->external && !r->typesonly &&
		    store_load_external(&srv->store, txn, a, e, at) != 0)
			continue;
		if (at->external ? at->ext_count == 0 : at->nv == 0)
			continue;
		rc = put_attr(ber, &at->desc, at->vals, at->nv, r->typesonly);
	}
	if (rc != -1 && !special) {
		rc = put_computed(op, txn, e, ber, r, s->a_hassubordinates,
		    store_has_children(&srv->store, txn, e->id) ? "TRUE" :
		    "FALSE");
		if (rc != -1)
			rc = put_computed(op, txn, e, ber, r,
			    s->a_subschemasubentry,
			    "cn=Subschema");
		if (rc != -1 && attr_selected(r, s->a_entrydn)) {
			struct berval desc = { strlen(s->a_entrydn->name),
			    (char *)(uintptr_t)s->a_entrydn->name };
			rc = put_attr(ber, &desc, &e->dn, 1, r->typesonly);
		}
	}
	if (rc != -1)
		rc = ber_printf(ber, /*{{{*/ "}N}N}");
	if (rc != -1 && ber_flatten2(ber, &bv, 0) == 0)
		conn_send(op->conn, bv.bv_val, bv.bv_len);
	ber_free(ber, 1);
	return rc == -1 ? -1 : 0;
}

static int
in_scope(const struct sreq *r, uint64_t baseid, const struct entry *e)
{
	struct berval parent;

	switch (r->scope) {
	case LDAP_SCOPE_BASE:
		return e->id == baseid;
	case LDAP_SCOPE_ONELEVEL:
		dn_parent(&e->ndn, &parent);
		return parent.bv_len == r->nbase.bv_len &&
		    memcmp(parent.bv_val, r->nbase.bv_val, parent.bv_len) == 0 &&
		    e->id != baseid;
	default:
		return dn_is_suffix(&e->ndn, &r->nbase);
	}
}

/* paged results: cookie = last id (8 bytes) + digest of the request */
static void
paged_tag(const struct sreq *r, struct op *op, unsigned char out[8])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	struct buf b = { 0 };

	filter_to_string(r->filter, &b);
	buf_printf(&b, "|%d|", (int)r->scope);
	buf_add(&b, r->nbase.bv_val, r->nbase.bv_len);
	buf_addc(&b, '|');
	buf_add(&b, op->bindndn.bv_val, op->bindndn.bv_len);
	SHA256(b.p, b.len, md);
	memcpy(out, md, 8);
	buf_free(&b);
}

static void
paged_response(struct op *op, struct result_extra *x, uint64_t lastid,
    const unsigned char tag[8])
{
	BerElement *ber;
	struct berval cookie, *val;
	unsigned char ck[16];

	cookie.bv_len = 0;
	cookie.bv_val = (char *)ck;
	if (lastid != 0) {
		memcpy(ck, &lastid, 8);
		memcpy(ck + 8, tag, 8);
		cookie.bv_len = 16;
	}
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return;
	if (ber_printf(ber, "{iO}", 0, &cookie) == -1) {
		ber_free(ber, 1);
		return;
	}
	val = arena_alloc(&op->arena, sizeof(*val));
	if (ber_flatten2(ber, val, 0) != 0) {
		ber_free(ber, 1);
		return;
	}
	val->bv_val = arena_memdup(&op->arena, val->bv_val, val->bv_len);
	ber_free(ber, 1);
	x->ctrls = arena_calloc(&op->arena, 1, sizeof(*x->ctrls));
	x->ctrls[0].oid = LDAP_CONTROL_PAGEDRESULTS;
	x->ctrls[0].value = *val;
	x->nctrls = 1;
}

static int
decode_request(struct op *op, struct sreq *r)
{
	struct berval a;
	ber_len_t len;
	ber_tag_t tag;
	char *last;
	size_t cap = 0, i;
	int rc;

	if (ber_scanf(op->ber, "{miiiib" /*}*/, &r->base, &r->scope, &r->deref,
	    &r->slimit, &r->tlimit, &r->typesonly) == LBER_ERROR)
		return LDAP_PROTOCOL_ERROR;
	if (r->scope != LDAP_SCOPE_BASE && r->scope != LDAP_SCOPE_ONELEVEL &&
	    r->scope != LDAP_SCOPE_SUBTREE && r->scope != LDAP_SCOPE_SUBORDINATE)
		return LDAP_PROTOCOL_ERROR;
	if (r->deref < 0 || r->deref > 3 || r->slimit < 0 || r->tlimit < 0)
		return LDAP_PROTOCOL_ERROR;
	if ((rc = filter_decode(srv->schema, &op->arena, op->ber, &r->filter))
	    != LDAP_SUCCESS)
		return rc;
	if (ber_peek_tag(op->ber, &len) != LBER_SEQUENCE)
		return LDAP_PROTOCOL_ERROR;
	for (tag = ber_first_element(op->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(op->ber, &len, last)) {
		if (ber_scanf(op->ber, "m", &a) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		if (r->nattrs >= 1024)
			continue;	/* ignore absurd lists */
		if (r->nattrs == cap) {
			struct berval *n;
			cap = cap ? cap * 2 : 16;
			n = arena_alloc(&op->arena, cap * sizeof(*n));
			if (r->nattrs)
				memcpy(n, r->attrs, r->nattrs * sizeof(*n));
			r->attrs = n;
		}
		/* options such as ";binary" do not narrow what is returned */
		{
			const char *semi = memchr(a.bv_val, ';', a.bv_len);
			if (semi)
				a.bv_len = (size_t)(semi - a.bv_val);
		}
		r->attrs[r->nattrs++] = a;
	}
	if (r->nattrs == 0)
		r->all_user = 1;
	for (i = 0; i < r->nattrs; i++) {
		if (r->attrs[i].bv_len == 1 && r->attrs[i].bv_val[0] == '*')
			r->all_user = 1;
		else if (r->attrs[i].bv_len == 1 && r->attrs[i].bv_val[0] == '+')
			r->all_oper = 1;
	}
	/* "1.1" alone: no attributes (RFC 4511 4.5.1.8) */
	if (r->nattrs == 1 && r->attrs[0].bv_len == 3 &&
	    strncmp(r->attrs[0].bv_val, "1.1", 3) == 0)
		r->none = 1;
	return LDAP_SUCCESS;
}

/* may the requester see entry id at all? */
static int
search_visible(struct op *op, MDB_txn *txn, uint64_t id)
{
	struct entry e;

	if (op->isroot)
		return 1;
	return store_get(&srv->store, txn, &op->arena, id, &e) == 0 &&
	    acl_can(op, txn, &e, NULL, ACL_READ);
}

/* the closest existing (and visible) superior of ndn, for matchedDN */
const char *
matched_dn(struct op *op, MDB_txn *txn, const struct berval *ndn)
{
	struct berval p = *ndn;
	struct entry e;

	while (p.bv_len > 0) {
		dn_parent(&p, &p);
		if (p.bv_len > 0 && store_get_dn(&srv->store, txn, &op->arena,
		    &p, &e) == 0 && acl_can(op, txn, &e, NULL, ACL_READ))
			return e.dn.bv_val ? arena_strndup(&op->arena,
			    e.dn.bv_val, e.dn.bv_len) : NULL;
	}
	return NULL;
}

static int
search_special(struct op *op, struct sreq *r, MDB_txn *txn,
    const struct entry *e)
{
	struct arena a = { 0 };

	if (r->scope == LDAP_SCOPE_BASE &&
	    filter_match(&srv->store, txn, &a, r->filter, e) == FR_TRUE)
		send_entry(op, txn, &a, r, e, 1);
	arena_free(&a);
	return op_respond(op, LDAP_SUCCESS, NULL);
}

int
ldap_search(struct op *op)
{
	struct store *st = &srv->store;
	struct sreq r;
	struct idl ids = { 0 };
	struct result_extra x = { 0 };
	struct arena ea = { 0 };
	MDB_txn *txn = NULL;
	uint64_t baseid = 0, lastid = 0, resume = 0;
	unsigned char ptag[8];
	ber_int_t psize = 0;
	size_t i, sent = 0, limit;
	uint64_t deadline = 0;
	int rc, code = LDAP_SUCCESS;
	const char *text = NULL, *matched = NULL;

	memset(&r, 0, sizeof(r));
	if ((rc = decode_request(op, &r)) != LDAP_SUCCESS)
		return op_respond(op, rc, rc == LDAP_PROTOCOL_ERROR ?
		    "malformed search request" : "filter too complex");
	op->target = r.base;
	{
		struct berval pretty;
		if (dn_normalize(srv->schema, &op->arena, &r.base, &pretty,
		    &r.nbase) != LDAP_SUCCESS)
			return op_respond(op, LDAP_INVALID_DN_SYNTAX,
			    "invalid base DN");
	}
	if ((rc = store_read_begin(st, &txn)) != 0)
		return op_respond(op, LDAP_OTHER, "database unavailable");
	if (rootdse_is(&r.nbase)) {
		/* the root DSE: base scope only; it has no subordinates here */
		rc = search_special(op, &r, txn, srv->rootdse);
		store_read_end(txn);
		return rc;
	}
	if (subschema_is(&r.nbase)) {
		struct sreq r2 = r;
		if (r2.nattrs == 0 || r2.all_user)
			r2.all_user = 1;
		rc = search_special(op, &r2, txn, srv->subschema);
		store_read_end(txn);
		return rc;
	}
	if (store_dn2id(st, txn, &r.nbase, &baseid) != 0 ||
	    !search_visible(op, txn, baseid)) {
		matched = matched_dn(op, txn, &r.nbase);
		store_read_end(txn);
		return op_respond_matched(op, LDAP_NO_SUCH_OBJECT, matched,
		    "no such entry");
	}
	if (op->paged != NULL) {
		BerElement *pb = ber_init(&op->paged->value);
		struct berval cookie = { 0, NULL };

		if (pb == NULL || ber_scanf(pb, "{im}", &psize, &cookie) ==
		    LBER_ERROR || psize < 0) {
			if (pb)
				ber_free(pb, 1);
			store_read_end(txn);
			return op_respond(op, LDAP_PROTOCOL_ERROR,
			    "malformed paged results control");
		}
		paged_tag(&r, op, ptag);
		if (cookie.bv_len != 0) {
			if (cookie.bv_len != 16 ||
			    memcmp(cookie.bv_val + 8, ptag, 8) != 0) {
				ber_free(pb, 1);
				store_read_end(txn);
				return op_respond(op, LDAP_UNWILLING_TO_PERFORM,
				    "paged results cookie does not match this "
				    "search");
			}
			memcpy(&resume, cookie.bv_val, 8);
		}
		ber_free(pb, 1);
		if (psize == 0) {
			/* the client abandons the paged search (RFC 2696) */
			paged_response(op, &x, 0, ptag);
			store_read_end(txn);
			op_send_result(op, &x, LDAP_SUCCESS, NULL, NULL);
			return LDAP_SUCCESS;
		}
	}
	/* candidates */
	if ((rc = candidates(op, txn, r.filter, &ids)) != 0)
		goto dberr;
	if (ids.all || r.scope == LDAP_SCOPE_BASE) {
		if (r.scope == LDAP_SCOPE_BASE) {
			idl_free(&ids);
			idl_add(&ids, baseid);
		} else if (r.scope == LDAP_SCOPE_ONELEVEL) {
			if ((rc = store_children(st, txn, baseid, &ids)) != 0)
				goto dberr;
		} else {
			if ((rc = store_subtree(st, txn, &r.nbase, &ids)) != 0)
				goto dberr;
		}
		ids.all = 0;
	}
	idl_sort(&ids);
	limit = (size_t)r.slimit;
	if (!op->isroot && srv->cfg->size_limit > 0 && op->paged == NULL &&
	    (limit == 0 || limit > (size_t)srv->cfg->size_limit))
		limit = (size_t)srv->cfg->size_limit;
	if (r.tlimit > 0 || (!op->isroot && srv->cfg->time_limit > 0)) {
		uint64_t t = r.tlimit > 0 ? (uint64_t)r.tlimit : 0;
		if (!op->isroot && srv->cfg->time_limit > 0 &&
		    (t == 0 || t > (uint64_t)srv->cfg->time_limit))
			t = (uint64_t)srv->cfg->time_limit;
		deadline = op->start_ms + t * 1000;
	}
	i = resume ? idl_lower_bound(&ids, resume + 1) : 0;
	for (; i < ids.n; i++) {
		struct entry e;

		if (deadline && (i & 63) == 0 && now_ms_monotonic() > deadline) {
			code = LDAP_TIMELIMIT_EXCEEDED;
			break;
		}
		rc = store_get(st, txn, &ea, ids.ids[i], &e);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc != 0)
			goto dberr;
		if (!in_scope(&r, baseid, &e) || (r.scope ==
		    LDAP_SCOPE_SUBORDINATE && e.id == baseid) ||
		    !acl_can(op, txn, &e, NULL, ACL_READ)) {
			arena_reset(&ea);
			continue;
		}
		if (filter_match_acl(op, txn, &ea, r.filter, &e) == FR_TRUE) {
			if (limit > 0 && sent >= limit) {
				code = LDAP_SIZELIMIT_EXCEEDED;
				break;
			}
			if (send_entry(op, txn, &ea, &r, &e, 0) != 0) {
				code = LDAP_OTHER;
				text = "cannot encode entry";
				break;
			}
			sent++;
			if (op->paged != NULL && sent >= (size_t)psize) {
				lastid = e.id;
				/* more to come only if ids remain */
				if (i + 1 >= ids.n)
					lastid = 0;
				arena_reset(&ea);
				break;
			}
		}
		arena_reset(&ea);
	}
	store_read_end(txn);
	idl_free(&ids);
	arena_free(&ea);
	if (op->paged != NULL)
		paged_response(op, &x, lastid, ptag);
	op_send_result(op, &x, code, NULL, text);
	return code;
dberr:
	store_read_end(txn);
	idl_free(&ids);
	arena_free(&ea);
	log_err("search: %s", mdb_strerror(rc));
	return op_respond(op, LDAP_OTHER, "database error");
}
