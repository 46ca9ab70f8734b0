/*
 * nss_shadow.c - the shadow database, for root only (the agent checks the
 * caller's credentials and answers UA_DENIED to anyone else: then
 * NSS_STATUS_UNAVAIL with EACCES, as `files` gives for an unreadable
 * /etc/shadow).  The password field is always "*": hashes never leave
 * the directory.  Not in the mapped cache (it is world-readable).
 */
#include <errno.h>
#include <string.h>

#include "nss_unifiedid.h"

static struct nu_enum sp_enum = NU_ENUM_INIT(UA_SP_ENUM);

/* a day count, or -1 for "" (not set) */
static int
sp_num(const struct ua_field *f, long *out)
{
	uint32_t	v;

	if (f->len == 0) {
		*out = -1;
		return 0;
	}
	if (ua_field_u32(f, &v) == -1 || v > 0x7fffffffu)
		return -1;
	*out = (long)v;
	return 0;
}

/* [name, "*", lastchg, min, max, warn, inact, expire] */
static enum nss_status
sp_from_rec(const struct ua_rec *rec, struct spwd *sp, char *buf,
    size_t buflen, int *errnop)
{
	struct nu_buf	b = { buf, buflen };
	long		v[6];
	int		i;

	if (rec->n != 8 || rec->f[0].len == 0)
		return nu_unavail(errnop);
	for (i = 0; i < 6; i++)
		if (sp_num(&rec->f[i + 2], &v[i]) == -1)
			return nu_unavail(errnop);
	if ((sp->sp_namp = nu_put(&b, rec->f[0].p, rec->f[0].len)) == NULL ||
	    (sp->sp_pwdp = nu_put(&b, "*", 1)) == NULL)
		return nu_erange(errnop);
	sp->sp_lstchg = v[0];
	sp->sp_min = v[1];
	sp->sp_max = v[2];
	sp->sp_warn = v[3];
	sp->sp_inact = v[4];
	sp->sp_expire = v[5];
	sp->sp_flag = ~0ul;
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_unifiedid_getspnam_r(const char *name, struct spwd *sp, char *buf,
    size_t buflen, int *errnop)
{
	struct ua_rec	rec = { 0 };
	enum nss_status	st;

	if (!nu_name_ok(name))
		return nu_notfound(errnop);
	if ((st = nu_query(UA_SP_BYNAME, name, &rec, errnop)) ==
	    NSS_STATUS_SUCCESS)
		st = sp_from_rec(&rec, sp, buf, buflen, errnop);
	ua_rec_free(&rec);
	return st;
}

enum nss_status
_nss_unifiedid_setspent(int stayopen)
{
	nu_enum_set(&sp_enum);
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_unifiedid_getspent_r(struct spwd *sp, char *buf, size_t buflen,
    int *errnop)
{
	enum nss_status	st;

	pthread_mutex_lock(&sp_enum.lock);
	if ((st = nu_enum_next(&sp_enum, errnop)) == NSS_STATUS_SUCCESS) {
		st = sp_from_rec(&sp_enum.rec, sp, buf, buflen, errnop);
		nu_enum_taken(&sp_enum, st);
	}
	pthread_mutex_unlock(&sp_enum.lock);
	return st;
}

enum nss_status
_nss_unifiedid_endspent(void)
{
	nu_enum_end(&sp_enum);
	return NSS_STATUS_SUCCESS;
}
