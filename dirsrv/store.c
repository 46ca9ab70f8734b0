/*
 * store.c - the LMDB database: entries, the DN and children indexes, and
 * the value-per-row tables of multi-valued attributes.
 *
 * Tables: id2entry (u64 -> encoded entry), dn2id (reversed normalised DN
 * -> u64; a subtree is a key range), children (u64 parent -> dup u64),
 * meta, and per configured attribute: "eq:<oid>" and "sub:<oid>" indexes
 * (key -> dup u64 ids) and "mv:<oid>" (u64 id -> dup "nvalue\0value").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dirsrv.h"

#define MV_MAXDATA	500	/* LMDB's limit for DUPSORT data is 511 */

const char *
store_strerror(int rc)
{
	return mdb_strerror(rc);
}

static int
resolve_list(const struct store *st, const struct strlist *l, int which,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct attrtype *at = schema_at(st->schema, l->v[i],
		    strlen(l->v[i]));

		if (at == NULL) {
			snprintf(err, errlen, "%s: unknown attribute type %s",
			    which == 0 ? "index" : which == 1 ? "substr_index" :
			    "multival", l->v[i]);
			return -1;
		}
		if (which == 0)
			at->idx_eq = 1;
		else if (which == 1) {
			if (at_sub(at) == NULL) {
				snprintf(err, errlen, "substr_index: %s has no "
				    "substrings matching rule", l->v[i]);
				return -1;
			}
			at->idx_sub = 1;
		} else
			at->multival = 1;
	}
	return 0;
}

static int
open_dbi(MDB_txn *txn, const char *name, unsigned flags, MDB_dbi *dbi)
{
	return mdb_dbi_open(txn, name, flags, dbi);
}

/*
 * Which attributes are stored row by row is part of the database format:
 * the list is recorded at creation and a different configured list is
 * refused (export, change the setting, import) rather than misread.
 */
static int
check_multival(struct store *st, MDB_txn *txn, int readonly, char *err,
    size_t errlen)
{
	const struct schema *s = st->schema;
	struct buf want = { 0 };
	MDB_val k = { 8, "multival" }, v;
	MDB_stat ms;
	size_t i;
	int rc;

	for (i = 0; i < s->nat; i++)
		if (s->at[i]->multival) {
			buf_addstr(&want, s->at[i]->oid);
			buf_addc(&want, ' ');
		}
	rc = mdb_get(txn, st->meta, &k, &v);
	if (rc == 0) {
		if (v.mv_size != want.len || (want.len && memcmp(v.mv_data,
		    want.p, want.len) != 0)) {
			snprintf(err, errlen, "multival: the configured list "
			    "differs from the one this database was created with "
			    "(%.*s); export the data, change the setting and "
			    "import again", (int)v.mv_size, (char *)v.mv_data);
			buf_free(&want);
			return -1;
		}
		buf_free(&want);
		return 0;
	}
	if (rc != MDB_NOTFOUND || readonly) {
		buf_free(&want);
		return readonly ? 0 : (snprintf(err, errlen, "meta: %s",
		    mdb_strerror(rc)), -1);
	}
	/* a database with entries but no record predates the setting */
	if (mdb_stat(txn, st->id2entry, &ms) == 0 && ms.ms_entries > 0) {
		snprintf(err, errlen, "this database has no multival record; "
		    "export it and import into a new data_dir");
		buf_free(&want);
		return -1;
	}
	v.mv_data = want.p ? (void *)want.p : (void *)"";
	v.mv_size = want.len;
	rc = mdb_put(txn, st->meta, &k, &v, 0);
	buf_free(&want);
	if (rc != 0) {
		snprintf(err, errlen, "meta: %s", mdb_strerror(rc));
		return -1;
	}
	return 0;
}

/* bulk loading: no fsync per commit; store_sync() at the end */
void
store_set_bulk(struct store *st, int on)
{
	mdb_env_set_flags(st->env, MDB_NOSYNC, on);
}

int
store_sync(struct store *st)
{
	return mdb_env_sync(st->env, 1);
}

