/*
 * dir.c - the directory as the commands see it (contract section 4):
 * DNs of people, posts and organisations, searches with paged results
 * (RFC 2696) copied into plain structures, the organisation tree, a
 * person's posts in rank order.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

#define DIR_PAGE_SIZE	500

/* ---- DNs and filters ---- */

/* an attribute value for a DN string (RFC 4514 section 2.4) */
char *
dir_dn_escape(const char *v)
{
	struct buf b = { 0 };
	size_t i, n = strlen(v);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\0' || strchr(",+\"\\<>;=", c) != NULL ||
		    (i == 0 && (c == ' ' || c == '#')) ||
		    (i == n - 1 && c == ' '))
			buf_printf(&b, "\\%02x", c);
		else
			buf_addc(&b, c);
	}
	return buf_cstr(&b);
}

/* an assertion value for a filter string (RFC 4515 section 3); UTF-8
 * passes as it is */
char *
dir_filter_escape(const char *v)
{
	struct buf b = { 0 };

	for (; *v; v++) {
		if (strchr("*()\\", *v) != NULL)
			buf_printf(&b, "\\%02x", (unsigned char)*v);
		else
			buf_addc(&b, *v);
	}
	return buf_cstr(&b);
}

/* a form of the DN for comparisons: LDAPv3 syntax, ASCII lower case */
char *
dir_ndn(const char *dn)
{
	char *out = NULL, *s, *p;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAPV3, &out,
	    LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && out != NULL) {
		s = xstrdup(out);
		ldap_memfree(out);
	} else
		s = xstrdup(dn);
	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

int
dir_dn_equal(const char *a, const char *b)
{
	char *x = dir_ndn(a), *y = dir_ndn(b);
	int eq = strcmp(x, y) == 0;

	free(x);
	free(y);
	return eq;
}

/* dn is ancestor or below it */
int
dir_dn_under(const char *dn, const char *ancestor)
{
	char *x = dir_ndn(dn), *y = dir_ndn(ancestor);
	size_t lx = strlen(x), ly = strlen(y);
	int under = strcmp(x, y) == 0 || (lx > ly + 1 &&
	    strcmp(x + lx - ly, y) == 0 && x[lx - ly - 1] == ',');

	free(x);
	free(y);
	return under;
}

