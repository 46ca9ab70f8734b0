/*
 * cmd_user.c - people (contract section 4, R1, R4): show one with their
 * posts, add one (inetOrgPerson + posixAccount + unifiedIdPerson, the
 * server fills the POSIX numbers, home and shell; with --org the primary
 * post), change fields, disable, unlock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "util.h"
#include "cli.h"

/* command-line option -> attribute */
static const struct {
	const char	*opt;
	const char	*attr;
} user_fields[] = {
	{ "surname", "sn" },
	{ "given-name", "givenName" },
	{ "name", "cn" },
	{ "mobile", "mobile" },
	{ "mail", "mail" },
	{ "work-phone", "telephoneNumber" },
	{ "short-number", "shortNumber" },
	{ "office", "officeAddress" },
	{ "gender", "gender" },
	{ "id-type", "idType" },
	{ "id-number", "idNumber" },
	{ "title", "title" },
	{ "emergency-phone", "emergencyPhone" },
	{ "backup-mail", "backupMail" },
};

/* what people read instead of attribute names, in display order */
static const struct {
	const char	*attr;
	const char	*label;
} user_labels[] = {
	{ "uid", N_("Account") },
	{ "cn", N_("Name") },
	{ "sn", N_("Surname") },
	{ "givenName", N_("Given name") },
	{ "gender", N_("Gender") },
	{ "title", N_("Title") },
	{ "mobile", N_("Mobile") },
	{ "telephoneNumber", N_("Work phone") },
	{ "shortNumber", N_("Short number") },
	{ "mail", N_("E-mail") },
	{ "backupMail", N_("Backup e-mail") },
	{ "emergencyPhone", N_("Emergency phone") },
	{ "officeAddress", N_("Office address") },
	{ "idType", N_("ID type") },
	{ "idNumber", N_("ID number") },
	{ "idValidFrom", N_("ID valid from") },
	{ "idValidTo", N_("ID valid to") },
	{ "accountStatus", N_("Account status") },
	{ "statusReason", N_("Status reason") },
	{ "realNameLevel", N_("Real-name level") },
	{ "realNameStatus", N_("Real-name status") },
	{ "realNameReason", N_("Review comment") },
	{ "legacyUid", N_("Legacy account") },
	{ "uidNumber", N_("User ID") },
	{ "gidNumber", N_("Group ID") },
	{ "homeDirectory", N_("Home directory") },
	{ "loginShell", N_("Login shell") },
	{ "memberOf", N_("Member of") },
	{ "pwdChangedTime", N_("Password changed") },
	{ "pwdReset", N_("Must change password") },
	{ "pwdAccountLockedTime", N_("Locked since") },
	{ "pwdFailureTime", N_("Failed logins") },
	{ "createTimestamp", N_("Created") },
	{ "modifyTimestamp", N_("Modified") },
};

static char *user_show_attrs[] = { "*", "memberOf", "pwdChangedTime",
	"pwdReset", "pwdAccountLockedTime", "pwdFailureTime",
	"createTimestamp", "modifyTimestamp", NULL };

static int
user_is_time(const char *attr)
{
	return strcasecmp(attr, "idValidFrom") == 0 ||
	    strcasecmp(attr, "idValidTo") == 0 ||
	    strcasecmp(attr, "realNameReviewTime") == 0 ||
	    strcasecmp(attr, "authorizedUntil") == 0 ||
	    (strncasecmp(attr, "pwd", 3) == 0 &&
	    strcasecmp(attr, "pwdReset") != 0) ||
	    strcasecmp(attr, "createTimestamp") == 0 ||
	    strcasecmp(attr, "modifyTimestamp") == 0;
}

static int
user_is_binary(const struct berval *v)
{
	return memchr(v->bv_val, '\0', v->bv_len) != NULL ||
	    !out_utf8_valid(v->bv_val, v->bv_len);
}

/* one value as people read it (allocated) */
static char *
user_value_text(const char *attr, const struct berval *v)
{
	char buf[64];
	struct org *o;

	if (user_is_binary(v)) {
		snprintf(buf, sizeof(buf), ngettext("(%zu byte of binary data)",
		    "(%zu bytes of binary data)", (size_t)v->bv_len),
		    (size_t)v->bv_len);
		return xstrdup(buf);
	}
	if (user_is_time(attr))
		return out_time(v->bv_val);
	if (strcasecmp(attr, "memberOf") == 0 &&
	    (o = dir_org_by_dn(v->bv_val)) != NULL) {
		char *s = xmalloc(strlen(o->name) + strlen(o->code) + 8);

		sprintf(s, "%s (%s)", o->name, o->code);
		return s;
	}
	return xstrdup(out_value(attr, v->bv_val));
}

