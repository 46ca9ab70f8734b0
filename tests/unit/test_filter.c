/*
 * test_filter.c - search filters: filter_from_string / filter_decode and
 * filter_match against entries built in memory, for every filter type and
 * matching rule (caseIgnore, caseExact, integer, generalizedTime, DN,
 * telephoneNumber, substrings, presence, approx, extensible with :dn:),
 * and the three-valued logic of RFC 4511 4.5.1.7 with unknown attributes.
 * Malformed BER filters must be refused with the right code, not crash.
 * Run from the repository root (it loads schema/).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirsrv.h"
#include "check.h"

static struct schema *s;
static struct store st;		/* only .schema is used: no external attrs */
static struct arena ea;		/* entry memory */

static struct berval
bv(const char *str)
{
	struct berval b = { strlen(str), (char *)(uintptr_t)str };

	return b;
}

/* add values of type name to e (normalised as the server stores them) */
static void
put(struct entry *e, const char *name, ...)
{
	struct attrtype *at = schema_at(s, name, strlen(name));
	struct attr *a;
	const char *v;
	va_list ap;

	if (at == NULL) {
		CHECK(0, "schema knows %s", name);
		return;
	}
	a = entry_find(e, at);
	if (a == NULL)
		a = entry_add_attr(&ea, e, at, NULL);
	va_start(ap, name);
	while ((v = va_arg(ap, const char *)) != NULL) {
		struct berval val = bv(v), nv;
		if (value_normalize(&ea, at, &val, &nv) != 0) {
			CHECK(0, "value %s: %s is valid", name, v);
			continue;
		}
		val.bv_val = arena_strndup(&ea, v, strlen(v));
		attr_append_value(&ea, a, &val, &nv);
	}
	va_end(ap);
}

static void
set_dn(struct entry *e, const char *dn)
{
	struct berval in = bv(dn);

	memset(e, 0, sizeof(*e));
	if (dn_normalize(s, &ea, &in, &e->dn, &e->ndn) != LDAP_SUCCESS)
		CHECK(0, "entry DN %s is valid", dn);
	e->id = 1;
}

static struct entry alice, org;

static void
build_entries(void)
{
	set_dn(&alice, "uid=alice,ou=people,dc=example,dc=gov,dc=cn");
	put(&alice, "objectClass", "top", "inetOrgPerson", "posixAccount",
	    NULL);
	put(&alice, "uid", "alice", NULL);
	put(&alice, "cn", "Alice Smith", "张三", NULL);
	put(&alice, "sn", "Smith", NULL);
	put(&alice, "mail", "Alice@Example.COM", NULL);
	put(&alice, "uidNumber", "10001", NULL);
	put(&alice, "gidNumber", "-20", NULL);
	put(&alice, "homeDirectory", "/home/Alice", NULL);
	put(&alice, "telephoneNumber", "+86 10-1234 5678", NULL);
	put(&alice, "description", "the quick brown fox", NULL);
	put(&alice, "ou", "abab", NULL);
	put(&alice, "manager", "UID=Bob, OU=People,DC=example,dc=gov,dc=cn",
	    NULL);
	put(&alice, "createTimestamp", "20240101120000Z", NULL);
	put(&alice, "memberUid", "Bob", NULL);
	put(&alice, "labeledURI", "http://Example.com/", NULL);

	set_dn(&org, "orgCode=fin,ou=orgs,dc=example,dc=gov,dc=cn");
	put(&org, "objectClass", "top", "organizationalUnit", NULL);
	put(&org, "ou", "财政局", NULL);
	put(&org, "orgCode", "fin", NULL);
	put(&org, "gidNumber", "10005", NULL);
}

static const char *
res_name(int r)
{
	return r == FR_TRUE ? "TRUE" : r == FR_FALSE ? "FALSE" :
	    r == FR_UNDEF ? "UNDEFINED" : "?";
}

