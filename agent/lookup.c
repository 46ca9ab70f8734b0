/*
 * lookup.c - the NSS actions (agent_proto.h): passwd, group, initgroups
 * and shadow by key, and the enumerations.
 *
 * A key is answered from the cache while its record is younger than
 * cache_ttl_seconds; an older or missing one is fetched from the
 * directory; when no server answers, the cached record is answered
 * whatever its age, and a key never seen is "unavailable".  A key the
 * directory does not know is remembered for negative_ttl_seconds.
 * What the directory answered is written to the cache after the reply
 * (cache_later_*, written by server.c): the client never waits for
 * LMDB's writer lock, which the full refresh takes too.
 * Enumerations stream the cache, which the full refresh (refresh.c)
 * keeps complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agent.h"

/* How one kind of entry is looked up. */
struct kind {
	enum cache_db	 db, idx;
	char		 neg_name, neg_id;
	const char	*cls_attr_name, *cls_attr_id;
	int		 id_field;
	int		(*fetch)(const char *, const char *, struct sv *);
};

static const struct kind k_user = { DB_PW, DB_UID, 'p', 'u', "uid",
	"uidNumber", U_UID, fetch_user };
static const struct kind k_group = { DB_GR, DB_GID, 'g', 'G', "cn",
	"gidNumber", G_GID, fetch_group };

static int
sv_to_rec(const struct sv *s, int64_t t, struct ua_rec *r)
{
	void	*b;
	size_t	 len;
	int	 rc;

	b = rec_encode(s, t, &len);
	rc = rec_decode(b, len, r, NULL);
	free(b);
	return rc;
}

/* 0 found, 1 not found, 2 unavailable (see the top of the file) */
static int
lookup_kind(const struct kind *k, const char *key, int byid, int force,
    struct ua_rec *r, int *live)
{
	char		 name[512], negkey[520];
	struct sv	 s = { 0 };
	int64_t		 now = time(NULL), fetched = 0, neg;
	int		 found = 0, rc;

	*live = 0;
	if (*key == '\0' || strlen(key) > 255)
		return 1;
	if (byid) {
		if (cache_index(k->idx, key, name, sizeof(name)) == 0 &&
		    cache_get(k->db, name, r, &fetched) == 0 &&
		    r->n > (uint32_t)k->id_field &&
		    strcmp(r->f[k->id_field].p, key) == 0)
			found = 1;
	} else
		found = cache_get(k->db, key, r, &fetched) == 0;
	if (found && !force && now - fetched < ag.cfg.cache_ttl &&
	    now >= fetched)
		return 0;
	snprintf(negkey, sizeof(negkey), "%c:%s", byid ? k->neg_id :
	    k->neg_name, key);
	if (!found && !force && (neg = cache_neg_get(negkey)) != 0 &&
	    now - neg < ag.cfg.negative_ttl && now >= neg)
		return 1;
	rc = k->fetch(byid ? k->cls_attr_id : k->cls_attr_name, key, &s);
	if (rc == 0) {
		*live = 1;
		sv_to_rec(&s, now, r);
		cache_later_entry(k->db, &s, now);	/* after the reply */
		return 0;
	}
	if (rc == 1) {
		*live = 1;
		if (found)
			cache_later_del(k->db, r->f[0].p);
		if (ag.cfg.negative_ttl > 0)
			cache_later_neg(negkey, now);
		return 1;
	}
	/* no server: what we have, however old */
	return found ? 0 : 2;
}

int
lookup_user(const char *key, int byuid, int force, struct ua_rec *u,
    int *live)
{
	int	rc = lookup_kind(&k_user, key, byuid, force, u, live);

	if (rc == 0 && u->n < U_NFIELDS)
		return 2;	/* an older agent's record: not usable */
	return rc;
}

int
lookup_group(const char *key, int bygid, int force, struct ua_rec *g,
    int *live)
{
	int	rc = lookup_kind(&k_group, key, bygid, force, g, live);

	if (rc == 0 && g->n < G_MEMBERS)
		return 2;
	return rc;
}

int
lookup_groups_of(const struct ua_rec *u, int force, struct ua_rec *ig)
{
	const char	*name = u->f[U_NAME].p;
	struct sv	 s = { 0 };
	int64_t		 now = time(NULL), fetched = 0;
	int		 found;

	found = cache_get(DB_IG, name, ig, &fetched) == 0;
	if (found && !force && now - fetched < ag.cfg.cache_ttl &&
	    now >= fetched)
		return 0;
	if (fetch_initgroups(name, u->f[U_DN].p, u->f[U_GID].p, &s) == 0) {
		sv_to_rec(&s, now, ig);
		cache_later_put(DB_IG, name, &s, now);
		return 0;
	}
	return found ? 0 : 2;
}

