/* add.c - the Add operation (RFC 4511 4.7). */
#include <string.h>

#include "dirsrv.h"

/*
 * Build e (dn already set) from an AttributeList in ber.  Shared with
 * import through entry_from_list().
 */
static int
add_decode_attrs(struct op *op, struct entry *e, struct berval *clear,
    const char **text)
{
	const struct schema *s = srv->schema;
	struct berval desc, v, *vals = NULL;
	size_t nv, cap = 0;
	ber_len_t len;
	ber_tag_t tag, vt;
	char *last, *vlast;
	struct attrtype *at;
	struct attr *a;
	const char *semi;
	int rc;

	if (ber_peek_tag(op->ber, &len) != LBER_SEQUENCE)
		return LDAP_PROTOCOL_ERROR;
	for (tag = ber_first_element(op->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(op->ber, &len, last)) {
		if (ber_scanf(op->ber, "{m" /*}*/, &desc) == LBER_ERROR ||
		    ber_peek_tag(op->ber, &len) != LBER_SET)
			return LDAP_PROTOCOL_ERROR;
		nv = 0;
		for (vt = ber_first_element(op->ber, &len, &vlast);
		    vt != LBER_DEFAULT;
		    vt = ber_next_element(op->ber, &len, vlast)) {
			if (ber_scanf(op->ber, "m", &v) == LBER_ERROR)
				return LDAP_PROTOCOL_ERROR;
			if (nv == cap) {
				struct berval *n;
				cap = cap ? cap * 2 : 8;
				n = arena_alloc(&op->arena, cap * sizeof(*n));
				if (nv)
					memcpy(n, vals, nv * sizeof(*n));
				vals = n;
			}
			vals[nv++] = v;
		}
		if (ber_scanf(op->ber, /*{*/ "}") == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		if (nv == 0) {
			*text = "attribute with no values";
			return LDAP_PROTOCOL_ERROR;
		}
		semi = memchr(desc.bv_val, ';', desc.bv_len);
		at = schema_at(s, desc.bv_val, semi ? (size_t)(semi -
		    desc.bv_val) : desc.bv_len);
		if (at == NULL) {
			char *t = arena_alloc(&op->arena, 160);
			snprintf(t, 160, "%.*s: attribute type undefined",
			    (int)(desc.bv_len > 64 ? 64 : desc.bv_len),
			    desc.bv_val);
			*text = t;
			return LDAP_UNDEFINED_TYPE;
		}
		if (semi == NULL)
			desc.bv_len = 0;	/* store the canonical name */
		if ((a = entry_find_desc(e, at, desc.bv_len ? &desc :
		    &(struct berval){ strlen(at->name),
		    (char *)(uintptr_t)at->name })) != NULL) {
			*text = "attribute given twice";
			return LDAP_TYPE_OR_VALUE_EXISTS;
		}
		a = entry_add_attr(&op->arena, e, at, desc.bv_len ? &desc : NULL);
		if ((rc = write_values(&op->arena, a, vals, nv, 1, clear,
		    text)) != LDAP_SUCCESS)
			return rc;
		if (attr_find_duplicate(a) >= 0) {
			char *t = arena_alloc(&op->arena, 160);
			snprintf(t, 160, "%s: duplicate value", at->name);
			*text = t;
			return LDAP_TYPE_OR_VALUE_EXISTS;
		}
	}
	return LDAP_SUCCESS;
}

/* checks and store of a complete new entry; shared with import */
int
add_entry(struct op *op, MDB_txn *txn, struct entry *e, const char **text,
    const char **matched)
{
	struct berval parent;
	uint64_t pid = 0;
	int rc;

	*matched = NULL;
	if (!dn_is_suffix(&e->ndn, &srv->nsuffix)) {
		*text = "entry is not within the server's suffix";
		return LDAP_NO_SUCH_OBJECT;
	}
	if (e->ndn.bv_len > DN_KEY_MAX) {
		*text = "DN too long";
		return LDAP_ADMINLIMIT_EXCEEDED;
	}
	if ((rc = write_check_rdn(&op->arena, srv->schema, e, text)) !=
	    LDAP_SUCCESS)
		return rc;
	if ((rc = derive_fill(op, txn, e, text)) != LDAP_SUCCESS)
		return rc;
	if (!op->import &&
	    ((rc = workflow_validate(op, NULL, e, text)) != LDAP_SUCCESS ||
	    (rc = workflow_enterprise(op, txn, NULL, e, text)) !=
	    LDAP_SUCCESS ||
	    (rc = workflow_legacy(op, txn, NULL, e, text)) != LDAP_SUCCESS ||
	    (rc = workflow_post_add(op, txn, e, text)) != LDAP_SUCCESS))
		return rc;
	if ((rc = write_check_entry(&op->arena, srv->schema, e, text)) !=
	    LDAP_SUCCESS)
		return rc;
	if (e->ndn.bv_len != srv->nsuffix.bv_len) {
		dn_parent(&e->ndn, &parent);
		if (store_dn2id(&srv->store, txn, &parent, &pid) != 0) {
			struct berval pp = parent;
			struct entry pe;

			*text = "parent entry does not exist";
			while (pp.bv_len > 0) {
				dn_parent(&pp, &pp);
				if (pp.bv_len && store_get_dn(&srv->store, txn,
				    &op->arena, &pp, &pe) == 0) {
					*matched = arena_strndup(&op->arena,
					    pe.dn.bv_val, pe.dn.bv_len);
					break;
				}
			}
			return LDAP_NO_SUCH_OBJECT;
		}
	}
	write_stamp(op, e, 1);
	rc = store_add(&srv->store, txn, e, pid);
	if (rc == MDB_KEYEXIST) {
		*text = "entry already exists";
		return LDAP_ALREADY_EXISTS;
	}
	if (rc == MDB_BAD_VALSIZE) {
		*text = "a value is too long for its attribute's storage";
		return LDAP_ADMINLIMIT_EXCEEDED;
	}
	if (rc != 0) {
		log_err("add: %s", mdb_strerror(rc));
		*text = "database error";
		return LDAP_OTHER;
	}
	return LDAP_SUCCESS;
}

int
ldap_add(struct op *op, MDB_txn *txn)
{
	struct entry *e = arena_calloc(&op->arena, 1, sizeof(*e));
	struct berval dn, clear = { 0, NULL };
	struct result_extra x = { 0 };
	const char *text = NULL, *matched = NULL;
	int rc, pperr = PP_OK;

	if (ber_scanf(op->ber, "{m" /*}*/, &dn) == LBER_ERROR) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed add");
	}
	op->target = dn;
	if (dn_normalize(srv->schema, &op->arena, &dn, &e->dn, &e->ndn) !=
	    LDAP_SUCCESS) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_INVALID_DN_SYNTAX, "invalid DN");
	}
	if ((rc = add_decode_attrs(op, e, &clear, &text)) == LDAP_SUCCESS &&
	    !acl_can(op, txn, e, NULL, ACL_WRITE)) {
		rc = LDAP_INSUFFICIENT_ACCESS;
		text = "no write access to add this entry";
	}
	if (rc != LDAP_SUCCESS ||
	    (rc = write_password_policy(op, NULL, e, &clear, &pperr, &text)) !=
	    LDAP_SUCCESS ||
	    (rc = add_entry(op, txn, e, &text, &matched)) != LDAP_SUCCESS) {
		if (clear.bv_val != NULL)
			explicit_bzero(clear.bv_val, clear.bv_len);
		mdb_txn_abort(txn);
		ppolicy_control(op, &x, pperr, -1);
		op_send_result(op, &x, rc, matched, text);
		return rc;
	}
	return write_finish(op, txn, derive_after_write(op, txn, e));
}
