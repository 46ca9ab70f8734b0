/*
 * cmd_realname.c - real-name verification (R7): the status (the level,
 * the state of the last check and a reviewer's comment, readable by the
 * person and administrators); for administrators the manual reviews
 * waiting, one person's identity and scans, the decision (review-passed
 * with a level, review-failed with a reason) and a new run of the
 * automatic verifier (realNameStatus: verifying).  Plain LDAP: the
 * server's workflow rules decide what may change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

int
cmd_realname_status(struct args *a)
{
	static char *attrs[] = { "uid", "cn", "idType", "realNameLevel",
	    "realNameStatus", "realNameReason", "realNameReviewer",
	    "realNameReviewTime", NULL };
	const char *account = args_pos(a, 0);
	const char *lvl, *st, *t;
	struct dentry e;
	char *self = NULL, *when;
	int rc;

	if (account == NULL && (account = self = conn_self_account()) == NULL)
		return CLI_ERR;
	rc = dir_person(account, attrs, &e);
	if (rc != CLI_OK) {
		free(self);
		return rc;
	}
	lvl = dentry_get(&e, "realNameLevel");
	st = dentry_get(&e, "realNameStatus");
	t = dentry_get(&e, "realNameReviewTime");
	if (lvl == NULL && st == NULL && self == NULL &&
	    !dir_dn_equal(e.dn, conn_self())) {
		out_err(_("the real-name data of %s is not visible to you"),
		    account);
		dentry_free(&e);
		return CLI_ERR;
	}
	if (cli.json) {
		json_obj();
		json_kv("dn", e.dn);
		json_kv("account", dentry_get(&e, "uid"));
		json_kv("name", dentry_get(&e, "cn"));
		json_kv("idType", dentry_get(&e, "idType"));
		json_kv("level", lvl);
		json_kv("status", st);
		json_kv("reason", dentry_get(&e, "realNameReason"));
		json_kv("reviewer", dentry_get(&e, "realNameReviewer"));
		json_kv("reviewTime", t);
		json_end_obj();
		json_done();
	} else {
		out_field(_("Account"), dentry_get(&e, "uid"));
		out_field(_("Name"), dentry_get(&e, "cn"));
		out_field(_("ID type"), out_value("idType", dentry_get(&e,
		    "idType")));
		out_field(_("Real-name level"), out_value("realNameLevel", lvl));
		out_field(_("Real-name status"), out_value("realNameStatus",
		    st));
		if (dentry_get(&e, "realNameReason") != NULL)
			out_field(_("Review comment"), dentry_get(&e,
			    "realNameReason"));
		if (dentry_get(&e, "realNameReviewer") != NULL)
			out_field(_("Reviewer"), dentry_get(&e,
			    "realNameReviewer"));
		if (t != NULL) {
			when = out_time(t);
			out_field(_("Reviewed"), when);
			free(when);
		}
	}
	free(self);
	dentry_free(&e);
	return CLI_OK;
}

/* ---- manual review and the automatic verifier (administrators) ---- */

/* the scans of e written as DIR/<prefix>-N.jpg|png; how many, or -1 */
int
realname_save_scans(const struct dentry *e, const char *dir,
    const char *prefix)
{
	const struct dattr *s = dentry_attr(e, "realNameScan");
	char path[4096];
	FILE *f;
	size_t i;
	int bad;

	for (i = 0; s != NULL && i < s->n; i++) {
		snprintf(path, sizeof(path), "%s/%s-%zu.%s", dir, prefix, i + 1,
		    s->vals[i].bv_len > 0 && (unsigned char)s->vals[i].bv_val[0]
		    == 0x89 ? "png" : "jpg");
		if ((f = fopen(path, "wx")) == NULL) {
			out_err(_("cannot write %s: %s"), path, strerror(errno));
			return -1;
		}
		bad = fwrite(s->vals[i].bv_val, 1, s->vals[i].bv_len, f) !=
		    s->vals[i].bv_len;
		if (fclose(f) != 0 || bad) {
			out_err(_("cannot write %s: %s"), path, strerror(errno));
			return -1;
		}
		if (!cli.json)
			out_info(_("Saved %s"), path);
	}
	return s != NULL ? (int)s->n : 0;
}

/* the people whose scans wait for a review (those the requester may see:
 * the server answers an administrator with their organisations' people) */
static int
realname_pending(void)
{
	static char *attrs[] = { "uid", "cn", "idType", "modifyTimestamp",
	    NULL };
	static const char *const keys[] = { "account", "name", "idType",
	    "uploaded", "dn" };
	const char *heads[NELEM(keys)];
	struct dlist l = { 0 };
	struct table *t;
	const char *ts;
	char *when;
	size_t i;
	int rc;

	rc = dir_search(cli.people, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=unifiedIdPerson)(realNameStatus=review-pending))",
	    attrs, &l);
	if (rc != LDAP_SUCCESS) {
		dlist_free(&l);
		return conn_fail(cli.people, rc);
	}
	heads[0] = _("Account");
	heads[1] = _("Name");
	heads[2] = _("ID type");
	heads[3] = _("Uploaded");
	heads[4] = "DN";
	t = table_new(cli.json ? NELEM(keys) : NELEM(keys) - 1, keys, heads);
	for (i = 0; i < l.n; i++) {
		ts = dentry_get(&l.v[i], "modifyTimestamp");
		when = ts != NULL ? out_time(ts) : NULL;
		table_row(t);
		table_cell(t, dentry_get(&l.v[i], "uid"));
		table_cell(t, dentry_get(&l.v[i], "cn"));
		table_cell(t, cli.json ? dentry_get(&l.v[i], "idType") :
		    out_value("idType", dentry_get(&l.v[i], "idType")));
		table_cell(t, cli.json ? ts : when);
		table_cell(t, l.v[i].dn);
		free(when);
	}
	table_done(t, _("No real-name reviews are waiting."));
	dlist_free(&l);
	return CLI_OK;
}

