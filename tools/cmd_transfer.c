/*
 * cmd_transfer.c - transfer and leave requests awaiting an organisation
 * administrator (R9, R10): plain LDAP writes on the post, the server
 * checks who may and does the rest in the same transaction (the origin
 * post of a move, ranks, memberships, the SMS).
 *   transfer-pending: approve = postStatus active, reject = delete the post
 *   leave-pending:    approve = delete the post,   reject = postStatus active
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

/* the organisation a transferFrom post belongs to (its orgCode RDN) */
static const char *
transfer_origin(const char *from)
{
	struct org *o;
	char *code;

	if (from == NULL)
		return NULL;
	code = dir_rdn_value(from, "orgCode");
	o = code != NULL ? dir_org_by_code(code) : NULL;
	free(code);
	return o != NULL ? o->name : from;
}

int
cmd_transfer_list(struct args *a)
{
	static const char *const keys[] = { "account", "name", "request",
	    "organisation", "orgCode", "from", "keepOrigin", "title", "dn" };
	static char *pattrs[] = { "cn", NULL };
	const char *heads[NELEM(keys)];
	const char *st, *kind, *from;
	struct org *filter = NULL;
	struct dlist posts = { 0 };
	struct dentry person;
	struct table *t;
	char *parent, *acc;
	size_t i;
	int rc;

	if ((rc = dir_orgs_load(0)) != CLI_OK)
		return rc;
	if (args_get(a, "org") != NULL &&
	    (rc = dir_org_find(args_get(a, "org"), &filter)) != CLI_OK)
		return rc;
	rc = dir_search(cli.people, LDAP_SCOPE_SUBTREE,
	    "(&(objectClass=unifiedIdPost)(|(postStatus=transfer-pending)"
	    "(postStatus=leave-pending)))", NULL, &posts);
	if (rc != LDAP_SUCCESS) {
		dlist_free(&posts);
		return conn_fail(cli.people, rc);
	}
	heads[0] = _("Account");
	heads[1] = _("Name");
	heads[2] = _("Request");
	heads[3] = _("Organisation");
	heads[4] = _("Code");
	heads[5] = _("From");
	heads[6] = _("Keep origin");
	heads[7] = _("Title");
	heads[8] = "DN";
	t = table_new(cli.json ? NELEM(keys) : NELEM(keys) - 1, keys, heads);
	for (i = 0; i < posts.n; i++) {
		const struct dentry *p = &posts.v[i];
		const char *org = dentry_get(p, "postOrg");

		if (filter != NULL && (org == NULL || !dir_dn_under(org,
		    filter->dn)))
			continue;
		st = dentry_get(p, "postStatus");
		kind = strcmp(st, "leave-pending") == 0 ? "leave" : "transfer";
		parent = dir_dn_parent(p->dn);
		acc = dir_account(parent);
		rc = dir_read(parent, pattrs, &person);
		from = transfer_origin(dentry_get(p, "transferFrom"));
		table_row(t);
		table_cell(t, acc ? acc : parent);
		table_cell(t, rc == LDAP_SUCCESS ? dentry_get(&person, "cn") :
		    NULL);
		table_cell(t, cli.json ? kind : out_value("postStatus", st));
		table_cell(t, dir_org_label(org, dentry_get(p, "orgCode")));
		table_cell(t, dentry_get(p, "orgCode"));
		table_cell(t, from);
		table_cell(t, cli.json ? dentry_get(p, "keepOrigin") :
		    out_value("keepOrigin", dentry_get(p, "keepOrigin")));
		table_cell(t, dentry_get(p, "title"));
		table_cell(t, p->dn);
		dentry_free(&person);
		free(parent);
		free(acc);
	}
	table_done(t, _("No transfer or leave requests are waiting."));
	dlist_free(&posts);
	return CLI_OK;
}

/* the pending post of ACCOUNT in ORG: CLI_OK with *dn and *status */
static int
transfer_find(struct args *a, char **dn, char **status, struct org **o)
{
	static char *attrs[] = { "postStatus", NULL };
	struct dentry e;
	char *pdn, *esc;
	size_t n;
	int rc;

	*dn = NULL;
	if ((rc = dir_org_find(args_pos(a, 1), o)) != CLI_OK)
		return rc;
	pdn = dir_person_dn(args_pos(a, 0));
	esc = dir_dn_escape((*o)->code);
	n = strlen(pdn) + strlen(esc) + 16;
	*dn = xmalloc(n);
	snprintf(*dn, n, "orgCode=%s,%s", esc, pdn);
	free(esc);
	free(pdn);
	rc = dir_read(*dn, attrs, &e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		out_err(_("%s has no post or request in %s"), args_pos(a, 0),
		    (*o)->name);
		return CLI_ERR;
	}
	if (rc != LDAP_SUCCESS)
		return conn_fail(*dn, rc);
	*status = xstrdup(dentry_get(&e, "postStatus") ? dentry_get(&e,
	    "postStatus") : "active");
	dentry_free(&e);
	if (strcmp(*status, "transfer-pending") != 0 &&
	    strcmp(*status, "leave-pending") != 0) {
		out_err(_("%s has no pending request in %s (the post is %s)"),
		    args_pos(a, 0), (*o)->name, out_value("postStatus",
		    *status));
		free(*status);
		return CLI_ERR;
	}
	return CLI_OK;
}

static int
transfer_decide(struct args *a, int approve)
{
	struct mods m = { 0 };
	struct org *o;
	char *dn = NULL, *st = NULL;
	int rc, del;

	if ((rc = transfer_find(a, &dn, &st, &o)) != CLI_OK) {
		free(dn);
		return rc;
	}
	/* approving a transfer or refusing a leave keeps the post active;
	 * the other two remove it */
	del = (strcmp(st, "transfer-pending") == 0) != approve;
	if (del)
		rc = ldap_delete_ext_s(cli.ld, dn, NULL, NULL);
	else {
		mods_add(&m, LDAP_MOD_REPLACE, "postStatus", "active");
		rc = ldap_modify_ext_s(cli.ld, dn, m.v, NULL, NULL);
		mods_free(&m);
	}
	if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	else {
		if (cli.json) {
			json_obj();
			json_kv("dn", dn);
			json_kv("request", strcmp(st, "leave-pending") == 0 ?
			    "leave" : "transfer");
			json_kv("decision", approve ? "approved" : "rejected");
			json_end_obj();
			json_done();
		} else if (strcmp(st, "leave-pending") == 0)
			out_info(approve ? _("Approved: %s leaves %s.") :
			    _("Rejected: %s stays in %s."), args_pos(a, 0),
			    o->name);
		else
			out_info(approve ? _("Approved: %s joins %s.") :
			    _("Rejected: %s does not join %s."), args_pos(a, 0),
			    o->name);
		rc = CLI_OK;
	}
	free(dn);
	free(st);
	return rc;
}

int
cmd_transfer_approve(struct args *a)
{
	return transfer_decide(a, 1);
}

int
cmd_transfer_reject(struct args *a)
{
	return transfer_decide(a, 0);
}
