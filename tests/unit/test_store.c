/*
 * test_store.c - the LMDB store in a temporary data dir: store_add and the
 * DN / children tables, store_dn2id / store_get round trips, equality,
 * presence and substring index candidates (also after a forced
 * index_rebuild), store_modify keeping the indexes in step, multival
 * attributes (memberUid) with store_mv_add / store_mv_has / store_mv_del /
 * store_load_external, store_subtree ranges, and store_delete leaving no
 * key behind.  Run from the repository root (it loads schema/).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dirsrv.h"
#include "check.h"

static struct schema *s;
static struct config cfg;
static struct store st;
static struct arena ea;
static char tdir[64];

static struct berval
bv(const char *str)
{
	struct berval b = { strlen(str), (char *)(uintptr_t)str };

	return b;
}

static struct attrtype *
AT(const char *name)
{
	return schema_at(s, name, strlen(name));
}

static void
put(struct entry *e, const char *name, ...)
{
	struct attrtype *at = AT(name);
	struct attr *a;
	const char *v;
	va_list ap;

	if (at == NULL) {
		CHECK(0, "schema knows %s", name);
		return;
	}
	if ((a = entry_find(e, at)) == NULL)
		a = entry_add_attr(&ea, e, at, NULL);
	va_start(ap, name);
	while ((v = va_arg(ap, const char *)) != NULL) {
		struct berval val, nv;

		val.bv_val = arena_strndup(&ea, v, strlen(v));
		val.bv_len = strlen(v);
		if (value_normalize(&ea, at, &val, &nv) != 0) {
			CHECK(0, "value %s: %s is valid", name, v);
			continue;
		}
		attr_append_value(&ea, a, &val, &nv);
	}
	va_end(ap);
}

static struct entry *
mk(const char *dn)
{
	struct entry *e = arena_calloc(&ea, 1, sizeof(*e));
	struct berval in = bv(dn);

	if (dn_normalize(s, &ea, &in, &e->dn, &e->ndn) != LDAP_SUCCESS)
		CHECK(0, "DN %s is valid", dn);
	return e;
}

static struct berval
nval(const char *name, const char *v)
{
	struct berval in = bv(v), out = { 0, NULL };

	if (value_normalize(&ea, AT(name), &in, &out) != 0)
		CHECK(0, "normalise %s: %s", name, v);
	return out;
}

static int
idl_has(const struct idl *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return 1;
	return 0;
}

/* l holds exactly the ids given (0-terminated), in any order */
static int
idl_is(const struct idl *l, ...)
{
	va_list ap;
	uint64_t id;
	size_t n = 0;
	int ok = !l->all;

	va_start(ap, l);
	while ((id = va_arg(ap, uint64_t)) != 0) {
		n++;
		if (!idl_has(l, id))
			ok = 0;
	}
	va_end(ap);
	return ok && l->n == n;
}

static int
eq_ids(const char *name, const char *v, struct idl *l)
{
	MDB_txn *txn;
	struct berval nv = nval(name, v);
	int rc;

	l->n = 0;
	l->all = 0;
	if ((rc = store_read_begin(&st, &txn)) != 0)
		return rc;
	rc = index_eq(&st, txn, AT(name), &nv, l);
	store_read_end(txn);
	return rc;
}

static int
present_ids(const char *name, struct idl *l)
{
	MDB_txn *txn;
	int rc;

	l->n = 0;
	l->all = 0;
	if ((rc = store_read_begin(&st, &txn)) != 0)
		return rc;
	rc = index_present(&st, txn, AT(name), l);
	store_read_end(txn);
	return rc;
}

/* substring candidates for (name=initial*any*final) (NULL = absent) */
static int
sub_ids(const char *name, const char *initial, const char *any,
    const char *final, struct idl *l)
{
	struct arena a = { 0 };
	struct filter f;
	struct berval piece;
	MDB_txn *txn;
	int rc;

	memset(&f, 0, sizeof(f));
	f.type = F_SUB;
	f.at = AT(name);
	if (initial != NULL)
		mr_norm_case_ignore(&a, &(struct berval){ strlen(initial),
		    (char *)(uintptr_t)initial }, &f.initial);
	if (any != NULL) {
		mr_norm_case_ignore(&a, &(struct berval){ strlen(any),
		    (char *)(uintptr_t)any }, &piece);
		f.any = &piece;
		f.nany = 1;
	}
	if (final != NULL)
		mr_norm_case_ignore(&a, &(struct berval){ strlen(final),
		    (char *)(uintptr_t)final }, &f.final);
	l->n = 0;
	l->all = 0;
	if ((rc = store_read_begin(&st, &txn)) != 0) {
		arena_free(&a);
		return rc;
	}
	rc = index_substr(&st, txn, &a, &f, l);
	store_read_end(txn);
	arena_free(&a);
	return rc;
}