int
store_open(struct store *st, const struct config *cfg,
    const struct schema *s, int readonly, char *err, size_t errlen)
{
	MDB_txn *txn = NULL;
	unsigned create = readonly ? 0 : MDB_CREATE;
	char name[300];
	size_t i;
	int rc;

	memset(st, 0, sizeof(*st));
	st->schema = s;
	st->cfg = cfg;
	for (i = 0; i < s->nat; i++)
		s->at[i]->idx_eq = s->at[i]->idx_sub = s->at[i]->multival = 0;
	if (resolve_list(st, &cfg->index, 0, err, errlen) != 0 ||
	    resolve_list(st, &cfg->substr_index, 1, err, errlen) != 0 ||
	    resolve_list(st, &cfg->multival, 2, err, errlen) != 0)
		return -1;
	if (!readonly && mkdir(cfg->data_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "data_dir %s: %s", cfg->data_dir,
		    strerror(errno));
		return -1;
	}
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, 512)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, 512)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, cfg->map_size)) != 0)
		goto lmdb_fail;
	/* MDB_NOTLS: read transactions belong to worker slots, not threads */
	rc = mdb_env_open(st->env, cfg->data_dir, MDB_NOTLS | MDB_NORDAHEAD |
	    (readonly ? MDB_RDONLY : 0), 0600);
	if (rc != 0)
		goto lmdb_fail;
	if ((rc = mdb_txn_begin(st->env, NULL, readonly ? MDB_RDONLY : 0,
	    &txn)) != 0)
		goto lmdb_fail;
	if ((rc = open_dbi(txn, "id2entry", create | MDB_INTEGERKEY,
	    &st->id2entry)) != 0 ||
	    (rc = open_dbi(txn, "dn2id", create, &st->dn2id)) != 0 ||
	    (rc = open_dbi(txn, "children", create | MDB_INTEGERKEY |
	    MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &st->children)) != 0 ||
	    (rc = open_dbi(txn, "meta", create, &st->meta)) != 0)
		goto lmdb_fail;
	for (i = 0; i < s->nat; i++) {
		struct attrtype *at = s->at[i];

		if (at->idx_eq) {
			snprintf(name, sizeof(name), "eq:%s", at->oid);
			if ((rc = open_dbi(txn, name, create | MDB_DUPSORT |
			    MDB_DUPFIXED | MDB_INTEGERDUP, &at->dbi_eq)) != 0)
				goto idx_fail;
		}
		if (at->idx_sub) {
			snprintf(name, sizeof(name), "sub:%s", at->oid);
			if ((rc = open_dbi(txn, name, create | MDB_DUPSORT |
			    MDB_DUPFIXED | MDB_INTEGERDUP, &at->dbi_sub)) != 0)
				goto idx_fail;
		}
		if (at->multival) {
			snprintf(name, sizeof(name), "mv:%s", at->oid);
			if ((rc = open_dbi(txn, name, create | MDB_INTEGERKEY |
			    MDB_DUPSORT, &at->dbi_mv)) != 0)
				goto idx_fail;
		}
	}
	if ((rc = check_multival(st, txn, readonly, err, errlen)) != 0) {
		mdb_txn_abort(txn);
		store_close(st);
		return -1;
	}
	if (readonly) {
		/* commit, not abort: handles opened in an aborted txn close */
		if ((rc = mdb_txn_commit(txn)) != 0) {
			txn = NULL;
			goto lmdb_fail;
		}
		return 0;
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		txn = NULL;
		goto lmdb_fail;
	}
	return index_rebuild(st, 0) == 0 ? 0 : (snprintf(err, errlen,
	    "index rebuild failed"), store_close(st), -1);
idx_fail:
	if (readonly && rc == MDB_NOTFOUND) {
		snprintf(err, errlen, "%s: table %s is missing (start the "
		    "server once, or import, to create it)", cfg->data_dir, name);
		mdb_txn_abort(txn);
		store_close(st);
		return -1;
	}
