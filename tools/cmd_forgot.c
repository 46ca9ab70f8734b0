/*
 * cmd_forgot.c - a forgotten password (R5) or account name (R6),
 * anonymous: the reset request (.3.2) sends a 6-digit code, valid 5
 * minutes, to the registered mobile (or backup e-mail); the reset confirm
 * (.3.3) sets a new password with it; the recovery (.3.4) sends the
 * account name to the mobile; the appeal (.3.5, seed 003) sends the
 * identity and scans of the ID document for an administrator's review
 * when the registered mobile is lost.  The server's answers do not
 * reveal whether an account exists, and neither do ours.
 *
 * The administrators' side of appeals (list, show, approve, reject) is
 * plain LDAP on ou=appeals: the server decides who may.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

#define EXT_RESET_REQUEST	UNIFIEDID_ARC ".3.2"
#define EXT_RESET_CONFIRM	UNIFIEDID_ARC ".3.3"
#define EXT_RECOVER		UNIFIEDID_ARC ".3.4"
#define EXT_APPEAL		UNIFIEDID_ARC ".3.5"
#define SCAN_MAX		1048576	/* bytes, as the server */

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

/* ---- appeal (R5, seed 003 "申诉找回密码") ---- */

/* a scan file, at most SCAN_MAX bytes: 0, or -1 with the reason said */
static int
forgot_scan_read(const char *path, struct berval *out)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	out->bv_val = NULL;
	out->bv_len = 0;
	if (f == NULL) {
		out_err(_("cannot read %s: %s"), path, strerror(errno));
		return -1;
	}
	out->bv_val = xmalloc(SCAN_MAX + 1);
	n = fread(out->bv_val, 1, SCAN_MAX + 1, f);
	if (ferror(f) || n == 0 || n > SCAN_MAX) {
		if (ferror(f))
			out_err(_("cannot read %s: %s"), path, strerror(errno));
		else
			out_err(_("%s: a scan must be a JPEG or PNG file of at "
			    "most 1 MB"), path);
		fclose(f);
		free(out->bv_val);
		out->bv_val = NULL;
		return -1;
	}
	fclose(f);
	out->bv_len = n;
	return 0;
}

int
cmd_forgot_appeal(struct args *a)
{
	const struct strlist *files = args_list(a, "scan");
	const char *idtype = args_get(a, "id-type");
	const char *note = args_get(a, "note");
	struct berval scans[4];
	BerElement *ber;
	size_t i, n = 0;
	int rc = CLI_ERR, bad;

	if (files->n == 0 || files->n > 4)
		return out_usage(_("give the scans of your ID document: --scan "
		    "FILE, one to four times"));
	if (ext_require(EXT_APPEAL, NULL) != CLI_OK)
		return CLI_ERR;
	for (n = 0; n < files->n; n++)
		if (forgot_scan_read(files->v[n], &scans[n]) != 0)
			goto out;
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		goto out;
	bad = ber_printf(ber, "{ssss{" /*}}*/, args_pos(a, 0), idtype ? idtype :
	    "", args_pos(a, 1), args_pos(a, 2)) < 0;
	for (i = 0; i < n; i++)
		bad |= ber_printf(ber, "o", scans[i].bv_val,
		    (ber_len_t)scans[i].bv_len) < 0;
	bad |= ber_printf(ber, /*{*/ "}") < 0;
	if (note != NULL && *note != '\0')
		bad |= ber_printf(ber, "s", note) < 0;
	bad |= ber_printf(ber, /*{*/ "}") < 0;
	if (bad) {
		ber_free(ber, 1);
		out_err(_("cannot encode the request"));
		goto out;
	}
	if ((rc = ext_call(EXT_APPEAL, ber, NULL)) != LDAP_SUCCESS) {
		rc = conn_fail(_("appeal"), rc);
		goto out;
	}
	if (cli.json)
		forgot_json("submitted", 1);
	else
		out_info("%s", _("Your appeal was sent. If the data match an "
		    "account, an administrator of its organisation reviews it "
		    "and the answer comes by SMS to the mobile you gave."));
	rc = CLI_OK;
out:
	for (i = 0; i < n; i++)
		free(scans[i].bv_val);
	return rc;
}

static char *appeal_attrs[] = { "appealId", "appealPerson", "appealStatus",
	"appealContact", "description", "statusReason", "realNameReviewer",
	"realNameReviewTime", "createTimestamp", NULL };

