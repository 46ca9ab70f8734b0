/*
 * cmd_org.c - organisations (R8, R10): the tree, one organisation with
 * its administrators and members, the administrators alone, and adding
 * one (organizationalUnit + unifiedIdOrg + posixGroup; the server fills
 * cn and gidNumber).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

/* ---- org tree ---- */

static void
org_tree_line(const struct org *o, const char *prefix, const char *branch)
{
	printf("%s%s", prefix, branch);
	/* TRANSLATORS: organisation name, its code, number of members */
	printf(ngettext("%s (%s): %zu member", "%s (%s): %zu members",
	    o->members), o->name, o->code, o->members);
	putchar('\n');
}

static void
org_tree_print(const struct org *o, const char *prefix, int top, int last)
{
	char *next;
	size_t i, n;

	org_tree_line(o, prefix, top ? "" : last ? "└── " : "├── ");
	n = strlen(prefix) + 8;
	next = xmalloc(n);
	snprintf(next, n, "%s%s", prefix, top ? "" : last ? "    " : "│   ");
	for (i = 0; i < o->nkids; i++)
		org_tree_print(o->kids[i], next, 0, i + 1 == o->nkids);
	free(next);
}

static void
org_tree_json(const struct org *o)
{
	size_t i;

	json_obj();
	json_kv("dn", o->dn);
	json_kv("name", o->name);
	json_kv("code", o->code);
	json_kv("gidNumber", o->gid);
	json_kv("type", o->type);
	json_key("members");
	json_int((long long)o->members);
	json_kv_list("admins", &o->admins);
	json_key("children");
	json_arr();
	for (i = 0; i < o->nkids; i++)
		org_tree_json(o->kids[i]);
	json_end_arr();
	json_end_obj();
}

int
cmd_org_tree(struct args *a)
{
	struct org *root = NULL, **tops;
	size_t i, n;
	int rc;

	if ((rc = dir_orgs_load(1)) != CLI_OK)
		return rc;
	if (args_pos(a, 0) != NULL &&
	    (rc = dir_org_find(args_pos(a, 0), &root)) != CLI_OK)
		return rc;
	n = dir_orgs(&tops);
	if (root != NULL) {
		tops = &root;
		n = 1;
	}
	if (cli.json) {
		json_arr();
		for (i = 0; i < n; i++)
			org_tree_json(tops[i]);
		json_end_arr();
		json_done();
		return CLI_OK;
	}
	if (n == 0)
		printf("%s\n", _("There are no organisations yet."));
	for (i = 0; i < n; i++)
		org_tree_print(tops[i], "", 1, 1);
	return CLI_OK;
}

/* ---- org show ---- */

struct member {
	char	*account;
	char	*name;
	char	*title;
	char	*status;
	long	 rank;
};

static int
member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	return strcmp(x->account ? x->account : "", y->account ? y->account :
	    "");
}

/* a person's display name: "name (account)" or the DN */
static char *
org_person_label(const char *dn, char **account, char **name)
{
	static char *attrs[] = { "uid", "cn", NULL };
	struct dentry e;
	const char *cn;
	char *s;
	size_t n;

	*account = dir_account(dn);
	*name = NULL;
	if (dir_read(dn, attrs, &e) == LDAP_SUCCESS) {
		if ((cn = dentry_get(&e, "cn")) != NULL)
			*name = xstrdup(cn);
		dentry_free(&e);
	}
	n = strlen(dn) + (*name ? strlen(*name) : 0) + 8;
	s = xmalloc(n);
	if (*name != NULL && *account != NULL)
		snprintf(s, n, "%s (%s)", *name, *account);
	else
		snprintf(s, n, "%s", *account ? *account : dn);
	return s;
}

