/*
 * schema.c - load RFC 4512 schema definitions from OpenLDAP-style .schema
 * files.  Each definition is parsed by libldap (ldap_str2attributetype,
 * ldap_str2objectclass); this file only splits the files into statements,
 * resolves references (SUP, MUST, MAY, matching rules) and answers
 * look-ups by name or OID.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dirsrv.h"

extern const struct schema *mr_schema;

/* ---- a small case-insensitive string hash ---- */

struct schema_hash {
	const char	**keys;
	void		**vals;
	size_t		  cap;
	size_t		  n;
};

static uint32_t
hash_key(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint32_t)tolower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

static void *
hash_get(const struct schema_hash *h, const char *k, size_t len)
{
	size_t i;

	if (h->cap == 0 || memchr(k, '\0', len) != NULL)
		return NULL;
	for (i = hash_key(k, len) & (h->cap - 1); h->keys[i] != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (strncasecmp(h->keys[i], k, len) == 0 &&
		    h->keys[i][len] == '\0')
			return h->vals[i];
	return NULL;
}

static void
hash_put(struct schema_hash *h, const char *k, void *v)
{
	size_t i, j, cap;
	const char **ok;
	void **ov;

	if ((h->n + 1) * 2 > h->cap) {
		ok = h->keys;
		ov = h->vals;
		cap = h->cap;
		h->cap = cap ? cap * 2 : 256;
		h->keys = xcalloc(h->cap, sizeof(*h->keys));
		h->vals = xcalloc(h->cap, sizeof(*h->vals));
		h->n = 0;
		for (j = 0; j < cap; j++)
			if (ok[j] != NULL)
				hash_put(h, ok[j], ov[j]);
		free(ok);
		free(ov);
	}
	for (i = hash_key(k, strlen(k)) & (h->cap - 1); h->keys[i] != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (strcasecmp(h->keys[i], k) == 0) {
			h->vals[i] = v;
			return;
		}
	h->keys[i] = k;
	h->vals[i] = v;
	h->n++;
}

static void
hash_free(struct schema_hash *h)
{
	if (h == NULL)
		return;
	free(h->keys);
	free(h->vals);
	free(h);
}

/* ---- look-ups ---- */

struct attrtype *
schema_at(const struct schema *s, const char *name, size_t len)
{
	return hash_get(s->h_at, name, len);
}

struct objclass *
schema_oc(const struct schema *s, const char *name, size_t len)
{
	return hash_get(s->h_oc, name, len);
}

int
at_is_a(const struct attrtype *a, const struct attrtype *b)
{
	int depth;

	for (depth = 0; a != NULL && depth < 32; a = a->sup, depth++)
		if (a == b)
			return 1;
	return 0;
}

int
oc_is_a(const struct objclass *a, const struct objclass *b)
{
	size_t i;

	if (a == b)
		return 1;
	for (i = 0; a->sup != NULL && a->sup[i] != NULL; i++)
		if (oc_is_a(a->sup[i], b))
			return 1;
	return 0;
}

#define AT_INHERIT(fn, field, type)				\
type								\
fn(const struct attrtype *at)					\
{								\
	int depth;						\
	for (depth = 0; at != NULL && depth < 32;		\
	    at = at->sup, depth++)				\
		if (at->field != NULL)				\
			return at->field;			\
	return NULL;						\
}
AT_INHERIT(at_eq, eq, const struct mrule *)
AT_INHERIT(at_ord, ord, const struct mrule *)
AT_INHERIT(at_sub, sub, const struct mrule *)
AT_INHERIT(at_syntax, syn, const struct syntax *)

/* ---- parsing ---- */

struct schema *
schema_new(void)
{
	struct schema *s = xcalloc(1, sizeof(*s));

	s->h_at = xcalloc(1, sizeof(*s->h_at));
	s->h_oc = xcalloc(1, sizeof(*s->h_oc));
	return s;
}

static int
schema_add_at(struct schema *s, const char *def, const char *where,
    char *err, size_t errlen)
{
	LDAPAttributeType *lat;
	struct attrtype *at;
	const char *errp = NULL;
	int code = 0;
	size_t i;

	lat = ldap_str2attributetype(def, &code, &errp, LDAP_SCHEMA_ALLOW_ALL);
	if (lat == NULL) {
		snprintf(err, errlen, "%s: attributetype: %s near \"%.20s\"",
		    where, ldap_scherr2str(code), errp ? errp : "");
		return -1;
	}
	if (lat->at_oid == NULL || !isdigit((unsigned char)lat->at_oid[0])) {
		snprintf(err, errlen, "%s: attributetype without a numeric OID",
		    where);
		ldap_attributetype_free(lat);
		return -1;
	}
	if (hash_get(s->h_at, lat->at_oid, strlen(lat->at_oid)) != NULL) {
		snprintf(err, errlen, "%s: attributetype %s defined twice",
		    where, lat->at_oid);
		ldap_attributetype_free(lat);
		return -1;
	}
	at = xcalloc(1, sizeof(*at));
	at->def = lat;
	at->oid = lat->at_oid;
	at->name = lat->at_names && lat->at_names[0] ? lat->at_names[0] :
	    lat->at_oid;
	at->single = lat->at_single_value;
	at->nousermod = lat->at_no_user_mod;
	at->usage = (enum at_usage)lat->at_usage;
	at->collective = lat->at_collective;
	at->num = (unsigned)s->nat;
	at->def_str = ldap_attributetype2str(lat);
	s->at = xreallocarray(s->at, s->nat + 1, sizeof(*s->at));
	s->at[s->nat++] = at;
	hash_put(s->h_at, at->oid, at);
	for (i = 0; lat->at_names && lat->at_names[i]; i++) {
		if (hash_get(s->h_at, lat->at_names[i],
		    strlen(lat->at_names[i])) != NULL) {
			snprintf(err, errlen, "%s: attribute name %s defined "
			    "twice", where, lat->at_names[i]);
			return -1;
		}
		hash_put(s->h_at, lat->at_names[i], at);
	}
	return 0;
}

static int
schema_add_oc(struct schema *s, const char *def, const char *where,
    char *err, size_t errlen)
{
	LDAPObjectClass *loc;
	struct objclass *oc;
	const char *errp = NULL;
	int code = 0;
	size_t i;

	loc = ldap_str2objectclass(def, &code, &errp, LDAP_SCHEMA_ALLOW_ALL);
	if (loc == NULL) {
		snprintf(err, errlen, "%s: objectclass: %s near \"%.20s\"",
		    where, ldap_scherr2str(code), errp ? errp : "");
		return -1;
	}
	if (loc->oc_oid == NULL || !isdigit((unsigned char)loc->oc_oid[0])) {
		snprintf(err, errlen, "%s: objectclass without a numeric OID",
		    where);
		ldap_objectclass_free(loc);
		return -1;
	}
	if (hash_get(s->h_oc, loc->oc_oid, strlen(loc->oc_oid)) != NULL) {
		snprintf(err, errlen, "%s: objectclass %s defined twice",
		    where, loc->oc_oid);
		ldap_objectclass_free(loc);
		return -1;
	}
	oc = xcalloc(1, sizeof(*oc));
	oc->def = loc;
	oc->oid = loc->oc_oid;
	oc->name = loc->oc_names && loc->oc_names[0] ? loc->oc_names[0] :
	    loc->oc_oid;
	oc->kind = (enum oc_kind)loc->oc_kind;
	oc->def_str = ldap_objectclass2str(loc);
	s->oc = xreallocarray(s->oc, s->noc + 1, sizeof(*s->oc));
	s->oc[s->noc++] = oc;
	hash_put(s->h_oc, oc->oid, oc);
	for (i = 0; loc->oc_names && loc->oc_names[i]; i++) {
		if (hash_get(s->h_oc, loc->oc_names[i],
		    strlen(loc->oc_names[i])) != NULL) {
			snprintf(err, errlen, "%s: objectclass name %s defined "
			    "twice", where, loc->oc_names[i]);
			return -1;
		}
		hash_put(s->h_oc, loc->oc_names[i], oc);
	}
	return 0;
}

/*
 * Statements start at column 0 with a keyword; lines starting with white
 * space continue the statement; blank lines and lines starting with '#'
 * are ignored (as in slapd.conf).
 */
static int
schema_statement(struct schema *s, struct buf *stmt, const char *where,
    char *err, size_t errlen)
{
	char *st = buf_cstr(stmt);
	size_t kw;

	for (kw = 0; st[kw] && !isspace((unsigned char)st[kw]); kw++)
		;
	{
		size_t k = kw;
		while (st[k] && isspace((unsigned char)st[k]))
			k++;
		/* libldap wants the definition to start at its '(' */
		if ((kw == 13 && strncasecmp(st, "attributetype", kw) == 0) ||
		    (kw == 14 && strncasecmp(st, "attributetypes", kw) == 0))
			return schema_add_at(s, st + k, where, err, errlen);
		if ((kw == 11 && strncasecmp(st, "objectclass", kw) == 0) ||
		    (kw == 13 && strncasecmp(st, "objectclasses", kw) == 0))
			return schema_add_oc(s, st + k, where, err, errlen);
	}
	if ((kw == 13 && strncasecmp(st, "attributetype", kw) == 0) ||
	    (kw == 14 && strncasecmp(st, "attributetypes", kw) == 0))
		return schema_add_at(s, st + kw, where, err, errlen);
	if ((kw == 11 && strncasecmp(st, "objectclass", kw) == 0) ||
	    (kw == 13 && strncasecmp(st, "objectclasses", kw) == 0))
		return schema_add_oc(s, st + kw, where, err, errlen);
	snprintf(err, errlen, "%s: unknown statement \"%.*s\"", where,
	    (int)(kw > 40 ? 40 : kw), st);
	return -1;
}

static int
is_blank(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)l[i]))
			return 0;
	return 1;
}

