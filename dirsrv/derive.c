/*
 * derive.c - values the server fills in (contract section 4): uidNumber
 * and gidNumber allocated from configured ranges, homeDirectory,
 * loginShell, a person's default gidNumber, idType and accountStatus
 * defaults, and an organisation's cn.  Everything happens inside the
 * write transaction of the add, before the schema check.
 */
#include <string.h>

#include "dirsrv.h"

static struct attrtype *
at_named(const char *name)
{
	return schema_at(srv->schema, name, strlen(name));
}

static int
has_class(const struct entry *e, const char *lname)
{
	struct attr *oc = entry_find(e, srv->schema->a_objectclass);
	size_t i, n = strlen(lname);

	for (i = 0; oc != NULL && i < oc->nv; i++)
		if (oc->nvals[i].bv_len == n &&
		    memcmp(oc->nvals[i].bv_val, lname, n) == 0)
			return 1;
	return 0;
}

static struct attr *
present(const struct entry *e, const char *name)
{
	struct attrtype *at = at_named(name);

	return at ? entry_find(e, at) : NULL;
}

static int
set_str(struct arena *a, struct entry *e, const char *name, const char *val)
{
	struct attrtype *at = at_named(name);
	struct attr *x;
	struct berval v, nv;

	if (at == NULL)
		return -1;
	v.bv_len = strlen(val);
	v.bv_val = arena_strndup(a, val, v.bv_len);
	if (value_normalize(a, at, &v, &nv) != 0)
		return -1;
	x = entry_add_attr(a, e, at, NULL);
	attr_append_value(a, x, &v, &nv);
	return 0;
}

/*
 * Next free number of attribute name in [lo, hi]: a counter in the meta
 * table that only grows (numbers are never reused), skipping numbers that
 * imported entries already hold.  Safe under concurrent adds: there is
 * one writer, and the counter moves in the same transaction.
 */
static int
alloc_number(MDB_txn *txn, const char *name, long lo, long hi, long *out)
{
	struct attrtype *at = at_named(name);
	char key[64], num[32];
	MDB_val k, v;
	long long next = lo;
	struct idl l = { 0 };
	int tries, rc;

	snprintf(key, sizeof(key), "next:%s", name);
	k.mv_data = key;
	k.mv_size = strlen(key);
	if ((rc = mdb_get(txn, srv->store.meta, &k, &v)) == 0 &&
	    v.mv_size == sizeof(next))
		memcpy(&next, v.mv_data, sizeof(next));
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (next < lo)
		next = lo;
	for (tries = 0; tries < 100000; tries++, next++) {
		struct berval nv;

		if (next > hi)
			return MDB_MAP_FULL;	/* range exhausted */
		if (at == NULL || !at->idx_eq)
			break;
		snprintf(num, sizeof(num), "%lld", next);
		nv.bv_val = num;
		nv.bv_len = strlen(num);
		if ((rc = index_eq(&srv->store, txn, at, &nv, &l)) != 0)
			break;
		if (l.n == 0)
			break;
	}
	idl_free(&l);
	if (next > hi)
		return MDB_MAP_FULL;
	*out = (long)next;
	next++;
	v.mv_data = &next;
	v.mv_size = sizeof(next);
	return mdb_put(txn, srv->store.meta, &k, &v, 0);
}

int
derive_fill(struct op *op, MDB_txn *txn, struct entry *e, const char **text)
{
	const struct config *cfg = srv->cfg;
	struct arena *a = &op->arena;
	char buf[512];
	long n;
	int rc;

	if (has_class(e, "posixaccount")) {
		struct attr *uid = present(e, "uid");

		if (present(e, "uidNumber") == NULL) {
			if ((rc = alloc_number(txn, "uidNumber", cfg->uid_min,
			    cfg->uid_max, &n)) != 0) {
				*text = rc == MDB_MAP_FULL ? "uidNumber range "
				    "(uid_min..uid_max) is exhausted" :
				    "cannot allocate a uidNumber";
				return LDAP_UNWILLING_TO_PERFORM;
			}
			snprintf(buf, sizeof(buf), "%ld", n);
			set_str(a, e, "uidNumber", buf);
		}
		if (present(e, "gidNumber") == NULL) {
			snprintf(buf, sizeof(buf), "%ld", cfg->default_gid);
			set_str(a, e, "gidNumber", buf);
		}
		if (present(e, "homeDirectory") == NULL && uid != NULL &&
		    uid->nv > 0 && uid->vals[0].bv_len < 400 &&
		    memchr(uid->vals[0].bv_val, '/', uid->vals[0].bv_len) ==
		    NULL) {
			snprintf(buf, sizeof(buf), "/home/%.*s",
			    (int)uid->vals[0].bv_len, uid->vals[0].bv_val);
			set_str(a, e, "homeDirectory", buf);
		}
		if (present(e, "loginShell") == NULL && cfg->default_shell)
			set_str(a, e, "loginShell", cfg->default_shell);
	}
	if (has_class(e, "unifiedidperson")) {
		if (present(e, "idNumber") != NULL &&
		    present(e, "idType") == NULL)
			set_str(a, e, "idType", "resident-id");
		if (present(e, "accountStatus") == NULL)
			set_str(a, e, "accountStatus", "active");
	}
	if (has_class(e, "unifiedidorg") && present(e, "cn") == NULL) {
		struct attr *code = present(e, "orgCode");

		if (code != NULL && code->nv > 0) {
			snprintf(buf, sizeof(buf), "%.*s",
			    (int)(code->vals[0].bv_len < 256 ?
			    code->vals[0].bv_len : 256), code->vals[0].bv_val);
			set_str(a, e, "cn", buf);
		}
	}
	if (has_class(e, "posixgroup") && present(e, "gidNumber") == NULL) {
		if ((rc = alloc_number(txn, "gidNumber", cfg->gid_min,
		    cfg->gid_max, &n)) != 0) {
			*text = rc == MDB_MAP_FULL ? "gidNumber range "
			    "(gid_min..gid_max) is exhausted" :
			    "cannot allocate a gidNumber";
			return LDAP_UNWILLING_TO_PERFORM;
		}
		snprintf(buf, sizeof(buf), "%ld", n);
		set_str(a, e, "gidNumber", buf);
	}
	return LDAP_SUCCESS;
}