/* evaluate str against e, expect want (FR_TRUE, FR_FALSE, FR_UNDEF) */
static void
fm(const struct entry *e, const char *str, int want)
{
	struct arena a = { 0 };
	struct filter *f = NULL;
	int rc, r = -1;

	rc = filter_from_string(s, &a, str, &f);
	if (rc == LDAP_SUCCESS && f != NULL)
		r = filter_match(&st, NULL, &a, f, e);
	CHECK(rc == LDAP_SUCCESS && r == want, "%s on %s is %s (got rc %d, %s)",
	    str, e == &alice ? "alice" : "fin", res_name(want), rc,
	    res_name(r));
	arena_free(&a);
}

#define T(str)	fm(&alice, str, FR_TRUE)
#define F(str)	fm(&alice, str, FR_FALSE)
#define U(str)	fm(&alice, str, FR_UNDEF)

static void
test_equality(void)
{
	/* caseIgnore */
	T("(cn=Alice Smith)");
	T("(cn=alice smith)");
	T("(cn=ALICE    SMITH)");
	T("(cn=  alice smith  )");
	F("(cn=alice)");
	F("(cn=alicesmith)");
	T("(cn=张三)");
	F("(cn=张 三)");
	T("(CN=alice smith)");
	T("(commonName=alice smith)");
	T("(2.5.4.3=alice smith)");
	T("(sn=SMITH)");
	T("(uid=ALICE)");
	/* a supertype matches its subtypes' values */
	T("(name=alice smith)");
	T("(name=abab)");
	/* caseIgnoreIA5 */
	T("(mail=alice@example.com)");
	/* caseExact / caseExactIA5 */
	T("(homeDirectory=/home/Alice)");
	F("(homeDirectory=/home/alice)");
	T("(memberUid=Bob)");
	F("(memberUid=bob)");
	T("(labeledURI=http://Example.com/)");
	F("(labeledURI=http://example.com/)");
	/* objectClass (OID syntax, names fold) */
	T("(objectClass=inetOrgPerson)");
	T("(objectclass=INETORGPERSON)");
	T("(objectClass=2.16.840.1.113730.3.2.2)");
	F("(objectClass=posixGroup)");
	/* integer */
	T("(uidNumber=10001)");
	T("(uidNumber=010001)");
	F("(uidNumber=1000)");
	F("(uidNumber=-10001)");
	T("(gidNumber=-20)");
	T("(gidNumber=-020)");
	F("(gidNumber=20)");
	/* an assertion the rule cannot read is Undefined, not an error */
	U("(uidNumber=abc)");
	U("(uidNumber=)");
	/* DN equality */
	T("(manager=uid=bob,ou=people,dc=example,dc=gov,dc=cn)");
	T("(manager=UID=BOB , OU=PEOPLE, DC=Example,DC=GOV,DC=CN)");
	T("(manager=0.9.2342.19200300.100.1.1=bob,ou=people,dc=example,dc=gov,dc=cn)");
	F("(manager=uid=carol,ou=people,dc=example,dc=gov,dc=cn)");
	F("(manager=uid=bob,ou=people,dc=example,dc=gov)");
	U("(manager=not a dn)");
	/* telephoneNumber: spaces and hyphens are insignificant */
	T("(telephoneNumber=+861012345678)");
	T("(telephoneNumber=+86-10-1234-5678)");
	T("(telephoneNumber=+86 1012 345 678)");
	F("(telephoneNumber=+861012345679)");
	/* generalizedTime: same instant in any zone */
	T("(createTimestamp=20240101120000Z)");
	T("(createTimestamp=20240101200000+0800)");
	T("(createTimestamp=20240101070000-0500)");
	T("(createTimestamp=20231231230000-1300)");
	T("(createTimestamp=202401011200Z)");
	T("(createTimestamp=2024010112Z)");
	T("(createTimestamp=20240101120000.000Z)");
	T("(createTimestamp=20240101173000+0530)");
	F("(createTimestamp=20240101120000.5Z)");
	F("(createTimestamp=20240101120001Z)");
	F("(createTimestamp=20240101120000+0800)");
	U("(createTimestamp=yesterday)");
	U("(createTimestamp=20240231120000Z)");
	/* no such attribute in the entry: FALSE; unknown type: Undefined */
	F("(seeAlso=cn=x)");
	F("(title=boss)");
	U("(noSuchAttribute=x)");
	U("(krbPrincipalName=alice)");
	/* attribute options must match */
	F("(cn;lang-en=alice smith)");
}