int
schema_parse_text(struct schema *s, const char *text, size_t len,
    const char *fname, char *err, size_t errlen)
{
	struct buf stmt = { 0 };
	size_t pos = 0, line = 0, stmt_line = 0, ll = 0;
	const char *l = NULL, *nl;
	char where[512];
	int rc = 0, at_end;

	for (;;) {
		at_end = pos >= len;
		if (!at_end) {
			l = text + pos;
			nl = memchr(l, '\n', len - pos);
			ll = nl ? (size_t)(nl - l) : len - pos;
			pos += ll + 1;
			line++;
			if (memchr(l, '\0', ll) != NULL) {
				snprintf(err, errlen, "%s:%zu: NUL byte",
				    fname, line);
				rc = -1;
				break;
			}
			if ((ll > 0 && l[0] == '#') || is_blank(l, ll))
				continue;
			if (l[0] == ' ' || l[0] == '\t') {
				if (stmt.len == 0) {
					snprintf(err, errlen, "%s:%zu: "
					    "continuation line without a "
					    "statement", fname, line);
					rc = -1;
					break;
				}
				buf_addc(&stmt, ' ');
				buf_add(&stmt, l, ll);
				continue;
			}
		}
		if (stmt.len > 0) {
			snprintf(where, sizeof(where), "%s:%zu", fname,
			    stmt_line);
			rc = schema_statement(s, &stmt, where, err, errlen);
			stmt.len = 0;
			if (rc != 0)
				break;
		}
		if (at_end)
			break;
		buf_add(&stmt, l, ll);
		stmt_line = line;
	}
	buf_free(&stmt);
	return rc;
}

