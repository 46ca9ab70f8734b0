/*
 * session.c - pam_sm_open_session / pam_sm_close_session.  With the
 * mkhomedir argument a person's first login creates their home directory
 * (home.c); without it the session phase does nothing (pam_mkhomedir
 * works as well: docs/host-setup.md).
 */
#include <security/pam_ext.h>

#include "pam_unifiedid.h"

PU_EXPORT int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct pu_args	 a;
	const char	*user = NULL;
	int		 rc;

	if (args_parse(pamh, argc, argv, &a) == -1)
		return PAM_SERVICE_ERR;
	if (!a.mkhomedir)
		return PAM_SUCCESS;
	if ((rc = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS)
		return rc;
	if (!name_ok(user))
		return PAM_USER_UNKNOWN;
	return home_make(pamh, flags, &a, user);
}

PU_EXPORT int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return PAM_SUCCESS;
}
