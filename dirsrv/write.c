/*
 * write.c - what add, modify, modrdn and import share: turning request
 * values into stored values, the schema check of a whole entry
 * (RFC 4512 section 3.3, 4.1), and the operational attributes a write
 * stamps on an entry.
 */
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "dirsrv.h"
#include "password.h"

/*
 * Normalise and check one attribute's values from a request into a.
 * userPassword cleartext is hashed here, so no code path can store it.
 */
int
write_values(struct arena *ar, struct attr *a, const struct berval *vals,
    size_t n, int user, struct berval *clear, const char **text)
{
	const struct attrtype *at = a->at;
	struct berval v, nv;
	size_t i;

	if (user && at->nousermod) {
		*text = "attribute is not user-modifiable (no-user-modification)";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	for (i = 0; i < n; i++) {
		v = vals[i];
		if (at == srv_schema()->a_userpassword &&
		    !pw_is_hashed(v.bv_val, v.bv_len)) {
			char hash[PW_HASH_MAX];

			if (v.bv_len == 0 || memchr(v.bv_val, '\0', v.bv_len) ||
			    pw_hash(v.bv_val, v.bv_len, hash, sizeof(hash)) != 0) {
				*text = "userPassword: value cannot be used as "
				    "a password";
				return LDAP_CONSTRAINT_VIOLATION;
			}
			/* the caller checks the password policy on it */
			if (clear != NULL) {
				clear->bv_val = arena_memdup(ar, v.bv_val,
				    v.bv_len);
				clear->bv_len = v.bv_len;
			}
			v.bv_len = strlen(hash);
			v.bv_val = arena_strndup(ar, hash, v.bv_len);
			explicit_bzero(hash, sizeof(hash));
		} else {
			v.bv_val = arena_memdup(ar, v.bv_val, v.bv_len);
		}
		if (value_normalize(ar, at, &v, &nv) != 0) {
			char *t = arena_alloc(ar, 200);
			snprintf(t, 200, "%s: value #%zu invalid per syntax",
			    at->name, i);
			*text = t;
			return LDAP_INVALID_SYNTAX;
		}
		attr_append_value(ar, a, &v, &nv);
	}
	return LDAP_SUCCESS;
}

static int
oc_allows(struct objclass *const *ocs, size_t n, const struct attrtype *at)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct objclass *oc = ocs[i];

		for (j = 0; oc->must[j] != NULL; j++)
			if (oc->must[j] == at)
				return 1;
		for (j = 0; oc->may[j] != NULL; j++)
			if (oc->may[j] == at)
				return 1;
	}
	return 0;
}

static void
add_superclasses(struct objclass ***ocs, size_t *n, size_t *cap,
    struct objclass *oc)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*ocs)[i] == oc)
			return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*ocs = xreallocarray(*ocs, *cap, sizeof(**ocs));
	}
	(*ocs)[(*n)++] = oc;
	for (i = 0; oc->sup[i] != NULL; i++)
		add_superclasses(ocs, n, cap, oc->sup[i]);
}

/*
 * Check e against the schema; completes objectClass with superclasses
 * and sets structuralObjectClass.  Returns an LDAP result code.
 */
