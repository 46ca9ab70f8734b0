/*
 * cmd_enterprise.c - legal persons (R11-R13): the enterprises under
 * ou=enterprises with the requester's roles in them, one enterprise with
 * its people and authorisations, and the role lists the server lets each
 * role change (workflows.md "Enterprises"): the legal representative
 * names administrators and licence administrators (at most five), the
 * administrators name handlers.  Plain LDAP search and modify; the
 * server's access control and checks decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

static char *ent_attrs[] = { "uscc", "o", "enterpriseType", "regionType",
	"realNameStatus", "realNameLevel", "realNameReason",
	"legalRepresentative", "enterpriseAdmin", "enterpriseHandler",
	"licenseAdmin", "mainAgent", "description", NULL };

/* role attributes, as shown */
static const struct {
	const char	*attr;
	const char	*key;		/* JSON */
	const char	*label;
} ent_roles[] = {
	{ "legalRepresentative", "legalRepresentative",
	    N_("Legal representative") },
	{ "enterpriseAdmin", "admins", N_("Administrators") },
	{ "enterpriseHandler", "handlers", N_("Handlers") },
	{ "licenseAdmin", "licenseAdmins", N_("Licence administrators") },
	{ "mainAgent", "mainAgent", N_("Main agent") },
};

static char *
ent_base(void)
{
	size_t n = strlen(cli.base) + 20;
	char *b = xmalloc(n);

	snprintf(b, n, "ou=enterprises,%s", cli.base);
	return b;
}

/* the account names (or DNs of others) of the values of attr */
static void
ent_accounts(const struct dentry *e, const char *attr, struct strlist *out)
{
	const struct dattr *a = dentry_attr(e, attr);
	char *acct;
	size_t i;

	for (i = 0; a != NULL && i < a->n; i++) {
		acct = dir_account(a->vals[i].bv_val);
		strlist_add(out, acct != NULL ? acct : a->vals[i].bv_val);
		free(acct);
	}
}

/* the requester's roles in e (translated unless for JSON) */
static void
ent_my_roles(const struct dentry *e, struct strlist *out, int raw)
{
	const struct dattr *a;
	size_t i, k;

	for (i = 0; i < NELEM(ent_roles); i++) {
		a = dentry_attr(e, ent_roles[i].attr);
		for (k = 0; a != NULL && k < a->n; k++)
			if (dir_dn_equal(a->vals[k].bv_val, conn_self())) {
				strlist_add(out, raw ? ent_roles[i].key :
				    _(ent_roles[i].label));
				break;
			}
	}
}

/* the enterprise named by its credit code (or DN) */
static int
ent_read(const char *arg, struct dentry *e)
{
	char *base, *dn, *esc;
	size_t n;
	int rc;

	if (strchr(arg, '=') != NULL)
		dn = xstrdup(arg);
	else {
		base = ent_base();
		esc = dir_dn_escape(arg);
		n = strlen(esc) + strlen(base) + 8;
		dn = xmalloc(n);
		snprintf(dn, n, "uscc=%s,%s", esc, base);
		free(esc);
		free(base);
	}
	rc = dir_read(dn, ent_attrs, e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		out_err(_("no such enterprise: %s"), arg);
		rc = CLI_ERR;
	} else if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	free(dn);
	return rc;
}

