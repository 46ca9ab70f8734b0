/*
 * cache.c - the agent's LMDB cache (tables in agent.h).
 *
 * The environment is opened with MDB_NOSYNC: cached directory data can
 * always be fetched again, so a crash that loses the last transactions
 * costs nothing but a refresh (LMDB stays consistent when the file
 * system keeps write order).  Offline-login hashes are the exception:
 * cache_put(DB_OFF) syncs before it returns.  Values are copied out
 * (rec_decode) before a transaction ends, except in cache_walk and
 * publish.c, which use them inside their own read transaction.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static MDB_env	*env;
static MDB_dbi	 dbi[DB_N];
static const char *const dbnames[DB_N] = {
	"passwd", "group", "initgroups", "offline", "uid", "gid", "mobile",
	"negative", "meta"
};

/*
 * Entries per write transaction of the full refresh.  The transaction
 * holds no network wait (see "queued writes"), so this bounds only how
 * long a lookup's write may wait for it: a few milliseconds.
 */
#define BATCH_MAX	1000

int
cache_open(const char *dir, long size_mib, char *err, size_t errlen)
{
	MDB_txn	*txn = NULL;
	int	 rc, i;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cache_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, DB_N)) != 0 ||
	    (rc = mdb_env_set_maxreaders(env, 4200)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, (size_t)size_mib << 20)) != 0 ||
	    (rc = mdb_env_open(env, dir, MDB_NOSYNC | MDB_NOTLS | MDB_WRITEMAP, 0600)) != 0)
		goto fail;
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
		goto fail;
	for (i = 0; i < DB_N; i++)
		if ((rc = mdb_dbi_open(txn, dbnames[i], MDB_CREATE,
		    &dbi[i])) != 0)
			goto fail;
	if ((rc = mdb_txn_commit(txn)) != 0) {
		txn = NULL;
		goto fail;
	}
	return 0;
fail:
	if (txn != NULL)
		mdb_txn_abort(txn);
	snprintf(err, errlen, "cache_dir %s: %s", dir, mdb_strerror(rc));
	if (env != NULL)
		mdb_env_close(env);
	env = NULL;
	return -1;
}

void
cache_close(void)
{
	if (env == NULL)
		return;
	mdb_env_sync(env, 1);
	mdb_env_close(env);
	env = NULL;
}

static MDB_val
mkval(const char *s)
{
	MDB_val	v;

	v.mv_data = (void *)(uintptr_t)s;
	v.mv_size = strlen(s);
	return v;
}

static int
txn_get(MDB_txn *txn, enum cache_db db, const char *key, MDB_val *data)
{
	MDB_val	k = mkval(key);

	if (k.mv_size == 0 || k.mv_size > 511)
		return MDB_NOTFOUND;
	return mdb_get(txn, dbi[db], &k, data);
}

int
cache_get(enum cache_db db, const char *key, struct ua_rec *r,
    int64_t *fetched)
{
	MDB_txn	*txn;
	MDB_val	 v;
	int	 rc;

	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	rc = txn_get(txn, db, key, &v);
	if (rc == 0)
		rc = rec_decode(v.mv_data, v.mv_size, r, fetched) == 0 ? 0 : -1;
	else
		rc = rc == MDB_NOTFOUND ? 1 : -1;
	mdb_txn_abort(txn);
	return rc;
}

int
cache_index(enum cache_db db, const char *key, char *buf, size_t len)
{
	MDB_txn	*txn;
	MDB_val	 v;
	int	 rc;

	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	rc = txn_get(txn, db, key, &v);
	if (rc == 0) {
		if (v.mv_size >= len || memchr(v.mv_data, '\0', v.mv_size))
			rc = -1;
		else {
			memcpy(buf, v.mv_data, v.mv_size);
			buf[v.mv_size] = '\0';
		}
	} else
		rc = rc == MDB_NOTFOUND ? 1 : -1;
	mdb_txn_abort(txn);
	return rc;
}

static int
txn_put(MDB_txn *txn, enum cache_db db, const char *key, const void *p,
    size_t len)
{
	MDB_val	k = mkval(key), v;

	if (k.mv_size == 0 || k.mv_size > 511)
		return 0;	/* not cacheable (LMDB key limit) */
	v.mv_data = (void *)(uintptr_t)p;
	v.mv_size = len;
	return mdb_put(txn, dbi[db], &k, &v, 0);
}

