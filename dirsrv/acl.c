/*
 * acl.c - access control.
 *
 * Rules are strings, from the `acl:` list of the configuration followed by
 * the built-in defaults of workflows.md, in slapd's spirit:
 *
 *   to <what> [filter=<LDAP filter>] [attrs=<a,b,...|entry|*>]
 *       by <who> <none|read|write> [by <who> <access>]...
 *
 *   what: *  |  dn.base=<DN>  |  dn.subtree=<DN>  |  dn.children=<DN>
 *   who:  *  |  anonymous  |  users  |  self  |  owner  |  orgadmin  |  hosts  |
 *         dn=<DN>  |  group=<DN>  |  dnattr=<attribute>
 *
 * "{suffix}" in a DN stands for the configured suffix; values may be in
 * double quotes.  For an entry and an attribute ("entry" is the entry
 * itself: seeing it, adding or deleting it), the first rule whose target,
 * filter and attributes match decides, through the first of its "by"
 * clauses that names the requester; nothing matching means no access.
 * The rootdn is never checked.  "orgadmin" is an administrator (orgAdmin)
 * of an organisation, or of one above it, in which the person holds a
 * post; "hosts" are the members of cn=hosts,ou=roles under the suffix.
 */
#include <ctype.h>
#include <string.h>

#include "dirsrv.h"

enum acl_who {
	W_ANY, W_ANON, W_USERS, W_SELF, W_OWNER, W_ORGADMIN, W_HOSTS, W_DN,
	W_GROUP, W_DNATTR
};
enum acl_scope { S_ALL, S_BASE, S_SUBTREE, S_CHILDREN };

struct acl_by {
	enum acl_who	 who;
	struct berval	 ndn;
	struct attrtype	*attr;		/* dnattr= */
	int		 access;
};

struct acl_rule {
	enum acl_scope	 scope;
	struct berval	 ndn;
	struct filter	*filter;
	struct attrtype	**attrs;	/* NULL-terminated; NULL = all */
	int		 entry;		/* "entry" listed */
	int		 all;		/* "*" or no attrs= */
	struct acl_by	*by;
	size_t		 nby;
	const char	*text;
};

static struct acl_rule	*rules;
static size_t		 nrules;
static struct arena	 acl_arena;
static struct berval	 hosts_ndn;

static const char *default_rules[] = {
	"to dn.subtree=\"ou=people,{suffix}\" attrs=pwdHistory by * none",
	"to dn.subtree=\"ou=people,{suffix}\" attrs=userPassword "
	    "by self write by orgadmin write by * none",
	/* ID scans for manual real-name review: the person uploads them */
	"to dn.subtree=\"ou=people,{suffix}\" attrs=realNameScan "
	    "by self write by orgadmin write by * none",
	"to dn.subtree=\"ou=people,{suffix}\" "
	    "attrs=idNumber,idType,idValidFrom,idValidTo,"
	    "realNameReviewer,realNameReviewTime,realNameReason "
	    "by self read by orgadmin write by * none",
	"to dn.subtree=\"ou=people,{suffix}\" attrs=backupMail,emergencyPhone "
	    "by self write by orgadmin write by * none",
	"to dn.subtree=\"ou=people,{suffix}\" "
	    "attrs=realNameLevel,realNameStatus,accountStatus,statusReason,"
	    "pwdChangedTime,pwdAccountLockedTime,pwdFailureTime,pwdReset,"
	    "pwdGraceUseTime,pwdLastSuccess "
	    "by self read by orgadmin write by hosts read by * none",
	"to dn.subtree=\"ou=people,{suffix}\" "
	    "attrs=mobile,telephoneNumber,shortNumber,officeAddress,mail "
	    "by self write by orgadmin write by users read by * none",
	/* posts: the person asks (transfer, leave, order), the server's
	 * workflow rules decide what such a request may be */
	"to dn.subtree=\"ou=people,{suffix}\" filter=(objectClass=unifiedIdPost) "
	    "attrs=entry,objectClass,orgCode,postOrg,postRank,postStatus,"
	    "transferFrom,keepOrigin "
	    "by owner write by orgadmin write by users read by * none",
	"to dn.subtree=\"ou=people,{suffix}\" "
	    "by self read by owner read by orgadmin write by users read "
	    "by * none",
	/* enterprises (R11): the legal representative names the
	 * administrators and licence administrators; administrators name the
	 * handlers and grant authorisations (R13) */
	"to dn.subtree=\"ou=enterprises,{suffix}\" "
	    "attrs=enterpriseAdmin,licenseAdmin,mainAgent "
	    "by dnattr=legalRepresentative write by users read by * none",
	"to dn.subtree=\"ou=enterprises,{suffix}\" attrs=enterpriseHandler "
	    "by dnattr=legalRepresentative write by dnattr=enterpriseAdmin write "
	    "by users read by * none",
	"to dn.children=\"ou=enterprises,{suffix}\" "
	    "filter=(objectClass=unifiedIdAuthorization) "
	    "by dnattr=legalRepresentative write by dnattr=enterpriseAdmin write "
	    "by users read by * none",
	/* password appeals (R5): the administrators of the organisations of
	 * the person an appeal is about decide it; nobody adds or deletes
	 * one over LDAP (the anonymous appeal operation records them) */
	"to dn.children=\"ou=appeals,{suffix}\" "
	    "attrs=entry,objectClass,appealId,appealPerson,appealContact,"
	    "realNameScan,realNameReviewer,realNameReviewTime "
	    "by orgadmin read by * none",
	"to dn.children=\"ou=appeals,{suffix}\" by orgadmin write by * none",
	"to * by users read by * none",
};