/* one person's review: the identity to compare the scans with */
static int
realname_review_show(const char *account, const char *dir)
{
	static char *attrs[] = { "uid", "cn", "idType", "idNumber",
	    "idValidFrom", "idValidTo", "realNameStatus", "realNameScan",
	    NULL };
	const struct dattr *s;
	struct dentry e;
	char n[24];
	int rc, saved = 0;

	if ((rc = dir_person(account, attrs, &e)) != CLI_OK)
		return rc;
	if (dir != NULL && (saved = realname_save_scans(&e, dir,
	    account)) < 0) {
		dentry_free(&e);
		return CLI_ERR;
	}
	s = dentry_attr(&e, "realNameScan");
	snprintf(n, sizeof(n), "%zu", s != NULL ? s->n : 0);
	if (cli.json) {
		json_obj();
		json_kv("dn", e.dn);
		json_kv("account", dentry_get(&e, "uid"));
		json_kv("name", dentry_get(&e, "cn"));
		json_kv("idType", dentry_get(&e, "idType"));
		json_kv("idNumber", dentry_get(&e, "idNumber"));
		json_kv("idValidFrom", dentry_get(&e, "idValidFrom"));
		json_kv("idValidTo", dentry_get(&e, "idValidTo"));
		json_kv("status", dentry_get(&e, "realNameStatus"));
		json_key("scans");
		json_int(s != NULL ? (long long)s->n : 0);
		json_end_obj();
		json_done();
	} else {
		out_field(_("Account"), dentry_get(&e, "uid"));
		out_field(_("Name"), dentry_get(&e, "cn"));
		out_field(_("ID type"), out_value("idType", dentry_get(&e,
		    "idType")));
		out_field(_("ID number"), dentry_get(&e, "idNumber"));
		out_field(_("ID valid from"), dentry_get(&e, "idValidFrom"));
		out_field(_("ID valid to"), dentry_get(&e, "idValidTo"));
		out_field(_("Real-name status"), out_value("realNameStatus",
		    dentry_get(&e, "realNameStatus")));
		out_field(_("Scans"), n);
	}
	dentry_free(&e);
	return CLI_OK;
}

/* set realNameStatus (and level or reason) of account; the server decides */
static int
realname_set(const char *account, const char *status, const char *level,
    const char *reason)
{
	struct mods m = { 0 };
	char *dn = dir_person_dn(account);
	int rc;

	mods_add(&m, LDAP_MOD_REPLACE, "realNameStatus", status);
	if (level != NULL)
		mods_add(&m, LDAP_MOD_REPLACE, "realNameLevel", level);
	if (reason != NULL)
		mods_add(&m, LDAP_MOD_REPLACE, "realNameReason", reason);
	rc = ldap_modify_ext_s(cli.ld, dn, m.v, NULL, NULL);
	mods_free(&m);
	if (rc != LDAP_SUCCESS) {
		rc = conn_fail(dn, rc);
		free(dn);
		return rc;
	}
	if (cli.json) {
		json_obj();
		json_kv("dn", dn);
		json_kv("account", account);
		json_kv("status", status);
		json_kv("level", level);
		json_kv("reason", reason);
		json_end_obj();
		json_done();
	} else if (level != NULL)
		out_info(_("Passed the real-name review of %s (%s)."), account,
		    out_value("realNameLevel", level));
	else if (reason != NULL)
		out_info(_("Failed the real-name review of %s: %s"), account,
		    reason);
	else
		out_info(_("The automatic verification of %s runs; see "
		    "'unifiedid realname status %s'."), account, account);
	free(dn);
	return CLI_OK;
}

int
cmd_realname_review(struct args *a)
{
	const char *account = args_pos(a, 0);
	const char *pass = args_get(a, "pass"), *fail = args_get(a, "fail");

	if (account == NULL) {
		if (pass != NULL || fail != NULL ||
		    args_get(a, "save-scans") != NULL)
			return out_usage(_("--pass, --fail and --save-scans "
			    "need an ACCOUNT"));
		return realname_pending();
	}
	if (pass != NULL && fail != NULL)
		return out_usage(_("give --pass LEVEL or --fail REASON, not "
		    "both"));
	if (fail != NULL && *fail == '\0')
		return out_usage(_("--fail needs a reason"));
	if (pass != NULL && strcmp(pass, "basic") != 0 &&
	    strcmp(pass, "intermediate") != 0 && strcmp(pass, "advanced") != 0)
		return out_usage(_("--pass: basic, intermediate or advanced"));
	if (pass == NULL && fail == NULL)
		return realname_review_show(account, args_get(a, "save-scans"));
	return realname_set(account, pass != NULL ? "review-passed" :
	    "review-failed", pass, fail);
}

int
cmd_realname_verify(struct args *a)
{
	return realname_set(args_pos(a, 0), "verifying", NULL, NULL);
}