static void
txn_del(MDB_txn *txn, enum cache_db db, const char *key)
{
	MDB_val	k = mkval(key);

	if (k.mv_size > 0 && k.mv_size <= 511)
		mdb_del(txn, dbi[db], &k, NULL);
}

static void
txn_del_neg(MDB_txn *txn, char kind, const char *what)
{
	char	key[520];

	snprintf(key, sizeof(key), "%c:%s", kind, what);
	txn_del(txn, DB_NEG, key);
}

/* delete an index entry only when it still names this record */
static void
txn_del_index(MDB_txn *txn, enum cache_db db, const char *key,
    const char *name)
{
	MDB_val	v;

	if (*key != '\0' && txn_get(txn, db, key, &v) == 0 &&
	    v.mv_size == strlen(name) && memcmp(v.mv_data, name,
	    v.mv_size) == 0)
		txn_del(txn, db, key);
}

/* Old index keys of a user or group record about to be replaced. */
static void
txn_unindex(MDB_txn *txn, enum cache_db db, const char *name)
{
	MDB_val	 v;
	const char **f;
	int	 n;

	if (txn_get(txn, db, name, &v) != 0 ||
	    (n = rec_view(v.mv_data, v.mv_size, &f, NULL)) < 0)
		return;
	/* copy: deleting may move the pages f points into */
	if (db == DB_PW && n >= U_NFIELDS) {
		char *uid = xstrdup(f[U_UID]), *mob = xstrdup(f[U_MOBILE]);

		txn_del_index(txn, DB_UID, uid, name);
		txn_del_index(txn, DB_MOB, mob, name);
		free(uid);
		free(mob);
	} else if (db == DB_GR && n > G_KIND) {
		char *gid = xstrdup(f[G_GID]);

		txn_del_index(txn, DB_GID, gid, name);
		free(gid);
	}
	free(f);
}

/*
 * Store a user (DB_PW, indexed by uid and mobile) or a group (DB_GR,
 * indexed by gid), replacing the index entries of the older version and
 * the negative entries the new one answers.
 */
static int
txn_put_entry(MDB_txn *txn, enum cache_db db, const struct sv *s,
    int64_t fetched)
{
	int		 user = db == DB_PW;
	int		 idf = user ? U_UID : G_GID;
	const char	*name = s->v[0];
	void		*b;
	size_t		 len;
	int		 rc;

	if (s->n < (user ? (uint32_t)U_NFIELDS : (uint32_t)G_MEMBERS))
		return EINVAL;
	txn_unindex(txn, db, name);
	b = rec_encode(s, fetched, &len);
	rc = txn_put(txn, db, name, b, len);
	free(b);
	if (rc == 0)
		rc = txn_put(txn, user ? DB_UID : DB_GID, s->v[idf], name,
		    strlen(name));
	if (rc == 0 && user && *s->v[U_MOBILE] != '\0')
		rc = txn_put(txn, DB_MOB, s->v[U_MOBILE], name, strlen(name));
	txn_del_neg(txn, user ? 'p' : 'g', name);
	txn_del_neg(txn, user ? 'u' : 'G', s->v[idf]);
	if (user && *s->v[U_MOBILE] != '\0')
		txn_del_neg(txn, 'm', s->v[U_MOBILE]);
	return rc;
}

static int
txn_put_rec(MDB_txn *txn, enum cache_db db, const char *key,
    const struct sv *s, int64_t fetched)
{
	void	*b;
	size_t	 len;
	int	 rc;

	b = rec_encode(s, fetched, &len);
	rc = txn_put(txn, db, key, b, len);
	explicit_bzero(b, len);	/* DB_OFF: a hash */
	free(b);
	return rc;
}