static void
test_ordering(void)
{
	/* integer ordering: numeric, not lexicographic */
	T("(uidNumber>=9999)");
	F("(uidNumber<=9999)");
	T("(uidNumber>=10001)");
	T("(uidNumber<=10001)");
	F("(uidNumber<=10000)");
	F("(uidNumber>=100000)");
	T("(uidNumber<=100000)");
	T("(uidNumber>=-5)");
	T("(uidNumber>=0)");
	T("(uidNumber<=0000000000000000000010001)");
	/* negatives */
	T("(gidNumber<=-3)");
	F("(gidNumber>=-3)");
	T("(gidNumber>=-100)");
	F("(gidNumber<=-100)");
	T("(gidNumber<=0)");
	F("(gidNumber>=0)");
	T("(gidNumber>=-20)");
	T("(gidNumber<=-20)");
	F("(gidNumber>=-19)");
	T("(gidNumber<=-19)");
	F("(gidNumber<=-21)");
	T("(gidNumber<=99999999999999999999999)");
	T("(gidNumber>=-99999999999999999999999)");
	U("(uidNumber>=ten)");
	/* generalizedTime ordering across zones */
	T("(createTimestamp>=20240101115959Z)");
	T("(createTimestamp>=20240101195959+0800)");
	F("(createTimestamp>=20240101200001+0800)");
	T("(createTimestamp<=20240101070000-0500)");
	F("(createTimestamp<=20240101065959-0500)");
	T("(createTimestamp>=2023123100Z)");
	T("(createTimestamp<=20250101000000Z)");
	/* fractions of a second order after the whole second */
	F("(createTimestamp>=20240101120000.5Z)");
	T("(createTimestamp<=20240101120000.5Z)");
	T("(createTimestamp>=20240101115959.9Z)");
	F("(createTimestamp<=20240101115959.9Z)");
	/* a zone offset that moves the instant past year 9999 must not
	 * order it before 2024 (Undefined is acceptable) */
	{
		struct arena a = { 0 };
		struct filter *f = NULL;
		int r = -1;

		if (filter_from_string(s, &a,
		    "(createTimestamp<=99991231235959-2359)", &f) == 0)
			r = filter_match(&st, NULL, &a, f, &alice);
		CHECK(r == FR_TRUE || r == FR_UNDEF, "(createTimestamp<="
		    "99991231235959-2359) on alice is TRUE or UNDEFINED (got %s)",
		    res_name(r));
		arena_free(&a);
	}
	/* caseIgnore has no ORDERING in core.schema for cn: Undefined */
	U("(cn>=a)");
	/* unknown type */
	U("(noSuchAttribute>=1)");
}

static void
test_substrings(void)
{
	T("(description=the*)");
	T("(description=*fox)");
	T("(description=*quick*)");
	T("(description=the*fox)");
	T("(description=*QUICK*BROWN*)");
	T("(description=THE Q*K B*N FOX)");
	T("(description=*o*o*)");
	F("(description=*o*o*o*)");
	F("(description=*brown*quick*)");
	F("(description=quick*)");
	F("(description=*quick)");
	/* initial and final must not overlap */
	F("(description=the quick*quick brown fox)");
	F("(description=the quick brown fox*fox)");
	T("(description=the quick brown*fox)");
	T("(ou=ab*ab)");
	T("(ou=aba*)");
	T("(ou=*bab)");
	F("(ou=aba*bab)");
	F("(ou=a*ab*ab)");
	T("(ou=a*b*b)");
	F("(ou=ab*ab*ab)");
	T("(ou=abab*)");
	T("(ou=*abab)");
	F("(ou=abab*b)");
	T("(ou=*)");
	/* caseExact substrings */
	T("(memberUid=B*)");
	F("(memberUid=b*)");
	/* telephoneNumber substrings ignore spaces and hyphens */
	T("(telephoneNumber=*1234*)");
	T("(telephoneNumber=*12 34*)");
	T("(telephoneNumber=+86*5678)");
	T("(telephoneNumber=*10-12*)");
	F("(telephoneNumber=*4321*)");
	/* UTF-8 */
	T("(cn=张*)");
	T("(cn=*三)");
	F("(cn=*四*)");
	/* supertype */
	T("(name=*smith)");
	/* a type without a SUBSTR rule: Undefined */
	U("(uidNumber=1*)");
	U("(noSuchAttribute=a*)");
	/* escaped specials */
	F("(description=*\\2a*)");
}

