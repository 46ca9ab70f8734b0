/*
 * refresh.c - the two background threads.
 *
 * The refresher reads every person and every group with paged searches
 * (RFC 2696) at start and then every cache_ttl_seconds (sooner, every
 * retry_seconds, while no server answers), writes them to the cache in
 * batches (queued in memory and written in short transactions: LMDB's
 * writer lock is never held while the server is awaited), computes every
 * person's groups in UA_INITGROUPS order from the groups' members, and
 * sweeps out what the directory no longer has.
 *
 * The publisher owns the NSS map writer (common/nssmap.h): it publishes
 * everything the cache knows after each full refresh and, debounced to
 * at most once per PUBLISH_GAP_MS, after lookups that added entries; it
 * beats the map's heartbeat every NSSMAP_HEARTBEAT seconds; on stop it
 * invalidates the map (nssmap_writer_close).  A person is published only
 * with their groups, so the map never answers initgroups wrongly.
 */
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "nssmap.h"

#define PUBLISH_GAP_MS	200
/* a publication may take at most this share of one CPU: the gap after it
 * is at least PUBLISH_SHARE times what it cost (13 MB for 100 000 people) */
#define PUBLISH_SHARE	10

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 cv = PTHREAD_COND_INITIALIZER;	/* both threads */
static pthread_cond_t	 done_cv = PTHREAD_COND_INITIALIZER;
static pthread_t	 refresher, publisher;
static int		 running, stopping, want_publish, want_full;
static int		 complete;		/* the cache holds everything */
static int		 refreshing;		/* a full refresh runs */
static int64_t		 last_full, last_try, publications;
static int		 map_complete;		/* the map holds a whole refresh */
static size_t		 map_people;		/* people in the current map */
static size_t		 last_users, last_groups;
static int		 last_ok = -1;
static struct nssmap_writer *writer;

/* ---- the full refresh ---- */

struct fr_user {
	char		*name;
	uint32_t	 gid;
};

struct fr_memb {
	char		*member;
	uint32_t	 gid;
	int		 role;
};

struct fr_group {
	uint32_t	 gid;
	char		*name;
};

struct fr {
	struct cache_batch	*b;
	int64_t			 t;
	struct fr_user		*u;
	size_t			 nu, capu;
	struct fr_memb		*m;
	size_t			 nm, capm;
	struct fr_group		*g;
	size_t			 ng, capg;
};

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 1024;			\
		(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));	\
	}								\
} while (0)

static uint32_t
num(const char *s)
{
	struct ua_field	f = ua_str(s);
	uint32_t	v = 0;

	ua_field_u32(&f, &v);
	return v;
}

static int
fr_user(void *p, LDAP *ld, LDAPMessage *e)
{
	struct fr	*r = p;
	struct sv	 u;

	if (fetch_user_entry(ld, e, &u) != 0)
		return 0;
	GROW(r->u, r->nu, r->capu);
	r->u[r->nu].name = xstrdup(u.v[U_NAME]);
	r->u[r->nu].gid = num(u.v[U_GID]);
	r->nu++;
	cache_batch_user(r->b, &u, r->t);	/* takes u */
	return ag.stop ? -1 : 0;	/* a stop does not wait for the rest */
}

static int
fr_group(void *p, LDAP *ld, LDAPMessage *e)
{
	struct fr	*r = p;
	struct sv	 g;
	uint32_t	 i, gid;
	int		 role;

	if (fetch_group_entry(ld, e, &g) != 0)
		return 0;
	gid = num(g.v[G_GID]);
	role = strcmp(g.v[G_KIND], "org") != 0;
	GROW(r->g, r->ng, r->capg);
	r->g[r->ng].gid = gid;
	r->g[r->ng].name = xstrdup(g.v[G_NAME]);
	r->ng++;
	for (i = G_MEMBERS; i < g.n; i++) {
		GROW(r->m, r->nm, r->capm);
		r->m[r->nm].member = xstrdup(g.v[i]);
		r->m[r->nm].gid = gid;
		r->m[r->nm].role = role;
		r->nm++;
	}
	cache_batch_group(r->b, &g, r->t);	/* takes g */
	return ag.stop ? -1 : 0;
}