/* everything after the first RDN ("" for a one-RDN DN) */
char *
dir_dn_parent(const char *dn)
{
	LDAPDN ldn = NULL;
	char *out = NULL, *s;

	if (ldap_str2dn(dn, &ldn, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS ||
	    ldn == NULL || ldn[0] == NULL)
		return xstrdup("");
	if (ldn[1] == NULL || ldap_dn2str(&ldn[1], &out,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || out == NULL) {
		ldap_dnfree(ldn);
		return xstrdup("");
	}
	s = xstrdup(out);
	ldap_memfree(out);
	ldap_dnfree(ldn);
	return s;
}

/* the value of the first RDN when it is a single TYPE=value */
char *
dir_rdn_value(const char *dn, const char *type)
{
	LDAPDN ldn = NULL;
	LDAPAVA *ava;
	char *v = NULL;

	if (ldap_str2dn(dn, &ldn, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS ||
	    ldn == NULL)
		return NULL;
	if (ldn[0] != NULL && ldn[0][0] != NULL && ldn[0][1] == NULL) {
		ava = ldn[0][0];
		if (ava->la_attr.bv_len == strlen(type) &&
		    strncasecmp(ava->la_attr.bv_val, type,
		    ava->la_attr.bv_len) == 0)
			v = xstrndup(ava->la_value.bv_val, ava->la_value.bv_len);
	}
	ldap_dnfree(ldn);
	return v;
}

/* an account name (or a DN, as given) to the person's DN */
char *
dir_person_dn(const char *account)
{
	char *e, *dn;
	size_t n;

	if (strchr(account, '=') != NULL)
		return xstrdup(account);
	e = dir_dn_escape(account);
	n = strlen(e) + strlen(cli.people) + 6;
	dn = xmalloc(n);
	snprintf(dn, n, "uid=%s,%s", e, cli.people);
	free(e);
	return dn;
}

/* the account name of a person's DN, NULL for anything else */
char *
dir_account(const char *dn)
{
	char *parent = dir_dn_parent(dn);
	char *uid = NULL;

	if (dir_dn_equal(parent, cli.people))
		uid = dir_rdn_value(dn, "uid");
	free(parent);
	return uid;
}

/* ---- entries ---- */

static void
dentry_from(LDAPMessage *m, struct dentry *e)
{
	BerElement *ber = NULL;
	struct berval **vals;
	struct dattr *a;
	char *dn, *name;
	size_t i, n;

	memset(e, 0, sizeof(*e));
	dn = ldap_get_dn(cli.ld, m);
	e->dn = xstrdup(dn ? dn : "");
	ldap_memfree(dn);
	for (name = ldap_first_attribute(cli.ld, m, &ber); name != NULL;
	    name = ldap_next_attribute(cli.ld, m, ber)) {
		vals = ldap_get_values_len(cli.ld, m, name);
		n = vals ? (size_t)ldap_count_values_len(vals) : 0;
		e->attrs = xreallocarray(e->attrs, e->nattrs + 1,
		    sizeof(*e->attrs));
		a = &e->attrs[e->nattrs++];
		a->name = xstrdup(name);
		a->n = n;
		a->vals = xcalloc(n + 1, sizeof(*a->vals));
		for (i = 0; i < n; i++) {
			a->vals[i].bv_len = vals[i]->bv_len;
			a->vals[i].bv_val = xmalloc(vals[i]->bv_len + 1);
			memcpy(a->vals[i].bv_val, vals[i]->bv_val,
			    vals[i]->bv_len);
			a->vals[i].bv_val[vals[i]->bv_len] = '\0';
		}
		ldap_value_free_len(vals);
		ldap_memfree(name);
	}
	ber_free(ber, 0);
}

const struct dattr *
dentry_attr(const struct dentry *e, const char *name)
{
	size_t i;

	for (i = 0; e != NULL && i < e->nattrs; i++)
		if (strcasecmp(e->attrs[i].name, name) == 0)
			return &e->attrs[i];
	return NULL;
}

/* first value, NULL when absent (or not readable) */
const char *
dentry_get(const struct dentry *e, const char *name)
{
	const struct dattr *a = dentry_attr(e, name);

	return a != NULL && a->n > 0 ? a->vals[0].bv_val : NULL;
}

void
dentry_free(struct dentry *e)
{
	size_t i, j;

	for (i = 0; i < e->nattrs; i++) {
		for (j = 0; j < e->attrs[i].n; j++)
			free(e->attrs[i].vals[j].bv_val);
		free(e->attrs[i].vals);
		free(e->attrs[i].name);
	}
	free(e->attrs);
	free(e->dn);
	memset(e, 0, sizeof(*e));
}

void
dlist_free(struct dlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		dentry_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- searches ---- */

static void
dir_collect(LDAPMessage *res, struct dlist *out)
{
	LDAPMessage *m;

	for (m = ldap_first_entry(cli.ld, res); m != NULL;
	    m = ldap_next_entry(cli.ld, m)) {
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		dentry_from(m, &out->v[out->n++]);
	}
}

/* the cookie of a paged-results response, NULL at the last page */
static struct berval *
dir_next_cookie(LDAPMessage *res)
{
	LDAPControl **ctrls = NULL, *pc;
	struct berval cookie = { 0, NULL }, *next = NULL;
	ber_int_t count;
	int err;

	if (ldap_parse_result(cli.ld, res, &err, NULL, NULL, NULL, &ctrls,
	    0) != LDAP_SUCCESS)
		return NULL;
	pc = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
	if (pc != NULL && ldap_parse_pageresponse_control(cli.ld, pc, &count,
	    &cookie) == LDAP_SUCCESS && cookie.bv_len > 0)
		next = ber_bvdup(&cookie);
	ber_memfree(cookie.bv_val);
	ldap_controls_free(ctrls);
	return next;
}

/*
 * Search and append the entries to out (which the caller frees).  Other
 * scopes than base go page by page, so big listings are not cut by the
 * server's size limit.  Returns an LDAP result code; a size limit still
 * delivers what came, with a warning.
 */
int
dir_search(const char *base, int scope, const char *filter, char **attrs,
    struct dlist *out)
{
	struct berval *cookie = NULL;
	LDAPControl *pc, *ctrls[2] = { NULL, NULL };
	LDAPMessage *res;
	int rc;

	for (;;) {
		pc = NULL;
		if (scope != LDAP_SCOPE_BASE && ldap_create_page_control(cli.ld,
		    DIR_PAGE_SIZE, cookie, 0, &pc) == LDAP_SUCCESS)
			ctrls[0] = pc;
		res = NULL;
		rc = ldap_search_ext_s(cli.ld, base, scope, filter, attrs, 0,
		    ctrls[0] != NULL ? ctrls : NULL, NULL, NULL, LDAP_NO_LIMIT,
		    &res);
		if (pc != NULL)
			ldap_control_free(pc);
		ctrls[0] = NULL;
		ber_bvfree(cookie);
		cookie = NULL;
		if (res != NULL)
			dir_collect(res, out);
		if (rc == LDAP_SIZELIMIT_EXCEEDED ||
		    rc == LDAP_ADMINLIMIT_EXCEEDED) {
			out_warn(_("the server returned only part of the "
			    "results (%s)"), ldap_err2string(rc));
			rc = LDAP_SUCCESS;
		} else if (rc == LDAP_SUCCESS && res != NULL)
			cookie = dir_next_cookie(res);
		ldap_msgfree(res);
		if (rc != LDAP_SUCCESS || cookie == NULL)
			break;
	}
	ber_bvfree(cookie);
	return rc;
}

/* one entry; LDAP_NO_SUCH_OBJECT when it is absent or hidden */
int
dir_read(const char *dn, char **attrs, struct dentry *out)
{
	struct dlist l = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = dir_search(dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, &l);
	if (rc == LDAP_SUCCESS && l.n == 0)
		rc = LDAP_NO_SUCH_OBJECT;
	if (rc == LDAP_SUCCESS) {
		*out = l.v[0];
		l.v[0] = l.v[--l.n];
	}
	dlist_free(&l);
	return rc;
}

/* a person by account name: CLI_OK, or CLI_ERR with the reason printed */
int
dir_person(const char *account, char **attrs, struct dentry *out)
{
	char *dn = dir_person_dn(account);
	int rc = dir_read(dn, attrs, out);

	if (rc == LDAP_NO_SUCH_OBJECT) {
		out_err(_("no such account: %s"), account);
		rc = CLI_ERR;
	} else if (rc != LDAP_SUCCESS)
		rc = conn_fail(dn, rc);
	free(dn);
	return rc;
}

/* ---- posts ---- */

long
dir_rank(const struct dentry *post)
{
	const char *r = dentry_get(post, "postRank");
	char *end;
	long v;

	if (r == NULL)
		return LONG_MAX;
	v = strtol(r, &end, 10);
	return *end == '\0' ? v : LONG_MAX;
}

static int
dir_post_cmp(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	long rx = dir_rank(x), ry = dir_rank(y);
	const char *cx = dentry_get(x, "orgCode"), *cy = dentry_get(y,
	    "orgCode");

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(cx ? cx : "", cy ? cy : "");
}

/* a person's posts, primary first (rank order; unranked requests last) */
int
dir_posts(const char *person_dn, struct dlist *out)
{
	static char *attrs[] = { "orgCode", "postOrg", "title", "postRank",
	    "postStatus", "transferFrom", "keepOrigin", "description", NULL };
	int rc;

	rc = dir_search(person_dn, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=unifiedIdPost)", attrs, out);
	if (rc == LDAP_SUCCESS && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), dir_post_cmp);
	return rc;
}

/* ---- organisations ---- */

static struct {
	struct org	*v;
	struct org	**sorted;	/* by ndn */
	size_t		 n;
	int		 loaded;
	int		 members;
} orgs;

static int
org_ndn_cmp(const void *a, const void *b)
{
	const struct org *const *x = a, *const *y = b;

	return strcmp((*x)->ndn, (*y)->ndn);
}

static int
org_sibling_cmp(const void *a, const void *b)
{
	const struct org *const *x = a, *const *y = b;

	if ((*x)->order != (*y)->order)
		return (*x)->order < (*y)->order ? -1 : 1;
	return strcmp((*x)->code ? (*x)->code : "", (*y)->code ?
	    (*y)->code : "");
}

static int
org_key_cmp(const void *key, const void *elem)
{
	const struct org *const *o = elem;

	return strcmp(key, (*o)->ndn);
}

static struct org *
org_by_ndn(const char *ndn)
{
	struct org **found;

	if (orgs.n == 0)
		return NULL;
	found = bsearch(ndn, orgs.sorted, orgs.n, sizeof(*orgs.sorted),
	    org_key_cmp);
	return found ? *found : NULL;
}

static void
org_from(const struct dentry *e, struct org *o)
{
	const struct dattr *a;
	const char *v;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->dn = xstrdup(e->dn);
	o->ndn = dir_ndn(e->dn);
	o->name = xstrdup((v = dentry_get(e, "ou")) ? v : "");
	o->code = xstrdup((v = dentry_get(e, "orgCode")) ? v : "");
	o->gid = (v = dentry_get(e, "gidNumber")) ? xstrdup(v) : NULL;
	o->type = (v = dentry_get(e, "orgType")) ? xstrdup(v) : NULL;
	o->order = (v = dentry_get(e, "orgOrder")) ? strtol(v, NULL, 10) :
	    LONG_MAX;
	if ((a = dentry_attr(e, "member")) != NULL)
		o->members = a->n;
	if ((a = dentry_attr(e, "orgAdmin")) != NULL)
		for (i = 0; i < a->n; i++)
			strlist_add(&o->admins, a->vals[i].bv_val);
}

/*
 * Load the organisation tree under ou=orgs once (with member counts when
 * asked: that reads every member value).  Returns CLI_OK or CLI_ERR.
 */
int
dir_orgs_load(int with_members)
{
	static char *attrs[] = { "ou", "orgCode", "gidNumber", "orgType",
	    "orgOrder", "orgAdmin", NULL, NULL };
	struct dlist l = { 0 };
	struct org *o, *p;
	char *pn, *pnn;
	size_t i;
	int rc;

	if (orgs.loaded && (orgs.members || !with_members))
		return CLI_OK;
	attrs[6] = with_members ? "member" : NULL;
	rc = dir_search(cli.orgs, LDAP_SCOPE_SUBTREE,
	    "(objectClass=unifiedIdOrg)", attrs, &l);
	if (rc == LDAP_NO_SUCH_OBJECT)
		rc = LDAP_SUCCESS;	/* no organisations yet */
	if (rc != LDAP_SUCCESS) {
		dlist_free(&l);
		return conn_fail(cli.orgs, rc);
	}
	for (i = 0; i < orgs.n; i++) {
		o = &orgs.v[i];
		free(o->dn);
		free(o->ndn);
		free(o->name);
		free(o->code);
		free(o->gid);
		free(o->type);
		free(o->kids);
		strlist_free(&o->admins);
	}
	free(orgs.v);
	free(orgs.sorted);
	orgs.n = l.n;
	orgs.v = xcalloc(l.n + 1, sizeof(*orgs.v));
	orgs.sorted = xcalloc(l.n + 1, sizeof(*orgs.sorted));
	for (i = 0; i < l.n; i++) {
		org_from(&l.v[i], &orgs.v[i]);
		orgs.sorted[i] = &orgs.v[i];
	}
	dlist_free(&l);
	qsort(orgs.sorted, orgs.n, sizeof(*orgs.sorted), org_ndn_cmp);
	for (i = 0; i < orgs.n; i++) {
		o = &orgs.v[i];
		pn = dir_dn_parent(o->dn);
		pnn = dir_ndn(pn);
		p = org_by_ndn(pnn);
		free(pn);
		free(pnn);
		if (p == NULL)
			continue;
		o->parent = p;
		p->kids = xreallocarray(p->kids, p->nkids + 1,
		    sizeof(*p->kids));
		p->kids[p->nkids++] = o;
	}
	for (i = 0; i < orgs.n; i++)
		if (orgs.v[i].nkids > 1)
			qsort(orgs.v[i].kids, orgs.v[i].nkids,
			    sizeof(*orgs.v[i].kids), org_sibling_cmp);
	orgs.loaded = 1;
	orgs.members = with_members;
	return CLI_OK;
}

/* all organisations, top-level ones in sibling order first */
size_t
dir_orgs(struct org ***all)
{
	static struct org **tops;
	size_t i, n = 0;

	free(tops);
	tops = xcalloc(orgs.n + 1, sizeof(*tops));
	for (i = 0; i < orgs.n; i++)
		if (orgs.v[i].parent == NULL)
			tops[n++] = &orgs.v[i];
	qsort(tops, n, sizeof(*tops), org_sibling_cmp);
	*all = tops;
	return n;
}

struct org *
dir_org_by_dn(const char *dn)
{
	char *ndn = dir_ndn(dn);
	struct org *o = org_by_ndn(ndn);

	free(ndn);
	return o;
}

/* by orgCode; NULL when none or ambiguous */
struct org *
dir_org_by_code(const char *code)
{
	struct org *found = NULL;
	size_t i;

	for (i = 0; i < orgs.n; i++)
		if (strcmp(orgs.v[i].code, code) == 0) {
			if (found != NULL)
				return NULL;
			found = &orgs.v[i];
		}
	return found;
}

/* an organisation named on the command line by orgCode or DN */
int
dir_org_find(const char *arg, struct org **out)
{
	size_t i, n = 0;
	int rc;

	*out = NULL;
	if ((rc = dir_orgs_load(0)) != CLI_OK)
		return rc;
	if (strchr(arg, '=') != NULL)
		*out = dir_org_by_dn(arg);
	else {
		for (i = 0; i < orgs.n; i++)
			if (strcmp(orgs.v[i].code, arg) == 0)
				n++;
		if (n > 1) {
			out_err(_("organisation code %s is ambiguous (%zu "
			    "organisations): give its DN"), arg, n);
			return CLI_ERR;
		}
		*out = dir_org_by_code(arg);
	}
	if (*out == NULL) {
		out_err(_("no such organisation: %s"), arg);
		return CLI_ERR;
	}
	return CLI_OK;
}

/* how a post's organisation is shown: its name, else its code */
const char *
dir_org_label(const char *postorg, const char *code)
{
	struct org *o = NULL;

	if (dir_orgs_load(0) != CLI_OK)
		return code ? code : "?";
	if (postorg != NULL)
		o = dir_org_by_dn(postorg);
	if (o == NULL && code != NULL)
		o = dir_org_by_code(code);
	if (o != NULL && o->name[0] != '\0')
		return o->name;
	return code ? code : "?";
}

/* ---- modifications ---- */

static LDAPMod *
mods_find(struct mods *m, int op, const char *type)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i]->mod_op == op && strcasecmp(m->v[i]->mod_type,
		    type) == 0)
			return m->v[i];
	return NULL;
}

