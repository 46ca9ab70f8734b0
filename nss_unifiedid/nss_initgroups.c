/*
 * nss_initgroups.c - initgroups_dyn: every group of a person (primary
 * organisation, other active posts' organisations, roles), from the
 * person's record in the mapped cache or from UA_INITGROUPS.
 *
 * glibc semantics: append to (*groupsp)[*start...], leaving out `group`
 * (the caller adds it) and gids already present; grow the array (and
 * *size) as needed but never past `limit` when it is positive.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nss_unifiedid.h"
#include "nssmap.h"

/*
 * The gids already in the array (and the one to skip) in a small open
 * hash set: a person in thousands of groups costs O(n), not O(n^2).
 * (gid_t)-1 is never a group (setgroups refuses it): the empty slot.
 */
#define IG_EMPTY	((gid_t)-1)

struct ig_out {
	gid_t	 skip;
	long	*start, *size, limit;
	gid_t	**groupsp;
	gid_t	*set;
	size_t	 mask;
};

static uint32_t
ig_hash(gid_t gid)
{
	return nssmap_hash_id((uint32_t)gid);
}

/* 1: gid was new and is now in the set, 0: it was there already */
static int
ig_set_add(struct ig_out *o, gid_t gid)
{
	size_t	i;

	for (i = ig_hash(gid) & o->mask; o->set[i] != IG_EMPTY;
	    i = (i + 1) & o->mask)
		if (o->set[i] == gid)
			return 0;
	o->set[i] = gid;
	return 1;
}

/* room for what is there and n more, at most half full; -1: no memory */
static int
ig_set_init(struct ig_out *o, size_t n)
{
	size_t	cap = 16, have = *o->start > 0 ? (size_t)*o->start : 0, i;

	while (cap < 2 * (have + n + 1))
		cap *= 2;
	if ((o->set = malloc(cap * sizeof(*o->set))) == NULL)
		return -1;
	memset(o->set, 0xff, cap * sizeof(*o->set));	/* IG_EMPTY */
	o->mask = cap - 1;
	(void)ig_set_add(o, o->skip);
	for (i = 0; i < have; i++)
		(void)ig_set_add(o, (*o->groupsp)[i]);
	return 0;
}

/* 1: added or already there, 0: the limit is reached, -1: no memory */
static int
ig_add(struct ig_out *o, gid_t gid)
{
	gid_t	*g = *o->groupsp, *ng;
	long	 nsize;

	if (gid == IG_EMPTY || !ig_set_add(o, gid))
		return 1;
	if (*o->start == *o->size) {
		if (o->limit > 0 && *o->size >= o->limit)
			return 0;
		nsize = *o->size > 0 ? 2 * *o->size : 16;
		if (o->limit > 0 && nsize > o->limit)
			nsize = o->limit;
		if ((ng = realloc(g, (size_t)nsize * sizeof(*ng))) == NULL)
			return -1;
		*o->groupsp = g = ng;
		*o->size = nsize;
	}
	g[(*o->start)++] = gid;
	return 1;
}

/* every gid of a list, duplicates (with the caller's) dropped */
static enum nss_status
ig_from_list(struct ig_out *o, const uint32_t *gids, uint32_t n,
    int *errnop)
{
	uint32_t	i;
	int		rc;

	if (ig_set_init(o, n) == -1) {
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	}
	for (i = 0; i < n; i++) {
		if ((rc = ig_add(o, gids[i])) == 0)
			break;
		if (rc == -1) {
			*errnop = ENOMEM;
			return NSS_STATUS_TRYAGAIN;
		}
	}
	return NSS_STATUS_SUCCESS;
}

/* 1: gid is the one to skip or already in the caller's first n entries */
static int
ig_had(const struct ig_out *o, long n, gid_t gid)
{
	long	i;

	if (gid == o->skip || gid == IG_EMPTY)
		return 1;
	for (i = 0; i < n; i++)
		if ((*o->groupsp)[i] == gid)
			return 1;
	return 0;
}

/*
 * The map's list, as fast as a copy: the agent writes each gid once, so
 * only what the caller had before (usually just the primary group) is
 * looked for; the array grows once.  (A map with a gid twice, which the
 * agent never writes, gives it twice: setgroups takes that.)
 */
static enum nss_status
ig_from_map(struct ig_out *o, const struct nssmap_pw *r, int *errnop)
{
	const uint32_t	*gids = nssmap_pw_gids(r);
	long		 had = *o->start, want, i;
	gid_t		*ng;

	if (had > 16)		/* many from other modules: the hash set */
		return ig_from_list(o, gids, r->ngroups, errnop);
	want = had + (long)r->ngroups;
	if (o->limit > 0 && want > o->limit)
		want = o->limit;
	if (want > *o->size) {
		if ((ng = realloc(*o->groupsp, (size_t)want * sizeof(*ng))) ==
		    NULL) {
			*errnop = ENOMEM;
			return NSS_STATUS_TRYAGAIN;
		}
		*o->groupsp = ng;
		*o->size = want;
	}
	if (had == 0 || (had == 1 && (*o->groupsp)[0] == o->skip)) {
		/* the usual call: only `group` itself is left out */
		gid_t	*g = *o->groupsp, skip = o->skip;
		long	 n = *o->start, cap = *o->size;

		for (i = 0; i < (long)r->ngroups && n < cap; i++)
			if (gids[i] != skip && gids[i] != IG_EMPTY)
				g[n++] = gids[i];
		*o->start = n;
		return NSS_STATUS_SUCCESS;
	}
	for (i = 0; i < (long)r->ngroups && *o->start < *o->size; i++)
		if (!ig_had(o, had, gids[i]))
			(*o->groupsp)[(*o->start)++] = gids[i];
	return NSS_STATUS_SUCCESS;
}

/* [gid...] */
static enum nss_status
ig_from_rec(struct ig_out *o, const struct ua_rec *rec, int *errnop)
{
	uint32_t	i, gid;
	int		rc;

	for (i = 0; i < rec->n; i++)
		if (ua_field_u32(&rec->f[i], &gid) == -1)
			return nu_unavail(errnop);
	if (ig_set_init(o, rec->n) == -1) {
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	}
	for (i = 0; i < rec->n; i++) {
		ua_field_u32(&rec->f[i], &gid);
		if ((rc = ig_add(o, gid)) == 0)
			break;
		if (rc == -1) {
			*errnop = ENOMEM;
			return NSS_STATUS_TRYAGAIN;
		}
	}
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_unifiedid_initgroups_dyn(const char *user, gid_t group, long *start,
    long *size, gid_t **groupsp, long limit, int *errnop)
{
	const struct nssmap_pw	*r;
	struct nssmap_ref	 ref;
	struct ig_out		 o = { group, start, size, limit, groupsp, NULL,
	    0 };
	struct ua_rec		 rec = { 0 };
	enum nss_status		 st;

	if (!nu_name_ok(user))
		return nu_notfound(errnop);
	if (nssmap_acquire(&ref) == 0) {
		if ((r = nssmap_pw_byname(&ref, user)) != NULL) {
			st = ig_from_map(&o, r, errnop);
			nssmap_release(&ref);
			free(o.set);
			return st;
		}
		nssmap_release(&ref);
	}
	if ((st = nu_query(UA_INITGROUPS, user, &rec, errnop)) ==
	    NSS_STATUS_SUCCESS)
		st = ig_from_rec(&o, &rec, errnop);
	ua_rec_free(&rec);
	free(o.set);
	return st;
}