/* every post in the organisation, with the person's name */
static int
org_members(const struct org *o, struct member **out, size_t *nout)
{
	static char *pattrs[] = { "uid", "cn", NULL };
	struct dlist posts = { 0 }, people = { 0 };
	struct member *m = NULL;
	char *f, *esc, *parent;
	const char *cn;
	size_t i, j, n;
	int rc;

	esc = dir_filter_escape(o->dn);
	n = strlen(esc) + 48;
	f = xmalloc(n);
	snprintf(f, n, "(&(objectClass=unifiedIdPost)(postOrg=%s))", esc);
	rc = dir_search(cli.people, LDAP_SCOPE_SUBTREE, f, NULL, &posts);
	snprintf(f, n, "(&(objectClass=inetOrgPerson)(memberOf=%s))", esc);
	if (rc == LDAP_SUCCESS)
		rc = dir_search(cli.people, LDAP_SCOPE_ONELEVEL, f, pattrs,
		    &people);
	free(f);
	free(esc);
	if (rc != LDAP_SUCCESS) {
		dlist_free(&posts);
		dlist_free(&people);
		return conn_fail(o->dn, rc);
	}
	m = xcalloc(posts.n + 1, sizeof(*m));
	for (i = 0; i < posts.n; i++) {
		parent = dir_dn_parent(posts.v[i].dn);
		m[i].account = dir_account(parent);
		for (j = 0, cn = NULL; j < people.n && cn == NULL; j++)
			if (dir_dn_equal(people.v[j].dn, parent))
				cn = dentry_get(&people.v[j], "cn");
		if (cn != NULL)
			m[i].name = xstrdup(cn);
		else {
			char *acc = NULL, *label;

			label = org_person_label(parent, &acc, &m[i].name);
			free(label);
			free(acc);
		}
		if (m[i].account == NULL)
			m[i].account = xstrdup(parent);
		free(parent);
		cn = dentry_get(&posts.v[i], "title");
		m[i].title = cn ? xstrdup(cn) : NULL;
		cn = dentry_get(&posts.v[i], "postStatus");
		m[i].status = xstrdup(cn ? cn : "active");
		m[i].rank = dir_rank(&posts.v[i]);
	}
	qsort(m, posts.n, sizeof(*m), member_cmp);
	*out = m;
	*nout = posts.n;
	dlist_free(&posts);
	dlist_free(&people);
	return CLI_OK;
}

static void
org_members_free(struct member *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].account);
		free(m[i].name);
		free(m[i].title);
		free(m[i].status);
	}
	free(m);
}

static void
org_show_json(const struct org *o, const struct dentry *e,
    struct member *m, size_t nm)
{
	char *acc, *name, *label;
	size_t i;

	json_obj();
	json_kv("dn", o->dn);
	json_kv("name", o->name);
	json_kv("code", o->code);
	json_kv("type", o->type);
	json_kv("gidNumber", o->gid);
	json_kv("description", dentry_get(e, "description"));
	json_key("parent");
	if (o->parent != NULL) {
		json_obj();
		json_kv("dn", o->parent->dn);
		json_kv("name", o->parent->name);
		json_kv("code", o->parent->code);
		json_end_obj();
	} else
		json_null();
	json_key("admins");
	json_arr();
	for (i = 0; i < o->admins.n; i++) {
		label = org_person_label(o->admins.v[i], &acc, &name);
		json_obj();
		json_kv("dn", o->admins.v[i]);
		json_kv("account", acc);
		json_kv("name", name);
		json_end_obj();
		free(label);
		free(acc);
		free(name);
	}
	json_end_arr();
	json_key("members");
	json_arr();
	for (i = 0; i < nm; i++) {
		json_obj();
		json_kv("account", m[i].account);
		json_kv("name", m[i].name);
		json_kv("title", m[i].title);
		json_kv("status", m[i].status);
		json_end_obj();
	}
	json_end_arr();
	json_end_obj();
	json_done();
}

static void
org_show_text(const struct org *o, const struct dentry *e,
    struct member *m, size_t nm)
{
	static const char *const keys[] = { "account", "name", "title",
	    "status" };
	const char *heads[NELEM(keys)];
	char *acc, *name, *label, buf[512];
	struct table *t;
	size_t i, active = 0;

