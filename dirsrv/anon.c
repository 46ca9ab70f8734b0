/*
 * anon.c - UnifiedID's extended operations that anyone may start
 * (contract section 3, workflows.md): apply for an account, request and
 * confirm a password reset with an SMS code, and recover a forgotten
 * account name.  All run on the writer thread in one transaction; the
 * answers to reset and recovery requests never reveal whether an
 * account exists.  Request syntax (BER):
 *
 *   Apply        ::= AttributeList           -- as in an AddRequest
 *   ApplyResult  ::= LDAPDN                  -- the new (pending) entry
 *   ResetRequest ::= SEQUENCE { identifier OCTET STRING }
 *   ResetConfirm ::= SEQUENCE { identifier OCTET STRING,
 *                               code OCTET STRING, newPassword OCTET STRING }
 *   Recover      ::= SEQUENCE { idNumber OCTET STRING, mobile OCTET STRING }
 *   Appeal       ::= SEQUENCE { name OCTET STRING, idType OCTET STRING,
 *                               idNumber OCTET STRING, mobile OCTET STRING,
 *                               scans SEQUENCE SIZE (1..4) OF OCTET STRING,
 *                               note OCTET STRING OPTIONAL }
 *
 * identifier is an account name, a mobile number or a backup e-mail.
 * An appeal's idType may be empty (resident-id); its mobile is where the
 * answer goes; its scans are JPEG or PNG, at most 1 MB each.
 */
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "dirsrv.h"
#include "password.h"
#include "validate.h"

#define CODE_TTL	300	/* seconds (R5: valid 5 minutes) */
#define CODE_TRIES	5

struct field {
	const char	*name;
	int		 required;
	struct berval	 val;
};

static struct attrtype *
at_named(const char *name)
{
	return schema_at(srv->schema, name, strlen(name));
}

static int
answer(struct op *op, MDB_txn *txn, int rc, const char *text,
    struct berval *value)
{
	struct result_extra x = { 0 };

	if (rc == LDAP_SUCCESS) {
		if ((rc = mdb_txn_commit(txn)) != 0) {
			log_err("extended: commit: %s", mdb_strerror(rc));
			op_send_result(op, NULL, LDAP_OTHER, NULL,
			    "database error");
			return LDAP_OTHER;
		}
		notify_flush(op);
	} else
		mdb_txn_abort(txn);
	x.ext_value = rc == LDAP_SUCCESS ? value : NULL;
	op_send_result(op, &x, rc, NULL, text);
	return rc;
}

/* "<v><suffix>" in the arena, v cut to 64 bytes */
static const char *
text_of(struct op *op, const struct berval *v, const char *suffix)
{
	char *t = arena_alloc(&op->arena, 256);

	snprintf(t, 256, "%.*s%s", (int)(v->bv_len > 64 ? 64 : v->bv_len),
	    v->bv_val, suffix);
	return t;
}

/* the single entry with attribute name = value (normalised), or -1 */
static int
find_one(struct op *op, MDB_txn *txn, const char *name,
    const struct berval *v, struct entry *e)
{
	struct attrtype *at = at_named(name);
	struct berval nv;
	struct idl l = { 0 };
	int rc = -1;

	if (at == NULL || !at->idx_eq ||
	    value_normalize(&op->arena, at, v, &nv) != 0)
		return -1;
	if (index_eq(&srv->store, txn, at, &nv, &l) == 0 && l.n == 1 &&
	    store_get_copy(&srv->store, txn, &op->arena, l.ids[0], e) == 0)
		rc = 0;
	else if (l.n > 1)
		rc = -2;
	idl_free(&l);
	return rc;
}

static int
taken(struct op *op, MDB_txn *txn, const char *name, const struct berval *v)
{
	struct entry e;

	return find_one(op, txn, name, v, &e) != -1;
}