/* ---- parsing ---- */

struct lex {
	const char	*p;
	char		 tok[1024];
};

/* next whitespace-separated token; "..." quotes keep spaces */
static int
lex_next(struct lex *l)
{
	size_t n = 0;
	int q = 0;

	while (isspace((unsigned char)*l->p))
		l->p++;
	if (*l->p == '\0')
		return 0;
	while (*l->p && (q || !isspace((unsigned char)*l->p))) {
		if (*l->p == '"') {
			q = !q;
			l->p++;
			continue;
		}
		if (n + 1 >= sizeof(l->tok))
			return -1;
		l->tok[n++] = *l->p++;
	}
	if (q)
		return -1;
	l->tok[n] = '\0';
	return 1;
}

static int
acl_dn(const char *in, struct berval *ndn, char *err, size_t errlen,
    const char *rule)
{
	struct buf b = { 0 };
	struct berval v, pretty;
	const char *p, *s;
	int rc;

	/* expand {suffix} */
	for (p = in; (s = strstr(p, "{suffix}")) != NULL; p = s + 8) {
		buf_add(&b, p, (size_t)(s - p));
		buf_addstr(&b, srv->cfg->suffix);
	}
	buf_addstr(&b, p);
	v.bv_val = buf_cstr(&b);
	v.bv_len = b.len;
	rc = dn_normalize(srv->schema, &acl_arena, &v, &pretty, ndn);
	if (rc != LDAP_SUCCESS)
		snprintf(err, errlen, "acl \"%.60s\": invalid DN \"%.80s\"",
		    rule, v.bv_val);
	buf_free(&b);
	return rc == LDAP_SUCCESS ? 0 : -1;
}