lmdb_fail:
	snprintf(err, errlen, "data_dir %s: %s", cfg->data_dir,
	    mdb_strerror(rc));
	if (txn)
		mdb_txn_abort(txn);
	store_close(st);
	return -1;
}

static __thread MDB_txn *tl_txn;

void
store_close(struct store *st)
{
	/* the closing thread's cached read transaction goes first */
	if (tl_txn != NULL && st->env != NULL && mdb_txn_env(tl_txn) == st->env) {
		mdb_txn_abort(tl_txn);
		tl_txn = NULL;
	}
	if (st->env != NULL)
		mdb_env_close(st->env);
	st->env = NULL;
}

int
store_dn2id(struct store *st, MDB_txn *txn, const struct berval *ndn,
    uint64_t *id)
{
	char key[DN_KEY_MAX];
	MDB_val k, v;
	int rc;

	if (ndn->bv_len == 0 || ndn->bv_len > DN_KEY_MAX)
		return MDB_NOTFOUND;
	dn_key(ndn, key);
	k.mv_data = key;
	k.mv_size = ndn->bv_len;
	rc = mdb_get(txn, st->dn2id, &k, &v);
	if (rc == 0) {
		if (v.mv_size != sizeof(*id))
			return MDB_CORRUPTED;
		memcpy(id, v.mv_data, sizeof(*id));
	}
	return rc;
}

int
store_get(struct store *st, MDB_txn *txn, struct arena *a, uint64_t id,
    struct entry *e)
{
	MDB_val k = { sizeof(id), &id }, v;
	int rc;

	if ((rc = mdb_get(txn, st->id2entry, &k, &v)) != 0)
		return rc;
	e->id = id;
	if (entry_decode(a, st->schema, v.mv_data, v.mv_size, e) != 0) {
		log_err("entry %llu: cannot decode (corrupt record)",
		    (unsigned long long)id);
		return MDB_CORRUPTED;
	}
	return 0;
}

int
store_get_dn(struct store *st, MDB_txn *txn, struct arena *a,
    const struct berval *ndn, struct entry *e)
{
	uint64_t id;
	int rc;

	if ((rc = store_dn2id(st, txn, ndn, &id)) != 0)
		return rc;
	return store_get(st, txn, a, id, e);
}

/*
 * As store_get and store_get_dn, but the entry is copied to the arena:
 * in a write transaction, data on pages this transaction has dirtied can
 * move with the next write, so write paths that read, write, and read
 * again must work on copies.
 */
int
store_get_copy(struct store *st, MDB_txn *txn, struct arena *a, uint64_t id,
    struct entry *e)
{
	int rc = store_get(st, txn, a, id, e);

	if (rc == 0)
		*e = *entry_dup(a, e);
	return rc;
}

int
store_get_dn_copy(struct store *st, MDB_txn *txn, struct arena *a,
    const struct berval *ndn, struct entry *e)
{
	int rc = store_get_dn(st, txn, a, ndn, e);

	if (rc == 0)
		*e = *entry_dup(a, e);
	return rc;
}