int
write_check_entry(struct arena *ar, const struct schema *s, struct entry *e,
    const char **text)
{
	struct attr *oca = entry_find(e, s->a_objectclass), *soc;
	struct objclass **ocs = NULL, *structural = NULL, *oc;
	size_t n = 0, cap = 0, i, j, listed;
	int rc = LDAP_SUCCESS, extensible = 0;
	char *t = arena_alloc(ar, 256);

	*text = t;
	if (oca == NULL || oca->nv == 0) {
		snprintf(t, 256, "no objectClass attribute");
		return LDAP_OBJECT_CLASS_VIOLATION;
	}
	for (i = 0; i < oca->nv; i++) {
		oc = schema_oc(s, oca->vals[i].bv_val, oca->vals[i].bv_len);
		if (oc == NULL) {
			snprintf(t, 256, "objectClass: unknown value \"%.*s\"",
			    (int)(oca->vals[i].bv_len > 64 ? 64 :
			    oca->vals[i].bv_len), oca->vals[i].bv_val);
			rc = LDAP_OBJECT_CLASS_VIOLATION;
			goto done;
		}
		add_superclasses(&ocs, &n, &cap, oc);
	}
	listed = n;
	for (i = 0; i < n; i++) {
		oc = ocs[i];
		if (oc == s->o_extensible)
			extensible = 1;
		if (oc->kind != OC_STRUCTURAL)
			continue;
		if (structural == NULL || oc_is_a(oc, structural))
			structural = oc;
		else if (!oc_is_a(structural, oc)) {
			snprintf(t, 256, "objectClass: structural classes %s "
			    "and %s are unrelated", structural->name, oc->name);
			rc = LDAP_OBJECT_CLASS_VIOLATION;
			goto done;
		}
	}
	(void)listed;
	if (structural == NULL) {
		snprintf(t, 256, "no structural object class provided");
		rc = LDAP_OBJECT_CLASS_VIOLATION;
		goto done;
	}
	/* store the superclasses too, so that (objectClass=person) finds an
	 * inetOrgPerson through the index */
	for (i = 0; i < n; i++) {
		struct berval v, nv;

		v.bv_val = (char *)(uintptr_t)ocs[i]->name;
		v.bv_len = strlen(ocs[i]->name);
		if (value_normalize(ar, s->a_objectclass, &v, &nv) != 0)
			continue;
		if (attr_find_value(oca, &nv) < 0) {
			v.bv_val = arena_strndup(ar, v.bv_val, v.bv_len);
			if (nv.bv_val == ocs[i]->name)
				nv = v;
			attr_append_value(ar, oca, &v, &nv);
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; ocs[i]->must[j] != NULL; j++) {
			struct attr *a = entry_find(e, ocs[i]->must[j]);
			size_t k;
			int have = a != NULL;

			for (k = 0; !have && k < e->na; k++)
				have = e->attrs[k].at == ocs[i]->must[j];
			if (!have) {
				snprintf(t, 256, "object class %s requires "
				    "attribute %s", ocs[i]->name,
				    ocs[i]->must[j]->name);
				rc = LDAP_OBJECT_CLASS_VIOLATION;
				goto done;
			}
		}
	for (i = 0; i < e->na; i++) {
		const struct attrtype *at = e->attrs[i].at;

		if (at->usage != AT_USER || at == s->a_objectclass)
			continue;
		if (!extensible && !oc_allows(ocs, n, at)) {
			snprintf(t, 256, "attribute %s not allowed by the "
			    "entry's object classes", at->name);
			rc = LDAP_OBJECT_CLASS_VIOLATION;
			goto done;
		}
		if (at->single && (e->attrs[i].external ? e->attrs[i].ext_count :
		    e->attrs[i].nv) > 1) {
			snprintf(t, 256, "attribute %s is single-valued",
			    at->name);
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto done;
		}
	}
	/* structuralObjectClass (operational, server-maintained) */
	if ((soc = entry_find(e, s->a_structuraloc)) != NULL)
		entry_del_attr(e, soc);
	soc = entry_add_attr(ar, e, s->a_structuraloc, NULL);
	{
		struct berval v = { strlen(structural->name),
		    (char *)(uintptr_t)structural->name }, nv;
		if (value_normalize(ar, s->a_structuraloc, &v, &nv) != 0)
			nv = v;
		attr_append_value(ar, soc, &v, &nv);
	}
	*text = NULL;
done:
	free(ocs);
	return rc;
}

/* the RDN's values must be in the entry (RFC 4511 4.7) */
int
write_check_rdn(struct arena *ar, const struct schema *s,
    const struct entry *e, const char **text)
{
	struct rdn_ava *avas;
	struct berval nv;
	size_t n, i;
	struct attr *a;

	if (dn_rdn_avas(s, ar, &e->dn, &avas, &n) != LDAP_SUCCESS) {
		*text = "invalid RDN";
		return LDAP_INVALID_DN_SYNTAX;
	}
	for (i = 0; i < n; i++) {
		if (value_normalize(ar, avas[i].at, &avas[i].val, &nv) != 0) {
			*text = "RDN value invalid per syntax";
			return LDAP_INVALID_DN_SYNTAX;
		}
		a = entry_find(e, avas[i].at);
		if (a == NULL || (!a->external && attr_find_value(a, &nv) < 0)) {
			char *t = arena_alloc(ar, 200);
			snprintf(t, 200, "naming attribute %s is not present in "
			    "the entry with the RDN's value", avas[i].at->name);
			*text = t;
			return LDAP_NAMING_VIOLATION;
		}
	}
	return LDAP_SUCCESS;
}

static void
set_single(struct arena *ar, struct entry *e, struct attrtype *at,
    const char *val, size_t len, int keep)
{
	struct attr *a = entry_find(e, at);
	struct berval v, nv;

	if (a != NULL && keep)
		return;
	if (a != NULL)
		entry_del_attr(e, a);
	a = entry_add_attr(ar, e, at, NULL);
	v.bv_val = arena_strndup(ar, val, len);
	v.bv_len = len;
	if (value_normalize(ar, at, &v, &nv) != 0)
		nv = v;
	attr_append_value(ar, a, &v, &nv);
}

void
write_stamp(struct op *op, struct entry *e, int create)
{
	const struct schema *s = srv_schema();
	struct arena *ar = &op->arena;
	char ts[16];
	const struct berval *who = &op->binddn;

	gentime_format((long long)time(NULL), ts);
	if (create) {
		unsigned char u[16];
		char uuid[37];

		RAND_bytes(u, sizeof(u));
		u[6] = (u[6] & 0x0f) | 0x40;	/* version 4 */
		u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
		snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
		    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
		    u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		    u[13], u[14], u[15]);
		set_single(ar, e, s->a_entryuuid, uuid, 36, op->import);
		set_single(ar, e, s->a_createtimestamp, ts, 15, op->import);
		set_single(ar, e, s->a_creatorsname, who->bv_val, who->bv_len,
		    op->import);
	}
	set_single(ar, e, s->a_modifytimestamp, ts, 15, op->import);
	set_single(ar, e, s->a_modifiersname, who->bv_val, who->bv_len,
	    op->import);
}