static int
acl_parse(const char *text, struct acl_rule *r, char *err, size_t errlen)
{
	struct lex l = { text, { 0 } };
	size_t cap = 0;
	int t;

	memset(r, 0, sizeof(*r));
	r->text = text;
	r->all = 1;
	if (lex_next(&l) != 1 || strcmp(l.tok, "to") != 0)
		goto syntax;
	if (lex_next(&l) != 1)
		goto syntax;
	if (strcmp(l.tok, "*") == 0)
		r->scope = S_ALL;
	else if (strncmp(l.tok, "dn.base=", 8) == 0 ||
	    strncmp(l.tok, "dn.subtree=", 11) == 0 ||
	    strncmp(l.tok, "dn.children=", 12) == 0) {
		char *eq = strchr(l.tok, '=');

		r->scope = l.tok[3] == 'b' ? S_BASE : l.tok[3] == 's' ?
		    S_SUBTREE : S_CHILDREN;
		if (acl_dn(eq + 1, &r->ndn, err, errlen, text) != 0)
			return -1;
	} else
		goto syntax;
	while ((t = lex_next(&l)) == 1 && strcmp(l.tok, "by") != 0) {
		if (strncmp(l.tok, "filter=", 7) == 0) {
			if (filter_from_string(srv->schema, &acl_arena,
			    l.tok + 7, &r->filter) != LDAP_SUCCESS) {
				snprintf(err, errlen, "acl \"%.60s\": bad filter",
				    text);
				return -1;
			}
		} else if (strncmp(l.tok, "attrs=", 6) == 0) {
			char *p = l.tok + 6, *c;
			size_t n = 0, k;

			for (c = p; *c; c++)
				n += *c == ',';
			r->attrs = arena_calloc(&acl_arena, n + 2,
			    sizeof(*r->attrs));
			r->all = 0;
			for (k = 0; p != NULL && *p;) {
				c = strchr(p, ',');
				if (c)
					*c = '\0';
				if (strcmp(p, "entry") == 0)
					r->entry = 1;
				else if (strcmp(p, "*") == 0)
					r->all = 1;
				else if ((r->attrs[k] = schema_at(srv->schema,
				    p, strlen(p))) != NULL)
					k++;
				else {
					snprintf(err, errlen, "acl \"%.60s\": "
					    "unknown attribute %s", text, p);
					return -1;
				}
				p = c ? c + 1 : NULL;
			}
		} else
			goto syntax;
	}
	if (t != 1)
		goto syntax;	/* no "by" clause */
	do {
		struct acl_by *b;

		if (r->nby == cap) {
			struct acl_by *nb;
			cap = cap ? cap * 2 : 4;
			nb = arena_calloc(&acl_arena, cap, sizeof(*nb));
			if (r->nby)
				memcpy(nb, r->by, r->nby * sizeof(*nb));
			r->by = nb;
		}
		b = &r->by[r->nby];
		if (lex_next(&l) != 1)
			goto syntax;
		if (strcmp(l.tok, "*") == 0)
			b->who = W_ANY;
		else if (strcmp(l.tok, "anonymous") == 0)
			b->who = W_ANON;
		else if (strcmp(l.tok, "users") == 0)
			b->who = W_USERS;
		else if (strcmp(l.tok, "self") == 0)
			b->who = W_SELF;
		else if (strcmp(l.tok, "owner") == 0)
			b->who = W_OWNER;
		else if (strcmp(l.tok, "orgadmin") == 0)
			b->who = W_ORGADMIN;
		else if (strcmp(l.tok, "hosts") == 0)
			b->who = W_HOSTS;
		else if (strncmp(l.tok, "dnattr=", 7) == 0) {
			b->who = W_DNATTR;
			b->attr = schema_at(srv->schema, l.tok + 7,
			    strlen(l.tok + 7));
			if (b->attr == NULL) {
				snprintf(err, errlen, "acl \"%.60s\": unknown "
				    "attribute %s", text, l.tok + 7);
				return -1;
			}
		} else if (strncmp(l.tok, "dn=", 3) == 0 ||
		    strncmp(l.tok, "group=", 6) == 0) {
			b->who = l.tok[0] == 'd' ? W_DN : W_GROUP;
			if (acl_dn(strchr(l.tok, '=') + 1, &b->ndn, err, errlen,
			    text) != 0)
				return -1;
		} else
			goto syntax;
		if (lex_next(&l) != 1)
			goto syntax;
		if (strcmp(l.tok, "none") == 0)
			b->access = ACL_NONE;
		else if (strcmp(l.tok, "read") == 0)
			b->access = ACL_READ;
		else if (strcmp(l.tok, "write") == 0)
			b->access = ACL_WRITE;
		else
			goto syntax;
		r->nby++;
	} while ((t = lex_next(&l)) == 1 && strcmp(l.tok, "by") == 0);
	if (t != 0)
		goto syntax;
	return 0;
syntax:
	snprintf(err, errlen, "acl \"%.60s\": syntax error near \"%.30s\" "
	    "(to <what> [filter=..] [attrs=..] by <who> <access>...)", text,
	    l.tok);
	return -1;
}

int
acl_init(char *err, size_t errlen)
{
	const struct strlist *l = &srv->cfg->acl;
	struct berval hosts = { 0, NULL }, pretty;
	char buf[1024];
	size_t i, n = l->n + NELEM(default_rules);

	rules = arena_calloc(&acl_arena, n, sizeof(*rules));
	nrules = 0;
	for (i = 0; i < n; i++) {
		const char *t = i < l->n ? l->v[i] : default_rules[i - l->n];

		if (acl_parse(arena_strndup(&acl_arena, t, strlen(t)),
		    &rules[nrules], err, errlen) != 0)
			return -1;
		nrules++;
	}
	snprintf(buf, sizeof(buf), "cn=hosts,ou=roles,%s", srv->cfg->suffix);
	hosts.bv_val = buf;
	hosts.bv_len = strlen(buf);
	if (dn_normalize(srv->schema, &acl_arena, &hosts, &pretty,
	    &hosts_ndn) != LDAP_SUCCESS)
		hosts_ndn.bv_len = 0;
	return 0;
}