int
store_load_external(struct store *st, MDB_txn *txn, struct arena *a,
    const struct entry *e, struct attr *at)
{
	MDB_cursor *c;
	MDB_val k = { sizeof(e->id), (void *)(uintptr_t)&e->id }, v;
	struct berval val, nv;
	const char *nul;
	int rc;

	if (!at->external || at->nv == at->ext_count)
		return 0;
	at->nv = 0;
	if ((rc = mdb_cursor_open(txn, at->at->dbi_mv, &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
	while (rc == 0) {
		nul = memchr(v.mv_data, '\0', v.mv_size);
		if (nul == NULL) {
			rc = MDB_CORRUPTED;
			break;
		}
		nv.bv_val = v.mv_data;
		nv.bv_len = (size_t)(nul - (const char *)v.mv_data);
		val.bv_val = (char *)(uintptr_t)(nul + 1);
		val.bv_len = v.mv_size - nv.bv_len - 1;
		if (val.bv_len == 0)	/* stored once when equal */
			val = nv;
		else if (val.bv_val[val.bv_len - 1] != '\0') {
			rc = MDB_CORRUPTED;
			break;
		} else
			val.bv_len--;	/* "nv\0value\0" */
		attr_append_value(a, at, &val, &nv);
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
	}
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	at->ext_count = at->nv;
	return rc;
}

static int
mv_find(MDB_cursor *c, uint64_t *id, const struct berval *nv, MDB_val *v)
{
	MDB_val k = { sizeof(*id), id };
	int rc;

	v->mv_size = nv->bv_len + 1;
	v->mv_data = nv->bv_val;	/* "nv\0" is a prefix of the row */
	{
		char tmp[MV_MAXDATA + 2];

		if (nv->bv_len > MV_MAXDATA)
			return MDB_NOTFOUND;
		memcpy(tmp, nv->bv_val, nv->bv_len);
		tmp[nv->bv_len] = '\0';
		v->mv_data = tmp;
		rc = mdb_cursor_get(c, &k, v, MDB_GET_BOTH_RANGE);
		if (rc != 0)
			return rc;
		if (v->mv_size < nv->bv_len + 1 ||
		    memcmp(v->mv_data, tmp, nv->bv_len + 1) != 0)
			return MDB_NOTFOUND;
	}
	return 0;
}

int
store_mv_has(struct store *st, MDB_txn *txn, uint64_t id,
    const struct attrtype *at, const struct berval *nv)
{
	MDB_cursor *c;
	MDB_val v;
	int rc;

	if (mdb_cursor_open(txn, at->dbi_mv, &c) != 0)
		return 0;
	rc = mv_find(c, &id, nv, &v);
	mdb_cursor_close(c);
	return rc == 0;
}

int
store_mv_add(struct store *st, MDB_txn *txn, struct arena *a, uint64_t id,
    const struct attrtype *at, const struct berval *val,
    const struct berval *nv)
{
	MDB_val k = { sizeof(id), &id }, v;
	char row[2 * MV_MAXDATA + 2];
	size_t n;
	int rc;

	if (store_mv_has(st, txn, id, at, nv))
		return MDB_KEYEXIST;
	/* "nv\0" when the value is its own normal form, else "nv\0value\0" */
	n = nv->bv_len + 1;
	if (!(val->bv_len == nv->bv_len && memcmp(val->bv_val, nv->bv_val,
	    nv->bv_len) == 0))
		n += val->bv_len + 1;
	if (n > MV_MAXDATA || val->bv_len == 0 ||
	    memchr(nv->bv_val, '\0', nv->bv_len) != NULL)
		return MDB_BAD_VALSIZE;
	memcpy(row, nv->bv_val, nv->bv_len);
	row[nv->bv_len] = '\0';
	if (n > nv->bv_len + 1) {
		memcpy(row + nv->bv_len + 1, val->bv_val, val->bv_len);
		row[n - 1] = '\0';
	}
	v.mv_data = row;
	v.mv_size = n;
	if ((rc = mdb_put(txn, at->dbi_mv, &k, &v, MDB_NODUPDATA)) != 0)
		return rc;
	return index_values(st, txn, a, id, at, nv, 1, 1);
}

int
store_mv_del(struct store *st, MDB_txn *txn, struct arena *a, uint64_t id,
    const struct attrtype *at, const struct berval *nv)
{
	MDB_cursor *c;
	MDB_val v;
	int rc;

	if ((rc = mdb_cursor_open(txn, at->dbi_mv, &c)) != 0)
		return rc;
	rc = mv_find(c, &id, nv, &v);
	if (rc == 0)
		rc = mdb_cursor_del(c, 0);
	mdb_cursor_close(c);
	if (rc != 0)
		return rc;
	return index_values(st, txn, a, id, at, nv, 1, 0);
}

/* remove every row (and index key) of an external attribute */
int
store_mv_clear(struct store *st, MDB_txn *txn, struct arena *a,
    const struct entry *e, struct attr *at)
{
	MDB_val k = { sizeof(e->id), (void *)(uintptr_t)&e->id };
	int rc;

	if ((rc = store_load_external(st, txn, a, e, at)) != 0)
		return rc;
	if ((rc = index_values(st, txn, a, e->id, at->at, at->nvals, at->nv,
	    0)) != 0)
		return rc;
	rc = mdb_del(txn, at->at->dbi_mv, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
put_entry_flags(struct store *st, MDB_txn *txn, const struct entry *e,
    unsigned flags)
{
	MDB_val k = { sizeof(e->id), (void *)(uintptr_t)&e->id }, v;
	struct buf b = { 0 };
	int rc;

	entry_encode(e, &b);
	v.mv_data = b.p;
	v.mv_size = b.len;
	rc = mdb_put(txn, st->id2entry, &k, &v, flags);
	buf_free(&b);
	return rc;
}

static int
put_entry(struct store *st, MDB_txn *txn, const struct entry *e)
{
	return put_entry_flags(st, txn, e, 0);
}

static int
dn2id_put(struct store *st, MDB_txn *txn, const struct berval *ndn,
    uint64_t id)
{
	char key[DN_KEY_MAX];
	MDB_val k, v = { sizeof(id), &id };

	if (ndn->bv_len == 0 || ndn->bv_len > DN_KEY_MAX)
		return MDB_BAD_VALSIZE;
	dn_key(ndn, key);
	k.mv_data = key;
	k.mv_size = ndn->bv_len;
	return mdb_put(txn, st->dn2id, &k, &v, MDB_NOOVERWRITE);
}

static int
dn2id_del(struct store *st, MDB_txn *txn, const struct berval *ndn)
{
	char key[DN_KEY_MAX];
	MDB_val k;

	if (ndn->bv_len == 0 || ndn->bv_len > DN_KEY_MAX)
		return MDB_NOTFOUND;
	dn_key(ndn, key);
	k.mv_data = key;
	k.mv_size = ndn->bv_len;
	return mdb_del(txn, st->dn2id, &k, NULL);
}

/* move the values of multival attributes to their tables */
static int
externalise(struct store *st, MDB_txn *txn, struct arena *a, struct entry *e)
{
	size_t i, j;
	int rc;

	for (i = 0; i < e->na; i++) {
		struct attr *at = &e->attrs[i];

		if (!at->at->multival || at->external)
			continue;
		for (j = 0; j < at->nv; j++) {
			rc = store_mv_add(st, txn, a, e->id, at->at, &at->vals[j],
			    &at->nvals[j]);
			if (rc != 0)
				return rc;
		}
		at->external = 1;
		at->ext_count = at->nv;
	}
	return 0;
}

int
store_add(struct store *st, MDB_txn *txn, struct entry *e, uint64_t parent)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct arena a = { 0 };
	uint64_t last = 0;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->id2entry, &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0)
		memcpy(&last, k.mv_data, sizeof(last));
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	e->id = last + 1;
	if ((rc = dn2id_put(st, txn, &e->ndn, e->id)) != 0)
		return rc;
	if (parent != 0) {
		k.mv_size = sizeof(parent);
		k.mv_data = &parent;
		v.mv_size = sizeof(e->id);
		v.mv_data = &e->id;
		if ((rc = mdb_put(txn, st->children, &k, &v, 0)) != 0)
			return rc;
	}
	/* index inline values first; multival ones are indexed per row */
	if ((rc = index_entry(st, txn, &a, e, 1)) != 0)
		goto done;
	if ((rc = externalise(st, txn, &a, e)) != 0)
		goto done;
	/* ids only grow: appending skips the B-tree search */
	rc = put_entry_flags(st, txn, e, MDB_APPEND);
done:
	arena_free(&a);
	return rc;
}

/* collect normalised values of type t over inline attributes of e */
static void
collect(const struct entry *e, const struct attrtype *t, struct attr *out,
    struct arena *a)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	out->at = (struct attrtype *)(uintptr_t)t;
	for (i = 0; i < e->na; i++) {
		const struct attr *at = &e->attrs[i];

		if (at->at != t || at->external)
			continue;
		for (j = 0; j < at->nv; j++)
			attr_append_value(a, out, &at->vals[j], &at->nvals[j]);
	}
}

static int
bv_sort_cmp(const void *x, const void *y)
{
	const struct berval *a = x, *b = y;
	size_t n = a->bv_len < b->bv_len ? a->bv_len : b->bv_len;
	int c = n ? memcmp(a->bv_val, b->bv_val, n) : 0;

	return c ? c : (a->bv_len > b->bv_len) - (a->bv_len < b->bv_len);
}

/* index keys that are in a but not in b (both sorted) */
static int
index_diff(struct store *st, MDB_txn *txn, struct arena *a, uint64_t id,
    const struct attrtype *t, const struct attr *x, const struct attr *y,
    int add)
{
	size_t i = 0, j = 0;
	int c, rc;

	while (i < x->nv) {
		c = j < y->nv ? bv_sort_cmp(&x->nvals[i], &y->nvals[j]) : -1;
		if (c < 0) {
			if ((rc = index_values(st, txn, a, id, t, &x->nvals[i],
			    1, add)) != 0)
				return rc;
			i++;
		} else if (c > 0)
			j++;
		else
			i++, j++;
	}
	return 0;
}

static int
has_type(const struct entry *e, const struct attrtype *t)
{
	size_t i;

	for (i = 0; i < e->na; i++)
		if (e->attrs[i].at == t && (e->attrs[i].external ?
		    e->attrs[i].ext_count > 0 : e->attrs[i].nv > 0))
			return 1;
	return 0;
}

int
store_modify(struct store *st, MDB_txn *txn, struct arena *a,
    const struct entry *old, const struct entry *new)
{
	struct attr x, y;
	size_t i;
	int rc, oh, nh;

	for (i = 0; i < st->schema->nat; i++) {
		const struct attrtype *t = st->schema->at[i];

		if (!t->idx_eq && !t->idx_sub)
			continue;
		oh = has_type(old, t);
		nh = has_type(new, t);
		if (!oh && !nh)
			continue;
		if (t->idx_eq && oh != nh &&
		    (rc = index_presence(txn, t, old->id, nh)) != 0)
			return rc;
		collect(old, t, &x, a);
		collect(new, t, &y, a);
		if (x.nv > 1)
			qsort(x.nvals, x.nv, sizeof(*x.nvals), bv_sort_cmp);
		if (y.nv > 1)
			qsort(y.nvals, y.nv, sizeof(*y.nvals), bv_sort_cmp);
		if ((rc = index_diff(st, txn, a, old->id, t, &x, &y, 0)) != 0 ||
		    (rc = index_diff(st, txn, a, old->id, t, &y, &x, 1)) != 0)
			return rc;
	}
	return put_entry(st, txn, new);
}

int
store_delete(struct store *st, MDB_txn *txn, struct arena *a,
    const struct entry *e, uint64_t parent)
{
	MDB_val k = { sizeof(e->id), (void *)(uintptr_t)&e->id }, v;
	size_t i;
	int rc;

	for (i = 0; i < e->na; i++)
		if (e->attrs[i].external &&
		    (rc = store_mv_clear(st, txn, a, e, &e->attrs[i])) != 0)
			return rc;
	if ((rc = index_entry(st, txn, a, e, 0)) != 0)
		return rc;
	if ((rc = dn2id_del(st, txn, &e->ndn)) != 0)
		return rc;
	if (parent != 0) {
		MDB_val pk = { sizeof(parent), &parent };
		v.mv_size = sizeof(e->id);
		v.mv_data = (void *)(uintptr_t)&e->id;
		rc = mdb_del(txn, st->children, &pk, &v);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return rc;
	}
	return mdb_del(txn, st->id2entry, &k, NULL);
}

int
store_rename(struct store *st, MDB_txn *txn, struct arena *a,
    const struct entry *old, const struct entry *new, uint64_t oldparent,
    uint64_t newparent)
{
	MDB_val k, v;
	int rc;

	if ((rc = dn2id_del(st, txn, &old->ndn)) != 0)
		return rc;
	if ((rc = dn2id_put(st, txn, &new->ndn, new->id)) != 0)
		return rc;
	if (oldparent != newparent) {
		v.mv_size = sizeof(old->id);
		v.mv_data = (void *)(uintptr_t)&old->id;
		if (oldparent != 0) {
			k.mv_size = sizeof(oldparent);
			k.mv_data = &oldparent;
			rc = mdb_del(txn, st->children, &k, &v);
			if (rc != 0 && rc != MDB_NOTFOUND)
				return rc;
		}
		if (newparent != 0) {
			k.mv_size = sizeof(newparent);
			k.mv_data = &newparent;
			if ((rc = mdb_put(txn, st->children, &k, &v, 0)) != 0)
				return rc;
		}
	}
	return store_modify(st, txn, a, old, new);
}

int
store_has_children(struct store *st, MDB_txn *txn, uint64_t id)
{
	MDB_val k = { sizeof(id), &id }, v;

	return mdb_get(txn, st->children, &k, &v) == 0;
}

int
store_read_begin(struct store *st, MDB_txn **txn)
{
	int rc;

	if (tl_txn != NULL && mdb_txn_env(tl_txn) == st->env) {
		if ((rc = mdb_txn_renew(tl_txn)) == 0) {
			*txn = tl_txn;
			return 0;
		}
		mdb_txn_abort(tl_txn);
		tl_txn = NULL;
	}
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &tl_txn)) != 0) {
		tl_txn = NULL;
		return rc;
	}
	*txn = tl_txn;
	return 0;
}

