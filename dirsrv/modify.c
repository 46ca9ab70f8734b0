/*
 * modify.c - the Modify operation (RFC 4511 4.6, RFC 4525 increment).
 * Changes apply in order to a copy of the entry; the first failure
 * aborts the transaction, so a modify is all or nothing.  Multi-valued
 * attributes stored row by row change one row per value.
 */
#include <stdlib.h>
#include <string.h>

#include "dirsrv.h"

#define MOD_INCREMENT	3

struct mctx {
	struct op	*op;
	MDB_txn		*txn;
	struct entry	*e;
	const char	*text;
	struct berval	 clear;		/* a new cleartext userPassword */
	const struct entry *old;	/* as it was, for access checks */
};

static int
is_rdn_value(struct mctx *m, const struct attrtype *at,
    const struct berval *nv)
{
	struct rdn_ava *avas;
	struct berval rnv;
	size_t n, i;

	if (dn_rdn_avas(srv->schema, &m->op->arena, &m->e->dn, &avas, &n) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (avas[i].at == at && value_normalize(&m->op->arena, at,
		    &avas[i].val, &rnv) == 0 && (nv == NULL ||
		    (rnv.bv_len == nv->bv_len && memcmp(rnv.bv_val, nv->bv_val,
		    nv->bv_len) == 0)))
			return 1;
	return 0;
}

/* changes to a row-per-value attribute */
static int
mod_external(struct mctx *m, int mop, struct attrtype *at, struct attr *a,
    struct attr *nw)
{
	struct store *st = &srv->store;
	size_t i;
	int rc;

	if (a == NULL) {
		a = entry_add_attr(&m->op->arena, m->e, at, NULL);
		a->external = 1;
		a->ext_count = 0;
	} else if (!a->external) {
		a->external = 1;	/* empty inline record of a mv type */
		a->ext_count = a->nv;
	}
	if (mop == LDAP_MOD_REPLACE || (mop == LDAP_MOD_DELETE && nw->nv == 0)) {
		if (mop == LDAP_MOD_DELETE && a->ext_count == 0) {
			m->text = "no such attribute";
			return LDAP_NO_SUCH_ATTRIBUTE;
		}
		a->nv = 0;
		a->vals = a->nvals = NULL;
		a->cap = 0;
		a->ext_count = 1;	/* force a load */
		if ((rc = store_mv_clear(st, m->txn, &m->op->arena, m->e, a))
		    != 0)
			return rc == MDB_NOTFOUND ? 0 : LDAP_OTHER;
		a->ext_count = 0;
		a->nv = 0;
	}
	for (i = 0; mop != LDAP_MOD_DELETE && i < nw->nv; i++) {
		rc = store_mv_add(st, m->txn, &m->op->arena, m->e->id, at,
		    &nw->vals[i], &nw->nvals[i]);
		if (rc == MDB_KEYEXIST) {
			m->text = "value already exists";
			return LDAP_TYPE_OR_VALUE_EXISTS;
		}
		if (rc == MDB_BAD_VALSIZE) {
			m->text = "value too long for this attribute";
			return LDAP_ADMINLIMIT_EXCEEDED;
		}
		if (rc != 0)
			return LDAP_OTHER;
		a->ext_count++;
	}
	for (i = 0; mop == LDAP_MOD_DELETE && i < nw->nv; i++) {
		rc = store_mv_del(st, m->txn, &m->op->arena, m->e->id, at,
		    &nw->nvals[i]);
		if (rc == MDB_NOTFOUND) {
			m->text = "no such value";
			return LDAP_NO_SUCH_ATTRIBUTE;
		}
		if (rc != 0)
			return LDAP_OTHER;
		a->ext_count--;
	}
	a->nv = 0;	/* values in memory no longer mirror the rows */
	if (a->ext_count == 0)
		entry_del_attr(m->e, a);
	return LDAP_SUCCESS;
}

static int
mod_increment(struct mctx *m, struct attr *a, struct attr *nw)
{
	long long cur, inc;
	char *end, buf[32];
	struct berval v, nv;

	if (a == NULL) {
		m->text = "no such attribute to increment";
		return LDAP_NO_SUCH_ATTRIBUTE;
	}
	if (a->nv != 1) {
		m->text = "increment needs an attribute with exactly one value";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (at_eq(a->at) == NULL || at_eq(a->at)->cmp != MR_CMP_INTEGER) {
		m->text = "increment applies to integer attributes only";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (nw->nv != 1) {
		m->text = "increment needs exactly one value";
		return LDAP_PROTOCOL_ERROR;
	}
	cur = strtoll(a->nvals[0].bv_val, &end, 10);
	inc = strtoll(nw->nvals[0].bv_val, &end, 10);
	if (__builtin_add_overflow(cur, inc, &cur)) {
		m->text = "increment overflows";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	snprintf(buf, sizeof(buf), "%lld", cur);
	v.bv_len = strlen(buf);
	v.bv_val = arena_strndup(&m->op->arena, buf, v.bv_len);
	nv = v;
	a->nv = 0;
	attr_append_value(&m->op->arena, a, &v, &nv);
	return LDAP_SUCCESS;
}

static int
mod_one(struct mctx *m, int mop, const struct berval *desc,
    const struct berval *vals, size_t n)
{
	struct attrtype *at;
	struct attr *a, nw;
	const char *semi = memchr(desc->bv_val, ';', desc->bv_len);
	struct berval d = *desc;
	size_t i;
	int rc, idx;

	at = schema_at(srv->schema, desc->bv_val, semi ? (size_t)(semi -
	    desc->bv_val) : desc->bv_len);
	if (at == NULL) {
		m->text = "attribute type undefined";
		return LDAP_UNDEFINED_TYPE;
	}
	if (!acl_can(m->op, m->txn, m->old, at, ACL_WRITE)) {
		char *t = arena_alloc(&m->op->arena, 160);
		snprintf(t, 160, "no write access to attribute %s", at->name);
		m->text = t;
		return LDAP_INSUFFICIENT_ACCESS;
	}
	if (semi == NULL) {
		d.bv_val = (char *)(uintptr_t)at->name;
		d.bv_len = strlen(at->name);
	}
	memset(&nw, 0, sizeof(nw));
	nw.at = at;
	if ((rc = write_values(&m->op->arena, &nw, vals, n, 1,
	    mop == LDAP_MOD_DELETE ? NULL : &m->clear, &m->text)) !=
	    LDAP_SUCCESS)
		return rc;
	if (attr_find_duplicate(&nw) >= 0) {
		m->text = "duplicate value in the request";
		return LDAP_TYPE_OR_VALUE_EXISTS;
	}
	a = entry_find_desc(m->e, at, &d);
	/* the RDN's values stay (RFC 4511 4.6) */
	if ((mop == LDAP_MOD_DELETE || mop == LDAP_MOD_REPLACE ||
	    mop == MOD_INCREMENT) && is_rdn_value(m, at, NULL)) {
		int keeps = 1;

		if (mop == LDAP_MOD_DELETE && n > 0) {
			for (i = 0; i < nw.nv; i++)
				if (is_rdn_value(m, at, &nw.nvals[i]))
					keeps = 0;
		} else if (mop == LDAP_MOD_REPLACE) {
			struct rdn_ava *avas;
			struct berval rnv;
			size_t na, k;

			dn_rdn_avas(srv->schema, &m->op->arena, &m->e->dn, &avas,
			    &na);
			for (k = 0; k < na; k++)
				if (avas[k].at == at && value_normalize(
				    &m->op->arena, at, &avas[k].val, &rnv) == 0 &&
				    attr_find_value(&nw, &rnv) < 0)
					keeps = 0;
		} else
			keeps = 0;
		if (!keeps) {
			m->text = "cannot remove a value of the entry's RDN";
			return LDAP_NOT_ALLOWED_ON_RDN;
		}
	}
	if (at->multival && mop != MOD_INCREMENT)
		return mod_external(m, mop, at, a, &nw);
	switch (mop) {
	case LDAP_MOD_ADD:
		if (n == 0) {
			m->text = "add with no values";
			return LDAP_PROTOCOL_ERROR;
		}
		if (a == NULL)
			a = entry_add_attr(&m->op->arena, m->e, at, &d);
		for (i = 0; i < nw.nv; i++)
			if (attr_add_value(&m->op->arena, a, &nw.vals[i],
			    &nw.nvals[i]) != 0) {
				m->text = "value already exists";
				return LDAP_TYPE_OR_VALUE_EXISTS;
			}
		return LDAP_SUCCESS;
	case LDAP_MOD_DELETE:
		if (a == NULL) {
			m->text = "no such attribute";
			return LDAP_NO_SUCH_ATTRIBUTE;
		}
		if (n == 0) {
			entry_del_attr(m->e, a);
			return LDAP_SUCCESS;
		}
		for (i = 0; i < nw.nv; i++) {
			if ((idx = attr_find_value(a, &nw.nvals[i])) < 0) {
				m->text = "no such value";
				return LDAP_NO_SUCH_ATTRIBUTE;
			}
			attr_del_index(a, (size_t)idx);
		}
		if (a->nv == 0)
			entry_del_attr(m->e, a);
		return LDAP_SUCCESS;
	case LDAP_MOD_REPLACE:
		if (a != NULL)
			entry_del_attr(m->e, a);
		if (n == 0)
			return LDAP_SUCCESS;
		a = entry_add_attr(&m->op->arena, m->e, at, &d);
		for (i = 0; i < nw.nv; i++)
			attr_append_value(&m->op->arena, a, &nw.vals[i],
			    &nw.nvals[i]);
		return LDAP_SUCCESS;
	case MOD_INCREMENT:
		return mod_increment(m, a, &nw);
	default:
		m->text = "unknown modify operation";
		return LDAP_PROTOCOL_ERROR;
	}
}

int
ldap_modify(struct op *op, MDB_txn *txn)
{
	struct berval dn, pdn, ndn, desc, v, *vals = NULL;
	struct entry old, *e;
	struct mctx m = { op, txn, NULL, NULL, { 0, NULL }, NULL };
	struct result_extra x = { 0 };
	int pperr = PP_OK;
	ber_int_t mop;
	ber_len_t len;
	ber_tag_t tag, vt;
	char *last, *vlast;
	size_t n, cap = 0;
	int rc = LDAP_SUCCESS, nchanges = 0;

	if (ber_scanf(op->ber, "{m" /*}*/, &dn) == LBER_ERROR) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed modify");
	}
	op->target = dn;
	if (dn_normalize(srv->schema, &op->arena, &dn, &pdn, &ndn) !=
	    LDAP_SUCCESS) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_INVALID_DN_SYNTAX, "invalid DN");
	}
	if (store_get_dn_copy(&srv->store, txn, &op->arena, &ndn, &old) != 0 ||
	    !acl_can(op, txn, &old, NULL, ACL_READ)) {
		const char *md = matched_dn(op, txn, &ndn);

		mdb_txn_abort(txn);
		return op_respond_matched(op, LDAP_NO_SUCH_OBJECT, md,
		    "no such entry");
	}
	e = entry_dup(&op->arena, &old);
	m.e = e;
	m.old = &old;
	if (ber_peek_tag(op->ber, &len) != LBER_SEQUENCE) {
		rc = LDAP_PROTOCOL_ERROR;
		m.text = "malformed modify";
		goto fail;
	}
	for (tag = ber_first_element(op->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(op->ber, &len, last)) {
		if (ber_scanf(op->ber, "{e{m" /*}}*/, &mop, &desc) == LBER_ERROR ||
		    ber_peek_tag(op->ber, &len) != LBER_SET) {
			rc = LDAP_PROTOCOL_ERROR;
			m.text = "malformed modify";
			goto fail;
		}
		n = 0;
		for (vt = ber_first_element(op->ber, &len, &vlast);
		    vt != LBER_DEFAULT;
		    vt = ber_next_element(op->ber, &len, vlast)) {
			if (ber_scanf(op->ber, "m", &v) == LBER_ERROR) {
				rc = LDAP_PROTOCOL_ERROR;
				goto fail;
			}
			if (n == cap) {
				struct berval *nv;
				cap = cap ? cap * 2 : 8;
				nv = arena_alloc(&op->arena, cap * sizeof(*nv));
				if (n)
					memcpy(nv, vals, n * sizeof(*nv));
				vals = nv;
			}
			vals[n++] = v;
		}
		if (ber_scanf(op->ber, /*{{*/ "}}") == LBER_ERROR) {
			rc = LDAP_PROTOCOL_ERROR;
			goto fail;
		}
		if (mop < 0 || mop > MOD_INCREMENT) {
			rc = LDAP_PROTOCOL_ERROR;
			m.text = "unknown modify operation";
			goto fail;
		}
		if ((rc = mod_one(&m, mop, &desc, vals, n)) != LDAP_SUCCESS)
			goto fail;
		nchanges++;
	}
	if ((rc = write_password_policy(op, &old, e, &m.clear, &pperr,
	    &m.text)) != LDAP_SUCCESS)
		goto fail;
	/* an administrator's unlock also forgets the failures behind it */
	{
		struct attrtype *lt = schema_at(srv->schema,
		    "pwdAccountLockedTime", 20);
		struct attrtype *ft = schema_at(srv->schema, "pwdFailureTime",
		    14);
		struct attr *fa;

		if (lt != NULL && ft != NULL && entry_find(&old, lt) != NULL &&
		    entry_find(e, lt) == NULL && (fa = entry_find(e, ft)) != NULL)
			entry_del_attr(e, fa);
	}
	if ((rc = workflow_validate(op, &old, e, &m.text)) != LDAP_SUCCESS ||
	    (rc = workflow_enterprise(op, txn, &old, e, &m.text)) !=
	    LDAP_SUCCESS ||
	    (rc = workflow_legacy(op, txn, &old, e, &m.text)) !=
	    LDAP_SUCCESS ||
	    (rc = workflow_person_modify(op, &old, e, &m.text)) !=
	    LDAP_SUCCESS ||
	    (rc = workflow_post_modify(op, txn, &old, e, &m.text)) !=
	    LDAP_SUCCESS)
		goto fail;
	if ((rc = write_check_entry(&op->arena, srv->schema, e, &m.text)) !=
	    LDAP_SUCCESS)
		goto fail;
	write_stamp(op, e, 0);
	rc = store_modify(&srv->store, txn, &op->arena, &old, e);
	if (rc == 0)
		rc = derive_after_write(op, txn, e);
	if (rc == 0)
		rc = workflow_person_after(op, txn, &old, e);
	if (rc == 0)
		rc = workflow_post_after(op, txn, &old, e);
	return write_finish(op, txn, rc);
fail:
	if (m.clear.bv_val != NULL)
		explicit_bzero(m.clear.bv_val, m.clear.bv_len);
	mdb_txn_abort(txn);
	ppolicy_control(op, &x, pperr, -1);
	op_send_result(op, &x, rc, NULL, m.text);
	return rc;
}