/* commit, or answer with the LMDB error; returns the LDAP code sent */
int
write_finish(struct op *op, MDB_txn *txn, int rc)
{
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc == 0) {
		notify_flush(op);
		return op_respond(op, LDAP_SUCCESS, NULL);
	}
	log_err("write: %s", mdb_strerror(rc));
	if (rc == MDB_MAP_FULL)
		return op_respond(op, LDAP_UNWILLING_TO_PERFORM,
		    "database is full (raise map_size)");
	return op_respond(op, LDAP_OTHER, "database error");
}

extern const struct schema *mr_schema;

const struct schema *
srv_schema(void)
{
	return mr_schema;
}

/*
 * Password policy for a userPassword written by add or modify: quality
 * (with the entry's uid as the account name), history, and the state
 * attributes.  clear is wiped.  Returns an LDAP result code.
 */
int
write_password_policy(struct op *op, const struct entry *old,
    struct entry *e, struct berval *clear, int *pperr, const char **text)
{
	struct attr *uid = entry_find(e, srv->schema->a_uid);
	int rc = LDAP_SUCCESS;

	*pperr = PP_OK;
	if (clear->bv_val == NULL)
		return LDAP_SUCCESS;
	if ((*pperr = ppolicy_quality(clear, uid && uid->nv ? &uid->vals[0] :
	    NULL, text)) != PP_OK)
		rc = LDAP_CONSTRAINT_VIOLATION;
	else if (old != NULL && ppolicy_in_history(old, clear)) {
		*pperr = PP_IN_HISTORY;
		*text = "the new password must differ from the current one and "
		    "the last ones used (password_policy.history)";
		rc = LDAP_CONSTRAINT_VIOLATION;
	} else if (!op->import)
		ppolicy_password_changed(&op->arena, old, e, old != NULL &&
		    !(op->bindndn.bv_len == old->ndn.bv_len &&
		    memcmp(op->bindndn.bv_val, old->ndn.bv_val,
		    old->ndn.bv_len) == 0));
	explicit_bzero(clear->bv_val, clear->bv_len);
	clear->bv_val = NULL;
	clear->bv_len = 0;
	return rc;
}