static int
cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct fr_user *)a)->name,
	    ((const struct fr_user *)b)->name);
}

static int
cmp_memb(const void *a, const void *b)
{
	return strcmp(((const struct fr_memb *)a)->member,
	    ((const struct fr_memb *)b)->member);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct fr_group *x = a, *y = b;

	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

static const char *
group_name(const struct fr *r, uint32_t gid)
{
	struct fr_group	 key = { gid, NULL }, *g;

	g = bsearch(&key, r->g, r->ng, sizeof(*r->g), cmp_group);
	return g != NULL ? g->name : "";
}

/* every person's DB_IG record, from the groups' members */
static void
fr_initgroups(struct fr *r)
{
	struct ig_item	*it = NULL;
	struct sv	 s;
	size_t		 i, j = 0, k, n, cap = 0;
	int		 c;

	qsort(r->u, r->nu, sizeof(*r->u), cmp_user);
	qsort(r->m, r->nm, sizeof(*r->m), cmp_memb);
	qsort(r->g, r->ng, sizeof(*r->g), cmp_group);
	for (i = 0; i < r->nu; i++) {
		n = 0;
		while (j < r->nm && (c = strcmp(r->m[j].member,
		    r->u[i].name)) <= 0) {
			if (c == 0) {
				GROW(it, n, cap);
				it[n].gid = r->m[j].gid;
				it[n].role = r->m[j].role;
				it[n].name = group_name(r, r->m[j].gid);
				n++;
			}
			j++;
		}
		GROW(it, n, cap);
		it[n].gid = r->u[i].gid;	/* primary, even if not a member */
		it[n].role = 0;
		it[n].name = group_name(r, r->u[i].gid);
		n = ig_order(it, n + 1, r->u[i].gid);
		memset(&s, 0, sizeof(s));
		for (k = 0; k < n; k++) {
			sv_addf(&s, "%u", it[k].gid);
			sv_add(&s, it[k].name);
		}
		cache_batch_put(r->b, DB_IG, r->u[i].name, &s, r->t);
	}
	free(it);
}

static void
fr_free(struct fr *r)
{
	size_t	i;

	for (i = 0; i < r->nu; i++)
		free(r->u[i].name);
	for (i = 0; i < r->nm; i++)
		free(r->m[i].member);
	for (i = 0; i < r->ng; i++)
		free(r->g[i].name);
	free(r->u);
	free(r->m);
	free(r->g);
}

/* 0 when the cache now holds the whole directory */
static int
full_refresh(void)
{
	struct ldc	 c = { NULL, -1, 0 };
	struct fr	 r;
	uint64_t	 t0 = now_ms_monotonic();
	size_t		 swept;
	int		 rc;

	memset(&r, 0, sizeof(r));
	if (ldc_open_service(&c) == -1) {
		log_debug("full refresh: no directory server answers");
		return -1;
	}
	r.t = time(NULL);
	if ((r.b = cache_batch_begin()) == NULL) {
		ldc_close(&c);
		return -1;
	}
	rc = fetch_paged_bg(&c, "(objectClass=posixAccount)", fetch_user_attrs,
	    fr_user, &r);
	if (rc == LDAP_SUCCESS)
		rc = fetch_paged_bg(&c, "(objectClass=posixGroup)",
		    fetch_group_attrs, fr_group, &r);
	if (rc == LDAP_SUCCESS)
		fr_initgroups(&r);
	if (rc != LDAP_SUCCESS) {
		log_warn("full refresh from %s: %s", ag.cfg.uri[c.uri],
		    ldap_err2string(rc));
		if (ldc_is_down(rc))
			ldc_mark_down(&c);
	}
	ldc_close(&c);
	/* what was read is good even when the rest failed */
	if (cache_batch_end(r.b, 1) == -1 && rc == LDAP_SUCCESS)
		rc = LDAP_OTHER;
	if (rc == LDAP_SUCCESS) {
		swept = cache_sweep(r.t);
		cache_meta_put("full", r.t);
		pthread_mutex_lock(&mu);
		last_users = r.nu;
		last_groups = r.ng;
		pthread_mutex_unlock(&mu);
		log_info("full refresh: %zu people, %zu groups in %llu ms "
		    "(%zu gone)", r.nu, r.ng,
		    (unsigned long long)(now_ms_monotonic() - t0), swept);
	}
	fr_free(&r);
	return rc == LDAP_SUCCESS ? 0 : -1;
}

/*
 * The background threads run at nice 10 (about a tenth of the weight of
 * a lookup's thread when both want the CPU): on a small host a lookup
 * seldom waits behind a page of the refresh or a publication.  Not
 * SCHED_IDLE: a thread that any busy process can starve for seconds must
 * not hold a lock the lookups need (LMDB's writer and reader-table
 * locks, libldap's, malloc's).
 */
static void
background_priority(void)
{
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10) == -1)
		log_debug("nice 10 refused: %s", strerror(errno));
}