static int
account_name_ok(const struct berval *v)
{
	size_t i;

	if (v->bv_len < 3 || v->bv_len > 32 ||
	    !((v->bv_val[0] >= 'a' && v->bv_val[0] <= 'z') ||
	    (v->bv_val[0] >= 'A' && v->bv_val[0] <= 'Z')))
		return 0;
	for (i = 0; i < v->bv_len; i++) {
		char c = v->bv_val[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static void
add_value(struct op *op, struct entry *e, const char *name,
    const struct berval *v)
{
	struct attrtype *at = at_named(name);
	struct attr *a;
	struct berval nv;
	const char *why;

	if (at == NULL)
		return;
	a = entry_find(e, at);
	if (a == NULL)
		a = entry_add_attr(&op->arena, e, at, NULL);
	if (at == srv->schema->a_userpassword) {
		write_values(&op->arena, a, v, 1, 0, NULL, &why);
		return;
	}
	if (value_normalize(&op->arena, at, v, &nv) == 0)
		attr_append_value(&op->arena, a, v, &nv);
}

static void
add_str(struct op *op, struct entry *e, const char *name, const char *s)
{
	struct berval v = { strlen(s), arena_strndup(&op->arena, s,
	    strlen(s)) };

	add_value(op, e, name, &v);
}

/* ---- apply (R1) ---- */

static int
anon_apply(struct op *op, MDB_txn *txn, const struct berval *reqv)
{
	struct field f[] = {
		{ "uid", 1, { 0, NULL } }, { "sn", 1, { 0, NULL } },
		{ "givenName", 1, { 0, NULL } }, { "gender", 1, { 0, NULL } },
		{ "mobile", 1, { 0, NULL } }, { "idNumber", 1, { 0, NULL } },
		{ "orgCode", 1, { 0, NULL } }, { "userPassword", 1, { 0, NULL } },
		{ "idType", 0, { 0, NULL } }, { "telephoneNumber", 0, { 0, NULL } },
		{ "shortNumber", 0, { 0, NULL } },
		{ "emergencyPhone", 0, { 0, NULL } },
		{ "backupMail", 0, { 0, NULL } }, { "officeAddress", 0, { 0, NULL } },
		{ "mail", 0, { 0, NULL } },
	};
	struct berval copy, type, v, nv, dn, pretty, *resp;
	struct entry *e, *post, org;
	struct idl orgs = { 0 };
	BerElement *ber;
	ber_len_t len;
	ber_tag_t tag, vt;
	char *last, *vlast, buf[1024], mob[12];
	const char *why = NULL, *idtype;
	size_t i, k, nvals;
	int rc;

	if (!ratelimit_allow(RL_APPLY, conn_addr(op->conn),
	    srv->cfg->anon_rate / 60.0, srv->cfg->anon_rate, 1))
		return answer(op, txn, LDAP_BUSY, "too many applications from "
		    "this address; try again later", NULL);
	copy.bv_len = reqv->bv_len;
	copy.bv_val = arena_memdup(&op->arena, reqv->bv_val, reqv->bv_len);
	if ((ber = ber_init(&copy)) == NULL)
		return answer(op, txn, LDAP_OTHER, NULL, NULL);
	rc = LDAP_SUCCESS;
	if (ber_peek_tag(ber, &len) != LBER_SEQUENCE)
		rc = LDAP_PROTOCOL_ERROR;
	for (tag = rc ? LBER_DEFAULT : ber_first_element(ber, &len, &last);
	    tag != LBER_DEFAULT && rc == LDAP_SUCCESS;
	    tag = ber_next_element(ber, &len, last)) {
		if (ber_scanf(ber, "{m" /*}*/, &type) == LBER_ERROR) {
			rc = LDAP_PROTOCOL_ERROR;
			break;
		}
		for (k = 0; k < NELEM(f); k++)
			if (strlen(f[k].name) == type.bv_len &&
			    strncasecmp(f[k].name, type.bv_val, type.bv_len) == 0)
				break;
		if (k == NELEM(f)) {
			why = text_of(op, &type, ": not a field of an account "
			    "application");
			rc = LDAP_CONSTRAINT_VIOLATION;
			break;
		}
		nvals = 0;
		for (vt = ber_first_element(ber, &len, &vlast);
		    vt != LBER_DEFAULT; vt = ber_next_element(ber, &len, vlast)) {
			if (ber_scanf(ber, "m", &v) == LBER_ERROR) {
				rc = LDAP_PROTOCOL_ERROR;
				break;
			}
			f[k].val.bv_val = arena_memdup(&op->arena, v.bv_val,
			    v.bv_len);
			f[k].val.bv_len = v.bv_len;
			nvals++;
		}
		if (rc == LDAP_SUCCESS && ber_scanf(ber, /*{*/ "}") == LBER_ERROR)
			rc = LDAP_PROTOCOL_ERROR;
		if (rc == LDAP_SUCCESS && nvals != 1) {
			why = text_of(op, &type, ": give exactly one value");
			rc = LDAP_CONSTRAINT_VIOLATION;
		}
	}
	ber_free(ber, 1);
	if (rc == LDAP_PROTOCOL_ERROR)
		return answer(op, txn, rc, "malformed application", NULL);
	if (rc != LDAP_SUCCESS)
		return answer(op, txn, rc, why, NULL);
	for (k = 0; k < NELEM(f); k++) {
		if (f[k].required && f[k].val.bv_len == 0)
			return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
			    text_of(op, &(struct berval){ strlen(f[k].name),
			    (char *)(uintptr_t)f[k].name }, ": required"), NULL);
		if (f[k].val.bv_len > 256 && k != 7)
			return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
			    "a field is too long", NULL);
		if (memchr(f[k].val.bv_val ? f[k].val.bv_val : "", '\0',
		    f[k].val.bv_len))
			return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
			    "a field contains a NUL byte", NULL);
	}
#define F(i) (&f[i].val)
	if (!account_name_ok(F(0)))
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, "uid: 3 to 32 "
		    "letters, digits, '.', '_' or '-', starting with a letter",
		    NULL);
	if ((why = validate_gender(F(3)->bv_val, F(3)->bv_len)) != NULL ||
	    (why = validate_mobile(F(4)->bv_val, F(4)->bv_len)) != NULL)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, why, NULL);
	idtype = f[8].val.bv_len ? arena_strndup(&op->arena, F(8)->bv_val,
	    F(8)->bv_len) : "resident-id";
	if ((why = validate_id(idtype, F(5)->bv_val, F(5)->bv_len)) != NULL)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, why, NULL);
	for (k = 12; k <= 14; k += 2)	/* backupMail, mail */
		if (f[k].val.bv_len && (why = validate_email(f[k].val.bv_val,
		    f[k].val.bv_len)) != NULL)
			return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, why,
			    NULL);
	if (ppolicy_quality(F(7), F(0), &why) != PP_OK)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, why, NULL);
	normalize_mobile(F(4)->bv_val, F(4)->bv_len, mob);
	f[4].val.bv_val = arena_strndup(&op->arena, mob, strlen(mob));
	f[4].val.bv_len = strlen(mob);
	/* one account per name, ID number and mobile */
	snprintf(buf, sizeof(buf), "uid=%.*s,ou=people,%s", (int)F(0)->bv_len,
	    F(0)->bv_val, srv->suffix.bv_val);
	dn.bv_val = buf;
	dn.bv_len = strlen(buf);
	e = arena_calloc(&op->arena, 1, sizeof(*e));
	if (dn_normalize(srv->schema, &op->arena, &dn, &e->dn, &e->ndn) != 0)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, "uid: invalid",
		    NULL);
	{
		uint64_t id;
		if (store_dn2id(&srv->store, txn, &e->ndn, &id) == 0)
			return answer(op, txn, LDAP_ALREADY_EXISTS,
			    "this account name is taken", NULL);
	}
	if (taken(op, txn, "idNumber", F(5)))
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
		    "idNumber: this ID number already has an account", NULL);
	if (taken(op, txn, "mobile", F(4)))
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
		    "mobile: this mobile number already has an account", NULL);
	/* the organisation */
	if (value_normalize(&op->arena, at_named("orgCode"), F(6), &nv) != 0 ||
	    index_eq(&srv->store, txn, at_named("orgCode"), &nv, &orgs) != 0)
		orgs.n = 0;
	for (i = 0, org.id = 0; i < orgs.n; i++) {
		struct entry o;
		if (store_get_copy(&srv->store, txn, &op->arena, orgs.ids[i], &o)
		    == 0 && entry_find(&o, at_named("ou")) != NULL &&
		    dn_count(&o.ndn) > 0 && strstr(o.ndn.bv_val, "ou=orgs,") &&
		    !strstr(o.ndn.bv_val, ",ou=people,")) {
			org = o;
			break;
		}
	}
	idl_free(&orgs);
	if (org.id == 0)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
		    "orgCode: no such organisation", NULL);
	/* the person, pending, and the pending post */
	add_str(op, e, "objectClass", "inetOrgPerson");
	add_str(op, e, "objectClass", "posixAccount");
	add_str(op, e, "objectClass", "unifiedIdPerson");
	for (k = 0; k < NELEM(f); k++)
		if (k != 6 && f[k].val.bv_len)
			add_value(op, e, f[k].name, &f[k].val);
	snprintf(buf, sizeof(buf), "%.*s%.*s", (int)F(1)->bv_len, F(1)->bv_val,
	    (int)F(2)->bv_len, F(2)->bv_val);
	add_str(op, e, "cn", buf);
	add_str(op, e, "idType", idtype);
	add_str(op, e, "accountStatus", "pending");
	add_str(op, e, "realNameStatus", "unverified");
	add_str(op, e, "realNameLevel", "none");
	ppolicy_password_changed(&op->arena, NULL, e, 0);
	if ((rc = add_entry(op, txn, e, &why, &(const char *){ NULL })) !=
	    LDAP_SUCCESS)
		return answer(op, txn, rc, why, NULL);
	post = arena_calloc(&op->arena, 1, sizeof(*post));
	snprintf(buf, sizeof(buf), "orgCode=%.*s,%s", (int)F(6)->bv_len,
	    F(6)->bv_val, e->dn.bv_val);
	dn.bv_val = buf;
	dn.bv_len = strlen(buf);
	if (dn_normalize(srv->schema, &op->arena, &dn, &post->dn, &post->ndn)
	    != 0)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
		    "orgCode: invalid", NULL);
	add_str(op, post, "objectClass", "unifiedIdPost");
	add_value(op, post, "orgCode", F(6));
	add_value(op, post, "postOrg", &org.dn);
	add_str(op, post, "postRank", "0");
	add_str(op, post, "postStatus", "pending");
	if ((rc = add_entry(op, txn, post, &why, &(const char *){ NULL })) !=
	    LDAP_SUCCESS)
		return answer(op, txn, rc, why, NULL);
	/* tell the applicant and the organisation's administrators */
	snprintf(buf, sizeof(buf), "【统一身份认证】您的账号 %.*s 申请已提交，"
	    "请等待单位管理员审核。Your application for account %.*s is "
	    "waiting for approval.", (int)F(0)->bv_len, F(0)->bv_val,
	    (int)F(0)->bv_len, F(0)->bv_val);
	notify_queue(op, "application-submitted", F(4), &e->dn, buf);
	{
		struct attr *admins = entry_find(&org, at_named("orgAdmin"));

		for (i = 0; admins != NULL && i < admins->nv; i++) {
			struct entry adm;
			struct attr *m;

			if (store_get_dn_copy(&srv->store, txn, &op->arena,
			    &admins->nvals[i], &adm) != 0 ||
			    (m = entry_find(&adm, at_named("mobile"))) == NULL)
				continue;
			snprintf(buf, sizeof(buf), "【统一身份认证】有新的账号申请"
			    "待您审核：%.*s（%.*s）。A new account application "
			    "waits for your approval.", (int)e->dn.bv_len,
			    e->dn.bv_val, (int)F(0)->bv_len, F(0)->bv_val);
			notify_queue(op, "application-to-review", &m->vals[0],
			    &adm.dn, buf);
		}
	}
	resp = arena_alloc(&op->arena, sizeof(*resp));
	*resp = e->dn;
	(void)pretty;
	return answer(op, txn, LDAP_SUCCESS, NULL, resp);
