/*
 * nss_passwd.c - the passwd database: getpwnam_r and getpwuid_r from the
 * mapped cache or the agent, getpwent_r streamed from the agent.
 */
#include <errno.h>
#include <string.h>

#include "nss_unifiedid.h"
#include "nssmap.h"

static struct nu_enum pw_enum = NU_ENUM_INIT(UA_PW_ENUM);

/* name, gecos, dir, shell */
struct pw_strs {
	const char	*p[4];
	size_t		 len[4];
};

static enum nss_status
pw_pack(struct passwd *pw, char *buf, size_t buflen, const struct pw_strs *s,
    uint32_t uid, uint32_t gid, int *errnop)
{
	struct nu_buf	b = { buf, buflen };

	if ((pw->pw_name = nu_put(&b, s->p[0], s->len[0])) == NULL ||
	    (pw->pw_passwd = nu_put(&b, "x", 1)) == NULL ||
	    (pw->pw_gecos = nu_put(&b, s->p[1], s->len[1])) == NULL ||
	    (pw->pw_dir = nu_put(&b, s->p[2], s->len[2])) == NULL ||
	    (pw->pw_shell = nu_put(&b, s->p[3], s->len[3])) == NULL)
		return nu_erange(errnop);
	pw->pw_uid = uid;
	pw->pw_gid = gid;
	return NSS_STATUS_SUCCESS;
}

static enum nss_status
pw_from_map(const struct nssmap_pw *r, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct pw_strs	s;

	s.p[0] = nssmap_pw_name(r);
	s.len[0] = r->name_len;
	s.p[1] = nssmap_pw_gecos(r);
	s.len[1] = r->gecos_len;
	s.p[2] = nssmap_pw_dir(r);
	s.len[2] = r->dir_len;
	s.p[3] = nssmap_pw_shell(r);
	s.len[3] = r->shell_len;
	return pw_pack(pw, buf, buflen, &s, r->uid, r->gid, errnop);
}

/* [name, passwd, uid, gid, gecos, dir, shell] */
static enum nss_status
pw_from_rec(const struct ua_rec *rec, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct pw_strs	s;
	uint32_t	uid, gid;
	int		i;

	if (rec->n != 7 || rec->f[0].len == 0 ||
	    ua_field_u32(&rec->f[2], &uid) == -1 ||
	    ua_field_u32(&rec->f[3], &gid) == -1)
		return nu_unavail(errnop);
	s.p[0] = rec->f[0].p;
	s.len[0] = rec->f[0].len;
	for (i = 1; i < 4; i++) {
		s.p[i] = rec->f[i + 3].p;
		s.len[i] = rec->f[i + 3].len;
	}
	return pw_pack(pw, buf, buflen, &s, uid, gid, errnop);
}

/* the map's answer if it has one (*st set), else 0 */
static int
pw_try_map(const char *name, uint32_t uid, struct passwd *pw, char *buf,
    size_t buflen, int *errnop, enum nss_status *st)
{
	const struct nssmap_pw	*r;
	struct nssmap_ref	 ref;

	if (nssmap_acquire(&ref) != 0)
		return 0;
	r = name != NULL ? nssmap_pw_byname(&ref, name) :
	    nssmap_pw_byuid(&ref, uid);
	if (r != NULL)
		*st = pw_from_map(r, pw, buf, buflen, errnop);
	nssmap_release(&ref);
	return r != NULL;
}

static enum nss_status
pw_ask(const char *name, uint32_t uid, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct ua_rec	rec = { 0 };
	enum nss_status	st;

	st = name != NULL ? nu_query(UA_PW_BYNAME, name, &rec, errnop) :
	    nu_query_id(UA_PW_BYUID, uid, &rec, errnop);
	if (st == NSS_STATUS_SUCCESS)
		st = pw_from_rec(&rec, pw, buf, buflen, errnop);
	ua_rec_free(&rec);
	return st;
}

enum nss_status
_nss_unifiedid_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	enum nss_status	st;

	if (!nu_name_ok(name))
		return nu_notfound(errnop);
	if (pw_try_map(name, 0, pw, buf, buflen, errnop, &st))
		return st;
	return pw_ask(name, 0, pw, buf, buflen, errnop);
}

enum nss_status
_nss_unifiedid_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	enum nss_status	st;

	if (pw_try_map(NULL, uid, pw, buf, buflen, errnop, &st))
		return st;
	return pw_ask(NULL, uid, pw, buf, buflen, errnop);
}

enum nss_status
_nss_unifiedid_setpwent(int stayopen)
{
	nu_enum_set(&pw_enum);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_unifiedid_getpwent_r(struct passwd *pw, char *buf, size_t buflen,
    int *errnop)
{
	enum nss_status	st;

	pthread_mutex_lock(&pw_enum.lock);
	if ((st = nu_enum_next(&pw_enum, errnop)) == NSS_STATUS_SUCCESS) {
		st = pw_from_rec(&pw_enum.rec, pw, buf, buflen, errnop);
		nu_enum_taken(&pw_enum, st);
	}
	pthread_mutex_unlock(&pw_enum.lock);
	return st;
}

enum nss_status
_nss_unifiedid_endpwent(void)
{
	nu_enum_end(&pw_enum);
	return NSS_STATUS_SUCCESS;
}
