/*
 * password.c - pam_sm_chauthtok: change the password in the directory
 * (the agent sends a Password Modify extended operation, RFC 3062, as the
 * person).  libpam calls the stack twice: PAM_PRELIM_CHECK (agent there,
 * account ours, current password right) and PAM_UPDATE_AUTHTOK (new
 * password, the change itself).
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam_unifiedid.h"

/* pam_set_data: the password does not need changing (a
 * PAM_CHANGE_EXPIRED_AUTHTOK request for an unexpired one) */
#define PU_DATA_SKIP	"pam_unifiedid.chauthtok-skip"

static int
pw_needed(pam_handle_t *pamh, const struct pu_account *acc)
{
	const struct pu_authstate *s = auth_state(pamh);

	return acc->must_change || acc->expires_in == 0 ||
	    (s != NULL && (s->must_change || s->grace >= 0));
}

static int
pw_offline(pam_handle_t *pamh, int flags)
{
	msg_show(pamh, flags, PAM_ERROR_MSG, "Your password cannot be changed "
	    "while the directory servers are unreachable.");
	return PAM_AUTHTOK_LOCK_BUSY;
}

/* The answers UA_AUTH and UA_PASSWD share, as PAM codes. */
static int
pw_status(pam_handle_t *pamh, int flags, const char *user, int st)
{
	switch (st) {
	case UA_AUTH_FAILED:
		msg_show(pamh, flags, PAM_ERROR_MSG, "The current password is "
		    "wrong.");
		pam_syslog(pamh, LOG_NOTICE, "password change: wrong current "
		    "password for %s", user);
		return PAM_AUTH_ERR;
	case UA_BUSY:
		msg_show(pamh, flags, PAM_ERROR_MSG, "Too many login attempts; "
		    "wait a moment and try again.");
		return PAM_AUTHTOK_ERR;
	case UA_UNAVAIL:
		return pw_offline(pamh, flags);
	case -1:
	case UA_ERROR:
		return PAM_AUTHINFO_UNAVAIL;
	}
	return PAM_SYSTEM_ERR;
}

/* Check the current password with UA_AUTH before asking for a new one. */
static int
pw_verify_old(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *user, const char *old)
{
	struct ua_field	 f[4];
	struct ua_rec	 r = { 0 };
	int		 st, rc;

	f[0] = ua_str(user);
	f[1] = ua_str(old);
	f[2] = ua_str(pu_service(pamh));
	f[3] = ua_str(pu_rhost(pamh));
	st = call_agent(pamh, a, UA_AUTH, f, 4, &r);
	if (st != UA_OK)
		rc = pw_status(pamh, flags, user, st);
	else if (r.n >= 2 && strstr(r.f[1].p, "offline") != NULL)
		rc = pw_offline(pamh, flags);	/* no change without servers */
	else
		rc = PAM_SUCCESS;
	ua_rec_free(&r);
	return rc;
}

static int
pw_prelim(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *user)
{
	struct pu_account	 acc;
	struct pu_authstate	*s = auth_state(pamh);
	const char		*old = NULL;
	int			 st, rc, needed;

	(void)pam_set_data(pamh, PU_DATA_SKIP, NULL, NULL);
	/* also the check that the agent is there (-1: PAM_AUTHINFO_UNAVAIL) */
	st = call_account(pamh, a, user, pu_service(pamh), &acc);
	if (st == UA_NOTFOUND)
		return PAM_USER_UNKNOWN;	/* a local user: pam_unix's */
	if (st != UA_OK)
		return pw_status(pamh, flags, user, st);
	needed = pw_needed(pamh, &acc);
	call_account_free(&acc);
	if ((flags & PAM_CHANGE_EXPIRED_AUTHTOK) && !needed) {
		DEBUG(pamh, a, "chauthtok: password of %s has not expired",
		    user);
		(void)pam_set_data(pamh, PU_DATA_SKIP, (void *)(uintptr_t)1,
		    NULL);
		return PAM_SUCCESS;
	}
	/* right after a login that must change it: the password just typed */
	if (s != NULL && s->oldtok != NULL)
		return pam_set_item(pamh, PAM_OLDAUTHTOK, s->oldtok);
	rc = pam_get_authtok(pamh, PAM_OLDAUTHTOK, &old,
	    msg_prompt("Current password: "));
	if (rc != PAM_SUCCESS || old == NULL)
		return rc == PAM_SUCCESS ? PAM_AUTHTOK_ERR : rc;
	if ((rc = pw_verify_old(pamh, flags, a, user, old)) != PAM_SUCCESS)
		(void)pam_set_item(pamh, PAM_OLDAUTHTOK, NULL);
	return rc;
}