static uint64_t
id_of(const char *dn)
{
	struct arena a = { 0 };
	struct berval in = bv(dn), p, n;
	MDB_txn *txn;
	uint64_t id = 0;

	if (dn_normalize(s, &a, &in, &p, &n) == 0 &&
	    store_read_begin(&st, &txn) == 0) {
		if (store_dn2id(&st, txn, &n, &id) != 0)
			id = 0;
		store_read_end(txn);
	}
	arena_free(&a);
	return id;
}

static int
wbegin(MDB_txn **txn)
{
	return mdb_txn_begin(st.env, NULL, 0, txn);
}

static const char *BASE = "dc=example,dc=gov,dc=cn";
static uint64_t id_base, id_people, id_alice, id_bob, id_orgs, id_fin;

static void
test_add_get(void)
{
	struct entry *base, *people, *alice, *bob, *orgs, *fin, got;
	struct arena a = { 0 };
	MDB_txn *txn;
	struct attr *at;
	int rc;

	base = mk(BASE);
	put(base, "objectClass", "top", "dcObject", "organization", NULL);
	put(base, "dc", "example", NULL);
	put(base, "o", "Example", NULL);
	people = mk("ou=people,dc=example,dc=gov,dc=cn");
	put(people, "objectClass", "organizationalUnit", NULL);
	put(people, "ou", "people", NULL);
	alice = mk("uid=alice,ou=people,dc=example,dc=gov,dc=cn");
	put(alice, "objectClass", "inetOrgPerson", "posixAccount", NULL);
	put(alice, "uid", "alice", NULL);
	put(alice, "cn", "Alice Smith", NULL);
	put(alice, "sn", "Smith", NULL);
	put(alice, "mail", "alice@example.gov.cn", NULL);
	put(alice, "uidNumber", "10001", NULL);
	bob = mk("uid=bob,ou=people,dc=example,dc=gov,dc=cn");
	put(bob, "objectClass", "inetOrgPerson", NULL);
	put(bob, "uid", "bob", NULL);
	put(bob, "cn", "Bob Jones", "张三", NULL);
	put(bob, "sn", "Jones", NULL);
	put(bob, "uidNumber", "10002", NULL);
	orgs = mk("ou=orgs,dc=example,dc=gov,dc=cn");
	put(orgs, "objectClass", "organizationalUnit", NULL);
	put(orgs, "ou", "orgs", NULL);
	fin = mk("orgCode=fin,ou=orgs,dc=example,dc=gov,dc=cn");
	put(fin, "objectClass", "organizationalUnit", "posixGroup",
	    "unifiedIdOrg", NULL);
	put(fin, "ou", "财政局", NULL);
	put(fin, "orgCode", "fin", NULL);
	put(fin, "cn", "fin", NULL);
	put(fin, "gidNumber", "20001", NULL);
	put(fin, "memberUid", "alice", "bob", NULL);

	rc = wbegin(&txn);
	CHECK(rc == 0, "write transaction begins (%s)", mdb_strerror(rc));
	if (rc != 0)
		return;
	rc = store_add(&st, txn, base, 0);
	id_base = base->id;
	rc = rc ? rc : store_add(&st, txn, people, id_base);
	id_people = people->id;
	rc = rc ? rc : store_add(&st, txn, alice, id_people);
	id_alice = alice->id;
	rc = rc ? rc : store_add(&st, txn, bob, id_people);
	id_bob = bob->id;
	rc = rc ? rc : store_add(&st, txn, orgs, id_base);
	id_orgs = orgs->id;
	rc = rc ? rc : store_add(&st, txn, fin, id_orgs);
	id_fin = fin->id;
	CHECK(rc == 0, "six entries added (%s)", mdb_strerror(rc));
	rc = mdb_txn_commit(txn);
	CHECK(rc == 0, "and committed");
	CHECK(id_base && id_people && id_alice && id_bob && id_orgs && id_fin &&
	    id_base != id_people && id_alice != id_bob && id_fin != id_orgs,
	    "every entry has its own id");
	/* a duplicate DN */
	if (wbegin(&txn) == 0) {
		struct entry *dup = mk("UID=Alice,OU=People,DC=Example,DC=Gov,"
		    "DC=CN");
		put(dup, "objectClass", "inetOrgPerson", NULL);
		rc = store_add(&st, txn, dup, id_people);
		CHECK(rc == MDB_KEYEXIST, "adding an existing DN (other case) "
		    "fails with MDB_KEYEXIST (%s)", mdb_strerror(rc));
		mdb_txn_abort(txn);
	}
	/* a DN too long for a dn2id key */
	if (wbegin(&txn) == 0) {
		char big[700];
		struct entry *e;

		snprintf(big, sizeof(big), "cn=%0600d,%s", 0, BASE);
		e = mk(big);
		put(e, "objectClass", "person", NULL);
		rc = store_add(&st, txn, e, id_base);
		CHECK(rc != 0, "a DN over DN_KEY_MAX is refused (%s)",
		    mdb_strerror(rc));
		mdb_txn_abort(txn);
	}

	/* round trips */
	CHECK(id_of("uid=alice,ou=people,dc=example,dc=gov,dc=cn") == id_alice,
	    "store_dn2id finds alice");
	CHECK(id_of("UID=ALICE, OU=People,DC=example,DC=gov,DC=cn") == id_alice,
	    "store_dn2id by a differently written DN");
	CHECK(id_of("uid=carol,ou=people,dc=example,dc=gov,dc=cn") == 0,
	    "store_dn2id: no carol");
	CHECK(id_of("ou=people,dc=example,dc=gov") == 0,
	    "store_dn2id: a suffix of a DN is not an entry");
	if (store_read_begin(&st, &txn) != 0)
		return;
	rc = store_get(&st, txn, &a, id_alice, &got);
	CHECK(rc == 0 && got.id == id_alice &&
	    got.ndn.bv_len == alice->ndn.bv_len &&
	    memcmp(got.ndn.bv_val, alice->ndn.bv_val, got.ndn.bv_len) == 0 &&
	    got.dn.bv_len == alice->dn.bv_len &&
	    memcmp(got.dn.bv_val, alice->dn.bv_val, got.dn.bv_len) == 0,
	    "store_get returns alice's DN");
	at = rc == 0 ? entry_find(&got, AT("cn")) : NULL;
	CHECK(at != NULL && at->nv == 1 && at->vals[0].bv_len == 11 &&
	    memcmp(at->vals[0].bv_val, "Alice Smith", 11) == 0 &&
	    at->nvals[0].bv_len == 11 &&
	    memcmp(at->nvals[0].bv_val, "alice smith", 11) == 0,
	    "store_get returns values and normalised values");
	at = rc == 0 ? entry_find(&got, AT("objectClass")) : NULL;
	CHECK(at != NULL && at->nv == 2, "both object classes come back");
	rc = store_get(&st, txn, &a, id_bob, &got);
	at = rc == 0 ? entry_find(&got, AT("cn")) : NULL;
	CHECK(at != NULL && at->nv == 2 && at->vals[1].bv_len == 6 &&
	    memcmp(at->vals[1].bv_val, "张三", 6) == 0,
	    "UTF-8 values round-trip");
	rc = store_get(&st, txn, &a, id_fin, &got);
	at = rc == 0 ? entry_find(&got, AT("memberUid")) : NULL;
	CHECK(at != NULL && at->external && at->ext_count == 2,
	    "memberUid is stored outside the entry, with its count (%zu)",
	    at ? at->ext_count : 0);
	CHECK(store_get(&st, txn, &a, 999999, &got) == MDB_NOTFOUND,
	    "store_get of an unknown id is MDB_NOTFOUND");
	rc = store_get_dn(&st, txn, &a, &alice->ndn, &got);
	CHECK(rc == 0 && got.id == id_alice, "store_get_dn");
	CHECK(store_has_children(&st, txn, id_people) &&
	    !store_has_children(&st, txn, id_alice),
	    "store_has_children");
	store_read_end(txn);
	arena_free(&a);
}

