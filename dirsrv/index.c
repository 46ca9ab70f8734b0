/*
 * index.c - equality, presence and substring indexes.
 *
 * eq:<oid> holds one key per normalised value (values longer than an
 * LMDB key are replaced by a SHA-256 digest behind a marker byte) and a
 * presence key; sub:<oid> holds byte trigrams of the normalised value
 * with start and end anchors, so that (cn=*abc*) intersects a handful of
 * short id lists instead of scanning every entry.  Every candidate a
 * search takes from an index is checked against the full filter again,
 * so hashing and trigrams only need to be supersets.
 */
#include <string.h>

#include <openssl/sha.h>

#include "dirsrv.h"

#define KEY_PRESENT	"\xff\xfe"
#define KEY_EMPTY	"\xff\xfd"
#define KEY_LONG	"\xff\xfc"	/* sub: values not fully indexed */
#define KEY_HASH	'\xff'
#define EQ_KEY_MAX	400
#define SUB_VALUE_MAX	1024
#define A_START		'\x01'
#define A_END		'\x02'

/* build the eq key for nv into out (at least EQ_KEY_MAX bytes) */
static size_t
eq_key(const struct berval *nv, char *out)
{
	if (nv->bv_len == 0) {
		memcpy(out, KEY_EMPTY, 2);
		return 2;
	}
	if (nv->bv_len <= EQ_KEY_MAX && (unsigned char)nv->bv_val[0] != 0xff) {
		memcpy(out, nv->bv_val, nv->bv_len);
		return nv->bv_len;
	}
	out[0] = KEY_HASH;
	SHA256((const unsigned char *)nv->bv_val, nv->bv_len,
	    (unsigned char *)out + 1);
	return 1 + SHA256_DIGEST_LENGTH;
}