int
cmd_enterprise_list(struct args *a)
{
	static const char *const keys[] = { "uscc", "name", "type", "region",
	    "status", "legalRepresentative", "myRoles", "dn" };
	const char *heads[NELEM(keys)];
	struct dlist l = { 0 };
	struct strlist rep, mine;
	struct table *t;
	char *base = ent_base();
	size_t i;
	int rc;

	rc = dir_search(base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=unifiedIdEnterprise)", ent_attrs, &l);
	if (rc != LDAP_SUCCESS) {
		rc = conn_fail(base, rc);
		free(base);
		dlist_free(&l);
		return rc;
	}
	heads[0] = _("Credit code");
	heads[1] = _("Name");
	heads[2] = _("Type");
	heads[3] = _("Region");
	heads[4] = _("Real-name status");
	heads[5] = _("Legal representative");
	heads[6] = _("Your roles");
	heads[7] = "DN";
	t = table_new(cli.json ? NELEM(keys) : NELEM(keys) - 1, keys, heads);
	table_set_list(t, 6);
	for (i = 0; i < l.n; i++) {
		memset(&rep, 0, sizeof(rep));
		memset(&mine, 0, sizeof(mine));
		ent_accounts(&l.v[i], "legalRepresentative", &rep);
		ent_my_roles(&l.v[i], &mine, cli.json);
		table_row(t);
		table_cell(t, dentry_get(&l.v[i], "uscc"));
		table_cell(t, dentry_get(&l.v[i], "o"));
		table_cell(t, dentry_get(&l.v[i], "enterpriseType"));
		table_cell(t, dentry_get(&l.v[i], "regionType"));
		table_cell(t, cli.json ? dentry_get(&l.v[i], "realNameStatus") :
		    out_value("realNameStatus", dentry_get(&l.v[i],
		    "realNameStatus")));
		table_cell(t, rep.n ? rep.v[0] : NULL);
		table_cell_list(t, &mine);
		table_cell(t, l.v[i].dn);
		strlist_free(&rep);
		strlist_free(&mine);
	}
	table_done(t, _("No enterprises."));
	dlist_free(&l);
	free(base);
	return CLI_OK;
}

/* the authorisations (R13) below an enterprise */
static void
ent_grants(const char *dn, struct dlist *out)
{
	static char *attrs[] = { "cn", "authorizedPerson",
	    "authorizedService", "authorizedUntil", "authorizedBy", NULL };

	if (dir_search(dn, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=unifiedIdAuthorization)", attrs, out) !=
	    LDAP_SUCCESS)
		dlist_free(out);
}

int
cmd_enterprise_show(struct args *a)
{
	struct dentry e;
	struct dlist g = { 0 };
	struct strlist l;
	const struct dattr *svc;
	char *s, *who;
	size_t i, k;
	int rc;

	if ((rc = ent_read(args_pos(a, 0), &e)) != CLI_OK)
		return rc;
	ent_grants(e.dn, &g);
	if (cli.json) {
		json_obj();
		json_kv("dn", e.dn);
		json_kv("uscc", dentry_get(&e, "uscc"));
		json_kv("name", dentry_get(&e, "o"));
		json_kv("type", dentry_get(&e, "enterpriseType"));
		json_kv("region", dentry_get(&e, "regionType"));
		json_kv("status", dentry_get(&e, "realNameStatus"));
		json_kv("level", dentry_get(&e, "realNameLevel"));
		json_kv("reason", dentry_get(&e, "realNameReason"));
		for (i = 0; i < NELEM(ent_roles); i++) {
			memset(&l, 0, sizeof(l));
			ent_accounts(&e, ent_roles[i].attr, &l);
			json_kv_list(ent_roles[i].key, &l);
			strlist_free(&l);
		}
		memset(&l, 0, sizeof(l));
		ent_my_roles(&e, &l, 1);
		json_kv_list("myRoles", &l);
		strlist_free(&l);
		json_key("authorizations");
		json_arr();
		for (i = 0; i < g.n; i++) {
			json_obj();
			who = dir_account(dentry_get(&g.v[i],
			    "authorizedPerson") ? dentry_get(&g.v[i],
			    "authorizedPerson") : "");
			json_kv("person", who);
			free(who);
			memset(&l, 0, sizeof(l));
			svc = dentry_attr(&g.v[i], "authorizedService");
			for (k = 0; svc != NULL && k < svc->n; k++)
				strlist_add(&l, svc->vals[k].bv_val);
			json_kv_list("services", &l);
			strlist_free(&l);
			json_kv("until", dentry_get(&g.v[i], "authorizedUntil"));
			json_end_obj();
		}
		json_end_arr();
		json_end_obj();
		json_done();
	} else {
		out_field(_("Name"), dentry_get(&e, "o"));
		out_field(_("Credit code"), dentry_get(&e, "uscc"));
		out_field(_("Type"), dentry_get(&e, "enterpriseType"));
		out_field(_("Region"), dentry_get(&e, "regionType"));
		out_field(_("Real-name status"), out_value("realNameStatus",
		    dentry_get(&e, "realNameStatus")));
		if (dentry_get(&e, "realNameReason") != NULL)
			out_field(_("Review comment"), dentry_get(&e,
			    "realNameReason"));
		for (i = 0; i < NELEM(ent_roles); i++) {
			memset(&l, 0, sizeof(l));
			ent_accounts(&e, ent_roles[i].attr, &l);
			s = strlist_join(&l, ", ");
			out_field(_(ent_roles[i].label), s);
			free(s);
			strlist_free(&l);
		}
		memset(&l, 0, sizeof(l));
		ent_my_roles(&e, &l, 0);
		s = strlist_join(&l, ", ");
		out_field(_("Your roles"), s);
		free(s);
		strlist_free(&l);
		for (i = 0; i < g.n; i++) {
			who = dir_account(dentry_get(&g.v[i],
			    "authorizedPerson") ? dentry_get(&g.v[i],
			    "authorizedPerson") : "");
			memset(&l, 0, sizeof(l));
			svc = dentry_attr(&g.v[i], "authorizedService");
			for (k = 0; svc != NULL && k < svc->n; k++)
				strlist_add(&l, svc->vals[k].bv_val);
			s = strlist_join(&l, ", ");
			printf("%s %s: %s\n", _("Authorised:"), who ? who :
			    dentry_get(&g.v[i], "cn"), s);
			free(s);
			free(who);
			strlist_free(&l);
		}
	}
	dlist_free(&g);
	dentry_free(&e);
	return CLI_OK;
}

