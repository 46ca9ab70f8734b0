/*
 * cmd_apply.c - an account application (R1), anonymous: the apply
 * extended operation (.3.1) with the fields as an AttributeList.  The
 * server validates everything, creates the pending account and post and
 * tells the organisation's administrators.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

#define EXT_APPLY	UNIFIEDID_ARC ".3.1"

static const struct {
	const char	*opt;
	const char	*attr;
	int		 required;
} apply_fields[] = {
	{ "surname", "sn", 1 },
	{ "given-name", "givenName", 1 },
	{ "gender", "gender", 1 },
	{ "mobile", "mobile", 1 },
	{ "id-number", "idNumber", 1 },
	{ "org", "orgCode", 1 },
	{ "id-type", "idType", 0 },
	{ "work-phone", "telephoneNumber", 0 },
	{ "short-number", "shortNumber", 0 },
	{ "emergency-phone", "emergencyPhone", 0 },
	{ "backup-mail", "backupMail", 0 },
	{ "office", "officeAddress", 0 },
	{ "mail", "mail", 0 },
};

int
cmd_apply(struct args *a)
{
	const char *account = args_pos(a, 0), *v;
	struct berval *resp = NULL;
	BerElement *ber;
	char *pw, *dn;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(apply_fields); i++)
		if (apply_fields[i].required && (args_get(a,
		    apply_fields[i].opt) == NULL || *args_get(a,
		    apply_fields[i].opt) == '\0'))
			return out_usage(_("missing --%s"), apply_fields[i].opt);
	if (ext_require(EXT_APPLY, NULL) != CLI_OK)
		return CLI_ERR;
	if ((pw = conn_new_secret(args_get(a, "password-file"),
	    _("Password: "), _("Retype password: "))) == NULL)
		return CLI_ERR;
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL) {
		conn_wipe(pw);
		return CLI_ERR;
	}
	rc = ber_printf(ber, "{" /*}*/) < 0;
	rc |= ber_printf(ber, "{s[s]}", "uid", account) < 0;
	for (i = 0; i < NELEM(apply_fields); i++)
		if ((v = args_get(a, apply_fields[i].opt)) != NULL && *v)
			rc |= ber_printf(ber, "{s[s]}", apply_fields[i].attr,
			    v) < 0;
	rc |= ber_printf(ber, "{s[s]}", "userPassword", pw) < 0;
	rc |= ber_printf(ber, /*{*/ "}") < 0;
	conn_wipe(pw);
	if (rc) {
		ber_free(ber, 1);
		out_err(_("cannot encode the request"));
		return CLI_ERR;
	}
	rc = ext_call(EXT_APPLY, ber, &resp);
	if (rc != LDAP_SUCCESS) {
		ber_bvfree(resp);
		/* TRANSLATORS: what failed: the account application */
		return conn_fail(_("application"), rc);
	}
	dn = resp != NULL ? xstrndup(resp->bv_val, resp->bv_len) :
	    dir_person_dn(account);
	ber_bvfree(resp);
	if (cli.json) {
		json_obj();
		json_kv("dn", dn);
		json_kv("account", account);
		json_kv("accountStatus", "pending");
		json_end_obj();
		json_done();
	} else
		out_info(_("Application for %s submitted: the organisation's "
		    "administrator will review it, and you will be told by "
		    "SMS."), account);
	free(dn);
	return CLI_OK;
}