static int
resolve_mr(const char *oid, const struct mrule **out, enum mr_kind kind,
    const struct attrtype *at, char *err, size_t errlen)
{
	const struct mrule *mr;

	if (oid == NULL)
		return 0;
	mr = mrule_find(oid);
	if (mr == NULL) {
		/* an unknown rule: matches as octets, and warn once */
		log_warn("schema: attribute %s: unknown matching rule %s, "
		    "values compare as octets", at->name, oid);
		mr = mrule_find(kind == MR_SUBSTR ? "octetStringSubstringsMatch" :
		    kind == MR_ORDERING ? "octetStringOrderingMatch" :
		    "octetStringMatch");
	} else if (mr->kind != kind) {
		snprintf(err, errlen, "attribute %s: %s is not an %s rule",
		    at->name, oid, kind == MR_EQUALITY ? "equality" :
		    kind == MR_ORDERING ? "ordering" : "substrings");
		return -1;
	}
	*out = mr;
	return 0;
}

static struct attrtype **
resolve_at_list(struct schema *s, char **names, const struct objclass *oc,
    char *err, size_t errlen)
{
	struct attrtype **v;
	size_t n, i;

	for (n = 0; names && names[n]; n++)
		;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = schema_at(s, names[i], strlen(names[i]));
		if (v[i] == NULL) {
			snprintf(err, errlen, "objectclass %s: unknown attribute "
			    "type %s", oc->name, names[i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

static int
oc_depth(const struct objclass *oc, int depth)
{
	size_t i;

	if (depth > 32)
		return -1;
	for (i = 0; oc->sup != NULL && oc->sup[i] != NULL; i++)
		if (oc_depth(oc->sup[i], depth + 1) < 0)
			return -1;
	return 0;
}

int
schema_finish(struct schema *s, char *err, size_t errlen)
{
	size_t i, j, n;

	for (i = 0; i < s->nat; i++) {
		struct attrtype *at = s->at[i];
		LDAPAttributeType *d = at->def;

		if (d->at_sup_oid != NULL) {
			at->sup = schema_at(s, d->at_sup_oid,
			    strlen(d->at_sup_oid));
			if (at->sup == NULL) {
				snprintf(err, errlen, "attribute %s: unknown "
				    "SUP %s", at->name, d->at_sup_oid);
				return -1;
			}
		}
		if (resolve_mr(d->at_equality_oid, &at->eq, MR_EQUALITY, at,
		    err, errlen) != 0 ||
		    resolve_mr(d->at_ordering_oid, &at->ord, MR_ORDERING, at,
		    err, errlen) != 0 ||
		    resolve_mr(d->at_substr_oid, &at->sub, MR_SUBSTR, at,
		    err, errlen) != 0)
			return -1;
		if (d->at_syntax_oid != NULL) {
			at->syn = syntax_find(d->at_syntax_oid);
			if (at->syn == NULL)
				at->syn = syntax_find(
				    "1.3.6.1.4.1.1466.115.121.1.40");
		}
	}
	/* SUP chains must end (no loops) and give every type a syntax */
	for (i = 0; i < s->nat; i++) {
		const struct attrtype *at = s->at[i];
		int depth = 0;

		while (at != NULL && depth++ < 32)
			at = at->sup;
		if (at != NULL) {
			snprintf(err, errlen, "attribute %s: SUP loop",
			    s->at[i]->name);
			return -1;
		}
		if (at_syntax(s->at[i]) == NULL) {
			snprintf(err, errlen, "attribute %s: no SYNTAX",
			    s->at[i]->name);
			return -1;
		}
	}
	for (i = 0; i < s->noc; i++) {
		struct objclass *oc = s->oc[i];
		LDAPObjectClass *d = oc->def;

		for (n = 0; d->oc_sup_oids && d->oc_sup_oids[n]; n++)
			;
		oc->sup = xcalloc(n + 1, sizeof(*oc->sup));
		for (j = 0; j < n; j++) {
			oc->sup[j] = schema_oc(s, d->oc_sup_oids[j],
			    strlen(d->oc_sup_oids[j]));
			if (oc->sup[j] == NULL) {
				snprintf(err, errlen, "objectclass %s: unknown "
				    "SUP %s", oc->name, d->oc_sup_oids[j]);
				return -1;
			}
		}
		if ((oc->must = resolve_at_list(s, d->oc_at_oids_must, oc,
		    err, errlen)) == NULL ||
		    (oc->may = resolve_at_list(s, d->oc_at_oids_may, oc,
		    err, errlen)) == NULL)
			return -1;
	}
	/* superclass chains must end (oc_is_a recurses over them) */
	for (i = 0; i < s->noc; i++)
		if (oc_depth(s->oc[i], 0) < 0) {
			snprintf(err, errlen, "objectclass %s: SUP loop",
			    s->oc[i]->name);
			return -1;
		}
#define WK(field, name) do {						\
	s->field = schema_at(s, name, strlen(name));			\
	if (s->field == NULL) {						\
		snprintf(err, errlen, "required attribute type %s is "	\
		    "not defined (is core.schema loaded?)", name);	\
		return -1;						\
	}								\
} while (0)
	WK(a_objectclass, "objectClass");
	WK(a_uid, "uid");
	WK(a_cn, "cn");
	WK(a_userpassword, "userPassword");
	WK(a_entryuuid, "entryUUID");
	WK(a_createtimestamp, "createTimestamp");
	WK(a_modifytimestamp, "modifyTimestamp");
	WK(a_creatorsname, "creatorsName");
	WK(a_modifiersname, "modifiersName");
	WK(a_hassubordinates, "hasSubordinates");
	WK(a_subschemasubentry, "subschemaSubentry");
	WK(a_structuraloc, "structuralObjectClass");
	WK(a_entrydn, "entryDN");
	WK(a_memberof, "memberOf");
#undef WK
#define WKO(field, name) do {						\
	s->field = schema_oc(s, name, strlen(name));			\
	if (s->field == NULL) {						\
		snprintf(err, errlen, "required object class %s is "	\
		    "not defined (is core.schema loaded?)", name);	\
		return -1;						\
	}								\
} while (0)
	WKO(o_top, "top");
	WKO(o_extensible, "extensibleObject");
	WKO(o_alias, "alias");
	WKO(o_subschema, "subschema");
#undef WKO
	return 0;
}

static int
schema_file_rank(const char *name)
{
	static const char *order[] = { "core.schema", "cosine.schema",
	    "inetorgperson.schema", "nis.schema" };
	size_t i;

	for (i = 0; i < NELEM(order); i++)
		if (strcmp(name, order[i]) == 0)
			return (int)i;
	return (int)NELEM(order);
}

static int
schema_file_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = schema_file_rank(x), ry = schema_file_rank(y);

	if (rx != ry)
		return rx - ry;
	return strcmp(x, y);
}

static int
schema_load_file(struct schema *s, const char *path, const char *name,
    char *err, size_t errlen)
{
	struct buf b = { 0 };
	char chunk[8192];
	size_t n;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > 16 * 1024 * 1024) {
			snprintf(err, errlen, "%s: file too large", path);
			fclose(fp);
			buf_free(&b);
			return -1;
		}
		buf_add(&b, chunk, n);
	}
	fclose(fp);
	rc = schema_parse_text(s, b.p ? (char *)b.p : "", b.len, name, err,
	    errlen);
	buf_free(&b);
	return rc;
}