static void
test_presence_approx_ext(void)
{
	T("(cn=*)");
	T("(objectClass=*)");
	T("(uidNumber=*)");
	T("(name=*)");
	F("(seeAlso=*)");
	F("(title=*)");
	U("(noSuchAttribute=*)");
	T("(!(seeAlso=*))");
	U("(!(noSuchAttribute=*))");
	F("(cn;lang-en=*)");

	/* approx: at least equality */
	T("(cn~=alice smith)");
	T("(cn~=ALICE SMITH)");
	F("(cn~=bob)");
	T("(uidNumber~=10001)");
	U("(noSuchAttribute~=x)");

	/* extensible */
	T("(cn:caseExactMatch:=Alice Smith)");
	F("(cn:caseExactMatch:=alice smith)");
	T("(cn:2.5.13.5:=Alice Smith)");
	T("(cn:caseIgnoreMatch:=ALICE SMITH)");
	T("(cn:=alice smith)");
	T("(:caseIgnoreMatch:=smith)");
	F("(:caseIgnoreMatch:=nobody)");
	T("(ou:dn:=people)");
	T("(ou:dn:=PEOPLE)");
	F("(ou:dn:=orgs)");
	F("(ou=people)");
	T("(uid:dn:caseIgnoreMatch:=ALICE)");
	T("(:dn:2.5.13.2:=people)");
	T("(dc:dn:=gov)");
	F("(uid:dn:caseExactMatch:=ALICE)");
	T("(name:dn:=people)");
	U("(cn:noSuchRule:=x)");
	U("(noSuchAttribute:=x)");
	U("(noSuchAttribute:dn:=x)");
	fm(&org, "(ou:dn:=orgs)", FR_TRUE);
	fm(&org, "(orgCode:dn:=FIN)", FR_TRUE);
	fm(&org, "(ou:dn:=people)", FR_FALSE);
}

static void
test_logic(void)
{
	/* T = (uid=alice), F = (uid=bob), U = (noSuchAttribute=x) */
	T("(&(uid=alice)(cn=alice smith))");
	F("(&(uid=alice)(uid=bob))");
	U("(&(uid=alice)(noSuchAttribute=x))");
	F("(&(uid=bob)(noSuchAttribute=x))");
	F("(&(noSuchAttribute=x)(uid=bob))");
	T("(|(uid=alice)(noSuchAttribute=x))");
	T("(|(noSuchAttribute=x)(uid=alice))");
	U("(|(uid=bob)(noSuchAttribute=x))");
	F("(|(uid=bob)(uid=carol))");
	U("(!(noSuchAttribute=x))");
	F("(!(uid=alice))");
	T("(!(uid=bob))");
	T("(!(&(uid=bob)(noSuchAttribute=x)))");
	U("(!(|(uid=bob)(noSuchAttribute=x)))");
	T("(!(!(uid=alice)))");
	U("(!(!(noSuchAttribute=x)))");
	T("(&)");
	F("(|)");
	F("(!(&))");
	T("(!(|))");
	T("(&(&)(uid=alice))");
	F("(|(|)(uid=bob))");
	/* what SSSD sends (contract 4b) */
	T("(&(uid=alice)(objectclass=posixAccount)(&(uidNumber=*)"
	    "(!(uidNumber=0))))");
	F("(&(uid=alice)(objectclass=posixGroup)(cn=*)(&(gidNumber=*)"
	    "(!(gidNumber=0))))");
	T("(&(objectClass=posixAccount)(|(uid=alice)(krbPrincipalName=x)))");
	U("(&(objectClass=posixAccount)(|(uid=bob)(krbPrincipalName=x)))");
	F("(&(objectClass=posixAccount)(!(|(uid=alice)(krbPrincipalName=x))))");
	/* nslcd */
	fm(&org, "(&(objectClass=organizationalUnit)(|(memberUid=alice)"
	    "(member=uid=alice,ou=people,dc=example,dc=gov,dc=cn)))",
	    FR_FALSE);
	fm(&org, "(&(objectClass=organizationalUnit)(gidNumber>=10000))",
	    FR_TRUE);
}