static uint16_t
status_of(int rc)
{
	return rc == 0 ? UA_OK : rc == 1 ? UA_NOTFOUND : UA_UNAVAIL;
}

/* UA_PW_BYNAME, UA_PW_BYUID: [key] -> passwd record */
int
lookup_pw(struct req *q)
{
	struct ua_rec	u = { 0 };
	uint32_t	id;
	int		rc, live;

	if (q->action == UA_PW_BYUID && ua_field_u32(&q->args.f[0], &id) != 0)
		return reply(q, UA_BAD_REQUEST, NULL, 0);
	rc = lookup_user(q->args.f[0].p, q->action == UA_PW_BYUID, 0, &u,
	    &live);
	rc = reply(q, status_of(rc), rc == 0 ? u.f : NULL, rc == 0 ? 7 : 0);
	ua_rec_free(&u);
	return rc;
}

/* the group record on the wire: [name, "x", gid, member...] */
static int
write_group(struct req *q, const char *const *f, uint32_t n,
    struct ua_field *buf)
{
	uint32_t	i, m = 0;

	for (i = 0; i < n; i++)
		if (i != G_DN && i != G_KIND)
			buf[m++] = ua_str(f[i]);
	return reply_rec(q, buf, m);
}

static int
group_reply(struct req *q, const struct ua_rec *g)
{
	const char	**f = xcalloc(g->n + 1, sizeof(*f));
	struct ua_field	 *buf = xcalloc(g->n + 1, sizeof(*buf));
	unsigned char	  out[4096];
	struct ua_wbuf	  w;
	uint32_t	  i;
	int		  rc;

	for (i = 0; i < g->n; i++)
		f[i] = g->f[i].p;
	reply_buffer(q, &w, out, sizeof(out));
	rc = reply_header(q, UA_OK);
	if (rc == 0)
		rc = write_group(q, f, g->n, buf);
	if (rc == 0)
		rc = reply_end(q);
	else
		reply_drop(q);
	free(f);
	free(buf);
	return rc;
}

/* UA_GR_BYNAME, UA_GR_BYGID: [key] -> group record */
int
lookup_gr(struct req *q)
{
	struct ua_rec	g = { 0 };
	uint32_t	id;
	int		rc, live;

	if (q->action == UA_GR_BYGID && ua_field_u32(&q->args.f[0], &id) != 0)
		return reply(q, UA_BAD_REQUEST, NULL, 0);
	rc = lookup_group(q->args.f[0].p, q->action == UA_GR_BYGID, 0, &g,
	    &live);
	if (rc == 0)
		rc = group_reply(q, &g);
	else
		rc = reply(q, status_of(rc), NULL, 0);
	ua_rec_free(&g);
	return rc;
}

/* UA_INITGROUPS: [name] -> [gid...] */
int
lookup_initgroups(struct req *q)
{
	struct ua_rec	 u = { 0 }, ig = { 0 };
	struct ua_field	*gids;
	uint32_t	 i, n = 0;
	int		 rc, live;

	rc = lookup_user(q->args.f[0].p, 0, 0, &u, &live);
	if (rc == 0)
		rc = lookup_groups_of(&u, 0, &ig);
	if (rc != 0) {
		rc = reply(q, status_of(rc), NULL, 0);
		goto done;
	}
	gids = xcalloc(ig.n / 2 + 1, sizeof(*gids));
	for (i = 0; i + 1 < ig.n; i += 2)
		gids[n++] = ig.f[i];
	rc = reply(q, UA_OK, gids, n);
	free(gids);
done:
	ua_rec_free(&u);
	ua_rec_free(&ig);
	return rc;
}

/*
 * Shadow fields from the person's password-policy state, never a hash:
 * lastchg 0 when the server says the password must change (pwdReset),
 * else shadowLastChange or pwdChangedTime in days; max from shadowMax
 * or password_max_age_days; expire 1 (long past) for an account that is
 * not active, so that shadow-aware programs refuse it too.
 */
