/*
 * args.c - module arguments and PAM items (docs/host-setup.md lists the
 * arguments).  Unknown arguments are logged and ignored, as other PAM
 * modules do, so a typo never locks everyone out.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam_unifiedid.h"

static const char *const levels[] = { "none", "basic", "intermediate",
	"advanced" };

/* The level's rank (enum pu_level), or -1 for a value we do not know. */
int
args_level(const char *s)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcasecmp(s, levels[i]) == 0)
			return (int)i;
	return -1;
}

const char *
args_level_name(int level)
{
	if (level < 0 || level > PU_LEVEL_ADVANCED)
		return "none";
	return levels[level];
}

/* A small positive number argument, or -1. */
static int
args_number(const char *s, int max)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return -1;
	return (int)v;
}

int
args_parse(pam_handle_t *pamh, int argc, const char **argv,
    struct pu_args *a)
{
	const char	*s, *v;
	int		 i, n;

	memset(a, 0, sizeof(*a));
	a->min_realname = -1;
	a->retry = 1;
	a->warn_days = 14;
	a->skel = "/etc/skel";
	for (i = 0; i < argc; i++) {
		s = argv[i];
		v = strchr(s, '=');
		v = v != NULL ? v + 1 : "";
		if (strcmp(s, "debug") == 0)
			a->debug = 1;
		else if (strcmp(s, "use_first_pass") == 0)
			a->use_first_pass = 1;
		else if (strcmp(s, "try_first_pass") == 0)
			a->try_first_pass = 1;
		else if (strcmp(s, "use_authtok") == 0)
			a->use_authtok = 1;
		else if (strcmp(s, "nodelay") == 0)
			a->nodelay = 1;
		else if (strcmp(s, "mkhomedir") == 0)
			a->mkhomedir = 1;
		else if (strncmp(s, "socket=", 7) == 0 && *v == '/')
			a->socket = v;
		else if (strncmp(s, "skel=", 5) == 0 && *v == '/')
			a->skel = v;
		else if (strncmp(s, "min_realname=", 13) == 0 &&
		    (n = args_level(v)) >= 0)
			a->min_realname = n;
		else if (strncmp(s, "require_group=", 14) == 0 && *v != '\0' &&
		    a->ngroups < PU_MAX_GROUPS)
			a->groups[a->ngroups++] = v;
		else if (strncmp(s, "retry=", 6) == 0 &&
		    (n = args_number(v, 10)) >= 1)
			a->retry = n;
		else if (strncmp(s, "warn_days=", 10) == 0 &&
		    (n = args_number(v, 3650)) >= 0)
			a->warn_days = n;
		else if (strncmp(s, "min_realname=", 13) == 0 ||
		    strncmp(s, "require_group=", 14) == 0) {
			/*
			 * A restriction we cannot honour must not silently
			 * turn into no restriction: deny.
			 */
			pam_syslog(pamh, LOG_ERR, "bad option, denying: %s", s);
			return -1;
		} else
			pam_syslog(pamh, LOG_ERR, "unknown option ignored: %s",
			    s);
	}
	return 0;
}

/* A login or account name we are willing to send to the agent. */
int
name_ok(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) == 0 || len > PU_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static const char *
pu_item(pam_handle_t *pamh, int item)
{
	const void	*p = NULL;

	if (pam_get_item(pamh, item, &p) != PAM_SUCCESS || p == NULL)
		return "";
	return p;
}

const char *
pu_service(pam_handle_t *pamh)
{
	return pu_item(pamh, PAM_SERVICE);
}

const char *
pu_rhost(pam_handle_t *pamh)
{
	return pu_item(pamh, PAM_RHOST);
}

/*
 * What every entry point does first: parse the arguments, get the user
 * (asking if the application did not say) and check the name.  Returns
 * PAM_SUCCESS or the code to return.
 */
int
pu_begin(pam_handle_t *pamh, int argc, const char **argv, struct pu_args *a,
    const char **user)
{
	int	rc;

	if (args_parse(pamh, argc, argv, a) == -1)
		return PAM_SERVICE_ERR;
	if ((rc = pam_get_user(pamh, user, NULL)) != PAM_SUCCESS)
		return rc;
	if (!name_ok(*user))
		return PAM_USER_UNKNOWN;
	return PAM_SUCCESS;
}