static void
test_indexes(const char *when)
{
	struct idl l = { 0 };
	int rc;

	rc = eq_ids("uid", "alice", &l);
	CHECK(rc == 0 && idl_is(&l, id_alice, (uint64_t)0),
	    "%s: index_eq uid=alice", when);
	rc = eq_ids("uid", "ALICE", &l);
	CHECK(rc == 0 && idl_is(&l, id_alice, (uint64_t)0),
	    "%s: index_eq uid=ALICE (normalised)", when);
	rc = eq_ids("objectClass", "inetOrgPerson", &l);
	CHECK(rc == 0 && idl_is(&l, id_alice, id_bob, (uint64_t)0),
	    "%s: index_eq objectClass=inetOrgPerson", when);
	rc = eq_ids("objectClass", "organizationalUnit", &l);
	CHECK(rc == 0 && idl_is(&l, id_people, id_orgs, id_fin, (uint64_t)0),
	    "%s: index_eq objectClass=organizationalUnit", when);
	rc = eq_ids("cn", "张三", &l);
	CHECK(rc == 0 && idl_is(&l, id_bob, (uint64_t)0),
	    "%s: index_eq cn=张三", when);
	rc = eq_ids("uidNumber", "010002", &l);
	CHECK(rc == 0 && idl_is(&l, id_bob, (uint64_t)0),
	    "%s: index_eq uidNumber=010002", when);
	rc = eq_ids("uid", "carol", &l);
	CHECK(rc == 0 && l.n == 0 && !l.all, "%s: index_eq uid=carol is empty",
	    when);
	rc = eq_ids("sn", "smith", &l);
	CHECK(rc < 0, "%s: index_eq on an unindexed type says so (%d)", when,
	    rc);
	rc = present_ids("uid", &l);
	CHECK(rc == 0 && idl_is(&l, id_alice, id_bob, (uint64_t)0),
	    "%s: index_present uid", when);
	rc = present_ids("mail", &l);
	CHECK(rc == 0 && idl_is(&l, id_alice, (uint64_t)0),
	    "%s: index_present mail", when);
	rc = present_ids("memberUid", &l);
	CHECK(rc == 0 && idl_is(&l, id_fin, (uint64_t)0),
	    "%s: index_present memberUid (multival)", when);
	rc = eq_ids("memberUid", "bob", &l);
	CHECK(rc == 0 && idl_is(&l, id_fin, (uint64_t)0),
	    "%s: index_eq memberUid=bob (multival rows are indexed)", when);
	/* substrings: candidates are a superset; with trigrams they are exact
	 * here */
	rc = sub_ids("cn", NULL, "lic", NULL, &l);
	CHECK(rc == 0 && !l.all && idl_has(&l, id_alice) && !idl_has(&l, id_bob),
	    "%s: index_substr cn=*lic*", when);
	rc = sub_ids("cn", "alice", NULL, NULL, &l);
	CHECK(rc == 0 && !l.all && idl_has(&l, id_alice) && !idl_has(&l, id_bob),
	    "%s: index_substr cn=alice*", when);
	rc = sub_ids("cn", NULL, NULL, "jones", &l);
	CHECK(rc == 0 && !l.all && idl_has(&l, id_bob) && !idl_has(&l, id_alice),
	    "%s: index_substr cn=*jones", when);
	rc = sub_ids("cn", "bob", "b jo", "nes", &l);
	CHECK(rc == 0 && !l.all && idl_has(&l, id_bob) && !idl_has(&l, id_alice),
	    "%s: index_substr cn=bob*b jo*nes", when);
	rc = sub_ids("cn", NULL, "xyz", NULL, &l);
	CHECK(rc == 0 && !l.all && l.n == 0, "%s: index_substr cn=*xyz* is "
	    "empty", when);
	rc = sub_ids("cn", NULL, "张三", NULL, &l);
	CHECK(rc == 0 && !l.all && idl_has(&l, id_bob), "%s: index_substr "
	    "cn=*张三*", when);
	rc = sub_ids("cn", "smith", NULL, NULL, &l);
	CHECK(rc == 0 && !idl_has(&l, id_alice), "%s: index_substr cn=smith* "
	    "does not give alice (anchored)", when);
	idl_free(&l);
}

