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
	return entry_has_class(srv->schema, e, lname);
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

/* ---- memberships derived from posts ---- */

static int
bv_same(const struct berval *a, const struct berval *b)
{
	return a->bv_len == b->bv_len && memcmp(a->bv_val, b->bv_val,
	    a->bv_len) == 0;
}

/*
 * Add (add = 1) or remove one value of a group's member-like attribute,
 * row by row for multival attributes, with the entry's counts and
 * presence index kept right.  A value already there (or already gone) is
 * not an error: derivation is idempotent.
 */
static int
group_value(struct op *op, MDB_txn *txn, const struct berval *gndn,
    const char *attr, const struct berval *val, int add)
{
	struct store *st = &srv->store;
	struct attrtype *at = at_named(attr);
	struct entry old, *e;
	struct attr *a;
	struct berval v, nv;
	int rc, idx;

	if (at == NULL || store_get_dn_copy(st, txn, &op->arena, gndn, &old) != 0)
		return 0;	/* the organisation is gone: nothing to keep */
	v.bv_val = arena_memdup(&op->arena, val->bv_val, val->bv_len);
	v.bv_len = val->bv_len;
	if (value_normalize(&op->arena, at, &v, &nv) != 0)
		return 0;
	e = entry_dup(&op->arena, &old);
	a = entry_find(e, at);
	if (at->multival) {
		if (add) {
			rc = store_mv_add(st, txn, &op->arena, e->id, at, &v, &nv);
			if (rc == MDB_KEYEXIST)
				return 0;
			if (rc != 0)
				return rc;
			if (a == NULL) {
				a = entry_add_attr(&op->arena, e, at, NULL);
				a->external = 1;
			}
			a->ext_count++;
		} else {
			rc = store_mv_del(st, txn, &op->arena, e->id, at, &nv);
			if (rc == MDB_NOTFOUND)
				return 0;
			if (rc != 0)
				return rc;
			if (a != NULL && a->ext_count > 0 && --a->ext_count == 0)
				entry_del_attr(e, a);
		}
		if (a != NULL)
			a->nv = 0;
	} else if (add) {
		if (a == NULL)
			a = entry_add_attr(&op->arena, e, at, NULL);
		if (attr_add_value(&op->arena, a, &v, &nv) != 0)
			return 0;
	} else {
		if (a == NULL || (idx = attr_find_value(a, &nv)) < 0)
			return 0;
		attr_del_index(a, (size_t)idx);
		if (a->nv == 0)
			entry_del_attr(e, a);
	}
	return store_modify(st, txn, &op->arena, &old, e);
}

/* the DN is under ou=orgs of the suffix */
static int
is_org_dn(const struct berval *ndn)
{
	char buf[600];
	struct berval base;

	snprintf(buf, sizeof(buf), "ou=orgs,%.*s", (int)srv->nsuffix.bv_len,
	    srv->nsuffix.bv_val);
	base.bv_val = buf;
	base.bv_len = strlen(buf);
	return dn_is_suffix(ndn, &base) && ndn->bv_len > base.bv_len;
}

static int
post_counts(const struct entry *post)
{
	struct attr *st = present(post, "postStatus");

	if (st == NULL || st->nv == 0)
		return 1;
	/* an active post counts, and so does one asking to leave, until the
	 * leave is approved; pending and transfer-pending posts do not */
	return (st->nvals[0].bv_len == 6 && memcmp(st->nvals[0].bv_val,
	    "active", 6) == 0) || (st->nvals[0].bv_len == 13 &&
	    memcmp(st->nvals[0].bv_val, "leave-pending", 13) == 0);
}

/*
 * Recompute what a person's posts imply: the person's DN and uid in the
 * member and memberUid of each organisation where a post counts, the
 * person's memberOf (organisations; roles are kept), and gidNumber =
 * the primary (lowest postRank) organisation's gidNumber, or default_gid.
 */
