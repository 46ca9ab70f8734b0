/*
 * extended.c - extended operations: Who am I? (RFC 4532), Password
 * Modify (RFC 3062), and StartTLS (refused while TLS is not configured).
 */
#include <string.h>

#include <openssl/rand.h>

#include "dirsrv.h"
#include "password.h"

struct exop {
	struct berval	oid;
	struct berval	value;
	int		has_value;
};

static int
exop_decode(struct op *op, struct exop *x)
{
	ber_len_t len;

	memset(x, 0, sizeof(*x));
	if (ber_scanf(op->ber, "{m" /*}*/, &x->oid) == LBER_ERROR)
		return -1;
	if (ber_peek_tag(op->ber, &len) == LDAP_TAG_EXOP_REQ_VALUE) {
		if (ber_scanf(op->ber, "m", &x->value) == LBER_ERROR)
			return -1;
		x->has_value = 1;
	}
	return 0;
}

static int
oid_is(const struct berval *b, const char *oid)
{
	return b->bv_len == strlen(oid) && memcmp(b->bv_val, oid, b->bv_len) == 0;
}

int
extended_is_write(struct op *op)
{
	BerElement *tmp = ber_dup(op->ber);
	struct berval oid = { 0, NULL };
	int w = 0;

	/* peek at the OID on a copy, with an allocated (non-destructive) read */
	if (tmp == NULL)
		return 0;
	if (ber_scanf(tmp, "{o" /*}*/, &oid) != LBER_ERROR)
		w = oid_is(&oid, LDAP_EXOP_MODIFY_PASSWD) || anon_is(&oid);
	ber_memfree(oid.bv_val);
	ber_free(tmp, 0);
	return w;
}

int
ldap_extended(struct op *op)
{
	struct result_extra rx = { 0 };
	struct exop x;
	struct berval v;
	char *s;

	if (exop_decode(op, &x) != 0)
		return op_respond(op, LDAP_PROTOCOL_ERROR,
		    "malformed extended request");
	if (oid_is(&x.oid, LDAP_EXOP_WHO_AM_I)) {
		if (op->bindndn.bv_len == 0) {
			v.bv_val = "";
			v.bv_len = 0;
		} else {
			s = arena_alloc(&op->arena, op->binddn.bv_len + 4);
			memcpy(s, "dn:", 3);
			memcpy(s + 3, op->binddn.bv_val, op->binddn.bv_len);
			v.bv_val = s;
			v.bv_len = op->binddn.bv_len + 3;
		}
		rx.ext_value = &v;
		op_send_result(op, &rx, LDAP_SUCCESS, NULL, NULL);
		return LDAP_SUCCESS;
	}
	if (oid_is(&x.oid, LDAP_EXOP_START_TLS)) {
		int rc = conn_request_starttls(op->conn);

		rx.ext_oid = LDAP_EXOP_START_TLS;
		op_send_result(op, &rx, rc, NULL, rc == LDAP_UNAVAILABLE ?
		    "TLS is not configured on this server" :
		    rc == LDAP_OPERATIONS_ERROR ? "TLS is already in use" : NULL);
		return rc;
	}
	return op_respond(op, LDAP_PROTOCOL_ERROR,
	    "unsupported extended operation");
}

/* RFC 3062 PasswdModifyRequestValue */
static int
passwd_decode(const struct exop *x, struct berval *id, struct berval *oldpw,
    struct berval *newpw)
{
	BerElement *ber;
	ber_len_t len;
	ber_tag_t tag;
	struct berval val = x->value;
	int rc = 0;

	id->bv_len = oldpw->bv_len = newpw->bv_len = 0;
	id->bv_val = oldpw->bv_val = newpw->bv_val = NULL;
	if (!x->has_value)
		return 0;
	if ((ber = ber_init(&val)) == NULL)
		return -1;
	if (ber_scanf(ber, "{" /*}*/) == LBER_ERROR) {
		rc = -1;
		goto done;
	}
	tag = ber_peek_tag(ber, &len);
	if (tag == LDAP_TAG_EXOP_MODIFY_PASSWD_ID) {
		if (ber_scanf(ber, "o", id) == LBER_ERROR) { rc = -1; goto done; }
		tag = ber_peek_tag(ber, &len);
	}
	if (tag == LDAP_TAG_EXOP_MODIFY_PASSWD_OLD) {
		if (ber_scanf(ber, "o", oldpw) == LBER_ERROR) { rc = -1; goto done; }
		tag = ber_peek_tag(ber, &len);
	}
	if (tag == LDAP_TAG_EXOP_MODIFY_PASSWD_NEW) {
		if (ber_scanf(ber, "o", newpw) == LBER_ERROR) { rc = -1; goto done; }
		tag = ber_peek_tag(ber, &len);
	}
	if (tag != LBER_DEFAULT && tag != LBER_ERROR)
		rc = -1;
done:
	ber_free(ber, 1);
	return rc;
}

