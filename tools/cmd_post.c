/*
 * cmd_post.c - a person's posts (R9): the list in rank order, and the
 * person's own requests: a post in another organisation (a transfer, or a
 * concurrent post 兼任), leaving a concurrent post, the order of the posts.
 * The server decides who may do what (workflows.md "Posts and transfers").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

void
post_table(const struct dlist *posts)
{
	static const char *const keys[] = { "rank", "organisation", "orgCode",
	    "title", "status" };
	const char *heads[NELEM(keys)];
	struct table *t;
	size_t i;

	heads[0] = _("Rank");
	heads[1] = _("Organisation");
	heads[2] = _("Code");
	heads[3] = _("Title");
	heads[4] = _("Status");
	t = table_new(NELEM(keys), keys, heads);
	for (i = 0; i < posts->n; i++) {
		const struct dentry *p = &posts->v[i];
		const char *st = dentry_get(p, "postStatus");

		table_row(t);
		table_cell(t, dentry_get(p, "postRank"));
		table_cell(t, dir_org_label(dentry_get(p, "postOrg"),
		    dentry_get(p, "orgCode")));
		table_cell(t, dentry_get(p, "orgCode"));
		table_cell(t, dentry_get(p, "title"));
		table_cell(t, out_value("postStatus", st ? st : "active"));
	}
	table_print(t);
	table_free(t);
}

void
post_json(const struct dlist *posts)
{
	size_t i;

	json_arr();
	for (i = 0; i < posts->n; i++) {
		const struct dentry *p = &posts->v[i];

		json_obj();
		json_kv("dn", p->dn);
		json_kv("orgCode", dentry_get(p, "orgCode"));
		json_kv("organisation", dir_org_label(dentry_get(p, "postOrg"),
		    dentry_get(p, "orgCode")));
		json_kv("postOrg", dentry_get(p, "postOrg"));
		json_kv("title", dentry_get(p, "title"));
		json_key("rank");
		if (dentry_get(p, "postRank") != NULL)
			json_int(dir_rank(p));
		else
			json_null();
		json_kv("status", dentry_get(p, "postStatus") ?
		    dentry_get(p, "postStatus") : "active");
		json_kv("transferFrom", dentry_get(p, "transferFrom"));
		json_kv("keepOrigin", dentry_get(p, "keepOrigin"));
		json_end_obj();
	}
	json_end_arr();
}

int
cmd_post_list(struct args *a)
{
	static char *attrs[] = { "uid", "cn", NULL };
	const char *account = args_pos(a, 0);
	struct dlist posts = { 0 };
	struct dentry e;
	char *self = NULL;
	int rc;

	if (account == NULL && (account = self = conn_self_account()) == NULL)
		return CLI_ERR;
	rc = dir_person(account, attrs, &e);
	if (rc == CLI_OK && (rc = dir_orgs_load(0)) == CLI_OK) {
		if ((rc = dir_posts(e.dn, &posts)) != LDAP_SUCCESS)
			rc = conn_fail(e.dn, rc);
		else if (cli.json) {
			post_json(&posts);
			json_done();
		} else if (posts.n == 0)
			printf(_("%s has no posts.\n"), account);
		else
			post_table(&posts);
	}
	dentry_free(&e);	/* zeroed when dir_person failed */
	dlist_free(&posts);
	free(self);
	return rc;
}

/* orgCode=<code>,<person>: the DN of a person's post in an organisation */
static char *
post_dn(const char *person_dn, const char *code)
{
	char *esc = dir_dn_escape(code), *dn;
	size_t n = strlen(esc) + strlen(person_dn) + 16;

	dn = xmalloc(n);
	snprintf(dn, n, "orgCode=%s,%s", esc, person_dn);
	free(esc);
	return dn;
}

/* the bound person's DN, after a message when not a person */
static char *
post_self(void)
{
	char *acc = conn_self_account(), *dn;

	if (acc == NULL)
		return NULL;
	dn = dir_person_dn(acc);
	free(acc);
	return dn;
}