/* release this thread's cached read transaction (before store_close) */
void
store_read_thread_end(void)
{
	if (tl_txn != NULL)
		mdb_txn_abort(tl_txn);
	tl_txn = NULL;
}

void
store_read_end(MDB_txn *txn)
{
	if (txn == tl_txn)
		mdb_txn_reset(txn);
	else
		mdb_txn_abort(txn);
}

int
store_subtree(struct store *st, MDB_txn *txn, const struct berval *ndn,
    struct idl *l)
{
	char key[DN_KEY_MAX + 1];
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id;
	size_t kl;
	int rc;

	l->all = 0;
	l->n = 0;
	if ((rc = mdb_cursor_open(txn, st->dn2id, &c)) != 0)
		return rc;
	if (ndn->bv_len == 0) {
		/* the whole database */
		rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
		kl = 0;
	} else {
		if (ndn->bv_len > DN_KEY_MAX) {
			mdb_cursor_close(c);
			return MDB_NOTFOUND;
		}
		dn_key(ndn, key);
		kl = ndn->bv_len;
		k.mv_data = key;
		k.mv_size = kl;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	}
	while (rc == 0) {
		/* the base itself, then keys that continue with "\0" */
		if (kl > 0 && (k.mv_size < kl || memcmp(k.mv_data, key, kl) != 0 ||
		    (k.mv_size > kl && ((char *)k.mv_data)[kl] != '\0')))
			break;
		memcpy(&id, v.mv_data, sizeof(id));
		idl_add(l, id);
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	idl_sort(l);
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

int
store_children(struct store *st, MDB_txn *txn, uint64_t id, struct idl *l)
{
	MDB_cursor *c;
	MDB_val k = { sizeof(id), &id }, v;
	size_t i, cnt;
	int rc;

	l->all = 0;
	l->n = 0;
	if ((rc = mdb_cursor_open(txn, st->children, &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (rc == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_MULTIPLE);
	while (rc == 0) {
		cnt = v.mv_size / sizeof(uint64_t);
		for (i = 0; i < cnt; i++) {
			uint64_t cid;
			memcpy(&cid, (char *)v.mv_data + i * sizeof(cid),
			    sizeof(cid));
			idl_add(l, cid);
		}
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_MULTIPLE);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
store_put_dn(struct store *st, MDB_txn *txn, const struct entry *old,
    const struct entry *new)
{
	int rc;

	if ((rc = dn2id_del(st, txn, &old->ndn)) != 0)
		return rc;
	if ((rc = dn2id_put(st, txn, &new->ndn, new->id)) != 0)
		return rc;
	return put_entry(st, txn, new);
}