/* UA_PASSWD once: PAM_SUCCESS, PAM_TRY_AGAIN (policy refused the new
 * password: ask again if tries are left), or the final error. */
static int
pw_change(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *user, const char *old, const char *new)
{
	struct ua_field	 f[3];
	struct ua_rec	 r = { 0 };
	int		 st, rc;

	f[0] = ua_str(user);
	f[1] = ua_str(old);
	f[2] = ua_str(new);
	st = call_agent(pamh, a, UA_PASSWD, f, 3, &r);
	switch (st) {
	case UA_OK:
		auth_state_drop_token(pamh);
		pam_syslog(pamh, LOG_INFO, "password changed for %s", user);
		rc = PAM_SUCCESS;
		break;
	case UA_POLICY:
		/* the server's diagnostic names the rule: as it came */
		if (r.n > 0 && r.f[0].len > 0)
			msg_verbatim(pamh, flags, PAM_ERROR_MSG, r.f[0].p);
		else
			msg_show(pamh, flags, PAM_ERROR_MSG, "The password "
			    "policy refused the new password.");
		pam_syslog(pamh, LOG_NOTICE, "password change for %s refused "
		    "by the policy", user);
		rc = PAM_TRY_AGAIN;
		break;
	default:
		rc = pw_status(pamh, flags, user, st);
		break;
	}
	ua_rec_free(&r);
	return rc;
}

static int
pw_update(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *user)
{
	const void	*skip = NULL, *oldp = NULL;
	const char	*new = NULL;
	int		 rc = PAM_AUTHTOK_ERR, i;

	if (pam_get_data(pamh, PU_DATA_SKIP, &skip) == PAM_SUCCESS &&
	    skip != NULL)
		return PAM_SUCCESS;
	if (pam_get_item(pamh, PAM_OLDAUTHTOK, &oldp) != PAM_SUCCESS ||
	    oldp == NULL)
		return PAM_AUTHTOK_ERR;		/* PRELIM_CHECK did not run */
	for (i = 0; i < a->retry; i++) {
		if (i > 0) {
			if (a->use_authtok)
				break;		/* cannot ask: not ours */
			(void)pam_set_item(pamh, PAM_AUTHTOK, NULL);
		}
		/* asks twice; a mismatch gives PAM_TRY_AGAIN */
		rc = pam_get_authtok(pamh, PAM_AUTHTOK, &new, NULL);
		if (rc == PAM_TRY_AGAIN)
			continue;
		if (rc != PAM_SUCCESS || new == NULL)
			return rc == PAM_SUCCESS ? PAM_AUTHTOK_ERR : rc;
		if (*new == '\0') {
			msg_show(pamh, flags, PAM_ERROR_MSG, "No password "
			    "given.");
			rc = PAM_TRY_AGAIN;
			continue;
		}
		rc = pw_change(pamh, flags, a, user, oldp, new);
		if (rc != PAM_TRY_AGAIN)
			return rc;
	}
	(void)pam_set_item(pamh, PAM_AUTHTOK, NULL);
	return PAM_AUTHTOK_ERR;
}

PU_EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pu_args	 a;
	const char	*user = NULL;
	int		 rc;

	if ((rc = pu_begin(pamh, argc, argv, &a, &user)) != PAM_SUCCESS)
		return rc;
	if (flags & PAM_PRELIM_CHECK)
		rc = pw_prelim(pamh, flags, &a, user);
	else if (flags & PAM_UPDATE_AUTHTOK)
		rc = pw_update(pamh, flags, &a, user);
	else
		rc = PAM_SERVICE_ERR;
	DEBUG(pamh, &a, "chauthtok %s user=%s: %s", flags & PAM_PRELIM_CHECK ?
	    "prelim" : "update", user, pam_strerror(pamh, rc));
	return rc;
}
