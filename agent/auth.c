/*
 * auth.c - UA_AUTH, UA_ACCOUNT and UA_PASSWD (agent_proto.h).
 *
 * Authentication is a simple bind as the person, on a connection of its
 * own, with the password-policy request control (draft-behera): the
 * server decides, and says "must change", "expires in" or why an
 * account may not log in (dirsrv/bind.c: "account is pending", ...).
 * On success the agent keeps a yescrypt hash of the password
 * (common/password.c) with the time, so that the person can log in for
 * offline_login_days while no server answers; a failed online bind that
 * the offline hash would accept (the password was changed elsewhere),
 * or an account the server refuses, removes it.  Passwords are used in
 * place in the request record (wiped by ua_rec_free) and never logged.
 */
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agent.h"
#include "password.h"
#include "validate.h"

#define PW_MAX	511	/* what libxcrypt hashes */

static int
reply_msg(struct req *q, uint16_t status, const char *msg)
{
	struct ua_field	f;

	if (msg == NULL || *msg == '\0')
		return reply(q, status, NULL, 0);
	f = ua_str(msg);
	return reply(q, status, &f, 1);
}

static void
offline_store(const char *name, const char *pw, int expire)
{
	char		hash[PW_HASH_MAX];
	struct sv	s = { 0 };
	int64_t		now = time(NULL);

	if (ag.cfg.offline_days == 0)
		return;
	if (pw_hash(pw, strlen(pw), hash, sizeof(hash)) != 0) {
		log_warn("offline hash for %s: cannot hash", name);
		return;
	}
	sv_add(&s, hash);
	sv_addf(&s, "%lld", (long long)now);
	if (expire > 0)
		sv_addf(&s, "%lld", (long long)(now + expire));
	else
		sv_add(&s, "");
	cache_put(DB_OFF, name, &s, now);
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(s.v[0], strlen(s.v[0]));
	sv_free(&s);
}

/* 1 when the offline hash of name accepts pw (whatever its age) */
static int
offline_match(const char *name, const char *pw, int64_t *stored,
    int64_t *expires_at)
{
	struct ua_rec	r = { 0 };
	int		rehash, ok = 0;

	if (cache_get(DB_OFF, name, &r, NULL) == 0 && r.n >= 3) {
		ok = pw_verify(pw, strlen(pw), r.f[0].p, r.f[0].len, &rehash) ==
		    PW_MATCH;
		if (stored != NULL)
			*stored = atoll(r.f[1].p);
		if (expires_at != NULL)
			*expires_at = atoll(r.f[2].p);
	}
	ua_rec_free(&r);
	return ok;
}

static int
active(const struct ua_rec *u)
{
	const char	*st = u->f[U_STATUS].p;

	return *st == '\0' || strcasecmp(st, "active") == 0;
}

/* Offline login: the stored hash, while it is younger than the limit. */
static int
auth_offline(struct req *q, const struct ua_rec *u, const char *pw)
{
	const char	*name = u->f[U_NAME].p;
	struct ua_field	 f[2];
	int64_t		 stored = 0, now = time(NULL);
	int		 ok;

	if (ag.cfg.offline_days == 0) {
		log_info("auth %s: no directory server answers", name);
		return reply(q, UA_UNAVAIL, NULL, 0);
	}
	ok = offline_match(name, pw, &stored, NULL);
	if (stored == 0 || now - stored > ag.cfg.offline_days * 86400) {
		log_info("auth %s: no directory server answers and no usable "
		    "offline hash", name);
		return reply(q, UA_UNAVAIL, NULL, 0);
	}
	if (!ok || !active(u)) {
		log_info("auth %s: offline login refused", name);
		return reply(q, UA_AUTH_FAILED, NULL, 0);
	}
	log_info("auth %s: offline login (servers unreachable)", name);
	f[0] = ua_str(name);
	f[1] = ua_str("offline");
	return reply(q, UA_OK, f, 2);
}

