/*
 * auth.c - pam_sm_authenticate: the password through the agent (UA_AUTH),
 * which binds to the directory as the person or, with the servers
 * unreachable, checks its local offline hash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam_unifiedid.h"

static void
auth_state_cleanup(pam_handle_t *pamh, void *data, int err)
{
	struct pu_authstate	*s = data;

	if (s->oldtok != NULL) {
		explicit_bzero(s->oldtok, strlen(s->oldtok));
		free(s->oldtok);
	}
	free(s);
}

/* What the auth phase of this handle learnt, or NULL. */
struct pu_authstate *
auth_state(pam_handle_t *pamh)
{
	const void	*p = NULL;

	if (pam_get_data(pamh, PU_DATA_AUTH, &p) != PAM_SUCCESS)
		return NULL;
	return (struct pu_authstate *)(uintptr_t)p;
}

/* The password has been changed: forget the copy and the flag. */
void
auth_state_drop_token(pam_handle_t *pamh)
{
	struct pu_authstate	*s = auth_state(pamh);

	if (s == NULL)
		return;
	if (s->oldtok != NULL) {
		explicit_bzero(s->oldtok, strlen(s->oldtok));
		free(s->oldtok);
		s->oldtok = NULL;
	}
	s->must_change = 0;
	s->grace = -1;
	s->expires = -1;
}

