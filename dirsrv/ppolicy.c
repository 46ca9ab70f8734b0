/*
 * ppolicy.c - password policy (workflows.md "Password policy", R2):
 * quality and history of new passwords, expiry, must-change after an
 * administrator's reset, failure counting and lockout, and the password
 * policy response control of draft-behera-ldap-password-policy.
 *
 * State lives in the person's entry as in OpenLDAP's ppolicy overlay
 * (pwdChangedTime, pwdFailureTime, pwdAccountLockedTime, pwdHistory,
 * pwdReset), so it survives restarts and an administrator unlocks an
 * account by deleting pwdAccountLockedTime.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "dirsrv.h"
#include "password.h"

#define PERMANENT_LOCK	"000001010000Z"	/* draft-behera: locked until reset */
#define TIME_SYNTAX	"1.3.6.1.4.1.1466.115.121.1.40"

static struct attrtype *
at_named(const char *name)
{
	return schema_at(srv->schema, name, strlen(name));
}

static long long
gentime_parse_secs(const struct berval *v)
{
	struct tm tm;
	char buf[16];

	if (v->bv_len < 15)
		return -1;
	memcpy(buf, v->bv_val, 14);
	buf[14] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (sscanf(buf, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/*
 * Check a new cleartext password against the configured rules.  Returns
 * PP_OK or a draft-behera error with a message naming the rule.
 */
int
ppolicy_quality(const struct berval *pw, const struct berval *uid,
    const char **text)
{
	const struct pwpolicy *p = &srv->cfg->pw;
	int up = 0, lo = 0, di = 0, sp = 0, classes;
	size_t i, chars = 0;

	for (i = 0; i < pw->bv_len; i++) {
		unsigned char c = (unsigned char)pw->bv_val[i];

		if ((c & 0xc0) != 0x80)
			chars++;	/* count characters, not UTF-8 bytes */
		if (isupper(c))
			up = 1;
		else if (islower(c))
			lo = 1;
		else if (isdigit(c))
			di = 1;
		else
			sp = 1;
	}
	if ((int)chars < p->min_length) {
		*text = "password is too short (password_policy.min_length)";
		return PP_TOO_SHORT;
	}
	classes = up + lo + di + sp;
	if (classes < p->min_classes) {
		*text = "password needs more kinds of characters: upper case, "
		    "lower case, digits, special (password_policy.min_classes)";
		return PP_QUALITY;
	}
	if (p->reject_account_name && uid != NULL && uid->bv_len > 0 &&
	    pw->bv_len >= uid->bv_len) {
		for (i = 0; i + uid->bv_len <= pw->bv_len; i++)
			if (strncasecmp(pw->bv_val + i, uid->bv_val,
			    uid->bv_len) == 0) {
				*text = "password must not contain the account "
				    "name (password_policy.reject_account_name)";
				return PP_QUALITY;
			}
	}
	if (pw->bv_len > 511) {
		*text = "password is too long (at most 511 bytes)";
		return PP_QUALITY;
	}
	return PP_OK;
}

/* does pw equal the current password or one of the last `history`? */
int
ppolicy_in_history(const struct entry *e, const struct berval *pw)
{
	const struct schema *s = srv->schema;
	struct attr *a;
	size_t i, n;
	int rehash;

	if ((a = entry_find(e, s->a_userpassword)) != NULL)
		for (i = 0; i < a->nv; i++)
			if (pw_verify(pw->bv_val, pw->bv_len, a->vals[i].bv_val,
			    a->vals[i].bv_len, &rehash) == PW_MATCH)
				return 1;
	if (srv->cfg->pw.history <= 0 ||
	    (a = entry_find(e, at_named("pwdHistory"))) == NULL)
		return 0;
	/* values "time#syntax#len#hash"; the newest are last */
	n = a->nv;
	for (i = n > (size_t)srv->cfg->pw.history ? n - (size_t)
	    srv->cfg->pw.history : 0; i < n; i++) {
		const char *p = a->vals[i].bv_val, *end = p + a->vals[i].bv_len;
		int hashes = 0;

		while (p < end && hashes < 3)
			if (*p++ == '#')
				hashes++;
		if (hashes == 3 && pw_verify(pw->bv_val, pw->bv_len, p,
		    (size_t)(end - p), &rehash) == PW_MATCH)
			return 1;
	}
	return 0;
}

static void
set_value(struct arena *ar, struct entry *e, struct attrtype *at,
    const char *val)
{
	struct attr *a;
	struct berval v, nv;

	while ((a = entry_find(e, at)) != NULL)
		entry_del_attr(e, a);
	if (val == NULL)
		return;
	a = entry_add_attr(ar, e, at, NULL);
	v.bv_len = strlen(val);
	v.bv_val = arena_strndup(ar, val, v.bv_len);
	if (value_normalize(ar, at, &v, &nv) != 0)
		nv = v;
	attr_append_value(ar, a, &v, &nv);
}

/*
 * The password of new was just set (hash already in userPassword): keep
 * the old hashes in pwdHistory, stamp pwdChangedTime, set or clear
 * pwdReset, and lift any lock.
 */
void
ppolicy_password_changed(struct arena *ar, const struct entry *old,
    struct entry *new, int by_admin)
{
	const struct schema *s = srv->schema;
	struct attrtype *hist = at_named("pwdHistory");
	struct attr *oldpw = old ? entry_find(old, s->a_userpassword) : NULL;
	struct attr *h;
	char ts[16], *buf;
	size_t i, keep = (size_t)(srv->cfg->pw.history > 0 ?
	    srv->cfg->pw.history : 0);

	gentime_format((long long)time(NULL), ts);
	if (hist != NULL) {
		h = entry_find(new, hist);
		if (keep > 0 && oldpw != NULL) {
			if (h == NULL)
				h = entry_add_attr(ar, new, hist, NULL);
			for (i = 0; i < oldpw->nv; i++) {
				struct berval v;
				size_t n = oldpw->vals[i].bv_len + 80;

				buf = arena_alloc(ar, n);
				v.bv_len = (size_t)snprintf(buf, n, "%s#%s#%zu#%.*s",
				    ts, TIME_SYNTAX, (size_t)oldpw->vals[i].bv_len,
				    (int)oldpw->vals[i].bv_len,
				    oldpw->vals[i].bv_val);
				v.bv_val = buf;
				attr_append_value(ar, h, &v, &v);
			}
		}
		if (h != NULL) {
			while (h->nv > keep)
				attr_del_index(h, 0);
			if (h->nv == 0)
				entry_del_attr(new, h);
		}
	}
	set_value(ar, new, at_named("pwdChangedTime"), ts);
	set_value(ar, new, at_named("pwdReset"), by_admin ? "TRUE" : NULL);
	set_value(ar, new, at_named("pwdFailureTime"), NULL);
	set_value(ar, new, at_named("pwdAccountLockedTime"), NULL);
}

/* where an entry stands: locked, expired, must change, seconds left */
void
ppolicy_state(const struct entry *e, struct ppstate *ps)
{
	const struct pwpolicy *p = &srv->cfg->pw;
	struct attr *a;
	long long now = (long long)time(NULL), t;

	memset(ps, 0, sizeof(*ps));
	ps->expire_in = -1;
	if ((a = entry_find(e, at_named("pwdAccountLockedTime"))) != NULL &&
	    a->nv > 0) {
		if (a->vals[0].bv_len >= 13 && strncmp(a->vals[0].bv_val,
		    PERMANENT_LOCK, 13) == 0)
			ps->locked = 1;
		else if ((t = gentime_parse_secs(&a->vals[0])) >= 0 &&
		    now < t + p->lockout_seconds)
			ps->locked = 1;
		else
			ps->lock_expired = 1;
	}
	if ((a = entry_find(e, at_named("pwdFailureTime"))) != NULL)
		ps->failures = a->nv;
	if ((a = entry_find(e, at_named("pwdReset"))) != NULL && a->nv > 0 &&
	    a->vals[0].bv_len == 4 && strncasecmp(a->vals[0].bv_val, "TRUE",
	    4) == 0)
		ps->must_change = 1;
	if (p->max_age_days > 0 &&
	    (a = entry_find(e, at_named("pwdChangedTime"))) != NULL &&
	    a->nv > 0 && (t = gentime_parse_secs(&a->vals[0])) >= 0) {
		long long left = t + (long long)p->max_age_days * 86400 - now;

		if (left <= 0)
			ps->expired = 1;
		else
			ps->expire_in = left;
	}
}

/*
 * Record a failed bind in e's copy: one more pwdFailureTime (only those
 * within the lockout window count) and a lock at max_failures.
 */
void
ppolicy_bind_failed(struct arena *ar, struct entry *e)
{
	const struct pwpolicy *p = &srv->cfg->pw;
	struct attrtype *ft = at_named("pwdFailureTime");
	struct attr *a;
	long long now = (long long)time(NULL), t;
	char ts[16];
	struct berval v, nv;
	size_t i;

	if (p->max_failures <= 0 || ft == NULL)
		return;
	gentime_format(now, ts);
	if ((a = entry_find(e, ft)) == NULL)
		a = entry_add_attr(ar, e, ft, NULL);
	for (i = 0; i < a->nv;) {
		t = gentime_parse_secs(&a->vals[i]);
		if (t < 0 || now - t >= p->lockout_seconds)
			attr_del_index(a, i);
		else
			i++;
	}
	v.bv_len = 15;
	v.bv_val = arena_strndup(ar, ts, 15);
	/* two failures in the same second are two failures */
	if (value_normalize(ar, ft, &v, &nv) != 0)
		nv = v;
	if (attr_find_value(a, &nv) >= 0) {
		char *u = arena_alloc(ar, 24);
		snprintf(u, 24, "%.14s.%03zuZ", ts, a->nv % 1000);
		v.bv_val = u;
		v.bv_len = strlen(u);
		if (value_normalize(ar, ft, &v, &nv) != 0)
			nv = v;
	}
	attr_append_value(ar, a, &v, &nv);
	while (a->nv > (size_t)p->max_failures)
		attr_del_index(a, 0);
	if (a->nv >= (size_t)p->max_failures)
		set_value(ar, e, at_named("pwdAccountLockedTime"), ts);
}

/* a successful bind clears failures and an expired lock */
void
ppolicy_bind_succeeded(struct arena *ar, struct entry *e)
{
	set_value(ar, e, at_named("pwdFailureTime"), NULL);
	set_value(ar, e, at_named("pwdAccountLockedTime"), NULL);
}

/* the response control; err < 0 for none, warn_secs < 0 for none */
void
ppolicy_control(struct op *op, struct result_extra *x, int err,
    long long warn_secs)
{
	BerElement *ber;
	struct berval bv;
	struct control *c;

	if (!op->ppolicy_ctrl || (err < 0 && warn_secs < 0))
		return;
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return;
	if (ber_printf(ber, "{" /*}*/) == -1)
		goto fail;
	if (warn_secs >= 0 && ber_printf(ber, "t{ti}",
	    (ber_tag_t)0xa0, (ber_tag_t)0x80,
	    (ber_int_t)(warn_secs > 0x7fffffff ? 0x7fffffff : warn_secs)) == -1)
		goto fail;
	if (err >= 0 && ber_printf(ber, "te", (ber_tag_t)0x81,
	    (ber_int_t)err) == -1)
		goto fail;
	if (ber_printf(ber, /*{*/ "N}") == -1 || ber_flatten2(ber, &bv, 0) != 0)
		goto fail;
	c = arena_calloc(&op->arena, x->nctrls + 1, sizeof(*c));
	if (x->nctrls)
		memcpy(c, x->ctrls, x->nctrls * sizeof(*c));
	c[x->nctrls].oid = LDAP_CONTROL_PASSWORDPOLICYRESPONSE;
	c[x->nctrls].value.bv_val = arena_memdup(&op->arena, bv.bv_val,
	    bv.bv_len);
	c[x->nctrls].value.bv_len = bv.bv_len;
	x->ctrls = c;
	x->nctrls++;
fail:
	ber_free(ber, 1);
}