static char *
appeal_base(void)
{
	size_t n = strlen(cli.base) + 16;
	char *b = xmalloc(n);

	snprintf(b, n, "ou=appeals,%s", cli.base);
	return b;
}

static char *
appeal_dn(const char *id)
{
	char *base = appeal_base(), *esc = dir_dn_escape(id), *dn;
	size_t n = strlen(base) + strlen(esc) + 16;

	dn = xmalloc(n);
	snprintf(dn, n, "appealId=%s,%s", esc, base);
	free(esc);
	free(base);
	return dn;
}

int
cmd_appeal_list(struct args *a)
{
	static const char *const keys[] = { "id", "account", "status",
	    "contact", "submitted", "note", "dn" };
	const char *heads[NELEM(keys)];
	struct dlist l = { 0 };
	struct table *t;
	char *base = appeal_base(), *acct, *when;
	const char *ts;
	size_t i;
	int rc;

	rc = dir_search(base, LDAP_SCOPE_ONELEVEL, args_get(a, "all") ?
	    "(objectClass=unifiedIdAppeal)" :
	    "(&(objectClass=unifiedIdAppeal)(appealStatus=review-pending))",
	    appeal_attrs, &l);
	free(base);
	if (rc == LDAP_NO_SUCH_OBJECT)
		rc = LDAP_SUCCESS;	/* no appeal was ever made */
	if (rc != LDAP_SUCCESS) {
		dlist_free(&l);
		return conn_fail(_("appeals"), rc);
	}
	heads[0] = _("Appeal");
	heads[1] = _("Account");
	heads[2] = _("Status");
	heads[3] = _("Contact");
	heads[4] = _("Submitted");
	heads[5] = _("Note");
	heads[6] = "DN";
	t = table_new(cli.json ? NELEM(keys) : NELEM(keys) - 1, keys, heads);
	for (i = 0; i < l.n; i++) {
		acct = dir_account(dentry_get(&l.v[i], "appealPerson") ?
		    dentry_get(&l.v[i], "appealPerson") : "");
		ts = dentry_get(&l.v[i], "createTimestamp");
		when = ts != NULL ? out_time(ts) : NULL;
		table_row(t);
		table_cell(t, dentry_get(&l.v[i], "appealId"));
		table_cell(t, acct);
		table_cell(t, cli.json ? dentry_get(&l.v[i], "appealStatus") :
		    out_value("appealStatus", dentry_get(&l.v[i],
		    "appealStatus")));
		table_cell(t, dentry_get(&l.v[i], "appealContact"));
		table_cell(t, cli.json ? ts : when);
		table_cell(t, dentry_get(&l.v[i], "description"));
		table_cell(t, l.v[i].dn);
		free(acct);
		free(when);
	}
	table_done(t, _("No appeals are waiting."));
	dlist_free(&l);
	return CLI_OK;
}