/*
 * enterprise admins|handlers|license-admins USCC [--add A]... [--remove
 * A]...: change one role list (the server checks who may), then show it.
 */
static int
ent_role(struct args *a, const char *attr, const char *key,
    const char *label)
{
	const struct strlist *add = args_list(a, "add");
	const struct strlist *del = args_list(a, "remove");
	struct mods m = { 0 };
	struct dentry e;
	struct strlist l = { 0 };
	char *dn, *s;
	size_t i;
	int rc;

	if ((rc = ent_read(args_pos(a, 0), &e)) != CLI_OK)
		return rc;
	for (i = 0; add != NULL && i < add->n; i++) {
		dn = dir_person_dn(add->v[i]);
		mods_add(&m, LDAP_MOD_ADD, attr, dn);
		free(dn);
	}
	for (i = 0; del != NULL && i < del->n; i++) {
		dn = dir_person_dn(del->v[i]);
		mods_add(&m, LDAP_MOD_DELETE, attr, dn);
		free(dn);
	}
	if (m.n > 0) {
		rc = ldap_modify_ext_s(cli.ld, e.dn, m.v, NULL, NULL);
		mods_free(&m);
		if (rc != LDAP_SUCCESS) {
			rc = conn_fail(e.dn, rc);
			dentry_free(&e);
			return rc;
		}
		dentry_free(&e);
		if ((rc = ent_read(args_pos(a, 0), &e)) != CLI_OK)
			return rc;
	}
	ent_accounts(&e, attr, &l);
	if (cli.json) {
		json_obj();
		json_kv("dn", e.dn);
		json_kv_list(key, &l);
		json_end_obj();
		json_done();
	} else {
		s = strlist_join(&l, ", ");
		out_field(_(label), s);
		free(s);
	}
	strlist_free(&l);
	dentry_free(&e);
	return CLI_OK;
}

int
cmd_enterprise_admins(struct args *a)
{
	return ent_role(a, "enterpriseAdmin", "admins", N_("Administrators"));
}

int
cmd_enterprise_handlers(struct args *a)
{
	return ent_role(a, "enterpriseHandler", "handlers", N_("Handlers"));
}

int
cmd_enterprise_license_admins(struct args *a)
{
	return ent_role(a, "licenseAdmin", "licenseAdmins",
	    N_("Licence administrators"));
}