/* the account name behind a login: a mobile number maps to its owner */
static void
auth_resolve(const char *login, char *name, size_t len)
{
	char		 mob[12];
	struct sv	 u = { 0 };
	int		 rc;

	snprintf(name, len, "%s", login);
	if (!ag.cfg.mobile_login ||
	    normalize_mobile(login, strlen(login), mob) != 0)
		return;
	rc = fetch_user("mobile", mob, &u);
	if (rc == 0) {
		snprintf(name, len, "%s", u.v[U_NAME]);
		cache_put_user(&u, time(NULL));
		sv_free(&u);
	} else if (rc == -1)
		cache_index(DB_MOB, mob, name, len);	/* offline */
	if (*name == '\0')
		snprintf(name, len, "%s", login);
}

static const char *
flags_of(char *buf, size_t len, const struct ua_rec *u, int pp_err,
    int expire, int grace)
{
	size_t	n = 0;

	buf[0] = '\0';
	if (pp_err == PP_changeAfterReset || pp_err == PP_passwordExpired ||
	    strcasecmp(u->f[U_PWDRESET].p, "TRUE") == 0)
		n += (size_t)snprintf(buf + n, len - n, "must-change");
	if (expire > 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%sexpires=%d",
		    n ? "," : "", expire);
	if (grace >= 0 && n < len)
		snprintf(buf + n, len - n, "%sgrace=%d", n ? "," : "", grace);
	return buf;
}

/*
 * Spend what checking a password costs (one yescrypt with the default
 * parameters), against a hash no password matches.
 */
static void
auth_equalize(const char *pw)
{
	static const char dummy[] = "{CRYPT}$y$j9T$U7zQUw3qwUynE1dshZWhS1$"
	    "p.dSDEv9MdeIJdKoRL83OzUD34M2gvVx7uHz36YtRcD";
	int	rehash;

	(void)pw_verify(pw, strlen(pw), dummy, sizeof(dummy) - 1, &rehash);
}

/* UA_AUTH: [login, password, service, rhost] */
int
auth_auth(struct req *q)
{
	const char	*login = q->args.f[0].p, *pw = q->args.f[1].p;
	struct ua_rec	 u = { 0 };
	struct ldc	 c = { NULL, -1, 0 };
	struct ua_field	 f[2];
	char		 name[256], flags[128], *diag = NULL;
	int		 rc, live, pp_err, expire, grace, tries;

	if (q->args.f[0].len == 0 || q->args.f[0].len > 255 ||
	    q->args.f[1].len == 0 || q->args.f[1].len > PW_MAX) {
		/* an empty password would be an anonymous bind */
		rc = reply(q, UA_AUTH_FAILED, NULL, 0);
		goto done;
	}
	auth_resolve(login, name, sizeof(name));
	rc = lookup_user(name, 0, 1, &u, &live);
	if (rc == 1) {
		/* as long as a wrong password takes: no telling by time
		 * whether the account exists */
		auth_equalize(pw);
		log_info("auth %s (uid %u, %s): unknown account", name,
		    (unsigned)q->uid, q->args.f[2].p);
		rc = reply(q, UA_AUTH_FAILED, NULL, 0);
		goto done;
	}
	if (rc == 2) {
		rc = reply(q, UA_UNAVAIL, NULL, 0);
		goto done;
	}
	rc = LDAP_SERVER_DOWN;
	for (tries = 0; live && tries < 2 && ldc_is_down(rc); tries++) {
		if (ldc_connect(&c) == -1)
			break;
		rc = ldc_bind_user(&c, u.f[U_DN].p, pw, &pp_err, &expire,
		    &grace, &diag);
		if (ldc_is_down(rc)) {
			ldc_mark_down(&c);
			free(diag);
			diag = NULL;
		}
		ldc_close(&c);
	}
	if (ldc_is_down(rc)) {
		rc = auth_offline(q, &u, pw);
		goto done;
	}
	switch (rc) {
	case LDAP_SUCCESS:
		flags_of(flags, sizeof(flags), &u, pp_err, expire, grace);
		offline_store(name, pw, expire);
		log_info("auth %s (uid %u, %s): ok%s%s", name,
		    (unsigned)q->uid, q->args.f[2].p, *flags ? " " : "", flags);
		f[0] = ua_str(name);
		f[1] = ua_str(flags);
		rc = reply(q, UA_OK, f, 2);
		break;
	case LDAP_INVALID_CREDENTIALS:
		/* refused account, or a password the server no longer takes */
		if (diag != NULL || pp_err == PP_accountLocked ||
		    offline_match(name, pw, NULL, NULL))
			cache_del(DB_OFF, name);
		log_info("auth %s (uid %u, %s): failed%s%s", name,
		    (unsigned)q->uid, q->args.f[2].p, diag ? ": " : "",
		    diag ? diag : "");
		rc = reply_msg(q, UA_AUTH_FAILED, diag);
		break;
	case LDAP_BUSY:
		rc = reply_msg(q, UA_BUSY, diag);
		break;
	case LDAP_CONFIDENTIALITY_REQUIRED:
		rc = reply(q, UA_ERROR, NULL, 0);
		break;
	default:
		log_info("auth %s: %s", name, ldap_err2string(rc));
		rc = reply_msg(q, UA_AUTH_FAILED, diag);
		break;
	}
done:
	free(diag);
	ua_rec_free(&u);
	return rc;
}

