/* delete.c - the Delete operation (RFC 4511 4.8): leaves only. */
#include <string.h>

#include "dirsrv.h"

int
ldap_delete(struct op *op, MDB_txn *txn)
{
	struct berval dn, pdn, ndn, parent;
	struct entry e;
	uint64_t pid = 0;
	int rc;

	if (ber_scanf(op->ber, "m", &dn) == LBER_ERROR) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed delete");
	}
	op->target = dn;
	if (dn_normalize(srv->schema, &op->arena, &dn, &pdn, &ndn) !=
	    LDAP_SUCCESS) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_INVALID_DN_SYNTAX, "invalid DN");
	}
	if (store_get_dn_copy(&srv->store, txn, &op->arena, &ndn, &e) != 0 ||
	    !acl_can(op, txn, &e, NULL, ACL_READ)) {
		const char *m = matched_dn(op, txn, &ndn);

		mdb_txn_abort(txn);
		return op_respond_matched(op, LDAP_NO_SUCH_OBJECT, m,
		    "no such entry");
	}
	if (!acl_can(op, txn, &e, NULL, ACL_WRITE)) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_INSUFFICIENT_ACCESS,
		    "no write access to this entry");
	}
	{
		const char *why = NULL;
		int wrc = workflow_post_delete(op, txn, &e, &why);

		if (wrc != LDAP_SUCCESS) {
			mdb_txn_abort(txn);
			return op_respond(op, wrc, why);
		}
	}
	if (store_has_children(&srv->store, txn, e.id)) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_NOT_ALLOWED_ON_NONLEAF,
		    "entry has subordinates");
	}
	if (ndn.bv_len != srv->nsuffix.bv_len) {
		dn_parent(&ndn, &parent);
		if (store_dn2id(&srv->store, txn, &parent, &pid) != 0)
			pid = 0;
	}
	rc = store_delete(&srv->store, txn, &op->arena, &e, pid);
	if (rc == 0)
		rc = derive_after_write(op, txn, &e);
	if (rc == 0)
		rc = derive_person_moved(op, txn, &e, NULL);
	return write_finish(op, txn, rc);
}