	out_field(_("Name"), o->name);
	out_field(_("Code"), o->code);
	out_field("DN", o->dn);
	if (o->parent != NULL) {
		snprintf(buf, sizeof(buf), "%s (%s)", o->parent->name,
		    o->parent->code);
		out_field(_("Parent"), buf);
	} else
		out_field(_("Parent"), NULL);
	if (o->type != NULL)
		out_field(_("Type"), o->type);
	out_field(_("Group ID"), o->gid);
	if (dentry_get(e, "description") != NULL)
		out_field(_("Description"), dentry_get(e, "description"));
	for (i = 0; i < o->admins.n || i == 0; i++) {
		label = i < o->admins.n ? org_person_label(o->admins.v[i], &acc,
		    &name) : NULL;
		out_field(i == 0 ? _("Administrators") : "", label);
		if (label != NULL) {
			free(label);
			free(acc);
			free(name);
		}
	}
	for (i = 0; i < nm; i++)
		if (strcmp(m[i].status, "active") == 0)
			active++;
	snprintf(buf, sizeof(buf), "%zu", active);
	out_field(_("Members"), buf);
	if (nm == 0)
		return;
	putchar('\n');
	heads[0] = _("Account");
	heads[1] = _("Name");
	heads[2] = _("Title");
	heads[3] = _("Status");
	t = table_new(NELEM(keys), keys, heads);
	for (i = 0; i < nm; i++) {
		table_row(t);
		table_cell(t, m[i].account);
		table_cell(t, m[i].name);
		table_cell(t, m[i].title);
		table_cell(t, out_value("postStatus", m[i].status));
	}
	table_print(t);
	table_free(t);
}

int
cmd_org_show(struct args *a)
{
	static char *attrs[] = { "description", NULL };
	struct org *o;
	struct dentry e;
	struct member *m = NULL;
	size_t nm = 0;
	int rc;

	if ((rc = dir_org_find(args_pos(a, 0), &o)) != CLI_OK)
		return rc;
	if ((rc = dir_read(o->dn, attrs, &e)) != LDAP_SUCCESS)
		return conn_fail(o->dn, rc);
	if ((rc = org_members(o, &m, &nm)) == CLI_OK) {
		if (cli.json)
			org_show_json(o, &e, m, nm);
		else
			org_show_text(o, &e, m, nm);
	}
	org_members_free(m, nm);
	dentry_free(&e);
	return rc;
}

/* ---- org admins ---- */

int
cmd_org_admins(struct args *a)
{
	static char *attrs[] = { "uid", "cn", "telephoneNumber", "mobile",
	    "mail", NULL };
	static const char *const keys[] = { "account", "name", "organisation",
	    "orgCode", "telephoneNumber", "mobile", "mail", "dn" };
	const char *heads[NELEM(keys)];
	const struct org *o, *at;
	struct org *found;
	struct dentry e;
	struct table *t;
	char *acc, none[512];
	size_t i;
	int rc;

	if ((rc = dir_org_find(args_pos(a, 0), &found)) != CLI_OK)
		return rc;
	o = found;
	heads[0] = _("Account");
	heads[1] = _("Name");
	heads[2] = _("Administers");
	heads[3] = _("Code");
	heads[4] = _("Work phone");
	heads[5] = _("Mobile");
	heads[6] = _("E-mail");
	heads[7] = "DN";
	t = table_new(cli.json ? NELEM(keys) : NELEM(keys) - 1, keys, heads);
	/* the organisation's own administrators, then those above it, who
	 * administer it too (workflows.md, R10) */
	for (at = o; at != NULL; at = at->parent)
		for (i = 0; i < at->admins.n; i++) {
			rc = dir_read(at->admins.v[i], attrs, &e);
			acc = dir_account(at->admins.v[i]);
			table_row(t);
			table_cell(t, acc ? acc : at->admins.v[i]);
			table_cell(t, rc == LDAP_SUCCESS ? dentry_get(&e, "cn") :
			    NULL);
			table_cell(t, at->name);
			table_cell(t, at->code);
			table_cell(t, rc == LDAP_SUCCESS ? dentry_get(&e,
			    "telephoneNumber") : NULL);
			table_cell(t, rc == LDAP_SUCCESS ? dentry_get(&e,
			    "mobile") : NULL);
			table_cell(t, rc == LDAP_SUCCESS ? dentry_get(&e,
			    "mail") : NULL);
			table_cell(t, at->admins.v[i]);
			if (rc == LDAP_SUCCESS)
				dentry_free(&e);
			free(acc);
		}
	snprintf(none, sizeof(none), _("%s (%s) has no administrators."),
	    o->name, o->code);
	table_done(t, none);
	return CLI_OK;
}

