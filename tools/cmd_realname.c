/*
 * cmd_realname.c - real-name verification status (R7): the level, the
 * state of the last check and a reviewer's comment, readable by the
 * person and administrators.
 */
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
