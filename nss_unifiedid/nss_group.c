/*
 * nss_group.c - the group database: getgrnam_r and getgrgid_r from the
 * mapped cache or the agent, getgrent_r streamed from the agent.  A group
 * of 100 000 members is a few megabytes: the member pointers and names
 * are checked against the buffer before anything is copied.
 */
#include <errno.h>
#include <string.h>

#include "nss_unifiedid.h"
#include "nssmap.h"

static struct nu_enum gr_enum = NU_ENUM_INIT(UA_GR_ENUM);

/* name, gid and the member pointer array (nmem + 1 entries) */
static char **
gr_start(struct group *gr, struct nu_buf *b, const char *name, size_t nl,
    uint32_t gid, size_t nmem)
{
	char	**mem;

	if (nmem >= SIZE_MAX / sizeof(char *) ||
	    (mem = nu_alloc(b, (nmem + 1) * sizeof(char *),
	    __alignof__(char *))) == NULL ||
	    (gr->gr_name = nu_put(b, name, nl)) == NULL ||
	    (gr->gr_passwd = nu_put(b, "x", 1)) == NULL)
		return NULL;
	gr->gr_gid = gid;
	gr->gr_mem = mem;
	mem[nmem] = NULL;
	return mem;
}

/*
 * Point mem[0..nmem) at the nmem NUL-terminated names of m[0..len) (the
 * reader checked: the block starts with a name, ends with a NUL and has
 * exactly nmem NULs).  Eight bytes at a time: a hot getgrgid of an
 * organisation of hundreds costs less than a strlen per member.
 */
static void
gr_split(char *m, size_t len, char **mem, uint32_t nmem)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t	w, z;
	size_t		i;
	uint32_t	k = 1;

	mem[0] = m;
	for (i = 0; i + 8 <= len && k < nmem; i += 8) {
		memcpy(&w, m + i, 8);
		/* the high bit of each byte that is 0 */
		z = ~(((w & lo7) + lo7) | w | lo7);
		for (; z != 0 && k < nmem; z &= z - 1)
			mem[k++] = m + i + (__builtin_ctzll(z) >> 3) + 1;
	}
	for (; i < len && k < nmem; i++)
		if (m[i] == '\0')
			mem[k++] = m + i + 1;
#else
	uint32_t	i;

	for (i = 0; i < nmem; i++) {
		mem[i] = m;
		m += strlen(m) + 1;
	}
#endif
}

static enum nss_status
gr_from_map(const struct nssmap_gr *r, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct nu_buf	 b = { buf, buflen };
	char		**mem, *m;

	if ((mem = gr_start(gr, &b, nssmap_gr_name(r), r->name_len, r->gid,
	    r->nmem)) == NULL)
		return nu_erange(errnop);
	if (r->nmem == 0)
		return NSS_STATUS_SUCCESS;
	/* the members are NUL-terminated back to back (checked by the
	 * reader): one copy, then the pointers */
	if ((m = nu_put(&b, nssmap_gr_members(r), r->members_len - 1)) == NULL)
		return nu_erange(errnop);
	gr_split(m, r->members_len, mem, r->nmem);
	return NSS_STATUS_SUCCESS;
}

/* [name, passwd, gid, member...] */
static enum nss_status
gr_from_rec(const struct ua_rec *rec, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct nu_buf	 b = { buf, buflen };
	char		**mem;
	uint32_t	 gid, i;

	if (rec->n < 3 || rec->f[0].len == 0 ||
	    ua_field_u32(&rec->f[2], &gid) == -1)
		return nu_unavail(errnop);
	if ((mem = gr_start(gr, &b, rec->f[0].p, rec->f[0].len, gid,
	    rec->n - 3)) == NULL)
		return nu_erange(errnop);
	for (i = 3; i < rec->n; i++)
		if ((mem[i - 3] = nu_put(&b, rec->f[i].p, rec->f[i].len)) ==
		    NULL)
			return nu_erange(errnop);
	return NSS_STATUS_SUCCESS;
}

static int
gr_try_map(const char *name, uint32_t gid, struct group *gr, char *buf,
    size_t buflen, int *errnop, enum nss_status *st)
{
	const struct nssmap_gr	*r;
	struct nssmap_ref	 ref;

	if (nssmap_acquire(&ref) != 0)
		return 0;
	r = name != NULL ? nssmap_gr_byname(&ref, name) :
	    nssmap_gr_bygid(&ref, gid);
	if (r != NULL)
		*st = gr_from_map(r, gr, buf, buflen, errnop);
	nssmap_release(&ref);
	return r != NULL;
}

static enum nss_status
gr_ask(const char *name, uint32_t gid, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct ua_rec	rec = { 0 };
	enum nss_status	st;

	st = name != NULL ? nu_query(UA_GR_BYNAME, name, &rec, errnop) :
	    nu_query_id(UA_GR_BYGID, gid, &rec, errnop);
	if (st == NSS_STATUS_SUCCESS)
		st = gr_from_rec(&rec, gr, buf, buflen, errnop);
	ua_rec_free(&rec);
	return st;
}

enum nss_status
_nss_unifiedid_getgrnam_r(const char *name, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	enum nss_status	st;

	if (!nu_name_ok(name))
		return nu_notfound(errnop);
	if (gr_try_map(name, 0, gr, buf, buflen, errnop, &st))
		return st;
	return gr_ask(name, 0, gr, buf, buflen, errnop);
}

enum nss_status
_nss_unifiedid_getgrgid_r(gid_t gid, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	enum nss_status	st;

	if (gr_try_map(NULL, gid, gr, buf, buflen, errnop, &st))
		return st;
	return gr_ask(NULL, gid, gr, buf, buflen, errnop);
}

enum nss_status
_nss_unifiedid_setgrent(int stayopen)
{
	nu_enum_set(&gr_enum);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_unifiedid_getgrent_r(struct group *gr, char *buf, size_t buflen,
    int *errnop)
{
	enum nss_status	st;

	pthread_mutex_lock(&gr_enum.lock);
	if ((st = nu_enum_next(&gr_enum, errnop)) == NSS_STATUS_SUCCESS) {
		st = gr_from_rec(&gr_enum.rec, gr, buf, buflen, errnop);
		nu_enum_taken(&gr_enum, st);
	}
	pthread_mutex_unlock(&gr_enum.lock);
	return st;
}

enum nss_status
_nss_unifiedid_endgrent(void)
{
	nu_enum_end(&gr_enum);
	return NSS_STATUS_SUCCESS;
}
