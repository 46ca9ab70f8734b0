/*
 * dn.c - distinguished names.  Parsing and string encoding are libldap's
 * (ldap_bv2dn, ldap_dn2bv); this file adds the schema-aware part that
 * libldap cannot do: attribute types mapped to their canonical names and
 * values normalised by the type's equality rule, so that
 * "UID=Alice, OU=People" and "uid=alice,ou=people" are the same entry.
 */
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "dirsrv.h"

#define DN_MAX	8192

static int
ava_cmp(const void *a, const void *b)
{
	const LDAPAVA *x = *(LDAPAVA *const *)a, *y = *(LDAPAVA *const *)b;
	size_t n;
	int c;

	n = x->la_attr.bv_len < y->la_attr.bv_len ? x->la_attr.bv_len :
	    y->la_attr.bv_len;
	if ((c = memcmp(x->la_attr.bv_val, y->la_attr.bv_val, n)) != 0)
		return c;
	if (x->la_attr.bv_len != y->la_attr.bv_len)
		return x->la_attr.bv_len < y->la_attr.bv_len ? -1 : 1;
	n = x->la_value.bv_len < y->la_value.bv_len ? x->la_value.bv_len :
	    y->la_value.bv_len;
	if (n && (c = memcmp(x->la_value.bv_val, y->la_value.bv_val, n)) != 0)
		return c;
	return (x->la_value.bv_len > y->la_value.bv_len) -
	    (x->la_value.bv_len < y->la_value.bv_len);
}

static int
dn_to_arena(struct arena *a, LDAPDN dn, struct berval *out)
{
	struct berval s = { 0, NULL };

	if (ldap_dn2bv(dn, &s, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) !=
	    LDAP_SUCCESS)
		return -1;
	out->bv_val = arena_memdup(a, s.bv_val ? s.bv_val : "", s.bv_len);
	out->bv_len = s.bv_len;
	ber_memfree(s.bv_val);
	return 0;
}

/* DN-valued RDN values (a DN inside a DN) normalise recursively: bound
 * the depth so that crafted nesting cannot cost exponential time */
#define DN_DEPTH_MAX	3
static __thread int dn_depth;

static int dn_normalize1(const struct schema *, struct arena *,
    const struct berval *, struct berval *, struct berval *);

int
dn_normalize(const struct schema *s, struct arena *a, const struct berval *in,
    struct berval *pretty, struct berval *ndn)
{
	int rc;

	if (dn_depth >= DN_DEPTH_MAX)
		return LDAP_INVALID_DN_SYNTAX;
	dn_depth++;
	rc = dn_normalize1(s, a, in, pretty, ndn);
	dn_depth--;
	return rc;
}

static int
dn_normalize1(const struct schema *s, struct arena *a, const struct berval *in,
    struct berval *pretty, struct berval *ndn)
{
	LDAPDN dn = NULL;
	LDAPAVA **saved = NULL, *ava;
	struct berval *orig_attr = NULL, *orig_val = NULL;
	size_t navas = 0, k, r, i, nr;
	int rc = LDAP_INVALID_DN_SYNTAX;

