/*
 * cmd_passwd.c - passwords through Password Modify (RFC 3062): your own
 * (the old one is required), or an administrator's reset of an account
 * (the person must change it at the next login).  The server checks the
 * policy (R2) and its message is shown as it is.  Passwords are never
 * printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

static char *
passwd_get(const char *file, const char *prompt)
{
	if (file != NULL)
		return conn_read_secret_file(file);
	return conn_prompt_secret(prompt);
}

int
cmd_passwd(struct args *a)
{
	const char *account = args_pos(a, 0);
	struct berval id = { 0, NULL }, oldbv = { 0, NULL }, newbv;
	struct berval gen = { 0, NULL };
	char *dn = NULL, *oldpw = NULL, *newpw = NULL;
	int rc;

	if (account != NULL) {
		dn = dir_person_dn(account);
		id.bv_val = dn;
		id.bv_len = strlen(dn);
	} else if (*conn_self() == '\0') {
		out_err(_("log in (-D and -W, -w or -y) to change your "
		    "password"));
		return CLI_ERR;
	}
	/* your own password needs the current one (the server asks) */
	if (account == NULL || args_get(a, "old-file") != NULL) {
		oldpw = passwd_get(args_get(a, "old-file"),
		    _("Current password: "));
		if (oldpw == NULL) {
			rc = CLI_ERR;
			goto done;
		}
		oldbv.bv_val = oldpw;
		oldbv.bv_len = strlen(oldpw);
	}
	if ((newpw = conn_new_secret(args_get(a, "new-file"),
	    _("New password: "), _("Retype new password: "))) == NULL) {
		rc = CLI_ERR;
		goto done;
	}
	if (*newpw == '\0') {
		out_err(_("the new password is empty"));
		rc = CLI_ERR;
		goto done;
	}
	newbv.bv_val = newpw;
	newbv.bv_len = strlen(newpw);
	rc = ldap_passwd_s(cli.ld, account ? &id : NULL, oldpw ? &oldbv : NULL,
	    &newbv, &gen, NULL, NULL);
	if (gen.bv_val != NULL) {
		explicit_bzero(gen.bv_val, gen.bv_len);
		ber_memfree(gen.bv_val);
	}
	if (rc == LDAP_NO_SUCH_OBJECT && account != NULL) {
		out_err(_("no such account: %s"), account);
		rc = CLI_ERR;
	} else if (rc != LDAP_SUCCESS)
		rc = conn_fail(_("password change"), rc);
	else {
		if (cli.json) {
			json_obj();
			json_kv("dn", account ? dn : conn_self());
			json_key("reset");
			json_bool(account != NULL);
			json_end_obj();
			json_done();
		} else if (account != NULL)
			out_info(_("The password of %s was reset; they must change "
			    "it at the next login."), account);
		else
			out_info("%s", _("Your password was changed. Log in again "
			    "with the new password."));
		rc = CLI_OK;
	}
done:
	conn_wipe(oldpw);
	conn_wipe(newpw);
	free(dn);
	return rc;
}
