/*
 * pam_unifiedid.h - private header of pam_unifiedid.so (contract section 5).
 *
 * The module knows nothing about LDAP: every question goes to
 * unifiedid-agent over its unix socket (common/agent_proto.h).  It links
 * libc and libpam only and exports only the pam_sm_* entry points
 * (exports.map).  Passwords are never logged and every copy the module
 * makes is wiped (explicit_bzero) before it is freed.
 *
 * Return codes (chosen as pam_sss and nss-pam-ldapd's pam_ldap do, so
 * that "[default=ignore]", "[user_unknown=ignore]" and "sufficient"
 * stacks fall back to pam_unix): see docs/host-setup.md, "Return codes".
 */
#ifndef PAM_UNIFIEDID_H
#define PAM_UNIFIEDID_H

#include <security/pam_modules.h>

#include "agent_proto.h"

#define PU_EXPORT	__attribute__((visibility("default")))
#define PU_DOMAIN	"unifiedid"
#define PU_MAX_GROUPS	16
#define PU_NAME_MAX	256	/* longest login or account name accepted */

/* Real-name levels (workflows.md, R7), in increasing strength. */
enum pu_level {
	PU_LEVEL_NONE,
	PU_LEVEL_BASIC,
	PU_LEVEL_INTERMEDIATE,
	PU_LEVEL_ADVANCED,
};

/* Module arguments (args.c). */
struct pu_args {
	const char	*socket;	/* socket=PATH; NULL = ua_socket_path() */
	int		 debug;
	int		 use_first_pass;
	int		 try_first_pass;
	int		 use_authtok;	/* password: new password from above */
	int		 nodelay;	/* no pam_fail_delay after a failure */
	int		 mkhomedir;	/* session: create a missing home */
	const char	*skel;		/* skel=DIR for mkhomedir */
	int		 min_realname;	/* -1 = no minimum */
	const char	*groups[PU_MAX_GROUPS];	/* require_group=NAME... */
	int		 ngroups;
	int		 retry;		/* password: attempts at a new one */
	int		 warn_days;	/* account: warn this long before expiry */
};

/*
 * State the auth phase leaves for account and password in the same PAM
 * handle (pam_set_data "pam_unifiedid.auth").  oldtok is a copy of the
 * password kept only when the server said it must be changed now, so
 * chauthtok need not ask for it again; the cleanup wipes it.
 */
struct pu_authstate {
	int		 must_change;
	int		 offline;
	int		 grace;		/* grace logins left; -1 = none said */
	long long	 expires;	/* seconds to expiry; -1 = none said */
	char		*oldtok;
};
#define PU_DATA_AUTH	"pam_unifiedid.auth"

/* The record UA_ACCOUNT returns, decoded (account.c, password.c). */
struct pu_account {
	struct ua_rec	 rec;		/* owns the strings below */
	const char	*name;
	const char	*status;
	const char	*reason;
	const char	*level;
	int		 must_change;
	long long	 expires_in;	/* -1 = never */
	uint32_t	 first_group;	/* groups are rec.f[first_group..n) */
};

/* args.c */
int	args_parse(pam_handle_t *, int, const char **, struct pu_args *);
int	args_level(const char *);
const char *args_level_name(int);

/* call.c */
int	call_agent(pam_handle_t *, const struct pu_args *, uint16_t,
	    const struct ua_field *, uint32_t, struct ua_rec *);
int	call_account(pam_handle_t *, const struct pu_args *, const char *,
	    const char *, struct pu_account *);
void	call_account_free(struct pu_account *);

/* msg.c */
void	msg_show(pam_handle_t *, int, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	msg_show_plural(pam_handle_t *, int, int, const char *,
	    const char *, unsigned long, ...)
	    __attribute__((format(printf, 4, 7)))
	    __attribute__((format(printf, 5, 7)));
void	msg_verbatim(pam_handle_t *, int, int, const char *);
const char *msg_prompt(const char *) __attribute__((format_arg(1)));

/* account.c */
int	account_explain(pam_handle_t *, int, const char *, const char *);

/* auth.c */
struct pu_authstate *auth_state(pam_handle_t *);
void	auth_state_drop_token(pam_handle_t *);

/* home.c */
int	home_make(pam_handle_t *, int, const struct pu_args *, const char *);

/* args.c: items and the common start of every entry point */
int	name_ok(const char *);
const char *pu_service(pam_handle_t *);
const char *pu_rhost(pam_handle_t *);
int	pu_begin(pam_handle_t *, int, const char **, struct pu_args *,
	    const char **);

#define DEBUG(pamh, a, ...) do {					\
	if ((a)->debug)							\
		pam_syslog((pamh), LOG_DEBUG, __VA_ARGS__);		\
} while (0)

#endif