#undef F
}

/* ---- forgotten password (R5) and account name (R6) ---- */

struct code_rec {
	unsigned char	salt[16];
	unsigned char	hash[SHA256_DIGEST_LENGTH];
	int64_t		expires;
	int32_t		tries;
};

static void
code_key(const struct entry *e, char *key, size_t n)
{
	snprintf(key, n, "reset:%llu", (unsigned long long)e->id);
}

static void
code_hash(const unsigned char salt[16], const char *code, unsigned char *out)
{
	unsigned char buf[16 + 16];
	size_t n = strlen(code);

	memcpy(buf, salt, 16);
	memcpy(buf + 16, code, n);
	SHA256(buf, 16 + n, out);
	explicit_bzero(buf, sizeof(buf));
}

/* the active person an identifier names (uid, mobile or backup e-mail) */
static int
find_person(struct op *op, MDB_txn *txn, const struct berval *id,
    struct entry *e, int *by_mail)
{
	char mob[12];
	struct berval v = *id;
	struct attr *st;
	int rc;

	*by_mail = memchr(id->bv_val, '@', id->bv_len) != NULL;
	if (*by_mail)
		rc = find_one(op, txn, "backupMail", id, e);
	else if (normalize_mobile(id->bv_val, id->bv_len, mob) == 0) {
		v.bv_val = mob;
		v.bv_len = strlen(mob);
		rc = find_one(op, txn, "mobile", &v, e);
	} else
		rc = find_one(op, txn, "uid", id, e);
	if (rc != 0)
		return -1;
	st = entry_find(e, at_named("accountStatus"));
	if (st != NULL && st->nv > 0 && !(st->nvals[0].bv_len == 6 &&
	    memcmp(st->nvals[0].bv_val, "active", 6) == 0) &&
	    !(st->nvals[0].bv_len == 6 && memcmp(st->nvals[0].bv_val,
	    "locked", 6) == 0))
		return -1;
	return 0;
}