static void
user_print_attr(const char *label, const struct dattr *a)
{
	char *s;
	size_t i;

	for (i = 0; i < a->n; i++) {
		s = user_value_text(a->name, &a->vals[i]);
		out_field(i == 0 ? label : "", s);
		free(s);
	}
}

static void
user_show_text(const struct dentry *e, const struct dlist *posts)
{
	const struct dattr *a;
	size_t i, j;
	int known;

	for (i = 0; i < NELEM(user_labels); i++)
		if ((a = dentry_attr(e, user_labels[i].attr)) != NULL)
			user_print_attr(_(user_labels[i].label), a);
	for (i = 0; i < e->nattrs; i++) {
		a = &e->attrs[i];
		for (j = 0, known = 0; j < NELEM(user_labels) && !known; j++)
			known = strcasecmp(a->name, user_labels[j].attr) == 0;
		if (!known && strcasecmp(a->name, "objectClass") != 0)
			user_print_attr(a->name, a);
	}
	out_field("DN", e->dn);
	putchar('\n');
	if (posts->n == 0)
		printf("%s\n", _("No posts."));
	else {
		printf("%s\n", _("Posts:"));
		post_table(posts);
	}
}

static void
user_json_attr(const struct dattr *a)
{
	char key[128], *b64;
	size_t i;
	int binary = 0;

	for (i = 0; i < a->n; i++)
		binary |= user_is_binary(&a->vals[i]);
	snprintf(key, sizeof(key), "%s%s", a->name, binary ? ";base64" : "");
	json_key(key);
	json_arr();
	for (i = 0; i < a->n; i++) {
		if (!binary) {
			json_strn(a->vals[i].bv_val, a->vals[i].bv_len);
			continue;
		}
		b64 = xmalloc(4 * (a->vals[i].bv_len / 3 + 1) + 1);
		EVP_EncodeBlock((unsigned char *)b64,
		    (const unsigned char *)a->vals[i].bv_val,
		    (int)a->vals[i].bv_len);
		json_str(b64);
		free(b64);
	}
	json_end_arr();
}

static void
user_show_json(const struct dentry *e, const struct dlist *posts)
{
	char *acc = dir_account(e->dn);
	size_t i;

	json_obj();
	json_kv("dn", e->dn);
	json_kv("account", acc);
	json_key("attributes");
	json_obj();
	for (i = 0; i < e->nattrs; i++)
		user_json_attr(&e->attrs[i]);
	json_end_obj();
	json_key("posts");
	post_json(posts);
	json_end_obj();
	json_done();
	free(acc);
}

int
cmd_user_show(struct args *a)
{
	struct dentry e;
	struct dlist posts = { 0 };
	char *self = NULL;
	const char *account = args_pos(a, 0);
	int rc;

	if (account == NULL && (account = self = conn_self_account()) == NULL)
		return CLI_ERR;
	rc = dir_person(account, user_show_attrs, &e);
	free(self);
	if (rc != CLI_OK)
		return rc;
	if ((rc = dir_orgs_load(0)) == CLI_OK) {
		if ((rc = dir_posts(e.dn, &posts)) != LDAP_SUCCESS)
			rc = conn_fail(e.dn, rc);
		else if (cli.json)
			user_show_json(&e, &posts);
		else
			user_show_text(&e, &posts);
	}
	dlist_free(&posts);
	dentry_free(&e);
	return rc;
}

/* ---- add ---- */

static int
user_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* the full name: 张 + 伟 = 张伟; Latin names "Given Surname" */
static char *
user_cn(const char *sn, const char *given)
{
	size_t n = strlen(sn) + strlen(given) + 2;
	char *s = xmalloc(n);

	if (user_ascii(sn) && user_ascii(given))
		snprintf(s, n, "%s %s", given, sn);
	else
		snprintf(s, n, "%s%s", sn, given);
	return s;
}

/* the primary post: orgCode=<code>,uid=<account>,ou=people */
static int
user_add_post(const char *pdn, const struct org *o, const char *title,
    char **dnout)
{
	struct mods m = { 0 };
	char *esc, *dn;
	size_t n;
	int rc;

	esc = dir_dn_escape(o->code);
	n = strlen(esc) + strlen(pdn) + 16;
	dn = xmalloc(n);
	snprintf(dn, n, "orgCode=%s,%s", esc, pdn);
	free(esc);
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "unifiedIdPost");
	mods_add(&m, LDAP_MOD_ADD, "orgCode", o->code);
	mods_add(&m, LDAP_MOD_ADD, "postOrg", o->dn);
	mods_add(&m, LDAP_MOD_ADD, "postRank", "0");
	mods_add(&m, LDAP_MOD_ADD, "postStatus", "active");
	if (title != NULL && *title != '\0')
		mods_add(&m, LDAP_MOD_ADD, "title", title);
	rc = ldap_add_ext_s(cli.ld, dn, m.v, NULL, NULL);
	mods_free(&m);
	*dnout = dn;
	return rc;
}