int
derive_person(struct op *op, MDB_txn *txn, const struct berval *pndn)
{
	struct store *st = &srv->store;
	struct attrtype *mof = srv->schema->a_memberof;
	struct entry old, *p, c;
	struct idl kids = { 0 };
	struct berval *want = NULL, *have = NULL, primary = { 0, NULL };
	struct attr *uid, *a;
	size_t nwant = 0, nhave = 0, i, j;
	long best = -1;
	int rc = 0;

	if (store_get_dn_copy(st, txn, &op->arena, pndn, &old) != 0 ||
	    (!has_class(&old, "unifiedidperson") &&
	    !has_class(&old, "posixaccount")))
		return 0;
	uid = entry_find(&old, srv->schema->a_uid);
	if ((rc = store_children(st, txn, old.id, &kids)) != 0)
		goto done;
	want = arena_calloc(&op->arena, kids.n + 1, sizeof(*want));
	for (i = 0; i < kids.n; i++) {
		struct attr *org, *rank;
		long r;

		if (store_get_copy(st, txn, &op->arena, kids.ids[i], &c) != 0 ||
		    !has_class(&c, "unifiedidpost") || !post_counts(&c) ||
		    (org = present(&c, "postOrg")) == NULL || org->nv == 0)
			continue;
		for (j = 0; j < nwant; j++)
			if (bv_same(&want[j], &org->nvals[0]))
				break;
		if (j == nwant)
			want[nwant++] = org->nvals[0];
		rank = present(&c, "postRank");
		r = rank && rank->nv ? strtol(rank->vals[0].bv_val, NULL, 10) :
		    0;
		if (best < 0 || r < best) {
			best = r;
			primary = org->nvals[0];
		}
	}
	/* organisations the person is in now, per memberOf */
	if ((a = entry_find(&old, mof)) != NULL) {
		have = arena_calloc(&op->arena, a->nv + 1, sizeof(*have));
		for (i = 0; i < a->nv; i++)
			if (is_org_dn(&a->nvals[i]))
				have[nhave++] = a->nvals[i];
	}
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < nhave && !bv_same(&want[i], &have[j]); j++)
			;
		if (j < nhave)
			continue;
		if ((rc = group_value(op, txn, &want[i], "member", &old.dn, 1))
		    != 0 || (uid && uid->nv && (rc = group_value(op, txn,
		    &want[i], "memberUid", &uid->vals[0], 1)) != 0))
			goto done;
	}
	for (i = 0; i < nhave; i++) {
		for (j = 0; j < nwant && !bv_same(&have[i], &want[j]); j++)
			;
		if (j < nwant)
			continue;
		if ((rc = group_value(op, txn, &have[i], "member", &old.dn, 0))
		    != 0 || (uid && uid->nv && (rc = group_value(op, txn,
		    &have[i], "memberUid", &uid->vals[0], 0)) != 0))
			goto done;
	}
	/* the person: memberOf and gidNumber */
	if ((rc = store_get_dn_copy(st, txn, &op->arena, pndn, &old)) != 0)
		goto done;
	p = entry_dup(&op->arena, &old);
	if ((a = entry_find(p, mof)) != NULL) {
		for (i = 0; i < a->nv;)
			if (is_org_dn(&a->nvals[i]))
				attr_del_index(a, i);
			else
				i++;
	} else if (nwant > 0)
		a = entry_add_attr(&op->arena, p, mof, NULL);
	for (i = 0; i < nwant; i++) {
		struct entry org;

		if (store_get_dn_copy(st, txn, &op->arena, &want[i], &org) == 0)
			attr_add_value(&op->arena, a, &org.dn, &want[i]);
	}
	if (a != NULL && a->nv == 0)
		entry_del_attr(p, a);
	if (has_class(p, "posixaccount")) {
		char buf[32];
		struct entry org;
		struct attr *g;
		struct attrtype *gt = at_named("gidNumber");

		snprintf(buf, sizeof(buf), "%ld", srv->cfg->default_gid);
		if (primary.bv_val != NULL && store_get_dn_copy(st, txn, &op->arena,
		    &primary, &org) == 0 && (g = entry_find(&org, gt)) != NULL &&
		    g->nv > 0)
			snprintf(buf, sizeof(buf), "%.*s", (int)(g->vals[0].bv_len
			    < 20 ? g->vals[0].bv_len : 20), g->vals[0].bv_val);
		if ((g = entry_find(p, gt)) != NULL)
			entry_del_attr(p, g);
		set_str(&op->arena, p, "gidNumber", buf);
	}
	rc = store_modify(st, txn, &op->arena, &old, p);
done:
	idl_free(&kids);
	return rc;
}

int derive_role(struct op *, MDB_txn *, const struct berval *);
static int is_role(const struct entry *);

/* after a write to entry e (a post, a role, or else): the derived data */
int
derive_after_write(struct op *op, MDB_txn *txn, const struct entry *e)
{
	struct berval parent;

	if (e == NULL)
		return 0;
	if (is_role(e))
		return derive_role(op, txn, &e->ndn);
	if (!has_class(e, "unifiedidpost"))
		return 0;
	dn_parent(&e->ndn, &parent);
	return derive_person(op, txn, &parent);
}

/*
 * A person renamed or deleted: their DN (and uid) leave every group of
 * their memberOf; on a rename they come back under the new ones.
 */
int
derive_person_moved(struct op *op, MDB_txn *txn, const struct entry *old,
    const struct entry *new)
{
	struct attr *mof = entry_find(old, srv->schema->a_memberof);
	struct attr *ou = entry_find(old, srv->schema->a_uid);
	struct attr *nu = new ? entry_find(new, srv->schema->a_uid) : NULL;
	size_t i;
	int rc;

	for (i = 0; mof != NULL && i < mof->nv; i++) {
		const struct berval *g = &mof->nvals[i];

		if ((rc = group_value(op, txn, g, "member", &old->dn, 0)) != 0 ||
		    (ou && ou->nv && (rc = group_value(op, txn, g, "memberUid",
		    &ou->vals[0], 0)) != 0))
			return rc;
		if (new == NULL)
			continue;
		if ((rc = group_value(op, txn, g, "member", &new->dn, 1)) != 0 ||
		    (nu && nu->nv && (rc = group_value(op, txn, g, "memberUid",
		    &nu->vals[0], 1)) != 0))
			return rc;
	}
	return 0;
}