static void
test_modify(void)
{
	struct arena a = { 0 };
	struct entry old, *new;
	struct attr *at;
	struct idl l = { 0 };
	MDB_txn *txn;
	int rc;

	if ((rc = wbegin(&txn)) != 0)
		return;
	rc = store_get(&st, txn, &a, id_alice, &old);
	CHECK(rc == 0, "alice read in the write transaction");
	if (rc != 0) {
		mdb_txn_abort(txn);
		return;
	}
	new = entry_dup(&a, &old);
	at = entry_find(new, AT("cn"));
	at->nv = 0;
	{
		struct berval v = bv("Alicia Keys"), nv;
		value_normalize(&a, AT("cn"), &v, &nv);
		attr_append_value(&a, at, &v, &nv);
	}
	entry_del_attr(new, entry_find(new, AT("mail")));
	at = entry_find(new, AT("uid"));
	{
		struct berval v = bv("alice2"), nv = v;
		attr_append_value(&a, at, &v, &nv);
	}
	rc = store_modify(&st, txn, &a, &old, new);
	CHECK(rc == 0, "store_modify (%s)", mdb_strerror(rc));
	rc = mdb_txn_commit(txn);
	CHECK(rc == 0, "modify committed");
	arena_free(&a);

	eq_ids("cn", "alice smith", &l);
	CHECK(!idl_has(&l, id_alice), "old cn value is gone from the index");
	eq_ids("cn", "alicia keys", &l);
	CHECK(idl_is(&l, id_alice, (uint64_t)0), "new cn value is indexed");
	present_ids("mail", &l);
	CHECK(!idl_has(&l, id_alice), "removed attribute is gone from the "
	    "presence index");
	eq_ids("mail", "alice@example.gov.cn", &l);
	CHECK(l.n == 0, "removed attribute's values are gone from the index");
	eq_ids("uid", "alice", &l);
	CHECK(idl_is(&l, id_alice, (uint64_t)0), "kept value still indexed");
	eq_ids("uid", "alice2", &l);
	CHECK(idl_is(&l, id_alice, (uint64_t)0), "added value indexed");
	present_ids("uid", &l);
	CHECK(idl_is(&l, id_alice, id_bob, (uint64_t)0),
	    "presence of a kept attribute unchanged");
	sub_ids("cn", NULL, "smith", NULL, &l);
	CHECK(!idl_has(&l, id_alice), "old value's trigrams are gone");
	sub_ids("cn", NULL, "keys", NULL, &l);
	CHECK(idl_has(&l, id_alice) && !l.all, "new value's trigrams are there");
	sub_ids("cn", NULL, "lic", NULL, &l);
	CHECK(idl_has(&l, id_alice), "a trigram common to both values stays");
	idl_free(&l);
}