static int
scan_strings(struct op *op, const struct berval *reqv, struct berval *out,
    size_t n)
{
	struct berval copy = { reqv->bv_len, arena_memdup(&op->arena,
	    reqv->bv_val, reqv->bv_len) };
	BerElement *ber = ber_init(&copy);
	size_t i;
	int ok = ber != NULL && ber_scanf(ber, "{" /*}*/) != LBER_ERROR;

	for (i = 0; ok && i < n; i++) {
		ok = ber_scanf(ber, "m", &out[i]) != LBER_ERROR &&
		    out[i].bv_len > 0 && out[i].bv_len <= 512 &&
		    memchr(out[i].bv_val, '\0', out[i].bv_len) == NULL;
		if (ok)
			out[i].bv_val = arena_memdup(&op->arena, out[i].bv_val,
			    out[i].bv_len);
	}
	if (ok && ber_scanf(ber, /*{*/ "}") == LBER_ERROR)
		ok = 0;
	if (ber)
		ber_free(ber, 1);
	return ok ? 0 : -1;
}

static int
anon_reset_request(struct op *op, MDB_txn *txn, const struct berval *reqv)
{
	struct berval id;
	struct entry e;
	struct code_rec rec;
	unsigned char r[4];
	char code[8], key[64], msg[300];
	MDB_val k, v;
	struct attr *to;
	int by_mail, rc;

	if (scan_strings(op, reqv, &id, 1) != 0)
		return answer(op, txn, LDAP_PROTOCOL_ERROR,
		    "malformed reset request", NULL);
	if (!ratelimit_allow(RL_RESET, conn_addr(op->conn),
	    srv->cfg->anon_rate / 60.0, srv->cfg->anon_rate, 1))
		return answer(op, txn, LDAP_BUSY, "too many requests from this "
		    "address; try again later", NULL);
	/* the answer is the same whether or not the account exists */
	if (find_person(op, txn, &id, &e, &by_mail) != 0 ||
	    (to = entry_find(&e, at_named(by_mail ? "backupMail" : "mobile")))
	    == NULL || to->nv == 0)
		return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
	do {	/* uniform over 000000..999999 */
		RAND_bytes(r, sizeof(r));
	} while (((uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
	    (uint32_t)r[2] << 8 | r[3]) >= 4294000000u);
	snprintf(code, sizeof(code), "%06u", ((uint32_t)r[0] << 24 |
	    (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3]) % 1000000);
	RAND_bytes(rec.salt, sizeof(rec.salt));
	code_hash(rec.salt, code, rec.hash);
	rec.expires = (int64_t)time(NULL) + CODE_TTL;
	rec.tries = 0;
	code_key(&e, key, sizeof(key));
	k.mv_data = key;
	k.mv_size = strlen(key);
	v.mv_data = &rec;
	v.mv_size = sizeof(rec);
	if ((rc = mdb_put(txn, srv->store.meta, &k, &v, 0)) != 0) {
		explicit_bzero(code, sizeof(code));
		return answer(op, txn, LDAP_OTHER, "database error", NULL);
	}
	snprintf(msg, sizeof(msg), "【统一身份认证】您正在重置密码，验证码 %s，"
	    "5分钟内有效，请勿告诉他人。Your password reset code is %s "
	    "(valid 5 minutes).", code, code);
	notify_queue(op, by_mail ? "reset-code-mail" : "reset-code",
	    &to->vals[0], &e.dn, msg);
	explicit_bzero(code, sizeof(code));
	explicit_bzero(msg, sizeof(msg));
	return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
}

static int
anon_reset_confirm(struct op *op, MDB_txn *txn, const struct berval *reqv)
{
	struct berval s[3];	/* identifier, code, new password */
	struct entry e, *ne;
	struct code_rec rec;
	struct result_extra x = { 0 };
	unsigned char h[SHA256_DIGEST_LENGTH];
	char key[64], code[16];
	MDB_val k, v;
	struct attr *uid;
	const char *why = NULL;
	int by_mail, pperr, rc;
	static const char *bad = "the code is wrong or has expired";

	if (scan_strings(op, reqv, s, 3) != 0)
		return answer(op, txn, LDAP_PROTOCOL_ERROR,
		    "malformed reset confirmation", NULL);
	if (!ratelimit_allow(RL_RESET, conn_addr(op->conn),
	    srv->cfg->anon_rate / 60.0, srv->cfg->anon_rate, 1))
		return answer(op, txn, LDAP_BUSY, "too many requests from this "
		    "address; try again later", NULL);
	if (find_person(op, txn, &s[0], &e, &by_mail) != 0)
		return answer(op, txn, LDAP_INVALID_CREDENTIALS, bad, NULL);
	code_key(&e, key, sizeof(key));
	k.mv_data = key;
	k.mv_size = strlen(key);
	if (mdb_get(txn, srv->store.meta, &k, &v) != 0 ||
	    v.mv_size != sizeof(rec))
		return answer(op, txn, LDAP_INVALID_CREDENTIALS, bad, NULL);
	memcpy(&rec, v.mv_data, sizeof(rec));
	if (rec.expires < (int64_t)time(NULL) || rec.tries >= CODE_TRIES) {
		mdb_del(txn, srv->store.meta, &k, NULL);
		/* commit the removal, answer the refusal */
		if (mdb_txn_commit(txn) != 0)
			log_err("reset: cannot drop an expired code");
		op_send_result(op, NULL, LDAP_INVALID_CREDENTIALS, NULL, bad);
		return LDAP_INVALID_CREDENTIALS;
	}
	snprintf(code, sizeof(code), "%.*s", (int)(s[1].bv_len < 15 ?
	    s[1].bv_len : 15), s[1].bv_val);
	code_hash(rec.salt, code, h);
	explicit_bzero(code, sizeof(code));
	if (CRYPTO_memcmp(h, rec.hash, sizeof(h)) != 0) {
		rec.tries++;
		v.mv_data = &rec;
		v.mv_size = sizeof(rec);
		if (rec.tries >= CODE_TRIES)
			mdb_del(txn, srv->store.meta, &k, NULL);
		else
			mdb_put(txn, srv->store.meta, &k, &v, 0);
		if (mdb_txn_commit(txn) != 0)
			log_err("reset: cannot count a wrong code");
		op_send_result(op, NULL, LDAP_INVALID_CREDENTIALS, NULL, bad);
		return LDAP_INVALID_CREDENTIALS;
	}
	/* the new password obeys the policy (R2) */
	uid = entry_find(&e, srv->schema->a_uid);
	pperr = ppolicy_quality(&s[2], uid && uid->nv ? &uid->vals[0] : NULL,
	    &why);
	if (pperr == PP_OK && ppolicy_in_history(&e, &s[2])) {
		pperr = PP_IN_HISTORY;
		why = "the new password must differ from the current one and "
		    "the last ones used";
	}
	if (pperr != PP_OK) {
		mdb_txn_abort(txn);
		ppolicy_control(op, &x, pperr, -1);
		op_send_result(op, &x, LDAP_CONSTRAINT_VIOLATION, NULL, why);
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if ((ne = workflow_new_password(op, &e, &s[2], 0)) == NULL)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
		    "the new password cannot be used", NULL);
	mdb_del(txn, srv->store.meta, &k, NULL);
	if ((rc = store_modify(&srv->store, txn, &op->arena, &e, ne)) != 0)
		return answer(op, txn, LDAP_OTHER, "database error", NULL);
	{
		struct attr *m = entry_find(&e, at_named("mobile"));

		notify_queue(op, "password-reset", m && m->nv ? &m->vals[0] :
		    NULL, &e.dn, "【统一身份认证】您的密码已重置。如非本人"
		    "操作，请立即联系管理员。Your password was reset.");
	}
	op->target = e.dn;
	return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
}

static int
anon_recover(struct op *op, MDB_txn *txn, const struct berval *reqv)
{
	struct berval s[2];	/* idNumber, mobile */
	struct attrtype *idn = at_named("idNumber");
	struct berval nv;
	struct idl l = { 0 };
	char mob[12], msg[300];
	size_t i;

	if (scan_strings(op, reqv, s, 2) != 0)
		return answer(op, txn, LDAP_PROTOCOL_ERROR,
		    "malformed account recovery request", NULL);
	if (!ratelimit_allow(RL_RECOVER, conn_addr(op->conn),
	    srv->cfg->anon_rate / 60.0, srv->cfg->anon_rate, 1))
		return answer(op, txn, LDAP_BUSY, "too many requests from this "
		    "address; try again later", NULL);
	if (normalize_mobile(s[1].bv_val, s[1].bv_len, mob) != 0 ||
	    idn == NULL || !idn->idx_eq ||
	    value_normalize(&op->arena, idn, &s[0], &nv) != 0 ||
	    index_eq(&srv->store, txn, idn, &nv, &l) != 0)
		return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
	for (i = 0; i < l.n; i++) {
		struct entry e;
		struct attr *m, *uid;

		if (store_get_copy(&srv->store, txn, &op->arena, l.ids[i], &e)
		    != 0 || (m = entry_find(&e, at_named("mobile"))) == NULL ||
		    m->nv == 0 || m->nvals[0].bv_len != strlen(mob) ||
		    memcmp(m->nvals[0].bv_val, mob, strlen(mob)) != 0 ||
		    (uid = entry_find(&e, srv->schema->a_uid)) == NULL)
			continue;
		snprintf(msg, sizeof(msg), "【统一身份认证】您的账号名是 %.*s。"
		    "Your account name is %.*s.", (int)uid->vals[0].bv_len,
		    uid->vals[0].bv_val, (int)uid->vals[0].bv_len,
		    uid->vals[0].bv_val);
		notify_queue(op, "account-name", &m->vals[0], &e.dn, msg);
	}
	idl_free(&l);
	return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
}

/* ---- password appeal (R5, seed 003 "申诉找回密码") ---- */

#define APPEAL_SCANS	4

struct appeal {
	struct berval	name, idtype, idnumber, mobile, note;
	struct berval	scans[APPEAL_SCANS];
	size_t		nscans;
};

/* decode an Appeal; -1 when malformed */
static int
appeal_decode(struct op *op, const struct berval *reqv, struct appeal *ap)
{
	/* ber_init copies the request */
	BerElement *ber = ber_init((struct berval *)(uintptr_t)reqv);
	ber_len_t len;
	ber_tag_t tag;
	char *last;
	int ok;

	memset(ap, 0, sizeof(*ap));
	ok = ber != NULL && ber_scanf(ber, "{mmmm" /*}*/, &ap->name,
	    &ap->idtype, &ap->idnumber, &ap->mobile) != LBER_ERROR &&
	    ber_peek_tag(ber, &len) == LBER_SEQUENCE;
	for (tag = ok ? ber_first_element(ber, &len, &last) : LBER_DEFAULT;
	    ok && tag != LBER_DEFAULT; tag = ber_next_element(ber, &len, last))
		ok = ap->nscans < APPEAL_SCANS && ber_scanf(ber, "m",
		    &ap->scans[ap->nscans++]) != LBER_ERROR;
	if (ok && ber_peek_tag(ber, &len) == LBER_OCTETSTRING)
		ok = ber_scanf(ber, "m", &ap->note) != LBER_ERROR;
	if (ok && ber_scanf(ber, /*{*/ "}") == LBER_ERROR)
		ok = 0;
	/* the values point into ber's own copy of the request: keep them */
	if (ok) {
		struct berval *v[] = { &ap->name, &ap->idtype, &ap->idnumber,
		    &ap->mobile, &ap->note };
		size_t i;

		for (i = 0; i < NELEM(v); i++)
			v[i]->bv_val = arena_memdup(&op->arena, v[i]->bv_val ?
			    v[i]->bv_val : "", v[i]->bv_len);
		for (i = 0; i < ap->nscans; i++)
			ap->scans[i].bv_val = arena_memdup(&op->arena,
			    ap->scans[i].bv_val, ap->scans[i].bv_len);
	}
	if (ber != NULL)
		ber_free(ber, 1);
	return ok ? 0 : -1;
}

/* the one person the appeal's name, ID type and ID number describe */
static int
appeal_person(struct op *op, MDB_txn *txn, const struct appeal *ap,
    const char *idtype, struct entry *e)
{
	struct attrtype *idn = at_named("idNumber"), *cn = srv->schema->a_cn;
	struct berval nv, nname;
	struct idl l = { 0 };
	size_t i;
	int rc = -1;

	if (idn == NULL || !idn->idx_eq ||
	    value_normalize(&op->arena, idn, &ap->idnumber, &nv) != 0 ||
	    value_normalize(&op->arena, cn, &ap->name, &nname) != 0 ||
	    index_eq(&srv->store, txn, idn, &nv, &l) != 0)
		return -1;
	for (i = 0; i < l.n && rc != 0; i++) {
		struct attr *n, *t, *st;

		if (store_get_copy(&srv->store, txn, &op->arena, l.ids[i], e) != 0 ||
		    !entry_has_class(srv->schema, e, "unifiedidperson") ||
		    (n = entry_find(e, cn)) == NULL ||
		    attr_find_value(n, &nname) < 0)
			continue;
		t = entry_find(e, at_named("idType"));
		if (strlen(idtype) != (t && t->nv ? t->vals[0].bv_len : 11) ||
		    strncasecmp(idtype, t && t->nv ? t->vals[0].bv_val :
		    "resident-id", strlen(idtype)) != 0)
			continue;
		st = entry_find(e, at_named("accountStatus"));
		if (st == NULL || st->nv == 0 || (st->nvals[0].bv_len == 6 &&
		    (memcmp(st->nvals[0].bv_val, "active", 6) == 0 ||
		    memcmp(st->nvals[0].bv_val, "locked", 6) == 0)))
			rc = 0;
	}
	idl_free(&l);
	return rc;
}

/* ou=appeals, made on the first appeal */
static int
appeal_container(struct op *op, MDB_txn *txn, struct berval *ndn)
{
	struct entry *ou = arena_calloc(&op->arena, 1, sizeof(*ou));
	const char *why = NULL;
	char buf[1024];
	struct berval dn;
	uint64_t id;

	snprintf(buf, sizeof(buf), "ou=appeals,%s", srv->suffix.bv_val);
	dn.bv_val = buf;
	dn.bv_len = strlen(buf);
	if (dn_normalize(srv->schema, &op->arena, &dn, &ou->dn, &ou->ndn) != 0)
		return LDAP_OTHER;
	*ndn = ou->dn;
	if (store_dn2id(&srv->store, txn, &ou->ndn, &id) == 0)
		return LDAP_SUCCESS;
	add_str(op, ou, "objectClass", "organizationalUnit");
	add_str(op, ou, "ou", "appeals");
	add_str(op, ou, "description", "password appeals (R5)");
	return add_entry(op, txn, ou, &why, &(const char *){ NULL });
}

/* tell the administrators of the person's organisations */
static void
appeal_tell_admins(struct op *op, MDB_txn *txn, const struct entry *person,
    const struct entry *appeal)
{
	struct attrtype *po = at_named("postOrg"), *oa = at_named("orgAdmin");
	struct idl kids = { 0 };
	char msg[600];
	size_t i, k;

	if (po == NULL || oa == NULL || store_children(&srv->store, txn,
	    person->id, &kids) != 0)
		return;
	snprintf(msg, sizeof(msg), "【统一身份认证】有新的密码申诉待您审核：%.*s。"
	    "A password appeal waits for your review: %.*s",
	    (int)appeal->dn.bv_len, appeal->dn.bv_val, (int)appeal->dn.bv_len,
	    appeal->dn.bv_val);
	for (i = 0; i < kids.n; i++) {
		struct entry post, org;
		struct attr *o, *admins;

		if (store_get_copy(&srv->store, txn, &op->arena, kids.ids[i],
		    &post) != 0 || (o = entry_find(&post, po)) == NULL ||
		    store_get_dn_copy(&srv->store, txn, &op->arena, &o->nvals[0],
		    &org) != 0 || (admins = entry_find(&org, oa)) == NULL)
			continue;
		for (k = 0; k < admins->nv; k++) {
			struct entry adm;
			struct attr *m;

			if (store_get_dn_copy(&srv->store, txn, &op->arena,
			    &admins->nvals[k], &adm) == 0 &&
			    (m = entry_find(&adm, at_named("mobile"))) != NULL)
				notify_queue(op, "appeal-to-review", &m->vals[0],
				    &adm.dn, msg);
		}
	}
	idl_free(&kids);
}

/*
 * A person who cannot reset by SMS (the registered mobile is lost)
 * gives their name, ID type and number, a mobile for the answer and
 * scans of the document.  When these describe an active (or locked)
 * person, an appeal entry appealId=...,ou=appeals with appealStatus
 * review-pending is recorded for the administrators of the person's
 * organisations (workflow.c decides it).  The answer is the same either
 * way: it does not tell whether the data match an account.
 */
static int
anon_appeal(struct op *op, MDB_txn *txn, const struct berval *reqv)
{
	struct appeal ap;
	struct entry person, *e;
	struct berval parent, dn;
	unsigned char r[3];
	char idtype[40], mob[12], ts[16], id[128], buf[1024];
	const char *why;
	size_t i;
	int rc;

	if (!ratelimit_allow(RL_APPEAL, conn_addr(op->conn),
	    srv->cfg->anon_rate / 60.0, srv->cfg->anon_rate, 1))
		return answer(op, txn, LDAP_BUSY, "too many requests from this "
		    "address; try again later", NULL);
	if (appeal_decode(op, reqv, &ap) != 0)
		return answer(op, txn, LDAP_PROTOCOL_ERROR, "malformed appeal",
		    NULL);
	if (ap.name.bv_len == 0 || ap.name.bv_len > 256 ||
	    memchr(ap.name.bv_val, '\0', ap.name.bv_len) != NULL ||
	    ap.idtype.bv_len > 32 || ap.idnumber.bv_len == 0 ||
	    ap.idnumber.bv_len > 64 || ap.note.bv_len > 1024 ||
	    (ap.note.bv_len && memchr(ap.note.bv_val, '\0', ap.note.bv_len)))
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, "an appeal "
		    "needs the name (at most 256 bytes), the ID number and a "
		    "note of at most 1024 bytes", NULL);
	snprintf(idtype, sizeof(idtype), "%.*s", ap.idtype.bv_len ?
	    (int)ap.idtype.bv_len : 11, ap.idtype.bv_len ? ap.idtype.bv_val :
	    "resident-id");
	if ((why = validate_id(idtype, ap.idnumber.bv_val,
	    ap.idnumber.bv_len)) != NULL)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, text_of(op,
		    &(struct berval){ 10, "idNumber: " }, why), NULL);
	if ((why = validate_mobile(ap.mobile.bv_val, ap.mobile.bv_len)) !=
	    NULL)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, text_of(op,
		    &(struct berval){ 8, "mobile: " }, why), NULL);
	if (ap.nscans == 0)
		return answer(op, txn, LDAP_CONSTRAINT_VIOLATION, "scans: give "
		    "the scans of the ID document (1 to 4)", NULL);
	for (i = 0; i < ap.nscans; i++)
		if (!workflow_scan_ok(&ap.scans[i]))
			return answer(op, txn, LDAP_CONSTRAINT_VIOLATION,
			    "scans: a scan must be a JPEG or PNG image of at "
			    "most 1 MB", NULL);
	/* from here on, the same answer whether or not it matches */
	if (appeal_person(op, txn, &ap, idtype, &person) != 0)
		return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
	if ((rc = appeal_container(op, txn, &parent)) != LDAP_SUCCESS) {
		log_err("appeal: cannot make ou=appeals");
		return answer(op, txn, LDAP_OTHER, "database error", NULL);
	}
	{
		struct attr *uid = entry_find(&person, srv->schema->a_uid);

		RAND_bytes(r, sizeof(r));
		gentime_format((long long)time(NULL), ts);
		snprintf(id, sizeof(id), "%.*s-%.14s-%02x%02x%02x",
		    uid && uid->nv ? (int)uid->vals[0].bv_len : 6,
		    uid && uid->nv ? uid->vals[0].bv_val : "person", ts, r[0],
		    r[1], r[2]);
		snprintf(buf, sizeof(buf), "appealId=%s,%s", id, parent.bv_val);
	}
	e = arena_calloc(&op->arena, 1, sizeof(*e));
	dn.bv_val = buf;
	dn.bv_len = strlen(buf);
	if (dn_normalize(srv->schema, &op->arena, &dn, &e->dn, &e->ndn) != 0)
		return answer(op, txn, LDAP_OTHER, "database error", NULL);
	normalize_mobile(ap.mobile.bv_val, ap.mobile.bv_len, mob);
	add_str(op, e, "objectClass", "unifiedIdAppeal");
	add_str(op, e, "appealId", id);
	add_value(op, e, "appealPerson", &person.dn);
	add_str(op, e, "appealStatus", "review-pending");
	add_str(op, e, "appealContact", mob);
	for (i = 0; i < ap.nscans; i++)
		add_value(op, e, "realNameScan", &ap.scans[i]);
	if (ap.note.bv_len)
		add_value(op, e, "description", &ap.note);
	if ((rc = add_entry(op, txn, e, &why, &(const char *){ NULL })) !=
	    LDAP_SUCCESS) {
		log_err("appeal: %s", why ? why : "cannot record it");
		return answer(op, txn, LDAP_OTHER, "database error", NULL);
	}
	appeal_tell_admins(op, txn, &person, e);
	op->target = e->dn;
	return answer(op, txn, LDAP_SUCCESS, NULL, NULL);
}