static int
user_add_check(struct args *a)
{
	static const char *need[] = { "surname", "given-name", "mobile" };
	size_t i;

	for (i = 0; i < NELEM(need); i++)
		if (args_get(a, need[i]) == NULL || *args_get(a, need[i]) ==
		    '\0')
			return out_usage(_("missing --%s"), need[i]);
	if (args_get(a, "password") != NULL && args_get(a, "password-file") !=
	    NULL)
		return out_usage(_("give only one of --password and "
		    "--password-file"));
	return CLI_OK;
}

int
cmd_user_add(struct args *a)
{
	static char *rattrs[] = { "uidNumber", "gidNumber", "homeDirectory",
	    NULL };
	const char *account = args_pos(a, 0), *v;
	struct org *org = NULL;
	struct mods m = { 0 };
	struct dentry e;
	char *pdn = NULL, *postdn = NULL, *cn = NULL, *pw = NULL;
	size_t i;
	int rc, prc, got;

	if ((rc = user_add_check(a)) != CLI_OK)
		return rc;
	if (strchr(account, '=') != NULL || *account == '\0')
		return out_usage(_("'%s' is not an account name"), account);
	if (args_get(a, "org") != NULL &&
	    (rc = dir_org_find(args_get(a, "org"), &org)) != CLI_OK)
		return rc;
	if (args_get(a, "password-file") != NULL &&
	    (pw = conn_read_secret_file(args_get(a, "password-file"))) == NULL)
		return CLI_ERR;
	if (args_get(a, "password") != NULL)
		pw = xstrdup(args_get(a, "password"));
	pdn = dir_person_dn(account);
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "inetOrgPerson");
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "posixAccount");
	mods_add(&m, LDAP_MOD_ADD, "objectClass", "unifiedIdPerson");
	mods_add(&m, LDAP_MOD_ADD, "uid", account);
	cn = args_get(a, "name") != NULL ? xstrdup(args_get(a, "name")) :
	    user_cn(args_get(a, "surname"), args_get(a, "given-name"));
	mods_add(&m, LDAP_MOD_ADD, "cn", cn);
	for (i = 0; i < NELEM(user_fields); i++) {
		if (strcmp(user_fields[i].opt, "name") == 0 ||
		    (org != NULL && strcmp(user_fields[i].opt, "title") == 0))
			continue;	/* with --org the title is the post's */
		if ((v = args_get(a, user_fields[i].opt)) != NULL && *v)
			mods_add(&m, LDAP_MOD_ADD, user_fields[i].attr, v);
	}
	if (pw != NULL)
		mods_add(&m, LDAP_MOD_ADD, "userPassword", pw);
	conn_wipe(pw);
	if ((rc = ldap_add_ext_s(cli.ld, pdn, m.v, NULL, NULL)) !=
	    LDAP_SUCCESS) {
		rc = conn_fail(pdn, rc);
		goto done;
	}
	if (org != NULL && (prc = user_add_post(pdn, org, args_get(a,
	    "title"), &postdn)) != LDAP_SUCCESS) {
		conn_fail(postdn, prc);
		/* no person without the organisation that was asked for */
		if ((prc = ldap_delete_ext_s(cli.ld, pdn, NULL, NULL)) !=
		    LDAP_SUCCESS)
			conn_fail(pdn, prc);
		else
			out_err(_("%s was not added"), account);
		rc = CLI_ERR;
		goto done;
	}
	got = dir_read(pdn, rattrs, &e) == LDAP_SUCCESS;
	if (cli.json) {
		json_obj();
		json_kv("dn", pdn);
		json_kv("account", account);
		json_kv("name", cn);
		json_kv("uidNumber", got ? dentry_get(&e, "uidNumber") : NULL);
		json_kv("gidNumber", got ? dentry_get(&e, "gidNumber") : NULL);
		json_kv("homeDirectory", got ? dentry_get(&e,
		    "homeDirectory") : NULL);
		json_kv("post", postdn);
		json_end_obj();
		json_done();
	} else {
		out_info(_("Added %s (%s), user ID %s, group ID %s."), account,
		    cn, got && dentry_get(&e, "uidNumber") ? dentry_get(&e,
		    "uidNumber") : "-", got && dentry_get(&e, "gidNumber") ?
		    dentry_get(&e, "gidNumber") : "-");
		if (org != NULL)
			out_info(_("Primary post: %s (%s)."), org->name,
			    org->code);
	}
	if (got)
		dentry_free(&e);
	rc = CLI_OK;