/* one write transaction around fn */
static int
cache_write(int (*fn)(MDB_txn *, const void *, const void *, int64_t),
    const void *a, const void *b, int64_t t)
{
	MDB_txn	*txn;
	int	 rc;

	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
		goto fail;
	if ((rc = fn(txn, a, b, t)) != 0) {
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		goto fail;
	return 0;
fail:
	log_err("cache: write: %s", mdb_strerror(rc));
	return -1;
}

static int
w_user(MDB_txn *txn, const void *a, const void *b, int64_t t)
{
	return txn_put_entry(txn, DB_PW, a, t);
}

static int
w_group(MDB_txn *txn, const void *a, const void *b, int64_t t)
{
	return txn_put_entry(txn, DB_GR, a, t);
}

struct w_rec_arg {
	enum cache_db	 db;
	const char	*key;
};

static int
w_rec(MDB_txn *txn, const void *a, const void *b, int64_t t)
{
	const struct w_rec_arg *w = b;

	return txn_put_rec(txn, w->db, w->key, a, t);
}

int
cache_put_user(const struct sv *u, int64_t fetched)
{
	return cache_write(w_user, u, NULL, fetched);
}

int
cache_put_group(const struct sv *g, int64_t fetched)
{
	return cache_write(w_group, g, NULL, fetched);
}

int
cache_put(enum cache_db db, const char *key, const struct sv *s,
    int64_t fetched)
{
	struct w_rec_arg w = { db, key };

	if (cache_write(w_rec, s, &w, fetched) == -1)
		return -1;
	if (db == DB_OFF)
		mdb_env_sync(env, 1);
	return 0;
}

static int
w_del(MDB_txn *txn, const void *a, const void *b, int64_t t)
{
	const struct w_rec_arg *w = b;

	if (w->db == DB_PW || w->db == DB_GR)
		txn_unindex(txn, w->db, w->key);
	txn_del(txn, w->db, w->key);
	return 0;
}

void
cache_del(enum cache_db db, const char *key)
{
	struct w_rec_arg w = { db, key };

	cache_write(w_del, NULL, &w, 0);
	if (db == DB_OFF)
		mdb_env_sync(env, 1);
}

static int64_t
num_get(enum cache_db db, const char *key)
{
	MDB_txn	*txn;
	MDB_val	 v;
	int64_t	 t = 0;

	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	if (txn_get(txn, db, key, &v) == 0 && v.mv_size == sizeof(t))
		memcpy(&t, v.mv_data, sizeof(t));
	mdb_txn_abort(txn);
	return t;
}

static int
w_num(MDB_txn *txn, const void *a, const void *b, int64_t t)
{
	const struct w_rec_arg *w = b;

	return txn_put(txn, w->db, w->key, &t, sizeof(t));
}

int64_t
cache_neg_get(const char *key)
{
	return num_get(DB_NEG, key);
}

void
cache_neg_put(const char *key, int64_t when)
{
	struct w_rec_arg w = { DB_NEG, key };

	cache_write(w_num, NULL, &w, when);
}

int64_t
cache_meta_get(const char *key)
{
	return num_get(DB_META, key);
}

void
cache_meta_put(const char *key, int64_t v)
{
	struct w_rec_arg w = { DB_META, key };

	cache_write(w_num, NULL, &w, v);
	mdb_env_sync(env, 1);
}

/* ---- queued writes: the full refresh's batches, lookups' writes ---- */

/*
 * Neither kind keeps a write transaction open while it waits for
 * anything: the writes are queued in memory and written together in one
 * short transaction (LMDB has one writer at a time; a transaction held
 * across a directory round trip made every other writer wait for the
 * server).
 */
enum wq_op { WQ_ENTRY, WQ_PUT, WQ_DEL, WQ_NUM };

struct wq_item {
	enum wq_op	 op;
	enum cache_db	 db;
	char		*key;		/* WQ_PUT, WQ_DEL, WQ_NUM */
	struct sv	 s;		/* WQ_ENTRY, WQ_PUT */
	int64_t		 t;
};

struct wq {
	struct wq_item	*it;
	size_t		 n, cap;
};

static struct wq_item *
wq_add(struct wq *q, enum wq_op op, enum cache_db db, const char *key,
    struct sv *s, int64_t t)
{
	struct wq_item	*i;

	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->it = xreallocarray(q->it, q->cap, sizeof(*q->it));
	}
	i = &q->it[q->n++];
	i->op = op;
	i->db = db;
	i->key = key != NULL ? xstrdup(key) : NULL;
	if (s != NULL) {
		i->s = *s;		/* taken */
		memset(s, 0, sizeof(*s));
	} else
		memset(&i->s, 0, sizeof(i->s));
	i->t = t;
	return i;
}

static void
wq_clear(struct wq *q)
{
	size_t	i;

	for (i = 0; i < q->n; i++) {
		free(q->it[i].key);
		sv_free(&q->it[i].s);
	}
	q->n = 0;
}