/* one more value of TYPE for OP (value NULL: none, e.g. delete all) */
void
mods_add(struct mods *m, int op, const char *type, const char *value)
{
	LDAPMod *mod = mods_find(m, op, type);
	size_t n = 0;

	if (mod == NULL) {
		mod = xcalloc(1, sizeof(*mod));
		mod->mod_op = op;
		mod->mod_type = xstrdup(type);
		m->v = xreallocarray(m->v, m->n + 2, sizeof(*m->v));
		m->v[m->n++] = mod;
		m->v[m->n] = NULL;
	}
	if (value == NULL)
		return;
	while (mod->mod_values != NULL && mod->mod_values[n] != NULL)
		n++;
	mod->mod_values = xreallocarray(mod->mod_values, n + 2,
	    sizeof(*mod->mod_values));
	mod->mod_values[n] = xstrdup(value);
	mod->mod_values[n + 1] = NULL;
}

void
mods_addv(struct mods *m, int op, const char *type, const struct strlist *l)
{
	size_t i;

	if (l->n == 0)
		mods_add(m, op, type, NULL);
	for (i = 0; i < l->n; i++)
		mods_add(m, op, type, l->v[i]);
}

void
mods_free(struct mods *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		for (j = 0; m->v[i]->mod_values != NULL &&
		    m->v[i]->mod_values[j] != NULL; j++) {
			/* values may be passwords */
			explicit_bzero(m->v[i]->mod_values[j],
			    strlen(m->v[i]->mod_values[j]));
			free(m->v[i]->mod_values[j]);
		}
		free(m->v[i]->mod_values);
		free(m->v[i]->mod_type);
		free(m->v[i]);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