void
lookup_shadow_fields(const char *const *v, struct ua_field *f,
    char tmp[4][24])
{
	const char	*st = v[U_STATUS];
	int		 i;

	f[0] = ua_str(v[U_NAME]);
	f[1] = ua_str("*");
	if (strcasecmp(v[U_PWDRESET], "TRUE") == 0)
		snprintf(tmp[0], 24, "0");
	else if (*v[U_SHLAST] != '\0')
		snprintf(tmp[0], 24, "%s", v[U_SHLAST]);
	else if (*v[U_PWDCHANGED] != '\0')
		snprintf(tmp[0], 24, "%lld", atoll(v[U_PWDCHANGED]) / 86400);
	else
		tmp[0][0] = '\0';
	f[2] = ua_str(tmp[0]);
	f[3] = ua_str(v[U_SHMIN]);
	if (*v[U_SHMAX] != '\0')
		snprintf(tmp[1], 24, "%s", v[U_SHMAX]);
	else if (ag.cfg.max_age_days > 0)
		snprintf(tmp[1], 24, "%ld", ag.cfg.max_age_days);
	else
		tmp[1][0] = '\0';
	f[4] = ua_str(tmp[1]);
	if (*v[U_SHWARN] != '\0')
		snprintf(tmp[2], 24, "%s", v[U_SHWARN]);
	else if (ag.cfg.max_age_days > 0)
		snprintf(tmp[2], 24, "7");
	else
		tmp[2][0] = '\0';
	f[5] = ua_str(tmp[2]);
	f[6] = ua_str(v[U_SHINACT]);
	if (*st != '\0' && strcasecmp(st, "active") != 0)
		snprintf(tmp[3], 24, "1");
	else
		snprintf(tmp[3], 24, "%s", v[U_SHEXPIRE]);
	f[7] = ua_str(tmp[3]);
	for (i = 0; i < 8; i++)
		if (f[i].p == NULL)
			f[i] = ua_str("");
}

static const char **
rec_strings(const struct ua_rec *r)
{
	const char	**v = xcalloc(r->n + 1, sizeof(*v));
	uint32_t	  i;

	for (i = 0; i < r->n; i++)
		v[i] = r->f[i].p;
	return v;
}

/* UA_SP_BYNAME (root): [name] -> shadow record */
int
lookup_sp(struct req *q)
{
	struct ua_rec	 u = { 0 };
	struct ua_field	 f[8];
	char		 tmp[4][24];
	const char	**v;
	int		 rc, live;

	rc = lookup_user(q->args.f[0].p, 0, 0, &u, &live);
	if (rc != 0) {
		rc = reply(q, status_of(rc), NULL, 0);
		ua_rec_free(&u);
		return rc;
	}
	v = rec_strings(&u);
	lookup_shadow_fields(v, f, tmp);
	rc = reply(q, UA_OK, f, 8);
	free(v);
	ua_rec_free(&u);
	return rc;
}

/* ---- enumerations: the whole cache, streamed ---- */

/* the output buffer of an enumeration */
#define ENUM_BUF	(64 * 1024)

struct enum_ctx {
	struct req	*q;
	int		 action;
	struct ua_field	*buf;
	uint32_t	 cap;
};

static int
enum_one(void *p, const char *const *f, int n, int64_t fetched)
{
	struct enum_ctx	*e = p;
	struct ua_field	 sf[8];
	char		 tmp[4][24];
	int		 i;

	if ((uint32_t)n + 1 > e->cap) {
		e->cap = (uint32_t)n + 1;
		e->buf = xreallocarray(e->buf, e->cap, sizeof(*e->buf));
	}
	switch (e->action) {
	case UA_PW_ENUM:
		if (n < U_NFIELDS)
			return 0;
		for (i = 0; i < 7; i++)
			e->buf[i] = ua_str(f[i]);
		return reply_rec(e->q, e->buf, 7);
	case UA_SP_ENUM:
		if (n < U_NFIELDS)
			return 0;
		lookup_shadow_fields(f, sf, tmp);
		return reply_rec(e->q, sf, 8);
	default:
		if (n < G_MEMBERS)
			return 0;
		return write_group(e->q, f, (uint32_t)n, e->buf);
	}
}

static int
lookup_enum(struct req *q, enum cache_db db)
{
	struct enum_ctx	 e = { q, q->action, NULL, 0 };
	struct ua_wbuf	 w;
	unsigned char	*out;
	int		 rc;

	/* a partial list would be worse than none */
	if (!refresh_wait_first(UA_TIMEOUT_LOOKUP_MS - 1000))
		return reply(q, UA_UNAVAIL, NULL, 0);
	/* a send per ENUM_BUF bytes, not per record */
	out = xmalloc(ENUM_BUF);
	reply_buffer(q, &w, out, ENUM_BUF);
	rc = reply_header(q, UA_OK);
	if (rc == 0)
		rc = cache_walk(db, enum_one, &e);
	if (rc == 0)
		rc = reply_end(q);
	else {
		reply_drop(q);
		rc = -1;	/* cut short: the client sees an error */
	}
	free(e.buf);
	free(out);
	return rc;
}

int
lookup_pw_enum(struct req *q)
{
	return lookup_enum(q, DB_PW);
}

int
lookup_gr_enum(struct req *q)
{
	return lookup_enum(q, DB_GR);
}

int
lookup_sp_enum(struct req *q)
{
	return lookup_enum(q, DB_PW);
}
