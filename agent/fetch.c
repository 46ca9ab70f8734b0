/*
 * fetch.c - directory entries to cache records (layouts in agent.h),
 * with the searches nslcd makes (contract 4b): users
 * (&(objectClass=posixAccount)(uid=X)) or (uidNumber=N), groups
 * (&(objectClass=posixGroup)(cn=X)) or (gidNumber=N), a person's groups
 * (&(objectClass=posixGroup)(|(memberUid=X)(member=DN))), and paged
 * results (RFC 2696) for the full refresh.
 *
 * Entries whose names or fields would break a passwd or group line (a
 * ':' or a newline, an empty name, a number that is not one) are left
 * out and logged: a directory value must never forge another field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "agent.h"

#define PAGE_SIZE	1000

char *fetch_user_attrs[] = {
	"uid", "uidNumber", "gidNumber", "cn", "homeDirectory", "loginShell",
	"accountStatus", "statusReason", "realNameLevel", "pwdReset",
	"pwdChangedTime", "mobile", "shadowLastChange", "shadowMin",
	"shadowMax", "shadowWarning", "shadowInactive", "shadowExpire", NULL
};
char *fetch_group_attrs[] = {
	"cn", "gidNumber", "objectClass", "memberUid", "member", NULL
};
static char *ig_attrs[] = { "cn", "gidNumber", "objectClass", NULL };

/* a value that may stand in a passwd/group line */
static int
field_ok(const struct berval *v)
{
	ber_len_t	i;

	for (i = 0; i < v->bv_len; i++)
		if (v->bv_val[i] == ':' || v->bv_val[i] == '\n' ||
		    v->bv_val[i] == '\r' || v->bv_val[i] == '\0')
			return 0;
	return 1;
}

static int
num_ok(const struct berval *v)
{
	struct ua_field	f = { v->bv_val, (uint32_t)v->bv_len };
	uint32_t	x;

	return v->bv_len < 16 && ua_field_u32(&f, &x) == 0;
}

/* first value of attr as a new string in s ("" when absent) */
static int
add_first(struct sv *s, LDAP *ld, LDAPMessage *e, const char *attr,
    int must_be_number)
{
	struct berval	**vals = ldap_get_values_len(ld, e, attr);
	char		 *p;
	int		  rc = 0;

	if (vals == NULL || vals[0] == NULL) {
		sv_add(s, "");
	} else if (!field_ok(vals[0]) || (must_be_number &&
	    !num_ok(vals[0]))) {
		rc = -1;
		sv_add(s, "");
	} else {
		p = xstrndup(vals[0]->bv_val, vals[0]->bv_len);
		sv_add(s, p);
		free(p);
	}
	ldap_value_free_len(vals);
	return rc;
}