static void *
refresher_main(void *arg)
{
	struct timespec	ts;
	int		ok;
	long		wait;

	background_priority();

	pthread_mutex_lock(&mu);
	while (!stopping) {
		want_full = 0;
		refreshing = 1;
		pthread_mutex_unlock(&mu);
		ok = full_refresh() == 0;
		pthread_mutex_lock(&mu);
		refreshing = 0;
		last_try = time(NULL);
		last_ok = ok;
		if (ok) {
			last_full = last_try;
			complete = 1;
			want_publish = 1;
			pthread_cond_broadcast(&cv);
		}
		pthread_cond_broadcast(&done_cv);
		wait = ok ? ag.cfg.cache_ttl : ag.cfg.retry > 5 ?
		    ag.cfg.retry : 5;
		if (!ok && wait > ag.cfg.cache_ttl)
			wait = ag.cfg.cache_ttl;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait;
		while (!stopping && !want_full)
			if (pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&mu);
	return arg;
}

/* ---- the NSS map ---- */

struct pub {
	MDB_txn			*txn;
	struct nssmap_pw_in	*pw;
	size_t			 npw, cappw;
	uint32_t		*gids;
	struct nssmap_gr_in	*gr;
	size_t			 ngr, capgr;
	const char		**mem;
	size_t			 nmem, capmem;
};

static int
pub_user(struct pub *p, const char *const *f, int n)
{
	MDB_val		 k, v;
	const char	**ig;
	int		 ni, i;

	if (n < U_NFIELDS)
		return 0;
	k.mv_data = (void *)(uintptr_t)f[U_NAME];
	k.mv_size = strlen(f[U_NAME]);
	if (mdb_get(p->txn, cache_dbi(DB_IG), &k, &v) != 0 ||
	    (ni = rec_view(v.mv_data, v.mv_size, &ig, NULL)) < 0)
		return 0;	/* groups unknown: not published */
	GROW(p->pw, p->npw, p->cappw);
	p->pw[p->npw].name = f[U_NAME];
	p->pw[p->npw].gecos = f[U_GECOS];
	p->pw[p->npw].dir = f[U_DIR];
	p->pw[p->npw].shell = f[U_SHELL];
	p->pw[p->npw].uid = num(f[U_UID]);
	p->pw[p->npw].gid = num(f[U_GID]);
	p->pw[p->npw].ngroups = (uint32_t)(ni / 2);
	p->pw[p->npw].gids = NULL;
	if (ni >= 2) {
		uint32_t *g = xcalloc((size_t)ni / 2, sizeof(*g));

		for (i = 0; i + 1 < ni; i += 2)
			g[i / 2] = num(ig[i]);
		p->pw[p->npw].gids = g;
	}
	free(ig);
	p->npw++;
	return 0;
}

static int
pub_group(struct pub *p, const char *const *f, int n)
{
	int	i;

	if (n < G_MEMBERS)
		return 0;
	GROW(p->gr, p->ngr, p->capgr);
	p->gr[p->ngr].name = f[G_NAME];
	p->gr[p->ngr].gid = num(f[G_GID]);
	p->gr[p->ngr].nmem = (uint32_t)(n - G_MEMBERS);
	/* an index for now: mem moves while it grows */
	p->gr[p->ngr].members = (const char *const *)(uintptr_t)p->nmem;
	for (i = G_MEMBERS; i < n; i++) {
		GROW(p->mem, p->nmem, p->capmem);
		p->mem[p->nmem++] = f[i];
	}
	p->ngr++;
	return 0;
}

/* walk one table in the publication's transaction */
static void
pub_walk(struct pub *p, enum cache_db db)
{
	MDB_cursor	*cur;
	MDB_val		 k, v;
	const char	**f;
	int		 n, op = MDB_FIRST;

	if (mdb_cursor_open(p->txn, cache_dbi(db), &cur) != 0)
		return;
	while (mdb_cursor_get(cur, &k, &v, op) == 0) {
		op = MDB_NEXT;
		if ((n = rec_view(v.mv_data, v.mv_size, &f, NULL)) < 0)
			continue;
		if (db == DB_PW)
			pub_user(p, f, n);
		else
			pub_group(p, f, n);
		/* f itself may go: the strings stay in the map */
		free(f);
	}
	mdb_cursor_close(cur);
}

/* 0 when a new map is out (with *npw people) */
static int
publish(size_t *npw)
{
	struct pub	p;
	size_t		i, skipped = 0;
	uint64_t	t0 = now_ms_monotonic();
	int		rc;

	if (writer == NULL)
		return -1;
	memset(&p, 0, sizeof(p));
	if ((p.txn = cache_read_begin()) == NULL)
		return -1;
	pub_walk(&p, DB_PW);
	pub_walk(&p, DB_GR);
	for (i = 0; i < p.ngr; i++)
		p.gr[i].members = p.mem == NULL ? NULL : p.mem +
		    (uintptr_t)p.gr[i].members;
	if ((rc = nssmap_publish(writer, p.pw, p.npw, p.gr, p.ngr,
	    &skipped)) == -1)
		log_err("%s: cannot publish: %s", ag.cfg.map, strerror(errno));
	else {
		log_debug("%s: %zu people, %zu groups (%zu skipped) in %llu "
		    "ms", ag.cfg.map, p.npw, p.ngr, skipped,
		    (unsigned long long)(now_ms_monotonic() - t0));
	}
	mdb_txn_abort(p.txn);
	*npw = p.npw;
	for (i = 0; i < p.npw; i++)
		free((void *)(uintptr_t)p.pw[i].gids);
	free(p.pw);
	free(p.gr);
	free(p.mem);
	return rc;
}

static void *
publisher_main(void *arg)
{
	struct timespec	 ts;
	int64_t		 now, last_pub = 0, last_beat = 0, due, gap = PUBLISH_GAP_MS;
	int		 ok;

	background_priority();

	pthread_mutex_lock(&mu);
	while (!stopping) {
		now = (int64_t)now_ms_monotonic();
		/*
		 * Lookups that added entries ask for a publication; while a
		 * full refresh runs they wait for its end (it publishes
		 * everything then, and cold lookups meanwhile are answered
		 * from the cache through the socket) unless no map exists.
		 */
		if (want_publish && now - last_pub >= gap &&
		    (!refreshing || last_pub == 0)) {
			int	 whole = complete;	/* before its snapshot */
			size_t	 npw = 0;

			want_publish = 0;
			pthread_mutex_unlock(&mu);
			ok = publish(&npw) == 0;
			pthread_mutex_lock(&mu);
			publications += ok;
			if (ok) {
				map_complete = whole;
				map_people = npw;
			}
			last_beat = (int64_t)now_ms_monotonic();
			gap = (last_beat - now) * PUBLISH_SHARE;
			if (gap < PUBLISH_GAP_MS)
				gap = PUBLISH_GAP_MS;
			last_pub = last_beat;
			continue;
		}
		if (now - last_beat >= NSSMAP_HEARTBEAT * 1000) {
			pthread_mutex_unlock(&mu);
			if (writer != NULL)
				nssmap_heartbeat(writer);
			pthread_mutex_lock(&mu);
			last_beat = now;
			continue;
		}
		due = last_beat + NSSMAP_HEARTBEAT * 1000;
		if (want_publish && (!refreshing || last_pub == 0) &&
		    last_pub + gap < due)
			due = last_pub + gap;
		clock_gettime(CLOCK_REALTIME, &ts);
		due -= now;
		ts.tv_sec += due / 1000;
		ts.tv_nsec += (long)(due % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&cv, &mu, &ts);
	}
	pthread_mutex_unlock(&mu);
	return arg;
}

/* ---- control ---- */

int
refresh_start(void)
{
	complete = cache_meta_get("full") != 0;
	if ((writer = nssmap_writer_open(ag.cfg.map)) == NULL)
		log_err("%s: cannot open the NSS map: %s (lookups go "
		    "through the socket)", ag.cfg.map, strerror(errno));
	else if (complete)
		want_publish = 1;	/* what the last run knew */
	if (pthread_create(&refresher, NULL, refresher_main, NULL) != 0)
		return -1;
	if (pthread_create(&publisher, NULL, publisher_main, NULL) != 0) {
		pthread_mutex_lock(&mu);
		stopping = 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		pthread_join(refresher, NULL);
		return -1;
	}
	running = 1;
	return 0;
}

void
refresh_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_broadcast(&cv);
	pthread_cond_broadcast(&done_cv);
	pthread_mutex_unlock(&mu);
	/* a refresh in progress ends within its LDAP timeouts */
	pthread_join(refresher, NULL);
	pthread_join(publisher, NULL);
	if (writer != NULL)
		nssmap_writer_close(writer);
	writer = NULL;
	running = 0;
}