void
acl_free(void)
{
	arena_free(&acl_arena);
	rules = NULL;
	nrules = 0;
}

/* ---- evaluation ---- */

static int
bv_eq(const struct berval *a, const struct berval *b)
{
	return a->bv_len == b->bv_len && memcmp(a->bv_val, b->bv_val,
	    a->bv_len) == 0;
}

/* is ndn a member (member attribute) of the group gdn? */
static int
acl_member(struct op *op, MDB_txn *txn, const struct berval *gdn,
    const struct berval *ndn)
{
	struct attrtype *mem = schema_at(srv->schema, "member", 6);
	struct entry g;
	struct attr *a;

	if (mem == NULL || ndn->bv_len == 0 ||
	    store_get_dn(&srv->store, txn, &op->arena, gdn, &g) != 0 ||
	    (a = entry_find(&g, mem)) == NULL)
		return 0;
	if (a->external)
		return store_mv_has(&srv->store, txn, g.id, mem, ndn);
	return attr_find_value(a, ndn) >= 0;
}

/* is the requester an orgAdmin of org (a DN) or of one above it? */
static int
acl_admin_of_org(struct op *op, MDB_txn *txn, const struct berval *org)
{
	struct attrtype *oa = schema_at(srv->schema, "orgAdmin", 8);
	struct berval p = *org;
	struct entry e;
	struct attr *a;
	int depth;

	if (oa == NULL)
		return 0;
	for (depth = 0; p.bv_len > 0 && depth < 32 &&
	    dn_is_suffix(&p, &srv->nsuffix) && p.bv_len > srv->nsuffix.bv_len;
	    depth++, dn_parent(&p, &p)) {
		if (store_get_dn(&srv->store, txn, &op->arena, &p, &e) != 0)
			continue;
		if ((a = entry_find(&e, oa)) != NULL &&
		    attr_find_value(a, &op->bindndn) >= 0)
			return 1;
	}
	return 0;
}

/* orgs (normalised postOrg DNs) of a post entry */
static int
acl_post_orgs_admin(struct op *op, MDB_txn *txn, const struct entry *post)
{
	struct attrtype *po = schema_at(srv->schema, "postOrg", 7);
	struct attr *a;
	size_t i;

	if (po == NULL || (a = entry_find(post, po)) == NULL)
		return 0;
	for (i = 0; i < a->nv; i++)
		if (acl_admin_of_org(op, txn, &a->nvals[i]))
			return 1;
	return 0;
}

/* does the requester administer an organisation of person id's posts? */
static int
acl_person_orgs_admin(struct op *op, MDB_txn *txn, uint64_t id)
{
	struct idl kids = { 0 };
	struct entry c;
	size_t i;
	int yes = 0;

	if (id != 0 && store_children(&srv->store, txn, id, &kids) == 0)
		for (i = 0; i < kids.n && !yes; i++)
			if (store_get(&srv->store, txn, &op->arena, kids.ids[i],
			    &c) == 0)
				yes = acl_post_orgs_admin(op, txn, &c);
	idl_free(&kids);
	return yes;
}

static int
acl_is_orgadmin(struct op *op, MDB_txn *txn, const struct entry *e)
{
	struct attrtype *oa = schema_at(srv->schema, "orgAdmin", 8);
	struct attrtype *ap = schema_at(srv->schema, "appealPerson", 12);
	struct attr *a;
	struct entry p;
	int yes = 0;

	if (op->bindndn.bv_len == 0)
		return 0;
	if (op->acl_orgadmin_id == e->id && e->id != 0)
		return op->acl_orgadmin;
	/* a post: the organisation it is in */
	if (acl_post_orgs_admin(op, txn, e))
		yes = 1;
	/* a person: the organisations of their posts */
	if (!yes)
		yes = acl_person_orgs_admin(op, txn, e->id);
	/* a password appeal: those of the person it is about */
	if (!yes && ap != NULL && (a = entry_find(e, ap)) != NULL &&
	    a->nv > 0 && store_get_dn(&srv->store, txn, &op->arena,
	    &a->nvals[0], &p) == 0)
		yes = acl_person_orgs_admin(op, txn, p.id);
	/* a new entry (id 0, being added): an administrator of any org */
	if (!yes && e->id == 0 && oa != NULL && oa->idx_eq) {
		struct idl l = { 0 };

		if (index_eq(&srv->store, txn, oa, &op->bindndn, &l) == 0 &&
		    l.n > 0)
			yes = 1;
		idl_free(&l);
	}
	op->acl_orgadmin_id = e->id;
	op->acl_orgadmin = yes;
	return yes;
}