static int
wq_apply(MDB_txn *txn, const struct wq_item *i)
{
	int	rc;

	switch (i->op) {
	case WQ_ENTRY:
		rc = txn_put_entry(txn, i->db, &i->s, i->t);
		if (rc == EINVAL) {	/* too few fields: not stored */
			log_warn("cache: %s: malformed record skipped",
			    i->s.n > 0 ? i->s.v[0] : "?");
			rc = 0;
		}
		return rc;
	case WQ_PUT:
		return txn_put_rec(txn, i->db, i->key, &i->s, i->t);
	case WQ_DEL:
		if (i->db == DB_PW || i->db == DB_GR)
			txn_unindex(txn, i->db, i->key);
		txn_del(txn, i->db, i->key);
		return 0;
	default:
		return txn_put(txn, i->db, i->key, &i->t, sizeof(i->t));
	}
}

/*
 * Would the NSS map show this item (refresh.c publishes a person only
 * with their groups)?  Asked inside the transaction that writes it.
 */
static int
wq_shown(MDB_txn *txn, const struct wq_item *i)
{
	MDB_val	v;

	switch (i->op) {
	case WQ_ENTRY:
		if (i->db == DB_GR)
			return 1;
		return i->db == DB_PW && i->s.n > 0 &&
		    txn_get(txn, DB_IG, i->s.v[0], &v) == 0;
	case WQ_PUT:
		return i->db == DB_IG;
	case WQ_DEL:
		return i->db == DB_PW || i->db == DB_GR || i->db == DB_IG;
	default:
		return 0;
	}
}

/* write the queue in one transaction and empty it: 0 or -1; *shown
 * (when not NULL) counts what the NSS map would show */
static int
wq_write(struct wq *q, const char *what, size_t *shown)
{
	MDB_txn	*txn;
	size_t	 i;
	int	 rc;

	if (q->n == 0)
		return 0;
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) == 0) {
		for (i = 0; i < q->n && rc == 0; i++) {
			rc = wq_apply(txn, &q->it[i]);
			if (rc == 0 && shown != NULL)
				*shown += (size_t)wq_shown(txn, &q->it[i]);
		}
		if (rc != 0)
			mdb_txn_abort(txn);
		else
			rc = mdb_txn_commit(txn);
	}
	wq_clear(q);
	if (rc != 0) {
		log_err("cache: %s: %s", what, mdb_strerror(rc));
		return -1;
	}
	return 0;
}

/* the full refresh: written every BATCH_MAX entries and at the end */
struct cache_batch {
	struct wq	 q;
	int		 failed;
};

struct cache_batch *
cache_batch_begin(void)
{
	return xcalloc(1, sizeof(struct cache_batch));
}

static int
batch_add(struct cache_batch *b, enum wq_op op, enum cache_db db,
    const char *key, struct sv *s, int64_t t)
{
	if (b->failed) {
		sv_free(s);
		return -1;
	}
	wq_add(&b->q, op, db, key, s, t);
	if (b->q.n >= BATCH_MAX && wq_write(&b->q, "refresh write", NULL) == -1)
		b->failed = 1;
	return b->failed ? -1 : 0;
}

int
cache_batch_user(struct cache_batch *b, struct sv *u, int64_t t)
{
	return batch_add(b, WQ_ENTRY, DB_PW, NULL, u, t);
}

int
cache_batch_group(struct cache_batch *b, struct sv *g, int64_t t)
{
	return batch_add(b, WQ_ENTRY, DB_GR, NULL, g, t);
}

int
cache_batch_put(struct cache_batch *b, enum cache_db db, const char *key,
    struct sv *s, int64_t t)
{
	return batch_add(b, WQ_PUT, db, key, s, t);
}

int
cache_batch_end(struct cache_batch *b, int commit)
{
	int	rc = -1;

	if (commit && !b->failed && wq_write(&b->q, "refresh write", NULL) == 0)
		rc = 0;
	wq_clear(&b->q);
	free(b->q.it);
	free(b);
	if (rc == 0)
		mdb_env_sync(env, 1);
	return rc;
}

/* lookups: queued by the serving thread, written after its reply */
static _Thread_local struct wq later;

void
cache_later_entry(enum cache_db db, struct sv *s, int64_t fetched)
{
	wq_add(&later, WQ_ENTRY, db, NULL, s, fetched);
}

