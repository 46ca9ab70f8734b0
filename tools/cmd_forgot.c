/*
 * cmd_forgot.c - a forgotten password (R5) or account name (R6),
 * anonymous: the reset request (.3.2) sends a 6-digit code, valid 5
 * minutes, to the registered mobile (or backup e-mail); the reset confirm
 * (.3.3) sets a new password with it; the recovery (.3.4) sends the
 * account name to the mobile.  The server's answers do not reveal
 * whether an account exists, and neither do ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

#define EXT_RESET_REQUEST	UNIFIEDID_ARC ".3.2"
#define EXT_RESET_CONFIRM	UNIFIEDID_ARC ".3.3"
#define EXT_RECOVER		UNIFIEDID_ARC ".3.4"

/* SEQUENCE { OCTET STRING ... } */
static int
forgot_send(const char *oid, const char *const *s, size_t n)
{
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	size_t i;
	int bad;

	if (ber == NULL)
		return LDAP_NO_MEMORY;
	bad = ber_printf(ber, "{" /*}*/) < 0;
	for (i = 0; i < n; i++)
		bad |= ber_printf(ber, "s", s[i]) < 0;
	bad |= ber_printf(ber, /*{*/ "}") < 0;
	if (bad) {
		ber_free(ber, 1);
		return LDAP_ENCODING_ERROR;
	}
	return ext_call(oid, ber, NULL);
}

static void
forgot_json(const char *key, int value)
{
	json_obj();
	json_key(key);
	json_bool(value);
	json_end_obj();
	json_done();
}

int
cmd_forgot_password(struct args *a)
{
	const char *id = args_pos(a, 0), *code = args_get(a, "code");
	const char *s[3];
	char *pw;
	int rc;

	if (code == NULL) {
		if (ext_require(EXT_RESET_REQUEST, NULL) != CLI_OK)
			return CLI_ERR;
		s[0] = id;
		if ((rc = forgot_send(EXT_RESET_REQUEST, s, 1)) != LDAP_SUCCESS)
			return conn_fail(_("password reset"), rc);
		if (cli.json)
			forgot_json("requested", 1);
		else {
			out_info(_("If %s has an account, a verification code was "
			    "sent to its registered mobile (or backup e-mail); "
			    "it is valid for 5 minutes."), id);
			out_info(_("Then run: unifiedid forgot password %s --code "
			    "CODE"), id);
		}
		return CLI_OK;
	}
	if (ext_require(EXT_RESET_CONFIRM, NULL) != CLI_OK)
		return CLI_ERR;
	if ((pw = conn_new_secret(args_get(a, "new-file"),
	    _("New password: "), _("Retype new password: "))) == NULL)
		return CLI_ERR;
	s[0] = id;
	s[1] = code;
	s[2] = pw;
	rc = forgot_send(EXT_RESET_CONFIRM, s, 3);
	conn_wipe(pw);
	if (rc != LDAP_SUCCESS)
		return conn_fail(_("password reset"), rc);
	if (cli.json)
		forgot_json("reset", 1);
	else
		out_info("%s", _("Your password was reset. Log in with the new "
		    "password."));
	return CLI_OK;
}

int
cmd_forgot_account(struct args *a)
{
	const char *s[2] = { args_pos(a, 0), args_pos(a, 1) };
	int rc;

	if (ext_require(EXT_RECOVER, NULL) != CLI_OK)
		return CLI_ERR;
	if ((rc = forgot_send(EXT_RECOVER, s, 2)) != LDAP_SUCCESS)
		return conn_fail(_("account recovery"), rc);
	if (cli.json)
		forgot_json("requested", 1);
	else
		out_info("%s", _("If the ID number and the mobile number belong "
		    "to an account, its name was sent to that mobile."));
	return CLI_OK;
}