int
workflow_is_org_admin(struct op *op, MDB_txn *txn, const struct entry *post)
{
	return op->bindndn.bv_len > 0 && acl_post_orgs_admin(op, txn, post);
}

/*
 * dnattr=ATTR: the requester's DN is a value of ATTR in the entry, or in
 * its parent when the entry has no such attribute (an enterprise's
 * legalRepresentative for the enterprise's authorisation entries).
 */
static int
acl_dnattr(struct op *op, MDB_txn *txn, const struct attrtype *at,
    const struct entry *e)
{
	struct attr *a;
	struct entry p;
	struct berval parent;

	if (op->bindndn.bv_len == 0)
		return 0;
	if ((a = entry_find(e, at)) == NULL) {
		dn_parent(&e->ndn, &parent);
		if (parent.bv_len == 0 || store_get_dn(&srv->store, txn,
		    &op->arena, &parent, &p) != 0 ||
		    (a = entry_find(&p, at)) == NULL)
			return 0;
	}
	return attr_find_value(a, &op->bindndn) >= 0;
}

static int
acl_who(struct op *op, MDB_txn *txn, const struct acl_by *b,
    const struct entry *e)
{
	switch (b->who) {
	case W_ANY:
		return 1;
	case W_ANON:
		return op->bindndn.bv_len == 0;
	case W_USERS:
		return op->bindndn.bv_len > 0;
	case W_SELF:
		return op->bindndn.bv_len > 0 && bv_eq(&op->bindndn, &e->ndn);
	case W_OWNER: {
		/* the entry is the requester's, or directly below it (posts) */
		struct berval parent;

		if (op->bindndn.bv_len == 0)
			return 0;
		dn_parent(&e->ndn, &parent);
		return bv_eq(&op->bindndn, &e->ndn) ||
		    bv_eq(&op->bindndn, &parent);
	}
	case W_DN:
		return bv_eq(&op->bindndn, &b->ndn);
	case W_GROUP:
		return acl_member(op, txn, &b->ndn, &op->bindndn);
	case W_HOSTS:
		if (op->acl_host < 0)
			op->acl_host = hosts_ndn.bv_len > 0 &&
			    acl_member(op, txn, &hosts_ndn, &op->bindndn);
		return op->acl_host;
	case W_ORGADMIN:
		return acl_is_orgadmin(op, txn, e);
	case W_DNATTR:
		return acl_dnattr(op, txn, b->attr, e);
	}
	return 0;
}

static int
acl_target(struct op *op, MDB_txn *txn, const struct acl_rule *r,
    const struct entry *e)
{
	struct berval parent;

	switch (r->scope) {
	case S_BASE:
		if (!bv_eq(&e->ndn, &r->ndn))
			return 0;
		break;
	case S_SUBTREE:
		if (!dn_is_suffix(&e->ndn, &r->ndn))
			return 0;
		break;
	case S_CHILDREN:
		if (bv_eq(&e->ndn, &r->ndn) || !dn_is_suffix(&e->ndn, &r->ndn))
			return 0;
		break;
	case S_ALL:
		break;
	}
	(void)parent;
	if (r->filter != NULL && filter_match(&srv->store, txn, &op->arena,
	    r->filter, e) != FR_TRUE)
		return 0;
	return 1;
}

static int
acl_attr(const struct acl_rule *r, const struct attrtype *at)
{
	size_t i;

	if (r->all)
		return 1;
	if (at == NULL)
		return r->entry;
	for (i = 0; r->attrs[i] != NULL; i++)
		if (at_is_a(at, r->attrs[i]))
			return 1;
	return 0;
}

/*
 * The access the requester of op has to attribute at of e (at == NULL:
 * the entry itself).  txn is any transaction that can read.
 */
int
acl_access(struct op *op, MDB_txn *txn, const struct entry *e,
    const struct attrtype *at)
{
	size_t i, k;

	if (op->isroot)
		return ACL_WRITE;
	for (i = 0; i < nrules; i++) {
		const struct acl_rule *r = &rules[i];

		if (!acl_attr(r, at) || !acl_target(op, txn, r, e))
			continue;
		for (k = 0; k < r->nby; k++)
			if (acl_who(op, txn, &r->by[k], e))
				return r->by[k].access;
		return ACL_NONE;
	}
	return ACL_NONE;
}

int
acl_can(struct op *op, MDB_txn *txn, const struct entry *e,
    const struct attrtype *at, int want)
{
	return acl_access(op, txn, e, at) >= want;
}