done:
	mods_free(&m);
	free(pdn);
	free(postdn);
	free(cn);
	return rc;
}

/* ---- modify, disable, unlock ---- */

static int
user_modify_run(const char *account, struct mods *m, struct strlist *what)
{
	char *dn = dir_person_dn(account), *list;
	int rc;

	rc = ldap_modify_ext_s(cli.ld, dn, m->v, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		out_err(_("no such account: %s"), account);
		rc = CLI_ERR;
	} else if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	else {
		list = strlist_join(what, ", ");
		if (cli.json) {
			json_obj();
			json_kv("dn", dn);
			json_kv("account", account);
			json_kv_list("changed", what);
			json_end_obj();
			json_done();
		} else
			out_info(_("Updated %s: %s."), account, list);
		free(list);
		rc = CLI_OK;
	}
	free(dn);
	return rc;
}

int
cmd_user_modify(struct args *a)
{
	static char *attrs[] = { "sn", "givenName", NULL };
	const char *account = args_pos(a, 0), *v, *sn, *given;
	struct mods m = { 0 };
	struct strlist what = { 0 };
	struct dentry e;
	char *cn;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(user_fields); i++) {
		if ((v = args_get(a, user_fields[i].opt)) == NULL)
			continue;
		/* an empty value removes the field */
		mods_add(&m, LDAP_MOD_REPLACE, user_fields[i].attr, *v ? v :
		    NULL);
		strlist_add(&what, user_fields[i].attr);
	}
	if (m.n == 0) {
		strlist_free(&what);
		return out_usage(_("nothing to change: give at least one "
		    "--FIELD VALUE"));
	}
	/* a new surname or given name makes a new full name */
	if ((args_get(a, "surname") || args_get(a, "given-name")) &&
	    !args_get(a, "name")) {
		if ((rc = dir_person(account, attrs, &e)) != CLI_OK) {
			mods_free(&m);
			strlist_free(&what);
			return rc;
		}
		sn = args_get(a, "surname") ? args_get(a, "surname") :
		    dentry_get(&e, "sn");
		given = args_get(a, "given-name") ? args_get(a, "given-name") :
		    dentry_get(&e, "givenName");
		if (sn != NULL && *sn && given != NULL && *given) {
			cn = user_cn(sn, given);
			mods_add(&m, LDAP_MOD_REPLACE, "cn", cn);
			strlist_add(&what, "cn");
			free(cn);
		}
		dentry_free(&e);
	}
	rc = user_modify_run(account, &m, &what);
	mods_free(&m);
	strlist_free(&what);
	return rc;
}

int
cmd_user_disable(struct args *a)
{
	const char *reason = args_get(a, "reason");
	struct mods m = { 0 };
	struct strlist what = { 0 };
	int rc;

	mods_add(&m, LDAP_MOD_REPLACE, "accountStatus", "disabled");
	mods_add(&m, LDAP_MOD_REPLACE, "statusReason", reason && *reason ?
	    reason : NULL);
	strlist_add(&what, "accountStatus");
	strlist_add(&what, "statusReason");
	rc = user_modify_run(args_pos(a, 0), &m, &what);
	mods_free(&m);
	strlist_free(&what);
	return rc;
}

int
cmd_user_unlock(struct args *a)
{
	static char *attrs[] = { "accountStatus", "pwdAccountLockedTime",
	    NULL };
	const char *account = args_pos(a, 0), *st;
	struct mods m = { 0 };
	struct strlist what = { 0 };
	struct dentry e;
	int rc;

	if ((rc = dir_person(account, attrs, &e)) != CLI_OK)
		return rc;
	if (dentry_get(&e, "pwdAccountLockedTime") != NULL) {
		mods_add(&m, LDAP_MOD_DELETE, "pwdAccountLockedTime", NULL);
		strlist_add(&what, "pwdAccountLockedTime");
	}
	st = dentry_get(&e, "accountStatus");
	if (st != NULL && strcmp(st, "locked") == 0) {
		mods_add(&m, LDAP_MOD_REPLACE, "accountStatus", "active");
		strlist_add(&what, "accountStatus");
	}
	if (m.n == 0) {
		if (st != NULL && strcmp(st, "active") != 0)
			out_warn(_("%s is not locked, but its status is %s"),
			    account, out_value("accountStatus", st));
		if (cli.json) {
			json_obj();
			json_kv("dn", e.dn);
			json_kv("account", account);
			json_kv_list("changed", &what);
			json_end_obj();
			json_done();
		} else
			out_info(_("%s is not locked."), account);
		rc = CLI_OK;
	} else
		rc = user_modify_run(account, &m, &what);
	dentry_free(&e);
	mods_free(&m);
	strlist_free(&what);
	return rc;
}