static void
test_multival(void)
{
	struct arena a = { 0 };
	struct entry e;
	struct attr *mu;
	struct attrtype *t = AT("memberUid");
	struct berval carol = bv("carol"), bob = bv("bob"), alice = bv("alice"),
	    Alice = bv("Alice");
	struct idl l = { 0 };
	MDB_txn *txn;
	size_t i;
	int rc, has_a = 0, has_c = 0, has_b = 0;

	if (store_read_begin(&st, &txn) != 0)
		return;
	CHECK(store_mv_has(&st, txn, id_fin, t, &alice), "store_mv_has alice");
	CHECK(store_mv_has(&st, txn, id_fin, t, &bob), "store_mv_has bob");
	CHECK(!store_mv_has(&st, txn, id_fin, t, &carol),
	    "not store_mv_has carol");
	CHECK(!store_mv_has(&st, txn, id_fin, t, &Alice),
	    "memberUid is caseExact: not store_mv_has Alice");
	CHECK(!store_mv_has(&st, txn, id_people, t, &alice),
	    "rows belong to their entry");
	{
		struct berval al = bv("alic");
		CHECK(!store_mv_has(&st, txn, id_fin, t, &al),
		    "a prefix of a value is not a value");
	}
	store_read_end(txn);

	if ((rc = wbegin(&txn)) != 0)
		return;
	rc = store_mv_add(&st, txn, &a, id_fin, t, &carol, &carol);
	CHECK(rc == 0, "store_mv_add carol (%s)", mdb_strerror(rc));
	rc = store_mv_add(&st, txn, &a, id_fin, t, &alice, &alice);
	CHECK(rc == MDB_KEYEXIST, "store_mv_add of an existing value is "
	    "MDB_KEYEXIST (%s)", mdb_strerror(rc));
	rc = store_mv_del(&st, txn, &a, id_fin, t, &bob);
	CHECK(rc == 0, "store_mv_del bob (%s)", mdb_strerror(rc));
	rc = store_mv_del(&st, txn, &a, id_fin, t, &bob);
	CHECK(rc == MDB_NOTFOUND, "store_mv_del of a missing value is "
	    "MDB_NOTFOUND (%s)", mdb_strerror(rc));
	CHECK(mdb_txn_commit(txn) == 0, "multival changes committed");
	arena_free(&a);

	if (store_read_begin(&st, &txn) != 0)
		return;
	CHECK(store_mv_has(&st, txn, id_fin, t, &carol), "store_mv_has carol");
	CHECK(!store_mv_has(&st, txn, id_fin, t, &bob), "not store_mv_has bob");
	rc = store_get(&st, txn, &a, id_fin, &e);
	mu = rc == 0 ? entry_find(&e, t) : NULL;
	if (mu != NULL) {
		rc = store_load_external(&st, txn, &a, &e, mu);
		for (i = 0; i < mu->nv; i++) {
			has_a |= mu->vals[i].bv_len == 5 &&
			    memcmp(mu->vals[i].bv_val, "alice", 5) == 0;
			has_b |= mu->vals[i].bv_len == 3 &&
			    memcmp(mu->vals[i].bv_val, "bob", 3) == 0;
			has_c |= mu->vals[i].bv_len == 5 &&
			    memcmp(mu->vals[i].bv_val, "carol", 5) == 0;
		}
		CHECK(rc == 0 && mu->nv == 2 && has_a && has_c && !has_b,
		    "store_load_external gives alice and carol (%zu values)",
		    mu->nv);
	} else
		CHECK(0, "fin has memberUid");
	store_read_end(txn);
	arena_free(&a);
	eq_ids("memberUid", "carol", &l);
	CHECK(idl_is(&l, id_fin, (uint64_t)0), "added row is indexed");
	eq_ids("memberUid", "bob", &l);
	CHECK(l.n == 0, "deleted row is gone from the index");
	sub_ids("memberUid", "car", NULL, NULL, &l);
	CHECK(idl_has(&l, id_fin), "added row has substring keys");
	idl_free(&l);

	/* a value with a distinct normalised form keeps both */
	{
		struct berval v = bv("  Dave  "), nv = bv("Dave");
		if (wbegin(&txn) == 0) {
			rc = store_mv_add(&st, txn, &a, id_fin, t, &v, &nv);
			CHECK(rc == 0, "store_mv_add with value != normalised");
			mdb_txn_commit(txn);
		}
		arena_free(&a);
		if (store_read_begin(&st, &txn) == 0) {
			CHECK(store_mv_has(&st, txn, id_fin, t, &nv),
			    "found by its normalised value");
			rc = store_get(&st, txn, &a, id_fin, &e);
			mu = rc == 0 ? entry_find(&e, t) : NULL;
			if (mu != NULL) {
				store_load_external(&st, txn, &a, &e, mu);
				for (i = 0, rc = 0; i < mu->nv; i++)
					if (mu->nvals[i].bv_len == 4 &&
					    memcmp(mu->nvals[i].bv_val, "Dave",
					    4) == 0 && mu->vals[i].bv_len == 8 &&
					    memcmp(mu->vals[i].bv_val,
					    "  Dave  ", 8) == 0)
						rc = 1;
				CHECK(rc, "both forms come back from "
				    "store_load_external");
			}
			store_read_end(txn);
		}
		arena_free(&a);
	}
}