struct schema *
schema_load(const char *dir, char *err, size_t errlen)
{
	struct schema *s = schema_new();
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, i, l;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "schema_dir %s: %s", dir, strerror(errno));
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l > 7 && strcmp(de->d_name + l - 7, ".schema") == 0) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n == 0) {
		snprintf(err, errlen, "schema_dir %s: no *.schema files", dir);
		goto fail;
	}
	qsort(names, n, sizeof(*names), schema_file_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (schema_load_file(s, path, names[i], err, errlen) != 0)
			goto fail;
	}
	if (schema_finish(s, err, errlen) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	mr_schema = s;
	return s;
fail:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	schema_free(s);
	return NULL;
}

void
schema_free(struct schema *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (mr_schema == s)
		mr_schema = NULL;
	for (i = 0; i < s->nat; i++) {
		ldap_attributetype_free(s->at[i]->def);
		ldap_memfree(s->at[i]->def_str);
		free(s->at[i]);
	}
	for (i = 0; i < s->noc; i++) {
		ldap_objectclass_free(s->oc[i]->def);
		ldap_memfree(s->oc[i]->def_str);
		free(s->oc[i]->sup);
		free(s->oc[i]->must);
		free(s->oc[i]->may);
		free(s->oc[i]);
	}
	free(s->at);
	free(s->oc);
	hash_free(s->h_at);
	hash_free(s->h_oc);
	free(s);
}