/*
 * A role (a groupOfNames under ou=roles, or any entry of unifiedIdRole)
 * after a write: memberUid follows member (the uid of each member that
 * has one), and each member's memberOf lists the role; people who left
 * the role (found through the memberOf index) lose it.
 */
static int
is_role(const struct entry *e)
{
	char buf[600];
	struct berval base;

	if (has_class(e, "unifiedidrole"))
		return 1;
	if (!has_class(e, "groupofnames"))
		return 0;
	snprintf(buf, sizeof(buf), "ou=roles,%.*s", (int)srv->nsuffix.bv_len,
	    srv->nsuffix.bv_val);
	base.bv_val = buf;
	base.bv_len = strlen(buf);
	return dn_is_suffix(&e->ndn, &base);
}

static int
person_memberof(struct op *op, MDB_txn *txn, const struct berval *pndn,
    const struct entry *role, int add)
{
	struct store *st = &srv->store;
	struct attrtype *mof = srv->schema->a_memberof;
	struct entry old, *p;
	struct attr *a;
	int idx;

	if (store_get_dn_copy(st, txn, &op->arena, pndn, &old) != 0)
		return 0;	/* a member that is not (or no longer) an entry */
	p = entry_dup(&op->arena, &old);
	a = entry_find(p, mof);
	if (add) {
		if (a == NULL)
			a = entry_add_attr(&op->arena, p, mof, NULL);
		if (attr_add_value(&op->arena, a, &role->dn, &role->ndn) != 0)
			return 0;
	} else {
		if (a == NULL || (idx = attr_find_value(a, &role->ndn)) < 0)
			return 0;
		attr_del_index(a, (size_t)idx);
		if (a->nv == 0)
			entry_del_attr(p, a);
	}
	return store_modify(st, txn, &op->arena, &old, p);
}

int
derive_role(struct op *op, MDB_txn *txn, const struct berval *rndn)
{
	struct store *st = &srv->store;
	struct attrtype *mem = at_named("member"), *mu = at_named("memberUid");
	struct attrtype *mof = srv->schema->a_memberof;
	struct entry role, pe;
	struct attr *m, *u;
	struct berval *uids;
	struct idl was = { 0 };
	size_t i, j, nu = 0;
	int rc = 0;

	if (mem == NULL || mu == NULL ||
	    store_get_dn_copy(st, txn, &op->arena, rndn, &role) != 0 ||
	    !is_role(&role))
		return 0;
	if ((m = entry_find(&role, mem)) != NULL && m->external &&
	    (rc = store_load_external(st, txn, &op->arena, &role, m)) != 0)
		return rc;
	uids = arena_calloc(&op->arena, (m ? m->nv : 0) + 1, sizeof(*uids));
	for (i = 0; m != NULL && i < m->nv; i++) {
		struct attr *pu;

		if ((rc = person_memberof(op, txn, &m->nvals[i], &role, 1)) != 0)
			goto done;
		if (store_get_dn_copy(st, txn, &op->arena, &m->nvals[i], &pe) ==
		    0 && (pu = entry_find(&pe, srv->schema->a_uid)) != NULL &&
		    pu->nv > 0)
			uids[nu++] = pu->vals[0];
	}
	/* people whose memberOf names the role but who are not members */
	if (mof->idx_eq && index_eq(st, txn, mof, &role.ndn, &was) == 0)
		for (i = 0; i < was.n; i++) {
			if (store_get_copy(st, txn, &op->arena, was.ids[i], &pe)
			    != 0)
				continue;
			for (j = 0; m != NULL && j < m->nv &&
			    !bv_same(&m->nvals[j], &pe.ndn); j++)
				;
			if (m == NULL || j == m->nv)
				if ((rc = person_memberof(op, txn, &pe.ndn, &role,
				    0)) != 0)
					goto done;
		}
	/* memberUid: exactly the members' uids, when the role is a
	 * posixGroup (RFC 2307 clients read memberUid) */
	if (has_class(&role, "posixgroup")) {
		struct entry cur;

		if (store_get_dn_copy(st, txn, &op->arena, rndn, &cur) != 0)
			goto done;
		u = entry_find(&cur, mu);
		if (u != NULL && u->external &&
		    (rc = store_load_external(st, txn, &op->arena, &cur, u)) != 0)
			goto done;
		if (u != NULL) {
			struct berval *have = arena_calloc(&op->arena, u->nv + 1,
			    sizeof(*have));
			size_t nh = u->nv;

			for (i = 0; i < nh; i++)
				have[i] = u->vals[i];
			for (i = 0; i < nh; i++) {
				for (j = 0; j < nu && !bv_same(&have[i], &uids[j]);
				    j++)
					;
				if (j == nu && (rc = group_value(op, txn, rndn,
				    "memberUid", &have[i], 0)) != 0)
					goto done;
			}
		}
		for (i = 0; i < nu; i++)
			if ((rc = group_value(op, txn, rndn, "memberUid", &uids[i],
			    1)) != 0)
				goto done;
	}
done:
	idl_free(&was);
	return rc;
}