static void
test_subtree(void)
{
	struct arena a = { 0 };
	struct berval in, p, n;
	struct idl l = { 0 };
	MDB_txn *txn;
	int rc;

	if (store_read_begin(&st, &txn) != 0)
		return;
#define SUBTREE(dn) (in = bv(dn), dn_normalize(s, &a, &in, &p, &n), \
	store_subtree(&st, txn, &n, &l))
	rc = SUBTREE(BASE);
	CHECK(rc == 0 && idl_is(&l, id_base, id_people, id_alice, id_bob,
	    id_orgs, id_fin, (uint64_t)0), "store_subtree of the suffix");
	rc = SUBTREE("ou=people,dc=example,dc=gov,dc=cn");
	CHECK(rc == 0 && idl_is(&l, id_people, id_alice, id_bob, (uint64_t)0),
	    "store_subtree of ou=people");
	rc = SUBTREE("ou=orgs,dc=example,dc=gov,dc=cn");
	CHECK(rc == 0 && idl_is(&l, id_orgs, id_fin, (uint64_t)0),
	    "store_subtree of ou=orgs");
	rc = SUBTREE("uid=alice,ou=people,dc=example,dc=gov,dc=cn");
	CHECK(rc == 0 && idl_is(&l, id_alice, (uint64_t)0),
	    "store_subtree of a leaf is the leaf");
	rc = SUBTREE("ou=peopl,dc=example,dc=gov,dc=cn");
	CHECK(rc == 0 && l.n == 0, "store_subtree of a prefix of an RDN is "
	    "empty");
	rc = SUBTREE("ou=nothere,dc=example,dc=gov,dc=cn");
	CHECK(rc == 0 && l.n == 0, "store_subtree of a missing entry is "
	    "empty");
	in = bv("");
	n = in;
	rc = store_subtree(&st, txn, &n, &l);
	CHECK(rc == 0 && l.n == 6, "store_subtree of the root is everything "
	    "(%zu)", l.n);