/* a non-root caller may ask only about its own account */
static int
own_account(const struct req *q, const struct ua_rec *u)
{
	char	uid[16];

	snprintf(uid, sizeof(uid), "%u", (unsigned)q->uid);
	return q->uid == 0 || strcmp(uid, u->f[U_UID].p) == 0;
}

/* UA_ACCOUNT: [account, service] -> [account, accountStatus,
 * statusReason, realNameLevel, must_change, expires_in, group...] */
int
auth_account(struct req *q)
{
	struct ua_rec	 u = { 0 }, ig = { 0 };
	struct ua_field	*f = NULL;
	char		 must[2] = "0", exp[24] = "";
	int64_t		 now = time(NULL), changed, exp_at = 0, left;
	uint32_t	 i, n = 0;
	int		 rc, live;

	rc = lookup_user(q->args.f[0].p, 0, 1, &u, &live);
	if (rc != 0) {
		rc = reply(q, rc == 1 ? UA_NOTFOUND : UA_UNAVAIL, NULL, 0);
		goto done;
	}
	if (!own_account(q, &u)) {
		rc = reply(q, UA_DENIED, NULL, 0);
		goto done;
	}
	if (lookup_groups_of(&u, live, &ig) != 0) {
		rc = reply(q, UA_UNAVAIL, NULL, 0);
		goto done;
	}
	if (strcasecmp(u.f[U_PWDRESET].p, "TRUE") == 0)
		must[0] = '1';
	changed = atoll(u.f[U_PWDCHANGED].p);
	if (ag.cfg.max_age_days > 0 && changed > 0) {
		left = changed + ag.cfg.max_age_days * 86400 - now;
		if (left <= 0)
			must[0] = '1';
		snprintf(exp, sizeof(exp), "%lld", (long long)(left > 0 ?
		    left : 0));
	} else {
		/* the server's last warning, remembered at login */
		struct ua_rec o = { 0 };

		if (cache_get(DB_OFF, u.f[U_NAME].p, &o, NULL) == 0 &&
		    o.n >= 3 && (exp_at = atoll(o.f[2].p)) > now)
			snprintf(exp, sizeof(exp), "%lld",
			    (long long)(exp_at - now));
		ua_rec_free(&o);
	}
	f = xcalloc(6 + ig.n / 2 + 1, sizeof(*f));
	f[n++] = u.f[U_NAME];
	f[n++] = *u.f[U_STATUS].p ? u.f[U_STATUS] : ua_str("active");
	f[n++] = u.f[U_REASON];
	f[n++] = *u.f[U_REALNAME].p ? u.f[U_REALNAME] : ua_str("none");
	f[n++] = ua_str(must);
	f[n++] = ua_str(exp);
	for (i = 0; i + 1 < ig.n; i += 2)
		if (ig.f[i + 1].len > 0)
			f[n++] = ig.f[i + 1];
	rc = reply(q, UA_OK, f, n);
done:
	free(f);
	ua_rec_free(&u);
	ua_rec_free(&ig);
	return rc;
}

