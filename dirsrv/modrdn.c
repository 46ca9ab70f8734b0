/*
 * modrdn.c - the Modify DN operation (RFC 4511 4.9): a new RDN, optional
 * removal of the old RDN values, and a move under a new superior with
 * the whole subtree, in one transaction.
 */
#include <string.h>

#include "dirsrv.h"

int
ldap_modrdn(struct op *op, MDB_txn *txn)
{
	struct store *st = &srv->store;
	struct berval dn, newrdn, newsup = { 0, NULL }, pdn, ndn, prdn, nrdn;
	struct berval psup, nsup, oldparent, tmp, full;
	struct entry old, *e;
	struct rdn_ava *avas, *oavas;
	struct idl sub = { 0 };
	ber_int_t delold;
	ber_len_t len;
	uint64_t oldpid = 0, newpid = 0;
	size_t na, ona, i;
	const char *text = NULL;
	int rc, code;
	char *buf;

	if (ber_scanf(op->ber, "{mmb" /*}*/, &dn, &newrdn, &delold) ==
	    LBER_ERROR) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed modrdn");
	}
	if (ber_peek_tag(op->ber, &len) == LDAP_TAG_NEWSUPERIOR &&
	    ber_scanf(op->ber, "m", &newsup) == LBER_ERROR) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed modrdn");
	}
	op->target = dn;
	code = LDAP_INVALID_DN_SYNTAX;
	text = "invalid DN";
	if (dn_normalize(srv->schema, &op->arena, &dn, &pdn, &ndn) != 0 ||
	    dn_normalize(srv->schema, &op->arena, &newrdn, &prdn, &nrdn) != 0)
		goto fail;
	/* the new RDN must be exactly one RDN */
	dn_rdn(&prdn, &tmp);
	if (prdn.bv_len == 0 || tmp.bv_len != prdn.bv_len) {
		text = "newrdn must be a single RDN";
		goto fail;
	}
	code = LDAP_NO_SUCH_OBJECT;
	text = "no such entry";
	if (store_get_dn_copy(st, txn, &op->arena, &ndn, &old) != 0 ||
	    !acl_can(op, txn, &old, NULL, ACL_READ))
		goto fail;
	if (!acl_can(op, txn, &old, NULL, ACL_WRITE)) {
		code = LDAP_INSUFFICIENT_ACCESS;
		text = "no write access to this entry";
		goto fail;
	}
	if (ndn.bv_len == srv->nsuffix.bv_len) {
		code = LDAP_UNWILLING_TO_PERFORM;
		text = "the suffix entry cannot be renamed";
		goto fail;
	}
	dn_parent(&old.dn, &oldparent);
	{
		struct berval np;
		dn_parent(&ndn, &np);
		store_dn2id(st, txn, &np, &oldpid);
	}
	if (newsup.bv_val != NULL) {
		if (dn_normalize(srv->schema, &op->arena, &newsup, &psup, &nsup)
		    != 0) {
			code = LDAP_INVALID_DN_SYNTAX;
			text = "invalid newSuperior";
			goto fail;
		}
		if (store_dn2id(st, txn, &nsup, &newpid) != 0) {
			code = LDAP_NO_SUCH_OBJECT;
			text = "newSuperior does not exist";
			goto fail;
		}
		if (dn_is_suffix(&nsup, &ndn)) {
			code = LDAP_UNWILLING_TO_PERFORM;
			text = "cannot move an entry below itself";
			goto fail;
		}
	} else {
		psup = oldparent;
		dn_parent(&ndn, &nsup);
		newpid = oldpid;
	}
	e = entry_dup(&op->arena, &old);
	buf = arena_alloc(&op->arena, prdn.bv_len + psup.bv_len + 2);
	memcpy(buf, prdn.bv_val, prdn.bv_len);
	buf[prdn.bv_len] = ',';
	memcpy(buf + prdn.bv_len + 1, psup.bv_val, psup.bv_len);
	full.bv_val = buf;
	full.bv_len = prdn.bv_len + 1 + psup.bv_len;
	if (dn_normalize(srv->schema, &op->arena, &full, &e->dn, &e->ndn) != 0) {
		code = LDAP_INVALID_DN_SYNTAX;
		goto fail;
	}
	if (e->ndn.bv_len > DN_KEY_MAX) {
		code = LDAP_ADMINLIMIT_EXCEEDED;
		text = "DN too long";
		goto fail;
	}
	if (!dn_is_suffix(&e->ndn, &srv->nsuffix)) {
		code = LDAP_UNWILLING_TO_PERFORM;
		text = "new DN is outside the suffix";
		goto fail;
	}
	{
		uint64_t x;
		if (store_dn2id(st, txn, &e->ndn, &x) == 0) {
			code = LDAP_ALREADY_EXISTS;
			text = "an entry with the new DN already exists";
			goto fail;
		}
	}
	/* RDN values: add the new ones, drop the old ones if asked */
	if (dn_rdn_avas(srv->schema, &op->arena, &e->dn, &avas, &na) != 0 ||
	    dn_rdn_avas(srv->schema, &op->arena, &old.dn, &oavas, &ona) != 0)
		goto fail;
	if (delold)
		for (i = 0; i < ona; i++) {
			struct attr *a = entry_find(e, oavas[i].at);
			struct berval nv;
			int idx;

			if (a == NULL || value_normalize(&op->arena, oavas[i].at,
			    &oavas[i].val, &nv) != 0)
				continue;
			if ((idx = attr_find_value(a, &nv)) >= 0)
				attr_del_index(a, (size_t)idx);
			if (a->nv == 0 && !a->external)
				entry_del_attr(e, a);
		}
	for (i = 0; i < na; i++) {
		struct attr *a = entry_find(e, avas[i].at);
		struct berval nv;

		if (value_normalize(&op->arena, avas[i].at, &avas[i].val, &nv)
		    != 0) {
			code = LDAP_INVALID_DN_SYNTAX;
			text = "RDN value invalid per syntax";
			goto fail;
		}
		if (a == NULL)
			a = entry_add_attr(&op->arena, e, avas[i].at, NULL);
		attr_add_value(&op->arena, a, &avas[i].val, &nv);
	}
	/* the new RDN value obeys the same rules as a modify of it: a
	 * credit code is checked, and an enterprise renamed to a new uscc
	 * is verified again (R12) */
	if ((code = workflow_validate(op, &old, e, &text)) != LDAP_SUCCESS ||
	    (code = workflow_enterprise(op, txn, &old, e, &text)) !=
	    LDAP_SUCCESS ||
	    (code = workflow_legacy(op, txn, &old, e, &text)) != LDAP_SUCCESS)
		goto fail;
	if ((code = write_check_entry(&op->arena, srv->schema, e, &text)) !=
	    LDAP_SUCCESS)
		goto fail;
	write_stamp(op, e, 0);
	/* descendants: collect before the keys change */
	if ((rc = store_subtree(st, txn, &ndn, &sub)) != 0)
		goto dberr;
	if ((rc = store_rename(st, txn, &op->arena, &old, e, oldpid, newpid))
	    != 0) {
		if (rc == MDB_KEYEXIST) {
			code = LDAP_ALREADY_EXISTS;
			text = "an entry with the new DN already exists";
			goto fail;
		}
		goto dberr;
	}
	for (i = 0; i < sub.n; i++) {
		struct entry ce, *ne;
		size_t keep;

		if (sub.ids[i] == old.id)
			continue;
		if ((rc = store_get_copy(st, txn, &op->arena, sub.ids[i], &ce)) != 0)
			goto dberr;
		ne = entry_dup(&op->arena, &ce);
		/* keep the child's own leading RDNs, then the new DN */
		{
			struct berval rest = ce.dn, r;
			size_t k, skip = dn_count(&ce.dn) - dn_count(&old.dn);

			for (k = 0; k < skip; k++) {
				dn_rdn(&rest, &r);
				dn_parent(&rest, &rest);
			}
			keep = (size_t)(rest.bv_val - ce.dn.bv_val);
		}
		buf = arena_alloc(&op->arena, keep + e->dn.bv_len + 1);
		memcpy(buf, ce.dn.bv_val, keep);
		memcpy(buf + keep, e->dn.bv_val, e->dn.bv_len);
		full.bv_val = buf;
		full.bv_len = keep + e->dn.bv_len;
		if (dn_normalize(srv->schema, &op->arena, &full, &ne->dn,
		    &ne->ndn) != 0 || ne->ndn.bv_len > DN_KEY_MAX) {
			code = LDAP_ADMINLIMIT_EXCEEDED;
			text = "a subordinate's new DN is too long";
			goto fail;
		}
		if ((rc = store_put_dn(st, txn, &ce, ne)) != 0)
			goto dberr;
	}
	idl_free(&sub);
	/* memberships follow a renamed person; a moved post re-derives */
	rc = derive_person_moved(op, txn, &old, e);
	if (rc == 0)
		rc = derive_after_write(op, txn, e);
	return write_finish(op, txn, rc);
dberr:
	log_err("modrdn: %s", mdb_strerror(rc));
	code = LDAP_OTHER;
	text = "database error";
fail:
	idl_free(&sub);
	mdb_txn_abort(txn);
	return op_respond(op, code, text);
}