#undef SUBTREE
	rc = store_children(&st, txn, id_people, &l);
	CHECK(rc == 0 && idl_is(&l, id_alice, id_bob, (uint64_t)0),
	    "store_children of ou=people");
	rc = store_children(&st, txn, id_base, &l);
	CHECK(rc == 0 && idl_is(&l, id_people, id_orgs, (uint64_t)0),
	    "store_children of the suffix");
	rc = store_children(&st, txn, id_alice, &l);
	CHECK(rc == 0 && l.n == 0, "store_children of a leaf is empty");
	store_read_end(txn);
	idl_free(&l);
	arena_free(&a);
}

/* does id appear anywhere in an index table or the mv table? */
static int
id_anywhere(uint64_t id)
{
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	size_t i;
	int found = 0, rc;

	if (store_read_begin(&st, &txn) != 0)
		return -1;
	for (i = 0; i < s->nat && !found; i++) {
		struct attrtype *at = s->at[i];
		MDB_dbi dbis[3];
		int nd = 0, d;

		if (at->idx_eq)
			dbis[nd++] = at->dbi_eq;
		if (at->idx_sub)
			dbis[nd++] = at->dbi_sub;
		for (d = 0; d < nd && !found; d++) {
			if (mdb_cursor_open(txn, dbis[d], &c) != 0)
				continue;
			for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
			    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
				if (v.mv_size == sizeof(id) &&
				    memcmp(v.mv_data, &id, sizeof(id)) == 0)
					found = 1;
			mdb_cursor_close(c);
		}
		if (at->multival && mdb_cursor_open(txn, at->dbi_mv, &c) == 0) {
			k.mv_size = sizeof(id);
			k.mv_data = &id;
			if (mdb_cursor_get(c, &k, &v, MDB_SET) == 0)
				found = 1;
			mdb_cursor_close(c);
		}
	}
	/* children: as a parent or as a child */
	if (!found && mdb_cursor_open(txn, st.children, &c) == 0) {
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
			if (memcmp(k.mv_data, &id, sizeof(id)) == 0 ||
			    memcmp(v.mv_data, &id, sizeof(id)) == 0)
				found = 1;
		mdb_cursor_close(c);
	}
	/* dn2id */
	if (!found && mdb_cursor_open(txn, st.dn2id, &c) == 0) {
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
			if (memcmp(v.mv_data, &id, sizeof(id)) == 0)
				found = 1;
		mdb_cursor_close(c);
	}
	store_read_end(txn);
	return found;
}

static void
del(uint64_t id, uint64_t parent, const char *what)
{
	struct arena a = { 0 };
	struct entry e;
	MDB_txn *txn;
	int rc;

	CHECK(id_anywhere(id) == 1, "before delete, %s has keys", what);
	if (wbegin(&txn) != 0)
		return;
	rc = store_get(&st, txn, &a, id, &e);
	rc = rc ? rc : store_delete(&st, txn, &a, &e, parent);
	CHECK(rc == 0, "store_delete %s (%s)", what, mdb_strerror(rc));
	rc = mdb_txn_commit(txn);
	arena_free(&a);
	CHECK(id_anywhere(id) == 0, "after delete, no index, mv, children or "
	    "dn2id key holds %s's id", what);
	if (store_read_begin(&st, &txn) == 0) {
		CHECK(store_get(&st, txn, &a, id, &e) == MDB_NOTFOUND,
		    "store_get of deleted %s is MDB_NOTFOUND", what);
		store_read_end(txn);
	}
	arena_free(&a);
}

static void
test_delete(void)
{
	struct idl l = { 0 };
	MDB_txn *txn;

	del(id_bob, id_people, "bob");
	CHECK(id_of("uid=bob,ou=people,dc=example,dc=gov,dc=cn") == 0,
	    "bob's DN is gone");
	eq_ids("uid", "bob", &l);
	CHECK(l.n == 0, "uid=bob is gone from the index");
	present_ids("uid", &l);
	CHECK(idl_is(&l, id_alice, (uint64_t)0), "presence: only alice");
	eq_ids("cn", "张三", &l);
	CHECK(l.n == 0, "bob's second cn value is gone");
	if (store_read_begin(&st, &txn) == 0) {
		store_children(&st, txn, id_people, &l);
		CHECK(idl_is(&l, id_alice, (uint64_t)0),
		    "children of ou=people: only alice");
		store_read_end(txn);
	}
	/* an entry with multival rows */
	del(id_fin, id_orgs, "fin");
	eq_ids("memberUid", "alice", &l);
	CHECK(l.n == 0, "memberUid rows of fin are gone from the index");
	present_ids("memberUid", &l);
	CHECK(l.n == 0, "memberUid presence of fin is gone");
	if (store_read_begin(&st, &txn) == 0) {
		struct berval alice = bv("alice");
		CHECK(!store_mv_has(&st, txn, id_fin, AT("memberUid"), &alice),
		    "no memberUid row is left for fin");
		CHECK(!store_has_children(&st, txn, id_orgs),
		    "ou=orgs has no children left");
		store_read_end(txn);
	}
	idl_free(&l);
}

