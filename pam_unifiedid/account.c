/*
 * account.c - pam_sm_acct_mgmt: may this person log in here, now?
 * The agent answers UA_ACCOUNT from the directory, or from its cache when
 * the servers are unreachable; the module applies the host's own rules
 * (min_realname, require_group) on top of the account's status.
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam_unifiedid.h"

#define N_(s)	s

/* level names as shown to people (translated in po/zh_CN-pam.po) */
static const char *const level_names[] = {
	N_("not verified"), N_("basic"), N_("intermediate"), N_("advanced"),
};

/*
 * Tell the person why an account with this status cannot log in.
 * Returns 1 when status is a refusal (anything but active), 0 otherwise.
 * reason is the administrator's statusReason, "" if none.
 */
int
account_explain(pam_handle_t *pamh, int flags, const char *status,
    const char *reason)
{
	int	e = PAM_ERROR_MSG;

	/* entries imported without a status log in, as the server lets
	 * them bind */
	if (*status == '\0' || strcasecmp(status, "active") == 0)
		return 0;
	if (strcasecmp(status, "pending") == 0)
		msg_show(pamh, flags, e, "Your account is waiting for an "
		    "administrator to approve your application.");
	else if (strcasecmp(status, "rejected") == 0 && *reason != '\0')
		msg_show(pamh, flags, e, "Your account application was "
		    "rejected: %s", reason);
	else if (strcasecmp(status, "rejected") == 0)
		msg_show(pamh, flags, e, "Your account application was "
		    "rejected.");
	else if (strcasecmp(status, "locked") == 0 && *reason != '\0')
		msg_show(pamh, flags, e, "Your account is locked: %s", reason);
	else if (strcasecmp(status, "locked") == 0)
		msg_show(pamh, flags, e, "Your account is locked. Wait for "
		    "the lock to expire or ask an administrator to unlock "
		    "it.");
	else if (strcasecmp(status, "disabled") == 0 && *reason != '\0')
		msg_show(pamh, flags, e, "Your account is disabled: %s",
		    reason);
	else if (strcasecmp(status, "disabled") == 0)
		msg_show(pamh, flags, e, "Your account is disabled.");
	else
		msg_show(pamh, flags, e, "Your account cannot log in "
		    "(status: %s).", status);
	return 1;
}

static int
account_in_group(const struct pu_args *a, const struct pu_account *acc)
{
	uint32_t	i;
	int		j;

	for (i = acc->first_group; i < acc->rec.n; i++)
		for (j = 0; j < a->ngroups; j++)
			if (strcmp(acc->rec.f[i].p, a->groups[j]) == 0)
				return 1;
	return 0;
}

/* Seconds until the password expires, -1 if nobody said. */
static long long
account_expiry(const struct pu_authstate *s, const struct pu_account *acc)
{
	long long	t = acc->expires_in;

	if (s != NULL && s->expires >= 0 && (t < 0 || s->expires < t))
		t = s->expires;
	return t;
}

static int
account_password(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const struct pu_account *acc)
{
	const struct pu_authstate *s = auth_state(pamh);
	long long	 t = account_expiry(s, acc);
	unsigned long	 days;

	if (s != NULL && s->grace >= 0) {
		msg_show_plural(pamh, flags, PAM_ERROR_MSG, "Your password has "
		    "expired; %lu grace login is left. Change it now.",
		    "Your password has expired; %lu grace logins are left. "
		    "Change it now.", (unsigned long)s->grace,
		    (unsigned long)s->grace);
		return PAM_NEW_AUTHTOK_REQD;
	}
	if (t == 0) {
		msg_show(pamh, flags, PAM_ERROR_MSG, "Your password has "
		    "expired. Change it now.");
		return PAM_NEW_AUTHTOK_REQD;
	}
	if (acc->must_change || (s != NULL && s->must_change)) {
		msg_show(pamh, flags, PAM_ERROR_MSG, "You must change your "
		    "password now (an administrator reset it or it "
		    "expired).");
		return PAM_NEW_AUTHTOK_REQD;
	}
	/* the server's own warning (auth flag expires=) always shows */
	if (t > 0 && ((s != NULL && s->expires >= 0) ||
	    t <= (long long)a->warn_days * 86400)) {
		days = (unsigned long)((t + 86399) / 86400);
		msg_show_plural(pamh, flags, PAM_TEXT_INFO, "Warning: your "
		    "password will expire in %lu day.", "Warning: your "
		    "password will expire in %lu days.", days, days);
	}
	return PAM_SUCCESS;
}

static int
account_check(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const struct pu_account *acc)
{
	int	lvl;

	if (account_explain(pamh, flags, acc->status, acc->reason)) {
		pam_syslog(pamh, LOG_NOTICE, "account %s refused: status %s",
		    acc->name, acc->status);
		return PAM_PERM_DENIED;
	}
	if (a->min_realname > 0 &&
	    (lvl = args_level(acc->level)) < a->min_realname) {
		msg_show(pamh, flags, PAM_ERROR_MSG, "Your real-name "
		    "verification level (%s) is below the level this system "
		    "requires (%s).", msg_prompt(level_names[lvl < 0 ? 0 : lvl]),
		    msg_prompt(level_names[a->min_realname]));
		pam_syslog(pamh, LOG_NOTICE, "account %s refused: real-name "
		    "level %s below %s", acc->name, acc->level,
		    args_level_name(a->min_realname));
		return PAM_PERM_DENIED;
	}
	if (a->ngroups > 0 && !account_in_group(a, acc)) {
		msg_show(pamh, flags, PAM_ERROR_MSG, "You are not in a group "
		    "that may log in to this system.");
		pam_syslog(pamh, LOG_NOTICE, "account %s refused: not in a "
		    "required group", acc->name);
		return PAM_PERM_DENIED;
	}
	return account_password(pamh, flags, a, acc);
}

PU_EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pu_args		 a;
	struct pu_account	 acc;
	const char		*user = NULL;
	int			 rc, st;

	if ((rc = pu_begin(pamh, argc, argv, &a, &user)) != PAM_SUCCESS)
		return rc;
	st = call_account(pamh, &a, user, pu_service(pamh), &acc);
	switch (st) {
	case UA_OK:
		rc = account_check(pamh, flags, &a, &acc);
		call_account_free(&acc);
		break;
	case UA_NOTFOUND:
		/* not ours: "[user_unknown=ignore]" lets pam_unix decide */
		rc = PAM_USER_UNKNOWN;
		break;
	case -1:
	case UA_UNAVAIL:
	case UA_ERROR:
		pam_syslog(pamh, LOG_ERR, "user=%s: identity service "
		    "unavailable for the account check", user);
		rc = PAM_AUTHINFO_UNAVAIL;
		break;
	default:
		pam_syslog(pamh, LOG_ERR, "agent: unexpected answer %s to "
		    "account", ua_status_name((uint16_t)st));
		rc = PAM_SYSTEM_ERR;
		break;
	}
	DEBUG(pamh, &a, "account user=%s: %s", user, pam_strerror(pamh, rc));
	return rc;
}
