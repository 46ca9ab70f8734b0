/* compare.c - the Compare operation (RFC 4511 4.10). */
#include <string.h>

#include "dirsrv.h"

int
ldap_compare(struct op *op)
{
	struct berval dn, desc, val, pdn, ndn, nv;
	struct attrtype *at;
	const struct mrule *mr;
	struct entry e;
	MDB_txn *txn;
	size_t i, j;
	const char *semi;
	int rc, found = 0, present = 0;

	if (ber_scanf(op->ber, "{m{mm}}", &dn, &desc, &val) == LBER_ERROR)
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed compare");
	op->target = dn;
	if (dn_normalize(srv->schema, &op->arena, &dn, &pdn, &ndn) !=
	    LDAP_SUCCESS)
		return op_respond(op, LDAP_INVALID_DN_SYNTAX, "invalid DN");
	semi = memchr(desc.bv_val, ';', desc.bv_len);
	at = schema_at(srv->schema, desc.bv_val, semi ? (size_t)(semi -
	    desc.bv_val) : desc.bv_len);
	if (at == NULL)
		return op_respond(op, LDAP_UNDEFINED_TYPE,
		    "attribute type undefined");
	if (at == srv->schema->a_userpassword)
		return op_respond(op, LDAP_INSUFFICIENT_ACCESS,
		    "userPassword cannot be compared");
	if ((mr = at_eq(at)) == NULL)
		return op_respond(op, LDAP_INAPPROPRIATE_MATCHING,
		    "attribute type has no equality matching rule");
	if (mr->norm != NULL ? mr->norm(&op->arena, &val, &nv) != 0 :
	    (nv = val, 0))
		return op_respond(op, LDAP_INVALID_SYNTAX,
		    "value is not valid for the attribute's syntax");
	if ((rc = store_read_begin(&srv->store, &txn)) != 0)
		return op_respond(op, LDAP_OTHER, "database unavailable");
	if (store_get_dn(&srv->store, txn, &op->arena, &ndn, &e) != 0 ||
	    !acl_can(op, txn, &e, NULL, ACL_READ)) {
		store_read_end(txn);
		return op_respond(op, LDAP_NO_SUCH_OBJECT, "no such entry");
	}
	if (!acl_can(op, txn, &e, at, ACL_READ)) {
		store_read_end(txn);
		return op_respond(op, LDAP_INSUFFICIENT_ACCESS,
		    "no read access to this attribute");
	}
	for (i = 0; i < e.na && !found; i++) {
		struct attr *a = &e.attrs[i];

		if (!at_is_a(a->at, at))
			continue;
		present = 1;
		if (a->external) {
			found = store_mv_has(&srv->store, txn, e.id, a->at, &nv);
			continue;
		}
		for (j = 0; j < a->nv && !found; j++)
			found = a->nvals[j].bv_len == nv.bv_len &&
			    memcmp(a->nvals[j].bv_val, nv.bv_val, nv.bv_len) == 0;
	}
	store_read_end(txn);
	if (!present)
		return op_respond(op, LDAP_NO_SUCH_ATTRIBUTE,
		    "the entry has no such attribute");
	return op_respond(op, found ? LDAP_COMPARE_TRUE : LDAP_COMPARE_FALSE,
	    NULL);
}