/* ---- org add ---- */

static int
org_code_ok(const char *s)
{
	size_t i;

	if (!isalnum((unsigned char)s[0]) || strlen(s) > 64)
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

int
cmd_org_add(struct args *a)
{
	static char *rattrs[] = { "gidNumber", "cn", NULL };
	const char *code = args_pos(a, 0), *name = args_pos(a, 1);
	const struct strlist *admins = args_list(a, "admin");
	struct org *parent = NULL, *dup;
	struct mods m = { 0 };
	struct dentry e;
	char *dn = NULL, *esc, *adn;
	size_t i, n;
	int rc;

	if (!org_code_ok(code))
		return out_usage(_("organisation code '%s': use letters, digits, "
		    "'.', '_' and '-', starting with a letter or digit"), code);
	if (*name == '\0')
		return out_usage(_("the organisation name is empty"));
	if ((rc = dir_orgs_load(0)) != CLI_OK)
		return rc;
	if (args_get(a, "parent") != NULL && (rc = dir_org_find(args_get(a,
	    "parent"), &parent)) != CLI_OK)
		return rc;
	if ((dup = dir_org_by_code(code)) != NULL) {
		out_err(_("organisation code %s is already used by %s"), code,
		    dup->dn);
		return CLI_ERR;
	}
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "organizationalUnit");
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "unifiedIdOrg");
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "posixGroup");
	mods_add(&m, LDAP_MOD_ADD, "ou", name);
	mods_add(&m, LDAP_MOD_ADD, "orgCode", code);
	if (args_get(a, "type") != NULL)
		mods_add(&m, LDAP_MOD_ADD, "orgType", args_get(a, "type"));
	for (i = 0; i < admins->n; i++) {
		adn = dir_person_dn(admins->v[i]);
		rc = dir_read(adn, rattrs, &e);
		if (rc == LDAP_SUCCESS)
			dentry_free(&e);
		else {
			if (rc == LDAP_NO_SUCH_OBJECT)
				out_err(_("no such account: %s"), admins->v[i]);
			else
				conn_fail(adn, rc);
			free(adn);
			rc = CLI_ERR;
			goto done;
		}
		mods_add(&m, LDAP_MOD_ADD, "orgAdmin", adn);
		free(adn);
	}
	esc = dir_dn_escape(code);
	n = strlen(esc) + strlen(parent ? parent->dn : cli.orgs) + 16;
	dn = xmalloc(n);
	snprintf(dn, n, "orgCode=%s,%s", esc, parent ? parent->dn : cli.orgs);
	free(esc);
	if ((rc = ldap_add_ext_s(cli.ld, dn, m.v, NULL, NULL)) !=
	    LDAP_SUCCESS) {
		rc = conn_fail(dn, rc);
		goto done;
	}
	rc = dir_read(dn, rattrs, &e);
	if (cli.json) {
		json_obj();
		json_kv("dn", dn);
		json_kv("code", code);
		json_kv("name", name);
		json_kv("gidNumber", rc == LDAP_SUCCESS ? dentry_get(&e,
		    "gidNumber") : NULL);
		json_end_obj();
		json_done();
	} else
		out_info(_("Added organisation %s (%s), group ID %s: %s"), name,
		    code, rc == LDAP_SUCCESS && dentry_get(&e, "gidNumber") ?
		    dentry_get(&e, "gidNumber") : "-", dn);
	if (rc == LDAP_SUCCESS)
		dentry_free(&e);
	rc = CLI_OK;
done:
	mods_free(&m);
	free(dn);
	return rc;
}