void
refresh_publish_soon(void)
{
	pthread_mutex_lock(&mu);
	if (!want_publish) {
		want_publish = 1;
		pthread_cond_broadcast(&cv);
	}
	pthread_mutex_unlock(&mu);
}

void
refresh_now(void)
{
	pthread_mutex_lock(&mu);
	complete = cache_meta_get("full") != 0;
	want_full = 1;
	want_publish = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

int
refresh_wait_first(int timeout_ms)
{
	struct timespec	ts;
	int		ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mu);
	/* no waiting when the last attempt found no server */
	while (!complete && !stopping && last_ok != 0)
		if (pthread_cond_timedwait(&done_cv, &mu, &ts) == ETIMEDOUT)
			break;
	ok = complete;
	pthread_mutex_unlock(&mu);
	return ok;
}

void
refresh_status(struct sv *s)
{
	pthread_mutex_lock(&mu);
	sv_addf(s, "complete=%d", complete);
	sv_addf(s, "last_refresh=%lld", (long long)last_full);
	sv_addf(s, "last_refresh_ok=%d", last_ok);
	sv_addf(s, "refresh_people=%zu", last_users);
	sv_addf(s, "refresh_groups=%zu", last_groups);
	sv_addf(s, "map=%s", writer == NULL ? "none" : publications > 0 ?
	    "published" : "not yet");
	sv_addf(s, "map_complete=%d", map_complete);
	sv_addf(s, "map_people=%zu", map_people);
	sv_addf(s, "publications=%lld", (long long)publications);
	pthread_mutex_unlock(&mu);
}