static void
test_long_values(void)
{
	struct entry *e;
	struct idl l = { 0 };
	char v1[1200], v2[500];
	MDB_txn *txn;
	int rc;

	memset(v1, 'q', sizeof(v1) - 1);
	v1[sizeof(v1) - 1] = '\0';
	memcpy(v1 + 1100, "needle", 6);
	memset(v2, 'r', sizeof(v2) - 1);
	v2[sizeof(v2) - 1] = '\0';
	e = mk("cn=long,ou=people,dc=example,dc=gov,dc=cn");
	put(e, "objectClass", "person", NULL);
	put(e, "cn", "long", v1, v2, NULL);
	put(e, "sn", "x", NULL);
	if (wbegin(&txn) != 0)
		return;
	rc = store_add(&st, txn, e, id_people);
	CHECK(rc == 0, "an entry with 499- and 1199-byte values is added (%s)",
	    mdb_strerror(rc));
	mdb_txn_commit(txn);
	eq_ids("cn", v2, &l);
	CHECK(idl_is(&l, e->id, (uint64_t)0), "a value longer than an LMDB "
	    "key is found through the equality index");
	eq_ids("cn", v1, &l);
	CHECK(idl_is(&l, e->id, (uint64_t)0), "a 1199-byte value too");
	sub_ids("cn", NULL, "needle", NULL, &l);
	CHECK(l.all || idl_has(&l, e->id), "a piece beyond the indexed prefix "
	    "still gives the entry as a candidate");
	idl_free(&l);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

int
main(void)
{
	char err[512], path[128], yaml[1024];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	s = schema_load("schema", err, sizeof(err));
	CHECK(s != NULL, "schema loads (%s)", s ? "ok" : err);
	if (s == NULL)
		return check_done();
	snprintf(tdir, sizeof(tdir), "/tmp/unifiedid-store.XXXXXX");
	if (mkdtemp(tdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/dirsrv.yaml", tdir);
	snprintf(yaml, sizeof(yaml),
	    "suffix: \"dc=example,dc=gov,dc=cn\"\n"
	    "data_dir: %s/data\n"
	    "listen: [\"ldap://127.0.0.1:3389\"]\n"
	    "schema_dir: schema\n"
	    "map_size: 64M\n"
	    "index: [objectClass, uid, cn, mail, memberUid, uidNumber]\n"
	    "substr_index: [cn, memberUid]\n"
	    "multival: [memberUid]\n", tdir);
	write_file(path, yaml);
	rc = config_load(path, &cfg, err, sizeof(err));
	CHECK(rc == 0, "test configuration loads (%s)", rc ? err : "ok");
	if (rc != 0)
		return check_done();
	rc = store_open(&st, &cfg, s, 0, err, sizeof(err));
	CHECK(rc == 0, "store_open creates the database (%s)", rc ? err : "ok");
	if (rc != 0)
		return check_done();
	test_add_get();
	test_indexes("after add");
	CHECK(index_rebuild(&st, 1) == 0, "forced index_rebuild");
	test_indexes("after index_rebuild");
	test_modify();
	test_multival();
	test_subtree();
	/* survives a close and reopen */
	store_close(&st);
	rc = store_open(&st, &cfg, s, 0, err, sizeof(err));
	CHECK(rc == 0, "store reopens (%s)", rc ? err : "ok");
	if (rc != 0)
		return check_done();
	CHECK(id_of("uid=alice,ou=people,dc=example,dc=gov,dc=cn") == id_alice,
	    "alice is there after reopening");
	test_delete();
	test_long_values();
	store_close(&st);
	/* read-only open of the same data */
	rc = store_open(&st, &cfg, s, 1, err, sizeof(err));
	CHECK(rc == 0, "store opens read-only (%s)", rc ? err : "ok");
	if (rc == 0) {
		CHECK(id_of("uid=alice,ou=people,dc=example,dc=gov,dc=cn") ==
		    id_alice, "alice is readable read-only");
		store_close(&st);
	}
	config_free(&cfg);
	arena_free(&ea);
	schema_free(s);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tdir);
	}
	return check_done();
}
