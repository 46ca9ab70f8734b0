/*
 * cmd_app.c - account applications (R1, R10): the pending ones, approval
 * (accountStatus active) and rejection with a reason (accountStatus
 * rejected + statusReason).  The server checks that the requester
 * administers the applicant's organisation, activates the pending post
 * and notifies the person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

int
cmd_app_list(struct args *a)
{
	static char *attrs[] = { "uid", "cn", "mobile", "mail",
	    "createTimestamp", NULL };
	static const char *const keys[] = { "account", "name", "organisations",
	    "mobile", "mail", "applied", "dn" };
	const char *heads[NELEM(keys)];
	struct org *filter = NULL;
	struct dlist people = { 0 }, posts;
	struct strlist orgs;
	struct table *t;
	const char *org, *ts;
	char *when;
	size_t i, j;
	int rc, in;

	if ((rc = dir_orgs_load(0)) != CLI_OK)
		return rc;
	if (args_get(a, "org") != NULL &&
	    (rc = dir_org_find(args_get(a, "org"), &filter)) != CLI_OK)
		return rc;
	rc = dir_search(cli.people, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=unifiedIdPerson)(accountStatus=pending))", attrs,
	    &people);
	if (rc != LDAP_SUCCESS) {
		dlist_free(&people);
		return conn_fail(cli.people, rc);
	}
	heads[0] = _("Account");
	heads[1] = _("Name");
	heads[2] = _("Organisations");
	heads[3] = _("Mobile");
	heads[4] = _("E-mail");
	heads[5] = _("Applied");
	heads[6] = "DN";
	t = table_new(cli.json ? NELEM(keys) : NELEM(keys) - 1, keys, heads);
	table_set_list(t, 2);
	for (i = 0; i < people.n; i++) {
		memset(&posts, 0, sizeof(posts));
		memset(&orgs, 0, sizeof(orgs));
		dir_posts(people.v[i].dn, &posts);
		for (j = 0, in = filter == NULL; j < posts.n; j++) {
			org = dentry_get(&posts.v[j], "postOrg");
			strlist_add(&orgs, dir_org_label(org,
			    dentry_get(&posts.v[j], "orgCode")));
			if (filter != NULL && org != NULL &&
			    dir_dn_under(org, filter->dn))
				in = 1;
		}
		if (in) {
			ts = dentry_get(&people.v[i], "createTimestamp");
			when = ts != NULL ? out_time(ts) : NULL;
			table_row(t);
			table_cell(t, dentry_get(&people.v[i], "uid"));
			table_cell(t, dentry_get(&people.v[i], "cn"));
			table_cell_list(t, &orgs);
			table_cell(t, dentry_get(&people.v[i], "mobile"));
			table_cell(t, dentry_get(&people.v[i], "mail"));
			table_cell(t, cli.json ? ts : when);
			table_cell(t, people.v[i].dn);
			free(when);
		}
		strlist_free(&orgs);
		dlist_free(&posts);
	}
	table_done(t, _("No applications are waiting."));
	dlist_free(&people);
	return CLI_OK;
}

/* approve (reason NULL) or reject a pending application */
static int
app_decide(const char *account, const char *status, const char *reason)
{
	static char *attrs[] = { "accountStatus", NULL };
	struct mods m = { 0 };
	struct dentry e;
	const char *st;
	int rc;

	if ((rc = dir_person(account, attrs, &e)) != CLI_OK)
		return rc;
	/* when we may read the status, say clearly what is wrong; else the
	 * server decides */
	st = dentry_get(&e, "accountStatus");
	if (st != NULL && strcmp(st, "pending") != 0) {
		out_err(_("%s is not waiting for approval (account status: %s)"),
		    account, out_value("accountStatus", st));
		dentry_free(&e);
		return CLI_ERR;
	}
	mods_add(&m, LDAP_MOD_REPLACE, "accountStatus", status);
	if (reason != NULL)
		mods_add(&m, LDAP_MOD_REPLACE, "statusReason", reason);
	rc = ldap_modify_ext_s(cli.ld, e.dn, m.v, NULL, NULL);
	if (rc != LDAP_SUCCESS)
		rc = conn_fail(e.dn, rc);
	else {
		if (cli.json) {
			json_obj();
			json_kv("dn", e.dn);
			json_kv("account", account);
			json_kv("accountStatus", status);
			json_kv("statusReason", reason);
			json_end_obj();
			json_done();
		} else if (reason == NULL)
			out_info(_("Approved the application of %s."), account);
		else
			out_info(_("Rejected the application of %s: %s"), account,
			    reason);
		rc = CLI_OK;
	}
	mods_free(&m);
	dentry_free(&e);
	return rc;
}

int
cmd_app_approve(struct args *a)
{
	return app_decide(args_pos(a, 0), "active", NULL);
}

int
cmd_app_reject(struct args *a)
{
	const char *reason = args_get(a, "reason");

	if (reason == NULL || *reason == '\0')
		return out_usage(_("a rejection needs --reason TEXT"));
	return app_decide(args_pos(a, 0), "rejected", reason);
}