void
cache_later_put(enum cache_db db, const char *key, struct sv *s,
    int64_t fetched)
{
	wq_add(&later, WQ_PUT, db, key, s, fetched);
}

void
cache_later_del(enum cache_db db, const char *key)
{
	wq_add(&later, WQ_DEL, db, key, NULL, 0);
}

void
cache_later_neg(const char *key, int64_t when)
{
	wq_add(&later, WQ_NUM, DB_NEG, key, NULL, when);
}

int
cache_later_write(void)
{
	size_t	shown = 0;
	int	rc;

	rc = wq_write(&later, "write", &shown);
	free(later.it);
	memset(&later, 0, sizeof(later));
	return rc == -1 ? -1 : shown > 0;
}

/* ---- sweeping, flushing, counting, walking ---- */

static size_t
sweep_db(MDB_txn *txn, enum cache_db db, int64_t t)
{
	MDB_cursor	*cur;
	MDB_val		 k, v;
	struct sv	 gone = { 0 };
	char		 key[512];
	int64_t		 fetched;
	uint32_t	 i;
	size_t		 n;
	int		 op = MDB_FIRST;

	if (mdb_cursor_open(txn, dbi[db], &cur) != 0)
		return 0;
	while (mdb_cursor_get(cur, &k, &v, op) == 0) {
		op = MDB_NEXT;
		if (v.mv_size >= 8 && k.mv_size < sizeof(key)) {
			memcpy(&fetched, v.mv_data, 8);	/* little-endian */
			if (fetched < t) {
				memcpy(key, k.mv_data, k.mv_size);
				key[k.mv_size] = '\0';
				sv_add(&gone, key);
			}
		}
	}
	mdb_cursor_close(cur);
	for (i = 0; i < gone.n; i++) {
		if (db != DB_IG)
			txn_unindex(txn, db, gone.v[i]);
		txn_del(txn, db, gone.v[i]);
	}
	n = gone.n;
	sv_free(&gone);
	return n;
}

size_t
cache_sweep(int64_t t)
{
	MDB_txn	*txn;
	size_t	 n;

	if (mdb_txn_begin(env, NULL, 0, &txn) != 0)
		return 0;
	n = sweep_db(txn, DB_PW, t) + sweep_db(txn, DB_GR, t) +
	    sweep_db(txn, DB_IG, t);
	if (mdb_txn_commit(txn) != 0)
		return 0;
	return n;
}

int
cache_flush(int all)
{
	MDB_txn	*txn;
	int	 i, rc;

	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
		return -1;
	for (i = 0; i < DB_N && rc == 0; i++)
		if (i != DB_OFF || all)
			rc = mdb_drop(txn, dbi[i], 0);
	if (rc != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	if (mdb_txn_commit(txn) != 0)
		return -1;
	mdb_env_sync(env, 1);
	return 0;
}

void
cache_counts(size_t *users, size_t *groups, size_t *offline)
{
	MDB_txn	*txn;
	MDB_stat st;

	*users = *groups = *offline = 0;
	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return;
	if (mdb_stat(txn, dbi[DB_PW], &st) == 0)
		*users = st.ms_entries;
	if (mdb_stat(txn, dbi[DB_GR], &st) == 0)
		*groups = st.ms_entries;
	if (mdb_stat(txn, dbi[DB_OFF], &st) == 0)
		*offline = st.ms_entries;
	mdb_txn_abort(txn);
}

int
cache_walk(enum cache_db db, int (*fn)(void *, const char *const *, int,
    int64_t), void *ctx)
{
	MDB_txn		*txn;
	MDB_cursor	*cur;
	MDB_val		 k, v;
	const char	**f;
	int64_t		 fetched;
	int		 n, rc = 0, op = MDB_FIRST;

	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	if (mdb_cursor_open(txn, dbi[db], &cur) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	while (rc == 0 && mdb_cursor_get(cur, &k, &v, op) == 0) {
		op = MDB_NEXT;
		if ((n = rec_view(v.mv_data, v.mv_size, &f, &fetched)) < 0)
			continue;	/* damaged: skipped */
		rc = fn(ctx, f, n, fetched);
		free(f);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

MDB_txn *
cache_read_begin(void)
{
	MDB_txn	*txn;

	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
		return NULL;
	return txn;
}

MDB_dbi
cache_dbi(enum cache_db db)
{
	return dbi[db];
}