	if (in->bv_len == 0) {
		pretty->bv_val = ndn->bv_val = arena_strndup(a, "", 0);
		pretty->bv_len = ndn->bv_len = 0;
		return LDAP_SUCCESS;
	}
	if (in->bv_len > DN_MAX || memchr(in->bv_val, '\0', in->bv_len))
		return LDAP_INVALID_DN_SYNTAX;
	{
		/* libldap reads the byte after bv_len: give it a terminated
		 * copy (callers pass slices of larger strings) */
		struct berval tmp = { in->bv_len, arena_memdup(a, in->bv_val,
		    in->bv_len) };
		if (ldap_bv2dn(&tmp, &dn, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
			return LDAP_INVALID_DN_SYNTAX;
	}
	if (dn == NULL)
		goto fail;
	for (nr = 0; dn[nr] != NULL; nr++)
		for (k = 0; dn[nr][k] != NULL; k++)
			navas++;
	saved = xcalloc(navas, sizeof(*saved));
	orig_attr = xcalloc(navas, sizeof(*orig_attr));
	orig_val = xcalloc(navas, sizeof(*orig_val));
	/* save the AVAs so that libldap frees what it allocated */
	for (i = 0, r = 0; r < nr; r++)
		for (k = 0; dn[r][k] != NULL; k++, i++) {
			saved[i] = dn[r][k];
			orig_attr[i] = dn[r][k]->la_attr;
			orig_val[i] = dn[r][k]->la_value;
		}
	/* pretty: canonical type names, values as given */
	for (i = 0; i < navas; i++) {
		struct attrtype *at;
		const struct syntax *syn;

		ava = saved[i];
		at = schema_at(s, ava->la_attr.bv_val, ava->la_attr.bv_len);
		if (at == NULL || (ava->la_flags & LDAP_AVA_BINARY))
			goto restore;
		syn = at_syntax(at);
		if (syn != NULL && syn->validate != NULL &&
		    !syn->validate(&ava->la_value))
			goto restore;
		ava->la_attr.bv_val = (char *)(uintptr_t)at->name;
		ava->la_attr.bv_len = strlen(at->name);
	}
	if (dn_to_arena(a, dn, pretty) != 0)
		goto restore;
	/* normalised: lower-case names, normalised values, sorted RDNs */
	for (i = 0; i < navas; i++) {
		struct attrtype *at;
		const struct mrule *mr;
		struct berval nv;

		ava = saved[i];
		at = schema_at(s, ava->la_attr.bv_val, ava->la_attr.bv_len);
		mr = at_eq(at);
		if (mr != NULL && mr->norm != NULL) {
			if (mr->norm(a, &orig_val[i], &nv) != 0)
				goto restore;
		} else
			nv = orig_val[i];
		ava->la_value = nv;
		ava->la_attr.bv_val = arena_strndup(a, at->name, strlen(at->name));
		ava->la_attr.bv_len = strlen(at->name);
		for (k = 0; k < ava->la_attr.bv_len; k++)
			if (ava->la_attr.bv_val[k] >= 'A' &&
			    ava->la_attr.bv_val[k] <= 'Z')
				ava->la_attr.bv_val[k] += 32;
	}
	for (r = 0; r < nr; r++) {
		for (k = 0; dn[r][k] != NULL; k++)
			;
		if (k > 1)
			qsort(dn[r], k, sizeof(LDAPAVA *), ava_cmp);
	}
	if (dn_to_arena(a, dn, ndn) != 0)
		goto restore;
	rc = LDAP_SUCCESS;
restore:
	/* put the original AVAs back in their original order */
	for (i = 0, r = 0; r < nr; r++)
		for (k = 0; dn[r][k] != NULL; k++, i++) {
			dn[r][k] = saved[i];
			saved[i]->la_attr = orig_attr[i];
			saved[i]->la_value = orig_val[i];
		}
fail:
	free(saved);
	free(orig_attr);
	free(orig_val);
	if (dn != NULL)
		ldap_dnfree(dn);
	return rc;
}

/* offset of the first unescaped ',' in dn, or dn->bv_len */
static size_t
dn_first_sep(const struct berval *dn)
{
	size_t i;

	for (i = 0; i < dn->bv_len; i++) {
		if (dn->bv_val[i] == '\\')
			i++;
		else if (dn->bv_val[i] == ',')
			return i;
	}
	return dn->bv_len;
}

void
dn_parent(const struct berval *dn, struct berval *parent)
{
	size_t i = dn_first_sep(dn);

	if (i >= dn->bv_len) {
		parent->bv_val = dn->bv_val + dn->bv_len;
		parent->bv_len = 0;
		return;
	}
	parent->bv_val = dn->bv_val + i + 1;
	parent->bv_len = dn->bv_len - i - 1;
}

void
dn_rdn(const struct berval *dn, struct berval *rdn)
{
	rdn->bv_val = dn->bv_val;
	rdn->bv_len = dn_first_sep(dn);
}

int
dn_is_suffix(const struct berval *ndn, const struct berval *base)
{
	size_t off, bs;

	if (base->bv_len == 0)
		return 1;
	if (ndn->bv_len < base->bv_len)
		return 0;
	if (ndn->bv_len == base->bv_len)
		return memcmp(ndn->bv_val, base->bv_val, base->bv_len) == 0;
	off = ndn->bv_len - base->bv_len;
	if (ndn->bv_val[off - 1] != ',' ||
	    memcmp(ndn->bv_val + off, base->bv_val, base->bv_len) != 0)
		return 0;
	/* the comma must not be escaped: count the backslashes before it */
	for (bs = 0; off >= 2 + bs && ndn->bv_val[off - 2 - bs] == '\\'; bs++)
		;
	return (bs & 1) == 0;
}

void
dn_key(const struct berval *ndn, char *out)
{
	struct berval rest = *ndn, rdn;
	char *end;

	/* copy RDNs from the end: "a,b,c" -> "c\0b\0a" */
	end = out + ndn->bv_len;
	while (rest.bv_len > 0) {
		dn_rdn(&rest, &rdn);
		end -= rdn.bv_len;
		memcpy(end, rdn.bv_val, rdn.bv_len);
		if (rdn.bv_len < rest.bv_len) {
			*--end = '\0';
			rest.bv_val += rdn.bv_len + 1;
			rest.bv_len -= rdn.bv_len + 1;
		} else
			rest.bv_len = 0;
	}
}

int
dn_rdn_avas(const struct schema *s, struct arena *a, const struct berval *dn,
    struct rdn_ava **avas, size_t *n)
{
	LDAPDN ldn = NULL;
	struct berval tmp = *dn;
	size_t k, cnt;

	*avas = NULL;
	*n = 0;
	if (dn->bv_len == 0)
		return LDAP_SUCCESS;
	if (ldap_bv2dn(&tmp, &ldn, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS ||
	    ldn == NULL || ldn[0] == NULL) {
		if (ldn)
			ldap_dnfree(ldn);
		return LDAP_INVALID_DN_SYNTAX;
	}
	for (cnt = 0; ldn[0][cnt] != NULL; cnt++)
		;
	*avas = arena_calloc(a, cnt, sizeof(**avas));
	for (k = 0; k < cnt; k++) {
		LDAPAVA *ava = ldn[0][k];

		(*avas)[k].at = schema_at(s, ava->la_attr.bv_val,
		    ava->la_attr.bv_len);
		if ((*avas)[k].at == NULL) {
			ldap_dnfree(ldn);
			return LDAP_INVALID_DN_SYNTAX;
		}
		(*avas)[k].val.bv_val = arena_memdup(a, ava->la_value.bv_val,
		    ava->la_value.bv_len);
		(*avas)[k].val.bv_len = ava->la_value.bv_len;
	}
	*n = cnt;
	ldap_dnfree(ldn);
	return LDAP_SUCCESS;
}

size_t
dn_count(const struct berval *dn)
{
	struct berval rest = *dn;
	size_t n = 0;

	while (rest.bv_len > 0) {
		dn_parent(&rest, &rest);
		n++;
	}
	return n;
}
