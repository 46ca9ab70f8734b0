/*
 * rootdse.c - the root DSE and the subschema subentry (RFC 4512 5.1, 4.2),
 * built once at start-up as ordinary entries so that search can return
 * them with the same attribute selection code.
 */
#include <string.h>

#include "dirsrv.h"

#define SUBSCHEMA_DN	"cn=Subschema"

static void
add_str(struct arena *a, const struct schema *s, struct entry *e,
    const char *type, const char *val)
{
	struct attrtype *at = schema_at(s, type, strlen(type));
	struct attr *attr;
	struct berval v, nv;

	if (at == NULL)
		return;
	if ((attr = entry_find(e, at)) == NULL)
		attr = entry_add_attr(a, e, at, NULL);
	v.bv_val = arena_strndup(a, val, strlen(val));
	v.bv_len = strlen(val);
	if (value_normalize(a, at, &v, &nv) != 0)
		nv = v;
	attr_append_value(a, attr, &v, &nv);
}

int
server_init_names(struct server *s, char *err, size_t errlen)
{
	struct berval in;

	in.bv_val = s->cfg->suffix;
	in.bv_len = strlen(s->cfg->suffix);
	if (dn_normalize(s->schema, &s->dse_arena, &in, &s->suffix,
	    &s->nsuffix) != LDAP_SUCCESS || s->nsuffix.bv_len == 0) {
		snprintf(err, errlen, "suffix: \"%s\" is not a valid DN (are "
		    "its attribute types in the schema?)", s->cfg->suffix);
		return -1;
	}
	if (s->cfg->rootdn != NULL) {
		in.bv_val = s->cfg->rootdn;
		in.bv_len = strlen(s->cfg->rootdn);
		if (dn_normalize(s->schema, &s->dse_arena, &in, &s->rootdn,
		    &s->nrootdn) != LDAP_SUCCESS) {
			snprintf(err, errlen, "rootdn: \"%s\" is not a valid DN",
			    s->cfg->rootdn);
			return -1;
		}
	}
	if (s->cfg->rootpw != NULL && s->cfg->rootpw_cleartext)
		log_warn("rootpw is in clear text; use `unifiedid-dirsrv "
		    "hash-password` to store a hash");
	return 0;
}

int
rootdse_is(const struct berval *ndn)
{
	return ndn->bv_len == 0;
}

int
subschema_is(const struct berval *ndn)
{
	return ndn->bv_len == 12 && strncmp(ndn->bv_val, "cn=subschema", 12) == 0;
}

static void
add_mrule(const struct mrule *mr, void *arg)
{
	void **p = arg;
	char buf[512];

	snprintf(buf, sizeof(buf), "( %s NAME '%s' SYNTAX %s )", mr->oid,
	    mr->name, mr->syntax);
	add_str(p[0], p[1], p[2], "matchingRules", buf);
}

static void
add_syntax(const struct syntax *sy, void *arg)
{
	void **p = arg;
	char buf[512];

	snprintf(buf, sizeof(buf), "( %s DESC '%s'%s )", sy->oid, sy->desc,
	    sy->binary ? " X-BINARY-TRANSFER-REQUIRED 'TRUE'" : "");
	add_str(p[0], p[1], p[2], "ldapSyntaxes", buf);
}

struct dse_add {
	struct arena		*a;
	const struct schema	*sc;
	struct entry		*e;
};

static void
add_ext(const char *oid, void *arg)
{
	struct dse_add *d = arg;

	add_str(d->a, d->sc, d->e, "supportedExtension", oid);
}

void
rootdse_build(struct server *s)
{
	struct arena *a = &s->dse_arena;
	const struct schema *sc = s->schema;
	struct entry *e;
	void *args[3];
	size_t i;

	e = arena_calloc(a, 1, sizeof(*e));
	e->dn.bv_val = e->ndn.bv_val = "";
	add_str(a, sc, e, "objectClass", "top");
	add_str(a, sc, e, "namingContexts", s->suffix.bv_val);
	add_str(a, sc, e, "subschemaSubentry", SUBSCHEMA_DN);
	add_str(a, sc, e, "supportedLDAPVersion", "3");
	add_str(a, sc, e, "supportedSASLMechanisms", "EXTERNAL");
	add_str(a, sc, e, "supportedExtension", LDAP_EXOP_WHO_AM_I);
	add_str(a, sc, e, "supportedExtension", LDAP_EXOP_MODIFY_PASSWD);
	if (tls_configured())
		add_str(a, sc, e, "supportedExtension", LDAP_EXOP_START_TLS);
	{
		struct dse_add d = { a, sc, e };
		anon_rootdse(add_ext, &d);
	}
	add_str(a, sc, e, "supportedControl", LDAP_CONTROL_PAGEDRESULTS);
	add_str(a, sc, e, "supportedControl", LDAP_CONTROL_PASSWORDPOLICYREQUEST);
	add_str(a, sc, e, "supportedControl", LDAP_CONTROL_MANAGEDSAIT);
	/* all operational attributes ('+'), objectClass lists ('@'),
	 * absolute true/false filters, modify-increment */
	add_str(a, sc, e, "supportedFeatures", "1.3.6.1.4.1.4203.1.5.1");
	add_str(a, sc, e, "supportedFeatures", "1.3.6.1.4.1.4203.1.5.3");
	add_str(a, sc, e, "supportedFeatures", "1.3.6.1.1.14");
	add_str(a, sc, e, "vendorName", DIRSRV_VENDOR);
	add_str(a, sc, e, "vendorVersion", "unifiedid-dirsrv " UNIFIEDID_VERSION);
	s->rootdse = e;

	e = arena_calloc(a, 1, sizeof(*e));
	e->dn.bv_val = SUBSCHEMA_DN;
	e->dn.bv_len = strlen(SUBSCHEMA_DN);
	e->ndn.bv_val = "cn=subschema";
	e->ndn.bv_len = 12;
	add_str(a, sc, e, "objectClass", "top");
	add_str(a, sc, e, "objectClass", "subentry");
	add_str(a, sc, e, "objectClass", "subschema");
	add_str(a, sc, e, "objectClass", "extensibleObject");
	add_str(a, sc, e, "cn", "Subschema");
	for (i = 0; i < sc->nat; i++)
		add_str(a, sc, e, "attributeTypes", sc->at[i]->def_str);
	for (i = 0; i < sc->noc; i++)
		add_str(a, sc, e, "objectClasses", sc->oc[i]->def_str);
	args[0] = a;
	args[1] = (void *)(uintptr_t)sc;
	args[2] = e;
	mrule_each(add_mrule, args);
	syntax_each(add_syntax, args);
	s->subschema = e;
}