int
cmd_appeal_show(struct args *a)
{
	static char *attrs[] = { "appealId", "appealPerson", "appealStatus",
	    "appealContact", "description", "statusReason", "realNameReviewer",
	    "realNameReviewTime", "createTimestamp", "realNameScan", NULL };
	static char *pattrs[] = { "uid", "cn", "idType", "idNumber", "mobile",
	    "accountStatus", NULL };
	const char *dir = args_get(a, "save-scans");
	const struct dattr *s;
	struct dentry e, p;
	char *dn = appeal_dn(args_pos(a, 0)), n[24];
	int rc, havep;

	rc = dir_read(dn, attrs, &e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		out_err(_("no such appeal: %s"), args_pos(a, 0));
		free(dn);
		return CLI_ERR;
	}
	if (rc != LDAP_SUCCESS) {
		rc = conn_fail(dn, rc);
		free(dn);
		return rc;
	}
	free(dn);
	if (dir != NULL && realname_save_scans(&e, dir, args_pos(a, 0)) < 0) {
		dentry_free(&e);
		return CLI_ERR;
	}
	havep = dentry_get(&e, "appealPerson") != NULL &&
	    dir_read(dentry_get(&e, "appealPerson"), pattrs, &p) ==
	    LDAP_SUCCESS;
	s = dentry_attr(&e, "realNameScan");
	snprintf(n, sizeof(n), "%zu", s != NULL ? s->n : 0);
	if (cli.json) {
		json_obj();
		json_kv("dn", e.dn);
		json_kv("id", dentry_get(&e, "appealId"));
		json_kv("person", dentry_get(&e, "appealPerson"));
		json_kv("account", havep ? dentry_get(&p, "uid") : NULL);
		json_kv("name", havep ? dentry_get(&p, "cn") : NULL);
		json_kv("idType", havep ? dentry_get(&p, "idType") : NULL);
		json_kv("idNumber", havep ? dentry_get(&p, "idNumber") : NULL);
		json_kv("status", dentry_get(&e, "appealStatus"));
		json_kv("contact", dentry_get(&e, "appealContact"));
		json_kv("note", dentry_get(&e, "description"));
		json_kv("reason", dentry_get(&e, "statusReason"));
		json_kv("reviewer", dentry_get(&e, "realNameReviewer"));
		json_kv("reviewTime", dentry_get(&e, "realNameReviewTime"));
		json_key("scans");
		json_int(s != NULL ? (long long)s->n : 0);
		json_end_obj();
		json_done();
	} else {
		out_field(_("Appeal"), dentry_get(&e, "appealId"));
		out_field(_("Account"), havep ? dentry_get(&p, "uid") :
		    dentry_get(&e, "appealPerson"));
		if (havep) {
			out_field(_("Name"), dentry_get(&p, "cn"));
			out_field(_("ID type"), out_value("idType",
			    dentry_get(&p, "idType")));
			out_field(_("ID number"), dentry_get(&p, "idNumber"));
			out_field(_("Registered mobile"), dentry_get(&p,
			    "mobile"));
			out_field(_("Account status"), out_value(
			    "accountStatus", dentry_get(&p, "accountStatus")));
		}
		out_field(_("Status"), out_value("appealStatus",
		    dentry_get(&e, "appealStatus")));
		out_field(_("Contact"), dentry_get(&e, "appealContact"));
		out_field(_("Note"), dentry_get(&e, "description"));
		out_field(_("Scans"), n);
		out_field(_("Reason"), dentry_get(&e, "statusReason"));
		out_field(_("Reviewer"), dentry_get(&e, "realNameReviewer"));
	}
	if (havep)
		dentry_free(&p);
	dentry_free(&e);
	return CLI_OK;
}

/* approve (reason NULL) or reject an appeal; the server does the rest */
static int
appeal_decide(const char *id, const char *status, const char *reason)
{
	static char *attrs[] = { "appealStatus", NULL };
	struct mods m = { 0 };
	struct dentry e;
	char *dn = appeal_dn(id);
	const char *st;
	int rc;

	/* when we may read it, say clearly what is wrong; else the server
	 * decides */
	if (dir_read(dn, attrs, &e) == LDAP_SUCCESS) {
		st = dentry_get(&e, "appealStatus");
		if (st != NULL && strcmp(st, "review-pending") != 0) {
			out_err(_("appeal %s is not waiting for review "
			    "(status: %s)"), id, out_value("appealStatus", st));
			dentry_free(&e);
			free(dn);
			return CLI_ERR;
		}
		dentry_free(&e);
	}
	mods_add(&m, LDAP_MOD_REPLACE, "appealStatus", status);
	if (reason != NULL)
		mods_add(&m, LDAP_MOD_REPLACE, "statusReason", reason);
	rc = ldap_modify_ext_s(cli.ld, dn, m.v, NULL, NULL);
	mods_free(&m);
	if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	else {
		if (cli.json) {
			json_obj();
			json_kv("dn", dn);
			json_kv("id", id);
			json_kv("status", status);
			json_kv("reason", reason);
			json_end_obj();
			json_done();
		} else if (reason == NULL)
			out_info(_("Approved appeal %s: a temporary password "
			    "was sent to the appeal's mobile; it must be "
			    "changed at the next login."), id);
		else
			out_info(_("Rejected appeal %s: %s"), id, reason);
		rc = CLI_OK;
	}
	free(dn);
	return rc;
}

int
cmd_appeal_approve(struct args *a)
{
	return appeal_decide(args_pos(a, 0), "approved", NULL);
}

int
cmd_appeal_reject(struct args *a)
{
	const char *reason = args_get(a, "reason");

	if (reason == NULL || *reason == '\0')
		return out_usage(_("a rejection needs --reason TEXT"));
	return appeal_decide(args_pos(a, 0), "rejected", reason);
}