static const struct {
	const char	*oid;
	const char	*name;
	int		(*fn)(struct op *, MDB_txn *, const struct berval *);
} anon_ops[] = {
	{ UID_ARC ".3.1", "apply", anon_apply },
	{ UID_ARC ".3.2", "reset-request", anon_reset_request },
	{ UID_ARC ".3.3", "reset-confirm", anon_reset_confirm },
	{ UID_ARC ".3.4", "recover-account", anon_recover },
	{ UID_ARC ".3.5", "appeal", anon_appeal },
};

/* is oid one of ours? */
int
anon_is(const struct berval *oid)
{
	size_t i;

	for (i = 0; i < NELEM(anon_ops); i++)
		if (oid->bv_len == strlen(anon_ops[i].oid) &&
		    memcmp(oid->bv_val, anon_ops[i].oid, oid->bv_len) == 0)
			return 1;
	return 0;
}

void
anon_rootdse(void (*add)(const char *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < NELEM(anon_ops); i++)
		add(anon_ops[i].oid, arg);
}

int
anon_run(struct op *op, MDB_txn *txn, const struct berval *oid,
    const struct berval *value)
{
	static const struct berval none = { 0, "" };
	size_t i;

	for (i = 0; i < NELEM(anon_ops); i++)
		if (oid->bv_len == strlen(anon_ops[i].oid) &&
		    memcmp(oid->bv_val, anon_ops[i].oid, oid->bv_len) == 0) {
			op->audit_op = anon_ops[i].name;
			op->audit_write = 1;
			return anon_ops[i].fn(op, txn, value ? value : &none);
		}
	mdb_txn_abort(txn);
	return op_respond(op, LDAP_PROTOCOL_ERROR,
	    "unsupported extended operation");
}