/* ---- malformed filters ---- */

static int
decode_bytes(const unsigned char *p, size_t n)
{
	struct arena a = { 0 };
	struct filter *f = NULL;
	struct berval b;
	BerElement *ber;
	char *copy = malloc(n + 1);	/* liblber may NUL-terminate in place */
	int rc;

	memcpy(copy, p, n);
	copy[n] = 0;
	b.bv_val = copy;
	b.bv_len = n;
	ber = ber_init(&b);
	if (ber == NULL) {
		free(copy);
		return -1;
	}
	rc = filter_decode(s, &a, ber, &f);
	/* a decoded filter must be usable */
	if (rc == LDAP_SUCCESS && f != NULL) {
		struct buf out = { 0 };
		(void)filter_match(&st, NULL, &a, f, &alice);
		filter_to_string(f, &out);
		buf_free(&out);
	}
	ber_free(ber, 1);
	arena_free(&a);
	free(copy);
	return rc;
}

/* wrap content in a TLV with a definite length */
static size_t
tlv(unsigned char *out, unsigned tag, const unsigned char *c, size_t n)
{
	size_t h = 0;

	out[h++] = (unsigned char)tag;
	if (n < 0x80)
		out[h++] = (unsigned char)n;
	else if (n < 0x100) {
		out[h++] = 0x81;
		out[h++] = (unsigned char)n;
	} else {
		out[h++] = 0x82;
		out[h++] = (unsigned char)(n >> 8);
		out[h++] = (unsigned char)n;
	}
	memmove(out + h, c, n);
	return h + n;
}

