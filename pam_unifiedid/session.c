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

	if ((rc = pu_begin(pamh, argc, argv, &a, &user)) != PAM_SUCCESS)
		return rc;
	return a.mkhomedir ? home_make(pamh, flags, &a, user) : PAM_SUCCESS;
}

PU_EXPORT int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return PAM_SUCCESS;
}