/* GeneralizedTime to epoch seconds as text ("" when absent or bad) */
static void
add_gentime(struct sv *s, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval	**vals = ldap_get_values_len(ld, e, attr);
	struct tm	  tm;
	char		  buf[16];

	if (vals == NULL || vals[0] == NULL || vals[0]->bv_len < 14) {
		sv_add(s, "");
		ldap_value_free_len(vals);
		return;
	}
	memcpy(buf, vals[0]->bv_val, 14);
	buf[14] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (sscanf(buf, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		sv_addf(s, "%lld", (long long)timegm(&tm));
	} else
		sv_add(s, "");
	ldap_value_free_len(vals);
}

int
fetch_user_entry(LDAP *ld, LDAPMessage *e, struct sv *u)
{
	char	*dn = ldap_get_dn(ld, e);
	int	 bad = 0;

	memset(u, 0, sizeof(*u));
	bad |= add_first(u, ld, e, "uid", 0);
	sv_add(u, "x");
	bad |= add_first(u, ld, e, "uidNumber", 1);
	bad |= add_first(u, ld, e, "gidNumber", 1);
	bad |= add_first(u, ld, e, "cn", 0);
	bad |= add_first(u, ld, e, "homeDirectory", 0);
	bad |= add_first(u, ld, e, "loginShell", 0);
	sv_add(u, dn != NULL ? dn : "");
	add_first(u, ld, e, "accountStatus", 0);
	add_first(u, ld, e, "statusReason", 0);
	add_first(u, ld, e, "realNameLevel", 0);
	add_first(u, ld, e, "pwdReset", 0);
	add_gentime(u, ld, e, "pwdChangedTime");
	add_first(u, ld, e, "mobile", 0);
	add_first(u, ld, e, "shadowLastChange", 1);
	add_first(u, ld, e, "shadowMin", 1);
	add_first(u, ld, e, "shadowMax", 1);
	add_first(u, ld, e, "shadowWarning", 1);
	add_first(u, ld, e, "shadowInactive", 1);
	add_first(u, ld, e, "shadowExpire", 1);
	if (bad || *u->v[U_NAME] == '\0' || *u->v[U_UID] == '\0' ||
	    *u->v[U_GID] == '\0' || strlen(u->v[U_NAME]) > 255) {
		log_warn("directory entry \"%s\" is not a usable POSIX "
		    "account (uid, uidNumber, gidNumber; no ':' or newline)",
		    dn != NULL ? dn : "?");
		ldap_memfree(dn);
		sv_free(u);
		return -1;
	}
	ldap_memfree(dn);
	return 0;
}

/* "uid=NAME,..." -> NAME for groups that list member DNs only */
static void
add_member_dn(struct sv *g, const struct berval *v)
{
	struct berval	 in = *v;
	LDAPDN		 dn = NULL;
	char		*s;

	if (ldap_bv2dn(&in, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    dn == NULL || dn[0] == NULL || dn[0][1] != NULL ||
	    strncasecmp(dn[0][0]->la_attr.bv_val, "uid",
	    dn[0][0]->la_attr.bv_len) != 0 || dn[0][0]->la_attr.bv_len != 3 ||
	    !field_ok(&dn[0][0]->la_value) ||
	    memchr(dn[0][0]->la_value.bv_val, ',',
	    dn[0][0]->la_value.bv_len) != NULL) {
		ldap_dnfree(dn);
		return;
	}
	s = xstrndup(dn[0][0]->la_value.bv_val, dn[0][0]->la_value.bv_len);
	sv_add(g, s);
	free(s);
	ldap_dnfree(dn);
}

static int
has_class(LDAP *ld, LDAPMessage *e, const char *oc)
{
	struct berval	**vals = ldap_get_values_len(ld, e, "objectClass");
	size_t		  i;
	int		  found = 0;

	for (i = 0; vals != NULL && vals[i] != NULL && !found; i++)
		found = vals[i]->bv_len == strlen(oc) &&
		    strncasecmp(vals[i]->bv_val, oc, vals[i]->bv_len) == 0;
	ldap_value_free_len(vals);
	return found;
}

int
fetch_group_entry(LDAP *ld, LDAPMessage *e, struct sv *g)
{
	struct berval	**vals;
	char		 *dn = ldap_get_dn(ld, e);
	size_t		  i;
	int		  bad = 0;

	memset(g, 0, sizeof(*g));
	bad |= add_first(g, ld, e, "cn", 0);
	sv_add(g, "x");
	bad |= add_first(g, ld, e, "gidNumber", 1);
	sv_add(g, dn != NULL ? dn : "");
	sv_add(g, has_class(ld, e, "unifiedIdOrg") ? "org" : "role");
	if ((vals = ldap_get_values_len(ld, e, "memberUid")) != NULL &&
	    vals[0] != NULL) {
		for (i = 0; vals[i] != NULL; i++)
			if (field_ok(vals[i]) && vals[i]->bv_len > 0 &&
			    memchr(vals[i]->bv_val, ',', vals[i]->bv_len) ==
			    NULL) {
				char *s = xstrndup(vals[i]->bv_val,
				    vals[i]->bv_len);
				sv_add(g, s);
				free(s);
			}
	} else {
		ldap_value_free_len(vals);
		vals = ldap_get_values_len(ld, e, "member");
		for (i = 0; vals != NULL && vals[i] != NULL; i++)
			add_member_dn(g, vals[i]);
	}
	ldap_value_free_len(vals);
	if (bad || *g->v[G_NAME] == '\0' || *g->v[G_GID] == '\0' ||
	    strlen(g->v[G_NAME]) > 255) {
		log_warn("directory entry \"%s\" is not a usable POSIX group",
		    dn != NULL ? dn : "?");
		ldap_memfree(dn);
		sv_free(g);
		return -1;
	}
	ldap_memfree(dn);
	return 0;
}

/*
 * One search with the service pool, retried once on another server when
 * the first one is gone.  fn sees every entry; sizelimit 0 pages through
 * all of them, otherwise at most sizelimit are read (enough to tell one
 * from several).  0 or an LDAP code; -1 when no server answers.
 */
static int
search(const char *filter, char **attrs, int sizelimit,
    int (*fn)(void *, LDAP *, LDAPMessage *), void *ctx)
{
	struct ldc	*c;
	LDAPMessage	*res, *e;
	struct timeval	 tv = { ag.cfg.timeout, 0 };
	int		 rc = -1, tries;

	for (tries = 0; tries < 2; tries++) {
		if ((c = ldc_pool_get()) == NULL)
			return -1;
		res = NULL;
		if (sizelimit == 0) {
			/* a person's groups may be more than the server's
			 * size limit: page them (RFC 2696) */
			rc = fetch_paged(c, filter, attrs, fn, ctx);
			if (ldc_is_down(rc)) {
				ldc_pool_put(c, 1);
				rc = -1;
				continue;
			}
			if (rc == LDAP_NO_SUCH_OBJECT)
				rc = LDAP_SUCCESS;
			else if (rc != LDAP_SUCCESS)
				log_warn("search %s: %s", filter,
				    ldap_err2string(rc));
			ldc_pool_put(c, 0);
			return rc;
		}
		rc = ldap_search_ext_s(c->ld, ag.cfg.base, LDAP_SCOPE_SUBTREE,
		    filter, attrs, 0, NULL, NULL, &tv, sizelimit, &res);
		if (ldc_is_down(rc)) {
			log_debug("search %s: %s", filter, ldap_err2string(rc));
			ldap_msgfree(res);
			ldc_pool_put(c, 1);
			rc = -1;
			continue;
		}
		if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) {
			for (e = ldap_first_entry(c->ld, res); e != NULL;
			    e = ldap_next_entry(c->ld, e))
				fn(ctx, c->ld, e);
			rc = LDAP_SUCCESS;
		} else if (rc == LDAP_NO_SUCH_OBJECT)
			rc = LDAP_SUCCESS;	/* base not there: nothing */
		else
			log_warn("search %s: %s", filter, ldap_err2string(rc));
		ldap_msgfree(res);
		ldc_pool_put(c, 0);
		return rc;
	}
	return rc;
}

/* a value escaped for a filter (RFC 4515), malloc'd; NULL on error */
static char *
escape(const char *value)
{
	struct berval	in, out = { 0, NULL };
	char		*e;

	in.bv_val = (char *)(uintptr_t)value;
	in.bv_len = strlen(value);
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	e = xstrdup(out.bv_val);
	ber_memfree(out.bv_val);
	return e;
}

struct one_ctx {
	const char	*want_attr;	/* the value must equal exactly */
	const char	*want;
	struct sv	 rec;
	int		 count;
	int		 group;
};

static int
one_cb(void *p, LDAP *ld, LDAPMessage *e)
{
	struct one_ctx	*o = p;
	struct sv	 r;
	int		 field;

	if ((o->group ? fetch_group_entry(ld, e, &r) :
	    fetch_user_entry(ld, e, &r)) != 0)
		return 0;
	/* names are case-sensitive for NSS, as in nslcd's default */
	field = strcmp(o->want_attr, "uid") == 0 || strcmp(o->want_attr,
	    "cn") == 0 ? 0 : strcmp(o->want_attr, "mobile") == 0 ? -1 : 2;
	if (field == 0 && strcmp(r.v[0], o->want) != 0) {
		/* a second value of uid/cn: only the first names it */
		sv_free(&r);
		return 0;
	}
	if (field == 2 && strcmp(r.v[2], o->want) != 0) {
		sv_free(&r);
		return 0;
	}
	if (o->count++ == 0)
		o->rec = r;
	else
		sv_free(&r);
	return 0;
}

static int
fetch_one(const char *cls, const char *attr, const char *value, struct sv *r,
    int group)
{
	struct one_ctx	 o = { attr, value, { 0 }, 0, group };
	char		*filter, *v;
	size_t		 n;
	int		 rc;

	if ((v = escape(value)) == NULL)
		return -1;
	n = strlen(cls) + strlen(attr) + strlen(v) + 32;
	filter = xmalloc(n);
	snprintf(filter, n, "(&(objectClass=%s)(%s=%s))", cls, attr, v);
	free(v);
	rc = search(filter, group ? fetch_group_attrs : fetch_user_attrs, 3,
	    one_cb, &o);
	free(filter);
	if (rc != LDAP_SUCCESS) {
		sv_free(&o.rec);
		return -1;
	}
	if (o.count != 1) {
		if (o.count > 1)
			log_warn("%s=%s names %d entries: refused", attr,
			    value, o.count);
		sv_free(&o.rec);
		return 1;
	}
	*r = o.rec;
	return 0;
}

int
fetch_user(const char *attr, const char *value, struct sv *u)
{
	return fetch_one("posixAccount", attr, value, u, 0);
}

int
fetch_group(const char *attr, const char *value, struct sv *g)
{
	return fetch_one("posixGroup", attr, value, g, 1);
}

static int
ig_cmp(const void *a, const void *b)
{
	const struct ig_item *x = a, *y = b;

	if (x->role != y->role)
		return x->role - y->role;
	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

/*
 * UA_INITGROUPS order: the primary group (the person's gidNumber: the
 * primary organisation) first, then the other organisations, then the
 * roles, each by gid; duplicates removed.  Returns the new count.  The
 * posts' own order is not read (one more search per person); gids are
 * stable, so the order is too.
 */
size_t
ig_order(struct ig_item *it, size_t n, uint32_t primary)
{
	size_t	i, j, k;

	for (i = 0; i < n; i++)
		if (it[i].gid == primary) {
			struct ig_item t = it[i];

			memmove(it + 1, it, i * sizeof(*it));
			it[0] = t;
			break;
		}
	k = i < n ? 1 : 0;
	qsort(it + k, n - k, sizeof(*it), ig_cmp);
	for (i = j = 0; i < n; i++) {
		if (j > 0 && it[j - 1].gid == it[i].gid)
			continue;
		if (i >= k && k == 1 && it[i].gid == primary)
			continue;
		it[j++] = it[i];
	}
	return j;
}

struct ig_ctx {
	struct ig_item	*it;
	size_t		 n, cap;
	struct sv	 names;
};

static int
ig_cb(void *p, LDAP *ld, LDAPMessage *e)
{
	struct ig_ctx	*c = p;
	struct sv	 g = { 0 };
	uint32_t	 gid;
	struct ua_field	 f;
	int		 bad = 0;

	bad |= add_first(&g, ld, e, "cn", 0);
	bad |= add_first(&g, ld, e, "gidNumber", 1);
	f = ua_str(g.v[1]);
	if (bad || *g.v[0] == '\0' || ua_field_u32(&f, &gid) != 0) {
		sv_free(&g);
		return 0;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->it = xreallocarray(c->it, c->cap, sizeof(*c->it));
	}
	c->it[c->n].gid = gid;
	c->it[c->n].role = !has_class(ld, e, "unifiedIdOrg");
	sv_add(&c->names, g.v[0]);
	c->it[c->n].name = NULL;	/* set once names stops moving */
	c->n++;
	sv_free(&g);
	return 0;
}

int
fetch_initgroups(const char *name, const char *dn, const char *gidstr,
    struct sv *ig)
{
	struct ig_ctx	 c = { NULL, 0, 0, { 0 } };
	char		*filter;
	struct ua_field	 pf = ua_str(gidstr);
	uint32_t	 primary = 0;
	size_t		 i, n;
	int		 rc, have_primary = 0;

	ua_field_u32(&pf, &primary);
	{
		char *a = escape(name), *b = escape(dn);

		if (a == NULL || b == NULL) {
			free(a);
			free(b);
			return -1;
		}
		n = strlen(a) + strlen(b) + 64;
		filter = xmalloc(n);
		snprintf(filter, n, "(&(objectClass=posixGroup)(|(memberUid=%s)"
		    "(member=%s)))", a, b);
		free(a);
		free(b);
	}
	rc = search(filter, ig_attrs, 0, ig_cb, &c);
	free(filter);
	for (i = 0; rc == LDAP_SUCCESS && i < c.n; i++)
		have_primary |= c.it[i].gid == primary;
	if (rc == LDAP_SUCCESS && !have_primary && primary != 0) {
		/* the primary group's name, for UA_ACCOUNT */
		char gf[64];

		snprintf(gf, sizeof(gf), "(&(objectClass=posixGroup)"
		    "(gidNumber=%u))", primary);
		rc = search(gf, ig_attrs, 2, ig_cb, &c);
		for (i = 0; rc == LDAP_SUCCESS && i < c.n; i++)
			have_primary |= c.it[i].gid == primary;
		if (rc == LDAP_SUCCESS && !have_primary) {
			if (c.n == c.cap) {
				c.cap = c.cap ? c.cap * 2 : 16;
				c.it = xreallocarray(c.it, c.cap,
				    sizeof(*c.it));
			}
			c.it[c.n].gid = primary;
			c.it[c.n].role = 0;
			sv_add(&c.names, "");
			c.n++;
		}
	}
	if (rc != LDAP_SUCCESS) {
		free(c.it);
		sv_free(&c.names);
		return -1;
	}
	for (i = 0; i < c.n; i++)
		c.it[i].name = c.names.v[i];
	n = ig_order(c.it, c.n, primary);
	memset(ig, 0, sizeof(*ig));
	for (i = 0; i < n; i++) {
		sv_addf(ig, "%u", c.it[i].gid);
		sv_add(ig, c.it[i].name);
	}
	free(c.it);
	sv_free(&c.names);
	return 0;
}

static int fetch_pages(struct ldc *, const char *, char **,
    int (*)(void *, LDAP *, LDAPMessage *), void *, int);

int
fetch_paged(struct ldc *c, const char *filter, char **attrs,
    int (*fn)(void *, LDAP *, LDAPMessage *), void *ctx)
{
	return fetch_pages(c, filter, attrs, fn, ctx, 0);
}

int
fetch_paged_bg(struct ldc *c, const char *filter, char **attrs,
    int (*fn)(void *, LDAP *, LDAPMessage *), void *ctx)
{
	return fetch_pages(c, filter, attrs, fn, ctx, 1);
}

/*
 * A cold lookup waits for a directory round trip of its own; on a small
 * host the refresh's pages (parsed here, produced by the server) compete
 * with it for the CPU.  So the refresh asks for its next page when the
 * clients are quiet, or after 50 ms: it slows down under a burst of
 * lookups but always goes on.
 */
static void
fetch_yield(void)
{
	int	i;

	for (i = 0; i < 50 && server_busy(); i++)
		usleep(1000);
}

static int
fetch_pages(struct ldc *c, const char *filter, char **attrs,
    int (*fn)(void *, LDAP *, LDAPMessage *), void *ctx, int bg)
{
	struct berval	 cookie = { 0, NULL };
	struct timeval	 tv = { ag.cfg.timeout, 0 };
	LDAPControl	*page = NULL, *sctrls[2] = { NULL, NULL };
	LDAPControl	**rctrls = NULL, *pr;
	LDAPMessage	*msg;
	ber_int_t	 count;
	int		 rc, msgid, err, more = 1, type;

	while (more) {
		more = 0;
		if (bg)
			fetch_yield();
		rc = ldap_create_page_control(c->ld, PAGE_SIZE,
		    cookie.bv_val != NULL ? &cookie : NULL, 0, &page);
		ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		if (rc != LDAP_SUCCESS)
			return rc;
		sctrls[0] = page;
		rc = ldap_search_ext(c->ld, ag.cfg.base, LDAP_SCOPE_SUBTREE,
		    filter, attrs, 0, sctrls, NULL, NULL, 0, &msgid);
		ldap_control_free(page);
		page = NULL;
		if (rc != LDAP_SUCCESS)
			return rc;
		for (;;) {
			msg = NULL;
			type = ldap_result(c->ld, msgid, LDAP_MSG_ONE, &tv,
			    &msg);
			if (type <= 0) {
				ldap_msgfree(msg);
				ldap_abandon_ext(c->ld, msgid, NULL, NULL);
				return type == 0 ? LDAP_TIMEOUT :
				    LDAP_SERVER_DOWN;
			}
			if (type == LDAP_RES_SEARCH_ENTRY) {
				rc = fn(ctx, c->ld, msg);
				ldap_msgfree(msg);
				if (rc != 0) {
					ldap_abandon_ext(c->ld, msgid, NULL,
					    NULL);
					return LDAP_USER_CANCELLED;
				}
				continue;
			}
			if (type != LDAP_RES_SEARCH_RESULT) {
				ldap_msgfree(msg);	/* references */
				continue;
			}
			rc = ldap_parse_result(c->ld, msg, &err, NULL, NULL,
			    NULL, &rctrls, 1);
			if (rc != LDAP_SUCCESS)
				return rc;
			if (err != LDAP_SUCCESS) {
				ldap_controls_free(rctrls);
				return err;
			}
			pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS,
			    rctrls, NULL);
			if (pr != NULL && ldap_parse_pageresponse_control(c->ld,
			    pr, &count, &cookie) == LDAP_SUCCESS &&
			    cookie.bv_len > 0)
				more = 1;
			else {
				ber_memfree(cookie.bv_val);
				cookie.bv_val = NULL;
			}
			ldap_controls_free(rctrls);
			rctrls = NULL;
			break;
		}
	}
	return LDAP_SUCCESS;
}