int
cmd_post_transfer(struct args *a)
{
	const char *from = args_get(a, "from"), *title = args_get(a, "title");
	struct org *to, *origin = NULL;
	struct mods m = { 0 };
	char *me, *dn = NULL, *fromdn = NULL;
	int rc;

	if ((rc = dir_org_find(args_pos(a, 0), &to)) != CLI_OK)
		return rc;
	if (from != NULL && (rc = dir_org_find(from, &origin)) != CLI_OK)
		return rc;
	if ((me = post_self()) == NULL)
		return CLI_ERR;
	dn = post_dn(me, to->code);
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "unifiedIdPost");
	mods_add(&m, LDAP_MOD_ADD, "orgCode", to->code);
	mods_add(&m, LDAP_MOD_ADD, "postOrg", to->dn);
	mods_add(&m, LDAP_MOD_ADD, "postStatus", "transfer-pending");
	/* a move from --from, else a concurrent post (the origin stays) */
	mods_add(&m, LDAP_MOD_ADD, "keepOrigin", origin ? "FALSE" : "TRUE");
	if (origin != NULL) {
		fromdn = post_dn(me, origin->code);
		mods_add(&m, LDAP_MOD_ADD, "transferFrom", fromdn);
	}
	if (title != NULL && *title != '\0')
		mods_add(&m, LDAP_MOD_ADD, "title", title);
	rc = ldap_add_ext_s(cli.ld, dn, m.v, NULL, NULL);
	if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	else {
		if (cli.json) {
			json_obj();
			json_kv("dn", dn);
			json_kv("orgCode", to->code);
			json_kv("transferFrom", fromdn);
			json_kv("status", "transfer-pending");
			json_end_obj();
			json_done();
		} else if (origin != NULL)
			out_info(_("Transfer from %s to %s requested; the "
			    "administrator of %s decides."), origin->name,
			    to->name, to->name);
		else
			out_info(_("Concurrent post in %s requested; the "
			    "administrator of %s decides."), to->name, to->name);
		rc = CLI_OK;
	}
	mods_free(&m);
	free(me);
	free(dn);
	free(fromdn);
	return rc;
}

int
cmd_post_leave(struct args *a)
{
	struct org *o;
	struct mods m = { 0 };
	char *me, *dn;
	int rc;

	if ((rc = dir_org_find(args_pos(a, 0), &o)) != CLI_OK)
		return rc;
	if ((me = post_self()) == NULL)
		return CLI_ERR;
	dn = post_dn(me, o->code);
	mods_add(&m, LDAP_MOD_REPLACE, "postStatus", "leave-pending");
	rc = ldap_modify_ext_s(cli.ld, dn, m.v, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		out_err(_("you have no post in %s"), o->name);
		rc = CLI_ERR;
	} else if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	else {
		if (cli.json) {
			json_obj();
			json_kv("dn", dn);
			json_kv("status", "leave-pending");
			json_end_obj();
			json_done();
		} else
			out_info(_("Leaving %s requested; the administrator of %s "
			    "decides."), o->name, o->name);
		rc = CLI_OK;
	}
	mods_free(&m);
	free(me);
	free(dn);
	return rc;
}

/* the codes on the command line first, the other active posts after */
int
cmd_post_order(struct args *a)
{
	struct dlist posts = { 0 };
	struct org *o;
	struct strlist order = { 0 }, codes = { 0 };
	struct mods m;
	const char *st, *code;
	char *me, rank[24];
	size_t i, j;
	int rc;

	if ((me = post_self()) == NULL)
		return CLI_ERR;
	rc = dir_posts(me, &posts);
	if (rc != LDAP_SUCCESS) {
		rc = conn_fail(me, rc);
		goto done;
	}
	for (i = 0; i < a->npos; i++) {
		if ((rc = dir_org_find(a->pos[i], &o)) != CLI_OK)
			goto done;
		for (j = 0; j < posts.n; j++)
			if ((code = dentry_get(&posts.v[j], "orgCode")) != NULL &&
			    strcmp(code, o->code) == 0)
				break;
		st = j < posts.n ? dentry_get(&posts.v[j], "postStatus") : NULL;
		if (j == posts.n || (st != NULL && strcmp(st, "active") != 0)) {
			out_err(_("you have no active post in %s"), o->name);
			rc = CLI_ERR;
			goto done;
		}
		strlist_add(&codes, o->code);
	}
	for (j = 0; j < posts.n; j++) {
		st = dentry_get(&posts.v[j], "postStatus");
		code = dentry_get(&posts.v[j], "orgCode");
		if ((st == NULL || strcmp(st, "active") == 0) && code != NULL) {
			for (i = 0; i < codes.n && strcmp(codes.v[i], code); i++)
				;
			if (i == codes.n)
				strlist_add(&codes, code);
		}
	}
	for (i = 0; i < codes.n; i++) {
		for (j = 0; j < posts.n; j++)
			if (strcmp(dentry_get(&posts.v[j], "orgCode"),
			    codes.v[i]) == 0)
				break;
		strlist_add(&order, dir_org_label(NULL, codes.v[i]));
		if (dir_rank(&posts.v[j]) == (long)i)
			continue;
		memset(&m, 0, sizeof(m));
		snprintf(rank, sizeof(rank), "%zu", i);
		mods_add(&m, LDAP_MOD_REPLACE, "postRank", rank);
		rc = ldap_modify_ext_s(cli.ld, posts.v[j].dn, m.v, NULL, NULL);
		mods_free(&m);
		if (rc != LDAP_SUCCESS) {
			rc = conn_fail(posts.v[j].dn, rc);
			goto done;
		}
	}
	if (cli.json) {
		json_obj();
		json_kv_list("order", &codes);
		json_end_obj();
		json_done();
	} else {
		char *s = strlist_join(&order, _(", "));

		out_info(_("Your posts in order: %s."), s);
		free(s);
	}
	rc = CLI_OK;
done:
	dlist_free(&posts);
	strlist_free(&order);
	strlist_free(&codes);
	free(me);
	return rc;
}