/* UA_PASSWD: [account, old password, new password] */
int
auth_passwd(struct req *q)
{
	struct ua_rec	 u = { 0 };
	struct ldc	 c = { NULL, -1, 0 };
	struct berval	 oldpw, newpw, gen = { 0, NULL };
	LDAPControl	 ppreq = { LDAP_CONTROL_PASSWORDPOLICYREQUEST,
	    { 0, NULL }, 0 };
	LDAPControl	*sctrls[2] = { &ppreq, NULL };
	const char	*name;
	char		*diag = NULL, *d = NULL;
	int		 rc, live, pp_err, expire, grace;

	if (q->args.f[1].len == 0 || q->args.f[1].len > PW_MAX ||
	    q->args.f[2].len == 0) {
		rc = reply(q, q->args.f[1].len == 0 ? UA_AUTH_FAILED :
		    UA_POLICY, NULL, 0);
		goto done;
	}
	rc = lookup_user(q->args.f[0].p, 0, 1, &u, &live);
	if (rc != 0 || !live) {
		rc = reply(q, rc == 1 ? UA_AUTH_FAILED : UA_UNAVAIL, NULL, 0);
		goto done;
	}
	if (!own_account(q, &u)) {
		rc = reply(q, UA_DENIED, NULL, 0);
		goto done;
	}
	name = u.f[U_NAME].p;
	if (ldc_connect(&c) == -1) {
		rc = reply(q, UA_UNAVAIL, NULL, 0);
		goto done;
	}
	rc = ldc_bind_user(&c, u.f[U_DN].p, q->args.f[1].p, &pp_err, &expire,
	    &grace, &diag);
	if (rc != LDAP_SUCCESS) {
		if (ldc_is_down(rc))
			ldc_mark_down(&c);
		log_info("passwd %s (uid %u): old password refused", name,
		    (unsigned)q->uid);
		rc = ldc_is_down(rc) ? reply(q, UA_UNAVAIL, NULL, 0) :
		    reply_msg(q, UA_AUTH_FAILED, diag);
		goto done;
	}
	/* RFC 3062: the bound person changes their own password */
	oldpw.bv_val = (char *)(uintptr_t)q->args.f[1].p;
	oldpw.bv_len = q->args.f[1].len;
	newpw.bv_val = (char *)(uintptr_t)q->args.f[2].p;
	newpw.bv_len = q->args.f[2].len;
	/* libldap insists on a place for a generated password */
	rc = ldap_passwd_s(c.ld, NULL, &oldpw, &newpw, &gen, sctrls, NULL);
	if (gen.bv_val != NULL) {
		explicit_bzero(gen.bv_val, gen.bv_len);
		ber_memfree(gen.bv_val);
	}
	if (rc != LDAP_SUCCESS) {
		ldap_get_option(c.ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &d);
		log_info("passwd %s (uid %u): %s%s%s", name, (unsigned)q->uid,
		    ldap_err2string(rc), d ? ": " : "", d ? d : "");
		if (ldc_is_down(rc))
			rc = reply(q, UA_UNAVAIL, NULL, 0);
		else
			rc = reply_msg(q, UA_POLICY, d != NULL && *d != '\0' ?
			    d : ldap_err2string(rc));
		ldap_memfree(d);
		goto done;
	}
	log_info("passwd %s (uid %u): changed", name, (unsigned)q->uid);
	offline_store(name, q->args.f[2].p, -1);
	rc = reply(q, UA_OK, NULL, 0);
	/* pwdReset and pwdChangedTime changed */
	{
		struct ua_rec	u2 = { 0 };
		char		key[256];

		snprintf(key, sizeof(key), "%s", name);
		lookup_user(key, 0, 1, &u2, &live);
		ua_rec_free(&u2);
	}
done:
	ldc_close(&c);
	free(diag);
	ua_rec_free(&u);
	return rc;
}