static int
key_put(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    uint64_t id, int add)
{
	MDB_val k = { klen, (void *)(uintptr_t)key }, v = { sizeof(id), &id };
	int rc;

	if (add) {
		rc = mdb_put(txn, dbi, &k, &v, MDB_NODUPDATA);
		return rc == MDB_KEYEXIST ? 0 : rc;
	}
	rc = mdb_del(txn, dbi, &k, &v);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
sub_keys(MDB_txn *txn, MDB_dbi dbi, const struct berval *nv, uint64_t id,
    int add)
{
	unsigned char s[SUB_VALUE_MAX + 2];
	size_t n, i;
	int rc;

	n = nv->bv_len;
	if (n > SUB_VALUE_MAX) {
		/* the tail is not indexed: always a candidate */
		if ((rc = key_put(txn, dbi, KEY_LONG, 2, id, add)) != 0)
			return rc;
		n = SUB_VALUE_MAX;
	}
	if (n == 0)
		return 0;
	s[0] = A_START;
	memcpy(s + 1, nv->bv_val, n);
	s[n + 1] = nv->bv_len > SUB_VALUE_MAX ? (unsigned char)nv->bv_val[n] :
	    A_END;
	n += 2;
	for (i = 0; i + 3 <= n; i++)
		if ((rc = key_put(txn, dbi, s + i, 3, id, add)) != 0)
			return rc;
	return 0;
}

int
index_values(struct store *st, MDB_txn *txn, struct arena *a, uint64_t id,
    const struct attrtype *at, const struct berval *nvals, size_t n, int add)
{
	char key[EQ_KEY_MAX + 1];
	size_t i, kl;
	int rc;

	(void)st;
	(void)a;
	for (i = 0; i < n; i++) {
		if (at->idx_eq) {
			kl = eq_key(&nvals[i], key);
			if ((rc = key_put(txn, at->dbi_eq, key, kl, id, add)) != 0)
				return rc;
		}
		if (at->idx_sub &&
		    (rc = sub_keys(txn, at->dbi_sub, &nvals[i], id, add)) != 0)
			return rc;
	}
	return 0;
}

int
index_presence(MDB_txn *txn, const struct attrtype *at, uint64_t id, int add)
{
	return key_put(txn, at->dbi_eq, KEY_PRESENT, 2, id, add);
}

int
index_entry(struct store *st, MDB_txn *txn, struct arena *a,
    const struct entry *e, int add)
{
	size_t i;
	int rc;

	for (i = 0; i < e->na; i++) {
		const struct attr *at = &e->attrs[i];

		if (!at->at->idx_eq && !at->at->idx_sub)
			continue;
		if (at->at->idx_eq && (rc = index_presence(txn, at->at, e->id, add))
		    != 0)
			return rc;
		if (at->external)
			continue;	/* indexed row by row */
		if ((rc = index_values(st, txn, a, e->id, at->at, at->nvals,
		    at->nv, add)) != 0)
			return rc;
	}
	return 0;
}

/* fetch every id under key into l (ids arrive sorted) */
static int
key_ids(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    struct idl *l)
{
	MDB_cursor *c;
	MDB_val k = { klen, (void *)(uintptr_t)key }, v;
	size_t i, cnt;
	int rc;

	l->all = 0;
	l->n = 0;
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (rc == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_MULTIPLE);
	while (rc == 0) {
		cnt = v.mv_size / sizeof(uint64_t);
		for (i = 0; i < cnt; i++) {
			uint64_t id;
			memcpy(&id, (char *)v.mv_data + i * sizeof(id),
			    sizeof(id));
			idl_add(l, id);
		}
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_MULTIPLE);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static size_t
key_count(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen)
{
	MDB_cursor *c;
	MDB_val k = { klen, (void *)(uintptr_t)key }, v;
	size_t cnt = 0;

	if (mdb_cursor_open(txn, dbi, &c) != 0)
		return 0;
	if (mdb_cursor_get(c, &k, &v, MDB_SET) == 0)
		mdb_cursor_count(c, &cnt);
	mdb_cursor_close(c);
	return (size_t)cnt;
}

int
index_eq(struct store *st, MDB_txn *txn, const struct attrtype *at,
    const struct berval *nv, struct idl *l)
{
	char key[EQ_KEY_MAX + 1];
	size_t kl;

	(void)st;
	if (!at->idx_eq)
		return -1;
	kl = eq_key(nv, key);
	return key_ids(txn, at->dbi_eq, key, kl, l);
}

int
index_present(struct store *st, MDB_txn *txn, const struct attrtype *at,
    struct idl *l)
{
	(void)st;
	if (!at->idx_eq)
		return -1;
	return key_ids(txn, at->dbi_eq, KEY_PRESENT, 2, l);
}

struct gram {
	unsigned char	k[3];
	size_t		count;
};

static void
grams_of(struct arena *a, const struct berval *piece, int start, int end,
    struct gram **g, size_t *ng, size_t *cap)
{
	unsigned char *s;
	size_t n = 0, i;

	s = arena_alloc(a, piece->bv_len + 2);
	if (start)
		s[n++] = A_START;
	if (piece->bv_len > SUB_VALUE_MAX - 2)
		return;		/* cannot use: may run into unindexed tails */
	memcpy(s + n, piece->bv_val, piece->bv_len);
	n += piece->bv_len;
	if (end)
		s[n++] = A_END;
	for (i = 0; i + 3 <= n; i++) {
		if (*ng == *cap) {
			struct gram *ngv;
			*cap = *cap ? *cap * 2 : 16;
			ngv = arena_alloc(a, *cap * sizeof(**g));
			if (*ng)
				memcpy(ngv, *g, *ng * sizeof(**g));
			*g = ngv;
		}
		memcpy((*g)[*ng].k, s + i, 3);
		(*g)[*ng].count = 0;
		(*ng)++;
	}
}

static int
gram_cmp(const void *x, const void *y)
{
	const struct gram *a = x, *b = y;

	return (a->count > b->count) - (a->count < b->count);
}

int
index_substr(struct store *st, MDB_txn *txn, struct arena *a,
    const struct filter *f, struct idl *l)
{
	const struct attrtype *at = f->at;
	struct gram *g = NULL;
	struct idl tmp = { 0 };
	size_t ng = 0, cap = 0, i;
	int rc;

	(void)st;
	if (at == NULL || !at->idx_sub)
		return -1;
	if (f->initial.bv_val != NULL)
		grams_of(a, &f->initial, 1, 0, &g, &ng, &cap);
	for (i = 0; i < f->nany; i++)
		grams_of(a, &f->any[i], 0, 0, &g, &ng, &cap);
	if (f->final.bv_val != NULL)
		grams_of(a, &f->final, 0, 1, &g, &ng, &cap);
	if (ng == 0)
		return -1;
	/* smallest lists first: the intersection shrinks fastest */
	for (i = 0; i < ng; i++)
		g[i].count = key_count(txn, at->dbi_sub, g[i].k, 3);
	qsort(g, ng, sizeof(*g), gram_cmp);
	l->all = 1;
	for (i = 0; i < ng; i++) {
		if (g[i].count == 0) {
			l->all = 0;
			l->n = 0;
			break;
		}
		if ((rc = key_ids(txn, at->dbi_sub, g[i].k, 3, &tmp)) != 0)
			goto fail;
		idl_intersect(l, &tmp);
		if (l->n == 0 && !l->all)
			break;
	}
	/* values too long to index fully are always candidates */
	if ((rc = key_ids(txn, at->dbi_sub, KEY_LONG, 2, &tmp)) != 0)
		goto fail;
	if (tmp.n > 0)
		idl_union(l, &tmp);
	idl_free(&tmp);
	return 0;
fail:
	idl_free(&tmp);
	return rc;
}

/*
 * Indexes are recorded in meta as "built:eq:<oid>" / "built:sub:<oid>".
 * An index configured after data was loaded is built here from every
 * entry, in one write transaction.
 */
int
index_rebuild(struct store *st, int force)
{
	const struct schema *s = st->schema;
	struct attrtype **pending_eq, **pending_sub;
	size_t neq = 0, nsub = 0, i, j;
	MDB_txn *txn = NULL;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	char name[300];
	struct arena a = { 0 };
	uint64_t count = 0;
	int rc;

	pending_eq = xcalloc(s->nat + 1, sizeof(*pending_eq));
	pending_sub = xcalloc(s->nat + 1, sizeof(*pending_sub));
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0)
		goto done;
	for (i = 0; i < s->nat; i++) {
		struct attrtype *at = s->at[i];

		if (at->idx_eq) {
			snprintf(name, sizeof(name), "built:eq:%s", at->oid);
			k.mv_data = name;
			k.mv_size = strlen(name);
			if (force || mdb_get(txn, st->meta, &k, &v) != 0)
				pending_eq[neq++] = at;
		}
		if (at->idx_sub) {
			snprintf(name, sizeof(name), "built:sub:%s", at->oid);
			k.mv_data = name;
			k.mv_size = strlen(name);
			if (force || mdb_get(txn, st->meta, &k, &v) != 0)
				pending_sub[nsub++] = at;
		}
	}
	if (neq == 0 && nsub == 0)
		goto commit;
	if ((rc = mdb_cursor_open(txn, st->id2entry, &c)) != 0)
		goto done;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct entry e;

		memcpy(&e.id, k.mv_data, sizeof(e.id));
		if (entry_decode(&a, s, v.mv_data, v.mv_size, &e) != 0) {
			rc = MDB_CORRUPTED;
			goto done;
		}
		for (i = 0; i < e.na; i++) {
			struct attr *at = &e.attrs[i];
			int doeq = 0, dosub = 0;

			for (j = 0; j < neq; j++)
				doeq |= pending_eq[j] == at->at;
			for (j = 0; j < nsub; j++)
				dosub |= pending_sub[j] == at->at;
			if (!doeq && !dosub)
				continue;
			if (at->external && (rc = store_load_external(st, txn,
			    &a, &e, at)) != 0)
				goto done;
			/* index only the missing kinds */
			{
				struct attrtype tmp = *at->at;
				tmp.idx_eq = doeq;
				tmp.idx_sub = dosub;
				if (doeq && (rc = index_presence(txn, &tmp, e.id, 1))
				    != 0)
					goto done;
				if ((rc = index_values(st, txn, &a, e.id, &tmp,
				    at->nvals, at->nv, 1)) != 0)
					goto done;
			}
		}
		arena_reset(&a);
		count++;
	}
	if (rc != MDB_NOTFOUND)
		goto done;
	mdb_cursor_close(c);
	c = NULL;
	log_info("built %zu equality and %zu substring indexes over %llu "
	    "entries", neq, nsub, (unsigned long long)count);
commit:
	for (i = 0; i < neq + nsub; i++) {
		struct attrtype *at = i < neq ? pending_eq[i] : pending_sub[i - neq];

		snprintf(name, sizeof(name), "built:%s:%s", i < neq ? "eq" :
		    "sub", at->oid);
		k.mv_data = name;
		k.mv_size = strlen(name);
		v.mv_data = "1";
		v.mv_size = 1;
		if ((rc = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto done;
	}
	rc = mdb_txn_commit(txn);
	txn = NULL;
done:
	if (c)
		mdb_cursor_close(c);
	if (txn)
		mdb_txn_abort(txn);
	if (rc != 0)
		log_err("index rebuild: %s", mdb_strerror(rc));
	arena_free(&a);
	free(pending_eq);
	free(pending_sub);
	return rc;
}