static void
passwd_generate(char *out, size_t n)
{
	static const char cs[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	    "23456789!#%+-=";
	unsigned char r[64];
	size_t i;

	RAND_bytes(r, (int)n);
	for (i = 0; i < n; i++)
		out[i] = cs[r[i] % (sizeof(cs) - 1)];
	/* guarantee the four classes */
	out[0] = "ABCDEFGHJKLMNPQRSTUVWXYZ"[r[0] % 24];
	out[1] = "abcdefghijkmnopqrstuvwxyz"[r[1] % 25];
	out[2] = "23456789"[r[2] % 8];
	out[3] = "!#%+-="[r[3] % 6];
	out[n] = '\0';
	explicit_bzero(r, sizeof(r));
}

int
ldap_extended_write(struct op *op, MDB_txn *txn)
{
	struct exop x;
	struct berval id, oldpw, newpw, pdn, ndn, gen = { 0, NULL };
	struct entry e, *ne;
	struct attr *up;
	struct result_extra rx = { 0 };
	char hash[PW_HASH_MAX], genbuf[17];
	struct berval hv, *resp = NULL;
	size_t i;
	int rc, rehash, ok, self;

	if (exop_decode(op, &x) != 0) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR,
		    "malformed extended request");
	}
	if (anon_is(&x.oid))
		return anon_run(op, txn, &x.oid, x.has_value ? &x.value : NULL);
	if (passwd_decode(&x, &id, &oldpw, &newpw) != 0) {
		mdb_txn_abort(txn);
		return op_respond(op, LDAP_PROTOCOL_ERROR,
		    "malformed password modify request");
	}
	rc = LDAP_SUCCESS;
	op->audit_op = "passwd";
	op->audit_write = 1;
	op->target = id.bv_len ? id : op->binddn;
	if (op->bindndn.bv_len == 0) {
		rc = op_respond(op, LDAP_UNWILLING_TO_PERFORM,
		    "password modify requires an authenticated identity");
		goto out;
	}
	if (id.bv_len > 0) {
		if (dn_normalize(srv->schema, &op->arena, &id, &pdn, &ndn) !=
		    LDAP_SUCCESS) {
			log_debug("passwd: bad userIdentity (%zu bytes) \"%.*s\"",
			    (size_t)id.bv_len, (int)id.bv_len, id.bv_val);
			rc = op_respond(op, LDAP_INVALID_DN_SYNTAX,
			    "userIdentity is not a valid DN");
			goto out;
		}
	} else {
		ndn = op->bindndn;
	}
	self = ndn.bv_len == op->bindndn.bv_len &&
	    memcmp(ndn.bv_val, op->bindndn.bv_val, ndn.bv_len) == 0;
	if (store_get_dn_copy(&srv->store, txn, &op->arena, &ndn, &e) == 0 &&
	    !op->isroot && !self && !acl_can(op, txn, &e,
	    srv->schema->a_userpassword, ACL_WRITE)) {
		rc = op_respond(op, LDAP_INSUFFICIENT_ACCESS,
		    "only an administrator may change another user's password");
		goto out;
	}
	if (!op->isroot && !self && id.bv_len == 0) {
		rc = op_respond(op, LDAP_INSUFFICIENT_ACCESS, NULL);
		goto out;
	}
	if (store_get_dn_copy(&srv->store, txn, &op->arena, &ndn, &e) != 0) {
		rc = op_respond(op, LDAP_NO_SUCH_OBJECT, op->isroot &&
		    ndn.bv_len == srv->nrootdn.bv_len ?
		    "the rootdn's password is set in the configuration" :
		    "no such entry");
		goto out;
	}
	up = entry_find(&e, srv->schema->a_userpassword);
	if (oldpw.bv_len > 0) {
		ok = 0;
		for (i = 0; up != NULL && i < up->nv && !ok; i++)
			ok = pw_verify(oldpw.bv_val, oldpw.bv_len,
			    up->vals[i].bv_val, up->vals[i].bv_len, &rehash) ==
			    PW_MATCH;
		if (!ok) {
			rc = op_respond(op, LDAP_INVALID_CREDENTIALS,
			    "old password is wrong");
			goto out;
		}
	} else if (self && up != NULL) {
		ppolicy_control(op, &rx, PP_MUST_SUPPLY_OLD, -1);
		op_send_result(op, &rx, LDAP_UNWILLING_TO_PERFORM, NULL,
		    "the old password is required");
		rc = LDAP_UNWILLING_TO_PERFORM;
		goto out;
	}
	if (newpw.bv_len == 0) {
		passwd_generate(genbuf, 16);
		newpw.bv_val = genbuf;
		newpw.bv_len = 16;
		gen = newpw;
	}
	{
		struct attr *uid = entry_find(&e, srv->schema->a_uid);
		const char *why = NULL;
		int pperr = ppolicy_quality(&newpw, uid && uid->nv ?
		    &uid->vals[0] : NULL, &why);

		if (pperr == PP_OK && ppolicy_in_history(&e, &newpw)) {
			pperr = PP_IN_HISTORY;
			why = "the new password must differ from the current one "
			    "and the last ones used (password_policy.history)";
		}
		if (pperr != PP_OK) {
			ppolicy_control(op, &rx, pperr, -1);
			op_send_result(op, &rx, LDAP_CONSTRAINT_VIOLATION, NULL,
			    why);
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto out;
		}
	}
	if (memchr(newpw.bv_val, '\0', newpw.bv_len) != NULL ||
	    pw_hash(newpw.bv_val, newpw.bv_len, hash, sizeof(hash)) != 0) {
		rc = op_respond(op, LDAP_CONSTRAINT_VIOLATION,
		    "the new password cannot be used (too long or contains NUL)");
		goto out;
	}
	ne = entry_dup(&op->arena, &e);
	if ((up = entry_find(ne, srv->schema->a_userpassword)) != NULL)
		entry_del_attr(ne, up);
	up = entry_add_attr(&op->arena, ne, srv->schema->a_userpassword, NULL);
	hv.bv_len = strlen(hash);
	hv.bv_val = arena_strndup(&op->arena, hash, hv.bv_len);
	attr_append_value(&op->arena, up, &hv, &hv);
	ppolicy_password_changed(&op->arena, &e, ne, !self);
	write_stamp(op, ne, 0);
	if ((rc = store_modify(&srv->store, txn, &op->arena, &e, ne)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		log_err("password modify: %s", mdb_strerror(rc));
		txn = NULL;
		rc = op_respond(op, LDAP_OTHER, "database error");
		goto out;
	}
	txn = NULL;
	if (self)
		conn_set_restricted(op->conn, 0);
	if (gen.bv_len > 0) {
		BerElement *ber = ber_alloc_t(LBER_USE_DER);

		if (ber != NULL && ber_printf(ber, "{tO}",
		    (ber_tag_t)LDAP_TAG_EXOP_MODIFY_PASSWD_GEN, &gen) != -1) {
			resp = arena_alloc(&op->arena, sizeof(*resp));
			if (ber_flatten2(ber, resp, 0) == 0)
				resp->bv_val = arena_memdup(&op->arena,
				    resp->bv_val, resp->bv_len);
			else
				resp = NULL;
		}
		if (ber)
			ber_free(ber, 1);
	}
	rx.ext_value = resp;
	op_send_result(op, &rx, LDAP_SUCCESS, NULL, NULL);
	rc = LDAP_SUCCESS;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(genbuf, sizeof(genbuf));
	if (oldpw.bv_val) {
		explicit_bzero(oldpw.bv_val, oldpw.bv_len);
		ber_memfree(oldpw.bv_val);
	}
	if (newpw.bv_val && newpw.bv_val != genbuf) {
		explicit_bzero(newpw.bv_val, newpw.bv_len);
		ber_memfree(newpw.bv_val);
	}
	if (id.bv_val)
		ber_memfree(id.bv_val);
	return rc;
}
