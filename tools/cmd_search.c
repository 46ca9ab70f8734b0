/*
 * cmd_search.c - the address book (R8, seed 000): people by name, account
 * name or mobile number, with their organisations and contact fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

static int
search_cmp(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	const char *ux = dentry_get(x, "uid"), *uy = dentry_get(y, "uid");

	return strcmp(ux ? ux : "", uy ? uy : "");
}

/* a post as the address book shows it: the organisation, and the state
 * when it is not (yet) an active post */
static void
search_post_label(const struct dentry *post, struct strlist *orgs)
{
	const char *st = dentry_get(post, "postStatus");
	const char *name = dir_org_label(dentry_get(post, "postOrg"),
	    dentry_get(post, "orgCode"));
	char buf[512];

	if (st == NULL || strcmp(st, "active") == 0)
		strlist_add(orgs, name);
	else {
		/* TRANSLATORS: organisation name, state of the post */
		snprintf(buf, sizeof(buf), _("%s (%s)"), name,
		    out_value("postStatus", st));
		strlist_add(orgs, buf);
	}
}

/* organisations of one person (from the posts, else memberOf); returns
 * the title of the primary post, else the person's (allocated) */
static char *
search_orgs(const struct dentry *p, struct strlist *orgs)
{
	const struct dattr *mo;
	const char *title = dentry_get(p, "title");
	struct dlist posts = { 0 };
	struct org *o;
	char *t;
	size_t i;

	if (dir_posts(p->dn, &posts) == LDAP_SUCCESS && posts.n > 0) {
		for (i = 0; i < posts.n; i++)
			search_post_label(&posts.v[i], orgs);
		if (dir_rank(&posts.v[0]) == 0 &&
		    dentry_get(&posts.v[0], "title") != NULL)
			title = dentry_get(&posts.v[0], "title");
	} else {
		mo = dentry_attr(p, "memberOf");
		for (i = 0; mo != NULL && i < mo->n; i++)
			if ((o = dir_org_by_dn(mo->vals[i].bv_val)) != NULL)
				strlist_add(orgs, o->name);
	}
	t = title != NULL ? xstrdup(title) : NULL;
	dlist_free(&posts);
	return t;
}

int
cmd_search(struct args *a)
{
	static char *attrs[] = { "uid", "cn", "title", "telephoneNumber",
	    "mobile", "mail", "memberOf", NULL };
	static const char *const keys[] = { "account", "name",
	    "organisations", "title", "telephoneNumber", "mobile", "mail" };
	const char *heads[NELEM(keys)];
	const char *text = args_pos(a, 0);
	char none[512];
	struct dlist people = { 0 };
	struct strlist orgs = { 0 };
	struct table *t;
	struct buf f = { 0 };
	char *esc, *title;
	size_t i;
	int rc;

	if (*text == '\0')
		return out_usage(_("the search text is empty"));
	esc = dir_filter_escape(text);
	buf_printf(&f, "(&(objectClass=inetOrgPerson)(|(cn=*%s*)(uid=%s*)"
	    "(mobile=%s*)))", esc, esc, esc);
	free(esc);
	rc = dir_search(cli.people, LDAP_SCOPE_ONELEVEL, buf_cstr(&f), attrs,
	    &people);
	buf_free(&f);
	if (rc != LDAP_SUCCESS) {
		dlist_free(&people);
		return conn_fail(cli.people, rc);
	}
	if ((rc = dir_orgs_load(0)) != CLI_OK) {
		dlist_free(&people);
		return rc;
	}
	if (people.n > 1)
		qsort(people.v, people.n, sizeof(*people.v), search_cmp);
	heads[0] = _("Account");
	heads[1] = _("Name");
	heads[2] = _("Organisations");
	heads[3] = _("Title");
	heads[4] = _("Work phone");
	heads[5] = _("Mobile");
	heads[6] = _("E-mail");
	t = table_new(NELEM(keys), keys, heads);
	table_set_list(t, 2);
	for (i = 0; i < people.n; i++) {
		title = search_orgs(&people.v[i], &orgs);
		table_row(t);
		table_cell(t, dentry_get(&people.v[i], "uid"));
		table_cell(t, dentry_get(&people.v[i], "cn"));
		table_cell_list(t, &orgs);
		table_cell(t, title);
		table_cell(t, dentry_get(&people.v[i], "telephoneNumber"));
		table_cell(t, dentry_get(&people.v[i], "mobile"));
		table_cell(t, dentry_get(&people.v[i], "mail"));
		free(title);
		strlist_free(&orgs);
	}
	snprintf(none, sizeof(none), _("Nobody matches \"%s\"."), text);
	table_done(t, none);
	dlist_free(&people);
	return CLI_OK;
}
