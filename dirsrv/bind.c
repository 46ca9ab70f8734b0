/*
 * bind.c - the Bind operation (RFC 4511 4.2, RFC 4513): anonymous, simple
 * with the rootdn or an entry's userPassword, and SASL EXTERNAL on ldapi
 * (the peer's uid from SO_PEERCRED; uid 0 and the server's own uid are
 * the rootdn, as slapd does).
 *
 * Legacy names (R14, docs/migration.md): until legacy_login_until, a
 * simple bind to uid=OLD,ou=people,<suffix> where no such entry exists
 * binds as the one person whose legacyUid is OLD.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "dirsrv.h"
#include "password.h"

/*
 * Failed binds per client address: a token bucket of bind_rate tokens a
 * second.  An address that has used them up is answered "busy" at once,
 * without the cost of a password hash, so a guessing burst from one place
 * does not take CPU from everybody else.
 */
static int
rate_allow(const char *addr)
{
	return ratelimit_allow(RL_BIND, addr, srv->cfg->bind_rate,
	    srv->cfg->bind_rate, 0);
}

static void
rate_failed(const char *addr)
{
	ratelimit_take(RL_BIND, addr, srv->cfg->bind_rate, srv->cfg->bind_rate);
}

static int
is_rootdn(const struct berval *ndn)
{
	return srv->nrootdn.bv_len > 0 && ndn->bv_len == srv->nrootdn.bv_len &&
	    memcmp(ndn->bv_val, srv->nrootdn.bv_val, ndn->bv_len) == 0;
}

static int
bind_rootdn(const struct berval *pw)
{
	const struct config *cfg = srv->cfg;
	int rehash;

	if (cfg->rootpw == NULL)
		return 0;
	if (cfg->rootpw_cleartext)
		return strlen(cfg->rootpw) == pw->bv_len &&
		    CRYPTO_memcmp(cfg->rootpw, pw->bv_val, pw->bv_len) == 0;
	return pw_verify(pw->bv_val, pw->bv_len, cfg->rootpw,
	    strlen(cfg->rootpw), &rehash) == PW_MATCH;
}

/*
 * Apply a bind's outcome to the entry in its own short write transaction:
 * failures and locks (password policy), or a rehash of an imported hash
 * to the current scheme after a successful bind.
 */