/* flags = "offline,must-change,expires=SECONDS,grace=N" (agent_proto.h) */
static void
auth_parse_flags(const char *flags, struct pu_authstate *s)
{
	const char	*p = flags, *e;
	size_t		 len;
	struct ua_field	 f;
	uint32_t	 v;

	s->grace = -1;
	s->expires = -1;
	while (*p != '\0') {
		e = strchr(p, ',');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 7 && memcmp(p, "offline", 7) == 0)
			s->offline = 1;
		else if (len == 11 && memcmp(p, "must-change", 11) == 0)
			s->must_change = 1;
		else if (len > 8 && memcmp(p, "expires=", 8) == 0) {
			f.p = p + 8;
			f.len = (uint32_t)(len - 8);
			if (ua_field_u32(&f, &v) == 0)
				s->expires = v;
		} else if (len > 6 && memcmp(p, "grace=", 6) == 0) {
			f.p = p + 6;
			f.len = (uint32_t)(len - 6);
			if (ua_field_u32(&f, &v) == 0 && v < 1000000)
				s->grace = (int)v;
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

/*
 * The password: use_first_pass takes the one an earlier module got (or
 * fails); try_first_pass takes it if there is one; otherwise, and for the
 * second try of try_first_pass, the module asks itself.
 */
static int
auth_get_password(pam_handle_t *pamh, const struct pu_args *a, int again,
    const char **pw)
{
	if (again || (!a->use_first_pass && !a->try_first_pass))
		(void)pam_set_item(pamh, PAM_AUTHTOK, NULL);
	return pam_get_authtok(pamh, PAM_AUTHTOK, pw, NULL);
}

static int
auth_remember(pam_handle_t *pamh, const struct pu_args *a,
    const char *flags, const char *pw)
{
	struct pu_authstate	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return PAM_BUF_ERR;
	auth_parse_flags(flags, s);
	if (s->grace >= 0)
		s->must_change = 1;
	/* chauthtok right after a login that must change the password
	 * reuses it instead of asking again (the auth token item itself
	 * is cleared by libpam when pam_authenticate returns) */
	if (s->must_change && (s->oldtok = strdup(pw)) == NULL) {
		free(s);
		return PAM_BUF_ERR;
	}
	if (pam_set_data(pamh, PU_DATA_AUTH, s, auth_state_cleanup) !=
	    PAM_SUCCESS) {
		auth_state_cleanup(pamh, s, 0);
		return PAM_BUF_ERR;
	}
	DEBUG(pamh, a, "auth flags: %s", flags);
	return PAM_SUCCESS;
}

/* UA_OK: [account, flags] */
static int
auth_ok(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *login, const struct ua_rec *r, const char *pw)
{
	const char		*acct;
	struct pu_authstate	*s;
	int			 rc;

	if (r->n < 2 || !name_ok(r->f[0].p)) {
		pam_syslog(pamh, LOG_ERR, "agent: malformed auth answer");
		return PAM_AUTHINFO_UNAVAIL;
	}
	acct = r->f[0].p;
	/* a mobile number (R3) or an old name (R14) logs in as the account
	 * it belongs to: the rest of the stack and the session see that */
	if (strcmp(acct, login) != 0) {
		if ((rc = pam_set_item(pamh, PAM_USER, acct)) != PAM_SUCCESS)
			return rc;
		DEBUG(pamh, a, "login %s is account %s", login, acct);
	}
	if ((rc = auth_remember(pamh, a, r->f[1].p, pw)) != PAM_SUCCESS)
		return rc;
	s = auth_state(pamh);
	if (s != NULL && s->offline)
		msg_show(pamh, flags, PAM_TEXT_INFO, "Logged in with cached "
		    "credentials: the directory servers cannot be reached.");
	pam_syslog(pamh, LOG_INFO, "authenticated user=%s rhost=%s%s", acct,
	    pu_rhost(pamh), s != NULL && s->offline ? " (offline)" : "");
	return PAM_SUCCESS;
}

/* UA_AUTH_FAILED, optionally with [message] */
static int
auth_failed(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *login, const struct ua_rec *r)
{
	const char	*m = r->n > 0 ? r->f[0].p : "";

	pam_syslog(pamh, LOG_NOTICE, "authentication failure; user=%s rhost=%s "
	    "service=%s", login, pu_rhost(pamh), pu_service(pamh));
	/* the server says why a right password was refused */
	if (strncmp(m, "account is ", 11) == 0)
		(void)account_explain(pamh, flags, m + 11, "");
	else if (*m != '\0')
		msg_verbatim(pamh, flags, PAM_ERROR_MSG, m);
	if (!a->nodelay)
		(void)pam_fail_delay(pamh, 2000000);
	return PAM_AUTH_ERR;
}

static int
auth_map(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *login, const char *pw, int st, const struct ua_rec *r)
{
	switch (st) {
	case UA_OK:
		return auth_ok(pamh, flags, a, login, r, pw);
	case UA_AUTH_FAILED:
		return auth_failed(pamh, flags, a, login, r);
	case UA_BUSY:
		msg_show(pamh, flags, PAM_ERROR_MSG, "Too many login attempts; "
		    "wait a moment and try again.");
		return PAM_MAXTRIES;
	case -1:
	case UA_UNAVAIL:
	case UA_ERROR:
		/* fall through to the next module (pam_unix) */
		pam_syslog(pamh, LOG_ERR, "user=%s: identity service "
		    "unavailable (%s)", login, st == -1 ? "agent not "
		    "reachable" : ua_status_name((uint16_t)st));
		return PAM_AUTHINFO_UNAVAIL;
	default:
		pam_syslog(pamh, LOG_ERR, "agent: unexpected answer %s to auth",
		    ua_status_name((uint16_t)st));
		return PAM_SYSTEM_ERR;
	}
}

PU_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct pu_args	 a;
	struct ua_field	 f[4];
	struct ua_rec	 r = { 0 };
	const char	*user = NULL, *pw = NULL;
	const void	*preset = NULL;
	char		 login[PU_NAME_MAX + 1];
	int		 rc, st, again;

	if ((rc = pu_begin(pamh, argc, argv, &a, &user)) != PAM_SUCCESS)
		return rc;
	/* a copy: PAM_USER changes when a mobile number logs in */
	memcpy(login, user, strlen(user) + 1);
	/* what an earlier pam_authenticate on this handle said is void */
	(void)pam_set_data(pamh, PU_DATA_AUTH, NULL, NULL);
	(void)pam_get_item(pamh, PAM_AUTHTOK, &preset);
	/* use_first_pass never asks: no earlier password, no login
	 * (pam_unix does the same) */
	if (a.use_first_pass && preset == NULL) {
		DEBUG(pamh, &a, "use_first_pass and no password from an "
		    "earlier module");
		return PAM_AUTH_ERR;
	}
	for (again = 0;; again = 1) {
		rc = auth_get_password(pamh, &a, again, &pw);
		if (rc != PAM_SUCCESS || pw == NULL)
			return rc == PAM_SUCCESS ? PAM_AUTH_ERR : rc;
		/* never an empty password: the bind would be an anonymous
		 * one and succeed (RFC 4513 section 5.1.2) */
		if (*pw == '\0') {
			st = UA_AUTH_FAILED;
			break;
		}
		f[0] = ua_str(login);
		f[1] = ua_str(pw);
		f[2] = ua_str(pu_service(pamh));
		f[3] = ua_str(pu_rhost(pamh));
		st = call_agent(pamh, &a, UA_AUTH, f, 4, &r);
		if (st == UA_AUTH_FAILED && !again && a.try_first_pass &&
		    preset != NULL) {
			DEBUG(pamh, &a, "first password refused, asking");
			ua_rec_free(&r);
			continue;
		}
		break;
	}
	rc = auth_map(pamh, flags, &a, login, pw, st, &r);
	ua_rec_free(&r);
	DEBUG(pamh, &a, "auth user=%s: %s", login, pam_strerror(pamh, rc));
	return rc;
}

PU_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* no credentials beyond the login itself (no tickets, no keys) */
	return PAM_SUCCESS;
}