static void
test_malformed(void)
{
	unsigned char buf[65536], tmp[65536];
	size_t n, i;
	int rc;
	struct arena a = { 0 };
	struct filter *f;

	/* string filters that do not parse */
	rc = filter_from_string(s, &a, "(cn=a", &f);
	CHECK(rc == LDAP_FILTER_ERROR, "\"(cn=a\" is a filter error (%d)", rc);
	rc = filter_from_string(s, &a, "(&(cn=a)(sn=b)", &f);
	CHECK(rc == LDAP_FILTER_ERROR, "unbalanced parentheses are a filter "
	    "error (%d)", rc);
	rc = filter_from_string(s, &a, "(cn=a\\zz)", &f);
	CHECK(rc == LDAP_FILTER_ERROR, "a bad escape is a filter error (%d)",
	    rc);
	arena_free(&a);

	/* unknown filter tag 0xaa */
	{
		static const unsigned char p[] = { 0xaa, 0x04, 0x04, 0x02, 'c',
		    'n' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "filter tag 0xaa is a protocol "
		    "error (%d)", rc);
	}
	/* substrings with an empty list */
	{
		static const unsigned char p[] = { 0xa4, 0x06, 0x04, 0x02, 'c',
		    'n', 0x30, 0x00 };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "substrings without pieces is a "
		    "protocol error (%d)", rc);
	}
	/* substrings: initial after any */
	{
		static const unsigned char p[] = { 0xa4, 0x0c, 0x04, 0x02, 'c',
		    'n', 0x30, 0x06, 0x81, 0x01, 'a', 0x80, 0x01, 'b' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "substrings initial after any is "
		    "a protocol error (%d)", rc);
	}
	/* substrings: two finals */
	{
		static const unsigned char p[] = { 0xa4, 0x0c, 0x04, 0x02, 'c',
		    'n', 0x30, 0x06, 0x82, 0x01, 'a', 0x82, 0x01, 'b' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "two substrings finals is a "
		    "protocol error (%d)", rc);
	}
	/* substrings: a piece with a wrong tag */
	{
		static const unsigned char p[] = { 0xa4, 0x09, 0x04, 0x02, 'c',
		    'n', 0x30, 0x03, 0x85, 0x01, 'a' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "a substrings piece tagged [5] "
		    "is a protocol error (%d)", rc);
	}
	/* equality with a missing value */
	{
		static const unsigned char p[] = { 0xa3, 0x04, 0x04, 0x02, 'c',
		    'n' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "equality without a value is a "
		    "protocol error (%d)", rc);
	}
	/* length running past the end */
	{
		static const unsigned char p[] = { 0xa3, 0x7f, 0x04, 0x02, 'c',
		    'n', 0x04, 0x01, 'x' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "a length past the end is a "
		    "protocol error (%d)", rc);
	}
	/* extensible with neither type nor rule */
	{
		static const unsigned char p[] = { 0xa9, 0x03, 0x83, 0x01, 'x' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_PROTOCOL_ERROR, "extensible without type and rule "
		    "is a protocol error (%d)", rc);
	}
	/* empty input */
	rc = decode_bytes((const unsigned char *)"", 0);
	CHECK(rc == LDAP_PROTOCOL_ERROR, "an empty filter is a protocol error "
	    "(%d)", rc);
	/* NOT nested 200 deep around (cn=x) */
	{
		static const unsigned char leaf[] = { 0x87, 0x02, 'c', 'n' };
		memcpy(buf, leaf, sizeof(leaf));
		n = sizeof(leaf);
		for (i = 0; i < 200; i++) {
			memcpy(tmp, buf, n);
			n = tlv(buf, 0xa2, tmp, n);
		}
		rc = decode_bytes(buf, n);
		CHECK(rc == LDAP_ADMINLIMIT_EXCEEDED ||
		    rc == LDAP_PROTOCOL_ERROR, "NOT nested 200 deep is refused "
		    "(%d)", rc);
		/* 30 deep is fine */
		memcpy(buf, leaf, sizeof(leaf));
		n = sizeof(leaf);
		for (i = 0; i < 30; i++) {
			memcpy(tmp, buf, n);
			n = tlv(buf, 0xa2, tmp, n);
		}
		rc = decode_bytes(buf, n);
		CHECK(rc == LDAP_SUCCESS, "NOT nested 30 deep is accepted (%d)",
		    rc);
	}
	/* AND nested 200 deep */
	{
		static const unsigned char leaf[] = { 0x87, 0x02, 'c', 'n' };
		memcpy(buf, leaf, sizeof(leaf));
		n = sizeof(leaf);
		for (i = 0; i < 200; i++) {
			memcpy(tmp, buf, n);
			n = tlv(buf, 0xa0, tmp, n);
		}
		rc = decode_bytes(buf, n);
		CHECK(rc == LDAP_ADMINLIMIT_EXCEEDED ||
		    rc == LDAP_PROTOCOL_ERROR, "AND nested 200 deep is refused "
		    "(%d)", rc);
	}
	/* an OR of 5000 presence filters */
	{
		static const unsigned char leaf[] = { 0x87, 0x02, 'c', 'n' };
		for (i = 0, n = 0; i < 5000; i++, n += sizeof(leaf))
			memcpy(tmp + n, leaf, sizeof(leaf));
		n = tlv(buf, 0xa1, tmp, n);
		rc = decode_bytes(buf, n);
		CHECK(rc == LDAP_ADMINLIMIT_EXCEEDED, "an OR of 5000 filters is "
		    "refused (%d)", rc);
	}
	/* an equality assertion with a NUL in the attribute description */
	{
		static const unsigned char p[] = { 0xa3, 0x0a, 0x04, 0x05, 'c',
		    'n', 0, 'x', 'y', 0x04, 0x01, 'x' };
		rc = decode_bytes(p, sizeof(p));
		CHECK(rc == LDAP_SUCCESS || rc == LDAP_PROTOCOL_ERROR,
		    "a NUL in an attribute description does not crash (%d)", rc);
	}
}

int
main(void)
{
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	s = schema_load("schema", err, sizeof(err));
	CHECK(s != NULL, "schema loads (%s)", s ? "ok" : err);
	if (s == NULL)
		return check_done();
	st.schema = s;
	build_entries();
	test_equality();
	test_ordering();
	test_substrings();
	test_presence_approx_ext();
	test_logic();
	test_malformed();
	arena_free(&ea);
	schema_free(s);
	return check_done();
}