static void
bind_update(struct op *op, const struct berval *ndn, int success,
    const struct berval *pw, int rehash)
{
	struct entry old, *e;
	MDB_txn *txn;
	char hash[PW_HASH_MAX];
	int rc;

	if ((rc = mdb_txn_begin(srv->store.env, NULL, 0, &txn)) != 0) {
		log_err("bind: write transaction: %s", mdb_strerror(rc));
		return;
	}
	if (store_get_dn_copy(&srv->store, txn, &op->arena, ndn, &old) != 0) {
		mdb_txn_abort(txn);
		return;
	}
	e = entry_dup(&op->arena, &old);
	if (!success) {
		ppolicy_bind_failed(&op->arena, e);
	} else {
		ppolicy_bind_succeeded(&op->arena, e);
		if (rehash && pw_hash(pw->bv_val, pw->bv_len, hash,
		    sizeof(hash)) == 0) {
			struct attr *a = entry_find(e,
			    srv->schema->a_userpassword);
			struct berval v;

			if (a != NULL) {
				v.bv_len = strlen(hash);
				v.bv_val = arena_strndup(&op->arena, hash, v.bv_len);
				a->nv = 0;
				attr_append_value(&op->arena, a, &v, &v);
				log_info("conn=%llu: password of \"%s\" rehashed "
				    "to the current scheme",
				    (unsigned long long)conn_id(op->conn),
				    old.dn.bv_val);
			}
			explicit_bzero(hash, sizeof(hash));
		}
	}
	if ((rc = store_modify(&srv->store, txn, &op->arena, &old, e)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		if (rc != 0)
			log_err("bind: update: %s", mdb_strerror(rc));
		if (txn != NULL && rc != 0)
			mdb_txn_abort(txn);
	}
}

/*
 * The person an old name stands for (R14): ndn is uid=OLD directly below
 * ou=people,<suffix>, no entry has that DN, the transition period has not
 * ended, and exactly one person has legacyUid OLD.  Fills *e and returns
 * 0; -1 otherwise, and the bind fails as for an unknown name.
 */
static int
bind_legacy(struct op *op, MDB_txn *txn, const struct berval *pdn,
    const struct berval *ndn, struct entry *e)
{
	struct berval in, people = { 0 }, npeople = { 0 }, parent, nv;
	struct attrtype *lu;
	struct rdn_ava *avas;
	struct idl ids = { 0 };
	char *s;
	size_t n;
	int rc = -1;

	if (srv->cfg->legacy_login_until <= 0 ||
	    (long long)time(NULL) >= srv->cfg->legacy_login_until)
		return -1;
	if ((lu = schema_at(srv->schema, "legacyUid", 9)) == NULL)
		return -1;
	dn_parent(ndn, &parent);
	s = arena_alloc(&op->arena, srv->suffix.bv_len + 11);
	memcpy(s, "ou=people,", 10);
	memcpy(s + 10, srv->suffix.bv_val, srv->suffix.bv_len);
	s[10 + srv->suffix.bv_len] = '\0';
	in.bv_val = s;
	in.bv_len = 10 + srv->suffix.bv_len;
	if (dn_normalize(srv->schema, &op->arena, &in, &people, &npeople) !=
	    LDAP_SUCCESS || parent.bv_len != npeople.bv_len ||
	    memcmp(parent.bv_val, npeople.bv_val, parent.bv_len) != 0)
		return -1;
	if (dn_rdn_avas(srv->schema, &op->arena, pdn, &avas, &n) !=
	    LDAP_SUCCESS || n != 1 || avas[0].at != srv->schema->a_uid ||
	    value_normalize(&op->arena, lu, &avas[0].val, &nv) != 0)
		return -1;
	if (index_eq(&srv->store, txn, lu, &nv, &ids) != 0) {
		log_warn("bind: legacyUid has no equality index: old names "
		    "cannot log in (add it to index:)");
		idl_free(&ids);
		return -1;
	}
	if (ids.n > 1)
		log_warn("conn=%llu bind dn=\"%s\": %zu people have this "
		    "legacyUid; the old name cannot be used",
		    (unsigned long long)conn_id(op->conn), pdn->bv_val, ids.n);
	else if (ids.n == 1 && store_get(&srv->store, txn, &op->arena,
	    ids.ids[0], e) == 0 && entry_has_class(srv->schema, e,
	    "unifiedidperson")) {
		dn_parent(&e->ndn, &parent);
		if (parent.bv_len == npeople.bv_len && memcmp(parent.bv_val,
		    npeople.bv_val, parent.bv_len) == 0)
			rc = 0;
	}
	idl_free(&ids);
	return rc;
}

/* a bind to an entry; answers and returns the LDAP code */
static int
bind_entry(struct op *op, const struct berval *pdn, const struct berval *ndn,
    const struct berval *pw)
{
	struct result_extra x = { 0 };
	struct ppstate ps;
	struct entry e;
	struct attr *up, *st;
	struct berval lpdn, lndn;
	MDB_txn *txn;
	size_t i;
	int ok = 0, rehash = 0, r, restricted = 0, code, found;
	const char *why = NULL;

	if (store_read_begin(&srv->store, &txn) != 0)
		return op_respond(op, LDAP_OTHER, "database unavailable");
	found = store_get_dn(&srv->store, txn, &op->arena, ndn, &e) == 0;
	if (!found && bind_legacy(op, txn, pdn, ndn, &e) == 0) {
		/* from here on the bind is the person's: policy, lockout,
		 * rehash and the bound DN */
		lpdn.bv_len = e.dn.bv_len;
		lpdn.bv_val = arena_strndup(&op->arena, e.dn.bv_val,
		    e.dn.bv_len);
		lndn.bv_len = e.ndn.bv_len;
		lndn.bv_val = arena_strndup(&op->arena, e.ndn.bv_val,
		    e.ndn.bv_len);
		log_info("conn=%llu bind dn=\"%s\": old name of \"%s\"",
		    (unsigned long long)conn_id(op->conn), pdn->bv_val,
		    lpdn.bv_val);
		pdn = &lpdn;
		ndn = &lndn;
		found = 1;
	}
	if (!found ||
	    (up = entry_find(&e, srv->schema->a_userpassword)) == NULL) {
		store_read_end(txn);
		return op_respond(op, LDAP_INVALID_CREDENTIALS, NULL);
	}
	ppolicy_state(&e, &ps);
	st = entry_find(&e, schema_at(srv->schema, "accountStatus", 13));
	if (ps.locked) {
		store_read_end(txn);
		log_info("conn=%llu bind dn=\"%s\": account locked",
		    (unsigned long long)conn_id(op->conn), pdn->bv_val);
		ppolicy_control(op, &x, PP_LOCKED, -1);
		op_send_result(op, &x, LDAP_INVALID_CREDENTIALS, NULL,
		    "account is locked");
		return LDAP_INVALID_CREDENTIALS;
	}
	for (i = 0; i < up->nv && !ok; i++) {
		r = 0;
		ok = pw_verify(pw->bv_val, pw->bv_len, up->vals[i].bv_val,
		    up->vals[i].bv_len, &r) == PW_MATCH;
		rehash = ok && r && srv->cfg->rehash_on_bind;
	}
	/* accounts that are not active cannot log in (workflows.md) */
	if (ok && st != NULL && st->nv > 0 && !(st->vals[0].bv_len == 6 &&
	    strncasecmp(st->vals[0].bv_val, "active", 6) == 0)) {
		char *t = arena_alloc(&op->arena, 80);
		snprintf(t, 80, "account is %.*s", (int)(st->vals[0].bv_len > 20 ?
		    20 : st->vals[0].bv_len), st->vals[0].bv_val);
		why = t;
		ok = 0;
		rehash = 0;
	}
	store_read_end(txn);
	if (!ok) {
		log_info("conn=%llu bind dn=\"%s\" failed%s%s",
		    (unsigned long long)conn_id(op->conn), pdn->bv_val,
		    why ? ": " : "", why ? why : "");
		if (why == NULL)
			bind_update(op, ndn, 0, pw, 0);
		return op_respond(op, LDAP_INVALID_CREDENTIALS, why);
	}
	if (ps.failures > 0 || ps.lock_expired || rehash)
		bind_update(op, ndn, 1, pw, rehash);
	code = -1;
	if (ps.expired) {
		code = PP_EXPIRED;
		restricted = 1;
	} else if (ps.must_change) {
		code = PP_CHANGE_AFTER_RESET;
		restricted = 1;
	}
	conn_set_bind(op->conn, pdn, ndn, 0);
	conn_set_restricted(op->conn, restricted);
	ppolicy_control(op, &x, code, code < 0 && ps.expire_in >= 0 &&
	    ps.expire_in < 7 * 86400 ? ps.expire_in : -1);
	op_send_result(op, &x, LDAP_SUCCESS, NULL, restricted ?
	    "password must be changed before anything else" : NULL);
	return LDAP_SUCCESS;
}

/*
 * SASL EXTERNAL with a verified client certificate: the identity is the
 * entry named by the certificate's subject DN, or else the person whose
 * uid is the certificate's CN.
 */
static int
bind_external_tls(struct op *op)
{
	char *subject = tls_peer_subject(op->conn), *cn = NULL;
	struct berval in, pdn, ndn;
	struct entry e;
	struct idl ids = { 0 };
	MDB_txn *txn = NULL;
	int found = 0;

	if (subject == NULL)
		return op_respond(op, LDAP_INAPPROPRIATE_AUTH,
		    "no verified client certificate");
	if (store_read_begin(&srv->store, &txn) != 0) {
		free(subject);
		return op_respond(op, LDAP_OTHER, "database unavailable");
	}
	in.bv_val = subject;
	in.bv_len = strlen(subject);
	if (dn_normalize(srv->schema, &op->arena, &in, &pdn, &ndn) ==
	    LDAP_SUCCESS && store_get_dn(&srv->store, txn, &op->arena, &ndn,
	    &e) == 0)
		found = 1;
	if (!found && (cn = tls_peer_cn(op->conn)) != NULL) {
		struct berval v = { strlen(cn), cn }, nv;

		if (value_normalize(&op->arena, srv->schema->a_uid, &v, &nv) ==
		    0 && index_eq(&srv->store, txn, srv->schema->a_uid, &nv,
		    &ids) == 0 && ids.n == 1 && store_get(&srv->store, txn,
		    &op->arena, ids.ids[0], &e) == 0)
			found = 1;
	}
	if (found) {
		pdn.bv_val = arena_memdup(&op->arena, e.dn.bv_val, e.dn.bv_len);
		pdn.bv_len = e.dn.bv_len;
		ndn.bv_val = arena_memdup(&op->arena, e.ndn.bv_val, e.ndn.bv_len);
		ndn.bv_len = e.ndn.bv_len;
	}
	store_read_end(txn);
	idl_free(&ids);
	free(cn);
	if (!found) {
		log_info("conn=%llu EXTERNAL bind: certificate \"%s\" maps to "
		    "no entry", (unsigned long long)conn_id(op->conn), subject);
		free(subject);
		return op_respond(op, LDAP_INVALID_CREDENTIALS,
		    "the client certificate maps to no entry");
	}
	free(subject);
	conn_set_bind(op->conn, &pdn, &ndn, 0);
	return op_respond(op, LDAP_SUCCESS, NULL);
}

int
ldap_bind(struct op *op)
{
	struct berval dn, pw, mech, creds, pdn, ndn;
	struct berval empty = { 0, "" };
	ber_int_t version;
	ber_tag_t tag;
	ber_len_t len;
	int rc;

	/* a new bind starts anonymous whatever its outcome (RFC 4511 4.2.1) */
	conn_set_bind(op->conn, &empty, &empty, 0);
	if (ber_scanf(op->ber, "{im" /*}*/, &version, &dn) == LBER_ERROR)
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed bind");
	op->target = dn;
	if (version != LDAP_VERSION3)
		return op_respond(op, LDAP_PROTOCOL_ERROR,
		    "only LDAP version 3 is supported");
	tag = ber_peek_tag(op->ber, &len);
	if (tag == LDAP_AUTH_SIMPLE) {
		if (ber_scanf(op->ber, "m", &pw) == LBER_ERROR)
			return op_respond(op, LDAP_PROTOCOL_ERROR,
			    "malformed bind");
		if (dn.bv_len == 0 && pw.bv_len == 0)
			return op_respond(op, LDAP_SUCCESS, NULL);
		if (pw.bv_len == 0)
			/* RFC 4513 5.1.2: unauthenticated binds are refused */
			return op_respond(op, LDAP_UNWILLING_TO_PERFORM,
			    "unauthenticated bind (DN with no password) not "
			    "allowed");
		if (srv->cfg->require_secure_bind && !conn_is_tls(op->conn) &&
		    !conn_is_ldapi(op->conn))
			return op_respond(op, LDAP_CONFIDENTIALITY_REQUIRED,
			    "simple bind requires TLS (ldaps:// or StartTLS) "
			    "or ldapi://");
		if (dn_normalize(srv->schema, &op->arena, &dn, &pdn, &ndn) !=
		    LDAP_SUCCESS)
			return op_respond(op, LDAP_INVALID_DN_SYNTAX,
			    "invalid DN");
		if (!rate_allow(conn_addr(op->conn)))
			return op_respond(op, LDAP_BUSY, "too many failed binds "
			    "from this address; try again later");
		if (!is_rootdn(&ndn)) {
			rc = bind_entry(op, &pdn, &ndn, &pw);
			if (rc == LDAP_INVALID_CREDENTIALS)
				rate_failed(conn_addr(op->conn));
			return rc;
		}
		if (!bind_rootdn(&pw)) {
			rate_failed(conn_addr(op->conn));
			log_info("conn=%llu bind dn=\"%s\" failed",
			    (unsigned long long)conn_id(op->conn), pdn.bv_val);
			return op_respond(op, LDAP_INVALID_CREDENTIALS, NULL);
		}
		conn_set_bind(op->conn, &pdn, &ndn, 1);
		return op_respond(op, LDAP_SUCCESS, NULL);
	}
	if (tag != LDAP_AUTH_SASL)
		return op_respond(op, LDAP_AUTH_METHOD_NOT_SUPPORTED,
		    "authentication method not supported");
	creds.bv_len = 0;
	if (ber_scanf(op->ber, "{m" /*}*/, &mech) == LBER_ERROR)
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed bind");
	if (ber_peek_tag(op->ber, &len) == LBER_OCTETSTRING &&
	    ber_scanf(op->ber, "m", &creds) == LBER_ERROR)
		return op_respond(op, LDAP_PROTOCOL_ERROR, "malformed bind");
	if (mech.bv_len != 8 || strncasecmp(mech.bv_val, "EXTERNAL", 8) != 0)
		return op_respond(op, LDAP_AUTH_METHOD_NOT_SUPPORTED,
		    "SASL mechanism not supported (EXTERNAL only)");
	if (conn_is_tls(op->conn))
		return bind_external_tls(op);
	if (!conn_is_ldapi(op->conn) || conn_peer_uid(op->conn) == (uid_t)-1)
		return op_respond(op, LDAP_INAPPROPRIATE_AUTH,
		    "SASL EXTERNAL needs ldapi:// (or a TLS client certificate)");
	if ((conn_peer_uid(op->conn) == 0 || conn_peer_uid(op->conn) ==
	    geteuid()) && srv->rootdn.bv_len > 0) {
		conn_set_bind(op->conn, &srv->rootdn, &srv->nrootdn, 1);
	} else {
		char buf[128];
		struct berval b;

		/* slapd's form for local peers */
		snprintf(buf, sizeof(buf), "gidNumber=%ld+uidNumber=%ld,"
		    "cn=peercred,cn=external,cn=auth",
		    (long)conn_peer_gid(op->conn),
		    (long)conn_peer_uid(op->conn));
		b.bv_val = buf;
		b.bv_len = strlen(buf);
		conn_set_bind(op->conn, &b, &b, 0);
	}
	rc = op_respond(op, LDAP_SUCCESS, NULL);
	return rc;
}
